using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Mano.Common;

/// <summary>
/// SOL013 clause 5.3 attribute selectors of a GET list, applied to the serialised representations (Table 5.3.2-1):
/// <list type="bullet">
/// <item>none of them, or <c>exclude_default</c>: every attribute except the resource's "default exclude set";</item>
/// <item><c>all_fields</c>: every attribute;</item>
/// <item><c>fields=a,b/c</c>: every attribute except the optional complex attributes not listed;</item>
/// <item><c>exclude_default</c> with <c>fields</c>: every attribute except the default exclude set minus those listed;</item>
/// <item><c>exclude_fields=a,b/c</c>: every attribute except those listed (nested paths through arrays too).</item>
/// </list>
/// all_fields combines with nothing, fields not with exclude_fields, exclude_fields not with exclude_default: 400.
/// </summary>
public sealed class SolSelectors
{
    public const string AllFields = "all_fields";
    public const string Fields = "fields";
    public const string ExcludeFields = "exclude_fields";
    public const string ExcludeDefault = "exclude_default";

    private readonly HashSet<string> _removeTop;
    private readonly IReadOnlyList<string[]> _removePaths;

    private SolSelectors(HashSet<string> removeTop, IReadOnlyList<string[]> removePaths)
    {
        _removeTop = removeTop;
        _removePaths = removePaths;
    }

    public static SolSelectors Parse(IQueryCollection query, SolResource resource)
    {
        if (!resource.SupportsSelectors) return new SolSelectors([], []);
        var all = query.ContainsKey(AllFields);
        var excludeDefault = query.ContainsKey(ExcludeDefault);
        var fields = List(query, Fields, resource);
        var exclude = List(query, ExcludeFields, resource);

        if (all && (fields is not null || exclude is not null || excludeDefault))
            throw new BadRequestProblem("Conflicting attribute selectors: \"all_fields\" cannot be combined with \"fields\", \"exclude_fields\" or \"exclude_default\" (SOL013 5.3.2).");
        if (fields is not null && exclude is not null)
            throw new BadRequestProblem("Conflicting attribute selectors: \"fields\" and \"exclude_fields\" cannot be combined (SOL013 5.3.2).");
        if (exclude is not null && excludeDefault)
            throw new BadRequestProblem("Conflicting attribute selectors: \"exclude_fields\" and \"exclude_default\" cannot be combined (SOL013 5.3.2).");

        if (all) return new SolSelectors([], []);
        if (exclude is not null)
            return new SolSelectors(exclude.Where(p => p.Length == 1).Select(p => p[0]).ToHashSet(StringComparer.Ordinal),
                exclude.Where(p => p.Length > 1).ToList());
        if (fields is not null)
        {
            var keep = fields.Select(p => p[0]).ToHashSet(StringComparer.Ordinal);
            var candidates = excludeDefault ? resource.DefaultExcluded : resource.OptionalComplex;
            return new SolSelectors(candidates.Where(c => !keep.Contains(c)).ToHashSet(StringComparer.Ordinal), []);
        }
        return new SolSelectors(resource.DefaultExcluded.ToHashSet(StringComparer.Ordinal), []);
    }

    private static List<string[]>? List(IQueryCollection query, string name, SolResource resource)
    {
        if (!query.TryGetValue(name, out var raw)) return null;
        var paths = raw.SelectMany(v => (v ?? "").Split(','))
            .Select(p => p.Split('/'))
            .ToList();
        if (paths.Any(p => p.Any(string.IsNullOrEmpty)))
            throw new BadRequestProblem($"Malformed \"{name}\": \"{string.Join(",", raw.ToArray())}\" has an empty attribute name (a comma-separated list of attribute paths, \"/\" for nesting).");
        foreach (var p in paths)
        {
            if (resource.TopLevel.Count > 0 && !resource.TopLevel.Contains(p[0]))
                throw new BadRequestProblem($"Invalid \"{name}\": '{p[0]}' is not an attribute of {resource.Name} (attributes: {string.Join(", ", resource.TopLevel.Order(StringComparer.Ordinal))}).");
        }
        return paths;
    }

    /// <summary>Removes the de-selected attributes from one representation (in place).</summary>
    public void Apply(JsonObject representation)
    {
        foreach (var name in _removeTop) representation.Remove(name);
        foreach (var path in _removePaths) Remove(representation, path, 0);
    }

    private static void Remove(JsonNode? node, string[] path, int depth)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array) Remove(item, path, depth);
                break;
            case JsonObject obj when depth == path.Length - 1:
                obj.Remove(path[depth]);
                break;
            case JsonObject obj:
                if (obj.TryGetPropertyValue(path[depth], out var child)) Remove(child, path, depth + 1);
                break;
        }
    }
}
