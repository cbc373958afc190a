using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Mano.Common;
using Mano.Contracts;
using Mano.Vnfm;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mano.Common.Tests;

/// <summary>
/// A subscriber protected by OAuth 2.0 (a real token endpoint and callback on 127.0.0.1): it accepts only Bearer tokens
/// its own token endpoint issued and has not revoked, and issues them only for the client credentials grant with
/// client_secret_basic.
/// </summary>
public sealed class OAuthSubscriber : IAsyncDisposable
{
    public const string ClientPassword = "s3cr&t é:pw";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, bool> _valid = new();
    private int _issued;

    private OAuthSubscriber(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";
    public string CallbackUri => $"{Url}/callback";
    public string TokenEndpoint => $"{Url}/token";
    public int TokensIssued => _issued;
    public ConcurrentQueue<string> AuthorizationsSeen { get; } = new();
    public ConcurrentQueue<string> Notifications { get; } = new();

    public void RevokeAll() => _valid.Clear();

    public static async Task<OAuthSubscriber> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var s = new OAuthSubscriber(app);
        app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var auth = request.Headers.Authorization.ToString();
            if (!auth.StartsWith("Basic ", StringComparison.Ordinal)) return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(auth[6..])).Split(':');
            var id = Uri.UnescapeDataString(pair[0].Replace('+', ' '));
            var secret = Uri.UnescapeDataString(pair[1].Replace('+', ' '));
            if (form["grant_type"] != "client_credentials") return Results.Json(new { error = "unsupported_grant_type" }, statusCode: 400);
            if (!id.StartsWith("mano-", StringComparison.Ordinal) || secret != ClientPassword)
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            var token = $"tok-{Interlocked.Increment(ref s._issued)}-{Guid.NewGuid():N}";
            s._valid[token] = true;
            return Results.Json(new { access_token = token, token_type = "bearer", expires_in = 3600 });
        });
        bool Authorized(HttpRequest r)
        {
            var auth = r.Headers.Authorization.ToString();
            s.AuthorizationsSeen.Enqueue(auth);
            return auth.StartsWith("Bearer ", StringComparison.Ordinal) && s._valid.ContainsKey(auth[7..]);
        }
        app.MapGet("/callback", (HttpRequest r) => Authorized(r) ? Results.NoContent() : Results.StatusCode(401));
        app.MapPost("/callback", async (HttpRequest r) =>
        {
            if (!Authorized(r)) return Results.StatusCode(401);
            s.Notifications.Enqueue(await new StreamReader(r.Body).ReadToEndAsync());
            return Results.NoContent();
        });
        await app.StartAsync();
        s.Url = app.Urls.First();
        return s;
    }

    public string Authentication(string clientId, string password = ClientPassword, string? tokenEndpoint = null) =>
        SolJson.Serialize(new SubscriptionAuthentication
        {
            AuthType = [SubscriberAuth.OAuth2ClientCredentials],
            ParamsOauth2ClientCredentials = new SubscriptionParamsOauth2ClientCredentials(clientId, password, tokenEndpoint ?? TokenEndpoint),
        });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed class SubscriberOAuth2Tests(SqliteVnfmDatabase vnfm) : IClassFixture<SqliteVnfmDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static string NewClient() => "mano-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task The_callback_test_carries_a_token_from_the_token_endpoint_which_is_cached()
    {
        await using var sub = await OAuthSubscriber.StartAsync();
        using var http = new HttpClient();
        var auth = sub.Authentication(NewClient());
        await SubscriberAuth.TestCallbackAsync(http, sub.CallbackUri, auth, Ct);
        await SubscriberAuth.TestCallbackAsync(http, sub.CallbackUri, auth, Ct);
        Assert.Equal(1, sub.TokensIssued);
        Assert.All(sub.AuthorizationsSeen, a => Assert.StartsWith("Bearer tok-1-", a));
    }

    [Fact]
    public async Task A_rejected_token_is_refreshed_once()
    {
        await using var sub = await OAuthSubscriber.StartAsync();
        using var http = new HttpClient();
        var auth = sub.Authentication(NewClient());
        await SubscriberAuth.TestCallbackAsync(http, sub.CallbackUri, auth, Ct);
        sub.RevokeAll();
        using var response = await SubscriberAuth.SendAsync(http, () => new HttpRequestMessage(HttpMethod.Post, sub.CallbackUri)
            { Content = new StringContent("{}", Encoding.UTF8, "application/json") }, auth, Ct);
        Assert.Equal(204, (int)response.StatusCode);
        Assert.Equal(2, sub.TokensIssued);
    }

    [Fact]
    public async Task Refused_credentials_fail_the_callback_test_with_422_and_no_secret_in_the_message()
    {
        await using var sub = await OAuthSubscriber.StartAsync();
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<UnprocessableProblem>(() =>
            SubscriberAuth.TestCallbackAsync(http, sub.CallbackUri, sub.Authentication(NewClient(), password: "wrong-pw"), Ct));
        Assert.Contains("refused the client credentials grant", e.Message);
        Assert.Contains("HTTP 401 (invalid_client)", e.Message);
        Assert.DoesNotContain("wrong-pw", e.Message);

        var unreachable = await Assert.ThrowsAsync<UnprocessableProblem>(() =>
            SubscriberAuth.TestCallbackAsync(http, sub.CallbackUri, sub.Authentication(NewClient(), tokenEndpoint: $"http://127.0.0.1:{FreePort()}/token"), Ct));
        Assert.Contains("could not be reached", unreachable.Message);
    }

    [Fact]
    public void Subscription_requests_are_validated()
    {
        SubscriberAuth.Validate(new SubscriptionAuthentication
        {
            AuthType = ["OAUTH2_CLIENT_CREDENTIALS"],
            ParamsOauth2ClientCredentials = new("c", "p", "https://idp.example/token"),
        });
        Assert.Contains("paramsOauth2ClientCredentials is required", Assert.Throws<BadRequestProblem>(() =>
            SubscriberAuth.Validate(new SubscriptionAuthentication { AuthType = ["OAUTH2_CLIENT_CREDENTIALS"] })).Message);
        Assert.Contains("tokenEndpoint must be an absolute", Assert.Throws<BadRequestProblem>(() =>
            SubscriberAuth.Validate(new SubscriptionAuthentication { AuthType = ["OAUTH2_CLIENT_CREDENTIALS"], ParamsOauth2ClientCredentials = new("c", "p", "/token") })).Message);
        Assert.Contains("clientPassword is required", Assert.Throws<BadRequestProblem>(() =>
            SubscriberAuth.Validate(new SubscriptionAuthentication { AuthType = ["OAUTH2_CLIENT_CREDENTIALS"], ParamsOauth2ClientCredentials = new("c", null, "http://x/t") })).Message);
        Assert.Equal(501, Assert.Throws<NotImplementedProblem>(() =>
            SubscriberAuth.Validate(new SubscriptionAuthentication { AuthType = ["TLS_CERT"] })).Status);
    }

    [Fact]
    public async Task The_dispatcher_sends_every_notification_with_a_Bearer_token_and_logs_no_secret()
    {
        await using var sub = await OAuthSubscriber.StartAsync();
        var client = NewClient();
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace))
            .AddSingleton<WorkSignal>()
            .AddSingleton(new NotificationOptions { Poll = TimeSpan.FromMilliseconds(50), FirstRetryDelay = TimeSpan.FromMilliseconds(50) })
            .AddScoped(_ => vnfm.NewContext("tenant-oauth"));
        services.AddHttpClient(NotificationDispatcher<VnfmDbContext>.HttpClientName);
        services.AddSingleton<NotificationDispatcher<VnfmDbContext>>();
        await using var provider = services.BuildServiceProvider();

        var subscriptionId = "sub-" + Guid.NewGuid().ToString("N");
        await using (var db = vnfm.NewContext("tenant-oauth"))
        {
            for (var i = 0; i < 3; i++)
                db.NotificationDeliveries.Add(new NotificationDelivery
                {
                    TenantId = "tenant-oauth", SubscriptionId = subscriptionId, CallbackUri = sub.CallbackUri,
                    Authentication = sub.Authentication(client), NotificationType = "VnfLcmOperationOccurrenceNotification",
                    Payload = JsonSerializer.Serialize(new { n = i }), CreatedAt = DateTime.UtcNow, NextAttemptAt = DateTime.UtcNow,
                });
            await db.SaveChangesAsync(Ct);
        }
        var dispatcher = provider.GetRequiredService<NotificationDispatcher<VnfmDbContext>>();
        await dispatcher.StartAsync(Ct);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (sub.Notifications.Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(50, Ct);
            // A revoked token: the next notification gets a fresh one (one refresh), and is delivered.
            sub.RevokeAll();
            await using (var db = vnfm.NewContext("tenant-oauth"))
            {
                db.NotificationDeliveries.Add(new NotificationDelivery
                {
                    TenantId = "tenant-oauth", SubscriptionId = subscriptionId, CallbackUri = sub.CallbackUri,
                    Authentication = sub.Authentication(client), NotificationType = "VnfLcmOperationOccurrenceNotification",
                    Payload = "{\"n\":3}", CreatedAt = DateTime.UtcNow, NextAttemptAt = DateTime.UtcNow,
                });
                await db.SaveChangesAsync(Ct);
            }
            while (sub.Notifications.Count < 4 && DateTime.UtcNow < deadline) await Task.Delay(50, Ct);
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None);
        }
        Assert.Equal(["{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}"], sub.Notifications);
        Assert.Equal(2, sub.TokensIssued);
        await using (var db = vnfm.NewContext("tenant-oauth"))
            Assert.All(await db.NotificationDeliveries.Where(d => d.SubscriptionId == subscriptionId).ToListAsync(Ct), d => Assert.NotNull(d.DeliveredAt));
        var logText = logs.Text;
        Assert.Contains("Delivered", logText);
        Assert.DoesNotContain(OAuthSubscriber.ClientPassword, logText);
        Assert.DoesNotContain("tok-", logText);
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();
        public string Text => string.Join('\n', _lines);
        public ILogger CreateLogger(string categoryName) => new Logger(this);
        public void Dispose() { }

        private sealed class Logger(CapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
        }
    }
}
