using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Mano.Tosca;

internal static class EtsiTypes
{
    public const string Vnf = "tosca.nodes.nfv.VNF";
    public const string VduCompute = "tosca.nodes.nfv.Vdu.Compute";
    public const string BlockStorage = "tosca.nodes.nfv.Vdu.VirtualBlockStorage";
    public const string ObjectStorage = "tosca.nodes.nfv.Vdu.VirtualObjectStorage";
    public const string FileStorage = "tosca.nodes.nfv.Vdu.VirtualFileStorage";
    public const string VduCp = "tosca.nodes.nfv.VduCp";
    public const string VirtualLink = "tosca.nodes.nfv.VnfVirtualLink";
    public const string ExtCp = "tosca.nodes.nfv.VnfExtCp";
    public const string SwImageArtifact = "tosca.artifacts.nfv.SwImage";
    public const string ScalingAspects = "tosca.policies.nfv.ScalingAspects";
    public const string VduInitialDelta = "tosca.policies.nfv.VduInitialDelta";
    public const string VduScalingAspectDeltas = "tosca.policies.nfv.VduScalingAspectDeltas";
    public const string InstantiationLevels = "tosca.policies.nfv.InstantiationLevels";
    public const string VduInstantiationLevels = "tosca.policies.nfv.VduInstantiationLevels";
    public const string VirtualLinkInstantiationLevels = "tosca.policies.nfv.VirtualLinkInstantiationLevels";
    public const string VirtualLinkBitrateScalingAspectDeltas = "tosca.policies.nfv.VirtualLinkBitrateScalingAspectDeltas";
    public const string AffinityRule = "tosca.policies.nfv.AffinityRule";
    public const string AntiAffinityRule = "tosca.policies.nfv.AntiAffinityRule";
    public const string SecurityGroupRule = "tosca.policies.nfv.SecurityGroupRule";
    public const string VnfIndicator = "tosca.policies.nfv.VnfIndicator";
    public const string PlacementGroup = "tosca.groups.nfv.PlacementGroup";
    public const string DeploymentArtifact = "tosca.artifacts.Deployment";
    public const string DeploymentImage = "tosca.artifacts.Deployment.Image";
}

internal sealed record VnfdTypeDef(string Name, string? DerivedFrom, YamlMappingNode Node, string File);

/// <summary>Type definitions of one kind (node_types, policy_types, ...) across all loaded files.</summary>
internal sealed class TypeRegistry
{
    private readonly Dictionary<string, VnfdTypeDef> _types = new(StringComparer.Ordinal);

    public TypeRegistry(IEnumerable<ToscaFile> files, string section)
    {
        foreach (var f in files)
            foreach (var (name, _, body) in f.Root.Get(section).Entries())
                if (body is YamlMappingNode m && !_types.ContainsKey(name))
                    _types[name] = new VnfdTypeDef(name, m.Get("derived_from").Str(), m, f.Path);
    }

    /// <summary>The type and its ancestors, nearest first. An undefined name ends the chain (ETSI built-in names are taken literally).</summary>
    public IEnumerable<string> Chain(string? type)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var t = type;
        while (t is not null && seen.Add(t))
        {
            yield return t;
            t = _types.TryGetValue(t, out var def) ? def.DerivedFrom : null;
        }
    }

    public bool IsA(string? type, string target) => Chain(type).Any(t => t == target);

    public bool Contains(string type) => _types.ContainsKey(type);

    public VnfdTypeDef? Find(string type) => _types.GetValueOrDefault(type);

    /// <summary>A type name is known when a loaded file defines it or it is a TOSCA normative / ETSI name (tosca.*), which are built in.</summary>
    public bool IsKnown(string? type) => type is not null && (type.StartsWith("tosca.", StringComparison.Ordinal) || _types.ContainsKey(type));

    public YamlNode? PropertyDefault(string? type, string property)
    {
        foreach (var t in Chain(type))
            if (_types.TryGetValue(t, out var def) && def.Node.Get("properties", property) is { } p && p.Get("default") is { } d)
                return d;
        return null;
    }
}

internal enum NodeKind { Other, Vnf, Vdu, BlockStorage, ObjectStorage, FileStorage, VduCp, VirtualLink, ExtCp }

internal sealed record NodeTemplate(string Name, YamlScalarNode NameNode, YamlNode Body, string? Type, NodeKind Kind, ToscaFile File);

internal sealed record Requirement(string Name, string? Target, YamlNode? TargetNode);

/// <summary>Builds the typed <see cref="Vnfd"/> from the loaded files, collecting every problem.</summary>
internal sealed class VnfdBuilder(IReadOnlyList<ToscaFile> files, IReadOnlySet<string>? packageFiles, DiagnosticBag diags)
{
    private readonly TypeRegistry _nodeTypes = new(files, "node_types");
    private readonly TypeRegistry _policyTypes = new(files, "policy_types");
    private readonly TypeRegistry _artifactTypes = new(files, "artifact_types");
    private readonly TypeRegistry _groupTypes = new(files, "group_types");

    // SOL001 6.8.1 (VNF node type): properties a VNFD states; a type default does not count as stated (see Build).
    private static readonly string[] ProductProperties = ["descriptor_id", "descriptor_version", "provider", "product_name", "software_version", "vnfm_info"];

    public Vnfd? Build()
    {
        var entry = files[0];
        CheckArtifactFiles();
        CheckSwImages();
        CheckUnknownTypes();

        // Deployment flavours: every template substituting tosca.nodes.nfv.VNF.
        var flavours = new List<VnfDeploymentFlavour>();
        var flavourVnfNodes = new List<NodeTemplate>();
        string? substitutedType = null;
        var topVnf = NodeTemplates(entry).FirstOrDefault(n => n.Kind == NodeKind.Vnf);
        var flavourCandidates = 0;
        foreach (var f in files)
        {
            var tt = f.Root.Get("topology_template");
            var sm = tt.Get("substitution_mappings");
            if (sm is not YamlMappingNode) continue;
            var nodeType = sm.Get("node_type").Str();
            // An undefined (non tosca.*) node_type is reported by CheckUnknownTypes; the template is still read as a flavour.
            if (!_nodeTypes.IsA(nodeType, EtsiTypes.Vnf) && _nodeTypes.IsKnown(nodeType)) continue;
            flavourCandidates++;
            substitutedType ??= nodeType;
            var fl = BuildFlavour(f, tt!, sm, nodeType, flavours, flavourVnfNodes, topVnf);
            if (fl is not null) flavours.Add(fl);
        }
        var entryTt = entry.Root.Get("topology_template");
        if (flavourCandidates == 0 && entryTt is not null && entryTt.Get("substitution_mappings") is null
            && NodeTemplates(entry).Any(n => n.Kind == NodeKind.Vdu))
        {
            flavourCandidates++;
            var fl = BuildFlavour(entry, entryTt, null, null, flavours, flavourVnfNodes, topVnf);
            if (fl is not null) flavours.Add(fl);
        }
        if (flavours.Count == 0)
            diags.Error(DiagnosticCodes.NoFlavour, entry.Path, entryTt.Line(), entryTt.Col(), flavourCandidates == 0
                ? "No deployment flavour: no topology template substitutes a tosca.nodes.nfv.VNF type (substitution_mappings.node_type), and the entry template has no VDU."
                : "No VNF deployment flavour is available: every flavour template was rejected (see the errors above).");

        // VNF product information (SOL001 6.8.1): the top template's VNF node, then the flavours' VNF nodes. The properties are
        // required on the VNF node template; a default of the VNF's type is used as the value only when a template states the
        // property through get_input, or to keep the model readable after the error below (Tacker: "VNF properties are mandatory").
        var sources = new List<NodeTemplate>();
        if (topVnf is not null) sources.Add(topVnf);
        sources.AddRange(flavourVnfNodes.Where(n => !ReferenceEquals(n, topVnf)));
        var vnfType = topVnf?.Type ?? substitutedType ?? flavourVnfNodes.FirstOrDefault()?.Type;
        var anchorNode = topVnf ?? flavourVnfNodes.FirstOrDefault();
        var anchor = (YamlNode?)anchorNode?.Body.Get("properties") ?? anchorNode?.NameNode;
        var anchorFile = anchorNode?.File.Path ?? entry.Path;

        YamlNode? Stated(string name)
        {
            foreach (var s in sources)
                if (s.Body.Get("properties", name) is { } v && !(v is YamlScalarNode && v.Str() is null))
                    return ResolveInput(s.File, v) ?? _nodeTypes.PropertyDefault(s.Type, name);
            return null;
        }
        var missing = new List<string>();
        YamlNode? Prop(string name)
        {
            var v = Stated(name);
            if (v is not null) return v;
            missing.Add(name);
            return _nodeTypes.PropertyDefault(vnfType, name);
        }
        var descriptorId = Prop("descriptor_id").Str();
        var descriptorIdMissing = missing.Count > 0;
        var descriptorVersion = Prop("descriptor_version").Str() ?? "";
        var provider = Prop("provider").Str() ?? "";
        var productName = Prop("product_name").Str() ?? "";
        var softwareVersion = Prop("software_version").Str() ?? "";
        var vnfmInfo = Prop("vnfm_info").Strings();
        if (descriptorIdMissing)
            diags.Error(DiagnosticCodes.MissingDescriptorId, anchorFile, anchor.Line(), anchor.Col(), descriptorId is null
                ? "The VNF has no descriptor_id: no tosca.nodes.nfv.VNF node template states it."
                : $"The VNF's descriptor_id is not stated by a tosca.nodes.nfv.VNF node template (only its type's default '{descriptorId}' exists); SOL001 requires the VNF node's properties.");
        var otherMissing = missing.Where(m => m != "descriptor_id").ToList();
        if (otherMissing.Count > 0)
            diags.Error(DiagnosticCodes.MissingProductInfo, anchorFile, anchor.Line(), anchor.Col(),
                $"VNF properties are mandatory: {string.Join(", ", otherMissing)} {(otherMissing.Count == 1 ? "is" : "are")} not stated by any tosca.nodes.nfv.VNF node template (a default of the VNF type does not count).");

        if (descriptorId is null) return null;
        string? Optional(string name) => Stated(name).Str();
        return new Vnfd(descriptorId, descriptorVersion, provider, productName, softwareVersion, vnfmInfo, flavours)
        {
            ProductInfoName = Optional("product_info_name"),
            ProductInfoDescription = Optional("product_info_description"),
            LocalizationLanguages = Stated("localization_languages").Strings(),
            DefaultLocalizationLanguage = Optional("default_localization_language"),
            Description = entry.Root.Get("description").Str(),
            TemplateMetadata = entry.Root.Get("metadata").Entries().Where(e => e.Value.Str() is not null)
                .ToDictionary(e => e.Key, e => e.Value.Str()!, StringComparer.Ordinal),
        };
    }

    /// <summary>A { get_input: name } value resolves to the input's default in that template; other values are returned as they are.</summary>
    private static YamlNode? ResolveInput(ToscaFile f, YamlNode v)
    {
        if (v is YamlMappingNode m && m.Children.Count == 1 && v.Get("get_input") is { } inputName)
            return f.Root.Get("topology_template", "inputs").Get(inputName.Str() ?? "").Get("default");
        return v;
    }

    // ---------------------------------------------------------------- node templates

    private NodeKind Classify(string? type)
    {
        foreach (var t in _nodeTypes.Chain(type))
        {
            switch (t)
            {
                case EtsiTypes.Vnf: return NodeKind.Vnf;
                case EtsiTypes.VduCompute: return NodeKind.Vdu;
                case EtsiTypes.BlockStorage: return NodeKind.BlockStorage;
                case EtsiTypes.ObjectStorage: return NodeKind.ObjectStorage;
                case EtsiTypes.FileStorage: return NodeKind.FileStorage;
                case EtsiTypes.VduCp: return NodeKind.VduCp;
                case EtsiTypes.VirtualLink: return NodeKind.VirtualLink;
                case EtsiTypes.ExtCp: return NodeKind.ExtCp;
            }
        }
        return NodeKind.Other;
    }

    private List<NodeTemplate> NodeTemplates(ToscaFile f)
    {
        var list = new List<NodeTemplate>();
        var sm = f.Root.Get("topology_template", "substitution_mappings");
        var smType = sm.Get("node_type").Str();
        foreach (var (name, keyNode, body) in f.Root.Get("topology_template", "node_templates").Entries())
        {
            var type = body.Get("type").Str();
            var kind = Classify(type);
            // A node of the (undefined) type the flavour substitutes is that flavour's VNF node.
            if (kind == NodeKind.Other && type is not null && type == smType && !_nodeTypes.IsKnown(type)) kind = NodeKind.Vnf;
            list.Add(new NodeTemplate(name, keyNode, body, type, kind, f));
        }
        return list;
    }

    private static List<Requirement> Requirements(YamlNode body)
    {
        var list = new List<Requirement>();
        foreach (var item in body.Get("requirements").Items())
            foreach (var (name, _, value) in item.Entries())
            {
                var targetNode = value is YamlMappingNode ? value.Get("node") : value;
                list.Add(new Requirement(name, targetNode.Str(), targetNode));
            }
        return list;
    }

    // ---------------------------------------------------------------- flavour

    private static YamlNode? FlavourIdOf(YamlNode? sm)
    {
        if (sm.Get("properties", "flavour_id") is { } p) return p;
        // TOSCA 1.3 substitution_filter: properties: [ { flavour_id: { equal: x } } ] or [ { flavour_id: [ { equal: x } ] } ]
        foreach (var item in sm.Get("substitution_filter", "properties").Items())
            if (item.Get("flavour_id") is { } c)
                return c is YamlScalarNode ? c : c.Get("equal") ?? c.Items().Select(i => i.Get("equal")).FirstOrDefault(e => e is not null);
        return null;
    }

    private VnfDeploymentFlavour? BuildFlavour(ToscaFile f, YamlNode tt, YamlNode? sm, string? smType,
        List<VnfDeploymentFlavour> existing, List<NodeTemplate> vnfNodes, NodeTemplate? topVnf)
    {
        var nodes = NodeTemplates(f);
        var byName = nodes.GroupBy(n => n.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var vnfNode = nodes.FirstOrDefault(n => n.Kind == NodeKind.Vnf);
        if (vnfNode is not null) vnfNodes.Add(vnfNode);

        // flavour_id (SOL001 6.9: substitution_mappings states the flavour_id; for a single-template VNFD, its VNF node does).
        var flavourIdNode = FlavourIdOf(sm);
        var flavourId = flavourIdNode.Str();
        if (flavourId is null && vnfNode?.Body.Get("properties", "flavour_id") is YamlScalarNode fs && fs.Str() is { } fromNode
            && (sm is null || !ReferenceEquals(vnfNode, topVnf)))
            flavourId = fromNode;
        if (flavourId is null)
        {
            var at = sm.Get("properties") ?? sm ?? (YamlNode?)vnfNode?.NameNode ?? tt;
            var byDefault = _nodeTypes.PropertyDefault(smType ?? vnfNode?.Type, "flavour_id").Str();
            diags.Error(DiagnosticCodes.MissingFlavourId, f.Path, at.Line(), at.Col(), sm is null
                ? "The VNFD has no flavour_id: it has no substitution_mappings, and no VNF node template of the entry template states one."
                : byDefault is null
                ? "Deployment flavour has no flavour_id: substitution_mappings.properties.flavour_id is not stated."
                : $"Deployment flavour has no flavour_id: substitution_mappings.properties.flavour_id is not stated (the VNF type's default '{byDefault}' does not identify a flavour); no VNF flavour is available from this template.");
            return null;
        }
        if (existing.Any(e => e.FlavourId == flavourId))
        {
            var at = flavourIdNode ?? sm ?? tt;
            diags.Error(DiagnosticCodes.DuplicateFlavour, f.Path, at.Line(), at.Col(), $"Deployment flavour '{flavourId}' is defined more than once.");
            return null;
        }
        var vnfProps = vnfNode?.Body.Get("properties");
        var description = vnfProps.Get("flavour_description").Str()
                          ?? _nodeTypes.PropertyDefault(smType ?? vnfNode?.Type, "flavour_description").Str();

        // Storages
        var storages = new List<VirtualStorage>();
        foreach (var n in nodes.Where(n => n.Kind is NodeKind.BlockStorage or NodeKind.ObjectStorage or NodeKind.FileStorage))
        {
            var props = n.Body.Get("properties");
            var (kind, data, sizeNode) = n.Kind switch
            {
                NodeKind.BlockStorage => ("block", props.Get("virtual_block_storage_data"), props.Get("virtual_block_storage_data", "size_of_storage")),
                NodeKind.ObjectStorage => ("object", props.Get("virtual_object_storage_data"), props.Get("virtual_object_storage_data", "max_size_of_storage")),
                _ => ("file", props.Get("virtual_file_storage_data"), props.Get("virtual_file_storage_data", "size_of_storage")),
            };
            var size = Size(f, sizeNode, "size_of_storage") ?? 0;
            storages.Add(new VirtualStorage(n.Name, kind, size, SwImageOf(n))
            {
                RdmaEnabled = Bool(data.Get("rdma_enabled")),
                FileSystemProtocol = data.Get("file_system_protocol").Str(),
                PerVnfcInstance = Bool(props.Get("per_vnfc_instance")),
                Artifacts = ArtifactsOf(n),
            });
        }
        var storageIds = storages.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);

        var vduNames = nodes.Where(n => n.Kind == NodeKind.Vdu).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var vlNames = nodes.Where(n => n.Kind == NodeKind.VirtualLink).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);

        // Virtual links
        var vls = new List<VnfVirtualLink>();
        foreach (var n in nodes.Where(n => n.Kind == NodeKind.VirtualLink))
        {
            var props = n.Body.Get("properties");
            var profile = props.Get("vl_profile");
            var protocolData = profile.Get("virtual_link_protocol_data").Items().Select(pd =>
            {
                var l2 = pd.Get("l2_protocol_data");
                var l3 = pd.Get("l3_protocol_data");
                return new VirtualLinkProtocolData(pd.Get("associated_layer_protocol").Str(),
                    l2 is null ? null : new L2ProtocolData(l2.Get("name").Str(), l2.Get("network_type").Str(), Bool(l2.Get("vlan_transparent")),
                        Int(f, l2.Get("mtu"), "mtu"), l2.Get("segmentation_id").Str()),
                    l3 is null ? null : new L3ProtocolData(l3.Get("name").Str(), l3.Get("ip_version").Str(), l3.Get("cidr").Str(),
                        l3.Get("ip_allocation_pools").Items().Select(p => new IpAllocationPool(p.Get("start_ip_address").Str(), p.Get("end_ip_address").Str())).ToList(),
                        l3.Get("gateway_ip").Str(), Bool(l3.Get("dhcp_enabled")), l3.Get("ipv6_address_mode").Str()));
            }).ToList();
            var firstL3 = protocolData.Select(p => p.L3).FirstOrDefault(l => l is not null);
            vls.Add(new VnfVirtualLink(n.Name, props.Get("description").Str(), props.Get("connectivity_type", "layer_protocols").Strings(), firstL3?.IpVersion, firstL3?.Cidr)
            {
                FlowPattern = props.Get("connectivity_type", "flow_pattern").Str(),
                MaxBitrate = Bitrate(f, profile.Get("max_bitrate_requirements")),
                MinBitrate = Bitrate(f, profile.Get("min_bitrate_requirements")),
                ProtocolData = protocolData,
                Qos = Map(profile.Get("qos")),
                TestAccess = props.Get("test_access").Strings(),
                MonitoringParameters = MonitoringParameters(props.Get("monitoring_parameters")),
            });
        }

        // VduCps
        var cps = new List<VduCp>();
        foreach (var n in nodes.Where(n => n.Kind == NodeKind.VduCp))
        {
            var reqs = Requirements(n.Body);
            var binding = reqs.FirstOrDefault(r => r.Name == "virtual_binding");
            if (binding?.Target is null || !vduNames.Contains(binding.Target))
            {
                var at = binding?.TargetNode ?? (YamlNode)n.NameNode;
                diags.Error(DiagnosticCodes.CpUnknownVdu, f.Path, at.Line(), at.Col(), binding?.Target is null
                    ? $"VduCp '{n.Name}' has no virtual_binding requirement naming a VDU."
                    : $"VduCp '{n.Name}': virtual_binding '{binding.Target}' names no tosca.nodes.nfv.Vdu.Compute node in this flavour.");
            }
            var link = reqs.FirstOrDefault(r => r.Name == "virtual_link");
            if (link?.Target is not null && !vlNames.Contains(link.Target))
                diags.Error(DiagnosticCodes.CpUnknownVirtualLink, f.Path, link.TargetNode.Line(), link.TargetNode.Col(),
                    $"VduCp '{n.Name}': virtual_link '{link.Target}' names no tosca.nodes.nfv.VnfVirtualLink node in this flavour.");
            var props = n.Body.Get("properties");
            cps.Add(new VduCp(n.Name, binding?.Target ?? "", link?.Target, Int(f, props.Get("order"), "order"), props.Get("layer_protocols").Strings())
            {
                Description = props.Get("description").Str(),
                Role = props.Get("role").Str(),
                ProtocolData = CpProtocol(f, props.Get("protocol")),
                TrunkMode = Bool(props.Get("trunk_mode")),
                BitrateRequirement = Long(f, props.Get("bitrate_requirement"), "bitrate_requirement"),
                VnicType = props.Get("vnic_type").Str(),
                VirtualNetworkInterfaceRequirements = props.Get("virtual_network_interface_requirements").Items().Select(ToscaValue.From).ToList(),
            });
        }

        // External CPs: substitution_mappings.requirements (VduCp re-exposure or VnfExtCp nodes), then unmapped VnfExtCp nodes.
        var extCps = new List<VnfExtCp>();
        foreach (var (reqName, reqKey, value) in sm.Get("requirements").Entries())
        {
            if (value is YamlSequenceNode { Children.Count: 0 } || (value is YamlScalarNode && value.Str() is null)) continue; // declared, not mapped
            var targetNode = value is YamlSequenceNode s && s.Children.Count > 0 ? s.Children[0] : value.Get("node") ?? (value as YamlScalarNode);
            var target = targetNode.Str();
            if (target is null || !byName.TryGetValue(target, out var node))
            {
                var at = targetNode ?? reqKey;
                // A warning, not an error: the flavour is still deployable, it just exposes no such external CP
                // (Tacker's own v2 userdata_standard_with_non_boot_volume sample has one; Tacker deploys it).
                diags.Warning(DiagnosticCodes.SubstitutionUnknownNode, f.Path, at.Line(), at.Col(),
                    $"substitution_mappings requirement '{reqName}' maps to '{target}', which is no node template of this flavour; the requirement is ignored.");
                continue;
            }
            var ext = ExtCpOf(f, node, reqName, vlNames);
            if (ext is not null) extCps.Add(ext);
            // Other mappings (e.g. a virtual_link_internal mapped to a VnfVirtualLink) are not external CPs.
        }
        foreach (var n in nodes.Where(n => n.Kind == NodeKind.ExtCp && extCps.All(e => e.CpdId != n.Name)))
        {
            // SOL001: a VnfExtCp node is an external CP of the VNF even when substitution_mappings does not expose it.
            diags.Warning(DiagnosticCodes.ExtCpNotMapped, f.Path, n.NameNode.Line(), n.NameNode.Col(),
                $"VnfExtCp '{n.Name}' is not mapped by substitution_mappings.requirements; the NFVO cannot connect it.");
            if (ExtCpOf(f, n, "", vlNames) is { } e) extCps.Add(e);
        }

        // Groups
        var placementGroups = new List<PlacementGroup>();
        var groupMembers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (gid, gkey, g) in tt.Get("groups").Entries())
        {
            var members = g.Get("members").Strings();
            groupMembers[gid] = members;
            foreach (var m in g.Get("members").Items())
                if (m.Str() is { } mn && !byName.ContainsKey(mn))
                    diags.Error(DiagnosticCodes.GroupUnknownMember, f.Path, m.Line(), m.Col(), $"Group '{gid}' has member '{mn}', which is no node template of this flavour.");
            if (_groupTypes.IsA(g.Get("type").Str(), EtsiTypes.PlacementGroup))
                placementGroups.Add(new PlacementGroup(gid, g.Get("properties", "description").Str() ?? g.Get("description").Str(), members));
        }

        // Policies
        var policies = Policies(tt);
        var allTargets = new HashSet<string>(byName.Keys, StringComparer.Ordinal);
        allTargets.UnionWith(groupMembers.Keys);
        foreach (var p in policies)
            foreach (var t in p.Body.Get("targets").Items())
                if (t.Str() is { } tn && !allTargets.Contains(tn))
                    diags.Error(DiagnosticCodes.PolicyUnknownTarget, f.Path, t.Line(), t.Col(), $"Policy '{p.Name}' targets '{tn}', which is no node template or group of this flavour.");
        var interpreted = new HashSet<Policy>();
        IEnumerable<Policy> OfType(string type)
        {
            foreach (var p in policies.Where(p => _policyTypes.IsA(p.Type, type))) { interpreted.Add(p); yield return p; }
        }

        // Scaling aspects
        var aspects = new List<(string Id, string? Name, string? Desc, int Max, IReadOnlyList<string> Steps)>();
        var vduDeltas = new Dictionary<string, Dictionary<string, Dictionary<string, int>>>(StringComparer.Ordinal);
        var vlDeltas = new Dictionary<string, Dictionary<string, Dictionary<string, LinkBitrate>>>(StringComparer.Ordinal);
        var aspectMax = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in OfType(EtsiTypes.ScalingAspects).ToList())
            foreach (var (id, _, a) in p.Body.Get("properties", "aspects").Entries())
            {
                var max = Int(f, a.Get("max_scale_level"), "max_scale_level") ?? 0;
                aspects.Add((id, a.Get("name").Str(), a.Get("description").Str(), max, a.Get("step_deltas").Strings()));
                vduDeltas[id] = new(StringComparer.Ordinal);
                vlDeltas[id] = new(StringComparer.Ordinal);
                aspectMax[id] = max;
            }
        foreach (var p in OfType(EtsiTypes.VduScalingAspectDeltas).ToList())
        {
            var aspectNode = p.Body.Get("properties", "aspect");
            var aspect = aspectNode.Str();
            if (aspect is null || !vduDeltas.TryGetValue(aspect, out var perVdu))
            {
                var at = aspectNode ?? p.NameNode;
                diags.Error(DiagnosticCodes.UnknownScalingAspect, f.Path, at.Line(), at.Col(), $"Policy '{p.Name}' names aspect '{aspect}', which no ScalingAspects policy defines.");
                continue;
            }
            var deltas = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (deltaId, _, d) in p.Body.Get("properties", "deltas").Entries())
                deltas[deltaId] = Int(f, d.Get("number_of_instances"), "number_of_instances") ?? 0;
            foreach (var t in p.Body.Get("targets").Strings())
            {
                if (!perVdu.TryGetValue(t, out var existingDeltas)) perVdu[t] = existingDeltas = new(StringComparer.Ordinal);
                foreach (var kv in deltas) existingDeltas[kv.Key] = kv.Value;
            }
        }
        foreach (var p in OfType(EtsiTypes.VirtualLinkBitrateScalingAspectDeltas).ToList())
        {
            var aspectNode = p.Body.Get("properties", "aspect");
            var aspect = aspectNode.Str();
            if (aspect is null || !vlDeltas.TryGetValue(aspect, out var perVl))
            {
                var at = aspectNode ?? p.NameNode;
                diags.Error(DiagnosticCodes.UnknownScalingAspect, f.Path, at.Line(), at.Col(), $"Policy '{p.Name}' names aspect '{aspect}', which no ScalingAspects policy defines.");
                continue;
            }
            var deltas = new Dictionary<string, LinkBitrate>(StringComparer.Ordinal);
            foreach (var (deltaId, _, d) in p.Body.Get("properties", "deltas").Entries())
                if (Bitrate(f, d.Get("bitrate_requirements")) is { } b) deltas[deltaId] = b;
            foreach (var t in p.Body.Get("targets").Strings())
            {
                if (!perVl.TryGetValue(t, out var e)) perVl[t] = e = new(StringComparer.Ordinal);
                foreach (var kv in deltas) e[kv.Key] = kv.Value;
            }
        }

        // Initial deltas
        var initialDelta = new Dictionary<string, (int N, YamlNode? At)>(StringComparer.Ordinal);
        foreach (var p in OfType(EtsiTypes.VduInitialDelta).ToList())
        {
            var nNode = p.Body.Get("properties", "initial_delta", "number_of_instances");
            var n = Int(f, nNode, "number_of_instances") ?? 1;
            foreach (var t in p.Body.Get("targets").Strings()) initialDelta[t] = (n, nNode ?? p.NameNode);
        }

        // Instantiation levels
        var levelDefs = new List<(string Id, string? Desc, Dictionary<string, int> Scale)>();
        string? defaultLevel = null;
        YamlNode? defaultLevelNode = null;
        foreach (var p in OfType(EtsiTypes.InstantiationLevels).ToList())
        {
            foreach (var (id, _, l) in p.Body.Get("properties", "levels").Entries())
            {
                var scale = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var (aspectId, aspectKey, si) in l.Get("scale_info").Entries())
                {
                    var levelNode = si.Get("scale_level");
                    var level = Int(f, levelNode, "scale_level") ?? 0;
                    if (!aspectMax.TryGetValue(aspectId, out var max))
                        diags.Error(DiagnosticCodes.UnknownScalingAspect, f.Path, aspectKey.Line(), aspectKey.Col(), $"Instantiation level '{id}' names aspect '{aspectId}', which no ScalingAspects policy defines.");
                    else if (level > max || level < 0)
                        diags.Error(DiagnosticCodes.ScaleLevelOutOfRange, f.Path, levelNode.Line(), levelNode.Col(),
                            $"Instantiation level '{id}': scale_level {level} of aspect '{aspectId}' is outside 0..max_scale_level ({max}).");
                    scale[aspectId] = level;
                }
                levelDefs.Add((id, l.Get("description").Str(), scale));
            }
            defaultLevelNode = p.Body.Get("properties", "default_level");
            defaultLevel = defaultLevelNode.Str() ?? defaultLevel;
        }
        var levelIds = levelDefs.Select(l => l.Id).ToHashSet(StringComparer.Ordinal);
        if (defaultLevel is not null && !levelIds.Contains(defaultLevel))
            diags.Error(DiagnosticCodes.UnknownDefaultLevel, f.Path, defaultLevelNode.Line(), defaultLevelNode.Col(),
                $"default_level '{defaultLevel}' is not one of the defined levels ({string.Join(", ", levelIds)}).");

        void UnknownLevel(Policy p, string levelId, YamlNode levelKey) =>
            diags.Error(DiagnosticCodes.UnknownInstantiationLevel, f.Path, levelKey.Line(), levelKey.Col(),
                $"Policy '{p.Name}' names level '{levelId}', which is not defined by an InstantiationLevels policy" +
                (levelIds.Count > 0 ? $" (defined: {string.Join(", ", levelIds)})." : " (there is none)."));

        var vduLevelInstances = new Dictionary<string, Dictionary<string, (int N, YamlNode? At)>>(StringComparer.Ordinal); // level -> vdu -> n
        foreach (var p in OfType(EtsiTypes.VduInstantiationLevels).ToList())
            foreach (var (levelId, levelKey, l) in p.Body.Get("properties", "levels").Entries())
            {
                if (!levelIds.Contains(levelId)) UnknownLevel(p, levelId, levelKey);
                var nNode = l.Get("number_of_instances");
                var n = Int(f, nNode, "number_of_instances") ?? 0;
                if (!vduLevelInstances.TryGetValue(levelId, out var perVdu)) vduLevelInstances[levelId] = perVdu = new(StringComparer.Ordinal);
                foreach (var t in p.Body.Get("targets").Strings()) perVdu[t] = (n, nNode ?? levelKey);
            }
        var vlLevelBitrates = new Dictionary<string, Dictionary<string, LinkBitrate>>(StringComparer.Ordinal); // level -> vl -> bitrate
        foreach (var p in OfType(EtsiTypes.VirtualLinkInstantiationLevels).ToList())
            foreach (var (levelId, levelKey, l) in p.Body.Get("properties", "levels").Entries())
            {
                if (!levelIds.Contains(levelId)) UnknownLevel(p, levelId, levelKey);
                if (Bitrate(f, l.Get("bitrate_requirements")) is not { } b) continue;
                if (!vlLevelBitrates.TryGetValue(levelId, out var perVl)) vlLevelBitrates[levelId] = perVl = new(StringComparer.Ordinal);
                foreach (var t in p.Body.Get("targets").Strings()) perVl[t] = b;
            }

        // VDUs
        var vdus = new List<Vdu>();
        foreach (var n in nodes.Where(n => n.Kind == NodeKind.Vdu))
            vdus.Add(BuildVdu(f, n, storageIds, initialDelta, vduLevelInstances));

        var levels = levelDefs.Select(l =>
        {
            var perVdu = new Dictionary<string, int>(StringComparer.Ordinal);
            vduLevelInstances.TryGetValue(l.Id, out var listed);
            foreach (var v in vdus)
                perVdu[v.Id] = listed is not null && listed.TryGetValue(v.Id, out var c) ? c.N : v.InitialDelta;
            return new InstantiationLevel(l.Id, l.Desc, perVdu, l.Scale)
            {
                VirtualLinkBitrates = vlLevelBitrates.TryGetValue(l.Id, out var b) ? b : new Dictionary<string, LinkBitrate>(),
            };
        }).ToList();

        var scalingAspects = aspects.Select(a => new ScalingAspect(a.Id, a.Name, a.Desc, a.Max, a.Steps,
            vduDeltas[a.Id].ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, int>)kv.Value, StringComparer.Ordinal))
        {
            VirtualLinkBitrateDeltas = vlDeltas[a.Id].ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, LinkBitrate>)kv.Value, StringComparer.Ordinal),
        }).ToList();

        // Placement, security, indicators
        var placementRules = new List<PlacementRule>();
        foreach (var (p, isAffinity) in OfType(EtsiTypes.AffinityRule).Select(p => (p, true)).Concat(OfType(EtsiTypes.AntiAffinityRule).Select(p => (p, false))).ToList())
        {
            var targets = p.Body.Get("targets").Strings();
            var expanded = targets.SelectMany(t => groupMembers.TryGetValue(t, out var m) ? m : [t]).Distinct(StringComparer.Ordinal).ToList();
            var scopeNode = p.Body.Get("properties", "scope");
            if (scopeNode.Str() is null)
                diags.Error(DiagnosticCodes.InvalidValue, f.Path, p.NameNode.Line(), p.NameNode.Col(), $"Placement policy '{p.Name}' has no scope (nfvi_node, zone, zone_group, nfvi_pop).");
            placementRules.Add(new PlacementRule(p.Name, isAffinity, scopeNode.Str(), targets,
                expanded.Where(vduNames.Contains).ToList(), expanded.Where(vlNames.Contains).ToList()));
        }
        var sgRules = OfType(EtsiTypes.SecurityGroupRule).ToList().Select(p =>
        {
            var pr = p.Body.Get("properties");
            return new SecurityGroupRule(p.Name, pr.Get("description").Str(), pr.Get("direction").Str() ?? "ingress", pr.Get("ether_type").Str() ?? "ipv4",
                pr.Get("protocol").Str() ?? "tcp", Int(f, pr.Get("port_range_min"), "port_range_min") ?? 0, Int(f, pr.Get("port_range_max"), "port_range_max") ?? 65535,
                p.Body.Get("targets").Strings());
        }).ToList();
        foreach (var r in sgRules.Where(r => r.PortRangeMin > r.PortRangeMax))
        {
            var p = policies.First(x => x.Name == r.Id);
            var at = p.Body.Get("properties", "port_range_min") ?? p.NameNode;
            diags.Error(DiagnosticCodes.InvalidValue, f.Path, at.Line(), at.Col(), $"Security group rule '{r.Id}': port_range_min {r.PortRangeMin} is greater than port_range_max {r.PortRangeMax}.");
        }
        var indicators = OfType(EtsiTypes.VnfIndicator).ToList().Select(p =>
        {
            var props = Map(p.Body.Get("properties"));
            return new VnfIndicator(p.Name, p.Body.Get("properties", "name").Str(), p.Body.Get("properties", "source").Str(), p.Body.Get("targets").Strings(),
                props.Where(kv => kv.Key is not ("name" or "source" or "description")).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal))
            { Description = p.Body.Get("properties", "description").Str() ?? p.Body.Get("description").Str() };
        }).ToList();
        var others = policies.Where(p => !interpreted.Contains(p) && !_policyTypes.IsA(p.Type, EtsiTypes.VduInitialDelta))
            .Select(p => new OtherPolicy(p.Name, p.Type, p.Body.Get("targets").Strings(), Map(p.Body.Get("properties")))).ToList();

        // LCM interfaces and artifacts of the VNF node (the flavour's, falling back to the top template's).
        var lcmSource = vnfNode is not null && vnfNode.Body.Get("interfaces") is YamlMappingNode ? vnfNode : topVnf;
        var vnfArtifacts = new List<Artifact>();
        if (vnfNode is not null) vnfArtifacts.AddRange(ArtifactsOf(vnfNode));
        if (topVnf is not null && !ReferenceEquals(topVnf, vnfNode))
            vnfArtifacts.AddRange(ArtifactsOf(topVnf).Where(a => vnfArtifacts.All(x => x.Name != a.Name)));
        var lcmOps = lcmSource is null ? [] : LcmOperations(lcmSource, vnfArtifacts);
        YamlNode? VnfProp(string name) => vnfProps.Get(name) ?? (topVnf is null ? null : topVnf.Body.Get("properties", name));
        var cfg = VnfProp("configurable_properties");

        return new VnfDeploymentFlavour(flavourId, description, vdus, storages, cps, vls, extCps, levels,
            defaultLevel is not null && levelIds.Contains(defaultLevel) ? defaultLevel : null, scalingAspects)
        {
            LcmOperations = lcmOps,
            VnfArtifacts = vnfArtifacts,
            LcmOperationsConfiguration = Map(VnfProp("lcm_operations_configuration")),
            MonitoringParameters = MonitoringParameters(VnfProp("monitoring_parameters")),
            ConfigurableProperties = cfg is YamlMappingNode
                ? new VnfConfigurableProperties(Bool(cfg.Get("is_autoscale_enabled")), Bool(cfg.Get("is_autoheal_enabled")), Map(cfg.Get("additional_configurable_properties")))
                : null,
            PlacementGroups = placementGroups,
            PlacementRules = placementRules,
            SecurityGroupRules = sgRules,
            Indicators = indicators,
            OtherPolicies = others,
        };
    }

    private VnfExtCp? ExtCpOf(ToscaFile f, NodeTemplate node, string reqName, HashSet<string> vlNames)
    {
        var props = node.Body.Get("properties");
        if (node.Kind == NodeKind.VduCp)
            return new VnfExtCp(node.Name, reqName, node.Name, null, props.Get("layer_protocols").Strings())
            {
                Description = props.Get("description").Str(), Role = props.Get("role").Str(),
                ProtocolData = CpProtocol(f, props.Get("protocol")), TrunkMode = Bool(props.Get("trunk_mode")),
            };
        if (node.Kind != NodeKind.ExtCp) return null;
        var reqs = Requirements(node.Body);
        var internalVl = reqs.FirstOrDefault(r => r.Name == "internal_virtual_link");
        if (internalVl?.Target is not null && !vlNames.Contains(internalVl.Target))
            diags.Error(DiagnosticCodes.CpUnknownVirtualLink, f.Path, internalVl.TargetNode.Line(), internalVl.TargetNode.Col(),
                $"VnfExtCp '{node.Name}': internal_virtual_link '{internalVl.Target}' names no tosca.nodes.nfv.VnfVirtualLink node in this flavour.");
        return new VnfExtCp(node.Name, reqName, null, internalVl?.Target, props.Get("layer_protocols").Strings())
        {
            ExternalVirtualLinkId = reqs.FirstOrDefault(r => r.Name == "external_virtual_link")?.Target,
            Description = props.Get("description").Str(), Role = props.Get("role").Str(),
            ProtocolData = CpProtocol(f, props.Get("protocol")), TrunkMode = Bool(props.Get("trunk_mode")),
        };
    }

    private Vdu BuildVdu(ToscaFile f, NodeTemplate n, HashSet<string> storageIds,
        Dictionary<string, (int N, YamlNode? At)> initialDelta, Dictionary<string, Dictionary<string, (int N, YamlNode? At)>> levelInstances)
    {
        var props = n.Body.Get("properties");
        var vc = n.Body.Get("capabilities", "virtual_compute", "properties");
        var memNode = vc.Get("virtual_memory", "virtual_mem_size");
        long? memMiB = null;
        if (memNode.Str() is { } memText)
        {
            if (ScalarUnit.TryParseVimSize(memText, 2, out var mib)) memMiB = mib;
            else InvalidValue(f, memNode, "virtual_mem_size", memText);
        }
        var local = new List<long>();
        foreach (var ls in vc.Get("virtual_local_storage").Items())
        {
            var sn = ls.Get("size_of_storage");
            if (sn.Str() is not { } st) continue;
            if (ScalarUnit.TryParseVimSize(st, 3, out var gib)) local.Add(gib);
            else InvalidValue(f, sn, "size_of_storage", st);
        }
        var storageReqs = new List<string>();
        foreach (var r in Requirements(n.Body).Where(r => r.Name == "virtual_storage"))
        {
            if (r.Target is null) continue;
            if (!storageIds.Contains(r.Target))
                diags.Error(DiagnosticCodes.VduUnknownStorage, f.Path, r.TargetNode.Line(), r.TargetNode.Col(),
                    $"VDU '{n.Name}': virtual_storage '{r.Target}' names no virtual storage node in this flavour.");
            storageReqs.Add(r.Target);
        }

        // vdu_profile (required by SOL001) and the instance bounds every count must respect.
        var profile = props.Get("vdu_profile");
        var minNode = profile.Get("min_number_of_instances");
        var maxNode = profile.Get("max_number_of_instances");
        var min = Int(f, minNode, "min_number_of_instances") ?? 1;
        var max = Int(f, maxNode, "max_number_of_instances") ?? 1;
        if (min < 0)
            diags.Error(DiagnosticCodes.InstanceBounds, f.Path, minNode.Line(), minNode.Col(), $"VDU '{n.Name}': min_number_of_instances {min} is negative.");
        if (max < min)
            diags.Error(DiagnosticCodes.InstanceBounds, f.Path, maxNode.Line(), maxNode.Col(),
                $"VDU '{n.Name}': max_number_of_instances {max} is less than min_number_of_instances {min}.");
        var delta = initialDelta.TryGetValue(n.Name, out var idl) ? idl.N : 1;
        if (initialDelta.ContainsKey(n.Name) && max >= min && (delta < min || delta > max))
            diags.Warning(DiagnosticCodes.InstancesOutsideBounds, f.Path, idl.At.Line(), idl.At.Col(),
                $"VDU '{n.Name}': initial_delta number_of_instances {delta} is outside min_number_of_instances..max_number_of_instances ({min}..{max}).");
        foreach (var (levelId, perVdu) in levelInstances)
            if (perVdu.TryGetValue(n.Name, out var li) && max >= min && (li.N < min || li.N > max))
                diags.Warning(DiagnosticCodes.InstancesOutsideBounds, f.Path, li.At.Line(), li.At.Col(),
                    $"VDU '{n.Name}': {li.N} instances at level '{levelId}' are outside min_number_of_instances..max_number_of_instances ({min}..{max}).");

        // boot_order: a list of descriptors (v2.6.1..v2.8.1) or a boolean meaning "the virtual_storage requirements, in order" (v3.3.1+).
        var bootNode = props.Get("boot_order");
        IReadOnlyList<string> bootOrder = bootNode is YamlSequenceNode ? bootNode.Strings()
            : Bool(bootNode) == true ? storageReqs : [];

        var ram = vc.Get("requested_additional_capabilities").Entries().Select(e => new RequestedAdditionalCapability(e.Key,
            e.Value.Get("requested_additional_capability_name").Str(), Bool(e.Value.Get("support_mandatory")),
            e.Value.Get("min_requested_additional_capability_version").Str(), e.Value.Get("preferred_requested_additional_capability_version").Str(),
            Map(e.Value.Get("target_performance_parameters")))).ToList();
        double? clock = null;
        if (vc.Get("virtual_cpu", "virtual_cpu_clock") is { } clockNode && clockNode.Str() is { } clockText)
        {
            if (ScalarUnit.TryParse("frequency", clockText, out var hz)) clock = hz / 1e6;
            else InvalidValue(f, clockNode, "virtual_cpu_clock", clockText);
        }
        var requirements = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (vc.Get("virtual_memory", "vdu_mem_requirements") is { } memReq) requirements["vdu_mem_requirements"] = ToscaValue.From(memReq);
        if (vc.Get("virtual_cpu", "vdu_cpu_requirements") is { } cpuReq) requirements["vdu_cpu_requirements"] = ToscaValue.From(cpuReq);
        if (vc.Get("logical_node") is { } logical) requirements["logical_node"] = ToscaValue.From(logical);
        if (vc.Get("compute_requirements") is { } compute) requirements["compute_requirements"] = ToscaValue.From(compute);

        return new Vdu(n.Name, props.Get("name").Str() ?? n.Name, props.Get("description").Str(), min, max, delta,
            Int(f, vc.Get("virtual_cpu", "num_virtual_cpu"), "num_virtual_cpu"), memMiB, local, SwImageOf(n), storageReqs)
        {
            BootOrder = bootOrder,
            RequestedAdditionalCapabilities = ram,
            CpuArchitecture = vc.Get("virtual_cpu", "cpu_architecture").Str(),
            VirtualCpuClockMHz = clock,
            CpuPinningPolicy = vc.Get("virtual_cpu", "virtual_cpu_pinning", "virtual_cpu_pinning_policy").Str(),
            ComputeRequirements = requirements,
            Artifacts = ArtifactsOf(n),
            MonitoringParameters = MonitoringParameters(props.Get("monitoring_parameters")),
            NfviConstraints = props.Get("nfvi_constraints") is YamlMappingNode nc
                ? nc.Entries().Select(e => $"{e.Key}={e.Value.Str()}").ToList() : props.Get("nfvi_constraints").Strings(),
        };
    }

    private sealed record Policy(string Name, YamlScalarNode NameNode, YamlNode Body, string? Type);

    private static List<Policy> Policies(YamlNode tt)
    {
        var list = new List<Policy>();
        var node = tt.Get("policies");
        IEnumerable<(string, YamlScalarNode, YamlNode)> entries = node is YamlSequenceNode
            ? node.Items().SelectMany(i => i.Entries())
            : node.Entries();
        foreach (var (name, key, body) in entries)
            list.Add(new Policy(name, key, body, body.Get("type").Str()));
        return list;
    }

    // ---------------------------------------------------------------- interfaces

    private List<VnfLcmOperation> LcmOperations(NodeTemplate vnf, List<Artifact> artifacts)
    {
        var ops = new List<VnfLcmOperation>();
        foreach (var (ifName, _, body) in vnf.Body.Get("interfaces").Entries())
        {
            // TOSCA 1.3 puts operations under 'operations'; TOSCA 1.2 lists them directly next to 'type' and 'inputs'.
            var opsNode = body.Get("operations") ?? body;
            foreach (var (opName, opKey, op) in opsNode.Entries())
            {
                if (ReferenceEquals(opsNode, body) && opName is "type" or "inputs" or "notifications" or "description") continue;
                var implNode = op is YamlScalarNode ? op : op.Get("implementation");
                string? impl;
                IReadOnlyList<string> deps = [];
                YamlNode? primaryNode;
                if (implNode is YamlMappingNode)
                {
                    primaryNode = implNode.Get("primary");
                    impl = primaryNode.Str() ?? primaryNode.Get("file").Str();
                    deps = implNode.Get("dependencies").Items().Select(d => d.Str() ?? d.Get("file").Str()).OfType<string>().ToList();
                }
                else { primaryNode = implNode; impl = implNode.Str(); }
                Artifact? Find(string name) => artifacts.FirstOrDefault(a => a.Name == name);
                var primary = impl is null ? null : Find(impl);
                if (impl is not null && primary is null && !LooksLikeFile(impl))
                    diags.Error(DiagnosticCodes.InterfaceUnknownArtifact, vnf.File.Path, primaryNode.Line(), primaryNode.Col(),
                        $"Interface '{ifName}' operation '{opName}' of node '{vnf.Name}': implementation '{impl}' names no artifact of the node.");
                foreach (var d in deps.Where(d => Find(d) is null && !LooksLikeFile(d)))
                {
                    var at = implNode.Get("dependencies").Items().FirstOrDefault(x => x.Str() == d) ?? implNode;
                    diags.Error(DiagnosticCodes.InterfaceUnknownArtifact, vnf.File.Path, at.Line(), at.Col(),
                        $"Interface '{ifName}' operation '{opName}' of node '{vnf.Name}': dependency '{d}' names no artifact of the node.");
                }
                if (primary is not null && primary.File is null)
                    diags.Error(DiagnosticCodes.ArtifactNoFile, vnf.File.Path, primaryNode.Line(), primaryNode.Col(),
                        $"Interface '{ifName}' operation '{opName}' of node '{vnf.Name}': artifact '{impl}' has no file.");
                ops.Add(new VnfLcmOperation(ifName, opName, impl, deps, primary)
                {
                    Inputs = Map(op.Get("inputs")),
                    Description = op.Get("description").Str(),
                    DependencyArtifacts = deps.Select(Find).OfType<Artifact>().ToList(),
                });
                _ = opKey;
            }
        }
        return ops;
    }

    private static bool LooksLikeFile(string s) => s.Contains('/') || s.Contains('.');

    // ---------------------------------------------------------------- images & artifacts

    private bool IsSwImageArtifact(NodeTemplate n, YamlNode a) =>
        a is YamlScalarNode
            // Short notation on a VDU or a virtual storage: its one artifact is the software image (Tacker reads it so).
            ? n.Kind is NodeKind.Vdu or NodeKind.BlockStorage or NodeKind.ObjectStorage or NodeKind.FileStorage
            : _artifactTypes.IsA(a.Get("type").Str(), EtsiTypes.SwImageArtifact);

    private List<Artifact> ArtifactsOf(NodeTemplate n)
    {
        var list = new List<Artifact>();
        foreach (var (name, _, a) in n.Body.Get("artifacts").Entries())
        {
            var file = a is YamlScalarNode ? a.Str() : a.Get("file").Str();
            var resolved = file is null ? null : PackagePath.IsRemote(file) ? file : PackagePath.Resolve(PackagePath.Directory(n.File.Path), file) ?? file;
            var type = a is YamlScalarNode ? null : a.Get("type").Str();
            var isImage = IsSwImageArtifact(n, a);
            var isK8s = !isImage && ((_artifactTypes.IsA(type, EtsiTypes.DeploymentArtifact) && !_artifactTypes.IsA(type, EtsiTypes.DeploymentImage))
                                     || (type is not null && type.Contains("Helm", StringComparison.OrdinalIgnoreCase))
                                     || (file is not null && file.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) && file.Contains("kubernetes", StringComparison.OrdinalIgnoreCase)));
            list.Add(new Artifact(name, type ?? (isImage ? EtsiTypes.SwImageArtifact : null), resolved, a.Get("description").Str(), a.Get("deploy_path").Str())
            {
                Properties = Map(a.Get("properties")),
                ShortNotation = a is YamlScalarNode,
                IsSwImage = isImage,
                IsKubernetesDeployment = isK8s,
            });
        }
        return list;
    }

    private SwImage? SwImageOf(NodeTemplate n)
    {
        var d = n.Body.Get("properties", "sw_image_data");
        var artifact = ArtifactsOf(n).FirstOrDefault(a => a.IsSwImage && a.File is not null)?.File;
        if (d is not YamlMappingNode) return null;
        var checksum = d.Get("checksum");
        var (alg, hash) = checksum is YamlScalarNode ? (null, checksum.Str()) : (checksum.Get("algorithm").Str(), checksum.Get("hash").Str());
        return new SwImage(d.Get("name").Str() ?? n.Name, d.Get("version").Str() ?? "", alg, hash,
            d.Get("container_format").Str(), d.Get("disk_format").Str(),
            Size(n.File, d.Get("min_disk"), "min_disk"), Size(n.File, d.Get("min_ram"), "min_ram"), Size(n.File, d.Get("size"), "size"),
            artifact);
    }

    /// <summary>
    /// SOL001 6.8.x: a VDU or virtual storage with a tosca.artifacts.nfv.SwImage artifact describes that image in sw_image_data, and has
    /// at most one such artifact. Checked in every template, whether or not it forms a flavour.
    /// </summary>
    private void CheckSwImages()
    {
        foreach (var f in files)
            foreach (var n in NodeTemplates(f).Where(n => n.Kind is NodeKind.Vdu or NodeKind.BlockStorage or NodeKind.ObjectStorage or NodeKind.FileStorage))
            {
                if (n.Kind == NodeKind.Vdu && n.Body.Get("properties", "vdu_profile") is null)
                    diags.Warning(DiagnosticCodes.VduProfileMissing, f.Path, n.NameNode.Line(), n.NameNode.Col(),
                        $"VDU '{n.Name}' has no vdu_profile (min_number_of_instances, max_number_of_instances), which SOL001 requires; 1..1 instance is assumed.");
                var images = n.Body.Get("artifacts").Entries().Where(e => IsSwImageArtifact(n, e.Value)).ToList();
                if (images.Count > 1)
                    diags.Error(DiagnosticCodes.MultipleSwImages, f.Path, images[1].KeyNode.Line(), images[1].KeyNode.Col(),
                        $"Artifacts of type \"tosca.artifacts.nfv.SwImage\" are added more than one time for node {n.Name} ({string.Join(", ", images.Select(i => i.Key))}); a VDU or virtual storage has one software image.");
                if (images.Count > 0 && n.Body.Get("properties", "sw_image_data") is not YamlMappingNode)
                    diags.Error(DiagnosticCodes.SwImageDataMissing, f.Path, images[0].KeyNode.Line(), images[0].KeyNode.Col(),
                        $"Node property \"sw_image_data\" is missing for artifact {images[0].Key} for node {n.Name}.");
            }
    }

    /// <summary>substitution_mappings.node_type and node template types that no loaded file defines and that are not built-in (tosca.*) names.</summary>
    private void CheckUnknownTypes()
    {
        foreach (var f in files)
        {
            var smType = f.Root.Get("topology_template", "substitution_mappings", "node_type");
            if (smType.Str() is { } st && !_nodeTypes.IsKnown(st))
                diags.Error(DiagnosticCodes.UnknownNodeType, f.Path, smType.Line(), smType.Col(),
                    $"substitution_mappings.node_type '{st}' is not defined by any imported file (is the VNF types file imported?).");
            foreach (var (name, _, body) in f.Root.Get("topology_template", "node_templates").Entries())
            {
                var tn = body.Get("type");
                if (tn.Str() is { } t && !_nodeTypes.IsKnown(t))
                    diags.Error(DiagnosticCodes.UnknownNodeType, f.Path, tn.Line(), tn.Col(),
                        $"Node template '{name}' has type '{t}', which no imported file defines.");
            }
        }
    }

    private void CheckArtifactFiles()
    {
        foreach (var f in files)
            foreach (var n in NodeTemplates(f))
                foreach (var (name, key, a) in n.Body.Get("artifacts").Entries())
                {
                    var fileNode = a is YamlScalarNode ? a : a.Get("file");
                    var file = fileNode.Str();
                    if (file is null)
                    {
                        diags.Error(DiagnosticCodes.ArtifactNoFile, f.Path, key.Line(), key.Col(), $"Artifact '{name}' of node '{n.Name}' has no file.");
                        continue;
                    }
                    if (PackagePath.IsRemote(file)) continue;
                    var resolved = PackagePath.Resolve(PackagePath.Directory(f.Path), file);
                    if (resolved is null)
                        diags.Error(DiagnosticCodes.ArtifactFileMissing, f.Path, fileNode.Line(), fileNode.Col(),
                            $"Artifact '{name}' of node '{n.Name}': file '{file}' is an absolute path or resolves outside the package; artifacts must be in the package or be URIs.");
                    else if (packageFiles is not null && !packageFiles.Contains(resolved))
                        diags.Error(DiagnosticCodes.ArtifactFileMissing, f.Path, fileNode.Line(), fileNode.Col(),
                            $"Artifact '{name}' of node '{n.Name}': file '{resolved}' is not in the package.");
                }
    }

    // ---------------------------------------------------------------- values

    private List<CpProtocolData> CpProtocol(ToscaFile f, YamlNode? node) =>
        node.Items().Select(p => new CpProtocolData(p.Get("associated_layer_protocol").Str(),
            p.Get("address_data").Items().Select(ad =>
            {
                var l2 = ad.Get("l2_address_data");
                var l3 = ad.Get("l3_address_data");
                return new CpAddressData(ad.Get("address_type").Str(), Bool(l2.Get("mac_address_assignment")), Bool(l3.Get("ip_address_assignment")),
                    Bool(l3.Get("floating_ip_activated")), l3.Get("ip_address_type").Str(), Int(f, l3.Get("number_of_ip_address"), "number_of_ip_address"),
                    Bool(l3.Get("fixed_ip_address")));
            }).ToList())).ToList();

    private static List<MonitoringParameter> MonitoringParameters(YamlNode? node)
    {
        // A map keyed by id (SOL001 v2.6.1+), or a list (some drafts).
        if (node is YamlSequenceNode)
            return node.Items().Select((m, i) => new MonitoringParameter(m.Get("name").Str() ?? $"#{i}", m.Get("name").Str(),
                m.Get("performance_metric").Str(), m.Get("collection_period").Str())).ToList();
        return node.Entries().Select(e => new MonitoringParameter(e.Key, e.Value.Get("name").Str(), e.Value.Get("performance_metric").Str(),
            e.Value.Get("collection_period").Str())).ToList();
    }

    private LinkBitrate? Bitrate(ToscaFile f, YamlNode? node)
    {
        if (node is not YamlMappingNode) return null;
        var root = Long(f, node.Get("root"), "root");
        return root is null ? null : new LinkBitrate(root.Value, Long(f, node.Get("leaf"), "leaf"));
    }

    private static IReadOnlyDictionary<string, object?> Map(YamlNode? node) =>
        ToscaValue.From(node) as IReadOnlyDictionary<string, object?> ?? new Dictionary<string, object?>();

    internal static bool? Bool(YamlNode? node) => node.Str() switch
    {
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        _ => null,
    };

    private int? Int(ToscaFile f, YamlNode? node, string what)
    {
        var s = node.Str();
        if (s is null) return null;
        if (int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return v;
        InvalidValue(f, node, what, s);
        return null;
    }

    private long? Long(ToscaFile f, YamlNode? node, string what)
    {
        var s = node.Str();
        if (s is null) return null;
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return v;
        InvalidValue(f, node, what, s);
        return null;
    }

    private long? Size(ToscaFile f, YamlNode? node, string what)
    {
        var s = node.Str();
        if (s is null) return null;
        if (ScalarUnit.TryParseSize(s, out var v)) return v;
        InvalidValue(f, node, what, s);
        return null;
    }

    private void InvalidValue(ToscaFile f, YamlNode? node, string what, string value) =>
        diags.Error(DiagnosticCodes.InvalidValue, f.Path, node.Line(), node.Col(), $"'{value}' is not a valid value for {what}.");
}

/// <summary>YAML to plain value trees: string scalars (null for YAML null), lists and string-keyed dictionaries.</summary>
internal static class ToscaValue
{
    public static object? From(YamlNode? node) => node switch
    {
        YamlMappingNode m => m.Children.Where(kv => kv.Key is YamlScalarNode { Value: not null })
            .GroupBy(kv => ((YamlScalarNode)kv.Key).Value!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => From(g.First().Value), StringComparer.Ordinal) as IReadOnlyDictionary<string, object?>,
        YamlSequenceNode s => s.Children.Select(From).ToList() as IReadOnlyList<object?>,
        YamlScalarNode => node.Str(),
        _ => null,
    };
}
