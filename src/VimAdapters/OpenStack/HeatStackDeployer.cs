using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Mano.VimAdapters.OpenStack;

/// <summary>
/// Heat mode of the OpenStack driver (ADR-0015): a VNF instance whose plan carries Tacker BaseHOT templates is one Heat
/// stack, <c>mano-&lt;vnf instance id&gt;</c>, whose <c>nfv</c> parameter is computed by <see cref="HeatUserData"/>.
/// <list type="bullet">
/// <item>instantiate: create (or, on a retry, update) the stack and wait for *_COMPLETE;</item>
/// <item>scale / rollback / change_ext_conn: VNFCs the target no longer holds have their scaling-group member marked
/// unhealthy (Heat removes those first), then a PATCH update with the target's parameters (desired_capacity, networks);</item>
/// <item>heal: the VNFC's server resource is marked unhealthy, then the update makes Heat replace it (Tacker's approach);</item>
/// <item>terminate: delete the stack and wait (an absent stack is done).</item>
/// </list>
/// After each change the stack's servers, ports, networks and subnets are stamped with Mano's tags and the plan's keys
/// (server: by VDU = resource name, oldest first; port: by its server and CPD = resource name; network: VL = resource
/// name; subnet: its network), so the driver's listing, operate, resync and instantiatedVnfInfo work as in VNFD mode.
/// </summary>
internal sealed partial class HeatStackDeployer
{
    /// <summary>Nested stacks Tacker's templates use: the top stack, a scaling group, its member template.</summary>
    private const int NestedDepth = 3;

    private readonly OpenStackSession _s;
    private readonly HeatClient _heat;
    private readonly ILogger _logger;

    private HeatStackDeployer(OpenStackSession s, ILogger logger)
    {
        _s = s;
        _heat = new HeatClient(s);
        _logger = logger;
    }

    public static string StackName(string vnfInstanceId) => "mano-" + vnfInstanceId;

    /// <summary>
    /// The Heat deployer when the plan is for Heat mode: it has BaseHOT templates, the cloud has an orchestration
    /// endpoint and (but for instantiate) the instance is a stack. Null: VNFD mode. A plan without templates for an instance that is a stack (change_flavour,
    /// change_vnfpkg to a package without BaseHOT) is refused: Heat mode does not support it.
    /// </summary>
    public static async Task<HeatStackDeployer?> ForAsync(OpenStackSession s, VnfResourcePlan plan, string operation, ILogger logger, CancellationToken ct)
    {
        var heat = new HeatClient(s);
        if (!heat.IsAvailable) return null;
        if (plan.Heat is not null && operation == "instantiate") return new HeatStackDeployer(s, logger);
        var stack = await heat.FindStackAsync(StackName(plan.VnfInstanceId), ct).ConfigureAwait(false);
        // An instance instantiated from the VNFD (the VIM had no Heat then) stays in VNFD mode.
        if (plan.Heat is not null) return stack is null ? null : new HeatStackDeployer(s, logger);
        if (stack is not null)
            throw new VimException(operation,
                $"VNF instance '{plan.VnfInstanceId}' is deployed as Heat stack {stack.StackName} (BaseHOT), and its {operation} target has no BaseHOT templates: "
                + $"{operation} is not supported in Heat mode");
        return null;
    }

    /// <summary>Deletes the instance's stack, if the cloud has Heat and the stack exists, and waits until it is gone.</summary>
    public static async Task DeleteStackAsync(OpenStackSession s, string vnfInstanceId, CancellationToken ct)
    {
        var heat = new HeatClient(s);
        if (!heat.IsAvailable) return;
        var stack = await heat.FindStackAsync(StackName(vnfInstanceId), ct).ConfigureAwait(false);
        if (stack is null) return;
        await heat.DeleteStackAsync(stack.Ref, ct).ConfigureAwait(false);
        await heat.WaitAsync(stack.Ref, "DELETE", ct).ConfigureAwait(false);
    }

    /// <summary>Makes the stack match <paramref name="plan"/> (created when absent), healing <paramref name="heal"/>'s VNFCs, then stamps it.</summary>
    public async Task EnsureAsync(string operation, VnfResourcePlan plan, IReadOnlySet<string>? heal, CancellationToken ct)
    {
        var heat = plan.Heat!;
        var name = StackName(plan.VnfInstanceId);
        var parameters = new JsonObject { ["nfv"] = await NfvAsync(operation, plan, ct).ConfigureAwait(false) };
        var stack = await _heat.FindStackAsync(name, ct).ConfigureAwait(false);
        if (stack is null)
        {
            LogCreate(name, operation, plan.VnfInstanceId);
            var tags = new[] { VimTags.VnfInstanceId + "=" + plan.VnfInstanceId, VimTags.TenantId + "=" + plan.TenantId, VimTags.OpOccId + "=" + plan.OpOccId };
            var id = await _heat.CreateStackAsync(name, new HeatStackSpec(heat.Template, heat.Files, parameters, tags), ct).ConfigureAwait(false);
            await _heat.WaitAsync($"{name}/{id}", "CREATE", ct).ConfigureAwait(false);
            await StampAsync(operation, plan, $"{name}/{id}", ct).ConfigureAwait(false);
            return;
        }

        // A retry after a crash may find the stack still busy with the previous attempt: let it finish (either way).
        if (stack.StackStatus?.EndsWith("_IN_PROGRESS", StringComparison.Ordinal) == true)
        {
            try { await _heat.WaitAsync(stack.Ref, stack.StackStatus[..stack.StackStatus.IndexOf('_', StringComparison.Ordinal)], ct).ConfigureAwait(false); }
            catch (VimException) { /* failed: the update below tries again */ }
        }

        var resources = await _heat.ListResourcesAsync(stack.Ref, NestedDepth, ct).ConfigureAwait(false);
        var servers = await ServersAsync(resources, ct).ConfigureAwait(false);
        var wanted = plan.Computes.Select(c => c.ResourceKey).ToHashSet(StringComparer.Ordinal);
        foreach (var (resource, server) in servers)
        {
            var key = server?.Metadata?.GetValueOrDefault(VimTags.ResourceKey);
            if (key is not null && !wanted.Contains(key))
            {
                // Scale in (or the rollback of a scale out): the scaling group drops unhealthy members first.
                var member = MemberOf(resource, resources) ?? throw new VimException(operation,
                    $"VNFC '{key}' ({resource.ResourceName}, server {resource.PhysicalResourceId}) is not a member of a scaling group of stack {name}: Heat mode cannot remove it");
                LogRetire(key, member.ResourceName, name);
                await _heat.MarkUnhealthyAsync(member.StackRef!, member.ResourceName, $"Mano {operation} {plan.OpOccId}: VNFC {key} is removed", ct).ConfigureAwait(false);
            }
            else if (key is not null && heal is not null && heal.Contains(key)
                     && server!.Metadata?.GetValueOrDefault(VimTags.OpOccId) != plan.OpOccId)   // not yet re-created by this heal
            {
                LogHeal(key, resource.ResourceName, name);
                await _heat.MarkUnhealthyAsync(resource.StackRef!, resource.ResourceName, $"Mano heal {plan.OpOccId}: VNFC {key}", ct).ConfigureAwait(false);
            }
        }

        LogUpdate(name, operation, plan.VnfInstanceId);
        // Heat's convergence engine (the default) marks the stack UPDATE_IN_PROGRESS before it answers the PATCH, so the
        // wait below cannot mistake the previous UPDATE_COMPLETE for this one.
        await _heat.UpdateStackAsync(stack.Ref, heat.Template, heat.Files, parameters, ct).ConfigureAwait(false);
        await _heat.WaitAsync(stack.Ref, "UPDATE", ct).ConfigureAwait(false);
        await StampAsync(operation, plan, stack.Ref, ct).ConfigureAwait(false);
    }

    /// <summary>The <c>nfv</c> parameter, with a matched flavour for VDUs whose VNFD names none.</summary>
    private async Task<JsonObject> NfvAsync(string operation, VnfResourcePlan plan, CancellationToken ct)
    {
        var skeleton = HeatUserData.Skeleton(plan.Heat!.Template);
        var unnamed = (skeleton["VDU"] as JsonObject)?
            .Where(v => v.Value is JsonObject o && o.ContainsKey("computeFlavourId") && !plan.Heat.Flavors.ContainsKey(v.Key))
            .Select(v => v.Key).Where(v => plan.Computes.Any(c => c.VduId == v)).ToList() ?? [];
        Dictionary<string, string>? matched = null;
        if (unnamed.Count > 0)
        {
            var flavors = await new NovaClient(_s).ListFlavorsAsync(ct).ConfigureAwait(false);
            matched = unnamed.ToDictionary(v => v, v => OpenStackVimDriver.MatchFlavor(operation, flavors, plan.Computes.First(c => c.VduId == v)).Name, StringComparer.Ordinal);
        }
        return HeatUserData.Compute(plan, matched);
    }

    private async Task<List<(HeatResource Resource, NovaServer? Server)>> ServersAsync(IReadOnlyList<HeatResource> resources, CancellationToken ct)
    {
        var nova = new NovaClient(_s);
        var list = new List<(HeatResource, NovaServer?)>();
        foreach (var r in resources.Where(r => r.ResourceType == "OS::Nova::Server" && !string.IsNullOrEmpty(r.PhysicalResourceId)))
            list.Add((r, await nova.GetServerAsync(r.PhysicalResourceId!, ct).ConfigureAwait(false)));
        return list;
    }

    /// <summary>The scaling-group member (a nested stack resource) that holds <paramref name="resource"/>, if any.</summary>
    private static HeatResource? MemberOf(HeatResource resource, IReadOnlyList<HeatResource> all)
    {
        if (resource.ParentResource is null || resource.StackRef is not { } memberStack) return null;
        var memberStackId = memberStack[(memberStack.LastIndexOf('/') + 1)..];
        var member = all.FirstOrDefault(m => m.ResourceName == resource.ParentResource && m.PhysicalResourceId == memberStackId);
        if (member?.ParentResource is null || member.StackRef is null) return null;
        var group = all.FirstOrDefault(g => g.ResourceName == member.ParentResource);
        return group?.ResourceType is "OS::Heat::AutoScalingGroup" or "OS::Heat::ResourceGroup" ? member : null;
    }

    // ------------------------------------------------------------------------------------------------ stamping

    /// <summary>
    /// Gives the stack's resources Mano's tags and the plan's keys. A server keeps the key it has; servers without one
    /// take the free keys of their VDU, oldest server first. Every stack resource of a kind Mano lists is stamped.
    /// </summary>
    private async Task StampAsync(string operation, VnfResourcePlan plan, string stackRef, CancellationToken ct)
    {
        var resources = await _heat.ListResourcesAsync(stackRef, NestedDepth, ct).ConfigureAwait(false);
        var nova = new NovaClient(_s);
        var neutron = new NeutronClient(_s);
        var marker = OpenStackVimDriver.Marker(plan.VnfInstanceId);

        // servers
        var keyOfServer = new Dictionary<string, string>(StringComparer.Ordinal);
        var servers = await ServersAsync(resources, ct).ConfigureAwait(false);
        foreach (var vdu in servers.GroupBy(x => x.Resource.ResourceName))
        {
            var planned = plan.Computes.Where(c => c.VduId == vdu.Key).ToList();
            var present = vdu.Where(x => x.Server is not null && x.Server.Status != "DELETED").ToList();
            if (present.Count != planned.Count)
                throw new VimException(operation + ".heat_servers",
                    $"stack {stackRef} holds {present.Count} server(s) of VDU '{vdu.Key}', the plan {planned.Count}: check the template's scaling group bounds and the nfv parameter");
            var taken = present.Select(x => x.Server!.Metadata?.GetValueOrDefault(VimTags.ResourceKey))
                .Where(k => k is not null && planned.Any(c => c.ResourceKey == k)).ToHashSet(StringComparer.Ordinal);
            var free = new Queue<PlannedCompute>(planned.Where(c => !taken.Contains(c.ResourceKey)));
            foreach (var (resource, server) in present.OrderBy(x => x.Resource.CreationTime, StringComparer.Ordinal))
            {
                var key = server!.Metadata?.GetValueOrDefault(VimTags.ResourceKey);
                if (key is null || !taken.Contains(key))
                {
                    var c = free.Dequeue();
                    key = c.ResourceKey;
                    var metadata = new Dictionary<string, string>(VimTags.For(plan, key), StringComparer.Ordinal) { ["mano.vdu_id"] = c.VduId, ["mano.heat_stack"] = stackRef };
                    if (c.ImageName is not null) metadata[OpenStackVimDriver.ImageNameKey] = c.ImageName;
                    await SetServerMetadataAsync(nova, server.Id, metadata, ct).ConfigureAwait(false);
                    await AddServerTagAsync(nova, server.Id, OpenStackVimDriver.NovaTag(VimTags.VnfInstanceId, plan.VnfInstanceId), ct).ConfigureAwait(false);
                    await AddServerTagAsync(nova, server.Id, OpenStackVimDriver.NovaTag(VimTags.TenantId, plan.TenantId), ct).ConfigureAwait(false);
                }
                keyOfServer[server.Id] = key;
            }
        }
        foreach (var c in plan.Computes.Where(c => servers.All(x => x.Resource.ResourceName != c.VduId)))
            throw new VimException(operation + ".heat_servers", $"stack {stackRef} has no server resource named after VDU '{c.VduId}' (Tacker's BaseHOT convention)");

        // networks and subnets: by the VL (resource name) and the subnet's network
        var networkKeys = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var r in resources.Where(r => r.ResourceType == "OS::Neutron::Net" && !string.IsNullOrEmpty(r.PhysicalResourceId)))
        {
            var key = plan.Networks.FirstOrDefault(n => n.VirtualLinkDescId == r.ResourceName)?.ResourceKey;
            networkKeys[r.PhysicalResourceId!] = key;
            var network = await neutron.GetNetworkAsync(r.PhysicalResourceId!, ct).ConfigureAwait(false);
            if (network is null) continue;
            await StampNeutronAsync(neutron, "networks", "network", network.Id, network.Description, network.Tags, plan, key, marker, ct).ConfigureAwait(false);
        }
        foreach (var r in resources.Where(r => r.ResourceType == "OS::Neutron::Subnet" && !string.IsNullOrEmpty(r.PhysicalResourceId)))
        {
            var node = await _s.SendAsync("neutron.get_subnet", OpenStackServiceTypes.Network, HttpMethod.Get, "/subnets/" + r.PhysicalResourceId, null, ct,
                notFoundIsNull: true).ConfigureAwait(false);
            if (node is null) continue;
            var subnet = OpenStackSession.Read<NeutronSubnet>("neutron.get_subnet", node, "subnet");
            await StampNeutronAsync(neutron, "subnets", "subnet", subnet.Id, subnet.Description, subnet.Tags, plan, networkKeys.GetValueOrDefault(subnet.NetworkId), marker, ct).ConfigureAwait(false);
        }

        var stamped = new HashSet<string>(keyOfServer.Values, StringComparer.Ordinal);
        foreach (var k in networkKeys.Values.OfType<string>()) stamped.Add(k);

        // ports: by their server's VNFC and the CPD (resource name); a planned CP that no port is named after takes the
        // port of its VNFC on its network (templates may name ports otherwise, e.g. VDU1_CP1 for the VNFD's CP1)
        var ports = new List<(HeatResource Resource, NeutronPort Port, string? ComputeKey)>();
        foreach (var r in resources.Where(r => r.ResourceType == "OS::Neutron::Port" && !string.IsNullOrEmpty(r.PhysicalResourceId)))
        {
            var port = await neutron.GetPortAsync(r.PhysicalResourceId!, ct).ConfigureAwait(false);
            if (port is not null) ports.Add((r, port, port.DeviceId is { Length: > 0 } d ? keyOfServer.GetValueOrDefault(d) : null));
        }
        var networkOfKey = networkKeys.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Value!, kv => kv.Key, StringComparer.Ordinal);
        var portKey = new Dictionary<string, string>(StringComparer.Ordinal);   // Neutron port id -> plan key
        foreach (var p in plan.Ports)
        {
            var byName = ports.FirstOrDefault(x => x.ComputeKey == p.ComputeKey && x.Resource.ResourceName == p.CpdId && !portKey.ContainsKey(x.Port.Id));
            if (byName.Port is not null) portKey[byName.Port.Id] = p.ResourceKey;
        }
        foreach (var p in plan.Ports.Where(p => !portKey.ContainsValue(p.ResourceKey)))
        {
            var network = p.ExternalNetworkId ?? (p.NetworkKey is { } nk ? networkOfKey.GetValueOrDefault(nk) : null);
            var byNetwork = ports.Where(x => x.ComputeKey == p.ComputeKey && x.Port.NetworkId == network && !portKey.ContainsKey(x.Port.Id))
                .OrderBy(x => x.Resource.ResourceName, StringComparer.Ordinal).FirstOrDefault();
            if (byNetwork.Port is not null) portKey[byNetwork.Port.Id] = p.ResourceKey;
        }
        foreach (var (_, port, _) in ports)
        {
            var key = portKey.GetValueOrDefault(port.Id);
            await StampNeutronAsync(neutron, "ports", "port", port.Id, port.Description, port.Tags, plan, key, marker, ct).ConfigureAwait(false);
            if (key is not null) stamped.Add(key);
        }

        // volumes (where the cloud has Cinder): by the server they are attached to (else the server of the same nested
        // stack) and the virtual storage (resource name); Cinder metadata, as VNFD mode has it
        var cinder = new CinderClient(_s);
        if (cinder.IsAvailable)
        {
            foreach (var r in resources.Where(r => r.ResourceType == "OS::Cinder::Volume" && !string.IsNullOrEmpty(r.PhysicalResourceId)))
            {
                var volume = await cinder.GetVolumeAsync(r.PhysicalResourceId!, ct).ConfigureAwait(false);
                if (volume is null) continue;
                var serverId = volume.Attachments?.FirstOrDefault()?.ServerId
                               ?? servers.FirstOrDefault(x => x.Resource.StackRef == r.StackRef).Resource?.PhysicalResourceId;
                var computeKey = serverId is null ? null : keyOfServer.GetValueOrDefault(serverId);
                var key = plan.Volumes.FirstOrDefault(v => v.ComputeKey == computeKey && v.VirtualStorageDescId == r.ResourceName)?.ResourceKey;
                if (key is null || volume.Metadata?.GetValueOrDefault(VimTags.ResourceKey) == key) { if (key is not null) stamped.Add(key); continue; }
                await _s.SendAsync("cinder.set_metadata", OpenStackServiceTypes.BlockStorage, HttpMethod.Post, $"/volumes/{volume.Id}/metadata",
                    new JsonObject { ["metadata"] = new JsonObject(VimTags.For(plan, key).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))) },
                    ct).ConfigureAwait(false);
                stamped.Add(key);
            }
        }

        // Every planned resource must be a resource of the stack (the VNFM builds instantiatedVnfInfo from them).
        var missing = plan.Networks.Where(n => !stamped.Contains(n.ResourceKey)).Select(n => $"VL {n.VirtualLinkDescId}")
            .Concat(plan.Ports.Where(p => !stamped.Contains(p.ResourceKey)).Select(p => $"CP {p.CpdId}"))
            .Concat(plan.Volumes.Where(v => !stamped.Contains(v.ResourceKey)).Select(v => $"storage {v.VirtualStorageDescId}"))
            .Distinct().ToList();
        if (missing.Count > 0)
            throw new VimException(operation + ".heat_resources",
                $"stack {stackRef} has no resource for {string.Join(", ", missing)} of the VNFD (Tacker's BaseHOT convention: resources named after the VNFD's VDUs, CPs, VLs and storages)");
    }

    /// <summary>
    /// Tags (instance, tenant, op occ, key when known) and the instance marker as description, as VNFD mode has them.
    /// A resource already stamped so (by an earlier operation: its op occ tag stays that of its making) is left alone.
    /// </summary>
    private async Task StampNeutronAsync(NeutronClient neutron, string collection, string singular, string id, string? description, List<string>? current,
        VnfResourcePlan plan, string? key, string marker, CancellationToken ct)
    {
        var identity = new List<string>
        {
            OpenStackVimDriver.NeutronTag(VimTags.VnfInstanceId, plan.VnfInstanceId),
            OpenStackVimDriver.NeutronTag(VimTags.TenantId, plan.TenantId),
        };
        if (key is not null) identity.Add(OpenStackVimDriver.NeutronTag(VimTags.ResourceKey, key));
        if (description == marker && current is not null && identity.All(current.Contains)) return;
        var tags = new List<string>(identity) { OpenStackVimDriver.NeutronTag(VimTags.OpOccId, plan.OpOccId) };
        await _s.SendAsync("neutron.set_description", OpenStackServiceTypes.Network, HttpMethod.Put, $"/{collection}/{id}",
            new JsonObject { [singular] = new JsonObject { ["description"] = marker } }, ct, notFoundIsNull: true).ConfigureAwait(false);
        await neutron.SetTagsAsync(collection, id, tags, ct).ConfigureAwait(false);
    }

    private async Task SetServerMetadataAsync(NovaClient nova, string serverId, IReadOnlyDictionary<string, string> metadata, CancellationToken ct)
    {
        var version = await nova.MicroversionAsync(ct).ConfigureAwait(false);
        await _s.SendAsync("nova.set_metadata", OpenStackServiceTypes.Compute, HttpMethod.Post, $"/servers/{serverId}/metadata",
            new JsonObject { ["metadata"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))) },
            ct, headers: Headers(version)).ConfigureAwait(false);
    }

    private async Task AddServerTagAsync(NovaClient nova, string serverId, string tag, CancellationToken ct)
    {
        var version = await nova.MicroversionAsync(ct).ConfigureAwait(false);
        await _s.SendAsync("nova.add_tag", OpenStackServiceTypes.Compute, HttpMethod.Put, $"/servers/{serverId}/tags/{Uri.EscapeDataString(tag)}",
            null, ct, headers: Headers(version)).ConfigureAwait(false);
    }

    private static Dictionary<string, string> Headers(string version) =>
        new(StringComparer.Ordinal) { ["OpenStack-API-Version"] = "compute " + version, ["X-OpenStack-Nova-API-Version"] = version };

    [LoggerMessage(Level = LogLevel.Information, Message = "Heat: creating stack {Stack} ({Operation} of VNF instance {VnfInstanceId})")]
    private partial void LogCreate(string stack, string operation, string vnfInstanceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Heat: updating stack {Stack} ({Operation} of VNF instance {VnfInstanceId})")]
    private partial void LogUpdate(string stack, string operation, string vnfInstanceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Heat: VNFC {Key} leaves stack {Stack}: member {Member} marked unhealthy")]
    private partial void LogRetire(string key, string member, string stack);

    [LoggerMessage(Level = LogLevel.Information, Message = "Heat: healing VNFC {Key}: server resource {Resource} of stack {Stack} marked unhealthy")]
    private partial void LogHeal(string key, string resource, string stack);
}
