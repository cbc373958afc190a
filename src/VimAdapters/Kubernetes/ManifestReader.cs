using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mano.VimAdapters.Kubernetes;

/// <summary>One object of a manifest file, as JSON, with where it came from.</summary>
internal sealed record ManifestObject(string Source, JsonObject Body)
{
    public string ApiVersion => Body["apiVersion"]?.GetValue<string>() ?? "";
    public string Kind => Body["kind"]?.GetValue<string>() ?? "";
    public string Name => Body["metadata"]?["name"]?.GetValue<string>() ?? "";
    public string? Namespace => Body["metadata"]?["namespace"]?.GetValue<string>() is { Length: > 0 } ns ? ns : null;
}

/// <summary>
/// Reads Kubernetes manifests (multi-document YAML or JSON) into JSON objects the way kubectl does: YAML 1.1 scalars as
/// go-yaml v2 resolves them (yes/no/on/off are booleans, 0644 is octal), merge keys, <c>kind: List</c> expanded, empty
/// documents skipped. Bounded: a document may expand (aliases included) to at most <see cref="MaxNodes"/> nodes.
/// </summary>
internal static partial class ManifestReader
{
    public const int MaxNodes = 200_000;
    public const int MaxBytes = 8 << 20;
    private const int MaxDepth = 100;

    public static List<ManifestObject> Read(KubernetesManifest manifest, string operation)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.Content.Length > MaxBytes)
            throw new VimException(operation, $"manifest '{manifest.Path}' is larger than {MaxBytes >> 20} MiB");
        var stream = new YamlStream();
        try
        {
            stream.Load(new MergingParser(new Parser(new StringReader(manifest.Content))));
        }
        catch (YamlException e)
        {
            throw new VimException(operation, $"manifest '{manifest.Path}' is not valid YAML: {e.Message}");
        }
        var objects = new List<ManifestObject>();
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            var source = stream.Documents.Count == 1 ? manifest.Path : $"{manifest.Path} (document {i + 1})";
            var budget = MaxNodes;
            var root = Convert(stream.Documents[i].RootNode, ref budget, 0, source, operation);
            if (root is null) continue; // an empty document ("---" at the end, comments only)
            if (root is not JsonObject obj)
                throw new VimException(operation, $"{source} is not a Kubernetes object (a mapping with apiVersion, kind and metadata)");
            if (obj["kind"]?.GetValue<string>() is { } kind && kind.EndsWith("List", StringComparison.Ordinal) && obj["items"] is JsonArray items)
            {
                // kind: List (or FooList): each item is an object of its own.
                var n = 0;
                foreach (var item in items)
                {
                    n++;
                    if (item is not JsonObject o)
                        throw new VimException(operation, $"{source} item {n} is not a Kubernetes object");
                    objects.Add(Checked(new ManifestObject($"{source} item {n}", (JsonObject)o.DeepClone()), operation));
                }
                continue;
            }
            objects.Add(Checked(new ManifestObject(source, obj), operation));
        }
        return objects;
    }

    private static ManifestObject Checked(ManifestObject o, string operation)
    {
        var missing = new List<string>();
        if (o.ApiVersion.Length == 0) missing.Add("apiVersion");
        if (o.Kind.Length == 0) missing.Add("kind");
        if (missing.Count > 0)
            throw new VimException(operation, $"{o.Source}: {string.Join(", ", missing)} missing");
        // metadata.name is checked once the kind is known: create-only kinds (reviews) need none.
        return o;
    }

    private static JsonNode? Convert(YamlNode node, ref int budget, int depth, string source, string operation)
    {
        if (--budget < 0) throw new VimException(operation, $"{source} expands to more than {MaxNodes} YAML nodes");
        if (depth > MaxDepth) throw new VimException(operation, $"{source} nests deeper than {MaxDepth} levels");
        switch (node)
        {
            case YamlMappingNode map:
            {
                var obj = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    var key = k is YamlScalarNode ks ? ks.Value ?? "" : throw new VimException(operation, $"{source}: a mapping key is not a scalar");
                    obj[key] = Convert(v, ref budget, depth + 1, source, operation);
                }
                return obj;
            }
            case YamlSequenceNode seq:
            {
                var array = new JsonArray();
                foreach (var item in seq.Children) array.Add(Convert(item, ref budget, depth + 1, source, operation));
                return array;
            }
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                return null;
        }
    }

    private static JsonNode? Scalar(YamlScalarNode s)
    {
        var v = s.Value ?? "";
        if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return JsonValue.Create(v);
        if (!s.Tag.IsEmpty)
        {
            var tag = s.Tag.Value;
            if (tag is "tag:yaml.org,2002:str" or "!" or "tag:yaml.org,2002:binary") return JsonValue.Create(v);
        }
        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF":
                return JsonValue.Create(false);
        }
        var plain = v.Replace("_", "", StringComparison.Ordinal);
        if (DecimalInt().IsMatch(v) && long.TryParse(plain, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
            return JsonValue.Create(i);
        if (OctalInt().IsMatch(v))
        {
            var digits = plain.StartsWith("0o", StringComparison.Ordinal) ? plain[2..] : plain[1..];
            try { return JsonValue.Create(System.Convert.ToInt64(digits, 8)); } catch (OverflowException) { return JsonValue.Create(v); }
        }
        if (HexInt().IsMatch(v) && long.TryParse(plain[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h))
            return JsonValue.Create(h);
        if (Float().IsMatch(v) && double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            return JsonValue.Create(d);
        return JsonValue.Create(v);
    }

    [GeneratedRegex("^[-+]?(0|[1-9][0-9_]*)$")]
    private static partial Regex DecimalInt();

    [GeneratedRegex("^(0[0-7_]+|0o[0-7_]+)$")]
    private static partial Regex OctalInt();

    [GeneratedRegex("^0x[0-9a-fA-F_]+$")]
    private static partial Regex HexInt();

    [GeneratedRegex("^[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
