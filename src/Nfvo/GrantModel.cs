using Microsoft.EntityFrameworkCore;

namespace Mano.Nfvo;

/// <summary>PENDING (an asynchronous decision not taken yet), GRANTED or REJECTED.</summary>
public static class GrantStatus
{
    public const string Pending = "PENDING";
    public const string Granted = "GRANTED";
    public const string Rejected = "REJECTED";
}

/// <summary>
/// A grant decided by the NFVO (SOL003 9.5.2.3), kept so that a repeated request for the same LCM operation occurrence
/// gets the same answer, and so that "Individual grant" can be read (9.4.3). An asynchronous request (POST answered 202)
/// is PENDING until decided; its rejection is kept (GET answers 403). A synchronous rejection is not stored: asking again
/// after the cause is fixed may succeed.
/// </summary>
public sealed class GrantRecord
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string VnfInstanceId { get; set; }
    public required string VnfLcmOpOccId { get; set; }
    public required string Operation { get; set; }
    public string? VimId { get; set; }
    /// <summary>GrantRequest JSON.</summary>
    public required string Request { get; set; }
    /// <summary><see cref="GrantStatus"/>.</summary>
    public string Status { get; set; } = GrantStatus.Granted;
    /// <summary>Grant JSON once GRANTED.</summary>
    public string? Grant { get; set; }
    /// <summary>ProblemDetails JSON once REJECTED.</summary>
    public string? Rejection { get; set; }
    public DateTime RequestedAt { get; set; }
    public DateTime DecidedAt { get; set; }
}

/// <summary>
/// The ledger of granted resources: one row per resource of a VNF instance that a grant allowed to be added (and that no
/// later grant removed). Per-tenant quotas and VIM capacities are counted over it. Keyed by the ResourceDefinition id, which
/// Mano's VNFM keeps stable for the life of a resource (it is the VNFC / VL / storage / port id).
/// </summary>
public sealed class GrantedResource
{
    public required string TenantId { get; set; }
    public required string VnfInstanceId { get; set; }
    public required string ResourceDefinitionId { get; set; }
    /// <summary>COMPUTE, VL, STORAGE or LINKPORT.</summary>
    public required string Type { get; set; }
    public required string ResourceTemplateId { get; set; }
    public string? VnfdId { get; set; }
    public required string VimId { get; set; }
    /// <summary>The VIM's zone name (not the ZoneInfo id of the grant), for computes.</summary>
    public string? ZoneId { get; set; }
    /// <summary>The VIM-level id, once a later grant request names it (ResourceDefinition.resource).</summary>
    public string? VimResourceId { get; set; }
    public int Vcpus { get; set; }
    public long MemoryMiB { get; set; }
    public long StorageGiB { get; set; }
    public required string GrantId { get; set; }
    public DateTime GrantedAt { get; set; }
}

/// <summary>Per-tenant quota overrides (null: the configured default, Nfvo:Grants:Quotas). Its row is also the tenant's grant lock.</summary>
public sealed class TenantQuota
{
    public required string TenantId { get; set; }
    public int? MaxVnfcs { get; set; }
    public int? MaxVcpus { get; set; }
    public long? MaxMemoryMiB { get; set; }
    public long? MaxStorageGiB { get; set; }
    /// <summary>Bumped by every grant decision of the tenant: the UPDATE serialises decisions (row lock / SQLite write lock).</summary>
    public long Serial { get; set; }
}

/// <summary>A VIM's capacity as the NFVO may fill it (null: unlimited). A VIM without a row: the sandbox's default, else unlimited.</summary>
public sealed class VimCapacity
{
    public required string TenantId { get; set; }
    public required string VimId { get; set; }
    public int? MaxInstances { get; set; }
    public int? MaxVcpus { get; set; }
    public long? MaxMemoryMiB { get; set; }
    public long? MaxStorageGiB { get; set; }
}

public abstract partial class NfvoDbContext
{
    public DbSet<GrantRecord> Grants => Set<GrantRecord>();
    public DbSet<GrantedResource> GrantedResources => Set<GrantedResource>();
    public DbSet<TenantQuota> TenantQuotas => Set<TenantQuota>();
    public DbSet<VimCapacity> VimCapacities => Set<VimCapacity>();

    private void ConfigureGrants(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<GrantRecord>(e =>
        {
            e.ToTable("grants");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.VnfInstanceId).HasMaxLength(64);
            e.Property(x => x.VnfLcmOpOccId).HasMaxLength(64);
            e.Property(x => x.Operation).HasMaxLength(32);
            e.Property(x => x.VimId).HasMaxLength(64);
            e.Property(x => x.Status).HasMaxLength(16);
            e.HasIndex(x => new { x.TenantId, x.VnfLcmOpOccId }).IsUnique();
            e.HasIndex(x => new { x.TenantId, x.VimId });
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });

        modelBuilder.Entity<GrantedResource>(e =>
        {
            e.ToTable("granted_resources");
            e.HasKey(x => new { x.TenantId, x.VnfInstanceId, x.ResourceDefinitionId });
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.VnfInstanceId).HasMaxLength(64);
            e.Property(x => x.ResourceDefinitionId).HasMaxLength(255);
            e.Property(x => x.Type).HasMaxLength(16);
            e.Property(x => x.ResourceTemplateId).HasMaxLength(255);
            e.Property(x => x.VnfdId).HasMaxLength(255);
            e.Property(x => x.VimId).HasMaxLength(64);
            e.Property(x => x.ZoneId).HasMaxLength(255);
            e.Property(x => x.VimResourceId).HasMaxLength(255);
            e.Property(x => x.GrantId).HasMaxLength(64);
            e.HasIndex(x => new { x.TenantId, x.VimId });
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });

        modelBuilder.Entity<TenantQuota>(e =>
        {
            e.ToTable("tenant_quotas");
            e.HasKey(x => x.TenantId);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });

        modelBuilder.Entity<VimCapacity>(e =>
        {
            e.ToTable("vim_capacities");
            e.HasKey(x => new { x.TenantId, x.VimId });
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.VimId).HasMaxLength(64);
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });
    }
}
