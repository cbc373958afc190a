using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Mano.EndToEnd.Tests;

/// <summary>
/// Issue 6 item 8: an NS end to end in the scaled shape (PostgreSQL + RabbitMQ) with ONE process in roles nfvo,vnfm and
/// the sandbox VIM (process-local, so NS virtual links made by the NFVO are the networks the VNFM's ports attach to):
/// onboard the three corpus VNF packages and the test NSD, create and instantiate the NS (VNFs through the VNFM over the
/// bus), check the VNFs, the NS VLs in the sandbox, the chain and a trace, heal a VNF, terminate (sandbox empty), delete;
/// and an instantiate with a sandbox fault that ends FAILED_TEMP and rolls back to nothing.
/// </summary>
public sealed class NsLifecycleTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Api = "SOL005/NSLifecycleManagement";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan OpTimeout = TimeSpan.FromSeconds(120);
    private ScaledEnvironment? _env;
    private readonly HttpClient _http = new();

    [Fact]
    public async Task An_NS_of_three_corpus_VNFs_is_instantiated_chained_healed_terminated_and_a_failed_instantiate_rolls_back()
    {
        var common = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Mano"] = _env!.ConnectionString,
            ["Bus__Transport"] = "RabbitMq",
            ["Bus__RabbitMq__Uri"] = _env.BusUri,
            ["MANO_ROLES"] = "nfvo,vnfm",
            ["Nfvo__NsLcm__WatchdogSeconds"] = "1",
        };
        var (exit, log) = await ManoProcess.RunVerbAsync("migrate", new Dictionary<string, string>(common) { ["MANO_DATA_DIR"] = _env.DataDir("migrate") });
        Assert.True(exit == 0, log);
        await using var mano = await ManoProcess.StartAsync(new Dictionary<string, string>(common) { ["MANO_DATA_DIR"] = _env.DataDir("mano") });
        var url = mano.BaseUrl;
        try
        {
            foreach (var (vnfdId, csar) in NsdPackages.VnfPackages()) await OnboardVnfPackageAsync(url, vnfdId, csar);
            var nsdInfoId = await OnboardNsdAsync(url);

            // ---- create, dry run, instantiate ----
            var nsId = await CreateNsAsync(url, nsdInfoId, "chain");
            var dry = await _http.PostAsJsonAsync($"{url}/nsplan/v1/ns_instances/{nsId}/instantiate", new { nsFlavourId = "default" }, Ct);
            Assert.True(dry.StatusCode == HttpStatusCode.OK, await dry.Content.ReadAsStringAsync(Ct));
            Assert.Empty(await SandboxAsync(url, "resources"));
            var op = await WaitAsync(url, await StartAsync(url, nsId, "instantiate", new { nsFlavourId = "default" }));
            Assert.True(op["operationState"]!.GetValue<string>() == "COMPLETED", op.ToJsonString());

            var ns = await GetAsync(url, $"/nslcm/v2/ns_instances/{nsId}", "/ns_instances/{nsInstanceId}");
            Assert.Equal("INSTANTIATED", ns["nsState"]!.GetValue<string>());
            var vnfIds = ns["vnfInstance"]!.AsArray().Select(v => v!["id"]!.GetValue<string>()).ToList();
            Assert.Equal(3, vnfIds.Count);
            foreach (var id in vnfIds)
                Assert.Equal("INSTANTIATED", (await GetJsonAsync($"{url}/vnflcm/v2/vnf_instances/{id}"))["instantiationState"]!.GetValue<string>());
            var vls = ns["virtualLinkInfo"]!.AsArray();
            Assert.Equal(["VL_data", "VL_mgmt"], vls.Select(v => v!["nsVirtualLinkDescId"]!.GetValue<string>()).Order());
            var networks = (await SandboxAsync(url, "resources")).Where(r => r!["kind"]!.GetValue<string>() == "Network").Select(r => r!["resourceId"]!.GetValue<string>()).ToList();
            Assert.All(vls, v => Assert.Contains(v!["resourceHandle"]![0]!["resourceId"]!.GetValue<string>(), networks));

            // ---- the chain on the sandbox and a trace over the real VNFs' ports ----
            var vnfB = ns["vnfInstance"]!.AsArray().Single(v => v!["vnfInstanceName"]!.GetValue<string>() == "chain-VNF_B-0")!["id"]!.GetValue<string>();
            var chains = await GetJsonAsync($"{url}/nsplan/v1/ns_instances/{nsId}/chains");
            output.WriteLine(chains.ToJsonString());
            Assert.Empty(chains["plan"]!["problems"]!.AsArray());
            var hop = Assert.Single(Assert.Single(chains["plan"]!["paths"]!.AsArray())!["hops"]!.AsArray())!;
            Assert.Equal(vnfB, Assert.Single(hop["portPairs"]!.AsArray())!["vnfInstanceId"]!.GetValue<string>());
            Assert.Single(chains["actual"]!.AsArray());
            var trace = await _http.PostAsJsonAsync($"{url}/nsplan/v1/ns_instances/{nsId}/chains/trace",
                new { sourceIp = "10.0.0.9", destinationIp = "10.1.0.20", protocol = "tcp", sourcePort = 41000, destinationPort = 80 }, Ct);
            var traced = JsonNode.Parse(await trace.Content.ReadAsStringAsync(Ct))!;
            output.WriteLine(traced.ToJsonString());
            Assert.Equal(HttpStatusCode.OK, trace.StatusCode);
            Assert.True(traced["matched"]!.GetValue<bool>(), traced.ToJsonString());
            Assert.Equal(vnfB, Assert.Single(traced["hops"]!.AsArray())!["vnfInstanceId"]!.GetValue<string>());

            // ---- scale VNF_B out: the chain's hop shares the load over its two VNFCs ----
            op = await WaitAsync(url, await StartAsync(url, nsId, "scale", new
            {
                scaleType = "SCALE_VNF",
                scaleVnfData = new[] { new { vnfInstanceId = vnfB, scaleVnfType = "SCALE_OUT", scaleByStepData = new { aspectId = "VDU1_scale" } } },
            }));
            Assert.True(op["operationState"]!.GetValue<string>() == "COMPLETED", op.ToJsonString());
            chains = await GetJsonAsync($"{url}/nsplan/v1/ns_instances/{nsId}/chains");
            output.WriteLine(chains.ToJsonString());
            Assert.Equal(2, Assert.Single(chains["actual"]!.AsArray())!["portPairGroups"]![0]!["portPairs"]!.AsArray().Count);

            // ---- SCALE_NS by the NSD's aspect: filter_capacity level 1 means two VNF_B, then back to one ----
            op = await WaitAsync(url, await StartAsync(url, nsId, "scale", new
            {
                scaleType = "SCALE_NS",
                scaleNsData = new { scaleNsByStepsData = new { scalingDirection = "SCALE_OUT", aspectId = "filter_capacity", numberOfSteps = 1 } },
            }));
            Assert.True(op["operationState"]!.GetValue<string>() == "COMPLETED", op.ToJsonString());
            ns = await GetAsync(url, $"/nslcm/v2/ns_instances/{nsId}", "/ns_instances/{nsInstanceId}");
            Assert.Equal(4, ns["vnfInstance"]!.AsArray().Count);
            Assert.Equal("1", ns["nsScaleStatus"]![0]!["nsScaleLevelId"]!.GetValue<string>());
            op = await WaitAsync(url, await StartAsync(url, nsId, "scale", new
            {
                scaleType = "SCALE_NS",
                scaleNsData = new { scaleNsByStepsData = new { scalingDirection = "SCALE_IN", aspectId = "filter_capacity", numberOfSteps = 1 } },
            }));
            Assert.True(op["operationState"]!.GetValue<string>() == "COMPLETED", op.ToJsonString());
            ns = await GetAsync(url, $"/nslcm/v2/ns_instances/{nsId}", "/ns_instances/{nsInstanceId}");
            Assert.Equal(vnfIds.Order(), ns["vnfInstance"]!.AsArray().Select(v => v!["id"]!.GetValue<string>()).Order());

            // ---- heal one VNF ----
            op = await WaitAsync(url, await StartAsync(url, nsId, "heal", new { healVnfData = new[] { new { vnfInstanceId = vnfIds[0], cause = "e2e" } } }));
            Assert.True(op["operationState"]!.GetValue<string>() == "COMPLETED", op.ToJsonString());

            // ---- terminate, delete: nothing left ----
            op = await WaitAsync(url, await StartAsync(url, nsId, "terminate", new { }));
            Assert.True(op["operationState"]!.GetValue<string>() == "COMPLETED", op.ToJsonString());
            Assert.Empty(await SandboxAsync(url, "resources"));
            foreach (var id in vnfIds)
                Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{url}/vnflcm/v2/vnf_instances/{id}", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"{url}/nslcm/v2/ns_instances/{nsId}", Ct)).StatusCode);

            // ---- a failure-injected instantiate: FAILED_TEMP -> rollback -> ROLLED_BACK with nothing left ----
            var failing = await CreateNsAsync(url, nsdInfoId, "failing");
            using (var fault = await _http.PutAsJsonAsync($"{url}/sandbox/v1/faults", new { operation = "create_server", failCount = 1, transient = false, message = "injected by the NS e2e test" }, Ct))
                Assert.True(fault.IsSuccessStatusCode, await fault.Content.ReadAsStringAsync(Ct));
            var opId = await StartAsync(url, failing, "instantiate", new { nsFlavourId = "default" });
            op = await WaitAsync(url, opId);
            Assert.True(op["operationState"]!.GetValue<string>() == "FAILED_TEMP", op.ToJsonString());
            Assert.Contains("injected by the NS e2e test", op["error"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            await _http.DeleteAsync($"{url}/sandbox/v1/faults", Ct);
            Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{url}/nslcm/v2/ns_lcm_op_occs/{opId}/rollback", null, Ct)).StatusCode);
            op = await WaitAsync(url, opId);
            Assert.True(op["operationState"]!.GetValue<string>() == "ROLLED_BACK", op.ToJsonString());
            Assert.Empty(await SandboxAsync(url, "resources"));
            Assert.Empty((await GetJsonAsync($"{url}/vnflcm/v2/vnf_instances")).AsArray());
            Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"{url}/nslcm/v2/ns_instances/{failing}", Ct)).StatusCode);
        }
        catch
        {
            output.WriteLine("---- Mano log ----\n" + mano.Log);
            throw;
        }
    }

    private async Task OnboardVnfPackageAsync(string url, string vnfdId, byte[] csar)
    {
        var created = await _http.PostAsJsonAsync($"{url}/vnfpkgm/v2/vnf_packages", new { }, Ct);
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!["id"]!.GetValue<string>();
        using (var upload = await _http.PutAsync($"{url}/vnfpkgm/v2/vnf_packages/{id}/package_content",
                   new ByteArrayContent(csar) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } }, Ct))
            Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var info = await PollAsync($"{url}/vnfpkgm/v2/vnf_packages/{id}", n => n["onboardingState"]!.GetValue<string>() is not ("PROCESSING" or "UPLOADING" or "CREATED"));
        Assert.True(info["onboardingState"]!.GetValue<string>() == "ONBOARDED", info.ToJsonString());
        Assert.Equal(vnfdId, info["vnfdId"]!.GetValue<string>());
    }

    /// <summary>
    /// The issue 6 test NSD with its NFP extended to three positions: VNF_A (where the flow comes from), VNF_B's
    /// virtual_link_external1_1 as the one hop (ingress = egress, a bump-in-the-wire), VNF_C (where it goes). The NSD as
    /// shipped has only two single-CP positions, which are the path's endpoints and leave no hop to chain.
    /// </summary>
    private static string ThreePositionNsd() => NsdPackages.ChainNsdYaml
        .Replace("    POS_1:\n",
            "    PE_backend:\n      type: tosca.nodes.nfv.NfpPositionElement\n      requirements:\n        - profile_element: [ VNF_C, virtual_link_external1_1 ]\n\n"
            + "    POS_3:\n      type: tosca.nodes.nfv.NfpPosition\n      requirements:\n        - element: PE_backend\n\n    POS_1:\n", StringComparison.Ordinal)
        .Replace("        - nfp_position: POS_2\n", "        - nfp_position: POS_2\n        - nfp_position: POS_3\n", StringComparison.Ordinal)
        .Replace("members: [ NFP_http, VNF_A, VNF_B, VL_data, PE_edge, PE_filter ]",
            "members: [ NFP_http, VNF_A, VNF_B, VNF_C, VL_data, VL_mgmt, PE_edge, PE_filter, PE_backend ]", StringComparison.Ordinal);

    private async Task<string> OnboardNsdAsync(string url)
    {
        var created = await _http.PostAsJsonAsync($"{url}/nsd/v2/ns_descriptors", new { }, Ct);
        var text = await created.Content.ReadAsStringAsync(Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, text);
        var id = JsonNode.Parse(text)!["id"]!.GetValue<string>();
        using (var upload = await _http.PutAsync($"{url}/nsd/v2/ns_descriptors/{id}/nsd_content",
                   new ByteArrayContent(NsdPackages.Archive(ThreePositionNsd())) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } }, Ct))
            Assert.True(upload.StatusCode == HttpStatusCode.Accepted, await upload.Content.ReadAsStringAsync(Ct));
        var info = await PollAsync($"{url}/nsd/v2/ns_descriptors/{id}", n => n["nsdOnboardingState"]!.GetValue<string>() is not ("PROCESSING" or "UPLOADING" or "CREATED"));
        Assert.True(info["nsdOnboardingState"]!.GetValue<string>() == "ONBOARDED", info.ToJsonString());
        return id;
    }

    private async Task<string> CreateNsAsync(string url, string nsdInfoId, string name)
    {
        var response = await _http.PostAsJsonAsync($"{url}/nslcm/v2/ns_instances", new { nsdId = nsdInfoId, nsName = name, nsDescription = "e2e" }, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        SolSchemas.AssertValid(Api, "POST", "/ns_instances", 201, text);
        return JsonNode.Parse(text)!["id"]!.GetValue<string>();
    }

    private async Task<string> StartAsync(string url, string nsId, string task, object body)
    {
        var response = await _http.PostAsJsonAsync($"{url}/nslcm/v2/ns_instances/{nsId}/{task}", body, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Ct));
        return response.Headers.Location!.Segments[^1];
    }

    private async Task<JsonObject> WaitAsync(string url, string opId)
    {
        var op = await PollAsync($"{url}/nslcm/v2/ns_lcm_op_occs/{opId}", n => n["operationState"]!.GetValue<string>() is not ("PROCESSING" or "ROLLING_BACK"));
        SolSchemas.AssertValid(Api, "GET", "/ns_lcm_op_occs/{nsLcmOpOccId}", 200, op.ToJsonString());
        return op;
    }

    private async Task<JsonObject> GetAsync(string url, string path, string specPath)
    {
        var text = await _http.GetStringAsync($"{url}{path}", Ct);
        SolSchemas.AssertValid(Api, "GET", specPath, 200, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task<JsonNode> GetJsonAsync(string url) => JsonNode.Parse(await _http.GetStringAsync(url, Ct))!;

    private async Task<JsonArray> SandboxAsync(string url, string what) => (await GetJsonAsync($"{url}/sandbox/v1/{what}")).AsArray();

    private async Task<JsonObject> PollAsync(string url, Func<JsonObject, bool> done)
    {
        var deadline = DateTime.UtcNow + OpTimeout;
        while (true)
        {
            var node = (await GetJsonAsync(url)).AsObject();
            if (done(node)) return node;
            Assert.True(DateTime.UtcNow < deadline, $"{url} did not settle: {node.ToJsonString()}");
            await Task.Delay(200, Ct);
        }
    }

    public async ValueTask InitializeAsync() => _env = await ScaledEnvironment.CreateAsync("mano_ns");

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_env is not null) await _env.DisposeAsync();
    }
}
