using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mano.Nfvo;

/// <summary>
/// How the NFVO drives VNF LCM (issue 6): through Mano's own VNFM over the bus, or through an external SOL003 VNFM
/// over REST when a VIM is assigned to one (configuration "Nfvo:ExternalVnfms"). Either way the NS LCM sends a
/// <see cref="VnfLcmRequest"/> and gets the <see cref="VnfLcmResponse"/> the SOL003 REST interface would answer, and
/// learns of op occ changes as <see cref="VnfLcmOperationOccurrenceChanged"/> bus events.
///
/// NFVO endpoint for the external VNFMs' notifications (SOL003 5.4.20, the NFVO as the notification consumer):
///   GET    /nfvo/v1/vnf_lcm_notifications/{externalVnfmId}   callback test   5.4.20.3.2 -> 204
///   POST   /nfvo/v1/vnf_lcm_notifications/{externalVnfmId}   notify          5.4.20.3.1 -> 204
/// </summary>
public interface IVnfLcmClient
{
    /// <summary>Sends one SOL003 VNF LCM request to a VNFM (Mano's own over the bus, or an external one over REST).</summary>
    Task<VnfLcmResponse> SendAsync(VnfLcmRequest request, CancellationToken ct);
}

/// <summary>Nfvo:VnfLcm: how long the NFVO waits for a VNFM's answer to one request.</summary>
public sealed class VnfLcmClientOptions
{
    /// <summary>Nfvo:VnfLcm:TimeoutSeconds (default 30): the bus request or the REST call (each starts only an operation: quick).</summary>
    public double TimeoutSeconds { get; set; } = 30;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);
}

/// <summary>One external SOL003 VNFM (an element of Nfvo:ExternalVnfms).</summary>
public sealed class ExternalVnfmOptions
{
    /// <summary>The NFVO's name for it: the notification callback path and logs use it.</summary>
    public string Id { get; set; } = "";

    /// <summary>Its API root; the NFVO calls {BaseUrl}/vnflcm/v2/...</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>The VIMs (NFVO VIM ids) whose VNFs this VNFM manages.</summary>
    public List<string> VimIds { get; set; } = [];

    /// <summary>
    /// The NFVO tenant this VNFM serves (default "default"): VIMs belong to a tenant, and the VNFM's notifications carry
    /// no tenant, so they are republished for this one. Requests of another tenant are refused (403).
    /// </summary>
    public string TenantId { get; set; } = "default";

    /// <summary>None or OAuth2 (client credentials, RFC 6749 4.4; SOL013 8.3.3).</summary>
    public string Auth { get; set; } = "None";

    public string? TokenUrl { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    public bool IsOAuth2 => string.Equals(Auth, "OAuth2", StringComparison.OrdinalIgnoreCase);

    public Uri ApiUri(string path) => new($"{BaseUrl.TrimEnd('/')}{VnfLcmApi.UriPrefix}{path}", UriKind.Absolute);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Id)) throw new InvalidOperationException("Every Nfvo:ExternalVnfms entry needs an Id.");
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"Nfvo:ExternalVnfms \"{Id}\": BaseUrl must be an absolute http(s) URI.");
        if (IsOAuth2 && (string.IsNullOrEmpty(TokenUrl) || string.IsNullOrEmpty(ClientId) || ClientSecret is null))
            throw new InvalidOperationException($"Nfvo:ExternalVnfms \"{Id}\": Auth=OAuth2 needs TokenUrl, ClientId and ClientSecret.");
        if (!IsOAuth2 && !string.Equals(Auth, "None", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Nfvo:ExternalVnfms \"{Id}\": Auth must be None or OAuth2, not \"{Auth}\".");
    }
}

/// <summary>Picks the VNFM for a VNF: the external SOL003 VNFM a VIM is assigned to (configuration), else Mano's own VNFM (bus).</summary>
public sealed class VnfLcmClients(IServiceProvider services, IReadOnlyList<ExternalVnfmOptions> externalVnfms)
{
    public IVnfLcmClient For(string? vimId)
    {
        var external = vimId is null ? null : externalVnfms.FirstOrDefault(v => v.VimIds.Contains(vimId));
        return external is null
            ? services.GetRequiredService<BusVnfLcmClient>()
            : ActivatorUtilities.CreateInstance<RestVnfLcmClient>(services, external);
    }

    public const string HttpClientName = "external-vnfm";
}

public static class VnfLcmClientsRegistration
{
    /// <summary>Registers the clients and the external VNFMs' subscriptions (called by AddNfvo).</summary>
    public static IServiceCollection AddVnfLcmClients(this IServiceCollection services, IConfiguration config)
    {
        var options = new VnfLcmClientOptions();
        config.GetSection("Nfvo:VnfLcm").Bind(options);
        if (options.TimeoutSeconds <= 0) throw new InvalidOperationException("Nfvo:VnfLcm:TimeoutSeconds must be positive.");
        var externals = config.GetSection("Nfvo:ExternalVnfms").Get<List<ExternalVnfmOptions>>() ?? [];
        foreach (var e in externals) e.Validate();
        if (externals.GroupBy(e => e.Id).FirstOrDefault(g => g.Count() > 1) is { } dup)
            throw new InvalidOperationException($"Nfvo:ExternalVnfms: Id \"{dup.Key}\" appears twice.");
        services.AddSingleton(options);
        services.AddSingleton<IReadOnlyList<ExternalVnfmOptions>>(externals);
        services.AddScoped<BusVnfLcmClient>();
        services.AddScoped<VnfLcmClients>();
        services.AddHttpClient(VnfLcmClients.HttpClientName, c => c.Timeout = options.Timeout);
        if (externals.Count > 0) services.AddHostedService<ExternalVnfmSubscriber>();
        return services;
    }
}

/// <summary>Mano's own VNFM: the request over the bus (MassTransit request/response, <see cref="VnfLcmClientOptions.Timeout"/>).</summary>
public sealed class BusVnfLcmClient(IRequestClient<VnfLcmRequest> client, VnfLcmClientOptions options) : IVnfLcmClient
{
    public async Task<VnfLcmResponse> SendAsync(VnfLcmRequest request, CancellationToken ct)
    {
        try
        {
            var response = await client.GetResponse<VnfLcmResponse>(request, ct, RequestTimeout.After(ms: (int)options.Timeout.TotalMilliseconds));
            return response.Message;
        }
        catch (RequestTimeoutException)
        {
            // Whether the VNFM executed it is unknown: the caller re-reads (read / read_op_occ) before repeating a POST.
            return VnfLcmProblems.Response(StatusCodes.Status504GatewayTimeout, "Gateway Timeout",
                $"Mano's VNFM did not answer the \"{request.Operation}\" request within {options.TimeoutSeconds} s; it may or may not have been executed.");
        }
    }
}

/// <summary>
/// An external SOL003 VNFM over REST: each <see cref="VnfLcmOperations"/> value becomes its method and path
/// (<see cref="VnfLcmRoutes"/>) under {BaseUrl}/vnflcm/v2, with the SOL013 9.1 Version header, If-Match for PATCH
/// (SOL003 5.4.3.3.4) and an OAuth 2.0 bearer token when configured. The answer's status and body pass through
/// unchanged; a 202's Location gives <see cref="VnfLcmResponse.VnfLcmOpOccId"/>. No answer is 503/504 ProblemDetails.
/// </summary>
public sealed partial class RestVnfLcmClient(ExternalVnfmOptions vnfm, IHttpClientFactory clients, VnfLcmClientOptions options,
    ILogger<RestVnfLcmClient> logger) : IVnfLcmClient
{
    public async Task<VnfLcmResponse> SendAsync(VnfLcmRequest request, CancellationToken ct)
    {
        if (request.TenantId != vnfm.TenantId)
            return VnfLcmProblems.Response(StatusCodes.Status403Forbidden, "Forbidden",
                $"The external VNFM \"{vnfm.Id}\" serves another tenant than {request.TenantId}.");
        var path = VnfLcmRoutes.PathOf(request, out var method, out var problem);
        if (path is null) return VnfLcmProblems.Response(StatusCodes.Status400BadRequest, "Bad Request", problem!);
        var client = clients.CreateClient(VnfLcmClients.HttpClientName);
        try
        {
            using var response = await ExternalVnfmHttp.SendAsync(client, vnfm, () =>
            {
                var message = new HttpRequestMessage(new HttpMethod(method),
                    vnfm.ApiUri(string.IsNullOrEmpty(request.Query) ? path : $"{path}?{request.Query.TrimStart('?')}"));
                if (request.Body is not null)
                    message.Content = new StringContent(request.Body, Encoding.UTF8,
                        request.Operation == VnfLcmOperations.Modify ? "application/merge-patch+json" : "application/json");
                if (request.IfMatch is not null) message.Headers.TryAddWithoutValidation("If-Match", request.IfMatch);
                return message;
            }, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            return new VnfLcmResponse((int)response.StatusCode, body.Length == 0 ? null : body,
                (int)response.StatusCode == StatusCodes.Status202Accepted ? VnfLcmRoutes.OpOccIdOf(response.Headers.Location?.ToString()) : null);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return VnfLcmProblems.Response(StatusCodes.Status504GatewayTimeout, "Gateway Timeout",
                $"The external VNFM \"{vnfm.Id}\" did not answer the \"{request.Operation}\" request within {options.TimeoutSeconds} s; it may or may not have been executed.");
        }
        catch (Exception e) when (e is HttpRequestException or ExternalVnfmAuthException)
        {
            LogUnreachable(vnfm.Id, request.Operation, e.Message);
            return VnfLcmProblems.Response(StatusCodes.Status503ServiceUnavailable, "Service Unavailable",
                $"The external VNFM \"{vnfm.Id}\" could not be reached: {e.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "External VNFM {VnfmId} unreachable for {Operation}: {Reason}")]
    private partial void LogUnreachable(string vnfmId, string operation, string reason);
}

public sealed class ExternalVnfmAuthException(string message) : Exception(message);

/// <summary>One HTTP exchange with an external VNFM: Version header, bearer token (refreshed once on 401).</summary>
internal static class ExternalVnfmHttp
{
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, ExternalVnfmOptions vnfm, Func<HttpRequestMessage> build, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var message = build();
            message.Headers.Add("Version", VnfLcmApi.Version); // SOL013 9.1
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (vnfm.IsOAuth2)
            {
                string token;
                try { token = await SubscriberOAuth2.GetTokenAsync(client, Credentials(vnfm), refresh: attempt > 0, ct); }
                catch (SubscriberAuthException e) { throw new ExternalVnfmAuthException($"token request failed: {e.Message}"); }
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            var response = await client.SendAsync(message, ct);
            if (response.StatusCode != HttpStatusCode.Unauthorized || attempt > 0 || !vnfm.IsOAuth2) return response;
            response.Dispose();
            SubscriberOAuth2.Invalidate(Credentials(vnfm)); // an expired or revoked token: fetch a new one, once
        }
    }

    private static SubscriptionParamsOauth2ClientCredentials Credentials(ExternalVnfmOptions vnfm) => new(vnfm.ClientId, vnfm.ClientSecret, vnfm.TokenUrl);
}

internal static class VnfLcmProblems
{
    public static VnfLcmResponse Response(int status, string title, string detail) =>
        new(status, SolJson.Serialize(new ProblemDetails { Status = status, Title = title, Detail = detail }));
}

/// <summary>
/// Subscribes the NFVO to every external VNFM's LCM notifications (SOL003 5.4.18.3.1 POST /subscriptions) at start-up,
/// once the NFVO serves HTTP (the VNFM tests the callback with a GET first). An unreachable VNFM is retried with
/// exponential back-off (1 s doubling to 60 s) until it answers. A subscription the VNFM already has for this callback
/// (GET /subscriptions) is reused, so restarts do not pile up subscriptions.
/// </summary>
public sealed partial class ExternalVnfmSubscriber(IReadOnlyList<ExternalVnfmOptions> vnfms, IHttpClientFactory clients, NfvoOptions nfvo,
    IHostApplicationLifetime lifetime, ILogger<ExternalVnfmSubscriber> logger) : BackgroundService
{
    public static string CallbackUri(NfvoOptions nfvo, string vnfmId) =>
        $"{nfvo.ApiRoot.TrimEnd('/')}{VnfLcmNotificationsApi.Prefix}/{Uri.EscapeDataString(vnfmId)}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Wait until the host serves requests: the VNFM's callback test must reach the NFVO.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try { await started.Task; }
            catch (OperationCanceledException) { return; }
        }
        await Task.WhenAll(vnfms.Select(v => SubscribeWithRetryAsync(v, stoppingToken)));
    }

    private async Task SubscribeWithRetryAsync(ExternalVnfmOptions vnfm, CancellationToken ct)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var id = await EnsureSubscriptionAsync(vnfm, ct);
                LogSubscribed(vnfm.Id, id);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                LogRetry(vnfm.Id, delay.TotalSeconds, e.Message);
            }
            try { await Task.Delay(delay, ct); }
            catch (OperationCanceledException) { return; }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(60).Ticks));
        }
    }

    /// <summary>The id of the VNFM's subscription with the NFVO's callback for it: an existing one, else a new one.</summary>
    public async Task<string> EnsureSubscriptionAsync(ExternalVnfmOptions vnfm, CancellationToken ct)
    {
        var client = clients.CreateClient(VnfLcmClients.HttpClientName);
        var callback = CallbackUri(nfvo, vnfm.Id);
        using (var list = await ExternalVnfmHttp.SendAsync(client, vnfm, () => new HttpRequestMessage(HttpMethod.Get, vnfm.ApiUri("/subscriptions")), ct))
        {
            if (list.IsSuccessStatusCode && JsonNode.Parse(await list.Content.ReadAsStringAsync(ct)) is JsonArray existing)
                foreach (var s in existing)
                    if (s?["callbackUri"]?.GetValue<string>() == callback && s["id"]?.GetValue<string>() is { } id)
                        return id;
        }
        var request = new LccnSubscriptionRequest { CallbackUri = callback, Verbosity = "FULL" };
        using var created = await ExternalVnfmHttp.SendAsync(client, vnfm, () => new HttpRequestMessage(HttpMethod.Post, vnfm.ApiUri("/subscriptions"))
        {
            Content = new StringContent(SolJson.Serialize(request), Encoding.UTF8, "application/json"),
        }, ct);
        var body = await created.Content.ReadAsStringAsync(ct);
        if (created.StatusCode != HttpStatusCode.Created)
            throw new HttpRequestException($"POST /subscriptions answered {(int)created.StatusCode}: {Truncate(body)}");
        return JsonNode.Parse(body)?["id"]?.GetValue<string>() ?? throw new HttpRequestException("POST /subscriptions answered 201 without an id.");
    }

    private static string Truncate(string s) => s.Length <= 500 ? s : s[..500] + "...";

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed to the LCM notifications of external VNFM {VnfmId} (subscription {SubscriptionId})")]
    private partial void LogSubscribed(string vnfmId, string subscriptionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to external VNFM {VnfmId} failed, retrying in {DelaySeconds} s: {Reason}")]
    private partial void LogRetry(string vnfmId, double delaySeconds, string reason);
}

/// <summary>
/// The NFVO as consumer of external VNFMs' SOL003 5.4.20 notifications: each VnfLcmOperationOccurrenceNotification and
/// VnfIdentifierCreation/DeletionNotification is republished on the NFVO's bus as
/// <see cref="VnfLcmOperationOccurrenceChanged"/> (the event Mano's own VNFM publishes), for the VNFM's tenant.
/// </summary>
public static class VnfLcmNotificationsApi
{
    public const string Prefix = "/nfvo/v1/vnf_lcm_notifications";

    public static IEndpointRouteBuilder MapVnfLcmNotificationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("SOL003 VNF LCM notifications (from external VNFMs)");
        // The notifying VNFM has no Mano credentials: the path names a configured VNFM, anything else is 404.
        group.MapGet("/{externalVnfmId}", TestCallback).AllowAnonymous();
        group.MapPost("/{externalVnfmId}", Notify).AllowAnonymous();
        return app;
    }

    private static IResult TestCallback(string externalVnfmId, IReadOnlyList<ExternalVnfmOptions> vnfms)
    {
        Find(vnfms, externalVnfmId);
        return Results.NoContent(); // SOL003 5.4.20.3.2
    }

    private static async Task<IResult> Notify(string externalVnfmId, HttpRequest http, IReadOnlyList<ExternalVnfmOptions> vnfms,
        IPublishEndpoint bus, CancellationToken ct)
    {
        var vnfm = Find(vnfms, externalVnfmId);
        var node = await http.ReadJsonAsync<JsonObject>();
        var type = node["notificationType"]?.GetValue<string>();
        var instanceId = node["vnfInstanceId"]?.GetValue<string>()
                         ?? throw new BadRequestProblem("The notification has no vnfInstanceId (SOL003 5.5.2.17-19).");
        VnfLcmOperationOccurrenceChanged message;
        switch (type)
        {
            case "VnfLcmOperationOccurrenceNotification":
                VnfLcmOperationOccurrenceNotification notification;
                try { notification = node.Deserialize<VnfLcmOperationOccurrenceNotification>(SolJson.Options)!; }
                catch (JsonException e) { throw new BadRequestProblem($"Not a valid VnfLcmOperationOccurrenceNotification: {e.Message}"); }
                message = new VnfLcmOperationOccurrenceChanged(vnfm.TenantId, instanceId, notification);
                break;
            case "VnfIdentifierCreationNotification":
                message = new VnfLcmOperationOccurrenceChanged(vnfm.TenantId, instanceId, null, "CREATED");
                break;
            case "VnfIdentifierDeletionNotification":
                message = new VnfLcmOperationOccurrenceChanged(vnfm.TenantId, instanceId, null, "DELETED");
                break;
            default:
                throw new BadRequestProblem($"Unknown notificationType \"{type}\".");
        }
        // Published before answering: a failure answers 500, so the VNFM delivers the notification again.
        await bus.Publish(message, ct);
        return Results.NoContent(); // SOL003 5.4.20.3.1
    }

    private static ExternalVnfmOptions Find(IReadOnlyList<ExternalVnfmOptions> vnfms, string id) =>
        vnfms.FirstOrDefault(v => v.Id == id) ?? throw new NotFoundProblem($"No external VNFM \"{id}\" is configured.");
}
