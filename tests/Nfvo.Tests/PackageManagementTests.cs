using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Microsoft.Extensions.DependencyInjection;

namespace Mano.Nfvo.Tests;

/// <summary>A helloworld CSAR with a manifest, a change log, licences, a script, tests and a non-MANO artifact set.</summary>
public static class RichCsar
{
    public const string Manifest = "helloworld3_top.vnfd.mf";
    public const string Certificate = "helloworld3.cert";
    public const string Script = "Scripts/install.sh";
    public const string License = "Licenses/LICENSE.txt";
    public const string ChangeLog = "ChangeLog.txt";
    public const string VesEvents = "Files/Events/ves.yaml";

    public static byte[] Build(bool withCertificate = false)
    {
        var files = Csars.Files(Csars.HelloWorldDirectory).Where(f => f.Path != "TOSCA-Metadata/TOSCA.meta").ToList();
        files.Add((Csars.CirrosImage, "placeholder for the cirros image"u8.ToArray()));
        files.Add((Script, "#!/bin/sh\necho installed\n"u8.ToArray()));
        files.Add((License, "Apache-2.0"u8.ToArray()));
        files.Add((ChangeLog, "1.0: first release"u8.ToArray()));
        files.Add((VesEvents, "event: {}\n"u8.ToArray()));
        var meta = new StringBuilder("TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: Mano tests\n" +
                                     "Entry-Definitions: Definitions/helloworld3_top.vnfd.yaml\n" +
                                     $"ETSI-Entry-Manifest: {Manifest}\nETSI-Entry-Change-Log: {ChangeLog}\nETSI-Entry-Licenses: Licenses\n");
        if (withCertificate)
        {
            meta.Append($"ETSI-Entry-Certificate: {Certificate}\n");
            using var key = RSA.Create(2048);
            var cert = new CertificateRequest("CN=Mano test signer", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            files.Add((Certificate, Encoding.ASCII.GetBytes(cert.ExportCertificatePem())));
        }
        files.Add(("TOSCA-Metadata/TOSCA.meta", Encoding.UTF8.GetBytes(meta.ToString())));
        var mf = new StringBuilder("metadata:\nvnf_provider_id: Company\nvnf_product_name: Sample VNF\n" +
                                   "vnf_release_date_time: 2024-01-01T00:00:00+00:00\nvnf_package_version: 1.0\n" +
                                   "compatible_specification_versions: 2.6.1,3.3.1\n");
        foreach (var (path, content) in files.Where(f => f.Path != Certificate).OrderBy(f => f.Path, StringComparer.Ordinal))
            mf.Append($"\nSource: {path}\nAlgorithm: SHA-256\nHash: {Convert.ToHexStringLower(SHA256.HashData(content))}\n");
        mf.Append($"\nnon_mano_artifact_sets:\n  onap_ves_events:\n    Source: {VesEvents}\n");
        files.Add((Manifest, Encoding.UTF8.GetBytes(mf.ToString())));
        return Csars.Zip(files);
    }
}

/// <summary>
/// SOL005 clause 9 package management over HTTP, every body checked against the official OpenAPI documents
/// (SOL005 VNFPackageManagement, SOL003 VNFPackageManagement for onboarded_vnf_packages, the notification API).
/// </summary>
public abstract class PackageManagementTests(NfvoTestHost host)
{
    private const string Api = "SOL005/VNFPackageManagement";
    private const string Root = "/vnfpkgm/v2/vnf_packages";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _tenant = "pm-" + Guid.NewGuid().ToString("N")[..10];

    private HttpClient Client() => host.Client(_tenant);

    private static async Task<string> ValidAsync(HttpResponseMessage r, string method, string path, string api = Api)
    {
        var json = await r.Content.ReadAsStringAsync(Ct);
        SolSchemas.AssertValid(api, method, path, (int)r.StatusCode, json);
        return json;
    }

    private static async Task<T> Body<T>(HttpResponseMessage r) => SolJson.Deserialize<T>(await r.Content.ReadAsStringAsync(Ct));

    private static async Task AssertProblemAsync(HttpResponseMessage r, HttpStatusCode status, string? detailContains = null)
    {
        Assert.Equal(status, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var problem = await Body<ProblemDetails>(r);
        if (detailContains is not null) Assert.Contains(detailContains, problem.Detail);
    }

    private static ByteArrayContent Zip(byte[] bytes)
    {
        var c = new ByteArrayContent(bytes);
        c.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return c;
    }

    private static StringContent MergePatch(string json) => new(json, Encoding.UTF8, VnfPackagesApi.MergePatchJson);

    private async Task<VnfPkgInfo> CreateAsync(HttpClient client)
    {
        var r = await client.PostAsJsonAsync(Root, new { userDefinedData = new { owner = "tests", nested = new { a = 1, b = 2 } } }, Ct);
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        SolSchemas.AssertValid(Api, "POST", "/vnf_packages", 201, await r.Content.ReadAsStringAsync(Ct));
        return await Body<VnfPkgInfo>(r);
    }

    private static async Task<VnfPkgInfo> WaitAsync(HttpClient client, string id, Func<VnfPkgInfo, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var info = await Body<VnfPkgInfo>(await client.GetAsync($"{Root}/{id}?all_fields", Ct));
            if (done(info) || DateTime.UtcNow > deadline) return info;
            await Task.Delay(50, Ct);
        }
    }

    private static Task<VnfPkgInfo> WaitForOnboardingAsync(HttpClient client, string id) =>
        WaitAsync(client, id, i => i.OnboardingState is not (PackageOnboardingState.Processing or PackageOnboardingState.Uploading));

    private async Task<VnfPkgInfo> OnboardAsync(HttpClient client, byte[] csar)
    {
        var info = await CreateAsync(client);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PutAsync($"{Root}/{info.Id}/package_content", Zip(csar), Ct)).StatusCode);
        var onboarded = await WaitForOnboardingAsync(client, info.Id);
        Assert.True(onboarded.OnboardingState == PackageOnboardingState.Onboarded, onboarded.OnboardingFailureDetails?.Detail);
        return onboarded;
    }

    private static HttpRequestMessage Get(string uri, string? accept = null, string? range = null)
    {
        var m = new HttpRequestMessage(HttpMethod.Get, uri);
        if (accept is not null) m.Headers.Accept.ParseAdd(accept);
        if (range is not null) m.Headers.TryAddWithoutValidation("Range", range);
        return m;
    }

    // ------------------------------------------------------------------ VnfPkgInfo, ETag, PATCH, DELETE

    [Fact]
    public async Task An_onboarded_package_describes_its_images_artifacts_manifest_and_versions()
    {
        var client = Client();
        var csar = RichCsar.Build();
        var info = await OnboardAsync(client, csar);
        var self = $"{Root}/{info.Id}";

        var r = await client.GetAsync(self, Ct);
        var json = await ValidAsync(r, "GET", "/vnf_packages/{vnfPkgId}");
        var full = SolJson.Deserialize<VnfPkgInfo>(json);
        Assert.Equal(["2.6.1", "3.3.1"], full.CompatibleSpecificationVersions!);
        Assert.Null(full.PackageSecurityOption); // unsigned manifest
        Assert.Equal(new Checksum("SHA-256", Convert.ToHexStringLower(SHA256.HashData(csar))), full.Checksum);
        var images = full.SoftwareImages!;
        Assert.Equal(["VDU1", "VirtualStorage"], images.Select(i => i.Id).Order());
        var vdu1 = images.Single(i => i.Id == "VDU1");
        Assert.Equal(Csars.CirrosImage, vdu1.ImagePath);
        Assert.Equal(("BARE", "QCOW2", "SHA-512", "Company"), (vdu1.ContainerFormat, vdu1.DiskFormat, vdu1.Checksum.Algorithm, vdu1.Provider));
        Assert.Equal(1_000_000_000, vdu1.MinDisk);
        var artifacts = full.AdditionalArtifacts!.ToDictionary(a => a.ArtifactPath!);
        Assert.Equal([RichCsar.ChangeLog, RichCsar.VesEvents, RichCsar.License, RichCsar.Script], artifacts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("HISTORY", artifacts[RichCsar.ChangeLog].ArtifactClassification);
        Assert.Equal("LICENSE", artifacts[RichCsar.License].ArtifactClassification);
        Assert.Null(artifacts[RichCsar.Script].ArtifactClassification);
        Assert.Equal("onap_ves_events", artifacts[RichCsar.VesEvents].NonManoArtifactSetId);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("#!/bin/sh\necho installed\n"u8.ToArray())), artifacts[RichCsar.Script].Checksum.Hash);

        // The default list excludes softwareImages, additionalArtifacts, userDefinedData, checksum (SOL005 9.4.2.3.2).
        var list = await client.GetAsync(Root, Ct);
        var listed = JsonNode.Parse(await ValidAsync(list, "GET", "/vnf_packages"))!.AsArray().Single()!.AsObject();
        Assert.False(listed.ContainsKey("softwareImages"));
        Assert.False(listed.ContainsKey("additionalArtifacts"));
        Assert.True(listed.ContainsKey("compatibleSpecificationVersions"));
        await ValidAsync(await client.GetAsync(Root + "?all_fields", Ct), "GET", "/vnf_packages");
        var onlyImages = JsonNode.Parse(await ValidAsync(await client.GetAsync(Root + "?fields=softwareImages", Ct), "GET", "/vnf_packages"))!.AsArray().Single()!;
        Assert.Equal(2, onlyImages["softwareImages"]!.AsArray().Count);
    }

    [Fact]
    public async Task GET_has_an_ETag_and_PATCH_honours_If_Match_and_merges_userDefinedData()
    {
        var client = Client();
        var info = await OnboardAsync(client, Csars.HelloWorld());
        var self = $"{Root}/{info.Id}";

        var get = await client.GetAsync(self, Ct);
        var etag = get.Headers.ETag!.Tag;
        var conditional = Get(self);
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag));
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(conditional, Ct)).StatusCode);

        var stale = new HttpRequestMessage(HttpMethod.Patch, self) { Content = MergePatch("""{"userDefinedData":{"x":"y"}}""") };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"not-the-current-one\""));
        await AssertProblemAsync(await client.SendAsync(stale, Ct), HttpStatusCode.PreconditionFailed);

        var patch = new HttpRequestMessage(HttpMethod.Patch, self)
        {
            Content = MergePatch("""{"operationalState":"DISABLED","userDefinedData":{"owner":null,"nested":{"b":3},"added":"yes"}}"""),
        };
        patch.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        var patched = await client.SendAsync(patch, Ct);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        await ValidAsync(patched, "PATCH", "/vnf_packages/{vnfPkgId}");
        Assert.NotEqual(etag, patched.Headers.ETag!.Tag);

        // The old ETag no longer matches.
        var again = new HttpRequestMessage(HttpMethod.Patch, self) { Content = MergePatch("""{"operationalState":"ENABLED"}""") };
        again.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        await AssertProblemAsync(await client.SendAsync(again, Ct), HttpStatusCode.PreconditionFailed);

        var now = await WaitAsync(client, info.Id, _ => true);
        Assert.Equal(PackageOperationalState.Disabled, now.OperationalState);
        Assert.Equal("""{"nested":{"a":1,"b":3},"added":"yes"}""", now.UserDefinedData!.ToJsonString());
        Assert.Equal(patched.Headers.ETag!.Tag, (await client.GetAsync(self, Ct)).Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Usage_events_of_the_VNFM_make_a_package_IN_USE_and_block_its_deletion()
    {
        var client = Client();
        var info = await OnboardAsync(client, Csars.HelloWorld());
        var self = $"{Root}/{info.Id}";
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync(self, MergePatch("""{"operationalState":"DISABLED"}"""), Ct)).StatusCode);

        var bus = host.Services.GetRequiredService<IBus>();
        var t0 = DateTime.UtcNow;
        await bus.Publish(new VnfPackageUsed(_tenant, Csars.HelloWorldVnfdId, "inst-1", t0), Ct);
        await bus.Publish(new VnfPackageUsed(_tenant, Csars.HelloWorldVnfdId, "inst-2", t0), Ct);
        Assert.Equal(PackageUsageState.InUse, (await WaitAsync(client, info.Id, i => i.UsageState == PackageUsageState.InUse)).UsageState);
        await AssertProblemAsync(await client.DeleteAsync(self, Ct), HttpStatusCode.Conflict, "IN_USE");

        // inst-1 released; a late, older "used" of inst-1 changes nothing; inst-2 still uses it.
        await bus.Publish(new VnfPackageReleased(_tenant, Csars.HelloWorldVnfdId, "inst-1", t0.AddSeconds(1)), Ct);
        await bus.Publish(new VnfPackageUsed(_tenant, Csars.HelloWorldVnfdId, "inst-1", t0), Ct);
        await bus.Publish(new VnfPackageReleased(_tenant, Csars.HelloWorldVnfdId, "inst-2", t0.AddSeconds(1)), Ct);
        Assert.Equal(PackageUsageState.NotInUse, (await WaitAsync(client, info.Id, i => i.UsageState == PackageUsageState.NotInUse)).UsageState);
        await Task.Delay(300, Ct);
        Assert.Equal(PackageUsageState.NotInUse, (await WaitAsync(client, info.Id, _ => true)).UsageState);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(self, Ct)).StatusCode);
    }

    // ------------------------------------------------------------------ content, manifest, artifacts, VNFD

    [Fact]
    public async Task Package_content_supports_single_byte_ranges()
    {
        var client = Client();
        var csar = RichCsar.Build();
        var info = await OnboardAsync(client, csar);
        var uri = $"{Root}/{info.Id}/package_content";

        var whole = await client.SendAsync(Get(uri), Ct);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        Assert.Equal(csar, await whole.Content.ReadAsByteArrayAsync(Ct));

        var part = await client.SendAsync(Get(uri, range: "bytes=10-19"), Ct);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal($"bytes 10-19/{csar.Length}", part.Content.Headers.ContentRange!.ToString());
        Assert.Equal(csar[10..20], await part.Content.ReadAsByteArrayAsync(Ct));

        var tail = await client.SendAsync(Get(uri, range: "bytes=-5"), Ct);
        Assert.Equal(csar[^5..], await tail.Content.ReadAsByteArrayAsync(Ct));
        var open = await client.SendAsync(Get(uri, range: $"bytes={csar.Length - 3}-"), Ct);
        Assert.Equal(csar[^3..], await open.Content.ReadAsByteArrayAsync(Ct));

        var beyond = await client.SendAsync(Get(uri, range: $"bytes={csar.Length}-"), Ct);
        await AssertProblemAsync(beyond, HttpStatusCode.RequestedRangeNotSatisfiable);
        Assert.Equal($"bytes */{csar.Length}", beyond.Content.Headers.ContentRange!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get(uri, range: "bytes=0-1,5-6"), Ct)).StatusCode);
        await AssertProblemAsync(await client.SendAsync(Get(uri, accept: "application/json"), Ct), HttpStatusCode.NotAcceptable);
    }

    [Fact]
    public async Task The_manifest_is_text_or_a_zip_with_its_certificate_and_404_when_there_is_none()
    {
        var client = Client();
        var signedish = await OnboardAsync(client, RichCsar.Build(withCertificate: true));
        var uri = $"{Root}/{signedish.Id}/manifest";
        var text = await client.SendAsync(Get(uri), Ct);
        Assert.Equal(HttpStatusCode.OK, text.StatusCode);
        Assert.Equal("text/plain", text.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("metadata:", await text.Content.ReadAsStringAsync(Ct));

        var zip = await client.SendAsync(Get(uri + "?include_signatures"), Ct);
        Assert.Equal("application/zip", zip.Content.Headers.ContentType!.MediaType);
        Assert.Equal([RichCsar.Certificate, RichCsar.Manifest], Csars.Unzip(await zip.Content.ReadAsByteArrayAsync(Ct)).Keys.Order(StringComparer.Ordinal));
        await AssertProblemAsync(await client.SendAsync(Get(uri + "?include_signatures", accept: "text/plain"), Ct), HttpStatusCode.NotAcceptable);
        var withCert = await WaitAsync(client, signedish.Id, _ => true);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", withCert.SigningCertificate);
        await ValidAsync(await client.GetAsync($"{Root}/{signedish.Id}", Ct), "GET", "/vnf_packages/{vnfPkgId}");
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync($"{Root}/{signedish.Id}", MergePatch("""{"operationalState":"DISABLED"}"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{Root}/{signedish.Id}", Ct)).StatusCode);

        var plain = await OnboardAsync(client, Csars.HelloWorld());
        await AssertProblemAsync(await client.GetAsync($"{Root}/{plain.Id}/manifest", Ct), HttpStatusCode.NotFound, "no manifest");
    }

    [Fact]
    public async Task Artifacts_are_served_by_their_path_with_ranges_and_nothing_outside_them()
    {
        var client = Client();
        var info = await OnboardAsync(client, RichCsar.Build());
        var root = $"{Root}/{info.Id}/artifacts";

        var script = await client.SendAsync(Get($"{root}/{RichCsar.Script}"), Ct);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("application/x-sh", script.Content.Headers.ContentType!.MediaType);
        Assert.Equal("#!/bin/sh\necho installed\n", await script.Content.ReadAsStringAsync(Ct));
        var part = await client.SendAsync(Get($"{root}/{RichCsar.Script}", range: "bytes=2-8"), Ct);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal("/bin/sh", await part.Content.ReadAsStringAsync(Ct));
        var image = await client.SendAsync(Get($"{root}/{Csars.CirrosImage}"), Ct);
        Assert.Equal("placeholder for the cirros image", await image.Content.ReadAsStringAsync(Ct));
        await AssertProblemAsync(await client.SendAsync(Get($"{root}/{RichCsar.Script}", accept: "application/json"), Ct), HttpStatusCode.NotAcceptable);

        foreach (var bad in new[] { "Scripts/nothing.sh", "Definitions/helloworld3_top.vnfd.yaml", "TOSCA-Metadata/TOSCA.meta",
                     "Scripts/..%2F" + RichCsar.Manifest, "..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "Scripts%2F.%2Finstall.sh", "Scripts%5Cinstall.sh" })
            await AssertProblemAsync(await client.GetAsync($"{root}/{bad}", Ct), HttpStatusCode.NotFound);

        var signed = await client.SendAsync(Get($"{root}/{RichCsar.Script}?include_signatures"), Ct);
        Assert.Equal("application/zip", signed.Content.Headers.ContentType!.MediaType);
        Assert.Equal([RichCsar.Script], Csars.Unzip(await signed.Content.ReadAsByteArrayAsync(Ct)).Keys);

        // The archive of artifacts (9.4.5a): images always; MANO and non-MANO artifacts selectable.
        async Task<string[]> Archive(string query) =>
            Csars.Unzip(await (await client.GetAsync(root + query, Ct)).Content.ReadAsByteArrayAsync(Ct)).Keys.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal([RichCsar.ChangeLog, RichCsar.VesEvents, Csars.CirrosImage, RichCsar.License, RichCsar.Script], await Archive(""));
        Assert.Equal([RichCsar.VesEvents, Csars.CirrosImage], await Archive("?exclude_all_mano_artifacts"));
        Assert.Equal([RichCsar.ChangeLog, Csars.CirrosImage, RichCsar.License, RichCsar.Script], await Archive("?exclude_all_non_mano_artifacts"));
        Assert.Equal([Csars.CirrosImage], await Archive("?exclude_all_mano_artifacts&select_non_mano_artifact_sets=other"));
    }

    [Fact]
    public async Task The_VNFD_with_include_signatures_is_always_a_zip()
    {
        var client = Client();
        var info = await OnboardAsync(client, RichCsar.Build(withCertificate: true));
        var uri = $"{Root}/{info.Id}/vnfd";
        await AssertProblemAsync(await client.SendAsync(Get(uri + "?include_signatures", accept: "text/plain"), Ct), HttpStatusCode.NotAcceptable);
        var zip = await client.SendAsync(Get(uri + "?include_signatures"), Ct);
        Assert.Equal("application/zip", zip.Content.Headers.ContentType!.MediaType);
        var files = Csars.Unzip(await zip.Content.ReadAsByteArrayAsync(Ct));
        Assert.Contains(RichCsar.Certificate, files.Keys);
        Assert.Contains("Definitions/helloworld3_top.vnfd.yaml", files.Keys);
        Assert.Contains("TOSCA-Metadata/TOSCA.meta", files.Keys);
        await AssertProblemAsync(await client.GetAsync($"{Root}/{info.Id}/ext_artifacts_access", Ct), HttpStatusCode.NotImplemented);
    }

    [Fact]
    public async Task Onboarded_packages_are_served_by_vnfdId_as_SOL003_describes()
    {
        var client = Client();
        var csar = RichCsar.Build();
        var info = await OnboardAsync(client, csar);
        const string sol003 = "SOL003/VNFPackageManagement";
        var root = "/vnfpkgm/v2/onboarded_vnf_packages";
        var unonboarded = await CreateAsync(client);

        var list = await client.GetAsync(root, Ct);
        var items = JsonNode.Parse(await ValidAsync(list, "GET", "/onboarded_vnf_packages", sol003))!.AsArray();
        Assert.Equal([info.Id], items.Select(i => i!["id"]!.GetValue<string>()));
        Assert.DoesNotContain(unonboarded.Id, items.Select(i => i!["id"]!.GetValue<string>()));

        var one = await client.GetAsync($"{root}/{Csars.HelloWorldVnfdId}", Ct);
        var pkg = SolJson.Deserialize<VnfPkgInfo>(await ValidAsync(one, "GET", "/onboarded_vnf_packages/{vnfdId}", sol003));
        Assert.Equal($"http://localhost{root}/{Csars.HelloWorldVnfdId}", pkg.Links.Self.Href);
        Assert.NotNull(one.Headers.ETag);

        Assert.Equal("application/zip", (await client.GetAsync($"{root}/{Csars.HelloWorldVnfdId}/vnfd", Ct)).Content.Headers.ContentType!.MediaType);
        Assert.Equal(csar, await (await client.GetAsync($"{root}/{Csars.HelloWorldVnfdId}/package_content", Ct)).Content.ReadAsByteArrayAsync(Ct));
        Assert.StartsWith("metadata:", await (await client.GetAsync($"{root}/{Csars.HelloWorldVnfdId}/manifest", Ct)).Content.ReadAsStringAsync(Ct));
        Assert.Equal("Apache-2.0", await (await client.GetAsync($"{root}/{Csars.HelloWorldVnfdId}/artifacts/{RichCsar.License}", Ct)).Content.ReadAsStringAsync(Ct));
        Assert.Contains(RichCsar.License, Csars.Unzip(await (await client.GetAsync($"{root}/{Csars.HelloWorldVnfdId}/artifacts", Ct)).Content.ReadAsByteArrayAsync(Ct)).Keys);
        await AssertProblemAsync(await client.GetAsync($"{root}/no-such-vnfd", Ct), HttpStatusCode.NotFound);
        await AssertProblemAsync(await client.GetAsync($"{root}/no-such-vnfd/vnfd", Ct), HttpStatusCode.NotFound);
        await AssertProblemAsync(await host.Client("someone-else").GetAsync($"{root}/{Csars.HelloWorldVnfdId}", Ct), HttpStatusCode.NotFound);
    }

    // ------------------------------------------------------------------ upload from URI

    [Fact]
    public async Task A_package_is_fetched_from_a_URI_with_basic_authentication()
    {
        var client = Client();
        var info = await CreateAsync(client);
        var uri = host.Packages.Add("secret-" + _tenant + ".zip", Csars.HelloWorld());
        var r = await client.PostAsJsonAsync($"{Root}/{info.Id}/package_content/upload_from_uri",
            new { addressInformation = uri, userName = PackageServer.User, password = PackageServer.Password }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        var done = await WaitForOnboardingAsync(client, info.Id);
        Assert.True(done.OnboardingState == PackageOnboardingState.Onboarded, done.OnboardingFailureDetails?.Detail);
        await using var db = host.Database.NewContext(_tenant);
        Assert.False(db.VnfPackageFetches.Any()); // the credentials are gone with the fetch
    }

    [Theory]
    [InlineData("wrong-password", "HTTP 401")]
    [InlineData("metadata", "refused: metadata.test resolves to 169.254.169.254, which is link-local")]
    [InlineData("private", "refused: intranet.test resolves to 10.1.2.3, which is a private address")]
    [InlineData("mixed", "refused: mixed.test resolves to fe80::1, which is link-local")]
    [InlineData("redirect", "refused: metadata.test resolves to 169.254.169.254")]
    [InlineData("too-big", "exceeds the limit")]
    [InlineData("not-a-zip", "not a ZIP archive")]
    [InlineData("missing", "HTTP 404")]
    public async Task A_failed_fetch_ends_in_ERROR_naming_the_cause(string scenario, string cause)
    {
        var client = Client();
        var info = await CreateAsync(client);
        var secret = host.Packages.Add("secret-" + _tenant + ".zip", Csars.HelloWorld());
        var notZip = host.Packages.Add("plain-" + _tenant + ".txt", "hello"u8.ToArray());
        object body = scenario switch
        {
            "wrong-password" => new { addressInformation = secret, userName = PackageServer.User, password = "nope" },
            "metadata" => new { addressInformation = "http://metadata.test/latest/meta-data/" },
            "private" => new { addressInformation = "http://intranet.test/pkg.zip" },
            "mixed" => new { addressInformation = "http://mixed.test/pkg.zip" },
            "redirect" => new { addressInformation = $"{host.Packages.Base}/redirect?to=http://metadata.test/latest" },
            "too-big" => new { addressInformation = $"http://pkgs.test:{host.Packages.Port}/endless" },
            "not-a-zip" => new { addressInformation = notZip },
            _ => new { addressInformation = $"{host.Packages.Base}/files/none.zip" },
        };
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync($"{Root}/{info.Id}/package_content/upload_from_uri", body, Ct)).StatusCode);
        var failed = await WaitForOnboardingAsync(client, info.Id);
        Assert.Equal(PackageOnboardingState.Error, failed.OnboardingState);
        Assert.Contains(cause, failed.OnboardingFailureDetails!.Detail);
        Assert.DoesNotContain("nope", failed.OnboardingFailureDetails.Detail);
        await ValidAsync(await client.GetAsync($"{Root}/{info.Id}", Ct), "GET", "/vnf_packages/{vnfPkgId}");
    }

    [Theory]
    [InlineData("ftp://example.com/pkg.zip", "http or https")]
    [InlineData("file:///etc/passwd", "http or https")]
    [InlineData("not a uri", "http or https")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("http://[fe80::1]/pkg.zip", "link-local")]
    [InlineData("http://[::ffff:169.254.169.254]/pkg.zip", "link-local")]
    [InlineData("http://100.100.100.200/pkg.zip", "metadata")]
    [InlineData("http://metadata.google.internal/x", "metadata")]
    [InlineData("http://bob:pw@example.com/pkg.zip", "user info")]
    public async Task Unacceptable_addresses_are_400(string address, string why)
    {
        var client = Client();
        var info = await CreateAsync(client);
        var r = await client.PostAsJsonAsync($"{Root}/{info.Id}/package_content/upload_from_uri", new { addressInformation = address }, Ct);
        await AssertProblemAsync(r, HttpStatusCode.BadRequest, why);
        Assert.Equal(PackageOnboardingState.Created, (await WaitAsync(client, info.Id, _ => true)).OnboardingState);
    }

    // ------------------------------------------------------------------ subscriptions and notifications

    [Fact]
    public async Task Subscribers_get_onboarding_and_change_notifications_that_match_their_filter()
    {
        var client = Client();
        var callback = $"http://subscriber.test/{_tenant}/all";
        var filtered = $"http://subscriber.test/{_tenant}/changes";
        var other = $"http://subscriber.test/{_tenant}/other-vnfd";

        var created = await client.PostAsJsonAsync("/vnfpkgm/v2/subscriptions", new
        {
            callbackUri = callback,
            authentication = new { authType = new[] { "BASIC" }, paramsBasic = new { userName = "sub", password = "sub-pw" } },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var subscription = SolJson.Deserialize<PkgmSubscription>(await ValidAsync(created, "POST", "/subscriptions"));
        Assert.Equal(created.Headers.Location!.ToString(), subscription.Links.Self.Href);
        Assert.DoesNotContain("sub-pw", await created.Content.ReadAsStringAsync(Ct));
        var test = Assert.Single(host.Callbacks.For(callback));
        Assert.Equal("GET", test.Method);
        Assert.StartsWith("Basic ", test.Authorization);

        var changes = await client.PostAsJsonAsync("/vnfpkgm/v2/subscriptions", new
        {
            callbackUri = filtered,
            filter = new { notificationTypes = new[] { "VnfPackageChangeNotification" }, vnfdId = new[] { Csars.HelloWorldVnfdId } },
        }, Ct);
        await ValidAsync(changes, "POST", "/subscriptions");
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/vnfpkgm/v2/subscriptions", new
        {
            callbackUri = other, filter = new { vnfProductsFromProviders = new[] { new { vnfProvider = "Someone else" } } },
        }, Ct)).StatusCode);

        var list = await client.GetAsync("/vnfpkgm/v2/subscriptions", Ct);
        Assert.Equal(3, JsonNode.Parse(await ValidAsync(list, "GET", "/subscriptions"))!.AsArray().Count);
        var filteredList = await client.GetAsync($"/vnfpkgm/v2/subscriptions?filter=(eq,callbackUri,{Uri.EscapeDataString(filtered)})", Ct);
        Assert.Single(JsonNode.Parse(await ValidAsync(filteredList, "GET", "/subscriptions"))!.AsArray());
        await ValidAsync(await client.GetAsync($"/vnfpkgm/v2/subscriptions/{subscription.Id}", Ct), "GET", "/subscriptions/{subscriptionId}");

        var info = await OnboardAsync(client, Csars.HelloWorld());
        var self = $"{Root}/{info.Id}";
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync(self, MergePatch("""{"operationalState":"DISABLED"}"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(self, Ct)).StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((host.Callbacks.For(callback).Count < 4 || host.Callbacks.For(filtered).Count < 3) && DateTime.UtcNow < deadline)
            await Task.Delay(100, Ct);
        const string notifications = "SOL005/VNFPackageManagementNotification";
        var all = host.Callbacks.For(callback).Where(c => c.Method == "POST").ToList();
        Assert.Equal(["VnfPackageOnboardingNotification", "VnfPackageChangeNotification", "VnfPackageChangeNotification"],
            all.Select(c => JsonNode.Parse(c.Body)!["notificationType"]!.GetValue<string>()));
        Assert.All(all, c => Assert.StartsWith("Basic ", c.Authorization));
        SolSchemas.AssertValidRequest(notifications, "POST", "/URI_is_provided_by_the_client_when_creating_the_subscription-VnfPackageOnboardingNotification", all[0].Body);
        SolSchemas.AssertValidRequest(notifications, "POST", "/URI_is_provided_by_the_client_when_creating_the_subscription-VnfPackageChangeNotification", all[1].Body);
        SolSchemas.AssertValidRequest(notifications, "POST", "/URI_is_provided_by_the_client_when_creating_the_subscription-VnfPackageChangeNotification", all[2].Body);
        var onboarding = SolJson.Deserialize<VnfPackageOnboardingNotification>(all[0].Body);
        Assert.Equal((info.Id, Csars.HelloWorldVnfdId, subscription.Id), (onboarding.VnfPkgId, onboarding.VnfdId, onboarding.SubscriptionId));
        Assert.Equal($"http://nfvo.test/vnfpkgm/v2/vnf_packages/{info.Id}", onboarding.Links.VnfPackage.Href);
        var opChange = SolJson.Deserialize<VnfPackageChangeNotification>(all[1].Body);
        Assert.Equal((PackageChangeType.OpStateChange, PackageOperationalState.Disabled), (opChange.ChangeType, opChange.OperationalState));
        Assert.Equal(PackageChangeType.PkgDelete, SolJson.Deserialize<VnfPackageChangeNotification>(all[2].Body).ChangeType);

        var onlyChanges = host.Callbacks.For(filtered).Where(c => c.Method == "POST").ToList();
        Assert.Equal(2, onlyChanges.Count);
        Assert.Equal(opChange.Id, SolJson.Deserialize<VnfPackageChangeNotification>(onlyChanges[0].Body).Id); // one id per event
        Assert.DoesNotContain(host.Callbacks.For(other), c => c.Method == "POST");

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/vnfpkgm/v2/subscriptions/{subscription.Id}", Ct)).StatusCode);
        await AssertProblemAsync(await client.GetAsync($"/vnfpkgm/v2/subscriptions/{subscription.Id}", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_subscription_whose_callback_fails_the_test_or_whose_filter_is_wrong_is_refused()
    {
        var client = Client();
        var down = $"http://subscriber.test/{_tenant}/down";
        host.Callbacks.Answer[down] = HttpStatusCode.InternalServerError;
        await AssertProblemAsync(await client.PostAsJsonAsync("/vnfpkgm/v2/subscriptions", new { callbackUri = down }, Ct), HttpStatusCode.UnprocessableEntity, "500");
        await AssertProblemAsync(await client.PostAsJsonAsync("/vnfpkgm/v2/subscriptions", new { callbackUri = "ftp://x" }, Ct), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await client.PostAsJsonAsync("/vnfpkgm/v2/subscriptions", new
        {
            callbackUri = $"http://subscriber.test/{_tenant}/x", filter = new { notificationTypes = new[] { "VnfLcmOperationOccurrenceNotification" } },
        }, Ct), HttpStatusCode.BadRequest, "notificationTypes");
        await AssertProblemAsync(await client.PostAsJsonAsync("/vnfpkgm/v2/subscriptions", new
        {
            callbackUri = $"http://subscriber.test/{_tenant}/x", filter = new { vnfdId = new[] { "a" }, vnfPkgId = new[] { "b" } },
        }, Ct), HttpStatusCode.BadRequest, "alternatives");
        await AssertProblemAsync(await client.PostAsJsonAsync("/vnfpkgm/v2/subscriptions", new
        {
            callbackUri = $"http://subscriber.test/{_tenant}/x", authentication = new { authType = new[] { "TLS_CERT" } },
        }, Ct), HttpStatusCode.NotImplemented);
        Assert.Empty(JsonNode.Parse(await (await client.GetAsync("/vnfpkgm/v2/subscriptions", Ct)).Content.ReadAsStringAsync(Ct))!.AsArray());
    }
}

public sealed class SqlitePackageManagementTests(SqliteNfvoTestHost host) : PackageManagementTests(host), IClassFixture<SqliteNfvoTestHost>;

public sealed class PostgresPackageManagementTests(PostgresNfvoTestHost host) : PackageManagementTests(host), IClassFixture<PostgresNfvoTestHost>;
