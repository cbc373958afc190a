using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mano.Nfvo.Tests;

public abstract class HttpApiTests(NfvoTestHost host)
{
    private const string Root = "/vnfpkgm/v2/vnf_packages";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ByteArrayContent Zip(byte[] bytes, string type = "application/zip")
    {
        var c = new ByteArrayContent(bytes);
        c.Headers.ContentType = new MediaTypeHeaderValue(type);
        return c;
    }

    private static async Task<T> Body<T>(HttpResponseMessage r) =>
        SolJson.Deserialize<T>(await r.Content.ReadAsStringAsync(Ct));

    private static async Task<VnfPkgInfo> CreateAsync(HttpClient client)
    {
        var r = await client.PostAsJsonAsync(Root, new { userDefinedData = new { owner = "tests" } }, Ct);
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        return await Body<VnfPkgInfo>(r);
    }

    private static async Task<VnfPkgInfo> WaitForOnboardingAsync(HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var info = await Body<VnfPkgInfo>(await client.GetAsync($"{Root}/{id}", Ct));
            if (info.OnboardingState is not PackageOnboardingState.Processing || DateTime.UtcNow > deadline) return info;
            await Task.Delay(50, Ct);
        }
    }

    private static async Task AssertProblemAsync(HttpResponseMessage r, HttpStatusCode status, string? detailContains = null)
    {
        Assert.Equal(status, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var problem = await Body<ProblemDetails>(r);
        Assert.Equal((int)status, problem.Status);
        if (detailContains is not null) Assert.Contains(detailContains, problem.Detail);
    }

    [Fact]
    public async Task A_package_goes_from_created_to_onboarded_to_deleted()
    {
        var client = host.Client("http-" + Guid.NewGuid().ToString("N")[..8]);

        var created = await client.PostAsJsonAsync(Root, new { userDefinedData = new { owner = "tests" } }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(VnfPkgmApi.Version, created.Headers.GetValues("Version").Single());
        var info = await Body<VnfPkgInfo>(created);
        Assert.Equal(PackageOnboardingState.Created, info.OnboardingState);
        Assert.Equal(PackageOperationalState.Disabled, info.OperationalState);
        Assert.Equal(PackageUsageState.NotInUse, info.UsageState);
        Assert.Equal("tests", info.UserDefinedData?["owner"]?.GetValue<string>());
        Assert.Equal($"http://localhost{Root}/{info.Id}", info.Links.Self.Href);
        Assert.Equal(info.Links.Self.Href, created.Headers.Location?.ToString());
        Assert.Equal(info.Links.Self.Href + "/vnfd", info.Links.Vnfd.Href);
        Assert.Equal(info.Links.Self.Href + "/package_content", info.Links.PackageContent.Href);
        var self = $"{Root}/{info.Id}";

        await AssertProblemAsync(await client.GetAsync(self + "/vnfd", Ct), HttpStatusCode.Conflict);
        await AssertProblemAsync(await client.PutAsync(self + "/package_content", Zip("not a zip at all"u8.ToArray()), Ct),
            HttpStatusCode.BadRequest, PackageUpload.NotAZipMessage);
        await AssertProblemAsync(await client.PutAsync(self + "/package_content", new StringContent("x", Encoding.UTF8, "text/plain"), Ct),
            HttpStatusCode.UnsupportedMediaType);

        var zip = Csars.HelloWorld();
        var upload = await client.PutAsync(self + "/package_content", Zip(zip, "application/octet-stream"), Ct);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        Assert.Empty(await upload.Content.ReadAsByteArrayAsync(Ct));

        var onboarded = await WaitForOnboardingAsync(client, info.Id);
        Assert.Equal(PackageOnboardingState.Onboarded, onboarded.OnboardingState);
        Assert.Equal(PackageOperationalState.Enabled, onboarded.OperationalState);
        Assert.Equal(Csars.HelloWorldVnfdId, onboarded.VnfdId);
        Assert.Equal(["Tacker"], onboarded.VnfmInfo!);
        Assert.Equal("SHA-256", onboarded.Checksum?.Algorithm);
        await AssertProblemAsync(await client.PutAsync(self + "/package_content", Zip(zip), Ct), HttpStatusCode.Conflict);

        var list = await Body<List<VnfPkgInfo>>(await client.GetAsync(Root, Ct));
        Assert.Equal([info.Id], list.Select(p => p.Id));

        // The VNFD has several files: text/plain alone is 406, the zip carries them all with TOSCA.meta.
        var textOnly = new HttpRequestMessage(HttpMethod.Get, self + "/vnfd");
        textOnly.Headers.Accept.ParseAdd("text/plain");
        await AssertProblemAsync(await client.SendAsync(textOnly, Ct), HttpStatusCode.NotAcceptable);
        var vnfd = await client.GetAsync(self + "/vnfd", Ct);
        Assert.Equal(HttpStatusCode.OK, vnfd.StatusCode);
        Assert.Equal("application/zip", vnfd.Content.Headers.ContentType?.MediaType);
        var vnfdFiles = Csars.Unzip(await vnfd.Content.ReadAsByteArrayAsync(Ct));
        Assert.Contains("Definitions/helloworld3_top.vnfd.yaml", vnfdFiles.Keys);
        Assert.Contains("TOSCA-Metadata/TOSCA.meta", vnfdFiles.Keys);
        Assert.DoesNotContain(Csars.CirrosImage, vnfdFiles.Keys);

        var content = await client.GetAsync(self + "/package_content", Ct);
        Assert.Equal("application/zip", content.Content.Headers.ContentType?.MediaType);
        Assert.Equal(zip, await content.Content.ReadAsByteArrayAsync(Ct));

        await AssertProblemAsync(await client.DeleteAsync(self, Ct), HttpStatusCode.Conflict, "ENABLED");
        await AssertProblemAsync(await client.PatchAsync(self, JsonContent.Create(new { operationalState = "DISABLED" }), Ct),
            HttpStatusCode.UnsupportedMediaType);
        var patch = await client.PatchAsync(self, new StringContent("""{"operationalState":"DISABLED"}""", Encoding.UTF8, VnfPackagesApi.MergePatchJson), Ct);
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal(PackageOperationalState.Disabled, (await Body<VnfPkgInfoModifications>(patch)).OperationalState);
        await AssertProblemAsync(await client.PatchAsync(self, new StringContent("""{"operationalState":"DISABLED"}""", Encoding.UTF8, VnfPackagesApi.MergePatchJson), Ct),
            HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(self, Ct)).StatusCode);
        await AssertProblemAsync(await client.GetAsync(self, Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_broken_package_ends_in_ERROR_with_its_diagnostics_and_can_be_uploaded_again()
    {
        var client = host.Client("http-" + Guid.NewGuid().ToString("N")[..8]);
        var info = await CreateAsync(client);
        var self = $"{Root}/{info.Id}";

        Assert.Equal(HttpStatusCode.Accepted, (await client.PutAsync(self + "/package_content", Zip(Csars.HelloWorld(withImage: false)), Ct)).StatusCode);
        var failed = await WaitForOnboardingAsync(client, info.Id);
        Assert.Equal(PackageOnboardingState.Error, failed.OnboardingState);
        Assert.Equal(422, failed.OnboardingFailureDetails?.Status);
        Assert.Contains(Csars.CirrosImage, failed.OnboardingFailureDetails!.Detail);

        Assert.Equal(HttpStatusCode.Accepted, (await client.PutAsync(self + "/package_content", Zip(Csars.HelloWorld()), Ct)).StatusCode);
        var fixedUp = await WaitForOnboardingAsync(client, info.Id);
        Assert.Equal(PackageOnboardingState.Onboarded, fixedUp.OnboardingState);
        Assert.Null(fixedUp.OnboardingFailureDetails);
    }

    [Fact]
    public async Task Packages_over_the_configured_limit_are_413()
    {
        var client = host.Client("http-" + Guid.NewGuid().ToString("N")[..8]);
        var info = await CreateAsync(client);
        var big = new byte[NfvoTestHost.MaxPackageBytes + 1];
        "PK\x03\x04"u8.CopyTo(big);
        await AssertProblemAsync(await client.PutAsync($"{Root}/{info.Id}/package_content", Zip(big), Ct), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(PackageOnboardingState.Created, (await Body<VnfPkgInfo>(await client.GetAsync($"{Root}/{info.Id}", Ct))).OnboardingState);
    }

    [Fact]
    public async Task Other_tenants_packages_are_404()
    {
        var mine = host.Client("http-" + Guid.NewGuid().ToString("N")[..8]);
        var theirs = host.Client("http-" + Guid.NewGuid().ToString("N")[..8]);
        var info = await CreateAsync(mine);
        await AssertProblemAsync(await theirs.GetAsync($"{Root}/{info.Id}", Ct), HttpStatusCode.NotFound);
        await AssertProblemAsync(await theirs.DeleteAsync($"{Root}/{info.Id}", Ct), HttpStatusCode.NotFound);
        Assert.Empty(await Body<List<VnfPkgInfo>>(await theirs.GetAsync(Root, Ct)));
    }

    [Fact]
    public async Task The_seeded_sandbox_VIM_is_listed_without_credentials()
    {
        var r = await host.Client("default").GetAsync("/nfvo/v1/vims", Ct);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var json = await r.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("accessInfo", json, StringComparison.OrdinalIgnoreCase);
        var vim = Assert.Single(JsonSerializer.Deserialize<List<VimInfo>>(json, SolJson.Options)!);
        Assert.Equal("sandbox", vim.Id);
        Assert.Equal("MANO.SANDBOX.V_1", vim.VimType);
        Assert.True(vim.IsDefault);
        Assert.Empty(await Body<List<VimInfo>>(await host.Client("nobody").GetAsync("/nfvo/v1/vims", Ct)));
    }

    [Fact]
    public async Task The_VNFM_gets_the_onboarded_package_and_a_grant_over_the_bus()
    {
        // The seeded tenant ("default") has the sandbox VIM.
        var client = host.Client("default");
        var info = await CreateAsync(client);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PutAsync($"{Root}/{info.Id}/package_content", Zip(Csars.HelloWorld()), Ct)).StatusCode);
        Assert.Equal(PackageOnboardingState.Onboarded, (await WaitForOnboardingAsync(client, info.Id)).OnboardingState);

        await using var scope = host.Services.CreateAsyncScope();
        var packages = scope.ServiceProvider.GetRequiredService<IRequestClient<GetOnboardedVnfPackage>>();
        var pkg = (await packages.GetResponse<OnboardedVnfPackageResult>(new GetOnboardedVnfPackage("default", Csars.HelloWorldVnfdId), Ct)).Message;
        Assert.Equal(info.Id, pkg.Package?.VnfPkgId);
        Assert.Equal(PackageOperationalState.Enabled, pkg.Package?.OperationalState);
        Assert.Null(pkg.Package?.HeatTemplates);   // no BaseHOT/ in this package
        Assert.Equal("tosca_simple_yaml_1_2", Encoding.UTF8.GetString(pkg.Package!.VnfdFiles["Definitions/helloworld3_top.vnfd.yaml"]).Split(':')[1].Split('\n')[0].Trim());
        var missing = (await packages.GetResponse<OnboardedVnfPackageResult>(new GetOnboardedVnfPackage("nobody", Csars.HelloWorldVnfdId), Ct)).Message;
        Assert.Equal(404, missing.Problem?.Status);

        var grants = scope.ServiceProvider.GetRequiredService<IRequestClient<RequestGrant>>();
        var request = new GrantRequest
        {
            VnfInstanceId = "inst-bus", VnfLcmOpOccId = Guid.NewGuid().ToString(), VnfdId = Csars.HelloWorldVnfdId,
            Operation = LcmOperationType.Instantiate, IsAutomaticInvocation = false,
            AddResources = [new ResourceDefinition { Id = "r1", Type = "COMPUTE", VduId = "VDU1", ResourceTemplateId = "VDU1" }],
            Links = new GrantRequestLinks(new Link("http://vnfm.test/op"), new Link("http://vnfm.test/inst")),
        };
        var granted = (await grants.GetResponse<GrantResult>(new RequestGrant("default", request), Ct)).Message;
        Assert.Null(granted.Rejection);
        Assert.Equal("sandbox-az-1", granted.Grant?.Zones?.Single().ZoneId);
        Assert.Equal("http://nfvo.test/grant/v1/grants/" + granted.Grant!.Id, granted.Grant.Links.Self.Href);
        var again = (await grants.GetResponse<GrantResult>(new RequestGrant("default", request), Ct)).Message;
        Assert.Equal(granted.Grant.Id, again.Grant?.Id);
        var refused = (await grants.GetResponse<GrantResult>(new RequestGrant("nobody", request with { VnfLcmOpOccId = "x" }), Ct)).Message;
        Assert.Equal(403, refused.Rejection?.Status);

        // Clean up for the other tests of this tenant.
        await client.PatchAsync($"{Root}/{info.Id}", new StringContent("""{"operationalState":"DISABLED"}""", Encoding.UTF8, VnfPackagesApi.MergePatchJson), Ct);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{Root}/{info.Id}", Ct)).StatusCode);
    }

    /// <summary>ADR-0015: a Tacker package's BaseHOT/** templates reach the VNFM with the package (Heat mode); others have none.</summary>
    [Fact]
    public async Task The_VNFM_gets_the_BaseHOT_templates_of_a_tacker_package()
    {
        var client = host.Client("default");
        var dir = RepoPaths.Tacker("v2-os-basic_lcms_min");
        const string vnfdId = "b1bb0ce7-ebca-4fa7-95ed-4840d7000000";
        var info = await CreateAsync(client);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PutAsync($"{Root}/{info.Id}/package_content", Zip(Csars.ZipDirectory(dir,
            [("Scripts/sample_script.py", Encoding.UTF8.GetBytes("# the corpus copy leaves out the package's LCM script; its VNFD names it\n"))])), Ct)).StatusCode);
        Assert.Equal(PackageOnboardingState.Onboarded, (await WaitForOnboardingAsync(client, info.Id)).OnboardingState);
        try
        {
            await using var scope = host.Services.CreateAsyncScope();
            var packages = scope.ServiceProvider.GetRequiredService<IRequestClient<GetOnboardedVnfPackage>>();
            var pkg = (await packages.GetResponse<OnboardedVnfPackageResult>(new GetOnboardedVnfPackage("default", vnfdId), Ct)).Message.Package;
            Assert.NotNull(pkg?.HeatTemplates);
            Assert.Equal(["BaseHOT/simple/nested/VDU1.yaml", "BaseHOT/simple/sample2.yaml"], pkg.HeatTemplates.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "BaseHOT", "simple", "sample2.yaml")), pkg.HeatTemplates["BaseHOT/simple/sample2.yaml"]);
            Assert.Null(pkg.KubernetesManifests);
        }
        finally
        {
            await client.PatchAsync($"{Root}/{info.Id}", new StringContent("""{"operationalState":"DISABLED"}""", Encoding.UTF8, VnfPackagesApi.MergePatchJson), Ct);
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{Root}/{info.Id}", Ct)).StatusCode);
        }
    }
}

public sealed class SqliteHttpApiTests(SqliteNfvoTestHost host) : HttpApiTests(host), IClassFixture<SqliteNfvoTestHost>;

public sealed class PostgresHttpApiTests(PostgresNfvoTestHost host) : HttpApiTests(host), IClassFixture<PostgresNfvoTestHost>;

public sealed class VnfdContentNegotiationTests
{
    [Theory]
    [InlineData(null, false, true)]
    [InlineData("text/plain", true, false)]
    [InlineData("application/zip", false, true)]
    [InlineData("text/plain, application/zip", true, true)]
    [InlineData("*/*", false, true)]
    [InlineData("application/json", false, false)]
    [InlineData("text/plain;q=0, application/zip", false, true)]
    public void Accept_headers_map_to_the_SOL005_VNFD_formats(string? accept, bool text, bool zip)
    {
        var context = new DefaultHttpContext();
        if (accept is not null) context.Request.Headers.Accept = accept;
        Assert.Equal((text, zip), VnfPackagesApi.Acceptable(context.Request));
    }
}
