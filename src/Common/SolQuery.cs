using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mano.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mano.Common;

/// <summary>
/// Settings of the SOL013 query layer, from configuration section "Sol013" (or registered as a singleton):
/// <c>Sol013:PageSize</c> (default 100) and <c>Sol013:PagingKey</c>, the secret that makes paging markers
/// tamper-evident (every replica must share it; without it a built-in key still detects corrupted markers).
/// </summary>
public sealed class SolQueryOptions
{
    public const string Section = "Sol013";
    private const string BuiltInKey = "mano-sol013-paging-marker-v1";

    public int PageSize { get; set; } = 100;
    public string? PagingKey { get; set; }

    internal byte[] Key => Encoding.UTF8.GetBytes(string.IsNullOrEmpty(PagingKey) ? BuiltInKey : PagingKey);

    public static SolQueryOptions From(IServiceProvider services)
    {
        if (services.GetService<SolQueryOptions>() is { } registered) return registered;
        var options = new SolQueryOptions();
        services.GetService<IConfiguration>()?.GetSection(Section).Bind(options);
        if (options.PageSize < 1) options.PageSize = 100;
        return options;
    }
}

/// <summary>
/// SOL013 queries of a GET list, in the database: attribute-based filter (5.2), attribute selectors (5.3) and paging
/// with <c>nextpage_opaque_marker</c> and a <c>Link: &lt;...&gt;; rel="next"</c> header (5.4, alternative 2).
/// <code>
/// private static Task&lt;IResult&gt; ListVnfInstances(HttpRequest http, VnfmDbContext db, CancellationToken ct) =>
///     SolQuery.ListAsync(http, db.VnfInstances.AsNoTracking(), SolResources.VnfInstance, r => ToSol(r, http), ct);
/// </code>
/// Malformed or unsupported parameters are 400 ProblemDetails, raised before the database is touched.
/// </summary>
public static class SolQuery
{
    public const string FilterParameter = "filter";
    public const string MarkerParameter = "nextpage_opaque_marker";

    public static async Task<IResult> ListAsync<TEntity, TSol>(HttpRequest http, IQueryable<TEntity> query, SolResource resource,
        Func<TEntity, TSol> toSol, CancellationToken ct)
    {
        var options = SolQueryOptions.From(http.HttpContext.RequestServices);
        var page = await PageAsync(http, query, resource, options, ct);
        var selectors = SolSelectors.Parse(http.Query, resource);
        var body = new JsonArray();
        foreach (var row in page.Items)
        {
            var node = JsonSerializer.SerializeToNode(toSol(row), SolJson.Options)!;
            if (node is JsonObject obj) selectors.Apply(obj);
            body.Add(node);
        }
        return new SolListResult(body, page.NextMarker is null ? null : NextLink(http, page.NextMarker));
    }

    /// <summary>Applies a "filter" expression (SOL013 5.2) to a query; 400 for a malformed filter or an unknown attribute.</summary>
    public static IQueryable<TEntity> Filter<TEntity>(IQueryable<TEntity> query, SolResource resource, string? filter) =>
        resource.Bind<TEntity>().Predicate(SolFilter.Parse(filter)) is { } predicate ? query.Where(predicate) : query;

    /// <summary>One page of the filtered list (rows in list order) and the marker of the next page, if there is one.</summary>
    public static async Task<SolPage<TEntity>> PageAsync<TEntity>(HttpRequest http, IQueryable<TEntity> query, SolResource resource,
        SolQueryOptions options, CancellationToken ct)
    {
        var bound = resource.Bind<TEntity>();
        var filterText = http.Query.TryGetValue(FilterParameter, out var f) ? Single(f, FilterParameter) : null;
        var filter = SolFilter.Parse(filterText);
        // Selectors are checked before the database is queried, so that a conflict is a 400 without work.
        SolSelectors.Parse(http.Query, resource);
        if (bound.Predicate(filter) is { } predicate) query = query.Where(predicate);
        if (http.Query.TryGetValue(MarkerParameter, out var m))
        {
            var (time, id) = SolPagingMarker.Read(Single(m, MarkerParameter), resource, filterText, options);
            query = query.Where(bound.After(time, id));
        }
        var rows = await bound.Order(query).Take(options.PageSize + 1).ToListAsync(ct);
        string? next = null;
        if (rows.Count > options.PageSize)
        {
            rows.RemoveAt(rows.Count - 1);
            var last = rows[^1];
            next = SolPagingMarker.Write(bound.TimeOf(last), bound.IdOf(last), resource, filterText, options);
        }
        return new SolPage<TEntity>(rows, next);
    }

    private static string Single(Microsoft.Extensions.Primitives.StringValues values, string name) =>
        values.Count == 1 ? values[0] ?? "" : throw new BadRequestProblem($"The query parameter \"{name}\" is given {values.Count} times; give it once.");

    /// <summary>The request's own URI with the marker of the next page (every other query parameter kept).</summary>
    private static string NextLink(HttpRequest http, string marker)
    {
        var sb = new StringBuilder(http.Uri(http.Path));
        var sep = '?';
        foreach (var (key, values) in http.Query)
        {
            if (key == MarkerParameter) continue;
            foreach (var v in values)
            {
                sb.Append(sep).Append(Uri.EscapeDataString(key));
                if (!string.IsNullOrEmpty(v)) sb.Append('=').Append(Uri.EscapeDataString(v));
                sep = '&';
            }
        }
        sb.Append(sep).Append(MarkerParameter).Append('=').Append(Uri.EscapeDataString(marker));
        return sb.ToString();
    }
}

public sealed record SolPage<TEntity>(IReadOnlyList<TEntity> Items, string? NextMarker);

/// <summary>A 200 JSON array, with the SOL013 5.4.2.3 <c>Link</c> header when there is a next page.</summary>
public sealed class SolListResult(JsonArray body, string? nextLink) : IResult
{
    public JsonArray Body { get; } = body;
    public string? NextLink { get; } = nextLink;

    public async Task ExecuteAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        if (NextLink is not null) context.Response.Headers.Link = $"<{NextLink}>; rel=\"next\"";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        Body.WriteTo(writer, SolJson.Options);
        await writer.FlushAsync(context.RequestAborted);
    }
}

/// <summary>
/// The opaque paging marker: the sort key (time, id) of the last row of the page, the resource name and a hash of the
/// filter it belongs to, HMAC-SHA256-signed (base64url "payload.signature"). A marker altered, truncated, or replayed
/// with another filter or on another resource is 400.
/// </summary>
internal static class SolPagingMarker
{
    public static string Write(DateTime time, string id, SolResource resource, string? filter, SolQueryOptions options)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new MarkerPayload(
            resource.Name, time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture), id, FilterHash(filter)));
        return $"{Base64Url(payload)}.{Base64Url(Sign(payload, options))}";
    }

    public static (DateTime Time, string Id) Read(string marker, SolResource resource, string? filter, SolQueryOptions options)
    {
        var parts = marker.Split('.');
        byte[] payload, signature;
        try
        {
            if (parts.Length != 2) throw new FormatException();
            payload = FromBase64Url(parts[0]);
            signature = FromBase64Url(parts[1]);
        }
        catch (FormatException)
        {
            throw Invalid("it is not a marker this server issued");
        }
        if (!CryptographicOperations.FixedTimeEquals(signature, Sign(payload, options)))
            throw Invalid("its signature does not match (altered, or issued by a server with another Sol013:PagingKey)");
        MarkerPayload? p;
        try { p = JsonSerializer.Deserialize<MarkerPayload>(payload); }
        catch (JsonException) { p = null; }
        if (p is null || !DateTime.TryParse(p.T, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
            throw Invalid("its content is unreadable");
        if (p.R != resource.Name) throw Invalid($"it belongs to a list of {p.R}, not of {resource.Name}");
        if (p.F != FilterHash(filter)) throw Invalid("it belongs to a query with another \"filter\"; page with the Link of the previous response");
        return (DateTime.SpecifyKind(time, DateTimeKind.Utc), p.I);
    }

    private static BadRequestProblem Invalid(string why) => new($"Invalid \"nextpage_opaque_marker\": {why} (SOL013 5.4.2).");

    private static byte[] Sign(byte[] payload, SolQueryOptions options) => HMACSHA256.HashData(options.Key, payload)[..16];

    private static string FilterHash(string? filter) =>
        Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(filter ?? ""))[..8]);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string s)
    {
        var b = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b.PadRight(b.Length + (4 - b.Length % 4) % 4, '='));
    }

    private sealed record MarkerPayload(string R, string T, string I, string F);
}
