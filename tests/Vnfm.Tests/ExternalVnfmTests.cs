using System.Text.Json.Nodes;
using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.Host;
using Mano.Nfvo;
using Mano.VimAdapters;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mano.Vnfm.Tests;

/// <summary>
/// The NFVO drives an external SOL003 VNFM over REST (RestVnfLcmClient): Mano's own VNFM on real Kestrel stands in for
/// it, behind OAuth 2.0 client credentials. The NFVO (its VnfLcmClients, subscriber and notification endpoint, on its own Kestrel and its own in-memory bus)
/// subscribes at start-up, and republishes the VNFM's notifications as VnfLcmOperationOccurrenceChanged on its bus.
/// </summary>
public sealed class ExternalVnfmTests(SqliteVnfmDatabase db) : IClassFixture<SqliteVnfmDatabase>, IAsyncLifetime
{
    private const string Tenant = VnfmHttpHost.Tenant;
    private const string ExternalVnfmId = "ext-1";
    private const string ExternalVimId = "vim-of-ext-1";
    private const string ClientId = "mano-nfvo";
    private const string ClientSecret = "s3cret-of-the-nfvo";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private VnfmHttpHost? _vnfm;
    private WebApplication? _nfvo;
    private string _nfvoUrl = "";
    private readonly VnfmHttpHost.EventLog _nfvoEvents = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private VnfmHttpHost Vnfm => _vnfm ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        _vnfm = await VnfmHttpHost.StartAsync(db, (ClientId, ClientSecret));
        _nfvoUrl = $"http://127.0.0.1:{VnfmHttpHost.FreePort()}";
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(_nfvoUrl);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:DefaultTenant"] = Tenant,
            ["Nfvo:ExternalVnfms:0:Id"] = ExternalVnfmId,
            ["Nfvo:ExternalVnfms:0:BaseUrl"] = _vnfm.BaseUrl,
            ["Nfvo:ExternalVnfms:0:VimIds:0"] = ExternalVimId,
            ["Nfvo:ExternalVnfms:0:TenantId"] = Tenant,
            ["Nfvo:ExternalVnfms:0:Auth"] = "OAuth2",
            ["Nfvo:ExternalVnfms:0:TokenUrl"] = $"{_vnfm.BaseUrl}/token",
            ["Nfvo:ExternalVnfms:0:ClientId"] = ClientId,
            ["Nfvo:ExternalVnfms:0:ClientSecret"] = ClientSecret,
            // The same VNFM with wrong credentials: its requests fail with 503, naming no secret.
            ["Nfvo:ExternalVnfms:1:Id"] = "ext-wrong-secret",
            ["Nfvo:ExternalVnfms:1:BaseUrl"] = _vnfm.BaseUrl,
            ["Nfvo:ExternalVnfms:1:VimIds:0"] = "vim-of-ext-wrong",
            ["Nfvo:ExternalVnfms:1:Auth"] = "OAuth2",
            ["Nfvo:ExternalVnfms:1:TokenUrl"] = $"{_vnfm.BaseUrl}/token",
            ["Nfvo:ExternalVnfms:1:ClientId"] = ClientId,
            ["Nfvo:ExternalVnfms:1:ClientSecret"] = "not-the-secret",
        });
        var services = builder.Services;
        services.AddScoped<TenantContext>();
        services.AddManoApi(builder.Configuration);
        // What AddNfvo registers for this feature (the rest of the NFVO is not involved).
        services.AddSingleton(new NfvoOptions { ApiRoot = _nfvoUrl });
        services.AddVnfLcmClients(builder.Configuration);
        services.AddMassTransit(x =>
        {
            x.AddRequestClient<VnfLcmRequest>();
            x.AddHandler<VnfLcmOperationOccurrenceChanged>(ctx =>
            {
                _nfvoEvents.Add(ctx.Message);
                return Task.CompletedTask;
            }).Endpoint(e => e.ConcurrentMessageLimit = 1);
            x.UsingInMemory((ctx, cfg) => cfg.ConfigureEndpoints(ctx));
        });
        _nfvo = builder.Build();
        _nfvo.UseManoPipeline();
        _nfvo.MapVnfLcmNotificationsApi();
        await _nfvo.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_nfvo is not null)
        {
            await _nfvo.StopAsync(CancellationToken.None);
            await _nfvo.DisposeAsync();
        }
        if (_vnfm is not null) await _vnfm.DisposeAsync();
    }

    [Fact]
    public async Task The_NFVO_drives_an_external_VNFM_over_REST_and_republishes_its_notifications()
    {
        // Subscribed at start-up: the VNFM holds one subscription whose callback is the NFVO's endpoint for this VNFM.
        var callback = $"{_nfvoUrl}/nfvo/v1/vnf_lcm_notifications/{ExternalVnfmId}";
        var subscriptionId = await WaitForSubscriptionAsync(callback);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await _http.GetAsync(callback, Ct)).StatusCode); // the callback test
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await _http.GetAsync($"{_nfvoUrl}/nfvo/v1/vnf_lcm_notifications/unknown", Ct)).StatusCode);

        await using var scope = _nfvo!.Services.CreateAsyncScope();
        var clients = scope.ServiceProvider.GetRequiredService<VnfLcmClients>();
        Assert.IsType<BusVnfLcmClient>(clients.For(null));
        Assert.IsType<BusVnfLcmClient>(clients.For("some-other-vim"));
        var client = Assert.IsType<RestVnfLcmClient>(clients.For(ExternalVimId));

        // Errors pass through as the VNFM answered them: 422 unknown vnfdId (the same problem as over Mano's bus).
        const string unknown = """{"vnfdId":"no-such-vnfd"}""";
        var refused = await client.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Create, null, null, unknown), Ct);
        var refusedOnBus = await Vnfm.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Create, null, null, unknown));
        Assert.Equal(422, refused.StatusCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(refusedOnBus.Body!), JsonNode.Parse(refused.Body!)), refused.Body);
        Assert.Equal(403, (await client.SendAsync(new VnfLcmRequest("other-tenant", VnfLcmOperations.Read, "x", null, null), Ct)).StatusCode);

        var created = await client.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Create, null, null, $$"""{"vnfdId":"{{Helloworld.VnfdId}}"}"""), Ct);
        Assert.Equal(201, created.StatusCode);
        var id = JsonNode.Parse(created.Body!)!["id"]!.GetValue<string>();
        var read = await client.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Read, id, null, null), Ct);
        Assert.Equal(200, read.StatusCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse((await Vnfm.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Read, id, null, null))).Body!), JsonNode.Parse(read.Body!)));

        var ext = await Vnfm.Cloud.CreateNetworkAsync(Tenant, new SandboxNetworkSpec("public"), Ct);
        await Vnfm.Cloud.CreateSubnetAsync(Tenant, new SandboxSubnetSpec("public-v4", ext.ResourceId, "192.168.7.0/24"), Ct);
        var instantiate = SolJson.Serialize(new InstantiateVnfRequest
        {
            FlavourId = Helloworld.FlavourId,
            ExtVirtualLinks = [new ExtVirtualLinkData { Id = "ext-1", ResourceId = ext.ResourceId, ExtCps = [new VnfExtCpData { CpdId = "CP1" }] }],
        });
        var accepted = await client.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Instantiate, id, null, instantiate), Ct);
        Assert.Equal(202, accepted.StatusCode);
        Assert.NotNull(accepted.VnfLcmOpOccId); // from the Location header
        Assert.Equal(409, (await client.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Instantiate, id, null, instantiate), Ct)).StatusCode);

        // The VNFM's notifications reach the NFVO's bus as VnfLcmOperationOccurrenceChanged, in order, for its tenant.
        var events = await _nfvoEvents.WaitAsync(id, e => e.Any(x => x.Notification?.OperationState == LcmOperationState.Completed));
        Assert.Equal(["CREATED", "INSTANTIATE:STARTING", "INSTANTIATE:PROCESSING", "INSTANTIATE:COMPLETED"],
            events.Select(e => e.VnfIdentifierEvent ?? $"{e.Notification!.Operation}:{e.Notification.OperationState}").ToArray());
        Assert.All(events, e => Assert.Equal(Tenant, e.TenantId));
        Assert.All(events.Where(e => e.Notification is not null), e =>
        {
            Assert.Equal(subscriptionId, e.Notification!.SubscriptionId); // it came through the subscription
            Assert.Equal(accepted.VnfLcmOpOccId, e.Notification.VnfLcmOpOccId);
        });
        var op = await client.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.ReadOpOcc, null, accepted.VnfLcmOpOccId, null), Ct);
        Assert.Equal("COMPLETED", JsonNode.Parse(op.Body!)!["operationState"]!.GetValue<string>());

        // OAuth 2.0: the NFVO fetched a token (cached across requests); wrong client credentials are a 503 that names no secret.
        Assert.Equal(1, Vnfm.TokensIssued);
        var wrong = await clients.For("vim-of-ext-wrong").SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Read, id, null, null), Ct);
        Assert.Equal(503, wrong.StatusCode);
        Assert.Contains("refused the client credentials", wrong.Body);
        Assert.DoesNotContain("not-the-secret", wrong.Body);

        // PATCH carries If-Match: a stale one is 412.
        Assert.Equal(412, (await client.SendAsync(new VnfLcmRequest(Tenant, VnfLcmOperations.Modify, id, null, """{"vnfInstanceName":"x"}""", "\"stale\""), Ct)).StatusCode);
    }

    /// <summary>The VNFM's subscriptions with this callback, read in its database (its API now wants a token).</summary>
    private async Task<string> WaitForSubscriptionAsync(string callback)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await using (var context = db.NewContext(Tenant))
            {
                var mine = await context.Subscriptions.AsNoTracking().Where(s => s.CallbackUri == callback).Select(s => s.Id).ToListAsync(Ct);
                Assert.True(mine.Count <= 1, "the NFVO subscribed more than once");
                if (mine.Count == 1) return mine[0];
            }
            Assert.True(DateTime.UtcNow < deadline, "the NFVO did not subscribe to the external VNFM within 20 s");
            await Task.Delay(100, Ct);
        }
    }
}
