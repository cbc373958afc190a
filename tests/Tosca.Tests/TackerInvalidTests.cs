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

    [Theory]
    [InlineData("csar_without_flavour_info")]
    [InlineData("csar_without_flavour_info_in_main_template")]
    public void Without_flavour_id_in_substitution_mappings_warns_and_uses_the_type_default(string caseName)
    {
        // Tacker rejects these ("No VNF flavours are available"); Mano accepts the VNF type's flavour_id default, with a warning.
        var r = CsarReader.ReadDirectory(Assemble(caseName));
        Assert.Contains(r.Diagnostics, x => x.Code == "vnfd.flavour-id-from-type-default" && x.Severity == Severity.Warning);
        Assert.Equal("simple", r.Package!.Vnfd!.Flavours.Single().FlavourId);
    }
}
