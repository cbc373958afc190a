using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Mano.Tosca;
using Mano.VimAdapters;

namespace Mano.Nfvo;

// Service function chains (issue 6 items 5 and 7): the NSD's VNFFGs and NFPs (SOL001 6.x tosca.groups.nfv.VNFFG,
// tosca.nodes.nfv.NFP / NfpPosition / NfpPositionElement, tosca.policies.nfv.NfpRule) planned over the concrete ports of
// the NS's VNF instances, turned into VIM port chains (networking-sfc's model, IVimChainDriver), and traced for a flow.
// Pure code: no I/O, no clock. Every record here is JSON-serialisable (camelCase with the web defaults).

/// <summary>One port of a VNFC on one of the VNF's external CPs.</summary>
/// <param name="CpdId">The CP as the NSD names it: the VNF node's requirement (its VNFD's external CP, e.g. "VDU0_extnet").</param>
/// <param name="VnfcInstanceId">The VNFC (VDU instance) owning the port: a port pair needs ingress and egress on one VNFC.</param>
/// <param name="PortResourceId">The VIM's port id.</param>
public sealed record VnfCpPort(string CpdId, string VnfcInstanceId, string PortResourceId, string? IpAddress, string? MacAddress);

/// <summary>One VNF instance of the NS (of the NSD's VNF profile / node <paramref name="VnfProfileId"/>) with its CP ports, on <paramref name="VimId"/>.</summary>
public sealed record VnfChainPorts(string VnfProfileId, string VnfInstanceId, string VimId, IReadOnlyList<VnfCpPort> Ports);

/// <summary>A flow to trace. Null fields are unknown: a classifier that constrains such a field does not match.</summary>
/// <param name="Protocol">An IANA keyword (tcp, udp, icmp, sctp...) or number.</param>
public sealed record FlowFiveTuple(string? SourceIp, string? DestinationIp, string? Protocol, int? SourcePort, int? DestinationPort);

/// <summary>The chains of one NS instance: one path per NFP. <see cref="Problems"/> say what keeps a path from being realised.</summary>
public sealed record ChainPlan(string NsInstanceId, IReadOnlyList<ChainPlanPath> Paths, IReadOnlyList<string> Problems)
{
    public bool Succeeded => Problems.Count == 0;
}

/// <summary>
/// One NFP as a chain: the traffic its NfpRules classify goes through <see cref="Hops"/> in order.
/// <see cref="ChainKey"/> is "vnffg/nfp", the VIM chain's key. <see cref="VimId"/>: the VIM of every hop (a chain cannot
/// span VIMs); null when there is no hop. <see cref="Notes"/>: what the VIM cannot honour exactly (criteria it cannot
/// match, a forwarding behaviour it does not have), not fatal.
/// </summary>
public sealed record ChainPlanPath(string NsInstanceId, string ChainKey, string VnffgId, string NfpId, string? VimId, bool Symmetric,
    IReadOnlyList<ChainClassifier> Classifiers, IReadOnlyList<ChainHop> Hops, IReadOnlyList<string> Notes);

/// <summary>
/// A flow classifier from an NfpRule (SOL001 tosca.policies.nfv.NfpRule), for one logical source port (where the traffic
/// enters: the SAP- or VNF-side port of the NFP's first position, when known).
/// </summary>
public sealed record ChainClassifier(string Key, string NfpRuleId, string Ethertype, string? Protocol, string? SourceIpPrefix,
    string? DestinationIpPrefix, int? SourcePortRangeMin, int? SourcePortRangeMax, int? DestinationPortRangeMin, int? DestinationPortRangeMax,
    string? LogicalSourcePortId, string? LogicalDestinationPortId);

/// <summary>One hop: an NfpPosition over VNF CPs. Its port pairs share the load (every VNFC of every VNF instance of the position).</summary>
public sealed record ChainHop(int Order, string Key, string PositionId, string? ForwardingBehaviour, IReadOnlyList<ChainPortPair> PortPairs);

/// <summary>One VNFC in a hop: traffic enters at <see cref="IngressPortId"/> (CP <see cref="IngressCpdId"/>) and leaves at <see cref="EgressPortId"/>.</summary>
public sealed record ChainPortPair(string Key, string VnfProfileId, string VnfInstanceId, string VnfcInstanceId,
    string IngressCpdId, string EgressCpdId, string IngressPortId, string EgressPortId, string? IngressIpAddress, string? EgressIpAddress);

/// <summary>
/// The path of one flow through an NS's chains. <see cref="Prediction"/> is always true: which VNFC of a load-shared hop
/// takes the flow is decided by the VIM's data plane; the trace predicts it by a hash of the 5-tuple, as a load-sharing
/// VIM does. <see cref="MatchesPlan"/>: whether the VIM's actual chain is the planned one (<see cref="Differences"/> if not).
/// </summary>
public sealed record ChainTrace(FlowFiveTuple Flow, bool Matched, string? ChainKey, string? ClassifierKey, string? Direction,
    IReadOnlyList<ChainTraceHop> Hops, bool? MatchesPlan, IReadOnlyList<string> Differences, IReadOnlyList<string> Explanation)
{
    public bool Prediction => true;
}

/// <summary>One hop of a trace. <see cref="Source"/>: "vim" (from the VIM's actual port pair group) or "plan" (no such group in the VIM).</summary>
public sealed record ChainTraceHop(int Order, string HopKey, string PositionId, string? VnfProfileId, string? VnfInstanceId, string? VnfcInstanceId,
    string IngressPortId, string EgressPortId, string? PortPairId, int Candidates, string Source);

public static class ChainPlanner
{
    /// <summary>
    /// One ChainPlanPath per NFP of the NSD's VNFFGs: classifiers from NfpRules, ordered hops over the VNF instances' ports
    /// (port pairs for every VNFC of a scaled-out VNF: load sharing). Problems (a CP with no port, ...) are reported, not thrown.
    /// </summary>
    public static ChainPlan Plan(string nsInstanceId, Nsd nsd, IReadOnlyList<VnfChainPorts> vnfs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nsInstanceId);
        ArgumentNullException.ThrowIfNull(nsd);
        ArgumentNullException.ThrowIfNull(vnfs);
        var problems = new List<string>();
        var paths = new List<ChainPlanPath>();
        var nfps = nsd.Nfps.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var positions = nsd.NfpPositions.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var elements = nsd.NfpPositionElements.ToDictionary(e => e.Id, StringComparer.Ordinal);
        var byProfile = vnfs.GroupBy(v => v.VnfProfileId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        foreach (var vnffg in nsd.Vnffgs)
        {
            foreach (var nfpId in vnffg.NfpIds)
            {
                if (!nfps.TryGetValue(nfpId, out var nfp)) { problems.Add($"VNFFG '{vnffg.Id}': NFP '{nfpId}' is not in the NSD"); continue; }
                paths.Add(PlanPath(nsInstanceId, vnffg, nfp, positions, elements, byProfile, problems));
            }
        }

        // networking-sfc: a port belongs to one port pair only, so two paths cannot share a VNF CP.
        var shared = paths.SelectMany(p => p.Hops.SelectMany(h => h.PortPairs).SelectMany(pp => new[] { pp.IngressPortId, pp.EgressPortId }.Distinct()).Select(port => (port, p.ChainKey)))
            .GroupBy(x => x.port, StringComparer.Ordinal).Where(g => g.Select(x => x.ChainKey).Distinct().Count() > 1);
        foreach (var g in shared)
            problems.Add($"port '{g.Key}' is on the paths {string.Join(" and ", g.Select(x => x.ChainKey).Distinct().Select(k => $"'{k}'"))}: a VIM port can be in one port pair only");
        return new ChainPlan(nsInstanceId, paths, problems);
    }

    private static ChainPlanPath PlanPath(string nsInstanceId, Vnffg vnffg, Nfp nfp, Dictionary<string, NfpPosition> positions,
        Dictionary<string, NfpPositionElement> elements, Dictionary<string, List<VnfChainPorts>> byProfile, List<string> problems)
    {
        var chainKey = $"{vnffg.Id}/{nfp.Id}";
        var where = $"NFP '{nfp.Id}' of VNFFG '{vnffg.Id}'";
        var notes = new List<string>();
        var hops = new List<ChainHop>();
        var sourcePorts = new List<string>();
        var destinationPorts = new List<string>();
        var sourceSaps = new List<string>();

        for (var i = 0; i < nfp.PositionIds.Count; i++)
        {
            var positionId = nfp.PositionIds[i];
            if (!positions.TryGetValue(positionId, out var position)) { problems.Add($"{where}: position '{positionId}' is not in the NSD"); continue; }
            var refs = new List<(string ElementId, IReadOnlyList<NfpElementRef> Cps)>();
            foreach (var elementId in position.ElementIds)
            {
                if (elements.TryGetValue(elementId, out var e)) refs.Add((elementId, e.ProfileElements));
                else problems.Add($"{where}: position element '{elementId}' of '{positionId}' is not in the NSD");
            }
            var first = i == 0;
            var last = i == nfp.PositionIds.Count - 1;

            // SAPs: where traffic enters or leaves the NS. They carry no VNF port; only the ends of a path may be SAPs.
            var saps = refs.Where(r => r.Cps.Any(c => c.Kind == NfpElementKind.Sap)).ToList();
            if (saps.Count > 0)
            {
                if (first) sourceSaps.AddRange(saps.SelectMany(s => s.Cps).Select(c => c.NodeId));
                else if (!last) problems.Add($"{where}: position '{positionId}' is a SAP in the middle of the path; a SAP can only start or end it");
                refs = refs.Except(saps).ToList();
            }
            foreach (var r in refs.Where(r => r.Cps.Any(c => c.Kind is not (NfpElementKind.VnfCp or NfpElementKind.Forwarding) || c.VnfId is null)))
                problems.Add($"{where}: position element '{r.ElementId}' names no VNF CP (PNF and nested NS CPs cannot be chained by a VIM)");
            refs = refs.Where(r => r.Cps.All(c => c.Kind is NfpElementKind.VnfCp or NfpElementKind.Forwarding && c.VnfId is not null)).ToList();
            if (refs.Count == 0) continue;

            // A single-CP VNF position at an end of the path is an endpoint (the traffic's source or destination), not a hop.
            if ((first || last) && refs.All(r => r.Cps.Count == 1) && nfp.PositionIds.Count > 1)
            {
                foreach (var r in refs)
                {
                    var cp = r.Cps[0];
                    var ports = PortsOf(cp.VnfId!, cp.CpdId!, byProfile).ToList();
                    if (ports.Count == 0) problems.Add($"{where}: endpoint {cp.VnfId}/{cp.CpdId} of position '{positionId}' has no port (no VNF instance, or no port on that CP)");
                    (first ? sourcePorts : destinationPorts).AddRange(ports.Select(p => p.Port.PortResourceId));
                }
                continue;
            }

            if (position.ElementIds.Count > 1 && position.ForwardingBehaviour is not (null or "lb"))
                notes.Add($"position '{positionId}': forwarding_behaviour '{position.ForwardingBehaviour}' over {position.ElementIds.Count} elements is realised as load sharing (the VIM's only behaviour)");
            var pairs = new List<ChainPortPair>();
            foreach (var (elementId, cps) in refs)
            {
                var ingress = cps[0];
                var egress = cps.Count > 1 ? cps[1] : cps[0];
                if (ingress.VnfId != egress.VnfId)
                {
                    problems.Add($"{where}: position element '{elementId}' enters VNF '{ingress.VnfId}' and leaves VNF '{egress.VnfId}'; a hop is one VNF");
                    continue;
                }
                pairs.AddRange(PairsOf(where, positionId, ingress.VnfId!, ingress.CpdId!, egress.CpdId!, byProfile, problems));
            }
            hops.Add(new ChainHop(hops.Count + 1, positionId, positionId, position.ForwardingBehaviour, pairs));
        }

        if (hops.Count == 0) problems.Add($"{where}: no position goes through a VNF; a chain needs at least one hop");
        var vims = hops.SelectMany(h => h.PortPairs).Select(p => VimOf(p.VnfInstanceId, byProfile)).Distinct(StringComparer.Ordinal).ToList();
        if (vims.Count > 1)
            problems.Add($"{where}: its VNFs are on the VIMs {string.Join(", ", vims.Select(v => $"'{v}'"))}; a chain must stay on one VIM (place the chained VNFs together)");
        if (sourceSaps.Count > 0 && sourcePorts.Count == 0)
            notes.Add($"traffic enters at SAP {string.Join(", ", sourceSaps.Select(s => $"'{s}'"))}: the classifiers have no logical source port (VIMs whose SFC driver needs one match at the first hop's network instead)");

        var classifiers = Classifiers(nfp, sourcePorts, destinationPorts, notes, problems, where);
        return new ChainPlanPath(nsInstanceId, chainKey, vnffg.Id, nfp.Id, vims.Count == 1 ? vims[0] : null, nfp.Symmetric ?? false,
            classifiers, hops, notes);
    }

    private static string VimOf(string vnfInstanceId, Dictionary<string, List<VnfChainPorts>> byProfile) =>
        byProfile.Values.SelectMany(v => v).First(v => v.VnfInstanceId == vnfInstanceId).VimId;

    private static IEnumerable<(VnfChainPorts Vnf, VnfCpPort Port)> PortsOf(string profile, string cpdId, Dictionary<string, List<VnfChainPorts>> byProfile) =>
        byProfile.GetValueOrDefault(profile, []).OrderBy(v => v.VnfInstanceId, StringComparer.Ordinal)
            .SelectMany(v => v.Ports.Where(p => p.CpdId == cpdId).OrderBy(p => p.VnfcInstanceId, StringComparer.Ordinal).Select(p => (v, p)));

    /// <summary>One port pair per VNFC that has a port on both CPs, for every VNF instance of the profile.</summary>
    private static List<ChainPortPair> PairsOf(string where, string positionId, string profile, string ingressCp, string egressCp,
        Dictionary<string, List<VnfChainPorts>> byProfile, List<string> problems)
    {
        var pairs = new List<ChainPortPair>();
        var instances = byProfile.GetValueOrDefault(profile, []);
        if (instances.Count == 0)
        {
            problems.Add($"{where}: position '{positionId}' goes through VNF '{profile}', which has no VNF instance");
            return pairs;
        }
        foreach (var vnf in instances.OrderBy(v => v.VnfInstanceId, StringComparer.Ordinal))
        {
            var ins = vnf.Ports.Where(p => p.CpdId == ingressCp).ToList();
            var outs = vnf.Ports.Where(p => p.CpdId == egressCp).ToList();
            if (ins.Count == 0 || outs.Count == 0)
            {
                var missing = string.Join(" and ", new[] { ins.Count == 0 ? ingressCp : null, outs.Count == 0 && egressCp != ingressCp ? egressCp : null }.OfType<string>());
                problems.Add($"{where}: VNF instance '{vnf.VnfInstanceId}' ({profile}) has no port on CP {missing}");
                continue;
            }
            foreach (var vnfc in ins.Select(p => p.VnfcInstanceId).Union(outs.Select(p => p.VnfcInstanceId)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                var i = ins.Where(p => p.VnfcInstanceId == vnfc).ToList();
                var o = outs.Where(p => p.VnfcInstanceId == vnfc).ToList();
                if (i.Count == 0 || o.Count == 0)
                {
                    problems.Add($"{where}: VNFC '{vnfc}' of VNF instance '{vnf.VnfInstanceId}' ({profile}) has a port on {(i.Count == 0 ? egressCp : ingressCp)} but none on {(i.Count == 0 ? ingressCp : egressCp)}; a port pair needs ingress and egress on one VNFC");
                    continue;
                }
                if (i.Count > 1 || o.Count > 1)
                    problems.Add($"{where}: VNFC '{vnfc}' of VNF instance '{vnf.VnfInstanceId}' has several ports on one CP; the first is used");
                pairs.Add(new ChainPortPair($"{positionId}/{vnf.VnfInstanceId}/{vnfc}", profile, vnf.VnfInstanceId, vnfc, ingressCp, egressCp,
                    i[0].PortResourceId, o[0].PortResourceId, i[0].IpAddress, o[0].IpAddress));
            }
        }
        return pairs;
    }

    /// <summary>
    /// SOL001 NfpRule match criteria -> flow classifiers: ether_type, protocol, IP prefixes and port ranges map one to one;
    /// ether addresses, vlan_tag, dscp and extended_criteria have no networking-sfc equivalent and are noted as not enforced.
    /// One classifier per rule and logical source port. An NFP without rule classifies all IP traffic of its ethertype.
    /// </summary>
    private static List<ChainClassifier> Classifiers(Nfp nfp, List<string> sourcePorts, List<string> destinationPorts,
        List<string> notes, List<string> problems, string where)
    {
        var rules = nfp.Rules.Count > 0 ? nfp.Rules : [new NfpRule("any", [nfp.Id])];
        if (nfp.Rules.Count == 0) notes.Add("no NfpRule targets this NFP: every IPv4 packet entering the chain is classified into it");
        var result = new List<ChainClassifier>();
        var sources = sourcePorts.Count == 0 ? [null] : sourcePorts.Distinct(StringComparer.Ordinal).Select(p => (string?)p).ToList();
        string? destination = destinationPorts.Distinct(StringComparer.Ordinal).Count() == 1 ? destinationPorts[0] : null;
        if (destinationPorts.Distinct(StringComparer.Ordinal).Count() > 1)
            notes.Add("the path ends at several ports: the classifiers have no logical destination port");
        foreach (var rule in rules)
        {
            var ignored = new List<string>();
            if (rule.EtherSourceAddress is not null) ignored.Add("ether_source_address");
            if (rule.EtherDestinationAddress is not null) ignored.Add("ether_destination_address");
            if (rule.VlanTag.Count > 0) ignored.Add("vlan_tag");
            if (rule.Dscp is not null) ignored.Add("dscp");
            if (rule.ExtendedCriteria.Count > 0) ignored.Add("extended_criteria");
            if (ignored.Count > 0)
                notes.Add($"NfpRule '{rule.Id}': {string.Join(", ", ignored)} cannot be matched by the VIM's flow classifier and are not enforced (the chain takes a superset of the traffic)");
            var ethertype = rule.EtherType?.ToLowerInvariant() switch
            {
                null or "ipv4" => "IPv4",
                "ipv6" => "IPv6",
                var other => Fail($"ether_type '{other}' is not ipv4 or ipv6"),
            };
            var protocol = rule.Protocol?.ToLowerInvariant();
            if ((rule.SourcePortRange is not null || rule.DestinationPortRange is not null) && protocol is not ("tcp" or "udp" or "sctp"))
                problems.Add($"{where}: NfpRule '{rule.Id}' has port ranges but protocol '{rule.Protocol}': ports need tcp, udp or sctp");
            var n = 0;
            foreach (var source in sources)
            {
                n++;
                result.Add(new ChainClassifier(sources.Count == 1 ? rule.Id : $"{rule.Id}/{n}", rule.Id, ethertype, protocol,
                    rule.SourceIpAddressPrefix, rule.DestinationIpAddressPrefix,
                    rule.SourcePortRange?.Min, rule.SourcePortRange?.Max, rule.DestinationPortRange?.Min, rule.DestinationPortRange?.Max,
                    source, destination));
            }

            string Fail(string why)
            {
                problems.Add($"{where}: NfpRule '{rule.Id}': {why}");
                return "IPv4";
            }
        }
        return result;
    }

    /// <summary>The VIM request for one planned path (the owner is the NS instance; groups in hop order).</summary>
    public static PortChainPlan ToVim(string tenantId, ChainPlanPath path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(path);
        return new PortChainPlan(tenantId, path.NsInstanceId, path.ChainKey,
            path.Hops.Select(h => new PortPairGroupPlan(h.Key, h.PortPairs.Select(p => new PortPairPlan(p.Key, p.IngressPortId, p.EgressPortId)).ToList())).ToList(),
            path.Classifiers.Select(c => new FlowClassifierPlan(c.Key, c.Ethertype, c.Protocol, c.SourceIpPrefix, c.DestinationIpPrefix,
                c.SourcePortRangeMin, c.SourcePortRangeMax, c.DestinationPortRangeMin, c.DestinationPortRangeMax,
                c.LogicalSourcePortId, c.LogicalDestinationPortId)).ToList(),
            path.Symmetric, PortChainPlan.MplsCorrelation);
    }
}

public static class ChainTracer
{
    /// <summary>
    /// The hops a flow takes: which classifier matches, then per hop the VNF instance, VNFC and ports (from the VIM's actual
    /// chains when they hold the hop, else from the plan), and whether the VIM's chain matches the plan. A symmetric
    /// path also takes the reverse flow, through its hops backwards.
    /// </summary>
    public static ChainTrace Trace(ChainPlan plan, IReadOnlyList<VimPortChain> actual, FlowFiveTuple flow)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(flow);
        var explanation = new List<string>();
        foreach (var (direction, probe) in new[] { ("forward", flow), ("reverse", Reverse(flow)) })
        {
            foreach (var path in plan.Paths)
            {
                if (direction == "reverse" && !path.Symmetric) continue;
                foreach (var c in path.Classifiers)
                {
                    var why = Mismatch(c, probe);
                    if (why is not null)
                    {
                        if (direction == "forward") explanation.Add($"{path.ChainKey} classifier '{c.Key}': {why}");
                        continue;
                    }
                    explanation.Add($"{path.ChainKey} classifier '{c.Key}' matches the flow{(direction == "reverse" ? " in reverse (the path is symmetric)" : "")}");
                    return Follow(path, c, direction, actual, flow, explanation);
                }
            }
        }
        explanation.Insert(0, plan.Paths.Count == 0 ? "the NS has no chain" : $"no classifier of the NS's {plan.Paths.Count} chain(s) matches the flow: it is not steered into any chain");
        return new ChainTrace(flow, false, null, null, null, [], null, [], explanation);
    }

    private static ChainTrace Follow(ChainPlanPath path, ChainClassifier classifier, string direction, IReadOnlyList<VimPortChain> actual,
        FlowFiveTuple flow, List<string> explanation)
    {
        var differences = new List<string>();
        var chain = actual.FirstOrDefault(c => c.ChainKey == path.ChainKey && c.OwnerId == path.NsInstanceId);
        if (chain is null) differences.Add($"the VIM has no chain '{path.ChainKey}' for NS instance '{path.NsInstanceId}'");
        else Compare(path, chain, differences);

        var planned = path.Hops.SelectMany(h => h.PortPairs).ToList();
        var hops = new List<ChainTraceHop>();
        foreach (var hop in direction == "forward" ? path.Hops : path.Hops.Reverse())
        {
            var group = chain?.PortPairGroups.FirstOrDefault(g => g.Key == hop.Key);
            // The candidates a load-sharing VIM picks from: its actual group when it has one, else the plan's pairs.
            var candidates = group is not null
                ? group.PortPairs.Select(p => (Key: p.Key, p.IngressPortId, p.EgressPortId, Id: (string?)p.Id)).ToList()
                : hop.PortPairs.Select(p => (Key: p.Key, p.IngressPortId, p.EgressPortId, Id: (string?)null)).ToList();
            candidates = candidates.OrderBy(c => c.Key, StringComparer.Ordinal).ThenBy(c => c.IngressPortId, StringComparer.Ordinal).ToList();
            if (candidates.Count == 0)
            {
                explanation.Add($"hop {hop.Order} ('{hop.Key}') has no port pair: the flow cannot pass it");
                continue;
            }
            // Both directions of a connection hash alike (the forward 5-tuple): a symmetric chain keeps a connection on one VNFC.
            var pick = candidates[(int)(Hash(direction == "forward" ? flow : Reverse(flow), hop.Key) % (ulong)candidates.Count)];
            var known = planned.FirstOrDefault(p => p.IngressPortId == pick.IngressPortId && p.EgressPortId == pick.EgressPortId);
            // In reverse, traffic enters a service function at its egress port and leaves at its ingress port.
            var (inPort, outPort) = direction == "forward" ? (pick.IngressPortId, pick.EgressPortId) : (pick.EgressPortId, pick.IngressPortId);
            hops.Add(new ChainTraceHop(hops.Count + 1, hop.Key, hop.PositionId, known?.VnfProfileId, known?.VnfInstanceId, known?.VnfcInstanceId,
                inPort, outPort, pick.Id, candidates.Count, group is not null ? "vim" : "plan"));
        }
        if (hops.Any(h => h.Candidates > 1))
            explanation.Add("where a hop has several port pairs, the VNFC shown is a prediction: the VIM spreads flows by a hash of the 5-tuple");
        return new ChainTrace(flow, true, path.ChainKey, classifier.Key, direction, hops, differences.Count == 0, differences, explanation);
    }

    /// <summary>Missing or extra groups, pairs and classifiers of the VIM's chain against the plan.</summary>
    private static void Compare(ChainPlanPath path, VimPortChain chain, List<string> differences)
    {
        var plannedGroups = path.Hops.Select(h => h.Key).ToList();
        var actualGroups = chain.PortPairGroups.Select(g => g.Key).ToList();
        foreach (var missing in plannedGroups.Except(actualGroups)) differences.Add($"hop '{missing}' is missing in the VIM's chain");
        foreach (var extra in actualGroups.Except(plannedGroups)) differences.Add($"the VIM's chain has a port pair group '{extra}' the plan does not have");
        if (plannedGroups.Intersect(actualGroups).SequenceEqual(actualGroups.Intersect(plannedGroups)) is false)
            differences.Add($"the VIM's chain orders its hops {string.Join(", ", actualGroups)}; the plan orders them {string.Join(", ", plannedGroups)}");
        foreach (var hop in path.Hops)
        {
            var group = chain.PortPairGroups.FirstOrDefault(g => g.Key == hop.Key);
            if (group is null) continue;
            var want = hop.PortPairs.Select(p => (p.IngressPortId, p.EgressPortId)).ToHashSet();
            var have = group.PortPairs.Select(p => (p.IngressPortId, p.EgressPortId)).ToHashSet();
            foreach (var p in hop.PortPairs.Where(p => !have.Contains((p.IngressPortId, p.EgressPortId))))
                differences.Add($"hop '{hop.Key}': port pair of VNFC '{p.VnfcInstanceId}' (VNF instance '{p.VnfInstanceId}', ports {p.IngressPortId} -> {p.EgressPortId}) is missing in the VIM");
            foreach (var p in group.PortPairs.Where(p => !want.Contains((p.IngressPortId, p.EgressPortId))))
                differences.Add($"hop '{hop.Key}': the VIM has an extra port pair '{p.Id}' (ports {p.IngressPortId} -> {p.EgressPortId})");
        }
        var plannedClassifiers = path.Classifiers.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        var actualClassifiers = chain.FlowClassifiers.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var missing in plannedClassifiers.Except(actualClassifiers).Order(StringComparer.Ordinal)) differences.Add($"flow classifier '{missing}' is missing in the VIM");
        foreach (var extra in actualClassifiers.Except(plannedClassifiers).Order(StringComparer.Ordinal)) differences.Add($"the VIM has an extra flow classifier '{extra}'");
        if (chain.Symmetric != path.Symmetric) differences.Add($"the VIM's chain is {(chain.Symmetric ? "" : "not ")}symmetric; the plan's is {(path.Symmetric ? "" : "not ")}symmetric");
    }

    private static FlowFiveTuple Reverse(FlowFiveTuple f) => new(f.DestinationIp, f.SourceIp, f.Protocol, f.DestinationPort, f.SourcePort);

    /// <summary>Why the classifier does not take the flow, or null when it does.</summary>
    internal static string? Mismatch(ChainClassifier c, FlowFiveTuple f)
    {
        if (c.Protocol is not null)
        {
            if (f.Protocol is null) return $"it matches protocol {c.Protocol}; the flow's protocol is not given";
            if (ProtocolNumber(c.Protocol) != ProtocolNumber(f.Protocol)) return $"protocol {f.Protocol} is not {c.Protocol}";
        }
        if (c.SourceIpPrefix is not null && Outside("source", c.SourceIpPrefix, f.SourceIp, c.Ethertype) is { } s) return s;
        if (c.DestinationIpPrefix is not null && Outside("destination", c.DestinationIpPrefix, f.DestinationIp, c.Ethertype) is { } d) return d;
        var any = f.SourceIp ?? f.DestinationIp;
        if (c.SourceIpPrefix is null && c.DestinationIpPrefix is null && any is not null
            && IPAddress.TryParse(any, out var ip) && Family(c.Ethertype) != ip.AddressFamily)
            return $"the flow is not {c.Ethertype}";
        if (c.SourcePortRangeMin is { } smin && OutsideRange("source", smin, c.SourcePortRangeMax ?? smin, f.SourcePort) is { } sp) return sp;
        if (c.DestinationPortRangeMin is { } dmin && OutsideRange("destination", dmin, c.DestinationPortRangeMax ?? dmin, f.DestinationPort) is { } dp) return dp;
        return null;
    }

    private static string? OutsideRange(string which, int min, int max, int? port) =>
        port is null ? $"it matches {which} ports {min}-{max}; the flow's {which} port is not given"
        : port < min || port > max ? $"{which} port {port} is outside {min}-{max}" : null;

    private static AddressFamily Family(string ethertype) => ethertype == "IPv6" ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;

    private static string? Outside(string which, string prefix, string? address, string ethertype)
    {
        if (address is null) return $"it matches {which} {prefix}; the flow's {which} address is not given";
        if (!IPAddress.TryParse(address, out var ip)) return $"{which} address '{address}' is not an IP address";
        if (ip.AddressFamily != Family(ethertype)) return $"{which} address {address} is not {ethertype}";
        var slash = prefix.IndexOf('/', StringComparison.Ordinal);
        var network = IPAddress.Parse(slash < 0 ? prefix : prefix[..slash]);
        var bits = slash < 0 ? (network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128) : int.Parse(prefix[(slash + 1)..], CultureInfo.InvariantCulture);
        if (network.AddressFamily != ip.AddressFamily) return $"{which} address {address} is not in {prefix}";
        var a = ip.GetAddressBytes();
        var n = network.GetAddressBytes();
        for (var i = 0; i < bits; i++)
        {
            var mask = (byte)(0x80 >> (i % 8));
            if ((a[i / 8] & mask) != (n[i / 8] & mask)) return $"{which} address {address} is not in {prefix}";
        }
        return null;
    }

    /// <summary>IANA protocol numbers of the keywords chains use; other values compare as given.</summary>
    private static string ProtocolNumber(string protocol) => protocol.Trim().ToLowerInvariant() switch
    {
        "icmp" => "1",
        "tcp" => "6",
        "udp" => "17",
        "icmpv6" or "ipv6-icmp" => "58",
        "sctp" => "132",
        var other => other,
    };

    /// <summary>A stable hash (FNV-1a, 64 bit) of the 5-tuple and the hop: the same flow always takes the same VNFC, run after run.</summary>
    private static ulong Hash(FlowFiveTuple f, string hopKey)
    {
        var text = string.Join('|', f.SourceIp, f.DestinationIp, f.Protocol is null ? "" : ProtocolNumber(f.Protocol),
            f.SourcePort?.ToString(CultureInfo.InvariantCulture), f.DestinationPort?.ToString(CultureInfo.InvariantCulture), hopKey);
        var h = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            h ^= b;
            h *= 1099511628211UL;
        }
        return h;
    }
}
