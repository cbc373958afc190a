using System.Text.Json.Nodes;

namespace Mano.VimAdapters.OpenStack;

public sealed record SfcPortPair(string Id, string Name, string Ingress, string Egress, string? Description);

public sealed record SfcPortPairGroup(string Id, string Name, List<string> PortPairs, string? Description);

public sealed record SfcFlowClassifier(
    string Id, string Name, string? Ethertype, string? Protocol, string? SourceIpPrefix, string? DestinationIpPrefix,
    int? DestinationPortRangeMin, int? DestinationPortRangeMax, string? LogicalSourcePort, string? Description);

public sealed record SfcPortChain(string Id, string Name, List<string> PortPairGroups, List<string> FlowClassifiers, string? Description);

/// <summary>What a flow classifier matches (networking-sfc requires a logical source port with the dummy/OVS drivers).</summary>
public sealed record FlowClassifierSpec(
    string Name, string LogicalSourcePort, string Ethertype = "IPv4", string? Protocol = null, string? SourceIpPrefix = null,
    string? DestinationIpPrefix = null, int? DestinationPortRangeMin = null, int? DestinationPortRangeMax = null);

/// <summary>
/// networking-sfc (Neutron's <c>/v2.0/sfc</c> extension) over REST: port pairs, port pair groups, flow classifiers,
/// port chains. These resources have no tags: ensures find them by name (Mano names them per NS / VNFFG) and the
/// <c>description</c> carries Mano's marker. <see cref="IsAvailableAsync"/> tells whether the cloud serves the extension.
/// </summary>
public sealed class NetworkingSfcClient(OpenStackSession session)
{
    private static readonly string[] Svc = OpenStackServiceTypes.Network;
    private readonly OpenStackSession _s = session;

    public async Task<bool> IsAvailableAsync(CancellationToken ct)
    {
        var node = await _s.SendAsync("sfc.extensions", Svc, HttpMethod.Get, "/extensions", null, ct).ConfigureAwait(false);
        var aliases = (node?["extensions"]?.AsArray() ?? []).Select(e => e?["alias"]?.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        return aliases.Contains("sfc") && aliases.Contains("flow_classifier");
    }

    private async Task<List<T>> ListAsync<T>(string collection, string envelope, string? description, CancellationToken ct)
    {
        var q = description is null ? "" : "?description=" + Uri.EscapeDataString(description);
        return OpenStackSession.Read<List<T>>($"sfc.list_{envelope}",
            await _s.SendAsync($"sfc.list_{envelope}", Svc, HttpMethod.Get, $"/sfc/{collection}{q}", null, ct).ConfigureAwait(false), envelope);
    }

    public Task<List<SfcPortPair>> ListPortPairsAsync(CancellationToken ct, string? description = null) => ListAsync<SfcPortPair>("port_pairs", "port_pairs", description, ct);
    public Task<List<SfcPortPairGroup>> ListPortPairGroupsAsync(CancellationToken ct, string? description = null) => ListAsync<SfcPortPairGroup>("port_pair_groups", "port_pair_groups", description, ct);
    public Task<List<SfcFlowClassifier>> ListFlowClassifiersAsync(CancellationToken ct, string? description = null) => ListAsync<SfcFlowClassifier>("flow_classifiers", "flow_classifiers", description, ct);
    public Task<List<SfcPortChain>> ListPortChainsAsync(CancellationToken ct, string? description = null) => ListAsync<SfcPortChain>("port_chains", "port_chains", description, ct);

    public async Task<SfcPortPair> EnsurePortPairAsync(string name, string ingressPortId, string egressPortId, string description, CancellationToken ct) =>
        (await ListPortPairsAsync(ct, description).ConfigureAwait(false)).FirstOrDefault(p => p.Name == name)
        ?? await _s.SendAsync<SfcPortPair>("sfc.create_port_pair", Svc, HttpMethod.Post, "/sfc/port_pairs",
            new JsonObject { ["port_pair"] = new JsonObject { ["name"] = name, ["ingress"] = ingressPortId, ["egress"] = egressPortId, ["description"] = description } },
            "port_pair", ct).ConfigureAwait(false);

    public async Task<SfcPortPairGroup> EnsurePortPairGroupAsync(string name, IReadOnlyList<string> portPairIds, string description, CancellationToken ct) =>
        (await ListPortPairGroupsAsync(ct, description).ConfigureAwait(false)).FirstOrDefault(p => p.Name == name)
        ?? await _s.SendAsync<SfcPortPairGroup>("sfc.create_port_pair_group", Svc, HttpMethod.Post, "/sfc/port_pair_groups",
            new JsonObject { ["port_pair_group"] = new JsonObject { ["name"] = name, ["port_pairs"] = Array(portPairIds), ["description"] = description } },
            "port_pair_group", ct).ConfigureAwait(false);

    public async Task<SfcFlowClassifier> EnsureFlowClassifierAsync(FlowClassifierSpec f, string description, CancellationToken ct)
    {
        var existing = (await ListFlowClassifiersAsync(ct, description).ConfigureAwait(false)).FirstOrDefault(p => p.Name == f.Name);
        if (existing is not null) return existing;
        var o = new JsonObject { ["name"] = f.Name, ["ethertype"] = f.Ethertype, ["logical_source_port"] = f.LogicalSourcePort, ["description"] = description };
        if (f.Protocol is not null) o["protocol"] = f.Protocol;
        if (f.SourceIpPrefix is not null) o["source_ip_prefix"] = f.SourceIpPrefix;
        if (f.DestinationIpPrefix is not null) o["destination_ip_prefix"] = f.DestinationIpPrefix;
        if (f.DestinationPortRangeMin is not null) o["destination_port_range_min"] = f.DestinationPortRangeMin;
        if (f.DestinationPortRangeMax is not null) o["destination_port_range_max"] = f.DestinationPortRangeMax;
        return await _s.SendAsync<SfcFlowClassifier>("sfc.create_flow_classifier", Svc, HttpMethod.Post, "/sfc/flow_classifiers",
            new JsonObject { ["flow_classifier"] = o }, "flow_classifier", ct).ConfigureAwait(false);
    }

    public async Task<SfcPortChain> EnsurePortChainAsync(string name, IReadOnlyList<string> portPairGroupIds, IReadOnlyList<string> flowClassifierIds, string description, CancellationToken ct) =>
        (await ListPortChainsAsync(ct, description).ConfigureAwait(false)).FirstOrDefault(p => p.Name == name)
        ?? await _s.SendAsync<SfcPortChain>("sfc.create_port_chain", Svc, HttpMethod.Post, "/sfc/port_chains",
            new JsonObject
            {
                ["port_chain"] = new JsonObject
                {
                    ["name"] = name, ["port_pair_groups"] = Array(portPairGroupIds), ["flow_classifiers"] = Array(flowClassifierIds), ["description"] = description,
                },
            }, "port_chain", ct).ConfigureAwait(false);

    /// <summary>Deletes every SFC resource whose description is <paramref name="description"/>: chains, then groups, pairs and classifiers.</summary>
    public async Task DeleteAllAsync(string description, CancellationToken ct)
    {
        foreach (var c in await ListPortChainsAsync(ct, description).ConfigureAwait(false)) await DeleteAsync("port_chains", c.Id, ct).ConfigureAwait(false);
        foreach (var g in await ListPortPairGroupsAsync(ct, description).ConfigureAwait(false)) await DeleteAsync("port_pair_groups", g.Id, ct).ConfigureAwait(false);
        foreach (var p in await ListPortPairsAsync(ct, description).ConfigureAwait(false)) await DeleteAsync("port_pairs", p.Id, ct).ConfigureAwait(false);
        foreach (var f in await ListFlowClassifiersAsync(ct, description).ConfigureAwait(false)) await DeleteAsync("flow_classifiers", f.Id, ct).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string collection, string id, CancellationToken ct) =>
        await _s.SendAsync($"sfc.delete_{collection.TrimEnd('s')}", Svc, HttpMethod.Delete, $"/sfc/{collection}/{id}", null, ct, notFoundIsNull: true).ConfigureAwait(false);

    private static JsonArray Array(IReadOnlyList<string> ids) => new(ids.Select(i => (JsonNode)JsonValue.Create(i)!).ToArray());
}
