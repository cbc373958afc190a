namespace Mano.VimAdapters;

/// <summary>
/// The <see cref="IVimChainDriver"/> of the sandbox VIM: simulated networking-sfc chains in the <see cref="SandboxCloud"/>,
/// driven through its cloud API (latency, faults and call counts apply). Mano's keys are tags on every chain resource.
/// </summary>
public sealed class SandboxChainDriver(SandboxCloud cloud) : IVimChainDriver
{
    private readonly SandboxCloud _cloud = cloud ?? throw new ArgumentNullException(nameof(cloud));

    public string VimType => VimTypes.Sandbox;

    public Task<VimPortChain> EnsurePortChainAsync(VimConnectionInfo vim, PortChainPlan plan, CancellationToken ct)
    {
        CheckVim(vim, "ensure_port_chain");
        return PortChainReconciler.EnsureAsync(new Api(_cloud), plan, "ensure_port_chain", ct);
    }

    public Task DeletePortChainsAsync(VimConnectionInfo vim, string tenantId, string ownerId, string? chainKey, CancellationToken ct)
    {
        CheckVim(vim, "delete_port_chains");
        return PortChainReconciler.DeleteAsync(new Api(_cloud), tenantId, ownerId, chainKey, "delete_port_chains", ct);
    }

    public Task<IReadOnlyList<VimPortChain>> ListPortChainsAsync(VimConnectionInfo vim, string tenantId, string? ownerId, CancellationToken ct)
    {
        CheckVim(vim, "list_port_chains");
        return PortChainReconciler.ListAsync(new Api(_cloud), tenantId, ownerId, "list_port_chains", ct);
    }

    private void CheckVim(VimConnectionInfo vim, string operation)
    {
        ArgumentNullException.ThrowIfNull(vim);
        if (!string.Equals(vim.VimType, VimType, StringComparison.Ordinal))
            throw new VimException(operation, $"VIM '{vim.VimId}' has type '{vim.VimType}'; the sandbox chain driver serves '{VimType}'");
    }

    /// <summary>The tags that carry Mano's keys on a sandbox chain resource.</summary>
    internal static Dictionary<string, string> Tags(SfcMarker m) => new(StringComparer.Ordinal)
    {
        [VimTags.TenantId] = m.TenantId,
        [ChainTags.OwnerId] = m.OwnerId,
        [ChainTags.ChainKey] = m.ChainKey,
        [VimTags.ResourceKey] = m.Key,
    };

    private sealed class Api(SandboxCloud cloud) : ISfcApi
    {
        public async Task<IReadOnlyList<SfcPart>> ListAsync(string tenantId, CancellationToken ct) =>
            (await cloud.ListSfcResourcesAsync(tenantId, null, ct).ConfigureAwait(false)).Select(ToPart).ToList();

        public async Task<SfcPart> CreatePortPairAsync(SfcMarker marker, string ingress, string egress, CancellationToken ct) =>
            ToPart(await cloud.CreatePortPairAsync(marker.TenantId, Name(marker), ingress, egress, Tags(marker), ct).ConfigureAwait(false));

        public async Task<SfcPart> CreatePortPairGroupAsync(SfcMarker marker, IReadOnlyList<string> portPairIds, CancellationToken ct) =>
            ToPart(await cloud.CreatePortPairGroupAsync(marker.TenantId, Name(marker), portPairIds, Tags(marker), ct).ConfigureAwait(false));

        public Task UpdatePortPairGroupAsync(string tenantId, string id, IReadOnlyList<string> portPairIds, CancellationToken ct) =>
            cloud.UpdatePortPairGroupAsync(tenantId, id, portPairIds, ct);

        public async Task<SfcPart> CreateFlowClassifierAsync(SfcMarker marker, FlowClassifierPlan classifier, CancellationToken ct) =>
            ToPart(await cloud.CreateFlowClassifierAsync(marker.TenantId, Name(marker), classifier, Tags(marker), ct).ConfigureAwait(false));

        public async Task<SfcPart> CreatePortChainAsync(SfcMarker marker, IReadOnlyList<string> groupIds, IReadOnlyList<string> classifierIds,
            bool symmetric, string? correlation, CancellationToken ct) =>
            ToPart(await cloud.CreatePortChainAsync(marker.TenantId, Name(marker), groupIds, classifierIds, symmetric, correlation, Tags(marker), ct).ConfigureAwait(false));

        public Task UpdatePortChainAsync(string tenantId, string id, IReadOnlyList<string> groupIds, IReadOnlyList<string> classifierIds, CancellationToken ct) =>
            cloud.UpdatePortChainAsync(tenantId, id, groupIds, classifierIds, ct);

        public Task DeleteAsync(string tenantId, SfcPartKind kind, string id, CancellationToken ct) =>
            cloud.DeleteSfcResourceAsync(tenantId, (SandboxSfcKind)(int)kind, id, ct);

        private static string Name(SfcMarker m) => $"mano-{m.ChainKey}-{m.Key}";

        private static SfcPart ToPart(SandboxSfcResource r)
        {
            SfcMarker? marker = r.Tags.TryGetValue(VimTags.TenantId, out var t) && r.Tags.TryGetValue(ChainTags.OwnerId, out var o)
                && r.Tags.TryGetValue(ChainTags.ChainKey, out var c) && r.Tags.TryGetValue(VimTags.ResourceKey, out var k)
                ? new SfcMarker(t, o, c, k) : null;
            return new SfcPart((SfcPartKind)(int)r.Kind, r.Id, marker)
            {
                Ingress = r.Ingress, Egress = r.Egress,
                Members = r.Kind == SandboxSfcKind.PortChain ? r.PortPairGroups : r.PortPairs,
                FlowClassifiers = r.FlowClassifiers, Symmetric = r.Symmetric, Correlation = r.Correlation,
                Classifier = r.Classifier is null || marker is null ? r.Classifier : r.Classifier with { Key = marker.Key },
            };
        }
    }
}
