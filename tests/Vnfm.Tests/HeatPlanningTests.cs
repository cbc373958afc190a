using System.Text;
using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Mano.VimAdapters;
using Mano.VimAdapters.OpenStack;

namespace Mano.Vnfm.Tests;

/// <summary>ADR-0015: the Heat part of a plan, made from a package's BaseHOT/ templates and kept across operations.</summary>
public sealed class HeatPlanningTests
{
    private const string Top = """
        heat_template_version: 2013-05-23
        parameters: { nfv: { type: json } }
        resources:
          VDU1_group:
            type: OS::Heat::AutoScalingGroup
            properties:
              min_size: 1
              max_size: 3
              desired_capacity: { get_param: [ nfv, VDU, VDU1, desired_capacity ] }
              resource:
                type: VDU1.yaml
                properties: { flavor: { get_param: [ nfv, VDU, VDU1, computeFlavourId ] }, net: { get_param: [ nfv, CP, CP1, network ] } }
        """;

    private static KnownVnfd WithTemplates(params (string Path, string Text)[] files) => Helloworld.Known with
    {
        Package = Helloworld.Package with { HeatTemplates = files.ToDictionary(f => f.Path, f => Encoding.UTF8.GetBytes(f.Text)) },
    };

    private static LcmPlan Instantiate(KnownVnfd known, JsonObject? additionalParams = null) =>
        ResourcePlanner.PlanInstantiate("t", "0a1b2c3d-0000-4000-8000-000000000009", "op-1", known, new InstantiateVnfRequest
        {
            FlavourId = Helloworld.FlavourId,
            ExtVirtualLinks = [new ExtVirtualLinkData { Id = "ext-1", ResourceId = "net-1", ExtCps = [new VnfExtCpData { CpdId = "CP1" }] }],
            AdditionalParams = additionalParams,
        });

    [Fact]
    public void The_plan_carries_the_flavours_templates_and_survives_persistence_scale_and_heal()
    {
        var known = WithTemplates(("BaseHOT/simple/top.yaml", Top), ("BaseHOT/simple/nested/VDU1.yaml", "heat_template_version: 2013-05-23\n"),
            ("BaseHOT/other/top.yaml", "ignored: true\n"));
        var plan = Instantiate(known, new JsonObject { ["nfv"] = new JsonObject { ["VDU"] = new JsonObject { ["VDU1"] = new JsonObject { ["x"] = 1 } } } });
        var heat = Assert.IsType<HeatStackPlan>(plan.Resources.Heat);
        Assert.Equal("BaseHOT/simple/top.yaml", heat.TemplatePath);
        Assert.Equal(Top, heat.Template);
        Assert.Equal(["VDU1.yaml"], heat.Files.Keys);
        Assert.Equal("net-1", heat.ExtNetworks["CP1"]);
        Assert.Equal("Software of VDU1", heat.Images["VDU1"]);
        Assert.Equal(1, heat.NfvOverrides!["VDU"]!["VDU1"]!["x"]!.GetValue<int>());

        // the op occ and the instance keep the plan as JSON: the Heat part comes back whole
        var back = SolJson.Deserialize<LcmPlan>(SolJson.Serialize(plan));
        Assert.Equal(heat.Template, back.Resources.Heat!.Template);
        Assert.Equal(heat.Files, back.Resources.Heat.Files);
        Assert.Equal(heat.ExtNetworks, back.Resources.Heat.ExtNetworks);
        Assert.True(JsonNode.DeepEquals(heat.NfvOverrides, back.Resources.Heat.NfvOverrides));

        // scale and heal keep it; change_flavour has none (not supported in Heat mode: the driver says so)
        var scaled = ResourcePlanner.PlanScale(back, Helloworld.Flavour, new Dictionary<string, int> { ["worker_instance"] = 1 }, "op-2");
        Assert.Equal(heat.Template, scaled.Resources.Heat?.Template);
        Assert.NotNull(ResourcePlanner.ForOperation(scaled, "op-3").Resources.Heat);
        Assert.Null(ResourcePlanner.PlanReplace(scaled, scaled.VnfdId, Helloworld.Flavour, null, null, "op-4", keepCounts: true).Resources.Heat);
        // change_ext_conn: the CP follows the new link
        var moved = ResourcePlanner.PlanChangeExtConn(scaled, Helloworld.Flavour,
            [new ExtVirtualLinkData { Id = "ext-1", ResourceId = "net-2", ExtCps = [new VnfExtCpData { CpdId = "CP1" }] }], "op-5");
        Assert.Equal("net-2", moved.Resources.Heat!.ExtNetworks["CP1"]);
    }

    [Fact]
    public void Granted_vim_assets_win_over_the_vnfds_flavour_and_image_names()
    {
        var plan = Instantiate(WithTemplates(("BaseHOT/simple/top.yaml", Top)));
        var grant = new Grant
        {
            Id = "g", VnfInstanceId = plan.Resources.VnfInstanceId, VnfLcmOpOccId = "op-1",
            Links = new GrantLinks(new Link("http://nfvo/g"), new Link("http://vnfm/op"), new Link("http://vnfm/inst")),
            VimAssets = JsonNode.Parse("""
                {"computeResourceFlavours": [{"vnfdVirtualComputeDescId": "VDU1", "vimFlavourId": "flavor-id-1"}],
                 "softwareImages": [{"vnfdSoftwareImageId": "VDU2", "vimSoftwareImageId": "image-id-2"}]}
                """)!.AsObject(),
        };
        var granted = ResourcePlanner.WithGrantedZones(plan.Resources, grant).Heat!;
        Assert.Equal("flavor-id-1", granted.Flavors["VDU1"]);
        Assert.Equal("image-id-2", granted.Images["VDU2"]);
        Assert.Equal("Software of VDU1", granted.Images["VDU1"]);   // not granted: the VNFD's
        Assert.Equal("flavor-id-1", HeatUserData.Compute(plan.Resources with { Heat = granted })["VDU"]!["VDU1"]!["computeFlavourId"]!.GetValue<string>());
    }

    [Fact]
    public void Unusable_templates_and_flags_are_422_and_the_opt_out_deploys_from_the_vnfd()
    {
        var two = WithTemplates(("BaseHOT/simple/a.yaml", Top), ("BaseHOT/simple/b.yaml", Top));
        var e = Assert.Throws<UnprocessableProblem>(() => Instantiate(two));
        Assert.Contains("exactly one top Heat template in BaseHOT/simple/", e.Message, StringComparison.Ordinal);

        var clash = WithTemplates(("BaseHOT/simple/top.yaml", Top), ("BaseHOT/simple/x/VDU1.yaml", "a: 1\n"), ("BaseHOT/simple/y/VDU1.yaml", "a: 2\n"));
        Assert.Contains("two nested Heat templates named \"VDU1.yaml\"", Assert.Throws<UnprocessableProblem>(() => Instantiate(clash)).Message, StringComparison.Ordinal);

        var ok = WithTemplates(("BaseHOT/simple/top.yaml", Top));
        Assert.Throws<UnprocessableProblem>(() => Instantiate(ok, new JsonObject { ["nfv"] = "not an object" }));
        Assert.Null(Instantiate(ok, new JsonObject { [ResourcePlanner.HeatModeParam] = false }).Resources.Heat);
        Assert.Null(Instantiate(Helloworld.Known).Resources.Heat);
    }
}
