using System.IO.Compression;
using System.Text;

namespace Mano.Tosca.Tests;

internal static class Corpus
{
    public static string Root => RepoPaths.Corpus;
    public static string Tacker(string name) => RepoPaths.Tacker(name);
    public static string Invalid(string name) => Path.Combine(Root, "tacker-invalid", name);

    public static IEnumerable<string> TackerPackages() =>
        Directory.GetDirectories(Path.Combine(Root, "tacker"))
            .Select(Path.GetFileName).OfType<string>()
            .Where(n => n != "_etsi_types")
            .OrderBy(n => n, StringComparer.Ordinal);
}

internal static class Zip
{
    /// <summary>Builds a zip in memory from (name, content) pairs.</summary>
    public static MemoryStream Build(params (string Name, byte[] Content)[] entries)
    {
        var ms = new MemoryStream();
        using (var z = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, content) in entries)
            {
                var e = z.CreateEntry(name, CompressionLevel.Fastest);
                using var s = e.Open();
                s.Write(content);
            }
        ms.Position = 0;
        return ms;
    }

    public static MemoryStream FromDirectory(string dir, string? topFolder = null)
    {
        var entries = Csars.Files(dir)
            .Select(f => ((topFolder is null ? "" : topFolder + "/") + f.Path, f.Content))
            .ToArray();
        return Build(entries);
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}

internal static class Vnfds
{
    public static VnfdParseResult ParseSingle(string yaml, string path = "Definitions/vnfd.yaml") =>
        VnfdParser.Parse(new Dictionary<string, byte[]> { [path] = Zip.Utf8(yaml) }, path);

    public static IEnumerable<Diagnostic> Errors(this IEnumerable<Diagnostic> ds) => ds.Where(d => d.Severity == Severity.Error);
}
