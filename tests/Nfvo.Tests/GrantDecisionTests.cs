using Mano.Contracts;
using Mano.Contracts.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mano.Nfvo.Tests;

/// <summary>
/// The NFVO's grant decisions against a real database (both providers): zones and placement constraints, the ledger of
/// granted resources, per-tenant quotas, VIM capacity and choice, and the reasons of rejections.
/// </summary>
public abstract class GrantDecisionTests(ITestDatabase<NfvoDbContext> database)
{
    private readonly string _tenant = "grants-" + Guid.NewGuid().ToString("N")[..12];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private NfvoDbContext Db() => database.NewContext(_tenant);

    private async Task AddVimAsync(string id, string[] zones, bool isDefault = true, VimCapacity? capacity = null, string vimType = "OPENSTACK_V3")
    {
        await using var db = Db();
        db.Vims.Add(new Vim
        {
            Id = id, TenantId = db.TenantId, Name = id, VimType = vimType, InterfaceInfo = "{}",
            AvailabilityZones = SolJson.Serialize(zones), IsDefault = isDefault, CreatedAt = DateTime.UtcNow,
        });
        if (capacity is not null)
        {
            capacity.TenantId = db.TenantId;
            capacity.VimId = id;
            db.VimCapacities.Add(capacity);
        }
        await db.SaveChangesAsync(Ct);
    }

    private async Task<GrantResult> DecideAsync(GrantRequest request, GrantOptions? options = null, string? pendingId = null)
    {
        await using var db = Db();
        var decider = new GrantDecider(db, new VimRegistry(db), new NfvoOptions { ApiRoot = "http://nfvo.test" },
            NullLogger<GrantDecider>.Instance, options);
        return await decider.DecideAsync(request, pendingId, Ct);
    }

    private async Task<Grant> GrantedAsync(GrantRequest request, GrantOptions? options = null)
    {
        var result = await DecideAsync(request, options);
        Assert.True(result.Grant is not null, result.Rejection?.Detail);
        return result.Grant;
    }

    private async Task<string> RejectedAsync(GrantRequest request, GrantOptions? options = null)
    {
        var result = await DecideAsync(request, options);
        Assert.Null(result.Grant);
        Assert.Equal(403, result.Rejection!.Status);
        return result.Rejection.Detail!;
    }

    private static ResourceDefinition Compute(string id, string vdu = "VDU1", ResourceHandle? resource = null) =>
        new() { Id = id, Type = "COMPUTE", VduId = vdu, ResourceTemplateId = vdu, Resource = resource };

    private static PlacementConstraint Constraint(string type, string scope, bool bestEffort, params ConstraintResourceRef[] refs) =>
        new() { AffinityOrAntiAffinity = type, Scope = scope, FallbackBestEffort = bestEffort ? true : null, Resource = refs };

    private static GrantRequest Request(string operation, string instance = "inst-1", IReadOnlyList<ResourceDefinition>? add = null,
        IReadOnlyList<ResourceDefinition>? remove = null, IReadOnlyList<PlacementConstraint>? constraints = null,
        IReadOnlyList<ResourceDefinition>? update = null) => new()
    {
        VnfInstanceId = instance,
        VnfLcmOpOccId = Guid.NewGuid().ToString(),
        VnfdId = "vnfd-not-held-by-this-nfvo",
        Operation = operation,
        IsAutomaticInvocation = false,
        AddResources = add,
        RemoveResources = remove,
        UpdateResources = update,
        PlacementConstraints = constraints,
        Links = new GrantRequestLinks(new Link("http://vnfm.test/vnflcm/v2/vnf_lcm_op_occs/x"), new Link($"http://vnfm.test/vnflcm/v2/vnf_instances/{instance}")),
    };

    private static Dictionary<string, string> ZonesOf(Grant grant)
    {
        var zones = grant.Zones!.ToDictionary(z => z.Id, z => z.ZoneId);
        return grant.AddResources!.Where(r => r.ZoneId is not null).ToDictionary(r => r.ResourceDefinitionId, r => zones[r.ZoneId!]);
    }

    private async Task<List<GrantedResource>> LedgerAsync(string instance = "inst-1")
    {
        await using var db = Db();
        return await db.GrantedResources.AsNoTracking().Where(r => r.VnfInstanceId == instance).OrderBy(r => r.ResourceDefinitionId).ToListAsync(Ct);
    }

    // ------------------------------------------------------------------ zones and placement constraints

    [Fact]
    public async Task Zone_anti_affinity_puts_every_member_in_its_own_zone()
    {
        await AddVimAsync("vim-1", ["az-a", "az-b", "az-c"]);
        var grant = await GrantedAsync(Request(LcmOperationType.Scale, add: [Compute("c1"), Compute("c2"), Compute("c3")],
            constraints: [Constraint("ANTI_AFFINITY", "ZONE", false, ConstraintResourceRef.Grant("c1"), ConstraintResourceRef.Grant("c2"), ConstraintResourceRef.Grant("c3"))]));

        var zones = ZonesOf(grant);
        Assert.Equal(3, zones.Values.Distinct().Count());
        Assert.Equal(["zone-1", "zone-2", "zone-3"], grant.Zones!.Select(z => z.Id));
        Assert.All(grant.Zones!, z => Assert.Equal("vim-1", z.VimConnectionId));
        Assert.All(grant.AddResources!, r => Assert.Equal("vim-1", r.VimConnectionId));
        var ledger = await LedgerAsync();
        Assert.Equal(["c1", "c2", "c3"], ledger.Select(r => r.ResourceDefinitionId));
        Assert.All(ledger, r => Assert.Equal(zones[r.ResourceDefinitionId], r.ZoneId));
    }

    [Fact]
    public async Task Hard_anti_affinity_over_more_members_than_zones_is_rejected_with_the_reason()
    {
        await AddVimAsync("vim-1", ["az-a", "az-b"]);
        var detail = await RejectedAsync(Request(LcmOperationType.Scale, add: [Compute("c1"), Compute("c2"), Compute("c3")],
            constraints: [Constraint("ANTI_AFFINITY", "ZONE", false, ConstraintResourceRef.Grant("c1"), ConstraintResourceRef.Grant("c2"), ConstraintResourceRef.Grant("c3"))]));

        Assert.Contains("ANTI_AFFINITY constraint #1 (scope ZONE, 3 resources) needs 3 distinct zones, but the VIM has 2 (az-a, az-b)", detail);
        Assert.Contains("Grant for SCALE of VNF instance inst-1 rejected", detail);
        Assert.Empty(await LedgerAsync());
    }

    [Fact]
    public async Task Best_effort_anti_affinity_spreads_as_well_as_the_zones_allow()
    {
        await AddVimAsync("vim-1", ["az-a", "az-b"]);
        var grant = await GrantedAsync(Request(LcmOperationType.Scale, add: [Compute("c1"), Compute("c2"), Compute("c3")],
            constraints: [Constraint("ANTI_AFFINITY", "ZONE", true, ConstraintResourceRef.Grant("c1"), ConstraintResourceRef.Grant("c2"), ConstraintResourceRef.Grant("c3"))]));

        var zones = ZonesOf(grant);
        Assert.Equal(["az-a", "az-b"], zones.Values.Distinct().Order());
    }

    [Fact]
    public async Task Scaling_out_keeps_new_members_away_from_the_zones_of_existing_ones()
    {
        await AddVimAsync("vim-1", ["az-a", "az-b", "az-c"]);
        var first = await GrantedAsync(Request(LcmOperationType.Scale, add: [Compute("c1"), Compute("c2")],
            constraints: [Constraint("ANTI_AFFINITY", "ZONE", false, ConstraintResourceRef.Grant("c1"), ConstraintResourceRef.Grant("c2"))]));
        var taken = ZonesOf(first).Values.ToHashSet();

        // The existing VNFCs are referred to by VIM-level ids the NFVO has not seen yet: matched by their VDU.
        var second = await GrantedAsync(Request(LcmOperationType.Scale, add: [Compute("c3")],
            constraints: [Constraint("ANTI_AFFINITY", "ZONE", false, ConstraintResourceRef.ResMgmt("srv-1", "vim-1"),
                ConstraintResourceRef.ResMgmt("srv-2", "vim-1"), ConstraintResourceRef.Grant("c3"))]));
        var third = ZonesOf(second)["c3"];
        Assert.DoesNotContain(third, taken);

        // A fourth member cannot be placed: three zones, all taken.
        var detail = await RejectedAsync(Request(LcmOperationType.Scale, add: [Compute("c4")],
            constraints: [Constraint("ANTI_AFFINITY", "ZONE", false, ConstraintResourceRef.ResMgmt("srv-1", "vim-1"),
                ConstraintResourceRef.ResMgmt("srv-2", "vim-1"), ConstraintResourceRef.ResMgmt("srv-3", "vim-1"), ConstraintResourceRef.Grant("c4"))]));
        Assert.Contains("needs 4 distinct zones", detail);
    }

    [Fact]
    public async Task VIM_ids_named_in_a_request_are_learnt_and_resolve_existing_members()
    {
        await AddVimAsync("vim-1", ["az-a", "az-b", "az-c"]);
        var first = ZonesOf(await GrantedAsync(Request(LcmOperationType.Scale, add: [Compute("c1"), Compute("c2", vdu: "VDU2")])));
        // A heal names c1's server: the ledger learns its VIM-level id.
        await GrantedAsync(Request(LcmOperationType.Heal, update: [Compute("c1", resource: new ResourceHandle { ResourceId = "srv-c1", VimConnectionId = "vim-1" })]));
        Assert.Equal("srv-c1", (await LedgerAsync()).Single(r => r.ResourceDefinitionId == "c1").VimResourceId);

        var grant = await GrantedAsync(Request(LcmOperationType.Scale, add: [Compute("c3", vdu: "VDU3")],
            constraints: [Constraint("AFFINITY", "ZONE", false, ConstraintResourceRef.ResMgmt("srv-c1", "vim-1"), ConstraintResourceRef.Grant("c3"))]));
        Assert.Equal(first["c1"], ZonesOf(grant)["c3"]);
    }

    [Fact]
    public async Task Affinity_keeps_members_together_and_free_computes_go_to_the_least_loaded_zone()
    {
        await AddVimAsync("vim-1", ["az-a", "az-b"]);
        var grant = await GrantedAsync(Request(LcmOperationType.Scale, add: [Compute("c1"), Compute("c2"), Compute("c3"), Compute("free")],
            constraints: [Constraint("AFFINITY", "ZONE", false, ConstraintResourceRef.Grant("c1"), ConstraintResourceRef.Grant("c2"), ConstraintResourceRef.Grant("c3"))]));
        var zones = ZonesOf(grant);
        Assert.Single(new[] { zones["c1"], zones["c2"], zones["c3"] }.Distinct());
        Assert.NotEqual(zones["c1"], zones["free"]);

        // Affinity contradicted by a hard anti-affinity over the same resources.
        var detail = await RejectedAsync(Request(LcmOperationType.Scale, add: [Compute("x1"), Compute("x2")], constraints:
        [
            Constraint("AFFINITY", "ZONE", false, ConstraintResourceRef.Grant("x1"), ConstraintResourceRef.Grant("x2")),
            Constraint("ANTI_AFFINITY", "ZONE", false, ConstraintResourceRef.Grant("x1"), ConstraintResourceRef.Grant("x2")),
        ]));
        Assert.Contains("contradicts an affinity constraint", detail);
    }

    [Fact]
    public async Task Scopes_beyond_zones_constraints_referring_to_nothing_and_NFVI_POP_anti_affinity()
    {
        await AddVimAsync("vim-1", ["az-a"]);
        // NFVI_NODE: the VIM enforces it (server groups); the grant does not fail for lack of zones.
        await GrantedAsync(Request(LcmOperationType.Scale, add: [Compute("n1"), Compute("n2")],
            constraints: [Constraint("ANTI_AFFINITY", "NFVI_NODE", false, ConstraintResourceRef.Grant("n1"), ConstraintResourceRef.Grant("n2"))]));
        Assert.Contains("asks for different NFVI-PoPs", await RejectedAsync(Request(LcmOperationType.Scale, add: [Compute("p1"), Compute("p2")],
            constraints: [Constraint("ANTI_AFFINITY", "NFVI_POP", false, ConstraintResourceRef.Grant("p1"), ConstraintResourceRef.Grant("p2"))])));
        Assert.Contains("not among the resources to add", await RejectedAsync(Request(LcmOperationType.Scale, add: [Compute("q1")],
            constraints: [Constraint("AFFINITY", "ZONE", false, ConstraintResourceRef.Grant("q1"), ConstraintResourceRef.Grant("ghost"))])));
    }

    // ------------------------------------------------------------------ ledger, quotas, capacity

    [Fact]
    public async Task The_ledger_follows_adds_removes_instantiate_and_terminate()
    {
        await AddVimAsync("vim-1", ["az-a"]);
        await GrantedAsync(Request(LcmOperationType.Scale, add: [Compute("c1"), Compute("c2")]));
        await GrantedAsync(Request(LcmOperationType.Scale, remove: [Compute("c1")]));
        Assert.Equal(["c2"], (await LedgerAsync()).Select(r => r.ResourceDefinitionId));

        // INSTANTIATE starts from nothing (rows of a rolled-back attempt are stale).
        await using (var db = Db())
        {
            db.VnfPackages.Add(new VnfPackage
            {
                Id = Guid.NewGuid().ToString(), TenantId = db.TenantId, VnfdId = "vnfd-x", OnboardingState = PackageOnboardingState.Onboarded,
                OperationalState = PackageOperationalState.Enabled, UsageState = PackageUsageState.NotInUse,
                CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync(Ct);
        }
        await GrantedAsync(Request(LcmOperationType.Instantiate, add: [Compute("i1")]) with { VnfdId = "vnfd-x" });
        Assert.Equal(["i1"], (await LedgerAsync()).Select(r => r.ResourceDefinitionId));
        var terminate = await GrantedAsync(Request(LcmOperationType.Terminate, remove: [Compute("i1")]));
        Assert.Null(terminate.AddResources);
        Assert.Empty(await LedgerAsync());
    }

    [Fact]
    public async Task A_tenant_quota_limits_what_is_granted_and_releases_free_it()
    {
        await AddVimAsync("vim-1", ["az-a"]);
        await using (var db = Db())
        {
            db.TenantQuotas.Add(new TenantQuota { TenantId = db.TenantId, MaxVcpus = 3 });
            await db.SaveChangesAsync(Ct);
        }
        await GrantedAsync(Request(LcmOperationType.Scale, add: [Compute("c1"), Compute("c2")]));

        var detail = await RejectedAsync(Request(LcmOperationType.Scale, add: [Compute("c3"), Compute("c4")]));
        Assert.Contains($"the quota of tenant {_tenant} allows 3 vCPUs; 2 are in use and the operation needs 2 more", detail);

        // Removing as much as is added fits; a removal always fits.
        await GrantedAsync(Request(LcmOperationType.Scale, add: [Compute("c3")], remove: [Compute("c1")]));
        await GrantedAsync(Request(LcmOperationType.Scale, remove: [Compute("c2")]));
        await GrantedAsync(Request(LcmOperationType.Scale, add: [Compute("c4"), Compute("c5")]));

        // The configured default applies to tenants without a row of their own.
        var defaults = new GrantOptions { Quotas = new ResourceLimits { MaxVnfcs = 1 } };
        await using (var db = Db())
        {
            await db.TenantQuotas.Where(q => q.TenantId == _tenant).ExecuteUpdateAsync(s => s.SetProperty(q => q.MaxVcpus, (int?)null), Ct);
        }
        Assert.Contains("allows 1 VNFCs; 3 are in use", await RejectedAsync(Request(LcmOperationType.Scale, add: [Compute("c6")]), defaults));
    }

    [Fact]
    public async Task A_full_default_VIM_yields_to_another_and_an_instance_stays_on_its_VIM()
    {
        await AddVimAsync("small", ["az-a"], isDefault: true, capacity: new VimCapacity { TenantId = "", VimId = "", MaxInstances = 1 });
        await AddVimAsync("large", ["az-x", "az-y"], isDefault: false);

        var grant = await GrantedAsync(Request(LcmOperationType.Scale, instance: "big", add: [Compute("b1"), Compute("b2")]));
        Assert.Equal("large", Assert.Single(grant.VimConnectionInfo!).Key);
        var small = await GrantedAsync(Request(LcmOperationType.Scale, instance: "tiny", add: [Compute("t1")]));
        Assert.Equal("small", Assert.Single(small.VimConnectionInfo!).Key);

        // "tiny" lives on "small", which is full: its scale-out is rejected rather than split over two VIMs.
        var detail = await RejectedAsync(Request(LcmOperationType.Scale, instance: "tiny", add: [Compute("t2")]));
        Assert.Contains("VIM small's capacity allows 1 servers; 1 are in use and the operation needs 1 more", detail);
    }

    [Fact]
    public async Task The_sandbox_VIM_has_a_large_default_capacity_that_configuration_can_change()
    {
        await using (var db = Db()) await new VimRegistry(db).SeedSandboxAsync(Ct);
        await GrantedAsync(Request(LcmOperationType.Scale, add: Enumerable.Range(1, 20).Select(i => Compute($"s{i}")).ToList()));
        var tight = new GrantOptions { SandboxCapacity = new ResourceLimits { MaxVcpus = 20 } };
        Assert.Contains("VIM sandbox's capacity allows 20 vCPUs", await RejectedAsync(Request(LcmOperationType.Scale, add: [Compute("s21")]), tight));
    }

    [Fact]
    public void Sizes_come_from_the_VNFD()
    {
        var files = Csars.Files(Csars.HelloWorldDirectory).ToDictionary(f => f.Path, f => f.Content);
        var vnfd = Mano.Tosca.VnfdParser.Parse(files, "Definitions/helloworld3_top.vnfd.yaml").Vnfd!;
        // helloworld VDU1: 1 vCPU, 512 MB, a 3 GB local disk; VirtualStorage: 3 GB. Unknown VDUs: the VNFM's defaults.
        Assert.Equal(new ResourceSize(1, 1, 512, 3), GrantSizer.Size(Compute("x", "VDU1"), vnfd, "simple"));
        Assert.Equal(new ResourceSize(0, 0, 0, 3), GrantSizer.Size(new ResourceDefinition { Id = "v", Type = "STORAGE", ResourceTemplateId = "VirtualStorage" }, vnfd, "simple"));
        Assert.Equal(new ResourceSize(1, 1, 512, 0), GrantSizer.Size(Compute("y", "NoSuchVdu"), vnfd, "simple"));
        Assert.Equal(ResourceSize.Zero, GrantSizer.Size(new ResourceDefinition { Id = "n", Type = "VL", ResourceTemplateId = "internalVL1" }, vnfd, "simple"));
    }

    // ------------------------------------------------------------------ asynchronous decisions

    [Fact]
    public async Task A_pending_grant_becomes_granted_or_rejected_under_its_own_id()
    {
        await AddVimAsync("vim-1", ["az-a"]);
        async Task<string> PendingAsync(GrantRequest r)
        {
            await using var db = Db();
            var id = Guid.NewGuid().ToString();
            db.Grants.Add(new GrantRecord
            {
                Id = id, TenantId = db.TenantId, VnfInstanceId = r.VnfInstanceId, VnfLcmOpOccId = r.VnfLcmOpOccId, Operation = r.Operation,
                Request = SolJson.Serialize(r), Status = GrantStatus.Pending, RequestedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync(Ct);
            return id;
        }

        var request = Request(LcmOperationType.Scale, add: [Compute("c1")]);
        var pending = await PendingAsync(request);
        var result = await DecideAsync(request, pendingId: pending);
        Assert.Equal(pending, result.Grant!.Id);
        Assert.Equal($"http://nfvo.test/grant/v1/grants/{pending}", result.Grant.Links.Self.Href);

        var refused = Request(LcmOperationType.Scale, add: [Compute("c2")], constraints:
            [Constraint("ANTI_AFFINITY", "NFVI_POP", false, ConstraintResourceRef.Grant("c2"), ConstraintResourceRef.ResMgmt("x", "vim-1"))]);
        var refusedId = await PendingAsync(refused);
        Assert.NotNull((await DecideAsync(refused, pendingId: refusedId)).Rejection);

        await using var check = Db();
        var records = await check.Grants.AsNoTracking().ToDictionaryAsync(g => g.Id, Ct);
        Assert.Equal(GrantStatus.Granted, records[pending].Status);
        Assert.Equal(GrantStatus.Rejected, records[refusedId].Status);
        Assert.Contains("NFVI-PoPs", SolJson.Deserialize<ProblemDetails>(records[refusedId].Rejection!).Detail);
    }
}

public sealed class SqliteGrantDecisionTests(SqliteNfvoDatabase db) : GrantDecisionTests(db), IClassFixture<SqliteNfvoDatabase>;

public sealed class PostgresGrantDecisionTests(PostgresNfvoDatabase db) : GrantDecisionTests(db), IClassFixture<PostgresNfvoDatabase>;
