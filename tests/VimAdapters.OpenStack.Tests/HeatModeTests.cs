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

/// <summary>
/// ADR-0015 against the real test cloud (Heat up: MANO_TEST_OPENSTACK_HEAT=1): Tacker's v2 basic_lcms_min deployed through
/// the driver as one Heat stack, scaled out and in, one VNFC healed, terminated; the stack, Nova servers and Neutron
/// ports checked with independent REST calls (<see cref="RawOpenStack"/>).
/// </summary>
[Collection(OpenStackCollection.Name)]
public sealed class HeatModeIntegrationTests(TestCloud cloud)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private void RequireHeat()
    {
        cloud.Require();
        if (TestCloud.Env("MANO_TEST_OPENSTACK_HEAT") != "1")
            Assert.Skip("MANO_TEST_OPENSTACK_HEAT is not 1: the test cloud runs without Heat (scripts/openstack-test-cloud/up.sh with MANO_OS_HEAT=1 brings it up)");
    }

    /// <summary>The stack of the instance as Heat lists it (null: none).</summary>
    private async Task<JsonNode?> StackAsync(string instanceId) =>
        (await cloud.Raw.GetAsync("orchestration", "/stacks?name=" + Uri.EscapeDataString("mano-" + instanceId)))!["stacks"]!.AsArray()
        .SingleOrDefault(s => s!["stack_status"]!.GetValue<string>() != "DELETE_COMPLETE");

    /// <summary>Nova and Neutron hold exactly the plan: servers by VDU and key, ports by key on their VNFC's server.</summary>
    private async Task<Dictionary<string, string>> AssertMatchesPlanAsync(VnfResourcePlan plan, string step)
    {
        var stack = await StackAsync(plan.VnfInstanceId);
        Assert.True(stack is not null, $"{step}: no stack mano-{plan.VnfInstanceId}");
        Assert.EndsWith("_COMPLETE", stack!["stack_status"]!.GetValue<string>(), StringComparison.Ordinal);
        var servers = await cloud.Raw.ServersAsync(plan.VnfInstanceId);
        var ports = await cloud.Raw.PortsAsync(plan.VnfInstanceId);
        Assert.True(plan.Computes.Count == servers.Count, $"{step}: {servers.Count} servers in Nova, plan has {plan.Computes.Count}");
        Assert.Equal(plan.Computes.Select(c => c.ResourceKey).Order(), servers.Select(s => s!["metadata"]![VimTags.ResourceKey]!.GetValue<string>()).Order());
        Assert.All(servers, s => Assert.Equal("ACTIVE", s!["status"]!.GetValue<string>()));
        foreach (var c in plan.Computes)
        {
            var server = servers.Single(s => s!["metadata"]![VimTags.ResourceKey]!.GetValue<string>() == c.ResourceKey)!;
            Assert.Equal(c.VduId, server["name"]!.GetValue<string>());   // Tacker's templates name the server after the VDU
            Assert.Equal(c.VduId, server["metadata"]!["mano.vdu_id"]!.GetValue<string>());
        }
        foreach (var p in plan.Ports)
        {
            var port = ports.Single(x => x!["tags"]!.AsArray().Any(t => t!.GetValue<string>() == $"{VimTags.ResourceKey}={p.ResourceKey}"))!;
            var server = servers.Single(s => s!["metadata"]![VimTags.ResourceKey]!.GetValue<string>() == p.ComputeKey)!;
            Assert.Equal(server["id"]!.GetValue<string>(), port["device_id"]!.GetValue<string>());
            Assert.NotEmpty(port["fixed_ips"]!.AsArray());
        }
        Assert.Equal(plan.Ports.Count, ports.Count);
        var networks = await cloud.Raw.NetworksAsync(plan.VnfInstanceId);
        Assert.Equal(plan.Networks.Select(n => n.ResourceKey).Order(),
            networks.Select(n => n!["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Single(t => t.StartsWith(VimTags.ResourceKey + "=", StringComparison.Ordinal))[(VimTags.ResourceKey.Length + 1)..]).Order());
        return servers.ToDictionary(s => s!["metadata"]![VimTags.ResourceKey]!.GetValue<string>(), s => s!["id"]!.GetValue<string>());
    }

    private async Task AssertNothingLeftAsync(string instanceId)
    {
        Assert.Null(await StackAsync(instanceId));
        Assert.Empty(await cloud.Raw.ServersAsync(instanceId));
        Assert.Empty(await cloud.Raw.PortsAsync(instanceId));
        Assert.Empty(await cloud.Raw.NetworksAsync(instanceId));
        Assert.Empty(await cloud.Raw.SubnetsAsync(instanceId));
    }

    [Fact]
    public async Task Basic_lcms_min_as_a_heat_stack_instantiate_scale_heal_terminate()
    {
        RequireHeat();
        var vim = cloud.Vim();
        var known = CorpusPlans.LoadWithHeat("v2-os-basic_lcms_min");
        var flavour = known.Vnfd.FindFlavour("simple")!;
        var instanceId = Guid.NewGuid().ToString();
        var lcm = CorpusPlans.Instantiate(known, "simple", instanceId, "op-inst", "unused");
        var plan = lcm.Resources;
        Assert.NotNull(plan.Heat);
        await cloud.EnsureStandInImagesAsync(plan, Ct);
        try
        {
            // instantiate: one stack; Nova/Neutron resources carry the plan's keys; a retried call changes nothing
            var made = await cloud.Driver.InstantiateAsync(vim, plan, Ct);
            var servers = await AssertMatchesPlanAsync(plan, "instantiate");
            Assert.Equal(2, servers.Count);
            Assert.Equal(plan.Computes.Count, made.Count(r => r.Kind == VimResourceKind.Compute));
            Assert.All(made.Where(r => r.Kind is VimResourceKind.Compute or VimResourceKind.Port), r => Assert.NotNull(r.ResourceKey));
            Assert.Contains(made, r => r.Kind == VimResourceKind.Port && r.Attributes.ContainsKey(VimAttributes.IpAddress));
            var stackId = (await StackAsync(instanceId))!["id"]!.GetValue<string>();
            var nfv = JsonNode.Parse((await cloud.Raw.GetAsync("orchestration", $"/stacks/mano-{instanceId}/{stackId}"))!["stack"]!["parameters"]!["nfv"]!.GetValue<string>())!;
            Assert.Equal(1, nfv["VDU"]!["VDU1"]!["desired_capacity"]!.GetValue<int>());
            Assert.Equal("m1.tiny", nfv["VDU"]!["VDU2"]!["computeFlavourId"]!.GetValue<string>());
            var again = await cloud.Driver.InstantiateAsync(vim, plan, Ct);
            Assert.Equal(made.Select(r => r.ResourceId).Order(), again.Select(r => r.ResourceId).Order());
            Assert.Equal(stackId, (await StackAsync(instanceId))!["id"]!.GetValue<string>());

            // scale out one step: desired_capacity 2, the new VDU1 server gets the new key, the others keep theirs
            var scaledOut = ResourcePlanner.PlanScale(lcm, flavour, new Dictionary<string, int> { ["VDU1_scale"] = 1 }, "op-scale-out");
            await cloud.Driver.ScaleAsync(vim, scaledOut.Resources, Ct);
            var outServers = await AssertMatchesPlanAsync(scaledOut.Resources, "scale out");
            foreach (var (key, id) in servers) Assert.Equal(id, outServers[key]);
            var outInfo = InstantiatedInfoBuilder.Build(scaledOut, flavour, "vim-1",
                await cloud.Driver.ListResourcesAsync(vim, CorpusPlans.Tenant, instanceId, Ct), null, "STARTED");
            Assert.Equal(scaledOut.Resources.Computes.Select(c => c.ResourceKey).Order(), outInfo.VnfcResourceInfo!.Select(v => v.Id).Order());
            Assert.All(outInfo.VnfcResourceInfo!, v => Assert.Equal(outServers[v.Id], v.ComputeResource.ResourceId));

            // the rollback of that scale out: the previous parameters, the added VNFC removed
            await cloud.Driver.RollbackAsync(vim, plan with { OpOccId = "op-scale-out" }, Ct);
            var rolledBack = await AssertMatchesPlanAsync(plan, "rollback of scale out");
            foreach (var (key, id) in servers) Assert.Equal(id, rolledBack[key]);
            await cloud.Driver.ScaleAsync(vim, scaledOut.Resources, Ct);
            outServers = await AssertMatchesPlanAsync(scaledOut.Resources, "scale out again");

            // scale in: exactly the VNFC the plan drops goes (Heat is told which: its member is marked unhealthy)
            var scaledIn = ResourcePlanner.PlanScale(scaledOut, flavour, new Dictionary<string, int> { ["VDU1_scale"] = 0 }, "op-scale-in");
            var dropped = scaledOut.Resources.Computes.Select(c => c.ResourceKey).Except(scaledIn.Resources.Computes.Select(c => c.ResourceKey)).Single();
            await cloud.Driver.ScaleAsync(vim, scaledIn.Resources, Ct);
            var inServers = await AssertMatchesPlanAsync(scaledIn.Resources, "scale in");
            Assert.DoesNotContain(dropped, inServers.Keys);
            Assert.Null(await cloud.Raw.GetAsync("compute", "/servers/" + outServers[dropped], "2.79") is { } gone && gone["server"]!["status"]!.GetValue<string>() != "DELETED" ? gone : null);
            foreach (var (key, id) in servers) Assert.Equal(id, inServers[key]);
            plan = scaledIn.Resources;

            // heal the VDU1 VNFC: Heat replaces its server (new server, same key, heal's op occ); its port stays
            var target = plan.Computes.Single(c => c.VduId == "VDU1");
            var portsBefore = (await cloud.Raw.PortsAsync(instanceId)).Select(p => p!["id"]!.GetValue<string>()).Order().ToList();
            var healPlan = plan with { OpOccId = "op-heal" };
            await cloud.Driver.HealAsync(vim, healPlan, [target.ResourceKey], Ct);
            var healed = await AssertMatchesPlanAsync(plan, "heal");
            Assert.NotEqual(inServers[target.ResourceKey], healed[target.ResourceKey]);
            var other = plan.Computes.Single(c => c.VduId == "VDU2").ResourceKey;
            Assert.Equal(inServers[other], healed[other]);
            var healedServer = (await cloud.Raw.GetAsync("compute", "/servers/" + healed[target.ResourceKey], "2.79"))!["server"]!;
            Assert.Equal("op-heal", healedServer["metadata"]![VimTags.OpOccId]!.GetValue<string>());
            Assert.Equal(portsBefore, (await cloud.Raw.PortsAsync(instanceId)).Select(p => p!["id"]!.GetValue<string>()).Order().ToList());
            // a retried heal does not replace the server again
            await cloud.Driver.HealAsync(vim, healPlan, [target.ResourceKey], Ct);
            Assert.Equal(healed[target.ResourceKey], (await AssertMatchesPlanAsync(plan, "heal retried"))[target.ResourceKey]);

            // operate and listing work on the stack's servers as in VNFD mode
            var listed = await cloud.Driver.ListResourcesAsync(vim, CorpusPlans.Tenant, instanceId, Ct);
            Assert.Equal(plan.Computes.Count, listed.Count(r => r.Kind == VimResourceKind.Compute));
            Assert.Equal(plan.Networks.Count, listed.Count(r => r.Kind == VimResourceKind.Network));

            // change_flavour with a target that has no Heat templates: refused, clearly
            var e = await Assert.ThrowsAsync<VimException>(() => cloud.Driver.ChangeFlavourAsync(vim, plan with { OpOccId = "op-cf", Heat = null }, Ct));
            Assert.Contains("not supported in Heat mode", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            await cloud.Driver.TerminateAsync(vim, CorpusPlans.Tenant, instanceId, Ct);
        }
        await AssertNothingLeftAsync(instanceId);
        await cloud.Driver.TerminateAsync(vim, CorpusPlans.Tenant, instanceId, Ct);   // idempotent: no stack is done
    }

    /// <summary>
    /// The opt-out (additionalParams heatMode=false) deploys the same package from its VNFD; an instance deployed so stays
    /// in VNFD mode even when a later plan carries the templates (e.g. the VIM gained Heat after instantiate): no stack.
    /// </summary>
    [Fact]
    public async Task The_opt_out_deploys_from_the_vnfd_and_such_an_instance_never_becomes_a_stack()
    {
        RequireHeat();
        var vim = cloud.Vim();
        var known = CorpusPlans.LoadWithHeat("v2-os-basic_lcms_min");
        var flavour = known.Vnfd.FindFlavour("simple")!;
        var instanceId = Guid.NewGuid().ToString();
        var lcm = CorpusPlans.Instantiate(known, "simple", instanceId, "op-inst", "unused",
            additionalParams: new JsonObject { [ResourcePlanner.HeatModeParam] = false });
        Assert.Null(lcm.Resources.Heat);
        await cloud.EnsureStandInImagesAsync(lcm.Resources, Ct);
        try
        {
            await cloud.Driver.InstantiateAsync(vim, lcm.Resources, Ct);
            Assert.Null(await StackAsync(instanceId));
            var withTemplates = CorpusPlans.Instantiate(known, "simple", instanceId, "op-inst", "unused").Resources.Heat;
            var scaled = ResourcePlanner.PlanScale(lcm, flavour, new Dictionary<string, int> { ["VDU1_scale"] = 1 }, "op-scale");
            await cloud.Driver.ScaleAsync(vim, scaled.Resources with { Heat = withTemplates }, Ct);
            Assert.Null(await StackAsync(instanceId));
            var servers = await cloud.Raw.ServersAsync(instanceId);
            Assert.Equal(scaled.Resources.Computes.Select(c => c.ResourceKey).Order(), servers.Select(x => x!["metadata"]![VimTags.ResourceKey]!.GetValue<string>()).Order());
            Assert.All(servers, x => Assert.False(x!["metadata"]!.AsObject().ContainsKey("mano.heat_stack")));
        }
        finally
        {
            await cloud.Driver.TerminateAsync(vim, CorpusPlans.Tenant, instanceId, Ct);
        }
        await AssertNothingLeftAsync(instanceId);
    }

    /// <summary>
    /// Tacker's getting-started package: a VDU that is a nested stack (no scaling group), and a port the template names
    /// VDU1_CP1 for the VNFD's CP1: the planned CP takes its VNFC's port on its network.
    /// </summary>
    [Fact]
    public async Task Doc_getting_started_maps_a_port_named_otherwise_by_its_network()
    {
        RequireHeat();
        var vim = cloud.Vim();
        var known = CorpusPlans.LoadWithHeat("v2-os-doc_getting_started");
        var instanceId = Guid.NewGuid().ToString();
        var lcm = CorpusPlans.Instantiate(known, "simple", instanceId, "op-inst", "unused");
        var plan = lcm.Resources;
        Assert.Equal(["CP1"], plan.Ports.Select(p => p.CpdId));
        await cloud.EnsureStandInImagesAsync(plan, Ct);
        try
        {
            var made = await cloud.Driver.InstantiateAsync(vim, plan, Ct);
            await AssertMatchesPlanAsync(plan, "instantiate");
            var port = Assert.Single(made, r => r.Kind == VimResourceKind.Port);
            Assert.Equal(plan.Ports[0].ResourceKey, port.ResourceKey);
            Assert.Equal(made.Single(r => r.Kind == VimResourceKind.Network).ResourceId, port.Attributes[VimAttributes.NetworkId]);

            // the VNFM builds instantiatedVnfInfo from the stack's resources as in VNFD mode
            var info = InstantiatedInfoBuilder.Build(lcm, known.Vnfd.FindFlavour("simple")!, "vim-1", made, null, "STARTED");
            var vnfc = Assert.Single(info.VnfcResourceInfo!);
            Assert.Equal(made.Single(r => r.Kind == VimResourceKind.Compute).ResourceId, vnfc.ComputeResource.ResourceId);
            Assert.Equal("CP1", Assert.Single(vnfc.VnfcCpInfo!).CpdId);
            Assert.Equal(made.Single(r => r.Kind == VimResourceKind.Network).ResourceId, Assert.Single(info.VnfVirtualLinkResourceInfo!).NetworkResource.ResourceId);
        }
        finally
        {
            await cloud.Driver.TerminateAsync(vim, CorpusPlans.Tenant, instanceId, Ct);
        }
        await AssertNothingLeftAsync(instanceId);
    }

    /// <summary>A "crash" while Heat builds the stack: the retried instantiate finds the stack (no second one) and completes it.</summary>
    [Fact]
    public async Task A_retried_instantiate_after_a_crash_reuses_the_stack()
    {
        RequireHeat();
        var vim = cloud.Vim();
        var known = CorpusPlans.LoadWithHeat("v2-os-basic_lcms_min");
        var instanceId = Guid.NewGuid().ToString();
        var plan = CorpusPlans.Instantiate(known, "simple", instanceId, "op-inst", "unused").Resources;
        await cloud.EnsureStandInImagesAsync(plan, Ct);
        try
        {
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct))
            {
                // cancelled as soon as Heat holds the stack (event-driven, not a fixed delay)
                var crash = Task.Run(async () =>
                {
                    while (!cts.IsCancellationRequested)
                    {
                        if (await StackAsync(instanceId) is not null) { await cts.CancelAsync(); return; }
                        await Task.Delay(100, Ct);
                    }
                }, Ct);
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cloud.Driver.InstantiateAsync(vim, plan, cts.Token));
                await crash;
            }
            var first = (await StackAsync(instanceId))!["id"]!.GetValue<string>();
            await cloud.Driver.InstantiateAsync(vim, plan, Ct);
            await AssertMatchesPlanAsync(plan, "instantiate after a crash");
            Assert.Equal(first, (await StackAsync(instanceId))!["id"]!.GetValue<string>());
            var stacks = (await cloud.Raw.GetAsync("orchestration", "/stacks?name=" + Uri.EscapeDataString("mano-" + instanceId)))!["stacks"]!.AsArray();
            Assert.Single(stacks);
        }
        finally
        {
            await cloud.Driver.TerminateAsync(vim, CorpusPlans.Tenant, instanceId, Ct);
        }
        await AssertNothingLeftAsync(instanceId);
    }

    [Fact]
    public async Task A_failing_stack_names_heats_reason_and_its_rollback_deletes_the_stack()
    {
        RequireHeat();
        var vim = cloud.Vim();
        var known = CorpusPlans.LoadWithHeat("v2-os-basic_lcms_min");
        var instanceId = Guid.NewGuid().ToString();
        // Tacker's additionalParams "nfv" override, here with a flavour the cloud does not have
        var plan = CorpusPlans.Instantiate(known, "simple", instanceId, "op-inst", "unused", additionalParams: new JsonObject
        {
            ["nfv"] = new JsonObject { ["VDU"] = new JsonObject { ["VDU1"] = new JsonObject { ["computeFlavourId"] = "mano-no-such-flavor" } } },
        }).Resources;
        await cloud.EnsureStandInImagesAsync(plan, Ct);
        try
        {
            var e = await Assert.ThrowsAsync<VimException>(() => cloud.Driver.InstantiateAsync(vim, plan, Ct));
            // VDU1 is in a scaling group: Heat validates its member template only when it builds it, so the stack is
            // made and fails: the error is the wait's, with Heat's stack_status_reason naming the flavour
            Assert.Equal("heat.wait_create", e.Operation);
            Assert.Contains("CREATE_FAILED", e.Message, StringComparison.Ordinal);
            Assert.Contains("mano-no-such-flavor", e.Message, StringComparison.Ordinal);
            Assert.Equal("CREATE_FAILED", (await StackAsync(instanceId))!["stack_status"]!.GetValue<string>());

            // the same fault outside a scaling group: Heat refuses the create itself, naming the flavour
            var direct = CorpusPlans.Instantiate(known, "simple", instanceId + "-b", "op-inst", "unused", additionalParams: new JsonObject
            {
                ["nfv"] = new JsonObject { ["VDU"] = new JsonObject { ["VDU2"] = new JsonObject { ["computeFlavourId"] = "mano-no-such-flavor" } } },
            }).Resources;
            var refused = await Assert.ThrowsAsync<VimException>(() => cloud.Driver.InstantiateAsync(vim, direct, Ct));
            Assert.Equal("heat.create_stack", refused.Operation);
            Assert.Contains("mano-no-such-flavor", refused.Message, StringComparison.Ordinal);
            Assert.Null(await StackAsync(direct.VnfInstanceId));
        }
        finally
        {
            // the rollback of instantiate
            await cloud.Driver.TerminateAsync(vim, CorpusPlans.Tenant, instanceId, Ct);
            await cloud.Driver.TerminateAsync(vim, CorpusPlans.Tenant, instanceId + "-b", Ct);
        }
        await AssertNothingLeftAsync(instanceId);
        await AssertNothingLeftAsync(instanceId + "-b");
    }
}
