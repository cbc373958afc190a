using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mano.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mano.Common;

/// <summary>
/// One notification to one subscriber, written in the same transaction as the state change it reports (so it is
/// durable like an outbox row). Delivered in order per subscription, with back-off, by <see cref="NotificationDispatcher{TContext}"/>.
/// </summary>
public sealed class NotificationDelivery
{
    public long Id { get; set; }
    public required string TenantId { get; set; }
    public required string SubscriptionId { get; set; }
    public required string CallbackUri { get; set; }
    /// <summary>SubscriptionAuthentication as JSON. Holds secrets: never logged, never returned.</summary>
    public string? Authentication { get; set; }
    public required string NotificationType { get; set; }
    public required string Payload { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public int Attempts { get; set; }
    public DateTime? DeliveredAt { get; set; }
    public DateTime? AbandonedAt { get; set; }
    public DateTime? LockedUntil { get; set; }
    public string? LastError { get; set; }
}

public static class NotificationModel
{
    /// <summary>
    /// Removes the undelivered notifications of a subscription being deleted (in the caller's unit of work, so they go
    /// with the subscription or not at all). Delivered rows are kept as history.
    /// </summary>
    public static async Task DropUndeliveredNotificationsAsync(this DbContext db, string tenantId, string subscriptionId, CancellationToken ct)
    {
        var set = db.Set<NotificationDelivery>();
        set.RemoveRange(await set.Where(d => d.TenantId == tenantId && d.SubscriptionId == subscriptionId && d.DeliveredAt == null).ToListAsync(ct));
    }

    public static void AddNotificationDeliveries(this ModelBuilder model)
    {
        model.Entity<NotificationDelivery>(e =>
        {
            e.ToTable("notification_deliveries");
            e.HasKey(x => x.Id);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.SubscriptionId).HasMaxLength(64);
            e.Property(x => x.NotificationType).HasMaxLength(100);
            e.HasIndex(x => new { x.DeliveredAt, x.AbandonedAt, x.SubscriptionId });
        });
    }
}

public sealed class NotificationOptions
{
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>After this long without success a notification is abandoned (kept, marked, logged).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);
    public TimeSpan Poll { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Delivers notifications: per subscription strictly in order, subscriptions independently of each other (a slow or
/// dead subscriber never delays another, nor the operation that caused the notification). Exponential back-off.
/// </summary>
public sealed partial class NotificationDispatcher<TContext>(
    IServiceScopeFactory scopes, IHttpClientFactory httpClients, WorkSignal signal, NotificationOptions options,
    ILogger<NotificationDispatcher<TContext>> logger) : BackgroundService where TContext : DbContext
{
    public const string HttpClientName = "mano-notifications";
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Task> _inFlight = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var pulse = signal.NextPulse();
            try { await StartDueDeliveriesAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception e) { LogLoopFailed(e); }
            try { await WorkSignal.WaitAsync(pulse, options.Poll, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
        await Task.WhenAll(_inFlight.Values);
    }

    private async Task StartDueDeliveriesAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var now = DateTime.UtcNow;
        // The head of each subscription's queue: the oldest pending row. Later rows wait for it (ordered delivery).
        var pending = await db.Set<NotificationDelivery>().AsNoTracking()
            .Where(d => d.DeliveredAt == null && d.AbandonedAt == null)
            .OrderBy(d => d.Id).Take(1000)
            .Select(d => new { d.Id, d.SubscriptionId, d.NextAttemptAt, d.LockedUntil })
            .ToListAsync(ct);
        foreach (var head in pending.GroupBy(d => d.SubscriptionId).Select(g => g.First()))
        {
            if (head.NextAttemptAt > now || (head.LockedUntil is { } l && l > now)) continue;
            if (_inFlight.ContainsKey(head.SubscriptionId)) continue;
            var task = DeliverQueueAsync(head.SubscriptionId, ct);
            if (!_inFlight.TryAdd(head.SubscriptionId, task)) continue;
            _ = task.ContinueWith(_ => _inFlight.TryRemove(head.SubscriptionId, out Task? _), TaskScheduler.Default);
        }
    }

    /// <summary>Sends a subscription's due notifications in order until one fails or none is left.</summary>
    private async Task DeliverQueueAsync(string subscriptionId, CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            while (!ct.IsCancellationRequested && await DeliverHeadAsync(subscriptionId, ct)) { }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e) { LogLoopFailed(e); }
    }

    private async Task<bool> DeliverHeadAsync(string subscriptionId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var now = DateTime.UtcNow;
        var head = await db.Set<NotificationDelivery>().AsNoTracking()
            .Where(d => d.SubscriptionId == subscriptionId && d.DeliveredAt == null && d.AbandonedAt == null)
            .OrderBy(d => d.Id).FirstOrDefaultAsync(ct);
        if (head is null || head.NextAttemptAt > now) return false;
        var leaseUntil = now + Lease;
        var claimed = await db.Set<NotificationDelivery>()
            .Where(d => d.Id == head.Id && d.DeliveredAt == null && (d.LockedUntil == null || d.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedUntil, leaseUntil), ct);
        if (claimed == 0) return false;

        var error = await SendAsync(head, ct);
        if (error is null)
        {
            await db.Set<NotificationDelivery>().Where(d => d.Id == head.Id).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.DeliveredAt, DateTime.UtcNow).SetProperty(d => d.Attempts, head.Attempts + 1)
                .SetProperty(d => d.LockedUntil, (DateTime?)null).SetProperty(d => d.LastError, (string?)null), ct);
            LogDelivered(head.NotificationType, head.Id, head.SubscriptionId, head.Attempts + 1);
            return true;
        }

        var attempts = head.Attempts + 1;
        var delay = TimeSpan.FromTicks(Math.Min(options.MaxRetryDelay.Ticks,
            options.FirstRetryDelay.Ticks * (1L << Math.Min(attempts - 1, 20))));
        var abandon = DateTime.UtcNow - head.CreatedAt > options.GiveUpAfter;
        await db.Set<NotificationDelivery>().Where(d => d.Id == head.Id).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Attempts, attempts).SetProperty(d => d.LastError, error)
            .SetProperty(d => d.NextAttemptAt, DateTime.UtcNow + delay)
            .SetProperty(d => d.AbandonedAt, abandon ? DateTime.UtcNow : null)
            .SetProperty(d => d.LockedUntil, (DateTime?)null), ct);
        LogFailed(head.NotificationType, head.Id, head.SubscriptionId, attempts, error, abandon ? "abandoned" : $"retry in {delay}");
        return false;
    }

    private async Task<string?> SendAsync(NotificationDelivery delivery, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.RequestTimeout);
            // The subscriber's authentication (BASIC, or an OAuth 2.0 token refreshed once on 401) on every notification.
            using var response = await SubscriberAuth.SendAsync(httpClients.CreateClient(HttpClientName),
                () => new HttpRequestMessage(HttpMethod.Post, delivery.CallbackUri)
                {
                    Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
                }, delivery.Authentication, timeout.Token);
            // SOL003 5.4.20.3.1: the subscriber answers 204 No Content; any 2xx is taken as received.
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} from the callback";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"no answer within {options.RequestTimeout}";
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
        catch (SubscriberAuthException e)
        {
            return $"authentication to the subscriber failed: {e.Message}";
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivered {NotificationType} #{Id} to subscription {SubscriptionId} (attempt {Attempt})")]
    private partial void LogDelivered(string notificationType, long id, string subscriptionId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering {NotificationType} #{Id} to subscription {SubscriptionId} failed (attempt {Attempt}): {Error}; {Next}")]
    private partial void LogFailed(string notificationType, long id, string subscriptionId, int attempt, string error, string next);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification dispatcher loop failed")]
    private partial void LogLoopFailed(Exception e);
}

/// <summary>
/// SOL013 clause 8.3.4 subscriber authentication, as Mano applies it to the callback test and to every notification:
/// BASIC (paramsBasic) and OAUTH2_CLIENT_CREDENTIALS (paramsOauth2ClientCredentials, see <see cref="SubscriberOAuth2"/>).
/// When both are listed the OAuth 2.0 token is sent. TLS_CERT is 501.
/// </summary>
public static class SubscriberAuth
{
    public const string Basic = "BASIC";
    public const string OAuth2ClientCredentials = "OAUTH2_CLIENT_CREDENTIALS";
    public const string TlsCert = "TLS_CERT";

    /// <summary>Checks a SubscriptionAuthentication of a subscription request: 400 when incomplete, 501 for TLS_CERT.</summary>
    public static void Validate(SubscriptionAuthentication? auth)
    {
        if (auth is null) return;
        if (auth.AuthType.Count == 0) throw new BadRequestProblem("authentication.authType must list at least one type.");
        foreach (var type in auth.AuthType)
        {
            switch (type)
            {
                case Basic when auth.ParamsBasic is null:
                    throw new BadRequestProblem("authentication.paramsBasic is required when authType includes BASIC.");
                case Basic:
                    break;
                case OAuth2ClientCredentials:
                    var p = auth.ParamsOauth2ClientCredentials
                            ?? throw new BadRequestProblem("authentication.paramsOauth2ClientCredentials is required when authType includes OAUTH2_CLIENT_CREDENTIALS.");
                    if (string.IsNullOrEmpty(p.ClientId)) throw new BadRequestProblem("authentication.paramsOauth2ClientCredentials.clientId is required.");
                    if (string.IsNullOrEmpty(p.ClientPassword)) throw new BadRequestProblem("authentication.paramsOauth2ClientCredentials.clientPassword is required.");
                    if (!Uri.TryCreate(p.TokenEndpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != "http" && endpoint.Scheme != "https"))
                        throw new BadRequestProblem("authentication.paramsOauth2ClientCredentials.tokenEndpoint must be an absolute http(s) URI.");
                    break;
                case TlsCert:
                    throw new NotImplementedProblem($"Subscriber authentication {type} is not built yet; use BASIC, OAUTH2_CLIENT_CREDENTIALS or none.");
                default:
                    throw new BadRequestProblem($"Unknown authentication.authType \"{type}\".");
            }
        }
    }

    /// <summary>
    /// Sends a request to a subscriber with its authentication. With OAuth 2.0, a 401 answer drops the cached token and
    /// the request is sent once more with a new one. Throws <see cref="SubscriberAuthException"/> when no token can be had.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, Func<HttpRequestMessage> newRequest, string? authenticationJson, CancellationToken ct)
    {
        var auth = authenticationJson is null ? null : JsonSerializer.Deserialize<SubscriptionAuthentication>(authenticationJson, SolJson.Options);
        var oauth = auth is not null && auth.AuthType.Contains(OAuth2ClientCredentials) ? auth.ParamsOauth2ClientCredentials : null;
        using (var request = newRequest())
        {
            if (oauth is not null)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await SubscriberOAuth2.GetTokenAsync(client, oauth, refresh: false, ct));
            else if (auth?.ParamsBasic is { } basic && auth.AuthType.Contains(Basic))
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes($"{basic.UserName}:{basic.Password}")));
            var response = await client.SendAsync(request, ct);
            if (oauth is null || response.StatusCode != System.Net.HttpStatusCode.Unauthorized) return response;
            response.Dispose();
        }
        SubscriberOAuth2.Invalidate(oauth);
        using var retry = newRequest();
        retry.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await SubscriberOAuth2.GetTokenAsync(client, oauth, refresh: true, ct));
        return await client.SendAsync(retry, ct);
    }

    /// <summary>
    /// The checks every SOL subscription request goes through before its record is written: the callbackUri is an
    /// absolute http(s) URI (400 naming <paramref name="callbackUriClause"/>), the authentication is complete (400/501),
    /// and the callback answers the test GET with 204 (422). Returns the authentication as stored (JSON), or null.
    /// </summary>
    public static async Task<string?> AcceptSubscriberAsync(HttpClient client, string? callbackUri, SubscriptionAuthentication? authentication,
        string callbackUriClause, CancellationToken ct)
    {
        if (!Uri.TryCreate(callbackUri, UriKind.Absolute, out var callback) || (callback.Scheme != "http" && callback.Scheme != "https"))
            throw new BadRequestProblem($"callbackUri must be an absolute http(s) URI ({callbackUriClause}).");
        Validate(authentication);
        var json = authentication is null ? null : SolJson.Serialize(authentication);
        await TestCallbackAsync(client, callbackUri!, json, ct);
        return json;
    }

    /// <summary>
    /// SOL003 5.4.18.3.1 / 5.4.20.3.2: before creating a subscription the producer tests the callback with a GET (with
    /// the subscriber's credentials) and expects 204 No Content; anything else is 422.
    /// </summary>
    public static async Task TestCallbackAsync(HttpClient client, string callbackUri, string? authenticationJson, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await SendAsync(client, () => new HttpRequestMessage(HttpMethod.Get, callbackUri), authenticationJson, timeout.Token);
            if ((int)response.StatusCode != 204)
                throw new UnprocessableProblem($"The callback test GET {callbackUri} answered HTTP {(int)response.StatusCode}, not 204 No Content.");
        }
        catch (SubscriberAuthException e)
        {
            throw new UnprocessableProblem($"The callback test GET {callbackUri} could not be authenticated: {e.Message}.");
        }
        catch (HttpRequestException e)
        {
            throw new UnprocessableProblem($"The callback test GET {callbackUri} failed: {e.Message}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new UnprocessableProblem($"The callback test GET {callbackUri} got no answer within 10 s.");
        }
    }
}
