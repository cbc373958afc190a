using System.Security.Cryptography;
using System.Text;

namespace Mano.Tosca.Tests;

/// <summary>SOL004 manifest (.mf) parsing and hash verification, TOSCA.meta header checks.</summary>
public class ManifestTests
{
    internal const string MinimalVnfd = """
        tosca_definitions_version: tosca_simple_yaml_1_3
        topology_template:
          node_templates:
            VNF:
              type: tosca.nodes.nfv.VNF
              properties: { descriptor_id: d1, descriptor_version: '1', provider: P, product_name: N, software_version: '1', vnfm_info: [ 'etsivnfm:v2.3.1' ], flavour_id: f1, flavour_description: f }
            VDU1:
              type: tosca.nodes.nfv.Vdu.Compute
              properties: { name: VDU1, description: d, vdu_profile: { min_number_of_instances: 1, max_number_of_instances: 1 } }
        """;

    internal const string Meta = "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: test\nEntry-Definitions: Definitions/vnfd.yaml\nETSI-Entry-Manifest: manifest.mf\n";

    internal static readonly byte[] Script = Encoding.UTF8.GetBytes("#!/bin/sh\necho hello\n");

    internal static string Sha256(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));
    internal static string Sha512(byte[] b) => Convert.ToHexStringLower(SHA512.HashData(b));

    internal const string MetadataSection = """
        metadata:
        vnf_provider_id: Mano
        vnf_product_name: Sample
        vnf_release_date_time: 2024-01-01T10:00:00+00:00
        vnf_package_version: 1.0
        compatible_specification_versions: 2.6.1,4.4.1


        """;

    /// <summary>A manifest listing every file of <see cref="Package"/> except itself.</summary>
    internal static string FullManifest(string? extraBlocks = null) =>
        MetadataSection + Block("TOSCA-Metadata/TOSCA.meta", Sha256(Encoding.UTF8.GetBytes(Meta)))
        + Block("Definitions/vnfd.yaml", Sha256(Encoding.UTF8.GetBytes(MinimalVnfd)))
        + Block("Scripts/install.sh", Sha512(Script), "SHA-512")
        + extraBlocks;

    internal static string Block(string source, string hash, string alg = "SHA-256") => $"Source: {source}\nAlgorithm: {alg}\nHash: {hash}\n\n";

    internal static CsarReadResult Package(string manifest, string meta = Meta, params (string Name, byte[] Content)[] extra)
    {
        var entries = new List<(string, byte[])>
        {
            ("TOSCA-Metadata/TOSCA.meta", Zip.Utf8(meta)),
            ("Definitions/vnfd.yaml", Zip.Utf8(MinimalVnfd)),
            ("Scripts/install.sh", Script),
            ("manifest.mf", Zip.Utf8(manifest)),
        };
        entries.AddRange(extra);
        using var zip = Zip.Build(entries.ToArray());
        return CsarReader.Read(zip);
    }

    /// <summary>1-based line of the first line of <paramref name="text"/> containing <paramref name="needle"/>.</summary>
    internal static int LineOf(string text, string needle) =>
        text.Split('\n').Select((l, i) => (l, i)).First(x => x.l.Contains(needle, StringComparison.Ordinal)).i + 1;

    [Fact]
    public void A_complete_manifest_verifies_every_file_and_exposes_metadata_entries_and_checksums()
    {
        var r = Package(FullManifest());
        Assert.True(!r.Diagnostics.CsarErrors().Any(), string.Join("\n", r.Diagnostics));
        Assert.True(!r.Diagnostics.Any(d => d.Severity == Severity.Warning && d.Code.StartsWith("csar.", StringComparison.Ordinal)), string.Join("\n", r.Diagnostics));
        var m = r.Package!.Manifest!;
        Assert.Equal("manifest.mf", m.Path);
        Assert.Equal("vnf", m.Kind);
        Assert.Equal("Mano", m.Metadata["vnf_provider_id"]);
        Assert.Equal("2.6.1,4.4.1", m.Metadata["compatible_specification_versions"]);
        Assert.Equal(3, m.Entries.Count);
        Assert.All(m.Entries, e => Assert.Equal(ManifestEntryStatus.Verified, e.Status));
        var sh = m.Entries.Single(e => e.Path == "Scripts/install.sh");
        Assert.Equal(("SHA-512", Sha512(Script)), (sh.Algorithm, sh.ComputedHash));
        Assert.Contains(r.Package.Checksums, c => c == new CsarChecksum("Scripts/install.sh", "SHA-512", Sha512(Script)));
        Assert.Equal(PackageSecurityStatus.Unsigned, r.Package.Security.Status);
        Assert.Contains(r.Diagnostics, d => d.Code == "csar.unsigned" && d.Severity == Severity.Info);
    }

    [Fact]
    public void Algorithm_and_hash_are_case_insensitive()
    {
        var mf = MetadataSection + Block("TOSCA-Metadata/TOSCA.meta", Sha256(Encoding.UTF8.GetBytes(Meta)).ToUpperInvariant(), "sha-256")
                 + Block("Definitions/vnfd.yaml", Sha256(Encoding.UTF8.GetBytes(MinimalVnfd)), "Sha-256")
                 + Block("Scripts/install.sh", Sha512(Script).ToUpperInvariant(), "SHA-512");
        var r = Package(mf);
        Assert.True(!r.Diagnostics.CsarErrors().Any(), string.Join("\n", r.Diagnostics));
        Assert.All(r.Package!.Manifest!.Entries, e => Assert.True(e.Verified));
    }

    [Fact]
    public void A_wrong_hash_is_an_error_at_the_Hash_line_and_value_column()
    {
        var bad = Sha256(Zip.Utf8("something else"));
        var mf = FullManifest().Replace(Sha512(Script), Sha512(Zip.Utf8("x")), StringComparison.Ordinal);
        var r = Package(mf);
        var d = Assert.Single(r.Diagnostics.CsarErrors());
        Assert.Equal(("csar.hash-mismatch", "manifest.mf", LineOf(mf, Sha512(Zip.Utf8("x"))), 7), (d.Code, d.File, d.Line, d.Column));
        Assert.Contains("Scripts/install.sh", d.Message);
        Assert.Contains(Sha512(Script), d.Message);
        Assert.Equal(ManifestEntryStatus.HashMismatch, r.Package!.Manifest!.Entries.Single(e => e.Path == "Scripts/install.sh").Status);
        Assert.NotEqual(bad, Sha256(Script));
    }

    [Theory]
    [InlineData("SHA-1")]
    [InlineData("MD5")]
    [InlineData("SHA-255")]
    [InlineData("CRC32")]
    public void Weak_or_unknown_algorithms_are_errors(string alg)
    {
        var mf = FullManifest().Replace("Algorithm: SHA-512", "Algorithm: " + alg, StringComparison.Ordinal);
        var r = Package(mf);
        var d = Assert.Single(r.Diagnostics.CsarErrors());
        Assert.Equal(("csar.hash-algorithm", LineOf(mf, "Algorithm: " + alg), 12), (d.Code, d.Line, d.Column));
        Assert.Contains(alg, d.Message);
        Assert.Equal(ManifestEntryStatus.Invalid, r.Package!.Manifest!.Entries.Single(e => e.Path == "Scripts/install.sh").Status);
    }

    [Fact]
    public void A_hash_of_the_wrong_length_or_not_hex_is_malformed()
    {
        var h = Sha512(Script);
        var r = Package(FullManifest().Replace(h, h[..^1], StringComparison.Ordinal));
        Assert.Equal("csar.hash-malformed", Assert.Single(r.Diagnostics.CsarErrors()).Code);
        r = Package(FullManifest().Replace(h, "zz" + h[2..], StringComparison.Ordinal));
        Assert.Equal("csar.hash-malformed", Assert.Single(r.Diagnostics.CsarErrors()).Code);
    }

    [Fact]
    public void A_missing_key_names_the_block_line_and_an_empty_value_names_its_own_line()
    {
        var mf = MetadataSection + "Source: Scripts/install.sh\nHash: " + Sha512(Script) + "\n";
        var r = Package(mf);
        Assert.True(r.Diagnostics.Count(x => x.Code == "csar.manifest-missing-key") == 1, string.Join("\n", r.Diagnostics));
        var d = r.Diagnostics.Single(x => x.Code == "csar.manifest-missing-key");
        Assert.Equal((LineOf(mf, "Source: Scripts/install.sh"), 1, Severity.Error), (d.Line, d.Column, d.Severity));
        Assert.Contains("'Algorithm:'", d.Message);

        mf = MetadataSection + "Source: Scripts/install.sh\nAlgorithm:\nHash: " + Sha512(Script) + "\n";
        r = Package(mf);
        d = r.Diagnostics.Single(x => x.Code == "csar.manifest-missing-value");
        Assert.Equal((LineOf(mf, "Algorithm:"), 1), (d.Line, d.Column));
        Assert.Contains("'Algorithm:'", d.Message);
    }

    [Fact]
    public void Sources_outside_the_package_absent_or_external_are_told_apart()
    {
        var mf = FullManifest(
            Block("../../etc/passwd", Sha256(Script))
            + Block("/etc/passwd", Sha256(Script))
            + Block("Files/images/absent.img", Sha256(Script))
            + Block("https://example.com/image.qcow2", Sha256(Script)));
        var r = Package(mf);
        Assert.Equal(2, r.Diagnostics.Count(d => d.Code == "csar.manifest-source-invalid" && d.Severity == Severity.Error));
        var missing = Assert.Single(r.Diagnostics, d => d.Code == "csar.listed-file-missing");
        Assert.Equal((LineOf(mf, "Files/images/absent.img"), 1), (missing.Line, missing.Column));
        var ext = Assert.Single(r.Diagnostics, d => d.Code == "csar.manifest-external-artifact");
        Assert.Equal(Severity.Info, ext.Severity);
        var entries = r.Package!.Manifest!.Entries;
        Assert.Equal(ManifestEntryStatus.External, entries.Single(e => e.Source.StartsWith("https:", StringComparison.Ordinal)).Status);
        Assert.Equal(ManifestEntryStatus.FileMissing, entries.Single(e => e.Source == "Files/images/absent.img").Status);
        Assert.Equal(2, entries.Count(e => e.Status == ManifestEntryStatus.Invalid && e.Path is null));
    }

    [Fact]
    public void Files_not_in_the_manifest_are_warnings_except_the_manifest_itself()
    {
        var mf = MetadataSection + Block("Definitions/vnfd.yaml", Sha256(Encoding.UTF8.GetBytes(MinimalVnfd)));
        var r = Package(mf);
        Assert.True(!r.Diagnostics.CsarErrors().Any(), string.Join("\n", r.Diagnostics));
        var unlisted = r.Diagnostics.Where(d => d.Code == "csar.manifest-unlisted-file").ToList();
        Assert.True(unlisted.Count == 2, string.Join("\n", unlisted));
        Assert.All(unlisted, d => Assert.Equal((Severity.Warning, "manifest.mf"), (d.Severity, d.File)));
        Assert.Contains(unlisted, d => d.Message.Contains("'Scripts/install.sh'", StringComparison.Ordinal));
        Assert.Contains(unlisted, d => d.Message.Contains("'TOSCA-Metadata/TOSCA.meta'", StringComparison.Ordinal));
    }

    [Fact]
    public void Non_MANO_artifact_sets_are_parsed_and_their_files_checked()
    {
        var mf = MetadataSection + """
            non_mano_artifact_sets:
                prv.mano.ves_events:
                    Source: Scripts/install.sh
                prv.mano.pm_dictionary:
                    Source: Files/pm.yaml

            """ + "\n" + Block("TOSCA-Metadata/TOSCA.meta", Sha256(Encoding.UTF8.GetBytes(Meta)))
            + Block("Definitions/vnfd.yaml", Sha256(Encoding.UTF8.GetBytes(MinimalVnfd)))
            + Block("Scripts/install.sh", Sha512(Script), "SHA-512");
        var r = Package(mf);
        var sets = r.Package!.Manifest!.NonManoArtifactSets;
        Assert.Equal(["Scripts/install.sh"], sets["prv.mano.ves_events"]);
        Assert.Equal(["Files/pm.yaml"], sets["prv.mano.pm_dictionary"]);
        var d = Assert.Single(r.Diagnostics.CsarErrors());
        Assert.Equal(("csar.listed-file-missing", LineOf(mf, "Source: Files/pm.yaml")), (d.Code, d.Line));
        Assert.Equal(3, r.Package.Manifest.Entries.Count);
    }

    [Fact]
    public void Missing_metadata_section_or_keys_are_warnings()
    {
        var mf = FullManifest()[MetadataSection.Length..];
        var r = Package(mf);
        Assert.True(!r.Diagnostics.CsarErrors().Any(), string.Join("\n", r.Diagnostics));
        Assert.Contains(r.Diagnostics, d => d.Code == "csar.manifest-metadata" && d.Severity == Severity.Warning);

        mf = FullManifest().Replace("vnf_package_version: 1.0\n", "", StringComparison.Ordinal);
        r = Package(mf);
        var w = Assert.Single(r.Diagnostics, d => d.Code == "csar.manifest-metadata");
        Assert.Contains("vnf_package_version", w.Message);
        Assert.Equal(1, w.Line);
    }

    [Fact]
    public void NSD_metadata_is_recognised()
    {
        var mf = "metadata:\nnsd_designer: Mano\nnsd_invariant_id: ns1\nnsd_name: NS\nnsd_release_date_time: 2024-01-01T10:00:00Z\nnsd_file_structure_version: 1.0\n\n"
                 + FullManifest()[MetadataSection.Length..];
        var r = Package(mf);
        Assert.Equal("nsd", r.Package!.Manifest!.Kind);
        Assert.DoesNotContain(r.Diagnostics, d => d.Code == "csar.manifest-metadata");
    }

    [Fact]
    public void A_line_without_a_colon_is_a_syntax_error_with_its_line()
    {
        var mf = FullManifest() + "garbage line\n";
        var r = Package(mf);
        var d = Assert.Single(r.Diagnostics.CsarErrors());
        Assert.Equal(("csar.manifest-syntax", LineOf(mf, "garbage"), 1), (d.Code, d.Line, d.Column));
    }

    [Fact]
    public void A_manifest_that_is_not_UTF8_is_an_error_not_an_exception()
    {
        using var zip = Zip.Build(("TOSCA-Metadata/TOSCA.meta", Zip.Utf8(Meta)), ("Definitions/vnfd.yaml", Zip.Utf8(MinimalVnfd)), ("manifest.mf", [0xFF, 0xFE, 0x00, 0xC3]));
        var r = CsarReader.Read(zip);
        Assert.Contains(r.Diagnostics, d => d.Code == "csar.manifest-encoding");
        Assert.Equal("d1", r.Package!.Vnfd!.DescriptorId);
    }

    [Fact]
    public void A_manifest_over_the_size_limit_is_not_parsed()
    {
        using var zip = Zip.Build(("TOSCA-Metadata/TOSCA.meta", Zip.Utf8(Meta)), ("Definitions/vnfd.yaml", Zip.Utf8(MinimalVnfd)), ("manifest.mf", Zip.Utf8(FullManifest())));
        var r = CsarReader.Read(zip, new CsarLimits { MaxManifestBytes = 200 });
        Assert.Contains(r.Diagnostics, d => d.Code == "csar.manifest-too-large" && d.File == "manifest.mf");
    }

    [Fact]
    public void A_package_without_manifest_warns()
    {
        using var zip = Zip.Build(("TOSCA-Metadata/TOSCA.meta", Zip.Utf8(Meta.Replace("ETSI-Entry-Manifest: manifest.mf\n", "", StringComparison.Ordinal))),
            ("Definitions/vnfd.yaml", Zip.Utf8(MinimalVnfd)));
        var r = CsarReader.Read(zip);
        Assert.DoesNotContain(r.Diagnostics.CsarErrors(), _ => true);
        Assert.Contains(r.Diagnostics, d => d.Code == "csar.manifest-absent" && d.Severity == Severity.Warning);
        Assert.Null(r.Package!.Manifest);
        Assert.Equal(PackageSecurityStatus.Unsigned, r.Package.Security.Status);
    }

    // ---------------------------------------------------------------- TOSCA.meta

    [Fact]
    public void A_manifest_named_in_TOSCA_meta_but_absent_is_an_error_at_that_line()
    {
        var meta = Meta.Replace("manifest.mf", "manifest.mf1", StringComparison.Ordinal);
        var r = Package(FullManifest(), meta);
        var d = r.Diagnostics.Single(x => x.Code == "csar.manifest-missing");
        Assert.Equal(("TOSCA-Metadata/TOSCA.meta", 5, 1), (d.File, d.Line, d.Column));
        Assert.Contains("'manifest.mf1'", d.Message);
        Assert.Contains("'manifest.mf'", d.Message); // says which manifest the package does hold
        Assert.Contains(r.Diagnostics, x => x.Code == "csar.manifest-name" && x.Line == 5);
        Assert.Null(r.Package!.Manifest);
    }

    [Fact]
    public void TOSCA_meta_syntax_and_version_errors_carry_their_lines()
    {
        var meta = "TOSCA-Meta-File-Version: 2.5\nCSAR-Version: 9\nCreated-By: me\nthis line has no colon\nEntry-Definitions: Definitions/vnfd.yaml\nEntry-Definitions: again.yaml\nBogus-Key: 1\n";
        using var zip = Zip.Build(("TOSCA-Metadata/TOSCA.meta", Zip.Utf8(meta)), ("Definitions/vnfd.yaml", Zip.Utf8(MinimalVnfd)));
        var r = CsarReader.Read(zip);
        Assert.Contains(r.Diagnostics, d => (d.Code, d.Line, d.Column, d.Severity) == ("csar.meta-version", 1, 26, Severity.Error));
        Assert.Contains(r.Diagnostics, d => (d.Code, d.Line, d.Column) == ("csar.meta-version", 2, 15));
        Assert.Contains(r.Diagnostics, d => (d.Code, d.Line, d.Column, d.Severity) == ("csar.meta-syntax", 4, 1, Severity.Error));
        Assert.Contains(r.Diagnostics, d => (d.Code, d.Line) == ("csar.meta-duplicate-key", 6));
        Assert.Contains(r.Diagnostics, d => (d.Code, d.Line, d.Severity) == ("csar.meta-unknown-key", 7, Severity.Warning));
        Assert.Equal("d1", r.Package!.Vnfd!.DescriptorId);
    }

    [Fact]
    public void TOSCA_meta_without_its_version_key_is_an_error_and_without_CSAR_Version_or_Created_By_a_warning()
    {
        using var zip = Zip.Build(("TOSCA-Metadata/TOSCA.meta", Zip.Utf8("Entry-Definitions: Definitions/vnfd.yaml\n")), ("Definitions/vnfd.yaml", Zip.Utf8(MinimalVnfd)));
        var r = CsarReader.Read(zip);
        var e = Assert.Single(r.Diagnostics.CsarErrors());
        Assert.Equal(("csar.meta-missing-key", 1, 1), (e.Code, e.Line, e.Column));
        Assert.Contains("TOSCA-Meta-File-Version", e.Message);
        Assert.Equal(2, r.Diagnostics.Count(d => d.Code == "csar.meta-missing-key" && d.Severity == Severity.Warning));
    }

    [Fact]
    public void TOSCA_meta_continuation_lines_and_Tacker_style_hashed_blocks()
    {
        var meta = "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-by: dummy_user\nEntry-Definitions: Definitions/\n vnfd.yaml\n\n"
                   + $"Name: Scripts/install.sh\nContent-Type: test-data\nAlgorithm: SHA-512\nHash: {Sha512(Script)}\n\nName: Definitions/vnfd.yaml\nContent-Type: application/yaml\n";
        using var zip = Zip.Build(("TOSCA-Metadata/TOSCA.meta", Zip.Utf8(meta)), ("Definitions/vnfd.yaml", Zip.Utf8(MinimalVnfd)), ("Scripts/install.sh", Script));
        var r = CsarReader.Read(zip);
        Assert.True(!r.Diagnostics.CsarErrors().Any(), string.Join("\n", r.Diagnostics));
        Assert.Equal("Definitions/vnfd.yaml", r.Package!.EntryDefinitions);
        Assert.Equal([ManifestEntryStatus.Verified, ManifestEntryStatus.NotHashed], r.Package.ToscaMetaEntries.Select(e => e.Status));
        Assert.Equal(7, r.Package.ToscaMetaEntries[0].Line);
    }

    // ---------------------------------------------------------------- root YAML layout

    [Fact]
    public void Root_yaml_layout_uses_the_manifest_named_after_the_root_yaml()
    {
        var yaml = Zip.Utf8("metadata:\n  template_name: x\n" + MinimalVnfd);
        var mf = MetadataSection + Block("vnfd.yaml", Sha256(yaml)) + Block("Files/readme.txt", Sha256(Zip.Utf8("hi")));
        using var zip = Zip.Build(("vnfd.yaml", yaml), ("vnfd.mf", Zip.Utf8(mf)), ("Files/readme.txt", Zip.Utf8("hi")));
        var r = CsarReader.Read(zip);
        Assert.True(!r.Diagnostics.CsarErrors().Any(), string.Join("\n", r.Diagnostics));
        Assert.Equal("vnfd.mf", r.Package!.Manifest!.Path);
        Assert.All(r.Package.Manifest.Entries, e => Assert.True(e.Verified));

        using var zip2 = Zip.Build(("vnfd.yaml", yaml), ("other.mf", Zip.Utf8(mf)), ("Files/readme.txt", Zip.Utf8("hi")));
        r = CsarReader.Read(zip2);
        var d = Assert.Single(r.Diagnostics.CsarErrors());
        Assert.Equal(("csar.manifest-name", "other.mf"), (d.Code, d.File));
        Assert.Contains("vnfd.mf", d.Message);
    }

    [Fact]
    public void Root_yaml_metadata_can_name_the_manifest_explicitly()
    {
        var yaml = "metadata:\n  template_name: x\n  ETSI-Entry-Manifest: Other/manifest.mf\n  ETSI-Entry-Change-Log: ChangeLog.txt\n" + MinimalVnfd;
        using var zip = Zip.Build(("vnfd.yaml", Zip.Utf8(yaml)), ("Other/manifest.mf", Zip.Utf8(MetadataSection + Block("vnfd.yaml", Sha256(Zip.Utf8(yaml))))));
        var r = CsarReader.Read(zip);
        Assert.Equal("Other/manifest.mf", r.Package!.Manifest!.Path);
        var d = Assert.Single(r.Diagnostics.CsarErrors());
        Assert.Equal(("csar.listed-file-missing", "vnfd.yaml", 4, 26), (d.Code, d.File, d.Line, d.Column));
    }

    private static readonly byte[] Noise = [(byte)'\n', (byte)':', (byte)'-', (byte)' ', 0, 0xFF, (byte)'/', (byte)'.', (byte)'%', (byte)'a', (byte)'Z', 0xC3];

    [Fact]
    public void Mutated_manifests_and_TOSCA_meta_never_throw()
    {
        var rng = new Random(4004);
        var mf = Zip.Utf8(FullManifest() + "-----BEGIN CMS-----\nAAECAwQF\n-----END CMS-----\n");
        var meta = Zip.Utf8(Meta + "\nName: Scripts/install.sh\nAlgorithm: SHA-512\nHash: " + Sha512(Script) + "\n");
        for (var i = 0; i < 300; i++)
        {
            var m1 = (byte[])mf.Clone();
            var m2 = (byte[])meta.Clone();
            for (var k = rng.Next(1, 8); k > 0; k--)
            {
                var target = rng.Next(2) == 0 ? m1 : m2;
                target[rng.Next(target.Length)] = Noise[rng.Next(Noise.Length)];
            }
            using var zip = Zip.Build(("TOSCA-Metadata/TOSCA.meta", m2), ("Definitions/vnfd.yaml", Zip.Utf8(MinimalVnfd)), ("Scripts/install.sh", Script), ("manifest.mf", m1));
            var r = CsarReader.Read(zip);
            Assert.NotNull(r.Package);
            Assert.DoesNotContain(r.Diagnostics, d => d.Code == "csar.integrity-check-failed");
        }
    }

    [Fact]
    public void A_huge_manifest_of_absent_files_is_reported_in_bounded_time()
    {
        var sb = new StringBuilder(MetadataSection);
        for (var i = 0; i < 50_000; i++) sb.Append("Source: Files/x").Append(i).Append("/a.bin\nAlgorithm: SHA-256\nHash: ").Append('0', 64).Append("\n\n");
        var files = Enumerable.Range(0, 2_000).Select(i => ($"Files/dir{i}/f.txt", Zip.Utf8("x"))).ToArray();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var r = Package(sb.ToString(), Meta, files);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), sw.Elapsed.ToString());
        Assert.Equal(50_000, r.Diagnostics.Count(d => d.Code == "csar.listed-file-missing"));
    }
}

internal static class CsarDiagnostics
{
    /// <summary>Package-level errors (csar.*), leaving out descriptor validation, which other tests cover.</summary>
    public static IEnumerable<Diagnostic> CsarErrors(this IEnumerable<Diagnostic> ds) =>
        ds.Where(d => d.Severity == Severity.Error && d.Code.StartsWith("csar.", StringComparison.Ordinal));
}
