namespace Mano.Tosca.Tests;

/// <summary>The bundled ETSI SOL001 type files and the resolution of imports to them.</summary>
public class EtsiTypesTests
{
    public static TheoryData<string> BundledFiles() => new(EtsiTypeLibrary.ResourceNames);

    [Fact]
    public void Every_version_from_2_5_1_to_4_4_1_is_bundled_with_its_licence()
    {
        Assert.Equal(["2.5.1", "2.6.1", "2.7.1", "2.8.1", "3.3.1", "3.5.1", "3.6.1", "4.2.1", "4.4.1"], EtsiTypeLibrary.Versions);
        Assert.Equal(35, EtsiTypeLibrary.ResourceNames.Count()); // 2.5.1 has no common file
        Assert.Contains("Redistribution and use in source and binary forms", System.Text.Encoding.UTF8.GetString(EtsiTypeLibrary.ReadResource("EtsiTypes/LICENSE")), StringComparison.Ordinal);
        Assert.NotEmpty(EtsiTypeLibrary.ReadResource("EtsiTypes/SOURCES.md"));
    }

    [Theory]
    [MemberData(nameof(BundledFiles))]
    public void Every_bundled_file_loads_and_its_types_resolve_without_errors(string resource)
    {
        // Through the package loader, as a package's own file: its forge URL imports resolve to the bundled copies, and every
        // definition is checked (parents, property types, requirement/capability/interface types).
        var version = resource.Split('/')[1];
        var file = resource.Split('/')[2];
        var diags = new DiagnosticBag();
        var set = ToscaLoader.Load(new Dictionary<string, byte[]> { [file] = EtsiTypeLibrary.ReadResource(resource) }, file, diags);
        Assert.NotNull(set.Entry);
        Assert.DoesNotContain(diags.Items, d => d.Severity == Severity.Error);
        Assert.Equal(version == "2.5.1" ? "2.5.1" : version, set.EtsiVersion);
        Assert.NotEmpty(set.Entry!.Root.Children);

        // And as the bundled copy: parsed once, no diagnostics other than the flow-indentation repair of 2.5.1/2.6.1 vnfd.
        var parsed = EtsiTypeLibrary.LoadResource(resource);
        Assert.NotNull(parsed.Source);
        Assert.All(parsed.Diagnostics, d => Assert.Equal(("yaml.flow-indentation", Severity.Warning), (d.Code, d.Severity)));
    }

    [Theory]
    [InlineData("2.5.1")]
    [InlineData("2.6.1")]
    [InlineData("2.7.1")]
    [InlineData("2.8.1")]
    [InlineData("3.3.1")]
    [InlineData("3.5.1")]
    [InlineData("3.6.1")]
    [InlineData("4.2.1")]
    [InlineData("4.4.1")]
    public void Each_version_base_derives_the_ETSI_types_from_the_normative_TOSCA_types(string version)
    {
        var types = EtsiTypeLibrary.Base(version);
        Assert.True(types.IsA(TypeKind.Node, "tosca.nodes.nfv.Vdu.Compute", "tosca.nodes.Root"));
        Assert.True(types.IsA(TypeKind.Node, "tosca.nodes.nfv.VNF", "tosca.nodes.Root"));
        Assert.True(types.IsA(TypeKind.Node, "tosca.nodes.nfv.NS", "tosca.nodes.Root"));
        Assert.True(types.IsA(TypeKind.Policy, "tosca.policies.nfv.InstantiationLevels", "tosca.policies.Root"));
        var vdu = types.Find(TypeKind.Node, "tosca.nodes.nfv.Vdu.Compute")!;
        Assert.Contains("vdu_profile", types.Properties(vdu).Keys);
        Assert.Contains("virtual_compute", types.Capabilities(vdu).Keys);
        Assert.Contains("feature", types.Capabilities(vdu).Keys); // inherited from tosca.nodes.Root
        Assert.Same(types, EtsiTypeLibrary.Base(version)); // cached
        // every type of the base resolves to a known root
        foreach (var t in types.OwnTypes)
        {
            var chain = types.Chain(t);
            var last = chain[^1];
            Assert.True(last.DerivedFrom is null || (t.Kind == TypeKind.Data && Primitive.Is(last.DerivedFrom)),
                $"{t} ends its chain at {last} deriving from unknown '{last.DerivedFrom}'");
        }
    }

    [Fact]
    public void Normative_types_are_complete_for_the_types_the_ETSI_files_derive_from()
    {
        var n = new TypeSystem([EtsiTypeLibrary.Normative], null);
        var diags = new DiagnosticBag();
        n.CheckDefinitions([new TypeSource { File = "n", Types = EtsiTypeLibrary.Normative.Types, Diagnostics = [] }], diags);
        Assert.Empty(diags.Items);
        foreach (var name in new[] { "tosca.nodes.Root", "tosca.nodes.Compute", "tosca.nodes.network.Port" })
            Assert.NotNull(n.Find(TypeKind.Node, name));
        Assert.True(n.IsA(TypeKind.Relationship, "tosca.relationships.network.LinksTo", "tosca.relationships.DependsOn"));
        Assert.True(n.IsA(TypeKind.Artifact, "tosca.artifacts.Implementation.Python", "tosca.artifacts.Root"));
        Assert.Equal("integer", n.PrimitiveBase(n.Find(TypeKind.Data, "tosca.datatypes.network.PortDef")!));
        Assert.Contains("configure", n.Operations(n.Find(TypeKind.Interface, "tosca.interfaces.node.lifecycle.Standard")!));
    }

    [Theory]
    [InlineData("https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_common_types.yaml", "common", "2.6.1")]
    [InlineData("https://forge.etsi.org/rep/nfv/SOL001/-/raw/v4.4.1/etsi_nfv_sol001_vnfd_types.yaml", "vnfd", "4.4.1")]
    [InlineData("https://forge.etsi.org/rep/nfv/SOL001/raw/2.7.1/etsi_nfv_sol001_nsd_types.yaml", "nsd", "2.7.1")]
    [InlineData("https://forge.etsi.org/rep/nfv/SOL001/blob/v3.3.1/etsi_nfv_sol001_pnfd_types.yaml?ref_type=tags", "pnfd", "3.3.1")]
    [InlineData("https://example.com/x/etsi_nfv_sol001_vnfd_2_5_1_types.yaml", "vnfd", "2.5.1")]
    [InlineData("https://example.com/etsi_nfv_sol001_vnfd_types.yaml", "vnfd", null)]
    public void ETSI_URLs_name_a_kind_and_a_version(string url, string kind, string? version) =>
        Assert.Equal((kind, version), EtsiTypeLibrary.ParseUrl(url));

    private static (ToscaDocumentSet Set, List<Diagnostic> Diags) Load(params (string Path, string Yaml)[] files)
    {
        var diags = new DiagnosticBag();
        var set = ToscaLoader.Load(files.ToDictionary(f => f.Path, f => Zip.Utf8(f.Yaml)), files[0].Path, diags);
        return (set, diags.Items.ToList());
    }

    [Fact]
    public void A_forge_URL_import_resolves_to_the_bundled_file_of_its_version()
    {
        var (set, diags) = Load(("d.yaml", """
            tosca_definitions_version: tosca_simple_yaml_1_3
            imports:
              - https://forge.etsi.org/rep/nfv/SOL001/raw/v4.4.1/etsi_nfv_sol001_vnfd_types.yaml
            """));
        Assert.Equal("4.4.1", set.EtsiVersion);
        Assert.NotNull(set.Types.Find(TypeKind.Artifact, "tosca.artifacts.nfv.HelmChart")); // new in 4.x
        var info = Assert.Single(diags);
        Assert.Equal(("vnfd.etsi-types-builtin", Severity.Info, 3, 5), (info.Code, info.Severity, info.Line, info.Column));
        Assert.Contains("v4.4.1 vnfd", info.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bare_file_name_absent_from_the_package_takes_the_version_of_the_other_imports()
    {
        var (set, diags) = Load(
            ("d.yaml", "imports: [ t.yaml, etsi_nfv_sol001_vnfd_types.yaml ]\n"),
            ("t.yaml", "imports: [ 'https://forge.etsi.org/rep/nfv/SOL001/raw/v2.7.1/etsi_nfv_sol001_common_types.yaml' ]\n"));
        Assert.Equal("2.7.1", set.EtsiVersion);
        Assert.NotNull(set.Types.Find(TypeKind.Data, "tosca.datatypes.nfv.BootData")); // new in 2.7.1
        Assert.Equal(2, diags.Count(d => d.Code == "vnfd.etsi-types-builtin"));
        Assert.DoesNotContain(diags, d => d.Severity == Severity.Error);
    }

    [Theory]
    [InlineData("tosca_simple_yaml_1_2", "2.6.1")]
    [InlineData("tosca_simple_yaml_1_3", "3.3.1")]
    public void Without_a_versioned_import_the_version_follows_the_TOSCA_version(string toscaVersion, string expected)
    {
        var (set, _) = Load(("d.yaml", $"tosca_definitions_version: {toscaVersion}\nimports: [ etsi_nfv_sol001_vnfd_types.yaml ]\n"));
        Assert.Equal(expected, set.EtsiVersion);
        Assert.NotNull(set.Types.Find(TypeKind.Node, "tosca.nodes.nfv.VNF"));
    }

    [Fact]
    public void The_package_copy_of_an_ETSI_file_declares_the_version()
    {
        var copy = System.Text.Encoding.UTF8.GetString(EtsiTypeLibrary.ReadResource("EtsiTypes/2.8.1/etsi_nfv_sol001_common_types.yaml"));
        var (set, diags) = Load(("d.yaml", "tosca_definitions_version: tosca_simple_yaml_1_3\nimports: [ etsi_nfv_sol001_common_types.yaml ]\n"),
            ("etsi_nfv_sol001_common_types.yaml", copy));
        Assert.Equal("2.8.1", set.EtsiVersion);
        Assert.Empty(diags);
        Assert.Contains("etsi_nfv_sol001_common_types.yaml", set.EtsiCopies);
    }

    [Fact]
    public void An_unbundled_version_uses_the_nearest_older_bundled_one_with_a_warning()
    {
        var (set, diags) = Load(("d.yaml", "imports: [ 'https://forge.etsi.org/rep/nfv/SOL001/raw/v3.4.1/etsi_nfv_sol001_vnfd_types.yaml' ]\n"));
        Assert.Equal("3.3.1", set.EtsiVersion);
        var w = Assert.Single(diags, d => d.Code == "vnfd.etsi-version-substituted");
        Assert.Equal((Severity.Warning, 1, 12), (w.Severity, w.Line, w.Column));
        Assert.Contains("v3.4.1", w.Message, StringComparison.Ordinal);
        Assert.Contains("v3.3.1", w.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_network_imports_are_errors_and_never_fetched()
    {
        var (_, diags) = Load(("d.yaml", """
            imports:
              - https://example.com/types/my_types.yaml
              - file: my_types.yaml
                repository: my_repo
            """));
        var errors = diags.Where(d => d.Severity == Severity.Error).ToList();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal("vnfd.import-remote", e.Code));
        Assert.Equal((2, 5), (errors[0].Line, errors[0].Column));
        Assert.Equal((3, 11), (errors[1].Line, errors[1].Column));
        Assert.Contains("my_repo", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_package_copy_that_does_not_load_falls_back_to_the_bundled_file_with_a_warning()
    {
        var (set, diags) = Load(("d.yaml", "imports: [ etsi_nfv_sol001_vnfd_types.yaml ]\nnode_types:\n  my.VNF:\n    derived_from: tosca.nodes.nfv.VNF\n"),
            ("etsi_nfv_sol001_vnfd_types.yaml", "node_types: {\n  broken\n"));
        Assert.DoesNotContain(diags, d => d.Severity == Severity.Error);
        var w = Assert.Single(diags, d => d.File == "etsi_nfv_sol001_vnfd_types.yaml");
        Assert.Equal(Severity.Warning, w.Severity);
        Assert.Contains("bundled SOL001 v2.6.1 vnfd types are used instead", w.Message, StringComparison.Ordinal);
        Assert.True(set.Types.IsA(TypeKind.Node, "my.VNF", "tosca.nodes.Root"));
    }

    [Fact]
    public void Tackers_copy_with_a_flow_sequence_at_column_0_loads_with_a_warning()
    {
        var r = CsarReader.ReadDirectory(Corpus.Tacker("sample-vnf_packages_helloworld"));
        var w = Assert.Single(r.Diagnostics, d => d.File == "Definitions/etsi_nfv_sol001_vnfd_types.yaml");
        Assert.Equal(("yaml.flow-indentation", Severity.Warning, 652, 1), (w.Code, w.Severity, w.Line, w.Column));
    }

    [Fact]
    public void Parsed_package_copies_of_ETSI_files_are_cached_by_content()
    {
        var copy = EtsiTypeLibrary.ReadResource("EtsiTypes/3.3.1/etsi_nfv_sol001_vnfd_types.yaml");
        var files = new Dictionary<string, byte[]>
        {
            ["d.yaml"] = Zip.Utf8("imports: [ etsi_nfv_sol001_vnfd_types.yaml ]\n"),
            ["etsi_nfv_sol001_vnfd_types.yaml"] = copy,
        };
        var a = ToscaLoader.Load(files, "d.yaml", new DiagnosticBag());
        var b = ToscaLoader.Load(files, "d.yaml", new DiagnosticBag());
        Assert.Same(a.Files[1].Root, b.Files[1].Root);
        Assert.Same(a.Types.Find(TypeKind.Node, "tosca.nodes.nfv.VNF"), b.Types.Find(TypeKind.Node, "tosca.nodes.nfv.VNF"));
    }
}
