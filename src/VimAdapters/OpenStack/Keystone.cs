using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mano.VimAdapters.OpenStack;

/// <summary>One endpoint of the Keystone service catalog.</summary>
public sealed record CatalogEndpoint(string ServiceType, string ServiceName, string Interface, string? Region, string Url);

/// <summary>A scoped Keystone token with its catalog. <see cref="Value"/> is a secret: never log it.</summary>
public sealed class KeystoneToken
{
    internal KeystoneToken(string value, DateTimeOffset expiresAt, string? projectId, string? userId, IReadOnlyList<CatalogEndpoint> catalog)
    {
        Value = value;
        ExpiresAt = expiresAt;
        ProjectId = projectId;
        UserId = userId;
        Catalog = catalog;
    }

    internal string Value { get; }
    public DateTimeOffset ExpiresAt { get; }
    public string? ProjectId { get; }
    public string? UserId { get; }
    public IReadOnlyList<CatalogEndpoint> Catalog { get; }

    public override string ToString() => $"KeystoneToken {{ project {ProjectId}, expires {ExpiresAt:O}, {Catalog.Count} endpoints }}";
}

/// <summary>
/// Keystone v3 password / application-credential authentication with a token cache: one token per set of credentials,
/// reused until <see cref="OpenStackOptions.TokenRenewBefore"/> before it expires, then renewed (one renewal at a time
/// per credentials). Thread-safe.
/// </summary>
internal sealed class KeystoneAuthenticator(OpenStackOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, KeystoneToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public int Issued;

    public async Task<KeystoneToken> GetTokenAsync(HttpClient http, OpenStackCredentials creds, CancellationToken ct, KeystoneToken? rejected = null)
    {
        var key = creds.CacheKey;
        if (_tokens.TryGetValue(key, out var token) && token != rejected && Fresh(token)) return token;
        var gate = _locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_tokens.TryGetValue(key, out token) && token != rejected && Fresh(token)) return token;
            token = await IssueAsync(http, creds, ct).ConfigureAwait(false);
            _tokens[key] = token;
            return token;
        }
        finally
        {
            gate.Release();
        }
    }

    private bool Fresh(KeystoneToken t) => t.ExpiresAt - time.GetUtcNow() > options.TokenRenewBefore;

    private async Task<KeystoneToken> IssueAsync(HttpClient http, OpenStackCredentials creds, CancellationToken ct)
    {
        const string op = "keystone.issue_token";
        JsonObject identity;
        JsonObject? scope = null;
        if (creds.IsApplicationCredential)
        {
            identity = new JsonObject
            {
                ["methods"] = new JsonArray("application_credential"),
                ["application_credential"] = new JsonObject { ["id"] = creds.AppCredentialId, ["secret"] = creds.AppCredentialSecret },
            };
        }
        else
        {
            identity = new JsonObject
            {
                ["methods"] = new JsonArray("password"),
                ["password"] = new JsonObject
                {
                    ["user"] = new JsonObject { ["name"] = creds.Username, ["domain"] = Domain(creds.UserDomain), ["password"] = creds.Password },
                },
            };
            scope = new JsonObject
            {
                ["project"] = creds.ProjectId is not null
                    ? new JsonObject { ["id"] = creds.ProjectId }
                    : new JsonObject { ["name"] = creds.Project, ["domain"] = Domain(creds.ProjectDomain) },
            };
        }
        var auth = new JsonObject { ["identity"] = identity };
        if (scope is not null) auth["scope"] = scope;
        var body = new JsonObject { ["auth"] = auth }.ToJsonString();

        var url = creds.AuthUrl + "/auth/tokens";
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw OpenStackErrors.FromTransport(op, HttpMethod.Post, "identity", url, e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var e = OpenStackErrors.FromResponse(op, HttpMethod.Post, "identity", "/v3/auth/tokens", response.StatusCode, text);
                throw response.StatusCode == HttpStatusCode.Unauthorized
                    ? new VimException(op, $"{e.Detail} (as {creds.Who})")
                    : e;
            }
            var value = response.Headers.TryGetValues("X-Subject-Token", out var values) ? values.FirstOrDefault() : null;
            if (string.IsNullOrEmpty(value)) throw new VimException(op, "Keystone issued no X-Subject-Token");
            var token = JsonNode.Parse(text)?["token"] ?? throw new VimException(op, "Keystone answered without a token body");
            var expires = DateTimeOffset.Parse(token["expires_at"]?.GetValue<string>() ?? throw new VimException(op, "token without expires_at"),
                System.Globalization.CultureInfo.InvariantCulture);
            var catalog = new List<CatalogEndpoint>();
            foreach (var svc in token["catalog"]?.AsArray() ?? [])
            {
                var type = svc?["type"]?.GetValue<string>() ?? "";
                var name = svc?["name"]?.GetValue<string>() ?? "";
                foreach (var ep in svc?["endpoints"]?.AsArray() ?? [])
                {
                    if (ep is null) continue;
                    catalog.Add(new CatalogEndpoint(type, name, ep["interface"]?.GetValue<string>() ?? "",
                        ep["region_id"]?.GetValue<string>() ?? ep["region"]?.GetValue<string>(), ep["url"]?.GetValue<string>() ?? ""));
                }
            }
            Interlocked.Increment(ref Issued);
            return new KeystoneToken(value, expires, token["project"]?["id"]?.GetValue<string>(), token["user"]?["id"]?.GetValue<string>(), catalog);
        }
    }

    private static JsonObject Domain(string? domain) =>
        string.Equals(domain, "default", StringComparison.Ordinal) || domain is null
            ? new JsonObject { ["id"] = "default" }
            : new JsonObject { ["name"] = domain };
}
