using System.Text.Json.Nodes;

namespace Mano.VimAdapters.OpenStack;

/// <summary>
/// The <see cref="IVimChainDriver"/> of OpenStack: networking-sfc (Neutron's <c>/v2.0/sfc</c> API) port pairs, port pair
/// groups, flow classifiers and port chains. networking-sfc resources have no tags, so Mano's keys ride in each
/// resource's <c>description</c> as <c>mano-sfc|tenant|owner|chain key|key</c> (the name is informative only); an ensure
/// lists the project's SFC resources and keeps those whose description carries the chain's keys. A scaled hop is a
/// port pair group update (networking-sfc allows changing a group's port_pairs and a chain's port_pair_groups and
/// flow_classifiers in place); chain_parameters (symmetric, correlation) cannot change, so such a chain is replaced.
/// </summary>
public sealed class OpenStackChainDriver(OpenStackVimDriver driver) : IVimChainDriver
{
    internal const string MarkerPrefix = "mano-sfc";
    private static readonly string[] Svc = OpenStackServiceTypes.Network;
    private readonly OpenStackVimDriver _driver = driver ?? throw new ArgumentNullException(nameof(driver));

    public string VimType => VimTypes.OpenStack;

    public async Task<VimPortChain> EnsurePortChainAsync(VimConnectionInfo vim, PortChainPlan plan, CancellationToken ct) =>
        await PortChainReconciler.EnsureAsync(await ApiAsync(vim, ct).ConfigureAwait(false), plan, "ensure_port_chain", ct).ConfigureAwait(false);

    public async Task DeletePortChainsAsync(VimConnectionInfo vim, string tenantId, string ownerId, string? chainKey, CancellationToken ct) =>
        await PortChainReconciler.DeleteAsync(await ApiAsync(vim, ct).ConfigureAwait(false), tenantId, ownerId, chainKey, "delete_port_chains", ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<VimPortChain>> ListPortChainsAsync(VimConnectionInfo vim, string tenantId, string? ownerId, CancellationToken ct) =>
        await PortChainReconciler.ListAsync(await ApiAsync(vim, ct).ConfigureAwait(false), tenantId, ownerId, "list_port_chains", ct).ConfigureAwait(false);

    private async Task<ISfcApi> ApiAsync(VimConnectionInfo vim, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(vim);
        if (!string.Equals(vim.VimType, VimType, StringComparison.Ordinal))
            throw new VimException("sfc.connect", $"VIM '{vim.VimId}' has type '{vim.VimType}'; the OpenStack chain driver serves '{VimType}'");
        var session = await _driver.ConnectAsync(vim, ct).ConfigureAwait(false);
        if (!await new NetworkingSfcClient(session).IsAvailableAsync(ct).ConfigureAwait(false))
            throw new VimException("sfc.extensions", $"VIM '{vim.VimId}': Neutron does not serve networking-sfc (extensions 'sfc' and 'flow_classifier'), so service function chains cannot be realised there");
        return new Api(session);
    }

    internal static string Describe(SfcMarker m) => string.Join('|', MarkerPrefix, m.TenantId, m.OwnerId, m.ChainKey, m.Key);

    internal static SfcMarker? ParseMarker(string? description)
    {
        var parts = description?.Split('|');
        return parts is [MarkerPrefix, var t, var o, var c, var k] ? new SfcMarker(t, o, c, k) : null;
    }

    private sealed class Api(OpenStackSession s) : ISfcApi
    {
        private static readonly (SfcPartKind Kind, string Collection, string Envelope)[] Kinds =
        [
            (SfcPartKind.PortPair, "port_pairs", "port_pair"),
            (SfcPartKind.PortPairGroup, "port_pair_groups", "port_pair_group"),
            (SfcPartKind.FlowClassifier, "flow_classifiers", "flow_classifier"),
            (SfcPartKind.PortChain, "port_chains", "port_chain"),
        ];

        public async Task<IReadOnlyList<SfcPart>> ListAsync(string tenantId, CancellationToken ct)
        {
            var parts = new List<SfcPart>();
            foreach (var (kind, collection, _) in Kinds)
            {
                var node = await s.SendAsync($"sfc.list_{collection}", Svc, HttpMethod.Get, $"/sfc/{collection}", null, ct).ConfigureAwait(false);
                foreach (var item in node?[collection]?.AsArray() ?? []) if (item is not null) parts.Add(ToPart(kind, item));
            }
            return parts;
        }

        public Task<SfcPart> CreatePortPairAsync(SfcMarker marker, string ingress, string egress, CancellationToken ct) =>
            CreateAsync(SfcPartKind.PortPair, marker, new JsonObject { ["ingress"] = ingress, ["egress"] = egress }, ct);

        public Task<SfcPart> CreatePortPairGroupAsync(SfcMarker marker, IReadOnlyList<string> portPairIds, CancellationToken ct) =>
            CreateAsync(SfcPartKind.PortPairGroup, marker, new JsonObject { ["port_pairs"] = Ids(portPairIds) }, ct);

        public Task UpdatePortPairGroupAsync(string tenantId, string id, IReadOnlyList<string> portPairIds, CancellationToken ct) =>
            s.SendAsync("sfc.update_port_pair_group", Svc, HttpMethod.Put, "/sfc/port_pair_groups/" + id,
                new JsonObject { ["port_pair_group"] = new JsonObject { ["port_pairs"] = Ids(portPairIds) } }, ct);

        public Task<SfcPart> CreateFlowClassifierAsync(SfcMarker marker, FlowClassifierPlan f, CancellationToken ct)
        {
            var o = new JsonObject { ["ethertype"] = f.Ethertype };
            void Set(string name, JsonNode? value) { if (value is not null) o[name] = value; }
            Set("protocol", f.Protocol?.ToLowerInvariant());
            Set("source_ip_prefix", PortChainReconciler.Prefix(f.SourceIpPrefix));
            Set("destination_ip_prefix", PortChainReconciler.Prefix(f.DestinationIpPrefix));
            Set("source_port_range_min", f.SourcePortRangeMin);
            Set("source_port_range_max", f.SourcePortRangeMax);
            Set("destination_port_range_min", f.DestinationPortRangeMin);
            Set("destination_port_range_max", f.DestinationPortRangeMax);
            Set("logical_source_port", f.LogicalSourcePortId);
            Set("logical_destination_port", f.LogicalDestinationPortId);
            return CreateAsync(SfcPartKind.FlowClassifier, marker, o, ct);
        }

        public Task<SfcPart> CreatePortChainAsync(SfcMarker marker, IReadOnlyList<string> groupIds, IReadOnlyList<string> classifierIds,
            bool symmetric, string? correlation, CancellationToken ct)
        {
            var parameters = new JsonObject { ["symmetric"] = symmetric };
            if (correlation is not null) parameters["correlation"] = correlation;
            return CreateAsync(SfcPartKind.PortChain, marker, new JsonObject
            {
                ["port_pair_groups"] = Ids(groupIds), ["flow_classifiers"] = Ids(classifierIds), ["chain_parameters"] = parameters,
            }, ct);
        }

        public Task UpdatePortChainAsync(string tenantId, string id, IReadOnlyList<string> groupIds, IReadOnlyList<string> classifierIds, CancellationToken ct) =>
            s.SendAsync("sfc.update_port_chain", Svc, HttpMethod.Put, "/sfc/port_chains/" + id,
                new JsonObject { ["port_chain"] = new JsonObject { ["port_pair_groups"] = Ids(groupIds), ["flow_classifiers"] = Ids(classifierIds) } }, ct);

        public Task DeleteAsync(string tenantId, SfcPartKind kind, string id, CancellationToken ct)
        {
            var (_, collection, envelope) = Kinds.Single(k => k.Kind == kind);
            return s.SendAsync($"sfc.delete_{envelope}", Svc, HttpMethod.Delete, $"/sfc/{collection}/{id}", null, ct, notFoundIsNull: true);
        }

        private async Task<SfcPart> CreateAsync(SfcPartKind kind, SfcMarker marker, JsonObject body, CancellationToken ct)
        {
            var (_, collection, envelope) = Kinds.Single(k => k.Kind == kind);
            var name = $"mano-{marker.ChainKey}-{marker.Key}";
            body["name"] = name.Length > 255 ? name[..255] : name;
            body["description"] = Describe(marker);
            var node = await s.SendAsync($"sfc.create_{envelope}", Svc, HttpMethod.Post, $"/sfc/{collection}",
                new JsonObject { [envelope] = body }, ct).ConfigureAwait(false);
            return ToPart(kind, node?[envelope] ?? throw new VimException($"sfc.create_{envelope}", $"the answer has no '{envelope}'"));
        }

        private static JsonArray Ids(IReadOnlyList<string> ids) => new(ids.Select(i => (JsonNode)JsonValue.Create(i)).ToArray());

        private static IReadOnlyList<string> Strings(JsonNode? array) =>
            (array?.AsArray() ?? []).Select(n => n?.GetValue<string>()).OfType<string>().ToList();

        private static SfcPart ToPart(SfcPartKind kind, JsonNode n)
        {
            var marker = ParseMarker(n["description"]?.GetValue<string>());
            var part = new SfcPart(kind, n["id"]!.GetValue<string>(), marker);
            switch (kind)
            {
                case SfcPartKind.PortPair:
                    return part with { Ingress = n["ingress"]?.GetValue<string>(), Egress = n["egress"]?.GetValue<string>() };
                case SfcPartKind.PortPairGroup:
                    return part with { Members = Strings(n["port_pairs"]) };
                case SfcPartKind.FlowClassifier:
                    return part with
                    {
                        Classifier = new FlowClassifierPlan(marker?.Key ?? "",
                            n["ethertype"]?.GetValue<string>() ?? "IPv4", n["protocol"]?.GetValue<string>(),
                            n["source_ip_prefix"]?.GetValue<string>(), n["destination_ip_prefix"]?.GetValue<string>(),
                            Int(n["source_port_range_min"]), Int(n["source_port_range_max"]),
                            Int(n["destination_port_range_min"]), Int(n["destination_port_range_max"]),
                            n["logical_source_port"]?.GetValue<string>(), n["logical_destination_port"]?.GetValue<string>()),
                    };
                default:
                    var parameters = n["chain_parameters"];
                    return part with
                    {
                        Members = Strings(n["port_pair_groups"]), FlowClassifiers = Strings(n["flow_classifiers"]),
                        Symmetric = parameters?["symmetric"]?.GetValue<bool>() ?? false,
                        Correlation = parameters?["correlation"]?.GetValue<string>(),
                    };
            }
        }

        private static int? Int(JsonNode? n) => n is null ? null : n.GetValue<int>();
    }
}
