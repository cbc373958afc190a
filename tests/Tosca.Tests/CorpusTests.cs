namespace Mano.Tosca.Tests;

public class CorpusTests
{
    public static TheoryData<string> Packages() => new(Corpus.TackerPackages());

    // The only errors the corpus may produce: files (images, scripts, k8s manifests) that were not copied into it.
    // Everything else in these 30 real packages is accepted (issue 3); Tacker's own faults are warnings.
    private static readonly HashSet<string> ExpectedErrorCodes =
        ["csar.listed-file-missing", "vnfd.artifact-file-missing"];

    [Theory]
    [MemberData(nameof(Packages))]
    public void Every_Tacker_package_reads_to_a_VNFD_with_a_descriptor_id(string package)
    {
        var r = CsarReader.ReadDirectory(Corpus.Tacker(package));
        Assert.NotNull(r.Package);
        var vnfd = r.Package.Vnfd;
        Assert.True(vnfd is not null, string.Join("\n", r.Diagnostics));
        Assert.False(string.IsNullOrEmpty(vnfd.DescriptorId));
        Assert.NotEmpty(vnfd.Flavours);
        Assert.All(r.Diagnostics.Errors(), d => Assert.Contains(d.Code, ExpectedErrorCodes));
        Assert.All(r.Diagnostics, d => Assert.False(string.IsNullOrEmpty(d.Message)));
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Every_Tacker_package_reads_the_same_from_a_zip(string package)
    {
        var fromDir = CsarReader.ReadDirectory(Corpus.Tacker(package));
        using var zip = Zip.FromDirectory(Corpus.Tacker(package));
        var fromZip = CsarReader.Read(zip);
        Assert.Equal(fromDir.Diagnostics, fromZip.Diagnostics);
        Assert.Equal(fromDir.Package!.Vnfd!.DescriptorId, fromZip.Package!.Vnfd!.DescriptorId);
    }

    [Fact]
    public void A_Tacker_sample_mapping_an_absent_CP_is_reported_as_a_warning()
    {
        var r = CsarReader.ReadDirectory(Corpus.Tacker("v2-os-userdata_standard_with_non_boot_volume"));
        var e = Assert.Single(r.Diagnostics, d => d.Code == "vnfd.substitution-unknown-node");
        Assert.Equal(Severity.Warning, e.Severity);
        Assert.Equal(("Definitions/v2_sample7_df_simple.yaml", 37, 35), (e.File, e.Line, e.Column));
        Assert.Contains("VDU2_CP1", e.Message);
    }

    [Fact]
    public void Multi_flavour_package_has_each_flavour()
    {
        var r = CsarReader.ReadDirectory(Corpus.Tacker("sample-practical_vnf_package"));
        var vnfd = r.Package!.Vnfd!;
        Assert.Equal(["ha", "scalable"], vnfd.Flavours.Select(f => f.FlavourId).Order());
        Assert.NotEmpty(vnfd.FindFlavour("ha")!.ExtCps);
    }
}
