using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using MassTransit;
using Mano.Contracts;
using Mano.Contracts.Messages;

namespace Mano.EndToEnd.Tests;

/// <summary>
/// VNF LCM requests over real RabbitMQ to the VNFM process of the scaled shape (NFVO and VNFM processes on PostgreSQL
/// and RabbitMQ): the test's own bus stands in for the NFVO's NS LCM, sends VnfLcmRequest and receives the
/// VnfLcmOperationOccurrenceChanged events the VNFM publishes through its outbox.
/// </summary>
public sealed class VnfLcmOverRabbitMqTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private ScaledEnvironment? _env;
    private readonly ConcurrentQueue<VnfLcmOperationOccurrenceChanged> _events = new();

    [Fact]
    public async Task The_VNFM_process_serves_VnfLcmRequest_over_RabbitMQ_and_publishes_each_change()
    {
        var env = _env!;
        var common = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Mano"] = env.ConnectionString,
            ["Bus__Transport"] = "RabbitMq",
            ["Bus__RabbitMq__Uri"] = env.BusUri,
        };
        var (exit, log) = await ManoProcess.RunVerbAsync("migrate", new Dictionary<string, string>(common) { ["MANO_ROLES"] = "nfvo,vnfm", ["MANO_DATA_DIR"] = env.DataDir("migrate") });
        Assert.True(exit == 0, log);
        await using var nfvo = await ManoProcess.StartAsync(new Dictionary<string, string>(common) { ["MANO_ROLES"] = "nfvo", ["MANO_DATA_DIR"] = env.DataDir("nfvo") });
        await using var vnfm = await ManoProcess.StartAsync(new Dictionary<string, string>(common) { ["MANO_ROLES"] = "vnfm", ["MANO_DATA_DIR"] = env.DataDir("vnfm") });

        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(new Uri(env.BusUri));
            cfg.ReceiveEndpoint($"e2e-vnf-lcm-events-{Guid.NewGuid():N}", e =>
            {
                e.AutoDelete = true;
                e.ConcurrentMessageLimit = 1; // the order of the log is the order of delivery
                e.Handler<VnfLcmOperationOccurrenceChanged>(ctx =>
                {
                    _events.Enqueue(ctx.Message);
                    return Task.CompletedTask;
                });
            });
        });
        await bus.StartAsync(Ct);
        try
        {
            var client = bus.CreateRequestClient<VnfLcmRequest>(RequestTimeout.After(s: 30));
            async Task<VnfLcmResponse> Send(string operation, string? instanceId, string? opOccId, string? body) =>
                (await client.GetResponse<VnfLcmResponse>(new VnfLcmRequest("default", operation, instanceId, opOccId, body), Ct)).Message;

            await new Slice(nfvo.BaseUrl, vnfm.BaseUrl, output).OnboardAsync();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

            // 422 as the REST API answers it (the same ProblemDetails).
            const string unknown = """{"vnfdId":"no-such-vnfd"}""";
            var refused = await Send(VnfLcmOperations.Create, null, null, unknown);
            using (var rest = await http.PostAsync($"{vnfm.BaseUrl}/vnflcm/v2/vnf_instances", new StringContent(unknown, Encoding.UTF8, "application/json"), Ct))
            {
                Assert.Equal((int)rest.StatusCode, refused.StatusCode);
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(await rest.Content.ReadAsStringAsync(Ct)), JsonNode.Parse(refused.Body!)), refused.Body);
            }

            var created = await Send(VnfLcmOperations.Create, null, null, $$"""{"vnfdId":"{{Csars.HelloWorldVnfdId}}"}""");
            Assert.Equal(201, created.StatusCode);
            var id = JsonNode.Parse(created.Body!)!["id"]!.GetValue<string>();
            // The instance the bus created is the one the REST API shows, links included.
            var restRead = JsonNode.Parse(await http.GetStringAsync($"{vnfm.BaseUrl}/vnflcm/v2/vnf_instances/{id}", Ct));
            Assert.True(JsonNode.DeepEquals(restRead, JsonNode.Parse((await Send(VnfLcmOperations.Read, id, null, null)).Body!)));

            var external = JsonNode.Parse(await http.GetStringAsync($"{vnfm.BaseUrl}/sandbox/v1/external_networks", Ct))!.AsArray()
                .Single(n => n!["name"]!.GetValue<string>() == "public")!["resourceId"]!.GetValue<string>();
            var instantiate = new JsonObject
            {
                ["flavourId"] = "simple",
                ["extVirtualLinks"] = new JsonArray(new JsonObject { ["id"] = "e", ["resourceId"] = external, ["extCps"] = new JsonArray(new JsonObject { ["cpdId"] = "CP1" }) }),
            }.ToJsonString();
            var accepted = await Send(VnfLcmOperations.Instantiate, id, null, instantiate);
            Assert.Equal(202, accepted.StatusCode);
            Assert.Equal(409, (await Send(VnfLcmOperations.Instantiate, id, null, instantiate)).StatusCode);

            var events = await WaitForEventsAsync(id, e => e.Any(x => x.Notification?.OperationState == "COMPLETED"));
            Assert.Equal(["CREATED", "INSTANTIATE:STARTING", "INSTANTIATE:PROCESSING", "INSTANTIATE:COMPLETED"], events.Select(Describe).ToArray());
            Assert.All(events.Where(e => e.Notification is not null), e => Assert.Equal(accepted.VnfLcmOpOccId, e.Notification!.VnfLcmOpOccId));
            Assert.Equal("COMPLETED", JsonNode.Parse((await Send(VnfLcmOperations.ReadOpOcc, null, accepted.VnfLcmOpOccId, null)).Body!)!["operationState"]!.GetValue<string>());

            var terminated = await Send(VnfLcmOperations.Terminate, id, null, """{"terminationType":"FORCEFUL"}""");
            Assert.Equal(202, terminated.StatusCode);
            await WaitForEventsAsync(id, e => e.Count(x => x.Notification?.OperationState == "COMPLETED") == 2);
            Assert.Equal(204, (await Send(VnfLcmOperations.Delete, id, null, null)).StatusCode);
            events = await WaitForEventsAsync(id, e => e.Any(x => x.VnfIdentifierEvent == "DELETED"));
            Assert.Equal(["CREATED", "INSTANTIATE:STARTING", "INSTANTIATE:PROCESSING", "INSTANTIATE:COMPLETED",
                "TERMINATE:STARTING", "TERMINATE:PROCESSING", "TERMINATE:COMPLETED", "DELETED"], events.Select(Describe).ToArray());
        }
        catch
        {
            output.WriteLine("---- NFVO log ----\n" + nfvo.Log);
            output.WriteLine("---- VNFM log ----\n" + vnfm.Log);
            throw;
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }
    }

    private static string Describe(VnfLcmOperationOccurrenceChanged e) =>
        e.VnfIdentifierEvent ?? $"{e.Notification!.Operation}:{e.Notification.OperationState}";

    private async Task<List<VnfLcmOperationOccurrenceChanged>> WaitForEventsAsync(string instanceId, Func<List<VnfLcmOperationOccurrenceChanged>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var events = _events.Where(e => e.VnfInstanceId == instanceId).ToList();
            if (done(events)) return events;
            Assert.True(DateTime.UtcNow < deadline, $"events so far: {string.Join(", ", events.Select(Describe))}");
            await Task.Delay(100, Ct);
        }
    }

    public async ValueTask InitializeAsync() => _env = await ScaledEnvironment.CreateAsync("mano_e2e_bus");

    public async ValueTask DisposeAsync()
    {
        if (_env is not null) await _env.DisposeAsync();
    }
}
