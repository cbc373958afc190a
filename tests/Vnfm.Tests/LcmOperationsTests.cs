using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Mano.VimAdapters;
using Microsoft.EntityFrameworkCore;

namespace Mano.Vnfm.Tests;

public sealed class LcmOperationsOnSqliteTests(SqliteVnfmDatabase db) : LcmOperationsTests(db), IClassFixture<SqliteVnfmDatabase>;

public sealed class LcmOperationsOnPostgresTests(PostgresVnfmDatabase db) : LcmOperationsTests(db), IClassFixture<PostgresVnfmDatabase>;

/// <summary>
/// Every LCM operation after instantiate, and the op occ tasks (retry, rollback, fail, cancel), driven through the bus
/// on a real database and the real sandbox VIM (NFVO stubbed). Rollback is checked for every resource-changing
/// operation: the sandbox must hold exactly what it held before (same resource keys, networks, specs and power states).
/// </summary>
public abstract class LcmOperationsTests(ITestDatabase<VnfmDbContext> db) : IAsyncLifetime
{
    private readonly string _tenant = $"t-{Guid.NewGuid():N}";
    private VnfmWorld? _world;
    private string _extNetwork = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private VnfmWorld World => _world ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        _world = await VnfmWorld.StartAsync(db);
        _extNetwork = await NewExternalNetworkAsync("public", "192.168.7.0/24");
    }

    public async ValueTask DisposeAsync()
    {
        if (_world is not null)
        {
            Assert.Empty(_world.ConsumerFaults);
            await _world.DisposeAsync();
        }
    }

    private async Task<string> NewExternalNetworkAsync(string name, string cidr)
    {
        var ext = await World.Cloud.CreateNetworkAsync(_tenant, new SandboxNetworkSpec(name), Ct);
        await World.Cloud.CreateSubnetAsync(_tenant, new SandboxSubnetSpec(name + "-v4", ext.ResourceId, cidr), Ct);
        return ext.ResourceId;
    }

    private async Task<string> InstantiatedAsync(string? vnfdId = null, string level = "instantiation_level_1")
    {
        var instanceId = await World.CreateInstanceAsync(_tenant, vnfdId: vnfdId);
        var op = await RunAsync(instanceId, LcmOperationType.Instantiate, new InstantiateVnfRequest
        {
            FlavourId = Helloworld.FlavourId, InstantiationLevelId = level,
            ExtVirtualLinks = [new ExtVirtualLinkData { Id = "ext-1", ResourceId = _extNetwork, ExtCps = [new VnfExtCpData { CpdId = "CP1" }] }],
        });
        Assert.Equal(LcmOperationState.Completed, op.OperationState);
        return instanceId;
    }

    private async Task<VnfLcmOpOccRecord> RunAsync<T>(string instanceId, string operation, T request)
    {
        var opOccId = await World.StartOperationAsync(_tenant, instanceId, operation, request);
        await World.RunOutboxAsync(opOccId);
        return (await World.ReadAsync(_tenant, opOccId)).Op;
    }

    private async Task<VnfInstanceRecord> InstanceAsync(string instanceId)
    {
        await using var context = db.NewContext(_tenant);
        return await context.VnfInstances.AsNoTracking().SingleAsync(i => i.Id == instanceId, Ct);
    }

    private async Task<InstantiatedVnfInfo> InfoAsync(string instanceId) =>
        SolJson.Deserialize<InstantiatedVnfInfo>((await InstanceAsync(instanceId)).InstantiatedVnfInfo!);

    private List<VimResource> Servers(string instanceId, string? vduId = null)
    {
        var servers = World.Cloud.QueryResources(_tenant, instanceId).Where(r => r.Kind == VimResourceKind.Compute).ToList();
        return servers;
    }

    /// <summary>What "the same resources" means: every resource's kind, key, network, attachment (by key), size, image and status.</summary>
    private List<string> Shape(string instanceId)
    {
        var resources = World.Cloud.QueryResources(_tenant, instanceId);
        var keyOf = resources.Where(r => r.Kind == VimResourceKind.Compute || r.Kind == VimResourceKind.Network)
            .ToDictionary(r => r.ResourceId, r => r.ResourceKey);
        string Net(VimResource r) => r.Attributes.GetValueOrDefault(VimAttributes.NetworkId) is { } n ? keyOf.GetValueOrDefault(n) ?? n : "";
        return resources.Select(r => string.Join("|", r.Kind, r.ResourceKey, Net(r),
                r.Attributes.GetValueOrDefault(VimAttributes.ComputeId) is { } c ? keyOf.GetValueOrDefault(c) : "",
                r.Attributes.GetValueOrDefault(VimAttributes.Vcpus), r.Attributes.GetValueOrDefault(VimAttributes.ImageName), r.Status))
            .Order().ToList();
    }

    // ---- scale ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Scale_out_adds_VNFCs_by_the_aspect_deltas_and_scale_in_removes_the_newest()
    {
        var instanceId = await InstantiatedAsync();
        var before = await InfoAsync(instanceId);
        Assert.Single(before.VnfcResourceInfo!, v => v.VduId == "VDU2");

        var outOp = await RunAsync(instanceId, LcmOperationType.Scale, new ScaleVnfRequest { Type = "SCALE_OUT", AspectId = "worker_instance", NumberOfSteps = 2 });

        Assert.Equal(LcmOperationState.Completed, outOp.OperationState);
        var scaledOut = await InfoAsync(instanceId);
        var vdu2 = scaledOut.VnfcResourceInfo!.Where(v => v.VduId == "VDU2").Select(v => v.Id).ToList();
        Assert.Equal(3, vdu2.Count);
        Assert.Equal(2, Assert.Single(scaledOut.ScaleStatus!).ScaleLevel);
        Assert.Equal(4, Servers(instanceId).Count);
        Assert.Equal(3, World.Cloud.QueryResources(_tenant, instanceId).Count(r => r.Kind == VimResourceKind.Volume)); // VDU2 has a volume each
        var changes = SolJson.Deserialize<ResourceChanges>(outOp.ResourceChanges!);
        Assert.Equal(2, changes.AffectedVnfcs!.Count(v => v.ChangeType == "ADDED"));
        Assert.Equal(2, changes.AffectedVirtualStorages!.Count(v => v.ChangeType == "ADDED"));
        Assert.Contains(changes.AffectedVirtualLinks!, l => l.ChangeType == "LINK_PORT_ADDED");
        var grant = World.Nfvo.GrantRequests.Last().GrantRequest;
        Assert.Equal(LcmOperationType.Scale, grant.Operation);
        Assert.Equal(2, grant.AddResources!.Count(r => r.Type == "COMPUTE"));
        Assert.Null(grant.RemoveResources is { Count: > 0 } ? grant.RemoveResources : null);
        // Kept VNFCs keep their ids and VIM resources.
        Assert.Equal(before.VnfcResourceInfo!.Select(v => (v.Id, v.ComputeResource.ResourceId)),
            scaledOut.VnfcResourceInfo!.Where(v => before.VnfcResourceInfo!.Any(b => b.Id == v.Id)).Select(v => (v.Id, v.ComputeResource.ResourceId)));

        var inOp = await RunAsync(instanceId, LcmOperationType.Scale, new ScaleVnfRequest { Type = "SCALE_IN", AspectId = "worker_instance" });

        Assert.Equal(LcmOperationState.Completed, inOp.OperationState);
        var scaledIn = await InfoAsync(instanceId);
        Assert.Equal(vdu2.Take(2), scaledIn.VnfcResourceInfo!.Where(v => v.VduId == "VDU2").Select(v => v.Id));
        Assert.Equal(1, Assert.Single(scaledIn.ScaleStatus!).ScaleLevel);
        Assert.DoesNotContain(World.Cloud.QueryResources(_tenant, instanceId), r => r.ResourceKey == vdu2[2]);
        var removed = SolJson.Deserialize<ResourceChanges>(inOp.ResourceChanges!);
        Assert.Equal(vdu2[2], Assert.Single(removed.AffectedVnfcs!, v => v.ChangeType == "REMOVED").Id);
        Assert.Equal([vdu2[2]], World.Nfvo.GrantRequests.Last().GrantRequest.RemoveResources!.Where(r => r.Type == "COMPUTE").Select(r => r.Id));
    }

    [Fact]
    public void Scale_beyond_max_scale_level_or_below_zero_is_422()
    {
        var flavour = Helloworld.Flavour;
        var plan = ResourcePlanner.PlanInstantiate("t", "i", "o", Helloworld.Known, new InstantiateVnfRequest { FlavourId = "simple" });
        Assert.Equal(422, Assert.Throws<UnprocessableProblem>(() => LcmRequests.ScaleTarget(plan, flavour,
            new ScaleVnfRequest { Type = "SCALE_OUT", AspectId = "worker_instance", NumberOfSteps = 3 })).Status);
        Assert.Throws<UnprocessableProblem>(() => LcmRequests.ScaleTarget(plan, flavour, new ScaleVnfRequest { Type = "SCALE_IN", AspectId = "worker_instance" }));
        Assert.Throws<UnprocessableProblem>(() => LcmRequests.ScaleTarget(plan, flavour, new ScaleVnfRequest { Type = "SCALE_OUT", AspectId = "nope" }));
        Assert.Throws<BadRequestProblem>(() => LcmRequests.ScaleTarget(plan, flavour, new ScaleVnfRequest { Type = "SIDEWAYS", AspectId = "worker_instance" }));
        Assert.Equal(2, LcmRequests.ScaleTarget(plan, flavour, new ScaleVnfRequest { Type = "SCALE_OUT", AspectId = "worker_instance", NumberOfSteps = 2 })["worker_instance"]);
        Assert.Throws<UnprocessableProblem>(() => LcmRequests.ScaleToLevelTarget(flavour, new ScaleVnfToLevelRequest { ScaleInfo = [new ScaleInfo("worker_instance", 3)] }));
        Assert.Throws<BadRequestProblem>(() => LcmRequests.ScaleToLevelTarget(flavour, new ScaleVnfToLevelRequest()));
    }

    [Fact]
    public void Non_uniform_step_deltas_are_honoured()
    {
        var aspect = new Tosca.ScalingAspect("a", null, null, 3, ["d1", "d2", "d3"],
            new Dictionary<string, IReadOnlyDictionary<string, int>> { ["VDU2"] = new Dictionary<string, int> { ["d1"] = 1, ["d2"] = 2, ["d3"] = 4 } });
        Assert.Equal([0, 1, 3, 7], Enumerable.Range(0, 4).Select(l => ResourcePlanner.InstancesAt(aspect, "VDU2", l)));
        Assert.Equal(0, ResourcePlanner.InstancesAt(aspect, "VDU1", 3));
    }

    [Fact]
    public async Task Scale_to_level_by_instantiation_level_and_by_scale_info()
    {
        var instanceId = await InstantiatedAsync();

        var up = await RunAsync(instanceId, LcmOperationType.ScaleToLevel, new ScaleVnfToLevelRequest { InstantiationLevelId = "instantiation_level_2" });
        Assert.Equal(LcmOperationState.Completed, up.OperationState);
        Assert.Equal(4, Servers(instanceId).Count);
        Assert.Equal(2, (await InfoAsync(instanceId)).ScaleStatus!.Single().ScaleLevel);

        var down = await RunAsync(instanceId, LcmOperationType.ScaleToLevel, new ScaleVnfToLevelRequest { ScaleInfo = [new ScaleInfo("worker_instance", 1)] });
        Assert.Equal(LcmOperationState.Completed, down.OperationState);
        Assert.Equal(3, Servers(instanceId).Count);
        Assert.Equal(1, (await InfoAsync(instanceId)).ScaleStatus!.Single().ScaleLevel);
    }

    // ---- heal, operate, terminate GRACEFUL ----------------------------------------------------------------

    [Fact]
    public async Task Heal_of_one_VNFC_recreates_its_server_keeping_ports_and_volumes()
    {
        var instanceId = await InstantiatedAsync();
        var before = await InfoAsync(instanceId);
        var vnfc = before.VnfcResourceInfo!.Single(v => v.VduId == "VDU2");
        var other = before.VnfcResourceInfo!.Single(v => v.VduId == "VDU1");
        var portsBefore = World.Cloud.QueryResources(_tenant, instanceId).Where(r => r.Kind is VimResourceKind.Port or VimResourceKind.Volume)
            .Select(r => r.ResourceId).Order().ToList();

        var op = await RunAsync(instanceId, LcmOperationType.Heal, new HealVnfRequest { VnfcInstanceId = [vnfc.Id], Cause = "guest OS hung" });

        Assert.Equal(LcmOperationState.Completed, op.OperationState);
        var after = await InfoAsync(instanceId);
        var healed = after.VnfcResourceInfo!.Single(v => v.Id == vnfc.Id);
        Assert.NotEqual(vnfc.ComputeResource.ResourceId, healed.ComputeResource.ResourceId);
        Assert.Equal(other.ComputeResource.ResourceId, after.VnfcResourceInfo!.Single(v => v.Id == other.Id).ComputeResource.ResourceId);
        Assert.Equal(portsBefore, World.Cloud.QueryResources(_tenant, instanceId).Where(r => r.Kind is VimResourceKind.Port or VimResourceKind.Volume)
            .Select(r => r.ResourceId).Order());
        Assert.All(World.Cloud.QueryResources(_tenant, instanceId).Where(r => r.Kind is VimResourceKind.Port or VimResourceKind.Volume && r.Attributes.ContainsKey(VimAttributes.ComputeId)),
            r => Assert.Contains(r.Attributes[VimAttributes.ComputeId], after.VnfcResourceInfo!.Select(v => v.ComputeResource.ResourceId)));
        var changes = SolJson.Deserialize<ResourceChanges>(op.ResourceChanges!);
        Assert.Equal(vnfc.Id, Assert.Single(changes.AffectedVnfcs!).Id);
        Assert.Equal("MODIFIED", changes.AffectedVnfcs![0].ChangeType);

        // A redelivered command (or a retry) rebuilds nothing twice; the whole VNF heals every VNFC.
        var whole = await RunAsync(instanceId, LcmOperationType.Heal, new HealVnfRequest { Cause = "all" });
        Assert.Equal(LcmOperationState.Completed, whole.OperationState);
        Assert.Equal(2, SolJson.Deserialize<ResourceChanges>(whole.ResourceChanges!).AffectedVnfcs!.Count(v => v.ChangeType == "MODIFIED"));
        Assert.Equal(2, World.Cloud.GetCallCounts()[SandboxOperations.RebuildServer] - 1);
    }

    [Fact]
    public async Task Operate_stops_gracefully_within_the_timeout_and_starts_again()
    {
        var instanceId = await InstantiatedAsync();
        World.Cloud.GuestShutdownTime = TimeSpan.FromSeconds(30);

        var stop = await RunAsync(instanceId, LcmOperationType.Operate, new OperateVnfRequest { ChangeStateTo = "STOPPED", StopType = "GRACEFUL", GracefulStopTimeout = 0 });

        Assert.Equal(LcmOperationState.Completed, stop.OperationState);
        Assert.Equal(VnfOperationalState.Stopped, (await InfoAsync(instanceId)).VnfState);
        Assert.All(Servers(instanceId), s => Assert.Equal((ServerStatus.Shutoff, "forced"), (s.Status, s.Attributes[VimAttributes.LastStop])));

        // Scaling a STOPPED VNF keeps it stopped.
        await RunAsync(instanceId, LcmOperationType.Scale, new ScaleVnfRequest { Type = "SCALE_OUT", AspectId = "worker_instance" });
        Assert.All(Servers(instanceId), s => Assert.Equal(ServerStatus.Shutoff, s.Status));

        var start = await RunAsync(instanceId, LcmOperationType.Operate, new OperateVnfRequest { ChangeStateTo = "STARTED" });
        Assert.Equal(LcmOperationState.Completed, start.OperationState);
        Assert.Equal(VnfOperationalState.Started, (await InfoAsync(instanceId)).VnfState);
        Assert.All(Servers(instanceId), s => Assert.Equal(ServerStatus.Active, s.Status));

        World.Cloud.GuestShutdownTime = TimeSpan.FromMilliseconds(50);
        await RunAsync(instanceId, LcmOperationType.Operate, new OperateVnfRequest { ChangeStateTo = "STOPPED", StopType = "GRACEFUL", GracefulStopTimeout = 10 });
        Assert.All(Servers(instanceId), s => Assert.Equal("graceful", s.Attributes[VimAttributes.LastStop]));
    }

    [Fact]
    public async Task Terminate_GRACEFUL_stops_every_server_gracefully_before_deleting()
    {
        var instanceId = await InstantiatedAsync();
        World.Cloud.GuestShutdownTime = TimeSpan.FromMilliseconds(20);

        var op = await RunAsync(instanceId, LcmOperationType.Terminate, new TerminateVnfRequest { TerminationType = "GRACEFUL", GracefulTerminationTimeout = 5 });

        Assert.Equal(LcmOperationState.Completed, op.OperationState);
        Assert.Equal(2, World.Cloud.GetCallCounts()[SandboxOperations.StopServer]);
        Assert.Empty(World.Cloud.QueryResources(_tenant, instanceId));
        Assert.Null((await InstanceAsync(instanceId)).ResourcePlan);
    }

    // ---- change_ext_conn, change_flavour, change_vnfpkg, modify -------------------------------------------

    [Fact]
    public async Task Change_ext_conn_moves_the_external_CP_to_the_new_network()
    {
        var instanceId = await InstantiatedAsync();
        var other = await NewExternalNetworkAsync("other", "192.168.8.0/24");

        var op = await RunAsync(instanceId, LcmOperationType.ChangeExtConn, new ChangeExtVnfConnectivityRequest
        {
            ExtVirtualLinks = [new ExtVirtualLinkData { Id = "ext-2", ResourceId = other, ExtCps = [new VnfExtCpData { CpdId = "CP1" }] }],
        });

        Assert.Equal(LcmOperationState.Completed, op.OperationState);
        var ports = World.Cloud.QueryResources(_tenant, instanceId).Where(r => r.Kind == VimResourceKind.Port).ToList();
        Assert.Single(ports, p => p.Attributes[VimAttributes.NetworkId] == other);
        Assert.DoesNotContain(ports, p => p.Attributes[VimAttributes.NetworkId] == _extNetwork);
        Assert.StartsWith("192.168.8.", ports.Single(p => p.Attributes[VimAttributes.NetworkId] == other).Attributes[VimAttributes.IpAddress]);
        var changed = SolJson.Deserialize<List<ExtVirtualLinkInfo>>(op.ChangedExtConnectivity!);
        Assert.Equal(("ext-2", other), (Assert.Single(changed).Id, changed[0].ResourceHandle.ResourceId));
        Assert.Single(changed[0].ExtLinkPorts!);
        Assert.Equal("ext-2", Assert.Single((await InfoAsync(instanceId)).ExtVirtualLinkInfo!).Id);
    }

    [Fact]
    public async Task Change_flavour_rebuilds_the_servers_to_the_new_flavour_keeping_VNFC_ids()
    {
        var instanceId = await InstantiatedAsync(vnfdId: Helloworld.V2VnfdId);
        var before = await InfoAsync(instanceId);

        var op = await RunAsync(instanceId, LcmOperationType.ChangeFlavour, new ChangeVnfFlavourRequest { NewFlavourId = "big", InstantiationLevelId = "instantiation_level_1" });

        Assert.Equal(LcmOperationState.Completed, op.OperationState);
        var after = await InfoAsync(instanceId);
        Assert.Equal("big", after.FlavourId);
        Assert.Equal(before.VnfcResourceInfo!.Select(v => v.Id).Order(), after.VnfcResourceInfo!.Select(v => v.Id).Order());
        Assert.All(Servers(instanceId), s => Assert.Equal("2", s.Attributes[VimAttributes.Vcpus]));
        Assert.All(SolJson.Deserialize<ResourceChanges>(op.ResourceChanges!).AffectedVnfcs!, v => Assert.Equal("MODIFIED", v.ChangeType));
        Assert.Equal(2, World.Nfvo.GrantRequests.Last().GrantRequest.UpdateResources!.Count);
    }

    [Fact]
    public async Task Change_vnfpkg_replans_by_the_new_VNFD_keeping_VNFC_ids_and_rebuilding_changed_images()
    {
        var instanceId = await InstantiatedAsync();
        var before = await InfoAsync(instanceId);
        var vdu2Server = Servers(instanceId).Single(s => s.ResourceKey == before.VnfcResourceInfo!.Single(v => v.VduId == "VDU2").Id).ResourceId;

        var op = await RunAsync(instanceId, LcmOperationType.ChangeVnfpkg, new ChangeCurrentVnfPkgRequest { VnfdId = Helloworld.V2VnfdId });

        Assert.Equal(LcmOperationState.Completed, op.OperationState);
        var instance = await InstanceAsync(instanceId);
        Assert.Equal((Helloworld.V2VnfdId, "pkg-helloworld-v2"), (instance.VnfdId, instance.VnfPkgId));
        var after = await InfoAsync(instanceId);
        Assert.Equal(before.VnfcResourceInfo!.Select(v => v.Id).Order(), after.VnfcResourceInfo!.Select(v => v.Id).Order());
        Assert.All(after.VnfcResourceInfo!, v => Assert.Equal(Helloworld.V2VnfdId, v.VnfdId));
        Assert.Equal("Software of VDU1 v2", Servers(instanceId).Single(s => s.ResourceKey == before.VnfcResourceInfo!.Single(v => v.VduId == "VDU1").Id).Attributes[VimAttributes.ImageName]);
        Assert.Contains(Servers(instanceId), s => s.ResourceId == vdu2Server); // VDU2's image did not change: kept
        Assert.Equal(Helloworld.V2VnfdId, SolJson.Deserialize<ModificationsTriggeredByVnfPkgChange>(op.ChangedInfo!).VnfdId);
        Assert.Equal(Helloworld.V2VnfdId, World.Nfvo.GrantRequests.Last().GrantRequest.DstVnfdId);
    }

    [Fact]
    public async Task Modify_info_merge_patches_and_records_changedInfo()
    {
        var instanceId = await World.CreateInstanceAsync(_tenant);
        var first = await RunAsync(instanceId, LcmOperationType.ModifyInfo, JsonNode.Parse("""{"vnfInstanceName":"renamed","metadata":{"a":1,"b":{"c":2}}}""")!);
        Assert.Equal(LcmOperationState.Completed, first.OperationState);
        var op = await RunAsync(instanceId, LcmOperationType.ModifyInfo, JsonNode.Parse("""{"metadata":{"a":null,"b":{"d":3}},"vnfConfigurableProperties":{"isAutoscaleEnabled":true}}""")!);

        Assert.Equal(LcmOperationState.Completed, op.OperationState);
        var instance = await InstanceAsync(instanceId);
        Assert.Equal("renamed", instance.VnfInstanceName);
        Assert.Equal("""{"b":{"c":2,"d":3}}""", instance.Metadata);
        Assert.Equal("""{"isAutoscaleEnabled":true}""", instance.VnfConfigurableProperties);
        var changed = SolJson.Deserialize<VnfInfoModifications>(op.ChangedInfo!);
        Assert.Null(changed.VnfInstanceName);
        Assert.Equal("""{"b":{"c":2,"d":3}}""", changed.Metadata!.ToJsonString());
        Assert.Null(op.GrantId); // MODIFY_INFO asks no grant
    }

    // ---- tasks: rollback of every resource-changing operation, retry, fail, cancel ---------------------------

    public static TheoryData<string> ResourceChangingOperations =>
        ["SCALE_OUT", "SCALE_IN", LcmOperationType.ScaleToLevel, LcmOperationType.ChangeFlavour, LcmOperationType.Heal,
         LcmOperationType.Operate, LcmOperationType.ChangeExtConn, LcmOperationType.ChangeVnfpkg, LcmOperationType.Terminate, LcmOperationType.ModifyInfo];

    [Theory]
    [MemberData(nameof(ResourceChangingOperations))]
    public async Task Rollback_after_a_VIM_failure_restores_the_instance_and_the_sandbox_exactly(string what)
    {
        var other = await NewExternalNetworkAsync("other", "192.168.9.0/24");
        var instanceId = await InstantiatedAsync(vnfdId: Helloworld.V2VnfdId);
        if (what == "SCALE_IN") await RunAsync(instanceId, LcmOperationType.Scale, new ScaleVnfRequest { Type = "SCALE_OUT", AspectId = "worker_instance", NumberOfSteps = 2 });
        var shape = Shape(instanceId);
        var instanceBefore = await InstanceAsync(instanceId);
        var infoBefore = SolJson.Deserialize<InstantiatedVnfInfo>(instanceBefore.InstantiatedVnfInfo!);

        // The second VIM call of the kind the operation needs fails: the first one has already changed something.
        var (operation, request, fault) = what switch
        {
            "SCALE_OUT" => (LcmOperationType.Scale, (object)new ScaleVnfRequest { Type = "SCALE_OUT", AspectId = "worker_instance", NumberOfSteps = 2 }, SandboxOperations.CreatePort),
            "SCALE_IN" => (LcmOperationType.Scale, new ScaleVnfRequest { Type = "SCALE_IN", AspectId = "worker_instance", NumberOfSteps = 2 }, SandboxOperations.DeleteServer),
            LcmOperationType.ScaleToLevel => (what, new ScaleVnfToLevelRequest { InstantiationLevelId = "instantiation_level_2" }, SandboxOperations.CreateVolume),
            LcmOperationType.ChangeFlavour => (what, new ChangeVnfFlavourRequest { NewFlavourId = "big" }, SandboxOperations.RebuildServer),
            LcmOperationType.Heal => (what, new HealVnfRequest(), SandboxOperations.RebuildServer),
            LcmOperationType.Operate => (what, new OperateVnfRequest { ChangeStateTo = "STOPPED" }, SandboxOperations.StopServer),
            LcmOperationType.ChangeExtConn => (what, new ChangeExtVnfConnectivityRequest
            {
                ExtVirtualLinks = [new ExtVirtualLinkData { Id = "ext-1", ResourceId = other, ExtCps = [new VnfExtCpData { CpdId = "CP1" }] }],
            }, SandboxOperations.CreatePort),
            LcmOperationType.ChangeVnfpkg => (what, new ChangeCurrentVnfPkgRequest { VnfdId = Helloworld.VnfdId }, SandboxOperations.RebuildServer),
            LcmOperationType.Terminate => (what, new TerminateVnfRequest { TerminationType = "FORCEFUL" }, SandboxOperations.DeleteServer),
            _ => (what, (object)new object(), ""),
        };
        VnfLcmOpOccRecord op;
        if (what == LcmOperationType.ModifyInfo)
        {
            // MODIFY_INFO touches no VIM: it fails in PROCESSING when the VNFD it names vanished meanwhile.
            op = await RunAsync(instanceId, operation, JsonNode.Parse("""{"vnfInstanceName":"x","vnfdId":"gone"}""")!);
        }
        else if (what is LcmOperationType.Operate or LcmOperationType.ChangeExtConn)
        {
            // The first call of that kind fails (operate: the other server stops meanwhile; change_ext_conn: the old port is gone).
            World.Cloud.SetFault(SandboxFaultRule.FailNext(fault, transient: false));
            op = await RunAsync(instanceId, operation, request);
            World.Cloud.ClearFaults();
        }
        else
        {
            // change_vnfpkg back to v1 rebuilds only VDU1 (the one image that differs): its one rebuild fails.
            op = await RunWithSecondCallFailingAsync(instanceId, operation, request, fault, nth: what == LcmOperationType.ChangeVnfpkg ? 1 : 2);
        }
        Assert.Equal(LcmOperationState.FailedTemp, op.OperationState);
        Assert.Equal(op.Id, (await InstanceAsync(instanceId)).CurrentOpOccId);

        await World.TaskAsync(_tenant, op.Id, (context, notifier) => LcmTasks.RollbackAsync(context, notifier, op.Id, Ct));

        var (rolledBack, instance) = await World.ReadAsync(_tenant, op.Id);
        Assert.Equal(LcmOperationState.RolledBack, rolledBack.OperationState);
        Assert.Null(instance.CurrentOpOccId);
        Assert.Equal(shape, Shape(instanceId));
        Assert.Equal((instanceBefore.VnfdId, instanceBefore.VnfInstanceName, instanceBefore.InstantiationState, instanceBefore.ResourcePlan),
            (instance.VnfdId, instance.VnfInstanceName, instance.InstantiationState, instance.ResourcePlan));
        var info = SolJson.Deserialize<InstantiatedVnfInfo>(instance.InstantiatedVnfInfo!);
        Assert.Equal(infoBefore.VnfcResourceInfo!.Select(v => v.Id).Order(), info.VnfcResourceInfo!.Select(v => v.Id).Order());
        Assert.Equal((infoBefore.FlavourId, infoBefore.VnfState), (info.FlavourId, info.VnfState));
        Assert.Equal(SolJson.Serialize(infoBefore.ScaleStatus), SolJson.Serialize(info.ScaleStatus));
        // The instance works on afterwards.
        Assert.Equal(LcmOperationState.Completed, (await RunAsync(instanceId, LcmOperationType.Heal, new HealVnfRequest())).OperationState);
    }

    /// <summary>Runs the op with the <paramref name="nth"/> call of <paramref name="fault"/> failing: earlier ones have already changed the VIM.</summary>
    private async Task<VnfLcmOpOccRecord> RunWithSecondCallFailingAsync<T>(string instanceId, string operation, T request, string fault, int nth)
    {
        var baseline = World.Cloud.GetCallCounts().GetValueOrDefault(fault);
        var opOccId = await World.StartOperationAsync(_tenant, instanceId, operation, request);
        // A call is counted when it starts and meets its fault after the latency: arming the fault once the nth call has
        // started makes exactly that call fail, after the earlier ones changed the VIM.
        World.Cloud.Latency = TimeSpan.FromMilliseconds(100);
        var dispatched = World.RunOutboxAsync(opOccId);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (World.Cloud.GetCallCounts().GetValueOrDefault(fault) < baseline + nth && DateTime.UtcNow < deadline) await Task.Delay(2, Ct);
        World.Cloud.SetFault(SandboxFaultRule.FailNext(fault, transient: false));
        await dispatched;
        World.Cloud.Latency = TimeSpan.Zero;
        World.Cloud.ClearFaults();
        return (await World.ReadAsync(_tenant, opOccId)).Op;
    }

    [Fact]
    public async Task Rollback_of_a_failed_instantiate_removes_everything_and_leaves_NOT_INSTANTIATED()
    {
        var instanceId = await World.CreateInstanceAsync(_tenant);
        World.Cloud.SetFault(SandboxFaultRule.FailNext(SandboxOperations.CreatePort, transient: false));
        var op = await RunAsync(instanceId, LcmOperationType.Instantiate, new InstantiateVnfRequest
        {
            FlavourId = Helloworld.FlavourId,
            ExtVirtualLinks = [new ExtVirtualLinkData { Id = "ext-1", ResourceId = _extNetwork, ExtCps = [new VnfExtCpData { CpdId = "CP1" }] }],
        });
        Assert.Equal(LcmOperationState.FailedTemp, op.OperationState);
        Assert.NotEmpty(World.Cloud.QueryResources(_tenant, instanceId));

        await World.TaskAsync(_tenant, op.Id, (context, notifier) => LcmTasks.RollbackAsync(context, notifier, op.Id, Ct));

        var (rolledBack, instance) = await World.ReadAsync(_tenant, op.Id);
        Assert.Equal(LcmOperationState.RolledBack, rolledBack.OperationState);
        Assert.Equal(InstantiationState.NotInstantiated, instance.InstantiationState);
        Assert.Null(instance.VimConnectionInfo);
        Assert.Null(instance.CurrentOpOccId);
        Assert.Empty(World.Cloud.QueryResources(_tenant, instanceId));
    }

    [Fact]
    public async Task Retry_of_a_FAILED_TEMP_scale_completes_it_without_duplicates()
    {
        var subscription = await World.SubscribeAsync(_tenant);
        var instanceId = await InstantiatedAsync();
        World.Cloud.SetFault(new SandboxFaultRule(SandboxOperations.CreateVolume, FailCount: 1, AfterCommit: true)); // the response is lost
        var op = await RunAsync(instanceId, LcmOperationType.Scale, new ScaleVnfRequest { Type = "SCALE_OUT", AspectId = "worker_instance", NumberOfSteps = 2 });
        Assert.Equal(LcmOperationState.FailedTemp, op.OperationState);

        await World.TaskAsync(_tenant, op.Id, (context, notifier) => LcmTasks.RetryAsync(context, notifier, op.Id, Ct));

        var (retried, instance) = await World.ReadAsync(_tenant, op.Id);
        Assert.Equal(LcmOperationState.Completed, retried.OperationState);
        Assert.Null(retried.Error);
        Assert.Null(instance.CurrentOpOccId);
        var resources = World.Cloud.QueryResources(_tenant, instanceId);
        Assert.Equal(4, resources.Count(r => r.Kind == VimResourceKind.Compute));
        Assert.Equal(3, resources.Count(r => r.Kind == VimResourceKind.Volume));
        Assert.Equal(resources.Count, resources.Select(r => (r.Kind, r.ResourceKey)).Distinct().Count());
        var states = (await World.NotificationsAsync(_tenant, subscription)).Where(n => n.VnfLcmOpOccId == op.Id).Select(n => n.OperationState);
        Assert.Equal([LcmOperationState.Starting, LcmOperationState.Processing, LcmOperationState.FailedTemp, LcmOperationState.Processing, LcmOperationState.Completed], states);
    }

    [Fact]
    public async Task Fail_ends_a_FAILED_TEMP_op_FAILED_and_frees_the_instance_and_tasks_in_wrong_states_are_409()
    {
        var instanceId = await InstantiatedAsync();
        World.Cloud.SetFault(SandboxFaultRule.FailNext(SandboxOperations.CreateServer, transient: false));
        var op = await RunAsync(instanceId, LcmOperationType.Scale, new ScaleVnfRequest { Type = "SCALE_OUT", AspectId = "worker_instance" });
        Assert.Equal(LcmOperationState.FailedTemp, op.OperationState);

        await using (var context = db.NewContext(_tenant))
        {
            var notifier = new LcmNotifier(new VnfmOptions());
            Assert.Equal(409, (await Assert.ThrowsAsync<ConflictProblem>(() => LcmTasks.CancelAsync(context, op.Id, "GRACEFUL", Ct))).Status);
            var failed = await LcmTasks.FailAsync(context, notifier, op.Id, Ct);
            Assert.Equal(LcmOperationState.Failed, failed.OperationState);
        }
        await using (var context = db.NewContext(_tenant))
        {
            var notifier = new LcmNotifier(new VnfmOptions());
            await Assert.ThrowsAsync<ConflictProblem>(() => LcmTasks.RetryAsync(context, notifier, op.Id, Ct));
            await Assert.ThrowsAsync<ConflictProblem>(() => LcmTasks.RollbackAsync(context, notifier, op.Id, Ct));
            await Assert.ThrowsAsync<ConflictProblem>(() => LcmTasks.FailAsync(context, notifier, op.Id, Ct));
            await Assert.ThrowsAsync<NotFoundProblem>(() => LcmTasks.FailAsync(context, notifier, "no-such-op", Ct));
        }
        Assert.Null((await InstanceAsync(instanceId)).CurrentOpOccId);
        Assert.Equal(LcmOperationState.Completed, (await RunAsync(instanceId, LcmOperationType.Heal, new HealVnfRequest())).OperationState);
    }

    [Fact]
    public async Task Cancel_while_STARTING_ends_ROLLED_BACK_without_a_grant()
    {
        var instanceId = await InstantiatedAsync();
        var grants = World.Nfvo.GrantRequests.Count;
        var opOccId = await World.StartOperationAsync(_tenant, instanceId, LcmOperationType.Scale, new ScaleVnfRequest { Type = "SCALE_OUT", AspectId = "worker_instance" });

        await World.TaskAsync(_tenant, opOccId, (context, _) => LcmTasks.CancelAsync(context, opOccId, "GRACEFUL", Ct), run: false);
        await World.DispatchOutboxAsync();
        await WaitForAsync(opOccId, LcmOperationState.RolledBack);

        var (op, instance) = await World.ReadAsync(_tenant, opOccId);
        Assert.False(op.IsCancelPending);
        Assert.Contains("cancelled", SolJson.Deserialize<ProblemDetails>(op.Error!).Detail);
        Assert.Null(instance.CurrentOpOccId);
        Assert.Equal(grants, World.Nfvo.GrantRequests.Count);
        Assert.Equal(2, Servers(instanceId).Count);
    }

    [Fact]
    public async Task Cancel_FORCEFUL_while_PROCESSING_ends_FAILED_TEMP_and_rollback_cleans_up()
    {
        var instanceId = await InstantiatedAsync();
        var shape = Shape(instanceId);
        World.Cloud.Latency = TimeSpan.FromMilliseconds(400);
        var opOccId = await World.StartOperationAsync(_tenant, instanceId, LcmOperationType.Scale, new ScaleVnfRequest { Type = "SCALE_OUT", AspectId = "worker_instance", NumberOfSteps = 2 });
        await World.DispatchOutboxAsync();
        await WaitForAsync(opOccId, LcmOperationState.Processing);
        await Task.Delay(500, Ct);

        await World.TaskAsync(_tenant, opOccId, (context, _) => LcmTasks.CancelAsync(context, opOccId, "FORCEFUL", Ct), run: false);
        await WaitForAsync(opOccId, LcmOperationState.FailedTemp);
        World.Cloud.Latency = TimeSpan.Zero;

        var (op, instance) = await World.ReadAsync(_tenant, opOccId);
        Assert.Contains("FORCEFUL", SolJson.Deserialize<ProblemDetails>(op.Error!).Detail);
        Assert.Equal(opOccId, instance.CurrentOpOccId);
        await World.DispatchOutboxAsync(); // the cancel's own command finds nothing to do
        await World.TaskAsync(_tenant, opOccId, (context, notifier) => LcmTasks.RollbackAsync(context, notifier, opOccId, Ct));
        await WaitForAsync(opOccId, LcmOperationState.RolledBack);
        Assert.Equal(shape, Shape(instanceId));
    }

    private async Task WaitForAsync(string opOccId, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if ((await World.ReadAsync(_tenant, opOccId)).Op.OperationState == state) return;
            await Task.Delay(20, Ct);
        }
        Assert.Fail($"op occ {opOccId} did not reach {state} (it is {(await World.ReadAsync(_tenant, opOccId)).Op.OperationState})");
    }

    [Fact]
    public async Task Creation_and_deletion_notifications_go_to_matching_subscribers()
    {
        var all = await World.SubscribeAsync(_tenant);
        var onlyOps = await World.SubscribeAsync(_tenant, new LifecycleChangeNotificationsFilter { NotificationTypes = [LcmNotifier.OpOccNotification] });
        var instanceId = await World.CreateInstanceAsync(_tenant);
        await using (var context = db.NewContext(_tenant))
        {
            var instance = await context.VnfInstances.SingleAsync(i => i.Id == instanceId, Ct);
            var notifier = new LcmNotifier(new VnfmOptions { ApiRoot = VnfmWorld.ApiRoot });
            await notifier.QueueIdentifierAsync(context, instance, LcmNotifier.CreationNotification, Ct);
            await notifier.QueueIdentifierAsync(context, instance, LcmNotifier.DeletionNotification, Ct);
            await context.SaveChangesAsync(Ct);
        }
        await using var read = db.NewContext(_tenant);
        var rows = await read.NotificationDeliveries.AsNoTracking().Where(d => d.TenantId == _tenant).OrderBy(d => d.Id).ToListAsync(Ct);
        Assert.Equal([LcmNotifier.CreationNotification, LcmNotifier.DeletionNotification], rows.Where(r => r.SubscriptionId == all).Select(r => r.NotificationType));
        Assert.DoesNotContain(rows, r => r.SubscriptionId == onlyOps);
        var payload = JsonNode.Parse(rows.First(r => r.SubscriptionId == all).Payload)!;
        Assert.Equal(instanceId, payload["vnfInstanceId"]!.GetValue<string>());
        Assert.Equal($"{VnfmWorld.ApiRoot}/vnflcm/v2/vnf_instances/{instanceId}", payload["_links"]!["vnfInstance"]!["href"]!.GetValue<string>());
        Assert.Null(payload["_links"]!["vnfLcmOpOcc"]);
    }
}
