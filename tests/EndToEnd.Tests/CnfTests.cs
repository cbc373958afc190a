using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mano.EndToEnd.Tests;

/// <summary>
/// A CNF end to end, embedded shape (one Mano process), on a Kubernetes VIM: <see cref="FakeKubernetesApiServer"/> (a FAKE
/// of the Kubernetes API over HTTPS with its own test CA, not Kubernetes) registered through Mano's VIM registry as the
/// tenant's default VIM, so the grant places the CNF there rather than on the sandbox. The package is Tacker's own
/// v1-k8s-test_cnf_scale from the corpus; the requests are shaped as Tacker's CNF tests send them
/// (additionalParams lcm-kubernetes-def-files and namespace).
/// </summary>
public sealed class CnfTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Package = "v1-k8s-test_cnf_scale";
    private const string VnfdId = "b1bb0ce7-ebca-4fa7-95ed-4840d70a1177";
    private const string InstanceLabel = "mano.vnf_instance_id";
    private static readonly TimeSpan OpTimeout = TimeSpan.FromSeconds(90);

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"mano-e2e-cnf-{Guid.NewGuid():N}");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private FakeKubernetesApiServer _k8s = null!;
    private ManoProcess _mano = null!;

    private string Url => _mano.BaseUrl;

    public async ValueTask InitializeAsync()
    {
        _k8s = await FakeKubernetesApiServer.StartAsync();
        Directory.CreateDirectory(_dataDir);
        _mano = await ManoProcess.StartAsync(new Dictionary<string, string> { ["MANO_DATA_DIR"] = _dataDir });
    }

    public async ValueTask DisposeAsync()
    {
        await _mano.DisposeAsync();
        await _k8s.DisposeAsync();
        _http.Dispose();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task A_Tacker_CNF_package_is_instantiated_scaled_resynced_and_terminated_on_a_Kubernetes_VIM()
    {
        try
        {
            await RunAsync();
        }
        catch
        {
            output.WriteLine(_mano.Log);
            throw;
        }
    }

    private async Task RunAsync()
    {
        // 1. The Kubernetes VIM, registered as the tenant's default (the sandbox was the default until now).
        var vim = await SendJsonAsync(HttpMethod.Post, $"{Url}/nfvo/v1/vims", new JsonObject
        {
            ["name"] = "fake-k8s",
            ["vimType"] = "ETSINFV.KUBERNETES.V_1",
            ["interfaceInfo"] = new JsonObject { ["endpoint"] = _k8s.Endpoint, ["ssl_ca_cert"] = _k8s.Certificates.CaPem },
            ["accessInfo"] = new JsonObject { ["bearer_token"] = _k8s.BearerToken },
            ["isDefault"] = true,
        }, HttpStatusCode.Created);
        var vimId = vim["id"]!.GetValue<string>();
        output.WriteLine(vim.ToJsonString());
        Assert.Equal("***", vim["accessInfo"]!["bearer_token"]!.GetValue<string>()); // the token is never returned
        var sandbox = (await GetAsync($"{Url}/nfvo/v1/vims")).AsArray().Single(v => v!["id"]!.GetValue<string>() == "sandbox")!;
        Assert.False(sandbox["isDefault"]!.GetValue<bool>());

        // 2. Onboard Tacker's CNF package (Files/kubernetes/*.yaml listed with their hashes in TOSCA.meta).
        var pkgId = (await SendJsonAsync(HttpMethod.Post, $"{Url}/vnfpkgm/v2/vnf_packages", new JsonObject(), HttpStatusCode.Created))["id"]!.GetValue<string>();
        using (var upload = await SendAsync(HttpMethod.Put, $"{Url}/vnfpkgm/v2/vnf_packages/{pkgId}/package_content",
                   new ByteArrayContent(Csars.ZipDirectory(RepoPaths.Tacker(Package), [])) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } }))
            Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var pkg = await PollAsync($"{Url}/vnfpkgm/v2/vnf_packages/{pkgId}", p => p["onboardingState"]!.GetValue<string>() is not ("PROCESSING" or "UPLOADING" or "CREATED"));
        Assert.True(pkg["onboardingState"]!.GetValue<string>() == "ONBOARDED", pkg.ToJsonString());

        // 3. Create and instantiate, with Tacker's additionalParams: only the Deployment of the three "vdu1-scale" workloads.
        var instanceId = (await SendJsonAsync(HttpMethod.Post, $"{Url}/vnflcm/v2/vnf_instances",
            new JsonObject { ["vnfdId"] = VnfdId, ["vnfInstanceName"] = "cnf-1" }, HttpStatusCode.Created))["id"]!.GetValue<string>();

        // A manifest the package does not have: 422 at once, nothing started.
        await ExpectProblemAsync($"{Url}/vnflcm/v2/vnf_instances/{instanceId}/instantiate", new JsonObject
        {
            ["flavourId"] = "simple",
            ["additionalParams"] = new JsonObject { ["lcm-kubernetes-def-files"] = new JsonArray("Files/kubernetes/nope.yaml") },
        }, HttpStatusCode.UnprocessableEntity, "Files/kubernetes/nope.yaml");

        var instantiate = await StartOperationAsync($"{Url}/vnflcm/v2/vnf_instances/{instanceId}/instantiate", new JsonObject
        {
            ["flavourId"] = "simple",
            ["additionalParams"] = new JsonObject
            {
                ["lcm-kubernetes-def-files"] = new JsonArray("Files/kubernetes/deployment_scale.yaml"),
                ["namespace"] = "default",
            },
        });
        var op = await WaitForOpAsync(instantiate, "COMPLETED");
        Assert.Single(op["resourceChanges"]!["affectedVnfcs"]!.AsArray());

        // instantiatedVnfInfo: the VNFCs are the fake cluster's pods, of workload kind Deployment, on the Kubernetes VIM.
        var instance = await GetAsync($"{Url}/vnflcm/v2/vnf_instances/{instanceId}");
        output.WriteLine(instance.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Assert.Equal("INSTANTIATED", instance["instantiationState"]!.GetValue<string>());
        Assert.Equal("ETSINFV.KUBERNETES.V_1", instance["vimConnectionInfo"]![vimId]!["vimType"]!.GetValue<string>());
        Assert.Null(instance["vimConnectionInfo"]![vimId]!["accessInfo"]);
        AssertVnfcsArePods(instance, instanceId, vimId, expected: 1);
        var deployment = Assert.Single(_k8s.Objects("apps", "deployments", "default"), d => d["metadata"]!["name"]!.GetValue<string>() == "vdu1-scale");
        Assert.Equal(instanceId, deployment["metadata"]!["labels"]![InstanceLabel]!.GetValue<string>());
        Assert.Empty(_k8s.Objects("apps", "statefulsets")); // the files not named were not applied
        Assert.DoesNotContain(_k8s.Objects("apps", "replicasets"), r => r["metadata"]!["ownerReferences"] is null);

        // 4. Drift: the Deployment and its ReplicaSet carry the instance label but are no orphans.
        var drift = await SendJsonAsync(HttpMethod.Post, $"{Url}/vnfm/v1/drift/{instanceId}/resync", new JsonObject(), HttpStatusCode.OK);
        output.WriteLine(drift.ToJsonString());
        Assert.True(drift["state"]!.GetValue<string>() == "IN_SYNC", drift.ToJsonString());

        // 5. Scale out by 2 steps of vdu1_aspect (delta 1 each): 3 pods, 3 VNFCs; the first VNFC keeps its pod.
        var firstPod = instance["instantiatedVnfInfo"]!["vnfcResourceInfo"]![0]!["computeResource"]!["resourceId"]!.GetValue<string>();
        var scale = await StartOperationAsync($"{Url}/vnflcm/v2/vnf_instances/{instanceId}/scale",
            new JsonObject { ["type"] = "SCALE_OUT", ["aspectId"] = "vdu1_aspect", ["numberOfSteps"] = 2 });
        var scaled = await WaitForOpAsync(scale, "COMPLETED");
        Assert.Equal(2, scaled["resourceChanges"]!["affectedVnfcs"]!.AsArray().Count(c => c!["changeType"]!.GetValue<string>() == "ADDED"));
        instance = await GetAsync($"{Url}/vnflcm/v2/vnf_instances/{instanceId}");
        AssertVnfcsArePods(instance, instanceId, vimId, expected: 3);
        Assert.Contains(firstPod, instance["instantiatedVnfInfo"]!["vnfcResourceInfo"]!.AsArray().Select(v => v!["computeResource"]!["resourceId"]!.GetValue<string>()));
        Assert.Equal(2, instance["instantiatedVnfInfo"]!["scaleStatus"]!.AsArray().Single()!["scaleLevel"]!.GetValue<int>());
        deployment = _k8s.Objects("apps", "deployments", "default").Single(d => d["metadata"]!["name"]!.GetValue<string>() == "vdu1-scale");
        Assert.Equal(3, deployment["spec"]!["replicas"]!.GetValue<int>());

        // 6. A pod killed behind Mano's back: its controller replaces it with a pod that holds no VNFC key -> drift.
        Assert.True(_k8s.KillPod("default", firstPod));
        await PollAsync($"{Url}/vnflcm/v2/vnf_instances/{instanceId}", _ => Pods(instanceId).Count == 3);
        drift = await SendJsonAsync(HttpMethod.Post, $"{Url}/vnfm/v1/drift/{instanceId}/resync", new JsonObject(), HttpStatusCode.OK);
        output.WriteLine(drift.ToJsonString());
        Assert.Equal("DRIFTED", drift["state"]!.GetValue<string>());
        var items = drift["drift"]!.AsArray();
        Assert.Contains(items, d => d!["type"]!.GetValue<string>() == "MISSING" && d["resourceId"]!.GetValue<string>() == firstPod);
        Assert.Contains(items, d => d!["type"]!.GetValue<string>() == "ORPHAN" && d["resourceType"]!.GetValue<string>() == "compute");
        Assert.DoesNotContain(items, d => d!["resourceType"]!.GetValue<string>() == "other");

        // 7. Heal that VNFC: the replacement pod takes its key again, and the drift is gone.
        var lostVnfc = items.Single(d => d!["type"]!.GetValue<string>() == "MISSING")!["resourceKey"]!.GetValue<string>();
        var heal = await StartOperationAsync($"{Url}/vnflcm/v2/vnf_instances/{instanceId}/heal", new JsonObject { ["vnfcInstanceId"] = new JsonArray(lostVnfc) });
        await WaitForOpAsync(heal, "COMPLETED");
        instance = await GetAsync($"{Url}/vnflcm/v2/vnf_instances/{instanceId}");
        AssertVnfcsArePods(instance, instanceId, vimId, expected: 3);
        Assert.Contains(instance["instantiatedVnfInfo"]!["vnfcResourceInfo"]!.AsArray(), v => v!["id"]!.GetValue<string>() == lostVnfc);
        drift = await SendJsonAsync(HttpMethod.Post, $"{Url}/vnfm/v1/drift/{instanceId}/resync", new JsonObject(), HttpStatusCode.OK);
        Assert.True(drift["state"]!.GetValue<string>() == "IN_SYNC", drift.ToJsonString());

        // 8. Operate: STOPPED scales the workload to 0 (no pod, so no VNFC is reported), STARTED brings the 3 back.
        var stop = await StartOperationAsync($"{Url}/vnflcm/v2/vnf_instances/{instanceId}/operate", new JsonObject { ["changeStateTo"] = "STOPPED" });
        await WaitForOpAsync(stop, "COMPLETED");
        instance = await GetAsync($"{Url}/vnflcm/v2/vnf_instances/{instanceId}");
        Assert.Equal("STOPPED", instance["instantiatedVnfInfo"]!["vnfState"]!.GetValue<string>());
        AssertVnfcsArePods(instance, instanceId, vimId, expected: 0);
        var start = await StartOperationAsync($"{Url}/vnflcm/v2/vnf_instances/{instanceId}/operate", new JsonObject { ["changeStateTo"] = "STARTED" });
        await WaitForOpAsync(start, "COMPLETED");
        instance = await GetAsync($"{Url}/vnflcm/v2/vnf_instances/{instanceId}");
        Assert.Equal("STARTED", instance["instantiatedVnfInfo"]!["vnfState"]!.GetValue<string>());
        AssertVnfcsArePods(instance, instanceId, vimId, expected: 3);

        // 9. Terminate: nothing labelled with the instance is left in the cluster.
        var terminate = await StartOperationAsync($"{Url}/vnflcm/v2/vnf_instances/{instanceId}/terminate", new JsonObject { ["terminationType"] = "FORCEFUL" });
        var terminated = await WaitForOpAsync(terminate, "COMPLETED");
        Assert.NotEmpty(terminated["resourceChanges"]!["affectedVnfcs"]!.AsArray());
        Assert.Empty(_k8s.Labelled(InstanceLabel, instanceId));
        instance = await GetAsync($"{Url}/vnflcm/v2/vnf_instances/{instanceId}");
        Assert.Equal("NOT_INSTANTIATED", instance["instantiationState"]!.GetValue<string>());
    }

    /// <summary>The live pods of the instance in the fake cluster.</summary>
    private List<JsonObject> Pods(string instanceId) =>
        _k8s.Objects("", "pods").Where(p => p["metadata"]!["labels"]?[InstanceLabel]?.GetValue<string>() == instanceId && p["metadata"]!["deletionTimestamp"] is null).ToList();

    private void AssertVnfcsArePods(JsonNode instance, string instanceId, string vimId, int expected)
    {
        var vnfcs = instance["instantiatedVnfInfo"]!["vnfcResourceInfo"]!.AsArray();
        var pods = Pods(instanceId);
        Assert.Equal(expected, vnfcs.Count);
        Assert.Equal(pods.Select(p => p["metadata"]!["name"]!.GetValue<string>()).Order(),
            vnfcs.Select(v => v!["computeResource"]!["resourceId"]!.GetValue<string>()).Order());
        foreach (var vnfc in vnfcs)
        {
            Assert.Equal("VDU1", vnfc!["vduId"]!.GetValue<string>());
            Assert.Equal("Deployment", vnfc["computeResource"]!["vimLevelResourceType"]!.GetValue<string>());
            Assert.Equal(vimId, vnfc["computeResource"]!["vimConnectionId"]!.GetValue<string>());
            // The VNFC id is the key the driver put on its pod.
            var pod = pods.Single(p => p["metadata"]!["name"]!.GetValue<string>() == vnfc["computeResource"]!["resourceId"]!.GetValue<string>());
            Assert.Equal(vnfc["id"]!.GetValue<string>(), pod["metadata"]!["labels"]!["mano.resource_key"]!.GetValue<string>());
        }
        Assert.Null(instance["instantiatedVnfInfo"]!["vnfVirtualStorageResourceInfo"]);
        Assert.Empty(instance["instantiatedVnfInfo"]!["vnfVirtualLinkResourceInfo"]?.AsArray() ?? []);
    }

    // ---- HTTP ------------------------------------------------------------------------------------------------

    private async Task<JsonNode> GetAsync(string url)
    {
        using var response = await SendAsync(HttpMethod.Get, url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private async Task<JsonNode> SendJsonAsync(HttpMethod method, string url, JsonNode body, HttpStatusCode expected)
    {
        using var response = await SendAsync(method, url, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {url}: expected {(int)expected}, got {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private async Task ExpectProblemAsync(string url, JsonNode body, HttpStatusCode status, string detailContains)
    {
        using var response = await SendAsync(HttpMethod.Post, url, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"POST {url}: expected {(int)status}, got {(int)response.StatusCode} {text}");
        Assert.Contains(detailContains, JsonNode.Parse(text)!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<string> StartOperationAsync(string url, JsonNode body)
    {
        using var response = await SendAsync(HttpMethod.Post, url, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.Headers.Location!.ToString().Split('/').Last();
    }

    private async Task<JsonNode> WaitForOpAsync(string opOccId, string finalState)
    {
        var op = await PollAsync($"{Url}/vnflcm/v2/vnf_lcm_op_occs/{opOccId}",
            o => o["operationState"]!.GetValue<string>() is "COMPLETED" or "FAILED_TEMP" or "FAILED" or "ROLLED_BACK");
        Assert.True(op["operationState"]!.GetValue<string>() == finalState, op.ToJsonString());
        return op;
    }

    private async Task<JsonNode> PollAsync(string url, Func<JsonNode, bool> done)
    {
        var deadline = DateTime.UtcNow + OpTimeout;
        while (true)
        {
            var node = await GetAsync(url);
            if (done(node)) return node;
            Assert.True(DateTime.UtcNow < deadline, $"{url} did not reach the wanted state within {OpTimeout}: {node.ToJsonString()}");
            await Task.Delay(200);
        }
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("Version", url.Contains("/vnfpkgm/", StringComparison.Ordinal) ? "2.4.0" : "2.3.0");
        request.Headers.Accept.ParseAdd("application/json");
        return _http.SendAsync(request);
    }
}
