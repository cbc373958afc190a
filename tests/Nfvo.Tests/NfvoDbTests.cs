using System.Security.Cryptography;
using System.Text.Json;
using Mano.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mano.Nfvo.Tests;

/// <summary>Onboarding, the onboarded-package query and grant decisions against a real database (both providers).</summary>
public abstract class NfvoDbTests(ITestDatabase<NfvoDbContext> database)
{
    private readonly string _tenant = "tenant-" + Guid.NewGuid().ToString("N")[..12];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private NfvoDbContext Db(string? tenant = null) => database.NewContext(tenant ?? _tenant);

    /// <summary>A package as PUT .../package_content leaves it: PROCESSING, its content stored.</summary>
    private async Task<string> UploadedAsync(byte[] content, string? tenant = null)
    {
        await using var db = Db(tenant);
        var id = Guid.NewGuid().ToString();
        var now = DateTime.UtcNow;
        db.VnfPackages.Add(new VnfPackage
        {
            Id = id, TenantId = db.TenantId, OnboardingState = PackageOnboardingState.Processing,
            OperationalState = PackageOperationalState.Disabled, UsageState = PackageUsageState.NotInUse,
            CreatedAt = now, UpdatedAt = now, ContentSize = content.Length,
        });
        db.VnfPackageContents.Add(new VnfPackageContent { VnfPkgId = id, TenantId = db.TenantId, Content = content, Size = content.Length, UploadedAt = now });
        await db.SaveChangesAsync(Ct);
        return id;
    }

    private async Task<OnboardingOutcome> OnboardAsync(string id, string? tenant = null)
    {
        await using var db = Db(tenant);
        return await new VnfPackageOnboarder(db, new PkgmNotifier(new NfvoOptions()), NullLogger<VnfPackageOnboarder>.Instance).OnboardAsync(id, Ct);
    }

    private async Task<VnfPackage> ReadAsync(string id, string? tenant = null)
    {
        await using var db = Db(tenant);
        return await db.VnfPackages.AsNoTracking().SingleAsync(p => p.Id == id, Ct);
    }

    private static ProblemDetails FailureOf(VnfPackage p) =>
        SolJson.Deserialize<ProblemDetails>(p.OnboardingFailureDetails ?? throw new Xunit.Sdk.XunitException("no onboardingFailureDetails"));

    private async Task<string> OnboardedHelloWorldAsync(string? tenant = null)
    {
        var id = await UploadedAsync(Csars.HelloWorld(), tenant);
        Assert.Equal(OnboardingOutcome.Onboarded, await OnboardAsync(id, tenant));
        return id;
    }

    // ------------------------------------------------------------------ onboarding

    [Fact]
    public async Task Helloworld_with_its_image_placeholder_is_onboarded_and_enabled()
    {
        var zip = Csars.HelloWorld();
        var id = await UploadedAsync(zip);

        Assert.Equal(OnboardingOutcome.Onboarded, await OnboardAsync(id));

        var p = await ReadAsync(id);
        Assert.Equal(PackageOnboardingState.Onboarded, p.OnboardingState);
        Assert.Equal(PackageOperationalState.Enabled, p.OperationalState);
        Assert.Equal(PackageUsageState.NotInUse, p.UsageState);
        Assert.Equal(Csars.HelloWorldVnfdId, p.VnfdId);
        Assert.Equal("Company", p.VnfProvider);
        Assert.Equal("Sample VNF", p.VnfProductName);
        Assert.Equal("1.0", p.VnfSoftwareVersion);
        Assert.Equal("1.0", p.VnfdVersion);
        Assert.Equal(["Tacker"], JsonSerializer.Deserialize<string[]>(p.VnfmInfo!)!);
        Assert.Equal("SHA-256", p.ChecksumAlgorithm);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(zip)), p.ChecksumHash);
        Assert.Equal("Definitions/helloworld3_top.vnfd.yaml", p.EntryDefinitions);
        Assert.Null(p.OnboardingFailureDetails);
        Assert.NotNull(JsonSerializer.Deserialize<PackageDiagnostic[]>(p.Diagnostics!, SolJson.Options));

        await using var db = Db();
        var files = await db.VnfPackageVnfdFiles.AsNoTracking().Where(f => f.VnfPkgId == id).Select(f => f.Path).ToListAsync(Ct);
        Assert.Contains("Definitions/helloworld3_top.vnfd.yaml", files);
        Assert.Contains("Definitions/helloworld3_df_simple.yaml", files);
        Assert.Contains("Definitions/helloworld3_types.yaml", files);
        Assert.Contains(VnfPackageOnboarder.MetaPath, files);
        Assert.DoesNotContain(Csars.CirrosImage, files);
    }

    [Fact]
    public async Task Helloworld_without_the_image_listed_in_TOSCA_meta_fails_naming_the_file()
    {
        var id = await UploadedAsync(Csars.HelloWorld(withImage: false));

        Assert.Equal(OnboardingOutcome.Failed, await OnboardAsync(id));

        var p = await ReadAsync(id);
        Assert.Equal(PackageOnboardingState.Error, p.OnboardingState);
        Assert.Equal(PackageOperationalState.Disabled, p.OperationalState);
        Assert.Null(p.VnfdId);
        var failure = FailureOf(p);
        Assert.Equal(422, failure.Status);
        Assert.Contains(Csars.CirrosImage, failure.Detail);
        Assert.Contains("TOSCA-Metadata/TOSCA.meta:", failure.Detail);
        Assert.Contains("csar.listed-file-missing", failure.Detail);
        var diagnostics = JsonSerializer.Deserialize<PackageDiagnostic[]>(p.Diagnostics!, SolJson.Options)!;
        Assert.Contains(diagnostics, d => d.Severity == "error" && d.Message.Contains(Csars.CirrosImage));
    }

    [Fact]
    public async Task Every_error_diagnostic_is_listed_in_the_failure_details()
    {
        // Two problems: the image is missing, and an imported file is missing.
        var zip = Csars.Zip(Csars.Files(Csars.HelloWorldDirectory).Where(f => f.Path != "Definitions/helloworld3_types.yaml"));
        var id = await UploadedAsync(zip);

        Assert.Equal(OnboardingOutcome.Failed, await OnboardAsync(id));

        var p = await ReadAsync(id);
        var errors = JsonSerializer.Deserialize<PackageDiagnostic[]>(p.Diagnostics!, SolJson.Options)!.Where(d => d.Severity == "error").ToList();
        Assert.True(errors.Count >= 2, string.Join("\n", errors));
        Assert.Equal(string.Join("; ", errors), FailureOf(p).Detail);
        Assert.Contains("helloworld3_types.yaml", FailureOf(p).Detail);
    }

    [Fact]
    public async Task Content_that_is_not_a_zip_ends_in_ERROR()
    {
        var id = await UploadedAsync("%PDF-1.4 definitely not a zip"u8.ToArray());

        Assert.Equal(OnboardingOutcome.Failed, await OnboardAsync(id));

        var p = await ReadAsync(id);
        Assert.Equal(PackageOnboardingState.Error, p.OnboardingState);
        Assert.Contains("csar.not-a-zip", FailureOf(p).Detail);
    }

    [Fact]
    public async Task A_second_package_of_the_same_VNFD_fails_but_another_tenant_may_onboard_it()
    {
        var first = await OnboardedHelloWorldAsync();
        var second = await UploadedAsync(Csars.HelloWorld());

        Assert.Equal(OnboardingOutcome.Failed, await OnboardAsync(second));
        var p = await ReadAsync(second);
        Assert.Equal(PackageOnboardingState.Error, p.OnboardingState);
        Assert.Equal($"vnfdId {Csars.HelloWorldVnfdId} is already onboarded as package {first}", FailureOf(p).Detail);

        var otherTenant = _tenant + "-other";
        var theirs = await UploadedAsync(Csars.HelloWorld(), otherTenant);
        Assert.Equal(OnboardingOutcome.Onboarded, await OnboardAsync(theirs, otherTenant));
    }

    [Fact]
    public async Task Onboarding_is_idempotent_and_ignores_packages_not_in_PROCESSING()
    {
        var id = await OnboardedHelloWorldAsync();
        var before = await ReadAsync(id);

        Assert.Equal(OnboardingOutcome.Ignored, await OnboardAsync(id));
        Assert.Equal(OnboardingOutcome.Ignored, await OnboardAsync(Guid.NewGuid().ToString()));

        var after = await ReadAsync(id);
        Assert.Equal(before.Version, after.Version);
        await using var db = Db();
        Assert.Equal(6, await db.VnfPackageVnfdFiles.CountAsync(f => f.VnfPkgId == id, Ct));
    }

    [Fact]
    public async Task A_tenant_never_sees_another_tenants_package()
    {
        var id = await OnboardedHelloWorldAsync();
        await using var other = Db(_tenant + "-other");
        Assert.False(await other.VnfPackages.AnyAsync(p => p.Id == id, Ct));
        Assert.False(await other.VnfPackageContents.AnyAsync(c => c.VnfPkgId == id, Ct));
        Assert.False(await other.VnfPackageVnfdFiles.AnyAsync(f => f.VnfPkgId == id, Ct));
        Assert.Equal(OnboardingOutcome.Ignored, await OnboardAsync(id, _tenant + "-other"));
    }

    [Fact]
    public async Task Updates_bump_the_version_and_a_stale_write_is_refused()
    {
        var id = await UploadedAsync(Csars.HelloWorld());
        await using var a = Db();
        await using var b = Db();
        var pa = await a.VnfPackages.SingleAsync(p => p.Id == id, Ct);
        var pb = await b.VnfPackages.SingleAsync(p => p.Id == id, Ct);
        pa.OperationalState = PackageOperationalState.Enabled;
        await a.SaveChangesAsync(Ct);
        Assert.Equal(pb.Version + 1, pa.Version);
        pb.UsageState = PackageUsageState.InUse;
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => b.SaveChangesAsync(Ct));
    }

    [Fact]
    public async Task Deleting_a_package_deletes_its_content_and_VNFD_files()
    {
        var id = await OnboardedHelloWorldAsync();
        await using (var db = Db())
        {
            db.VnfPackages.Remove(await db.VnfPackages.SingleAsync(p => p.Id == id, Ct));
            await db.SaveChangesAsync(Ct);
        }
        await using var check = Db();
        Assert.False(await check.VnfPackageContents.AnyAsync(c => c.VnfPkgId == id, Ct));
        Assert.False(await check.VnfPackageVnfdFiles.AnyAsync(f => f.VnfPkgId == id, Ct));
    }

    // ------------------------------------------------------------------ onboarded package query (VNFM -> NFVO)

    [Fact]
    public async Task The_onboarded_package_of_a_VNFD_comes_with_its_files_even_when_disabled()
    {
        var id = await OnboardedHelloWorldAsync();
        await using (var db = Db())
        {
            var result = await new OnboardedVnfPackageQuery(db).FindAsync(Csars.HelloWorldVnfdId, Ct);
            Assert.Null(result.Problem);
            var pkg = Assert.IsType<Contracts.Messages.OnboardedVnfPackage>(result.Package);
            Assert.Equal(id, pkg.VnfPkgId);
            Assert.Equal("Company", pkg.VnfProvider);
            Assert.Equal(PackageOperationalState.Enabled, pkg.OperationalState);
            Assert.Equal("Definitions/helloworld3_top.vnfd.yaml", pkg.EntryDefinitions);
            Assert.Contains("Definitions/helloworld3_top.vnfd.yaml", pkg.VnfdFiles.Keys);

            (await db.VnfPackages.SingleAsync(p => p.Id == id, Ct)).OperationalState = PackageOperationalState.Disabled;
            await db.SaveChangesAsync(Ct);
        }
        await using var again = Db();
        var disabled = await new OnboardedVnfPackageQuery(again).FindAsync(Csars.HelloWorldVnfdId, Ct);
        Assert.Equal(PackageOperationalState.Disabled, disabled.Package?.OperationalState);
    }

    [Fact]
    public async Task An_unknown_VNFD_is_a_404_problem()
    {
        await using var db = Db();
        var result = await new OnboardedVnfPackageQuery(db).FindAsync("no-such-vnfd", Ct);
        Assert.Null(result.Package);
        Assert.Equal(404, result.Problem?.Status);
    }

    // ------------------------------------------------------------------ grants

    private async Task SeedSandboxAsync(string? tenant = null)
    {
        await using var db = Db(tenant);
        await new VimRegistry(db).SeedSandboxAsync(Ct);
    }

    private async Task<Contracts.Messages.GrantResult> DecideAsync(GrantRequest request, string? tenant = null)
    {
        await using var db = Db(tenant);
        return await new GrantDecider(db, new VimRegistry(db), new NfvoOptions { ApiRoot = "http://nfvo.test" },
            NullLogger<GrantDecider>.Instance).DecideAsync(request, Ct);
    }

    private static GrantRequest Request(string operation, string? opOcc = null, int add = 2, int remove = 0) => new()
    {
        VnfInstanceId = "inst-1",
        VnfLcmOpOccId = opOcc ?? Guid.NewGuid().ToString(),
        VnfdId = Csars.HelloWorldVnfdId,
        FlavourId = "simple",
        Operation = operation,
        IsAutomaticInvocation = false,
        AddResources = add == 0 ? null : Enumerable.Range(1, add).Select(i => new ResourceDefinition
            { Id = $"res-{i}", Type = "COMPUTE", VduId = "VDU1", ResourceTemplateId = "VDU1" }).ToList(),
        RemoveResources = remove == 0 ? null : Enumerable.Range(1, remove).Select(i => new ResourceDefinition
            { Id = $"old-{i}", Type = "COMPUTE", VduId = "VDU1", ResourceTemplateId = "VDU1" }).ToList(),
        Links = new GrantRequestLinks(new Link("http://vnfm.test/vnflcm/v2/vnf_lcm_op_occs/x"), new Link("http://vnfm.test/vnflcm/v2/vnf_instances/inst-1")),
    };

    [Fact]
    public async Task Instantiate_of_an_enabled_package_is_granted_on_the_default_VIM_and_zone()
    {
        await OnboardedHelloWorldAsync();
        await SeedSandboxAsync();
        var request = Request(LcmOperationType.Instantiate);

        var result = await DecideAsync(request);

        Assert.Null(result.Rejection);
        var grant = Assert.IsType<Grant>(result.Grant);
        Assert.True(Guid.TryParse(grant.Id, out _));
        Assert.Equal("inst-1", grant.VnfInstanceId);
        Assert.Equal(request.VnfLcmOpOccId, grant.VnfLcmOpOccId);
        var vim = Assert.Single(grant.VimConnectionInfo!);
        Assert.Equal("sandbox", vim.Key);
        Assert.Equal("sandbox", vim.Value.VimId);
        Assert.Equal("MANO.SANDBOX.V_1", vim.Value.VimType);
        Assert.Equal("sandbox://local", vim.Value.InterfaceInfo!["endpoint"]);
        var zone = Assert.Single(grant.Zones!);
        Assert.Equal(new ZoneInfo { Id = "zone-1", ZoneId = "sandbox-az-1", VimConnectionId = "sandbox" }, zone);
        Assert.Equal(["res-1", "res-2"], grant.AddResources!.Select(r => r.ResourceDefinitionId));
        Assert.All(grant.AddResources!, r => { Assert.Equal("sandbox", r.VimConnectionId); Assert.Equal("zone-1", r.ZoneId); });
        Assert.Equal($"http://nfvo.test/grant/v1/grants/{grant.Id}", grant.Links.Self.Href);
        Assert.Equal(request.Links.VnfInstance, grant.Links.VnfInstance);

        await using var db = Db();
        var stored = await db.Grants.AsNoTracking().SingleAsync(g => g.Id == grant.Id, Ct);
        Assert.Equal(request.VnfLcmOpOccId, stored.VnfLcmOpOccId);
        Assert.Equal("sandbox", stored.VimId);
        Assert.Equal(LcmOperationType.Instantiate, stored.Operation);
    }

    [Fact]
    public async Task A_repeated_request_for_the_same_operation_occurrence_gets_the_same_grant()
    {
        await OnboardedHelloWorldAsync();
        await SeedSandboxAsync();
        var request = Request(LcmOperationType.Instantiate);

        var first = await DecideAsync(request);
        var second = await DecideAsync(request);

        Assert.NotNull(first.Grant);
        Assert.Equal(SolJson.Serialize(first.Grant), SolJson.Serialize(second.Grant));
        await using var db = Db();
        Assert.Equal(1, await db.Grants.CountAsync(g => g.VnfLcmOpOccId == request.VnfLcmOpOccId, Ct));
    }

    [Fact]
    public async Task Instantiate_is_rejected_when_the_package_is_absent_or_disabled()
    {
        await SeedSandboxAsync();

        var absent = await DecideAsync(Request(LcmOperationType.Instantiate));
        Assert.Null(absent.Grant);
        Assert.Equal(403, absent.Rejection?.Status);
        Assert.Contains(Csars.HelloWorldVnfdId, absent.Rejection!.Detail);

        var id = await OnboardedHelloWorldAsync();
        await using (var db = Db())
        {
            (await db.VnfPackages.SingleAsync(p => p.Id == id, Ct)).OperationalState = PackageOperationalState.Disabled;
            await db.SaveChangesAsync(Ct);
        }
        var disabled = await DecideAsync(Request(LcmOperationType.Instantiate));
        Assert.Equal(403, disabled.Rejection?.Status);
        Assert.Contains("DISABLED", disabled.Rejection!.Detail);

        await using var check = Db();
        Assert.Equal(0, await check.Grants.CountAsync(Ct));
    }

    [Fact]
    public async Task A_tenant_without_a_VIM_is_refused_grants()
    {
        await OnboardedHelloWorldAsync();
        var result = await DecideAsync(Request(LcmOperationType.Instantiate));
        Assert.Equal(403, result.Rejection?.Status);
        Assert.Contains("no VIM", result.Rejection!.Detail);
    }

    [Fact]
    public async Task Terminate_needs_no_enabled_package_and_grants_the_removals()
    {
        await SeedSandboxAsync();
        var result = await DecideAsync(Request(LcmOperationType.Terminate, add: 0, remove: 2));
        var grant = Assert.IsType<Grant>(result.Grant);
        Assert.Null(grant.AddResources);
        Assert.Equal(["old-1", "old-2"], grant.RemoveResources!.Select(r => r.ResourceDefinitionId));
        Assert.All(grant.RemoveResources!, r => Assert.Null(r.VimConnectionId)); // SOL003 9.5.3.3: for new resources only
    }

    // Zone placement (least loaded zone, affinity / anti-affinity): GrantDecisionTests.

    [Fact]
    public async Task Seeding_the_sandbox_VIM_is_idempotent_and_per_tenant()
    {
        await SeedSandboxAsync();
        await SeedSandboxAsync();
        await using var db = Db();
        var vim = Assert.Single(await db.Vims.AsNoTracking().ToListAsync(Ct));
        Assert.Equal("sandbox", vim.Id);
        Assert.True(vim.IsDefault);
        Assert.Equal("Mano sandbox VIM (simulated, not a real cloud)", vim.Name);
        var info = Assert.Single(await new VimRegistry(db).ListAsync(Ct));
        Assert.Equal(["sandbox-az-1"], info.AvailabilityZones);
        await using var other = Db(_tenant + "-other");
        Assert.Empty(await other.Vims.ToListAsync(Ct));
    }
}

public sealed class SqliteNfvoDbTests(SqliteNfvoDatabase db) : NfvoDbTests(db), IClassFixture<SqliteNfvoDatabase>;

public sealed class PostgresNfvoDbTests(PostgresNfvoDatabase db) : NfvoDbTests(db), IClassFixture<PostgresNfvoDatabase>;
