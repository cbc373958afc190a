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

    /// <summary>
    /// A second package of the same product (for change_vnfpkg and change_flavour): another vnfdId, VDU1 on another
    /// software image, and a second flavour "big" whose VDUs have 2 vCPUs.
    /// </summary>
    public const string V2VnfdId = "b1bb0ce7-ebca-4fa7-95ed-4840d70a2222";

    private static readonly Lazy<(KnownVnfd Known, OnboardedVnfPackage Package)> LoadedV2 = new(LoadV2);

    public static KnownVnfd KnownV2 => LoadedV2.Value.Known;

    public static OnboardedVnfPackage PackageV2 => LoadedV2.Value.Package;

    private static (KnownVnfd, OnboardedVnfPackage) LoadV2()
    {
        var files = Package.VnfdFiles.ToDictionary(kv => kv.Key,
            kv => System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(kv.Value).Replace(VnfdId, V2VnfdId)));
        string Text(string path) => System.Text.Encoding.UTF8.GetString(files[path]);
        var df = files.Keys.Single(k => k.EndsWith("helloworld3_df_simple.yaml", StringComparison.Ordinal));
        var top = files.Keys.Single(k => k.EndsWith("helloworld3_top.vnfd.yaml", StringComparison.Ordinal));
        var types = files.Keys.Single(k => k.EndsWith("helloworld3_types.yaml", StringComparison.Ordinal));
        var simple = Text(df).Replace("name: Software of VDU1", "name: Software of VDU1 v2");
        files[df] = System.Text.Encoding.UTF8.GetBytes(simple);
        files[df.Replace("simple", "big")] = System.Text.Encoding.UTF8.GetBytes(
            simple.Replace("flavour_id: simple", "flavour_id: big").Replace("num_virtual_cpu: 1", "num_virtual_cpu: 2"));
        files[top] = System.Text.Encoding.UTF8.GetBytes(Text(top).Replace("  - helloworld3_df_simple.yaml", "  - helloworld3_df_simple.yaml\n  - helloworld3_df_big.yaml"));
        files[types] = System.Text.Encoding.UTF8.GetBytes(Text(types).Replace("valid_values: [ simple ]", "valid_values: [ simple, big ]"));
        var parsed = VnfdParser.Parse(files, Package.EntryDefinitions);
        if (parsed.Vnfd is not { } vnfd || parsed.HasErrors)
            throw new InvalidOperationException("the helloworld v2 VNFD did not parse cleanly: " + string.Join("; ", parsed.Diagnostics.Select(d => d.ToString())));
        var package = Package with { VnfPkgId = "pkg-helloworld-v2", VnfdId = V2VnfdId, VnfdFiles = files };
        return (new KnownVnfd(package, vnfd), package);
    }

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
