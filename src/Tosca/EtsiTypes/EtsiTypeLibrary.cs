using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Mano.Tosca;

/// <summary>
/// The bundled ETSI GS NFV-SOL 001 type files (every version from 2.5.1 to 4.4.1, embedded as "EtsiTypes/&lt;version&gt;/&lt;file&gt;")
/// and Mano's normative TOSCA types ("Types/tosca_simple_profile_types.yaml"). Each file is parsed once per process; the parsed
/// sources and the per-version base type systems are immutable and shared by every package (thread-safe).
/// </summary>
internal static partial class EtsiTypeLibrary
{
    public const string DefaultVersion = "2.6.1";
    /// <summary>The first SOL001 version written for TOSCA Simple Profile 1.3.</summary>
    public const string DefaultVersionTosca13 = "3.3.1";
    public static readonly string[] Kinds = ["common", "vnfd", "pnfd", "nsd"];
    private const string NormativeResource = "Types/tosca_simple_profile_types.yaml";

    private static readonly Assembly Asm = typeof(EtsiTypeLibrary).Assembly;

    /// <summary>version -> kind -> resource name.</summary>
    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> Index = new(() =>
    {
        var map = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var name in Asm.GetManifestResourceNames())
        {
            var parts = name.Split('/');
            if (parts.Length != 3 || parts[0] != "EtsiTypes" || ParseFileName(parts[2]) is not { } id) continue;
            if (!map.TryGetValue(parts[1], out var kinds)) map[parts[1]] = kinds = new(StringComparer.Ordinal);
            kinds[id.Kind] = name;
        }
        return map.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, string>)kv.Value, StringComparer.Ordinal);
    });

    /// <summary>Bundled versions, oldest first.</summary>
    public static IReadOnlyList<string> Versions { get; } = Index.Value.Keys.OrderBy(VersionKey).ToList();

    /// <summary>Resource names of every bundled ETSI file ("EtsiTypes/2.6.1/etsi_nfv_sol001_vnfd_types.yaml").</summary>
    public static IEnumerable<string> ResourceNames => Index.Value.Values.SelectMany(k => k.Values).Order(StringComparer.Ordinal);

    public static bool Has(string version, string kind) => Index.Value.TryGetValue(version, out var k) && k.ContainsKey(kind);

    public static byte[] ReadResource(string name)
    {
        using var s = Asm.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"Resource '{name}' is not embedded.");
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    private static readonly Lazy<TypeSource> NormativeSource = new(() => LoadResource(NormativeResource).Source!);

    /// <summary>Mano's normative TOSCA Simple Profile types.</summary>
    public static TypeSource Normative => NormativeSource.Value;

    /// <summary>A bundled file parsed: its YAML root, type source and load diagnostics (none for a healthy bundle).</summary>
    internal sealed record Parsed(string Resource, YamlDotNet.RepresentationModel.YamlMappingNode? Root, TypeSource? Source, IReadOnlyList<Diagnostic> Diagnostics);

    private static readonly ConcurrentDictionary<string, Lazy<Parsed>> ParsedFiles = new(StringComparer.Ordinal);

    internal static Parsed LoadResource(string resource) =>
        ParsedFiles.GetOrAdd(resource, r => new Lazy<Parsed>(() =>
        {
            var diags = new DiagnosticBag();
            var root = YamlLoader.Load(r, ReadResource(r), CsarLimits.Default.MaxYamlBytes, diags);
            var src = root is null ? null : TypeSource.Parse(r, root, bundled: true);
            if (src is not null) diags.AddRange(src.Diagnostics);
            return new Parsed(r, root, src, diags.Items.ToList());
        })).Value;

    /// <summary>The bundled file of that version and kind, parsed once.</summary>
    public static Parsed? File(string version, string kind) =>
        Index.Value.TryGetValue(version, out var kinds) && kinds.TryGetValue(kind, out var res) ? LoadResource(res) : null;

    private static readonly ConcurrentDictionary<string, Lazy<TypeSystem>> Bases = new(StringComparer.Ordinal);

    /// <summary>
    /// The shared base type system of a version: every bundled ETSI file of it (common, vnfd, pnfd, nsd) and the normative
    /// TOSCA types. Built once per version.
    /// </summary>
    public static TypeSystem Base(string version) =>
        Bases.GetOrAdd(version, v => new Lazy<TypeSystem>(() =>
        {
            var sources = new List<TypeSource>();
            foreach (var kind in Kinds)
                if (File(v, kind)?.Source is { } s) sources.Add(s);
            sources.Add(Normative);
            return new TypeSystem(sources, null);
        })).Value;

    /// <summary>The bundled version to use for a requested one: itself when bundled (with that kind), else the nearest older one, else the oldest.</summary>
    public static string Nearest(string requested, string kind)
    {
        if (Has(requested, kind)) return requested;
        var key = VersionKey(requested);
        var candidates = Versions.Where(v => Has(v, kind)).ToList();
        var older = candidates.LastOrDefault(v => VersionKey(v).CompareTo(key) <= 0);
        return older ?? candidates.FirstOrDefault() ?? DefaultVersion;
    }

    private static (int, int, int) VersionKey(string v)
    {
        var p = v.Split('.');
        int At(int i) => i < p.Length && int.TryParse(p[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        return (At(0), At(1), At(2));
    }

    [GeneratedRegex(@"^etsi_nfv_sol001_(?<kind>common|vnfd|nsd|pnfd)(?:_(?<v>\d+_\d+_\d+))?_types\.ya?ml$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNameRegex();

    [GeneratedRegex(@"^v?(?<v>\d+\.\d+\.\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionSegmentRegex();

    [GeneratedRegex(@"\b(?<v>\d+\.\d+\.\d+)\b", RegexOptions.CultureInvariant)]
    private static partial Regex VersionInTextRegex();

    /// <summary>An ETSI SOL001 type file name ("etsi_nfv_sol001_vnfd_types.yaml", or SOL001 2.5.1's "etsi_nfv_sol001_vnfd_2_5_1_types.yaml").</summary>
    public static (string Kind, string? Version)? ParseFileName(string fileName)
    {
        var m = FileNameRegex().Match(fileName);
        if (!m.Success) return null;
        return (m.Groups["kind"].Value, m.Groups["v"].Success ? m.Groups["v"].Value.Replace('_', '.') : null);
    }

    /// <summary>
    /// An import URL naming an ETSI SOL001 type file: its kind and the version in the URL (a path segment "v2.6.1" / "2.6.1",
    /// as in https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_common_types.yaml, or the file name's own).
    /// </summary>
    public static (string Kind, string? Version)? ParseUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return null;
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || ParseFileName(Uri.UnescapeDataString(segments[^1])) is not { } id) return null;
        if (id.Version is not null) return id;
        foreach (var s in segments.Reverse())
        {
            var m = VersionSegmentRegex().Match(Uri.UnescapeDataString(s));
            if (m.Success) return (id.Kind, m.Groups["v"].Value);
        }
        return (id.Kind, null);
    }

    /// <summary>The SOL001 version a (package copy of an) ETSI type file declares: metadata.template_version, else "version X.Y.Z" in its description.</summary>
    public static string? DeclaredVersion(YamlDotNet.RepresentationModel.YamlMappingNode root)
    {
        if (root.Get("metadata", "template_version").Str() is { } tv && VersionSegmentRegex().IsMatch(tv)) return tv.TrimStart('v');
        var d = root.Get("description").Str();
        var m = d is null ? null : VersionInTextRegex().Match(d);
        return m is { Success: true } ? m.Groups["v"].Value : null;
    }
}
