namespace Mano.VimAdapters;

/// <summary>
/// What the VNFM wants to exist in a VIM for one VNF instance. Every <c>ResourceKey</c> is an id chosen by
/// the VNFM (e.g. the vnfcResourceInfo id), stable across retries: a driver "ensures" each key exists
/// (finds it by its tags) instead of creating blindly.
/// </summary>
public sealed record VnfResourcePlan(
    string TenantId,
    string VnfInstanceId,
    string OpOccId,
    IReadOnlyList<PlannedNetwork> Networks,
    IReadOnlyList<PlannedCompute> Computes,
    IReadOnlyList<PlannedPort> Ports,
    IReadOnlyList<PlannedVolume> Volumes)
{
    /// <summary>
    /// CNFs only (null for VM-based VNFs): the Kubernetes manifests to apply and which workload each VDU is. With it,
    /// <see cref="Computes"/> are the VNFCs (one per pod: the count of a VDU is its workload's replicas).
    /// </summary>
    public KubernetesDeploymentPlan? Kubernetes { get; init; }

    /// <summary>
    /// VNFD tosca.policies.nfv.SecurityGroupRule policies, grouped by the CPs they target: one VIM security group each,
    /// applied to the ports of those CPs. Null or empty: the VIM's default applies.
    /// </summary>
    public IReadOnlyList<PlannedSecurityGroup>? SecurityGroups { get; init; }

    /// <summary>
    /// VNFD affinity / anti-affinity rules of scope nfvi_node: one VIM server group per rule, its VDUs' servers in it.
    /// (Zone-scoped rules are the grant's business: they reach the plan as each compute's zone.)
    /// </summary>
    public IReadOnlyList<PlannedServerGroup>? ServerGroups { get; init; }

    /// <summary>
    /// Tacker-style packages only (null otherwise): the package's BaseHOT templates of the flavour. With it, an OpenStack
    /// VIM that has an orchestration (Heat) endpoint deploys the instance as one Heat stack (ADR-0015); the other parts of
    /// the plan still say what the VNFM expects (VNFCs, ports, VLs by key) and drive the stack's <c>nfv</c> parameter.
    /// </summary>
    public HeatStackPlan? Heat { get; init; }
}

/// <summary>
/// A security group: <see cref="Rules"/> applied to the ports of the VduCps <see cref="CpdIds"/> (SOL001
/// tosca.policies.nfv.SecurityGroupRule; VnfExtCp targets resolved to their internal VduCp).
/// </summary>
public sealed record PlannedSecurityGroup(string ResourceKey, IReadOnlyList<PlannedSecurityGroupRule> Rules, IReadOnlyList<string> CpdIds);

/// <summary>One rule (SOL001 6.10.x SecurityGroupRule properties): direction ingress/egress, ether_type ipv4/ipv6, protocol, ports.</summary>
public sealed record PlannedSecurityGroupRule(string RuleId, string Direction, string EtherType, string Protocol, int PortRangeMin, int PortRangeMax);

/// <summary>A server group of policy "affinity" or "anti-affinity" (nfvi_node scope) holding the servers of <see cref="VduIds"/>.</summary>
public sealed record PlannedServerGroup(string RuleId, string Policy, IReadOnlyList<string> VduIds);

/// <summary>
/// A VDU's software image (SOL001 sw_image_data) and, when the image file is in the VNF package, how to read it.
/// A driver reuses an image of the same checksum, else uploads the file; without a file it looks the image up by name.
/// </summary>
public sealed record PlannedImage(
    string Name, string? Version, string? ChecksumAlgorithm, string? ChecksumHash, string? ContainerFormat, string? DiskFormat,
    long? MinDiskBytes, long? MinRamBytes, long? SizeBytes, string? ArtifactPath)
{
    /// <summary>
    /// Opens the image file (read-only, forward-only stream) when <see cref="ArtifactPath"/> is set. Not persisted: the
    /// VNFM attaches it just before it calls the driver (the bytes come from the NFVO's package store in chunks).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Func<CancellationToken, Task<Stream>>? Open { get; init; }
}

/// <summary>
/// The Heat part of a plan (ADR-0015): Tacker's BaseHOT/&lt;flavourId&gt;/ templates and what the <c>nfv</c> parameter needs
/// beyond the rest of the plan.
/// </summary>
/// <param name="TemplatePath">The top template's path in the package (BaseHOT/&lt;flavour&gt;/&lt;file&gt;.yaml).</param>
/// <param name="Template">The top template (YAML text).</param>
/// <param name="Files">Nested templates by the name the top template uses as a resource type (Tacker: the file name), YAML text.</param>
/// <param name="Flavors">Per VDU, the VIM flavour the VNFD names (requested_additional_capability_name): <c>nfv.VDU.&lt;vdu&gt;.computeFlavourId</c>.</param>
/// <param name="Images">Per VDU and per virtual storage, the software image name (sw_image_data): <c>nfv.VDU.&lt;id&gt;.vcImageId</c>.</param>
/// <param name="ExtNetworks">Per external CPD, the VIM network of its extVirtualLink: <c>nfv.CP.&lt;cp&gt;.network</c>.</param>
/// <param name="FixedIps">
/// Per external CPD, the fixed IPs its extVirtualLink's cpProtocolData ask for (subnet and/or address), in order:
/// <c>nfv.CP.&lt;cp&gt;.fixed_ips</c>.
/// </param>
/// <param name="NfvOverrides">additionalParams "nfv" of the instantiate request: merged (RFC 7396) over the computed parameter, as Tacker does.</param>
public sealed record HeatStackPlan(
    string TemplatePath,
    string Template,
    IReadOnlyDictionary<string, string> Files,
    IReadOnlyDictionary<string, string> Flavors,
    IReadOnlyDictionary<string, string> Images,
    IReadOnlyDictionary<string, string> ExtNetworks,
    IReadOnlyDictionary<string, IReadOnlyList<HeatFixedIp>> FixedIps,
    System.Text.Json.Nodes.JsonObject? NfvOverrides = null);

/// <summary>One fixed IP of an external CP: a subnet id and/or an address.</summary>
public sealed record HeatFixedIp(string? Subnet, string? IpAddress);

/// <summary>An internal virtual link of the VNF: one network with one subnet.</summary>
public sealed record PlannedNetwork(string ResourceKey, string VirtualLinkDescId, string? Cidr, string? IpVersion);

public sealed record PlannedCompute(
    string ResourceKey, string VduId, string Name, int NumVirtualCpu, long MemoryMiB, string? ImageName, string? ZoneId)
{
    /// <summary>
    /// The VIM flavour the VNFD asks for by name (SOL001 requested_additional_capability_name, e.g. "m1.tiny"), if any.
    /// A driver uses it when the VIM has it, and otherwise matches the virtual compute requirements.
    /// </summary>
    public string? FlavorName { get; init; }

    /// <summary>The VDU's software image with its metadata (null: boot from the image named <see cref="PlannedCompute.ImageName"/>).</summary>
    public PlannedImage? Image { get; init; }

    /// <summary>The VIM flavour the grant assigned (SOL003 9.5.2.3 Grant.vimAssets, VimComputeResourceFlavour.vimFlavourId): used as is.</summary>
    public string? VimFlavourId { get; init; }

    /// <summary>The VIM image the grant assigned (SOL003 9.5.2.3 Grant.vimAssets, VimSoftwareImage.vimSoftwareImageId): used as is.</summary>
    public string? VimImageId { get; init; }
}

/// <summary>
/// A connection point. Exactly one of <see cref="NetworkKey"/> (a planned network of the same plan) and
/// <see cref="ExternalNetworkId"/> (an existing VIM network, for external CPs) is set.
/// </summary>
public sealed record PlannedPort(
    string ResourceKey, string CpdId, string ComputeKey, string? NetworkKey, string? ExternalNetworkId);

public sealed record PlannedVolume(string ResourceKey, string VirtualStorageDescId, long SizeBytes, string ComputeKey);

/// <summary>Checks that a plan is self-consistent before a driver touches the VIM.</summary>
internal static class PlanValidation
{
    public static void Validate(VnfResourcePlan plan, string operation)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(plan.TenantId)) errors.Add("tenantId is empty");
        if (string.IsNullOrWhiteSpace(plan.VnfInstanceId)) errors.Add("vnfInstanceId is empty");
        if (string.IsNullOrWhiteSpace(plan.OpOccId)) errors.Add("opOccId is empty");

        var keys = new HashSet<string>(StringComparer.Ordinal);
        void Key(string? key, string what)
        {
            if (string.IsNullOrWhiteSpace(key)) errors.Add($"{what} has an empty resource key");
            else if (!keys.Add(key)) errors.Add($"resource key '{key}' is used more than once");
        }

        foreach (var n in plan.Networks) Key(n.ResourceKey, $"network '{n.VirtualLinkDescId}'");
        foreach (var c in plan.Computes)
        {
            Key(c.ResourceKey, $"compute '{c.VduId}'");
            if (c.NumVirtualCpu <= 0) errors.Add($"compute '{c.ResourceKey}' has {c.NumVirtualCpu} virtual CPUs");
            if (c.MemoryMiB <= 0) errors.Add($"compute '{c.ResourceKey}' has {c.MemoryMiB} MiB of memory");
        }
        foreach (var p in plan.Ports) Key(p.ResourceKey, $"port '{p.CpdId}'");
        foreach (var v in plan.Volumes)
        {
            Key(v.ResourceKey, $"volume '{v.VirtualStorageDescId}'");
            if (v.SizeBytes <= 0) errors.Add($"volume '{v.ResourceKey}' has size {v.SizeBytes} bytes");
        }

        var computes = plan.Computes.Select(c => c.ResourceKey).ToHashSet(StringComparer.Ordinal);
        var networks = plan.Networks.Select(n => n.ResourceKey).ToHashSet(StringComparer.Ordinal);
        foreach (var p in plan.Ports)
        {
            if (!computes.Contains(p.ComputeKey)) errors.Add($"port '{p.ResourceKey}' refers to unknown compute '{p.ComputeKey}'");
            var hasNet = !string.IsNullOrEmpty(p.NetworkKey);
            var hasExt = !string.IsNullOrEmpty(p.ExternalNetworkId);
            if (hasNet == hasExt)
                errors.Add($"port '{p.ResourceKey}' must name exactly one of a planned network and an external network");
            else if (hasNet && !networks.Contains(p.NetworkKey!))
                errors.Add($"port '{p.ResourceKey}' refers to unknown network '{p.NetworkKey}'");
        }
        foreach (var v in plan.Volumes)
        {
            if (!computes.Contains(v.ComputeKey)) errors.Add($"volume '{v.ResourceKey}' refers to unknown compute '{v.ComputeKey}'");
        }

        if (errors.Count > 0)
            throw new VimException(operation, $"invalid resource plan for VNF instance '{plan.VnfInstanceId}': {string.Join("; ", errors)}");
    }
}
