using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mano.VimAdapters.OpenStack;

/// <summary>Turns an OpenStack error answer into a <see cref="VimException"/> naming the call and OpenStack's own message.</summary>
internal static partial class OpenStackErrors
{
    public static VimException FromResponse(string operation, HttpMethod method, string service, string path, HttpStatusCode status, string body)
    {
        var message = ExtractMessage(body);
        var transient = (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.Conflict && message.Contains("retry", StringComparison.OrdinalIgnoreCase);
        return new VimException(operation,
            $"{service} answered HTTP {(int)status} {status} to {method} {StripQuery(path)}: {message}", transient);
    }

    public static VimException FromTransport(string operation, HttpMethod method, string service, string path, Exception e) =>
        new(operation, $"{service} did not answer {method} {StripQuery(path)}: {e.GetType().Name}: {e.Message}", transient: true, e);

    private static string StripQuery(string path)
    {
        var q = path.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? path : path[..q];
    }

    /// <summary>
    /// OpenStack's error bodies differ by service: Nova <c>{"badRequest": {"message": ...}}</c>, Neutron
    /// <c>{"NeutronError": {"message": ...}}</c>, Keystone <c>{"error": {"message": ...}}</c>, Glance often plain text or
    /// HTML. The first "message" (or "detail"/"title") found wins; else the text without markup, shortened.
    /// </summary>
    internal static string ExtractMessage(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "(empty answer)";
        try
        {
            using var doc = JsonDocument.Parse(body);
            var found = Find(doc.RootElement, 0);
            if (found is not null) return Shorten(found);
        }
        catch (JsonException)
        {
        }
        return Shorten(Whitespace().Replace(Tags().Replace(body, " "), " ").Trim());
    }

    private static string? Find(JsonElement e, int depth)
    {
        if (depth > 3 || e.ValueKind != JsonValueKind.Object) return null;
        foreach (var name in (string[])["message", "faultstring", "detail", "title"])
            if (e.TryGetProperty(name, out var m) && m.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(m.GetString()))
                return m.GetString();
        foreach (var p in e.EnumerateObject())
        {
            var inner = Find(p.Value, depth + 1);
            if (inner is not null) return inner;
        }
        return null;
    }

    private static string Shorten(string s) => s.Length <= 600 ? s : s[..600] + "...";

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
