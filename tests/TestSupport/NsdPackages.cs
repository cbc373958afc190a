using System.Security.Cryptography;
using System.Text;

namespace Mano.TestSupport;

/// <summary>
/// The test NSD of issue 6 (tests/TestSupport/Nsd/chain_nsd.yaml + chain_types.yaml, SOL001 v3.5.1 types) as a SOL007
/// NSD archive (the SOL004 CSAR layout: TOSCA-Metadata/TOSCA.meta, a manifest with SHA-256 digests of every file,
/// Definitions/, and one non-MANO artifact), and the three VNF packages it references, from the Tacker corpus:
/// <list type="table">
/// <item><term>VNF_A (mano.vnf.Edge)</term><description>sample-vnf_packages_helloworld, vnfd id
/// b1bb0ce7-ebca-4fa7-95ed-4840d70a1177, flavour "simple"; ext CP virtual_link_external (VDU CP1) on VL_data.</description></item>
/// <item><term>VNF_B (mano.vnf.Filter)</term><description>v2-os-doc_chg_vnfpkg_before, vnfd id
/// c499a115-3f48-4a1e-8211-04f0d0b3b3bf, flavour "simple"; ext CPs virtual_link_external1_1 (VDU1_CP1) on VL_data,
/// virtual_link_external1_2 (VDU2_CP1) on VL_mgmt.</description></item>
/// <item><term>VNF_C (mano.vnf.Backend)</term><description>v2-os-doc_chg_vnfpkg_after, vnfd id
/// 3e7c1be1-ec09-4288-bbf6-e2af08086b61, flavour "simple"; ext CP virtual_link_external1_1 (VDU1_CP1) on VL_mgmt;
/// depends on VNF_A (instantiated after it).</description></item>
/// </list>
/// NS virtual links VL_data (10.0.0.0/24) and VL_mgmt (10.0.1.0/24); SAP_ingress on VL_data; VNFFG_http with NFP_http:
/// POS_1 = [VNF_A, virtual_link_external], POS_2 = [VNF_B, virtual_link_external1_1], classified by http_classifier
/// (NfpRule: ipv4, tcp, source 10.0.0.0/24, destination port 80); instantiation levels "basic" (default, 1/1/1) and
/// "double_filter" (VNF_B x2); scaling aspect "filter_capacity" (VNF_B 1..3 at NS scale levels 0..2).
/// </summary>
public static class NsdPackages
{
    public const string NsdId = "6a0c3f52-7e1d-4b8a-9c55-1f2e3d4c0601";
    public const string NsdInvariantId = "6a0c3f52-7e1d-4b8a-9c55-1f2e3d4c0600";
    public const string NsdName = "mano-chain";
    public const string EdgeVnfdId = "b1bb0ce7-ebca-4fa7-95ed-4840d70a1177";
    public const string FilterVnfdId = "c499a115-3f48-4a1e-8211-04f0d0b3b3bf";
    public const string BackendVnfdId = "3e7c1be1-ec09-4288-bbf6-e2af08086b61";
    /// <summary>The vnfd id that <see cref="ChainNsdMissingVnfd"/> gives VNF_C: no corpus package has it.</summary>
    public const string MissingVnfdId = "0bad0bad-0000-4000-8000-00000000c0de";

    public const string EntryDefinitions = "Definitions/chain_nsd.yaml";
    public const string TypesFile = "Definitions/chain_types.yaml";
    public const string ManifestFile = "chain_nsd.mf";
    public const string ArtifactFile = "Files/README.txt";

    public static string Directory => Path.Combine(RepoPaths.RepoRoot, "tests", "TestSupport", "Nsd");

    /// <summary>The NSD's main template (YAML text).</summary>
    public static string ChainNsdYaml => File.ReadAllText(Path.Combine(Directory, "chain_nsd.yaml"));

    public static string ChainTypesYaml => File.ReadAllText(Path.Combine(Directory, "chain_types.yaml"));

    /// <summary>The corpus directories of VNF_A, VNF_B and VNF_C, in that order.</summary>
    public static IReadOnlyList<(string VnfdId, string CorpusPackage)> VnfPackageSources =>
    [
        (EdgeVnfdId, "sample-vnf_packages_helloworld"),
        (FilterVnfdId, "v2-os-doc_chg_vnfpkg_before"),
        (BackendVnfdId, "v2-os-doc_chg_vnfpkg_after"),
    ];

    /// <summary>The three VNF packages (CSAR zips) the chain NSD references, in the order VNF_A, VNF_B, VNF_C.</summary>
    public static IReadOnlyList<(string VnfdId, byte[] Csar)> VnfPackages() =>
    [
        (EdgeVnfdId, Csars.HelloWorld()),
        (FilterVnfdId, Csars.ZipDirectory(RepoPaths.Tacker("v2-os-doc_chg_vnfpkg_before"), [])),
        // Its VDU1/VDU2 name the cirros image as a package file, which the corpus lacks: a placeholder stands in (as for helloworld).
        (BackendVnfdId, Csars.ZipDirectory(RepoPaths.Tacker("v2-os-doc_chg_vnfpkg_after"),
            [(Csars.CirrosImage, "placeholder for the cirros image (not in the corpus)"u8.ToArray())])),
    ];

    /// <summary>The chain NSD as a SOL007 NSD archive (ZIP).</summary>
    public static byte[] ChainNsd() => Archive(ChainNsdYaml);

    /// <summary>The chain NSD with VNF_C's vnfd id replaced by <see cref="MissingVnfdId"/> (its onboarding must fail).</summary>
    public static byte[] ChainNsdMissingVnfd() => Archive(ChainNsdYaml.Replace(BackendVnfdId, MissingVnfdId, StringComparison.Ordinal));

    /// <summary>A SOL007 archive of the given main template (plus the chain types), with TOSCA.meta, manifest and one artifact.</summary>
    public static byte[] Archive(string nsdYaml, string? typesYaml = null)
    {
        var files = new List<(string Path, byte[] Content)>
        {
            (EntryDefinitions, Encoding.UTF8.GetBytes(nsdYaml)),
            (TypesFile, Encoding.UTF8.GetBytes(typesYaml ?? ChainTypesYaml)),
            (ArtifactFile, "Operator notes for the mano-chain test NS.\n"u8.ToArray()),
        };
        var manifest = new StringBuilder()
            .Append("metadata:\n")
            .Append("  nsd_designer: Mano\n")
            .Append($"  nsd_invariant_id: {NsdInvariantId}\n")
            .Append($"  nsd_name: {NsdName}\n")
            .Append("  nsd_release_date_time: 2026-11-28T00:00:00+00:00\n")
            .Append("  nsd_file_structure_version: '1.0'\n")
            .Append("  compatible_specification_versions: 3.5.1\n");
        foreach (var (path, content) in files)
            manifest.Append($"\nSource: {path}\nAlgorithm: SHA-256\nHash: {Convert.ToHexStringLower(SHA256.HashData(content))}\n");
        files.Add((ManifestFile, Encoding.UTF8.GetBytes(manifest.ToString())));
        files.Add(("TOSCA-Metadata/TOSCA.meta", Encoding.UTF8.GetBytes(
            "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: Mano tests\n" +
            $"Entry-Definitions: {EntryDefinitions}\nETSI-Entry-Manifest: {ManifestFile}\n")));
        return Csars.Zip(files);
    }
}
