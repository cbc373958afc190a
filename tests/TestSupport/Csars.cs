using System.IO.Compression;

namespace Mano.TestSupport;

/// <summary>VNF packages (SOL004 CSARs) built in memory from the shared corpus.</summary>
public static class Csars
{
    public const string HelloWorldVnfdId = "b1bb0ce7-ebca-4fa7-95ed-4840d70a1177";
    public const string CirrosImage = "Files/images/cirros-0.5.2-x86_64-disk.img";

    public static string HelloWorldDirectory => RepoPaths.Tacker("sample-vnf_packages_helloworld");

    /// <summary>
    /// Tacker's helloworld sample as a CSAR. Its TOSCA.meta lists the cirros image, which the corpus lacks: with
    /// <paramref name="withImage"/> a small placeholder stands in for it (as Tacker's own functional tests add the image
    /// before zipping; the sandbox VIM boots nothing).
    /// </summary>
    public static byte[] HelloWorld(bool withImage = true) =>
        ZipDirectory(HelloWorldDirectory,
            withImage ? [(CirrosImage, "placeholder for the cirros image (not in the corpus)"u8.ToArray())] : []);

    /// <summary>Every file under <paramref name="dir"/> (relative '/' paths), plus <paramref name="extra"/> entries.</summary>
    public static byte[] ZipDirectory(string dir, IEnumerable<(string Path, byte[] Content)> extra) =>
        Zip(Files(dir).Concat(extra));

    /// <summary>The files under <paramref name="dir"/> as (relative '/' path, content) pairs.</summary>
    public static IEnumerable<(string Path, byte[] Content)> Files(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(dir, f).Replace('\\', '/'), File.ReadAllBytes(f)));

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
