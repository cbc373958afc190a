using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Mano.Tosca;
using Microsoft.EntityFrameworkCore;

namespace Mano.Nfvo;

// NS placement (issue 6 item 4, ADR-0020): a VIM (and zone) per VNF of an NS, from the tenant's VIMs, their capacity and
// granted usage (the grant decider's numbers: PlacementInventory is the one implementation both use), SOL005
// LocationConstraints (6.5.3.21), the NSD's NsAffinityRule / NsAntiAffinityRule (SOL001 6.10.x) and pins. Pins (PinAsync)
// tell the grant decider where a VNF instance of an NS instance must go; an unpinned grant chooses its VIM with the same
// per-VNF assessment (NsPlacementPlanner.Assess).

/// <summary>One VNF of an NS to place: its VNF profile (the NSD's VNF node), VNFD, size, location constraints and pin.</summary>
public sealed record VnfPlacementRequest(string VnfProfileId, string VnfdId, ResourceSize Size,
    IReadOnlyList<LocationConstraints>? LocationConstraints, string? PinnedVimId);

/// <summary>Where a VNF goes: a VIM, and a zone of it when a ZONE-scope rule of the NSD covers the VNF (else the grant picks zones).</summary>
public sealed record VnfPlacement(string VnfProfileId, string VimId, string? ZoneId);

/// <summary>The placements found, and every reason some VNF could not be placed (empty: success).</summary>
public sealed record NsPlacementResult(IReadOnlyList<VnfPlacement> Placements, IReadOnlyList<string> Problems)
{
    public bool Succeeded => Problems.Count == 0;
}

/// <summary>
/// An NS virtual link and the VIMs its VNFs landed on. <see cref="Problem"/> is set when they are on VIMs Mano cannot
/// connect (different endpoints): Mano has no inter-VIM connectivity (WAN/WIM) yet.
/// </summary>
public sealed record NsVirtualLinkPlacement(string VirtualLinkId, IReadOnlyList<string> VnfProfileIds, IReadOnlyList<string> VimIds, string? Problem)
{
    public bool SpansVims => VimIds.Count > 1;
}

/// <summary>A VNF instance of an NS instance that must be granted on a VIM (and preferably a zone): the grant decider honours it.</summary>
public sealed class VnfPlacementPin
{
    public required string TenantId { get; set; }
    public required string VnfInstanceId { get; set; }
    public required string NsInstanceId { get; set; }
    public required string VimId { get; set; }
    /// <summary>The VIM's zone name the new computes of the VNF instance prefer; null: the grant decides.</summary>
    public string? ZoneId { get; set; }
    public DateTime PinnedAt { get; set; }
}

/// <summary>
/// One VIM of the tenant as placement sees it: capacity (vim_capacities, else the sandbox default, else unlimited), what
/// the ledger of granted resources holds on it, its zones with the computes granted in each, and its location.
/// </summary>
public sealed record PlacementVim(Vim Vim, ResourceLimits Capacity, ResourceSize InUse, IReadOnlyList<string> Zones,
    IReadOnlyDictionary<string, int> ZoneLoad, VimLocation? Location)
{
    public string Id => Vim.Id;

    /// <summary>A VIM whose last connectivity check failed is not chosen for new VNFs (PENDING, not checked yet, is).</summary>
    public bool Reachable => Vim.Status != VimStatus.Unreachable;

    /// <summary>Why <paramref name="more"/> (on top of what is in use) does not fit the VIM's capacity; null when it fits.</summary>
    public string? Refusal(ResourceSize more) => ResourceSize.Exceeded(Capacity, InUse, more, $"VIM {Id}'s capacity");
}

/// <summary>
/// The tenant's VIMs with capacity and granted usage: the numbers grants (<see cref="GrantDecider"/>) and NS placement
/// (<see cref="NsPlacementPlanner"/>) decide by. Order: the default VIM first, then the oldest (the tenant's preference).
/// </summary>
public sealed class PlacementInventory(NfvoDbContext db, GrantOptions options)
{
    public async Task<IReadOnlyList<PlacementVim>> LoadAsync(CancellationToken ct)
    {
        var vims = await db.Vims.AsNoTracking().OrderByDescending(v => v.IsDefault).ThenBy(v => v.CreatedAt).ThenBy(v => v.Id).ToListAsync(ct);
        if (vims.Count == 0) return [];
        var capacities = await db.VimCapacities.AsNoTracking().ToDictionaryAsync(c => c.VimId, StringComparer.Ordinal, ct);
        var usage = (await db.GrantedResources.AsNoTracking().GroupBy(r => r.VimId).Select(g => new
            {
                VimId = g.Key,
                Vnfcs = g.Count(r => r.Type == "COMPUTE"),
                Vcpus = g.Sum(r => r.Vcpus),
                Memory = g.Sum(r => r.MemoryMiB),
                Storage = g.Sum(r => r.StorageGiB),
            }).ToListAsync(ct))
            .ToDictionary(u => u.VimId, u => new ResourceSize(u.Vnfcs, u.Vcpus, u.Memory, u.Storage), StringComparer.Ordinal);
        var zoneLoad = (await db.GrantedResources.AsNoTracking().Where(r => r.Type == "COMPUTE" && r.ZoneId != null)
                .GroupBy(r => new { r.VimId, r.ZoneId }).Select(g => new { g.Key.VimId, g.Key.ZoneId, Count = g.Count() }).ToListAsync(ct))
            .GroupBy(z => z.VimId).ToDictionary(g => g.Key, g => g.ToDictionary(z => z.ZoneId!, z => z.Count, StringComparer.Ordinal), StringComparer.Ordinal);
        return vims.Select(v => new PlacementVim(v, Capacity(v, capacities.GetValueOrDefault(v.Id)), usage.GetValueOrDefault(v.Id, ResourceSize.Zero),
            VimRegistry.Zones(v), zoneLoad.GetValueOrDefault(v.Id) ?? new Dictionary<string, int>(), VimRegistry.Location(v))).ToList();
    }

    /// <summary>A VIM's capacity: its vim_capacities row; a sandbox VIM without one: Nfvo:Grants:SandboxCapacity; else unlimited.</summary>
    public ResourceLimits Capacity(Vim vim, VimCapacity? row) =>
        row is not null
            ? new ResourceLimits { MaxInstances = row.MaxInstances, MaxVcpus = row.MaxVcpus, MaxMemoryMiB = row.MaxMemoryMiB, MaxStorageGiB = row.MaxStorageGiB }
            : vim.VimType == VimRegistry.SandboxVimType ? options.SandboxCapacity : new ResourceLimits();

    /// <summary>The sum of granted resources (the tenant's quota usage, or a VIM's when filtered).</summary>
    public static async Task<ResourceSize> UsageAsync(IQueryable<GrantedResource> rows, CancellationToken ct)
    {
        var sums = await rows.GroupBy(_ => 1).Select(g => new
        {
            Vnfcs = g.Count(r => r.Type == "COMPUTE"),
            Vcpus = g.Sum(r => r.Vcpus),
            Memory = g.Sum(r => r.MemoryMiB),
            Storage = g.Sum(r => r.StorageGiB),
        }).SingleOrDefaultAsync(ct);
        return sums is null ? ResourceSize.Zero : new ResourceSize(sums.Vnfcs, sums.Vcpus, sums.Memory, sums.Storage);
    }
}

/// <summary>How one VIM fares for one VNF on its own: null <see cref="Refusal"/> when it can take it.</summary>
public sealed record VimAssessment(PlacementVim Vim, string? Refusal);

/// <summary>
/// Places the VNFs of an NS: a VIM (and, under ZONE-scope rules, a zone) per VNF, deterministically (the tenant's VIM
/// order, the VNFs' order, the VIMs' zone order). A VNF can go to a VIM that is reachable, matches one of its location
/// constraints, and has the capacity for it on top of the granted usage and of the VNFs placed there before it; the
/// NSD's rules then bind VNFs together: NFVI_POP affinity = same VIM, anti-affinity = different VIMs; ZONE (and
/// ZONE_GROUP: a Mano VIM's zones form no groups; NFVI_NODE affinity, which needs one zone too) = same VIM and zone,
/// anti-affinity = another VIM or another zone. A VNF with a pin goes to that VIM only.
/// </summary>
public sealed class NsPlacementPlanner(NfvoDbContext db, GrantOptions options)
{
    /// <summary>How many partial placements the search may try before it gives up (bounds the time of a hopeless case).</summary>
    public const int SearchLimit = 100_000;

    /// <summary>VIM (and zone) per VNF from the tenant's VIMs: capacity, location constraints, the NSD's affinity/anti-affinity rules.</summary>
    public async Task<NsPlacementResult> PlaceAsync(IReadOnlyList<VnfPlacementRequest> vnfs, IReadOnlyList<NsPlacementRule> rules, CancellationToken ct) =>
        Plan(await new PlacementInventory(db, options).LoadAsync(ct), vnfs, rules);

    /// <summary>Record that VNF instance X of NS instance N must be granted on VIM V (zone Z): the grant decider honours it.</summary>
    public async Task PinAsync(string nsInstanceId, string vnfInstanceId, string vimId, string? zoneId, CancellationToken ct)
    {
        var vim = await db.Vims.AsNoTracking().SingleOrDefaultAsync(v => v.Id == vimId, ct)
                  ?? throw new UnprocessableProblem($"Cannot pin VNF instance {vnfInstanceId} to VIM {vimId}: the tenant has no such VIM.");
        if (zoneId is not null && !VimRegistry.Zones(vim).Contains(zoneId))
            throw new UnprocessableProblem($"Cannot pin VNF instance {vnfInstanceId} to zone {zoneId} of VIM {vimId}: the VIM's zones are {Names(VimRegistry.Zones(vim))}.");
        var pin = await db.VnfPlacementPins.SingleOrDefaultAsync(p => p.VnfInstanceId == vnfInstanceId, ct);
        if (pin is null)
        {
            pin = new VnfPlacementPin { TenantId = db.TenantId, VnfInstanceId = vnfInstanceId, NsInstanceId = nsInstanceId, VimId = vimId };
            db.VnfPlacementPins.Add(pin);
        }
        (pin.NsInstanceId, pin.VimId, pin.ZoneId, pin.PinnedAt) = (nsInstanceId, vimId, zoneId, DateTime.UtcNow);
        await db.SaveChangesAsync(ct);
    }

    public async Task UnpinAsync(string vnfInstanceId, CancellationToken ct) =>
        await db.VnfPlacementPins.Where(p => p.VnfInstanceId == vnfInstanceId).ExecuteDeleteAsync(ct);

    /// <summary>Per NS virtual link, the VIMs its VNFs were placed on (from the tenant's VIM records).</summary>
    public async Task<IReadOnlyList<NsVirtualLinkPlacement>> VirtualLinksAsync(Nsd nsd, IReadOnlyList<VnfPlacement> placements, CancellationToken ct) =>
        VirtualLinks(nsd, placements, await db.Vims.AsNoTracking().ToListAsync(ct));

    // ---- the pure planner ---------------------------------------------------------------------------------------

    /// <summary>
    /// How each VIM, in the tenant's order, fares for one VNF on its own: unreachable, outside its location constraints, or
    /// without the capacity (<paramref name="planned"/>: what this plan already put on each VIM). Grants choose their VIM
    /// with it too (a grant is one VNF with no location constraints).
    /// </summary>
    public static IReadOnlyList<VimAssessment> Assess(VnfPlacementRequest vnf, IReadOnlyList<PlacementVim> vims,
        IReadOnlyDictionary<string, ResourceSize>? planned = null) =>
        vims.Select(v => new VimAssessment(v,
                !v.Reachable ? $"VIM {v.Id} is UNREACHABLE ({v.Vim.StatusDetail ?? "no detail"})."
                : !InLocation(vnf.LocationConstraints, v.Location) ? $"VIM {v.Id} is not {DescribeConstraints(vnf.LocationConstraints)} ({v.Location?.Describe() ?? "no location registered"})."
                : v.Refusal(vnf.Size + (planned?.GetValueOrDefault(v.Id) ?? ResourceSize.Zero))))
            .ToList();

    /// <summary>The placement proper, over a loaded inventory (pure and deterministic).</summary>
    public static NsPlacementResult Plan(IReadOnlyList<PlacementVim> vims, IReadOnlyList<VnfPlacementRequest> vnfs, IReadOnlyList<NsPlacementRule> rules)
    {
        var problems = new List<string>();
        foreach (var dup in vnfs.GroupBy(v => v.VnfProfileId).Where(g => g.Count() > 1))
            problems.Add($"VNF profile {dup.Key} is listed {dup.Count()} times.");
        if (problems.Count > 0) return new([], problems);
        if (vims.Count == 0) return new([], ["The tenant has no VIM registered to place VNFs on."]);

        var index = vnfs.Select((v, i) => (v.VnfProfileId, i)).ToDictionary(x => x.VnfProfileId, x => x.i, StringComparer.Ordinal);
        var links = Links(rules, index, problems);

        // Each VNF on its own: the VIMs that can take it.
        var candidates = new List<PlacementVim>[vnfs.Count];
        for (var i = 0; i < vnfs.Count; i++)
        {
            var (fits, problem) = CandidatesOf(vnfs[i], vims);
            candidates[i] = fits;
            if (problem is not null) problems.Add(problem);
        }
        var placeable = Enumerable.Range(0, vnfs.Count).Where(i => candidates[i].Count > 0).ToList();

        var search = new Search(vnfs, candidates, links);
        var solved = search.Run(placeable);
        if (!solved)
            problems.AddRange(search.Exhausted
                ? [$"The placement search gave up after {SearchLimit} steps; simplify the NSD's placement rules or pin VNFs to VIMs."]
                : Explain(vnfs, candidates, links, placeable));
        var placements = solved
            ? placeable.Select(i => new VnfPlacement(vnfs[i].VnfProfileId, search.VimOf[i]!.Id, search.ZoneOf[i])).ToList()
            : [];
        return new(placements, problems);
    }

    /// <summary>
    /// Per NS virtual link, the VNFs on it (the VNF nodes' virtual_link requirements) and the VIMs they landed on. VNFs on
    /// VIMs of different endpoints are a problem: Mano cannot connect separate VIMs yet (no WIM / inter-VIM links), so such
    /// a link would be cut in two. VIM registrations of one OpenStack (or sandbox) endpoint share its networks and pass.
    /// </summary>
    public static IReadOnlyList<NsVirtualLinkPlacement> VirtualLinks(Nsd nsd, IReadOnlyList<VnfPlacement> placements, IReadOnlyList<Vim> vims)
    {
        var vimOf = placements.ToDictionary(p => p.VnfProfileId, p => p.VimId, StringComparer.Ordinal);
        var byId = vims.ToDictionary(v => v.Id, StringComparer.Ordinal);
        var result = new List<NsVirtualLinkPlacement>();
        foreach (var vl in nsd.VirtualLinks)
        {
            var on = nsd.Vnfs.Where(v => v.VirtualLinks.Values.Contains(vl.Id) && vimOf.ContainsKey(v.Id)).Select(v => v.Id).ToList();
            var vimIds = on.Select(v => vimOf[v]).Distinct().ToList();
            string? problem = null;
            if (vimIds.Count > 1)
            {
                var endpoints = vimIds.Select(id => byId.TryGetValue(id, out var v) ? SharedEndpoint(v) : null).ToList();
                if (endpoints.Any(e => e is null) || endpoints.Distinct().Count() > 1)
                    problem = $"NS virtual link {vl.Id} would span VIMs {Names(vimIds)} ({string.Join(", ", on.Select(v => $"{v} on {vimOf[v]}"))}): " +
                              "Mano cannot connect separate VIMs yet (no inter-VIM connectivity); place the VNFs of this link on one VIM.";
            }
            result.Add(new NsVirtualLinkPlacement(vl.Id, on, vimIds, problem));
        }
        return result;
    }

    /// <summary>The network domain of an OpenStack or sandbox VIM (type + endpoint); null for VIM types Mano cannot share networks across.</summary>
    private static string? SharedEndpoint(Vim vim)
    {
        if (vim.VimType is not (VimRegistry.SandboxVimType or Mano.VimAdapters.VimTypes.OpenStack)) return null;
        var endpoint = VimRegistry.Interface(vim).GetValueOrDefault("endpoint") ?? "";
        return $"{vim.VimType} {endpoint.TrimEnd('/').ToLowerInvariant()}";
    }

    // ---- rules ---------------------------------------------------------------------------------------------------

    private enum LinkScope { Pop, Zone }

    /// <summary>A pairwise binding between two VNFs from one rule.</summary>
    private sealed record Link(NsPlacementRule Rule, LinkScope Scope, bool Together, IReadOnlyList<int> Members);

    private static List<Link> Links(IReadOnlyList<NsPlacementRule> rules, IReadOnlyDictionary<string, int> index, List<string> problems)
    {
        var links = new List<Link>();
        foreach (var rule in rules)
        {
            // Targets other than the VNFs being placed (NS virtual links, nested NSs, VNFs not in this plan) do not bind them.
            var members = rule.Targets.Where(index.ContainsKey).Select(t => index[t]).Distinct().Order().ToList();
            var scope = rule.Scope?.ToUpperInvariant();
            LinkScope? kind = scope switch
            {
                "NFVI_POP" => LinkScope.Pop,
                "ZONE" or "ZONE_GROUP" => LinkScope.Zone,
                "NFVI_NODE" when rule.IsAffinity => LinkScope.Zone, // one node is in one zone: the part the NFVO can see to
                "NFVI_NODE" => null, // nodes are the VIM's; NS-level anti-affinity between nodes is not enforced by Mano
                _ => null,
            };
            if (kind is null && scope != "NFVI_NODE")
            {
                problems.Add($"{Describe(rule)} has scope {rule.Scope ?? "(none)"}; Mano places by NFVI_POP, ZONE, ZONE_GROUP and NFVI_NODE.");
                continue;
            }
            if (kind is null || members.Count < 2) continue;
            links.Add(new Link(rule, kind.Value, rule.IsAffinity, members));
        }
        return links;
    }

    private static string Describe(NsPlacementRule rule) =>
        $"{(rule.IsAffinity ? "NsAffinityRule" : "NsAntiAffinityRule")} {rule.Id} (scope {rule.Scope ?? "none"})";

    // ---- one VNF on its own --------------------------------------------------------------------------------------

    private static (List<PlacementVim> Fits, string? Problem) CandidatesOf(VnfPlacementRequest vnf, IReadOnlyList<PlacementVim> vims)
    {
        var name = $"VNF {vnf.VnfProfileId}";
        if (InvalidConstraint(vnf.LocationConstraints) is { } invalid) return ([], $"{name}: {invalid}");
        if (vnf.PinnedVimId is { } pinned)
        {
            var vim = vims.FirstOrDefault(v => v.Id == pinned);
            if (vim is null) return ([], $"{name}: pinned to VIM {pinned}, which the tenant does not have.");
            var refusal = Assess(vnf, [vim])[0].Refusal;
            if (refusal is null) return ([vim], null);
            if (!vim.Reachable || !InLocation(vnf.LocationConstraints, vim.Location)) return ([], $"{name}: pinned to VIM {pinned}, but {refusal}");
            return ([], $"{name}: pinned VIM {pinned} has {Shortfall(vim, vnf.Size)}.");
        }
        var assessed = Assess(vnf, vims);
        var fits = assessed.Where(a => a.Refusal is null).Select(a => a.Vim).ToList();
        if (fits.Count > 0) return (fits, null);

        var reachable = vims.Where(v => v.Reachable).ToList();
        if (reachable.Count == 0)
            return ([], $"{name}: no VIM of the tenant is reachable ({string.Join("; ", vims.Select(v => $"{v.Id}: UNREACHABLE, {v.Vim.StatusDetail ?? "no detail"}"))}).");
        var located = reachable.Where(v => InLocation(vnf.LocationConstraints, v.Location)).ToList();
        var where = vnf.LocationConstraints is { Count: > 0 } ? " " + DescribeConstraints(vnf.LocationConstraints) : "";
        if (located.Count == 0)
            return ([], $"{name}: no reachable VIM of the tenant is{where} ({string.Join(", ", reachable.Select(v => $"{v.Id}: {v.Location?.Describe() ?? "no location registered"}"))}).");

        // Capacity: name the missing resource and what each VIM has free, e.g. "no VIM in DE has 4 vCPUs free (vim-1: 2 free)".
        var shortfalls = located.Select(v => (Vim: v, Short: FirstShortfall(v, vnf.Size)!.Value)).ToList();
        if (shortfalls.Select(s => s.Short.Name).Distinct().Count() == 1)
        {
            var s0 = shortfalls[0].Short;
            return ([], $"{name}: no VIM{where} has {s0.Need}{s0.Unit} {s0.Name} free ({string.Join(", ", shortfalls.Select(s => $"{s.Vim.Id}: {s.Short.Free}{s.Short.Unit} free"))}).");
        }
        return ([], $"{name}: no VIM{where} has room for it ({string.Join("; ", shortfalls.Select(s => $"{s.Vim.Id}: {s.Short.Free}{s.Short.Unit} {s.Short.Name} free, {s.Short.Need}{s.Short.Unit} needed"))}).");
    }

    private readonly record struct Short(string Name, string Unit, long Need, long Free);

    /// <summary>The first resource a VIM lacks for <paramref name="size"/>: servers, vCPUs, memory, storage (null: it fits).</summary>
    private static Short? FirstShortfall(PlacementVim vim, ResourceSize size)
    {
        Short? Check(string what, string unit, long? max, long used, long need) =>
            max is { } m && need > 0 && used + need > m ? new Short(what, unit, need, Math.Max(0, m - used)) : null;
        var c = vim.Capacity;
        return Check("servers", "", c.MaxInstances, vim.InUse.Vnfcs, size.Vnfcs)
               ?? Check("VNFCs", "", c.MaxVnfcs, vim.InUse.Vnfcs, size.Vnfcs)
               ?? Check("vCPUs", "", c.MaxVcpus, vim.InUse.Vcpus, size.Vcpus)
               ?? Check("of memory", " MiB", c.MaxMemoryMiB, vim.InUse.MemoryMiB, size.MemoryMiB)
               ?? Check("of storage", " GiB", c.MaxStorageGiB, vim.InUse.StorageGiB, size.StorageGiB);
    }

    private static string Shortfall(PlacementVim vim, ResourceSize size) =>
        FirstShortfall(vim, size) is { } s ? $"{s.Free}{s.Unit} {s.Name} free, {s.Need}{s.Unit} needed" : "room for it";

    // ---- location (SOL005 6.5.3.21) ------------------------------------------------------------------------------

    /// <summary>
    /// A VIM satisfies a VNF's location constraints when it matches one of them (several are alternatives). One matches
    /// when every part given holds: the same countryCode; each civicAddressElement (caType and caValue) among the VIM's;
    /// the VIM's coordinates inside the "area" polygon (a VIM with no coordinates is not inside any area).
    /// </summary>
    public static bool InLocation(IReadOnlyList<LocationConstraints>? constraints, VimLocation? location)
    {
        if (constraints is not { Count: > 0 }) return true;
        return constraints.Any(c => Matches(c, location));
    }

    private static bool Matches(LocationConstraints c, VimLocation? at)
    {
        if (c.CountryCode is { } cc && !string.Equals(cc, at?.CountryCode, StringComparison.OrdinalIgnoreCase)) return false;
        foreach (var e in c.CivicAddressElement ?? [])
            if (!(at?.CivicAddressElement ?? []).Any(x => x.CaType == e.CaType && string.Equals(x.CaValue.Trim(), e.CaValue.Trim(), StringComparison.OrdinalIgnoreCase)))
                return false;
        if (c.Area is { } area)
        {
            if (at?.Coordinates is not { Count: 2 } point) return false;
            if (!InPolygon(Rings(area)!, point[0], point[1])) return false;
        }
        return true;
    }

    /// <summary>Why a constraint cannot be evaluated (SOL005 6.5.3.21 presence rules, an area that is not an RFC 7946 Polygon); null when fine.</summary>
    private static string? InvalidConstraint(IReadOnlyList<LocationConstraints>? constraints)
    {
        foreach (var c in constraints ?? [])
        {
            if (c.CountryCode is null && c.Area is null)
                return "a location constraint needs a countryCode or an area (SOL005 6.5.3.21).";
            if (c.Area is not null && c.CivicAddressElement is { Count: > 0 })
                return "a location constraint has both civicAddressElement and area; SOL005 6.5.3.21 allows one of them.";
            if (c.Area is { } area && Rings(area) is null)
                return "a location constraint's area is not an RFC 7946 Polygon ({\"type\": \"Polygon\", \"coordinates\": [[[lon, lat], ...]]}).";
        }
        return null;
    }

    /// <summary>The linear rings of an RFC 7946 Polygon (exterior first, then holes), or null when it is not one.</summary>
    private static List<List<(double Lon, double Lat)>>? Rings(JsonObject area)
    {
        if (area["type"]?.GetValueKind() != System.Text.Json.JsonValueKind.String || area["type"]!.GetValue<string>() != "Polygon") return null;
        if (area["coordinates"] is not JsonArray rings || rings.Count == 0) return null;
        var result = new List<List<(double, double)>>();
        foreach (var ring in rings)
        {
            if (ring is not JsonArray positions || positions.Count < 4) return null;
            var points = new List<(double, double)>();
            foreach (var p in positions)
            {
                if (p is not JsonArray { Count: >= 2 } pos) return null;
                try
                {
                    points.Add((pos[0]!.GetValue<double>(), pos[1]!.GetValue<double>()));
                }
                catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
                {
                    return null;
                }
            }
            result.Add(points);
        }
        return result;
    }

    /// <summary>Inside the exterior ring and outside every hole (even-odd ray casting on longitude/latitude).</summary>
    private static bool InPolygon(List<List<(double Lon, double Lat)>> rings, double lon, double lat)
    {
        static bool InRing(List<(double Lon, double Lat)> ring, double x, double y)
        {
            var inside = false;
            for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
            {
                var (xi, yi) = ring[i];
                var (xj, yj) = ring[j];
                if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
            }
            return inside;
        }
        return InRing(rings[0], lon, lat) && !rings.Skip(1).Any(h => InRing(h, lon, lat));
    }

    private static string DescribeConstraints(IReadOnlyList<LocationConstraints>? constraints)
    {
        static string One(LocationConstraints c)
        {
            var parts = new List<string>();
            if (c.CountryCode is { } cc) parts.Add($"country {cc}");
            if (c.CivicAddressElement is { Count: > 0 } civic) parts.Add("at " + string.Join(" ", civic.Select(e => $"{e.CaType}={e.CaValue}")));
            if (c.Area is not null) parts.Add("in the given area");
            return string.Join(" ", parts);
        }
        return constraints is not { Count: > 0 } ? "anywhere" : "in " + string.Join(" or ", constraints.Select(One));
    }

    // ---- the search ----------------------------------------------------------------------------------------------

    /// <summary>Depth-first search over VNFs (most constrained first) and their VIMs (the tenant's order) and zones.</summary>
    private sealed class Search(IReadOnlyList<VnfPlacementRequest> vnfs, List<PlacementVim>[] candidates, List<Link> links)
    {
        public readonly PlacementVim?[] VimOf = new PlacementVim?[vnfs.Count];
        public readonly string?[] ZoneOf = new string?[vnfs.Count];
        public bool Exhausted { get; private set; }

        private readonly Dictionary<string, ResourceSize> _planned = new(StringComparer.Ordinal);
        private readonly Dictionary<(string Vim, string Zone), int> _plannedZone = new();
        private int _steps;

        private bool InZoneRule(int i) => links.Any(l => l.Scope == LinkScope.Zone && l.Members.Contains(i));

        public bool Run(List<int> placeable)
        {
            // Pinned and scarce VNFs first, then VNFs bound by rules; ties keep the NS's order.
            var order = placeable.OrderBy(i => candidates[i].Count).ThenByDescending(i => links.Count(l => l.Members.Contains(i))).ThenBy(i => i).ToList();
            return Place(order, 0);
        }

        private bool Place(List<int> order, int k)
        {
            if (k == order.Count) return true;
            if (++_steps > SearchLimit)
            {
                Exhausted = true;
                return false;
            }
            var i = order[k];
            foreach (var vim in candidates[i])
            {
                var planned = _planned.GetValueOrDefault(vim.Id, ResourceSize.Zero);
                if (vim.Refusal(planned + vnfs[i].Size) is not null) continue;
                if (!PopRulesHold(i, vim)) continue;
                IEnumerable<string?> zones = !InZoneRule(i) ? [null]
                    : vim.Zones.Count == 0 ? [null]
                    : vim.Zones.Select((z, n) => (z, n)).OrderBy(x => vim.ZoneLoad.GetValueOrDefault(x.z) + _plannedZone.GetValueOrDefault((vim.Id, x.z))).ThenBy(x => x.n).Select(x => (string?)x.z);
                foreach (var zone in zones)
                {
                    if (!ZoneRulesHold(i, vim, zone)) continue;
                    Assign(i, vim, zone, +1);
                    if (Place(order, k + 1)) return true;
                    Assign(i, vim, zone, -1);
                    if (Exhausted) return false;
                }
            }
            return false;
        }

        private void Assign(int i, PlacementVim vim, string? zone, int sign)
        {
            var size = vnfs[i].Size;
            var planned = _planned.GetValueOrDefault(vim.Id, ResourceSize.Zero);
            _planned[vim.Id] = sign > 0 ? planned + size : planned - size;
            if (zone is not null) _plannedZone[(vim.Id, zone)] = _plannedZone.GetValueOrDefault((vim.Id, zone)) + sign;
            VimOf[i] = sign > 0 ? vim : null;
            ZoneOf[i] = sign > 0 ? zone : null;
        }

        private bool PopRulesHold(int i, PlacementVim vim)
        {
            foreach (var link in links.Where(l => l.Members.Contains(i)))
                foreach (var j in link.Members.Where(j => j != i && VimOf[j] is not null))
                {
                    var same = VimOf[j]!.Id == vim.Id;
                    // Every rule needs the same VIM for affinity; NFVI_POP anti-affinity needs another VIM.
                    if (link.Together && !same) return false;
                    if (!link.Together && link.Scope == LinkScope.Pop && same) return false;
                }
            return true;
        }

        private bool ZoneRulesHold(int i, PlacementVim vim, string? zone)
        {
            foreach (var link in links.Where(l => l.Scope == LinkScope.Zone && l.Members.Contains(i)))
                foreach (var j in link.Members.Where(j => j != i && VimOf[j] is not null))
                {
                    // A VIM without zones is one zone: anti-affinity there needs another VIM.
                    var sameZone = VimOf[j]!.Id == vim.Id && ZoneOf[j] == zone;
                    if (link.Together != sameZone) return false;
                }
            return true;
        }
    }

    /// <summary>Why the search found nothing, rule by rule: the first rule that cannot hold, with the VIMs each of its VNFs could use.</summary>
    private static List<string> Explain(IReadOnlyList<VnfPlacementRequest> vnfs, List<PlacementVim>[] candidates, List<Link> links, List<int> placeable)
    {
        var problems = new List<string>();
        string Options(int i) => $"{vnfs[i].VnfProfileId}: {(candidates[i].Count == 0 ? "none" : Names(candidates[i].Select(v => v.Id)))}";
        foreach (var link in links)
        {
            var members = link.Members.Where(placeable.Contains).ToList();
            if (members.Count < 2) continue;
            var names = Names(members.Select(i => vnfs[i].VnfProfileId));
            if (link.Together)
            {
                var common = candidates[members[0]].Where(v => members.All(m => candidates[m].Any(c => c.Id == v.Id))).ToList();
                if (common.Count == 0)
                {
                    problems.Add($"{Describe(link.Rule)} over {names}: no VIM can take all of them ({string.Join("; ", members.Select(Options))}).");
                    continue;
                }
                var total = members.Aggregate(ResourceSize.Zero, (s, m) => s + vnfs[m].Size);
                if (common.All(v => v.Refusal(total) is not null))
                {
                    problems.Add($"{Describe(link.Rule)} over {names}: no VIM has room for all of them together ({string.Join("; ", common.Select(v => $"{v.Id}: {Shortfall(v, total)}"))}).");
                    continue;
                }
            }
            else
            {
                var slots = link.Scope == LinkScope.Pop
                    ? members.SelectMany(m => candidates[m]).Select(v => v.Id).Distinct().Count()
                    : members.SelectMany(m => candidates[m]).DistinctBy(v => v.Id).Sum(v => Math.Max(1, v.Zones.Count));
                var unit = link.Scope == LinkScope.Pop ? "VIMs" : "zones";
                if (slots < members.Count)
                    problems.Add($"{Describe(link.Rule)} over {names} needs {members.Count} distinct {unit}, but its VNFs can use only {slots} ({string.Join("; ", members.Select(Options))}).");
                // Affinity (any scope) means one VIM, so NFVI_POP anti-affinity contradicts it; ZONE anti-affinity contradicts ZONE affinity.
                else if (links.FirstOrDefault(o => o.Together && (link.Scope == LinkScope.Pop || o.Scope == LinkScope.Zone) && o.Members.Intersect(members).Count() >= 2) is { } clash)
                    problems.Add($"{Describe(link.Rule)} over {names} contradicts {Describe(clash.Rule)} over some of the same VNFs.");
            }
        }
        if (problems.Count == 0)
            problems.Add("No placement keeps every placement rule of the NSD (" + string.Join(", ", links.Select(l => l.Rule.Id).Distinct()) +
                         ") within the VIMs' free capacity; the VNFs could use: " + string.Join("; ", placeable.Select(Options)) + ".");
        return problems;
    }

    private static string Names(IEnumerable<string> names) => string.Join(", ", names);
}

public abstract partial class NfvoDbContext
{
    public DbSet<VnfPlacementPin> VnfPlacementPins => Set<VnfPlacementPin>();

    private void ConfigurePlacement(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<VnfPlacementPin>(e =>
        {
            e.ToTable("vnf_placement_pins");
            e.HasKey(x => new { x.TenantId, x.VnfInstanceId });
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.VnfInstanceId).HasMaxLength(64);
            e.Property(x => x.NsInstanceId).HasMaxLength(64);
            e.Property(x => x.VimId).HasMaxLength(64);
            e.Property(x => x.ZoneId).HasMaxLength(255);
            e.HasIndex(x => new { x.TenantId, x.NsInstanceId });
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });
    }
}
