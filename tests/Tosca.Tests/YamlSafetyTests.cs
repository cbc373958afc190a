namespace Mano.Tosca.Tests;

public class YamlSafetyTests
{
    [Fact]
    public void Billion_laughs_is_stopped_with_an_error()
    {
        var yaml = """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
            i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
            """;
        var r = Vnfds.ParseSingle(yaml);
        Assert.Contains(r.Diagnostics, d => d.Code == "yaml.too-many-nodes" && d.Severity == Severity.Error && d.File == "Definitions/vnfd.yaml");
        Assert.Null(r.Vnfd);
    }

    [Fact]
    public void Billion_laughs_inside_a_zip_is_an_error_not_a_hang()
    {
        var yaml = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + string.Concat(Enumerable.Range(0, 8).Select(i =>
            $"{(char)('b' + i)}: &{(char)('b' + i)} [{string.Join(",", Enumerable.Repeat("*" + (char)('a' + i), 10))}]\n"));
        using var zip = Zip.Build(("TOSCA-Metadata/TOSCA.meta", Zip.Utf8("Entry-Definitions: Definitions/vnfd.yaml\n")), ("Definitions/vnfd.yaml", Zip.Utf8(yaml)));
        var r = CsarReader.Read(zip);
        Assert.Contains(r.Diagnostics, d => d.Code == "yaml.too-many-nodes");
    }

    [Fact]
    public void Duplicate_key_is_an_error_at_the_second_key()
    {
        var r = Vnfds.ParseSingle("tosca_definitions_version: tosca_simple_yaml_1_3\ntopology_template:\n  node_templates: {}\n  node_templates: {}\n");
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal(("yaml.duplicate-key", Severity.Error, 4, 3), (d.Code, d.Severity, d.Line, d.Column));
    }

    [Fact]
    public void Syntax_error_is_a_diagnostic_with_its_position()
    {
        var r = Vnfds.ParseSingle("tosca_definitions_version: tosca_simple_yaml_1_3\nimports: [ a.yaml,\n  b: c\n");
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal("yaml.syntax", d.Code);
        Assert.Equal("Definitions/vnfd.yaml", d.File);
        Assert.True(d.Line >= 2, d.ToString());
        Assert.True(d.Column >= 1, d.ToString());
        Assert.Matches(@"^Definitions/vnfd\.yaml:\d+:\d+: error yaml\.syntax: ", d.ToString());
    }

    [Fact]
    public void Tab_indentation_error_does_not_throw()
    {
        var r = Vnfds.ParseSingle("a:\n\t- b\n");
        Assert.True(r.HasErrors);
    }

    [Fact]
    public void Yaml_bigger_than_the_limit_is_refused()
    {
        var yaml = "a: " + new string('x', 200) + "\n";
        using var zip = Zip.Build(("TOSCA-Metadata/TOSCA.meta", Zip.Utf8("Entry-Definitions: Definitions/vnfd.yaml\n")), ("Definitions/vnfd.yaml", Zip.Utf8(yaml)));
        var r = CsarReader.Read(zip, new CsarLimits(MaxYamlBytes: 100));
        Assert.Contains(r.Diagnostics, d => d.Code == "yaml.too-large" && d.File == "Definitions/vnfd.yaml");
    }

    [Fact]
    public void Deep_nesting_is_refused_before_loading()
    {
        var r = Vnfds.ParseSingle("a: " + new string('[', 200_000) + new string(']', 200_000) + "\n");
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal(("yaml.too-deep", 1), (d.Code, d.Line));
    }

    [Fact]
    public void Moderate_nesting_still_loads()
    {
        var r = Vnfds.ParseSingle("a: " + new string('[', 500) + new string(']', 500) + "\n");
        Assert.DoesNotContain(r.Diagnostics, d => d.Code.StartsWith("yaml.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("a: &a [ *a ]\n")]
    [InlineData("a: &a { b: *a }\n")]
    [InlineData("a: *undefined\n")]
    [InlineData("%YAML 9.9\n---\na: 1\n")]
    [InlineData("a: !!binary |\n  not base64 ***\n")]
    [InlineData("- a\n- b\n")]
    [InlineData("just a scalar")]
    [InlineData("\u0000\u0001")]
    public void Hostile_or_odd_documents_give_diagnostics_not_exceptions(string yaml)
    {
        var r = Vnfds.ParseSingle(yaml);
        Assert.True(r.HasErrors);
        Assert.Null(r.Vnfd);
    }

    [Fact]
    public void Invalid_utf8_is_an_error()
    {
        var r = VnfdParser.Parse(new Dictionary<string, byte[]> { ["v.yaml"] = [0x61, 0x3a, 0x20, 0xff, 0xfe] }, "v.yaml");
        Assert.Equal("yaml.encoding", Assert.Single(r.Diagnostics).Code);
    }
}
