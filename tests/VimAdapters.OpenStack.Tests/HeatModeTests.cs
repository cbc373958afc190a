using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Mano.Vnfm;

namespace Mano.VimAdapters.OpenStack.Tests;

/// <summary>
/// ADR-0015, the <c>nfv</c> parameter of Heat mode: computed by <see cref="HeatUserData"/> from plans the VNFM's
/// ResourcePlanner makes of real Tacker corpus packages with BaseHOT/ (Tacker's default user-data rules).
/// </summary>
public sealed class HeatUserDataTests
{
    [Fact]
    public void Basic_lcms_min_nfv_has_flavours_images_and_the_level_capacity()
    {
        var known = CorpusPlans.LoadWithHeat("v2-os-basic_lcms_min");
        var plan = CorpusPlans.Instantiate(known, "simple", "inst-1", "op-1", "ext-net");
        var heat = Assert.IsType<HeatStackPlan>(plan.Resources.Heat);
        Assert.Equal("BaseHOT/simple/sample2.yaml", heat.TemplatePath);
        Assert.Equal(["VDU1.yaml"], heat.Files.Keys);
        Assert.Contains("OS::Nova::Server", heat.Files["VDU1.yaml"], StringComparison.Ordinal);

        var nfv = HeatUserData.Compute(plan.Resources);
        // exactly the paths the top template reads, filled
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"VDU": {
              "VDU1": {"computeFlavourId": "m1.tiny", "desired_capacity": 1, "vcImageId": "cirros-0.5.2-x86_64-disk"},
              "VDU2": {"computeFlavourId": "m1.tiny", "vcImageId": "cirros-0.5.2-x86_64-disk"}}}
            """), nfv), nfv.ToJsonString());

        // instantiation_level_2: VDU1 has 3 instances
        var big = CorpusPlans.Instantiate(known, "simple", "inst-2", "op-2", "ext-net", "instantiation_level_2");
        Assert.Equal(3, HeatUserData.Compute(big.Resources)["VDU"]!["VDU1"]!["desired_capacity"]!.GetValue<int>());

        // scale out one step (delta_1 = 1 instance), then in: desired_capacity follows the plan
        var flavour = known.Vnfd.FindFlavour("simple")!;
        var scaled = ResourcePlanner.PlanScale(plan, flavour, new Dictionary<string, int> { ["VDU1_scale"] = 1 }, "op-3");
        Assert.Same(heat, scaled.Resources.Heat);
        Assert.Equal(2, HeatUserData.Compute(scaled.Resources)["VDU"]!["VDU1"]!["desired_capacity"]!.GetValue<int>());
        var back = ResourcePlanner.PlanScale(scaled, flavour, new Dictionary<string, int> { ["VDU1_scale"] = 0 }, "op-4");
        Assert.Equal(1, HeatUserData.Compute(back.Resources)["VDU"]!["VDU1"]!["desired_capacity"]!.GetValue<int>());
        // VDU2 has no desired_capacity in the template: none is invented
        Assert.False(HeatUserData.Compute(back.Resources)["VDU"]!["VDU2"]!.AsObject().ContainsKey("desired_capacity"));
    }

    [Fact]
    public void Basic_lcms_max_nfv_has_networks_fixed_ips_zones_and_storage_images()
    {
        var known = CorpusPlans.LoadWithHeat("v2-os-basic_lcms_max");
        static Dictionary<string, JsonObject> Config(params (string? Subnet, string? Ip)[] ips) => new()
        {
            ["c1"] = new JsonObject
            {
                ["cpProtocolData"] = new JsonArray(new JsonObject
                {
                    ["layerProtocol"] = "IP_OVER_ETHERNET",
                    ["ipOverEthernet"] = new JsonObject
                    {
                        ["ipAddresses"] = new JsonArray(ips.Select(i =>
                        {
                            var o = new JsonObject { ["type"] = "IPV4" };
                            if (i.Ip is not null) o["fixedAddresses"] = new JsonArray(i.Ip);
                            if (i.Subnet is not null) o["subnetId"] = i.Subnet;
                            return (JsonNode)o;
                        }).ToArray()),
                    },
                }),
            },
        };
        var request = new InstantiateVnfRequest
        {
            FlavourId = "simple",
            ExtVirtualLinks =
            [
                new ExtVirtualLinkData
                {
                    Id = "ext-a", ResourceId = "net-a",
                    ExtCps =
                    [
                        new VnfExtCpData { CpdId = "VDU1_CP1", CpConfig = Config(("subnet-a", null)) },
                        new VnfExtCpData { CpdId = "VDU2_CP1-1" },
                    ],
                },
                new ExtVirtualLinkData
                {
                    Id = "ext-b", ResourceId = "net-b",
                    ExtCps = [new VnfExtCpData { CpdId = "VDU2_CP2", CpConfig = Config(("subnet-b", "10.10.0.5"), ("subnet-c", null)) }],
                },
            ],
            AdditionalParams = new JsonObject { ["nfv"] = new JsonObject { ["VDU"] = new JsonObject { ["VDU2"] = new JsonObject { ["locationConstraints"] = "az-2" } } } },
        };
        var plan = ResourcePlanner.PlanInstantiate("t", "inst-x", "op-x", known, request);
        var zoned = plan.Resources with { Computes = plan.Resources.Computes.Select(c => c.VduId == "VDU1" ? c with { ZoneId = "az-1" } : c).ToList() };
        var nfv = HeatUserData.Compute(zoned);

        var vdu = nfv["VDU"]!;
        Assert.Equal("m1.tiny", vdu["VDU1"]!["computeFlavourId"]!.GetValue<string>());
        Assert.Equal(1, vdu["VDU1"]!["desired_capacity"]!.GetValue<int>());
        Assert.Equal("az-1", vdu["VDU1"]!["locationConstraints"]!.GetValue<string>());       // the zone granted to the VDU's VNFCs
        Assert.Equal("az-2", vdu["VDU2"]!["locationConstraints"]!.GetValue<string>());       // additionalParams.nfv merged last
        Assert.Equal("VDU1-VirtualStorage-image", vdu["VDU1-VirtualStorage"]!["vcImageId"]!.GetValue<string>());
        Assert.Equal("VDU2-VirtualStorage-image", vdu["VDU2-VirtualStorage"]!["vcImageId"]!.GetValue<string>());

        var cp = nfv["CP"]!;
        Assert.Equal("net-a", cp["VDU1_CP1"]!["network"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"subnet": "subnet-a"}]"""), cp["VDU1_CP1"]!["fixed_ips"]), cp.ToJsonString());
        Assert.Equal("net-b", cp["VDU2_CP2"]!["network"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"ip_address": "10.10.0.5", "subnet": "subnet-b"}, {"subnet": "subnet-c"}]"""),
            cp["VDU2_CP2"]!["fixed_ips"]), cp.ToJsonString());
        // a CP the request does not connect: network null, no fixed IPs (Tacker leaves them to Heat's validation)
        Assert.Null(cp["VDU1_CP2"]!["network"]);
        Assert.Empty(cp["VDU1_CP2"]!["fixed_ips"]!.AsArray());
        // a port parameter (extLinkPorts) is read by the template but not computed by the default rules
        Assert.True(cp["VDU2_CP1-1"]!.AsObject().ContainsKey("port"));
        Assert.Null(cp["VDU2_CP1-1"]!["port"]);

        // change_ext_conn: the networks follow the merged links
        var flavour = known.Vnfd.FindFlavour("simple")!;
        var moved = ResourcePlanner.PlanChangeExtConn(plan, flavour,
            [new ExtVirtualLinkData { Id = "ext-a", ResourceId = "net-z", ExtCps = [new VnfExtCpData { CpdId = "VDU1_CP1" }] }], "op-cec");
        var movedNfv = HeatUserData.Compute(moved.Resources);
        Assert.Equal("net-z", movedNfv["CP"]!["VDU1_CP1"]!["network"]!.GetValue<string>());
        Assert.Equal("net-b", movedNfv["CP"]!["VDU2_CP2"]!["network"]!.GetValue<string>());
    }

    [Fact]
    public void Heat_mode_is_chosen_only_with_templates_for_the_flavour_and_can_be_switched_off()
    {
        var withHeat = CorpusPlans.LoadWithHeat("v2-os-basic_lcms_min");
        Assert.NotNull(CorpusPlans.Instantiate(withHeat, "simple", "i", "o", "ext").Resources.Heat);
        // opt-out: additionalParams heatMode=false deploys from the VNFD
        Assert.Null(CorpusPlans.Instantiate(withHeat, "simple", "i", "o", "ext", additionalParams: new JsonObject { [ResourcePlanner.HeatModeParam] = false }).Resources.Heat);
        Assert.NotNull(CorpusPlans.Instantiate(withHeat, "simple", "i", "o", "ext", additionalParams: new JsonObject { [ResourcePlanner.HeatModeParam] = true }).Resources.Heat);
        var bad = Assert.Throws<UnprocessableProblem>(() =>
            CorpusPlans.Instantiate(withHeat, "simple", "i", "o", "ext", additionalParams: new JsonObject { [ResourcePlanner.HeatModeParam] = "no" }));
        Assert.Contains(ResourcePlanner.HeatModeParam, bad.Message, StringComparison.Ordinal);
        // a package without BaseHOT/: VNFD mode
        Assert.Null(CorpusPlans.Instantiate(CorpusPlans.Load("v2-os-basic_lcms_min"), "simple", "i", "o", "ext").Resources.Heat);
        // templates of another flavour only: VNFD mode
        var other = withHeat with
        {
            Package = withHeat.Package with { HeatTemplates = withHeat.Package.HeatTemplates!.ToDictionary(kv => kv.Key.Replace("BaseHOT/simple/", "BaseHOT/complex/", StringComparison.Ordinal), kv => kv.Value) },
        };
        Assert.Null(CorpusPlans.Instantiate(other, "simple", "i", "o", "ext").Resources.Heat);
    }

    [Fact]
    public void Skeleton_follows_tackers_rule_and_merge_patch_is_rfc_7396()
    {
        var skeleton = HeatUserData.Skeleton("""
            heat_template_version: 2013-05-23
            parameters: { nfv: { type: json } }
            resources:
              a:
                type: OS::Nova::Server
                properties:
                  flavor: { get_param: [nfv, VDU, A, computeFlavourId] }
                  name: { get_param: [nfv, short] }
                  metadata: { x: [ { get_param: [nfv, CP, P, fixed_ips, 0, subnet] } ] }
                  other: { get_param: flavor }
            """);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"VDU": {"A": {"computeFlavourId": null}}, "CP": {"P": {"fixed_ips": {"0": {"subnet": null}}}}}"""), skeleton),
            skeleton.ToJsonString());
        var merged = HeatUserData.MergePatch(JsonNode.Parse("""{"a": {"b": 1, "c": 2}, "d": [1]}"""), JsonNode.Parse("""{"a": {"b": null, "e": 3}, "d": [2]}"""));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a": {"c": 2, "e": 3}, "d": [2]}"""), merged), merged!.ToJsonString());
        Assert.Throws<VimException>(() => HeatUserData.Skeleton("resources: [unclosed"));
    }
}
