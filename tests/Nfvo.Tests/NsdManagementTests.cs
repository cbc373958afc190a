using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mano.Common;
using Mano.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Mano.Nfvo.Tests;

/// <summary>
/// SOL005 clause 5 NSD management over real HTTP (the NFVO on TestServer, a migrated database, the in-memory bus):
/// onboarding of the issue 6 test NSD (tests/TestSupport/NsdPackages.cs) after its three VNF packages, the enablement
/// rule, Tosca diagnostics, PATCH/ETag, delete rules, PNFDs, subscriptions and notifications, and the NsdCatalog
/// service. Every SOL body is validated against the official SOL005 NSDManagement OpenAPI document.
/// </summary>
public abstract class NsdManagementTests(NfvoTestHost host)
{
    private const string Api = "SOL005/NSDManagement";
    private const string NotificationApi = "SOL005/NSDManagementNotification";
    private const string Root = "/nsd/v2/ns_descriptors";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _tenant = "nsd-" + Guid.NewGuid().ToString("N")[..10];

    private HttpClient Client() => host.Client(_tenant);

    private static async Task<string> ValidAsync(HttpResponseMessage r, string method, string path)
    {
        var json = await r.Content.ReadAsStringAsync(Ct);
        SolSchemas.AssertValid(Api, method, path, (int)r.StatusCode, json);
        return json;
    }

    private static async Task<T> Body<T>(HttpResponseMessage r) => SolJson.Deserialize<T>(await r.Content.ReadAsStringAsync(Ct));

    private static async Task<ProblemDetails> AssertProblemAsync(HttpResponseMessage r, HttpStatusCode status, string? detailContains = null)
    {
        Assert.Equal(status, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var problem = await Body<ProblemDetails>(r);
        if (detailContains is not null) Assert.Contains(detailContains, problem.Detail);
        return problem;
    }

    private static ByteArrayContent Content(byte[] bytes, string type = "application/zip")
    {
        var c = new ByteArrayContent(bytes);
        c.Headers.ContentType = new MediaTypeHeaderValue(type);
        return c;
    }

    private static StringContent MergePatch(string json) => new(json, Encoding.UTF8, VnfPackagesApi.MergePatchJson);

    private static HttpRequestMessage Get(string uri, string? accept = null)
    {
        var m = new HttpRequestMessage(HttpMethod.Get, uri);
        if (accept is not null) m.Headers.Accept.ParseAdd(accept);
        return m;
    }

    /// <summary>Onboards the three VNF packages of the chain NSD; returns vnfdId -> vnfPkgId.</summary>
    private static async Task<Dictionary<string, string>> OnboardVnfPackagesAsync(HttpClient client, int count = 3)
    {
        var ids = new Dictionary<string, string>();
        foreach (var (vnfdId, csar) in NsdPackages.VnfPackages().Take(count))
        {
            var created = await Body<VnfPkgInfo>(await client.PostAsJsonAsync("/vnfpkgm/v2/vnf_packages", new { }, Ct));
            Assert.Equal(HttpStatusCode.Accepted, (await client.PutAsync($"/vnfpkgm/v2/vnf_packages/{created.Id}/package_content", Content(csar), Ct)).StatusCode);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            VnfPkgInfo info;
            do
            {
                await Task.Delay(50, Ct);
                info = await Body<VnfPkgInfo>(await client.GetAsync($"/vnfpkgm/v2/vnf_packages/{created.Id}", Ct));
            } while (info.OnboardingState is PackageOnboardingState.Uploading or PackageOnboardingState.Processing && DateTime.UtcNow < deadline);
            Assert.True(info.OnboardingState == PackageOnboardingState.Onboarded, $"{vnfdId}: {info.OnboardingFailureDetails?.Detail}");
            Assert.Equal(vnfdId, info.VnfdId);
            ids[vnfdId] = info.Id;
        }
        return ids;
    }

    private async Task<NsdInfo> CreateAsync(HttpClient client, object? body = null)
    {
        var r = await client.PostAsJsonAsync(Root, body ?? new { userDefinedData = new { owner = "tests", nested = new { a = 1, b = 2 } } }, Ct);
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var info = SolJson.Deserialize<NsdInfo>(await ValidAsync(r, "POST", "/ns_descriptors"));
        Assert.Equal(r.Headers.Location!.ToString(), info.Links.Self.Href);
        Assert.Equal((NsdOnboardingState.Created, NsdOperationalState.Disabled, NsdUsageState.NotInUse),
            (info.NsdOnboardingState, info.NsdOperationalState, info.NsdUsageState));
        return info;
    }

    private static async Task<NsdInfo> WaitForOnboardingAsync(HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var r = await client.GetAsync($"{Root}/{id}", Ct);
            var info = SolJson.Deserialize<NsdInfo>(await ValidAsync(r, "GET", "/ns_descriptors/{nsdInfoId}"));
            if (info.NsdOnboardingState is not (NsdOnboardingState.Uploading or NsdOnboardingState.Processing) || DateTime.UtcNow > deadline) return info;
            await Task.Delay(50, Ct);
        }
    }

    private async Task<NsdInfo> UploadAsync(HttpClient client, byte[] content, string type = "application/zip")
    {
        var info = await CreateAsync(client);
        var put = await client.PutAsync($"{Root}/{info.Id}/nsd_content", Content(content, type), Ct);
        Assert.Equal(HttpStatusCode.Accepted, put.StatusCode);
        return await WaitForOnboardingAsync(client, info.Id);
    }

    private async Task<NsdInfo> OnboardChainAsync(HttpClient client)
    {
        var info = await UploadAsync(client, NsdPackages.ChainNsd());
        Assert.True(info.NsdOnboardingState == NsdOnboardingState.Onboarded, info.OnboardingFailureDetails?.Detail);
        return info;
    }

    private NsdCatalog Catalog(IServiceScope scope)
    {
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(_tenant);
        return scope.ServiceProvider.GetRequiredService<NsdCatalog>();
    }

    // ------------------------------------------------------------------ onboarding

    [Fact]
    public async Task The_test_NSD_onboards_after_its_three_VNF_packages_and_is_served_as_SOL005_describes()
    {
        var client = Client();
        var packages = await OnboardVnfPackagesAsync(client);
        Assert.Equal(3, packages.Values.Distinct().Count());

        var info = await OnboardChainAsync(client);
        Assert.Equal((NsdPackages.NsdId, NsdPackages.NsdName, "1.0", "Mano", NsdPackages.NsdInvariantId),
            (info.NsdId, info.NsdName, info.NsdVersion, info.NsdDesigner, info.NsdInvariantId));
        Assert.Equal((NsdOperationalState.Enabled, NsdUsageState.NotInUse), (info.NsdOperationalState, info.NsdUsageState));
        Assert.Equal([packages[NsdPackages.EdgeVnfdId], packages[NsdPackages.FilterVnfdId], packages[NsdPackages.BackendVnfdId]], info.VnfPkgIds);
        Assert.Null(info.PnfdInfoIds);
        Assert.Null(info.OnboardingFailureDetails);
        var artifact = Assert.Single(info.Artifacts!);
        Assert.Equal((NsdPackages.ArtifactFile, "SHA-256"), (artifact.ArtifactPath, artifact.Checksum.Algorithm));

        // The list: SOL013 filter and the default exclusion of userDefinedData; all_fields brings it back.
        var list = await client.GetAsync($"{Root}?filter=(eq,nsdId,{NsdPackages.NsdId})", Ct);
        var listed = Assert.Single(JsonNode.Parse(await ValidAsync(list, "GET", "/ns_descriptors"))!.AsArray());
        Assert.Equal(info.Id, listed!["id"]!.GetValue<string>());
        Assert.Null(listed["userDefinedData"]);
        var all = JsonNode.Parse(await ValidAsync(await client.GetAsync($"{Root}?all_fields&filter=(eq,nsdOnboardingState,ONBOARDED)", Ct), "GET", "/ns_descriptors"))!.AsArray();
        Assert.Equal("tests", Assert.Single(all)!["userDefinedData"]!["owner"]!.GetValue<string>());
        Assert.Empty(JsonNode.Parse(await (await client.GetAsync($"{Root}?filter=(eq,nsdOperationalState,DISABLED)", Ct)).Content.ReadAsStringAsync(Ct))!.AsArray());
        // Another tenant sees nothing.
        Assert.Empty(JsonNode.Parse(await (await host.Client("someone-else-" + _tenant).GetAsync(Root, Ct)).Content.ReadAsStringAsync(Ct))!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client("someone-else-" + _tenant).GetAsync($"{Root}/{info.Id}", Ct)).StatusCode);

        // GET nsd: two YAML files -> only a ZIP (with TOSCA.meta); text/plain alone is 406.
        var nsd = await client.SendAsync(Get($"{Root}/{info.Id}/nsd", "application/zip"), Ct);
        Assert.Equal("application/zip", nsd.Content.Headers.ContentType?.MediaType);
        var nsdFiles = Csars.Unzip(await nsd.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal([NsdPackages.EntryDefinitions, NsdPackages.TypesFile, "TOSCA-Metadata/TOSCA.meta"], nsdFiles.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(NsdPackages.ChainNsdYaml, Encoding.UTF8.GetString(nsdFiles[NsdPackages.EntryDefinitions]));
        await AssertProblemAsync(await client.SendAsync(Get($"{Root}/{info.Id}/nsd", "text/plain"), Ct), HttpStatusCode.NotAcceptable, "2 files");

        // The manifest, the archive (with a range) and the artifact.
        var manifest = await client.SendAsync(Get($"{Root}/{info.Id}/manifest", "text/plain"), Ct);
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        Assert.Contains($"nsd_invariant_id: {NsdPackages.NsdInvariantId}", await manifest.Content.ReadAsStringAsync(Ct));
        var archive = NsdPackages.ChainNsd();
        var content = await client.SendAsync(Get($"{Root}/{info.Id}/nsd_content", "application/zip"), Ct);
        Assert.Equal(Csars.Unzip(archive).Keys.Order(), Csars.Unzip(await content.Content.ReadAsByteArrayAsync(Ct)).Keys.Order());
        var ranged = Get($"{Root}/{info.Id}/nsd_content", "application/zip");
        ranged.Headers.TryAddWithoutValidation("Range", "bytes=0-3");
        var part = await client.SendAsync(ranged, Ct);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal("PK\u0003\u0004", Encoding.ASCII.GetString(await part.Content.ReadAsByteArrayAsync(Ct)));
        var readme = await client.GetAsync($"{Root}/{info.Id}/artifacts/{NsdPackages.ArtifactFile}", Ct);
        Assert.Equal("Operator notes for the mano-chain test NS.\n", await readme.Content.ReadAsStringAsync(Ct));
        await AssertProblemAsync(await client.GetAsync($"{Root}/{info.Id}/artifacts/{NsdPackages.EntryDefinitions}", Ct), HttpStatusCode.NotFound);

        // A second NsdInfo with the same NSD fails: one NsdInfo per nsdId.
        var again = await UploadAsync(client, NsdPackages.ChainNsd());
        Assert.Equal(NsdOnboardingState.Error, again.NsdOnboardingState);
        Assert.Contains($"already onboarded as NsdInfo {info.Id}", again.OnboardingFailureDetails!.Detail);

        // The validation above was against real schemas: no $ref of the NSD management documents went unresolved.
        Assert.DoesNotContain(SolSchemas.UnresolvedReferences, u => u.Contains("NSDManagement", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NsdCatalog_serves_the_parsed_NSD_of_an_onboarded_NsdInfo_and_tracks_its_usage()
    {
        var client = Client();
        await OnboardVnfPackagesAsync(client);
        var info = await OnboardChainAsync(client);
        var created = await CreateAsync(client);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var catalog = Catalog(scope);
            var found = await catalog.FindAsync(info.Id, Ct);
            Assert.NotNull(found);
            Assert.Equal((info.Id, NsdPackages.NsdId, NsdPackages.NsdName, "1.0", NsdOperationalState.Enabled),
                (found.NsdInfoId, found.NsdId, found.NsdName, found.NsdVersion, found.NsdOperationalState));
            var nsd = found.Nsd;
            Assert.Equal(["VNF_A", "VNF_B", "VNF_C"], nsd.Vnfs.Select(v => v.Id));
            Assert.Equal([NsdPackages.EdgeVnfdId, NsdPackages.FilterVnfdId, NsdPackages.BackendVnfdId], nsd.Vnfs.Select(v => v.VnfdId));
            Assert.Equal(new Dictionary<string, string> { ["virtual_link_external1_1"] = "VL_data", ["virtual_link_external1_2"] = "VL_mgmt" }, nsd.FindVnf("VNF_B")!.VirtualLinks);
            Assert.Equal(["VL_data", "VL_mgmt"], nsd.VirtualLinks.Select(v => v.Id));
            var sap = Assert.Single(nsd.Saps);
            Assert.Equal(("SAP_ingress", "VL_data"), (sap.Id, sap.VirtualLinkId));
            var nfp = Assert.Single(nsd.Nfps);
            Assert.Equal([("VNF_A", "virtual_link_external"), ("VNF_B", "virtual_link_external1_1")], nfp.Path.Select(p => (p.VnfId!, p.CpdId!)));
            var rule = Assert.Single(nfp.Rules);
            Assert.Equal(("tcp", "10.0.0.0/24", (80, 80)), (rule.Protocol, rule.SourceIpAddressPrefix, rule.DestinationPortRange!.Value));
            Assert.Equal("VNFFG_http", Assert.Single(nsd.Vnffgs).Id);
            Assert.Equal(["basic", "double_filter"], nsd.InstantiationLevels.Select(l => l.Id));
            Assert.Equal(2, nsd.FindLevel("double_filter")!.VnfInstances["VNF_B"]);
            Assert.Equal("basic", nsd.DefaultInstantiationLevelId);
            var aspect = Assert.Single(nsd.ScalingAspects);
            Assert.Equal(("filter_capacity", 2, 3), (aspect.Id, aspect.MaxScaleLevel, aspect.VnfInstances["VNF_B"][2]));
            Assert.Contains(new Mano.Tosca.NsDependency("VNF_C", "VNF_A"), nsd.Dependencies);

            Assert.Null(await catalog.FindAsync(created.Id, Ct)); // not onboarded
            Assert.Null(await catalog.FindAsync(Guid.NewGuid().ToString(), Ct));
            await catalog.SetUsageStateAsync(info.Id, inUse: true, Ct);
        }
        await using (var scope = host.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set("someone-else-" + _tenant);
            Assert.Null(await scope.ServiceProvider.GetRequiredService<NsdCatalog>().FindAsync(info.Id, Ct)); // tenant-filtered
        }

        var inUse = await Body<NsdInfo>(await client.GetAsync($"{Root}/{info.Id}", Ct));
        Assert.Equal(NsdUsageState.InUse, inUse.NsdUsageState);
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync($"{Root}/{info.Id}", MergePatch("""{"nsdOperationalState":"DISABLED"}"""), Ct)).StatusCode);
        await AssertProblemAsync(await client.DeleteAsync($"{Root}/{info.Id}", Ct), HttpStatusCode.Conflict, "IN_USE");
        await using (var scope = host.Services.CreateAsyncScope())
            await Catalog(scope).SetUsageStateAsync(info.Id, inUse: false, Ct);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{Root}/{info.Id}", Ct)).StatusCode);
        await AssertProblemAsync(await client.GetAsync($"{Root}/{info.Id}", Ct), HttpStatusCode.NotFound);
        await using (var scope = host.Services.CreateAsyncScope())
            Assert.Null(await Catalog(scope).FindAsync(info.Id, Ct));
    }

    [Fact]
    public async Task An_NSD_whose_VNFDs_are_missing_or_disabled_fails_onboarding_naming_them()
    {
        var client = Client();
        var packages = await OnboardVnfPackagesAsync(client);

        var missing = await UploadAsync(client, NsdPackages.ChainNsdMissingVnfd());
        Assert.Equal((NsdOnboardingState.Error, NsdOperationalState.Disabled), (missing.NsdOnboardingState, missing.NsdOperationalState));
        Assert.Null(missing.NsdId);
        var detail = missing.OnboardingFailureDetails!.Detail;
        Assert.Contains($"no onboarded VNF package has vnfdId {NsdPackages.MissingVnfdId} (VNF VNF_C)", detail);
        Assert.DoesNotContain(NsdPackages.EdgeVnfdId, detail);

        // A disabled VNF package is named too; enabling it again lets the NSD onboard (retry: PUT again after ERROR).
        var filter = $"/vnfpkgm/v2/vnf_packages/{packages[NsdPackages.FilterVnfdId]}";
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync(filter, MergePatch("""{"operationalState":"DISABLED"}"""), Ct)).StatusCode);
        var disabled = await UploadAsync(client, NsdPackages.ChainNsd());
        Assert.Equal(NsdOnboardingState.Error, disabled.NsdOnboardingState);
        Assert.Contains($"the VNF packages of vnfdId {NsdPackages.FilterVnfdId} are DISABLED", disabled.OnboardingFailureDetails!.Detail);
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync(filter, MergePatch("""{"operationalState":"ENABLED"}"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PutAsync($"{Root}/{disabled.Id}/nsd_content", Content(NsdPackages.ChainNsd()), Ct)).StatusCode);
        var retried = await WaitForOnboardingAsync(client, disabled.Id);
        Assert.True(retried.NsdOnboardingState == NsdOnboardingState.Onboarded, retried.OnboardingFailureDetails?.Detail);

        // PATCH to ENABLED checks the rule again: 409 naming the disabled VNFD.
        var self = $"{Root}/{retried.Id}";
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync(self, MergePatch("""{"nsdOperationalState":"DISABLED"}"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync(filter, MergePatch("""{"operationalState":"DISABLED"}"""), Ct)).StatusCode);
        await AssertProblemAsync(await client.PatchAsync(self, MergePatch("""{"nsdOperationalState":"ENABLED"}"""), Ct), HttpStatusCode.Conflict,
            $"vnfdId {NsdPackages.FilterVnfdId} are DISABLED");
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync(filter, MergePatch("""{"operationalState":"ENABLED"}"""), Ct)).StatusCode);
        var enabled = await client.PatchAsync(self, MergePatch("""{"nsdOperationalState":"ENABLED"}"""), Ct);
        Assert.Equal(NsdOperationalState.Enabled, JsonNode.Parse(await ValidAsync(enabled, "PATCH", "/ns_descriptors/{nsdInfoId}"))!["nsdOperationalState"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_broken_NSD_fails_with_the_Tosca_diagnostics_file_line_and_column()
    {
        var client = Client();
        // A YAML syntax error in the archive's main template (a mapping value where none is allowed).
        var lines = NsdPackages.ChainNsdYaml.Split('\n');
        var line = Array.IndexOf(lines, "        name: mano-chain") + 1;
        var broken = NsdPackages.ChainNsdYaml.Replace("name: mano-chain\n", "name: mano-chain: x\n", StringComparison.Ordinal);
        var zip = await UploadAsync(client, NsdPackages.Archive(broken));
        Assert.Equal(NsdOnboardingState.Error, zip.NsdOnboardingState);
        var m = Regex.Match(zip.OnboardingFailureDetails!.Detail, @"Definitions/chain_nsd\.yaml:(\d+):(\d+): ");
        Assert.True(m.Success, zip.OnboardingFailureDetails.Detail);
        Assert.InRange(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), line, line + 2);
        Assert.Equal(422, zip.OnboardingFailureDetails.Status);

        // A single YAML file (text/plain): a node of an unknown type, reported at its position.
        const string yaml = """
            tosca_definitions_version: tosca_simple_yaml_1_3
            imports:
              - https://forge.etsi.org/rep/nfv/SOL001/raw/v3.5.1/etsi_nfv_sol001_common_types.yaml
              - https://forge.etsi.org/rep/nfv/SOL001/raw/v3.5.1/etsi_nfv_sol001_nsd_types.yaml
            topology_template:
              node_templates:
                NS:
                  type: tosca.nodes.nfv.NS
                  properties: { descriptor_id: single-1, designer: Mano, version: '1.0', name: single, invariant_id: single, flavour_id: default }
                VL1:
                  type: tosca.nodes.nfv.NoSuchVirtualLink
            """;
        var single = await UploadAsync(client, Encoding.UTF8.GetBytes(yaml), "text/plain");
        Assert.Equal(NsdOnboardingState.Error, single.NsdOnboardingState);
        Assert.Matches(@"nsd\.yaml:11:\d+: ", single.OnboardingFailureDetails!.Detail);
        Assert.Contains("tosca.nodes.nfv.NoSuchVirtualLink", single.OnboardingFailureDetails.Detail);

        // The same file without the error onboards as a single-file NSD (no VNFs: nothing to check), served as text/plain.
        var fixedYaml = yaml.Replace("tosca.nodes.nfv.NoSuchVirtualLink", "tosca.nodes.nfv.NsVirtualLink", StringComparison.Ordinal)
                        + "\n      properties: { connectivity_type: { layer_protocols: [ ipv4 ] }, vl_profile: { max_bitrate_requirements: { root: 1000 }, min_bitrate_requirements: { root: 100 } } }\n";
        var ok = await UploadAsync(client, Encoding.UTF8.GetBytes(fixedYaml), "text/plain");
        Assert.True(ok.NsdOnboardingState == NsdOnboardingState.Onboarded, ok.OnboardingFailureDetails?.Detail);
        var text = await client.SendAsync(Get($"{Root}/{ok.Id}/nsd", "text/plain"), Ct);
        Assert.Equal(("text/plain", fixedYaml), (text.Content.Headers.ContentType?.MediaType, await text.Content.ReadAsStringAsync(Ct)));
        await AssertProblemAsync(await client.GetAsync($"{Root}/{ok.Id}/manifest", Ct), HttpStatusCode.NotFound, "no manifest");

        // Not a ZIP, a wrong content type, a VNF package instead of an NSD.
        var created = await CreateAsync(client);
        await AssertProblemAsync(await client.PutAsync($"{Root}/{created.Id}/nsd_content", Content("nope"u8.ToArray()), Ct), HttpStatusCode.BadRequest, "ZIP");
        await AssertProblemAsync(await client.PutAsync($"{Root}/{created.Id}/nsd_content", Content([1, 2], "image/png"), Ct), HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(NsdOnboardingState.Created, (await Body<NsdInfo>(await client.GetAsync($"{Root}/{created.Id}", Ct))).NsdOnboardingState);
        var vnf = await UploadAsync(client, Csars.HelloWorld());
        Assert.Equal(NsdOnboardingState.Error, vnf.NsdOnboardingState);
        Assert.Contains("describe a VNF, not an NS", vnf.OnboardingFailureDetails!.Detail);
    }

    [Fact]
    public async Task A_nested_NSD_must_be_an_onboarded_and_enabled_NSD()
    {
        var client = Client();
        var outer = $"""
            tosca_definitions_version: tosca_simple_yaml_1_3
            imports:
              - https://forge.etsi.org/rep/nfv/SOL001/raw/v3.5.1/etsi_nfv_sol001_common_types.yaml
              - https://forge.etsi.org/rep/nfv/SOL001/raw/v3.5.1/etsi_nfv_sol001_nsd_types.yaml
            topology_template:
              node_templates:
                NS:
                  type: tosca.nodes.nfv.NS
                  properties: {"{"} descriptor_id: outer-{_tenant}, designer: Mano, version: '1.0', name: outer, invariant_id: outer, flavour_id: default {"}"}
                CHAIN:
                  type: tosca.nodes.nfv.NS
                  properties: {"{"} descriptor_id: {NsdPackages.NsdId}, designer: Mano, version: '1.0', name: {NsdPackages.NsdName}, invariant_id: {NsdPackages.NsdInvariantId}, flavour_id: default {"}"}
            """;
        var before = await UploadAsync(client, Encoding.UTF8.GetBytes(outer), "text/plain");
        Assert.Equal(NsdOnboardingState.Error, before.NsdOnboardingState);
        Assert.Contains($"no onboarded NSD has nsdId {NsdPackages.NsdId} (nested NS)", before.OnboardingFailureDetails!.Detail);

        await OnboardVnfPackagesAsync(client);
        var chain = await OnboardChainAsync(client);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PutAsync($"{Root}/{before.Id}/nsd_content", Content(Encoding.UTF8.GetBytes(outer), "text/plain"), Ct)).StatusCode);
        var after = await WaitForOnboardingAsync(client, before.Id);
        Assert.True(after.NsdOnboardingState == NsdOnboardingState.Onboarded, after.OnboardingFailureDetails?.Detail);
        Assert.Equal([chain.Id], after.NestedNsdInfoIds);
        Assert.Empty(after.VnfPkgIds!);
    }

    // ------------------------------------------------------------------ PATCH, ETag, DELETE

    [Fact]
    public async Task GET_has_an_ETag_and_PATCH_honours_If_Match_and_merges_userDefinedData()
    {
        var client = Client();
        var info = await CreateAsync(client);
        var self = $"{Root}/{info.Id}";
        var get = await client.GetAsync(self, Ct);
        var etag = get.Headers.ETag!.Tag;
        var notModified = Get(self);
        notModified.Headers.IfNoneMatch.ParseAdd(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(notModified, Ct)).StatusCode);

        var patch = new HttpRequestMessage(HttpMethod.Patch, self) { Content = MergePatch("""{"userDefinedData":{"owner":null,"nested":{"b":3},"extra":"x"}}""") };
        patch.Headers.IfMatch.ParseAdd(etag);
        var patched = await client.SendAsync(patch, Ct);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.NotEqual(etag, patched.Headers.ETag!.Tag);
        var data = (await Body<NsdInfo>(await client.GetAsync(self, Ct))).UserDefinedData!;
        Assert.Equal("""{"nested":{"a":1,"b":3},"extra":"x"}""", data.ToJsonString());

        // The old ETag no longer matches: 412.
        var stale = new HttpRequestMessage(HttpMethod.Patch, self) { Content = MergePatch("""{"userDefinedData":{"late":true}}""") };
        stale.Headers.IfMatch.ParseAdd(etag);
        var refused = await client.SendAsync(stale, Ct);
        await AssertProblemAsync(refused, HttpStatusCode.PreconditionFailed);

        // Enabling what is not onboarded is 409; a bad body is 400; not merge-patch is 415.
        await AssertProblemAsync(await client.PatchAsync(self, MergePatch("""{"nsdOperationalState":"ENABLED"}"""), Ct), HttpStatusCode.Conflict, "CREATED");
        await AssertProblemAsync(await client.PatchAsync(self, MergePatch("""{"nsdOperationalState":"BROKEN"}"""), Ct), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await client.PatchAsync(self, MergePatch("{}"), Ct), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await client.PatchAsync(self, JsonContent.Create(new { userDefinedData = new { a = 1 } }), Ct), HttpStatusCode.UnsupportedMediaType);
        // SOL013 9.3: the API version of /nsd/v2 (SOL005 v3.7.1 NSD management: 2.3.0), with the Version header.
        var versions = await client.GetAsync("/nsd/v2/api_versions", Ct);
        var v = JsonNode.Parse(await ValidAsync(versions, "GET", "/api_versions"))!;
        Assert.Equal(("/nsd/v2", "2.3.0"), (v["uriPrefix"]!.GetValue<string>(), v["apiVersions"]![0]!["version"]!.GetValue<string>()));
        Assert.Equal("2.3.0", get.Headers.GetValues("Version").Single());
    }

    [Fact]
    public async Task Only_a_DISABLED_NSD_that_is_NOT_IN_USE_can_be_deleted()
    {
        var client = Client();
        await OnboardVnfPackagesAsync(client);
        var info = await OnboardChainAsync(client);
        var self = $"{Root}/{info.Id}";
        await AssertProblemAsync(await client.DeleteAsync(self, Ct), HttpStatusCode.Conflict, "ENABLED");
        await AssertProblemAsync(await client.PatchAsync(self, MergePatch("""{"nsdOperationalState":"ENABLED"}"""), Ct), HttpStatusCode.Conflict, "already ENABLED");
        var disabled = await client.PatchAsync(self, MergePatch("""{"nsdOperationalState":"DISABLED"}"""), Ct);
        await ValidAsync(disabled, "PATCH", "/ns_descriptors/{nsdInfoId}");
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(self, Ct)).StatusCode);
        await AssertProblemAsync(await client.DeleteAsync(self, Ct), HttpStatusCode.NotFound);
        // The NSD can be onboarded again under a new NsdInfo.
        await OnboardChainAsync(client);
        // A CREATED NsdInfo (DISABLED, NOT_IN_USE) can be deleted at once.
        var created = await CreateAsync(client);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{Root}/{created.Id}", Ct)).StatusCode);
    }

    // ------------------------------------------------------------------ PNF descriptors

    [Fact]
    public async Task A_PNFD_is_onboarded_and_an_NSD_referencing_it_needs_it()
    {
        var client = Client();
        var pnfdId = "pnfd-" + _tenant;
        var pnfdYaml = $"""
            tosca_definitions_version: tosca_simple_yaml_1_3
            imports:
              - https://forge.etsi.org/rep/nfv/SOL001/raw/v3.5.1/etsi_nfv_sol001_pnfd_types.yaml
            topology_template:
              node_templates:
                PNF_router:
                  type: tosca.nodes.nfv.PNF
                  properties:
                    descriptor_id: {pnfdId}
                    function_description: edge router
                    provider: Mano
                    version: '2.1'
                    descriptor_invariant_id: router
                    name: router
            """;
        var callback = $"http://subscriber.test/{_tenant}/all-pnfd";
        var deletions = $"http://subscriber.test/{_tenant}/pnfd-deletions";
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/nsd/v2/subscriptions", new { callbackUri = callback }, Ct)).StatusCode);
        var filtered = await client.PostAsJsonAsync("/nsd/v2/subscriptions", new
        {
            callbackUri = deletions, filter = new { notificationTypes = new[] { "PnfdDeletionNotification" }, pnfdId = new[] { pnfdId } },
        }, Ct);
        await ValidAsync(filtered, "POST", "/subscriptions");

        // A PNFD without a PNF node template fails (PnfdOnBoardingFailureNotification).
        var broken = await Body<PnfdInfo>(await client.PostAsJsonAsync("/nsd/v2/pnf_descriptors", new { }, Ct));
        Assert.Equal(HttpStatusCode.Accepted, (await client.PutAsync($"/nsd/v2/pnf_descriptors/{broken.Id}/pnfd_content",
            Content("tosca_definitions_version: tosca_simple_yaml_1_3\ntopology_template: {}\n"u8.ToArray(), "text/plain"), Ct)).StatusCode);
        var brokenDeadline = DateTime.UtcNow.AddSeconds(30);
        while ((await Body<PnfdInfo>(await client.GetAsync($"/nsd/v2/pnf_descriptors/{broken.Id}", Ct))).PnfdOnboardingState == NsdOnboardingState.Processing
               && DateTime.UtcNow < brokenDeadline)
            await Task.Delay(50, Ct); // its failure is notified before the next PNFD's onboarding

        var r = await client.PostAsJsonAsync("/nsd/v2/pnf_descriptors", new { userDefinedData = new { site = "a" } }, Ct);
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var pnfd = SolJson.Deserialize<PnfdInfo>(await ValidAsync(r, "POST", "/pnf_descriptors"));
        Assert.Equal(NsdOnboardingState.Created, pnfd.PnfdOnboardingState);
        var self = $"/nsd/v2/pnf_descriptors/{pnfd.Id}";
        Assert.Equal(HttpStatusCode.Accepted, (await client.PutAsync($"{self}/pnfd_content", Content(Encoding.UTF8.GetBytes(pnfdYaml), "text/plain"), Ct)).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(50, Ct);
            pnfd = SolJson.Deserialize<PnfdInfo>(await ValidAsync(await client.GetAsync(self, Ct), "GET", "/pnf_descriptors/{pnfdInfoId}"));
        } while (pnfd.PnfdOnboardingState == NsdOnboardingState.Processing && DateTime.UtcNow < deadline);
        Assert.True(pnfd.PnfdOnboardingState == NsdOnboardingState.Onboarded, pnfd.OnboardingFailureDetails?.Detail);
        Assert.Equal((pnfdId, "router", "2.1", "Mano", "router"), (pnfd.PnfdId, pnfd.PnfdName, pnfd.PnfdVersion, pnfd.PnfdProvider, pnfd.PnfdInvariantId));
        var listed = JsonNode.Parse(await ValidAsync(await client.GetAsync($"/nsd/v2/pnf_descriptors?filter=(eq,pnfdId,{pnfdId})", Ct), "GET", "/pnf_descriptors"))!.AsArray();
        Assert.Single(listed);
        Assert.Equal(pnfdYaml, await (await client.SendAsync(Get($"{self}/pnfd", "text/plain"), Ct)).Content.ReadAsStringAsync(Ct));
        var patched = await client.PatchAsync(self, MergePatch("""{"userDefinedData":{"rack":"7"}}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("7", (await Body<PnfdInfo>(await client.GetAsync(self, Ct))).UserDefinedData!["rack"]!.GetValue<string>());
        await AssertProblemAsync(await client.GetAsync($"{self}/manifest", Ct), HttpStatusCode.NotImplemented);

        // An NSD with a PNF node: onboards only while its PNFD is onboarded; the PNFD cannot be deleted while referenced.
        var nsdYaml = $"""
            tosca_definitions_version: tosca_simple_yaml_1_3
            imports:
              - https://forge.etsi.org/rep/nfv/SOL001/raw/v3.5.1/etsi_nfv_sol001_common_types.yaml
              - https://forge.etsi.org/rep/nfv/SOL001/raw/v3.5.1/etsi_nfv_sol001_nsd_types.yaml
            topology_template:
              node_templates:
                NS:
                  type: tosca.nodes.nfv.NS
                  properties: {"{"} descriptor_id: pnf-ns-{_tenant}, designer: Mano, version: '1.0', name: pnf-ns, invariant_id: pnf-ns, flavour_id: default {"}"}
                PNF_1:
                  type: tosca.nodes.nfv.PNF
                  properties: {"{"} descriptor_id: {pnfdId}, function_description: edge router, provider: Mano, version: '2.1', descriptor_invariant_id: router, name: router {"}"}
            """;
        var withPnf = await UploadAsync(client, Encoding.UTF8.GetBytes(nsdYaml), "text/plain");
        Assert.True(withPnf.NsdOnboardingState == NsdOnboardingState.Onboarded, withPnf.OnboardingFailureDetails?.Detail);
        Assert.Equal([pnfd.Id], withPnf.PnfdInfoIds);
        await AssertProblemAsync(await client.DeleteAsync(self, Ct), HttpStatusCode.Conflict, withPnf.Id);
        var missingPnfd = await UploadAsync(client, Encoding.UTF8.GetBytes(nsdYaml.Replace(pnfdId, "no-such-pnfd", StringComparison.Ordinal)
            .Replace($"pnf-ns-{_tenant}", $"pnf-ns2-{_tenant}", StringComparison.Ordinal)), "text/plain");
        Assert.Equal(NsdOnboardingState.Error, missingPnfd.NsdOnboardingState);
        Assert.Contains("no onboarded PNFD has pnfdId no-such-pnfd", missingPnfd.OnboardingFailureDetails!.Detail);

        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync($"{Root}/{withPnf.Id}", MergePatch("""{"nsdOperationalState":"DISABLED"}"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{Root}/{withPnf.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(self, Ct)).StatusCode);

        var failed = await Body<PnfdInfo>(await client.GetAsync($"/nsd/v2/pnf_descriptors/{broken.Id}", Ct));
        Assert.Equal(NsdOnboardingState.Error, failed.PnfdOnboardingState);
        Assert.Contains("no tosca.nodes.nfv.PNF node template", failed.OnboardingFailureDetails!.Detail);
        var deadline2 = DateTime.UtcNow.AddSeconds(20);
        // 3 PNFD notifications and 4 NSD ones (onboarding, failure, change, deletion of the NSDs with the PNF).
        while ((host.Callbacks.For(callback).Count(c => c.Method == "POST") < 7 || host.Callbacks.For(deletions).Count(c => c.Method == "POST") < 1)
               && DateTime.UtcNow < deadline2)
            await Task.Delay(100, Ct);
        // The NSD notifications of the NSD with the PNF are there too; the PNFD ones in order.
        var pnfdNotifications = host.Callbacks.For(callback).Where(c => c.Method == "POST")
            .Where(c => JsonNode.Parse(c.Body)!["notificationType"]!.GetValue<string>().StartsWith("Pnfd", StringComparison.Ordinal)).ToList();
        Assert.Equal(["PnfdOnBoardingFailureNotification", "PnfdOnBoardingNotification", "PnfdDeletionNotification"],
            pnfdNotifications.Select(c => JsonNode.Parse(c.Body)!["notificationType"]!.GetValue<string>()));
        foreach (var n in pnfdNotifications)
            SolSchemas.AssertValidRequest(NotificationApi, "POST",
                $"/URI_is_provided_by_the_client_when_creating_the_subscription-{JsonNode.Parse(n.Body)!["notificationType"]!.GetValue<string>()}", n.Body);
        Assert.Equal((broken.Id, (string?)null), (SolJson.Deserialize<NsdmNotification>(pnfdNotifications[0].Body).PnfdInfoId, SolJson.Deserialize<NsdmNotification>(pnfdNotifications[0].Body).PnfdId));
        var onboarded = SolJson.Deserialize<NsdmNotification>(pnfdNotifications[1].Body);
        Assert.Equal((pnfd.Id, pnfdId), (onboarded.PnfdInfoId, onboarded.PnfdId));
        Assert.Equal($"http://nfvo.test/nsd/v2/pnf_descriptors/{pnfd.Id}", onboarded.Links["pnfdInfo"]!["href"]!.GetValue<string>());
        var onlyDeletion = Assert.Single(host.Callbacks.For(deletions), c => c.Method == "POST");
        Assert.Equal(SolJson.Deserialize<NsdmNotification>(pnfdNotifications[2].Body).Id, SolJson.Deserialize<NsdmNotification>(onlyDeletion.Body).Id);
    }

    // ------------------------------------------------------------------ subscriptions and notifications

    [Fact]
    public async Task Subscribers_get_onboarding_failure_change_and_deletion_notifications_that_match_their_filter()
    {
        var client = Client();
        await OnboardVnfPackagesAsync(client);
        var callback = $"http://subscriber.test/{_tenant}/all";
        var filtered = $"http://subscriber.test/{_tenant}/changes";
        var created = await client.PostAsJsonAsync("/nsd/v2/subscriptions", new
        {
            callbackUri = callback,
            authentication = new { authType = new[] { "BASIC" }, paramsBasic = new { userName = "sub", password = "sub-pw" } },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var subscription = SolJson.Deserialize<NsdmSubscription>(await ValidAsync(created, "POST", "/subscriptions"));
        Assert.Equal(created.Headers.Location!.ToString(), subscription.Links.Self.Href);
        Assert.DoesNotContain("sub-pw", await created.Content.ReadAsStringAsync(Ct));
        Assert.Equal("GET", Assert.Single(host.Callbacks.For(callback)).Method);
        var changes = await client.PostAsJsonAsync("/nsd/v2/subscriptions", new
        {
            callbackUri = filtered,
            filter = new { notificationTypes = new[] { "NsdChangeNotification", "NsdDeletionNotification" }, nsdId = new[] { NsdPackages.NsdId } },
        }, Ct);
        await ValidAsync(changes, "POST", "/subscriptions");
        Assert.Equal(2, JsonNode.Parse(await ValidAsync(await client.GetAsync("/nsd/v2/subscriptions", Ct), "GET", "/subscriptions"))!.AsArray().Count);
        await ValidAsync(await client.GetAsync($"/nsd/v2/subscriptions/{subscription.Id}", Ct), "GET", "/subscriptions/{subscriptionId}");

        var failed = await UploadAsync(client, NsdPackages.ChainNsdMissingVnfd());
        var info = await OnboardChainAsync(client);
        var self = $"{Root}/{info.Id}";
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync(self, MergePatch("""{"nsdOperationalState":"DISABLED"}"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(self, Ct)).StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((host.Callbacks.For(callback).Count < 5 || host.Callbacks.For(filtered).Count < 3) && DateTime.UtcNow < deadline)
            await Task.Delay(100, Ct);
        var all = host.Callbacks.For(callback).Where(c => c.Method == "POST").ToList();
        string[] types = ["NsdOnboardingFailureNotification", "NsdOnBoardingNotification", "NsdChangeNotification", "NsdDeletionNotification"];
        Assert.Equal(types, all.Select(c => JsonNode.Parse(c.Body)!["notificationType"]!.GetValue<string>()));
        Assert.All(all, c => Assert.StartsWith("Basic ", c.Authorization));
        // The OpenAPI path of NsdOnboardingFailureNotification is spelled "NsdOnBoardingFailureNotification".
        string[] paths = ["NsdOnBoardingFailureNotification", "NsdOnBoardingNotification", "NsdChangeNotification", "NsdDeletionNotification"];
        for (var i = 0; i < all.Count; i++)
            SolSchemas.AssertValidRequest(NotificationApi, "POST", $"/URI_is_provided_by_the_client_when_creating_the_subscription-{paths[i]}", all[i].Body);
        var failure = SolJson.Deserialize<NsdmNotification>(all[0].Body);
        Assert.Equal((failed.Id, subscription.Id), (failure.NsdInfoId, failure.SubscriptionId));
        Assert.Contains(NsdPackages.MissingVnfdId, failure.OnboardingFailureDetails!.Detail);
        var onboarded = SolJson.Deserialize<NsdmNotification>(all[1].Body);
        Assert.Equal((info.Id, NsdPackages.NsdId), (onboarded.NsdInfoId, onboarded.NsdId));
        Assert.Equal($"http://nfvo.test/nsd/v2/ns_descriptors/{info.Id}", onboarded.Links["nsdInfo"]!["href"]!.GetValue<string>());
        Assert.Equal($"http://nfvo.test/nsd/v2/subscriptions/{subscription.Id}", onboarded.Links["subscription"]!["href"]!.GetValue<string>());
        var change = SolJson.Deserialize<NsdmNotification>(all[2].Body);
        Assert.Equal(NsdOperationalState.Disabled, change.NsdOperationalState);

        var onlyChanges = host.Callbacks.For(filtered).Where(c => c.Method == "POST").ToList();
        Assert.Equal(["NsdChangeNotification", "NsdDeletionNotification"], onlyChanges.Select(c => JsonNode.Parse(c.Body)!["notificationType"]!.GetValue<string>()));
        Assert.Equal(change.Id, SolJson.Deserialize<NsdmNotification>(onlyChanges[0].Body).Id); // one id per event

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/nsd/v2/subscriptions/{subscription.Id}", Ct)).StatusCode);
        await AssertProblemAsync(await client.GetAsync($"/nsd/v2/subscriptions/{subscription.Id}", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_subscription_whose_callback_fails_the_test_or_whose_filter_is_wrong_is_refused()
    {
        var client = Client();
        var down = $"http://subscriber.test/{_tenant}/down";
        host.Callbacks.Answer[down] = HttpStatusCode.InternalServerError;
        await AssertProblemAsync(await client.PostAsJsonAsync("/nsd/v2/subscriptions", new { callbackUri = down }, Ct), HttpStatusCode.UnprocessableEntity, "500");
        await AssertProblemAsync(await client.PostAsJsonAsync("/nsd/v2/subscriptions", new { callbackUri = "ftp://x" }, Ct), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await client.PostAsJsonAsync("/nsd/v2/subscriptions", new
        {
            callbackUri = $"http://subscriber.test/{_tenant}/x", filter = new { notificationTypes = new[] { "VnfPackageOnboardingNotification" } },
        }, Ct), HttpStatusCode.BadRequest, "notificationTypes");
        await AssertProblemAsync(await client.PostAsJsonAsync("/nsd/v2/subscriptions", new
        {
            callbackUri = $"http://subscriber.test/{_tenant}/x", filter = new { nsdId = new[] { "a" }, nsdInfoId = new[] { "b" } },
        }, Ct), HttpStatusCode.BadRequest, "alternatives");
        Assert.Empty(JsonNode.Parse(await (await client.GetAsync("/nsd/v2/subscriptions", Ct)).Content.ReadAsStringAsync(Ct))!.AsArray());
    }
}

public sealed class SqliteNsdManagementTests(SqliteNfvoTestHost host) : NsdManagementTests(host), IClassFixture<SqliteNfvoTestHost>;

public sealed class PostgresNsdManagementTests(PostgresNfvoTestHost host) : NsdManagementTests(host), IClassFixture<PostgresNfvoTestHost>;
