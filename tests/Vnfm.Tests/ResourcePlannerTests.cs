using Mano.Contracts;

namespace Mano.Vnfm.Tests;

public sealed class ResourcePlannerTests
{
    private const string Tenant = "tenant-a";
    private const string InstanceId = "0a1b2c3d-0000-4000-8000-000000000001";
    private const string OpOccId = "op-1";
    private const string ExtNetworkId = "ext-net-1";

    private static LcmPlan Plan(string? level = null, bool connectCp1 = false) =>
        ResourcePlanner.PlanInstantiate(Tenant, InstanceId, OpOccId, Helloworld.Known, new InstantiateVnfRequest
        {
            FlavourId = Helloworld.FlavourId,
            InstantiationLevelId = level,
            ExtVirtualLinks = connectCp1
                ? [new ExtVirtualLinkData { Id = "ext-vl-1", ResourceId = ExtNetworkId, ExtCps = [new VnfExtCpData { CpdId = "CP1" }] }]
                : null,
        });

    [Fact]
    public void Default_level_plans_one_VNFC_of_each_VDU()
    {
        var plan = Plan();

        Assert.Equal(Helloworld.VnfdId, plan.VnfdId);
        Assert.Equal("simple", plan.FlavourId);
        Assert.Equal("instantiation_level_1", plan.InstantiationLevelId);
        Assert.Equal(["VDU1", "VDU2"], plan.Resources.Computes.Select(c => c.VduId).Order());
        var vdu1 = plan.Resources.Computes.Single(c => c.VduId == "VDU1");
        Assert.Equal("VDU1-0a1b2c3d-0", vdu1.Name);
        Assert.Equal(1, vdu1.NumVirtualCpu);
        Assert.Equal(512, vdu1.MemoryMiB);
        Assert.Equal("Software of VDU1", vdu1.ImageName);
        Assert.Null(vdu1.ZoneId);
        Assert.Equal((Tenant, InstanceId, OpOccId), (plan.Resources.TenantId, plan.Resources.VnfInstanceId, plan.Resources.OpOccId));
        Assert.Equal([new ScaleInfo("worker_instance", 0, Helloworld.VnfdId)], plan.ScaleStatus);
    }

    [Fact]
    public void Default_level_plans_one_network_for_internalVL2_with_its_cidr()
    {
        var network = Assert.Single(Plan().Resources.Networks);

        Assert.Equal("internalVL2", network.VirtualLinkDescId);
        Assert.Equal("11.11.0.0/24", network.Cidr);
    }

    [Fact]
    public void Internal_CPs_CP2_and_CP3_become_ports_on_internalVL2_of_their_VNFC()
    {
        var plan = Plan();
        var network = plan.Resources.Networks.Single();

        Assert.Equal(["CP2", "CP3"], plan.Resources.Ports.Select(p => p.CpdId).Order());
        foreach (var port in plan.Resources.Ports)
        {
            Assert.Equal(network.ResourceKey, port.NetworkKey);
            Assert.Null(port.ExternalNetworkId);
        }
        Assert.Equal("VDU1", plan.Resources.Computes.Single(c => c.ResourceKey == plan.Resources.Ports.Single(p => p.CpdId == "CP2").ComputeKey).VduId);
        Assert.Equal("VDU2", plan.Resources.Computes.Single(c => c.ResourceKey == plan.Resources.Ports.Single(p => p.CpdId == "CP3").ComputeKey).VduId);
    }

    [Fact]
    public void External_CP1_gets_no_port_unless_extVirtualLinks_connects_it()
    {
        Assert.DoesNotContain(Plan().Resources.Ports, p => p.CpdId == "CP1");

        var plan = Plan(connectCp1: true);
        var cp1 = Assert.Single(plan.Resources.Ports, p => p.CpdId == "CP1");
        Assert.Equal(ExtNetworkId, cp1.ExternalNetworkId);
        Assert.Null(cp1.NetworkKey);
        Assert.Equal("VDU1", plan.Resources.Computes.Single(c => c.ResourceKey == cp1.ComputeKey).VduId);
    }

    [Fact]
    public void VirtualStorage_of_VDU2_becomes_a_volume_attached_to_the_VDU2_VNFC()
    {
        var plan = Plan();
        var volume = Assert.Single(plan.Resources.Volumes);

        Assert.Equal("VirtualStorage", volume.VirtualStorageDescId);
        Assert.Equal(3_000_000_000L, volume.SizeBytes); // TOSCA scalar-unit.size: 3 GB = 3 x 10^9 bytes
        Assert.Equal(plan.Resources.Computes.Single(c => c.VduId == "VDU2").ResourceKey, volume.ComputeKey);
    }

    [Fact]
    public void Instantiation_level_2_plans_three_VDU2_each_with_its_port_and_volume()
    {
        var plan = Plan("instantiation_level_2");

        Assert.Equal("instantiation_level_2", plan.InstantiationLevelId);
        Assert.Single(plan.Resources.Computes, c => c.VduId == "VDU1");
        var vdu2 = plan.Resources.Computes.Where(c => c.VduId == "VDU2").ToList();
        Assert.Equal(3, vdu2.Count);
        Assert.Equal(vdu2.Select(c => c.ResourceKey).Order(), plan.Resources.Volumes.Select(v => v.ComputeKey).Order());
        Assert.Equal(vdu2.Select(c => c.ResourceKey).Order(), plan.Resources.Ports.Where(p => p.CpdId == "CP3").Select(p => p.ComputeKey).Order());
        Assert.Equal(["VDU2-0a1b2c3d-0", "VDU2-0a1b2c3d-1", "VDU2-0a1b2c3d-2"], vdu2.Select(c => c.Name).Order());
        Assert.Equal([new ScaleInfo("worker_instance", 2, Helloworld.VnfdId)], plan.ScaleStatus);
    }

    [Fact]
    public void Every_planned_resource_key_is_unique_and_fresh_per_plan()
    {
        var a = Plan("instantiation_level_2", connectCp1: true);
        var b = Plan("instantiation_level_2", connectCp1: true);
        static IEnumerable<string> Keys(LcmPlan p) =>
            p.Resources.Networks.Select(n => n.ResourceKey).Concat(p.Resources.Computes.Select(c => c.ResourceKey))
                .Concat(p.Resources.Ports.Select(x => x.ResourceKey)).Concat(p.Resources.Volumes.Select(v => v.ResourceKey));

        Assert.Equal(Keys(a).Count(), Keys(a).Distinct().Count());
        Assert.Empty(Keys(a).Intersect(Keys(b)));
    }

    [Fact]
    public void AddResources_lists_every_planned_resource_with_its_SOL003_type_and_template()
    {
        var plan = Plan(connectCp1: true);

        var defs = ResourcePlanner.AddResources(plan);

        Assert.Equal(plan.Resources.Computes.Count + plan.Resources.Networks.Count + plan.Resources.Volumes.Count + plan.Resources.Ports.Count, defs.Count);
        Assert.All(defs, d => Assert.Equal(Helloworld.VnfdId, d.VnfdId));
        foreach (var c in plan.Resources.Computes)
        {
            var d = Assert.Single(defs, x => x.Id == c.ResourceKey);
            Assert.Equal(("COMPUTE", c.VduId, c.VduId), (d.Type, d.VduId, d.ResourceTemplateId));
        }
        var vl = Assert.Single(defs, x => x.Type == "VL");
        Assert.Equal((plan.Resources.Networks[0].ResourceKey, "internalVL2"), (vl.Id, vl.ResourceTemplateId));
        var storage = Assert.Single(defs, x => x.Type == "STORAGE");
        Assert.Equal((plan.Resources.Volumes[0].ResourceKey, "VirtualStorage"), (storage.Id, storage.ResourceTemplateId));
        Assert.Equal(["CP1", "CP2", "CP3"], defs.Where(x => x.Type == "LINKPORT").Select(x => x.ResourceTemplateId).Order());
        Assert.Equal(plan.Resources.Ports.Select(p => p.ResourceKey).Order(), defs.Where(x => x.Type == "LINKPORT").Select(x => x.Id).Order());
    }

    [Fact]
    public void WithGrantedZones_places_each_compute_in_the_zone_the_grant_chose_for_it()
    {
        var plan = Plan("instantiation_level_2");
        var computes = plan.Resources.Computes;
        var grant = new Grant
        {
            Id = "g", VnfInstanceId = InstanceId, VnfLcmOpOccId = OpOccId,
            Links = new GrantLinks(new Link("http://nfvo/g"), new Link("http://vnfm/op"), new Link("http://vnfm/vnf")),
            Zones = [new ZoneInfo { Id = "z1", ZoneId = "az-1" }, new ZoneInfo { Id = "z2", ZoneId = "az-2" }],
            AddResources =
            [
                new GrantInfo { ResourceDefinitionId = computes[0].ResourceKey, ZoneId = "z1" },
                new GrantInfo { ResourceDefinitionId = computes[1].ResourceKey, ZoneId = "z2" },
                new GrantInfo { ResourceDefinitionId = computes[2].ResourceKey, ZoneId = "no-such-zone" },
                new GrantInfo { ResourceDefinitionId = computes[3].ResourceKey },
            ],
        };

        var placed = ResourcePlanner.WithGrantedZones(plan.Resources, grant);

        Assert.Equal(["az-1", "az-2", null, null], placed.Computes.Select(c => c.ZoneId));
        Assert.Equal(computes.Select(c => c.ResourceKey), placed.Computes.Select(c => c.ResourceKey));
        Assert.Same(plan.Resources.Ports, placed.Ports);
        Assert.All(plan.Resources.Computes, c => Assert.Null(c.ZoneId)); // the stored plan is untouched
    }

    [Fact]
    public void WithGrantedZones_without_zones_leaves_every_compute_unplaced()
    {
        var plan = Plan();
        var grant = new Grant
        {
            Id = "g", VnfInstanceId = InstanceId, VnfLcmOpOccId = OpOccId,
            Links = new GrantLinks(new Link("http://nfvo/g"), new Link("http://vnfm/op"), new Link("http://vnfm/vnf")),
        };

        Assert.All(ResourcePlanner.WithGrantedZones(plan.Resources, grant).Computes, c => Assert.Null(c.ZoneId));
    }

    [Fact]
    public void CpConfigIds_takes_the_first_cpConfig_key_of_each_ext_CP_else_default()
    {
        var request = new InstantiateVnfRequest
        {
            ExtVirtualLinks =
            [
                new ExtVirtualLinkData
                {
                    Id = "ext", ResourceId = "n",
                    ExtCps =
                    [
                        new VnfExtCpData { CpdId = "CP1", CpConfig = new() { ["cfg-a"] = new() } },
                        new VnfExtCpData { CpdId = "CPX" },
                    ],
                },
            ],
        };

        Assert.Equal(new Dictionary<string, string> { ["CP1"] = "cfg-a", ["CPX"] = "default" }, ResourcePlanner.CpConfigIds(request));
    }
}
