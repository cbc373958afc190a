using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Mano.EndToEnd.Tests;

/// <summary>
/// The VNFM configured with <c>Vnfm:Nfvo:Mode=Rest</c>: it asks for its grants over SOL003 clause 9 REST, from an
/// independent fake third-party NFVO (<see cref="FakeExternalNfvo"/>, asynchronous 202 + polling) and from Mano's own
/// NFVO's /grant/v1 (synchronous and asynchronous). The whole slice (onboard, instantiate, terminate) completes, every
/// grant exchanged is valid per the SOL003 grant document, and a rejection ends the operation ROLLED_BACK with its reason.
/// </summary>
public sealed class ExternalNfvoTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Api = "SOL003/VNFLifecycleOperationGranting";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"mano-e2e-grants-{Guid.NewGuid():N}");

    [Fact]
    public async Task The_VNFM_runs_its_operations_on_grants_from_an_external_NFVO()
    {
        await using var nfvo = await FakeExternalNfvo.StartAsync();
        nfvo.Async = true;
        nfvo.PendingPolls = 2;
        nfvo.VimConnectionId = "sandbox";
        nfvo.Basic = ("mano-vnfm", "grant-pa55");
        await using var subscriber = await Subscriber.StartAsync();
        await using var mano = await ManoProcess.StartAsync(new Dictionary<string, string>
        {
            ["MANO_DATA_DIR"] = _dataDir,
            ["Vnfm__Nfvo__Mode"] = "Rest",
            ["Vnfm__Nfvo__GrantUri"] = nfvo.GrantApiRoot,
            ["Vnfm__Nfvo__Auth"] = "Basic",
            ["Vnfm__Nfvo__Username"] = "mano-vnfm",
            ["Vnfm__Nfvo__Password"] = "grant-pa55",
            ["Vnfm__Nfvo__PollIntervalSeconds"] = "0.1",
        });
        try
        {
            var slice = new Slice(mano.BaseUrl, mano.BaseUrl, output);
            await slice.RunAsync(subscriber);

            var operations = nfvo.Requests.Select(r => r["operation"]!.GetValue<string>()).ToList();
            Assert.Equal(["INSTANTIATE", "TERMINATE"], operations);
            foreach (var request in nfvo.Requests) SolSchemas.AssertValidRequest(Api, "POST", "/grants", request.ToJsonString());
            Assert.Contains(nfvo.Responses, r => r is { Method: "GET", Status: 202 });
            foreach (var (method, path, status, body) in nfvo.Responses.Where(r => r.Body.Length > 0))
                SolSchemas.AssertValid(Api, method, path, status, body);
            Assert.DoesNotContain("grant-pa55", mano.Log);

            // A rejection by the external NFVO: the instantiation ends ROLLED_BACK with the NFVO's reason.
            nfvo.Reject = _ => "the external NFVO has no capacity for this VNF";
            var (instanceId, op) = await InstantiateAsync(mano.BaseUrl);
            Assert.Equal("ROLLED_BACK", op["operationState"]!.GetValue<string>());
            Assert.Equal(403, op["error"]!["status"]!.GetValue<int>());
            Assert.Equal("the external NFVO has no capacity for this VNF", op["error"]!["detail"]!.GetValue<string>());
            using var http = new HttpClient();
            var instance = JsonNode.Parse(await http.GetStringAsync($"{mano.BaseUrl}/vnflcm/v2/vnf_instances/{instanceId}", Ct))!;
            Assert.Equal("NOT_INSTANTIATED", instance["instantiationState"]!.GetValue<string>());
        }
        catch
        {
            output.WriteLine(mano.Log);
            throw;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_VNFM_gets_its_grants_from_Mano_s_own_NFVO_over_REST(bool async)
    {
        await using var subscriber = await Subscriber.StartAsync();
        var port = ManoProcess.FreePort();
        await using var mano = await ManoProcess.StartAsync(new Dictionary<string, string>
        {
            ["MANO_DATA_DIR"] = _dataDir,
            ["Vnfm__Nfvo__Mode"] = "Rest",
            ["Vnfm__Nfvo__GrantUri"] = $"http://127.0.0.1:{port}/grant/v1",
            ["Vnfm__Nfvo__PollIntervalSeconds"] = "0.1",
            ["Nfvo__Grants__Async"] = async ? "true" : "false",
        }, port);
        try
        {
            var slice = new Slice(mano.BaseUrl, mano.BaseUrl, output);
            await slice.RunAsync(subscriber);

            // The grants the VNFM got are the NFVO's resources: read them back over REST, valid per SOL003.
            using var http = new HttpClient();
            var ops = JsonNode.Parse(await http.GetStringAsync($"{mano.BaseUrl}/vnflcm/v2/vnf_lcm_op_occs", Ct))!.AsArray();
            Assert.Equal(2, ops.Count);
            foreach (var op in ops)
            {
                var grantId = op!["grantId"]!.GetValue<string>();
                using var response = await http.GetAsync($"{mano.BaseUrl}/grant/v1/grants/{grantId}", Ct);
                var body = await response.Content.ReadAsStringAsync(Ct);
                Assert.True(response.StatusCode == HttpStatusCode.OK, body);
                SolSchemas.AssertValid(Api, "GET", "/grants/{grantId}", 200, body);
                Assert.Equal(op["id"]!.GetValue<string>(), JsonNode.Parse(body)!["vnfLcmOpOccId"]!.GetValue<string>());
            }
            Assert.Contains(async ? "being decided asynchronously" : "Grant ", mano.Log);
        }
        catch
        {
            output.WriteLine(mano.Log);
            throw;
        }
    }

    /// <summary>Creates a helloworld instance (its package is onboarded) and instantiates it; returns the final op occ.</summary>
    private static async Task<(string InstanceId, JsonNode Op)> InstantiateAsync(string baseUrl)
    {
        using var http = new HttpClient();
        static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");
        var created = await http.PostAsync($"{baseUrl}/vnflcm/v2/vnf_instances", Json(new JsonObject { ["vnfdId"] = Csars.HelloWorldVnfdId }), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var instanceId = JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!["id"]!.GetValue<string>();
        var started = await http.PostAsync($"{baseUrl}/vnflcm/v2/vnf_instances/{instanceId}/instantiate", Json(new JsonObject { ["flavourId"] = "simple" }), Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var location = started.Headers.Location!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var op = JsonNode.Parse(await http.GetStringAsync(location, Ct))!;
            if (op["operationState"]!.GetValue<string>() is "COMPLETED" or "ROLLED_BACK" or "FAILED_TEMP" or "FAILED") return (instanceId, op);
            Assert.True(DateTime.UtcNow < deadline, $"op still {op["operationState"]}");
            await Task.Delay(100, Ct);
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }
}
