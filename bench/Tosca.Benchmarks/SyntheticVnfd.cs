using System.Globalization;
using System.Text;

namespace Mano.Tosca.Benchmarks;

/// <summary>
/// A realistic, helloworld-like VNF package with N VDUs: the VNF type in its own file, one deployment flavour where each
/// VDU has sw_image_data, virtual compute and local storage and one VduCp on a shared internal VL; a scaling aspect,
/// one VduInitialDelta, one VduScalingAspectDeltas and one VduInstantiationLevels policy targeting every VDU, and two
/// instantiation levels. The ETSI SOL001 type files are the ones Tacker's helloworld package carries (as every Tacker
/// package does), so tosca-parser can read the same package.
/// </summary>
public static class SyntheticVnfd
{
    public const string DescriptorId = "5e1d2c3b-0000-4000-8000-00000000be1c";
    public const string Entry = "Definitions/synthetic_df_simple.yaml";

    public static Dictionary<string, byte[]> Files(int vdus)
    {
        var etsi = Path.Combine(Inputs.TackerCorpus, "sample-vnf_packages_helloworld", "Definitions");
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["TOSCA-Metadata/TOSCA.meta"] = Encoding.UTF8.GetBytes(
                "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-by: Mano benchmark\nEntry-Definitions: " + Entry + "\n"),
            ["Definitions/etsi_nfv_sol001_common_types.yaml"] = File.ReadAllBytes(Path.Combine(etsi, "etsi_nfv_sol001_common_types.yaml")),
            ["Definitions/etsi_nfv_sol001_vnfd_types.yaml"] = File.ReadAllBytes(Path.Combine(etsi, "etsi_nfv_sol001_vnfd_types.yaml")),
            ["Definitions/synthetic_types.yaml"] = Encoding.UTF8.GetBytes(Types),
            [Entry] = Encoding.UTF8.GetBytes(Flavour(vdus)),
        };
        return files;
    }

    private const string Types = """
        tosca_definitions_version: tosca_simple_yaml_1_2

        description: VNF type of the synthetic benchmark VNFD

        imports:
          - etsi_nfv_sol001_common_types.yaml
          - etsi_nfv_sol001_vnfd_types.yaml

        node_types:
          mano.bench.SyntheticVNF:
            derived_from: tosca.nodes.nfv.VNF
            properties:
              descriptor_id:
                type: string
                constraints: [ valid_values: [ 5e1d2c3b-0000-4000-8000-00000000be1c ] ]
                default: 5e1d2c3b-0000-4000-8000-00000000be1c
              descriptor_version:
                type: string
                constraints: [ valid_values: [ '1.0' ] ]
                default: '1.0'
              provider:
                type: string
                constraints: [ valid_values: [ 'Mano' ] ]
                default: 'Mano'
              product_name:
                type: string
                constraints: [ valid_values: [ 'Synthetic VNF' ] ]
                default: 'Synthetic VNF'
              software_version:
                type: string
                constraints: [ valid_values: [ '1.0' ] ]
                default: '1.0'
              vnfm_info:
                type: list
                entry_schema:
                  type: string
                  constraints: [ valid_values: [ Tacker ] ]
                default: [ Tacker ]
              flavour_id:
                type: string
                constraints: [ valid_values: [ simple ] ]
                default: simple
              flavour_description:
                type: string
                default: "Synthetic flavour"
            requirements:
              - virtual_link_external:
                  capability: tosca.capabilities.nfv.VirtualLinkable
                  occurrences: [0, 1]
            interfaces:
              Vnflcm:
                type: tosca.interfaces.nfv.Vnflcm

        """;

    public static string Flavour(int vdus)
    {
        var sb = new StringBuilder(4096 + vdus * 1600);
        void L(string line) => sb.Append(line).Append('\n');
        string I(int i) => i.ToString(CultureInfo.InvariantCulture);

        L("tosca_definitions_version: tosca_simple_yaml_1_2");
        L("");
        L($"description: Synthetic deployment flavour with {I(vdus)} VDUs (Mano benchmark)");
        L("");
        L("imports:");
        L("  - etsi_nfv_sol001_common_types.yaml");
        L("  - etsi_nfv_sol001_vnfd_types.yaml");
        L("  - synthetic_types.yaml");
        L("");
        L("topology_template:");
        L("  substitution_mappings:");
        L("    node_type: mano.bench.SyntheticVNF");
        L("    properties:");
        L("      flavour_id: simple");
        L("    requirements:");
        L("      virtual_link_external: [ CP1, virtual_link ]");
        L("");
        L("  node_templates:");
        L("    VNF:");
        L("      type: mano.bench.SyntheticVNF");
        L("      properties:");
        L($"        descriptor_id: {DescriptorId}");
        L("        descriptor_version: '1.0'");
        L("        provider: Mano");
        L("        product_name: Synthetic VNF");
        L("        software_version: '1.0'");
        L("        vnfm_info: [ Tacker ]");
        L("        flavour_id: simple");
        L("        flavour_description: A simple flavour");
        L("      interfaces:");
        L("        Vnflcm:");
        L("          instantiate: []");
        L("          terminate: []");
        L("");
        L("    internalVL:");
        L("      type: tosca.nodes.nfv.VnfVirtualLink");
        L("      properties:");
        L("        connectivity_type:");
        L("          layer_protocols: [ ipv4 ]");
        L("        description: Internal virtual link shared by every VDU");
        L("        vl_profile:");
        L("          max_bitrate_requirements:");
        L("            root: 1048576");
        L("            leaf: 1048576");
        L("          min_bitrate_requirements:");
        L("            root: 1048576");
        L("            leaf: 1048576");
        L("          virtual_link_protocol_data:");
        L("            - associated_layer_protocol: ipv4");
        L("              l3_protocol_data:");
        L("                ip_version: ipv4");
        L("                cidr: 10.10.0.0/16");
        for (var v = 1; v <= vdus; v++)
        {
            var n = I(v);
            L("");
            L($"    VDU{n}:");
            L("      type: tosca.nodes.nfv.Vdu.Compute");
            L("      properties:");
            L($"        name: VDU{n}");
            L($"        description: VDU{n} compute node");
            L("        vdu_profile:");
            L("          min_number_of_instances: 1");
            L("          max_number_of_instances: 3");
            L("        sw_image_data:");
            L($"          name: Software of VDU{n}");
            L("          version: '0.5.2'");
            L("          checksum:");
            L("            algorithm: sha-512");
            L("            hash: 6b813aa46bb90b4da216a4d19376593fa3f4fc7e617f03a92b7fe11e9a3981cbe8f0959dbebe36225e5f53dc4492341a4863cac4ed1ee0909f3fc78ef9c3e869");
            L("          container_format: bare");
            L("          disk_format: qcow2");
            L("          min_disk: 1 GB");
            L("          size: 1 GB");
            L("      capabilities:");
            L("        virtual_compute:");
            L("          properties:");
            L("            virtual_memory:");
            L("              virtual_mem_size: 512 MB");
            L("            virtual_cpu:");
            L("              num_virtual_cpu: 1");
            L("            virtual_local_storage:");
            L("              - size_of_storage: 3 GB");
            L("");
            L($"    CP{n}:");
            L("      type: tosca.nodes.nfv.VduCp");
            L("      properties:");
            L("        layer_protocols: [ ipv4 ]");
            L("        order: 0");
            L("      requirements:");
            L($"        - virtual_binding: VDU{n}");
            L("        - virtual_link: internalVL");
        }

        var targets = "[ " + string.Join(", ", Enumerable.Range(1, vdus).Select(v => "VDU" + I(v))) + " ]";
        L("");
        L("  policies:");
        L("    - scaling_aspects:");
        L("        type: tosca.policies.nfv.ScalingAspects");
        L("        properties:");
        L("          aspects:");
        L("            worker_instance:");
        L("              name: worker_instance_aspect");
        L("              description: worker_instance scaling aspect");
        L("              max_scale_level: 2");
        L("              step_deltas:");
        L("                - delta_1");
        L("");
        L("    - initial_delta:");
        L("        type: tosca.policies.nfv.VduInitialDelta");
        L("        properties:");
        L("          initial_delta:");
        L("            number_of_instances: 1");
        L($"        targets: {targets}");
        L("");
        L("    - scaling_aspect_deltas:");
        L("        type: tosca.policies.nfv.VduScalingAspectDeltas");
        L("        properties:");
        L("          aspect: worker_instance");
        L("          deltas:");
        L("            delta_1:");
        L("              number_of_instances: 1");
        L($"        targets: {targets}");
        L("");
        L("    - instantiation_levels:");
        L("        type: tosca.policies.nfv.InstantiationLevels");
        L("        properties:");
        L("          levels:");
        L("            instantiation_level_1:");
        L("              description: Smallest size");
        L("              scale_info:");
        L("                worker_instance:");
        L("                  scale_level: 0");
        L("            instantiation_level_2:");
        L("              description: Largest size");
        L("              scale_info:");
        L("                worker_instance:");
        L("                  scale_level: 2");
        L("          default_level: instantiation_level_1");
        L("");
        L("    - vdu_instantiation_levels:");
        L("        type: tosca.policies.nfv.VduInstantiationLevels");
        L("        properties:");
        L("          levels:");
        L("            instantiation_level_1:");
        L("              number_of_instances: 1");
        L("            instantiation_level_2:");
        L("              number_of_instances: 3");
        L($"        targets: {targets}");
        return sb.ToString();
    }
}
