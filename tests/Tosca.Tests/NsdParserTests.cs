namespace Mano.Tosca.Tests;

/// <summary>The NSD model over hand-written SOL001 NSDs (tests/Tosca.Tests/Nsd/*.yaml) that reference Tacker corpus VNFDs.</summary>
public class NsdParserTests
{
    private static string Dir => Path.Combine(RepoPaths.RepoRoot, "tests", "Tosca.Tests", "Nsd");
    private static string Text(string name) => File.ReadAllText(Path.Combine(Dir, name));

    private static NsdParseResult ParseWebChain(string? nsd = null) =>
        NsdParser.Parse(new Dictionary<string, byte[]>
        {
            ["Definitions/web_chain_nsd.yaml"] = Zip.Utf8(nsd ?? Text("web_chain_nsd.yaml")),
            ["Definitions/web_chain_types.yaml"] = Zip.Utf8(Text("web_chain_types.yaml")),
        }, "Definitions/web_chain_nsd.yaml");

    /// <summary>1-based line and column of the first occurrence of <paramref name="token"/>.</summary>
    private static (int Line, int Column) Pos(string text, string token)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if (lines[i].IndexOf(token, StringComparison.Ordinal) is var c and >= 0) return (i + 1, c + 1);
        throw new InvalidOperationException(token);
    }

    [Fact]
    public void Web_chain_NSD_parses_into_the_full_model()
    {
        var r = ParseWebChain();
        Assert.False(r.HasErrors, string.Join("\n", r.Diagnostics));
        Assert.Equal(["Definitions/web_chain_nsd.yaml", "Definitions/web_chain_types.yaml"], r.NsdFilePaths);
        var nsd = r.Nsd!;
        Assert.Equal(("5b1c7d1e-0d5c-4c1c-9f6a-2f8b7a1e0001", "Mano", "1.0", "web-chain", "5b1c7d1e-0d5c-4c1c-9f6a-2f8b7a1e0000", "default"),
            (nsd.DescriptorId, nsd.Designer, nsd.Version, nsd.Name, nsd.InvariantId, nsd.FlavourId));
        Assert.Equal("web-chain-ns", nsd.TemplateMetadata["template_name"]);
        Assert.Equal(["instantiate", "terminate"], nsd.LcmOperations.Select(o => o.Name));

        // VNFs by vnfd_id (Tacker corpus VNFDs) and flavour, with their external CPs on NS virtual links
        Assert.Equal(["VNF_LB", "VNF_FW", "VNF_WEB"], nsd.Vnfs.Select(v => v.Id));
        var lb = nsd.FindVnf("VNF_LB")!;
        Assert.Equal(("b1bb0ce7-ebca-4fa7-95ed-4840d7000000", "simple", "Company", "mano.vnf.LoadBalancer"), (lb.VnfdId, lb.FlavourId, lb.Provider, lb.Type));
        Assert.Empty(lb.VirtualLinks); // through Forwarding nodes
        Assert.Equal(["virtual_link_external1_1", "virtual_link_external2_1"], lb.ExtCpRequirements);
        var fw = nsd.FindVnf("VNF_FW")!;
        Assert.Equal(("75aaa9fa-9c79-dcf5-bda2-5b98a08c9f54", "scalable"), (fw.VnfdId, fw.FlavourId));
        Assert.Equal(new Dictionary<string, string> { ["VDU2_extnet"] = "VL_web" }, fw.VirtualLinks); // the others go through Forwarding nodes
        Assert.Equal(["etsivnfm:v2.7.1"], fw.VnfmInfo);
        Assert.Equal(("b1bb0ce7-ebca-4fa7-95ed-4840d70a1177", "VL_web"), (nsd.FindVnf("VNF_WEB")!.VnfdId, nsd.FindVnf("VNF_WEB")!.VirtualLinks["virtual_link_external"]));
        Assert.Empty(nsd.Pnfs);
        Assert.Empty(nsd.NestedNss);

        // Virtual links and SAP
        Assert.Equal(["VL_access", "VL_core", "VL_web"], nsd.VirtualLinks.Select(v => v.Id));
        var access = nsd.VirtualLinks[0];
        Assert.Equal(("Access network of the service", "line", 10_000_000L, 10_000_000L, 1_000_000L), (access.Description, access.FlowPattern, access.MaxBitrate!.Root, access.MaxBitrate.Leaf!.Value, access.MinBitrate!.Root));
        Assert.Equal(["ipv4"], access.LayerProtocols);
        Assert.Empty(access.ProtocolData); // NsVlProfile has virtual_link_protocol_data from v3.5.1 (see the levels NSD)
        Assert.Equal(["passive_monitoring"], nsd.VirtualLinks[1].TestAccess);
        var sap = Assert.Single(nsd.Saps);
        Assert.Equal(("SAP_access", "VL_access", (string?)null), (sap.Id, sap.VirtualLinkId, sap.InternalNodeId)); // through FWD_SAP
        Assert.Equal(["ipv4"], sap.LayerProtocols);

        // Forwarding: each node names the VNF CP that points at it
        Assert.Equal([new NsForwarding("FWD_LB_IN", "VL_access", "VNF_LB", "virtual_link_external1_1"), new NsForwarding("FWD_LB_OUT", "VL_core", "VNF_LB", "virtual_link_external2_1"),
                new NsForwarding("FWD_FW_IN", "VL_core", "VNF_FW", "VDU0_extnet"), new NsForwarding("FWD_FW_OUT", "VL_web", "VNF_FW", "VDU1_extnet"),
                new NsForwarding("FWD_SAP", "VL_access", null, null) { SapId = "SAP_access" }],
            nsd.Forwardings);

        // NFP: positions in order, ingress/egress per element, and its classifier
        var nfp = Assert.Single(nsd.Nfps);
        Assert.Equal(["POS_1", "POS_2", "POS_3"], nfp.PositionIds);
        Assert.Equal(
            [new NfpElementRef("SAP_access", NfpElementKind.Sap, null, null),
             new NfpElementRef("FWD_LB_IN", NfpElementKind.Forwarding, "VNF_LB", "virtual_link_external1_1"),
             new NfpElementRef("FWD_LB_OUT", NfpElementKind.Forwarding, "VNF_LB", "virtual_link_external2_1"),
             new NfpElementRef("FWD_FW_IN", NfpElementKind.Forwarding, "VNF_FW", "VDU0_extnet"),
             new NfpElementRef("FWD_FW_OUT", NfpElementKind.Forwarding, "VNF_FW", "VDU1_extnet")],
            nfp.Path);
        Assert.Equal([("POS_1", "all"), ("POS_2", "lb"), ("POS_3", null)], nsd.NfpPositions.Select(p => (p.Id, p.ForwardingBehaviour)));
        Assert.Equal(["PE_LB"], nsd.NfpPositions[1].ElementIds);
        Assert.Equal(2, nsd.NfpPositionElements.Single(e => e.Id == "PE_FW").ProfileElements.Count);
        Assert.Null(nfp.Symmetric);
        var rule = Assert.Single(nfp.Rules);
        Assert.Equal(("http_classifier", "ipv4", "tcp", "10.10.0.0/24", "192.0.2.0/24", "000000"),
            (rule.Id, rule.EtherType, rule.Protocol, rule.SourceIpAddressPrefix, rule.DestinationIpAddressPrefix, rule.Dscp));
        Assert.Equal((1024, 65535), rule.SourcePortRange);
        Assert.Equal((80, 80), rule.DestinationPortRange);
        Assert.Equal(["100"], rule.VlanTag);
        Assert.Equal(["NFP_web"], rule.Targets);

        // VNFFG
        var g = Assert.Single(nsd.Vnffgs);
        Assert.Equal("HTTP traffic from the access SAP through the load balancer and the firewall", g.Description);
        Assert.Equal(["VNF_LB", "VNF_FW"], g.VnfIds);
        Assert.Equal(["VL_access", "VL_core"], g.VirtualLinkIds);
        Assert.Equal(["NFP_web"], g.NfpIds);
        Assert.Equal(["PE_SAP", "PE_LB", "PE_FW"], g.PositionElementIds);
        Assert.Equal(["SAP_access", "VNF_LB/virtual_link_external1_1", "VNF_LB/virtual_link_external2_1", "VNF_FW/VDU0_extnet", "VNF_FW/VDU1_extnet"], g.ConnectionPoints);
        Assert.Equal(5, g.NumberOfEndpoints);

        // Dependencies and placement
        Assert.Equal([new NsDependency("VNF_FW", "VNF_LB"), new NsDependency("VNF_WEB", "VNF_FW")], nsd.Dependencies);
        var anti = Assert.Single(nsd.PlacementRules);
        Assert.Equal((false, "nfvi_node"), (anti.IsAffinity, anti.Scope));
        Assert.Equal(["VNF_LB", "VNF_FW"], anti.Targets);
        Assert.Empty(nsd.InstantiationLevels);
    }

    [Fact]
    public void NS_levels_and_scaling_aspects_parse_on_the_3_5_1_types()
    {
        var r = NsdParser.Parse(new Dictionary<string, byte[]> { ["levels_nsd.yaml"] = Zip.Utf8(Text("levels_nsd.yaml")) }, "levels_nsd.yaml");
        Assert.False(r.HasErrors, string.Join("\n", r.Diagnostics));
        var nsd = r.Nsd!;
        Assert.Equal(("ns-levels-1", "small"), (nsd.DescriptorId, nsd.FlavourId));
        Assert.Equal("small", nsd.DefaultInstantiationLevelId);
        Assert.Equal(["small", "large"], nsd.InstantiationLevels.Select(l => l.Id));
        var large = nsd.FindLevel("large")!;
        Assert.Equal(("three VNFs", 3), (large.Description, large.VnfInstances["VNF_A"]));
        Assert.Equal(new LinkBitrate(3000, 1000), large.VirtualLinkBitrates["VL1"]);
        Assert.Equal(1, nsd.FindLevel(null)!.VnfInstances["VNF_A"]);
        var aspect = Assert.Single(nsd.ScalingAspects);
        Assert.Equal(("capacity", "capacity", 2), (aspect.Id, aspect.Name, aspect.MaxScaleLevel));
        Assert.Equal("double", aspect.Levels[1]);
        Assert.Equal(new Dictionary<int, int> { [0] = 1, [1] = 2, [2] = 3 }, aspect.VnfInstances["VNF_A"]);
        Assert.Equal(new LinkBitrate(3000, null), aspect.VirtualLinkBitrates["VL1"][2]);
        Assert.Equal(new Dictionary<string, string> { ["virtual_link"] = "VL1" }, nsd.Vnfs.Single().VirtualLinks);
        var l3 = nsd.VirtualLinks.Single().ProtocolData.Single().L3!;
        Assert.Equal(("ipv4", "10.10.0.0/24", (bool?)null), (l3.IpVersion, l3.Cidr, l3.DhcpEnabled));
        Assert.Equal(new IpAllocationPool("10.10.0.10", "10.10.0.99"), l3.IpAllocationPools.Single());
    }

    [Theory]
    [InlineData("- profile_element: FWD_FW_OUT", "- profile_element: [ VNF_FW, VDU9_extnet ]", "VNF_FW, VDU9", "nsd.unknown-vnf-cp", "VDU9_extnet")]
    [InlineData("- profile_element: FWD_LB_OUT", "- profile_element: FWD_NOPE", "FWD_NOPE", "nsd.unknown-node", "FWD_NOPE")]
    [InlineData("- nfp_position: POS_3", "- nfp_position: VL_web", "VL_web\n", "nsd.wrong-node-kind", "NfpPosition")]
    [InlineData("members: [ NFP_web, VNF_LB,", "members: [ NFP_web, VNF_XX, VNF_LB,", "VNF_XX", "nsd.group-unknown-member", "VNF_XX")]
    [InlineData("targets: [ NFP_web ]", "targets: [ VL_core ]", "VL_core ]", "nsd.wrong-node-kind", "NFP")]
    [InlineData("destination_port_range: [ 80, 80 ]", "destination_port_range: [ 90, 80 ]", "[ 90, 80 ]", "nsd.invalid-value", "port range")]
    [InlineData("forwarding_behaviour: lb", "forwarding_behaviour: random", "random", "nsd.invalid-value", "random")]
    public void Invalid_NSDs_are_rejected_with_the_fault_and_its_position(string from, string to, string at, string code, string messagePart)
    {
        var text = Text("web_chain_nsd.yaml");
        Assert.Contains(from, text);
        var bad = text.Replace(from, to, StringComparison.Ordinal);
        var r = ParseWebChain(bad);
        // The generic TOSCA validator may add its own view of the same fault (codes tosca.*); the NSD model names it precisely.
        var e = Assert.Single(r.Diagnostics.Errors(), d => d.Code.StartsWith("nsd.", StringComparison.Ordinal));
        Assert.Equal(code, e.Code);
        Assert.Equal("Definitions/web_chain_nsd.yaml", e.File);
        var token = at.TrimEnd('\n');
        var (line, col) = at.EndsWith('\n') ? PosOfLast(bad, token) : Pos(bad, token);
        Assert.Equal((line, col), (e.Line, e.Column));
        Assert.Contains(messagePart, e.Message);
    }

    private static (int, int) PosOfLast(string text, string token)
    {
        var lines = text.Split('\n');
        for (var i = lines.Length - 1; i >= 0; i--)
            if (lines[i].EndsWith(token, StringComparison.Ordinal)) return (i + 1, lines[i].Length - token.Length + 1);
        throw new InvalidOperationException(token);
    }

    [Fact]
    public void Groups_and_policies_outside_topology_template_are_an_error_not_silently_dropped()
    {
        // A common slip: "groups:" at column 1 instead of under topology_template. TOSCA 1.3 3.9 has no such keyname.
        var text = Text("web_chain_nsd.yaml");
        // The groups and policies blocks end the file: dedent them (and everything under them) to the top level.
        var at = text.IndexOf("\n  groups:\n", StringComparison.Ordinal);
        Assert.True(at > 0);
        var bad = text[..(at + 1)] + string.Join('\n', text[(at + 1)..].Split('\n').Select(l => l.StartsWith("  ", StringComparison.Ordinal) ? l[2..] : l));
        var r = ParseWebChain(bad);
        var e = Assert.Single(r.Diagnostics.Errors(), d => d.Message.Contains("'groups'", StringComparison.Ordinal));
        Assert.Equal(("Definitions/web_chain_nsd.yaml", Pos(bad, "groups:").Line, 1), (e.File, e.Line, e.Column));
        Assert.Contains("move it under topology_template", e.Message);

        var unknown = ParseWebChain(text + "\nx_vendor_notes: hello\n");
        Assert.False(unknown.HasErrors, string.Join("\n", unknown.Diagnostics));
        Assert.Contains(unknown.Diagnostics, d => d.Severity == Severity.Warning && d.Message.Contains("'x_vendor_notes' is not a TOSCA service template keyname"));
    }

    [Fact]
    public void Dependency_cycle_and_missing_NS_properties_are_errors()
    {
        var bad = Text("web_chain_nsd.yaml")
            .Replace("        - virtual_link_external2_1: FWD_LB_OUT\n", "        - virtual_link_external2_1: FWD_LB_OUT\n        - dependency: VNF_WEB\n", StringComparison.Ordinal)
            .Replace("        designer: Mano\n", "", StringComparison.Ordinal);
        var r = ParseWebChain(bad);
        Assert.Equal(["nsd.dependency-cycle", "nsd.missing-property"], r.Diagnostics.Errors().Select(d => d.Code).Where(c => c.StartsWith("nsd.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        var cycle = r.Diagnostics.Single(d => d.Code == "nsd.dependency-cycle");
        Assert.Contains("VNF_LB -> VNF_WEB -> VNF_FW -> VNF_LB", cycle.Message);
        var missing = r.Diagnostics.Single(d => d.Code == "nsd.missing-property");
        Assert.Contains("designer", missing.Message);
        Assert.Equal(Pos(bad, "descriptor_id: 5b1c"), (missing.Line, missing.Column)); // the NS node's properties
    }

    [Fact]
    public void A_template_without_an_NS_is_no_NSD()
    {
        var r = NsdParser.Parse(new Dictionary<string, byte[]> { ["a.yaml"] = Zip.Utf8("tosca_definitions_version: tosca_simple_yaml_1_3\ntopology_template:\n  node_templates: {}\n") }, "a.yaml");
        Assert.Contains(r.Diagnostics.Errors(), d => d.Code == "nsd.no-ns-node");
        Assert.Null(r.Nsd);
        Assert.True(NsdParser.IsNsdTemplate(Zip.Utf8(Text("web_chain_nsd.yaml"))));
        Assert.False(NsdParser.IsNsdTemplate(File.ReadAllBytes(Path.Combine(Corpus.Tacker("sample-vnf_packages_helloworld"), "Definitions", "helloworld3_top.vnfd.yaml"))));
    }
}
