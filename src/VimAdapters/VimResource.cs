namespace Mano.VimAdapters;

/// <summary>
/// What a VIM resource is. <see cref="Other"/>: any other object a driver made for the instance (a Kubernetes ConfigMap,
/// Service, Deployment...; its <see cref="VimResource.Attributes"/> say what it is).
/// </summary>
public enum VimResourceKind { Compute, Network, Subnet, Port, Volume, Other }

/// <summary>One resource as the VIM reports it.</summary>
/// <param name="ResourceId">The VIM's own id.</param>
/// <param name="ResourceKey">The VNFM's key (tag <see cref="VimTags.ResourceKey"/>), null for resources Mano did not create.</param>
/// <param name="Attributes">Kind-specific facts, e.g. ip_address, mac_address, network_id, compute_id, cidr.</param>
public sealed record VimResource(
    string ResourceId,
    VimResourceKind Kind,
    string Name,
    string? ResourceKey,
    string? VnfInstanceId,
    string TenantId,
    string Status,
    string? ZoneId,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, string> Attributes);

/// <summary>The tags every driver puts on every resource it creates.</summary>
public static class VimTags
{
    public const string VnfInstanceId = "mano.vnf_instance_id";
    public const string ResourceKey = "mano.resource_key";
    /// <summary>The LCM operation occurrence that created the resource.</summary>
    public const string OpOccId = "mano.op_occ_id";
    public const string TenantId = "mano.tenant_id";

    public static IReadOnlyDictionary<string, string> For(VnfResourcePlan plan, string resourceKey) =>
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [VnfInstanceId] = plan.VnfInstanceId,
            [ResourceKey] = resourceKey,
            [OpOccId] = plan.OpOccId,
            [TenantId] = plan.TenantId,
        };
}

/// <summary>Well-known keys of <see cref="VimResource.Attributes"/>.</summary>
public static class VimAttributes
{
    public const string IpAddress = "ip_address";
    public const string MacAddress = "mac_address";
    public const string NetworkId = "network_id";
    public const string SubnetId = "subnet_id";
    public const string ComputeId = "compute_id";
    public const string Cidr = "cidr";
    public const string IpVersion = "ip_version";
    public const string GatewayIp = "gateway_ip";
    public const string Vcpus = "vcpus";
    public const string RamMiB = "ram_mib";
    public const string ImageName = "image_name";
    public const string SizeBytes = "size_bytes";
    public const string SizeGiB = "size_gib";
    public const string Shared = "shared";
    public const string CreatedAt = "created_at";
    /// <summary>"true" on every resource of the simulated sandbox VIM.</summary>
    public const string Sandbox = "sandbox";
    public const string Cloud = "cloud";
    /// <summary>Servers: how the server was last stopped ("graceful" or "forced").</summary>
    public const string LastStop = "last_stop";
}

/// <summary>Server statuses (Nova's spelling): ACTIVE runs, SHUTOFF is stopped.</summary>
public static class ServerStatus
{
    public const string Active = "ACTIVE";
    public const string Shutoff = "SHUTOFF";
}
