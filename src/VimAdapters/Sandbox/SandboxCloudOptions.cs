namespace Mano.VimAdapters;

/// <summary>Configuration of the simulated sandbox VIM.</summary>
public sealed record SandboxCloudOptions
{
    /// <summary>
    /// Where the sandbox keeps its state (resources, per-tenant quotas, address counters) so that Mano
    /// survives a restart with its sandbox resources. Null: in memory only.
    /// </summary>
    public string? StatePath { get; init; }

    /// <summary>Delay added to every cloud API call (zero: none). Changeable at run time via <see cref="SandboxCloud.Latency"/>.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.Zero;

    /// <summary>The availability zones; servers without a zone land in the first.</summary>
    public IReadOnlyList<string> Zones { get; init; } = [SandboxCloud.DefaultZone];

    /// <summary>The quota of every tenant without its own.</summary>
    public SandboxQuota DefaultQuota { get; init; } = SandboxQuota.Default;

    /// <summary>
    /// How long a guest takes to shut down when asked to stop gracefully (ACPI shutdown). A graceful stop waits for it,
    /// up to the caller's timeout, then powers the server off. Changeable at run time via <see cref="SandboxCloud.GuestShutdownTime"/>.
    /// </summary>
    public TimeSpan GuestShutdownTime { get; init; } = TimeSpan.Zero;
}

/// <summary>
/// Per-tenant limits. A negative value means unlimited (OpenStack's -1). Volumes are counted in GiB,
/// each volume rounded up to a whole GiB.
/// </summary>
public sealed record SandboxQuota(int Instances, int Cores, long RamMiB, long VolumesGiB, int Networks, int Ports)
{
    /// <summary>Generous: 100 instances, 400 cores, 1 TiB RAM, 10 TiB of volumes, 500 networks, 2000 ports.</summary>
    public static SandboxQuota Default { get; } = new(100, 400, 1024L * 1024, 10 * 1024, 500, 2000);

    public static SandboxQuota Unlimited { get; } = new(-1, -1, -1, -1, -1, -1);
}

/// <summary>What a tenant uses now, in the units of <see cref="SandboxQuota"/>.</summary>
public sealed record SandboxUsage(int Instances, int Cores, long RamMiB, long VolumesGiB, int Networks, int Ports)
{
    public static SandboxUsage None { get; } = new(0, 0, 0, 0, 0, 0);
}

/// <summary>Usage and quota of one tenant, as the host's admin endpoints show it.</summary>
public sealed record SandboxTenantUsage(string TenantId, SandboxUsage Usage, SandboxQuota Quota, bool HasOwnQuota);

/// <summary>The names of the sandbox's cloud API calls, as used by failure injection and call counts.</summary>
public static class SandboxOperations
{
    public const string CreateServer = "create_server";
    public const string DeleteServer = "delete_server";
    public const string CreateNetwork = "create_network";
    public const string DeleteNetwork = "delete_network";
    public const string CreateSubnet = "create_subnet";
    public const string DeleteSubnet = "delete_subnet";
    public const string CreatePort = "create_port";
    public const string DeletePort = "delete_port";
    public const string CreateVolume = "create_volume";
    public const string DeleteVolume = "delete_volume";
    public const string ListResources = "list_resources";
    public const string GetResource = "get_resource";
    public const string StartServer = "start_server";
    public const string StopServer = "stop_server";
    public const string RebuildServer = "rebuild_server";
    public const string CreatePortPair = "create_port_pair";
    public const string DeletePortPair = "delete_port_pair";
    public const string CreatePortPairGroup = "create_port_pair_group";
    public const string UpdatePortPairGroup = "update_port_pair_group";
    public const string DeletePortPairGroup = "delete_port_pair_group";
    public const string CreateFlowClassifier = "create_flow_classifier";
    public const string DeleteFlowClassifier = "delete_flow_classifier";
    public const string CreatePortChain = "create_port_chain";
    public const string UpdatePortChain = "update_port_chain";
    public const string DeletePortChain = "delete_port_chain";
    public const string ListSfcResources = "list_sfc_resources";

    /// <summary>A fault rule with this operation matches every call.</summary>
    public const string Any = "*";

    public static IReadOnlyList<string> All { get; } =
    [
        CreateServer, DeleteServer, CreateNetwork, DeleteNetwork, CreateSubnet, DeleteSubnet,
        CreatePort, DeletePort, CreateVolume, DeleteVolume, ListResources, GetResource,
        StartServer, StopServer, RebuildServer,
        CreatePortPair, DeletePortPair, CreatePortPairGroup, UpdatePortPairGroup, DeletePortPairGroup,
        CreateFlowClassifier, DeleteFlowClassifier, CreatePortChain, UpdatePortChain, DeletePortChain, ListSfcResources,
    ];
}

/// <summary>
/// A failure to inject into a cloud API call. Exactly one of <see cref="FailCount"/> (fail the next N
/// matching calls, then the rule goes away) and <see cref="Probability"/> (fail each matching call with
/// this probability, drawn from a <see cref="Random"/> seeded with <see cref="Seed"/> for reproducible
/// chaos) is set. With <see cref="AfterCommit"/> the change is applied before the call fails (the
/// "response lost" case: the client sees an error although the resource exists).
/// </summary>
public sealed record SandboxFaultRule(
    string Operation,
    int? FailCount = null,
    double? Probability = null,
    int? Seed = null,
    bool Transient = true,
    bool AfterCommit = false,
    string? Message = null)
{
    public static SandboxFaultRule FailNext(string operation, int count = 1, bool transient = true) =>
        new(operation, FailCount: count, Transient: transient);

    public static SandboxFaultRule FailRandomly(string operation, double probability, int? seed = null, bool transient = true) =>
        new(operation, Probability: probability, Seed: seed, Transient: transient);
}

/// <summary>An active fault rule and what it has done so far.</summary>
public sealed record SandboxFaultStatus(SandboxFaultRule Rule, int? RemainingFailures, long Triggered);

/// <summary>Arguments of <see cref="SandboxCloud.CreateServerAsync"/>.</summary>
public sealed record SandboxServerSpec(
    string Name, int Vcpus, long RamMiB, string? ImageName = null, string? ZoneId = null,
    IReadOnlyDictionary<string, string>? Tags = null);

/// <summary>Arguments of <see cref="SandboxCloud.CreateNetworkAsync"/>. A shared network takes ports of every tenant.</summary>
public sealed record SandboxNetworkSpec(string Name, bool Shared = false, IReadOnlyDictionary<string, string>? Tags = null);

/// <summary>
/// Arguments of <see cref="SandboxCloud.CreateSubnetAsync"/>. Without a CIDR the sandbox picks the next
/// free 10.x.y.0/24 (or fd00:x:y::/64 for IPv6).
/// </summary>
public sealed record SandboxSubnetSpec(
    string Name, string NetworkId, string? Cidr = null, string? IpVersion = null,
    IReadOnlyDictionary<string, string>? Tags = null);

/// <summary>Arguments of <see cref="SandboxCloud.CreatePortAsync"/>: the port gets the next free IP of the network's first subnet.</summary>
public sealed record SandboxPortSpec(
    string Name, string NetworkId, string? ServerId = null, IReadOnlyDictionary<string, string>? Tags = null);

/// <summary>Arguments of <see cref="SandboxCloud.CreateVolumeAsync"/>.</summary>
public sealed record SandboxVolumeSpec(
    string Name, long SizeBytes, string? ServerId = null, IReadOnlyDictionary<string, string>? Tags = null);
