using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mano.EndToEnd.Tests;

/// <summary>
/// The walking skeleton's slice, driven over HTTP exactly as an OSS/BSS would: onboard a real package, create,
/// instantiate, observe, terminate and delete a VNF, with the invalid requests of the slice on the way.
/// Works against one process (embedded) or an NFVO and a VNFM in separate processes (scaled).
/// </summary>
public sealed class Slice(string nfvoUrl, string vnfmUrl, ITestOutputHelper output)
{
    private static readonly TimeSpan OpTimeout = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public string? PackageId { get; private set; }
    public string? InstanceId { get; private set; }

    public async Task RunAsync(Subscriber subscriber)
    {
        // SOL003 5.4.18.3.1: subscribing tests the callback with a GET first.
        var subscription = await PostJsonAsync($"{vnfmUrl}/vnflcm/v2/subscriptions", new JsonObject
        {
            ["callbackUri"] = subscriber.CallbackUri,
            ["filter"] = new JsonObject { ["notificationTypes"] = new JsonArray("VnfLcmOperationOccurrenceNotification") },
        }, HttpStatusCode.Created);
        Assert.True(subscriber.CallbackTests >= 1, "the VNFM did not test the callback with a GET");
        Assert.Equal("FULL", subscription.Body!["verbosity"]!.GetValue<string>());

        await OnboardAsync();

        // Create the VNF instance (SOL003 5.4.2.3.1) -> 201, NOT_INSTANTIATED.
        var created = await PostJsonAsync($"{vnfmUrl}/vnflcm/v2/vnf_instances", new JsonObject
        {
            ["vnfdId"] = Csars.HelloWorldVnfdId,
            ["vnfInstanceName"] = "hello-world-1",
        }, HttpStatusCode.Created);
        InstanceId = created.Body!["id"]!.GetValue<string>();
        Assert.Equal("NOT_INSTANTIATED", created.Body["instantiationState"]!.GetValue<string>());
        Assert.Equal("Company", created.Body["vnfProvider"]!.GetValue<string>());
        Assert.EndsWith($"/vnflcm/v2/vnf_instances/{InstanceId}", created.Location);

        // SOL005 9.5.4.5: the package is IN_USE while an instance uses it (the VNFM tells the NFVO over the bus).
        await WaitForUsageStateAsync("IN_USE");

        // Invalid: a vnfdId that nothing onboarded -> 422 ProblemDetails.
        await ExpectProblemAsync(HttpMethod.Post, $"{vnfmUrl}/vnflcm/v2/vnf_instances", new JsonObject { ["vnfdId"] = "no-such-vnfd" },
            HttpStatusCode.UnprocessableEntity, "no-such-vnfd");

        // Instantiate, CP1 connected to the sandbox's shared provider network.
        var externalNetwork = (await GetJsonAsync($"{vnfmUrl}/sandbox/v1/external_networks")).AsArray()
            .Single(n => n!["name"]!.GetValue<string>() == "public")!["resourceId"]!.GetValue<string>();
        var instantiateOp = await StartOperationAsync($"{vnfmUrl}/vnflcm/v2/vnf_instances/{InstanceId}/instantiate", new JsonObject
        {
            ["flavourId"] = "simple",
            ["extVirtualLinks"] = new JsonArray(new JsonObject
            {
                ["id"] = "ext-vl-1",
                ["resourceId"] = externalNetwork,
                ["extCps"] = new JsonArray(new JsonObject
                {
                    ["cpdId"] = "CP1",
                    ["cpConfig"] = new JsonObject { ["cp1-config"] = new JsonObject { ["cpProtocolData"] = new JsonArray(new JsonObject { ["layerProtocol"] = "IP_OVER_ETHERNET" }) } },
                }),
            }),
        });
        var op = await WaitForOpAsync(instantiateOp, "COMPLETED");
        Assert.Equal("INSTANTIATE", op["operation"]!.GetValue<string>());
        Assert.NotNull(op["grantId"]);
        Assert.Equal(2, op["resourceChanges"]!["affectedVnfcs"]!.AsArray().Count);

        // STARTING, PROCESSING and COMPLETED reached the subscriber, in that order (SOL003 5.5.2.17).
        var notified = await subscriber.WaitForOpOccAsync(instantiateOp, "COMPLETED", OpTimeout);
        Assert.Equal([("STARTING", "START"), ("PROCESSING", "START"), ("COMPLETED", "RESULT")], notified);

        await AssertInstantiatedAsync(externalNetwork);

        // Invalid: instantiate twice -> 409; delete while INSTANTIATED -> 409.
        await ExpectProblemAsync(HttpMethod.Post, $"{vnfmUrl}/vnflcm/v2/vnf_instances/{InstanceId}/instantiate",
            new JsonObject { ["flavourId"] = "simple" }, HttpStatusCode.Conflict, "INSTANTIATED");
        await ExpectProblemAsync(HttpMethod.Delete, $"{vnfmUrl}/vnflcm/v2/vnf_instances/{InstanceId}", null, HttpStatusCode.Conflict, "terminate it");

        // The CLI (Tacker's grammar) sees the instance.
        var (exit, stdout, stderr) = await RunCliAsync("vnflcm", "list", "--endpoint", vnfmUrl);
        Assert.True(exit == 0, stderr);
        Assert.Contains(InstanceId, stdout);
        Assert.Contains("INSTANTIATED", stdout);

        // Terminate -> COMPLETED; the sandbox holds nothing of the instance any more.
        var terminateOp = await StartOperationAsync($"{vnfmUrl}/vnflcm/v2/vnf_instances/{InstanceId}/terminate",
            new JsonObject { ["terminationType"] = "FORCEFUL" });
        var terminated = await WaitForOpAsync(terminateOp, "COMPLETED");
        Assert.Equal(2, terminated["resourceChanges"]!["affectedVnfcs"]!.AsArray().Count(c => c!["changeType"]!.GetValue<string>() == "REMOVED"));
        Assert.Empty((await GetJsonAsync($"{vnfmUrl}/sandbox/v1/resources?vnfInstanceId={InstanceId}")).AsArray());
        var instance = await GetJsonAsync($"{vnfmUrl}/vnflcm/v2/vnf_instances/{InstanceId}");
        Assert.Equal("NOT_INSTANTIATED", instance["instantiationState"]!.GetValue<string>());
        Assert.Null(instance["instantiatedVnfInfo"]);
        Assert.Equal([("STARTING", "START"), ("PROCESSING", "START"), ("COMPLETED", "RESULT")],
            await subscriber.WaitForOpOccAsync(terminateOp, "COMPLETED", OpTimeout));

        // Delete -> 204, then 404.
        using (var deleted = await SendAsync(HttpMethod.Delete, $"{vnfmUrl}/vnflcm/v2/vnf_instances/{InstanceId}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ExpectProblemAsync(HttpMethod.Get, $"{vnfmUrl}/vnflcm/v2/vnf_instances/{InstanceId}", null, HttpStatusCode.NotFound, InstanceId);
        await WaitForUsageStateAsync("NOT_IN_USE");
    }

    private async Task WaitForUsageStateAsync(string usageState)
    {
        var deadline = DateTime.UtcNow + OpTimeout;
        string state;
        do
        {
            state = (await GetJsonAsync($"{nfvoUrl}/vnfpkgm/v2/vnf_packages/{PackageId}"))["usageState"]!.GetValue<string>();
            if (state == usageState) return;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);
        Assert.Fail($"package {PackageId} usageState is {state}, expected {usageState}");
    }

    /// <summary>SOL005 9.4.2/9.4.5: create the package resource, upload the CSAR, wait for ONBOARDED + ENABLED.</summary>
    public async Task OnboardAsync()
    {
        var pkg = await PostJsonAsync($"{nfvoUrl}/vnfpkgm/v2/vnf_packages", new JsonObject(), HttpStatusCode.Created);
        PackageId = pkg.Body!["id"]!.GetValue<string>();
        Assert.Equal("CREATED", pkg.Body["onboardingState"]!.GetValue<string>());

        // Invalid: content that is not a zip -> 400 ProblemDetails, and the package is untouched.
        var junk = await PostJsonAsync($"{nfvoUrl}/vnfpkgm/v2/vnf_packages", new JsonObject(), HttpStatusCode.Created);
        var junkId = junk.Body!["id"]!.GetValue<string>();
        using (var bad = await SendAsync(HttpMethod.Put, $"{nfvoUrl}/vnfpkgm/v2/vnf_packages/{junkId}/package_content",
                   new ByteArrayContent("this is not a CSAR"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } }))
            await AssertProblemAsync(bad, HttpStatusCode.BadRequest, "not a ZIP");
        Assert.Equal("CREATED", (await GetJsonAsync($"{nfvoUrl}/vnfpkgm/v2/vnf_packages/{junkId}"))["onboardingState"]!.GetValue<string>());

        using (var upload = await SendAsync(HttpMethod.Put, $"{nfvoUrl}/vnfpkgm/v2/vnf_packages/{PackageId}/package_content",
                   new ByteArrayContent(Csars.HelloWorld()) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } }))
            Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);

        var deadline = DateTime.UtcNow + OpTimeout;
        JsonNode info;
        do
        {
            await Task.Delay(100);
            info = await GetJsonAsync($"{nfvoUrl}/vnfpkgm/v2/vnf_packages/{PackageId}");
        } while (info["onboardingState"]!.GetValue<string>() is "PROCESSING" or "UPLOADING" && DateTime.UtcNow < deadline);
        Assert.True(info["onboardingState"]!.GetValue<string>() == "ONBOARDED", info.ToJsonString());
        Assert.Equal("ENABLED", info["operationalState"]!.GetValue<string>());
        Assert.Equal(Csars.HelloWorldVnfdId, info["vnfdId"]!.GetValue<string>());

        // GET .../vnfd returns the VNFD (several files -> a zip, SOL005 9.4.4.3.2).
        using var vnfd = await SendAsync(HttpMethod.Get, $"{nfvoUrl}/vnfpkgm/v2/vnf_packages/{PackageId}/vnfd", accept: "application/zip");
        Assert.Equal(HttpStatusCode.OK, vnfd.StatusCode);
        Assert.Equal("application/zip", vnfd.Content.Headers.ContentType?.MediaType);
        using var zip = new System.IO.Compression.ZipArchive(await vnfd.Content.ReadAsStreamAsync());
        Assert.Contains(zip.Entries, e => e.FullName.EndsWith("helloworld3_df_simple.yaml", StringComparison.Ordinal));
        Assert.Contains(zip.Entries, e => e.FullName.EndsWith("helloworld3_top.vnfd.yaml", StringComparison.Ordinal));
    }

    /// <summary>instantiatedVnfInfo matches the VNFD (flavour "simple", default level) and the sandbox's resources.</summary>
    private async Task AssertInstantiatedAsync(string externalNetwork)
    {
        var instance = await GetJsonAsync($"{vnfmUrl}/vnflcm/v2/vnf_instances/{InstanceId}");
        output.WriteLine(instance.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Assert.Equal("INSTANTIATED", instance["instantiationState"]!.GetValue<string>());
        Assert.Null(instance["vimConnectionInfo"]!["sandbox"]!["accessInfo"]); // credentials are never returned
        var info = instance["instantiatedVnfInfo"]!;
        Assert.Equal("simple", info["flavourId"]!.GetValue<string>());

        var sandbox = (await GetJsonAsync($"{vnfmUrl}/sandbox/v1/resources?vnfInstanceId={InstanceId}")).AsArray()
            .ToDictionary(r => r!["resourceId"]!.GetValue<string>(), r => r!);

        // instantiation_level_1: VDU1 x1, VDU2 x1, each a server in the sandbox.
        var vnfcs = info["vnfcResourceInfo"]!.AsArray();
        Assert.Equal(["VDU1", "VDU2"], vnfcs.Select(v => v!["vduId"]!.GetValue<string>()).Order());
        foreach (var vnfc in vnfcs)
            Assert.Equal("Compute", sandbox[vnfc!["computeResource"]!["resourceId"]!.GetValue<string>()]["kind"]!.GetValue<string>());
        var vdu1 = vnfcs.Single(v => v!["vduId"]!.GetValue<string>() == "VDU1")!;
        Assert.Equal(["CP1", "CP2"], vdu1["vnfcCpInfo"]!.AsArray().Select(c => c!["cpdId"]!.GetValue<string>()).Order());
        var vdu2 = vnfcs.Single(v => v!["vduId"]!.GetValue<string>() == "VDU2")!;
        Assert.Equal(["CP3"], vdu2["vnfcCpInfo"]!.AsArray().Select(c => c!["cpdId"]!.GetValue<string>()));
        Assert.Single(vdu2["storageResourceIds"]!.AsArray());

        // internalVL2: one network with the VNFD's CIDR, link ports of CP2 and CP3.
        var vl = Assert.Single(info["vnfVirtualLinkResourceInfo"]!.AsArray())!;
        Assert.Equal("internalVL2", vl["vnfVirtualLinkDescId"]!.GetValue<string>());
        var network = sandbox[vl["networkResource"]!["resourceId"]!.GetValue<string>()];
        Assert.Equal("Network", network["kind"]!.GetValue<string>());
        Assert.Equal(2, vl["vnfLinkPorts"]!.AsArray().Count);
        foreach (var port in vl["vnfLinkPorts"]!.AsArray())
        {
            var p = sandbox[port!["resourceHandle"]!["resourceId"]!.GetValue<string>()];
            Assert.StartsWith("11.11.0.", p["attributes"]!["ip_address"]!.GetValue<string>());
        }

        // CP1 is the external CP (substitution_mappings virtual_link_external), on the provider network.
        var ext = Assert.Single(info["extCpInfo"]!.AsArray())!;
        Assert.Equal("CP1", ext["cpdId"]!.GetValue<string>());
        Assert.Equal("cp1-config", ext["cpConfigId"]!.GetValue<string>());
        var extIp = ext["cpProtocolInfo"]![0]!["ipOverEthernet"]!["ipAddresses"]![0]!["addresses"]![0]!.GetValue<string>();
        Assert.StartsWith("203.0.113.", extIp);
        var extPort = sandbox.Values.Single(r => r["kind"]!.GetValue<string>() == "Port" && r["attributes"]!["ip_address"]!.GetValue<string>() == extIp);
        Assert.Equal(externalNetwork, extPort["attributes"]!["network_id"]!.GetValue<string>());

        // VDU2's VirtualStorage is a sandbox volume.
        var storage = Assert.Single(info["vnfVirtualStorageResourceInfo"]!.AsArray())!;
        Assert.Equal("VirtualStorage", storage["virtualStorageDescId"]!.GetValue<string>());
        Assert.Equal("Volume", sandbox[storage["storageResource"]!["resourceId"]!.GetValue<string>()]["kind"]!.GetValue<string>());

        // Nothing in the sandbox for this instance that Mano does not know of.
        var known = vnfcs.Select(v => v!["computeResource"]!["resourceId"]!.GetValue<string>())
            .Append(vl["networkResource"]!["resourceId"]!.GetValue<string>())
            .Append(storage["storageResource"]!["resourceId"]!.GetValue<string>()).ToHashSet();
        Assert.All(sandbox.Values.Where(r => r["kind"]!.GetValue<string>() is "Compute" or "Network" or "Volume"),
            r => Assert.Contains(r["resourceId"]!.GetValue<string>(), known));
    }

    // ---- HTTP helpers ----------------------------------------------------------------------------------------

    public async Task<JsonNode> GetJsonAsync(string url)
    {
        using var response = await SendAsync(HttpMethod.Get, url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private async Task<(JsonNode? Body, string? Location)> PostJsonAsync(string url, JsonNode body, HttpStatusCode expected)
    {
        using var response = await SendAsync(HttpMethod.Post, url, JsonContent(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"POST {url}: expected {(int)expected}, got {(int)response.StatusCode} {text}");
        return (text.Length > 0 ? JsonNode.Parse(text) : null, response.Headers.Location?.ToString());
    }

    /// <summary>POST a task resource: 202 Accepted + Location of the VnfLcmOpOcc (SOL003 5.4.4.3.1); returns its id.</summary>
    private async Task<string> StartOperationAsync(string url, JsonNode body)
    {
        using var response = await SendAsync(HttpMethod.Post, url, JsonContent(body));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var location = response.Headers.Location?.ToString();
        Assert.NotNull(location);
        Assert.Contains("/vnflcm/v2/vnf_lcm_op_occs/", location);
        return location.Split('/').Last();
    }

    private async Task<JsonNode> WaitForOpAsync(string opOccId, string finalState)
    {
        var deadline = DateTime.UtcNow + OpTimeout;
        while (true)
        {
            var op = await GetJsonAsync($"{vnfmUrl}/vnflcm/v2/vnf_lcm_op_occs/{opOccId}");
            var state = op["operationState"]!.GetValue<string>();
            if (state == finalState) return op;
            Assert.False(state is "FAILED_TEMP" or "FAILED" or "ROLLED_BACK" or "COMPLETED", $"op {opOccId} ended {state}: {op.ToJsonString()}");
            Assert.True(DateTime.UtcNow < deadline, $"op {opOccId} still {state} after {OpTimeout}");
            await Task.Delay(100);
        }
    }

    private async Task ExpectProblemAsync(HttpMethod method, string url, JsonNode? body, HttpStatusCode status, string detailContains)
    {
        using var response = await SendAsync(method, url, body is null ? null : JsonContent(body));
        await AssertProblemAsync(response, status, detailContains);
    }

    /// <summary>SOL013 6.4: errors are application/problem+json with status and a precise detail.</summary>
    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.Contains(detailContains, problem["detail"]!.GetValue<string>());
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, HttpContent? content = null, string accept = "application/json")
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        // SOL013 9.1: the API version the client speaks.
        request.Headers.Add("Version", url.Contains("/vnfpkgm/") ? "2.4.0" : "2.3.0");
        request.Headers.Accept.ParseAdd(accept);
        return await _http.SendAsync(request);
    }

    private static StringContent JsonContent(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task<(int Exit, string Stdout, string Stderr)> RunCliAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await Mano.Cli.Cli.RunAsync(args, handler: null, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
