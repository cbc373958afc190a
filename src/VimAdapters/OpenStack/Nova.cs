using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mano.VimAdapters.OpenStack;

public sealed record NovaServer(
    string Id,
    string? Name,
    string Status,
    Dictionary<string, string>? Metadata,
    List<string>? Tags,
    NovaServerFlavor? Flavor,
    JsonElement Image,
    [property: JsonPropertyName("OS-EXT-AZ:availability_zone")] string? AvailabilityZone,
    [property: JsonPropertyName("OS-EXT-STS:task_state")] string? TaskState,
    NovaFault? Fault)
{
    public string? ImageId => Image.ValueKind == JsonValueKind.Object && Image.TryGetProperty("id", out var id) ? id.GetString() : null;
}

public sealed record NovaServerFlavor(int Vcpus, long Ram, long Disk, string? OriginalName);

public sealed record NovaFault(string? Message, int? Code);

public sealed record NovaFlavor(
    string Id, string Name, int Vcpus, long Ram, long Disk,
    [property: JsonPropertyName("os-flavor-access:is_public")] bool? IsPublic);

public sealed record NovaServerGroup(string Id, string Name, string? Policy, List<string>? Policies, List<string>? Members);

public sealed record NovaAvailabilityZone(string ZoneName, bool Available);

/// <summary>What to boot: name, flavor, image, ports (pre-made Neutron ports), metadata and tags, zone, server group.</summary>
public sealed record NovaServerCreate(
    string Name, string FlavorId, string ImageId, IReadOnlyList<string> PortIds,
    IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<string> Tags,
    string? AvailabilityZone = null, string? ServerGroupId = null, string? UserData = null);

/// <summary>Nova (compute) over REST with a negotiated microversion.</summary>
public sealed class NovaClient
{
    private static readonly ConcurrentDictionary<string, string> Microversions = new(StringComparer.Ordinal);
    private const string MinimumMicroversion = "2.52";
    private readonly OpenStackSession _s;
    private Dictionary<string, string>? _headers;

    public NovaClient(OpenStackSession session) => _s = session;

    private static readonly string[] Svc = OpenStackServiceTypes.Compute;

    /// <summary>The microversion used: the wanted one (<see cref="OpenStackOptions.NovaMicroversion"/>), lowered to the cloud's maximum.</summary>
    public async Task<string> MicroversionAsync(CancellationToken ct)
    {
        if (_headers is not null) return _headers["OpenStack-API-Version"]["compute ".Length..];
        var url = _s.ServiceUrl(Svc, "nova.versions");
        if (!Microversions.TryGetValue(url, out var version))
        {
            var doc = await _s.SendAsync("nova.versions", Svc, HttpMethod.Get, "/", null, ct).ConfigureAwait(false);
            var max = doc?["version"]?["version"]?.GetValue<string>() ?? "";
            if (string.IsNullOrEmpty(max) || Compare(max, MinimumMicroversion) < 0)
                throw new VimException("nova.versions", $"Nova serves microversions up to '{max}'; Mano needs at least {MinimumMicroversion}");
            version = Compare(max, _s.Options.NovaMicroversion) < 0 ? max : _s.Options.NovaMicroversion;
            Microversions[url] = version;
        }
        _headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["OpenStack-API-Version"] = "compute " + version, ["X-OpenStack-Nova-API-Version"] = version };
        return version;
    }

    private static int Compare(string a, string b)
    {
        static (int, int) P(string v) { var p = v.Split('.'); return (int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture)); }
        return P(a).CompareTo(P(b));
    }

    private async Task<Dictionary<string, string>> H(CancellationToken ct)
    {
        if (_headers is null) await MicroversionAsync(ct).ConfigureAwait(false);
        return _headers!;
    }

    public async Task<IReadOnlyList<NovaServer>> ListServersAsync(IEnumerable<string> tags, CancellationToken ct)
    {
        var q = string.Join(",", tags);
        var node = await _s.SendAsync("nova.list_servers", Svc, HttpMethod.Get, "/servers/detail?tags=" + Uri.EscapeDataString(q), null, ct, headers: await H(ct).ConfigureAwait(false)).ConfigureAwait(false);
        return OpenStackSession.Read<List<NovaServer>>("nova.list_servers", node, "servers");
    }

    public async Task<NovaServer?> GetServerAsync(string id, CancellationToken ct)
    {
        var node = await _s.SendAsync("nova.get_server", Svc, HttpMethod.Get, "/servers/" + id, null, ct, notFoundIsNull: true, headers: await H(ct).ConfigureAwait(false)).ConfigureAwait(false);
        return node is null ? null : OpenStackSession.Read<NovaServer>("nova.get_server", node, "server");
    }

    public async Task<string> CreateServerAsync(NovaServerCreate c, CancellationToken ct)
    {
        var server = new JsonObject
        {
            ["name"] = c.Name,
            ["flavorRef"] = c.FlavorId,
            ["imageRef"] = c.ImageId,
            ["metadata"] = ToObject(c.Metadata),
            ["tags"] = new JsonArray(c.Tags.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["networks"] = c.PortIds.Count == 0 ? JsonValue.Create("none") : new JsonArray(c.PortIds.Select(p => (JsonNode)new JsonObject { ["port"] = p }).ToArray()),
        };
        if (c.AvailabilityZone is not null) server["availability_zone"] = c.AvailabilityZone;
        if (c.UserData is not null) server["user_data"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(c.UserData));
        var body = new JsonObject { ["server"] = server };
        if (c.ServerGroupId is not null) body["os:scheduler_hints"] = new JsonObject { ["group"] = c.ServerGroupId };
        var node = await _s.SendAsync("nova.create_server", Svc, HttpMethod.Post, "/servers", body, ct, headers: await H(ct).ConfigureAwait(false)).ConfigureAwait(false);
        return node?["server"]?["id"]?.GetValue<string>() ?? throw new VimException("nova.create_server", "Nova answered without a server id");
    }

    public async Task DeleteServerAsync(string id, CancellationToken ct) =>
        await _s.SendAsync("nova.delete_server", Svc, HttpMethod.Delete, "/servers/" + id, null, ct, notFoundIsNull: true, headers: await H(ct).ConfigureAwait(false)).ConfigureAwait(false);

    public async Task ActionAsync(string id, string action, JsonNode? args, CancellationToken ct) =>
        await _s.SendAsync("nova." + action.Replace("os-", "", StringComparison.Ordinal), Svc, HttpMethod.Post, $"/servers/{id}/action",
            new JsonObject { [action] = args }, ct, headers: await H(ct).ConfigureAwait(false)).ConfigureAwait(false);

    public Task StartAsync(string id, CancellationToken ct) => ActionAsync(id, "os-start", null, ct);
    public Task StopAsync(string id, CancellationToken ct) => ActionAsync(id, "os-stop", null, ct);

    /// <summary>Rebuild from <paramref name="imageId"/> (keeps ports and volumes) and replace the metadata.</summary>
    public Task RebuildAsync(string id, string imageId, string name, IReadOnlyDictionary<string, string> metadata, CancellationToken ct) =>
        ActionAsync(id, "rebuild", new JsonObject { ["imageRef"] = imageId, ["name"] = name, ["metadata"] = ToObject(metadata) }, ct);

    public async Task SetMetadataItemAsync(string id, string key, string value, CancellationToken ct) =>
        await _s.SendAsync("nova.set_metadata", Svc, HttpMethod.Put, $"/servers/{id}/metadata/{Uri.EscapeDataString(key)}",
            new JsonObject { ["meta"] = new JsonObject { [key] = value } }, ct, headers: await H(ct).ConfigureAwait(false)).ConfigureAwait(false);

    public async Task AttachPortAsync(string serverId, string portId, CancellationToken ct) =>
        await _s.SendAsync("nova.attach_interface", Svc, HttpMethod.Post, $"/servers/{serverId}/os-interface",
            new JsonObject { ["interfaceAttachment"] = new JsonObject { ["port_id"] = portId } }, ct, headers: await H(ct).ConfigureAwait(false)).ConfigureAwait(false);

    public async Task DetachPortAsync(string serverId, string portId, CancellationToken ct) =>
        await _s.SendAsync("nova.detach_interface", Svc, HttpMethod.Delete, $"/servers/{serverId}/os-interface/{portId}", null, ct,
            notFoundIsNull: true, headers: await H(ct).ConfigureAwait(false)).ConfigureAwait(false);

    public async Task AttachVolumeAsync(string serverId, string volumeId, CancellationToken ct) =>
        await _s.SendAsync("nova.attach_volume", Svc, HttpMethod.Post, $"/servers/{serverId}/os-volume_attachments",
            new JsonObject { ["volumeAttachment"] = new JsonObject { ["volumeId"] = volumeId } }, ct, headers: await H(ct).ConfigureAwait(false)).ConfigureAwait(false);

    public async Task<IReadOnlyList<NovaFlavor>> ListFlavorsAsync(CancellationToken ct)
    {
        var node = await _s.SendAsync("nova.list_flavors", Svc, HttpMethod.Get, "/flavors/detail?is_public=None", null, ct, headers: await H(ct).ConfigureAwait(false)).ConfigureAwait(false);
        return OpenStackSession.Read<List<NovaFlavor>>("nova.list_flavors", node, "flavors");
    }

    public async Task<IReadOnlyList<NovaServerGroup>> ListServerGroupsAsync(CancellationToken ct)
    {
        var node = await _s.SendAsync("nova.list_server_groups", Svc, HttpMethod.Get, "/os-server-groups", null, ct, headers: await H(ct).ConfigureAwait(false)).ConfigureAwait(false);
        return OpenStackSession.Read<List<NovaServerGroup>>("nova.list_server_groups", node, "server_groups");
    }

    /// <summary>Creates a server group with <paramref name="policy"/> "affinity", "anti-affinity", "soft-affinity" or "soft-anti-affinity".</summary>
    public async Task<NovaServerGroup> CreateServerGroupAsync(string name, string policy, CancellationToken ct)
    {
        var v = await MicroversionAsync(ct).ConfigureAwait(false);
        var group = new JsonObject { ["name"] = name };
        if (Compare(v, "2.64") >= 0) group["policy"] = policy; else group["policies"] = new JsonArray(policy);
        return await _s.SendAsync<NovaServerGroup>("nova.create_server_group", Svc, HttpMethod.Post, "/os-server-groups",
            new JsonObject { ["server_group"] = group }, "server_group", ct, await H(ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    public async Task DeleteServerGroupAsync(string id, CancellationToken ct) =>
        await _s.SendAsync("nova.delete_server_group", Svc, HttpMethod.Delete, "/os-server-groups/" + id, null, ct, notFoundIsNull: true, headers: await H(ct).ConfigureAwait(false)).ConfigureAwait(false);

    public async Task<IReadOnlyList<NovaAvailabilityZone>> ListAvailabilityZonesAsync(CancellationToken ct)
    {
        var node = await _s.SendAsync("nova.list_availability_zones", Svc, HttpMethod.Get, "/os-availability-zone", null, ct, headers: await H(ct).ConfigureAwait(false)).ConfigureAwait(false);
        return (node?["availabilityZoneInfo"]?.AsArray() ?? [])
            .Select(z => new NovaAvailabilityZone(z?["zoneName"]?.GetValue<string>() ?? "", z?["zoneState"]?["available"]?.GetValue<bool>() ?? false))
            .ToList();
    }

    /// <summary>Waits for ACTIVE / SHUTOFF (<paramref name="status"/>); ERROR fails with Nova's fault message.</summary>
    public Task<NovaServer> WaitForStatusAsync(string id, string status, CancellationToken ct) =>
        _s.WaitAsync($"nova.wait_{status.ToLowerInvariant()}", $"server {id} to become {status}", _s.Options.ServerTimeout, async () =>
        {
            var server = await GetServerAsync(id, ct).ConfigureAwait(false)
                ?? throw new VimException($"nova.wait_{status.ToLowerInvariant()}", $"server {id} vanished while waiting for {status}");
            if (server.Status == "ERROR")
                throw new VimException($"nova.wait_{status.ToLowerInvariant()}", $"server {id} went to ERROR: {server.Fault?.Message ?? "(no fault message)"}");
            return server.Status == status && string.IsNullOrEmpty(server.TaskState) ? server : null;
        }, ct);

    public Task WaitForDeletedAsync(string id, CancellationToken ct) =>
        _s.WaitAsync("nova.wait_deleted", $"server {id} to be deleted", _s.Options.ServerTimeout, async () =>
        {
            var server = await GetServerAsync(id, ct).ConfigureAwait(false);
            return server is null || server.Status == "DELETED" ? (object)true : null;
        }, ct);

    private static JsonObject ToObject(IReadOnlyDictionary<string, string> d)
    {
        var o = new JsonObject();
        foreach (var (k, v) in d) o[k] = v;
        return o;
    }
}
