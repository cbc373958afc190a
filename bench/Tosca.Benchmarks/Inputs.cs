using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Mano.Tosca.Benchmarks;

/// <summary>One benchmark input: a package's files in memory, the same files as a zip, and its entry definitions.</summary>
public sealed record PackageInput(string Name, IReadOnlyDictionary<string, byte[]> Files, byte[] Zip, string EntryDefinitions, IReadOnlyList<string> Placeholders);

/// <summary>Where the corpus is, and the packages built from it (everything is preloaded: no I/O is measured).</summary>
public static partial class Inputs
{
    /// <summary>The repository root: MANO_REPO, else the first directory above this program holding Directory.Packages.props.</summary>
    public static string RepoRoot
    {
        get
        {
            if (Environment.GetEnvironmentVariable("MANO_REPO") is { Length: > 0 } fromEnvironment)
                return Path.GetFullPath(fromEnvironment);
            foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                    if (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
                        return dir.FullName;
            throw new InvalidOperationException("Cannot find the repository root (Directory.Packages.props); set MANO_REPO.");
        }
    }

    /// <summary>The Tacker corpus: MANO_CORPUS_TACKER, else ../shared/corpus/tacker next to the repository.</summary>
    public static string TackerCorpus =>
        Environment.GetEnvironmentVariable("MANO_CORPUS_TACKER") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "corpus", "tacker"));

    public static IEnumerable<string> TackerPackageNames() =>
        Directory.GetDirectories(TackerCorpus)
            .Select(Path.GetFileName).OfType<string>()
            .Where(n => !n.StartsWith('_'))
            .OrderBy(n => n, StringComparer.Ordinal);

    public static PackageInput TackerPackage(string name) => FromDirectory(name, Path.Combine(TackerCorpus, name));

    /// <summary>
    /// The files of a package directory, plus a small placeholder for each file that TOSCA.meta (Name:), a manifest
    /// (Source:) or a template (artifact file:) names but the corpus lacks (images, scripts were not copied), so that
    /// the benchmark measures a package whose only findings are the parser's own. scripts/bench-tosca-parser-anchor.py
    /// fills the same files for tosca-parser.
    /// </summary>
    public static PackageInput FromDirectory(string name, string dir)
    {
        var files = Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f).Replace('\\', '/'), File.ReadAllBytes, StringComparer.Ordinal);
        var placeholders = ListedButMissing(files);
        foreach (var p in placeholders)
            files[p] = "placeholder (the corpus lacks this file)\n"u8.ToArray();
        return new PackageInput(name, files, Zip(files), EntryDefinitions(files), placeholders);
    }

    public static PackageInput FromFiles(string name, Dictionary<string, byte[]> files) =>
        new(name, files, Zip(files), EntryDefinitions(files), []);

    public static string EntryDefinitions(IReadOnlyDictionary<string, byte[]> files)
    {
        if (files.TryGetValue("TOSCA-Metadata/TOSCA.meta", out var meta))
            foreach (var line in System.Text.Encoding.UTF8.GetString(meta).Split('\n'))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line[..colon].Trim() == "Entry-Definitions")
                    return line[(colon + 1)..].Trim();
            }
        return files.Keys.Single(k => !k.Contains('/', StringComparison.Ordinal) && (k.EndsWith(".yaml", StringComparison.Ordinal) || k.EndsWith(".yml", StringComparison.Ordinal)));
    }

    private static List<string> ListedButMissing(Dictionary<string, byte[]> files)
    {
        var listed = new List<string>();
        void Scan(string path, string key)
        {
            foreach (var line in System.Text.Encoding.UTF8.GetString(files[path]).Split('\n'))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line[..colon].Trim() == key)
                    listed.Add(line[(colon + 1)..].Trim());
            }
        }

        if (files.ContainsKey("TOSCA-Metadata/TOSCA.meta")) Scan("TOSCA-Metadata/TOSCA.meta", "Name");
        foreach (var mf in files.Keys.Where(k => !k.Contains('/', StringComparison.Ordinal) && k.EndsWith(".mf", StringComparison.Ordinal)).ToList())
            Scan(mf, "Source");
        foreach (var def in files.Keys.Where(k => k.StartsWith("Definitions/", StringComparison.Ordinal) && k.Count(c => c == '/') == 1
                                                  && (k.EndsWith(".yaml", StringComparison.Ordinal) || k.EndsWith(".yml", StringComparison.Ordinal))).ToList())
            foreach (Match m in ArtifactFile().Matches(System.Text.Encoding.UTF8.GetString(files[def])))
                if (m.Groups[1].Value.Contains('/', StringComparison.Ordinal))
                    listed.Add(Normalize("Definitions/" + m.Groups[1].Value));
        return listed
            .Where(p => p.Length > 0 && !p.Contains("://", StringComparison.Ordinal) && !p.StartsWith("..", StringComparison.Ordinal))
            .Select(Normalize)
            .Where(p => !files.ContainsKey(p) && !files.Keys.Any(k => k.StartsWith(p + "/", StringComparison.Ordinal)))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    private static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var seg in path.Split('/'))
        {
            if (seg is "" or ".") continue;
            if (seg == ".." && parts.Count > 0) parts.RemoveAt(parts.Count - 1);
            else parts.Add(seg);
        }
        return string.Join('/', parts);
    }

    [GeneratedRegex(@"^\s*file:\s*['""]?([^'""#\s]+)", RegexOptions.Multiline)]
    private static partial Regex ArtifactFile();

    public static byte[] Zip(IReadOnlyDictionary<string, byte[]> files)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (path, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                using var s = zip.CreateEntry(path, CompressionLevel.Optimal).Open();
                s.Write(content);
            }
        return ms.ToArray();
    }
}
