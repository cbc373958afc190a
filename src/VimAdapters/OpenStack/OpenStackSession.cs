using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mano.VimAdapters.OpenStack;

/// <summary>OpenStack service types of the Keystone catalog (with the older aliases still found in clouds).</summary>
public static class OpenStackServiceTypes
{
    public static readonly string[] Compute = ["compute"];
    public static readonly string[] Network = ["network"];
    public static readonly string[] Image = ["image"];
    public static readonly string[] BlockStorage = ["block-storage", "volumev3", "volumev2", "volume"];
    public static readonly string[] Orchestration = ["orchestration"];
}

/// <summary>
/// One authenticated conversation with one OpenStack cloud: finds service endpoints in the token's catalog (type,
/// interface, region), sends JSON requests with the token, renews a rejected token once, and turns every failure into a
/// <see cref="VimException"/> that names the call and carries OpenStack's own message. Never logs or returns the token.
/// </summary>
public sealed class OpenStackSession
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient _http;
    private readonly OpenStackCredentials _creds;
    private readonly KeystoneAuthenticator _auth;
    private KeystoneToken _token;

    private OpenStackSession(HttpClient http, OpenStackCredentials creds, KeystoneAuthenticator auth, OpenStackOptions options, TimeProvider time, KeystoneToken token)
    {
        _http = http;
        _creds = creds;
        _auth = auth;
        Options = options;
        Time = time;
        _token = token;
    }

    public OpenStackOptions Options { get; }
    public TimeProvider Time { get; }

    /// <summary>The project the token is scoped to.</summary>
    public string? ProjectId => _token.ProjectId;
    public string? UserId => _token.UserId;
    public IReadOnlyList<CatalogEndpoint> Catalog => _token.Catalog;

    internal static async Task<OpenStackSession> OpenAsync(HttpClient http, OpenStackCredentials creds, KeystoneAuthenticator auth,
        OpenStackOptions options, TimeProvider time, CancellationToken ct)
    {
        var token = await auth.GetTokenAsync(http, creds, ct).ConfigureAwait(false);
        return new OpenStackSession(http, creds, auth, options, time, token);
    }

    public bool HasService(string[] types) => FindEndpoint(types) is not null;

    private CatalogEndpoint? FindEndpoint(string[] types)
    {
        foreach (var type in types)
        {
            var match = _token.Catalog.FirstOrDefault(e => e.ServiceType == type
                && string.Equals(e.Interface, _creds.Interface, StringComparison.OrdinalIgnoreCase)
                && (_creds.Region is null || string.Equals(e.Region, _creds.Region, StringComparison.Ordinal)));
            if (match is not null) return match;
        }
        return null;
    }

    /// <summary>The base URL of a service (its version root), from the catalog.</summary>
    public string ServiceUrl(string[] types, string operation)
    {
        var ep = FindEndpoint(types) ?? throw new VimException(operation,
            $"the service catalog has no '{types[0]}' endpoint (interface {_creds.Interface}, region {_creds.Region ?? "any"}); it lists: "
            + string.Join(", ", _token.Catalog.Select(e => $"{e.ServiceType}/{e.Interface}/{e.Region}").Distinct().Order(StringComparer.Ordinal)));
        var url = ep.Url.TrimEnd('/')
            .Replace("%(tenant_id)s", _token.ProjectId ?? "", StringComparison.Ordinal)
            .Replace("%(project_id)s", _token.ProjectId ?? "", StringComparison.Ordinal)
            .Replace("$(tenant_id)s", _token.ProjectId ?? "", StringComparison.Ordinal)
            .Replace("$(project_id)s", _token.ProjectId ?? "", StringComparison.Ordinal);
        return types[0] switch
        {
            "network" when !url.EndsWith("/v2.0", StringComparison.Ordinal) => url + "/v2.0",
            "image" when !url.EndsWith("/v2", StringComparison.Ordinal) => url + "/v2",
            _ => url,
        };
    }

    /// <summary>
    /// Sends one JSON request. Returns the parsed answer (null for an empty one), or null on 404 when
    /// <paramref name="notFoundIsNull"/>. Any other non-2xx answer is a <see cref="VimException"/> for <paramref name="operation"/>.
    /// </summary>
    public async Task<JsonNode?> SendAsync(string operation, string[] service, HttpMethod method, string path, JsonNode? body,
        CancellationToken ct, bool notFoundIsNull = false, IReadOnlyDictionary<string, string>? headers = null)
    {
        var (status, text) = await SendRawAsync(operation, service, method, path,
            body is null ? null : () => new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), headers, ct).ConfigureAwait(false);
        if (status == HttpStatusCode.NotFound && notFoundIsNull) return null;
        if ((int)status is < 200 or > 299)
            throw OpenStackErrors.FromResponse(operation, method, service[0], path, status, text);
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new VimException(operation, $"{service[0]} answered {method} {path} with invalid JSON: {e.Message}");
        }
    }

    public async Task<T> SendAsync<T>(string operation, string[] service, HttpMethod method, string path, JsonNode? body, string envelope,
        CancellationToken ct, IReadOnlyDictionary<string, string>? headers = null)
    {
        var node = await SendAsync(operation, service, method, path, body, ct, headers: headers).ConfigureAwait(false);
        return Read<T>(operation, node, envelope);
    }

    internal static T Read<T>(string operation, JsonNode? node, string envelope)
    {
        var inner = envelope.Length == 0 ? node : node?[envelope];
        if (inner is null) throw new VimException(operation, $"the answer has no '{envelope}'");
        return inner.Deserialize<T>(Json) ?? throw new VimException(operation, $"the answer's '{envelope}' is null");
    }

    /// <summary>Sends raw content (e.g. an image upload); answers status and body text.</summary>
    public async Task<(HttpStatusCode Status, string Body)> SendRawAsync(string operation, string[] service, HttpMethod method, string path,
        Func<HttpContent>? content, IReadOnlyDictionary<string, string>? headers, CancellationToken ct)
    {
        var baseUrl = ServiceUrl(service, operation);
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, baseUrl + path);
            request.Headers.TryAddWithoutValidation("X-Auth-Token", _token.Value);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (headers is not null)
                foreach (var (k, v) in headers) request.Headers.TryAddWithoutValidation(k, v);
            if (content is not null) request.Content = content();
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                throw OpenStackErrors.FromTransport(operation, method, service[0], path, e);
            }
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
                {
                    // Revoked or expired early: renew once and retry.
                    _token = await _auth.GetTokenAsync(_http, _creds, ct, rejected: _token).ConfigureAwait(false);
                    continue;
                }
                return (response.StatusCode, text);
            }
        }
    }

    /// <summary>Polls <paramref name="probe"/> until it answers non-null, or fails with a timeout <see cref="VimException"/>.</summary>
    public async Task<T> WaitAsync<T>(string operation, string what, TimeSpan timeout, Func<Task<T?>> probe, CancellationToken ct) where T : class
    {
        var deadline = Time.GetUtcNow() + timeout;
        while (true)
        {
            var result = await probe().ConfigureAwait(false);
            if (result is not null) return result;
            if (Time.GetUtcNow() >= deadline)
                throw new VimException(operation, $"timed out after {timeout.TotalSeconds:0}s waiting for {what}", transient: true);
            var scope = OpenStackTimingScope.Active;
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            OpenStackTimingScope.WaitStarted(scope);
            try
            {
                await Task.Delay(Options.PollInterval, Time, ct).ConfigureAwait(false);
            }
            finally
            {
                OpenStackTimingScope.WaitEnded(scope, System.Diagnostics.Stopwatch.GetElapsedTime(start), request: false);
            }
        }
    }
}
