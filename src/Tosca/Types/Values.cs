using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mano.Tosca;

/// <summary>Parsing of TOSCA primitive literals from YAML scalars, and comparison for constraints.</summary>
internal static class Values
{
    /// <summary>YAML 1.2 core booleans plus the YAML 1.1 yes/no/on/off that PyYAML-based TOSCA tools (Tacker) accept.</summary>
    public static bool? ParseBool(string? s) => s?.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        _ => null,
    };

    /// <summary>YAML 1.2 integer (decimal, 0x hex, 0o octal), optionally signed.</summary>
    public static long? ParseInt(string? s)
    {
        if (string.IsNullOrEmpty(s)) return null;
        var t = s.Replace("_", "", StringComparison.Ordinal);
        var neg = false;
        if (t[0] is '+' or '-') { neg = t[0] == '-'; t = t[1..]; }
        if (t.Length == 0) return null;
        long v;
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            if (!long.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out v)) return null;
        }
        else if (t.StartsWith("0o", StringComparison.OrdinalIgnoreCase))
        {
            try { v = Convert.ToInt64(t[2..], 8); }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException) { return null; }
        }
        else if (!t.All(char.IsAsciiDigit) || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out v)) return null;
        return neg ? -v : v;
    }

    public static double? ParseFloat(string? s)
    {
        if (string.IsNullOrEmpty(s)) return null;
        switch (s.ToLowerInvariant())
        {
            case ".inf" or "+.inf": return double.PositiveInfinity;
            case "-.inf": return double.NegativeInfinity;
            case ".nan": return double.NaN;
        }
        if (ParseInt(s) is { } i) return i;
        if (!s.Any(char.IsAsciiDigit) || s.Any(c => !(char.IsAsciiDigit(c) || c is '.' or '-' or '+' or 'e' or 'E'))) return null;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    private static readonly Regex TimestampRegex = new(
        @"^(?<y>\d{4})-(?<mo>\d{1,2})-(?<d>\d{1,2})(?:(?:[Tt]|[ \t]+)(?<h>\d{1,2}):(?<mi>\d{2}):(?<s>\d{2})(?<f>\.\d*)?(?:[ \t]*(?<z>Z|[-+]\d{1,2}(?::?\d{2})?))?)?$",
        RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    /// <summary>YAML timestamp (ISO 8601 subset), as TOSCA's timestamp type requires.</summary>
    public static DateTimeOffset? ParseTimestamp(string? s)
    {
        if (s is null) return null;
        var m = TimestampRegex.Match(s.Trim());
        if (!m.Success) return null;
        try
        {
            int I(string g) => int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
            var offset = TimeSpan.Zero;
            if (m.Groups["z"].Success && m.Groups["z"].Value != "Z")
            {
                var z = m.Groups["z"].Value;
                var sign = z[0] == '-' ? -1 : 1;
                var parts = z[1..].Replace(":", "", StringComparison.Ordinal);
                var hh = int.Parse(parts.Length <= 2 ? parts : parts[..^2], CultureInfo.InvariantCulture);
                var mm = parts.Length > 2 ? int.Parse(parts[^2..], CultureInfo.InvariantCulture) : 0;
                offset = TimeSpan.FromMinutes(sign * (hh * 60 + mm));
            }
            if (!m.Groups["h"].Success) return new DateTimeOffset(I("y"), I("mo"), I("d"), 0, 0, 0, TimeSpan.Zero);
            var dt = new DateTimeOffset(I("y"), I("mo"), I("d"), I("h"), I("mi"), I("s"), offset);
            if (m.Groups["f"].Success && m.Groups["f"].Value.Length > 1)
                dt = dt.AddTicks((long)(double.Parse("0" + m.Groups["f"].Value, CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond));
            return dt;
        }
        catch (ArgumentOutOfRangeException) { return null; }
    }

    private static readonly Regex VersionRegex = new(@"^(\d+)\.(\d+)(?:\.(\d+)(?:\.([A-Za-z0-9_]+)(?:-(\d+))?)?)?$",
        RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    /// <summary>TOSCA version: major.minor[.fix[.qualifier[-build]]].</summary>
    public static ToscaVersion? ParseVersion(string? s)
    {
        if (s is null) return null;
        var m = VersionRegex.Match(s.Trim());
        if (!m.Success) return null;
        long G(int i) => m.Groups[i].Success && long.TryParse(m.Groups[i].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
        return new ToscaVersion(G(1), G(2), G(3), m.Groups[4].Success ? m.Groups[4].Value : "", G(5));
    }

    private static readonly ConcurrentDictionary<string, Regex?> Patterns = new(StringComparer.Ordinal);

    /// <summary>A compiled pattern constraint (matched against the whole value), with a match timeout; null if invalid.</summary>
    public static Regex? Regex(string pattern)
    {
        if (Patterns.TryGetValue(pattern, out var r)) return r;
        try { r = new Regex("^(?:" + pattern + ")$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)); }
        catch (ArgumentException) { r = null; }
        if (Patterns.Count < 10_000) Patterns.TryAdd(pattern, r);
        return r;
    }

    /// <summary>
    /// The comparable value of a scalar literal of a primitive type (double for numbers and scalar-units in their base unit,
    /// DateTimeOffset, ToscaVersion, bool, string), or null when the literal is not of that type.
    /// </summary>
    public static IComparable? Comparable(string primitive, YamlNode node)
    {
        if (node is not YamlScalarNode s || s.Value is null) return null;
        var text = s.Value;
        switch (primitive)
        {
            case Primitive.String:
                return text;
            case Primitive.Integer:
                return s.Style is ScalarStyle.Plain or ScalarStyle.Any && ParseInt(text) is { } i ? (double)i : null;
            case Primitive.Float:
                return s.Style is ScalarStyle.Plain or ScalarStyle.Any && ParseFloat(text) is { } f ? f : null;
            case Primitive.Boolean:
                return s.Style is ScalarStyle.Plain or ScalarStyle.Any ? ParseBool(text) : null;
            case Primitive.Timestamp:
                return ParseTimestamp(text);
            case Primitive.Version:
                return ParseVersion(text);
            case Primitive.Size or Primitive.Time or Primitive.Frequency or Primitive.Bitrate:
                return ScalarUnit.TryParse(primitive["scalar-unit.".Length..], text, out var v) ? v : null;
            default:
                return null;
        }
    }

    /// <summary>Structural equality of two YAML values (scalars by text).</summary>
    public static bool SameValue(YamlNode a, YamlNode b)
    {
        switch (a, b)
        {
            case (YamlScalarNode x, YamlScalarNode y):
                return x.Value == y.Value;
            case (YamlSequenceNode x, YamlSequenceNode y):
                if (x.Children.Count != y.Children.Count) return false;
                for (var i = 0; i < x.Children.Count; i++)
                    if (!SameValue(x.Children[i], y.Children[i])) return false;
                return true;
            case (YamlMappingNode x, YamlMappingNode y):
                if (x.Children.Count != y.Children.Count) return false;
                foreach (var (k, v) in x.Entries().Select(e => (e.Key, e.Value)))
                    if (y.Get(k) is not { } other || !SameValue(v, other)) return false;
                return true;
            default:
                return false;
        }
    }

    /// <summary>A short rendering of a value for messages.</summary>
    public static string Show(YamlNode node)
    {
        var text = node switch
        {
            YamlScalarNode s => s.Value ?? "null",
            YamlSequenceNode q => q.Children.Count == 0 ? "[]" : "a list",
            YamlMappingNode m => m.Children.Count == 0 ? "{}" : "a map",
            _ => "a value",
        };
        return text.Length > 80 ? text[..77] + "..." : text;
    }
}

/// <summary>A TOSCA version value, ordered by major, minor, fix, qualifier, build.</summary>
internal sealed record ToscaVersion(long Major, long Minor, long Fix, string Qualifier, long Build) : IComparable
{
    public int CompareTo(object? obj)
    {
        if (obj is not ToscaVersion o) return 1;
        var c = Major.CompareTo(o.Major);
        if (c == 0) c = Minor.CompareTo(o.Minor);
        if (c == 0) c = Fix.CompareTo(o.Fix);
        if (c == 0) c = string.CompareOrdinal(Qualifier, o.Qualifier);
        if (c == 0) c = Build.CompareTo(o.Build);
        return c;
    }
}
