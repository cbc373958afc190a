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

    public async Task<IReadOnlyList<VimResource>> InstantiateAsync(VimConnectionInfo vim, VnfResourcePlan plan, CancellationToken ct)
    {
        CheckVim(vim, "instantiate");
        PlanValidation.Validate(plan, "instantiate");
        var tenant = plan.TenantId;

        var existing = await _cloud.ListResourcesAsync(tenant, InstanceTag(plan.VnfInstanceId), kind: null, ct).ConfigureAwait(false);
        var found = new Dictionary<(VimResourceKind, string), VimResource>();
        foreach (var r in existing)
        {
            if (r.ResourceKey is not null) found.TryAdd((r.Kind, r.ResourceKey), r);
        }

        var result = new List<VimResource>();
        async Task<VimResource> Ensure(VimResourceKind kind, string key, Func<Task<VimResource>> create)
        {
            if (!found.TryGetValue((kind, key), out var resource))
            {
                resource = await create().ConfigureAwait(false);
                found[(kind, key)] = resource;
            }
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
        foreach (var c in plan.Computes)
        {
            computes[c.ResourceKey] = await Ensure(VimResourceKind.Compute, c.ResourceKey,
                () => _cloud.CreateServerAsync(tenant,
                    new SandboxServerSpec(c.Name, c.NumVirtualCpu, c.MemoryMiB, c.ImageName, c.ZoneId, VimTags.For(plan, c.ResourceKey)), ct)).ConfigureAwait(false);
        }

        foreach (var p in plan.Ports)
        {
            var server = computes[p.ComputeKey];
            var networkId = p.NetworkKey is not null ? networkIds[p.NetworkKey] : p.ExternalNetworkId!;
            await Ensure(VimResourceKind.Port, p.ResourceKey,
                () => _cloud.CreatePortAsync(tenant,
                    new SandboxPortSpec($"{server.Name}-{p.CpdId}", networkId, server.ResourceId, VimTags.For(plan, p.ResourceKey)), ct)).ConfigureAwait(false);
        }

        foreach (var v in plan.Volumes)
        {
            var server = computes[v.ComputeKey];
            await Ensure(VimResourceKind.Volume, v.ResourceKey,
                () => _cloud.CreateVolumeAsync(tenant,
                    new SandboxVolumeSpec($"{server.Name}-{v.VirtualStorageDescId}", v.SizeBytes, server.ResourceId, VimTags.For(plan, v.ResourceKey)), ct)).ConfigureAwait(false);
        }

        return result;
    }

    public async Task TerminateAsync(VimConnectionInfo vim, string tenantId, string vnfInstanceId, CancellationToken ct)
    {
        CheckVim(vim, "terminate");
        if (string.IsNullOrWhiteSpace(tenantId) || string.IsNullOrWhiteSpace(vnfInstanceId))
            throw new VimException("terminate", "tenant id and VNF instance id are required");

        var resources = await _cloud.ListResourcesAsync(tenantId, InstanceTag(vnfInstanceId), kind: null, ct).ConfigureAwait(false);
        // Dependants first: ports and volumes, then servers, then subnets and networks.
        // A resource that vanished meanwhile (delete returns false) is fine: terminate is idempotent.
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
