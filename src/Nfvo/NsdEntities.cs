using Microsoft.EntityFrameworkCore;

namespace Mano.Nfvo;

// NSD management (SOL005 clause 5) as stored: NS descriptors, PNF descriptors, their archives and files, and the
// NSD management subscriptions. Every row belongs to a tenant and is filtered by the unit of work's tenant.

/// <summary>SOL005 5.5.2.2 NsdInfo as stored. SOL sub-structures are JSON text columns.</summary>
public sealed class NsDescriptor : IVersioned
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string NsdOnboardingState { get; set; }
    public required string NsdOperationalState { get; set; }
    public required string NsdUsageState { get; set; }
    /// <summary>Set only once ONBOARDED: unique per tenant (nulls do not collide), so one NSD has one NsdInfo.</summary>
    public string? NsdId { get; set; }
    public string? NsdName { get; set; }
    public string? NsdVersion { get; set; }
    public string? NsdDesigner { get; set; }
    public string? NsdInvariantId { get; set; }
    /// <summary>JSON array of the VNF package ids of the VNFDs the NSD references (SOL005 5.5.2.2 vnfPkgIds).</summary>
    public string? VnfPkgIds { get; set; }
    /// <summary>JSON array of PnfdInfo ids.</summary>
    public string? PnfdInfoIds { get; set; }
    /// <summary>JSON array of the nested NSDs' NsdInfo ids.</summary>
    public string? NestedNsdInfoIds { get; set; }
    /// <summary>JSON array of the vnfd ids the NSD references (for the enablement check and the catalog).</summary>
    public string? VnfdIds { get; set; }
    public string? ArchiveSecurityOption { get; set; }
    public string? SigningCertificate { get; set; }
    /// <summary>JSON array of NsdArchiveArtifactInfo.</summary>
    public string? Artifacts { get; set; }
    /// <summary>JSON object (KeyValuePairs).</summary>
    public string? UserDefinedData { get; set; }
    /// <summary>ProblemDetails JSON, when nsdOnboardingState is ERROR.</summary>
    public string? OnboardingFailureDetails { get; set; }
    /// <summary>JSON array of <see cref="PackageDiagnostic"/>: every finding of the last onboarding.</summary>
    public string? Diagnostics { get; set; }
    /// <summary>Archive-relative path of the NSD's top-level template.</summary>
    public string? EntryDefinitions { get; set; }
    /// <summary>Archive-relative path of the manifest, when the archive has one.</summary>
    public string? ManifestPath { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>The uploaded NSD archive (a ZIP, or a single YAML file), apart from <see cref="NsDescriptor"/>.</summary>
public sealed class NsDescriptorContent
{
    public required string NsdInfoId { get; set; }
    public required string TenantId { get; set; }
    public required byte[] Content { get; set; }
    /// <summary>"application/zip" or "text/plain" (a single YAML NSD).</summary>
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public DateTime UploadedAt { get; set; }
}

/// <summary>One file of an onboarded NSD (entry definitions, its imports, and TOSCA-Metadata/TOSCA.meta when present).</summary>
public sealed class NsDescriptorFile
{
    public required string NsdInfoId { get; set; }
    public required string Path { get; set; }
    public required string TenantId { get; set; }
    public required byte[] Content { get; set; }
}

/// <summary>SOL005 5.5.2.5 PnfdInfo as stored.</summary>
public sealed class PnfDescriptor : IVersioned
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string PnfdOnboardingState { get; set; }
    public required string PnfdUsageState { get; set; }
    /// <summary>Set only once ONBOARDED: unique per tenant.</summary>
    public string? PnfdId { get; set; }
    public string? PnfdName { get; set; }
    public string? PnfdVersion { get; set; }
    public string? PnfdProvider { get; set; }
    public string? PnfdInvariantId { get; set; }
    public string? UserDefinedData { get; set; }
    public string? OnboardingFailureDetails { get; set; }
    public string? Diagnostics { get; set; }
    public string? EntryDefinitions { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>The uploaded PNFD archive (ZIP or single YAML).</summary>
public sealed class PnfDescriptorContent
{
    public required string PnfdInfoId { get; set; }
    public required string TenantId { get; set; }
    public required byte[] Content { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public DateTime UploadedAt { get; set; }
}

/// <summary>SOL005 5.5.2.9 NsdmSubscription as stored.</summary>
public sealed class NsdmSubscriptionRecord
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string CallbackUri { get; set; }
    /// <summary>NsdmNotificationsFilter JSON.</summary>
    public string? Filter { get; set; }
    /// <summary>SubscriptionAuthentication JSON. Secrets: never returned, never logged.</summary>
    public string? Authentication { get; set; }
    public DateTime CreatedAt { get; set; }
}

public abstract partial class NfvoDbContext
{
    public DbSet<NsDescriptor> NsDescriptors => Set<NsDescriptor>();
    public DbSet<NsDescriptorContent> NsDescriptorContents => Set<NsDescriptorContent>();
    public DbSet<NsDescriptorFile> NsDescriptorFiles => Set<NsDescriptorFile>();
    public DbSet<PnfDescriptor> PnfDescriptors => Set<PnfDescriptor>();
    public DbSet<PnfDescriptorContent> PnfDescriptorContents => Set<PnfDescriptorContent>();
    public DbSet<NsdmSubscriptionRecord> NsdmSubscriptions => Set<NsdmSubscriptionRecord>();

    private void ConfigureNsds(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<NsDescriptor>(e =>
        {
            e.ToTable("ns_descriptors");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.NsdOnboardingState).HasMaxLength(20);
            e.Property(x => x.NsdOperationalState).HasMaxLength(20);
            e.Property(x => x.NsdUsageState).HasMaxLength(20);
            e.Property(x => x.NsdId).HasMaxLength(255);
            e.Property(x => x.ArchiveSecurityOption).HasMaxLength(20);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.TenantId, x.NsdId }).IsUnique();
            e.HasIndex(x => new { x.TenantId, x.CreatedAt });
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });

        modelBuilder.Entity<NsDescriptorContent>(e =>
        {
            e.ToTable("ns_descriptor_contents");
            e.HasKey(x => x.NsdInfoId);
            e.Property(x => x.NsdInfoId).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.ContentType).HasMaxLength(100);
            e.HasOne<NsDescriptor>().WithOne().HasForeignKey<NsDescriptorContent>(x => x.NsdInfoId).OnDelete(DeleteBehavior.Cascade);
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });

        modelBuilder.Entity<NsDescriptorFile>(e =>
        {
            e.ToTable("ns_descriptor_files");
            e.HasKey(x => new { x.NsdInfoId, x.Path });
            e.Property(x => x.NsdInfoId).HasMaxLength(64);
            e.Property(x => x.Path).HasMaxLength(1024);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.HasOne<NsDescriptor>().WithMany().HasForeignKey(x => x.NsdInfoId).OnDelete(DeleteBehavior.Cascade);
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });

        modelBuilder.Entity<PnfDescriptor>(e =>
        {
            e.ToTable("pnf_descriptors");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.PnfdOnboardingState).HasMaxLength(20);
            e.Property(x => x.PnfdUsageState).HasMaxLength(20);
            e.Property(x => x.PnfdId).HasMaxLength(255);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.TenantId, x.PnfdId }).IsUnique();
            e.HasIndex(x => new { x.TenantId, x.CreatedAt });
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });

        modelBuilder.Entity<PnfDescriptorContent>(e =>
        {
            e.ToTable("pnf_descriptor_contents");
            e.HasKey(x => x.PnfdInfoId);
            e.Property(x => x.PnfdInfoId).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.ContentType).HasMaxLength(100);
            e.HasOne<PnfDescriptor>().WithOne().HasForeignKey<PnfDescriptorContent>(x => x.PnfdInfoId).OnDelete(DeleteBehavior.Cascade);
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });

        modelBuilder.Entity<NsdmSubscriptionRecord>(e =>
        {
            e.ToTable("nsdm_subscriptions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.HasIndex(x => new { x.TenantId, x.CreatedAt });
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });
    }
}
