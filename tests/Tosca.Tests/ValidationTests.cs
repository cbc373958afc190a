namespace Mano.Tosca.Tests;

/// <summary>Template validation against the types: one small template per rule, asserting code, position and message.</summary>
public class ValidationTests
{
    internal const string Types = """
        tosca_definitions_version: tosca_simple_yaml_1_3
        data_types:
          t.Image:
            derived_from: tosca.datatypes.Root
            properties:
              min_disk: { type: scalar-unit.size }
              tags: { type: list, required: false, entry_schema: { type: string, constraints: [ max_length: 5 ] } }
              labels: { type: map, required: false, entry_schema: { type: integer } }
          t.Port:
            derived_from: integer
            constraints: [ in_range: [ 1, 65535 ] ]
        capability_types:
          t.Bindable:
            derived_from: tosca.capabilities.Root
            properties:
              speed: { type: scalar-unit.bitrate, required: false }
              mtu: { type: integer }
        node_types:
          t.Server:
            derived_from: tosca.nodes.Root
            properties:
              name: { type: string }
              image: { type: t.Image, required: false }
              port: { type: t.Port, required: false }
              flavor: { type: string, required: false, default: small }
              count: { type: integer, required: false }
            attributes:
              address: { type: string }
            capabilities:
              bind: { type: t.Bindable }
            requirements:
              - link: { capability: t.Bindable, node: t.Server, occurrences: [ 0, 2 ] }
              - host: { capability: t.Bindable, node: t.Server }
            artifacts:
              setup: { type: tosca.artifacts.Implementation.Bash, file: setup.sh }
          t.Network:
            derived_from: tosca.nodes.Root
        group_types:
          t.ServerGroup:
            derived_from: tosca.groups.Root
            members: [ t.Server ]
        policy_types:
          t.ServerPolicy:
            derived_from: tosca.policies.Root
            targets: [ t.Server, t.ServerGroup ]
        """;

    internal static List<Diagnostic> Validate(string yaml, Func<string, bool>? exists = null)
    {
        var diags = new DiagnosticBag();
        var set = ToscaLoader.Load(new Dictionary<string, byte[]> { ["t.yaml"] = Zip.Utf8(yaml) }, "t.yaml", diags);
        TemplateValidator.Validate(set, exists ?? (_ => false), diags);
        return diags.Items.ToList();
    }

    /// <summary>1-based line and column of the <paramref name="occurrence"/>-th occurrence of <paramref name="needle"/>.</summary>
    internal static (int Line, int Column) Pos(string yaml, string needle, int occurrence = 1)
    {
        var at = -1;
        for (var i = 0; i < occurrence; i++) at = yaml.IndexOf(needle, at + 1, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{needle}' not in the YAML");
        var line = yaml[..at].Count(c => c == '\n') + 1;
        var col = at - (yaml.LastIndexOf('\n', Math.Max(0, at - 1)) + 1) + 1;
        if (yaml.LastIndexOf('\n', Math.Max(0, at - 1)) < 0) col = at + 1;
        return (line, col);
    }

    private static string T(string topology) => Types + "\ntopology_template:\n" + topology;

    private static Diagnostic One(List<Diagnostic> diags, string code)
    {
        var found = diags.Where(d => d.Code == code).ToList();
        Assert.True(found.Count == 1, $"expected one {code}, got:\n{string.Join("\n", diags)}");
        Assert.Equal("t.yaml", found[0].File);
        return found[0];
    }

    private static void Clean(List<Diagnostic> diags) =>
        Assert.True(diags.All(d => d.Severity != Severity.Error), string.Join("\n", diags));

    private static void At(string yaml, Diagnostic d, string needle, int occurrence = 1) =>
        Assert.Equal(Pos(yaml, needle, occurrence), (d.Line, d.Column));

    [Fact]
    public void A_valid_template_has_no_errors()
    {
        var y = T("""
              inputs:
                n: { type: integer, default: 3 }
              node_templates:
                A:
                  type: t.Server
                  properties:
                    name: a
                    port: 8080
                    count: { get_input: n }
                    image: { min_disk: 1 GiB, tags: [ x, y ], labels: { k: 1 } }
                  capabilities:
                    bind: { properties: { mtu: 1500, speed: 10 Gbps } }
                  requirements:
                    - link: B
                    - link: { node: B, capability: t.Bindable }
                    - host: B
                B:
                  type: t.Server
                  properties: { name: { concat: [ { get_property: [ A, name ] }, "-b" ] } }
                  attributes: { address: { get_attribute: [ SELF, tosca_id ] } }
              groups:
                g: { type: t.ServerGroup, members: [ A, B ] }
              policies:
                - p: { type: t.ServerPolicy, targets: [ A, g ] }
            """);
        Clean(Validate(y));
    }

    [Fact]
    public void Unknown_node_type()
    {
        var y = T("  node_templates:\n    A:\n      type: t.Servr\n");
        var d = One(Validate(y), "tosca.unknown-type");
        At(y, d, "t.Servr");
        Assert.Contains("node template 'A': type 't.Servr' is not a known node type; did you mean 't.Server'?", d.Message);
    }

    [Fact]
    public void Unknown_property()
    {
        var y = T("  node_templates:\n    A:\n      type: t.Server\n      properties: { name: a, colour: red }\n");
        var d = One(Validate(y), "tosca.unknown-property");
        At(y, d, "colour");
        Assert.Contains("node template 'A': property 'colour' is not defined by its node type 't.Server'", d.Message);
    }

    [Fact]
    public void Missing_required_property_without_default()
    {
        var y = T("  node_templates:\n    A:\n      type: t.Server\n      properties: { count: 1 }\n");
        var d = One(Validate(y), "tosca.missing-required-property");
        Assert.Equal(Severity.Error, d.Severity);
        At(y, d, "{ count");
        Assert.Contains("required property 'name' (string)", d.Message);
        // a property with a default ('flavor') is not required to be assigned
        Assert.DoesNotContain("flavor", d.Message);
    }

    [Fact]
    public void Missing_properties_section_is_reported_at_the_template_name()
    {
        var y = T("  node_templates:\n    A:\n      type: t.Server\n");
        At(y, One(Validate(y), "tosca.missing-required-property"), "A:");
    }

    [Fact]
    public void Scalar_unit_mismatch_in_a_nested_data_type()
    {
        var y = T("  node_templates:\n    VDU1:\n      type: t.Server\n      properties: { name: a, image: { min_disk: 1 parsec } }\n");
        var d = One(Validate(y), "tosca.type-mismatch");
        At(y, d, "1 parsec");
        Assert.StartsWith("node template 'VDU1' property 'image.min_disk': '1 parsec' is not a scalar-unit.size", d.Message);
    }

    [Fact]
    public void Nested_data_type_unknown_and_missing_fields()
    {
        var y = T("  node_templates:\n    A:\n      type: t.Server\n      properties: { name: a, image: { min_dsk: 1 GB } }\n");
        var ds = Validate(y);
        var unknown = One(ds, "tosca.unknown-property");
        At(y, unknown, "min_dsk");
        Assert.Contains("'min_dsk' is not a property of data type 't.Image'; did you mean 'min_disk'?", unknown.Message);
        var missing = One(ds, "tosca.missing-required-property");
        At(y, missing, "{ min_dsk");
        Assert.Contains("property 'image': required property 'min_disk' (scalar-unit.size) of data type 't.Image' is missing", missing.Message);
    }

    [Fact]
    public void List_and_map_entries_follow_their_entry_schema()
    {
        var y = T("  node_templates:\n    A:\n      type: t.Server\n      properties: { name: a, image: { min_disk: 1 GB, tags: [ ok, toolong ], labels: { a: 1, b: two } } }\n");
        var ds = Validate(y);
        var c = One(ds, "tosca.constraint-violation");
        At(y, c, "toolong");
        Assert.Contains("property 'image.tags[1]': 'toolong' violates the constraint max_length: 5", c.Message);
        var m = One(ds, "tosca.type-mismatch");
        At(y, m, "two }");
        Assert.Contains("property 'image.labels.b': 'two' is not an integer", m.Message);
    }

    [Fact]
    public void A_data_type_derived_from_a_primitive_checks_its_base_and_constraints()
    {
        var y = T("  node_templates:\n    A:\n      type: t.Server\n      properties: { name: a, port: 70000 }\n    B:\n      type: t.Server\n      properties: { name: b, port: http }\n");
        var ds = Validate(y);
        At(y, One(ds, "tosca.constraint-violation"), "70000");
        var m = One(ds, "tosca.type-mismatch");
        At(y, m, "http");
        Assert.Contains("'http' is not an integer (data type 't.Port')", m.Message);
    }

    [Theory]
    [InlineData("string", "equal: abc", "abc", "abd")]
    [InlineData("integer", "greater_than: 2", "3", "2")]
    [InlineData("integer", "greater_or_equal: 2", "2", "1")]
    [InlineData("float", "less_than: 2.5", "2.4", "2.5")]
    [InlineData("integer", "less_or_equal: 2", "2", "3")]
    [InlineData("integer", "in_range: [ 1, 4 ]", "4", "5")]
    [InlineData("integer", "in_range: [ 1, UNBOUNDED ]", "400", "0")]
    [InlineData("string", "valid_values: [ a, b ]", "b", "c")]
    [InlineData("string", "length: 3", "abc", "ab")]
    [InlineData("string", "min_length: 2", "ab", "a")]
    [InlineData("string", "max_length: 2", "ab", "abc")]
    [InlineData("string", "pattern: '[a-z]+-[0-9]'", "ab-1", "ab-1x")]
    [InlineData("scalar-unit.size", "greater_or_equal: 1 GB", "1 GiB", "999 MB")]
    [InlineData("scalar-unit.time", "in_range: [ 1 s, 1 h ]", "59 m", "2 h")]
    [InlineData("scalar-unit.frequency", "greater_than: 1 GHz", "1.5 GHz", "900 MHz")]
    [InlineData("scalar-unit.bitrate", "less_or_equal: 1 Gbps", "100 MBps", "1 GBps")]
    [InlineData("timestamp", "greater_than: 2020-01-01", "2021-03-04T10:00:00Z", "2019-12-31 23:59:59")]
    [InlineData("version", "greater_or_equal: 1.2", "1.10", "1.1.9")]
    public void Constraint_operators(string type, string constraint, string good, string bad)
    {
        string Y(string v) => $$"""
            tosca_definitions_version: tosca_simple_yaml_1_3
            node_types:
              t.C:
                derived_from: tosca.nodes.Root
                properties:
                  v: { type: {{type}}, constraints: [ { {{constraint}} } ] }
            topology_template:
              node_templates:
                A:
                  type: t.C
                  properties:
                    v: '{{v}}'
            """;
        // quoted so that every literal reaches the checks as text; numbers are re-checked unquoted below
        var unquoted = type is "integer" or "float";
        string Value(string v) => unquoted ? Y(v).Replace($"'{v}'", v, StringComparison.Ordinal) : Y(v);
        Clean(Validate(Value(good)));
        var y = Value(bad);
        var d = One(Validate(y), "tosca.constraint-violation");
        Assert.Equal(Severity.Error, d.Severity);
        Assert.Equal(Pos(y, "v: ", 2).Line, d.Line);
        Assert.Contains($"node template 'A' property 'v': '{bad}' violates the constraint {constraint.Split(':')[0]}", d.Message);
    }

    [Theory]
    [InlineData("integer", "12", "1.5")]
    [InlineData("integer", "0x1F", "'12'")]
    [InlineData("float", "1.5e3", "fast")]
    [InlineData("boolean", "true", "maybe")]
    [InlineData("timestamp", "2001-12-14t21:59:43.10-05:00", "yesterday")]
    [InlineData("version", "2.0.1.beta-3", "v2")]
    [InlineData("range", "[ 1, UNBOUNDED ]", "[ 5, 1 ]")]
    [InlineData("scalar-unit.size", "512 MiB", "512")]
    [InlineData("scalar-unit.time", "10 ms", "10 mm")]
    [InlineData("scalar-unit.frequency", "2.4 GHz", "2.4 GB")]
    [InlineData("scalar-unit.bitrate", "10 Kibps", "10 kbit")]
    [InlineData("list", "[ 1, 2 ]", "{ a: 1 }")]
    [InlineData("map", "{ a: 1 }", "[ 1 ]")]
    [InlineData("string", "abc", "[ a ]")]
    public void Primitive_types(string type, string good, string bad)
    {
        string Y(string v) => $"tosca_definitions_version: tosca_simple_yaml_1_3\nnode_types:\n  t.C:\n    derived_from: tosca.nodes.Root\n    properties:\n      v: {{ type: {type} }}\ntopology_template:\n  node_templates:\n    A:\n      type: t.C\n      properties:\n        v: {v}\n";
        Clean(Validate(Y(good)));
        var d = One(Validate(Y(bad)), "tosca.type-mismatch");
        Assert.Equal((12, 12), (d.Line, d.Column));
        Assert.Contains($"node template 'A' property 'v': ", d.Message);
        Assert.Contains($" is not a", d.Message);
    }

    [Fact]
    public void Requirement_not_defined_by_the_node_type()
    {
        var y = T("  node_templates:\n    A:\n      type: t.Server\n      properties: { name: a }\n      requirements:\n        - uplink: A\n");
        var d = One(Validate(y), "tosca.unknown-requirement");
        At(y, d, "uplink");
        Assert.Contains("requirement 'uplink' is not defined by its node type 't.Server' (defined: dependency, host, link)", d.Message);
    }

    [Fact]
    public void Requirement_target_must_be_a_node_template_of_the_right_type_with_the_capability()
    {
        var y = T("""
              node_templates:
                A:
                  type: t.Server
                  properties: { name: a }
                  requirements:
                    - link: Nowhere
                    - host: N
                N:
                  type: t.Network
            """);
        var ds = Validate(y).Where(d => d.Code == "tosca.requirement-target").ToList();
        Assert.Equal(2, ds.Count);
        At(y, ds[0], "Nowhere");
        Assert.Contains("requirement 'link' targets 'Nowhere', which is not a node template of this topology template", ds[0].Message);
        At(y, ds[1], "N\n");
        Assert.Contains("requirement 'host' targets 'N', a 't.Network', but its definition requires a node of type 't.Server'", ds[1].Message);
    }

    [Fact]
    public void Requirement_target_without_the_capability()
    {
        var y = """
            tosca_definitions_version: tosca_simple_yaml_1_3
            node_types:
              t.A:
                derived_from: tosca.nodes.Root
                requirements:
                  - storage: { capability: tosca.capabilities.Storage }
            topology_template:
              node_templates:
                A:
                  type: t.A
                  requirements:
                    - storage: B
                B:
                  type: tosca.nodes.Root
            """;
        var d = One(Validate(y), "tosca.requirement-target");
        At(y, d, "B\n");
        Assert.Contains("targets 'B', a 'tosca.nodes.Root', which has no capability 'tosca.capabilities.Storage'", d.Message);
    }

    [Fact]
    public void Requirement_occurrences_exceeded()
    {
        var y = T("  node_templates:\n    A:\n      type: t.Server\n      properties: { name: a }\n      requirements:\n        - link: A\n        - link: A\n        - link: A\n        - host: A\n        - host: A\n");
        var ds = Validate(y).Where(d => d.Code == "tosca.occurrences-exceeded").ToList();
        Assert.Equal(2, ds.Count);
        At(y, ds[0], "link", 4); // the type's definition is the first "link"
        Assert.Contains("requirement 'link' is assigned more than 2 times; node type 't.Server' allows occurrences [0, 2]", ds[0].Message);
        At(y, ds[1], "host", 3);
        Assert.Contains("occurrences [1, 1]", ds[1].Message); // the TOSCA default
    }

    [Fact]
    public void Capabilities_must_exist_and_their_properties_are_checked()
    {
        var y = T("  node_templates:\n    A:\n      type: t.Server\n      properties: { name: a }\n      capabilities:\n        bind: { properties: { speed: fast } }\n        bnd: { properties: { mtu: 1 } }\n");
        var ds = Validate(y);
        var u = One(ds, "tosca.unknown-capability");
        At(y, u, "bnd");
        Assert.Contains("capability 'bnd' is not defined by its node type 't.Server'", u.Message);
        var m = One(ds, "tosca.type-mismatch");
        At(y, m, "fast");
        Assert.Contains("node template 'A' capability 'bind' property 'speed': 'fast' is not a scalar-unit.bitrate", m.Message);
        var r = One(ds, "tosca.missing-required-property");
        At(y, r, "{ speed");
        Assert.Contains("required property 'mtu' (integer) of its capability type 't.Bindable'", r.Message);
    }

    [Fact]
    public void Group_members_of_the_wrong_kind()
    {
        var y = T("  node_templates:\n    A:\n      type: t.Server\n      properties: { name: a }\n    N:\n      type: t.Network\n  groups:\n    g:\n      type: t.ServerGroup\n      members: [ A, N, Z ]\n");
        var ds = Validate(y).Where(d => d.Code == "tosca.group-member").ToList();
        Assert.Equal(2, ds.Count);
        At(y, ds[0], "N, Z");
        Assert.Contains("group 'g': member 'N' is a 't.Network'; group type 't.ServerGroup' admits only members of type t.Server", ds[0].Message);
        At(y, ds[1], "Z ]");
        Assert.Contains("member 'Z' is not a node template", ds[1].Message);
    }

    [Fact]
    public void Policy_targets_of_the_wrong_kind()
    {
        var y = T("  node_templates:\n    N:\n      type: t.Network\n  groups:\n    g:\n      type: tosca.groups.Root\n  policies:\n    - p:\n        type: t.ServerPolicy\n        targets: [ N, g, X ]\n");
        var ds = Validate(y).Where(d => d.Code == "tosca.policy-target").ToList();
        Assert.Equal(3, ds.Count);
        At(y, ds[0], "N, g");
        Assert.Contains("policy 'p': target 'N' is a 't.Network'; policy type 't.ServerPolicy' applies only to t.Server, t.ServerGroup", ds[0].Message);
        At(y, ds[1], "g, X");
        Assert.Contains("target 'g' is a group of type 'tosca.groups.Root'", ds[1].Message);
        At(y, ds[2], "X ]");
        Assert.Contains("target 'X' is neither a node template nor a group", ds[2].Message);
    }

    [Fact]
    public void Interface_operations_and_implementation_artifacts()
    {
        var y = T("""
              node_templates:
                A:
                  type: t.Server
                  properties: { name: a }
                  artifacts:
                    conf: { type: tosca.artifacts.File, file: conf.txt }
                  interfaces:
                    Standard:
                      create: setup
                      configure: { implementation: { primary: conf, dependencies: [ nothing ] } }
                      start: Scripts/start.sh
                      stop: Scripts/stop.sh
                      launch: setup
                      delete: cleanup
                    Custom:
                      x: setup
            """);
        var ds = Validate(y, p => p == "Scripts/start.sh");
        var op = One(ds, "tosca.unknown-operation");
        At(y, op, "launch");
        Assert.Contains("node template 'A' interface 'Standard': operation 'launch' is not defined by interface type 'tosca.interfaces.node.lifecycle.Standard'", op.Message);
        var arts = ds.Where(d => d.Code == "tosca.unknown-artifact").ToList();
        Assert.Equal(3, arts.Count);
        At(y, arts[0], "nothing");
        Assert.Contains("operation 'configure': implementation 'nothing' names no artifact of the template (artifacts: conf, setup)", arts[0].Message);
        At(y, arts[1], "Scripts/stop.sh");
        Assert.Contains("and no file of the package", arts[1].Message);
        At(y, arts[2], "cleanup");
        var i = One(ds, "tosca.unknown-interface");
        At(y, i, "Custom");
    }

    [Fact]
    public void Get_input_must_name_a_declared_input_of_a_compatible_type()
    {
        var y = T("""
              inputs:
                name: { type: string }
                size: { type: scalar-unit.size }
              node_templates:
                A:
                  type: t.Server
                  properties:
                    name: { get_input: nam }
                    count: { get_input: size }
                    flavor: { get_input: [ name ] }
            """);
        var ds = Validate(y);
        var u = One(ds, "tosca.unknown-input");
        At(y, u, "nam }");
        Assert.Contains("node template 'A' property 'name': get_input names input 'nam', which topology_template.inputs does not declare; did you mean 'name'?", u.Message);
        var t = One(ds, "tosca.type-mismatch");
        var (line, col) = Pos(y, "get_input: size");
        Assert.Equal((line, col + "get_input: ".Length), (t.Line, t.Column));
        Assert.Contains("get_input 'size' is of type 'scalar-unit.size', not 'integer'", t.Message);
    }

    [Fact]
    public void Input_definitions_are_checked()
    {
        var y = T("  inputs:\n    a: { type: integer, default: many }\n    b: { type: t.Nothing }\n    c: { type: integer, default: 5, constraints: [ less_than: 5 ] }\n");
        var ds = Validate(y);
        At(y, One(ds, "tosca.type-mismatch"), "many");
        var u = One(ds, "tosca.unknown-type");
        At(y, u, "t.Nothing");
        Assert.Contains("input 'b': type 't.Nothing' is not a known data type", u.Message);
        At(y, One(ds, "tosca.constraint-violation"), "5, constraints");
    }

    [Fact]
    public void Get_property_and_get_attribute_paths_must_exist()
    {
        var y = T("""
              node_templates:
                A:
                  type: t.Server
                  properties:
                    name: { get_property: [ B, nme ] }
                    flavor: { get_property: [ SELF, image, min_dsk ] }
                    count: { get_property: [ A, bind, mtu ] }
                  attributes:
                    address: { get_attribute: [ Nobody, address ] }
                B:
                  type: t.Server
                  properties:
                    name: { get_attribute: [ A, address ] }
                    flavor: { get_property: [ HOST, whatever ] }
                    count: { get_property: [ A, bind, mt ] }
            """);
        var ds = Validate(y).Where(d => d.Code == "tosca.invalid-function").ToList();
        Assert.Equal(4, ds.Count);
        At(y, ds[0], "nme");
        Assert.Contains("get_property: node template 'B' (t.Server) has no property 'nme'; did you mean 'name'?", ds[0].Message);
        At(y, ds[1], "min_dsk");
        Assert.Contains("data type 't.Image' has no property 'min_dsk'", ds[1].Message);
        At(y, ds[2], "Nobody");
        Assert.Contains("get_attribute names 'Nobody', which is neither SELF, SOURCE, TARGET, HOST nor a node template", ds[2].Message);
        At(y, ds[3], "mt ]");
        Assert.Contains("capability 'bind' of node template 'A' (t.Bindable) has no property 'mt'", ds[3].Message);
    }

    [Fact]
    public void Concat_token_and_get_artifact_are_checked_structurally()
    {
        var y = T("""
              node_templates:
                A:
                  type: t.Server
                  properties:
                    name: { concat: [ a, [ b ] ] }
                    flavor: { token: [ "a,b", "," ] }
                  interfaces:
                    Standard:
                      create:
                        inputs:
                          script: { get_artifact: [ SELF, setup ] }
                          other: { get_artifact: [ SELF, missing ] }
                          joined: { concat: x }
            """);
        var ds = Validate(y);
        var f = ds.Where(d => d.Code == "tosca.invalid-function").ToList();
        Assert.Equal(3, f.Count);
        At(y, f[0], "[ b ]");
        Assert.Contains("concat takes strings and functions", f[0].Message);
        At(y, f[1], "[ \"a,b\"");
        Assert.Contains("token needs [ <string or function>, <separator characters>, <index> ]", f[1].Message);
        At(y, f[2], "x }");
        var a = One(ds, "tosca.unknown-artifact");
        At(y, a, "missing");
        Assert.Contains("get_artifact names artifact 'missing', which 'SELF' does not have (artifacts: setup)", a.Message);
    }

    [Fact]
    public void Values_given_as_functions_are_not_type_checked_literally()
    {
        var y = T("  inputs:\n    n: { type: integer }\n    s: { type: scalar-unit.size }\n  node_templates:\n    A:\n      type: t.Server\n      properties:\n        name: { get_input: n }\n        port: { get_input: n }\n        image: { min_disk: { get_input: s } }\n");
        // the values are not literals: only the declared types of the inputs are compared (integer is no string)
        var ds = Validate(y);
        var m = One(ds, "tosca.type-mismatch");
        Assert.Equal(Pos(y, "name: { get_input").Line, m.Line);
        Assert.DoesNotContain(ds, d => d.Code == "tosca.type-mismatch" && d.Line == Pos(y, "port").Line);
    }

    [Fact]
    public void All_problems_are_reported_in_one_pass()
    {
        var y = T("""
              node_templates:
                A:
                  type: t.Server
                  properties: { name: [ x ], port: 0, colour: red }
                  requirements:
                    - uplink: A
                B:
                  type: t.Nowhere
              policies:
                - p: { type: t.ServerPolicy, targets: [ Q ] }
            """);
        var codes = Validate(y).Where(d => d.Severity == Severity.Error).Select(d => d.Code).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["tosca.constraint-violation", "tosca.policy-target", "tosca.type-mismatch", "tosca.unknown-property", "tosca.unknown-requirement", "tosca.unknown-type"], codes);
    }

    [Fact]
    public void Substitution_mappings_are_checked_leniently()
    {
        var y = T("""
              substitution_mappings:
                node_type: t.Server
                properties: { flavor: big, size: 1 }
                requirements:
                  link: [ A, link ]
                  uplink_1: [ A, link ]
              node_templates:
                A:
                  type: t.Server
                  properties: { name: a }
            """);
        var ds = Validate(y);
        Clean(ds);
        var p = One(ds, "tosca.unknown-property");
        Assert.Equal(Severity.Warning, p.Severity);
        At(y, p, "size: 1");
        var r = One(ds, "tosca.unknown-requirement");
        Assert.Equal(Severity.Warning, r.Severity);
        At(y, r, "uplink_1");
    }
}
