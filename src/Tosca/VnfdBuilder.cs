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
}

internal sealed record TypeDef(string Name, string? DerivedFrom, YamlMappingNode Node, string File);

/// <summary>Type definitions of one kind (node_types, policy_types, ...) across all loaded files.</summary>
internal sealed class TypeRegistry
{
    private readonly Dictionary<string, TypeDef> _types = new(StringComparer.Ordinal);

    public TypeRegistry(IEnumerable<ToscaFile> files, string section)
    {
        foreach (var f in files)
            foreach (var (name, _, body) in f.Root.Get(section).Entries())
                if (body is YamlMappingNode m && !_types.ContainsKey(name))
                    _types[name] = new TypeDef(name, m.Get("derived_from").Str(), m, f.Path);
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

    public Vnfd? Build()
    {
        var entry = files[0];
        if (packageFiles is not null) CheckArtifactFiles();

        // Deployment flavours: every template substituting tosca.nodes.nfv.VNF.
        var flavours = new List<VnfDeploymentFlavour>();
        var flavourVnfNodes = new List<NodeTemplate>();
        string? substitutedType = null;
        foreach (var f in files)
        {
            var tt = f.Root.Get("topology_template");
            var sm = tt.Get("substitution_mappings");
            if (sm is not YamlMappingNode) continue;
            var nodeType = sm.Get("node_type").Str();
            if (!_nodeTypes.IsA(nodeType, EtsiTypes.Vnf)) continue;
            substitutedType ??= nodeType;
            var fl = BuildFlavour(f, tt!, sm, nodeType, flavours, flavourVnfNodes);
            if (fl is not null) flavours.Add(fl);
        }
        var entryTt = entry.Root.Get("topology_template");
        if (flavours.Count == 0 && entryTt is not null && entryTt.Get("substitution_mappings") is null
            && NodeTemplates(entry).Any(n => n.Kind == NodeKind.Vdu))
        {
            var fl = BuildFlavour(entry, entryTt, null, null, flavours, flavourVnfNodes);
            if (fl is not null) flavours.Add(fl);
        }
        if (flavours.Count == 0)
            diags.Error(DiagnosticCodes.NoFlavour, entry.Path, entryTt.Line(), entryTt.Col(),
                "No deployment flavour: no topology template substitutes a tosca.nodes.nfv.VNF type (substitution_mappings.node_type), and the entry template has no VDU.");

        // VNF product information: the top template's VNF node, then the flavours' VNF nodes, then the VNF type's defaults.
        var topVnf = NodeTemplates(entry).FirstOrDefault(n => n.Kind == NodeKind.Vnf);
        var sources = new List<NodeTemplate>();
        if (topVnf is not null) sources.Add(topVnf);
        sources.AddRange(flavourVnfNodes.Where(n => !ReferenceEquals(n, topVnf)));
        var vnfType = topVnf?.Type ?? substitutedType ?? flavourVnfNodes.FirstOrDefault()?.Type;
        var anchor = (YamlNode?)topVnf?.NameNode ?? flavourVnfNodes.FirstOrDefault()?.NameNode;
        var anchorFile = topVnf?.File.Path ?? flavourVnfNodes.FirstOrDefault()?.File.Path ?? entry.Path;

        string? Prop(string name)
        {
            foreach (var s in sources)
                if (s.Body.Get("properties", name).Str() is { } v) return v;
            return _nodeTypes.PropertyDefault(vnfType, name).Str();
        }

        var descriptorId = Prop("descriptor_id");
        if (descriptorId is null)
            diags.Error(DiagnosticCodes.MissingDescriptorId, anchorFile, anchor.Line(), anchor.Col(),
                "The VNF has no descriptor_id (neither in a tosca.nodes.nfv.VNF node template nor as a default of its type).");
        string Required(string name)
        {
            var v = Prop(name);
            if (v is null)
                diags.Warning(DiagnosticCodes.MissingProductInfo, anchorFile, anchor.Line(), anchor.Col(), $"The VNF has no {name}.");
            return v ?? "";
        }
        var descriptorVersion = Required("descriptor_version");
        var provider = Required("provider");
        var productName = Required("product_name");
        var softwareVersion = Required("software_version");
        IReadOnlyList<string> vnfmInfo = [];
        foreach (var s in sources)
            if (s.Body.Get("properties", "vnfm_info") is YamlSequenceNode seq) { vnfmInfo = seq.Strings(); break; }
        if (vnfmInfo.Count == 0) vnfmInfo = _nodeTypes.PropertyDefault(vnfType, "vnfm_info").Strings();

        if (descriptorId is null) return null;
        return new Vnfd(descriptorId, descriptorVersion, provider, productName, softwareVersion, vnfmInfo, flavours);
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
        foreach (var (name, keyNode, body) in f.Root.Get("topology_template", "node_templates").Entries())
        {
            var type = body.Get("type").Str();
            list.Add(new NodeTemplate(name, keyNode, body, type, Classify(type), f));
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

    private VnfDeploymentFlavour? BuildFlavour(ToscaFile f, YamlNode tt, YamlNode? sm, string? smType,
        List<VnfDeploymentFlavour> existing, List<NodeTemplate> vnfNodes)
    {
        var nodes = NodeTemplates(f);
        var byName = nodes.GroupBy(n => n.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var groups = tt.Get("groups").Entries().Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var vnfNode = nodes.FirstOrDefault(n => n.Kind == NodeKind.Vnf);
        if (vnfNode is not null) vnfNodes.Add(vnfNode);

        // flavour_id
        var flavourIdNode = sm.Get("properties", "flavour_id");
        var flavourId = flavourIdNode.Str() ?? vnfNode?.Body.Get("properties", "flavour_id").Str();
        if (flavourId is null && _nodeTypes.PropertyDefault(smType ?? vnfNode?.Type, "flavour_id").Str() is { } byDefault)
        {
            flavourId = byDefault;
            var at = sm ?? (YamlNode?)vnfNode?.NameNode ?? tt;
            diags.Warning(DiagnosticCodes.FlavourIdFromTypeDefault, f.Path, at.Line(), at.Col(),
                $"Deployment flavour takes flavour_id '{byDefault}' from its VNF type's default; substitution_mappings.properties.flavour_id should state it (Tacker rejects this).");
        }
        if (flavourId is null)
        {
            var at = sm ?? (YamlNode?)vnfNode?.NameNode ?? tt;
            diags.Error(DiagnosticCodes.MissingFlavourId, f.Path, at.Line(), at.Col(),
                "Deployment flavour has no flavour_id (substitution_mappings.properties.flavour_id, the VNF node's flavour_id, or its type's default).");
            return null;
        }
        if (existing.Any(e => e.FlavourId == flavourId))
        {
            var at = flavourIdNode ?? sm ?? tt;
            diags.Error(DiagnosticCodes.DuplicateFlavour, f.Path, at.Line(), at.Col(), $"Deployment flavour '{flavourId}' is defined more than once.");
            return null;
        }
        var description = vnfNode?.Body.Get("properties", "flavour_description").Str()
                          ?? _nodeTypes.PropertyDefault(smType ?? vnfNode?.Type, "flavour_description").Str();

        // Storages
        var storages = new List<VirtualStorage>();
        foreach (var n in nodes.Where(n => n.Kind is NodeKind.BlockStorage or NodeKind.ObjectStorage or NodeKind.FileStorage))
        {
            var props = n.Body.Get("properties");
            var (kind, sizeNode) = n.Kind switch
            {
                NodeKind.BlockStorage => ("block", props.Get("virtual_block_storage_data", "size_of_storage")),
                NodeKind.ObjectStorage => ("object", props.Get("virtual_object_storage_data", "max_size_of_storage")),
                _ => ("file", props.Get("virtual_file_storage_data", "size_of_storage")),
            };
            var size = Size(f, sizeNode, "size_of_storage") ?? 0;
            storages.Add(new VirtualStorage(n.Name, kind, size, SwImageOf(n)));
        }
        var storageIds = storages.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);

        var vduNames = nodes.Where(n => n.Kind == NodeKind.Vdu).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var vlNames = nodes.Where(n => n.Kind == NodeKind.VirtualLink).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);

        // Virtual links
        var vls = new List<VnfVirtualLink>();
        foreach (var n in nodes.Where(n => n.Kind == NodeKind.VirtualLink))
        {
            var props = n.Body.Get("properties");
            string? ipVersion = null, cidr = null;
            foreach (var pd in props.Get("vl_profile", "virtual_link_protocol_data").Items())
            {
                var l3 = pd.Get("l3_protocol_data");
                if (l3 is null) continue;
                ipVersion = l3.Get("ip_version").Str();
                cidr = l3.Get("cidr").Str();
                break;
            }
            vls.Add(new VnfVirtualLink(n.Name, props.Get("description").Str(), props.Get("connectivity_type", "layer_protocols").Strings(), ipVersion, cidr));
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
            cps.Add(new VduCp(n.Name, binding?.Target ?? "", link?.Target, Int(f, props.Get("order"), "order"), props.Get("layer_protocols").Strings()));
        }

        // External CPs: substitution_mappings.requirements
        var extCps = new List<VnfExtCp>();
        foreach (var (reqName, reqKey, value) in sm.Get("requirements").Entries())
        {
            if (value is YamlSequenceNode { Children.Count: 0 } || (value is YamlScalarNode && value.Str() is null)) continue; // declared, not mapped
            var targetNode = value is YamlSequenceNode s && s.Children.Count > 0 ? s.Children[0] : value.Get("node") ?? (value as YamlScalarNode);
            var target = targetNode.Str();
            if (target is null || !byName.TryGetValue(target, out var node))
            {
                var at = targetNode ?? reqKey;
                diags.Error(DiagnosticCodes.SubstitutionUnknownNode, f.Path, at.Line(), at.Col(),
                    $"substitution_mappings requirement '{reqName}' maps to '{target}', which is no node template of this flavour.");
                continue;
            }
            if (node.Kind == NodeKind.VduCp)
            {
                extCps.Add(new VnfExtCp(node.Name, reqName, node.Name, null, node.Body.Get("properties", "layer_protocols").Strings()));
            }
            else if (node.Kind == NodeKind.ExtCp)
            {
                var internalVl = Requirements(node.Body).FirstOrDefault(r => r.Name == "internal_virtual_link");
                if (internalVl?.Target is not null && !vlNames.Contains(internalVl.Target))
                    diags.Error(DiagnosticCodes.CpUnknownVirtualLink, f.Path, internalVl.TargetNode.Line(), internalVl.TargetNode.Col(),
                        $"VnfExtCp '{node.Name}': internal_virtual_link '{internalVl.Target}' names no tosca.nodes.nfv.VnfVirtualLink node in this flavour.");
                extCps.Add(new VnfExtCp(node.Name, reqName, null, internalVl?.Target, node.Body.Get("properties", "layer_protocols").Strings()));
            }
            // Other mappings (e.g. a virtual_link_internal mapped to a VnfVirtualLink) are not external CPs.
        }

        // Policies
        var policies = Policies(tt);
        var allTargets = new HashSet<string>(byName.Keys, StringComparer.Ordinal);
        allTargets.UnionWith(groups);
        foreach (var p in policies)
            foreach (var t in p.Body.Get("targets").Items())
                if (t.Str() is { } tn && !allTargets.Contains(tn))
                    diags.Error(DiagnosticCodes.PolicyUnknownTarget, f.Path, t.Line(), t.Col(), $"Policy '{p.Name}' targets '{tn}', which is no node template or group of this flavour.");

        // Scaling aspects
        var aspects = new List<(string Id, string? Name, string? Desc, int Max, IReadOnlyList<string> Steps)>();
        var vduDeltas = new Dictionary<string, Dictionary<string, Dictionary<string, int>>>(StringComparer.Ordinal);
        foreach (var p in policies.Where(p => _policyTypes.IsA(p.Type, EtsiTypes.ScalingAspects)))
            foreach (var (id, _, a) in p.Body.Get("properties", "aspects").Entries())
            {
                aspects.Add((id, a.Get("name").Str(), a.Get("description").Str(), Int(f, a.Get("max_scale_level"), "max_scale_level") ?? 0, a.Get("step_deltas").Strings()));
                vduDeltas[id] = new(StringComparer.Ordinal);
            }
        foreach (var p in policies.Where(p => _policyTypes.IsA(p.Type, EtsiTypes.VduScalingAspectDeltas)))
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

        // Initial deltas
        var initialDelta = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in policies.Where(p => _policyTypes.IsA(p.Type, EtsiTypes.VduInitialDelta)))
        {
            var n = Int(f, p.Body.Get("properties", "initial_delta", "number_of_instances"), "number_of_instances") ?? 1;
            foreach (var t in p.Body.Get("targets").Strings()) initialDelta[t] = n;
        }

        // Instantiation levels
        var levelDefs = new List<(string Id, string? Desc, Dictionary<string, int> Scale)>();
        string? defaultLevel = null;
        YamlNode? defaultLevelNode = null;
        foreach (var p in policies.Where(p => _policyTypes.IsA(p.Type, EtsiTypes.InstantiationLevels)))
        {
            foreach (var (id, _, l) in p.Body.Get("properties", "levels").Entries())
            {
                var scale = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var (aspectId, aspectKey, si) in l.Get("scale_info").Entries())
                {
                    if (!vduDeltas.ContainsKey(aspectId))
                        diags.Error(DiagnosticCodes.UnknownScalingAspect, f.Path, aspectKey.Line(), aspectKey.Col(), $"Instantiation level '{id}' names aspect '{aspectId}', which no ScalingAspects policy defines.");
                    scale[aspectId] = Int(f, si.Get("scale_level"), "scale_level") ?? 0;
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

        var vduLevelInstances = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal); // level -> vdu -> n
        foreach (var p in policies.Where(p => _policyTypes.IsA(p.Type, EtsiTypes.VduInstantiationLevels)))
            foreach (var (levelId, levelKey, l) in p.Body.Get("properties", "levels").Entries())
            {
                if (!levelIds.Contains(levelId))
                    diags.Error(DiagnosticCodes.UnknownInstantiationLevel, f.Path, levelKey.Line(), levelKey.Col(),
                        $"Policy '{p.Name}' names level '{levelId}', which is not defined by an InstantiationLevels policy" +
                        (levelIds.Count > 0 ? $" (defined: {string.Join(", ", levelIds)})." : " (there is none)."));
                var n = Int(f, l.Get("number_of_instances"), "number_of_instances") ?? 0;
                if (!vduLevelInstances.TryGetValue(levelId, out var perVdu)) vduLevelInstances[levelId] = perVdu = new(StringComparer.Ordinal);
                foreach (var t in p.Body.Get("targets").Strings()) perVdu[t] = n;
            }

        // VDUs
        var vdus = new List<Vdu>();
        foreach (var n in nodes.Where(n => n.Kind == NodeKind.Vdu))
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
            vdus.Add(new Vdu(n.Name, props.Get("name").Str() ?? n.Name, props.Get("description").Str(),
                Int(f, props.Get("vdu_profile", "min_number_of_instances"), "min_number_of_instances") ?? 1,
                Int(f, props.Get("vdu_profile", "max_number_of_instances"), "max_number_of_instances") ?? 1,
                initialDelta.TryGetValue(n.Name, out var idl) ? idl : 1,
                Int(f, vc.Get("virtual_cpu", "num_virtual_cpu"), "num_virtual_cpu"),
                memMiB, local, SwImageOf(n), storageReqs));
        }

        var levels = levelDefs.Select(l =>
        {
            var perVdu = new Dictionary<string, int>(StringComparer.Ordinal);
            vduLevelInstances.TryGetValue(l.Id, out var listed);
            foreach (var v in vdus)
                perVdu[v.Id] = listed is not null && listed.TryGetValue(v.Id, out var c) ? c : v.InitialDelta;
            return new InstantiationLevel(l.Id, l.Desc, perVdu, l.Scale);
        }).ToList();

        var scalingAspects = aspects.Select(a => new ScalingAspect(a.Id, a.Name, a.Desc, a.Max, a.Steps,
            vduDeltas[a.Id].ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, int>)kv.Value, StringComparer.Ordinal))).ToList();

        return new VnfDeploymentFlavour(flavourId, description, vdus, storages, cps, vls, extCps, levels,
            defaultLevel is not null && levelIds.Contains(defaultLevel) ? defaultLevel : null, scalingAspects);
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

    // ---------------------------------------------------------------- images & artifacts

    private SwImage? SwImageOf(NodeTemplate n)
    {
        var d = n.Body.Get("properties", "sw_image_data");
        string? artifact = null;
        foreach (var (name, _, a) in n.Body.Get("artifacts").Entries())
        {
            var isSwImage = a is YamlScalarNode ? name == "sw_image" : _artifactTypes.IsA(a.Get("type").Str(), EtsiTypes.SwImageArtifact);
            if (!isSwImage) continue;
            var file = a is YamlScalarNode ? a.Str() : a.Get("file").Str();
            if (file is null) continue;
            artifact = PackagePath.IsRemote(file) ? file : PackagePath.Resolve(PackagePath.Directory(n.File.Path), file) ?? file;
            break;
        }
        if (d is not YamlMappingNode) return null;
        var checksum = d.Get("checksum");
        var (alg, hash) = checksum is YamlScalarNode ? (null, checksum.Str()) : (checksum.Get("algorithm").Str(), checksum.Get("hash").Str());
        return new SwImage(d.Get("name").Str() ?? n.Name, d.Get("version").Str() ?? "", alg, hash,
            d.Get("container_format").Str(), d.Get("disk_format").Str(),
            Size(n.File, d.Get("min_disk"), "min_disk"), Size(n.File, d.Get("min_ram"), "min_ram"), Size(n.File, d.Get("size"), "size"),
            artifact);
    }

    private void CheckArtifactFiles()
    {
        foreach (var f in files)
            foreach (var n in NodeTemplates(f))
                foreach (var (name, _, a) in n.Body.Get("artifacts").Entries())
                {
                    var fileNode = a is YamlScalarNode ? a : a.Get("file");
                    var file = fileNode.Str();
                    if (file is null || PackagePath.IsRemote(file)) continue;
                    var resolved = PackagePath.Resolve(PackagePath.Directory(f.Path), file);
                    if (resolved is null)
                        diags.Error(DiagnosticCodes.ArtifactFileMissing, f.Path, fileNode.Line(), fileNode.Col(),
                            $"Artifact '{name}' of node '{n.Name}': file '{file}' is an absolute path or resolves outside the package; artifacts must be in the package or be URIs.");
                    else if (!packageFiles!.Contains(resolved))
                        diags.Error(DiagnosticCodes.ArtifactFileMissing, f.Path, fileNode.Line(), fileNode.Col(),
                            $"Artifact '{name}' of node '{n.Name}': file '{resolved}' is not in the package.");
                }
    }

    // ---------------------------------------------------------------- values

    private int? Int(ToscaFile f, YamlNode? node, string what)
    {
        var s = node.Str();
        if (s is null) return null;
        if (int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return v;
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
