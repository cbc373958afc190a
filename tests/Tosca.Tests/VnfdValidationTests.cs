namespace Mano.Tosca.Tests;

public class VnfdValidationTests
{
    // The VNFD model's own findings; the generic TOSCA validator (codes tosca.*) judges these small fixtures separately.
    private static List<Diagnostic> ModelErrors(IEnumerable<Diagnostic> ds) =>
        ds.Where(d => d.Severity == Severity.Error && d.Code.StartsWith("vnfd.", StringComparison.Ordinal)).ToList();

    private const string Types = """
        tosca_definitions_version: tosca_simple_yaml_1_3
        imports:
          - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_common_types.yaml
          - etsi_nfv_sol001_vnfd_types.yaml
        node_types:
          acme.VNF:
            derived_from: tosca.nodes.nfv.VNF
            properties:
              descriptor_id: { type: string, default: acme-1 }
              descriptor_version: { type: string, default: '2.0' }
              provider: { type: string, default: Acme }
              product_name: { type: string, default: Router }
              software_version: { type: string, default: '9' }
              vnfm_info: { type: list, default: [ Mano ] }
              flavour_id: { type: string, default: small }
          acme.Compute:
            derived_from: acme.BaseCompute
          acme.BaseCompute:
            derived_from: tosca.nodes.nfv.Vdu.Compute
        """;

    private static string Df(string nodes, string policies, string flavourProps = "properties: { flavour_id: big }") => $$"""
        tosca_definitions_version: tosca_simple_yaml_1_3
        imports: [ types.yaml ]
        topology_template:
          substitution_mappings:
            node_type: acme.VNF
            {{flavourProps}}
            requirements:
              ext: [ CPX, virtual_link ]
          node_templates:
            VDU1:
              type: acme.Compute
              properties: { name: vdu-one, vdu_profile: { min_number_of_instances: 1, max_number_of_instances: 4 } }
              capabilities:
                virtual_compute:
                  properties:
                    virtual_memory: { virtual_mem_size: 2 GiB }
                    virtual_cpu: { num_virtual_cpu: 2 }
            VL1:
              type: tosca.nodes.nfv.VnfVirtualLink
              properties: { connectivity_type: { layer_protocols: [ ipv6 ] } }
            CPX:
              type: tosca.nodes.nfv.VduCp
              requirements:
                - virtual_binding: VDU1
        {{nodes}}
          policies:
            - levels:
                type: tosca.policies.nfv.InstantiationLevels
                properties:
                  levels:
                    l1: { description: one }
                  default_level: l1
        {{policies}}
        """;

    // SOL001 6.8.1: the VNF node template states the product properties (a type default does not count, see Type_defaults_alone_...).
    private const string Top = """
        tosca_definitions_version: tosca_simple_yaml_1_3
        imports: [ types.yaml, df.yaml ]
        topology_template:
          node_templates:
            VNF:
              type: acme.VNF
              properties: { descriptor_id: acme-1, descriptor_version: '2.0', provider: Acme, product_name: Router, software_version: '9', vnfm_info: [ Mano ] }
        """;

    private static VnfdParseResult Parse(string df, string top = Top)
        => VnfdParser.Parse(new Dictionary<string, byte[]>
        {
            ["Definitions/top.yaml"] = Zip.Utf8(top),
            ["Definitions/types.yaml"] = Zip.Utf8(Types),
            ["Definitions/df.yaml"] = Zip.Utf8(df),
        }, "Definitions/top.yaml");

    [Fact]
    public void Type_defaults_alone_do_not_state_product_info()
    {
        // Changed from the first reader, which accepted the VNF type's defaults as the product information: SOL001 6.8.1 makes
        // descriptor_id, descriptor_version, provider, product_name, software_version and vnfm_info required properties of the VNF
        // node template, and Tacker rejects such a VNFD ("VNF properties are mandatory", csar_without_vnfd_info). The defaults still
        // fill the model so that the rest of the VNFD is reported on.
        var r = Parse(Df("", ""), "tosca_definitions_version: tosca_simple_yaml_1_3\nimports: [ types.yaml, df.yaml ]\n");
        Assert.Equal(["vnfd.missing-descriptor-id", "vnfd.missing-product-info"], ModelErrors(r.Diagnostics).Select(d => d.Code).Order(StringComparer.Ordinal));
        Assert.Contains("descriptor_version, provider, product_name, software_version, vnfm_info", r.Diagnostics.Single(d => d.Code == "vnfd.missing-product-info").Message);
        Assert.Equal(("acme-1", "Acme"), (r.Vnfd!.DescriptorId, r.Vnfd.Provider));
    }

    [Fact]
    public void Product_info_comes_from_the_VNF_node_and_types_derive_across_chains()
    {
        var r = Parse(Df("", ""));
        Assert.Empty(ModelErrors(r.Diagnostics));
        var v = r.Vnfd!;
        Assert.Equal(("acme-1", "2.0", "Acme", "Router", "9"), (v.DescriptorId, v.DescriptorVersion, v.Provider, v.ProductName, v.SoftwareVersion));
        Assert.Equal(["Mano"], v.VnfmInfo);
        var f = Assert.Single(v.Flavours);
        Assert.Equal("big", f.FlavourId);
        var vdu = Assert.Single(f.Vdus);
        Assert.Equal(("VDU1", "vdu-one", 4, 2, 2048L), (vdu.Id, vdu.Name, vdu.MaxNumberOfInstances, vdu.NumVirtualCpu, vdu.VirtualMemSizeMiB));
        Assert.Equal(1, f.FindLevel(null)!.VduInstances["VDU1"]);
        Assert.Equal(["Definitions/top.yaml", "Definitions/types.yaml", "Definitions/df.yaml"], r.VnfdFilePaths);
        Assert.Equal(2, r.Diagnostics.Count(d => d.Code == "vnfd.etsi-types-builtin" && d.Severity == Severity.Info));
    }

    [Fact]
    public void Flavour_id_from_the_type_default_alone_is_an_error_and_get_input_takes_the_type_default()
    {
        // Changed from the first reader (which warned and used the default): SOL001 identifies a deployment flavour by the flavour_id
        // its substitution_mappings states; Tacker rejects csar_without_flavour_info ("No VNF flavours are available").
        var top = """
            tosca_definitions_version: tosca_simple_yaml_1_3
            imports: [ types.yaml, df.yaml ]
            topology_template:
              node_templates:
                VNF:
                  type: acme.VNF
                  properties:
                    flavour_id: { get_input: selected_flavour }
                    descriptor_id: { get_input: id }
                    provider: TopProvider
                    descriptor_version: '2.0'
                    product_name: Router
                    software_version: '9'
                    vnfm_info: [ Mano ]
            """;
        var r = Parse(Df("", "", flavourProps: ""), top);
        var e = Assert.Single(ModelErrors(r.Diagnostics), d => d.Code == "vnfd.missing-flavour-id");
        Assert.Equal(("Definitions/df.yaml", 5, 5), (e.File, e.Line, e.Column));
        Assert.Contains("'small'", e.Message);
        Assert.Contains(ModelErrors(r.Diagnostics), d => d.Code == "vnfd.no-flavour");
        Assert.Equal("acme-1", r.Vnfd!.DescriptorId); // get_input of an undeclared input: the type's default
        Assert.Equal("TopProvider", r.Vnfd.Provider);
        Assert.Empty(r.Vnfd.Flavours);
    }

    [Fact]
    public void All_reference_errors_are_collected_in_one_pass_with_positions()
    {
        var nodes = """
                CP2:
                  type: tosca.nodes.nfv.VduCp
                  requirements:
                    - virtual_binding: VDU9
                    - virtual_link: VL9
            """;
        var policies = """
                - delta:
                    type: tosca.policies.nfv.VduInitialDelta
                    properties: { initial_delta: { number_of_instances: 1 } }
                    targets: [ VDU7 ]
                - vdu_levels:
                    type: tosca.policies.nfv.VduInstantiationLevels
                    properties:
                      levels:
                        l3: { number_of_instances: 2 }
                    targets: [ VDU1 ]
            """;
        var df = Df(nodes, policies).Replace("default_level: l1", "default_level: l2");
        var r = Parse(df);
        var codes = ModelErrors(r.Diagnostics).Select(d => d.Code).ToList();
        Assert.Equal(["vnfd.cp-unknown-vdu", "vnfd.cp-unknown-virtual-link", "vnfd.policy-unknown-target", "vnfd.unknown-default-level", "vnfd.unknown-instantiation-level"],
            codes.Order(StringComparer.Ordinal));
        Assert.All(ModelErrors(r.Diagnostics), d => Assert.Equal("Definitions/df.yaml", d.File));
        Assert.All(ModelErrors(r.Diagnostics), d => Assert.True(d.Line > 0 && d.Column > 0, d.ToString()));
        var lines = Df(nodes, policies).Split('\n');
        var unknownVdu = r.Diagnostics.Single(d => d.Code == "vnfd.cp-unknown-vdu");
        Assert.Contains("VDU9", lines[unknownVdu.Line - 1]);
        Assert.Equal(lines[unknownVdu.Line - 1].IndexOf("VDU9", StringComparison.Ordinal) + 1, unknownVdu.Column);
        var target = r.Diagnostics.Single(d => d.Code == "vnfd.policy-unknown-target");
        Assert.Contains("VDU7", lines[target.Line - 1]);
        Assert.NotNull(r.Vnfd); // still parsed
    }

    [Fact]
    public void Missing_descriptor_id_and_missing_flavour_are_errors()
    {
        var r = Vnfds.ParseSingle("""
            tosca_definitions_version: tosca_simple_yaml_1_3
            topology_template:
              node_templates:
                VNF:
                  type: tosca.nodes.nfv.VNF
                  properties: { provider: P }
            """);
        Assert.Equal(["vnfd.missing-descriptor-id", "vnfd.missing-product-info", "vnfd.no-flavour"], ModelErrors(r.Diagnostics).Select(d => d.Code).Order(StringComparer.Ordinal));
        var d = r.Diagnostics.Single(x => x.Code == "vnfd.missing-descriptor-id");
        Assert.Equal((6, 19), (d.Line, d.Column)); // the VNF node's properties
        Assert.Null(r.Vnfd);
    }

    [Fact]
    public void Single_file_VNFD_without_substitution_forms_one_flavour()
    {
        var r = Vnfds.ParseSingle("""
            tosca_definitions_version: tosca_simple_yaml_1_3
            topology_template:
              node_templates:
                VNF:
                  type: tosca.nodes.nfv.VNF
                  properties: { descriptor_id: x, descriptor_version: '1', provider: P, product_name: N, software_version: '1', vnfm_info: [ M ], flavour_id: only }
                VDU1:
                  type: tosca.nodes.nfv.Vdu.Compute
                  properties: { name: v }
                VS1:
                  type: tosca.nodes.nfv.Vdu.VirtualObjectStorage
                  properties: { virtual_object_storage_data: { max_size_of_storage: 1 TiB } }
            """);
        Assert.Empty(ModelErrors(r.Diagnostics));
        var f = Assert.Single(r.Vnfd!.Flavours);
        Assert.Equal("only", f.FlavourId);
        Assert.Equal(("object", 1L << 40), (f.VirtualStorages[0].Kind, f.VirtualStorages[0].SizeOfStorageBytes));
        Assert.Null(f.FindLevel(null));
    }

    [Fact]
    public void Imports_missing_remote_and_cyclic_are_handled()
    {
        var files = new Dictionary<string, byte[]>
        {
            ["Definitions/a.yaml"] = Zip.Utf8("imports:\n  - file: b.yaml\n  - missing.yaml\n  - http://example.com/x.yaml\n  - ../../outside.yaml\n  - etsi_nfv_sol001_common_types.yaml\n"),
            ["Definitions/b.yaml"] = Zip.Utf8("imports: [ a.yaml, sub/c.yaml ]\n"),
            ["Definitions/sub/c.yaml"] = Zip.Utf8("imports: [ ../b.yaml ]\n"),
        };
        var r = VnfdParser.Parse(files, "Definitions/a.yaml");
        Assert.Equal(["Definitions/a.yaml", "Definitions/b.yaml", "Definitions/sub/c.yaml"], r.VnfdFilePaths);
        var missing = r.Diagnostics.Single(d => d.Code == "vnfd.import-missing");
        Assert.Equal((3, 5), (missing.Line, missing.Column));
        Assert.Contains(r.Diagnostics, d => d.Code == "vnfd.import-remote" && d.Line == 4);
        Assert.Contains(r.Diagnostics, d => d.Code == "vnfd.import-outside-package" && d.Line == 5);
        Assert.Contains(r.Diagnostics, d => d.Code == "vnfd.etsi-types-builtin" && d.Line == 6 && d.Severity == Severity.Info);
    }

    [Fact]
    public void Missing_entry_file_is_an_error()
    {
        var r = VnfdParser.Parse(new Dictionary<string, byte[]>(), "Definitions/none.yaml");
        Assert.Equal("vnfd.entry-definitions-missing", Assert.Single(r.Diagnostics).Code);
        Assert.Null(r.Vnfd);
    }
}
