using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Mano.EndToEnd.Tests;

/// <summary>
/// Crash safety in the scaled shape (PostgreSQL + RabbitMQ, NFVO and VNFM as separate processes): the VNFM process is
/// killed with SIGKILL in the middle of an instantiation (the sandbox VIM made slow so the op is mid-PROCESSING), a new
/// VNFM process starts on the same data directory, and the op must end COMPLETED with the sandbox holding exactly the
/// planned resources: none twice, none forgotten. The worker lease and the watchdog run on short, configured timings
/// (Vnfm:WorkerLeaseSeconds, Vnfm:Watchdog:IntervalSeconds, Vnfm:Watchdog:MinAgeSeconds).
/// </summary>
public sealed class CrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ScaledEnvironment? _env;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task A_VNFM_killed_mid_PROCESSING_leaves_no_op_stuck_and_no_resource_twice_or_forgotten()
    {
        var common = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Mano"] = Env.ConnectionString,
            ["Bus__Transport"] = "RabbitMq",
            ["Bus__RabbitMq__Uri"] = Env.BusUri,
        };
        var (exit, log) = await ManoProcess.RunVerbAsync("migrate", new Dictionary<string, string>(common)
        {
            ["MANO_ROLES"] = "nfvo,vnfm",
            ["MANO_DATA_DIR"] = DataDir("migrate"),
        });
        Assert.True(exit == 0, log);
        var vnfmEnvironment = new Dictionary<string, string>(common)
        {
            ["MANO_ROLES"] = "vnfm",
            ["MANO_DATA_DIR"] = DataDir("vnfm"),
            ["Vnfm__WorkerLeaseSeconds"] = "3",
            ["Vnfm__Watchdog__IntervalSeconds"] = "1",
            ["Vnfm__Watchdog__MinAgeSeconds"] = "0",
        };

        await using var nfvo = await ManoProcess.StartAsync(new Dictionary<string, string>(common)
        {
            ["MANO_ROLES"] = "nfvo",
            ["MANO_DATA_DIR"] = DataDir("nfvo"),
        });
        var vnfm = await ManoProcess.StartAsync(vnfmEnvironment);
        ManoProcess? second = null;
        var killed = false;
        try
        {
            await new Slice(nfvo.BaseUrl, vnfm.BaseUrl, output).OnboardAsync();
            var created = await SendAsync(HttpMethod.Post, $"{vnfm.BaseUrl}/vnflcm/v2/vnf_instances",
                new JsonObject { ["vnfdId"] = Csars.HelloWorldVnfdId, ["vnfInstanceName"] = "crash-me" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var instanceId = JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!["id"]!.GetValue<string>();
            var external = (await GetAsync($"{vnfm.BaseUrl}/sandbox/v1/external_networks")).AsArray()
                .Single(n => n!["name"]!.GetValue<string>() == "public")!["resourceId"]!.GetValue<string>();

            // A slow VIM: each call takes 250 ms, so level 2 (4 VNFCs, ~20 VIM calls) is mid-PROCESSING for seconds.
            Assert.True((await SendAsync(HttpMethod.Put, $"{vnfm.BaseUrl}/sandbox/v1/latency", new JsonObject { ["milliseconds"] = 250 })).IsSuccessStatusCode);
            var instantiate = await SendAsync(HttpMethod.Post, $"{vnfm.BaseUrl}/vnflcm/v2/vnf_instances/{instanceId}/instantiate", new JsonObject
            {
                ["flavourId"] = "simple",
                ["instantiationLevelId"] = "instantiation_level_2",
                ["extVirtualLinks"] = new JsonArray(new JsonObject
                {
                    ["id"] = "ext-1", ["resourceId"] = external,
                    ["extCps"] = new JsonArray(new JsonObject { ["cpdId"] = "CP1" }),
                }),
            });
            Assert.Equal(HttpStatusCode.Accepted, instantiate.StatusCode);
            var opUrl = instantiate.Headers.Location!.ToString();

            // Wait until the op is PROCESSING and the VIM holds some, not all, of its resources; then kill -9.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                var state = (await GetAsync(opUrl))["operationState"]!.GetValue<string>();
                var made = (await GetAsync($"{vnfm.BaseUrl}/sandbox/v1/resources?vnfInstanceId={instanceId}")).AsArray().Count;
                if (state == "PROCESSING" && made >= 4) break;
                Assert.True(state is "STARTING" or "PROCESSING", $"op is {state} before the kill");
                Assert.True(DateTime.UtcNow < deadline, "the op never got mid-PROCESSING");
                await Task.Delay(50, Ct);
            }
            using (var kill = Process.Start("kill", ["-KILL", vnfm.ProcessId.ToString()]))
                await kill.WaitForExitAsync(Ct);
            await vnfm.DisposeAsync();
            killed = true;

            // A new VNFM process on the same data directory (the sandbox's state file): the watchdog resumes the op once
            // the dead worker's lease expires, and the driver's ensure finds what was already made.
            second = await ManoProcess.StartAsync(vnfmEnvironment);
            var secondUrl = opUrl.Replace(vnfm.BaseUrl, second.BaseUrl);
            JsonNode op;
            deadline = DateTime.UtcNow.AddSeconds(90);
            while (true)
            {
                op = await GetAsync(secondUrl);
                var state = op["operationState"]!.GetValue<string>();
                if (state is "COMPLETED" or "FAILED_TEMP" or "FAILED" or "ROLLED_BACK") break;
                Assert.True(DateTime.UtcNow < deadline, $"op stuck in {state} after the restart");
                await Task.Delay(200, Ct);
            }
            Assert.True(op["operationState"]!.GetValue<string>() == "COMPLETED", op.ToJsonString());

            var instance = await GetAsync($"{second.BaseUrl}/vnflcm/v2/vnf_instances/{instanceId}");
            var info = instance["instantiatedVnfInfo"]!;
            var resources = (await GetAsync($"{second.BaseUrl}/sandbox/v1/resources?vnfInstanceId={instanceId}")).AsArray()
                .Select(r => (Kind: r!["kind"]!.GetValue<string>(), Key: r["resourceKey"]!.GetValue<string>(), Id: r["resourceId"]!.GetValue<string>())).ToList();
            // No duplicates: one resource per (kind, key).
            Assert.Equal(resources.Count, resources.Select(r => (r.Kind, r.Key)).Distinct().Count());
            // Exactly the planned ones: what instantiatedVnfInfo names, nothing more, nothing less.
            Assert.Equal(info["vnfcResourceInfo"]!.AsArray().Select(v => v!["computeResource"]!["resourceId"]!.GetValue<string>()).Order(),
                resources.Where(r => r.Kind == "Compute").Select(r => r.Id).Order());
            Assert.Equal(4, resources.Count(r => r.Kind == "Compute"));
            Assert.Equal(info["vnfVirtualStorageResourceInfo"]!.AsArray().Select(v => v!["storageResource"]!["resourceId"]!.GetValue<string>()).Order(),
                resources.Where(r => r.Kind == "Volume").Select(r => r.Id).Order());
            Assert.Equal(info["vnfVirtualLinkResourceInfo"]!.AsArray().Select(v => v!["networkResource"]!["resourceId"]!.GetValue<string>()).Order(),
                resources.Where(r => r.Kind == "Network").Select(r => r.Id).Order());
            var cps = info["vnfcResourceInfo"]!.AsArray().SelectMany(v => v!["vnfcCpInfo"]!.AsArray()).Select(c => c!["id"]!.GetValue<string>()).Order().ToList();
            Assert.Equal(cps, resources.Where(r => r.Kind == "Port").Select(r => r.Key).Order());
            Assert.Equal(1, resources.Count(r => r.Kind == "Subnet"));
        }
        catch
        {
            output.WriteLine("---- NFVO log ----\n" + nfvo.Log);
            output.WriteLine("---- VNFM log ----\n" + vnfm.Log);
            if (second is not null) output.WriteLine("---- second VNFM log ----\n" + second.Log);
            throw;
        }
        finally
        {
            if (!killed) await vnfm.DisposeAsync();
            if (second is not null) await second.DisposeAsync();
        }
    }

    private async Task<JsonNode> GetAsync(string url)
    {
        using var response = await SendAsync(HttpMethod.Get, url, null);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, JsonNode? body)
    {
        var request = new HttpRequestMessage(method, url)
        {
            Content = body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Version", "2.3.0");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return _http.SendAsync(request, Ct);
    }

    private ScaledEnvironment Env => _env ?? throw new InvalidOperationException("not initialised");

    private string DataDir(string role) => Env.DataDir(role);

    public async ValueTask InitializeAsync() => _env = await ScaledEnvironment.CreateAsync("mano_crash");

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_env is not null) await _env.DisposeAsync();
    }
}
