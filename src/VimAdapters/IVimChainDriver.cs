namespace Mano.VimAdapters;

/// <summary>
/// The seam between the NFVO and a VIM for service function chains (issue 6 item 5): one driver per VIM type, resolved
/// like <see cref="IVimDriver"/> (<see cref="VimChainDriverRegistry"/>). The model is networking-sfc's, the most
/// widely deployed chaining API: port pairs (a VNFC's ingress and egress ports) in port pair groups (one group per hop;
/// several pairs share the hop's load), flow classifiers (what traffic enters the chain) and the port chain (the ordered
/// groups plus the classifiers).
/// <para>
/// Every resource carries Mano's keys (tenant, owner = the NS instance, chain key, and the part's own key), so
/// <see cref="EnsurePortChainAsync"/> is an idempotent ensure: it finds what exists by these keys, keeps what is right,
/// changes what differs (a scaled VNF's pairs added to or removed from its group), creates what is missing and deletes
/// parts of the chain the plan no longer holds. Failures are <see cref="VimException"/>.
/// </para>
/// </summary>
public interface IVimChainDriver
{
    string VimType { get; }

    /// <summary>Ensure the chain exists exactly as planned (port pairs, port pair groups, flow classifiers, port chain), tagged with the owner.</summary>
    Task<VimPortChain> EnsurePortChainAsync(VimConnectionInfo vim, PortChainPlan plan, CancellationToken ct);

    /// <summary>Delete every chain resource of the owner (an NS instance), or only the chain with that key. Idempotent.</summary>
    Task DeletePortChainsAsync(VimConnectionInfo vim, string tenantId, string ownerId, string? chainKey, CancellationToken ct);

    /// <summary>The tenant's chains as the VIM has them (all owners, or one).</summary>
    Task<IReadOnlyList<VimPortChain>> ListPortChainsAsync(VimConnectionInfo vim, string tenantId, string? ownerId, CancellationToken ct);
}

/// <summary>
/// One port chain to realise. <paramref name="ChainKey"/> is unique per owner (the NFVO uses "vnffg/nfp").
/// </summary>
/// <param name="PortPairGroups">The hops, in forwarding order.</param>
/// <param name="FlowClassifiers">What traffic enters the chain (at least one).</param>
/// <param name="Symmetric">Reverse traffic takes the chain backwards (networking-sfc chain_parameters.symmetric).</param>
/// <param name="Correlation">"mpls" (networking-sfc's default) or null: no correlation asked for (the VIM's default).</param>
public sealed record PortChainPlan(
    string TenantId,
    string OwnerId,
    string ChainKey,
    IReadOnlyList<PortPairGroupPlan> PortPairGroups,
    IReadOnlyList<FlowClassifierPlan> FlowClassifiers,
    bool Symmetric = false,
    string? Correlation = null)
{
    public const string MplsCorrelation = "mpls";
}

/// <summary>One hop: its port pairs share the load (one pair per VNFC of the hop's VNF instance).</summary>
public sealed record PortPairGroupPlan(string Key, IReadOnlyList<PortPairPlan> PortPairs);

/// <summary>A service function's ingress and egress port (the same port for both is allowed).</summary>
public sealed record PortPairPlan(string Key, string IngressPortId, string EgressPortId);

/// <summary>
/// A flow classifier (networking-sfc flow_classifier). Null criteria match anything. Port ranges need a protocol
/// (tcp, udp, sctp). <paramref name="LogicalSourcePortId"/>: where the traffic enters (networking-sfc's OVS driver needs it).
/// </summary>
public sealed record FlowClassifierPlan(
    string Key,
    string Ethertype = "IPv4",
    string? Protocol = null,
    string? SourceIpPrefix = null,
    string? DestinationIpPrefix = null,
    int? SourcePortRangeMin = null,
    int? SourcePortRangeMax = null,
    int? DestinationPortRangeMin = null,
    int? DestinationPortRangeMax = null,
    string? LogicalSourcePortId = null,
    string? LogicalDestinationPortId = null);

/// <summary>A chain as the VIM has it: the VIM's ids of the chain and its parts, with Mano's keys.</summary>
public sealed record VimPortChain(
    string ChainId,
    string TenantId,
    string OwnerId,
    string ChainKey,
    IReadOnlyList<VimPortPairGroup> PortPairGroups,
    IReadOnlyList<VimFlowClassifier> FlowClassifiers,
    bool Symmetric,
    string? Correlation);

public sealed record VimPortPairGroup(string Id, string Key, IReadOnlyList<VimPortPair> PortPairs);

public sealed record VimPortPair(string Id, string Key, string IngressPortId, string EgressPortId);

/// <summary>A flow classifier as the VIM has it: its id and the plan it realises.</summary>
public sealed record VimFlowClassifier(string Id, FlowClassifierPlan Classifier)
{
    public string Key => Classifier.Key;
}

/// <summary>The keys a chain resource carries besides <see cref="VimTags.TenantId"/> and <see cref="VimTags.ResourceKey"/> (its own key).</summary>
public static class ChainTags
{
    /// <summary>The owner of the chain: the NS instance.</summary>
    public const string OwnerId = "mano.owner_id";
    public const string ChainKey = "mano.chain_key";
}

/// <summary>Checks every driver applies before touching a VIM: keys present and unique, ranges sane.</summary>
public static class PortChainPlanValidation
{
    /// <summary>Characters Mano's keys may not contain: drivers use them as separators in names/descriptions.</summary>
    public const string ReservedCharacters = "|";

    public static void Validate(PortChainPlan plan, string operation)
    {
        ArgumentNullException.ThrowIfNull(plan);
        RequireKey(operation, "tenant id", plan.TenantId);
        RequireKey(operation, "owner id", plan.OwnerId);
        RequireKey(operation, "chain key", plan.ChainKey);
        if (plan.PortPairGroups.Count == 0)
            throw new VimException(operation, $"chain '{plan.ChainKey}' has no port pair group (a chain needs at least one hop)");
        if (plan.FlowClassifiers.Count == 0)
            throw new VimException(operation, $"chain '{plan.ChainKey}' has no flow classifier (nothing would enter it)");
        if (plan.Correlation is not null && plan.Correlation != PortChainPlan.MplsCorrelation)
            throw new VimException(operation, $"chain '{plan.ChainKey}': correlation '{plan.Correlation}' is not supported (mpls or none)");
        Unique(operation, "port pair group", plan.PortPairGroups.Select(g => g.Key));
        Unique(operation, "port pair", plan.PortPairGroups.SelectMany(g => g.PortPairs).Select(p => p.Key));
        Unique(operation, "flow classifier", plan.FlowClassifiers.Select(f => f.Key));
        foreach (var g in plan.PortPairGroups)
        {
            RequireKey(operation, "port pair group key", g.Key);
            if (g.PortPairs.Count == 0)
                throw new VimException(operation, $"chain '{plan.ChainKey}': port pair group '{g.Key}' has no port pair");
            foreach (var p in g.PortPairs)
            {
                RequireKey(operation, "port pair key", p.Key);
                if (string.IsNullOrWhiteSpace(p.IngressPortId) || string.IsNullOrWhiteSpace(p.EgressPortId))
                    throw new VimException(operation, $"chain '{plan.ChainKey}': port pair '{p.Key}' needs an ingress and an egress port");
            }
        }
        // networking-sfc: a port belongs to one port pair only.
        var ports = plan.PortPairGroups.SelectMany(g => g.PortPairs)
            .SelectMany(p => p.IngressPortId == p.EgressPortId ? [p.IngressPortId] : new[] { p.IngressPortId, p.EgressPortId })
            .GroupBy(p => p, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (ports is not null)
            throw new VimException(operation, $"chain '{plan.ChainKey}': port '{ports.Key}' is in more than one port pair");
        foreach (var f in plan.FlowClassifiers)
        {
            RequireKey(operation, "flow classifier key", f.Key);
            if (f.Ethertype is not ("IPv4" or "IPv6"))
                throw new VimException(operation, $"chain '{plan.ChainKey}': flow classifier '{f.Key}' ethertype '{f.Ethertype}' is not IPv4 or IPv6");
            CheckRange(operation, plan.ChainKey, f, "source", f.SourcePortRangeMin, f.SourcePortRangeMax);
            CheckRange(operation, plan.ChainKey, f, "destination", f.DestinationPortRangeMin, f.DestinationPortRangeMax);
        }
    }

    private static void CheckRange(string operation, string chain, FlowClassifierPlan f, string which, int? min, int? max)
    {
        if (min is null && max is null) return;
        if (min is null || max is null || min < 0 || max > 65535 || min > max)
            throw new VimException(operation, $"chain '{chain}': flow classifier '{f.Key}' has an invalid {which} port range {min}-{max}");
        if (f.Protocol?.ToLowerInvariant() is not ("tcp" or "udp" or "sctp"))
            throw new VimException(operation, $"chain '{chain}': flow classifier '{f.Key}' has a {which} port range but protocol '{f.Protocol}' (tcp, udp or sctp needed)");
    }

    private static void RequireKey(string operation, string what, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new VimException(operation, $"the chain's {what} is empty");
        if (value.IndexOfAny(ReservedCharacters.ToCharArray()) >= 0)
            throw new VimException(operation, $"the chain's {what} '{value}' contains a reserved character ({ReservedCharacters})");
    }

    private static void Unique(string operation, string what, IEnumerable<string> keys)
    {
        var dup = keys.GroupBy(k => k, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new VimException(operation, $"two {what}s have the key '{dup.Key}'");
    }
}

/// <summary>Picks the chain driver for a VIM's <c>vimType</c> (like <see cref="VimDriverRegistry"/>).</summary>
public sealed class VimChainDriverRegistry
{
    private readonly Dictionary<string, IVimChainDriver> _drivers = new(StringComparer.Ordinal);

    public VimChainDriverRegistry(IEnumerable<IVimChainDriver> drivers)
    {
        ArgumentNullException.ThrowIfNull(drivers);
        foreach (var driver in drivers)
        {
            if (!_drivers.TryAdd(driver.VimType, driver))
                throw new ArgumentException($"two VIM chain drivers registered for VIM type '{driver.VimType}'", nameof(drivers));
        }
    }

    public IReadOnlyCollection<string> SupportedVimTypes => _drivers.Keys;

    /// <exception cref="VimException">No chain driver serves <paramref name="vimType"/> (e.g. Kubernetes: no service chaining).</exception>
    public IVimChainDriver For(string vimType) =>
        TryGet(vimType, out var driver)
            ? driver
            : throw new VimException("resolve_chain_driver",
                $"VIM type '{vimType}' has no service function chaining driver (supported: {(_drivers.Count == 0 ? "none" : string.Join(", ", _drivers.Keys.Order(StringComparer.Ordinal)))})");

    public bool TryGet(string vimType, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IVimChainDriver? driver) =>
        _drivers.TryGetValue(vimType ?? "", out driver);
}
