using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mano.EndToEnd.Tests;

/// <summary>
/// Issue 4 item 9: every JSON body Mano answers on the slice (VnfPkgInfo, VnfInstance, VnfLcmOpOcc, LccnSubscription,
/// ProblemDetails, lists with SOL013 queries) and every notification it sends is validated against the official ETSI
/// OpenAPI documents (SOL003/SOL005 v3.7.1) with the harness of tests/TestSupport (SolSchemas). The embedded shape,
/// one process. Every violation is collected and reported at once.
/// </summary>
public sealed class SchemaConformanceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Lcm = "SOL003/VNFLifecycleManagement";
    private const string Pkgm = "SOL005/VNFPackageManagement";
    private const string LcmNotification = "SOL003/VNFLifecycleManagementNotification";
    private static readonly TimeSpan OpTimeout = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"mano-e2e-schema-{Guid.NewGuid():N}");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<string> _violations = [];
    private int _checked;
    private string _base = "";

    [Fact]
    public async Task Every_response_and_notification_of_the_slice_conforms_to_the_ETSI_schemas()
    {
        await using var subscriber = await Subscriber.StartAsync();
        await using var mano = await ManoProcess.StartAsync(new Dictionary<string, string>
        {
            ["MANO_DATA_DIR"] = _dataDir,
            ["Sol013__PageSize"] = "2",
        });
        _base = mano.BaseUrl;
        try
        {
            await DriveAsync(subscriber);
        }
        catch
        {
            output.WriteLine(mano.Log);
            throw;
        }

        // The notifications the subscriber received, each against its notification type's schema.
        foreach (var n in subscriber.Notifications)
        {
            var type = n.GetProperty("notificationType").GetString()!;
            Check($"notification {type}", () => SolSchemas.ValidateRequest(LcmNotification, "POST",
                $"/URI_is_provided_by_the_client_when_creating_the_subscription-{type}", n.GetRawText()));
        }

        output.WriteLine($"{_checked} bodies validated.");
        foreach (var v in _violations) output.WriteLine(v);
        foreach (var u in SolSchemas.UnresolvedReferences) output.WriteLine($"(unresolved upstream $ref, validated as anything: {u})");
        Assert.True(_violations.Count == 0, $"{_violations.Count} schema violations:\n{string.Join("\n", _violations)}");
        Assert.True(_checked >= 30, $"only {_checked} bodies were validated");
    }

    private async Task DriveAsync(Subscriber subscriber)
    {
        // Subscriptions (SOL003 5.4.18).
        var sub = await CallAsync(Lcm, HttpMethod.Post, "/subscriptions", "/vnflcm/v2/subscriptions", 201, new JsonObject
        {
            ["callbackUri"] = subscriber.CallbackUri,
            ["filter"] = new JsonObject { ["notificationTypes"] = new JsonArray("VnfLcmOperationOccurrenceNotification") },
        });
        var subId = sub!["id"]!.GetValue<string>();
        await CallAsync(Lcm, HttpMethod.Get, "/subscriptions/{subscriptionId}", $"/vnflcm/v2/subscriptions/{subId}", 200);
        await CallAsync(Lcm, HttpMethod.Get, "/subscriptions", "/vnflcm/v2/subscriptions", 200);
        await CallAsync(Lcm, HttpMethod.Get, "/subscriptions/{subscriptionId}", "/vnflcm/v2/subscriptions/nope", 404);
        await CallAsync(Lcm, HttpMethod.Post, "/subscriptions", "/vnflcm/v2/subscriptions", 400, new JsonObject { ["callbackUri"] = "not-a-uri" });

        // VNF packages (SOL005 9.4): create three, onboard one.
        string pkgId = "";
        for (var i = 0; i < 3; i++)
        {
            var pkg = await CallAsync(Pkgm, HttpMethod.Post, "/vnf_packages", "/vnfpkgm/v2/vnf_packages", 201,
                new JsonObject { ["userDefinedData"] = new JsonObject { ["n"] = i } });
            if (i == 0) pkgId = pkg!["id"]!.GetValue<string>();
        }
        using (var upload = await SendAsync(HttpMethod.Put, $"/vnfpkgm/v2/vnf_packages/{pkgId}/package_content",
                   new ByteArrayContent(Csars.HelloWorld()) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } }))
            Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var deadline = DateTime.UtcNow + OpTimeout;
        while ((await GetAsync($"/vnfpkgm/v2/vnf_packages/{pkgId}"))["onboardingState"]!.GetValue<string>() != "ONBOARDED")
        {
            Assert.True(DateTime.UtcNow < deadline, "the package was not onboarded in time");
            await Task.Delay(100, Ct);
        }
        await CallAsync(Pkgm, HttpMethod.Get, "/vnf_packages/{vnfPkgId}", $"/vnfpkgm/v2/vnf_packages/{pkgId}", 200);
        var list = await CallAsync(Pkgm, HttpMethod.Get, "/vnf_packages", "/vnfpkgm/v2/vnf_packages", 200, expectNext: true);
        Assert.Equal(2, list!.AsArray().Count); // Sol013:PageSize=2
        await CallAsync(Pkgm, HttpMethod.Get, "/vnf_packages", "/vnfpkgm/v2/vnf_packages?all_fields", 200, expectNext: true);
        var onboarded = await CallAsync(Pkgm, HttpMethod.Get, "/vnf_packages", "/vnfpkgm/v2/vnf_packages?filter=(eq,onboardingState,ONBOARDED)&fields=userDefinedData,checksum", 200);
        Assert.Equal(pkgId, Assert.Single(onboarded!.AsArray())!["id"]!.GetValue<string>());
        await CallAsync(Pkgm, HttpMethod.Get, "/vnf_packages", "/vnfpkgm/v2/vnf_packages?filter=(eq,userDefinedData/n,2)", 200);
        await CallAsync(Pkgm, HttpMethod.Get, "/vnf_packages", "/vnfpkgm/v2/vnf_packages?filter=(eq,nosuch,1)", 400);
        await CallAsync(Pkgm, HttpMethod.Get, "/vnf_packages", "/vnfpkgm/v2/vnf_packages?all_fields&exclude_default", 400);
        await CallAsync(Pkgm, HttpMethod.Get, "/vnf_packages/{vnfPkgId}", "/vnfpkgm/v2/vnf_packages/nope", 404);

        // VNF instances (SOL003 5.4.2/5.4.3) and LCM operations.
        var created = await CallAsync(Lcm, HttpMethod.Post, "/vnf_instances", "/vnflcm/v2/vnf_instances", 201,
            new JsonObject { ["vnfdId"] = Csars.HelloWorldVnfdId, ["vnfInstanceName"] = "schema-1", ["metadata"] = new JsonObject { ["tier"] = "gold" } });
        var instanceId = created!["id"]!.GetValue<string>();
        await CallAsync(Lcm, HttpMethod.Post, "/vnf_instances", "/vnflcm/v2/vnf_instances", 422, new JsonObject { ["vnfdId"] = "no-such-vnfd" });
        var externalNetwork = (await GetAsync("/sandbox/v1/external_networks")).AsArray()
            .Single(n => n!["name"]!.GetValue<string>() == "public")!["resourceId"]!.GetValue<string>();
        var opId = await StartAsync($"/vnflcm/v2/vnf_instances/{instanceId}/instantiate", new JsonObject
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
        await WaitForOpAsync(opId);
        await subscriber.WaitForOpOccAsync(opId, "COMPLETED", OpTimeout);
        await CallAsync(Lcm, HttpMethod.Get, "/vnf_lcm_op_occs/{vnfLcmOpOccId}", $"/vnflcm/v2/vnf_lcm_op_occs/{opId}", 200);
        await CallAsync(Lcm, HttpMethod.Get, "/vnf_instances/{vnfInstanceId}", $"/vnflcm/v2/vnf_instances/{instanceId}", 200);
        await CallAsync(Lcm, HttpMethod.Post, "/vnf_instances/{vnfInstanceId}/instantiate", $"/vnflcm/v2/vnf_instances/{instanceId}/instantiate", 409,
            new JsonObject { ["flavourId"] = "simple" });
        await CallAsync(Lcm, HttpMethod.Get, "/vnf_instances", "/vnflcm/v2/vnf_instances", 200);
        await CallAsync(Lcm, HttpMethod.Get, "/vnf_instances", "/vnflcm/v2/vnf_instances?all_fields", 200);
        var byVdu = await CallAsync(Lcm, HttpMethod.Get, "/vnf_instances",
            "/vnflcm/v2/vnf_instances?filter=(eq,instantiatedVnfInfo/vnfcResourceInfo/vduId,VDU2);(eq,metadata/tier,gold)&fields=instantiatedVnfInfo", 200);
        Assert.Equal(instanceId, Assert.Single(byVdu!.AsArray())!["id"]!.GetValue<string>());
        await CallAsync(Lcm, HttpMethod.Get, "/vnf_instances", "/vnflcm/v2/vnf_instances?exclude_fields=instantiatedVnfInfo/vnfcResourceInfo", 200);
        await CallAsync(Lcm, HttpMethod.Get, "/vnf_instances", "/vnflcm/v2/vnf_instances?filter=(gt,vnfInstanceName,a)", 400);
        await CallAsync(Lcm, HttpMethod.Get, "/vnf_instances", "/vnflcm/v2/vnf_instances?nextpage_opaque_marker=forged", 400);
        await CallAsync(Lcm, HttpMethod.Delete, "/vnf_instances/{vnfInstanceId}", $"/vnflcm/v2/vnf_instances/{instanceId}", 409);

        var terminateId = await StartAsync($"/vnflcm/v2/vnf_instances/{instanceId}/terminate", new JsonObject { ["terminationType"] = "FORCEFUL" });
        await WaitForOpAsync(terminateId);
        await subscriber.WaitForOpOccAsync(terminateId, "COMPLETED", OpTimeout);
        await CallAsync(Lcm, HttpMethod.Get, "/vnf_lcm_op_occs", "/vnflcm/v2/vnf_lcm_op_occs", 200);
        await CallAsync(Lcm, HttpMethod.Get, "/vnf_lcm_op_occs", "/vnflcm/v2/vnf_lcm_op_occs?all_fields", 200);
        await CallAsync(Lcm, HttpMethod.Get, "/vnf_lcm_op_occs", "/vnflcm/v2/vnf_lcm_op_occs?filter=(eq,operation,TERMINATE)&fields=resourceChanges", 200);
        await CallAsync(Lcm, HttpMethod.Get, "/vnf_lcm_op_occs/{vnfLcmOpOccId}", $"/vnflcm/v2/vnf_lcm_op_occs/{terminateId}", 200);
        await CallAsync(Lcm, HttpMethod.Get, "/vnf_lcm_op_occs/{vnfLcmOpOccId}", "/vnflcm/v2/vnf_lcm_op_occs/nope", 404);
        await CallAsync(Lcm, HttpMethod.Get, "/vnf_instances/{vnfInstanceId}", $"/vnflcm/v2/vnf_instances/{instanceId}", 200);
        using (var deleted = await SendAsync(HttpMethod.Delete, $"/vnflcm/v2/vnf_instances/{instanceId}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await CallAsync(Lcm, HttpMethod.Get, "/vnf_instances/{vnfInstanceId}", $"/vnflcm/v2/vnf_instances/{instanceId}", 404);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    /// <summary>Sends the request, asserts the status, validates the body against (api, method, template, status).</summary>
    private async Task<JsonNode?> CallAsync(string api, HttpMethod method, string template, string url, int status, JsonNode? body = null, bool expectNext = false)
    {
        using var response = await SendAsync(method, url, body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode == status, $"{method} {url}: expected {status}, got {(int)response.StatusCode} {text}");
        if (status >= 400) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (expectNext) Assert.Contains("rel=\"next\"", response.Headers.TryGetValues("Link", out var link) ? string.Join(",", link) : "");
        if (text.Length == 0) return null;
        Check($"{method} {url} -> {status}", () => SolSchemas.Validate(api, method.Method, template, status, text));
        return JsonNode.Parse(text);
    }

    private void Check(string what, Func<IReadOnlyList<string>> validate)
    {
        _checked++;
        foreach (var e in validate()) _violations.Add($"{what}: {e}");
    }

    private async Task<JsonNode> GetAsync(string url)
    {
        using var response = await SendAsync(HttpMethod.Get, url);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private async Task<string> StartAsync(string url, JsonNode body)
    {
        using var response = await SendAsync(HttpMethod.Post, url, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return response.Headers.Location!.ToString().Split('/').Last();
    }

    private async Task WaitForOpAsync(string opId)
    {
        var deadline = DateTime.UtcNow + OpTimeout;
        while (true)
        {
            var state = (await GetAsync($"/vnflcm/v2/vnf_lcm_op_occs/{opId}"))["operationState"]!.GetValue<string>();
            if (state == "COMPLETED") return;
            Assert.False(state is "FAILED_TEMP" or "FAILED" or "ROLLED_BACK", $"op {opId} ended {state}");
            Assert.True(DateTime.UtcNow < deadline, $"op {opId} still {state}");
            await Task.Delay(100, Ct);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, _base + url) { Content = content };
        request.Headers.Add("Version", url.Contains("/vnfpkgm/") ? "2.4.0" : "2.3.0");
        request.Headers.Accept.ParseAdd("application/json");
        return await _http.SendAsync(request, Ct);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        try { if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true); }
        catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
