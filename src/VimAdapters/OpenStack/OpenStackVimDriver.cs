using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mano.VimAdapters.OpenStack;

/// <summary>
/// The <see cref="IVimDriver"/> of OpenStack (<c>ETSINFV.OPENSTACK_KEYSTONE.V_3</c>) in its default mode: everything is
/// built from the resource plan (VDU → Nova server, VduCp → Neutron port, VnfVirtualLink → network + subnet, virtual
/// storage → Cinder volume when the catalog has block storage), over plain REST.
/// <para>
/// Every verb is an idempotent ensure. Each resource carries the instance, resource key, op occ and tenant: Nova servers
/// in their metadata (and the instance/tenant as server tags, given in the create request), ports as Neutron tags given
/// in the create request, networks and subnets as Neutron tags set right after create plus the description
/// <c>mano:&lt;instance&gt;</c> (so that one made just before a crash is still found, and removed as unkeyed), volumes
/// in their metadata. A verb lists what the cloud holds for the instance, then creates only what is missing.
/// </para>
/// </summary>
public sealed partial class OpenStackVimDriver : IVimDriver
{
    private readonly Func<HttpClient> _http;
    private readonly OpenStackOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly KeystoneAuthenticator _auth;

    /// <summary>With an HttpClient of its own (tests, tools). The client should go through an <see cref="OpenStackTimingHandler"/> to be measured.</summary>
    public OpenStackVimDriver(HttpClient http, OpenStackOptions? options = null, ILogger<OpenStackVimDriver>? logger = null, TimeProvider? time = null)
        : this(() => http, options, logger, time)
    {
        ArgumentNullException.ThrowIfNull(http);
    }

    public OpenStackVimDriver(Func<HttpClient> http, OpenStackOptions? options = null, ILogger<OpenStackVimDriver>? logger = null, TimeProvider? time = null)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _options = options ?? new OpenStackOptions();
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _auth = new KeystoneAuthenticator(_options, _time);
    }

    public string VimType => VimTypes.OpenStack;

    /// <summary>How many Keystone tokens this driver has issued (the cache reuses them).</summary>
    public int TokensIssued => Volatile.Read(ref _auth.Issued);

    /// <summary>Authenticates (or reuses a cached token) and opens a session: the service catalog, the project, typed clients.</summary>
    public async Task<OpenStackSession> ConnectAsync(VimConnectionInfo vim, CancellationToken ct)
    {
        CheckVim(vim, "connect");
        var creds = OpenStackCredentials.From(vim, "connect");
        return await OpenStackSession.OpenAsync(_http(), creds, _auth, _options, _time, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Puts a software image into the VIM's Glance (reused when an image with the same checksum exists), answering the
    /// image: the mechanism instantiate uses for a package's image files (<see cref="GlanceClient.EnsurePackageImageAsync"/>).
    /// </summary>
    public async Task<GlanceImage> EnsureSoftwareImageAsync(VimConnectionInfo vim, PlannedImage image, Func<CancellationToken, Task<Stream>> open, CancellationToken ct)
    {
        var s = await ConnectAsync(vim, ct).ConfigureAwait(false);
        return await new GlanceClient(s).EnsurePackageImageAsync(image, open, ct).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------------------------------------ the verbs

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

    public Task<IReadOnlyList<VimResource>> RollbackAsync(VimConnectionInfo vim, VnfResourcePlan previous, CancellationToken ct) =>
        EnsureAsync("rollback", vim, previous, prune: true, rebuildChanged: true, heal: null, ct);

    public Task<IReadOnlyList<VimResource>> HealAsync(VimConnectionInfo vim, VnfResourcePlan plan, IReadOnlyCollection<string> vnfcKeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(vnfcKeys);
        var keys = vnfcKeys.Count > 0 ? vnfcKeys.ToHashSet(StringComparer.Ordinal) : plan.Computes.Select(c => c.ResourceKey).ToHashSet(StringComparer.Ordinal);
        var unknown = keys.Where(k => plan.Computes.All(c => c.ResourceKey != k)).ToList();
        if (unknown.Count > 0) throw new VimException("heal", $"VNFC(s) {string.Join(", ", unknown)} are not part of VNF instance '{plan.VnfInstanceId}'");
        return EnsureAsync("heal", vim, plan, prune: false, rebuildChanged: false, heal: keys, ct);
    }

    public async Task<IReadOnlyList<VimResource>> OperateAsync(VimConnectionInfo vim, VnfResourcePlan plan, PowerChange change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(change);
        var s = await ConnectAsync(vim, ct).ConfigureAwait(false);
        var nova = new NovaClient(s);
        var wanted = (change.VnfcKeys ?? plan.Computes.Select(c => c.ResourceKey).ToList()).ToHashSet(StringComparer.Ordinal);
        var servers = (await nova.ListServersAsync([NovaTag(VimTags.VnfInstanceId, plan.VnfInstanceId)], ct).ConfigureAwait(false))
            .Where(x => KeyOf(x) is { } k && wanted.Contains(k)).ToList();
        var missing = wanted.Except(servers.Select(x => KeyOf(x)!)).ToList();
        if (missing.Count > 0)
            throw new VimException("operate", $"no server for VNFC(s) {string.Join(", ", missing)} of VNF instance '{plan.VnfInstanceId}'");
        var target = change.Start ? ServerStatus.Active : ServerStatus.Shutoff;
        LogOperate(vim.VimId, plan.VnfInstanceId, target, servers.Count);
        await Task.WhenAll(servers.Select(async server =>
        {
            if (server.Status == target && string.IsNullOrEmpty(server.TaskState)) return;
            if (change.Start) await nova.StartAsync(server.Id, ct).ConfigureAwait(false);
            else await nova.StopAsync(server.Id, ct).ConfigureAwait(false);
            await nova.WaitForStatusAsync(server.Id, target, ct).ConfigureAwait(false);
        })).ConfigureAwait(false);
        return await ListAsync(s, plan.TenantId, plan.VnfInstanceId, ct).ConfigureAwait(false);
    }

    public async Task TerminateAsync(VimConnectionInfo vim, string tenantId, string vnfInstanceId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(tenantId) || string.IsNullOrWhiteSpace(vnfInstanceId))
            throw new VimException("terminate", "tenant id and VNF instance id are required");
        var s = await ConnectAsync(vim, ct).ConfigureAwait(false);
        await HeatStackDeployer.DeleteStackAsync(s, vnfInstanceId, ct).ConfigureAwait(false);   // ADR-0015 (none: nothing to do)
        var state = await LoadAsync(s, vnfInstanceId, ct).ConfigureAwait(false);
        LogTerminate(vim.VimId, vnfInstanceId, state.Count);
        await DeleteAsync(s, state.Servers, state.Ports, state.Volumes, state.Subnets, state.Networks, ct).ConfigureAwait(false);
        await DeleteSecurityGroupsAsync(new NeutronClient(s), vnfInstanceId, ct).ConfigureAwait(false);
        var nova = new NovaClient(s);
        foreach (var g in (await nova.ListServerGroupsAsync(ct).ConfigureAwait(false)).Where(g => g.Name.StartsWith(ServerGroupPrefix(vnfInstanceId), StringComparison.Ordinal)))
            await nova.DeleteServerGroupAsync(g.Id, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<VimResource>> ListResourcesAsync(VimConnectionInfo vim, string tenantId, string? vnfInstanceId, CancellationToken ct)
    {
        var s = await ConnectAsync(vim, ct).ConfigureAwait(false);
        return await ListAsync(s, tenantId, vnfInstanceId, ct).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------------------------------------ ensure

    private async Task<IReadOnlyList<VimResource>> EnsureAsync(string operation, VimConnectionInfo vim, VnfResourcePlan plan,
        bool prune, bool rebuildChanged, IReadOnlySet<string>? heal, CancellationToken ct)
    {
        PlanValidation.Validate(plan, operation);
        if (plan.Kubernetes is not null)
            throw new VimException(operation, $"the plan of VNF instance '{plan.VnfInstanceId}' is a CNF (Kubernetes manifests): VIM '{vim.VimId}' is OpenStack; grant a Kubernetes VIM");
        var s = await ConnectAsync(vim, ct).ConfigureAwait(false);
        // ADR-0015: a plan with BaseHOT templates on a cloud with Heat is one stack.
        if (await HeatStackDeployer.ForAsync(s, plan, operation, _logger, ct).ConfigureAwait(false) is { } heatMode)
        {
            await heatMode.EnsureAsync(operation, plan, heal, ct).ConfigureAwait(false);
            return await ListAsync(s, plan.TenantId, plan.VnfInstanceId, ct).ConfigureAwait(false);
        }
        var nova = new NovaClient(s);
        var neutron = new NeutronClient(s);
        var cinder = new CinderClient(s);
        if (plan.Volumes.Count > 0 && !cinder.IsAvailable)
            throw new VimException(operation + ".ensure_volume",
                $"the plan of VNF instance '{plan.VnfInstanceId}' has {plan.Volumes.Count} volume(s) ({string.Join(", ", plan.Volumes.Select(v => v.VirtualStorageDescId).Distinct())}), "
                + $"but VIM '{vim.VimId}' has no block-storage (Cinder) endpoint in its service catalog");
        LogEnsure(operation, vim.VimId, plan.VnfInstanceId, plan.OpOccId, plan.Computes.Count, plan.Ports.Count, plan.Networks.Count);

        var state = await LoadAsync(s, plan.VnfInstanceId, ct).ConfigureAwait(false);

        // Networks/subnets made just before a crash (no key tag yet) are useless: remove them, they are re-made below.
        var unkeyedNets = state.Networks.Where(n => KeyOf(n.Tags) is null).ToList();
        var unkeyedSubnets = state.Subnets.Where(n => KeyOf(n.Tags) is null).ToList();
        var unkeyedPorts = state.Ports.Where(n => KeyOf(n.Tags) is null).ToList();
        if (unkeyedNets.Count + unkeyedSubnets.Count + unkeyedPorts.Count > 0)
        {
            await DeleteAsync(s, [], unkeyedPorts, [], unkeyedSubnets, unkeyedNets, ct).ConfigureAwait(false);
            state = await LoadAsync(s, plan.VnfInstanceId, ct).ConfigureAwait(false);
        }
        if (prune)
        {
            var nets = plan.Networks.Select(n => n.ResourceKey).ToHashSet(StringComparer.Ordinal);
            var computes = plan.Computes.Select(c => c.ResourceKey).ToHashSet(StringComparer.Ordinal);
            var ports = plan.Ports.Select(c => c.ResourceKey).ToHashSet(StringComparer.Ordinal);
            var volumes = plan.Volumes.Select(c => c.ResourceKey).ToHashSet(StringComparer.Ordinal);
            var goneServers = state.Servers.Where(x => KeyOf(x) is not { } k || !computes.Contains(k)).ToList();
            var gonePorts = state.Ports.Where(x => KeyOf(x.Tags) is not { } k || !ports.Contains(k)).ToList();
            var goneVolumes = state.Volumes.Where(x => x.Metadata?.GetValueOrDefault(VimTags.ResourceKey) is not { } k || !volumes.Contains(k)).ToList();
            var goneSubnets = state.Subnets.Where(x => KeyOf(x.Tags) is not { } k || !nets.Contains(k)).ToList();
            var goneNets = state.Networks.Where(x => KeyOf(x.Tags) is not { } k || !nets.Contains(k)).ToList();
            if (goneServers.Count + gonePorts.Count + goneVolumes.Count + goneSubnets.Count + goneNets.Count > 0)
            {
                await DeleteAsync(s, goneServers, gonePorts, goneVolumes, goneSubnets, goneNets, ct).ConfigureAwait(false);
                state = await LoadAsync(s, plan.VnfInstanceId, ct).ConfigureAwait(false);
            }
        }

        // sizes and images first: a VDU that cannot boot fails the call before anything is made
        var flavors = plan.Computes.Count == 0 ? [] : await nova.ListFlavorsAsync(ct).ConfigureAwait(false);
        var glance = new GlanceClient(s);
        var images = new Dictionary<string, GlanceImage>(StringComparer.Ordinal);
        async Task<GlanceImage> ImageOf(PlannedCompute c)
        {
            // OpenStackVimDriver.Extras.cs: the grant's image, else the package's file (uploaded once), else by name
            var key = ImageKey(c);
            if (!images.TryGetValue(key, out var image)) images[key] = image = await ResolveImageAsync(operation, glance, c, ct).ConfigureAwait(false);
            return image;
        }

        foreach (var c in plan.Computes)
        {
            await ImageOf(c).ConfigureAwait(false);
            FlavorOf(operation, flavors, c);
        }

        // 1. networks + subnets
        var description = Marker(plan.VnfInstanceId);
        var networkIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var subnetIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var n in plan.Networks)
        {
            var tags = NeutronTags(plan, n.ResourceKey);
            var name = $"{n.VirtualLinkDescId}-{ShortId(plan.VnfInstanceId)}";
            var network = state.Networks.FirstOrDefault(x => KeyOf(x.Tags) == n.ResourceKey);
            if (network is null)
            {
                network = await neutron.CreateNetworkAsync(name, description, ct).ConfigureAwait(false);
                await neutron.SetTagsAsync("networks", network.Id, tags, ct).ConfigureAwait(false);
            }
            networkIds[n.ResourceKey] = network.Id;
            var subnet = state.Subnets.FirstOrDefault(x => KeyOf(x.Tags) == n.ResourceKey && x.NetworkId == network.Id);
            if (subnet is null)
            {
                var v6 = n.IpVersion is { } iv && (iv.Contains('6', StringComparison.Ordinal));
                var cidr = n.Cidr ?? (v6 ? _options.DefaultIpv6Cidr : _options.DefaultIpv4Cidr);
                subnet = await neutron.CreateSubnetAsync(name, network.Id, cidr, cidr.Contains(':', StringComparison.Ordinal) ? 6 : 4, description, ct).ConfigureAwait(false);
                await neutron.SetTagsAsync("subnets", subnet.Id, tags, ct).ConfigureAwait(false);
            }
            subnetIds[n.ResourceKey] = subnet.Id;
        }

        // 2. security groups (VNFD SecurityGroupRule policies), applied to the ports of the CPs they target
        var securityGroupsOf = await EnsureSecurityGroupsAsync(neutron, plan, ct).ConfigureAwait(false);

        // 3. ports (before servers: a server boots with its ports; ports outlive a server that is rebuilt or re-created)
        var portsByKey = new Dictionary<string, NeutronPort>(StringComparer.Ordinal);
        foreach (var p in plan.Ports)
        {
            var networkId = p.NetworkKey is not null ? networkIds[p.NetworkKey] : p.ExternalNetworkId!;
            var port = state.Ports.FirstOrDefault(x => KeyOf(x.Tags) == p.ResourceKey);
            if (port is not null && port.NetworkId != networkId)
            {
                // external connectivity changed: a port cannot move between networks; replace it (same key)
                if (!string.IsNullOrEmpty(port.DeviceId)) await nova.DetachPortAsync(port.DeviceId, port.Id, ct).ConfigureAwait(false);
                await neutron.DeletePortAsync(port.Id, ct).ConfigureAwait(false);
                port = null;
            }
            if (port is null)
            {
                var compute = plan.Computes.First(c => c.ResourceKey == p.ComputeKey);
                var tags = NeutronTags(plan, p.ResourceKey);
                port = await neutron.CreatePortAsync($"{compute.Name}-{p.CpdId}", networkId, description, tags, ct,
                    p.NetworkKey is not null ? [new FixedIpRequest(subnetIds[p.NetworkKey], null)] : null,
                    securityGroupsOf.GetValueOrDefault(p.CpdId)).ConfigureAwait(false);
                if (port.Tags is null || !tags.All(port.Tags.Contains))
                {
                    // this Neutron ignored tags on create: tag now (until then the description marks the port as Mano's)
                    await neutron.SetTagsAsync("ports", port.Id, tags, ct).ConfigureAwait(false);
                    port = port with { Tags = tags };
                }
            }
            else if (securityGroupsOf.TryGetValue(p.CpdId, out var groups) && !groups.ToHashSet().SetEquals(port.SecurityGroups ?? []))
            {
                await neutron.SetPortSecurityGroupsAsync(port.Id, groups, ct).ConfigureAwait(false);
            }
            portsByKey[p.ResourceKey] = port;
        }
        if (prune) await PruneSecurityGroupsAsync(neutron, s.ProjectId, plan, ct).ConfigureAwait(false);

        // server groups of the nfvi_node affinity / anti-affinity rules: servers boot into them (scheduler hint "group")
        var serverGroupOf = await EnsureServerGroupsAsync(nova, plan, ct).ConfigureAwait(false);

        // 4. servers: create what is missing, rebuild / re-create what must change, then wait for all in parallel
        var waits = new List<(string Id, string Status)>();
        var attach = new List<(string ServerId, string PortId)>();
        var recreate = new Dictionary<string, Func<Task>>(StringComparer.Ordinal);
        var serverIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in plan.Computes)
        {
            var image = await ImageOf(c).ConfigureAwait(false);
            var flavor = FlavorOf(operation, flavors, c);
            var portIds = plan.Ports.Where(p => p.ComputeKey == c.ResourceKey).Select(p => portsByKey[p.ResourceKey].Id).ToList();
            var metadata = ServerMetadata(plan, c);
            var server = state.Servers.FirstOrDefault(x => KeyOf(x) == c.ResourceKey);
            if (server is not null)
            {
                var sizeChanged = rebuildChanged && server.Flavor is { } f && (f.Vcpus != flavor.Vcpus || f.Ram != flavor.Ram || f.Disk != flavor.Disk);
                var imageChanged = rebuildChanged && server.ImageId != image.Id;
                var healIt = heal is not null && heal.Contains(c.ResourceKey) && server.Metadata?.GetValueOrDefault(VimTags.OpOccId) != plan.OpOccId;
                // A server an interrupted attempt left in ERROR, or still in BUILD, is not trusted: Nova may fail that build
                // after the fact (seen on the test cloud: "Exhausted all hosts available for retrying build failures").
                var broken = server.Status is "ERROR" or "BUILD";
                if (sizeChanged || broken)
                {
                    // re-create (with the new size), keeping the (pre-made) ports: Nova leaves ports it did not make
                    LogRecreate(c.ResourceKey, server.Id, flavor.Name);
                    await nova.DeleteServerAsync(server.Id, ct).ConfigureAwait(false);
                    await nova.WaitForDeletedAsync(server.Id, ct).ConfigureAwait(false);
                    foreach (var pid in portIds)
                    {
                        var port = await neutron.GetPortAsync(pid, ct).ConfigureAwait(false);
                        if (port?.DeviceId == server.Id) await neutron.ReleasePortAsync(pid, ct).ConfigureAwait(false);
                    }
                    server = null;
                }
                else if (healIt || imageChanged)
                {
                    LogRebuild(c.ResourceKey, server.Id, image.Name, healIt ? "heal" : "image changed");
                    var status = server.Status == ServerStatus.Shutoff ? ServerStatus.Shutoff : ServerStatus.Active;
                    await nova.RebuildAsync(server.Id, image.Id, c.Name, metadata, ct).ConfigureAwait(false);
                    waits.Add((server.Id, status));
                }
            }
            if (server is null)
            {
                var create = new NovaServerCreate(c.Name, flavor.Id, image.Id, portIds, metadata,
                    [NovaTag(VimTags.VnfInstanceId, plan.VnfInstanceId), NovaTag(VimTags.TenantId, plan.TenantId)], c.ZoneId,
                    serverGroupOf.GetValueOrDefault(c.VduId));
                string id;
                try
                {
                    id = await nova.CreateServerAsync(create, ct).ConfigureAwait(false);
                }
                catch (VimException e) when (e.Message.Contains("still in use", StringComparison.OrdinalIgnoreCase))
                {
                    // An interrupted attempt's create reached Nova after we listed the servers: its server holds our ports.
                    // It is ours (same VNFC key) but unrecorded, so it is replaced: delete it, free the ports, create again.
                    await ReclaimPortsAsync(nova, neutron, portIds, c.ResourceKey, ct).ConfigureAwait(false);
                    id = await nova.CreateServerAsync(create, ct).ConfigureAwait(false);
                }
                waits.Add((id, ServerStatus.Active));
                serverIds[c.ResourceKey] = id;
            }
            else
            {
                serverIds[c.ResourceKey] = server.Id;
                // still building (an earlier attempt stopped while it booted): wait for it like for a new one
                if (!waits.Any(w => w.Id == server.Id) && (server.Status == "BUILD" || !string.IsNullOrEmpty(server.TaskState)))
                    waits.Add((server.Id, server.Status == ServerStatus.Shutoff ? ServerStatus.Shutoff : ServerStatus.Active));
                foreach (var pid in portIds) attach.Add((server.Id, pid));
                var (img, fl, md, pids, zone) = (image, flavor, metadata, portIds, c.ZoneId);
                recreate[server.Id] = async () =>
                {
                    LogRecreate(c.ResourceKey, serverIds[c.ResourceKey], fl.Name);
                    await nova.DeleteServerAsync(serverIds[c.ResourceKey], ct).ConfigureAwait(false);
                    await nova.WaitForDeletedAsync(serverIds[c.ResourceKey], ct).ConfigureAwait(false);
                    var id = await nova.CreateServerAsync(new NovaServerCreate(c.Name, fl.Id, img.Id, pids, md,
                        [NovaTag(VimTags.VnfInstanceId, plan.VnfInstanceId), NovaTag(VimTags.TenantId, plan.TenantId)], zone,
                        serverGroupOf.GetValueOrDefault(c.VduId)), ct).ConfigureAwait(false);
                    serverIds[c.ResourceKey] = id;
                    await nova.WaitForStatusAsync(id, ServerStatus.Active, ct).ConfigureAwait(false);
                };
            }
        }
        await Task.WhenAll(waits.Select(w => nova.WaitForStatusAsync(w.Id, w.Status, ct))).ConfigureAwait(false);

        // ports of servers that already existed: attach those (re-)made since (read now: Nova binds ports while it builds)
        var detached = new List<(string ServerId, string PortId)>();
        foreach (var (serverId, portId) in attach)
        {
            var port = await neutron.GetPortAsync(portId, ct).ConfigureAwait(false)
                ?? throw new VimException(operation + ".attach_port", $"port {portId} vanished");
            if (port.DeviceId != serverId) detached.Add((serverId, portId));
        }
        foreach (var group in detached.GroupBy(d => d.ServerId))
        {
            if (!_options.HotAttachPorts)
            {
                await recreate[group.Key]().ConfigureAwait(false);
                continue;
            }
            foreach (var (serverId, portId) in group)
            {
                await nova.AttachPortAsync(serverId, portId, ct).ConfigureAwait(false);
                await neutron.WaitGoneAsync($"port {portId} to be attached to server {serverId}", async () =>
                    (await neutron.GetPortAsync(portId, ct).ConfigureAwait(false))?.DeviceId == serverId ? (object)true : null, ct).ConfigureAwait(false);
            }
        }

        // 5. volumes (Cinder only)
        if (plan.Volumes.Count > 0)
        {
            foreach (var v in plan.Volumes)
            {
                var serverId = serverIds[v.ComputeKey];
                var volume = state.Volumes.FirstOrDefault(x => x.Metadata?.GetValueOrDefault(VimTags.ResourceKey) == v.ResourceKey);
                if (volume is null)
                {
                    var compute = plan.Computes.First(c => c.ResourceKey == v.ComputeKey);
                    var gib = (int)Math.Max(1, (v.SizeBytes + (1L << 30) - 1) >> 30);
                    volume = await cinder.CreateVolumeAsync($"{compute.Name}-{v.VirtualStorageDescId}", gib, VimTags.For(plan, v.ResourceKey), compute.ZoneId, ct).ConfigureAwait(false);
                    volume = await cinder.WaitAvailableAsync(volume.Id, ct).ConfigureAwait(false);
                }
                if (volume.Attachments?.Any(a => a.ServerId == serverId) != true)
                    await nova.AttachVolumeAsync(serverId, volume.Id, ct).ConfigureAwait(false);
            }
        }

        return await ListAsync(s, plan.TenantId, plan.VnfInstanceId, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The flavor for a VDU: the one the VNFD names if the VIM has it; else the exact match of vCPUs and memory, else the smallest flavor with at least as many
    /// (fewest vCPUs, then least memory, then least disk). A clear error names the biggest available when none fits.
    /// </summary>
    internal static NovaFlavor MatchFlavor(string operation, IReadOnlyList<NovaFlavor> flavors, PlannedCompute c)
    {
        // The flavour the VNFD names (requested_additional_capability_name), when this VIM has it.
        if (c.FlavorName is { } wanted && flavors.FirstOrDefault(f => f.Name == wanted) is { } named) return named;
        var fit = flavors.Where(f => f.Vcpus >= c.NumVirtualCpu && f.Ram >= c.MemoryMiB)
            .OrderBy(f => f.Vcpus != c.NumVirtualCpu || f.Ram != c.MemoryMiB ? 1 : 0)
            .ThenBy(f => f.Vcpus).ThenBy(f => f.Ram).ThenBy(f => f.Disk).ThenBy(f => f.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return fit ?? throw new VimException(operation + ".match_flavor",
            $"no flavor has at least {c.NumVirtualCpu} vCPU(s) and {c.MemoryMiB} MiB for VDU '{c.VduId}' (flavors: "
            + (flavors.Count == 0 ? "none visible" : string.Join(", ", flavors.Select(f => $"{f.Name} {f.Vcpus}/{f.Ram}MiB"))) + ")");
    }

    // ------------------------------------------------------------------------------------------------ load, list, delete

    private sealed record State(
        IReadOnlyList<NovaServer> Servers, IReadOnlyList<NeutronNetwork> Networks, IReadOnlyList<NeutronSubnet> Subnets,
        IReadOnlyList<NeutronPort> Ports, IReadOnlyList<CinderVolume> Volumes)
    {
        public int Count => Servers.Count + Networks.Count + Subnets.Count + Ports.Count + Volumes.Count;
    }

    /// <summary>Everything the cloud holds for the instance (tagged, or — networks and subnets — marked in their description).</summary>
    private static async Task<State> LoadAsync(OpenStackSession s, string vnfInstanceId, CancellationToken ct)
    {
        var nova = new NovaClient(s);
        var neutron = new NeutronClient(s);
        var cinder = new CinderClient(s);
        var marker = Marker(vnfInstanceId);
        var servers = nova.ListServersAsync([NovaTag(VimTags.VnfInstanceId, vnfInstanceId)], ct);
        var networks = neutron.ListNetworksAsync(null, ct, description: marker);
        var subnets = neutron.ListSubnetsAsync(null, ct, description: marker);
        var ports = neutron.ListPortsAsync(null, ct, description: marker);
        var volumes = cinder.IsAvailable
            ? cinder.ListVolumesAsync(new Dictionary<string, string> { [VimTags.VnfInstanceId] = vnfInstanceId }, ct)
            : Task.FromResult<IReadOnlyList<CinderVolume>>([]);
        await Task.WhenAll(servers, networks, subnets, ports, volumes).ConfigureAwait(false);
        return new State(
            servers.Result.Where(x => x.Status != "DELETED" && x.Metadata?.GetValueOrDefault(VimTags.VnfInstanceId) == vnfInstanceId).ToList(),
            networks.Result, subnets.Result, ports.Result, volumes.Result.Where(v => v.Status is not ("deleting" or "deleted")).ToList());
    }

    private static async Task<IReadOnlyList<VimResource>> ListAsync(OpenStackSession s, string tenantId, string? vnfInstanceId, CancellationToken ct)
    {
        IReadOnlyList<NovaServer> servers;
        IReadOnlyList<NeutronNetwork> networks;
        IReadOnlyList<NeutronSubnet> subnets;
        IReadOnlyList<NeutronPort> ports;
        IReadOnlyList<CinderVolume> volumes;
        if (vnfInstanceId is not null)
        {
            var state = await LoadAsync(s, vnfInstanceId, ct).ConfigureAwait(false);
            (servers, networks, subnets, ports, volumes) = (state.Servers, state.Networks, state.Subnets, state.Ports, state.Volumes);
        }
        else
        {
            var neutron = new NeutronClient(s);
            var cinder = new CinderClient(s);
            var tag = NeutronTag(VimTags.TenantId, tenantId);
            servers = await new NovaClient(s).ListServersAsync([NovaTag(VimTags.TenantId, tenantId)], ct).ConfigureAwait(false);
            networks = await neutron.ListNetworksAsync([tag], ct).ConfigureAwait(false);
            subnets = await neutron.ListSubnetsAsync([tag], ct).ConfigureAwait(false);
            ports = await neutron.ListPortsAsync([tag], ct).ConfigureAwait(false);
            volumes = cinder.IsAvailable ? await cinder.ListVolumesAsync(new Dictionary<string, string> { [VimTags.TenantId] = tenantId }, ct).ConfigureAwait(false) : [];
        }
        var result = new List<VimResource>();
        foreach (var n in networks)
        {
            var tags = TagsOf(n.Tags);
            if (!OwnedBy(tags, tenantId)) continue;
            result.Add(new VimResource(n.Id, VimResourceKind.Network, n.Name, KeyOf(n.Tags), tags.GetValueOrDefault(VimTags.VnfInstanceId), tenantId,
                n.Status ?? "ACTIVE", null, tags, Attrs((VimAttributes.Shared, n.Shared ? "true" : "false"))));
        }
        foreach (var n in subnets)
        {
            var tags = TagsOf(n.Tags);
            if (!OwnedBy(tags, tenantId)) continue;
            result.Add(new VimResource(n.Id, VimResourceKind.Subnet, n.Name, KeyOf(n.Tags), tags.GetValueOrDefault(VimTags.VnfInstanceId), tenantId,
                "ACTIVE", null, tags, Attrs((VimAttributes.NetworkId, n.NetworkId), (VimAttributes.Cidr, n.Cidr),
                    (VimAttributes.IpVersion, n.IpVersion.ToString(CultureInfo.InvariantCulture)), (VimAttributes.GatewayIp, n.GatewayIp))));
        }
        foreach (var x in servers)
        {
            var tags = (x.Metadata ?? []).Where(kv => kv.Key.StartsWith("mano.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            if (!OwnedBy(tags, tenantId)) continue;
            result.Add(new VimResource(x.Id, VimResourceKind.Compute, x.Name ?? "", KeyOf(x), tags.GetValueOrDefault(VimTags.VnfInstanceId), tenantId,
                x.Status, x.AvailabilityZone, tags, Attrs(
                    (VimAttributes.Vcpus, x.Flavor?.Vcpus.ToString(CultureInfo.InvariantCulture)),
                    (VimAttributes.RamMiB, x.Flavor?.Ram.ToString(CultureInfo.InvariantCulture)),
                    ("flavor", x.Flavor?.OriginalName), ("image_id", x.ImageId),
                    (VimAttributes.ImageName, x.Metadata?.GetValueOrDefault(ImageNameKey)),
                    (VimAttributes.Cloud, "openstack"))));
        }
        foreach (var p in ports)
        {
            var tags = TagsOf(p.Tags);
            if (!OwnedBy(tags, tenantId)) continue;
            var ip = p.FixedIps?.FirstOrDefault();
            result.Add(new VimResource(p.Id, VimResourceKind.Port, p.Name, KeyOf(p.Tags), tags.GetValueOrDefault(VimTags.VnfInstanceId), tenantId,
                p.Status ?? "", null, tags, Attrs((VimAttributes.IpAddress, ip?.IpAddress), (VimAttributes.SubnetId, ip?.SubnetId),
                    (VimAttributes.MacAddress, p.MacAddress), (VimAttributes.NetworkId, p.NetworkId),
                    (VimAttributes.ComputeId, string.IsNullOrEmpty(p.DeviceId) ? null : p.DeviceId))));
        }
        foreach (var v in volumes)
        {
            var tags = (v.Metadata ?? []).Where(kv => kv.Key.StartsWith("mano.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            if (!OwnedBy(tags, tenantId)) continue;
            result.Add(new VimResource(v.Id, VimResourceKind.Volume, v.Name ?? "", tags.GetValueOrDefault(VimTags.ResourceKey), tags.GetValueOrDefault(VimTags.VnfInstanceId),
                tenantId, v.Status, null, tags, Attrs((VimAttributes.SizeGiB, v.Size.ToString(CultureInfo.InvariantCulture)),
                    (VimAttributes.ComputeId, v.Attachments?.FirstOrDefault()?.ServerId))));
        }
        return result;
    }

    /// <summary>A resource of another Mano tenant is never reported (a tenant tag that differs); untagged crash leftovers are (tenant unknown).</summary>
    private static bool OwnedBy(IReadOnlyDictionary<string, string> tags, string tenantId) =>
        !tags.TryGetValue(VimTags.TenantId, out var t) || t == tenantId;

    /// <summary>Deletes, dependants first: servers (awaited gone: that releases their ports), ports, volumes, subnets, networks. Idempotent.</summary>
    private static async Task DeleteAsync(OpenStackSession s, IReadOnlyList<NovaServer> servers, IReadOnlyList<NeutronPort> ports,
        IReadOnlyList<CinderVolume> volumes, IReadOnlyList<NeutronSubnet> subnets, IReadOnlyList<NeutronNetwork> networks, CancellationToken ct)
    {
        var nova = new NovaClient(s);
        var neutron = new NeutronClient(s);
        foreach (var x in servers) await nova.DeleteServerAsync(x.Id, ct).ConfigureAwait(false);
        await Task.WhenAll(servers.Select(x => nova.WaitForDeletedAsync(x.Id, ct))).ConfigureAwait(false);
        foreach (var p in ports) await neutron.DeletePortAsync(p.Id, ct).ConfigureAwait(false);
        if (volumes.Count > 0)
        {
            var cinder = new CinderClient(s);
            foreach (var v in volumes) await cinder.DeleteVolumeAsync(v.Id, ct).ConfigureAwait(false);
        }
        foreach (var n in subnets) await neutron.DeleteSubnetAsync(n.Id, ct).ConfigureAwait(false);
        foreach (var n in networks) await neutron.DeleteNetworkAsync(n.Id, ct).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------------------------------------ tags

    internal const string ImageNameKey = "mano.image_name";

    private static Dictionary<string, string> ServerMetadata(VnfResourcePlan plan, PlannedCompute c)
    {
        var m = new Dictionary<string, string>(VimTags.For(plan, c.ResourceKey), StringComparer.Ordinal) { ["mano.vdu_id"] = c.VduId };
        if (c.ImageName is not null) m[ImageNameKey] = c.ImageName;
        return m;
    }

    /// <summary>Neutron tag "name=value" (Neutron allows 255 characters).</summary>
    internal static string NeutronTag(string name, string value)
    {
        var tag = $"{name}={value}";
        return tag.Length <= 255 ? tag : throw new VimException("tag", $"the value of tag '{name}' is longer than Neutron allows ({tag.Length} > 255)");
    }

    /// <summary>Nova tag "name=value": at most 60 characters and no '/' or ','; longer or odd values are hashed (the metadata keeps them whole).</summary>
    internal static string NovaTag(string name, string value)
    {
        var tag = $"{name}={value}";
        if (tag.Length <= 60 && !tag.Contains('/', StringComparison.Ordinal) && !tag.Contains(',', StringComparison.Ordinal)) return tag;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
        return $"{name}#{hash[..Math.Max(8, 59 - name.Length)]}";
    }

    private static List<string> NeutronTags(VnfResourcePlan plan, string key) =>
        VimTags.For(plan, key).Select(kv => NeutronTag(kv.Key, kv.Value)).ToList();

    private static Dictionary<string, string> TagsOf(IEnumerable<string>? tags)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in tags ?? [])
        {
            var eq = t.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && t.StartsWith("mano.", StringComparison.Ordinal)) d[t[..eq]] = t[(eq + 1)..];
        }
        return d;
    }

    private static string? KeyOf(IEnumerable<string>? tags) => TagsOf(tags).GetValueOrDefault(VimTags.ResourceKey);

    private static string? KeyOf(NovaServer server) => server.Metadata?.GetValueOrDefault(VimTags.ResourceKey);

    /// <summary>The description every network, subnet and port of an instance carries: found by it even before it is tagged.</summary>
    internal static string Marker(string vnfInstanceId) => "mano:" + vnfInstanceId;

    internal static string ServerGroupPrefix(string vnfInstanceId) => $"mano-{vnfInstanceId}-";

    private static Dictionary<string, string> Attrs(params (string Key, string? Value)[] values)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in values)
            if (v is not null) d[k] = v;
        return d;
    }

    private static string ShortId(string id) => id.Length <= 8 ? id : id[..8];

    private void CheckVim(VimConnectionInfo vim, string operation)
    {
        ArgumentNullException.ThrowIfNull(vim);
        if (!string.Equals(vim.VimType, VimType, StringComparison.Ordinal))
            throw new VimException(operation, $"VIM '{vim.VimId}' has type '{vim.VimType}'; the OpenStack driver serves '{VimType}'");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "OpenStack {Operation} on VIM {VimId}: VNF instance {VnfInstanceId}, op occ {OpOccId}: {Computes} server(s), {Ports} port(s), {Networks} network(s) planned")]
    private partial void LogEnsure(string operation, string vimId, string vnfInstanceId, string opOccId, int computes, int ports, int networks);

    [LoggerMessage(Level = LogLevel.Information, Message = "OpenStack terminate on VIM {VimId}: VNF instance {VnfInstanceId}, {Count} resource(s) to delete")]
    private partial void LogTerminate(string vimId, string vnfInstanceId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "OpenStack operate on VIM {VimId}: VNF instance {VnfInstanceId} -> {Status} ({Count} server(s))")]
    private partial void LogOperate(string vimId, string vnfInstanceId, string status, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-creating server {ServerId} of {ResourceKey} with flavor {Flavor} (ports kept)")]
    private partial void LogRecreate(string resourceKey, string serverId, string flavor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuilding server {ServerId} of {ResourceKey} from image {Image} ({Reason})")]
    private partial void LogRebuild(string resourceKey, string serverId, string image, string reason);
    /// <summary>Frees ports held by a server of the same VNFC that an interrupted attempt created but never recorded.</summary>
    private static async Task ReclaimPortsAsync(NovaClient nova, NeutronClient neutron, IReadOnlyList<string> portIds, string resourceKey, CancellationToken ct)
    {
        foreach (var pid in portIds)
        {
            var port = await neutron.GetPortAsync(pid, ct).ConfigureAwait(false);
            if (string.IsNullOrEmpty(port?.DeviceId)) continue;
            var holder = await nova.GetServerAsync(port.DeviceId, ct).ConfigureAwait(false);
            if (holder is not null)
            {
                if (holder.Metadata?.GetValueOrDefault(VimTags.ResourceKey) != resourceKey)
                    throw new VimException("nova.create_server", $"port {pid} is held by server {holder.Id}, which is not VNFC '{resourceKey}'");
                await nova.DeleteServerAsync(holder.Id, ct).ConfigureAwait(false);
                await nova.WaitForDeletedAsync(holder.Id, ct).ConfigureAwait(false);
            }
            await neutron.ReleasePortAsync(pid, ct).ConfigureAwait(false);
        }
    }


}
