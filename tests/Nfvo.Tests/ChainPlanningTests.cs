using System.Text;
using System.Text.Json;
using Mano.Tosca;
using Mano.VimAdapters;

namespace Mano.Nfvo.Tests;

/// <summary>
/// ChainPlanner and ChainTracer over a SOL001 NSD parsed by src/Tosca: SAP -> firewall -> DPI -> web server, HTTP only.
/// The VIM side is the real sandbox chain driver.
/// </summary>
public sealed class ChainPlanningTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Ns = "ns-1";
    private const string Tenant = "t-chain";

    private const string NsdYaml = """
        tosca_definitions_version: tosca_simple_yaml_1_2
        description: SAP -> firewall -> DPI -> web server, HTTP only.
        imports:
          - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.7.1/etsi_nfv_sol001_nsd_types.yaml
        node_types:
          test.ns.Chain:
            derived_from: tosca.nodes.nfv.NS
          test.vnf.InOut:
            derived_from: tosca.nodes.nfv.VNF
            requirements:
              - cp_in: { capability: tosca.capabilities.nfv.VirtualLinkable }
              - cp_out: { capability: tosca.capabilities.nfv.VirtualLinkable }
          test.nfp.Symmetric:         # NFPs of this type take reverse traffic backwards (a property SOL001 leaves to the designer)
            derived_from: tosca.nodes.nfv.NFP
            properties:
              symmetric: { type: boolean, required: false, default: false }
          test.vnf.Server:
            derived_from: tosca.nodes.nfv.VNF
            requirements:
              - cp_web: { capability: tosca.capabilities.nfv.VirtualLinkable }
        topology_template:
          substitution_mappings:
            node_type: test.ns.Chain
          node_templates:
            NS:
              type: test.ns.Chain
              properties: { descriptor_id: 0b2b2a4e-0000-4000-8000-000000000001, designer: Mano, version: '1.0', name: chain, invariant_id: 0b2b2a4e-0000-4000-8000-000000000000, flavour_id: default }
            VNF_FW:
              type: test.vnf.InOut
              properties: { descriptor_id: fw-vnfd, descriptor_version: '1.0', provider: Mano, product_name: fw, software_version: '1.0', vnfm_info: [ 'etsivnfm:v2.7.1' ], flavour_id: simple, flavour_description: simple }
              requirements:
                - cp_in: FWD_FW_IN
                - cp_out: FWD_FW_OUT
            VNF_DPI:
              type: test.vnf.InOut
              properties: { descriptor_id: dpi-vnfd, descriptor_version: '1.0', provider: Mano, product_name: dpi, software_version: '1.0', vnfm_info: [ 'etsivnfm:v2.7.1' ], flavour_id: simple, flavour_description: simple }
              requirements:
                - cp_in: FWD_DPI_IN
                - cp_out: FWD_DPI_OUT
            VNF_WEB:
              type: test.vnf.Server
              properties: { descriptor_id: web-vnfd, descriptor_version: '1.0', provider: Mano, product_name: web, software_version: '1.0', vnfm_info: [ 'etsivnfm:v2.7.1' ], flavour_id: simple, flavour_description: simple }
              requirements:
                - cp_web: FWD_WEB
            FWD_SAP: { type: tosca.nodes.nfv.Forwarding, requirements: [ { virtual_link: VL_net } ] }
            FWD_FW_IN: { type: tosca.nodes.nfv.Forwarding, requirements: [ { virtual_link: VL_net } ] }
            FWD_FW_OUT: { type: tosca.nodes.nfv.Forwarding, requirements: [ { virtual_link: VL_net } ] }
            FWD_DPI_IN: { type: tosca.nodes.nfv.Forwarding, requirements: [ { virtual_link: VL_net } ] }
            FWD_DPI_OUT: { type: tosca.nodes.nfv.Forwarding, requirements: [ { virtual_link: VL_net } ] }
            FWD_WEB: { type: tosca.nodes.nfv.Forwarding, requirements: [ { virtual_link: VL_net } ] }
            VL_net:
              type: tosca.nodes.nfv.NsVirtualLink
              properties:
                connectivity_type: { layer_protocols: [ ipv4 ] }
                vl_profile: { max_bitrate_requirements: { root: 1000000000 }, min_bitrate_requirements: { root: 1000000 } }
            SAP_in:
              type: tosca.nodes.nfv.Sap
              properties: { layer_protocols: [ ipv4 ] }
              requirements:
                - internal_virtual_link: FWD_SAP
            PE_SAP: { type: tosca.nodes.nfv.NfpPositionElement, requirements: [ { profile_element: FWD_SAP } ] }
            PE_FW: { type: tosca.nodes.nfv.NfpPositionElement, requirements: [ { profile_element: FWD_FW_IN }, { profile_element: FWD_FW_OUT } ] }
            PE_DPI: { type: tosca.nodes.nfv.NfpPositionElement, requirements: [ { profile_element: FWD_DPI_IN }, { profile_element: FWD_DPI_OUT } ] }
            PE_WEB: { type: tosca.nodes.nfv.NfpPositionElement, requirements: [ { profile_element: FWD_WEB } ] }
            POS_1: { type: tosca.nodes.nfv.NfpPosition, requirements: [ { element: PE_SAP } ] }
            POS_2: { type: tosca.nodes.nfv.NfpPosition, properties: { forwarding_behaviour: lb }, requirements: [ { element: PE_FW } ] }
            POS_3: { type: tosca.nodes.nfv.NfpPosition, requirements: [ { element: PE_DPI } ] }
            POS_4: { type: tosca.nodes.nfv.NfpPosition, requirements: [ { element: PE_WEB } ] }
            NFP_http:
              type: tosca.nodes.nfv.NFP
              requirements:
                - nfp_position: POS_1
                - nfp_position: POS_2
                - nfp_position: POS_3
                - nfp_position: POS_4
          groups:
            VNFFG_http:
              type: tosca.groups.nfv.VNFFG
              members: [ NFP_http, VNF_FW, VNF_DPI, VNF_WEB, VL_net, PE_SAP, PE_FW, PE_DPI, PE_WEB ]
          policies:
            - http:
                type: tosca.policies.nfv.NfpRule
                properties:
                  ether_type: ipv4
                  protocol: tcp
                  destination_ip_address_prefix: 192.0.2.0/24
                  destination_port_range: [ 80, 80 ]
                  dscp: '001010'
                targets: [ NFP_http ]
        """;

    private static Nsd ParseNsd(string yaml = NsdYaml)
    {
        var r = NsdParser.Parse(new Dictionary<string, byte[]> { ["nsd.yaml"] = Encoding.UTF8.GetBytes(yaml) }, "nsd.yaml");
        Assert.False(r.HasErrors, string.Join("\n", r.Diagnostics));
        return r.Nsd!;
    }

    /// <summary>Ports as the VNFM reports them: per VNFC, a port on each of the VNF's CPs.</summary>
    private static VnfChainPorts Vnf(string profile, string instance, int vnfcs, params string[] cps) =>
        new(profile, instance, "vim-1", Enumerable.Range(0, vnfcs)
            .SelectMany(i => cps.Select((cp, j) => new VnfCpPort(cp, $"{instance}-vnfc{i}", $"port-{instance}-{i}-{cp}", $"10.0.{j}.{10 + i}", null)))
            .ToList());

    private static List<VnfChainPorts> Vnfs(int fwVnfcs = 2) =>
        [Vnf("VNF_FW", "fw-1", fwVnfcs, "cp_in", "cp_out"), Vnf("VNF_DPI", "dpi-1", 1, "cp_in", "cp_out"), Vnf("VNF_WEB", "web-1", 1, "cp_web")];

    private static readonly FlowFiveTuple Http = new("198.51.100.7", "192.0.2.10", "tcp", 40000, 80);

    [Fact]
    public void An_NFP_becomes_a_path_of_ordered_hops_with_one_port_pair_per_VNFC_and_classifiers_from_its_NfpRule()
    {
        var plan = ChainPlanner.Plan(Ns, ParseNsd(), Vnfs());

        Assert.True(plan.Succeeded, string.Join("\n", plan.Problems));
        var path = Assert.Single(plan.Paths);
        Assert.Equal(("VNFFG_http/NFP_http", "VNFFG_http", "NFP_http", "vim-1", false), (path.ChainKey, path.VnffgId, path.NfpId, path.VimId, path.Symmetric));
        Assert.Equal(["POS_2", "POS_3"], path.Hops.Select(h => h.PositionId));
        Assert.Equal([1, 2], path.Hops.Select(h => h.Order));
        Assert.Equal("lb", path.Hops[0].ForwardingBehaviour);
        // the scaled-out firewall shares the hop's load: one pair per VNFC, ingress on cp_in, egress on cp_out of the same VNFC
        Assert.Equal(["fw-1-vnfc0", "fw-1-vnfc1"], path.Hops[0].PortPairs.Select(p => p.VnfcInstanceId));
        Assert.All(path.Hops[0].PortPairs, p =>
        {
            Assert.Equal(("VNF_FW", "fw-1", "cp_in", "cp_out"), (p.VnfProfileId, p.VnfInstanceId, p.IngressCpdId, p.EgressCpdId));
            Assert.Equal($"port-fw-1-{p.VnfcInstanceId[^1]}-cp_in", p.IngressPortId);
            Assert.Equal($"port-fw-1-{p.VnfcInstanceId[^1]}-cp_out", p.EgressPortId);
        });
        Assert.Equal("port-dpi-1-0-cp_in", Assert.Single(path.Hops[1].PortPairs).IngressPortId);
        // SOL001 NfpRule -> classifier; the web server ends the path (its port is the logical destination), the SAP starts it
        var c = Assert.Single(path.Classifiers);
        Assert.Equal(("http", "IPv4", "tcp", null, "192.0.2.0/24", 80, 80, null, "port-web-1-0-cp_web"),
            (c.NfpRuleId, c.Ethertype, c.Protocol, c.SourceIpPrefix, c.DestinationIpPrefix, c.DestinationPortRangeMin, c.DestinationPortRangeMax, c.LogicalSourcePortId, c.LogicalDestinationPortId));
        Assert.Contains(path.Notes, n => n.Contains("dscp", StringComparison.Ordinal) && n.Contains("not enforced", StringComparison.Ordinal));
        Assert.Contains(path.Notes, n => n.Contains("SAP 'SAP_in'", StringComparison.Ordinal));

        // JSON for the API and the portal: camelCase with the web defaults
        var json = JsonSerializer.Serialize(plan, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.Contains("\"chainKey\":\"VNFFG_http/NFP_http\"", json, StringComparison.Ordinal);
        Assert.Contains("\"succeeded\":true", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_are_reported_not_thrown()
    {
        var nsd = ParseNsd();
        var noDpi = ChainPlanner.Plan(Ns, nsd, [Vnf("VNF_FW", "fw-1", 1, "cp_in", "cp_out"), Vnf("VNF_WEB", "web-1", 1, "cp_web")]);
        Assert.False(noDpi.Succeeded);
        Assert.Contains("position 'POS_3' goes through VNF 'VNF_DPI', which has no VNF instance", Assert.Single(noDpi.Problems), StringComparison.Ordinal);

        var halfFw = Vnf("VNF_FW", "fw-1", 2, "cp_in", "cp_out");
        halfFw = halfFw with { Ports = halfFw.Ports.Where(p => !(p.VnfcInstanceId == "fw-1-vnfc1" && p.CpdId == "cp_out")).ToList() };
        var half = ChainPlanner.Plan(Ns, nsd, [halfFw, Vnf("VNF_DPI", "dpi-1", 1, "cp_in", "cp_out"), Vnf("VNF_WEB", "web-1", 1, "cp_web")]);
        Assert.Contains("VNFC 'fw-1-vnfc1' of VNF instance 'fw-1' (VNF_FW) has a port on cp_in but none on cp_out", Assert.Single(half.Problems), StringComparison.Ordinal);
        Assert.Single(half.Paths[0].Hops[0].PortPairs);   // the complete VNFC is still planned

        var noPort = ChainPlanner.Plan(Ns, nsd, [Vnf("VNF_FW", "fw-1", 1, "cp_in"), Vnf("VNF_DPI", "dpi-1", 1, "cp_in", "cp_out"), Vnf("VNF_WEB", "web-1", 1, "cp_web")]);
        Assert.Contains("VNF instance 'fw-1' (VNF_FW) has no port on CP cp_out", Assert.Single(noPort.Problems), StringComparison.Ordinal);

        var twoVims = ChainPlanner.Plan(Ns, nsd, [Vnf("VNF_FW", "fw-1", 1, "cp_in", "cp_out"), Vnf("VNF_DPI", "dpi-1", 1, "cp_in", "cp_out") with { VimId = "vim-2" }, Vnf("VNF_WEB", "web-1", 1, "cp_web")]);
        Assert.Contains("a chain must stay on one VIM", Assert.Single(twoVims.Problems), StringComparison.Ordinal);
        Assert.Null(twoVims.Paths[0].VimId);
    }

    [Fact]
    public void ToVim_gives_a_valid_port_chain_plan_owned_by_the_NS_instance()
    {
        var path = ChainPlanner.Plan(Ns, ParseNsd(), Vnfs()).Paths[0];
        var vim = ChainPlanner.ToVim(Tenant, path);
        PortChainPlanValidation.Validate(vim, "test");
        Assert.Equal((Tenant, Ns, "VNFFG_http/NFP_http", false), (vim.TenantId, vim.OwnerId, vim.ChainKey, vim.Symmetric));
        Assert.Equal(["POS_2", "POS_3"], vim.PortPairGroups.Select(g => g.Key));
        Assert.Equal(path.Hops[0].PortPairs.Select(p => (p.Key, p.IngressPortId, p.EgressPortId)), vim.PortPairGroups[0].PortPairs.Select(p => (p.Key, p.IngressPortId, p.EgressPortId)));
        var fc = Assert.Single(vim.FlowClassifiers);
        Assert.Equal(("tcp", "192.0.2.0/24", 80, "port-web-1-0-cp_web"), (fc.Protocol, fc.DestinationIpPrefix, fc.DestinationPortRangeMin, fc.LogicalDestinationPortId));
    }

    [Fact]
    public void A_flow_no_classifier_takes_is_said_so()
    {
        var plan = ChainPlanner.Plan(Ns, ParseNsd(), Vnfs());
        var udp = ChainTracer.Trace(plan, [], Http with { Protocol = "udp" });
        Assert.False(udp.Matched);
        Assert.Empty(udp.Hops);
        Assert.Contains("not steered into any chain", udp.Explanation[0], StringComparison.Ordinal);
        Assert.Contains(udp.Explanation, e => e.Contains("protocol udp is not tcp", StringComparison.Ordinal));
        var https = ChainTracer.Trace(plan, [], Http with { DestinationPort = 443 });
        Assert.Contains(https.Explanation, e => e.Contains("destination port 443 is outside 80-80", StringComparison.Ordinal));
        var elsewhere = ChainTracer.Trace(plan, [], Http with { DestinationIp = "203.0.113.1" });
        Assert.Contains(elsewhere.Explanation, e => e.Contains("destination address 203.0.113.1 is not in 192.0.2.0/24", StringComparison.Ordinal));
        Assert.True(ChainTracer.Trace(plan, [], Http with { Protocol = "6" }).Matched);   // IANA number = keyword
    }

    /// <summary>Plan, realise on the sandbox VIM, trace against the VIM's actual chain; then scale the firewall and see the drift.</summary>
    [Fact]
    public async Task A_flow_is_traced_through_the_VIMs_actual_chain_and_drift_from_the_plan_is_named()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxChainDriver(cloud);
        var sandbox = new VimConnectionInfo("vim-1", VimTypes.Sandbox, new Dictionary<string, string>(), new Dictionary<string, string>());
        var vnfs = await SandboxVnfsAsync(cloud, fwVnfcs: 3);
        var nsd = ParseNsd();

        // instantiate with 2 firewall VNFCs
        var plan = ChainPlanner.Plan(Ns, nsd, Trim(vnfs, 2));
        Assert.True(plan.Succeeded, string.Join("\n", plan.Problems));
        await driver.EnsurePortChainAsync(sandbox, ChainPlanner.ToVim(Tenant, plan.Paths[0]), Ct);
        var actual = await driver.ListPortChainsAsync(sandbox, Tenant, Ns, Ct);

        var trace = ChainTracer.Trace(plan, actual, Http);
        Assert.True(trace.Matched);
        Assert.True(trace.Prediction);
        Assert.Equal(("VNFFG_http/NFP_http", "http", "forward", true), (trace.ChainKey, trace.ClassifierKey, trace.Direction, trace.MatchesPlan));
        Assert.Empty(trace.Differences);
        Assert.Equal(["VNF_FW", "VNF_DPI"], trace.Hops.Select(h => h.VnfProfileId));
        Assert.All(trace.Hops, h => Assert.Equal("vim", h.Source));
        Assert.Equal([2, 1], trace.Hops.Select(h => h.Candidates));
        var fwHop = trace.Hops[0];
        var fwPair = plan.Paths[0].Hops[0].PortPairs.Single(p => p.VnfcInstanceId == fwHop.VnfcInstanceId);
        Assert.Equal((fwPair.IngressPortId, fwPair.EgressPortId), (fwHop.IngressPortId, fwHop.EgressPortId));
        Assert.Equal(actual[0].PortPairGroups[0].PortPairs.Single(p => p.IngressPortId == fwPair.IngressPortId).Id, fwHop.PortPairId);
        // the prediction is deterministic, and different flows share the load over both firewall VNFCs
        Assert.Equal(trace.Hops, ChainTracer.Trace(plan, actual, Http).Hops);
        var used = Enumerable.Range(0, 64).Select(i => ChainTracer.Trace(plan, actual, Http with { SourcePort = 40000 + i }).Hops[0].VnfcInstanceId).ToHashSet();
        Assert.Equal(2, used.Count);

        // the firewall scales out to 3 VNFCs: the new plan differs from the VIM until the chain is ensured again
        var scaled = ChainPlanner.Plan(Ns, nsd, vnfs);
        var drift = ChainTracer.Trace(scaled, actual, Http);
        Assert.False(drift.MatchesPlan);
        Assert.Contains("hop 'POS_2': port pair of VNFC 'fw-1-vnfc2'", Assert.Single(drift.Differences), StringComparison.Ordinal);
        await driver.EnsurePortChainAsync(sandbox, ChainPlanner.ToVim(Tenant, scaled.Paths[0]), Ct);
        var after = ChainTracer.Trace(scaled, await driver.ListPortChainsAsync(sandbox, Tenant, Ns, Ct), Http);
        Assert.True(after.MatchesPlan, string.Join("\n", after.Differences));
        Assert.Equal(3, after.Hops[0].Candidates);

        // a chain the VIM does not have at all
        var gone = ChainTracer.Trace(scaled, [], Http);
        Assert.False(gone.MatchesPlan);
        Assert.All(gone.Hops, h => Assert.Equal("plan", h.Source));
        Assert.Contains("the VIM has no chain 'VNFFG_http/NFP_http'", gone.Differences[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_symmetric_path_takes_the_reverse_flow_backwards_on_the_same_VNFC()
    {
        const string nfp = "    NFP_http:\n      type: tosca.nodes.nfv.NFP\n";
        Assert.Contains(nfp, NsdYaml, StringComparison.Ordinal);
        var nsd = ParseNsd(NsdYaml.Replace(nfp, "    NFP_http:\n      type: test.nfp.Symmetric\n      properties: { symmetric: true }\n", StringComparison.Ordinal));
        var plan = ChainPlanner.Plan(Ns, nsd, Vnfs());
        Assert.True(plan.Paths[0].Symmetric);
        var forward = ChainTracer.Trace(plan, [], Http);
        var reply = ChainTracer.Trace(plan, [], new FlowFiveTuple(Http.DestinationIp, Http.SourceIp, "tcp", 80, 40000));
        Assert.Equal("reverse", reply.Direction);
        Assert.Equal(forward.Hops.Select(h => h.HopKey).Reverse(), reply.Hops.Select(h => h.HopKey));
        Assert.Equal(forward.Hops[0].VnfcInstanceId, reply.Hops[^1].VnfcInstanceId);
        Assert.Equal(forward.Hops[0].EgressPortId, reply.Hops[^1].IngressPortId);   // in reverse, traffic enters at the egress port
        Assert.False(ChainTracer.Trace(ChainPlanner.Plan(Ns, ParseNsd(), Vnfs()), [], new FlowFiveTuple(Http.DestinationIp, Http.SourceIp, "tcp", 80, 40000)).Matched);
    }

    private static List<VnfChainPorts> Trim(List<VnfChainPorts> vnfs, int fwVnfcs) =>
        vnfs.Select(v => v.VnfProfileId != "VNF_FW" ? v
            : v with { Ports = v.Ports.Where(p => int.Parse(p.VnfcInstanceId[^1..], System.Globalization.CultureInfo.InvariantCulture) < fwVnfcs).ToList() }).ToList();

    /// <summary>The NS's VNFs as sandbox servers with real ports (what the VNFM would have made).</summary>
    private static async Task<List<VnfChainPorts>> SandboxVnfsAsync(SandboxCloud cloud, int fwVnfcs)
    {
        var net = await cloud.CreateNetworkAsync(Tenant, new SandboxNetworkSpec("ns-net"), Ct);
        await cloud.CreateSubnetAsync(Tenant, new SandboxSubnetSpec("ns-subnet", net.ResourceId, "10.20.0.0/24"), Ct);
        async Task<VnfChainPorts> Make(string profile, string instance, int vnfcs, params string[] cps)
        {
            var ports = new List<VnfCpPort>();
            for (var i = 0; i < vnfcs; i++)
            {
                var server = await cloud.CreateServerAsync(Tenant, new SandboxServerSpec($"{instance}-{i}", 1, 512), Ct);
                foreach (var cp in cps)
                {
                    var port = await cloud.CreatePortAsync(Tenant, new SandboxPortSpec($"{instance}-{i}-{cp}", net.ResourceId, server.ResourceId), Ct);
                    ports.Add(new VnfCpPort(cp, $"{instance}-vnfc{i}", port.ResourceId, port.Attributes[VimAttributes.IpAddress], port.Attributes[VimAttributes.MacAddress]));
                }
            }
            return new VnfChainPorts(profile, instance, "vim-1", ports);
        }
        return [await Make("VNF_FW", "fw-1", fwVnfcs, "cp_in", "cp_out"), await Make("VNF_DPI", "dpi-1", 1, "cp_in", "cp_out"), await Make("VNF_WEB", "web-1", 1, "cp_web")];
    }
}
