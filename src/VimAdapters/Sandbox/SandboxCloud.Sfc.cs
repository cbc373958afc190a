using System.Text.Json.Serialization;

namespace Mano.VimAdapters;

/// <summary>The kinds of simulated service function chain resource (networking-sfc's model).</summary>
public enum SandboxSfcKind { PortPair, PortPairGroup, FlowClassifier, PortChain }

/// <summary>One simulated chain resource as the sandbox reports it (fields by kind).</summary>
public sealed record SandboxSfcResource(string Id, SandboxSfcKind Kind, string TenantId, string Name, IReadOnlyDictionary<string, string> Tags)
{
    public string? Ingress { get; init; }
    public string? Egress { get; init; }
    public IReadOnlyList<string> PortPairs { get; init; } = [];
    public IReadOnlyList<string> PortPairGroups { get; init; } = [];
    public IReadOnlyList<string> FlowClassifiers { get; init; } = [];
    public FlowClassifierPlan? Classifier { get; init; }
    public bool Symmetric { get; init; }
    public string? Correlation { get; init; }
    public bool Sandbox => true;
}

/// <summary>One chain resource inside the sandbox (persisted).</summary>
internal sealed class SandboxSfcEntry
{
    public string Id { get; set; } = "";
    public long Seq { get; set; }
    public SandboxSfcKind Kind { get; set; }
    public string TenantId { get; set; } = "";
    public string Name { get; set; } = "";
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
    public DateTimeOffset CreatedAt { get; set; }
    public string? Ingress { get; set; }
    public string? Egress { get; set; }
    public List<string> PortPairs { get; set; } = [];
    public List<string> PortPairGroups { get; set; } = [];
    public List<string> FlowClassifiers { get; set; } = [];
    public FlowClassifierPlan? Classifier { get; set; }
    public bool Symmetric { get; set; }
    public string? Correlation { get; set; }

    [JsonIgnore]
    public string What => Kind switch
    {
        SandboxSfcKind.PortPair => "port pair",
        SandboxSfcKind.PortPairGroup => "port pair group",
        SandboxSfcKind.FlowClassifier => "flow classifier",
        _ => "port chain",
    };
}

/// <summary>
/// Simulated service function chains, validated the way networking-sfc validates them: a port pair's ports exist in the
/// tenant and sit on the same server (or both on none), a port is in one port pair only, a pair in one group only, a
/// group and a flow classifier in one chain only, and nothing in use can be deleted. Chain calls pay the latency, are
/// counted and can be failed like every other cloud API call.
/// </summary>
public sealed partial class SandboxCloud
{
    private readonly Dictionary<string, SandboxSfcEntry> _sfc = new(StringComparer.Ordinal);

    public Task<SandboxSfcResource> CreatePortPairAsync(string tenantId, string name, string ingressPortId, string egressPortId,
        IReadOnlyDictionary<string, string>? tags = null, CancellationToken ct = default) =>
        CallAsync(SandboxOperations.CreatePortPair, tenantId, mutates: true, () =>
        {
            const string op = SandboxOperations.CreatePortPair;
            var ingress = Find(tenantId, ingressPortId, VimResourceKind.Port)
                ?? throw new VimException(op, $"ingress port '{ingressPortId}' not found in tenant '{tenantId}'");
            var egress = Find(tenantId, egressPortId, VimResourceKind.Port)
                ?? throw new VimException(op, $"egress port '{egressPortId}' not found in tenant '{tenantId}'");
            if (ingress.ServerId != egress.ServerId)
                throw new VimException(op, $"ingress port '{ingressPortId}' and egress port '{egressPortId}' are on different servers");
            foreach (var port in new[] { ingressPortId, egressPortId }.Distinct(StringComparer.Ordinal))
            {
                var used = SfcOf(tenantId, SandboxSfcKind.PortPair).FirstOrDefault(p => p.Ingress == port || p.Egress == port);
                if (used is not null) throw new VimException(op, $"port '{port}' is already in port pair '{used.Id}'");
            }
            return AddSfc(new SandboxSfcEntry
            {
                Kind = SandboxSfcKind.PortPair, TenantId = tenantId, Name = name, Tags = CopyTags(tags), Ingress = ingressPortId, Egress = egressPortId,
            });
        }, ct);

    public Task<SandboxSfcResource> CreatePortPairGroupAsync(string tenantId, string name, IReadOnlyList<string> portPairIds,
        IReadOnlyDictionary<string, string>? tags = null, CancellationToken ct = default) =>
        CallAsync(SandboxOperations.CreatePortPairGroup, tenantId, mutates: true, () =>
        {
            CheckGroupMembers(SandboxOperations.CreatePortPairGroup, tenantId, null, portPairIds);
            return AddSfc(new SandboxSfcEntry
            {
                Kind = SandboxSfcKind.PortPairGroup, TenantId = tenantId, Name = name, Tags = CopyTags(tags), PortPairs = [.. portPairIds],
            });
        }, ct);

    /// <summary>Replaces the group's port pairs (what a scale of the hop's VNF does).</summary>
    public Task<SandboxSfcResource> UpdatePortPairGroupAsync(string tenantId, string groupId, IReadOnlyList<string> portPairIds, CancellationToken ct = default) =>
        CallAsync(SandboxOperations.UpdatePortPairGroup, tenantId, mutates: true, () =>
        {
            const string op = SandboxOperations.UpdatePortPairGroup;
            var group = FindSfc(tenantId, groupId, SandboxSfcKind.PortPairGroup) ?? throw new VimException(op, $"port pair group '{groupId}' not found in tenant '{tenantId}'");
            CheckGroupMembers(op, tenantId, group.Id, portPairIds);
            group.PortPairs = [.. portPairIds];
            return ToSfcResource(group);
        }, ct);

    public Task<SandboxSfcResource> CreateFlowClassifierAsync(string tenantId, string name, FlowClassifierPlan classifier,
        IReadOnlyDictionary<string, string>? tags = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        return CallAsync(SandboxOperations.CreateFlowClassifier, tenantId, mutates: true, () =>
        {
            const string op = SandboxOperations.CreateFlowClassifier;
            foreach (var port in new[] { classifier.LogicalSourcePortId, classifier.LogicalDestinationPortId }.OfType<string>())
            {
                if (Find(tenantId, port, VimResourceKind.Port) is null)
                    throw new VimException(op, $"logical port '{port}' not found in tenant '{tenantId}'");
            }
            if (classifier.SourceIpPrefix is { } s && !IsPrefix(s)) throw new VimException(op, $"source_ip_prefix '{s}' is not an IP prefix");
            if (classifier.DestinationIpPrefix is { } d && !IsPrefix(d)) throw new VimException(op, $"destination_ip_prefix '{d}' is not an IP prefix");
            return AddSfc(new SandboxSfcEntry
            {
                Kind = SandboxSfcKind.FlowClassifier, TenantId = tenantId, Name = name, Tags = CopyTags(tags), Classifier = classifier,
            });
        }, ct);
    }

    public Task<SandboxSfcResource> CreatePortChainAsync(string tenantId, string name, IReadOnlyList<string> portPairGroupIds,
        IReadOnlyList<string> flowClassifierIds, bool symmetric, string? correlation, IReadOnlyDictionary<string, string>? tags = null,
        CancellationToken ct = default) =>
        CallAsync(SandboxOperations.CreatePortChain, tenantId, mutates: true, () =>
        {
            CheckChainMembers(SandboxOperations.CreatePortChain, tenantId, null, portPairGroupIds, flowClassifierIds);
            return AddSfc(new SandboxSfcEntry
            {
                Kind = SandboxSfcKind.PortChain, TenantId = tenantId, Name = name, Tags = CopyTags(tags),
                PortPairGroups = [.. portPairGroupIds], FlowClassifiers = [.. flowClassifierIds], Symmetric = symmetric,
                Correlation = correlation ?? PortChainPlan.MplsCorrelation,   // networking-sfc's default
            });
        }, ct);

    /// <summary>Replaces the chain's port pair groups (in order) and flow classifiers.</summary>
    public Task<SandboxSfcResource> UpdatePortChainAsync(string tenantId, string chainId, IReadOnlyList<string> portPairGroupIds,
        IReadOnlyList<string> flowClassifierIds, CancellationToken ct = default) =>
        CallAsync(SandboxOperations.UpdatePortChain, tenantId, mutates: true, () =>
        {
            const string op = SandboxOperations.UpdatePortChain;
            var chain = FindSfc(tenantId, chainId, SandboxSfcKind.PortChain) ?? throw new VimException(op, $"port chain '{chainId}' not found in tenant '{tenantId}'");
            CheckChainMembers(op, tenantId, chain.Id, portPairGroupIds, flowClassifierIds);
            chain.PortPairGroups = [.. portPairGroupIds];
            chain.FlowClassifiers = [.. flowClassifierIds];
            return ToSfcResource(chain);
        }, ct);

    /// <summary>Deletes one chain resource; refuses while a parent uses it. False: no such resource of that kind.</summary>
    public Task<bool> DeleteSfcResourceAsync(string tenantId, SandboxSfcKind kind, string id, CancellationToken ct = default)
    {
        var op = kind switch
        {
            SandboxSfcKind.PortPair => SandboxOperations.DeletePortPair,
            SandboxSfcKind.PortPairGroup => SandboxOperations.DeletePortPairGroup,
            SandboxSfcKind.FlowClassifier => SandboxOperations.DeleteFlowClassifier,
            _ => SandboxOperations.DeletePortChain,
        };
        return CallAsync(op, tenantId, mutates: true, () =>
        {
            var entry = FindSfc(tenantId, id, kind);
            if (entry is null) return false;
            var user = kind switch
            {
                SandboxSfcKind.PortPair => SfcOf(tenantId, SandboxSfcKind.PortPairGroup).FirstOrDefault(g => g.PortPairs.Contains(id)),
                SandboxSfcKind.PortPairGroup => SfcOf(tenantId, SandboxSfcKind.PortChain).FirstOrDefault(c => c.PortPairGroups.Contains(id)),
                SandboxSfcKind.FlowClassifier => SfcOf(tenantId, SandboxSfcKind.PortChain).FirstOrDefault(c => c.FlowClassifiers.Contains(id)),
                _ => null,
            };
            if (user is not null) throw new VimException(op, $"{entry.What} '{id}' is in use by {user.What} '{user.Id}'");
            _sfc.Remove(id);
            return true;
        }, ct);
    }

    /// <summary>The tenant's chain resources carrying every given tag, oldest first.</summary>
    public Task<IReadOnlyList<SandboxSfcResource>> ListSfcResourcesAsync(string tenantId, IReadOnlyDictionary<string, string>? tags = null,
        CancellationToken ct = default) =>
        CallAsync<IReadOnlyList<SandboxSfcResource>>(SandboxOperations.ListSfcResources, tenantId, mutates: false, () => SelectSfc(tenantId, tags), ct);

    /// <summary>Admin API: the tenant's chain resources (no latency, no faults).</summary>
    public IReadOnlyList<SandboxSfcResource> QuerySfcResources(string tenantId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        lock (_gate) return SelectSfc(tenantId, null);
    }

    // ------------------------------------------------------------------ internals (caller holds _gate)

    private void CheckGroupMembers(string op, string tenantId, string? groupId, IReadOnlyList<string> portPairIds)
    {
        ArgumentNullException.ThrowIfNull(portPairIds);
        if (portPairIds.Distinct(StringComparer.Ordinal).Count() != portPairIds.Count) throw new VimException(op, "a port pair is listed twice");
        foreach (var id in portPairIds)
        {
            if (FindSfc(tenantId, id, SandboxSfcKind.PortPair) is null) throw new VimException(op, $"port pair '{id}' not found in tenant '{tenantId}'");
            var other = SfcOf(tenantId, SandboxSfcKind.PortPairGroup).FirstOrDefault(g => g.Id != groupId && g.PortPairs.Contains(id));
            if (other is not null) throw new VimException(op, $"port pair '{id}' is already in port pair group '{other.Id}'");
        }
    }

    private void CheckChainMembers(string op, string tenantId, string? chainId, IReadOnlyList<string> groupIds, IReadOnlyList<string> classifierIds)
    {
        ArgumentNullException.ThrowIfNull(groupIds);
        ArgumentNullException.ThrowIfNull(classifierIds);
        if (groupIds.Count == 0) throw new VimException(op, "a port chain needs at least one port pair group");
        if (groupIds.Distinct(StringComparer.Ordinal).Count() != groupIds.Count) throw new VimException(op, "a port pair group is listed twice");
        if (classifierIds.Distinct(StringComparer.Ordinal).Count() != classifierIds.Count) throw new VimException(op, "a flow classifier is listed twice");
        var others = SfcOf(tenantId, SandboxSfcKind.PortChain).Where(c => c.Id != chainId).ToList();
        foreach (var id in groupIds)
        {
            if (FindSfc(tenantId, id, SandboxSfcKind.PortPairGroup) is null) throw new VimException(op, $"port pair group '{id}' not found in tenant '{tenantId}'");
            if (others.FirstOrDefault(c => c.PortPairGroups.Contains(id)) is { } c)
                throw new VimException(op, $"port pair group '{id}' is already in port chain '{c.Id}'");
        }
        foreach (var id in classifierIds)
        {
            if (FindSfc(tenantId, id, SandboxSfcKind.FlowClassifier) is null) throw new VimException(op, $"flow classifier '{id}' not found in tenant '{tenantId}'");
            if (others.FirstOrDefault(c => c.FlowClassifiers.Contains(id)) is { } c)
                throw new VimException(op, $"flow classifier '{id}' is already in port chain '{c.Id}'");
        }
    }

    private static bool IsPrefix(string prefix)
    {
        var slash = prefix.IndexOf('/', StringComparison.Ordinal);
        var address = slash < 0 ? prefix : prefix[..slash];
        if (!System.Net.IPAddress.TryParse(address, out var ip)) return false;
        if (slash < 0) return true;
        var max = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32;
        return int.TryParse(prefix[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var len) && len <= max;
    }

    private SandboxSfcEntry? FindSfc(string tenantId, string id, SandboxSfcKind kind) =>
        _sfc.TryGetValue(id, out var e) && e.TenantId == tenantId && e.Kind == kind ? e : null;

    private IEnumerable<SandboxSfcEntry> SfcOf(string tenantId, SandboxSfcKind kind) =>
        _sfc.Values.Where(e => e.TenantId == tenantId && e.Kind == kind);

    private List<SandboxSfcResource> SelectSfc(string tenantId, IReadOnlyDictionary<string, string>? tags) =>
        _sfc.Values.Where(e => e.TenantId == tenantId)
            .Where(e => tags is null || tags.All(t => e.Tags.TryGetValue(t.Key, out var v) && v == t.Value))
            .OrderBy(e => e.Seq).Select(ToSfcResource).ToList();

    private SandboxSfcResource AddSfc(SandboxSfcEntry entry)
    {
        entry.Id = Guid.NewGuid().ToString();
        entry.Seq = _nextSeq++;
        entry.CreatedAt = _time.GetUtcNow();
        _sfc.Add(entry.Id, entry);
        return ToSfcResource(entry);
    }

    private static SandboxSfcResource ToSfcResource(SandboxSfcEntry e) =>
        new(e.Id, e.Kind, e.TenantId, e.Name, new Dictionary<string, string>(e.Tags, StringComparer.Ordinal))
        {
            Ingress = e.Ingress, Egress = e.Egress, PortPairs = [.. e.PortPairs], PortPairGroups = [.. e.PortPairGroups],
            FlowClassifiers = [.. e.FlowClassifiers], Classifier = e.Classifier, Symmetric = e.Symmetric, Correlation = e.Correlation,
        };

    private void LoadSfc(string path, List<SandboxSfcEntry>? entries)
    {
        foreach (var e in entries ?? [])
        {
            if (e is null || string.IsNullOrEmpty(e.Id) || string.IsNullOrEmpty(e.TenantId) || !Enum.IsDefined(e.Kind))
                throw Corrupt(path, "a chain resource has no id, no tenant or an unknown kind");
            if (_sfc.ContainsKey(e.Id) || _byId.ContainsKey(e.Id)) throw Corrupt(path, $"resource id '{e.Id}' appears twice");
            e.Tags = new Dictionary<string, string>(e.Tags ?? [], StringComparer.Ordinal);
            e.PortPairs ??= [];
            e.PortPairGroups ??= [];
            e.FlowClassifiers ??= [];
            _sfc.Add(e.Id, e);
        }
        foreach (var e in _sfc.Values)
        {
            var dangling = e.PortPairs.Concat(e.PortPairGroups).Concat(e.FlowClassifiers).FirstOrDefault(id => !_sfc.ContainsKey(id));
            if (dangling is not null) throw Corrupt(path, $"{e.What} '{e.Id}' refers to '{dangling}', which does not exist");
        }
    }
}
