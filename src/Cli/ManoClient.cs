using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mano.Contracts;

namespace Mano.Cli;

/// <summary>A SOL document as Mano returned it: the raw JSON (for <c>-f json</c>) and its typed view.</summary>
public sealed class SolDocument<T>(JsonNode raw)
    where T : class
{
    private T? _value;

    /// <summary>The JSON exactly as received (paged collections are concatenated into one array).</summary>
    public JsonNode Raw { get; } = raw;

    /// <summary>The typed view (SOL JSON conventions); throws <see cref="JsonException"/> when the document does not fit.</summary>
    public T Value => _value ??= Raw.Deserialize<T>(SolJson.Options) ?? throw new JsonException($"null {typeof(T).Name}");
}

/// <summary>
/// Typed client of Mano's SOL APIs over HTTP. Sends the SOL <c>Version</c> header of each API and
/// <c>Accept: application/json</c>; turns error answers (ProblemDetails) into <see cref="ManoApiException"/>.
/// </summary>
public sealed class ManoClient
{
    private const int MaxPages = 1000;

    private readonly HttpClient _http;
    private readonly Uri _endpoint;

    /// <param name="http">The HTTP client (its timeout and handler are the caller's).</param>
    /// <param name="endpoint">Mano's base URL, e.g. http://127.0.0.1:9890 (may carry a path prefix).</param>
    public ManoClient(HttpClient http, Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoint);
        _http = http;
        _endpoint = endpoint.AbsolutePath.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
    }

    /// <summary>GET /vnflcm/v2/vnf_instances (every page).</summary>
    public Task<SolDocument<List<VnfInstance>>> ListVnfInstancesAsync(CancellationToken cancellationToken = default) =>
        ListAsync<VnfInstance>(VnfLcmApi.UriPrefix + "/vnf_instances", VnfLcmApi.Version, cancellationToken);

    /// <summary>GET /vnflcm/v2/vnf_instances/{vnfInstanceId}.</summary>
    public Task<SolDocument<VnfInstance>> GetVnfInstanceAsync(string vnfInstanceId, CancellationToken cancellationToken = default) =>
        GetAsync<VnfInstance>($"{VnfLcmApi.UriPrefix}/vnf_instances/{Segment(vnfInstanceId)}", VnfLcmApi.Version, cancellationToken);

    /// <summary>GET /vnfpkgm/v2/vnf_packages (every page).</summary>
    public Task<SolDocument<List<VnfPkgInfo>>> ListVnfPackagesAsync(CancellationToken cancellationToken = default) =>
        ListAsync<VnfPkgInfo>(VnfPkgmApi.UriPrefix + "/vnf_packages", VnfPkgmApi.Version, cancellationToken);

    /// <summary>GET /vnfpkgm/v2/vnf_packages/{vnfPkgId}.</summary>
    public Task<SolDocument<VnfPkgInfo>> GetVnfPackageAsync(string vnfPkgId, CancellationToken cancellationToken = default) =>
        GetAsync<VnfPkgInfo>($"{VnfPkgmApi.UriPrefix}/vnf_packages/{Segment(vnfPkgId)}", VnfPkgmApi.Version, cancellationToken);

    private async Task<SolDocument<T>> GetAsync<T>(string path, string apiVersion, CancellationToken cancellationToken)
        where T : class
    {
        var (node, _) = await SendAsync(Resolve(path), apiVersion, cancellationToken).ConfigureAwait(false);
        return new SolDocument<T>(node);
    }

    /// <summary>GETs a collection, following SOL013 5.4.2 paging (<c>Link: &lt;...&gt;; rel="next"</c>).</summary>
    private async Task<SolDocument<List<T>>> ListAsync<T>(string path, string apiVersion, CancellationToken cancellationToken)
        where T : class
    {
        var all = new JsonArray();
        Uri? next = Resolve(path);
        for (var page = 0; next is not null; page++)
        {
            if (page == MaxPages)
            {
                throw new JsonException($"more than {MaxPages} pages: is the Link header looping?");
            }

            var current = next;
            (var node, next) = await SendAsync(current, apiVersion, cancellationToken).ConfigureAwait(false);
            if (node is not JsonArray items)
            {
                throw new JsonException($"expected a JSON array from {current.AbsolutePath}, got {node.GetValueKind()}");
            }

            foreach (var item in items.ToList())
            {
                items.Remove(item);
                all.Add(item);
            }
        }

        return new SolDocument<List<T>>(all);
    }

    /// <summary>Sends one GET; returns the parsed body and the next page's URI, if the answer is paged.</summary>
    private async Task<(JsonNode Node, Uri? NextPage)> SendAsync(Uri uri, string apiVersion, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Add("Version", apiVersion);

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw ToApiException(response, body);
        }

        var node = JsonNode.Parse(body) ?? throw new JsonException($"empty (null) body from {uri.AbsolutePath}");
        return (node, NextPage(response, uri));
    }

    private static ManoApiException ToApiException(HttpResponseMessage response, string body)
    {
        var status = response.StatusCode;
        var reason = string.IsNullOrWhiteSpace(response.ReasonPhrase) ? status.ToString() : response.ReasonPhrase;
        string? title = null;
        string? detail = null;
        try
        {
            if (body.Length > 0 && JsonNode.Parse(body) is JsonObject problem)
            {
                title = Text(problem["title"]);
                detail = Text(problem["detail"]);
            }
        }
        catch (JsonException)
        {
            // Not a ProblemDetails (a proxy's page, say): keep a short one-line text, drop markup.
            var text = body.Trim();
            detail = text.Length is > 0 and <= 200 && !text.Contains('<', StringComparison.Ordinal) && !text.Contains('\n', StringComparison.Ordinal)
                ? text
                : null;
        }

        return new ManoApiException(status, string.IsNullOrWhiteSpace(title) ? reason : title, detail);
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node?.ToJsonString();

    private Uri Resolve(string path) => new(_endpoint, path.TrimStart('/'));

    private static string Segment(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return Uri.EscapeDataString(id);
    }

    /// <summary>The <c>rel="next"</c> target of the response's Link header, resolved against the request URI.</summary>
    private static Uri? NextPage(HttpResponseMessage response, Uri current)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var header in values)
        {
            foreach (var link in header.Split(','))
            {
                var parts = link.Split(';');
                var target = parts[0].Trim();
                if (target.Length < 2 || target[0] != '<' || target[^1] != '>')
                {
                    continue;
                }

                var isNext = parts.Skip(1)
                    .Select(p => p.Trim().Replace(" ", string.Empty, StringComparison.Ordinal))
                    .Any(p => p.Equals("rel=\"next\"", StringComparison.OrdinalIgnoreCase)
                        || p.Equals("rel=next", StringComparison.OrdinalIgnoreCase));
                if (isNext && Uri.TryCreate(current, target[1..^1], out var next))
                {
                    return next;
                }
            }
        }

        return null;
    }
}
