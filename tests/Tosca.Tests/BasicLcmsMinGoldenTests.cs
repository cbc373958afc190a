namespace Mano.Tosca.Tests;

public class BasicLcmsMinGoldenTests
{
    private static readonly CsarReadResult Result = CsarReader.ReadDirectory(Corpus.Tacker("v2-os-basic_lcms_min"));

    [Fact]
    public void Parses_the_VNFD()
    {
        var vnfd = Result.Package!.Vnfd!;
        Assert.Equal("b1bb0ce7-ebca-4fa7-95ed-4840d7000000", vnfd.DescriptorId);
        var f = Assert.Single(vnfd.Flavours);
        Assert.Equal("simple", f.FlavourId);
        Assert.Equal(["VDU1", "VDU2"], f.Vdus.Select(v => v.Id));
        Assert.Equal((1, 3, 1), (f.Vdus[0].MinNumberOfInstances, f.Vdus[0].MaxNumberOfInstances, f.Vdus[0].InitialDelta));
        Assert.Equal(12_000_000_000L, f.Vdus[0].SwImage!.SizeBytes);
        Assert.Equal(0L, f.Vdus[0].SwImage!.MinDiskBytes);
        Assert.Equal("sha-256", f.Vdus[0].SwImage!.ChecksumAlgorithm);
        Assert.Null(f.Vdus[0].SwImage!.ArtifactFile);
        Assert.Equal(["VDU1_CP1", "VDU2_CP1"], f.VduCps.Select(c => c.Id));
        Assert.All(f.VduCps, c => Assert.Equal("internalVL3", c.VirtualLinkId));
        Assert.Equal("192.168.5.0/24", Assert.Single(f.VirtualLinks).Cidr);
        Assert.Empty(f.ExtCps);
        Assert.Equal(3, f.FindLevel("instantiation_level_2")!.VduInstances["VDU1"]);
        Assert.Equal(1, f.FindLevel("instantiation_level_2")!.VduInstances["VDU2"]);
        Assert.Equal(1, f.ScalingAspects.Single(a => a.Id == "VDU1_scale").VduDeltas["VDU1"]["delta_1"]);
    }

    [Fact]
    public void Reports_the_missing_script_at_its_YAML_position()
    {
        var e = Assert.Single(Result.Diagnostics.Errors());
        Assert.Equal("vnfd.artifact-file-missing", e.Code);
        Assert.Equal(("Definitions/v2_sample2_df_simple.yaml", 59, 17), (e.File, e.Line, e.Column));
        Assert.Contains("Scripts/sample_script.py", e.Message);
        Assert.Contains("sample-script", e.Message);
    }

    [Fact]
    public void A_malformed_copy_of_the_ETSI_types_is_only_a_warning()
    {
        var w = Assert.Single(Result.Diagnostics, d => d.File == "Definitions/etsi_nfv_sol001_vnfd_types.yaml");
        Assert.Equal(Severity.Warning, w.Severity);
        Assert.Contains("Definitions/etsi_nfv_sol001_vnfd_types.yaml", Result.Package!.VnfdFilePaths);
    }
}
