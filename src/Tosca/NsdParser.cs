using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Mano.Tosca;

/// <summary>Result of parsing an NSD from its files.</summary>
public sealed record NsdParseResult(Nsd? Nsd, IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<string> NsdFilePaths)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}

/// <summary>SOL001 NSD parser over the files of an NSD package (path -> content).</summary>
public static class NsdParser
{
    /// <summary>Parses the NSD whose top-level template is <paramref name="entry"/>; never throws on bad input.</summary>
    public static NsdParseResult Parse(IReadOnlyDictionary<string, byte[]> files, string entry)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(entry);
        var diags = new DiagnosticBag();
        var (nsd, paths) = ParseCore(p => files.TryGetValue(p, out var b) ? b : null, entry, CsarLimits.Default, diags);
        return new NsdParseResult(nsd, diags.Items.ToList(), paths);
    }

    /// <summary>For the CSAR reader: true when the loaded entry template describes an NS (an NS node, or substitution of an NS type).</summary>
    public static bool IsNsdTemplate(byte[] entryYaml)
    {
        ArgumentNullException.ThrowIfNull(entryYaml);
        var text = System.Text.Encoding.UTF8.GetString(entryYaml);
        return System.Text.RegularExpressions.Regex.IsMatch(text, @"tosca\.nodes\.nfv\.NS\b|etsi_nfv_sol001_nsd_types");
    }

    internal static (Nsd? Nsd, IReadOnlyList<string> Paths) ParseCore(Func<string, byte[]?> read, string entry, CsarLimits limits, DiagnosticBag diags)
    {
        var loader = new ImportLoader(read, limits, diags);
        loader.Load(entry);
        if (loader.Files.Count == 0 || loader.Files[0].Path != entry)
        {
            if (loader.Files.Count == 0 && read(entry) is null)
                diags.Error(DiagnosticCodes.NsdEntryMissing, entry, 0, 0, $"NSD entry definitions '{entry}' is not in the package.");
            return (null, loader.Paths);
        }
        // Generic TOSCA validation (types, properties, requirements, functions), then the NSD model; where the model reports a
        // problem at the position the validator did, the model's more specific diagnostic stays (as VnfdParser.ParseCore does).
        var validation = new DiagnosticBag();
        if (loader.Set is { } set) TemplateValidator.Validate(set, p => read(p) is not null, validation);
        var model = new DiagnosticBag();
        var nsd = new NsdBuilder(loader.Files, model).Build();
        var taken = model.Items.Where(d => d.Severity == Severity.Error && d.Line > 0).Select(d => (d.File, d.Line, d.Column)).ToHashSet();
        foreach (var d in validation.Items)
            if (!(d.Severity == Severity.Error && taken.Contains((d.File, d.Line, d.Column)))) diags.Add(d);
        diags.AddRange(model.Items);
        return (nsd, loader.Paths);
    }
}

internal static class NsdTypes
{
    public const string Ns = "tosca.nodes.nfv.NS";
    public const string Vnf = "tosca.nodes.nfv.VNF";
    public const string Pnf = "tosca.nodes.nfv.PNF";
    public const string Sap = "tosca.nodes.nfv.Sap";
    public const string NsVirtualLink = "tosca.nodes.nfv.NsVirtualLink";
    public const string Forwarding = "tosca.nodes.nfv.Forwarding";
    public const string NfpPositionElement = "tosca.nodes.nfv.NfpPositionElement";
    public const string NfpPosition = "tosca.nodes.nfv.NfpPosition";
    public const string Nfp = "tosca.nodes.nfv.NFP";
    public const string Vnffg = "tosca.groups.nfv.VNFFG";
    public const string NfpRule = "tosca.policies.nfv.NfpRule";
    public const string NsInstantiationLevels = "tosca.policies.nfv.NsInstantiationLevels";
    public const string VnfToInstantiationLevelMapping = "tosca.policies.nfv.VnfToInstantiationLevelMapping";
    public const string VirtualLinkToInstantiationLevelMapping = "tosca.policies.nfv.VirtualLinkToInstantiationLevelMapping";
    public const string NsToInstantiationLevelMapping = "tosca.policies.nfv.NsToInstantiationLevelMapping";
    public const string NsScalingAspects = "tosca.policies.nfv.NsScalingAspects";
    public const string VnfToLevelMapping = "tosca.policies.nfv.VnfToLevelMapping";
    public const string VirtualLinkToLevelMapping = "tosca.policies.nfv.VirtualLinkToLevelMapping";
    public const string NsToLevelMapping = "tosca.policies.nfv.NsToLevelMapping";
    public const string NsAffinityRule = "tosca.policies.nfv.NsAffinityRule";
    public const string NsAntiAffinityRule = "tosca.policies.nfv.NsAntiAffinityRule";
}

internal enum NsNodeKind { Other, Ns, Vnf, Pnf, Sap, VirtualLink, Forwarding, PositionElement, Position, Nfp }

/// <summary>Builds the typed <see cref="Nsd"/> from the loaded files of an NSD.</summary>
internal sealed class NsdBuilder(IReadOnlyList<ToscaFile> files, DiagnosticBag diags)
{
    private readonly TypeRegistry _nodeTypes = new(files, "node_types");
    private readonly TypeRegistry _policyTypes = new(files, "policy_types");
    private readonly TypeRegistry _groupTypes = new(files, "group_types");

    private sealed record Node(string Name, YamlScalarNode NameNode, YamlNode Body, string? Type, NsNodeKind Kind, ToscaFile File);
    private sealed record Req(string Name, string? Target, string? Second, YamlNode? TargetNode);

    private NsNodeKind Classify(string? type)
    {
        foreach (var t in _nodeTypes.Chain(type))
            switch (t)
            {
                case NsdTypes.Ns: return NsNodeKind.Ns;
                case NsdTypes.Vnf: return NsNodeKind.Vnf;
                case NsdTypes.Pnf: return NsNodeKind.Pnf;
                case NsdTypes.Sap: return NsNodeKind.Sap;
                case NsdTypes.NsVirtualLink: return NsNodeKind.VirtualLink;
                case NsdTypes.Forwarding: return NsNodeKind.Forwarding;
                case NsdTypes.NfpPositionElement: return NsNodeKind.PositionElement;
                case NsdTypes.NfpPosition: return NsNodeKind.Position;
                case NsdTypes.Nfp: return NsNodeKind.Nfp;
            }
        return NsNodeKind.Other;
    }

    private static List<Req> Requirements(YamlNode body)
    {
        var list = new List<Req>();
        foreach (var item in body.Get("requirements").Items())
            foreach (var (name, _, value) in item.Entries())
            {
                // 'req: node', 'req: [ node, capability-or-requirement ]' or 'req: { node: n, capability: c }'
                YamlNode? target = value switch
                {
                    YamlSequenceNode s => s.Children.Count > 0 ? s.Children[0] : null,
                    YamlMappingNode => value.Get("node"),
                    _ => value,
                };
                var second = value switch
                {
                    YamlSequenceNode s => s.Children.Count > 1 ? s.Children[1].Str() : null,
                    YamlMappingNode => value.Get("capability").Str(),
                    _ => null,
                };
                list.Add(new Req(name, target.Str(), second, target ?? value));
            }
        return list;
    }

    public Nsd? Build()
    {
        var entry = files[0];
        var tt = entry.Root.Get("topology_template");
        var nodes = new List<Node>();
        foreach (var f in files)
            foreach (var (name, key, body) in f.Root.Get("topology_template", "node_templates").Entries())
            {
                var type = body.Get("type").Str();
                nodes.Add(new Node(name, key, body, type, Classify(type), f));
            }
        var byName = nodes.GroupBy(n => n.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        // The NS itself: the NS node whose type substitution_mappings names, else the entry's first NS node, else substitution_mappings.
        var sm = tt.Get("substitution_mappings");
        var smType = sm.Get("node_type").Str();
        var nsNodes = nodes.Where(n => n.Kind == NsNodeKind.Ns).ToList();
        var self = nsNodes.FirstOrDefault(n => smType is not null && n.Type == smType && n.File == entry)
                   ?? (smType is null ? nsNodes.FirstOrDefault(n => n.File == entry) : null);
        if (self is null && !(smType is not null && _nodeTypes.IsA(smType, NsdTypes.Ns)))
        {
            diags.Error(DiagnosticCodes.NsdNoNsNode, entry.Path, tt.Line(), tt.Col(),
                "The NSD has no tosca.nodes.nfv.NS node template and does not substitute a tosca.nodes.nfv.NS type.");
            return null;
        }
        var anchor = (YamlNode?)self?.Body.Get("properties") ?? self?.NameNode ?? sm ?? tt;
        var anchorFile = self?.File.Path ?? entry.Path;
        string Prop(string name)
        {
            var v = self?.Body.Get("properties", name).Str() ?? sm.Get("properties", name).Str()
                    ?? _nodeTypes.PropertyDefault(self?.Type ?? smType, name).Str();
            if (v is null)
                diags.Error(DiagnosticCodes.NsdMissingProperty, anchorFile, anchor.Line(), anchor.Col(), $"The NS has no {name} (a required property of tosca.nodes.nfv.NS).");
            return v ?? "";
        }
        var descriptorId = Prop("descriptor_id");
        var designer = Prop("designer");
        var version = Prop("version");
        var nsName = Prop("name");
        var invariantId = Prop("invariant_id");
        var flavourId = Prop("flavour_id");

        Dictionary<string, string> VirtualLinkReqs(Node n)
        {
            var d = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var r in Requirements(n.Body).Where(r => r.Name != "dependency"))
            {
                if (r.Target is null) continue;
                if (!byName.TryGetValue(r.Target, out var t))
                {
                    Unknown(n, r);
                    continue;
                }
                if (t.Kind == NsNodeKind.VirtualLink) d[r.Name] = r.Target;
            }
            return d;
        }

        // VNFs
        var vnfs = new List<NsVnfReference>();
        foreach (var n in nodes.Where(n => n.Kind == NsNodeKind.Vnf))
        {
            var p = n.Body.Get("properties");
            string? P(string name) => p.Get(name).Str() ?? _nodeTypes.PropertyDefault(n.Type, name).Str();
            var vnfdId = P("descriptor_id");
            var fl = P("flavour_id");
            if (vnfdId is null)
                diags.Error(DiagnosticCodes.NsdMissingProperty, n.File.Path, n.NameNode.Line(), n.NameNode.Col(), $"VNF '{n.Name}' has no descriptor_id (the vnfd_id of the VNFD it uses).");
            if (fl is null)
                diags.Error(DiagnosticCodes.NsdMissingProperty, n.File.Path, n.NameNode.Line(), n.NameNode.Col(), $"VNF '{n.Name}' has no flavour_id.");
            vnfs.Add(new NsVnfReference(n.Name, vnfdId ?? "", fl ?? "", P("descriptor_version"), P("provider"), P("product_name"), P("software_version"), VirtualLinkReqs(n))
            {
                Type = n.Type,
                VnfmInfo = (p.Get("vnfm_info") ?? _nodeTypes.PropertyDefault(n.Type, "vnfm_info")).Strings(),
                ExtCpRequirements = TypeRequirementNames(n.Type),
            });
        }
        var pnfs = nodes.Where(n => n.Kind == NsNodeKind.Pnf).Select(n =>
        {
            var p = n.Body.Get("properties");
            string? P(string name) => p.Get(name).Str() ?? _nodeTypes.PropertyDefault(n.Type, name).Str();
            if (P("descriptor_id") is null)
                diags.Error(DiagnosticCodes.NsdMissingProperty, n.File.Path, n.NameNode.Line(), n.NameNode.Col(), $"PNF '{n.Name}' has no descriptor_id (the pnfd_id of the PNFD it uses).");
            return new NsPnfReference(n.Name, P("descriptor_id") ?? "", P("provider"), P("version"), VirtualLinkReqs(n))
            { Name = P("name"), FunctionDescription = P("function_description") };
        }).ToList();
        var nested = nsNodes.Where(n => !ReferenceEquals(n, self) && !(self is null && n.Type == smType)).Select(n =>
        {
            var p = n.Body.Get("properties");
            string? P(string name) => p.Get(name).Str() ?? _nodeTypes.PropertyDefault(n.Type, name).Str();
            return new NestedNsReference(n.Name, P("descriptor_id") ?? "", P("flavour_id"), VirtualLinkReqs(n)) { Name = P("name") };
        }).ToList();
        var nestedIds = nested.Select(x => x.Id).ToHashSet(StringComparer.Ordinal);

        // Virtual links
        var vls = nodes.Where(n => n.Kind == NsNodeKind.VirtualLink).Select(n =>
        {
            var p = n.Body.Get("properties");
            var profile = p.Get("vl_profile");
            return new NsVirtualLinkDescriptor(n.Name, p.Get("description").Str(), p.Get("connectivity_type", "layer_protocols").Strings(),
                p.Get("connectivity_type", "flow_pattern").Str(), Bitrate(n.File, profile.Get("max_bitrate_requirements")), Bitrate(n.File, profile.Get("min_bitrate_requirements")),
                (profile.Get("virtual_link_protocol_data") ?? p.Get("virtual_link_protocol_data")).Items().Select(pd =>
                {
                    var l2 = pd.Get("l2_protocol_data");
                    var l3 = pd.Get("l3_protocol_data");
                    return new VirtualLinkProtocolData(pd.Get("associated_layer_protocol").Str(),
                        l2 is null ? null : new L2ProtocolData(l2.Get("name").Str(), l2.Get("network_type").Str(), VnfdBuilder.Bool(l2.Get("vlan_transparent")), Int(n.File, l2.Get("mtu"), "mtu") as int?, l2.Get("segmentation_id").Str()),
                        l3 is null ? null : new L3ProtocolData(l3.Get("name").Str(), l3.Get("ip_version").Str(), l3.Get("cidr").Str(),
                            l3.Get("ip_allocation_pools").Items().Select(a => new IpAllocationPool(a.Get("start_ip_address").Str(), a.Get("end_ip_address").Str())).ToList(),
                            l3.Get("gateway_ip").Str(), VnfdBuilder.Bool(l3.Get("dhcp_enabled")), l3.Get("ipv6_address_mode").Str()));
                }).ToList())
            {
                TestAccess = p.Get("test_access").Strings(),
                Qos = ToscaValue.From(profile.Get("qos")) as IReadOnlyDictionary<string, object?> ?? new Dictionary<string, object?>(),
                ServiceAvailabilityLevel = profile.Get("service_availability", "level").Str(),
            };
        }).ToList();

        // SAPs
        var saps = new List<NsSap>();
        foreach (var n in nodes.Where(n => n.Kind == NsNodeKind.Sap))
        {
            var reqs = Requirements(n.Body);
            string? vl = null, internalNode = null, internalCp = null;
            foreach (var r in reqs)
            {
                if (r.Target is null) continue;
                if (!byName.TryGetValue(r.Target, out var t)) { Unknown(n, r); continue; }
                if (r.Name is "external_virtual_link" or "virtual_link")
                {
                    if (t.Kind != NsNodeKind.VirtualLink) WrongKind(n, r, "an NsVirtualLink");
                    else vl = r.Target;
                }
                else if (r.Name == "internal_virtual_link")
                {
                    if (t.Kind is NsNodeKind.Vnf or NsNodeKind.Pnf or NsNodeKind.Ns) { internalNode = r.Target; internalCp = r.Second; CheckCp(n, r, t); }
                    else if (t.Kind == NsNodeKind.VirtualLink) vl ??= r.Target;
                    // SOL001 v2.7.1+: a SAP on a forwarding path is bound to a Forwarding node, which is on the NsVirtualLink.
                    else if (t.Kind == NsNodeKind.Forwarding) vl ??= Requirements(t.Body).FirstOrDefault(x => x.Name == "virtual_link")?.Target;
                    else WrongKind(n, r, "a VNF, PNF, nested NS or NsVirtualLink");
                }
            }
            var p = n.Body.Get("properties");
            saps.Add(new NsSap(n.Name, p.Get("description").Str(), p.Get("layer_protocols").Strings(), vl, internalNode, internalCp)
            {
                ProtocolData = p.Get("protocol").Items().Select(pr => new CpProtocolData(pr.Get("associated_layer_protocol").Str(), [])).ToList(),
            });
        }

        // Forwarding nodes: the VNF whose requirement targets the node gives the CP.
        var forwardings = new List<NsForwarding>();
        foreach (var n in nodes.Where(n => n.Kind == NsNodeKind.Forwarding))
        {
            string? vl = null;
            foreach (var r in Requirements(n.Body).Where(r => r.Name == "virtual_link" && r.Target is not null))
            {
                if (!byName.TryGetValue(r.Target!, out var t)) Unknown(n, r);
                else if (t.Kind != NsNodeKind.VirtualLink) WrongKind(n, r, "an NsVirtualLink");
                else vl = r.Target;
            }
            var owner = nodes.Where(v => v.Kind is NsNodeKind.Vnf or NsNodeKind.Pnf or NsNodeKind.Sap)
                .SelectMany(v => Requirements(v.Body).Where(r => r.Target == n.Name).Select(r => (v.Name, r.Name))).FirstOrDefault();
            var ownerIsSap = owner.Item1 is not null && byName[owner.Item1].Kind == NsNodeKind.Sap;
            forwardings.Add(new NsForwarding(n.Name, vl, ownerIsSap ? null : owner.Item1, ownerIsSap ? null : owner.Item2) { SapId = ownerIsSap ? owner.Item1 : null });
        }
        var fwdById = forwardings.ToDictionary(x => x.Id, StringComparer.Ordinal);

        // NfpPositionElements, NfpPositions, NFPs
        var elements = new List<NfpPositionElement>();
        foreach (var n in nodes.Where(n => n.Kind == NsNodeKind.PositionElement))
        {
            var refs = new List<NfpElementRef>();
            foreach (var r in Requirements(n.Body).Where(r => r.Name == "profile_element"))
            {
                if (r.Target is null) continue;
                if (!byName.TryGetValue(r.Target, out var t)) { Unknown(n, r); continue; }
                switch (t.Kind)
                {
                    case NsNodeKind.Sap: refs.Add(new NfpElementRef(t.Name, NfpElementKind.Sap, null, null)); break;
                    case NsNodeKind.Forwarding:
                        var fw = fwdById[t.Name];
                        refs.Add(fw.SapId is not null
                            ? new NfpElementRef(fw.SapId, NfpElementKind.Sap, null, null)
                            : new NfpElementRef(t.Name, NfpElementKind.Forwarding, fw.VnfId, fw.CpdId));
                        break;
                    case NsNodeKind.Vnf or NsNodeKind.Pnf or NsNodeKind.Ns:
                        if (r.Second is null)
                            diags.Error(DiagnosticCodes.NsdUnknownVnfCp, n.File.Path, r.TargetNode.Line(), r.TargetNode.Col(),
                                $"NfpPositionElement '{n.Name}': profile_element names {t.Kind} '{t.Name}' without the CP ([ {t.Name}, <cp> ]).");
                        else if (CheckCp(n, r, t))
                            refs.Add(new NfpElementRef(t.Name, t.Kind switch { NsNodeKind.Vnf => NfpElementKind.VnfCp, NsNodeKind.Pnf => NfpElementKind.PnfCp, _ => NfpElementKind.NestedNsCp },
                                t.Kind == NsNodeKind.Vnf ? t.Name : null, r.Second));
                        break;
                    default: WrongKind(n, r, "a Sap, a Forwarding node or a VNF/PNF CP"); break;
                }
            }
            if (refs.Count > 2)
                diags.Error(DiagnosticCodes.NsdInvalidValue, n.File.Path, n.NameNode.Line(), n.NameNode.Col(),
                    $"NfpPositionElement '{n.Name}' has {refs.Count} profile_element requirements; SOL001 allows one (ingress = egress) or two (ingress, egress).");
            elements.Add(new NfpPositionElement(n.Name, refs));
        }
        var elementById = elements.ToDictionary(e => e.Id, StringComparer.Ordinal);
        var positions = new List<NfpPosition>();
        foreach (var n in nodes.Where(n => n.Kind == NsNodeKind.Position))
        {
            var ids = new List<string>();
            foreach (var r in Requirements(n.Body).Where(r => r.Name == "element"))
            {
                if (r.Target is null) continue;
                if (!byName.TryGetValue(r.Target, out var t)) Unknown(n, r);
                else if (t.Kind != NsNodeKind.PositionElement) WrongKind(n, r, "an NfpPositionElement");
                else ids.Add(r.Target);
            }
            var fb = n.Body.Get("properties", "forwarding_behaviour");
            if (fb.Str() is { } fbv && fbv is not ("all" or "lb" or "ff"))
                diags.Error(DiagnosticCodes.NsdInvalidValue, n.File.Path, fb.Line(), fb.Col(), $"NfpPosition '{n.Name}': forwarding_behaviour '{fbv}' is not one of all, lb, ff.");
            positions.Add(new NfpPosition(n.Name, fb.Str(), ids));
        }
        var positionById = positions.ToDictionary(p => p.Id, StringComparer.Ordinal);

        // Policies
        var policies = Policies(tt);
        var groups = tt.Get("groups").Entries().ToList();
        var targetable = new HashSet<string>(byName.Keys, StringComparer.Ordinal);
        targetable.UnionWith(groups.Select(g => g.Key));
        foreach (var p in policies)
            foreach (var t in p.Body.Get("targets").Items())
                if (t.Str() is { } tn && !targetable.Contains(tn))
                    diags.Error(DiagnosticCodes.NsdPolicyUnknownTarget, entry.Path, t.Line(), t.Col(), $"Policy '{p.Name}' targets '{tn}', which is no node template or group of the NSD.");
        var used = new HashSet<Policy>();
        List<Policy> OfType(string type)
        {
            var l = policies.Where(p => _policyTypes.IsA(p.Type, type)).ToList();
            used.UnionWith(l);
            return l;
        }

        var rules = new List<NfpRule>();
        foreach (var p in OfType(NsdTypes.NfpRule))
        {
            foreach (var t in p.Body.Get("targets").Items())
                if (t.Str() is { } tn && byName.TryGetValue(tn, out var tnode) && tnode.Kind != NsNodeKind.Nfp)
                    diags.Error(DiagnosticCodes.NsdWrongNodeKind, entry.Path, t.Line(), t.Col(), $"NfpRule '{p.Name}' targets '{tn}', which is no tosca.nodes.nfv.NFP node.");
            var pr = p.Body.Get("properties");
            var etherType = pr.Get("ether_type");
            if (etherType.Str() is { } et && et is not ("ipv4" or "ipv6"))
                diags.Error(DiagnosticCodes.NsdInvalidValue, entry.Path, etherType.Line(), etherType.Col(), $"NfpRule '{p.Name}': ether_type '{et}' is not ipv4 or ipv6.");
            rules.Add(new NfpRule(p.Name, p.Body.Get("targets").Strings())
            {
                EtherDestinationAddress = pr.Get("ether_destination_address").Str(),
                EtherSourceAddress = pr.Get("ether_source_address").Str(),
                EtherType = etherType.Str(),
                VlanTag = pr.Get("vlan_tag").Strings(),
                Protocol = pr.Get("protocol").Str(),
                Dscp = pr.Get("dscp").Str(),
                SourcePortRange = Range(entry, p.Name, pr.Get("source_port_range")),
                DestinationPortRange = Range(entry, p.Name, pr.Get("destination_port_range")),
                SourceIpAddressPrefix = pr.Get("source_ip_address_prefix").Str(),
                DestinationIpAddressPrefix = pr.Get("destination_ip_address_prefix").Str(),
                ExtendedCriteria = pr.Get("extended_criteria").Items().Select(ToscaValue.From).ToList(),
            });
        }

        var nfps = new List<Nfp>();
        foreach (var n in nodes.Where(n => n.Kind == NsNodeKind.Nfp))
        {
            var ids = new List<string>();
            foreach (var r in Requirements(n.Body).Where(r => r.Name == "nfp_position"))
            {
                if (r.Target is null) continue;
                if (!byName.TryGetValue(r.Target, out var t)) Unknown(n, r);
                else if (t.Kind != NsNodeKind.Position) WrongKind(n, r, "an NfpPosition");
                else ids.Add(r.Target);
            }
            if (ids.Count == 0)
                diags.Error(DiagnosticCodes.NsdInvalidValue, n.File.Path, n.NameNode.Line(), n.NameNode.Col(), $"NFP '{n.Name}' has no nfp_position requirement (at least one is required).");
            var path = ids.SelectMany(id => positionById[id].ElementIds).SelectMany(e => elementById[e].ProfileElements).ToList();
            nfps.Add(new Nfp(n.Name, ids, rules.Where(r => r.Targets.Contains(n.Name)).ToList())
            {
                Path = path,
                Symmetric = VnfdBuilder.Bool(n.Body.Get("properties", "symmetric")),
            });
        }

        // VNFFGs
        var vnffgs = new List<Vnffg>();
        foreach (var (gid, _, g) in groups)
        {
            if (!_groupTypes.IsA(g.Get("type").Str(), NsdTypes.Vnffg)) continue;
            var members = new List<Node>();
            foreach (var m in g.Get("members").Items())
            {
                if (m.Str() is not { } mn) continue;
                if (!byName.TryGetValue(mn, out var node))
                    diags.Error(DiagnosticCodes.NsdGroupUnknownMember, entry.Path, m.Line(), m.Col(), $"VNFFG '{gid}' has member '{mn}', which is no node template of the NSD.");
                else if (node.Kind is not (NsNodeKind.Nfp or NsNodeKind.Vnf or NsNodeKind.Pnf or NsNodeKind.Ns or NsNodeKind.VirtualLink or NsNodeKind.PositionElement))
                    diags.Error(DiagnosticCodes.NsdWrongNodeKind, entry.Path, m.Line(), m.Col(),
                        $"VNFFG '{gid}' has member '{mn}' ({node.Type}); members are NFP, VNF, PNF, NS, NsVirtualLink and NfpPositionElement nodes.");
                else members.Add(node);
            }
            List<string> Of(NsNodeKind k) => members.Where(x => x.Kind == k).Select(x => x.Name).ToList();
            var nfpIds = Of(NsNodeKind.Nfp);
            var cps = nfps.Where(x => nfpIds.Contains(x.Id)).SelectMany(x => x.Path)
                .Select(e => e.Kind == NfpElementKind.Sap ? e.NodeId : $"{e.VnfId ?? e.NodeId}/{e.CpdId}").Distinct(StringComparer.Ordinal).ToList();
            vnffgs.Add(new Vnffg(gid, g.Get("properties", "description").Str() ?? g.Get("description").Str(), g.Get("members").Strings(),
                Of(NsNodeKind.Vnf), Of(NsNodeKind.Pnf), Of(NsNodeKind.Ns), Of(NsNodeKind.VirtualLink), nfpIds, Of(NsNodeKind.PositionElement), cps));
        }

        // Dependencies
        var deps = new List<NsDependency>();
        foreach (var n in nodes.Where(n => n.Kind is NsNodeKind.Vnf or NsNodeKind.Pnf or NsNodeKind.Ns))
            foreach (var r in Requirements(n.Body).Where(r => r.Name == "dependency" && r.Target is not null))
            {
                if (!byName.TryGetValue(r.Target!, out var t)) { Unknown(n, r); continue; }
                if (t.Kind is not (NsNodeKind.Vnf or NsNodeKind.Pnf or NsNodeKind.Ns)) { WrongKind(n, r, "a VNF, PNF or nested NS"); continue; }
                deps.Add(new NsDependency(n.Name, t.Name));
            }
        CheckCycles(entry, deps, byName);

        // Levels and scaling aspects (SOL001 v3.5.1+)
        var levels = new List<(string Id, string? Desc)>();
        string? defaultLevel = null;
        foreach (var p in OfType(NsdTypes.NsInstantiationLevels))
        {
            foreach (var (id, _, l) in p.Body.Get("properties", "ns_levels").Entries()) levels.Add((id, l.Get("description").Str()));
            var dl = p.Body.Get("properties", "default_level");
            defaultLevel = dl.Str() ?? defaultLevel;
            if (dl.Str() is { } d && levels.All(l => l.Id != d))
                diags.Error(DiagnosticCodes.NsdUnknownLevel, entry.Path, dl.Line(), dl.Col(), $"default_level '{d}' is not one of the NS levels ({string.Join(", ", levels.Select(l => l.Id))}).");
        }
        var levelIds = levels.Select(l => l.Id).ToHashSet(StringComparer.Ordinal);
        Dictionary<string, Dictionary<string, T>> PerLevel<T>(string type, string property, Func<YamlNode, T?> value) where T : class
        {
            var result = new Dictionary<string, Dictionary<string, T>>(StringComparer.Ordinal);
            foreach (var p in OfType(type))
                foreach (var (levelId, key, v) in p.Body.Get("properties", property).Entries())
                {
                    if (!levelIds.Contains(levelId))
                        diags.Error(DiagnosticCodes.NsdUnknownLevel, entry.Path, key.Line(), key.Col(), $"Policy '{p.Name}' names NS level '{levelId}', which NsInstantiationLevels does not define.");
                    if (value(v) is not { } x) continue;
                    if (!result.TryGetValue(levelId, out var per)) result[levelId] = per = new(StringComparer.Ordinal);
                    foreach (var t in p.Body.Get("targets").Strings()) per[t] = x;
                }
            return result;
        }
        var vnfPerLevel = PerLevel<object>(NsdTypes.VnfToInstantiationLevelMapping, "number_of_instances", v => Int(entry, v, "number_of_instances"));
        var nsPerLevel = PerLevel<object>(NsdTypes.NsToInstantiationLevelMapping, "number_of_instances", v => Int(entry, v, "number_of_instances"));
        var vlPerLevel = PerLevel<LinkBitrate>(NsdTypes.VirtualLinkToInstantiationLevelMapping, "bit_rate_requirements", v => Bitrate(entry, v));
        var nsLevels = levels.Select(l => new NsInstantiationLevel(l.Id, l.Desc,
            vnfPerLevel.TryGetValue(l.Id, out var a) ? a.ToDictionary(kv => kv.Key, kv => (int)kv.Value, StringComparer.Ordinal) : new Dictionary<string, int>(),
            vlPerLevel.TryGetValue(l.Id, out var b) ? b : new Dictionary<string, LinkBitrate>(),
            nsPerLevel.TryGetValue(l.Id, out var c) ? c.ToDictionary(kv => kv.Key, kv => (int)kv.Value, StringComparer.Ordinal) : new Dictionary<string, int>())).ToList();

        var aspects = new List<NsScalingAspect>();
        var aspectDefs = new List<(string Id, string? Name, string? Desc, Dictionary<int, string?> Levels)>();
        foreach (var p in OfType(NsdTypes.NsScalingAspects))
            foreach (var (id, _, a) in p.Body.Get("properties", "aspects").Entries())
            {
                var lv = new Dictionary<int, string?>();
                foreach (var (k, kn, v) in a.Get("ns_scale_levels").Entries())
                    if (int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out var i)) lv[i] = v.Get("description").Str();
                    else diags.Error(DiagnosticCodes.NsdInvalidValue, entry.Path, kn.Line(), kn.Col(), $"NS scaling aspect '{id}': scale level key '{k}' is not a non-negative integer.");
                aspectDefs.Add((id, a.Get("name").Str(), a.Get("description").Str(), lv));
            }
        Dictionary<string, Dictionary<string, Dictionary<int, T>>> PerAspect<T>(string type, string property, Func<YamlNode, T?> value) where T : class
        {
            var result = new Dictionary<string, Dictionary<string, Dictionary<int, T>>>(StringComparer.Ordinal);
            foreach (var p in OfType(type))
            {
                var an = p.Body.Get("properties", "aspect");
                var def = aspectDefs.FirstOrDefault(d => d.Id == an.Str());
                if (def.Id is null)
                {
                    diags.Error(DiagnosticCodes.NsdUnknownAspect, entry.Path, (an ?? p.NameNode).Line(), (an ?? p.NameNode).Col(), $"Policy '{p.Name}' names aspect '{an.Str()}', which no NsScalingAspects policy defines.");
                    continue;
                }
                if (!result.TryGetValue(def.Id, out var perTarget)) result[def.Id] = perTarget = new(StringComparer.Ordinal);
                foreach (var (k, kn, v) in p.Body.Get("properties", property).Entries())
                {
                    if (!int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out var level) || !def.Levels.ContainsKey(level))
                    {
                        diags.Error(DiagnosticCodes.NsdUnknownLevel, entry.Path, kn.Line(), kn.Col(), $"Policy '{p.Name}' names scale level '{k}', which aspect '{def.Id}' does not define.");
                        continue;
                    }
                    if (value(v) is not { } x) continue;
                    foreach (var t in p.Body.Get("targets").Strings())
                    {
                        if (!perTarget.TryGetValue(t, out var per)) perTarget[t] = per = new();
                        per[level] = x;
                    }
                }
            }
            return result;
        }
        var vnfPerAspect = PerAspect<object>(NsdTypes.VnfToLevelMapping, "number_of_instances", v => Int(entry, v, "number_of_instances"));
        var nsPerAspect = PerAspect<object>(NsdTypes.NsToLevelMapping, "number_of_instances", v => Int(entry, v, "number_of_instances"));
        var vlPerAspect = PerAspect<LinkBitrate>(NsdTypes.VirtualLinkToLevelMapping, "bit_rate_requirements", v => Bitrate(entry, v));
        static IReadOnlyDictionary<string, IReadOnlyDictionary<int, TOut>> Freeze<TIn, TOut>(Dictionary<string, Dictionary<string, Dictionary<int, TIn>>> d, string id, Func<TIn, TOut> conv) =>
            d.TryGetValue(id, out var per)
                ? per.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<int, TOut>)kv.Value.ToDictionary(x => x.Key, x => conv(x.Value)), StringComparer.Ordinal)
                : new Dictionary<string, IReadOnlyDictionary<int, TOut>>();
        foreach (var d in aspectDefs)
            aspects.Add(new NsScalingAspect(d.Id, d.Name, d.Desc, d.Levels,
                Freeze<object, int>(vnfPerAspect, d.Id, o => (int)o), Freeze<LinkBitrate, LinkBitrate>(vlPerAspect, d.Id, b => b), Freeze<object, int>(nsPerAspect, d.Id, o => (int)o)));

        var placement = OfType(NsdTypes.NsAffinityRule).Select(p => (p, true)).Concat(OfType(NsdTypes.NsAntiAffinityRule).Select(p => (p, false)))
            .Select(x => new NsPlacementRule(x.p.Name, x.Item2, x.p.Body.Get("properties", "scope").Str(), x.p.Body.Get("targets").Strings())).ToList();
        var others = policies.Where(p => !used.Contains(p))
            .Select(p => new OtherPolicy(p.Name, p.Type, p.Body.Get("targets").Strings(), ToscaValue.From(p.Body.Get("properties")) as IReadOnlyDictionary<string, object?> ?? new Dictionary<string, object?>())).ToList();

        var ops = new List<VnfLcmOperation>();
        if (self is not null)
            foreach (var (ifName, _, body) in self.Body.Get("interfaces").Entries())
                foreach (var (opName, _, op) in (body.Get("operations") ?? body).Entries())
                {
                    if (opName is "type" or "inputs" or "notifications" or "description" && body.Get("operations") is null) continue;
                    var impl = op is YamlScalarNode ? op.Str() : op.Get("implementation").Str() ?? op.Get("implementation", "primary").Str();
                    ops.Add(new VnfLcmOperation(ifName, opName, impl, [], null)
                    { Inputs = ToscaValue.From(op.Get("inputs")) as IReadOnlyDictionary<string, object?> ?? new Dictionary<string, object?>() });
                }

        _ = nestedIds;
        return new Nsd(descriptorId, designer, version, nsName, invariantId, flavourId, vnfs, pnfs, nested, vls, saps)
        {
            Description = entry.Root.Get("description").Str(),
            TemplateMetadata = entry.Root.Get("metadata").Entries().Where(e => e.Value.Str() is not null).ToDictionary(e => e.Key, e => e.Value.Str()!, StringComparer.Ordinal),
            Forwardings = forwardings,
            NfpPositionElements = elements,
            NfpPositions = positions,
            Nfps = nfps,
            Vnffgs = vnffgs,
            InstantiationLevels = nsLevels,
            DefaultInstantiationLevelId = defaultLevel is not null && levelIds.Contains(defaultLevel) ? defaultLevel : null,
            ScalingAspects = aspects,
            Dependencies = deps,
            PlacementRules = placement,
            LcmOperations = ops,
            OtherPolicies = others,
        };

        void Unknown(Node n, Req r) =>
            diags.Error(DiagnosticCodes.NsdUnknownNode, n.File.Path, r.TargetNode.Line(), r.TargetNode.Col(),
                $"Node '{n.Name}': requirement '{r.Name}' names '{r.Target}', which is no node template of the NSD.");
        void WrongKind(Node n, Req r, string expected) =>
            diags.Error(DiagnosticCodes.NsdWrongNodeKind, n.File.Path, r.TargetNode.Line(), r.TargetNode.Col(),
                $"Node '{n.Name}': requirement '{r.Name}' names '{r.Target}' ({byName[r.Target!].Type}), which is not {expected}.");
        bool CheckCp(Node n, Req r, Node target)
        {
            if (r.Second is null) return true;
            var known = TypeRequirementNames(target.Type).Concat(Requirements(target.Body).Select(x => x.Name)).ToHashSet(StringComparer.Ordinal);
            if (known.Contains(r.Second)) return true;
            diags.Error(DiagnosticCodes.NsdUnknownVnfCp, n.File.Path, r.TargetNode.Line(), r.TargetNode.Col(),
                $"Node '{n.Name}': requirement '{r.Name}' names CP '{r.Second}' of '{target.Name}', which has no such external CP (known: {string.Join(", ", known.Order(StringComparer.Ordinal))}).");
            return false;
        }
    }

    /// <summary>Requirement names of a node type and its ancestors defined in the NSD (a VNF type's requirements are its external CPs).</summary>
    private IReadOnlyList<string> TypeRequirementNames(string? type)
    {
        var names = new List<string>();
        foreach (var t in _nodeTypes.Chain(type))
            if (_nodeTypes.Find(t) is { } def)
                foreach (var item in def.Node.Get("requirements").Items())
                    foreach (var (name, _, _) in item.Entries())
                        if (name != "dependency" && !names.Contains(name)) names.Add(name);
        return names;
    }

    private void CheckCycles(ToscaFile entry, List<NsDependency> deps, Dictionary<string, Node> byName)
    {
        var graph = deps.GroupBy(d => d.DependentId).ToDictionary(g => g.Key, g => g.Select(d => d.DependsOnId).ToList(), StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var start in graph.Keys)
            if (Visit(start, []) is { } cycle)
            {
                var at = byName[cycle[0]].NameNode;
                diags.Error(DiagnosticCodes.NsdDependencyCycle, byName[cycle[0]].File.Path, at.Line(), at.Col(), $"Dependencies form a cycle: {string.Join(" -> ", cycle)}.");
                return;
            }

        List<string>? Visit(string n, List<string> stack)
        {
            if (state.TryGetValue(n, out var s))
                return s == 1 ? [.. stack.SkipWhile(x => x != n), n] : null;
            state[n] = 1;
            stack.Add(n);
            foreach (var m in graph.TryGetValue(n, out var l) ? l : [])
                if (Visit(m, stack) is { } c) return c;
            stack.RemoveAt(stack.Count - 1);
            state[n] = 2;
            return null;
        }
        _ = entry;
    }

    private sealed record Policy(string Name, YamlScalarNode NameNode, YamlNode Body, string? Type);

    private static List<Policy> Policies(YamlNode? tt)
    {
        var node = tt.Get("policies");
        IEnumerable<(string, YamlScalarNode, YamlNode)> entries = node is YamlSequenceNode ? node.Items().SelectMany(i => i.Entries()) : node.Entries();
        return entries.Select(e => new Policy(e.Item1, e.Item2, e.Item3, e.Item3.Get("type").Str())).ToList();
    }

    private (int, int)? Range(ToscaFile f, string policy, YamlNode? node)
    {
        if (node is null) return null;
        var items = node.Items().Select(i => i.Str()).ToList();
        if (items.Count == 2 && int.TryParse(items[0], NumberStyles.None, CultureInfo.InvariantCulture, out var a)
            && (int.TryParse(items[1], NumberStyles.None, CultureInfo.InvariantCulture, out var b) || items[1] == "UNBOUNDED" && (b = 65535) > 0)
            && a <= b && b <= 65535)
            return (a, b);
        diags.Error(DiagnosticCodes.NsdInvalidValue, f.Path, node.Line(), node.Col(), $"NfpRule '{policy}': a port range is [ min, max ] with 0 <= min <= max <= 65535.");
        return null;
    }

    private object? Int(ToscaFile f, YamlNode? node, string what)
    {
        var s = node.Str();
        if (s is null) return null;
        if (int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= 0) return v;
        diags.Error(DiagnosticCodes.NsdInvalidValue, f.Path, node.Line(), node.Col(), $"'{s}' is not a valid value for {what}.");
        return null;
    }

    private LinkBitrate? Bitrate(ToscaFile f, YamlNode? node)
    {
        if (node is not YamlMappingNode) return null;
        if (!long.TryParse(node.Get("root").Str(), NumberStyles.None, CultureInfo.InvariantCulture, out var root))
        {
            diags.Error(DiagnosticCodes.NsdInvalidValue, f.Path, node.Line(), node.Col(), "Bitrate requirements need an integer 'root' (bits per second).");
            return null;
        }
        return new LinkBitrate(root, long.TryParse(node.Get("leaf").Str(), NumberStyles.None, CultureInfo.InvariantCulture, out var leaf) ? leaf : null);
    }
}
