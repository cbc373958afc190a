namespace Mano.Tosca;

// Further typed VNFD model (ETSI GS NFV-SOL 001 v2.6.1 .. v4.4.1). Value trees (object?) are string scalars,
// IReadOnlyList<object?> sequences and IReadOnlyDictionary<string, object?> mappings, as written in the template.

/// <summary>A TOSCA artifact of a node template (long or short notation).</summary>
/// <param name="File">Package-relative path resolved against the template's directory, or the URI as written.</param>
public sealed record Artifact(string Name, string? Type, string? File, string? Description, string? DeployPath)
{
    /// <summary>The artifact's properties (e.g. a Helm chart's values) as value trees.</summary>
    public IReadOnlyDictionary<string, object?> Properties { get; init; } = new Dictionary<string, object?>();
    /// <summary>True when written as <c>name: path</c>.</summary>
    public bool ShortNotation { get; init; }
    /// <summary>True when the type derives from tosca.artifacts.nfv.SwImage (or is a short-notation artifact of a VDU / virtual storage).</summary>
    public bool IsSwImage { get; init; }
    /// <summary>True for Kubernetes / Helm deployment artifacts: types deriving from tosca.artifacts.Deployment (except images) or a Helm chart archive.</summary>
    public bool IsKubernetesDeployment { get; init; }
}

/// <summary>One operation of an interface of the VNF node (tosca.interfaces.nfv.Vnflcm, or another interface such as Tacker's mgmt-driver style ones).</summary>
/// <param name="Implementation">The primary implementation artifact name (or file) as written; null for an operation declared without one (<c>instantiate: []</c>).</param>
/// <param name="ImplementationArtifact">The node artifact named by <paramref name="Implementation"/>, when it names one.</param>
public sealed record VnfLcmOperation(string Interface, string Name, string? Implementation, IReadOnlyList<string> Dependencies,
    Artifact? ImplementationArtifact)
{
    /// <summary>Operation inputs as value trees; <c>additional_parameters</c> holds the VnfOperationAdditionalParameters.</summary>
    public IReadOnlyDictionary<string, object?> Inputs { get; init; } = new Dictionary<string, object?>();
    public string? Description { get; init; }
    /// <summary>Artifacts named by <see cref="Dependencies"/> that the node declares.</summary>
    public IReadOnlyList<Artifact> DependencyArtifacts { get; init; } = [];
}

/// <summary>tosca.datatypes.nfv.RequestedAdditionalCapability (map entry of virtual_compute.requested_additional_capabilities).</summary>
public sealed record RequestedAdditionalCapability(string Id, string? Name, bool? SupportMandatory,
    string? MinVersion, string? PreferredVersion, IReadOnlyDictionary<string, object?> TargetPerformanceParameters);

/// <summary>VnfMonitoringParameter / VnfcMonitoringParameter / VirtualLinkMonitoringParameter; the map key is the id.</summary>
public sealed record MonitoringParameter(string Id, string? Name, string? PerformanceMetric, string? CollectionPeriod);

/// <summary>tosca.datatypes.nfv.VnfConfigurableProperties.</summary>
public sealed record VnfConfigurableProperties(bool? IsAutoscaleEnabled, bool? IsAutohealEnabled,
    IReadOnlyDictionary<string, object?> AdditionalConfigurableProperties);

/// <summary>tosca.datatypes.nfv.LinkBitrateRequirements (bits per second).</summary>
public sealed record LinkBitrate(long Root, long? Leaf);

/// <summary>tosca.datatypes.nfv.CpProtocolData.</summary>
public sealed record CpProtocolData(string? AssociatedLayerProtocol, IReadOnlyList<CpAddressData> AddressData);

/// <summary>tosca.datatypes.nfv.AddressData with its l2/l3 address data flattened.</summary>
public sealed record CpAddressData(string? AddressType, bool? MacAddressAssignment, bool? IpAddressAssignment,
    bool? FloatingIpActivation, string? IpAddressType, int? NumberOfIpAddresses, bool? FixedIpAddress);

/// <summary>tosca.datatypes.nfv.VirtualLinkProtocolData.</summary>
public sealed record VirtualLinkProtocolData(string? AssociatedLayerProtocol, L2ProtocolData? L2, L3ProtocolData? L3);

/// <summary>tosca.datatypes.nfv.L2ProtocolData.</summary>
public sealed record L2ProtocolData(string? Name, string? NetworkType, bool? VlanTransparent, int? Mtu, string? SegmentationId);

/// <summary>tosca.datatypes.nfv.L3ProtocolData.</summary>
public sealed record L3ProtocolData(string? Name, string? IpVersion, string? Cidr, IReadOnlyList<IpAllocationPool> IpAllocationPools,
    string? GatewayIp, bool? DhcpEnabled, string? Ipv6AddressMode);

/// <summary>tosca.datatypes.nfv.IpAllocationPool.</summary>
public sealed record IpAllocationPool(string? StartIpAddress, string? EndIpAddress);

/// <summary>tosca.groups.nfv.PlacementGroup.</summary>
public sealed record PlacementGroup(string Id, string? Description, IReadOnlyList<string> Members);

/// <summary>tosca.policies.nfv.AffinityRule (<see cref="IsAffinity"/>) or AntiAffinityRule.</summary>
/// <param name="Scope">nfvi_node, zone, zone_group or nfvi_pop (network_link_and_node from v3.3.1).</param>
/// <param name="Targets">The targets as written (VDUs, virtual links or placement groups).</param>
/// <param name="VduIds">Targets resolved to VDUs (placement groups expanded to their members).</param>
/// <param name="VirtualLinkIds">Targets resolved to virtual links.</param>
public sealed record PlacementRule(string Id, bool IsAffinity, string? Scope, IReadOnlyList<string> Targets,
    IReadOnlyList<string> VduIds, IReadOnlyList<string> VirtualLinkIds);

/// <summary>tosca.policies.nfv.SecurityGroupRule; <see cref="Targets"/> are VduCps / VnfExtCps.</summary>
public sealed record SecurityGroupRule(string Id, string? Description, string Direction, string EtherType, string Protocol,
    int PortRangeMin, int PortRangeMax, IReadOnlyList<string> Targets);

/// <summary>tosca.policies.nfv.VnfIndicator.</summary>
public sealed record VnfIndicator(string Id, string? Name, string? Source, IReadOnlyList<string> Targets,
    IReadOnlyDictionary<string, object?> Criteria)
{
    public string? Description { get; init; }
}

/// <summary>A policy the model does not interpret further.</summary>
public sealed record OtherPolicy(string Id, string? Type, IReadOnlyList<string> Targets, IReadOnlyDictionary<string, object?> Properties);

/// <summary>A Kubernetes deployment file of a CNF package (Tacker: Files/kubernetes/*, listed in TOSCA.meta / the manifest).</summary>
public sealed record KubernetesArtifact(string Path, KubernetesArtifactKind Kind, IReadOnlyList<string> ResourceKinds);

public enum KubernetesArtifactKind { Manifest, HelmChart }

/// <summary>Recognises the Kubernetes manifests and Helm charts of a package.</summary>
public static class KubernetesArtifacts
{
    /// <summary>
    /// Files under Files/kubernetes/ (Tacker's layout) and any file a VNFD artifact of a tosca.artifacts.Deployment type names:
    /// <c>.tgz</c>/<c>.tar.gz</c> archives are Helm charts; YAML files are manifests, with the <c>kind</c> of each document
    /// (read line by line, never evaluated).
    /// </summary>
    public static IReadOnlyList<KubernetesArtifact> Find(IEnumerable<string> packagePaths, Func<string, byte[]?> read, Vnfd? vnfd = null)
    {
        ArgumentNullException.ThrowIfNull(packagePaths);
        ArgumentNullException.ThrowIfNull(read);
        var named = new HashSet<string>(StringComparer.Ordinal);
        if (vnfd is not null)
            foreach (var f in vnfd.Flavours)
                foreach (var a in f.VnfArtifacts.Concat(f.Vdus.SelectMany(v => v.Artifacts)))
                    if (a.IsKubernetesDeployment && a.File is not null) named.Add(a.File);
        var list = new List<KubernetesArtifact>();
        foreach (var p in packagePaths.Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal))
        {
            if (!(p.StartsWith("Files/kubernetes/", StringComparison.Ordinal) || named.Contains(p))) continue;
            if (p.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase))
                list.Add(new KubernetesArtifact(p, KubernetesArtifactKind.HelmChart, []));
            else if (p.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
                     || p.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                list.Add(new KubernetesArtifact(p, KubernetesArtifactKind.Manifest, Kinds(read(p))));
        }
        return list;
    }

    private static List<string> Kinds(byte[]? bytes)
    {
        var kinds = new List<string>();
        if (bytes is null) return kinds;
        var text = System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 4 << 20));
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (!line.StartsWith("kind:", StringComparison.Ordinal)) continue; // only top-level keys
            var v = line[5..].Trim().Trim('"', '\'');
            if (v.Length > 0) kinds.Add(v);
        }
        return kinds;
    }
}
