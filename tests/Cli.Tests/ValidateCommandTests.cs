using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mano.TestSupport;

namespace Mano.Cli.Tests;

/// <summary><c>mano vnf package validate</c>: local validation of the shared corpus, no server.</summary>
public sealed class ValidateCommandTests : IDisposable
{
    private const string MissingImageCode = "csar.listed-file-missing";
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "mano-cli-validate-" + Guid.NewGuid().ToString("N"));

    public ValidateCommandTests() => Directory.CreateDirectory(_scratch);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await Cli.RunAsync(args, stdout: stdout, stderr: stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private string WriteFile(string name, byte[] content)
    {
        var path = Path.Combine(_scratch, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>The helloworld package unpacked into the scratch folder, with the placeholder image.</summary>
    private string HelloWorldDirectoryWithImage()
    {
        var dir = Path.Combine(_scratch, "helloworld");
        foreach (var (path, content) in Csars.Files(Csars.HelloWorldDirectory))
        {
            WriteFile(Path.Combine("helloworld", path), content);
        }

        WriteFile(Path.Combine("helloworld", Csars.CirrosImage), "placeholder"u8.ToArray());
        return dir;
    }

    [Fact]
    public async Task HelloWorldDirectory_WithItsImage_IsValid_ExitZero()
    {
        var (exit, stdout, stderr) = await Run("vnf", "package", "validate", HelloWorldDirectoryWithImage());

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        var lines = Lines(stdout);
        Assert.Matches(@"^0 errors, \d+ warnings$", lines[^1]);
        Assert.Contains(lines, l => l.Contains(Csars.HelloWorldVnfdId, StringComparison.Ordinal) && l.Contains("simple: 2 VDU(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HelloWorldDirectory_AsInTheCorpus_ReportsTheMissingImagePrecisely_ExitOne()
    {
        var (exit, stdout, _) = await Run("vnf", "package", "validate", Csars.HelloWorldDirectory);

        Assert.Equal(1, exit);
        Assert.Contains(Lines(stdout), l => l.StartsWith($"TOSCA-Metadata/TOSCA.meta:6:1: error {MissingImageCode}: File '{Csars.CirrosImage}' listed in ", StringComparison.Ordinal)
            && l.EndsWith(" is not in the package.", StringComparison.Ordinal));
        // The rest of the package was still validated: the VNFD was read.
        Assert.Contains(Csars.HelloWorldVnfdId, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelloWorldZip_WithoutImage_ExitOneWithTheMissingImage_WithImage_ExitZero()
    {
        var without = WriteFile("hello-noimage.zip", Csars.HelloWorld(withImage: false));
        var (exit, stdout, _) = await Run("vnf", "package", "validate", without);
        Assert.Equal(1, exit);
        var errors = Lines(stdout).Where(l => l.Contains(": error ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, l => Assert.Contains(Csars.CirrosImage, l, StringComparison.Ordinal));
        Assert.Contains(errors, l => l.StartsWith($"TOSCA-Metadata/TOSCA.meta:6:1: error {MissingImageCode}: ", StringComparison.Ordinal));

        var with = WriteFile("hello.zip", Csars.HelloWorld(withImage: true));
        (exit, stdout, _) = await Run("vnf", "package", "validate", with);
        Assert.Equal(0, exit);
        Assert.Matches(@"^0 errors, \d+ warnings$", Lines(stdout)[^1]);
    }

    [Fact]
    public async Task InvalidPackage_ExitOne_NamesTheFault()
    {
        // Tacker's csar_invalid_instantiation_level case, assembled as Tacker's tests do (corpus README).
        var dir = Path.Combine(_scratch, "invalid");
        var invalid = Path.Combine(RepoPaths.Corpus, "tacker-invalid");
        foreach (var (from, to) in new[]
                 {
                     (Path.Combine(invalid, "test_csar_utils_common"), dir),
                     (Path.Combine(RepoPaths.Corpus, "tacker", "_etsi_types", "tests-etc-common"), Path.Combine(dir, "Definitions")),
                     (Path.Combine(invalid, "csar_invalid_instantiation_level"), dir),
                 })
        {
            foreach (var (path, content) in Csars.Files(from))
            {
                WriteFile(Path.Combine(Path.GetRelativePath(_scratch, to), path), content);
            }
        }

        var (exit, stdout, _) = await Run("vnf", "package", "validate", dir);

        Assert.Equal(1, exit);
        Assert.Contains(Lines(stdout), l => l.StartsWith("Definitions/", StringComparison.Ordinal)
            && l.Contains(": error vnfd.unknown-instantiation-level: ", StringComparison.Ordinal)
            && l.Contains("instantiation_level_3", StringComparison.Ordinal));
        Assert.Matches(@"^[1-9]\d* errors, \d+ warnings$", Lines(stdout)[^1]);
    }

    [Fact]
    public async Task NotAZip_IsADiagnostic_ExitOne()
    {
        var path = WriteFile("garbage.zip", "this is not a zip archive"u8.ToArray());

        var (exit, stdout, _) = await Run("vnf", "package", "validate", path);

        Assert.Equal(1, exit);
        Assert.Contains(Lines(stdout), l => l.StartsWith("<package>: error csar.not-a-zip: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SingleYamlTemplate_IsValidated_WithItsImportsFromItsFolder()
    {
        var top = Path.Combine(HelloWorldDirectoryWithImage(), "Definitions", "helloworld3_top.vnfd.yaml");

        var (exit, stdout, stderr) = await Run("vnf", "package", "validate", top, "--json");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        var doc = JsonNode.Parse(stdout)!;
        Assert.Equal("yaml", (string?)doc["kind"]);
        Assert.True((bool)doc["valid"]!);

        // The imported flavour file was read from the template's folder: its VDUs are in the VNFD.
        (exit, stdout, _) = await Run("vnf", "package", "validate", top);
        Assert.Equal(0, exit);
        Assert.Contains(Lines(stdout), l => l.Contains(Csars.HelloWorldVnfdId, StringComparison.Ordinal) && l.Contains("simple: 2 VDU(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SingleNsdTemplate_IsValidatedAsAnNsd()
    {
        // The hand-written web-chain NSD of the Tosca tests (three VNFs, a VNFFG), with its types file beside it.
        var source = Path.Combine(RepoPaths.RepoRoot, "tests", "Tosca.Tests", "Nsd");
        foreach (var name in new[] { "web_chain_nsd.yaml", "web_chain_types.yaml" })
        {
            WriteFile(Path.Combine("nsd", name), File.ReadAllBytes(Path.Combine(source, name)));
        }

        var nsd = Path.Combine(_scratch, "nsd", "web_chain_nsd.yaml");
        var (exit, stdout, stderr) = await Run("vnf", "package", "validate", nsd);

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains(Lines(stdout), l => l.StartsWith("NSD 5b1c7d1e-0d5c-4c1c-9f6a-2f8b7a1e0001 ", StringComparison.Ordinal)
            && l.Contains("3 VNF(s)", StringComparison.Ordinal));

        // The same NSD with a VNF requirement naming a node that does not exist: rejected, with the NSD's diagnostic.
        var broken = File.ReadAllText(nsd).Replace("virtual_link: VL_", "virtual_link: NO_SUCH_VL_", StringComparison.Ordinal);
        Assert.NotEqual(File.ReadAllText(nsd), broken);
        File.WriteAllText(nsd, broken);
        (exit, stdout, _) = await Run("vnf", "package", "validate", nsd);
        Assert.Equal(1, exit);
        Assert.Contains(Lines(stdout), l => l.StartsWith("web_chain_nsd.yaml:", StringComparison.Ordinal)
            && l.Contains(": error ", StringComparison.Ordinal) && l.Contains("NO_SUCH_VL_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NsdPackageZip_IsValidatedByTheSameCommand()
    {
        var source = Path.Combine(RepoPaths.RepoRoot, "tests", "Tosca.Tests", "Nsd");
        var zip = WriteFile("web-chain-nsd.zip", Csars.Zip(
        [
            ("TOSCA-Metadata/TOSCA.meta", "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-by: Mano tests\nEntry-Definitions: Definitions/web_chain_nsd.yaml\n"u8.ToArray()),
            ("Definitions/web_chain_nsd.yaml", File.ReadAllBytes(Path.Combine(source, "web_chain_nsd.yaml"))),
            ("Definitions/web_chain_types.yaml", File.ReadAllBytes(Path.Combine(source, "web_chain_types.yaml"))),
        ]));

        var (exit, stdout, stderr) = await Run("vnf", "package", "validate", zip);

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains(Lines(stdout), l => l.StartsWith("NSD 5b1c7d1e-0d5c-4c1c-9f6a-2f8b7a1e0001 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SingleYamlTemplate_InsideAPackage_IsReadAsPartOfThatPackage()
    {
        // The template alone is validated (the package's missing image is a finding of the package, not of the template),
        // but its relative references ("../Files/images/...") resolve inside the package, and positions name package paths.
        var template = Path.Combine(Csars.HelloWorldDirectory, "Definitions", "helloworld3_top.vnfd.yaml");

        var (exit, stdout, _) = await Run("vnf", "package", "validate", template, "--json");

        Assert.Equal(0, exit);
        var diagnostics = JsonNode.Parse(stdout)!["diagnostics"]!.AsArray();
        Assert.All(diagnostics, d => Assert.StartsWith("Definitions/", (string?)d!["file"], StringComparison.Ordinal));
        Assert.DoesNotContain(diagnostics, d => ((string?)d!["message"])!.Contains("outside the package", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SingleYamlTemplate_WithAnUnknownImport_ExitOne()
    {
        var path = WriteFile("lonely.yaml", """
            tosca_definitions_version: tosca_simple_yaml_1_2
            imports:
              - not_here.yaml
            topology_template: {}
            """u8.ToArray());

        var (exit, stdout, _) = await Run("vnf", "package", "validate", path);

        Assert.Equal(1, exit);
        Assert.Contains(Lines(stdout), l => l.StartsWith("lonely.yaml:3:", StringComparison.Ordinal) && l.Contains("error vnfd.import-missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Json_FollowsTheDocumentedSchema()
    {
        var (exit, stdout, stderr) = await Run("vnf", "package", "validate", Csars.HelloWorldDirectory, "--json");

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stderr);
        var doc = Assert.IsType<JsonObject>(JsonNode.Parse(stdout));
        Assert.Equal(["schema", "subject", "kind", "valid", "summary", "diagnostics"], doc.Select(p => p.Key));
        Assert.Equal("mano.validate/v1", (string?)doc["schema"]);
        Assert.Equal(Csars.HelloWorldDirectory, (string?)doc["subject"]);
        Assert.Equal("directory", (string?)doc["kind"]);
        Assert.False((bool)doc["valid"]!);

        var summary = Assert.IsType<JsonObject>(doc["summary"]);
        Assert.Equal(["errors", "warnings", "infos"], summary.Select(p => p.Key));
        var diagnostics = Assert.IsType<JsonArray>(doc["diagnostics"]);
        Assert.NotEmpty(diagnostics);
        foreach (var item in diagnostics)
        {
            var d = Assert.IsType<JsonObject>(item);
            Assert.Equal(["severity", "code", "file", "line", "column", "message"], d.Select(p => p.Key));
            Assert.Contains((string?)d["severity"], new[] { "error", "warning", "info" });
            Assert.Equal(JsonValueKind.String, d["code"]!.GetValueKind());
            Assert.Equal(JsonValueKind.String, d["file"]!.GetValueKind());
            Assert.Equal(JsonValueKind.Number, d["line"]!.GetValueKind());
            Assert.Equal(JsonValueKind.Number, d["column"]!.GetValueKind());
            Assert.Equal(JsonValueKind.String, d["message"]!.GetValueKind());
        }

        Assert.Equal((int)summary["errors"]!, diagnostics.Count(d => (string?)d!["severity"] == "error"));
        Assert.Equal((int)summary["warnings"]!, diagnostics.Count(d => (string?)d!["severity"] == "warning"));
        Assert.Equal((int)summary["infos"]!, diagnostics.Count(d => (string?)d!["severity"] == "info"));
        Assert.Contains(diagnostics, d => (string?)d!["code"] == MissingImageCode
            && (string?)d["file"] == "TOSCA-Metadata/TOSCA.meta" && (int)d["line"]! == 6 && (int)d["column"]! == 1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Timings_LastLineIsTheBenchmarkJson(bool json)
    {
        string[] args = ["vnf", "package", "validate", Csars.HelloWorldDirectory, "--timings", .. json ? new[] { "--json" } : []];

        var (exit, stdout, _) = await Run(args);

        Assert.Equal(1, exit);
        Assert.EndsWith("\n", stdout, StringComparison.Ordinal);
        var last = Lines(stdout)[^1];
        Assert.Matches("""^\{"parse_ms": \d+(\.\d+)?, "errors": \d+, "warnings": \d+\}$""", last);
        var timings = Assert.IsType<JsonObject>(JsonNode.Parse(last));
        Assert.Equal(["parse_ms", "errors", "warnings"], timings.Select(p => p.Key));
        Assert.True(timings["parse_ms"]!.GetValue<double>() > 0);
        Assert.Equal(3, timings["errors"]!.GetValue<int>());
        Assert.True(timings["warnings"]!.GetValue<int>() >= 0);
        if (!json)
        {
            Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"3 errors, {timings["warnings"]} warnings"), Lines(stdout)[^2]);
        }
    }

    [Fact]
    public async Task NonexistentPath_ExitTwo()
    {
        var missing = Path.Combine(_scratch, "no-such-package.zip");

        var (exit, stdout, stderr) = await Run("vnf", "package", "validate", missing, "--timings");

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal($"Error: '{missing}' does not exist.", stderr.Trim());
    }

    [Theory]
    [InlineData("vnf", "package", "validate")]
    [InlineData("vnf", "package", "validate", "a.zip", "--no-such-option")]
    public async Task UsageErrors_ExitTwo(params string[] args)
    {
        var (exit, _, stderr) = await Run(args);

        Assert.Equal(2, exit);
        Assert.NotEmpty(stderr);
    }

    [Fact]
    public async Task Help_DocumentsExitCodesAndTheJsonSchema()
    {
        var (exit, stdout, _) = await Run("vnf", "package", "validate", "--help");

        Assert.Equal(0, exit);
        Assert.Contains("mano.validate/v1", stdout, StringComparison.Ordinal);
        Assert.Contains("parse_ms", stdout, StringComparison.Ordinal);
        Assert.Contains("Exit status: 0", stdout, StringComparison.Ordinal);
    }
}
