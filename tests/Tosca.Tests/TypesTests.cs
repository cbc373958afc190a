namespace Mano.Tosca.Tests;

/// <summary>The type system: derived_from chains, definitions, refinement.</summary>
public class TypesTests
{
    private static (ToscaDocumentSet Set, List<Diagnostic> Diags) Load(string yaml)
    {
        var diags = new DiagnosticBag();
        var set = ToscaLoader.Load(new Dictionary<string, byte[]> { ["t.yaml"] = Zip.Utf8(yaml) }, "t.yaml", diags);
        return (set, diags.Items.ToList());
    }

    [Fact]
    public void Derivation_cycles_are_errors_at_each_derived_from()
    {
        var y = """
            node_types:
              a.A:
                derived_from: a.B
              a.B:
                derived_from: a.C
              a.C:
                derived_from: a.A
              a.D:
                derived_from: a.A
            """;
        var (set, diags) = Load(y);
        var cycles = diags.Where(d => d.Code == "vnfd.type-derivation-cycle").ToList();
        Assert.Equal(3, cycles.Count); // a.D is not in the cycle
        Assert.Equal((3, 19), (cycles[0].Line, cycles[0].Column));
        Assert.Contains("node type 'a.A': derived_from chain is a cycle (a.A -> a.B -> a.C -> a.A)", cycles[0].Message);
        Assert.False(set.Types.IsA(TypeKind.Node, "a.D", "tosca.nodes.Root"));
        Assert.True(set.Types.IsA(TypeKind.Node, "a.D", "a.C")); // resolution terminates
    }

    [Fact]
    public void Unknown_parents_and_member_types_are_errors_with_positions()
    {
        var y = """
            data_types:
              d.D:
                derived_from: tosca.datatypes.Rooot
                properties:
                  p: { type: d.Missing }
                  q: { type: list, entry_schema: { type: d.Missing2 } }
            node_types:
              n.N:
                derived_from: tosca.nodes.Root
                requirements:
                  - r: { capability: c.Missing, relationship: tosca.relationships.DependsOn }
                interfaces:
                  I: { type: i.Missing }
            """;
        var (_, diags) = Load(y);
        var parent = Assert.Single(diags, d => d.Code == "tosca.unknown-parent-type");
        Assert.Equal((3, 19), (parent.Line, parent.Column));
        Assert.Contains("data type 'd.D': derived_from 'tosca.datatypes.Rooot' is not a known data type", parent.Message);
        var unknown = diags.Where(d => d.Code == "tosca.unknown-type").ToList();
        Assert.Equal([(5, 18), (6, 46), (11, 26), (13, 18)], unknown.Select(d => (d.Line, d.Column)));
        Assert.Contains("property 'p' has type 'd.Missing', which is not a known data type", unknown[0].Message);
        Assert.Contains("requirement 'r' capability 'c.Missing' is not a known capability type", unknown[2].Message);
        Assert.Contains("interface 'I' type 'i.Missing' is not a known interface type", unknown[3].Message);
    }

    [Fact]
    public void Invalid_definitions_are_errors()
    {
        var y = """
            data_types:
              d.D:
                derived_from: tosca.datatypes.Root
                properties:
                  a: { type: integer, constraints: [ { between: [ 1, 2 ] } ] }
                  b: { type: integer, constraints: [ { in_range: 3 } ] }
                  c: { type: string, constraints: [ { pattern: '[' } ] }
                  d: { type: string, required: perhaps }
                  e: string
            node_types:
              n.N:
                requirements:
                  - r: { capability: tosca.capabilities.Node, occurrences: [ 2, 1 ] }
            """;
        var (_, diags) = Load(y);
        var bad = diags.Where(d => d.Code == "tosca.invalid-definition").ToList();
        Assert.Equal([5, 6, 7, 8, 9, 13], bad.Select(d => d.Line));
        Assert.Contains("unknown constraint operator 'between'", bad[0].Message);
        Assert.Contains("in_range needs a list of two values", bad[1].Message);
        Assert.Contains("pattern '[' is not a valid regular expression", bad[2].Message);
        Assert.Contains("'required' must be true or false", bad[3].Message);
        Assert.Contains("the definition of 'e' must be a map with a 'type'", bad[4].Message);
        Assert.Contains("occurrences must be [min, max]", bad[5].Message);
    }

    [Fact]
    public void Duplicate_type_definitions_across_package_files_warn_and_the_first_wins()
    {
        var files = new Dictionary<string, byte[]>
        {
            ["a.yaml"] = Zip.Utf8("imports: [ b.yaml ]\nnode_types:\n  x.N:\n    derived_from: tosca.nodes.Root\n"),
            ["b.yaml"] = Zip.Utf8("node_types:\n  x.N:\n    derived_from: tosca.nodes.Compute\n"),
        };
        var diags = new DiagnosticBag();
        var set = ToscaLoader.Load(files, "a.yaml", diags);
        var w = Assert.Single(diags.Items, d => d.Code == "tosca.duplicate-type");
        Assert.Equal((Severity.Warning, "b.yaml", 2, 3), (w.Severity, w.File, w.Line, w.Column));
        Assert.False(set.Types.IsA(TypeKind.Node, "x.N", "tosca.nodes.Compute"));
    }

    [Fact]
    public void Redefined_properties_refine_the_parent_definition()
    {
        var (set, diags) = Load("""
            node_types:
              p.P:
                derived_from: tosca.nodes.Root
                properties:
                  v: { type: integer, required: false, constraints: [ greater_than: 0 ], default: 5 }
                  w: { type: list, entry_schema: { type: string } }
              p.C:
                derived_from: p.P
                properties:
                  v: { constraints: [ less_than: 10 ] }
                  w: { type: list, default: [ a ] }
            """);
        Assert.Empty(diags);
        var props = set.Types.Properties(set.Types.Find(TypeKind.Node, "p.C")!);
        var v = props["v"];
        Assert.Equal(("integer", false, "5"), (v.Schema.Type, v.Required, v.Default.Str()));
        Assert.Equal(["greater_than", "less_than"], v.Schema.Constraints.Select(c => c.Operator));
        Assert.Equal("string", props["w"].Schema.Entry!.Type);
        Assert.Contains("tosca_id", set.Types.Attributes(set.Types.Find(TypeKind.Node, "p.C")!).Keys);
    }

    [Theory]
    [InlineData("size", "1.5 KiB", 1536.0)]
    [InlineData("size", "2 kB", 2000.0)]
    [InlineData("time", "2 h", 7200.0)]
    [InlineData("time", "250 ms", 0.25)]
    [InlineData("time", "3 d", 259200.0)]
    [InlineData("frequency", "2.4 GHz", 2.4e9)]
    [InlineData("frequency", "100 khz", 1e5)]
    [InlineData("bitrate", "10 Mbps", 1e7)]
    [InlineData("bitrate", "1 MBps", 8e6)]
    [InlineData("bitrate", "1 Kibps", 1024.0)]
    [InlineData("bitrate", "3 bps", 3.0)]
    public void Scalar_units_of_every_kind(string kind, string text, double expected)
    {
        Assert.True(ScalarUnit.TryParse(kind, text, out var v));
        Assert.Equal(expected, v, 6);
    }

    [Theory]
    [InlineData("time", "2 hours")]
    [InlineData("frequency", "2 GB")]
    [InlineData("bitrate", "10 Mbit")]
    [InlineData("bitrate", "10 MBPS")]
    [InlineData("size", "1 Hz")]
    public void Scalar_units_of_the_wrong_kind_are_rejected(string kind, string text) => Assert.False(ScalarUnit.TryParse(kind, text, out _));
}
