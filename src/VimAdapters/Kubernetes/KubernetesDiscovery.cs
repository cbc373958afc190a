using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Mano.VimAdapters.Kubernetes;

/// <summary>One resource type a cluster serves (from API discovery).</summary>
internal sealed record ApiResource(
    string Group, string Version, string Kind, string Plural, bool Namespaced,
    IReadOnlySet<string> Verbs, IReadOnlySet<string> Subresources)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public bool Can(string verb) => Verbs.Contains(verb);

    /// <summary>Persistent objects are applied (server-side apply); create-only kinds (reviews, bindings) are POSTed once.</summary>
    public bool Appliable => Can("patch") && Can("get");

    public string CollectionPath(string? ns) =>
        (Group.Length == 0 ? $"api/{Version}" : $"apis/{Group}/{Version}")
        + (Namespaced && ns is not null ? $"/namespaces/{Uri.EscapeDataString(ns)}" : "")
        + "/" + Plural;

    public string ObjectPath(string? ns, string name) => CollectionPath(ns) + "/" + Uri.EscapeDataString(name);
}

/// <summary>What a cluster serves, by apiVersion and kind.</summary>
internal sealed class ServedResources(IReadOnlyList<ApiResource> all)
{
    private readonly Dictionary<(string ApiVersion, string Kind), ApiResource> _byKind =
        all.GroupBy(r => (r.ApiVersion, r.Kind)).ToDictionary(g => g.Key, g => g.First());

    public IReadOnlyList<ApiResource> All { get; } = all;

    public ApiResource? Find(string apiVersion, string kind) => _byKind.GetValueOrDefault((apiVersion, kind));

    public ApiResource? FindPlural(string group, string plural) =>
        All.FirstOrDefault(r => r.Group == group && r.Plural == plural);

    /// <summary>
    /// The resource types to search for objects labelled by Mano: one version per group and plural (the same objects
    /// are served in every version), listable and deletable.
    /// </summary>
    public IEnumerable<ApiResource> Listable() =>
        All.Where(r => r.Can("list") && r.Can("delete"))
            .GroupBy(r => (r.Group, r.Plural))
            .Select(g => g.First());
}

/// <summary>
/// API discovery (/api, /api/{v}, /apis, /apis/{group}/{version}), cached per cluster for a short while and re-read when
/// a manifest names a kind the cache does not know (a CRD installed meanwhile).
/// </summary>
internal sealed class KubernetesDiscovery(TimeSpan ttl)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, ServedResources Resources)> _cache = new(StringComparer.Ordinal);

    public async Task<ServedResources> GetAsync(KubernetesApi api, string operation, bool refresh, CancellationToken ct)
    {
        if (!refresh && _cache.TryGetValue(api.Endpoint, out var cached) && DateTimeOffset.UtcNow - cached.At < ttl)
            return cached.Resources;
        var served = await DiscoverAsync(api, operation, ct).ConfigureAwait(false);
        _cache[api.Endpoint] = (DateTimeOffset.UtcNow, served);
        return served;
    }

    private static async Task<ServedResources> DiscoverAsync(KubernetesApi api, string operation, CancellationToken ct)
    {
        var groupVersions = new List<(string Group, string Version, string Path)>();
        var core = await api.GetAsync("api", operation, ct).ConfigureAwait(false)
                   ?? throw new VimException(operation, $"{api.Endpoint} serves no /api: not a Kubernetes API server");
        foreach (var v in core["versions"] as JsonArray ?? [])
            if (v?.GetValue<string>() is { } version) groupVersions.Add(("", version, $"api/{version}"));
        var groups = await api.GetAsync("apis", operation, ct).ConfigureAwait(false);
        foreach (var g in groups?["groups"] as JsonArray ?? [])
        {
            var name = g?["name"]?.GetValue<string>() ?? "";
            foreach (var v in g?["versions"] as JsonArray ?? [])
                if (v?["version"]?.GetValue<string>() is { } version) groupVersions.Add((name, version, $"apis/{name}/{version}"));
        }

        // Preferred versions first, so Listable() picks them.
        var preferred = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in groups?["groups"] as JsonArray ?? [])
            if (g?["preferredVersion"]?["groupVersion"]?.GetValue<string>() is { } gv) preferred.Add(gv);
        groupVersions = groupVersions
            .OrderBy(gv => gv.Group.Length == 0 || preferred.Contains($"{gv.Group}/{gv.Version}") ? 0 : 1)
            .ToList();

        using var gate = new SemaphoreSlim(8);
        var lists = await Task.WhenAll(groupVersions.Select(async gv =>
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                return (gv, List: await api.GetAsync(gv.Path, operation, ct).ConfigureAwait(false));
            }
            catch (VimException)
            {
                // An aggregated API whose backend is down (e.g. metrics.k8s.io) fails its discovery: its kinds are
                // then unknown, and a manifest naming one fails clearly as "not served".
                return (gv, List: (JsonObject?)null);
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);

        var all = new List<ApiResource>();
        foreach (var (gv, list) in lists)
        {
            if (list is null) continue;
            var entries = (list["resources"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            var subresources = entries
                .Select(e => e["name"]?.GetValue<string>() ?? "")
                .Where(n => n.Contains('/', StringComparison.Ordinal))
                .GroupBy(n => n[..n.IndexOf('/', StringComparison.Ordinal)])
                .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(n => n[(n.IndexOf('/', StringComparison.Ordinal) + 1)..]).ToHashSet(StringComparer.Ordinal));
            foreach (var e in entries)
            {
                var name = e["name"]?.GetValue<string>() ?? "";
                if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal)) continue;
                var kind = e["kind"]?.GetValue<string>() ?? "";
                if (kind.Length == 0) continue;
                // An entry may name another group/version (rare): the object is then served under that one.
                var group = e["group"]?.GetValue<string>() ?? gv.Group;
                var version = e["version"]?.GetValue<string>() ?? gv.Version;
                var verbs = (e["verbs"] as JsonArray ?? []).Select(v => v?.GetValue<string>() ?? "").ToHashSet(StringComparer.Ordinal);
                all.Add(new ApiResource(group, version, kind, name, e["namespaced"]?.GetValue<bool>() ?? false, verbs,
                    subresources.GetValueOrDefault(name) ?? new HashSet<string>()));
            }
        }
        return new ServedResources(all);
    }
}
