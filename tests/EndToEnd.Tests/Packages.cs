using System.IO.Compression;

namespace Mano.EndToEnd.Tests;

/// <summary>Real VNF packages from the Tacker corpus, zipped as SOL004 CSARs.</summary>
public static class Packages
{
    public const string HelloWorldVnfdId = "b1bb0ce7-ebca-4fa7-95ed-4840d70a1177";

    /// <summary>
    /// sample-vnf_packages_helloworld as a CSAR. The corpus omits the VM image its TOSCA.meta lists
    /// (Files/images/cirros-0.5.2-x86_64-disk.img), so a small stand-in file takes its place, as Tacker's own
    /// functional tests add the image before zipping.
    /// </summary>
    public static byte[] HelloWorld()
    {
        var dir = Path.Combine(Paths.Corpus, "tacker", "sample-vnf_packages_helloworld");
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
                zip.CreateEntryFromFile(file, Path.GetRelativePath(dir, file).Replace('\\', '/'));
            using var image = new StreamWriter(zip.CreateEntry("Files/images/cirros-0.5.2-x86_64-disk.img").Open());
            image.Write("stand-in for the cirros image (the sandbox VIM boots nothing)");
        }
        return buffer.ToArray();
    }
}
