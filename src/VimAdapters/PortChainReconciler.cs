namespace Mano.VimAdapters;

/// <summary>The four kinds of networking-sfc resource, in the order a chain is built (and the reverse of deletion).</summary>
internal enum SfcPartKind { PortPair, PortPairGroup, FlowClassifier, PortChain }

/// <summary>Mano's keys on a chain resource: tenant, owner (NS instance), chain key and the part's own key (the chain's is its chain key).</summary>
internal sealed record SfcMarker(string TenantId, string OwnerId, string ChainKey, string Key);

/// <summary>One chain resource as a VIM reports it; <see cref="Marker"/> is null for resources Mano did not make.</summary>
internal sealed record SfcPart(SfcPartKind Kind, string Id, SfcMarker? Marker)
{
    public string? Ingress { get; init; }
    public string? Egress { get; init; }
    /// <summary>Port pair group: its port pairs. Port chain: its port pair groups, in order.</summary>
    public IReadOnlyList<string> Members { get; init; } = [];
    /// <summary>Port chain: its flow classifiers.</summary>
    public IReadOnlyList<string> FlowClassifiers { get; init; } = [];
    /// <summary>Flow classifier: what it matches (its key = the marker's key).</summary>
    public FlowClassifierPlan? Classifier { get; init; }
    public bool Symmetric { get; init; }
    public string? Correlation { get; init; }
}

/// <summary>What a VIM offers for chains: list, create, update membership, delete. Each call is one VIM API call.</summary>
internal interface ISfcApi
{
    /// <summary>Every chain resource of the tenant the VIM shows (a VIM shows one tenant's; filter by marker).</summary>
    Task<IReadOnlyList<SfcPart>> ListAsync(string tenantId, CancellationToken ct);
    Task<SfcPart> CreatePortPairAsync(SfcMarker marker, string ingress, string egress, CancellationToken ct);
    Task<SfcPart> CreatePortPairGroupAsync(SfcMarker marker, IReadOnlyList<string> portPairIds, CancellationToken ct);
    Task UpdatePortPairGroupAsync(string tenantId, string id, IReadOnlyList<string> portPairIds, CancellationToken ct);
    Task<SfcPart> CreateFlowClassifierAsync(SfcMarker marker, FlowClassifierPlan classifier, CancellationToken ct);
    Task<SfcPart> CreatePortChainAsync(SfcMarker marker, IReadOnlyList<string> groupIds, IReadOnlyList<string> classifierIds,
        bool symmetric, string? correlation, CancellationToken ct);
    Task UpdatePortChainAsync(string tenantId, string id, IReadOnlyList<string> groupIds, IReadOnlyList<string> classifierIds, CancellationToken ct);
    /// <summary>Deletes one resource; one already gone is fine.</summary>
    Task DeleteAsync(string tenantId, SfcPartKind kind, string id, CancellationToken ct);
}

/// <summary>
/// The ensure / delete / list logic shared by the sandbox and the OpenStack chain drivers: find Mano's parts by marker,
/// keep what matches the plan, change group and chain membership in place (a scaled VNF's pairs are added to or removed
/// from its hop's group without rebuilding the chain), create what is missing, then delete what the plan no longer holds.
/// Order matters because a VIM refuses to delete a part still in use and to put a part in two parents: create pairs,
/// set groups, create classifiers, set the chain, then delete stale groups, pairs and classifiers.
/// </summary>
internal static class PortChainReconciler
{
    public static async Task<VimPortChain> EnsureAsync(ISfcApi api, PortChainPlan plan, string operation, CancellationToken ct)
    {
        PortChainPlanValidation.Validate(plan, operation);
        var all = await api.ListAsync(plan.TenantId, ct).ConfigureAwait(false);
        var mine = all.Where(p => p.Marker is { } m && m.TenantId == plan.TenantId && m.OwnerId == plan.OwnerId && m.ChainKey == plan.ChainKey).ToList();
        var stale = new List<SfcPart>();
        SfcMarker Marker(string key) => new(plan.TenantId, plan.OwnerId, plan.ChainKey, key);

        // Port pairs: kept when key and ports match; a pair whose ports changed (a healed VNFC got new ports) is replaced.
        var pairs = new Dictionary<string, SfcPart>(StringComparer.Ordinal);
        var plannedPairs = plan.PortPairGroups.SelectMany(g => g.PortPairs).ToDictionary(p => p.Key, StringComparer.Ordinal);
        var existingPairs = mine.Where(p => p.Kind == SfcPartKind.PortPair).ToList();
        foreach (var p in existingPairs)
        {
            if (plannedPairs.TryGetValue(p.Marker!.Key, out var want) && want.IngressPortId == p.Ingress && want.EgressPortId == p.Egress)
                pairs.TryAdd(want.Key, p);
        }
        // A pair with the same ports under another key (the VNFC got another id) is reused: a VIM refuses a port in two pairs.
        foreach (var want in plannedPairs.Values.Where(w => !pairs.ContainsKey(w.Key)))
        {
            var same = existingPairs.FirstOrDefault(p => p.Ingress == want.IngressPortId && p.Egress == want.EgressPortId && !pairs.Values.Contains(p));
            if (same is not null) pairs[want.Key] = same;
        }
        stale.AddRange(existingPairs.Where(p => !pairs.Values.Contains(p)));
        foreach (var want in plannedPairs.Values.Where(w => !pairs.ContainsKey(w.Key)))
            pairs[want.Key] = await api.CreatePortPairAsync(Marker(want.Key), want.IngressPortId, want.EgressPortId, ct).ConfigureAwait(false);

        // Port pair groups: membership set in place (load sharing follows scaling).
        var groups = new Dictionary<string, SfcPart>(StringComparer.Ordinal);
        var existingGroups = mine.Where(p => p.Kind == SfcPartKind.PortPairGroup).ToList();
        var keptGroups = new HashSet<string>(StringComparer.Ordinal);
        foreach (var want in plan.PortPairGroups)
        {
            var ids = want.PortPairs.Select(p => pairs[p.Key].Id).ToList();
            var found = existingGroups.FirstOrDefault(g => g.Marker!.Key == want.Key && !keptGroups.Contains(g.Id));
            if (found is null)
            {
                groups[want.Key] = await api.CreatePortPairGroupAsync(Marker(want.Key), ids, ct).ConfigureAwait(false);
                keptGroups.Add(groups[want.Key].Id);
                continue;
            }
            if (!found.Members.Order(StringComparer.Ordinal).SequenceEqual(ids.Order(StringComparer.Ordinal)))
            {
                await api.UpdatePortPairGroupAsync(plan.TenantId, found.Id, ids, ct).ConfigureAwait(false);
                found = found with { Members = ids };
            }
            groups[want.Key] = found;
            keptGroups.Add(found.Id);
        }
        stale.AddRange(existingGroups.Where(g => !keptGroups.Contains(g.Id)));

        // Flow classifiers cannot be changed in networking-sfc: a changed one is replaced.
        var classifiers = new Dictionary<string, SfcPart>(StringComparer.Ordinal);
        var plannedClassifiers = plan.FlowClassifiers.ToDictionary(f => f.Key, StringComparer.Ordinal);
        foreach (var f in mine.Where(p => p.Kind == SfcPartKind.FlowClassifier))
        {
            if (plannedClassifiers.TryGetValue(f.Marker!.Key, out var want) && SameClassifier(want, f.Classifier) && classifiers.TryAdd(want.Key, f)) continue;
            stale.Add(f);
        }
        foreach (var want in plan.FlowClassifiers.Where(w => !classifiers.ContainsKey(w.Key)))
            classifiers[want.Key] = await api.CreateFlowClassifierAsync(Marker(want.Key), want, ct).ConfigureAwait(false);

        // The chain: groups in order and classifiers updated in place; chain parameters cannot change, so a chain whose
        // symmetry or correlation differs is replaced.
        var groupIds = plan.PortPairGroups.Select(g => groups[g.Key].Id).ToList();
        var classifierIds = plan.FlowClassifiers.Select(f => classifiers[f.Key].Id).ToList();
        var chains = mine.Where(p => p.Kind == SfcPartKind.PortChain).ToList();
        var chain = chains.FirstOrDefault(c => c.Symmetric == plan.Symmetric && (plan.Correlation is null || c.Correlation == plan.Correlation));
        foreach (var other in chains.Where(c => c != chain))
            await api.DeleteAsync(plan.TenantId, SfcPartKind.PortChain, other.Id, ct).ConfigureAwait(false);
        if (chain is null)
        {
            chain = await api.CreatePortChainAsync(Marker(plan.ChainKey), groupIds, classifierIds, plan.Symmetric, plan.Correlation, ct).ConfigureAwait(false);
        }
        else if (!chain.Members.SequenceEqual(groupIds) || !chain.FlowClassifiers.Order(StringComparer.Ordinal).SequenceEqual(classifierIds.Order(StringComparer.Ordinal)))
        {
            await api.UpdatePortChainAsync(plan.TenantId, chain.Id, groupIds, classifierIds, ct).ConfigureAwait(false);
        }

        // What the plan no longer holds, parents first (groups free their pairs).
        foreach (var kind in new[] { SfcPartKind.PortPairGroup, SfcPartKind.PortPair, SfcPartKind.FlowClassifier })
            foreach (var s in stale.Where(s => s.Kind == kind))
                await api.DeleteAsync(plan.TenantId, kind, s.Id, ct).ConfigureAwait(false);

        return new VimPortChain(chain.Id, plan.TenantId, plan.OwnerId, plan.ChainKey,
            plan.PortPairGroups.Select(g => new VimPortPairGroup(groups[g.Key].Id, g.Key,
                g.PortPairs.Select(p => new VimPortPair(pairs[p.Key].Id, p.Key, p.IngressPortId, p.EgressPortId)).ToList())).ToList(),
            plan.FlowClassifiers.Select(f => new VimFlowClassifier(classifiers[f.Key].Id, f)).ToList(),
            plan.Symmetric, chain.Correlation ?? plan.Correlation);
    }

    /// <summary>Equal up to what a VIM normalises: protocol case, a host address as a /32 (/128) prefix.</summary>
    internal static bool SameClassifier(FlowClassifierPlan want, FlowClassifierPlan? have) =>
        have is not null && Normalise(want) == Normalise(have);

    private static FlowClassifierPlan Normalise(FlowClassifierPlan f) => f with
    {
        Protocol = f.Protocol?.ToLowerInvariant(),
        SourceIpPrefix = Prefix(f.SourceIpPrefix),
        DestinationIpPrefix = Prefix(f.DestinationIpPrefix),
    };

    /// <summary>A bare host address as a /32 (IPv4) or /128 (IPv6) prefix, which networking-sfc requires.</summary>
    internal static string? Prefix(string? p) =>
        p is null || p.Contains('/', StringComparison.Ordinal) ? p : p + (p.Contains(':', StringComparison.Ordinal) ? "/128" : "/32");

    /// <summary>Deletes the owner's chain resources (or one chain's): chains, then groups, pairs and classifiers.</summary>
    public static async Task DeleteAsync(ISfcApi api, string tenantId, string ownerId, string? chainKey, string operation, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(tenantId) || string.IsNullOrWhiteSpace(ownerId))
            throw new VimException(operation, "tenant id and owner id are required");
        var all = await api.ListAsync(tenantId, ct).ConfigureAwait(false);
        var mine = all.Where(p => p.Marker is { } m && m.TenantId == tenantId && m.OwnerId == ownerId && (chainKey is null || m.ChainKey == chainKey)).ToList();
        foreach (var kind in new[] { SfcPartKind.PortChain, SfcPartKind.PortPairGroup, SfcPartKind.PortPair, SfcPartKind.FlowClassifier })
            foreach (var p in mine.Where(p => p.Kind == kind))
                await api.DeleteAsync(tenantId, kind, p.Id, ct).ConfigureAwait(false);
    }

    /// <summary>The tenant's Mano chains (all owners or one) with their parts as the VIM has them now (a group's pairs ordered by key).</summary>
    public static async Task<IReadOnlyList<VimPortChain>> ListAsync(ISfcApi api, string tenantId, string? ownerId, string operation, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(tenantId)) throw new VimException(operation, "tenant id is required");
        var all = await api.ListAsync(tenantId, ct).ConfigureAwait(false);
        var byId = all.GroupBy(p => p.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        string KeyOf(SfcPart? p) => p?.Marker?.Key ?? "";
        return all
            .Where(p => p.Kind == SfcPartKind.PortChain && p.Marker is { } m && m.TenantId == tenantId && (ownerId is null || m.OwnerId == ownerId))
            .OrderBy(p => p.Marker!.OwnerId, StringComparer.Ordinal).ThenBy(p => p.Marker!.ChainKey, StringComparer.Ordinal)
            .Select(c => new VimPortChain(c.Id, tenantId, c.Marker!.OwnerId, c.Marker.ChainKey,
                c.Members.Select(gid =>
                {
                    var g = byId.GetValueOrDefault(gid);
                    return new VimPortPairGroup(gid, KeyOf(g), (g?.Members ?? []).Select(pid =>
                    {
                        var p = byId.GetValueOrDefault(pid);
                        return new VimPortPair(pid, KeyOf(p), p?.Ingress ?? "", p?.Egress ?? "");
                    }).OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal).ToList());   // a group is a set: VIMs do not keep the order
                }).ToList(),
                c.FlowClassifiers.Select(fid =>
                {
                    var f = byId.GetValueOrDefault(fid);
                    return new VimFlowClassifier(fid, f?.Classifier ?? new FlowClassifierPlan(KeyOf(f)));
                }).ToList(),
                c.Symmetric, c.Correlation))
            .ToList();
    }
}
