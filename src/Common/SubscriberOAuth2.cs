using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mano.Contracts;

namespace Mano.Common;

/// <summary>Mano could not authenticate to a subscriber (e.g. its token endpoint refused the client). The message holds no secret.</summary>
public sealed class SubscriberAuthException(string message) : Exception(message);

/// <summary>
/// SOL013 8.3.4 OAUTH2_CLIENT_CREDENTIALS towards a subscriber: Mano, as OAuth 2.0 client, obtains an access token from
/// the subscriber's <c>tokenEndpoint</c> with the client credentials grant (RFC 6749 4.4), authenticating with
/// <c>client_secret_basic</c> (RFC 6749 2.3.1: id and secret form-urlencoded, then HTTP Basic), and caches it until
/// shortly before <c>expires_in</c> (or until the subscriber answers 401, when <see cref="Invalidate"/> drops it).
/// Tokens and passwords are never logged and never part of an error message.
/// </summary>
public static class SubscriberOAuth2
{
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly ConcurrentDictionary<string, CachedToken> Tokens = new();
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new();

    private sealed record CachedToken(string AccessToken, DateTime ExpiresAt);

    /// <summary>How many tokens have been requested from token endpoints (process-wide; for tests and metrics).</summary>
    public static long TokenRequests => Interlocked.Read(ref _tokenRequests);
    private static long _tokenRequests;

    public static async Task<string> GetTokenAsync(HttpClient client, SubscriptionParamsOauth2ClientCredentials p, bool refresh, CancellationToken ct)
    {
        var key = Key(p);
        if (!refresh && Tokens.TryGetValue(key, out var cached) && cached.ExpiresAt > DateTime.UtcNow) return cached.AccessToken;
        var gate = Locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            // Another caller may have fetched it meanwhile (unless this one must replace a rejected token).
            if (!refresh && Tokens.TryGetValue(key, out cached) && cached.ExpiresAt > DateTime.UtcNow) return cached.AccessToken;
            var token = await RequestAsync(client, p, ct);
            Tokens[key] = token;
            return token.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Drops the cached token of these credentials (the subscriber rejected it).</summary>
    public static void Invalidate(SubscriptionParamsOauth2ClientCredentials p) => Tokens.TryRemove(Key(p), out _);

    private static async Task<CachedToken> RequestAsync(HttpClient client, SubscriptionParamsOauth2ClientCredentials p, CancellationToken ct)
    {
        Interlocked.Increment(ref _tokenRequests);
        using var request = new HttpRequestMessage(HttpMethod.Post, p.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("grant_type", "client_credentials")]),
        };
        var credentials = $"{WebUtility.UrlEncode(p.ClientId)}:{WebUtility.UrlEncode(p.ClientPassword)}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        request.Headers.Accept.ParseAdd("application/json");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, timeout.Token);
        }
        catch (HttpRequestException e)
        {
            throw new SubscriberAuthException($"the token endpoint {p.TokenEndpoint} could not be reached: {e.Message}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new SubscriberAuthException($"the token endpoint {p.TokenEndpoint} did not answer within {RequestTimeout.TotalSeconds:0} s");
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw new SubscriberAuthException($"the token endpoint {p.TokenEndpoint} refused the client credentials grant for client " +
                                                  $"\"{p.ClientId}\": HTTP {(int)response.StatusCode}{OAuthError(body)}");
            try
            {
                using var doc = JsonDocument.Parse(body);
                var root = doc.RootElement;
                var token = root.TryGetProperty("access_token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                if (string.IsNullOrEmpty(token)) throw new SubscriberAuthException($"the token endpoint {p.TokenEndpoint} answered without an access_token");
                var type = root.TryGetProperty("token_type", out var tt) && tt.ValueKind == JsonValueKind.String ? tt.GetString() : null;
                if (!string.Equals(type, "Bearer", StringComparison.OrdinalIgnoreCase))
                    throw new SubscriberAuthException($"the token endpoint {p.TokenEndpoint} issued a token of type \"{type}\"; Mano sends Bearer tokens only (RFC 6750)");
                var lifetime = root.TryGetProperty("expires_in", out var e) && e.TryGetInt64(out var seconds) && seconds > 0
                    ? TimeSpan.FromSeconds(seconds) : DefaultLifetime;
                var expires = DateTime.UtcNow + (lifetime > Skew * 2 ? lifetime - Skew : lifetime / 2);
                return new CachedToken(token, expires);
            }
            catch (JsonException)
            {
                throw new SubscriberAuthException($"the token endpoint {p.TokenEndpoint} answered a body that is not JSON");
            }
        }
    }

    /// <summary>RFC 6749 5.2 error code and description, when the token endpoint gave them.</summary>
    private static string OAuthError(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
                return $" ({error.GetString()})";
        }
        catch (JsonException) { }
        return "";
    }

    private static string Key(SubscriptionParamsOauth2ClientCredentials p) =>
        $"{p.TokenEndpoint}\n{p.ClientId}\n{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(p.ClientPassword ?? "")))}";
}
