namespace Mano.Tosca.Tests;

/// <summary>The VNFD model's further members (compute details, protocol data, bitrates, placement, security, indicators, LCM interfaces).</summary>
public class VnfdModelTests
{
    // The VNFD model's own findings; the generic TOSCA validator (codes tosca.*) judges these small fixtures separately.
    private static List<Diagnostic> ModelErrors(IEnumerable<Diagnostic> ds) =>
        ds.Where(d => d.Severity == Severity.Error && d.Code.StartsWith("vnfd.", StringComparison.Ordinal)).ToList();

    private static Vnfd Read(string package) => CsarReader.ReadDirectory(Corpus.Tacker(package)).Package!.Vnfd!;

    [Fact]
    public void Basic_lcms_max_compute_links_levels_and_placement()
    {
        var f = Read("v2-os-basic_lcms_max").FindFlavour("simple")!;
        var vdu1 = f.Vdus[0];
        Assert.Equal("m1.tiny", vdu1.FlavorName);
        var cap = Assert.Single(vdu1.RequestedAdditionalCapabilities);
        Assert.Equal(("properties", true), (cap.Id, cap.SupportMandatory));
        Assert.Equal(["VDU1-VirtualStorage"], vdu1.VirtualStorageIds);
        var storage = f.VirtualStorages.Single(s => s.Id == "VDU1-VirtualStorage");
        Assert.True(storage.RdmaEnabled);
        Assert.True(Assert.Single(storage.Artifacts).IsSwImage);
        Assert.Equal("Files/images/cirros-0.5.2-x86_64-disk.img", storage.SwImage!.ArtifactFile);

        var vl1 = f.VirtualLinks.Single(v => v.Id == "internalVL1");
        Assert.Equal(new LinkBitrate(1048576, 1048576), vl1.MaxBitrate);
        Assert.Equal(new LinkBitrate(1048576, 1048576), vl1.MinBitrate);
        var pd = Assert.Single(vl1.ProtocolData);
        Assert.Equal(("ipv4", "ipv4", "192.168.3.0/24"), (pd.AssociatedLayerProtocol, pd.L3!.IpVersion, pd.L3.Cidr));
        Assert.Equal(new LinkBitrate(1048576, 1048576), f.FindLevel("instantiation_level_2")!.VirtualLinkBitrates["internalVL3"]);

        var group = Assert.Single(f.PlacementGroups);
        Assert.Equal(["VDU1", "VDU2"], group.Members);
        var rule = Assert.Single(f.PlacementRules);
        Assert.Equal(("policy_affinity_group", true, "zone"), (rule.Id, rule.IsAffinity, rule.Scope));
        Assert.Equal(["affinityOrAntiAffinityGroup1"], rule.Targets);
        Assert.Equal(["VDU1", "VDU2"], rule.VduIds);

        Assert.Equal(["instantiate", "instantiate_start", "instantiate_end", "terminate", "terminate_start", "terminate_end",
            "modify_information", "modify_information_start", "modify_information_end"], f.LcmOperations.Select(o => o.Name));
        Assert.All(f.LcmOperations, o => Assert.Equal(("Vnflcm", (string?)null), (o.Interface, o.Implementation)));
    }

    [Fact]
    public void Practical_package_ext_cp_nodes_anti_affinity_and_configurable_properties()
    {
        var ha = Read("sample-practical_vnf_package").FindFlavour("ha")!;
        var ext = ha.ExtCps.Single(e => e.CpdId == "VDU_extvCP");
        Assert.True(ext.IsVnfExtCpNode);
        Assert.Equal(("VDU_extnet", "VDU_intnet0"), (ext.ExternalRequirement, ext.InternalVirtualLinkId));
        var anti = Assert.Single(ha.PlacementRules);
        Assert.Equal((false, "nfvi_node"), (anti.IsAffinity, anti.Scope));
        Assert.Equal(["VDU_0", "VDU_1"], anti.VduIds);
        Assert.Equal((false, false), (ha.ConfigurableProperties!.IsAutoscaleEnabled, ha.ConfigurableProperties.IsAutohealEnabled));
        var l2 = ha.VirtualLinks.Single().ProtocolData.Single().L2!;
        Assert.Equal("vxlan", l2.NetworkType);
        Assert.Equal(new LinkBitrate(1000000, null), ha.VirtualLinks.Single().MaxBitrate);
    }

    [Fact]
    public void Mgmt_driver_interface_names_its_implementation_artifact()
    {
        var f = Read("sample-mgmt_driver_ansible").Flavours.Single();
        var end = f.LcmOperations.Single(o => o.Name == "instantiate_end");
        Assert.Equal("ansible_driver", end.Implementation);
        Assert.Equal(("tosca.artifacts.Implementation.Python", "/opt/stack/tacker/tacker/vnfm/mgmt_drivers/ansible/ansible.py"),
            (end.ImplementationArtifact!.Type, end.ImplementationArtifact.File));
        Assert.Equal(["instantiate_end", "scale_start", "scale_end", "heal_end", "terminate_start"],
            f.LcmOperations.Where(o => o.Implementation is not null).Select(o => o.Name));
    }

    [Fact]
    public void Short_notation_artifact_is_the_VDU_software_image()
    {
        var vdu = Read("v1-os-csar_with_short_notation_for_artifacts").Flavours.Single().Vdus.Single();
        var a = Assert.Single(vdu.Artifacts);
        Assert.True(a.ShortNotation && a.IsSwImage);
        Assert.Equal("Files/images/cirros-0.5.2-x86_64-disk.img", vdu.SwImage!.ArtifactFile);
    }

    [Fact]
    public void Helm_chart_and_manifests_of_CNF_packages_are_found()
    {
        var r = CsarReader.ReadDirectory(Corpus.Tacker("v1-helm-test_cnf_helmchart"));
        var p = r.Package!;
        var chart = Assert.Single(KubernetesArtifacts.Find(p.FilePaths, p.ReadFile, p.Vnfd));
        Assert.Equal(("Files/kubernetes/localhelm-0.1.0.tgz", KubernetesArtifactKind.HelmChart), (chart.Path, chart.Kind));

        var k = CsarReader.ReadDirectory(Corpus.Tacker("v2-k8s-change_vnf_pkg_with_deployment")).Package!;
        var manifests = KubernetesArtifacts.Find(k.FilePaths, k.ReadFile, k.Vnfd);
        Assert.Equal([("Files/kubernetes/deployment.yaml", "Deployment"), ("Files/kubernetes/namespace.yaml", "Namespace")],
            manifests.Select(m => (m.Path, string.Join(",", m.ResourceKinds))));
    }

    private const string Synthetic = """
        tosca_definitions_version: tosca_simple_yaml_1_3
        topology_template:
          node_templates:
            VNF:
              type: tosca.nodes.nfv.VNF
              properties:
                descriptor_id: syn-1
                descriptor_version: '1'
                provider: P
                product_name: N
                software_version: '1'
                vnfm_info: [ Mano ]
                flavour_id: only
                product_info_name: Synthetic
                localization_languages: [ en, ja ]
                default_localization_language: en
                monitoring_parameters:
                  cpu: { name: cpu, performance_metric: v_cpu_usage_mean_vnf, collection_period: 30 s }
                lcm_operations_configuration:
                  heal: { causes: [ lost ] }
              interfaces:
                Vnflcm:
                  instantiate_end:
                    implementation: missing-artifact
                    inputs:
                      additional_parameters: { key: value }
            VDU1:
              type: tosca.nodes.nfv.Vdu.Compute
              properties:
                name: vdu1
                boot_order: true
                vdu_profile: { min_number_of_instances: 3, max_number_of_instances: 2 }
                monitoring_parameters:
                  mem: { name: mem, performance_metric: v_memory_usage_mean, collection_period: 1 m }
              capabilities:
                virtual_compute:
                  properties:
                    virtual_memory: { virtual_mem_size: 1 GiB }
                    virtual_cpu: { num_virtual_cpu: 2, cpu_architecture: x86_64, virtual_cpu_clock: 2.4 GHz, virtual_cpu_pinning: { virtual_cpu_pinning_policy: static } }
              requirements:
                - virtual_storage: VS1
            VS1:
              type: tosca.nodes.nfv.Vdu.VirtualBlockStorage
              properties: { virtual_block_storage_data: { size_of_storage: 10 GB } }
            CP1:
              type: tosca.nodes.nfv.VduCp
              properties:
                layer_protocols: [ ipv4 ]
                vnic_type: direct
                bitrate_requirement: 1000000
                protocol:
                  - associated_layer_protocol: ipv4
                    address_data:
                      - address_type: ip_address
                        l3_address_data: { ip_address_assignment: true, floating_ip_activated: false, ip_address_type: ipv4, number_of_ip_address: 2 }
              requirements:
                - virtual_binding: VDU1
                - virtual_link: VL1
            VL1:
              type: tosca.nodes.nfv.VnfVirtualLink
              properties:
                connectivity_type: { layer_protocols: [ ipv4 ] }
                vl_profile:
                  max_bitrate_requirements: { root: 1000 }
                  min_bitrate_requirements: { root: 100 }
          policies:
            - aspects:
                type: tosca.policies.nfv.ScalingAspects
                properties:
                  aspects:
                    a1: { name: a1, description: d, max_scale_level: 1, step_deltas: [ d1 ] }
            - vl_deltas:
                type: tosca.policies.nfv.VirtualLinkBitrateScalingAspectDeltas
                properties:
                  aspect: a1
                  deltas:
                    d1: { bitrate_requirements: { root: 500, leaf: 50 } }
                targets: [ VL1 ]
            - levels:
                type: tosca.policies.nfv.InstantiationLevels
                properties:
                  levels:
                    l1: { description: one, scale_info: { a1: { scale_level: 2 } } }
                  default_level: l1
            - ssh:
                type: tosca.policies.nfv.SecurityGroupRule
                properties: { direction: ingress, protocol: tcp, port_range_min: 22, port_range_max: 22 }
                targets: [ CP1 ]
            - load:
                type: tosca.policies.nfv.VnfIndicator
                properties: { name: load, source: vnf }
                targets: [ VNF ]
        """;

    [Fact]
    public void Synthetic_VNFD_reads_every_member_and_reports_bound_and_level_faults()
    {
        var r = Vnfds.ParseSingle(Synthetic);
        var lines = Synthetic.Split('\n');
        var errors = ModelErrors(r.Diagnostics).ToList();
        Assert.Equal(["vnfd.instance-bounds", "vnfd.interface-unknown-artifact", "vnfd.scale-level-out-of-range"], errors.Select(d => d.Code).Order(StringComparer.Ordinal));
        var bounds = errors.Single(d => d.Code == "vnfd.instance-bounds");
        Assert.Equal(lines[bounds.Line - 1].IndexOf("max_number_of_instances: 2", StringComparison.Ordinal) + 26, bounds.Column);
        var level = errors.Single(d => d.Code == "vnfd.scale-level-out-of-range");
        Assert.Contains("scale_level: 2", lines[level.Line - 1]);
        Assert.Contains("'missing-artifact'", errors.Single(d => d.Code == "vnfd.interface-unknown-artifact").Message);

        var v = r.Vnfd!;
        Assert.Equal(("Synthetic", "en"), (v.ProductInfoName, v.DefaultLocalizationLanguage));
        Assert.Equal(["en", "ja"], v.LocalizationLanguages);
        var f = v.Flavours.Single();
        Assert.Equal(new MonitoringParameter("cpu", "cpu", "v_cpu_usage_mean_vnf", "30 s"), f.MonitoringParameters.Single());
        Assert.True(f.LcmOperationsConfiguration.ContainsKey("heal"));
        var op = f.LcmOperations.Single();
        Assert.Equal("value", ((IReadOnlyDictionary<string, object?>)op.Inputs["additional_parameters"]!)["key"]);
        var vdu = f.Vdus.Single();
        Assert.Equal((3, 2, "x86_64", 2400.0, "static"), (vdu.MinNumberOfInstances, vdu.MaxNumberOfInstances, vdu.CpuArchitecture, vdu.VirtualCpuClockMHz!.Value, vdu.CpuPinningPolicy));
        Assert.Equal(["VS1"], vdu.BootOrder);
        Assert.Equal("v_memory_usage_mean", vdu.MonitoringParameters.Single().PerformanceMetric);
        var cp = f.VduCps.Single();
        Assert.Equal(("direct", 1000000L), (cp.VnicType, cp.BitrateRequirement!.Value));
        var ad = cp.ProtocolData.Single().AddressData.Single();
        Assert.Equal(("ip_address", true, false, "ipv4", 2), (ad.AddressType, ad.IpAddressAssignment, ad.FloatingIpActivation, ad.IpAddressType, ad.NumberOfIpAddresses!.Value));
        Assert.Equal(new LinkBitrate(500, 50), f.ScalingAspects.Single().VirtualLinkBitrateDeltas["VL1"]["d1"]);
        var sg = f.SecurityGroupRules.Single();
        Assert.Equal(("ingress", "ipv4", "tcp", 22, 22), (sg.Direction, sg.EtherType, sg.Protocol, sg.PortRangeMin, sg.PortRangeMax));
        Assert.Equal(["CP1"], sg.Targets);
        var ind = f.Indicators.Single();
        Assert.Equal(("load", "load", "vnf"), (ind.Id, ind.Name, ind.Source));
    }
}
