using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;
using System.Net.Sockets;
using MassTransit;
using Mano.Common;
using Mano.Contracts.Messages;
using Mano.Host;
using Mano.VimAdapters;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mano.Vnfm.Tests;

/// <summary>
/// Mano's VNFM as a real web host on 127.0.0.1 (Kestrel): the Host's own API composition and pipeline
/// (HostRegistration.AddManoApi / UseManoPipeline: SOL013 problems, the anonymous "default" tenant), AddVnfm with its
/// background dispatchers, the VNF LCM REST API, and the real MassTransit in-memory transport carrying the VNFM's
/// consumers (ExecuteVnfLcmOperation, VnfLcmRequest). The NFVO's package query and grants are answered by
/// <see cref="NfvoStub"/> on the same bus; every <see cref="VnfLcmOperationOccurrenceChanged"/> is recorded.
/// </summary>
public sealed class VnfmHttpHost : IAsyncDisposable
{
    public const string Tenant = "default";

    private readonly WebApplication _app;

    private VnfmHttpHost(WebApplication app, string baseUrl, SandboxCloud cloud, EventLog events)
    {
        _app = app;
        BaseUrl = baseUrl;
        Cloud = cloud;
        Events = events;
    }

    public string BaseUrl { get; }
    public SandboxCloud Cloud { get; }
    public EventLog Events { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>Bearer tokens issued by the /token endpoint (when started with OAuth 2.0 protection).</summary>
    public int TokensIssued => _tokens.Count;

    private readonly ConcurrentDictionary<string, bool> _tokens = new();

    /// <param name="oauth2">
    /// When set, /vnflcm/v2 requires a Bearer token that this host's own token endpoint (POST /token, RFC 6749 4.4 client
    /// credentials in HTTP Basic) issues to these credentials: an external VNFM protected by OAuth 2.0 (SOL013 8.3.3).
    /// </param>
    public static async Task<VnfmHttpHost> StartAsync(ITestDatabase<VnfmDbContext> db, (string ClientId, string Secret)? oauth2 = null)
    {
        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        var cloud = new SandboxCloud(new SandboxCloudOptions { Zones = ["az-1", VnfmWorld.GrantedZone] });
        var nfvo = new NfvoStub();
        var events = new EventLog();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(baseUrl);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mano:PublicUrl"] = baseUrl, // the links of bus answers: the same API root as the REST answers
            ["Auth:DefaultTenant"] = Tenant,
        });
        var services = builder.Services;
        services.AddScoped<TenantContext>();
        services.AddSingleton<WorkSignal>();
        services.AddSingleton<WorkSignalInterceptor>();
        services.AddManoApi(builder.Configuration);
        services.AddVnfm(builder.Configuration, db.Settings);
        services.AddSingleton(cloud);
        services.AddSingleton<IVimDriver>(sp => new SandboxVimDriver(sp.GetRequiredService<SandboxCloud>()));
        services.AddMassTransit(x =>
        {
            x.AddVnfmConsumers();
            x.AddRequestClient<VnfLcmRequest>();
            x.AddHandler<GetOnboardedVnfPackage>(ctx => ctx.RespondAsync(nfvo.Package(ctx.Message)));
            x.AddHandler<RequestGrant>(ctx => ctx.RespondAsync(nfvo.Grant(ctx.Message)));
            // One at a time, so that the log's order is the bus's delivery order.
            x.AddHandler<VnfLcmOperationOccurrenceChanged>(ctx =>
            {
                events.Add(ctx.Message);
                return Task.CompletedTask;
            }).Endpoint(e => e.ConcurrentMessageLimit = 1);
            x.UsingInMemory((ctx, cfg) => cfg.ConfigureEndpoints(ctx));
        });
        var app = builder.Build();
        var host = new VnfmHttpHost(app, baseUrl, cloud, events);
        if (oauth2 is { } credentials) host.RequireBearer(credentials.ClientId, credentials.Secret);
        app.UseManoPipeline();
        app.MapVnfLcmApiV2();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    private void RequireBearer(string clientId, string secret)
    {
        _app.Use(async (http, next) =>
        {
            var authorization = http.Request.Headers.Authorization.ToString();
            if (http.Request.Path == "/token" && http.Request.Method == "POST")
            {
                var expected = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{WebUtility.UrlEncode(clientId)}:{WebUtility.UrlEncode(secret)}"));
                if (authorization != expected)
                {
                    http.Response.StatusCode = 401;
                    await http.Response.WriteAsJsonAsync(new { error = "invalid_client" });
                    return;
                }
                var token = Guid.NewGuid().ToString("N");
                _tokens[token] = true;
                await http.Response.WriteAsJsonAsync(new { access_token = token, token_type = "bearer", expires_in = 3600 });
                return;
            }
            if (http.Request.Path.StartsWithSegments("/vnflcm/v2")
                && !(authorization.StartsWith("Bearer ", StringComparison.Ordinal) && _tokens.ContainsKey(authorization[7..])))
            {
                http.Response.StatusCode = 401;
                return;
            }
            await next(http);
        });
    }

    /// <summary>Sends a request over the bus as the NFVO does (MassTransit request/response).</summary>
    public async Task<VnfLcmResponse> SendAsync(VnfLcmRequest request)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<VnfLcmRequest>>();
        var response = await client.GetResponse<VnfLcmResponse>(request, TestContext.Current.CancellationToken, RequestTimeout.After(s: 30));
        return response.Message;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The VnfLcmOperationOccurrenceChanged events received, in order of arrival.</summary>
    public sealed class EventLog
    {
        private readonly ConcurrentQueue<VnfLcmOperationOccurrenceChanged> _events = new();

        public void Add(VnfLcmOperationOccurrenceChanged e) => _events.Enqueue(e);

        public IReadOnlyList<VnfLcmOperationOccurrenceChanged> For(string vnfInstanceId) =>
            _events.Where(e => e.VnfInstanceId == vnfInstanceId).ToList();

        /// <summary>Waits until the events of the instance satisfy <paramref name="done"/> (20 s at most).</summary>
        public async Task<IReadOnlyList<VnfLcmOperationOccurrenceChanged>> WaitAsync(string vnfInstanceId,
            Func<IReadOnlyList<VnfLcmOperationOccurrenceChanged>, bool> done)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (true)
            {
                var events = For(vnfInstanceId);
                if (done(events)) return events;
                if (DateTime.UtcNow > deadline)
                    Assert.Fail($"Events of {vnfInstanceId} so far: {string.Join(", ", events.Select(e => e.VnfIdentifierEvent ?? $"{e.Notification?.Operation}:{e.Notification?.OperationState}"))}");
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }
    }
}
