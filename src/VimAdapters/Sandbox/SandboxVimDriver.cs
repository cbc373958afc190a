namespace Mano.VimAdapters;

/// <summary>
/// The <see cref="IVimDriver"/> of the sandbox VIM. It drives a <see cref="SandboxCloud"/> through its
/// cloud API exactly as a client of a real cloud would: list what is tagged with the instance, then
/// create only what is missing.
/// </summary>
public sealed class SandboxVimDriver(SandboxCloud cloud) : IVimDriver
{
    private readonly SandboxCloud _cloud = cloud ?? throw new ArgumentNullException(nameof(cloud));

    public string VimType => VimTypes.Sandbox;

    public SandboxCloud Cloud => _cloud;

    public Task<IReadOnlyList<VimResource>> InstantiateAsync(VimConnectionInfo vim, VnfResourcePlan plan, CancellationToken ct) =>
        EnsureAsync("instantiate", vim, plan, prune: false, rebuildChanged: false, heal: null, ct);

    public Task<IReadOnlyList<VimResource>> ScaleAsync(VimConnectionInfo vim, VnfResourcePlan target, CancellationToken ct) =>
        EnsureAsync("scale", vim, target, prune: true, rebuildChanged: false, heal: null, ct);

    public Task<IReadOnlyList<VimResource>> ChangeFlavourAsync(VimConnectionInfo vim, VnfResourcePlan target, CancellationToken ct) =>
        EnsureAsync("change_flavour", vim, target, prune: true, rebuildChanged: true, heal: null, ct);

    public Task<IReadOnlyList<VimResource>> ChangeExtConnAsync(VimConnectionInfo vim, VnfResourcePlan target, CancellationToken ct) =>
        EnsureAsync("change_ext_conn", vim, target, prune: true, rebuildChanged: false, heal: null, ct);

    public Task<IReadOnlyList<VimResource>> ChangeVnfpkgAsync(VimConnectionInfo vim, VnfResourcePlan target, CancellationToken ct) =>
        EnsureAsync("change_vnfpkg", vim, target, prune: true, rebuildChanged: true, heal: null, ct);

    public Task<IReadOnlyList<VimResource>> HealAsync(VimConnectionInfo vim, VnfResourcePlan plan, IReadOnlyCollection<string> vnfcKeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(vnfcKeys);
        var keys = vnfcKeys.Count > 0 ? vnfcKeys.ToHashSet(StringComparer.Ordinal) : plan.Computes.Select(c => c.ResourceKey).ToHashSet(StringComparer.Ordinal);
        return EnsureAsync("heal", vim, plan, prune: false, rebuildChanged: false, heal: keys, ct);
    }

    public Task<IReadOnlyList<VimResource>> RollbackAsync(VimConnectionInfo vim, VnfResourcePlan previous, CancellationToken ct) =>
        EnsureAsync("rollback", vim, previous, prune: true, rebuildChanged: true, heal: null, ct);

    public async Task<IReadOnlyList<VimResource>> OperateAsync(VimConnectionInfo vim, VnfResourcePlan plan, PowerChange change, CancellationToken ct)
    {
        CheckVim(vim, "operate");
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(change);
        var wanted = (change.VnfcKeys ?? plan.Computes.Select(c => c.ResourceKey).ToList()).ToHashSet(StringComparer.Ordinal);
        var servers = (await _cloud.ListResourcesAsync(plan.TenantId, InstanceTag(plan.VnfInstanceId), VimResourceKind.Compute, ct).ConfigureAwait(false))
            .Where(r => r.ResourceKey is not null && wanted.Contains(r.ResourceKey)).ToList();
        var missing = wanted.Except(servers.Select(s => s.ResourceKey!)).ToList();
        if (missing.Count > 0)
            throw new VimException("operate", $"no server for VNFC(s) {string.Join(", ", missing)} of VNF instance '{plan.VnfInstanceId}'");
        var target = change.Start ? ServerStatus.Active : ServerStatus.Shutoff;
        // Servers stop (or start) in parallel: a graceful timeout bounds the whole operation, not each server in turn.
        var results = await Task.WhenAll(servers.Select(async server =>
        {
            if (server.Status == target) return server;
            var changed = change.Start
                ? await _cloud.StartServerAsync(plan.TenantId, server.ResourceId, ct).ConfigureAwait(false)
                : await _cloud.StopServerAsync(plan.TenantId, server.ResourceId, change.Graceful, change.GracefulTimeout, ct).ConfigureAwait(false);
            return changed ?? throw new VimException("operate", $"server '{server.ResourceId}' vanished");
        })).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// The one reconciliation every resource verb is made of: list what the VIM holds for the instance, optionally
    /// delete what the plan no longer holds (<paramref name="prune"/>), then ensure each planned resource: found by its
    /// key and right, kept; found but wrong (a port on another network, a server of another size or image when
    /// <paramref name="rebuildChanged"/>, a server to <paramref name="heal"/>), fixed; missing, created.
    /// </summary>
    private async Task<IReadOnlyList<VimResource>> EnsureAsync(string operation, VimConnectionInfo vim, VnfResourcePlan plan,
        bool prune, bool rebuildChanged, IReadOnlySet<string>? heal, CancellationToken ct)
    {
        CheckVim(vim, operation);
        PlanValidation.Validate(plan, operation);
        var tenant = plan.TenantId;

        var existing = await _cloud.ListResourcesAsync(tenant, InstanceTag(plan.VnfInstanceId), kind: null, ct).ConfigureAwait(false);
        if (prune)
        {
            var wanted = new HashSet<(VimResourceKind, string)>();
            foreach (var n in plan.Networks) { wanted.Add((VimResourceKind.Network, n.ResourceKey)); wanted.Add((VimResourceKind.Subnet, n.ResourceKey)); }
            foreach (var c in plan.Computes) wanted.Add((VimResourceKind.Compute, c.ResourceKey));
            foreach (var p in plan.Ports) wanted.Add((VimResourceKind.Port, p.ResourceKey));
            foreach (var v in plan.Volumes) wanted.Add((VimResourceKind.Volume, v.ResourceKey));
            var unwanted = existing.Where(r => r.ResourceKey is null || !wanted.Contains((r.Kind, r.ResourceKey))).ToList();
            // A kept port still on a network that goes away (e.g. change_flavour moves a CP to another VL) must go
            // first, or the network cannot be deleted; the ensure below re-creates it on its planned network.
            var doomedNetworks = unwanted.Where(r => r.Kind == VimResourceKind.Network).Select(r => r.ResourceId).ToHashSet();
            unwanted.AddRange(existing.Where(r => r.Kind == VimResourceKind.Port && !unwanted.Contains(r)
                && r.Attributes.TryGetValue(VimAttributes.NetworkId, out var net) && doomedNetworks.Contains(net)));
            if (unwanted.Count > 0)
            {
                await DeleteAsync(tenant, unwanted, ct).ConfigureAwait(false);
                existing = await _cloud.ListResourcesAsync(tenant, InstanceTag(plan.VnfInstanceId), kind: null, ct).ConfigureAwait(false);
            }
        }
        var found = new Dictionary<(VimResourceKind, string), VimResource>();
        foreach (var r in existing)
        {
            if (r.ResourceKey is not null) found.TryAdd((r.Kind, r.ResourceKey), r);
        }

        var result = new List<VimResource>();
        async Task<VimResource> Ensure(VimResourceKind kind, string key, Func<Task<VimResource>> create, Func<VimResource, Task<VimResource?>>? fix = null)
        {
            if (found.TryGetValue((kind, key), out var resource) && fix is not null)
                resource = await fix(resource).ConfigureAwait(false);
            if (resource is null)
            {
                resource = await create().ConfigureAwait(false);
            }
            found[(kind, key)] = resource;
            result.Add(resource);
            return resource;
        }

        var networkIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var n in plan.Networks)
        {
            var tags = VimTags.For(plan, n.ResourceKey);
            var name = $"{n.VirtualLinkDescId}-{ShortId(plan.VnfInstanceId)}";
            var network = await Ensure(VimResourceKind.Network, n.ResourceKey,
                () => _cloud.CreateNetworkAsync(tenant, new SandboxNetworkSpec(name, Shared: false, tags), ct)).ConfigureAwait(false);
            await Ensure(VimResourceKind.Subnet, n.ResourceKey,
                () => _cloud.CreateSubnetAsync(tenant, new SandboxSubnetSpec(name, network.ResourceId, n.Cidr, n.IpVersion, tags), ct)).ConfigureAwait(false);
            networkIds[n.ResourceKey] = network.ResourceId;
        }

        var computes = new Dictionary<string, VimResource>(StringComparer.Ordinal);
        var rebuilt = false;
        foreach (var c in plan.Computes)
        {
            var spec = new SandboxServerSpec(c.Name, c.NumVirtualCpu, c.MemoryMiB, c.ImageName, c.ZoneId, VimTags.For(plan, c.ResourceKey));
            computes[c.ResourceKey] = await Ensure(VimResourceKind.Compute, c.ResourceKey,
                () => _cloud.CreateServerAsync(tenant, spec, ct),
                async server =>
                {
                    var healIt = heal is not null && heal.Contains(c.ResourceKey) && server.Tags.GetValueOrDefault(VimTags.OpOccId) != plan.OpOccId;
                    var changed = rebuildChanged && !SameSpec(server, c);
                    if (!healIt && !changed) return server;
                    // Rebuilt keeps the ports and volumes; the new server carries this op occ's tag (a retry sees it done).
                    rebuilt = true;
                    return await _cloud.RebuildServerAsync(tenant, server.ResourceId, spec, ct).ConfigureAwait(false);
                }).ConfigureAwait(false);
        }
        if (rebuilt)
        {
            // Servers were rebuilt: their ports and volumes now point to the new ones; look again.
            foreach (var r in await _cloud.ListResourcesAsync(tenant, InstanceTag(plan.VnfInstanceId), kind: null, ct).ConfigureAwait(false))
                if (r.ResourceKey is not null && r.Kind is VimResourceKind.Port or VimResourceKind.Volume) found[(r.Kind, r.ResourceKey)] = r;
        }
        if (heal is not null)
        {
            var unknown = heal.Where(k => !computes.ContainsKey(k)).ToList();
            if (unknown.Count > 0) throw new VimException(operation, $"VNFC(s) {string.Join(", ", unknown)} are not part of VNF instance '{plan.VnfInstanceId}'");
        }

        foreach (var p in plan.Ports)
        {
            var server = computes[p.ComputeKey];
            var networkId = p.NetworkKey is not null ? networkIds[p.NetworkKey] : p.ExternalNetworkId!;
            await Ensure(VimResourceKind.Port, p.ResourceKey,
                () => _cloud.CreatePortAsync(tenant,
                    new SandboxPortSpec($"{server.Name}-{p.CpdId}", networkId, server.ResourceId, VimTags.For(plan, p.ResourceKey)), ct),
                async port =>
                {
                    if (port.Attributes.GetValueOrDefault(VimAttributes.NetworkId) == networkId
                        && port.Attributes.GetValueOrDefault(VimAttributes.ComputeId) == server.ResourceId) return port;
                    // On another network (external connectivity changed) or left detached (its server re-created): replace it.
                    await _cloud.DeletePortAsync(tenant, port.ResourceId, ct).ConfigureAwait(false);
                    return null;
                }).ConfigureAwait(false);
        }

        foreach (var v in plan.Volumes)
        {
            var server = computes[v.ComputeKey];
            await Ensure(VimResourceKind.Volume, v.ResourceKey,
                () => _cloud.CreateVolumeAsync(tenant,
                    new SandboxVolumeSpec($"{server.Name}-{v.VirtualStorageDescId}", v.SizeBytes, server.ResourceId, VimTags.For(plan, v.ResourceKey)), ct),
                async volume =>
                {
                    if (volume.Attributes.GetValueOrDefault(VimAttributes.ComputeId) == server.ResourceId) return volume;
                    await _cloud.DeleteVolumeAsync(tenant, volume.ResourceId, ct).ConfigureAwait(false);
                    return null;
                }).ConfigureAwait(false);
        }

        return result;
    }

    private static bool SameSpec(VimResource server, PlannedCompute c) =>
        server.Attributes.GetValueOrDefault(VimAttributes.Vcpus) == c.NumVirtualCpu.ToString(System.Globalization.CultureInfo.InvariantCulture)
        && server.Attributes.GetValueOrDefault(VimAttributes.RamMiB) == c.MemoryMiB.ToString(System.Globalization.CultureInfo.InvariantCulture)
        && server.Attributes.GetValueOrDefault(VimAttributes.ImageName) == c.ImageName;

    public async Task TerminateAsync(VimConnectionInfo vim, string tenantId, string vnfInstanceId, CancellationToken ct)
    {
        CheckVim(vim, "terminate");
        if (string.IsNullOrWhiteSpace(tenantId) || string.IsNullOrWhiteSpace(vnfInstanceId))
            throw new VimException("terminate", "tenant id and VNF instance id are required");

        var resources = await _cloud.ListResourcesAsync(tenantId, InstanceTag(vnfInstanceId), kind: null, ct).ConfigureAwait(false);
        await DeleteAsync(tenantId, resources, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes resources, dependants first: ports and volumes, then servers, then subnets and networks.
    /// A resource that vanished meanwhile (delete returns false) is fine: deletion is idempotent.
    /// </summary>
    private async Task DeleteAsync(string tenantId, IReadOnlyList<VimResource> resources, CancellationToken ct)
    {
        foreach (var kind in DeletionOrder)
        {
            foreach (var r in resources.Where(r => r.Kind == kind))
            {
                var delete = kind switch
                {
                    VimResourceKind.Port => _cloud.DeletePortAsync(tenantId, r.ResourceId, ct),
                    VimResourceKind.Volume => _cloud.DeleteVolumeAsync(tenantId, r.ResourceId, ct),
                    VimResourceKind.Compute => _cloud.DeleteServerAsync(tenantId, r.ResourceId, ct),
                    VimResourceKind.Subnet => _cloud.DeleteSubnetAsync(tenantId, r.ResourceId, ct),
                    _ => _cloud.DeleteNetworkAsync(tenantId, r.ResourceId, ct),
                };
                await delete.ConfigureAwait(false);
            }
        }
    }

    public Task<IReadOnlyList<VimResource>> ListResourcesAsync(VimConnectionInfo vim, string tenantId, string? vnfInstanceId, CancellationToken ct)
    {
        CheckVim(vim, "list_resources");
        return _cloud.ListResourcesAsync(tenantId, vnfInstanceId is null ? null : InstanceTag(vnfInstanceId), kind: null, ct);
    }

    private static readonly VimResourceKind[] DeletionOrder =
        [VimResourceKind.Port, VimResourceKind.Volume, VimResourceKind.Compute, VimResourceKind.Subnet, VimResourceKind.Network];

    private static Dictionary<string, string> InstanceTag(string vnfInstanceId) =>
        new(StringComparer.Ordinal) { [VimTags.VnfInstanceId] = vnfInstanceId };

    private static string ShortId(string id) => id.Length <= 8 ? id : id[..8];

    private void CheckVim(VimConnectionInfo vim, string operation)
    {
        ArgumentNullException.ThrowIfNull(vim);
        if (!string.Equals(vim.VimType, VimType, StringComparison.Ordinal))
            throw new VimException(operation, $"VIM '{vim.VimId}' has type '{vim.VimType}'; the sandbox driver serves '{VimType}'");
    }
}
