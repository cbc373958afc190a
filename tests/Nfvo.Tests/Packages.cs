using System.IO.Compression;

namespace Mano.Nfvo.Tests;

/// <summary>VNF packages built in memory from the shared corpus (../shared/corpus next to the repository).</summary>
internal static class Packages
{
    public const string HelloWorldVnfdId = "b1bb0ce7-ebca-4fa7-95ed-4840d70a1177";
    public const string CirrosImage = "Files/images/cirros-0.5.2-x86_64-disk.img";

    private static readonly Lazy<string> RepoRootLazy = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repository root (Directory.Packages.props) not found above " + AppContext.BaseDirectory);
    });

    public static string Corpus(string package) =>
        Path.GetFullPath(Path.Combine(RepoRootLazy.Value, "..", "shared", "corpus", "tacker", package));

    /// <summary>
    /// Tacker's helloworld sample as a CSAR. Its TOSCA.meta lists the cirros image, which the corpus lacks: with
    /// <paramref name="withImage"/> a small placeholder stands in for it.
    /// </summary>
    public static byte[] HelloWorld(bool withImage = true) =>
        ZipDirectory(Corpus("sample-vnf_packages_helloworld"),
            withImage ? [(CirrosImage, "placeholder for the cirros image (not in the corpus)"u8.ToArray())] : []);

    public static byte[] ZipDirectory(string dir, IEnumerable<(string Path, byte[] Content)> extra)
    {
        var files = Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(dir, f).Replace('\\', '/'), File.ReadAllBytes(f)))
            .Concat(extra);
        return Zip(files);
    }

    public static byte[] Zip(IEnumerable<(string Path, byte[] Content)> files)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (path, content) in files)
            {
                using var s = zip.CreateEntry(path).Open();
                s.Write(content);
            }
        return ms.ToArray();
    }

    public static Dictionary<string, byte[]> Unzip(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var e in archive.Entries)
        {
            using var s = e.Open();
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            result[e.FullName] = ms.ToArray();
        }
        return result;
    }
}
