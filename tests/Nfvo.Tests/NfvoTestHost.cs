using System.Collections.Concurrent;
using System.Net;
using System.Text;
using MassTransit;
using Mano.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mano.Nfvo.Tests;

/// <summary>
/// The NFVO as the Host composes it (same registrations), on TestServer, a real migrated database (SQLite or
/// PostgreSQL) and MassTransit's in-memory bus: upload -> outbox -> bus -> onboarding consumer, and the bus consumers.
/// The "X-Test-Tenant" header picks the tenant of a request (the Host's authentication does that for real).
/// Subscribers are a <see cref="CallbackRecorder"/> (the notification HttpClient's handler); packages for
/// upload_from_uri are served by a real Kestrel server on 127.0.0.1 (<see cref="PackageServer"/>).
/// </summary>
public abstract class NfvoTestHost(bool postgres) : IAsyncLifetime
{
    public const long MaxPackageBytes = 4L << 20;
    private readonly ITestDatabase<NfvoDbContext> _db = postgres ? new PostgresNfvoDatabase() : new SqliteNfvoDatabase();
    private WebApplication? _app;

    public IServiceProvider Services => _app!.Services;
    public CallbackRecorder Callbacks { get; } = new();
    public PackageServer Packages { get; } = new();
    public ITestDatabase<NfvoDbContext> Database => _db;

    public HttpClient Client(string tenant)
    {
        var client = _app!.GetTestClient();
        client.DefaultRequestHeaders.Add("X-Test-Tenant", tenant);
        return client;
    }

    public async ValueTask InitializeAsync()
    {
        await ((IAsyncLifetime)_db).InitializeAsync();
        await Packages.StartAsync();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Nfvo:MaxPackageBytes"] = MaxPackageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Nfvo:ApiRoot"] = "http://nfvo.test",
            ["Nfvo:PackageFetch:TimeoutSeconds"] = "20",
            ["Auth:DefaultTenant"] = "default",
        });
        builder.Configuration.AddInMemoryCollection(ExtraConfiguration);
        builder.Services.AddSingleton<WorkSignal>();
        builder.Services.AddSingleton<WorkSignalInterceptor>();
        builder.Services.AddScoped<TenantContext>();
        builder.Services.AddNfvo(builder.Configuration, _db.Settings);
        ConfigureServices(builder.Services);
        builder.Services.AddSingleton(new NotificationOptions { FirstRetryDelay = TimeSpan.FromMilliseconds(200), Poll = TimeSpan.FromMilliseconds(200) });
        builder.Services.AddHttpClient(NotificationDispatcher<NfvoDbContext>.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => Callbacks);
        builder.Services.AddMassTransit(x =>
        {
            x.AddNfvoConsumers();
            x.UsingInMemory((ctx, cfg) => cfg.ConfigureEndpoints(ctx));
        });
        builder.Services.AddExceptionHandler<SolExceptionHandler>();
        builder.Services.AddProblemDetails();
        _app = builder.Build();
        // Test names: "metadata.test" is a cloud metadata service, "intranet.test" a private host, "pkgs.test" this machine.
        _app.Services.GetRequiredService<PackageFetchGuard>().Resolve = (host, ct) => host switch
        {
            "metadata.test" => Task.FromResult(new[] { IPAddress.Parse("169.254.169.254") }),
            "intranet.test" => Task.FromResult(new[] { IPAddress.Parse("10.1.2.3") }),
            "mixed.test" => Task.FromResult(new[] { IPAddress.Loopback, IPAddress.Parse("fe80::1") }),
            "pkgs.test" => Task.FromResult(new[] { IPAddress.Loopback }),
            _ => Dns.GetHostAddressesAsync(host, ct),
        };
        _app.UseExceptionHandler();
        _app.Use((ctx, next) =>
        {
            if (ctx.Request.Headers["X-Test-Tenant"].FirstOrDefault() is { } t)
                ctx.RequestServices.GetRequiredService<TenantContext>().Set(t);
            return next(ctx);
        });
        _app.MapNfvoApis();
        await _app.Services.MigrateNfvoAsync(CancellationToken.None);
        await _app.StartAsync();
    }

    /// <summary>Settings a derived host adds (they override the defaults above).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraConfiguration => [];

    /// <summary>Services a derived host adds or replaces after AddNfvo (last registration wins).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await Packages.DisposeAsync();
        await ((IAsyncLifetime)_db).DisposeAsync();
    }
}

public sealed class SqliteNfvoTestHost() : NfvoTestHost(postgres: false);

public sealed class PostgresNfvoTestHost() : NfvoTestHost(postgres: true);

/// <summary>
/// A subscriber: records every request (method, URI, Authorization, body) and answers 204, or what
/// <see cref="Answer"/> says for a URI (e.g. 500 for a subscriber that is down).
/// </summary>
public sealed class CallbackRecorder : HttpMessageHandler
{
    public sealed record Received(string Method, string Uri, string? Authorization, string Body);

    private readonly ConcurrentQueue<Received> _received = new();
    public ConcurrentDictionary<string, HttpStatusCode> Answer { get; } = new();

    public IReadOnlyList<Received> For(string uriPrefix) => _received.Where(r => r.Uri.StartsWith(uriPrefix, StringComparison.Ordinal)).ToList();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct);
        var uri = request.RequestUri!.ToString();
        _received.Enqueue(new Received(request.Method.Method, uri, request.Headers.Authorization?.ToString(), body));
        var status = Answer.FirstOrDefault(a => uri.StartsWith(a.Key, StringComparison.Ordinal)).Value;
        return new HttpResponseMessage(status == 0 ? HttpStatusCode.NoContent : status);
    }

    // The client factory recycles handlers; this one is shared for the whole test class.
    protected override void Dispose(bool disposing) { }
}

/// <summary>A real HTTP server on 127.0.0.1 serving packages for upload_from_uri.</summary>
public sealed class PackageServer : IAsyncDisposable
{
    public const string User = "alice";
    public const string Password = "s3cret-Pa55";
    private readonly ConcurrentDictionary<string, byte[]> _files = new();
    private WebApplication? _app;

    public int Port { get; private set; }
    public string Base => $"http://127.0.0.1:{Port}";

    /// <summary>Serves <paramref name="content"/> at /files/{name}; names starting with "secret" need basic auth (alice).</summary>
    public string Add(string name, byte[] content)
    {
        _files[name] = content;
        return $"{Base}/files/{name}";
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapGet("/files/{name}", (string name, HttpRequest request) =>
        {
            if (name.StartsWith("secret", StringComparison.Ordinal))
            {
                var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
                if (request.Headers.Authorization.ToString() != expected) return Results.StatusCode(401);
            }
            return _files.TryGetValue(name, out var bytes) ? Results.Bytes(bytes, "application/zip") : Results.NotFound();
        });
        _app.MapGet("/redirect", (string to) => Results.Redirect(to));
        _app.MapGet("/endless", async (HttpResponse response) =>
        {
            response.ContentType = "application/zip";
            var chunk = new byte[64 * 1024];
            "PK\x03\x04"u8.CopyTo(chunk);
            for (var i = 0; i < 2 * NfvoTestHost.MaxPackageBytes / chunk.Length; i++)
                await response.Body.WriteAsync(chunk);
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
