using Mano.Contracts;

namespace Mano.Nfvo;

/// <summary>
/// A placement constraint of a grant request with its members resolved: the new computes (ResourceDefinition ids) and the
/// zones of the existing members (null where the NFVO does not know where an existing resource is).
/// </summary>
public sealed record ResolvedConstraint(
    int Index, bool IsAffinity, string Scope, bool BestEffort, IReadOnlyList<string> NewMembers, IReadOnlyList<string?> ExistingZones)
{
    public int Size => NewMembers.Count + ExistingZones.Count;

    public string Describe() =>
        $"{(IsAffinity ? PlacementConstraintType.Affinity : PlacementConstraintType.AntiAffinity)} constraint #{Index + 1} (scope {Scope}, {Size} resources{(BestEffort ? ", best effort" : "")})";
}

/// <summary>Where the new computes go: zone name per ResourceDefinition id, or why they cannot be placed.</summary>
public sealed record PlacementOutcome(IReadOnlyDictionary<string, string> ZoneOf, string? Rejection);

/// <summary>
/// Zone placement of the computes of one grant on one VIM (SOL003 9.5.2.2 placementConstraints, notes 4 and 6).
/// Pure. ZONE and ZONE_GROUP constraints decide zones (a Mano VIM's zones form no groups: each zone is its own group);
/// NFVI_NODE constraints are the VIM's to enforce (server groups) and never fail here; a grant places everything on one
/// VIM (one NFVI-PoP), so NFVI_POP affinity always holds and a hard NFVI_POP anti-affinity over two or more resources
/// cannot. Affinity members share a zone (an existing member's zone binds the new ones); anti-affinity members get
/// distinct zones, away from the zones of existing members. Otherwise the least loaded zone wins (ties: the VIM's order).
/// A hard constraint that cannot be met rejects the grant with the reason; a best-effort one is spread as well as possible.
/// A preferred zone (the zone NS placement pinned the VNF instance to, ADR-0020) wins over load, never over a constraint.
/// </summary>
public static class PlacementDecider
{
    public static PlacementOutcome Place(
        IReadOnlyList<string> zones, IReadOnlyList<string> newComputes, IReadOnlyList<ResolvedConstraint> constraints,
        IReadOnlyDictionary<string, int> load, string? preferredZone = null)
    {
        var empty = new Dictionary<string, string>();
        foreach (var c in constraints.Where(c => !c.IsAffinity && !c.BestEffort && c.Scope == PlacementScope.NfviPop && c.Size >= 2))
            return new(empty, $"the {c.Describe()} asks for different NFVI-PoPs, but the NFVO places a VNF's resources on one VIM.");

        var zoneConstraints = constraints.Where(c => c.Scope is PlacementScope.Zone or PlacementScope.ZoneGroup).ToList();
        if (zones.Count == 0)
        {
            var hard = zoneConstraints.FirstOrDefault(c => !c.IsAffinity && !c.BestEffort && c.Size >= 2);
            return hard is null ? new(empty, null) : new(empty, $"the {hard.Describe()} needs distinct zones, but the VIM has no availability zones.");
        }

        // Affinity groups: union-find over the new computes.
        var parent = newComputes.Distinct().ToDictionary(id => id, id => id);
        string Find(string x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
        foreach (var c in zoneConstraints.Where(c => c.IsAffinity))
            for (var i = 1; i < c.NewMembers.Count; i++)
                parent[Find(c.NewMembers[i])] = Find(c.NewMembers[0]);

        // Zones fixed by existing affinity members.
        var fixedZone = new Dictionary<string, string>();
        foreach (var c in zoneConstraints.Where(c => c.IsAffinity && c.NewMembers.Count > 0))
        {
            var known = c.ExistingZones.Where(z => z is not null).Select(z => z!).ToList();
            if (known.Count == 0) continue;
            var distinct = known.Distinct().ToList();
            if (distinct.Count > 1 && !c.BestEffort)
                return new(empty, $"the {c.Describe()} cannot be met: its existing resources are already in zones {string.Join(", ", distinct)}.");
            var zone = known.GroupBy(z => z).OrderByDescending(g => g.Count()).ThenBy(g => Order(zones, g.Key)).First().Key;
            var root = Find(c.NewMembers[0]);
            if (fixedZone.TryGetValue(root, out var other) && other != zone && !c.BestEffort)
                return new(empty, $"the {c.Describe()} binds its resources to zone {zone}, another affinity constraint to zone {other}.");
            fixedZone.TryAdd(root, zone);
        }
        foreach (var (root, zone) in fixedZone)
            if (!zones.Contains(zone))
                return new(empty, $"the affinity constraints bind new resources to zone {zone}, which the VIM does not offer ({string.Join(", ", zones)}).");

        var antis = zoneConstraints.Where(c => !c.IsAffinity).ToList();
        foreach (var c in antis.Where(c => !c.BestEffort))
        {
            var groups = c.NewMembers.Select(Find).ToList();
            if (groups.Distinct().Count() < groups.Count)
                return new(empty, $"the {c.Describe()} contradicts an affinity constraint over the same resources.");
            var taken = c.ExistingZones.Where(z => z is not null).Distinct().Count();
            var needed = groups.Count + taken;
            if (needed > zones.Count)
                return new(empty, $"the {c.Describe()} needs {needed} distinct zones, but the VIM has {zones.Count} ({string.Join(", ", zones)}).");
        }

        var members = newComputes.Distinct().GroupBy(Find).ToDictionary(g => g.Key, g => g.ToList());
        var constraintsOf = members.Keys.ToDictionary(r => r, r => antis.Where(c => c.NewMembers.Any(m => Find(m) == r)).ToList());
        var order = members.Keys
            .OrderBy(r => fixedZone.ContainsKey(r) ? 0 : 1)
            .ThenByDescending(r => constraintsOf[r].Count(c => !c.BestEffort))
            .ThenByDescending(r => members[r].Count)
            .ThenBy(r => newComputes.ToList().IndexOf(members[r][0]))
            .ToList();
        var zoneOfGroup = new Dictionary<string, string>();
        var used = zones.ToDictionary(z => z, z => load.GetValueOrDefault(z));

        (int Hard, int Soft) Conflicts(string root, string zone)
        {
            var hard = 0;
            var soft = 0;
            foreach (var c in constraintsOf[root])
            {
                var clash = c.ExistingZones.Count(z => z == zone)
                            + c.NewMembers.Select(Find).Distinct().Count(r => r != root && zoneOfGroup.GetValueOrDefault(r) == zone);
                if (clash == 0) continue;
                if (c.BestEffort) soft += clash; else hard += clash;
            }
            return (hard, soft);
        }

        foreach (var root in order)
        {
            string zone;
            if (fixedZone.TryGetValue(root, out var bound))
            {
                zone = bound;
            }
            else
            {
                zone = zones
                    .Select((z, i) => (Zone: z, Index: i, Conflict: Conflicts(root, z)))
                    .OrderBy(x => x.Conflict.Hard).ThenBy(x => x.Conflict.Soft).ThenBy(x => x.Zone == preferredZone ? 0 : 1)
                    .ThenBy(x => used[x.Zone]).ThenBy(x => x.Index)
                    .First().Zone;
            }
            var (hard, _) = Conflicts(root, zone);
            if (hard > 0)
            {
                var broken = constraintsOf[root].First(c => !c.BestEffort);
                return new(empty, $"no zone of the VIM ({string.Join(", ", zones)}) keeps the {broken.Describe()}: resource {members[root][0]} would share zone {zone} with another member.");
            }
            zoneOfGroup[root] = zone;
            used[zone] += members[root].Count;
        }

        var zoneOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (root, ids) in members)
            foreach (var id in ids)
                zoneOf[id] = zoneOfGroup[root];
        return new(zoneOf, null);
    }

    private static int Order(IReadOnlyList<string> zones, string zone)
    {
        for (var i = 0; i < zones.Count; i++)
            if (zones[i] == zone) return i;
        return int.MaxValue;
    }
}
