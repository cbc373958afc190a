using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using System.Text.Json.Nodes;
using k8s;

namespace Mano.VimAdapters.Kubernetes;

/// <summary>
/// One connection to a cluster's API server, made from a VIM's <see cref="VimConnectionInfo"/> with the official
/// client (<see cref="k8s.Kubernetes"/>: TLS, CA pinning, client certificates, bearer tokens). Requests for arbitrary
/// kinds go through the client's own <see cref="HttpClient"/> and credentials as plain REST calls, so any kind the
/// cluster serves can be applied, not only those the client has types for.
/// <para>
/// interfaceInfo: <c>endpoint</c> (https://host:6443), <c>ssl_ca_cert</c> (PEM; absent: the system trust store),
/// <c>insecure_skip_tls_verify</c> ("true" only: server certificate not verified, for lab clusters).
/// accessInfo: <c>bearer_token</c>, or <c>client_cert</c> + <c>client_key</c> (PEM). Secrets are never logged nor put in
/// messages.
/// </para>
/// </summary>
internal sealed class KubernetesApi : IDisposable
{
    public const string FieldManager = "mano";

    private readonly k8s.Kubernetes _client;
    private readonly TimeSpan _requestTimeout;

    private KubernetesApi(k8s.Kubernetes client, string endpoint, TimeSpan requestTimeout)
    {
        _client = client;
        Endpoint = endpoint;
        _requestTimeout = requestTimeout;
    }

    public string Endpoint { get; }

    public static KubernetesApi Connect(VimConnectionInfo vim, TimeSpan requestTimeout, string operation)
    {
        ArgumentNullException.ThrowIfNull(vim);
        var endpoint = vim.InterfaceInfo.GetValueOrDefault("endpoint")?.Trim();
        if (string.IsNullOrEmpty(endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            throw new VimException(operation, $"VIM '{vim.VimId}': interfaceInfo.endpoint must be the https URL of the Kubernetes API server");
        var config = new KubernetesClientConfiguration
        {
            Host = endpoint,
            UserAgent = "mano-kubernetes-driver",
            SkipTlsVerify = string.Equals(vim.InterfaceInfo.GetValueOrDefault("insecure_skip_tls_verify"), "true", StringComparison.OrdinalIgnoreCase),
        };
        if (vim.InterfaceInfo.GetValueOrDefault("ssl_ca_cert") is { Length: > 0 } ca)
        {
            var certs = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            try
            {
                certs.ImportFromPem(ca);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                throw new VimException(operation, $"VIM '{vim.VimId}': interfaceInfo.ssl_ca_cert is not a PEM certificate");
            }
            if (certs.Count == 0) throw new VimException(operation, $"VIM '{vim.VimId}': interfaceInfo.ssl_ca_cert holds no PEM certificate");
            config.SslCaCerts = certs;
        }
        var token = vim.AccessInfo.GetValueOrDefault("bearer_token");
        var cert = vim.AccessInfo.GetValueOrDefault("client_cert");
        var key = vim.AccessInfo.GetValueOrDefault("client_key");
        if (!string.IsNullOrEmpty(token)) config.AccessToken = token;
        if (!string.IsNullOrEmpty(cert) || !string.IsNullOrEmpty(key))
        {
            if (string.IsNullOrEmpty(cert) || string.IsNullOrEmpty(key))
                throw new VimException(operation, $"VIM '{vim.VimId}': accessInfo needs both client_cert and client_key (PEM)");
            config.ClientCertificateData = System.Convert.ToBase64String(Encoding.UTF8.GetBytes(cert));
            config.ClientCertificateKeyData = System.Convert.ToBase64String(Encoding.UTF8.GetBytes(key));
        }
        if (string.IsNullOrEmpty(token) && string.IsNullOrEmpty(cert))
            throw new VimException(operation, $"VIM '{vim.VimId}': accessInfo needs bearer_token, or client_cert and client_key");
        try
        {
            return new KubernetesApi(new k8s.Kubernetes(config), uri.GetLeftPart(UriPartial.Path).TrimEnd('/'), requestTimeout);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException or k8s.Exceptions.KubeConfigException)
        {
            // The exception's message may quote key material in some runtimes: keep only its type.
            throw new VimException(operation, $"VIM '{vim.VimId}': cannot use the configured client certificate or CA ({e.GetType().Name})");
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>GET; null when the object does not exist (404).</summary>
    public async Task<JsonObject?> GetAsync(string path, string operation, CancellationToken ct)
    {
        var r = await SendAsync(HttpMethod.Get, path, null, null, operation, ct).ConfigureAwait(false);
        if (r.Status == HttpStatusCode.NotFound) return null;
        return Success(r, "GET", path, operation);
    }

    /// <summary>GET a list; <paramref name="labelSelector"/> as the API takes it.</summary>
    public async Task<List<JsonObject>> ListAsync(string path, string? labelSelector, string operation, CancellationToken ct)
    {
        var items = new List<JsonObject>();
        string? next = null;
        do
        {
            var query = new List<string>();
            if (labelSelector is not null) query.Add("labelSelector=" + Uri.EscapeDataString(labelSelector));
            query.Add("limit=500");
            if (next is not null) query.Add("continue=" + Uri.EscapeDataString(next));
            var url = path + "?" + string.Join("&", query);
            var r = await SendAsync(HttpMethod.Get, url, null, null, operation, ct).ConfigureAwait(false);
            var body = Success(r, "GET", path, operation);
            foreach (var item in body["items"] as JsonArray ?? [])
                if (item is JsonObject o) items.Add(o);
            next = body["metadata"]?["continue"]?.GetValue<string>() is { Length: > 0 } c ? c : null;
        } while (next is not null);
        return items;
    }

    /// <summary>Server-side apply (field manager "mano", conflicts forced): creates the object or merges into it.</summary>
    public async Task<JsonObject> ApplyAsync(string path, JsonObject body, string operation, CancellationToken ct)
    {
        var url = $"{path}?fieldManager={FieldManager}&force=true";
        var r = await SendAsync(HttpMethod.Patch, url, "application/apply-patch+yaml", body.ToJsonString(), operation, ct).ConfigureAwait(false);
        return Success(r, "PATCH (apply)", path, operation);
    }

    /// <summary>JSON merge patch (RFC 7386).</summary>
    public async Task<JsonObject?> MergePatchAsync(string path, JsonObject body, string operation, CancellationToken ct)
    {
        var url = $"{path}?fieldManager={FieldManager}";
        var r = await SendAsync(HttpMethod.Patch, url, "application/merge-patch+json", body.ToJsonString(), operation, ct).ConfigureAwait(false);
        if (r.Status == HttpStatusCode.NotFound) return null;
        return Success(r, "PATCH", path, operation);
    }

    /// <summary>POST (create); <paramref name="alreadyDone"/> is true when the server answered 409 Conflict.</summary>
    public async Task<(JsonObject? Body, bool AlreadyDone)> CreateAsync(string path, JsonObject body, string operation, CancellationToken ct)
    {
        var r = await SendAsync(HttpMethod.Post, $"{path}?fieldManager={FieldManager}", "application/json", body.ToJsonString(), operation, ct).ConfigureAwait(false);
        if (r.Status == HttpStatusCode.Conflict) return (null, true);
        return (Success(r, "POST", path, operation), false);
    }

    /// <summary>DELETE with a propagation policy; false when the object was already gone (404).</summary>
    public async Task<bool> DeleteAsync(string path, string propagationPolicy, string operation, CancellationToken ct)
    {
        var body = new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1", ["propagationPolicy"] = propagationPolicy };
        var r = await SendAsync(HttpMethod.Delete, $"{path}?propagationPolicy={propagationPolicy}", "application/json", body.ToJsonString(), operation, ct).ConfigureAwait(false);
        if (r.Status == HttpStatusCode.NotFound) return false;
        Success(r, "DELETE", path, operation);
        return true;
    }

    private readonly record struct Response(HttpStatusCode Status, string Text);

    private async Task<Response> SendAsync(HttpMethod method, string relative, string? contentType, string? body, string operation, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_requestTimeout);
        using var request = new HttpRequestMessage(method, new Uri(_client.BaseUri, relative.TrimStart('/')));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
        }
        try
        {
            if (_client.Credentials is { } credentials)
                await credentials.ProcessHttpRequestAsync(request, timeout.Token).ConfigureAwait(false);
            using var response = await _client.HttpClient.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            return new Response(response.StatusCode, text);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new VimException(operation, $"{method} {Endpoint}/{PathOnly(relative)}: no answer within {_requestTimeout.TotalSeconds:0.#} s", transient: true);
        }
        catch (HttpRequestException e)
        {
            if (Find<AuthenticationException>(e) is not null)
                throw new VimException(operation,
                    $"TLS with {Endpoint} failed: the API server's certificate is not trusted (check interfaceInfo.ssl_ca_cert) or the TLS handshake was refused",
                    transient: false, e);
            throw new VimException(operation, $"{method} {Endpoint}/{PathOnly(relative)}: cannot reach the API server ({e.HttpRequestError})", transient: true, e);
        }
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T t) return t;
        return null;
    }

    private static string PathOnly(string relative)
    {
        var q = relative.IndexOf('?', StringComparison.Ordinal);
        return (q < 0 ? relative : relative[..q]).TrimStart('/');
    }

    private JsonObject Success(Response r, string verb, string path, string operation)
    {
        var code = (int)r.Status;
        if (code is >= 200 and < 300)
        {
            try
            {
                return JsonNode.Parse(r.Text) as JsonObject ?? new JsonObject();
            }
            catch (System.Text.Json.JsonException)
            {
                throw new VimException(operation, $"{verb} {Endpoint}/{PathOnly(path)}: the API server answered {code} with a body that is not JSON", transient: true);
            }
        }
        // A Kubernetes Status: {"kind":"Status","reason":"NotFound","message":"..."}.
        string? message = null, reason = null;
        try
        {
            var status = JsonNode.Parse(r.Text);
            message = status?["message"]?.GetValue<string>();
            reason = status?["reason"]?.GetValue<string>();
        }
        catch (System.Text.Json.JsonException)
        {
        }
        var what = code switch
        {
            401 => "unauthorized (check accessInfo: bearer_token or client_cert/client_key)",
            403 => "forbidden",
            _ => reason ?? r.Status.ToString(),
        };
        var detail = message is { Length: > 0 } ? $": {Truncate(message, 500)}" : "";
        var transient = code is 429 or >= 500 || r.Status == HttpStatusCode.Conflict && reason == "Conflict";
        throw KubernetesCallException.Create(operation, $"{verb} {Endpoint}/{PathOnly(path)} answered {code} {what}{detail}", code, transient);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "...";
}

/// <summary>A failed call as a <see cref="VimException"/> that also carries the HTTP status (Data["http_status"]).</summary>
internal static class KubernetesCallException
{
    public static VimException Create(string operation, string message, int status, bool transient)
    {
        var e = new VimException(operation, message, transient);
        e.Data["http_status"] = status;
        return e;
    }

    public static int? Status(VimException e) => e.Data["http_status"] as int?;
}
