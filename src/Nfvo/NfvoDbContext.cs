using Mano.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Mano.Nfvo;

/// <summary>An entity whose row carries an optimistic-concurrency <see cref="Version"/>, bumped on every update.</summary>
public interface IVersioned
{
    int Version { get; set; }
}

/// <summary>SOL005 VnfPkgInfo as stored. SOL sub-structures are JSON text columns.</summary>
public sealed class VnfPackage : IVersioned
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string OnboardingState { get; set; }
    public required string OperationalState { get; set; }
    public required string UsageState { get; set; }
    /// <summary>Set only once ONBOARDED: unique per tenant (nulls do not collide), so one VNFD has one package.</summary>
    public string? VnfdId { get; set; }
    public string? VnfProvider { get; set; }
    public string? VnfProductName { get; set; }
    public string? VnfSoftwareVersion { get; set; }
    public string? VnfdVersion { get; set; }
    /// <summary>JSON array of strings.</summary>
    public string? VnfmInfo { get; set; }
    public string? ChecksumAlgorithm { get; set; }
    public string? ChecksumHash { get; set; }
    /// <summary>JSON object (KeyValuePairs).</summary>
    public string? UserDefinedData { get; set; }
    /// <summary>ProblemDetails JSON, when onboardingState is ERROR.</summary>
    public string? OnboardingFailureDetails { get; set; }
    /// <summary>JSON array of <see cref="PackageDiagnostic"/>: every finding of the last onboarding, warnings too.</summary>
    public string? Diagnostics { get; set; }
    /// <summary>Package-relative path of the VNFD's top-level template.</summary>
    public string? EntryDefinitions { get; set; }
    public long? ContentSize { get; set; }
    /// <summary>OPTION_1 when the manifest is signed (SOL004 5.1); null for an unsigned package.</summary>
    public string? PackageSecurityOption { get; set; }
    /// <summary>The package certificate (PEM text) when the package holds one (ETSI-Entry-Certificate).</summary>
    public string? SigningCertificate { get; set; }
    /// <summary>JSON array of SOL004 versions (manifest metadata compatible_specification_versions).</summary>
    public string? CompatibleSpecificationVersions { get; set; }
    /// <summary>JSON array of VnfPackageSoftwareImageInfo.</summary>
    public string? SoftwareImages { get; set; }
    /// <summary>JSON array of VnfPackageArtifactInfo.</summary>
    public string? AdditionalArtifacts { get; set; }
    /// <summary>Package-relative path of the manifest (.mf), when the package has one.</summary>
    public string? ManifestPath { get; set; }
    /// <summary>Package-relative path of the package certificate file, when the package has one.</summary>
    public string? CertificatePath { get; set; }
    /// <summary>JSON object: artifact path -> the paths of its signature and certificate files (SOL004 5.3).</summary>
    public string? ArtifactSecurityFiles { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>The uploaded CSAR, apart from <see cref="VnfPackage"/> so that listing packages never loads blobs.</summary>
public sealed class VnfPackageContent
{
    public required string VnfPkgId { get; set; }
    public required string TenantId { get; set; }
    public required byte[] Content { get; set; }
    public long Size { get; set; }
    public DateTime UploadedAt { get; set; }
}

/// <summary>One file of an onboarded package's VNFD (entry definitions, its imports, and TOSCA-Metadata/TOSCA.meta).</summary>
public sealed class VnfPackageVnfdFile
{
    public required string VnfPkgId { get; set; }
    public required string Path { get; set; }
    public required string TenantId { get; set; }
    public required byte[] Content { get; set; }
}

/// <summary>
/// Where upload_from_uri fetches a package from, with the credentials given: kept only while the fetch is pending
/// (deleted in the transaction that ends it). Credentials: never logged, never returned.
/// </summary>
public sealed class VnfPackageFetch
{
    public required string VnfPkgId { get; set; }
    public required string TenantId { get; set; }
    public required string AddressInformation { get; set; }
    /// <summary>JSON of the request's authentication (userName/password or OAuth 2.0 client credentials), or null.</summary>
    public string? Credentials { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// One VNF instance's use of the package of a VNFD, as the VNFM reports it (VnfPackageUsed / VnfPackageReleased).
/// The package is IN_USE while any row of its vnfdId has <see cref="InUse"/>. Released rows stay (a tombstone that
/// makes a late, older "used" event harmless).
/// </summary>
public sealed class VnfPackageUsage
{
    public required string TenantId { get; set; }
    public required string VnfdId { get; set; }
    public required string VnfInstanceId { get; set; }
    public bool InUse { get; set; }
    public DateTime OccurredAt { get; set; }
}

/// <summary>SOL005 PkgmSubscription as stored.</summary>
public sealed class PkgmSubscriptionRecord
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string CallbackUri { get; set; }
    /// <summary>PkgmNotificationsFilter JSON.</summary>
    public string? Filter { get; set; }
    /// <summary>SubscriptionAuthentication JSON. Secrets: never returned, never logged.</summary>
    public string? Authentication { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// A VIM the NFVO may place resources on (the VIM registry, ADR-0008). Credentials (SOL003 accessInfo) are stored only
/// encrypted (<see cref="AccessInfoCiphertext"/>, AES-256-GCM, key <see cref="AccessInfoKeyId"/>) plus a masked copy for
/// display; <see cref="AccessInfo"/> is plaintext in memory only, filled by <see cref="VimRegistry"/> for a grant.
/// </summary>
public sealed class Vim : IVersioned
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required string VimType { get; set; }
    /// <summary>JSON object of strings.</summary>
    public required string InterfaceInfo { get; set; }
    /// <summary>Not stored: the decrypted accessInfo JSON, set only on a VIM read for a grant. Never logged, never returned.</summary>
    public string? AccessInfo { get; set; }
    /// <summary>JSON object of strings: accessInfo with every secret value replaced by "***" (what the APIs show).</summary>
    public string? AccessInfoMasked { get; set; }
    /// <summary>base64(nonce || tag || AES-256-GCM ciphertext) of the accessInfo JSON, bound to tenant and VIM id.</summary>
    public string? AccessInfoCiphertext { get; set; }
    /// <summary>Id of the key <see cref="AccessInfoCiphertext"/> was made with (for rotation).</summary>
    public string? AccessInfoKeyId { get; set; }
    /// <summary>JSON object: SOL003 VimConnectionInfo.extra (Tacker's "extra"), not secret.</summary>
    public string? Extra { get; set; }
    /// <summary>JSON array of availability zone names.</summary>
    public required string AvailabilityZones { get; set; }
    /// <summary>JSON <see cref="VimLocation"/>: where the VIM is, for NS placement's location constraints; null: unknown.</summary>
    public string? Location { get; set; }
    public bool IsDefault { get; set; }
    /// <summary>PENDING (not checked yet), REACHABLE or UNREACHABLE (<see cref="VimStatus"/>).</summary>
    public string Status { get; set; } = VimStatus.Pending;
    /// <summary>The last connectivity check's error (null when it succeeded). Never holds a secret.</summary>
    public string? StatusDetail { get; set; }
    public DateTime? StatusCheckedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? UpdatedAt { get; set; }
    public int Version { get; set; }

    /// <summary>Never prints credentials (not even encrypted).</summary>
    public override string ToString() => $"Vim {{ Id = {Id}, TenantId = {TenantId}, Name = {Name}, VimType = {VimType}, Status = {Status} }}";
}

/// <summary>The NFVO's database. Every entity belongs to a tenant and is filtered by the unit of work's tenant.</summary>
public abstract partial class NfvoDbContext(DbContextOptions options, TenantContext tenant) : DbContext(options)
{
    private readonly TenantContext _tenant = tenant;

    public DbSet<VnfPackage> VnfPackages => Set<VnfPackage>();
    public DbSet<VnfPackageContent> VnfPackageContents => Set<VnfPackageContent>();
    public DbSet<VnfPackageVnfdFile> VnfPackageVnfdFiles => Set<VnfPackageVnfdFile>();
    public DbSet<Vim> Vims => Set<Vim>();
    public DbSet<VnfPackageFetch> VnfPackageFetches => Set<VnfPackageFetch>();
    public DbSet<VnfPackageUsage> VnfPackageUsages => Set<VnfPackageUsage>();
    public DbSet<PkgmSubscriptionRecord> PkgmSubscriptions => Set<PkgmSubscriptionRecord>();
    public DbSet<NotificationDelivery> NotificationDeliveries => Set<NotificationDelivery>();

    /// <summary>The tenant this context acts for (throws when none is set).</summary>
    public string TenantId => _tenant.Required;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutbox();
        modelBuilder.AddNotificationDeliveries();

        modelBuilder.Entity<VnfPackageFetch>(e =>
        {
            e.ToTable("vnf_package_fetches");
            e.HasKey(x => x.VnfPkgId);
            e.Property(x => x.VnfPkgId).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.HasOne<VnfPackage>().WithOne().HasForeignKey<VnfPackageFetch>(x => x.VnfPkgId).OnDelete(DeleteBehavior.Cascade);
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });

        modelBuilder.Entity<VnfPackageUsage>(e =>
        {
            e.ToTable("vnf_package_usages");
            e.HasKey(x => new { x.TenantId, x.VnfdId, x.VnfInstanceId });
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.VnfdId).HasMaxLength(255);
            e.Property(x => x.VnfInstanceId).HasMaxLength(64);
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });

        modelBuilder.Entity<PkgmSubscriptionRecord>(e =>
        {
            e.ToTable("pkgm_subscriptions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.HasIndex(x => new { x.TenantId, x.CreatedAt });
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });

        modelBuilder.Entity<VnfPackage>(e =>
        {
            e.ToTable("vnf_packages");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.OnboardingState).HasMaxLength(20);
            e.Property(x => x.OperationalState).HasMaxLength(20);
            e.Property(x => x.UsageState).HasMaxLength(20);
            e.Property(x => x.VnfdId).HasMaxLength(255);
            e.Property(x => x.ChecksumAlgorithm).HasMaxLength(20);
            e.Property(x => x.ChecksumHash).HasMaxLength(128);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.TenantId, x.VnfdId }).IsUnique();
            e.HasIndex(x => new { x.TenantId, x.CreatedAt });
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });

        modelBuilder.Entity<VnfPackageContent>(e =>
        {
            e.ToTable("vnf_package_contents");
            e.HasKey(x => x.VnfPkgId);
            e.Property(x => x.VnfPkgId).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.HasOne<VnfPackage>().WithOne().HasForeignKey<VnfPackageContent>(x => x.VnfPkgId).OnDelete(DeleteBehavior.Cascade);
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });

        modelBuilder.Entity<VnfPackageVnfdFile>(e =>
        {
            e.ToTable("vnf_package_vnfd_files");
            e.HasKey(x => new { x.VnfPkgId, x.Path });
            e.Property(x => x.VnfPkgId).HasMaxLength(64);
            e.Property(x => x.Path).HasMaxLength(1024);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.HasOne<VnfPackage>().WithMany().HasForeignKey(x => x.VnfPkgId).OnDelete(DeleteBehavior.Cascade);
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });

        modelBuilder.Entity<Vim>(e =>
        {
            e.ToTable("vims");
            e.HasKey(x => new { x.TenantId, x.Id });
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.Name).HasMaxLength(255);
            e.Property(x => x.VimType).HasMaxLength(100);
            e.Ignore(x => x.AccessInfo); // plaintext never reaches the database
            e.Property(x => x.AccessInfoKeyId).HasMaxLength(64);
            e.Property(x => x.Status).HasMaxLength(20);
            e.Property(x => x.Version).IsConcurrencyToken();
            // At most one default VIM per tenant (filter valid SQL on SQLite and PostgreSQL alike).
            e.HasIndex(x => x.TenantId).IsUnique().HasFilter("\"IsDefault\"").HasDatabaseName("IX_vims_one_default_per_tenant");
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });

        ConfigureGrants(modelBuilder); // GrantModel.cs: grants, the granted-resource ledger, quotas, VIM capacities
        ConfigureNsLcm(modelBuilder); // NsLcmModel.cs: NS instances, their VNFs, NS LCM op occs, NS LCM subscriptions
        ConfigureNsds(modelBuilder); // NsdEntities.cs: NS / PNF descriptors, NSD management subscriptions
        ConfigurePlacement(modelBuilder); // NsPlacement.cs: VNF placement pins
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BumpVersions();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BumpVersions();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void BumpVersions()
    {
        ChangeTracker.DetectChanges(); // states are only known after change detection (snapshot tracking)
        foreach (var entry in ChangeTracker.Entries<IVersioned>())
            if (entry.State == EntityState.Modified)
                entry.Entity.Version++;
    }
}

public sealed class NfvoSqliteDbContext(DbContextOptions<NfvoSqliteDbContext> options, TenantContext tenant)
    : NfvoDbContext(options, tenant)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseUtcTimestamps();
}

public sealed class NfvoPostgresDbContext(DbContextOptions<NfvoPostgresDbContext> options, TenantContext tenant)
    : NfvoDbContext(options, tenant)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(NfvoRegistration.Schema);
        base.OnModelCreating(modelBuilder);
    }
}

/// <summary>For <c>dotnet ef migrations add ... --context NfvoSqliteDbContext</c>.</summary>
public sealed class NfvoSqliteDesignTimeFactory : IDesignTimeDbContextFactory<NfvoSqliteDbContext>
{
    public NfvoSqliteDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<NfvoSqliteDbContext>().UseSqlite("Data Source=nfvo-design.db").Options, new TenantContext());
}

/// <summary>For <c>dotnet ef migrations add ... --context NfvoPostgresDbContext</c> (generating does not connect).</summary>
public sealed class NfvoPostgresDesignTimeFactory : IDesignTimeDbContextFactory<NfvoPostgresDbContext>
{
    public NfvoPostgresDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<NfvoPostgresDbContext>()
            .UseNpgsql("Host=127.0.0.1;Database=design", npg => npg.MigrationsHistoryTable("__EFMigrationsHistory", NfvoRegistration.Schema))
            .Options, new TenantContext());
}
