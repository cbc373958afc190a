using Mano.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Mano.Vnfm;

/// <summary>A VNF instance (SOL003 5.5.2.2) as the VNFM stores it. SOL sub-structures are JSON columns.</summary>
public sealed class VnfInstanceRecord
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public string? VnfInstanceName { get; set; }
    public string? VnfInstanceDescription { get; set; }
    public required string VnfdId { get; set; }
    public required string VnfPkgId { get; set; }
    public required string VnfProvider { get; set; }
    public required string VnfProductName { get; set; }
    public required string VnfSoftwareVersion { get; set; }
    public required string VnfdVersion { get; set; }
    public required string InstantiationState { get; set; }
    public string? InstantiatedVnfInfo { get; set; }
    /// <summary>Map of VimConnectionInfo from the grant. Holds credentials: never returned, never logged.</summary>
    public string? VimConnectionInfo { get; set; }
    public string? Metadata { get; set; }
    public string? Extensions { get; set; }
    public string? VnfConfigurableProperties { get; set; }
    /// <summary>
    /// The instance's current desired resources (<see cref="LcmPlan"/> JSON): what the last completed operation left, the
    /// base every later operation plans from, and what a rollback returns to. Null while NOT_INSTANTIATED.
    /// </summary>
    public string? ResourcePlan { get; set; }
    /// <summary>The one non-final LCM operation of this instance (SOL003 5.6.2.2: one at a time), or null.</summary>
    public string? CurrentOpOccId { get; set; }
    public DateTime CreatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>A VNF LCM operation occurrence (SOL003 5.5.2.13). The row IS the state of the operation.</summary>
public sealed class VnfLcmOpOccRecord
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string VnfInstanceId { get; set; }
    public required string Operation { get; set; }
    public required string OperationState { get; set; }
    public DateTime StateEnteredTime { get; set; }
    public DateTime StartTime { get; set; }
    public bool IsAutomaticInvocation { get; set; }
    public bool IsCancelPending { get; set; }
    public string? OperationParams { get; set; }
    /// <summary>The resources this operation wants (ids chosen once, so a retry ensures the same ones).</summary>
    public string? Plan { get; set; }
    public string? GrantId { get; set; }
    public string? Grant { get; set; }
    public string? Error { get; set; }
    public string? ResourceChanges { get; set; }
    /// <summary>changedInfo (MODIFY_INFO) or modificationsTriggeredByVnfPkgChange (CHANGE_VNFPKG), JSON.</summary>
    public string? ChangedInfo { get; set; }
    public string? ChangedExtConnectivity { get; set; }
    /// <summary>SOL003 5.5.4.4 CancelModeType of a pending cancel: GRACEFUL or FORCEFUL.</summary>
    public string? CancelMode { get; set; }
    /// <summary>
    /// The instance as it was before this operation (<see cref="InstanceSnapshot"/> JSON), taken when the op occ is created:
    /// rollback restores it (instantiatedVnfInfo, resource plan, and the VIM resources that plan names).
    /// </summary>
    public string? PreviousState { get; set; }
    /// <summary>Worker lease: the worker driving this op until then; expired leases are taken over.</summary>
    public DateTime? LockedUntil { get; set; }
    public int Version { get; set; }
}

/// <summary>What rollback restores: the instance's attributes before an operation changed them.</summary>
public sealed record InstanceSnapshot(
    string InstantiationState, string? InstantiatedVnfInfo, string? ResourcePlan, string? VimConnectionInfo,
    string VnfdId, string VnfPkgId, string VnfProvider, string VnfProductName, string VnfSoftwareVersion, string VnfdVersion,
    string? VnfInstanceName, string? VnfInstanceDescription, string? Metadata, string? Extensions, string? VnfConfigurableProperties)
{
    public static InstanceSnapshot Of(VnfInstanceRecord i) => new(
        i.InstantiationState, i.InstantiatedVnfInfo, i.ResourcePlan, i.VimConnectionInfo,
        i.VnfdId, i.VnfPkgId, i.VnfProvider, i.VnfProductName, i.VnfSoftwareVersion, i.VnfdVersion,
        i.VnfInstanceName, i.VnfInstanceDescription, i.Metadata, i.Extensions, i.VnfConfigurableProperties);

    public void RestoreTo(VnfInstanceRecord i)
    {
        i.InstantiationState = InstantiationState;
        i.InstantiatedVnfInfo = InstantiatedVnfInfo;
        i.ResourcePlan = ResourcePlan;
        i.VimConnectionInfo = VimConnectionInfo;
        (i.VnfdId, i.VnfPkgId, i.VnfProvider, i.VnfProductName, i.VnfSoftwareVersion, i.VnfdVersion) =
            (VnfdId, VnfPkgId, VnfProvider, VnfProductName, VnfSoftwareVersion, VnfdVersion);
        (i.VnfInstanceName, i.VnfInstanceDescription, i.Metadata, i.Extensions, i.VnfConfigurableProperties) =
            (VnfInstanceName, VnfInstanceDescription, Metadata, Extensions, VnfConfigurableProperties);
    }
}

/// <summary>An LCM notification subscription (SOL003 5.5.2.16).</summary>
public sealed class LccnSubscriptionRecord
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string CallbackUri { get; set; }
    public string? Filter { get; set; }
    /// <summary>SubscriptionAuthentication JSON. Secrets: never returned, never logged.</summary>
    public string? Authentication { get; set; }
    public required string Verbosity { get; set; }
    public DateTime CreatedAt { get; set; }
}

public partial class VnfmDbContext(DbContextOptions options, TenantContext tenant) : DbContext(options)
{
    public DbSet<VnfInstanceRecord> VnfInstances => Set<VnfInstanceRecord>();
    public DbSet<VnfLcmOpOccRecord> VnfLcmOpOccs => Set<VnfLcmOpOccRecord>();
    public DbSet<LccnSubscriptionRecord> Subscriptions => Set<LccnSubscriptionRecord>();
    public DbSet<NotificationDelivery> NotificationDeliveries => Set<NotificationDelivery>();

    /// <summary>The tenant every query of this unit of work is confined to.</summary>
    public string? TenantId => tenant.TenantId;

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<VnfInstanceRecord>(e =>
        {
            e.ToTable("vnf_instances");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.VnfdId).HasMaxLength(255);
            e.Property(x => x.InstantiationState).HasMaxLength(32);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.TenantId, x.VnfdId });
            e.HasQueryFilter(x => x.TenantId == TenantId);
        });
        model.Entity<VnfLcmOpOccRecord>(e =>
        {
            e.ToTable("vnf_lcm_op_occs");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.VnfInstanceId).HasMaxLength(64);
            e.Property(x => x.Operation).HasMaxLength(32);
            e.Property(x => x.OperationState).HasMaxLength(32);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.TenantId, x.VnfInstanceId });
            e.HasIndex(x => x.OperationState);
            e.HasQueryFilter(x => x.TenantId == TenantId);
        });
        model.Entity<LccnSubscriptionRecord>(e =>
        {
            e.ToTable("lccn_subscriptions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.Verbosity).HasMaxLength(16);
            e.HasIndex(x => x.TenantId);
            e.HasQueryFilter(x => x.TenantId == TenantId);
        });
        ConfigureVimResync(model); // VimResync.cs: observed VIM state and drift per instance
        model.AddOutbox();
        model.AddNotificationDeliveries();
    }
}

/// <summary>The VNFM model on SQLite (embedded shape): its own migrations in Migrations/Sqlite.</summary>
public sealed class VnfmSqliteDbContext(DbContextOptions<VnfmSqliteDbContext> options, TenantContext tenant)
    : VnfmDbContext(options, tenant)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder builder) => builder.UseUtcTimestamps();
}

/// <summary>The VNFM model on PostgreSQL (scaled shape), in schema "vnfm": its own migrations in Migrations/Postgres.</summary>
public sealed class VnfmPostgresDbContext(DbContextOptions<VnfmPostgresDbContext> options, TenantContext tenant)
    : VnfmDbContext(options, tenant)
{
    protected override void OnModelCreating(ModelBuilder model)
    {
        model.HasDefaultSchema(VnfmRegistration.Schema);
        base.OnModelCreating(model);
    }
}

// Design-time factories for `dotnet ef migrations add` (they never connect).
public sealed class VnfmSqliteDesignFactory : IDesignTimeDbContextFactory<VnfmSqliteDbContext>
{
    public VnfmSqliteDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<VnfmSqliteDbContext>().UseSqlite("Data Source=design.db").Options, new TenantContext());
}

public sealed class VnfmPostgresDesignFactory : IDesignTimeDbContextFactory<VnfmPostgresDbContext>
{
    public VnfmPostgresDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<VnfmPostgresDbContext>()
            .UseNpgsql("Host=127.0.0.1;Database=design", o => o.MigrationsHistoryTable("__EFMigrationsHistory", VnfmRegistration.Schema)).Options,
            new TenantContext());
}
