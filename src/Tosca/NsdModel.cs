namespace Mano.Tosca;

// Typed NSD model (ETSI GS NFV-SOL 001 NSD types; VNFFG / NFP types from v2.7.1, NS levels and scaling aspects from v3.5.1).
// Ids are node template / group / policy names of the NSD.

/// <summary>An NSD: the NS node's properties (tosca.nodes.nfv.NS) and the constituents of its deployment flavour.</summary>
public sealed record Nsd(string DescriptorId, string Designer, string Version, string Name, string InvariantId, string FlavourId,
    IReadOnlyList<NsVnfReference> Vnfs, IReadOnlyList<NsPnfReference> Pnfs, IReadOnlyList<NestedNsReference> NestedNss,
    IReadOnlyList<NsVirtualLinkDescriptor> VirtualLinks, IReadOnlyList<NsSap> Saps)
{
    public string? Description { get; init; }
    public IReadOnlyDictionary<string, string> TemplateMetadata { get; init; } = new Dictionary<string, string>();
    /// <summary>tosca.nodes.nfv.Forwarding nodes (a VNF's CP as seen by forwarding graphs).</summary>
    public IReadOnlyList<NsForwarding> Forwardings { get; init; } = [];
    /// <summary>tosca.nodes.nfv.NfpPositionElement nodes.</summary>
    public IReadOnlyList<NfpPositionElement> NfpPositionElements { get; init; } = [];
    /// <summary>tosca.nodes.nfv.NfpPosition nodes.</summary>
    public IReadOnlyList<NfpPosition> NfpPositions { get; init; } = [];
    /// <summary>tosca.nodes.nfv.NFP nodes, with their positions in order and the NfpRule policies that classify their traffic.</summary>
    public IReadOnlyList<Nfp> Nfps { get; init; } = [];
    /// <summary>tosca.groups.nfv.VNFFG groups.</summary>
    public IReadOnlyList<Vnffg> Vnffgs { get; init; } = [];
    /// <summary>tosca.policies.nfv.NsInstantiationLevels (v3.5.1+) joined with the Vnf/VirtualLink/NsToInstantiationLevelMapping policies.</summary>
    public IReadOnlyList<NsInstantiationLevel> InstantiationLevels { get; init; } = [];
    public string? DefaultInstantiationLevelId { get; init; }
    /// <summary>tosca.policies.nfv.NsScalingAspects (v3.5.1+) joined with the Vnf/VirtualLink/NsToLevelMapping policies.</summary>
    public IReadOnlyList<NsScalingAspect> ScalingAspects { get; init; } = [];
    /// <summary>Dependencies between constituents: TOSCA 'dependency' requirements of VNF, PNF and nested NS nodes.</summary>
    public IReadOnlyList<NsDependency> Dependencies { get; init; } = [];
    /// <summary>NsAffinityRule / NsAntiAffinityRule policies.</summary>
    public IReadOnlyList<NsPlacementRule> PlacementRules { get; init; } = [];
    /// <summary>Operations of the NS node's Nslcm interface.</summary>
    public IReadOnlyList<VnfLcmOperation> LcmOperations { get; init; } = [];
    /// <summary>Any other policy (NsMonitoring, VnfMonitoring, NsSecurityGroupRule...), uninterpreted.</summary>
    public IReadOnlyList<OtherPolicy> OtherPolicies { get; init; } = [];

    public NsVnfReference? FindVnf(string id) => Vnfs.FirstOrDefault(v => v.Id == id);
    public NsInstantiationLevel? FindLevel(string? levelId)
    {
        var id = levelId ?? DefaultInstantiationLevelId;
        return id is null ? null : InstantiationLevels.FirstOrDefault(l => l.Id == id);
    }
}

/// <summary>A tosca.nodes.nfv.VNF node template of the NSD: the VNFD (by vnfd_id = descriptor_id) and flavour it uses.</summary>
/// <param name="VirtualLinks">The node's virtual_link requirements: requirement (the VNF's external CP) -> NsVirtualLink id.</param>
public sealed record NsVnfReference(string Id, string VnfdId, string FlavourId, string? DescriptorVersion, string? Provider,
    string? ProductName, string? SoftwareVersion, IReadOnlyDictionary<string, string> VirtualLinks)
{
    public string? Type { get; init; }
    public IReadOnlyList<string> VnfmInfo { get; init; } = [];
    /// <summary>The VNF type's requirement names (its external CPs), when its type is defined in the NSD.</summary>
    public IReadOnlyList<string> ExtCpRequirements { get; init; } = [];
}

/// <summary>A tosca.nodes.nfv.PNF node template: the PNFD (by descriptor_id) it uses.</summary>
public sealed record NsPnfReference(string Id, string PnfdId, string? Provider, string? Version, IReadOnlyDictionary<string, string> VirtualLinks)
{
    public string? Name { get; init; }
    public string? FunctionDescription { get; init; }
}

/// <summary>A nested NS: a tosca.nodes.nfv.NS node template other than the NSD's own.</summary>
public sealed record NestedNsReference(string Id, string NsdId, string? FlavourId, IReadOnlyDictionary<string, string> VirtualLinks)
{
    public string? Name { get; init; }
}

/// <summary>tosca.nodes.nfv.NsVirtualLink.</summary>
public sealed record NsVirtualLinkDescriptor(string Id, string? Description, IReadOnlyList<string> LayerProtocols, string? FlowPattern,
    LinkBitrate? MaxBitrate, LinkBitrate? MinBitrate, IReadOnlyList<VirtualLinkProtocolData> ProtocolData)
{
    public IReadOnlyList<string> TestAccess { get; init; } = [];
    public IReadOnlyDictionary<string, object?> Qos { get; init; } = new Dictionary<string, object?>();
    public string? ServiceAvailabilityLevel { get; init; }
}

/// <summary>tosca.nodes.nfv.Sap.</summary>
/// <param name="VirtualLinkId">The NsVirtualLink the SAP attaches to (external_virtual_link, or virtual_link in some NSDs).</param>
/// <param name="InternalNodeId">The internal_virtual_link target: the VNF, PNF or nested NS whose CP the SAP exposes.</param>
/// <param name="InternalCpdId">The CP of that node (second element of the [node, requirement] notation), when stated.</param>
public sealed record NsSap(string Id, string? Description, IReadOnlyList<string> LayerProtocols, string? VirtualLinkId,
    string? InternalNodeId, string? InternalCpdId)
{
    public IReadOnlyList<CpProtocolData> ProtocolData { get; init; } = [];
}

/// <summary>tosca.nodes.nfv.Forwarding: the CP <see cref="CpdId"/> of VNF <see cref="VnfId"/> (whose requirement targets this node), on <see cref="VirtualLinkId"/>.</summary>
public sealed record NsForwarding(string Id, string? VirtualLinkId, string? VnfId, string? CpdId)
{
    /// <summary>The SAP bound to this Forwarding node (its internal_virtual_link targets it), when a SAP rather than a VNF owns it.</summary>
    public string? SapId { get; init; }
}

/// <summary>What an NfpPositionElement's profile_element points at: a SAP, a Forwarding node (VNF CP), or a VNF/PNF CP in [node, cp] notation.</summary>
public enum NfpElementKind { Sap, Forwarding, VnfCp, PnfCp, NestedNsCp }

/// <summary>One profile_element of an NfpPositionElement; ingress first, egress second. A Forwarding node bound to a SAP is reported as that SAP.</summary>
public sealed record NfpElementRef(string NodeId, NfpElementKind Kind, string? VnfId, string? CpdId);

/// <summary>tosca.nodes.nfv.NfpPositionElement.</summary>
public sealed record NfpPositionElement(string Id, IReadOnlyList<NfpElementRef> ProfileElements);

/// <summary>tosca.nodes.nfv.NfpPosition: its elements in order and forwarding_behaviour (all, lb, ff).</summary>
public sealed record NfpPosition(string Id, string? ForwardingBehaviour, IReadOnlyList<string> ElementIds);

/// <summary>tosca.nodes.nfv.NFP: its positions in order.</summary>
public sealed record Nfp(string Id, IReadOnlyList<string> PositionIds, IReadOnlyList<NfpRule> Rules)
{
    /// <summary>The forwarding path as CP references, position by position.</summary>
    public IReadOnlyList<NfpElementRef> Path { get; init; } = [];
    /// <summary>'symmetric' when the template states it (a property some NSDs carry; SOL001 leaves it to the classifier).</summary>
    public bool? Symmetric { get; init; }
}

/// <summary>tosca.policies.nfv.NfpRule: the classifier of the traffic of its NFP targets.</summary>
public sealed record NfpRule(string Id, IReadOnlyList<string> Targets)
{
    public string? EtherDestinationAddress { get; init; }
    public string? EtherSourceAddress { get; init; }
    public string? EtherType { get; init; }
    public IReadOnlyList<string> VlanTag { get; init; } = [];
    public string? Protocol { get; init; }
    public string? Dscp { get; init; }
    public (int Min, int Max)? SourcePortRange { get; init; }
    public (int Min, int Max)? DestinationPortRange { get; init; }
    public string? SourceIpAddressPrefix { get; init; }
    public string? DestinationIpAddressPrefix { get; init; }
    public IReadOnlyList<object?> ExtendedCriteria { get; init; } = [];
}

/// <summary>tosca.groups.nfv.VNFFG with its members sorted by kind.</summary>
/// <param name="ConnectionPoints">The CPs its NFPs go through (VNF CPs as "vnf/cp", SAPs by id), in path order.</param>
public sealed record Vnffg(string Id, string? Description, IReadOnlyList<string> Members, IReadOnlyList<string> VnfIds,
    IReadOnlyList<string> PnfIds, IReadOnlyList<string> NestedNsIds, IReadOnlyList<string> VirtualLinkIds, IReadOnlyList<string> NfpIds,
    IReadOnlyList<string> PositionElementIds, IReadOnlyList<string> ConnectionPoints)
{
    public int NumberOfEndpoints => ConnectionPoints.Count;
}

/// <summary>An NS instantiation level.</summary>
public sealed record NsInstantiationLevel(string Id, string? Description, IReadOnlyDictionary<string, int> VnfInstances,
    IReadOnlyDictionary<string, LinkBitrate> VirtualLinkBitrates, IReadOnlyDictionary<string, int> NestedNsInstances);

/// <summary>An NS scaling aspect with its NS scale levels (0-based) and, per level, the VNF instances and VL bitrates.</summary>
public sealed record NsScalingAspect(string Id, string? Name, string? Description, IReadOnlyDictionary<int, string?> Levels,
    IReadOnlyDictionary<string, IReadOnlyDictionary<int, int>> VnfInstances,
    IReadOnlyDictionary<string, IReadOnlyDictionary<int, LinkBitrate>> VirtualLinkBitrates,
    IReadOnlyDictionary<string, IReadOnlyDictionary<int, int>> NestedNsInstances)
{
    public int MaxScaleLevel => Levels.Count == 0 ? 0 : Levels.Keys.Max();
}

/// <summary><see cref="DependentId"/> is instantiated after <see cref="DependsOnId"/>.</summary>
public sealed record NsDependency(string DependentId, string DependsOnId);

/// <summary>NsAffinityRule / NsAntiAffinityRule.</summary>
public sealed record NsPlacementRule(string Id, bool IsAffinity, string? Scope, IReadOnlyList<string> Targets);
