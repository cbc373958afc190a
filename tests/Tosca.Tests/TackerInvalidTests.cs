namespace Mano.Tosca.Tests;

/// <summary>Tacker's deliberately invalid test_csar_utils_data cases, assembled as Tacker's tests do.</summary>
public sealed class TackerInvalidTests : IDisposable
{
    private readonly List<string> _temp = [];

    private string Assemble(string caseName)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mano-tosca-" + Guid.NewGuid().ToString("N"));
        _temp.Add(dir);
        CopyTree(Corpus.Invalid("test_csar_utils_common"), dir);
        CopyTree(Path.Combine(Corpus.Root, "tacker", "_etsi_types", "tests-etc-common"), Path.Combine(dir, "Definitions"));
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

    private static List<string> VnfdErrorCodes(CsarReadResult r) =>
        r.Diagnostics.Errors().Select(d => d.Code).Where(c => c is not ("csar.listed-file-missing" or "vnfd.artifact-file-missing")).ToList();

    [Fact]
    public void Without_policies_is_valid()
    {
        var r = CsarReader.ReadDirectory(Assemble("csar_without_policies"));
        Assert.Empty(VnfdErrorCodes(r));
        Assert.Empty(r.Package!.Vnfd!.Flavours.Single().InstantiationLevels);
    }

    [Fact]
    public void Without_instantiation_levels_policy_reports_the_levels_named_by_VduInstantiationLevels()
    {
        var r = CsarReader.ReadDirectory(Assemble("csar_without_instantiation_level"));
        Assert.NotEmpty(VnfdErrorCodes(r));
        Assert.All(VnfdErrorCodes(r), c => Assert.Equal("vnfd.unknown-instantiation-level", c));
    }

    [Fact]
    public void Invalid_default_instantiation_level_is_reported()
    {
        var r = CsarReader.ReadDirectory(Assemble("csar_with_invalid_default_instantiation_level"));
        var d = Assert.Single(r.Diagnostics, x => x.Code == "vnfd.unknown-default-level");
        Assert.Contains("instantiation_level_3", d.Message);
        Assert.Equal("Definitions/tosca_with_vdus.yaml", d.File);
    }

    [Fact]
    public void Invalid_instantiation_level_is_reported()
    {
        var r = CsarReader.ReadDirectory(Assemble("csar_invalid_instantiation_level"));
        Assert.Contains(r.Diagnostics, x => x.Code == "vnfd.unknown-instantiation-level" && x.Message.Contains("instantiation_level_3", StringComparison.Ordinal));
    }

    private static Diagnostic Error(CsarReadResult r, string code) =>
        Assert.Single(r.Diagnostics, d => d.Code == code && d.Severity == Severity.Error);

    [Theory]
    [InlineData("csar_without_flavour_info", "Definitions/tosca_with_vdus.yaml")]
    [InlineData("csar_without_flavour_info_in_main_template", "Definitions/main_tosca.yaml")]
    public void Without_flavour_id_in_substitution_mappings_no_flavour_is_available(string caseName, string file)
    {
        // Changed from the first reader, which took the VNF type's flavour_id default with a warning. Tacker rejects these
        // ("No VNF flavours are available"), and SOL001 identifies a flavour by the flavour_id its substitution_mappings states.
        var r = CsarReader.ReadDirectory(Assemble(caseName));
        var e = Error(r, "vnfd.missing-flavour-id");
        Assert.Equal((file, 34, 7), (e.File, e.Line, e.Column)); // substitution_mappings.properties
        Assert.Contains("'simple'", e.Message);
        Assert.Contains(r.Diagnostics, d => d.Code == "vnfd.no-flavour" && d.Message.Contains("No VNF deployment flavour is available", StringComparison.Ordinal));
        Assert.Empty(r.Package!.Vnfd!.Flavours);
    }

    [Fact]
    public void Without_vnfd_info_the_VNF_properties_are_mandatory()
    {
        var r = CsarReader.ReadDirectory(Assemble("csar_without_vnfd_info"));
        var id = Error(r, "vnfd.missing-descriptor-id");
        Assert.Equal(("Definitions/main_tosca.yaml", 20, 19), (id.File, id.Line, id.Column)); // VNF: properties: {}
        var info = Error(r, "vnfd.missing-product-info");
        Assert.Equal(("Definitions/main_tosca.yaml", 20, 19), (info.File, info.Line, info.Column));
        Assert.StartsWith("VNF properties are mandatory: descriptor_version, provider, product_name, software_version, vnfm_info", info.Message);
    }

    [Theory]
    [InlineData("csar_without_sw_image_data", "Definitions/tosca_with_vdus.yaml", 62)]
    [InlineData("csar_with_missing_sw_image_data_in_main_template", "Definitions/main_tosca.yaml", 62)]
    public void SwImage_artifact_without_sw_image_data_is_rejected(string caseName, string file, int line)
    {
        var r = CsarReader.ReadDirectory(Assemble(caseName));
        var e = Error(r, "vnfd.sw-image-data-missing");
        Assert.Equal((file, line, 9), (e.File, e.Line, e.Column));
        Assert.Equal("Node property \"sw_image_data\" is missing for artifact sw_image for node VDU1.", e.Message);
    }

    [Fact]
    public void Short_notation_SwImage_artifact_without_sw_image_data_is_rejected()
    {
        var r = CsarReader.ReadDirectory(Assemble("csar_short_notation_for_artifacts_without_sw_image_data"));
        var e = Error(r, "vnfd.sw-image-data-missing");
        Assert.Equal(("Definitions/helloworld3_df_simple.yaml", 21, 9), (e.File, e.Line, e.Column));
        Assert.Contains("artifact sw_image for node VDU1", e.Message);
    }

    [Theory]
    [InlineData("csar_with_multiple_sw_image_data", "Definitions/tosca_with_vdus.yaml", 75)]
    [InlineData("csar_multiple_sw_image_data_with_short_notation", "Definitions/helloworld3_df_simple.yaml", 32)]
    public void More_than_one_SwImage_artifact_is_rejected(string caseName, string file, int line)
    {
        var r = CsarReader.ReadDirectory(Assemble(caseName));
        var e = Error(r, "vnfd.multiple-sw-images");
        Assert.Equal((file, line, 9), (e.File, e.Line, e.Column)); // the second SwImage artifact
        Assert.Contains("tosca.artifacts.nfv.SwImage\" are added more than one time for node VDU1", e.Message);
        Assert.DoesNotContain(r.Diagnostics, d => d.Code == "vnfd.sw-image-data-missing");
    }

    private static VnfdParseResult ParseDirectory(string dir, string entry) =>
        VnfdParser.Parse(Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f).Replace('\\', '/'), File.ReadAllBytes), entry);

    [Fact]
    public void Multi_flavour_deployment_invalid_names_the_undefined_VNF_type_and_the_absolute_driver_path()
    {
        // The flavour substitutes company.provider.VNF but imports only the ETSI types: no file defines the VNF type. Its mgmt driver
        // artifact is Tacker's absolute path on the Tacker host, which is no package file.
        var r = ParseDirectory(Corpus.Invalid("multi_flavour_deployment_invalid"), "Definitions/helloworld3_df_simple.yaml");
        var types = r.Diagnostics.Where(d => d.Code == "vnfd.unknown-node-type").ToList();
        Assert.Equal([(37, 16), (45, 13)], types.Select(d => (d.Line, d.Column)));
        Assert.All(types, d => Assert.Contains("company.provider.VNF", d.Message));
        Assert.Contains(r.Diagnostics, d => d.Code == "vnfd.artifact-file-missing" && d.Message.Contains("/opt/stack/tacker", StringComparison.Ordinal));
        // No template states the VNF's product properties either (there is no top template): no VNFD model.
        Assert.Contains(r.Diagnostics, d => d.Code == "vnfd.missing-descriptor-id");
        Assert.Null(r.Vnfd);
    }

    [Fact]
    public void Single_file_with_broken_LCM_artifacts_is_rejected()
    {
        // ut_sample1_df_simple_error.yaml: imports a types file that is not there, and its LCM artifact 'sample-script' has no file.
        var dir = Path.Combine(Corpus.Root, "tacker-invalid", "single-files");
        var r = ParseDirectory(dir, "ut_sample1_df_simple_error.yaml");
        var missing = Assert.Single(r.Diagnostics, d => d.Code == "vnfd.import-missing");
        Assert.Equal((8, 5), (missing.Line, missing.Column));
        var noFile = Assert.Single(r.Diagnostics, d => d.Code == "vnfd.artifact-no-file" && d.Line == 85);
        Assert.Equal(9, noFile.Column);
        Assert.Contains("'sample-script'", noFile.Message);
    }

    [Fact]
    public void Single_file_VDU_without_vdu_profile_is_reported()
    {
        var dir = Path.Combine(Corpus.Root, "tacker-invalid", "single-files");
        var r = ParseDirectory(dir, "tosca_generate_hot_from_tosca_parser_error.yaml");
        var d = Assert.Single(r.Diagnostics, x => x.Code == "vnfd.vdu-profile-missing");
        Assert.Equal((13, 5), (d.Line, d.Column));
        Assert.True(r.HasErrors); // no VNF node, no descriptor_id
    }
}
