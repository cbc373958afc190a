using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.Tosca;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mano.Vnfm;

/// <summary>
/// How the VNFM reaches the NFVO that grants its LCM operations (configuration section "Vnfm:Nfvo").
/// <c>Mode=Bus</c> (default): Mano's own NFVO over the bus. <c>Mode=Rest</c>: any NFVO over SOL003 clause 9
/// (<c>POST {GrantUri}/grants</c>), e.g. a third-party NFVO.
/// </summary>
public sealed class NfvoConnectionOptions
{
    public const string Section = "Vnfm:Nfvo";

    /// <summary>Bus or Rest.</summary>
    public string Mode { get; set; } = "Bus";

    /// <summary>The grant API root of the NFVO, e.g. <c>https://nfvo.example/grant/v1</c> (a trailing <c>/grants</c> is accepted).</summary>
    public string? GrantUri { get; set; }

    /// <summary>None, Basic or OAuth2 (client credentials, RFC 6749 4.4).</summary>
    public string Auth { get; set; } = "None";

    public string? Username { get; set; }
    public string? Password { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public string? TokenEndpoint { get; set; }

    /// <summary>How long the VNFM waits for a decision (the bus answer, or the REST answer and its polling) before the op ends ROLLED_BACK.</summary>
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>Polling interval of an asynchronous (202) grant when the NFVO sends no Retry-After.</summary>
    public double PollIntervalSeconds { get; set; } = 1;

    /// <summary>Send every placement constraint with fallbackBestEffort=true (SOL001 rules carry no such flag; default: hard constraints).</summary>
    public bool PlacementFallbackBestEffort { get; set; }

    public bool IsRest => string.Equals(Mode, "Rest", StringComparison.OrdinalIgnoreCase);

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    /// <summary>The "Grants" resource URI (SOL003 9.4.2).</summary>
    public Uri GrantsUri()
    {
        var root = (GrantUri ?? throw new InvalidOperationException("Vnfm:Nfvo:GrantUri is required when Vnfm:Nfvo:Mode is Rest.")).TrimEnd('/');
        if (!root.EndsWith("/grants", StringComparison.Ordinal)) root += "/grants";
        return new Uri(root, UriKind.Absolute);
    }

    public void Validate()
    {
        if (!IsRest && !string.Equals(Mode, "Bus", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Vnfm:Nfvo:Mode must be Bus or Rest, not \"{Mode}\".");
        if (TimeoutSeconds <= 0) throw new InvalidOperationException("Vnfm:Nfvo:TimeoutSeconds must be positive.");
        if (!IsRest) return;
        var uri = GrantsUri();
        if (uri.Scheme is not ("http" or "https")) throw new InvalidOperationException("Vnfm:Nfvo:GrantUri must be an http(s) URI.");
        switch (Auth.ToUpperInvariant())
        {
            case "NONE":
                break;
            case "BASIC":
                if (string.IsNullOrEmpty(Username) || Password is null)
                    throw new InvalidOperationException("Vnfm:Nfvo:Auth=Basic needs Vnfm:Nfvo:Username and Vnfm:Nfvo:Password.");
                break;
            case "OAUTH2":
                if (string.IsNullOrEmpty(ClientId) || ClientSecret is null || string.IsNullOrEmpty(TokenEndpoint))
                    throw new InvalidOperationException("Vnfm:Nfvo:Auth=OAuth2 needs Vnfm:Nfvo:ClientId, ClientSecret and TokenEndpoint.");
                break;
            default:
                throw new InvalidOperationException($"Vnfm:Nfvo:Auth must be None, Basic or OAuth2, not \"{Auth}\".");
        }
    }
}

/// <summary>
/// Asks the NFVO for a grant (SOL003 9.4.2.3.1). Answers the Grant or the NFVO's rejection (403 ProblemDetails); throws a
/// <see cref="SolProblemException"/> when no decision could be obtained (timeout, NFVO unreachable or erring): the op
/// then ends ROLLED_BACK with that reason, as nothing was changed yet.
/// </summary>
public interface IGrantClient
{
    Task<GrantResult> RequestAsync(string tenantId, GrantRequest request, CancellationToken ct);
}

/// <summary>Mano's NFVO, over the bus (<see cref="RequestGrant"/> / <see cref="GrantResult"/>).</summary>
public sealed class BusGrantClient(IClientFactory clients, NfvoConnectionOptions options) : IGrantClient
{
    public async Task<GrantResult> RequestAsync(string tenantId, GrantRequest request, CancellationToken ct)
    {
        try
        {
            var client = clients.CreateRequestClient<RequestGrant>(RequestTimeout.After(ms: (int)options.Timeout.TotalMilliseconds));
            var response = await client.GetResponse<GrantResult>(new RequestGrant(tenantId, request), ct);
            return response.Message;
        }
        catch (RequestTimeoutException)
        {
            throw new ServiceUnavailableProblem($"The NFVO did not answer the grant request within {options.TimeoutSeconds:0.#} s.");
        }
    }
}

/// <summary>
/// An NFVO over SOL003 clause 9 REST: <c>POST {GrantUri}/grants</c>; 201 + Grant (synchronous) or 202 + Location, then
/// <c>GET</c> the "Individual grant" until 200 (Grant) or 403 (rejected) (SOL003 9.4.2.3.1, 9.4.3.3.2). Authenticates with
/// HTTP Basic or an OAuth 2.0 client-credentials token (SOL013 8.3). Credentials and tokens are never logged.
/// </summary>
public sealed partial class RestGrantClient(IHttpClientFactory http, NfvoConnectionOptions options, ILogger<RestGrantClient> logger) : IGrantClient
{
    public const string HttpClientName = "mano-nfvo-grants";
    private static readonly TimeSpan MaxPoll = TimeSpan.FromSeconds(10);

    public async Task<GrantResult> RequestAsync(string tenantId, GrantRequest request, CancellationToken ct)
    {
        var client = http.CreateClient(HttpClientName);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.Timeout);
        var grants = options.GrantsUri();
        try
        {
            using (var response = await SendAsync(client, () => new HttpRequestMessage(HttpMethod.Post, grants) { Content = JsonContent.Create(request, options: SolJson.Options) }, deadline.Token))
            {
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Created:
                        return new GrantResult(await ReadGrantAsync(response, request, deadline.Token), null);
                    case HttpStatusCode.Forbidden:
                        return new GrantResult(null, await ReadRejectionAsync(response, deadline.Token));
                    case HttpStatusCode.Accepted:
                        break;
                    default:
                        throw await UnexpectedAsync("POST", grants, response, deadline.Token);
                }
                var location = response.Headers.Location
                               ?? throw new ServiceUnavailableProblem($"The NFVO answered 202 to POST {grants} without a Location header (SOL003 9.4.2.3.1).");
                var individual = location.IsAbsoluteUri ? location : new Uri(grants, location);
                LogAsync(request.VnfLcmOpOccId, individual);
                var wait = RetryAfter(response) ?? TimeSpan.FromSeconds(options.PollIntervalSeconds);
                return await PollAsync(client, individual, request, wait, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ServiceUnavailableProblem($"The NFVO at {grants} did not decide the grant within {options.TimeoutSeconds:0.#} s.");
        }
        catch (HttpRequestException e)
        {
            throw new ServiceUnavailableProblem($"The NFVO at {grants} could not be reached: {e.Message}");
        }
        catch (SubscriberAuthException e)
        {
            throw new ServiceUnavailableProblem($"Could not authenticate to the NFVO: {e.Message}");
        }
    }

    private async Task<GrantResult> PollAsync(HttpClient client, Uri individual, GrantRequest request, TimeSpan wait, CancellationToken ct)
    {
        while (true)
        {
            await Task.Delay(wait, ct);
            using var response = await SendAsync(client, () => new HttpRequestMessage(HttpMethod.Get, individual), ct);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    return new GrantResult(await ReadGrantAsync(response, request, ct), null);
                case HttpStatusCode.Forbidden:
                    return new GrantResult(null, await ReadRejectionAsync(response, ct));
                case HttpStatusCode.Accepted:
                    var next = RetryAfter(response) ?? wait * 1.5;
                    wait = next > MaxPoll ? MaxPoll : next;
                    continue;
                default:
                    throw await UnexpectedAsync("GET", individual, response, ct);
            }
        }
    }

    /// <summary>Sends with the configured authentication; a 401 with OAuth 2.0 drops the token and tries once more.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpClient client, Func<HttpRequestMessage> build, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var message = build();
            message.Headers.Accept.ParseAdd("application/json");
            message.Headers.Add("Version", GrantApi.Version);
            await AuthenticateAsync(client, message, refresh: attempt > 0, ct);
            var response = await client.SendAsync(message, ct);
            if (response.StatusCode != HttpStatusCode.Unauthorized || attempt > 0 || !IsOAuth2) return response;
            response.Dispose();
            SubscriberOAuth2.Invalidate(OAuth2());
        }
    }

    private bool IsOAuth2 => string.Equals(options.Auth, "OAuth2", StringComparison.OrdinalIgnoreCase);

    private SubscriptionParamsOauth2ClientCredentials OAuth2() => new(options.ClientId, options.ClientSecret, options.TokenEndpoint);

    private async Task AuthenticateAsync(HttpClient client, HttpRequestMessage message, bool refresh, CancellationToken ct)
    {
        if (string.Equals(options.Auth, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            var raw = Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}");
            message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(raw));
        }
        else if (IsOAuth2)
        {
            var token = await SubscriberOAuth2.GetTokenAsync(client, OAuth2(), refresh, ct);
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : delta > MaxPoll ? MaxPoll : delta;
        if (header?.Date is { } date)
        {
            var d = date - DateTimeOffset.UtcNow;
            return d <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : d > MaxPoll ? MaxPoll : d;
        }
        return null;
    }

    private static async Task<Grant> ReadGrantAsync(HttpResponseMessage response, GrantRequest request, CancellationToken ct)
    {
        Grant? grant;
        try
        {
            grant = await response.Content.ReadFromJsonAsync<Grant>(SolJson.Options, ct);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ServiceUnavailableProblem($"The NFVO's grant is not a valid SOL003 Grant: {e.Message}");
        }
        if (grant is null) throw new ServiceUnavailableProblem("The NFVO answered an empty grant.");
        if (grant.VnfLcmOpOccId != request.VnfLcmOpOccId || grant.VnfInstanceId != request.VnfInstanceId)
            throw new ServiceUnavailableProblem(
                $"The NFVO's grant {grant.Id} is for op occ {grant.VnfLcmOpOccId} of VNF instance {grant.VnfInstanceId}, not for op occ {request.VnfLcmOpOccId}.");
        return grant;
    }

    private static async Task<ProblemDetails> ReadRejectionAsync(HttpResponseMessage response, CancellationToken ct)
    {
        ProblemDetails? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(SolJson.Options, ct);
        }
        catch (System.Text.Json.JsonException) { }
        return (problem ?? new ProblemDetails { Status = 403, Detail = "The NFVO rejected the grant (no details given)." }) with { Status = 403 };
    }

    private static async Task<SolProblemException> UnexpectedAsync(string method, Uri uri, HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        string? detail = null;
        try
        {
            detail = SolJson.Deserialize<ProblemDetails>(body).Detail;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or ArgumentException) { }
        var code = (int)response.StatusCode;
        return new ServiceUnavailableProblem($"The NFVO answered {code} to {method} {uri}{(detail is null ? "" : ": " + detail)}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grant for op occ {OpOccId} is being decided asynchronously; polling {Location}")]
    private partial void LogAsync(string opOccId, Uri location);
}

/// <summary>
/// SOL003 9.5.3.6 placement constraints from the VNFD flavour's tosca.policies.nfv.AffinityRule / AntiAffinityRule:
/// one constraint per rule, over every VNFC of the rule's VDUs (placement groups expanded) - the new ones by their
/// ResourceDefinition id (GRANT), the existing ones by their VIM-level id (RES_MGMT). A rule is only sent when the
/// operation adds one of its VNFCs, and only when it covers at least two VNFCs (the schema's minItems).
/// </summary>
public static class GrantPlacement
{
    public static List<PlacementConstraint>? Constraints(
        VnfDeploymentFlavour flavour, LcmPlan target, IReadOnlyList<ResourceDefinition>? added,
        InstantiatedVnfInfo? current, bool fallbackBestEffort)
    {
        var newComputes = (added ?? []).Where(r => r.Type == "COMPUTE").ToList();
        if (newComputes.Count == 0) return null;
        var newIds = newComputes.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var existing = (current?.VnfcResourceInfo ?? []).ToDictionary(v => v.Id, StringComparer.Ordinal);
        var result = new List<PlacementConstraint>();
        foreach (var rule in flavour.PlacementRules)
        {
            var scope = Scope(rule.Scope);
            if (scope is null || rule.VduIds.Count == 0) continue;
            var vdus = rule.VduIds.ToHashSet(StringComparer.Ordinal);
            var members = new List<ConstraintResourceRef>();
            foreach (var compute in target.Resources.Computes.Where(c => vdus.Contains(c.VduId)))
            {
                if (newIds.Contains(compute.ResourceKey))
                    members.Add(ConstraintResourceRef.Grant(compute.ResourceKey));
                else if (existing.TryGetValue(compute.ResourceKey, out var vnfc) && vnfc.ComputeResource is { ResourceId: { } vimId } handle)
                    members.Add(ConstraintResourceRef.ResMgmt(vimId, handle.VimConnectionId));
            }
            if (members.Count < 2 || members.All(m => m.IdType != ConstraintIdType.Grant)) continue;
            result.Add(new PlacementConstraint
            {
                AffinityOrAntiAffinity = rule.IsAffinity ? PlacementConstraintType.Affinity : PlacementConstraintType.AntiAffinity,
                Scope = scope,
                Resource = members,
                FallbackBestEffort = fallbackBestEffort ? true : null,
            });
        }
        return result.Count == 0 ? null : result;
    }

    /// <summary>
    /// SOL003 9.5.3.2: "resource shall be present for resources that are planned to be deleted or modified" - the
    /// VIM-level handle of each definition (its id is the VNFM's resource key: the VNFC / VL / storage id, or the port's
    /// link port id without its "-lp" suffix).
    /// </summary>
    public static List<ResourceDefinition>? WithHandles(IReadOnlyList<ResourceDefinition>? definitions, string? instantiatedInfo)
    {
        if (definitions is null) return null;
        if (instantiatedInfo is null) return definitions.ToList();
        var info = SolJson.Deserialize<InstantiatedVnfInfo>(instantiatedInfo);
        var handles = new Dictionary<string, ResourceHandle>(StringComparer.Ordinal);
        foreach (var v in info.VnfcResourceInfo ?? []) handles[v.Id] = v.ComputeResource;
        foreach (var s in info.VnfVirtualStorageResourceInfo ?? []) handles[s.Id] = s.StorageResource;
        foreach (var vl in info.VnfVirtualLinkResourceInfo ?? [])
        {
            handles[vl.Id] = vl.NetworkResource;
            foreach (var lp in vl.VnfLinkPorts) handles[StripLp(lp.Id)] = lp.ResourceHandle;
        }
        foreach (var ext in info.ExtVirtualLinkInfo ?? [])
            foreach (var lp in ext.ExtLinkPorts ?? [])
                handles.TryAdd(StripLp(lp.Id), lp.ResourceHandle);
        return definitions.Select(d => d.Resource is null && handles.TryGetValue(d.Id, out var h) ? d with { Resource = h } : d).ToList();
    }

    private static string StripLp(string id) => id.EndsWith("-lp", StringComparison.Ordinal) ? id[..^3] : id;

    /// <summary>SOL001 rule scope -> SOL003 PlacementConstraint scope; null for scopes SOL003 has no value for.</summary>
    public static string? Scope(string? scope) => scope?.ToLowerInvariant() switch
    {
        "nfvi_node" or "cis_node" => PlacementScope.NfviNode,
        "zone" => PlacementScope.Zone,
        "zone_group" => PlacementScope.ZoneGroup,
        "nfvi_pop" => PlacementScope.NfviPop,
        _ => null,
    };
}

public static class GrantClientRegistration
{
    /// <summary>The grant client the configuration asks for (Vnfm:Nfvo:Mode), validated at start-up.</summary>
    public static IServiceCollection AddGrantClients(this IServiceCollection services, IConfiguration config)
    {
        var options = new NfvoConnectionOptions();
        config.GetSection(NfvoConnectionOptions.Section).Bind(options);
        options.Validate();
        services.AddSingleton(options);
        services.AddHttpClient(RestGrantClient.HttpClientName);
        if (options.IsRest) services.AddSingleton<IGrantClient, RestGrantClient>();
        else services.AddSingleton<IGrantClient, BusGrantClient>();
        return services;
    }
}
