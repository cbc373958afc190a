using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Mano.EndToEnd.Tests;

/// <summary>The 409 / 412 / 422 answers of the VNF LCM API over real HTTP (embedded shape: one process, SQLite).</summary>
public sealed class LcmHttpStatusTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"mano-e2e-{Guid.NewGuid():N}");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Wrong_state_is_409_stale_ETag_is_412_and_invalid_scale_is_422()
    {
        await using var mano = await ManoProcess.StartAsync(new Dictionary<string, string> { ["MANO_DATA_DIR"] = _dataDir });
        try
        {
            var url = mano.BaseUrl + "/vnflcm/v2";
            await new Slice(mano.BaseUrl, mano.BaseUrl, output).OnboardAsync();
            var created = await SendAsync(HttpMethod.Post, $"{url}/vnf_instances", new JsonObject { ["vnfdId"] = Csars.HelloWorldVnfdId });
            var id = JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!["id"]!.GetValue<string>();

            // 409: scale / operate / heal of a NOT_INSTANTIATED instance.
            Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Post, $"{url}/vnf_instances/{id}/scale", new JsonObject { ["type"] = "SCALE_OUT", ["aspectId"] = "worker_instance" })).StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Post, $"{url}/vnf_instances/{id}/operate", new JsonObject { ["changeStateTo"] = "STOPPED" })).StatusCode);

            // ETag on GET; PATCH with a stale If-Match is 412; with the current one 202 + a MODIFY_INFO op occ.
            var get = await SendAsync(HttpMethod.Get, $"{url}/vnf_instances/{id}", null);
            var etag = get.Headers.ETag!.ToString();
            var stale = await SendAsync(HttpMethod.Patch, $"{url}/vnf_instances/{id}", new JsonObject { ["vnfInstanceName"] = "x" }, ifMatch: "\"stale\"");
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
            Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
            var patched = await SendAsync(HttpMethod.Patch, $"{url}/vnf_instances/{id}", new JsonObject { ["vnfInstanceName"] = "renamed" }, ifMatch: etag);
            Assert.Equal(HttpStatusCode.Accepted, patched.StatusCode);
            var modify = await WaitAsync(patched.Headers.Location!.ToString(), "COMPLETED");
            Assert.Equal("renamed", modify["changedInfo"]!["vnfInstanceName"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.PreconditionFailed, (await SendAsync(HttpMethod.Patch, $"{url}/vnf_instances/{id}", new JsonObject { ["vnfInstanceName"] = "y" }, ifMatch: etag)).StatusCode);

            var external = JsonNode.Parse(await (await SendAsync(HttpMethod.Get, $"{mano.BaseUrl}/sandbox/v1/external_networks", null)).Content.ReadAsStringAsync(Ct))!
                .AsArray().Single(n => n!["name"]!.GetValue<string>() == "public")!["resourceId"]!.GetValue<string>();
            var instantiate = await SendAsync(HttpMethod.Post, $"{url}/vnf_instances/{id}/instantiate", new JsonObject
            {
                ["flavourId"] = "simple",
                ["extVirtualLinks"] = new JsonArray(new JsonObject { ["id"] = "e", ["resourceId"] = external, ["extCps"] = new JsonArray(new JsonObject { ["cpdId"] = "CP1" }) }),
            });
            // 409: a second operation while one is not final.
            Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Post, $"{url}/vnf_instances/{id}/terminate", new JsonObject { ["terminationType"] = "FORCEFUL" })).StatusCode);
            var op = await WaitAsync(instantiate.Headers.Location!.ToString(), "COMPLETED");
            var opUrl = instantiate.Headers.Location!.ToString();

            // 422: beyond max_scale_level, below 0, unknown aspect.
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await SendAsync(HttpMethod.Post, $"{url}/vnf_instances/{id}/scale", new JsonObject { ["type"] = "SCALE_OUT", ["aspectId"] = "worker_instance", ["numberOfSteps"] = 3 })).StatusCode);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await SendAsync(HttpMethod.Post, $"{url}/vnf_instances/{id}/scale", new JsonObject { ["type"] = "SCALE_IN", ["aspectId"] = "worker_instance" })).StatusCode);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await SendAsync(HttpMethod.Post, $"{url}/vnf_instances/{id}/heal", new JsonObject { ["vnfcInstanceId"] = new JsonArray("nope") })).StatusCode);

            // 409: tasks on a COMPLETED op.
            foreach (var task in new[] { "retry", "rollback", "fail" })
                Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Post, $"{opUrl}/{task}", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Post, $"{opUrl}/cancel", new JsonObject { ["cancelMode"] = "GRACEFUL" })).StatusCode);

            // A scale out works over HTTP: 202 + Location, COMPLETED, and 501 stays for snapshots.
            var scale = await SendAsync(HttpMethod.Post, $"{url}/vnf_instances/{id}/scale", new JsonObject { ["type"] = "SCALE_OUT", ["aspectId"] = "worker_instance" });
            Assert.Equal(HttpStatusCode.Accepted, scale.StatusCode);
            await WaitAsync(scale.Headers.Location!.ToString(), "COMPLETED");
            Assert.Equal(HttpStatusCode.NotImplemented, (await SendAsync(HttpMethod.Post, $"{url}/vnf_instances/{id}/create_snapshot", new JsonObject())).StatusCode);
        }
        catch
        {
            output.WriteLine(mano.Log);
            throw;
        }
    }

    private async Task<JsonNode> WaitAsync(string opUrl, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var op = JsonNode.Parse(await (await SendAsync(HttpMethod.Get, opUrl, null)).Content.ReadAsStringAsync(Ct))!;
            if (op["operationState"]!.GetValue<string>() == state) return op;
            Assert.True(DateTime.UtcNow < deadline, op.ToJsonString());
            await Task.Delay(100, Ct);
        }
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, JsonNode? body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, method == HttpMethod.Patch ? "application/merge-patch+json" : "application/json");
        request.Headers.Add("Version", "2.3.0");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return _http.SendAsync(request, Ct);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
