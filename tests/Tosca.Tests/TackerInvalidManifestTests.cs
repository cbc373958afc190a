namespace Mano.Tosca.Tests;

/// <summary>
/// Tacker's sample_vnf_package_csar_in_meta_and_manifest_* cases. Tacker zips each case over its common_artifact and common
/// folders, which the corpus lacks; the closest package the corpus has is v1-os-vnfpkgm2_manifest (the same helloworld3
/// Definitions the cases' Entry-Definitions name). So each case is assembled as that package's Definitions with the case's
/// own TOSCA.meta / manifest on top. Scripts/install.sh (in Tacker's common_artifact) is absent, as the corpus README says.
/// </summary>
public sealed class TackerInvalidManifestTests : IDisposable
{
    private const string Meta = "TOSCA-Metadata/TOSCA.meta";
    private readonly List<string> _temp = [];

    private string Assemble(string caseName)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mano-tosca-mf-" + Guid.NewGuid().ToString("N"));
        _temp.Add(dir);
        CopyTree(Path.Combine(Corpus.Tacker("v1-os-vnfpkgm2_manifest"), "Definitions"), Path.Combine(dir, "Definitions"));
        CopyTree(Corpus.Invalid(caseName), dir);
        return dir;
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var f in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target, overwrite: true);
        }
    }

    public void Dispose()
    {
        foreach (var d in _temp) try { Directory.Delete(d, true); } catch (IOException) { }
    }

    private static CsarReadResult Read(string dir)
    {
        var r = CsarReader.ReadDirectory(dir);
        Assert.NotNull(r.Package);
        Assert.NotNull(r.Package.Vnfd); // the descriptor itself still parses: the fault is reported, the rest validated
        return r;
    }

    [Fact]
    public void Manifest_named_in_TOSCA_meta_but_absent()
    {
        var r = Read(Assemble("sample_vnf_package_csar_in_meta_and_manifest_false"));
        var d = Assert.Single(r.Diagnostics, x => x.Code == "csar.manifest-missing");
        Assert.Equal((Meta, 5, 1, Severity.Error), (d.File, d.Line, d.Column, d.Severity));
        Assert.Contains("'manifest.mf1'", d.Message);
        Assert.Contains("'manifest.mf'", d.Message);
        Assert.Contains(r.Diagnostics, x => x.Code == "csar.manifest-name" && x.Line == 5 && x.Severity == Severity.Error);
        Assert.Null(r.Package!.Manifest);
    }

    [Fact]
    public void False_hash_is_reported_at_its_line()
    {
        var r = Read(Assemble("sample_vnf_package_csar_in_meta_and_manifest_false_hash"));
        // The TOSCA.meta hash is one hex digit short of a SHA-256 (Tacker's manifest.mf has the full value).
        var d = Assert.Single(r.Diagnostics, x => x.Code == "csar.hash-malformed");
        Assert.Equal((Meta, 9, 7, Severity.Error), (d.File, d.Line, d.Column, d.Severity));
        Assert.Contains("63 hex digits", d.Message);
        Assert.Contains(r.Diagnostics, x => x.Code == "csar.manifest-not-referenced" && x.Severity == Severity.Warning);
        Assert.Equal(ManifestEntryStatus.FileMissing, r.Package!.ToscaMetaEntries.Single().Status); // Scripts/install.sh: not in the corpus
    }

    [Fact]
    public void False_source_names_the_absent_path()
    {
        var r = Read(Assemble("sample_vnf_package_csar_in_meta_and_manifest_false_source"));
        var d = Assert.Single(r.Diagnostics.CsarErrors(), x => x.Code.StartsWith("csar.", StringComparison.Ordinal)); // the VNFD's image is absent too (vnfd.*)
        Assert.Equal(("csar.listed-file-missing", Meta, 6, 1), (d.Code, d.File, d.Line, d.Column));
        Assert.Contains("'Scripts/install.s'", d.Message);
    }

    [Fact]
    public void False_algorithm_is_reported_at_its_line()
    {
        var r = Read(Assemble("sample_vnf_package_csar_in_meta_and_manifest_false_algorithm"));
        var d = Assert.Single(r.Diagnostics, x => x.Code == "csar.hash-algorithm");
        Assert.Equal((Meta, 8, 12, Severity.Error), (d.File, d.Line, d.Column, d.Severity));
        Assert.Contains("SHA-255", d.Message);
    }

    [Fact]
    public void Missing_key_names_the_block_and_the_key()
    {
        var r = Read(Assemble("sample_vnf_package_csar_in_meta_and_manifest_missing_key"));
        var d = Assert.Single(r.Diagnostics, x => x.Code == "csar.manifest-missing-key");
        Assert.Equal((Meta, 6, 1, Severity.Error), (d.File, d.Line, d.Column, d.Severity));
        Assert.Contains("'Algorithm:'", d.Message);
        Assert.Contains("Files/Scripts/install.sh", d.Message);
    }

    [Fact]
    public void Missing_value_names_the_empty_key_line()
    {
        var r = Read(Assemble("sample_vnf_package_csar_in_meta_and_manifest_missing_value"));
        var d = Assert.Single(r.Diagnostics, x => x.Code == "csar.manifest-missing-value");
        Assert.Equal((Meta, 8, 1, Severity.Error), (d.File, d.Line, d.Column, d.Severity));
        Assert.Contains("'Algorithm:'", d.Message);
    }

    // ---------------------------------------------------------------- the valid corpus

    public static TheoryData<string> Packages() => new(Corpus.TackerPackages());

    /// <summary>
    /// Every hash the Tacker corpus declares (TOSCA.meta per-file blocks and manifest.mf) over a file the corpus has verifies,
    /// except sample-free5gc_cnf: eleven of its Kubernetes manifests are byte-identical to Tacker's repository but not to the
    /// hashes its TOSCA.meta declares (stale hashes in Tacker's sample; Tacker's own onboarding would reject it too).
    /// </summary>
    [Theory]
    [MemberData(nameof(Packages))]
    public void Declared_hashes_of_present_corpus_files_verify(string package)
    {
        var r = CsarReader.ReadDirectory(Corpus.Tacker(package));
        var entries = r.Package!.ToscaMetaEntries.Concat(r.Package.Manifest?.Entries ?? []).ToList();
        Assert.DoesNotContain(entries, e => e.Status == ManifestEntryStatus.Invalid);
        var mismatched = entries.Where(e => e.Status == ManifestEntryStatus.HashMismatch).Select(e => e.Path).ToList();
        if (package == "sample-free5gc_cnf")
        {
            Assert.Equal(11, mismatched.Count);
            Assert.Equal(2, entries.Count(e => e.Verified)); // free5gc-mongodb.yaml and unix-daemonset.yaml
        }
        else
            Assert.Empty(mismatched);
        Assert.All(entries.Where(e => e.Status == ManifestEntryStatus.FileMissing),
            e => Assert.Contains(r.Diagnostics, d => d.Code == "csar.listed-file-missing" && d.File == e.DeclaredIn && d.Line == e.Line));
    }

    [Fact]
    public void The_corpus_package_with_a_manifest_reads_it()
    {
        var r = CsarReader.ReadDirectory(Corpus.Tacker("v1-os-vnfpkgm2_manifest"));
        var m = r.Package!.Manifest!;
        Assert.Equal("manifest.mf", m.Path);
        Assert.Equal(["Files/images/cirros-0.5.2-x86_64-disk.img", "Scripts/install.sh", "Files/kubernetes/deployment.yaml"], m.Entries.Select(e => e.Path));
        Assert.All(m.Entries, e => Assert.Equal(ManifestEntryStatus.FileMissing, e.Status)); // none of the three is in the corpus
        Assert.Equal(["SHA-512", "SHA-256", "SHA-256"], m.Entries.Select(e => e.Algorithm));
        Assert.Equal([1, 5, 9], m.Entries.Select(e => e.Line));
        Assert.Equal(PackageSecurityStatus.Unsigned, r.Package.Security.Status);
        Assert.Contains(r.Diagnostics, d => d.Code == "csar.manifest-metadata" && d.Severity == Severity.Warning); // no metadata section
        Assert.Equal(6, r.Diagnostics.Count(d => d.Code == "csar.manifest-unlisted-file")); // TOSCA.meta and the five Definitions files
    }
}
