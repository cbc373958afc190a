using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.Tosca;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mano.Nfvo.Tests;

/// <summary>
/// NS placement (ADR-0020) against a real database (both providers): the tenant's VIMs with their capacity, granted usage,
/// zones and locations; the NSD's affinity rules; pins; the exact messages of impossible cases; and grants honouring pins.
/// </summary>
public abstract class NsPlacementTests(ITestDatabase<NfvoDbContext> database)
{
    private readonly string _tenant = "place-" + Guid.NewGuid().ToString("N")[..12];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static int _clock;

    private NfvoDbContext Db() => database.NewContext(_tenant);

    private static VimLocation In(string country, params (int Type, string Value)[] civic) =>
        new() { CountryCode = country, CivicAddressElement = civic.Select(c => new CivicAddressElement(c.Type, c.Value)).ToList() };

    private async Task AddVimAsync(string id, string[]? zones = null, bool isDefault = false, int? maxVcpus = null, VimLocation? location = null,
        string status = VimStatus.Reachable, string vimType = "ETSINFV.OPENSTACK_KEYSTONE.V_3", string endpoint = "https://keystone.test/v3")
    {
        await using var db = Db();
        db.Vims.Add(new Vim
        {
            Id = id, TenantId = db.TenantId, Name = id, VimType = vimType, InterfaceInfo = SolJson.Serialize(new Dictionary<string, string> { ["endpoint"] = endpoint }),
            AvailabilityZones = SolJson.Serialize(zones ?? []), IsDefault = isDefault, Status = status,
            StatusDetail = status == VimStatus.Unreachable ? "connection refused" : null,
            Location = location is null ? null : SolJson.Serialize(location),
            // Registration order decides among non-default VIMs: distinct, increasing times.
            CreatedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(Interlocked.Increment(ref _clock)),
        });
        if (maxVcpus is not null) db.VimCapacities.Add(new VimCapacity { TenantId = db.TenantId, VimId = id, MaxVcpus = maxVcpus });
        await db.SaveChangesAsync(Ct);
    }

    /// <summary>A VNFC already granted on a VIM (the ledger the grant decider keeps): usage placement must count.</summary>
    private async Task UseAsync(string vimId, int vcpus, string? zone = null)
    {
        await using var db = Db();
        db.GrantedResources.Add(new GrantedResource
        {
            TenantId = db.TenantId, VnfInstanceId = "existing-" + Guid.NewGuid().ToString("N")[..6], ResourceDefinitionId = "c1", Type = "COMPUTE",
            ResourceTemplateId = "VDU1", VimId = vimId, ZoneId = zone, Vcpus = vcpus, MemoryMiB = 512, GrantId = "g", GrantedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync(Ct);
    }

    private static VnfPlacementRequest Vnf(string id, int vcpus = 1, string? pinned = null, params LocationConstraints[] where) =>
        new(id, "vnfd-" + id, new ResourceSize(1, vcpus, 512, 0), where.Length == 0 ? null : where, pinned);

    private static NsPlacementRule Affinity(string id, string scope, params string[] targets) => new(id, true, scope, targets);
    private static NsPlacementRule AntiAffinity(string id, string scope, params string[] targets) => new(id, false, scope, targets);

    private async Task<NsPlacementResult> PlaceAsync(IReadOnlyList<VnfPlacementRequest> vnfs, params NsPlacementRule[] rules)
    {
        await using var db = Db();
        return await new NsPlacementPlanner(db, new GrantOptions()).PlaceAsync(vnfs, rules, Ct);
    }

    private async Task<Dictionary<string, VnfPlacement>> PlacedAsync(IReadOnlyList<VnfPlacementRequest> vnfs, params NsPlacementRule[] rules)
    {
        var result = await PlaceAsync(vnfs, rules);
        Assert.True(result.Succeeded, string.Join(" | ", result.Problems));
        Assert.Equal(vnfs.Select(v => v.VnfProfileId), result.Placements.Select(p => p.VnfProfileId)); // the NS's order
        return result.Placements.ToDictionary(p => p.VnfProfileId);
    }

    private async Task<string> ProblemAsync(IReadOnlyList<VnfPlacementRequest> vnfs, params NsPlacementRule[] rules)
    {
        var result = await PlaceAsync(vnfs, rules);
        Assert.False(result.Succeeded);
        return Assert.Single(result.Problems);
    }

    // ------------------------------------------------------------------ capacity

    [Fact]
    public async Task Capacity_counts_granted_usage_and_the_VNFs_placed_before_in_the_same_plan()
    {
        await AddVimAsync("vim-1", isDefault: true, maxVcpus: 8);
        await AddVimAsync("vim-2", maxVcpus: 100);
        await UseAsync("vim-1", 4); // 4 of vim-1's 8 vCPUs are granted already

        var placed = await PlacedAsync([Vnf("vnf_a", 3), Vnf("vnf_b", 3), Vnf("vnf_c", 1)]);
        Assert.Equal("vim-1", placed["vnf_a"].VimId);  // the default VIM first: 4 free, 3 needed
        Assert.Equal("vim-2", placed["vnf_b"].VimId);  // 1 left on vim-1
        Assert.Equal("vim-1", placed["vnf_c"].VimId);  // fits the last vCPU
        Assert.All(placed.Values, p => Assert.Null(p.ZoneId)); // no ZONE rule: the grants choose zones

        // Deterministic: the same question, the same answer.
        Assert.Equal((await PlaceAsync([Vnf("vnf_a", 3), Vnf("vnf_b", 3), Vnf("vnf_c", 1)])).Placements, (await PlaceAsync([Vnf("vnf_a", 3), Vnf("vnf_b", 3), Vnf("vnf_c", 1)])).Placements);
    }

    [Fact]
    public async Task A_VNF_no_VIM_in_its_country_has_room_for_is_named_with_what_each_VIM_has_free()
    {
        await AddVimAsync("vim-1", isDefault: true, maxVcpus: 4, location: In("DE"));
        await AddVimAsync("vim-2", maxVcpus: 64, location: In("FR"));
        await UseAsync("vim-1", 2);

        var problem = await ProblemAsync([Vnf("vnf_a", 1), Vnf("vnf_b", 4, where: new LocationConstraints { CountryCode = "DE" })]);
        Assert.Equal("VNF vnf_b: no VIM in country DE has 4 vCPUs free (vim-1: 2 free).", problem);

        // Without the location constraint vnf_b goes to France.
        Assert.Equal("vim-2", (await PlacedAsync([Vnf("vnf_b", 4)]))["vnf_b"].VimId);
    }

    [Fact]
    public async Task Unreachable_VIMs_are_not_candidates()
    {
        await AddVimAsync("down", isDefault: true, status: VimStatus.Unreachable);
        await AddVimAsync("up", status: VimStatus.Pending); // not checked yet: usable
        Assert.Equal("up", (await PlacedAsync([Vnf("vnf_a")]))["vnf_a"].VimId);

        await using (var db = Db())
            await db.Vims.Where(v => v.Id == "up").ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, VimStatus.Unreachable), Ct);
        Assert.Equal("VNF vnf_a: no VIM of the tenant is reachable (down: UNREACHABLE, connection refused; up: UNREACHABLE, no detail).",
            await ProblemAsync([Vnf("vnf_a")]));
    }

    // ------------------------------------------------------------------ location constraints (SOL005 6.5.3.21)

    [Fact]
    public async Task Location_constraints_match_country_civic_address_and_area()
    {
        await AddVimAsync("berlin", isDefault: true, location: In("DE", (1, "Berlin"), (3, "Berlin")) with { Coordinates = [13.40, 52.52] });
        await AddVimAsync("munich", location: In("DE", (1, "Bayern"), (3, "München")) with { Coordinates = [11.58, 48.14] });
        await AddVimAsync("paris", location: In("FR", (3, "Paris")) with { Coordinates = [2.35, 48.86] });
        await AddVimAsync("nowhere");

        var bavaria = new LocationConstraints { CountryCode = "DE", CivicAddressElement = [new CivicAddressElement(1, "Bayern")] };
        // A rough polygon around Paris (RFC 7946: [longitude, latitude], closed ring).
        var aroundParis = new LocationConstraints
        {
            Area = JsonNode.Parse("""{"type": "Polygon", "coordinates": [[[1.5, 48.0], [3.5, 48.0], [3.5, 49.5], [1.5, 49.5], [1.5, 48.0]]]}""")!.AsObject(),
        };
        var placed = await PlacedAsync(
        [
            Vnf("in_de", where: new LocationConstraints { CountryCode = "DE" }),
            Vnf("in_bavaria", where: bavaria),
            Vnf("near_paris", where: aroundParis),
            Vnf("fr_or_bavaria", where: [new LocationConstraints { CountryCode = "FR" }, bavaria]), // alternatives: the first VIM matching any
            Vnf("free"),
        ]);
        Assert.Equal("berlin", placed["in_de"].VimId);
        Assert.Equal("munich", placed["in_bavaria"].VimId);
        Assert.Equal("paris", placed["near_paris"].VimId);
        Assert.Equal("munich", placed["fr_or_bavaria"].VimId);
        Assert.Equal("berlin", placed["free"].VimId);

        Assert.Equal("VNF vnf_x: no reachable VIM of the tenant is in country IT (berlin: DE 1=Berlin 3=Berlin at [13.4, 52.52], munich: DE 1=Bayern 3=München at [11.58, 48.14], paris: FR 3=Paris at [2.35, 48.86], nowhere: no location registered).",
            await ProblemAsync([Vnf("vnf_x", where: new LocationConstraints { CountryCode = "IT" })]));
        Assert.Equal("VNF vnf_x: a location constraint's area is not an RFC 7946 Polygon ({\"type\": \"Polygon\", \"coordinates\": [[[lon, lat], ...]]}).",
            await ProblemAsync([Vnf("vnf_x", where: new LocationConstraints { Area = JsonNode.Parse("""{"type": "Point", "coordinates": [1, 2]}""")!.AsObject() })]));
    }

    // ------------------------------------------------------------------ affinity rules of the NSD

    [Fact]
    public async Task NFVI_POP_affinity_keeps_VNFs_on_one_VIM_and_anti_affinity_spreads_them()
    {
        await AddVimAsync("vim-1", isDefault: true, maxVcpus: 4);
        await AddVimAsync("vim-2", maxVcpus: 16);
        await AddVimAsync("vim-3", maxVcpus: 16);

        // a + b together need 6 vCPUs: vim-1 (4) cannot take both, so both go to vim-2; c is free and takes vim-1.
        var placed = await PlacedAsync([Vnf("a", 3), Vnf("b", 3), Vnf("c", 1)], Affinity("together", "nfvi_pop", "a", "b"));
        Assert.Equal("vim-2", placed["a"].VimId);
        Assert.Equal("vim-2", placed["b"].VimId);
        Assert.Equal("vim-1", placed["c"].VimId);

        placed = await PlacedAsync([Vnf("a"), Vnf("b"), Vnf("c")], AntiAffinity("apart", "NFVI_POP", "a", "b", "c", "some_ns_vl"));
        Assert.Equal(["vim-1", "vim-2", "vim-3"], placed.Values.Select(p => p.VimId).Order());

        var problem = await ProblemAsync([Vnf("a"), Vnf("b"), Vnf("c"), Vnf("d")], AntiAffinity("apart", "NFVI_POP", "a", "b", "c", "d"));
        Assert.Equal("NsAntiAffinityRule apart (scope NFVI_POP) over a, b, c, d needs 4 distinct VIMs, but its VNFs can use only 3 (a: vim-1, vim-2, vim-3; b: vim-1, vim-2, vim-3; c: vim-1, vim-2, vim-3; d: vim-1, vim-2, vim-3).", problem);

        problem = await ProblemAsync([Vnf("a", 10), Vnf("b", 10)], Affinity("together", "NFVI_POP", "a", "b"));
        Assert.Equal("NsAffinityRule together (scope NFVI_POP) over a, b: no VIM has room for all of them together (vim-2: 16 vCPUs free, 20 needed; vim-3: 16 vCPUs free, 20 needed).", problem);

        problem = await ProblemAsync([Vnf("a"), Vnf("b")], Affinity("together", "NFVI_POP", "a", "b"), AntiAffinity("apart", "NFVI_POP", "a", "b"));
        Assert.Equal("NsAntiAffinityRule apart (scope NFVI_POP) over a, b contradicts NsAffinityRule together (scope NFVI_POP) over some of the same VNFs.", problem);
    }

    [Fact]
    public async Task Affinity_between_VNFs_with_disjoint_locations_names_where_each_can_go()
    {
        await AddVimAsync("de-1", isDefault: true, location: In("DE"));
        await AddVimAsync("fr-1", location: In("FR"));
        var problem = await ProblemAsync(
            [Vnf("a", where: new LocationConstraints { CountryCode = "DE" }), Vnf("b", where: new LocationConstraints { CountryCode = "FR" })],
            Affinity("together", "NFVI_POP", "a", "b"));
        Assert.Equal("NsAffinityRule together (scope NFVI_POP) over a, b: no VIM can take all of them (a: de-1; b: fr-1).", problem);
    }

    [Fact]
    public async Task ZONE_rules_choose_zones_on_one_VIM_and_another_VIM_when_zones_run_out()
    {
        await AddVimAsync("vim-1", ["az-a", "az-b"], isDefault: true);
        await UseAsync("vim-1", 1, "az-a"); // az-a is more loaded: free VNFs under a ZONE rule start in az-b

        var placed = await PlacedAsync([Vnf("a"), Vnf("b"), Vnf("c"), Vnf("free")],
            AntiAffinity("apart", "ZONE", "a", "b"), Affinity("with_a", "zone", "a", "c"));
        Assert.All(new[] { "a", "b", "c" }, v => Assert.Equal("vim-1", placed[v].VimId));
        Assert.NotEqual(placed["a"].ZoneId, placed["b"].ZoneId);
        Assert.Equal(placed["a"].ZoneId, placed["c"].ZoneId);
        Assert.Equal("az-b", placed["a"].ZoneId);
        Assert.Null(placed["free"].ZoneId);

        // Three VNFs apart by zone, two zones on one VIM: impossible, said precisely.
        Assert.Equal("NsAntiAffinityRule apart (scope ZONE) over a, b, c needs 3 distinct zones, but its VNFs can use only 2 (a: vim-1; b: vim-1; c: vim-1).",
            await ProblemAsync([Vnf("a"), Vnf("b"), Vnf("c")], AntiAffinity("apart", "ZONE", "a", "b", "c")));

        // A second VIM (no zones: one zone of its own) makes it possible.
        await AddVimAsync("vim-2");
        placed = await PlacedAsync([Vnf("a"), Vnf("b"), Vnf("c")], AntiAffinity("apart", "ZONE", "a", "b", "c"));
        Assert.Equal(3, placed.Values.Select(p => (p.VimId, p.ZoneId)).Distinct().Count());
        Assert.Single(placed.Values, p => p.VimId == "vim-2" && p.ZoneId is null);

        Assert.Equal("NsAffinityRule odd (scope galaxy) has scope galaxy; Mano places by NFVI_POP, ZONE, ZONE_GROUP and NFVI_NODE.",
            await ProblemAsync([Vnf("a"), Vnf("b")], Affinity("odd", "galaxy", "a", "b")));
    }

    // ------------------------------------------------------------------ pins

    [Fact]
    public async Task A_pinned_VNF_goes_to_its_VIM_or_the_plan_says_why_not()
    {
        await AddVimAsync("vim-1", isDefault: true);
        await AddVimAsync("vim-2", maxVcpus: 2);
        var placed = await PlacedAsync([Vnf("a"), Vnf("b", pinned: "vim-2")], Affinity("together", "NFVI_POP", "a", "b"));
        Assert.Equal("vim-2", placed["a"].VimId); // the rule follows the pin
        Assert.Equal("vim-2", placed["b"].VimId);

        Assert.Equal("VNF b: pinned to VIM gone, which the tenant does not have.", await ProblemAsync([Vnf("b", pinned: "gone")]));
        Assert.Equal("VNF b: pinned VIM vim-2 has 2 vCPUs free, 3 needed.", await ProblemAsync([Vnf("b", 3, pinned: "vim-2")]));
    }

    [Fact]
    public async Task Pins_are_stored_per_VNF_instance_validated_and_removed()
    {
        await AddVimAsync("vim-1", ["az-a", "az-b"], isDefault: true);
        await using var db = Db();
        var planner = new NsPlacementPlanner(db, new GrantOptions());
        await planner.PinAsync("ns-1", "vnf-inst-1", "vim-1", "az-b", Ct);
        await planner.PinAsync("ns-1", "vnf-inst-1", "vim-1", "az-a", Ct); // re-pinned: one row
        var pin = Assert.Single(await db.VnfPlacementPins.AsNoTracking().ToListAsync(Ct));
        Assert.Equal(("ns-1", "vnf-inst-1", "vim-1", "az-a"), (pin.NsInstanceId, pin.VnfInstanceId, pin.VimId, pin.ZoneId));

        Assert.Equal("Cannot pin VNF instance vnf-inst-2 to VIM nope: the tenant has no such VIM.",
            (await Assert.ThrowsAsync<UnprocessableProblem>(() => planner.PinAsync("ns-1", "vnf-inst-2", "nope", null, Ct))).Message);
        Assert.Equal("Cannot pin VNF instance vnf-inst-2 to zone az-z of VIM vim-1: the VIM's zones are az-a, az-b.",
            (await Assert.ThrowsAsync<UnprocessableProblem>(() => planner.PinAsync("ns-1", "vnf-inst-2", "vim-1", "az-z", Ct))).Message);

        await planner.UnpinAsync("vnf-inst-1", Ct);
        Assert.Empty(await db.VnfPlacementPins.AsNoTracking().ToListAsync(Ct));
    }

    // ------------------------------------------------------------------ grants honour pins

    private async Task<GrantResult> GrantAsync(string instance, int computes, IReadOnlyList<PlacementConstraint>? constraints = null)
    {
        await using var db = Db();
        var decider = new GrantDecider(db, new VimRegistry(db), new NfvoOptions { ApiRoot = "http://nfvo.test" }, NullLogger<GrantDecider>.Instance);
        return await decider.DecideAsync(new GrantRequest
        {
            VnfInstanceId = instance, VnfLcmOpOccId = Guid.NewGuid().ToString(), VnfdId = "vnfd-not-held", Operation = LcmOperationType.Scale,
            IsAutomaticInvocation = false,
            AddResources = Enumerable.Range(1, computes).Select(i => new ResourceDefinition { Id = $"c{i}", Type = "COMPUTE", VduId = "VDU1", ResourceTemplateId = "VDU1" }).ToList(),
            PlacementConstraints = constraints,
            Links = new GrantRequestLinks(new Link("http://vnfm.test/op"), new Link($"http://vnfm.test/vnf_instances/{instance}")),
        }, Ct);
    }

    private static Dictionary<string, string> ZonesOf(Grant grant)
    {
        var zones = grant.Zones!.ToDictionary(z => z.Id, z => z.ZoneId);
        return grant.AddResources!.ToDictionary(r => r.ResourceDefinitionId, r => zones[r.ZoneId!]);
    }

    [Fact]
    public async Task A_pinned_VNF_instance_is_granted_on_its_VIM_and_prefers_its_zone()
    {
        await AddVimAsync("default-vim", ["az-1"], isDefault: true);
        await AddVimAsync("edge", ["edge-a", "edge-b", "edge-c"]);
        await using (var db = Db())
            await new NsPlacementPlanner(db, new GrantOptions()).PinAsync("ns-1", "pinned-inst", "edge", "edge-c", Ct);

        var grant = (await GrantAsync("pinned-inst", 2)).Grant!;
        Assert.Equal("edge", Assert.Single(grant.VimConnectionInfo!).Key);
        Assert.All(ZonesOf(grant).Values, z => Assert.Equal("edge-c", z)); // the pinned zone beats the least loaded ones
        Assert.Equal("default-vim", Assert.Single((await GrantAsync("free-inst", 1)).Grant!.VimConnectionInfo!).Key);

        // A preferred zone never overrides the VNF's own hard constraints: anti-affinity still spreads, starting in edge-c.
        await using (var db = Db())
            await new NsPlacementPlanner(db, new GrantOptions()).PinAsync("ns-1", "spread-inst", "edge", "edge-c", Ct);
        var spread = ZonesOf((await GrantAsync("spread-inst", 2, [new PlacementConstraint
        {
            AffinityOrAntiAffinity = PlacementConstraintType.AntiAffinity, Scope = PlacementScope.Zone,
            Resource = [ConstraintResourceRef.Grant("c1"), ConstraintResourceRef.Grant("c2")],
        }])).Grant!);
        Assert.Equal(2, spread.Values.Distinct().Count());
        Assert.Contains("edge-c", spread.Values);

        // A pinned VIM that is gone rejects rather than placing elsewhere.
        await using (var db = Db())
        {
            db.VnfPlacementPins.Add(new VnfPlacementPin { TenantId = db.TenantId, VnfInstanceId = "orphan", NsInstanceId = "ns-2", VimId = "deleted-vim", PinnedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Ct);
        }
        var rejected = await GrantAsync("orphan", 1);
        Assert.Contains("NS instance ns-2 pinned the VNF instance to VIM deleted-vim, which the tenant no longer has.", rejected.Rejection!.Detail);
    }

    [Fact]
    public async Task An_unpinned_grant_skips_an_unreachable_default_VIM()
    {
        await AddVimAsync("down", ["az-1"], isDefault: true, status: VimStatus.Unreachable);
        await AddVimAsync("up", ["az-1"]);
        Assert.Equal("up", Assert.Single((await GrantAsync("inst", 1)).Grant!.VimConnectionInfo!).Key);
    }

    // ------------------------------------------------------------------ NS virtual links across VIMs

    [Fact]
    public void NS_virtual_links_across_VIMs_are_a_problem_unless_the_VIMs_share_an_endpoint()
    {
        static NsVnfReference Node(string id, params string[] vls) =>
            new(id, "vnfd-" + id, "simple", null, null, null, null, vls.Select((vl, i) => (Key: $"virtual_link_{i}", vl)).ToDictionary(x => x.Key, x => x.vl));
        static NsVirtualLinkDescriptor Vl(string id) => new(id, null, ["ipv4"], null, null, null, []);
        var nsd = new Nsd("nsd-1", "Mano", "1.0", "ns", "nsd-1", "default",
            [Node("a", "vl_ab", "vl_ac"), Node("b", "vl_ab"), Node("c", "vl_ac", "vl_cd"), Node("d", "vl_cd")], [], [],
            [Vl("vl_ab"), Vl("vl_ac"), Vl("vl_cd")], []);
        static Vim V(string id, string type, string endpoint) => new()
        {
            Id = id, TenantId = "t", Name = id, VimType = type, AvailabilityZones = "[]",
            InterfaceInfo = SolJson.Serialize(new Dictionary<string, string> { ["endpoint"] = endpoint }),
        };
        Vim[] vims =
        [
            V("os-project-1", "ETSINFV.OPENSTACK_KEYSTONE.V_3", "https://keystone.example/v3"),
            V("os-project-2", "ETSINFV.OPENSTACK_KEYSTONE.V_3", "https://KEYSTONE.example/v3/"),
            V("k8s", "ETSINFV.KUBERNETES.V_1", "https://k8s.example"),
        ];
        var links = NsPlacementPlanner.VirtualLinks(nsd,
            [new("a", "os-project-1", null), new("b", "os-project-1", null), new("c", "os-project-2", null), new("d", "k8s", null)], vims);

        Assert.Equal(["vl_ab", "vl_ac", "vl_cd"], links.Select(l => l.VirtualLinkId));
        Assert.False(links[0].SpansVims);
        Assert.Null(links[0].Problem);
        Assert.True(links[1].SpansVims); // one Keystone endpoint, two registrations: same networks, no problem
        Assert.Null(links[1].Problem);
        Assert.Equal(["c", "d"], links[2].VnfProfileIds);
        Assert.Equal("NS virtual link vl_cd would span VIMs os-project-2, k8s (c on os-project-2, d on k8s): Mano cannot connect separate VIMs yet (no inter-VIM connectivity); place the VNFs of this link on one VIM.",
            links[2].Problem);
    }
}

public sealed class SqliteNsPlacementTests(SqliteNfvoDatabase db) : NsPlacementTests(db), IClassFixture<SqliteNfvoDatabase>;

public sealed class PostgresNsPlacementTests(PostgresNfvoDatabase db) : NsPlacementTests(db), IClassFixture<PostgresNfvoDatabase>;
