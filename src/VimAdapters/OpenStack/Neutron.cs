using System.Text.Json.Nodes;

namespace Mano.VimAdapters.OpenStack;

public sealed record NeutronNetwork(string Id, string Name, string? Status, string? Description, List<string>? Tags, bool Shared, List<string>? Subnets, string? ProjectId);

public sealed record NeutronSubnet(string Id, string Name, string NetworkId, string Cidr, int IpVersion, string? GatewayIp, string? Description, List<string>? Tags);

public sealed record NeutronFixedIp(string SubnetId, string IpAddress);

public sealed record NeutronPort(
    string Id, string Name, string NetworkId, string? DeviceId, string? DeviceOwner, string? MacAddress,
    List<NeutronFixedIp>? FixedIps, string? Status, string? Description, List<string>? Tags, List<string>? SecurityGroups);

public sealed record NeutronSecurityGroupRule(
    string Id, string Direction, string? Ethertype, string? Protocol, int? PortRangeMin, int? PortRangeMax, string? RemoteIpPrefix);

public sealed record NeutronSecurityGroup(string Id, string Name, string? Description, List<string>? Tags, List<NeutronSecurityGroupRule>? SecurityGroupRules)
{
    public string? ProjectId { get; init; }
}

/// <summary>A fixed IP wanted on a port: a subnet and optionally the address.</summary>
public sealed record FixedIpRequest(string? SubnetId, string? IpAddress);

/// <summary>A security group rule wanted (SOL001 tosca.policies.nfv.SecurityGroupRule).</summary>
public sealed record SecurityGroupRuleSpec(string Direction, string Ethertype = "IPv4", string? Protocol = null, int? PortRangeMin = null, int? PortRangeMax = null, string? RemoteIpPrefix = null);

/// <summary>Neutron (network) over REST: networks, subnets, ports with fixed IPs, security groups and rules, tags.</summary>
public sealed class NeutronClient(OpenStackSession session)
{
    private static readonly string[] Svc = OpenStackServiceTypes.Network;
    private readonly OpenStackSession _s = session;

    /// <summary>Query string for resources carrying every one of <paramref name="tags"/>, and/or with <paramref name="description"/>.</summary>
    private static string Query(IEnumerable<string>? tags, string? description)
    {
        var parts = new List<string>();
        var t = tags?.ToList();
        if (t is { Count: > 0 }) parts.Add("tags=" + Uri.EscapeDataString(string.Join(",", t)));
        if (description is not null) parts.Add("description=" + Uri.EscapeDataString(description));
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    public async Task<IReadOnlyList<NeutronNetwork>> ListNetworksAsync(IEnumerable<string>? tags, CancellationToken ct, string? description = null, string? name = null)
    {
        var q = Query(tags, description);
        if (name is not null) q += (q.Length == 0 ? "?" : "&") + "name=" + Uri.EscapeDataString(name);
        return OpenStackSession.Read<List<NeutronNetwork>>("neutron.list_networks",
            await _s.SendAsync("neutron.list_networks", Svc, HttpMethod.Get, "/networks" + q, null, ct).ConfigureAwait(false), "networks");
    }

    public async Task<NeutronNetwork?> GetNetworkAsync(string id, CancellationToken ct)
    {
        var node = await _s.SendAsync("neutron.get_network", Svc, HttpMethod.Get, "/networks/" + id, null, ct, notFoundIsNull: true).ConfigureAwait(false);
        return node is null ? null : OpenStackSession.Read<NeutronNetwork>("neutron.get_network", node, "network");
    }

    public Task<NeutronNetwork> CreateNetworkAsync(string name, string description, CancellationToken ct) =>
        _s.SendAsync<NeutronNetwork>("neutron.create_network", Svc, HttpMethod.Post, "/networks",
            new JsonObject { ["network"] = new JsonObject { ["name"] = name, ["description"] = description, ["admin_state_up"] = true } }, "network", ct);

    public async Task DeleteNetworkAsync(string id, CancellationToken ct) =>
        await _s.SendAsync("neutron.delete_network", Svc, HttpMethod.Delete, "/networks/" + id, null, ct, notFoundIsNull: true).ConfigureAwait(false);

    public async Task<IReadOnlyList<NeutronSubnet>> ListSubnetsAsync(IEnumerable<string>? tags, CancellationToken ct, string? description = null, string? networkId = null)
    {
        var q = Query(tags, description);
        if (networkId is not null) q += (q.Length == 0 ? "?" : "&") + "network_id=" + Uri.EscapeDataString(networkId);
        return OpenStackSession.Read<List<NeutronSubnet>>("neutron.list_subnets",
            await _s.SendAsync("neutron.list_subnets", Svc, HttpMethod.Get, "/subnets" + q, null, ct).ConfigureAwait(false), "subnets");
    }

    public Task<NeutronSubnet> CreateSubnetAsync(string name, string networkId, string cidr, int ipVersion, string description, CancellationToken ct) =>
        _s.SendAsync<NeutronSubnet>("neutron.create_subnet", Svc, HttpMethod.Post, "/subnets",
            new JsonObject
            {
                ["subnet"] = new JsonObject
                {
                    ["name"] = name, ["network_id"] = networkId, ["cidr"] = cidr, ["ip_version"] = ipVersion, ["description"] = description,
                    ["enable_dhcp"] = false,
                },
            }, "subnet", ct);

    public async Task DeleteSubnetAsync(string id, CancellationToken ct) =>
        await _s.SendAsync("neutron.delete_subnet", Svc, HttpMethod.Delete, "/subnets/" + id, null, ct, notFoundIsNull: true).ConfigureAwait(false);

    public async Task<IReadOnlyList<NeutronPort>> ListPortsAsync(IEnumerable<string>? tags, CancellationToken ct, string? description = null, string? deviceId = null)
    {
        var q = Query(tags, description);
        if (deviceId is not null) q += (q.Length == 0 ? "?" : "&") + "device_id=" + Uri.EscapeDataString(deviceId);
        return OpenStackSession.Read<List<NeutronPort>>("neutron.list_ports",
            await _s.SendAsync("neutron.list_ports", Svc, HttpMethod.Get, "/ports" + q, null, ct).ConfigureAwait(false), "ports");
    }

    public async Task<NeutronPort?> GetPortAsync(string id, CancellationToken ct)
    {
        var node = await _s.SendAsync("neutron.get_port", Svc, HttpMethod.Get, "/ports/" + id, null, ct, notFoundIsNull: true).ConfigureAwait(false);
        return node is null ? null : OpenStackSession.Read<NeutronPort>("neutron.get_port", node, "port");
    }

    /// <summary>Creates a port with its tags in the same request (Neutron accepts tags on port creation), optionally with fixed IPs and security groups.</summary>
    public Task<NeutronPort> CreatePortAsync(string name, string networkId, string description, IReadOnlyList<string> tags, CancellationToken ct,
        IReadOnlyList<FixedIpRequest>? fixedIps = null, IReadOnlyList<string>? securityGroupIds = null)
    {
        var port = new JsonObject
        {
            ["name"] = name, ["network_id"] = networkId, ["description"] = description, ["admin_state_up"] = true,
            ["tags"] = new JsonArray(tags.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
        };
        if (fixedIps is { Count: > 0 })
        {
            port["fixed_ips"] = new JsonArray(fixedIps.Select(f =>
            {
                var o = new JsonObject();
                if (f.SubnetId is not null) o["subnet_id"] = f.SubnetId;
                if (f.IpAddress is not null) o["ip_address"] = f.IpAddress;
                return (JsonNode)o;
            }).ToArray());
        }
        if (securityGroupIds is not null) port["security_groups"] = new JsonArray(securityGroupIds.Select(g => (JsonNode)JsonValue.Create(g)!).ToArray());
        return _s.SendAsync<NeutronPort>("neutron.create_port", Svc, HttpMethod.Post, "/ports", new JsonObject { ["port"] = port }, "port", ct);
    }

    /// <summary>
    /// Clears a port's device binding (device_id, device_owner) so that a new server can take it. Nova normally does
    /// this when it deletes a server, but not always for a server whose build never finished.
    /// </summary>
    public async Task ReleasePortAsync(string id, CancellationToken ct) =>
        await _s.SendAsync("neutron.release_port", Svc, HttpMethod.Put, "/ports/" + id,
            new JsonObject { ["port"] = new JsonObject { ["device_id"] = "", ["device_owner"] = "" } }, ct, notFoundIsNull: true).ConfigureAwait(false);

    public async Task DeletePortAsync(string id, CancellationToken ct) =>
        await _s.SendAsync("neutron.delete_port", Svc, HttpMethod.Delete, "/ports/" + id, null, ct, notFoundIsNull: true).ConfigureAwait(false);

    /// <summary>Replaces the tags of a resource ("networks", "subnets", "ports", "security-groups", ...).</summary>
    public async Task SetTagsAsync(string collection, string id, IReadOnlyList<string> tags, CancellationToken ct) =>
        await _s.SendAsync("neutron.set_tags", Svc, HttpMethod.Put, $"/{collection}/{id}/tags",
            new JsonObject { ["tags"] = new JsonArray(tags.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()) }, ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<NeutronSecurityGroup>> ListSecurityGroupsAsync(IEnumerable<string>? tags, CancellationToken ct, string? description = null) =>
        OpenStackSession.Read<List<NeutronSecurityGroup>>("neutron.list_security_groups",
            await _s.SendAsync("neutron.list_security_groups", Svc, HttpMethod.Get, "/security-groups" + Query(tags, description), null, ct).ConfigureAwait(false), "security_groups");

    public Task<NeutronSecurityGroup> CreateSecurityGroupAsync(string name, string description, CancellationToken ct) =>
        _s.SendAsync<NeutronSecurityGroup>("neutron.create_security_group", Svc, HttpMethod.Post, "/security-groups",
            new JsonObject { ["security_group"] = new JsonObject { ["name"] = name, ["description"] = description } }, "security_group", ct);

    public Task<NeutronSecurityGroupRule> CreateSecurityGroupRuleAsync(string groupId, SecurityGroupRuleSpec r, CancellationToken ct)
    {
        var rule = new JsonObject { ["security_group_id"] = groupId, ["direction"] = r.Direction, ["ethertype"] = r.Ethertype };
        if (r.Protocol is not null) rule["protocol"] = r.Protocol;
        if (r.PortRangeMin is not null) rule["port_range_min"] = r.PortRangeMin;
        if (r.PortRangeMax is not null) rule["port_range_max"] = r.PortRangeMax;
        if (r.RemoteIpPrefix is not null) rule["remote_ip_prefix"] = r.RemoteIpPrefix;
        return _s.SendAsync<NeutronSecurityGroupRule>("neutron.create_security_group_rule", Svc, HttpMethod.Post, "/security-group-rules",
            new JsonObject { ["security_group_rule"] = rule }, "security_group_rule", ct);
    }

    public async Task DeleteSecurityGroupRuleAsync(string id, CancellationToken ct) =>
        await _s.SendAsync("neutron.delete_security_group_rule", Svc, HttpMethod.Delete, "/security-group-rules/" + id, null, ct, notFoundIsNull: true).ConfigureAwait(false);

    /// <summary>Sets the security groups of a port (an empty list: none).</summary>
    public async Task SetPortSecurityGroupsAsync(string portId, IReadOnlyList<string> securityGroupIds, CancellationToken ct) =>
        await _s.SendAsync("neutron.update_port", Svc, HttpMethod.Put, "/ports/" + portId,
            new JsonObject { ["port"] = new JsonObject { ["security_groups"] = new JsonArray(securityGroupIds.Select(g => (JsonNode)JsonValue.Create(g)!).ToArray()) } }, ct).ConfigureAwait(false);

    public async Task DeleteSecurityGroupAsync(string id, CancellationToken ct) =>
        await _s.SendAsync("neutron.delete_security_group", Svc, HttpMethod.Delete, "/security-groups/" + id, null, ct, notFoundIsNull: true).ConfigureAwait(false);

    /// <summary>
    /// Ensures a security group <paramref name="name"/> tagged <paramref name="tags"/> with exactly the wanted rules
    /// (missing rules added; Neutron's default egress rules kept). Found by its tags, so a retry makes no second group.
    /// </summary>
    public async Task<NeutronSecurityGroup> EnsureSecurityGroupAsync(string name, string description, IReadOnlyList<string> tags,
        IReadOnlyList<SecurityGroupRuleSpec> rules, CancellationToken ct)
    {
        var group = (await ListSecurityGroupsAsync(tags, ct).ConfigureAwait(false)).FirstOrDefault()
            ?? (await ListSecurityGroupsAsync(null, ct, description).ConfigureAwait(false)).FirstOrDefault(g => g.Name == name);
        if (group is null) group = await CreateSecurityGroupAsync(name, description, ct).ConfigureAwait(false);
        if (group.Tags is null || !tags.All(group.Tags.Contains)) await SetTagsAsync("security-groups", group.Id, tags, ct).ConfigureAwait(false);
        var have = group.SecurityGroupRules ?? [];
        foreach (var r in rules)
        {
            var exists = have.Any(h => h.Direction == r.Direction && string.Equals(h.Ethertype, r.Ethertype, StringComparison.OrdinalIgnoreCase)
                && string.Equals(h.Protocol, r.Protocol, StringComparison.OrdinalIgnoreCase) && h.PortRangeMin == r.PortRangeMin
                && h.PortRangeMax == r.PortRangeMax && h.RemoteIpPrefix == r.RemoteIpPrefix);
            if (!exists) await CreateSecurityGroupRuleAsync(group.Id, r, ct).ConfigureAwait(false);
        }
        return (await ListSecurityGroupsAsync(tags, ct).ConfigureAwait(false)).First(g => g.Id == group.Id);
    }

    public Task<T> WaitGoneAsync<T>(string what, Func<Task<T?>> probe, CancellationToken ct) where T : class =>
        _s.WaitAsync("neutron.wait", what, _s.Options.ResourceTimeout, probe, ct);
}
