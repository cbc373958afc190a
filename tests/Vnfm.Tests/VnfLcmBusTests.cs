using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.VimAdapters;

namespace Mano.Vnfm.Tests;

/// <summary>
/// SOL003 VNF LCM over the bus (VnfLcmRequest -> VnfLcmRequestConsumer) against the REST API of the same real web host:
/// the same requests give the same status codes and bodies, errors included, and every change reaches the bus as
/// VnfLcmOperationOccurrenceChanged, in order.
/// </summary>
public sealed class VnfLcmBusTests(SqliteVnfmDatabase db) : IClassFixture<SqliteVnfmDatabase>, IAsyncLifetime
{
    private const string Tenant = VnfmHttpHost.Tenant;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private VnfmHttpHost? _host;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private VnfmHttpHost Host => _host ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync() => _host = await VnfmHttpHost.StartAsync(db);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_host is not null) await _host.DisposeAsync();
    }

    [Fact]
    public async Task Bus_requests_answer_exactly_as_the_REST_API_errors_included()
    {
        var ext = await Host.Cloud.CreateNetworkAsync(Tenant, new SandboxNetworkSpec("public"), Ct);
        await Host.Cloud.CreateSubnetAsync(Tenant, new SandboxSubnetSpec("public-v4", ext.ResourceId, "192.168.7.0/24"), Ct);
        var instantiate = SolJson.Serialize(new InstantiateVnfRequest
        {
            FlavourId = Helloworld.FlavourId,
            ExtVirtualLinks = [new ExtVirtualLinkData { Id = "ext-1", ResourceId = ext.ResourceId, ExtCps = [new VnfExtCpData { CpdId = "CP1" }] }],
        });

        // 422: a vnfdId the NFVO does not know; 400: no vnfdId; 400: malformed JSON. Same bodies (ProblemDetails).
        foreach (var body in new[] { """{"vnfdId":"no-such-vnfd"}""", "{}", "{" })
        {
            var rest = await RestAsync(HttpMethod.Post, "/vnf_instances", body);
            var bus = await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Create, null, null, body));
            AssertSame(rest, bus);
        }
        Assert.Equal(422, (await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Create, null, null, """{"vnfdId":"no-such-vnfd"}"""))).StatusCode);

        // 201: one instance each way; the bodies differ only by the instance id.
        var create = new JsonObject { ["vnfdId"] = Helloworld.VnfdId, ["vnfInstanceName"] = "hello", ["metadata"] = new JsonObject { ["k"] = "v" } }.ToJsonString();
        var restCreated = await RestAsync(HttpMethod.Post, "/vnf_instances", create);
        var busCreated = await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Create, null, null, create));
        Assert.Equal(201, restCreated.Status);
        var a = Id(restCreated.Body);
        var b = Id(busCreated.Body);
        AssertSame(restCreated, busCreated, (b, a));
        Assert.Null(busCreated.VnfLcmOpOccId);

        // read: the same resource read both ways is the same JSON; an unknown id is the same 404; another tenant sees nothing.
        AssertSame(await RestAsync(HttpMethod.Get, $"/vnf_instances/{a}", null), await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Read, a, null, null)));
        AssertSame(await RestAsync(HttpMethod.Get, "/vnf_instances/nope", null), await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Read, "nope", null, null)));
        Assert.Equal(404, (await Host.SendAsync(new VnfLcmRequest("other-tenant", VnfLcmOperations.Read, a, null, null))).StatusCode);

        // query (SOL003 5.4.2.3.2 with a SOL013 filter): the same list both ways; what the NFVO uses to find a VNF instance
        // it may have created before a crash (by its metadata).
        var byMetadata = "filter=(eq,metadata/k,v)";
        var restList = await RestAsync(HttpMethod.Get, $"/vnf_instances?{byMetadata}", null);
        var busList = await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Query, null, null, null, Query: byMetadata));
        AssertSame(restList, busList);
        Assert.Equal(new HashSet<string> { a, b }, JsonNode.Parse(busList.Body!)!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ToHashSet());
        Assert.Empty(JsonNode.Parse((await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Query, null, null, null, Query: "filter=(eq,metadata/k,other)"))).Body!)!.AsArray());

        // 415: a body that is not JSON is refused alike (no content type over the bus when the body is absent).
        AssertSame(await RestAsync(HttpMethod.Post, $"/vnf_instances/{a}/instantiate", null),
            await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Instantiate, b, null, null)), (b, a));

        // 202: instantiate both; the bus answer names the op occ that REST names in Location.
        var restInstantiated = await RestAsync(HttpMethod.Post, $"/vnf_instances/{a}/instantiate", instantiate);
        var busInstantiated = await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Instantiate, b, null, instantiate));
        Assert.Equal(202, restInstantiated.Status);
        Assert.Equal(202, busInstantiated.StatusCode);
        Assert.Null(busInstantiated.Body);
        var opA = VnfLcmRoutes.OpOccIdOf(restInstantiated.Location)!;
        var opB = busInstantiated.VnfLcmOpOccId!;
        Assert.NotNull(opB);

        // 409: instantiate again. Each op may be in progress or done by now (two different 409 details), so only the
        // status and title are compared here; the details are compared below once both are COMPLETED.
        var restAgain = await RestAsync(HttpMethod.Post, $"/vnf_instances/{a}/instantiate", instantiate);
        var busAgain = await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Instantiate, b, null, instantiate));
        Assert.Equal((409, 409), (restAgain.Status, busAgain.StatusCode));
        Assert.Equal("Conflict", JsonNode.Parse(busAgain.Body!)!["title"]!.GetValue<string>());

        await WaitCompletedAsync(opA);
        await WaitCompletedAsync(opB);
        AssertSame(await RestAsync(HttpMethod.Get, $"/vnf_lcm_op_occs/{opB}", null), await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.ReadOpOcc, null, opB, null)));
        AssertSame(await RestAsync(HttpMethod.Get, $"/vnf_instances/{b}", null), await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Read, b, null, null)));
        var instanceB = JsonNode.Parse((await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Read, b, null, null))).Body!)!;
        Assert.Equal("INSTANTIATED", instanceB["instantiationState"]!.GetValue<string>());

        // 409 now that it is INSTANTIATED; 409 for retry of a COMPLETED op; 404 for an unknown op occ.
        AssertSame(await RestAsync(HttpMethod.Post, $"/vnf_instances/{a}/instantiate", instantiate),
            await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Instantiate, b, null, instantiate)), (b, a));
        AssertSame(await RestAsync(HttpMethod.Post, $"/vnf_lcm_op_occs/{opA}/retry", null),
            await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Retry, null, opB, null)), (opB, opA));
        AssertSame(await RestAsync(HttpMethod.Get, "/vnf_lcm_op_occs/nope", null), await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.ReadOpOcc, null, "nope", null)));

        // 412 / 202: PATCH with a stale If-Match, then with the current ETag.
        const string patch = """{"vnfInstanceName":"renamed"}""";
        AssertSame(await RestAsync(HttpMethod.Patch, $"/vnf_instances/{a}", patch, "\"stale\""),
            await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Modify, b, null, patch, "\"stale\"")), (b, a));
        var etagB = (await RestAsync(HttpMethod.Get, $"/vnf_instances/{b}", null)).ETag;
        var modified = await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Modify, b, null, patch, etagB));
        Assert.Equal(202, modified.StatusCode);
        await WaitCompletedAsync(modified.VnfLcmOpOccId!);

        // delete of an INSTANTIATED instance: 409 alike; terminate (202), then delete (204, no body); delete again 404.
        AssertSame(await RestAsync(HttpMethod.Delete, $"/vnf_instances/{a}", null), await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Delete, b, null, null)), (b, a));
        const string terminate = """{"terminationType":"FORCEFUL"}""";
        var restTerminated = await RestAsync(HttpMethod.Post, $"/vnf_instances/{a}/terminate", terminate);
        var busTerminated = await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Terminate, b, null, terminate));
        Assert.Equal((202, 202), (restTerminated.Status, busTerminated.StatusCode));
        await WaitCompletedAsync(VnfLcmRoutes.OpOccIdOf(restTerminated.Location)!);
        await WaitCompletedAsync(busTerminated.VnfLcmOpOccId!);
        var restDeleted = await RestAsync(HttpMethod.Delete, $"/vnf_instances/{a}", null);
        var busDeleted = await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Delete, b, null, null));
        Assert.Equal(204, busDeleted.StatusCode);
        AssertSame(restDeleted, busDeleted);
        AssertSame(await RestAsync(HttpMethod.Delete, $"/vnf_instances/{a}", null), await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Delete, b, null, null)), (b, a));

        // Requests the REST API cannot express: an unknown operation and a missing id are 400 ProblemDetails.
        var unknown = await Host.SendAsync(new VnfLcmRequest(Tenant, "explode", null, null, null));
        Assert.Equal(400, unknown.StatusCode);
        Assert.Contains("explode", JsonNode.Parse(unknown.Body!)!["detail"]!.GetValue<string>());
        var missing = await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Terminate, null, null, terminate));
        Assert.Equal(400, missing.StatusCode);
        Assert.Contains("vnfInstanceId", JsonNode.Parse(missing.Body!)!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_change_of_a_bus_driven_instance_reaches_the_bus_in_order()
    {
        var ext = await Host.Cloud.CreateNetworkAsync(Tenant, new SandboxNetworkSpec("public"), Ct);
        await Host.Cloud.CreateSubnetAsync(Tenant, new SandboxSubnetSpec("public-v4", ext.ResourceId, "192.168.7.0/24"), Ct);
        var created = await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Create, null, null, $$"""{"vnfdId":"{{Helloworld.VnfdId}}"}"""));
        var id = Id(created.Body);
        var instantiated = await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Instantiate, id, null, SolJson.Serialize(new InstantiateVnfRequest
        {
            FlavourId = Helloworld.FlavourId,
            ExtVirtualLinks = [new ExtVirtualLinkData { Id = "ext-1", ResourceId = ext.ResourceId, ExtCps = [new VnfExtCpData { CpdId = "CP1" }] }],
        })));
        Assert.Equal(202, instantiated.StatusCode);

        var events = await Host.Events.WaitAsync(id, e => e.Any(x => x.Notification?.OperationState == LcmOperationState.Completed));
        // CREATED, then the instantiate op occ STARTING and PROCESSING (START), COMPLETED (RESULT), nothing else.
        Assert.Equal(["CREATED", "INSTANTIATE:STARTING:START", "INSTANTIATE:PROCESSING:START", "INSTANTIATE:COMPLETED:RESULT"],
            events.Select(Describe).ToArray());
        Assert.All(events, e => Assert.Equal(Tenant, e.TenantId));
        var completed = events[^1].Notification!;
        Assert.Equal(instantiated.VnfLcmOpOccId, completed.VnfLcmOpOccId);
        Assert.Equal("FULL", completed.Verbosity);
        Assert.NotEmpty(completed.AffectedVnfcs!); // FULL: the resource changes travel with the event
        Assert.Equal($"{Host.BaseUrl}/vnflcm/v2/vnf_lcm_op_occs/{completed.VnfLcmOpOccId}", completed.Links.VnfLcmOpOcc!.Href);
        // The event is the op occ as the API shows it.
        var op = JsonNode.Parse((await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.ReadOpOcc, null, completed.VnfLcmOpOccId, null))).Body!)!;
        Assert.Equal(op["operationState"]!.GetValue<string>(), completed.OperationState);
        Assert.Equal(op["resourceChanges"]!["affectedVnfcs"]!.AsArray().Count, completed.AffectedVnfcs!.Count);

        var terminated = await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Terminate, id, null, """{"terminationType":"FORCEFUL"}"""));
        await Host.Events.WaitAsync(id, e => e.Count(x => x.Notification?.OperationState == LcmOperationState.Completed) == 2);
        Assert.Equal(204, (await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Delete, id, null, null))).StatusCode);
        events = await Host.Events.WaitAsync(id, e => e.Any(x => x.VnfIdentifierEvent == "DELETED"));
        Assert.Equal(["CREATED", "INSTANTIATE:STARTING:START", "INSTANTIATE:PROCESSING:START", "INSTANTIATE:COMPLETED:RESULT",
            "TERMINATE:STARTING:START", "TERMINATE:PROCESSING:START", "TERMINATE:COMPLETED:RESULT", "DELETED"], events.Select(Describe).ToArray());
        Assert.Equal(terminated.VnfLcmOpOccId, events[^2].Notification!.VnfLcmOpOccId);
    }

    private static string Describe(VnfLcmOperationOccurrenceChanged e) =>
        e.VnfIdentifierEvent ?? $"{e.Notification!.Operation}:{e.Notification.OperationState}:{e.Notification.NotificationStatus}";

    private async Task WaitCompletedAsync(string opOccId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var op = await Host.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.ReadOpOcc, null, opOccId, null));
            Assert.Equal(200, op.StatusCode);
            var state = JsonNode.Parse(op.Body!)!["operationState"]!.GetValue<string>();
            if (state == LcmOperationState.Completed) return;
            Assert.True(state is LcmOperationState.Starting or LcmOperationState.Processing, $"op occ {opOccId} is {state}: {op.Body}");
            Assert.True(DateTime.UtcNow < deadline, $"op occ {opOccId} still {state} after 30 s");
            await Task.Delay(100, Ct);
        }
    }

    private sealed record RestAnswer(int Status, string? Body, string? Location, string? ETag);

    private async Task<RestAnswer> RestAsync(HttpMethod method, string path, string? body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, $"{Host.BaseUrl}/vnflcm/v2{path}");
        request.Headers.Add("Version", Contracts.VnfLcmApi.Version);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, method == HttpMethod.Patch ? "application/merge-patch+json" : "application/json");
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        using var response = await _http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return new RestAnswer((int)response.StatusCode, text.Length == 0 ? null : text, response.Headers.Location?.ToString(), response.Headers.ETag?.ToString());
    }

    /// <summary>Same status and same JSON body (after replacing the bus side's ids by the REST side's).</summary>
    private static void AssertSame(RestAnswer rest, VnfLcmResponse bus, params (string BusId, string RestId)[] ids)
    {
        var busBody = bus.Body;
        foreach (var (from, to) in ids) busBody = busBody?.Replace(from, to, StringComparison.Ordinal);
        Assert.Equal(rest.Status, bus.StatusCode);
        if (rest.Body is null) Assert.Null(busBody);
        else Assert.True(JsonNode.DeepEquals(JsonNode.Parse(rest.Body), JsonNode.Parse(busBody!)), $"REST: {rest.Body}\nbus:  {busBody}");
    }

    private static string Id(string? body) => JsonNode.Parse(body!)!["id"]!.GetValue<string>();
}
