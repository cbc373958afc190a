using System.Text.Json.Nodes;

namespace Mano.VimAdapters.OpenStack;

public sealed record CinderAttachment(string? ServerId, string? Device);

public sealed record CinderVolume(string Id, string? Name, string Status, int Size, Dictionary<string, string>? Metadata, List<CinderAttachment>? Attachments);

/// <summary>
/// Cinder (block-storage v3) over REST. Only usable when the catalog lists a block-storage endpoint
/// (<see cref="IsAvailable"/>); the driver refuses a plan with volumes on a cloud without one, with a clear error.
/// </summary>
public sealed class CinderClient(OpenStackSession session)
{
    private static readonly string[] Svc = OpenStackServiceTypes.BlockStorage;
    private readonly OpenStackSession _s = session;

    public bool IsAvailable => _s.HasService(Svc);

    public async Task<IReadOnlyList<CinderVolume>> ListVolumesAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken ct)
    {
        var filter = Uri.EscapeDataString(new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))).ToJsonString());
        var node = await _s.SendAsync("cinder.list_volumes", Svc, HttpMethod.Get, "/volumes/detail?metadata=" + filter, null, ct).ConfigureAwait(false);
        return OpenStackSession.Read<List<CinderVolume>>("cinder.list_volumes", node, "volumes");
    }

    public Task<CinderVolume> CreateVolumeAsync(string name, int sizeGiB, IReadOnlyDictionary<string, string> metadata, string? zone, CancellationToken ct)
    {
        var v = new JsonObject { ["name"] = name, ["size"] = sizeGiB, ["metadata"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))) };
        if (zone is not null) v["availability_zone"] = zone;
        return _s.SendAsync<CinderVolume>("cinder.create_volume", Svc, HttpMethod.Post, "/volumes", new JsonObject { ["volume"] = v }, "volume", ct);
    }

    public async Task<CinderVolume?> GetVolumeAsync(string id, CancellationToken ct)
    {
        var node = await _s.SendAsync("cinder.get_volume", Svc, HttpMethod.Get, "/volumes/" + id, null, ct, notFoundIsNull: true).ConfigureAwait(false);
        return node is null ? null : OpenStackSession.Read<CinderVolume>("cinder.get_volume", node, "volume");
    }

    public Task<CinderVolume> WaitAvailableAsync(string id, CancellationToken ct) =>
        _s.WaitAsync("cinder.wait_available", $"volume {id} to become available", _s.Options.ResourceTimeout, async () =>
        {
            var v = await GetVolumeAsync(id, ct).ConfigureAwait(false) ?? throw new VimException("cinder.wait_available", $"volume {id} vanished");
            if (v.Status == "error") throw new VimException("cinder.wait_available", $"volume {id} went to error");
            return v.Status is "available" or "in-use" ? v : null;
        }, ct);

    public async Task DeleteVolumeAsync(string id, CancellationToken ct) =>
        await _s.SendAsync("cinder.delete_volume", Svc, HttpMethod.Delete, "/volumes/" + id, null, ct, notFoundIsNull: true).ConfigureAwait(false);
}
