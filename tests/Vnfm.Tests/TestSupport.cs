using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.Tosca;

namespace Mano.Vnfm.Tests;

/// <summary>The real Tacker helloworld package of the shared corpus, as the NFVO would hand it to the VNFM.</summary>
internal static class Helloworld
{
    public const string FlavourId = "simple";
    public const string VnfPkgId = "pkg-helloworld";

    private static readonly Lazy<(KnownVnfd Known, OnboardedVnfPackage Package)> Loaded = new(Load);

    public static KnownVnfd Known => Loaded.Value.Known;

    public static OnboardedVnfPackage Package => Loaded.Value.Package;

    public static string VnfdId => Known.Vnfd.DescriptorId;

    public static VnfDeploymentFlavour Flavour => Known.Vnfd.FindFlavour(FlavourId)!;

    private static (KnownVnfd, OnboardedVnfPackage) Load()
    {
        var dir = Csars.HelloWorldDirectory;
        // The corpus copy lacks the image files (a package-level error the NFVO would report); the VNFD itself is
        // sound. The VNFM parses exactly the VNFD files the NFVO hands over, so do the same here.
        var csar = CsarReader.ReadDirectory(dir).Package
                   ?? throw new InvalidOperationException($"the helloworld package at {dir} could not be read");
        var files = csar.VnfdFilePaths.ToDictionary(p => p, csar.ReadFile);
        var parsed = VnfdParser.Parse(files, csar.EntryDefinitions);
        if (parsed.Vnfd is not { } vnfd || parsed.HasErrors)
            throw new InvalidOperationException($"the helloworld VNFD at {dir} did not parse cleanly: " +
                                                string.Join("; ", parsed.Diagnostics.Select(d => d.ToString())));
        var package = new OnboardedVnfPackage(VnfPkgId, vnfd.DescriptorId, vnfd.Provider, vnfd.ProductName,
            vnfd.SoftwareVersion, vnfd.DescriptorVersion, PackageOperationalState.Enabled, csar.EntryDefinitions, files);
        return (new KnownVnfd(package, vnfd), package);
    }
}
