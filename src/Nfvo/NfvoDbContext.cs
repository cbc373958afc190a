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

/// <summary>A VIM the NFVO may place resources on. AccessInfo holds credentials: never logged, never returned by the API.</summary>
public sealed class Vim : IVersioned
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string Name { get; set; }
    public required string VimType { get; set; }
    /// <summary>JSON object of strings.</summary>
    public required string InterfaceInfo { get; set; }
    /// <summary>JSON object of strings (credentials; plain for now, encrypted at rest in a later issue).</summary>
    public string? AccessInfo { get; set; }
    /// <summary>JSON array of availability zone names.</summary>
    public required string AvailabilityZones { get; set; }
    public bool IsDefault { get; set; }
    public DateTime CreatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>A grant decided by the NFVO (SOL003 9.5.2.3), kept so that a redelivered request gets the same answer.</summary>
public sealed class GrantRecord
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string VnfInstanceId { get; set; }
    public required string VnfLcmOpOccId { get; set; }
    public required string Operation { get; set; }
    public string? VimId { get; set; }
    public required string Request { get; set; }
    public required string Grant { get; set; }
    public DateTime DecidedAt { get; set; }
}

/// <summary>The NFVO's database. Every entity belongs to a tenant and is filtered by the unit of work's tenant.</summary>
public abstract class NfvoDbContext(DbContextOptions options, TenantContext tenant) : DbContext(options)
{
    private readonly TenantContext _tenant = tenant;

    public DbSet<VnfPackage> VnfPackages => Set<VnfPackage>();
    public DbSet<VnfPackageContent> VnfPackageContents => Set<VnfPackageContent>();
    public DbSet<VnfPackageVnfdFile> VnfPackageVnfdFiles => Set<VnfPackageVnfdFile>();
    public DbSet<Vim> Vims => Set<Vim>();
    public DbSet<GrantRecord> Grants => Set<GrantRecord>();
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
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });

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
            e.HasIndex(x => new { x.TenantId, x.VnfLcmOpOccId }).IsUnique();
            e.HasIndex(x => new { x.TenantId, x.VimId });
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });
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
