namespace Mano.Tosca.Tests;

/// <summary>
/// Golden facts of every Tacker corpus package's typed model. The table was written from the packages' YAML (each flavour template's
/// substitution_mappings, Vdu.Compute vdu_profile bounds, InstantiationLevels / ScalingAspects policies, VnfVirtualLink nodes, and the
/// VduCp / VnfExtCp nodes that substitution_mappings.requirements exposes), independently of the parser.
/// Columns: package, flavour id, VDUs as id:min..max, levels (* marks the default), aspects as id:max_scale_level, external CP ids
/// (sorted, distinct), virtual link ids.
/// </summary>
public class CorpusGoldenTests
{
    private static readonly string[][] Table =
    [
        ["sample-etsi_getting_started", "simple", "VDU1:1..1", "", "", "", "internalVL1"],
        ["sample-free5gc_cnf", "simple", "VDU1:1..1,VDU2:1..1,VDU3:1..1,VDU4:1..1,VDU5:1..2,VDU6:1..1,VDU7:1..1,VDU8:1..1,VDU9:1..1,VDU10:1..1,VDU11:1..1,VDU12:1..1", "instantiation_level_1*,instantiation_level_2", "upf_aspect:2", "", ""],
        ["sample-mgmt_driver_ansible", "default", "VDU1:1..3", "n-vnf-min*,n-vnf-two,n-vnf-max", "VDU1:49", "", "internalNW_1"],
        ["sample-practical_vnf_package", "ha", "VDU_0:1..1,VDU_1:1..1", "", "", "RT_extCP,VDU0_extCP0,VDU1_extCP0,VDU_extvCP", "VDU_intnet0"],
        ["sample-practical_vnf_package", "scalable", "VDU_0:1..1,VDU_1:1..1,VDU_2:0..1", "r-node-min,r-node-max", "VDU_2:1", "VDU0_CP1,VDU1_CP1,VDU2_CP1", "int_net"],
        ["sample-vnf_packages_helloworld", "simple", "VDU1:1..1,VDU2:1..3", "instantiation_level_1*,instantiation_level_2", "worker_instance:2", "CP1", "internalVL2"],
        ["v1-helm-test_cnf_helmchart", "helmchart", "VDU1:1..3,VDU2:1..3", "instantiation_level_1*,instantiation_level_2", "vdu1_aspect:2,vdu2_aspect:2", "", ""],
        ["v1-k8s-test_cnf", "simple", "VDU1:1..1,VDU2:1..3", "instantiation_level_1*,instantiation_level_2", "vdu2_aspect:2", "", ""],
        ["v1-k8s-test_cnf", "vdumap", "VDU1:1..3", "instantiation_level_1*,instantiation_level_2", "vdu1_aspect:2", "", ""],
        ["v1-k8s-test_cnf_ext_artifact", "simple", "", "", "", "", ""],
        ["v1-k8s-test_cnf_heal", "simple", "VDU1:2..3", "instantiation_level_1*,instantiation_level_2", "vdu1_aspect:1", "", ""],
        ["v1-k8s-test_cnf_heal", "complex", "VDU1:2..3,VDU2:1..1", "instantiation_level_1*,instantiation_level_2", "vdu1_aspect:1", "", ""],
        ["v1-k8s-test_cnf_scale", "simple", "VDU1:1..3", "instantiation_level_1*,instantiation_level_2", "vdu1_aspect:2", "", ""],
        ["v1-k8s-test_cnf_scale", "scalingsteps", "VDU1:1..5", "instantiation_level_1*,instantiation_level_2", "vdu1_aspect:2", "", ""],
        ["v1-os-csar_with_short_notation_for_artifacts", "simple", "VDU1:1..1", "", "", "CP1", "internalVL2"],
        ["v1-os-functional", "simple", "VDU1:1..3,VDU2:2..2", "instantiation_level_1*,instantiation_level_2", "worker_instance:2", "VDU1_CP1,VDU1_CP2,VDU2_CP1,VDU2_CP2", "internalVL1,internalVL2,internalVL3"],
        ["v1-os-functional6", "simple", "VDU1:1..3,VDU2:1..1", "instantiation_level_1*,instantiation_level_2", "VDU2_scale:2", "VDU1_CP1,VDU1_CP2,VDU2_CP1,VDU2_CP2", "internalVL1,internalVL2,internalVL3"],
        ["v1-os-sample_compliance_test", "default", "VDU1:1..50", "n-vnf-min*,n-vnf-ten,n-vnf-max", "VDU1:49", "", "internalNW_1"],
        ["v1-os-sample_vnfpkg_tosca_vnfd", "simple", "VDU1:1..1,VDU2:1..3", "instantiation_level_1*,instantiation_level_2", "worker_instance:2", "CP1", "internalVL2"],
        ["v1-os-vnfpkgm2_manifest", "simple", "VDU1:1..1,VDU2:1..3", "instantiation_level_1*,instantiation_level_2", "worker_instance:2", "CP1", "internalVL2"],
        ["v2-k8s-change_vnf_pkg_with_deployment", "simple", "VDU1:1..1,VDU2:1..3,VDU3:1..3,VDU5:1..3,VDU6:1..1", "instantiation_level_1*,instantiation_level_2", "vdu2_aspect:2,vdu3_aspect:2,vdu5_aspect:2", "", ""],
        ["v2-k8s-cnf_container_update_before", "simple", "VDU1:1..3,VDU2:1..3,VDU3:1..1,VDU4:1..1,VDU5:1..1,VDU6:1..1,VDU7:1..1,VDU8:1..1", "instantiation_level_1*,instantiation_level_2", "vdu1_aspect:2,vdu2_aspect:2", "", ""],
        ["v2-k8s-instantiate_cnf_resources", "simple", "VDU1:1..1,VDU2:1..3,VDU3:1..3,VDU5:1..3,VDU6:1..1", "instantiation_level_1*,instantiation_level_2", "vdu2_aspect:2,vdu3_aspect:2,vdu5_aspect:2", "", ""],
        ["v2-os-basic_lcms_max", "simple", "VDU1:1..3,VDU2:1..1", "instantiation_level_1*,instantiation_level_2", "VDU1_scale:2", "VDU1_CP1,VDU1_CP2,VDU2_CP1-1,VDU2_CP1-2,VDU2_CP2", "internalVL1,internalVL2,internalVL3"],
        ["v2-os-basic_lcms_min", "simple", "VDU1:1..3,VDU2:1..1", "instantiation_level_1*,instantiation_level_2", "VDU1_scale:2", "", "internalVL3"],
        ["v2-os-change_vnf_pkg_with_new_volume", "simple", "VDU1:1..3,VDU2:1..1", "instantiation_level_1*,instantiation_level_2", "VDU1_scale:2", "VDU1_CP1,VDU2_CP1", ""],
        ["v2-os-doc_chg_vnfpkg_after", "simple", "VDU1:1..3,VDU2:1..1,VDU3:1..1", "instantiation_level_1*,instantiation_level_2", "VDU1_scale:2", "VDU1_CP1,VDU2_CP1,VDU3_CP1", ""],
        ["v2-os-doc_chg_vnfpkg_before", "simple", "VDU1:1..3,VDU2:1..1,VDU3:1..1", "instantiation_level_1*,instantiation_level_2", "VDU1_scale:2", "VDU1_CP1,VDU2_CP1,VDU3_CP1", ""],
        ["v2-os-doc_getting_started", "simple", "VDU1:1..3", "instantiation_level_1*,instantiation_level_2", "VDU1_scale:2", "", "internalVL1"],
        ["v2-os-server_notification", "simple", "VDU1:1..3,VDU2:1..1", "instantiation_level_1*,instantiation_level_2", "VDU1_scale:2", "", "internalVL3"],
        ["v2-os-unit_standard_sample", "simple", "VDU1:1..3,VDU2:1..1", "instantiation_level_1*,instantiation_level_2", "VDU1_scale:2", "VDU1_CP1,VDU2_CP1", "internalVL1,internalVL2"],
        ["v2-os-userdata_standard", "simple", "VDU1:1..3,VDU2:1..1", "instantiation_level_1*,instantiation_level_2", "VDU1_scale:2", "VDU1_CP1,VDU2_CP1", "internalVL1,internalVL2"],
        ["v2-os-userdata_standard_with_non_boot_volume", "simple", "VDU1:1..3", "instantiation_level_1*,instantiation_level_2", "VDU1_scale:2", "VDU1_CP1", "internalVL1,internalVL2"],
        ["v2-terraform-basic", "simple", "VDU1:1..3,VDU2:1..3", "instantiation_level_1*,instantiation_level_2", "vdu1_aspect:2,vdu2_aspect:2", "", ""],
    ];

    public static TheoryData<string> Packages() => new(Table.Select(r => r[0]).Distinct());

    [Fact]
    public void The_table_covers_all_30_packages()
    {
        Assert.Equal(30, Table.Select(r => r[0]).Distinct().Count());
        Assert.Equal(Corpus.TackerPackages(), Table.Select(r => r[0]).Distinct().Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Typed_model_matches_the_golden_facts(string package)
    {
        var r = CsarReader.ReadDirectory(Corpus.Tacker(package));
        var vnfd = r.Package!.Vnfd!;
        var rows = Table.Where(t => t[0] == package).ToList();
        Assert.Equal(rows.Select(t => t[1]).Order(StringComparer.Ordinal), vnfd.Flavours.Select(f => f.FlavourId).Order(StringComparer.Ordinal));
        foreach (var row in rows)
        {
            var f = vnfd.FindFlavour(row[1])!;
            Assert.Equal(row[2], string.Join(",", f.Vdus.Select(v => $"{v.Id}:{v.MinNumberOfInstances}..{v.MaxNumberOfInstances}")));
            Assert.Equal(row[3], string.Join(",", f.InstantiationLevels.Select(l => l.Id + (l.Id == f.DefaultInstantiationLevelId ? "*" : ""))));
            Assert.Equal(row[4], string.Join(",", f.ScalingAspects.Select(a => $"{a.Id}:{a.MaxScaleLevel}")));
            Assert.Equal(row[5], string.Join(",", f.ExtCps.Select(e => e.CpdId).Distinct().Order(StringComparer.Ordinal)));
            Assert.Equal(row[6], string.Join(",", f.VirtualLinks.Select(v => v.Id)));
        }
    }
}
