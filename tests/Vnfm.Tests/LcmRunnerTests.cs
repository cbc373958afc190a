using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.VimAdapters;
using Microsoft.EntityFrameworkCore;

namespace Mano.Vnfm.Tests;

public sealed class LcmRunnerOnSqliteTests(SqliteVnfmDatabase db) : LcmRunnerTests(db), IClassFixture<SqliteVnfmDatabase>;

public sealed class LcmRunnerOnPostgresTests(PostgresVnfmDatabase db) : LcmRunnerTests(db), IClassFixture<PostgresVnfmDatabase>;

/// <summary>
/// The LCM runner driven through the bus (outbox -> ExecuteVnfLcmOperation -> consumer -> runner) on a real database
/// and the real sandbox VIM, the NFVO stubbed. Each test has its own tenant(s), bus, sandbox and NFVO stub.
/// </summary>
public abstract class LcmRunnerTests(ITestDatabase<VnfmDbContext> db) : IAsyncLifetime
{
    private readonly string _tenant = $"t-{Guid.NewGuid():N}";
    private VnfmWorld? _world;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private VnfmWorld World => _world ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync() => _world = await VnfmWorld.StartAsync(db);

    public async ValueTask DisposeAsync()
    {
        if (_world is not null)
        {
            Assert.Empty(_world.ConsumerFaults);
            await _world.DisposeAsync();
        }
    }

    private async Task<(string ExtNetworkId, InstantiateVnfRequest Request)> ExternalNetworkAsync(string? level = null)
    {
        var ext = await World.Cloud.CreateNetworkAsync(_tenant, new SandboxNetworkSpec("public"));
        await World.Cloud.CreateSubnetAsync(_tenant, new SandboxSubnetSpec("public-v4", ext.ResourceId, "192.168.7.0/24"));
        return (ext.ResourceId, new InstantiateVnfRequest
        {
            FlavourId = Helloworld.FlavourId,
            InstantiationLevelId = level,
            ExtVirtualLinks = [new ExtVirtualLinkData { Id = "ext-1", ResourceId = ext.ResourceId, ExtCps = [new VnfExtCpData { CpdId = "CP1" }] }],
        });
    }

    private async Task<(string InstanceId, string OpOccId)> InstantiateAsync(InstantiateVnfRequest request)
    {
        var instanceId = await World.CreateInstanceAsync(_tenant);
        var opOccId = await World.StartOperationAsync(_tenant, instanceId, LcmOperationType.Instantiate, request);
        await World.RunOutboxAsync(opOccId);
        return (instanceId, opOccId);
    }

    [Fact]
    public async Task Instantiate_runs_to_COMPLETED_and_the_sandbox_holds_the_planned_resources()
    {
        var (_, request) = await ExternalNetworkAsync();

        var (instanceId, opOccId) = await InstantiateAsync(request);

        var (op, instance) = await World.ReadAsync(_tenant, opOccId);
        Assert.Equal(LcmOperationState.Completed, op.OperationState);
        Assert.Null(op.Error);
        Assert.Null(op.LockedUntil);
        Assert.NotNull(op.GrantId);
        Assert.Equal(InstantiationState.Instantiated, instance.InstantiationState);
        Assert.Null(instance.CurrentOpOccId);
        Assert.Contains(VnfmWorld.VimConnectionId, instance.VimConnectionInfo);

        var info = SolJson.Deserialize<InstantiatedVnfInfo>(instance.InstantiatedVnfInfo!);
        var inVim = World.Cloud.QueryResources(_tenant, instanceId);
        Assert.Equal(2, inVim.Count(r => r.Kind == VimResourceKind.Compute));
        Assert.Equal(1, inVim.Count(r => r.Kind == VimResourceKind.Network));
        Assert.Equal(1, inVim.Count(r => r.Kind == VimResourceKind.Subnet));
        Assert.Equal(3, inVim.Count(r => r.Kind == VimResourceKind.Port)); // CP1 (external), CP2, CP3
        Assert.Equal(1, inVim.Count(r => r.Kind == VimResourceKind.Volume));
        Assert.All(inVim, r => Assert.Equal(opOccId, r.Tags[VimTags.OpOccId]));
        // The API shows the VIM's own ids, and the grant's zone was applied.
        Assert.Equal(inVim.Where(r => r.Kind == VimResourceKind.Compute).Select(r => r.ResourceId).Order(),
            info.VnfcResourceInfo!.Select(v => v.ComputeResource.ResourceId).Order());
        Assert.All(inVim.Where(r => r.Kind == VimResourceKind.Compute), r => Assert.Equal(VnfmWorld.GrantedZone, r.ZoneId));
        Assert.Equal(inVim.Single(r => r.Kind == VimResourceKind.Volume).ResourceId, info.VnfVirtualStorageResourceInfo!.Single().StorageResource.ResourceId);
        Assert.Single(info.ExtCpInfo);

        // The grant asked for exactly what the plan holds.
        var asked = Assert.Single(World.Nfvo.GrantRequests);
        Assert.Equal(_tenant, asked.TenantId);
        Assert.Equal((LcmOperationType.Instantiate, "simple", "instantiation_level_1", opOccId, instanceId),
            (asked.GrantRequest.Operation, asked.GrantRequest.FlavourId, asked.GrantRequest.InstantiationLevelId,
                asked.GrantRequest.VnfLcmOpOccId, asked.GrantRequest.VnfInstanceId));
        Assert.Equal(["COMPUTE", "COMPUTE", "LINKPORT", "LINKPORT", "LINKPORT", "STORAGE", "VL"],
            asked.GrantRequest.AddResources!.Select(r => r.Type).Order());
        Assert.Equal($"{VnfmWorld.ApiRoot}/vnflcm/v2/vnf_lcm_op_occs/{opOccId}", asked.GrantRequest.Links.VnfLcmOpOcc.Href);

        var changes = SolJson.Deserialize<ResourceChanges>(op.ResourceChanges!);
        Assert.All(changes.AffectedVnfcs!, v => Assert.Equal("ADDED", v.ChangeType));
        Assert.Equal(2, changes.AffectedVnfcs!.Count);
    }

    [Fact]
    public async Task Instantiate_queues_a_notification_for_STARTING_PROCESSING_and_COMPLETED()
    {
        var everything = await World.SubscribeAsync(_tenant);
        var resultsOnly = await World.SubscribeAsync(_tenant, new LifecycleChangeNotificationsFilter { OperationStates = [LcmOperationState.Completed] });
        var otherVnfs = await World.SubscribeAsync(_tenant, new LifecycleChangeNotificationsFilter
        {
            VnfInstanceSubscriptionFilter = new VnfInstanceSubscriptionFilter { VnfInstanceIds = ["someone-else"] },
        });
        var (_, request) = await ExternalNetworkAsync();

        var (instanceId, opOccId) = await InstantiateAsync(request);

        var all = await World.NotificationsAsync(_tenant, everything);
        Assert.Equal([LcmOperationState.Starting, LcmOperationState.Processing, LcmOperationState.Completed], all.Select(n => n.OperationState));
        Assert.Equal(["START", "START", "RESULT"], all.Select(n => n.NotificationStatus));
        Assert.All(all, n =>
        {
            Assert.Equal((opOccId, instanceId, LcmOperationType.Instantiate, everything), (n.VnfLcmOpOccId, n.VnfInstanceId, n.Operation, n.SubscriptionId));
            Assert.Equal($"{VnfmWorld.ApiRoot}/vnflcm/v2/vnf_lcm_op_occs/{opOccId}", n.Links.VnfLcmOpOcc!.Href);
        });
        Assert.Equal(2, all[2].AffectedVnfcs!.Count); // FULL verbosity: the result carries the resource changes
        Assert.Null(all[1].AffectedVnfcs);

        Assert.Equal([LcmOperationState.Completed], (await World.NotificationsAsync(_tenant, resultsOnly)).Select(n => n.OperationState));
        Assert.Empty(await World.NotificationsAsync(_tenant, otherVnfs));

        await using var context = db.NewContext(_tenant);
        var deliveries = await context.NotificationDeliveries.AsNoTracking().Where(d => d.TenantId == _tenant).ToListAsync(Ct);
        Assert.All(deliveries, d => Assert.Null(d.DeliveredAt));
        Assert.All(deliveries, d => Assert.StartsWith("http://subscriber.test/", d.CallbackUri));
    }

    [Fact]
    public async Task Instantiate_when_grant_is_rejected_ends_ROLLED_BACK()
    {
        var subscription = await World.SubscribeAsync(_tenant);
        World.Nfvo.Rejection = new ProblemDetails { Status = 403, Detail = "No VIM of tenant has room for 2 VNFCs." };
        var (_, request) = await ExternalNetworkAsync();

        var (instanceId, opOccId) = await InstantiateAsync(request);

        var (op, instance) = await World.ReadAsync(_tenant, opOccId);
        Assert.Equal(LcmOperationState.RolledBack, op.OperationState);
        var error = SolJson.Deserialize<ProblemDetails>(op.Error!);
        Assert.Equal("No VIM of tenant has room for 2 VNFCs.", error.Detail);
        Assert.Equal(403, error.Status);
        Assert.Equal("Grant rejected", error.Title);
        Assert.Null(op.GrantId);
        Assert.Equal(InstantiationState.NotInstantiated, instance.InstantiationState);
        Assert.Null(instance.CurrentOpOccId);
        Assert.Null(instance.InstantiatedVnfInfo);
        Assert.Empty(World.Cloud.QueryResources(_tenant, instanceId));
        Assert.DoesNotContain(World.Cloud.GetCallCounts(), c => c.Key.StartsWith("create_", StringComparison.Ordinal) && c.Key != SandboxOperations.CreateNetwork && c.Key != SandboxOperations.CreateSubnet);

        var notifications = await World.NotificationsAsync(_tenant, subscription);
        Assert.Equal([LcmOperationState.Starting, LcmOperationState.RolledBack], notifications.Select(n => n.OperationState));
        Assert.Equal("No VIM of tenant has room for 2 VNFCs.", notifications[1].Error!.Detail);
        Assert.Equal("RESULT", notifications[1].NotificationStatus);
    }

    [Fact]
    public async Task Instantiate_of_a_VNFD_the_NFVO_no_longer_has_ends_ROLLED_BACK_without_asking_a_grant()
    {
        var instanceId = await World.CreateInstanceAsync(_tenant, vnfdId: "vnfd-deleted-meanwhile");
        var opOccId = await World.StartOperationAsync(_tenant, instanceId, LcmOperationType.Instantiate,
            new InstantiateVnfRequest { FlavourId = Helloworld.FlavourId });

        await World.RunOutboxAsync(opOccId);

        var (op, instance) = await World.ReadAsync(_tenant, opOccId);
        Assert.Equal(LcmOperationState.RolledBack, op.OperationState);
        var error = SolJson.Deserialize<ProblemDetails>(op.Error!);
        Assert.Equal(422, error.Status);
        Assert.Contains("vnfd-deleted-meanwhile", error.Detail);
        Assert.Null(instance.CurrentOpOccId);
        Assert.Empty(World.Nfvo.GrantRequests);
        Assert.Empty(World.Cloud.QueryResources(_tenant, instanceId));
    }

    [Fact]
    public async Task Instantiate_when_the_VIM_fails_create_port_ends_FAILED_TEMP_and_keeps_the_instance_blocked()
    {
        var subscription = await World.SubscribeAsync(_tenant);
        var (_, request) = await ExternalNetworkAsync();
        World.Cloud.SetFault(SandboxFaultRule.FailNext(SandboxOperations.CreatePort, transient: false));

        var (instanceId, opOccId) = await InstantiateAsync(request);

        var (op, instance) = await World.ReadAsync(_tenant, opOccId);
        Assert.Equal(LcmOperationState.FailedTemp, op.OperationState);
        var error = SolJson.Deserialize<ProblemDetails>(op.Error!);
        Assert.Contains("create_port", error.Detail);
        Assert.Null(op.LockedUntil);
        // FAILED_TEMP is not final: the instance keeps the op, which blocks every other LCM operation on it.
        Assert.Equal(opOccId, instance.CurrentOpOccId);
        Assert.Equal(InstantiationState.NotInstantiated, instance.InstantiationState);
        // What was made before the failure is still in the VIM, tagged with the instance (retry/rollback find it).
        var leftovers = World.Cloud.QueryResources(_tenant, instanceId);
        Assert.Contains(leftovers, r => r.Kind == VimResourceKind.Compute);
        Assert.DoesNotContain(leftovers, r => r.Kind == VimResourceKind.Port);

        var notifications = await World.NotificationsAsync(_tenant, subscription);
        Assert.Equal([LcmOperationState.Starting, LcmOperationState.Processing, LcmOperationState.FailedTemp],
            notifications.Select(n => n.OperationState));
        Assert.Contains("create_port", notifications[2].Error!.Detail);

        // A redelivered command does not move a FAILED_TEMP op (only retry/rollback/fail may).
        await World.PublishAndWaitAsync(new ExecuteVnfLcmOperation(_tenant, opOccId));
        var (again, _) = await World.ReadAsync(_tenant, opOccId);
        Assert.Equal((LcmOperationState.FailedTemp, op.Version), (again.OperationState, again.Version));
    }

    [Fact]
    public async Task Redelivered_command_for_a_COMPLETED_op_changes_nothing()
    {
        var subscription = await World.SubscribeAsync(_tenant);
        var (_, request) = await ExternalNetworkAsync();
        var (instanceId, opOccId) = await InstantiateAsync(request);
        var (op, instance) = await World.ReadAsync(_tenant, opOccId);
        var calls = World.Cloud.GetCallCounts();
        var resources = World.Cloud.QueryResources(_tenant, instanceId).Select(r => r.ResourceId).ToList();
        var notifications = (await World.NotificationsAsync(_tenant, subscription)).Count;

        await World.PublishAndWaitAsync(new ExecuteVnfLcmOperation(_tenant, opOccId));
        await World.PublishAndWaitAsync(new ExecuteVnfLcmOperation(_tenant, opOccId));

        var (opAfter, instanceAfter) = await World.ReadAsync(_tenant, opOccId);
        Assert.Equal((op.OperationState, op.Version, op.StateEnteredTime, op.Grant), (opAfter.OperationState, opAfter.Version, opAfter.StateEnteredTime, opAfter.Grant));
        Assert.Equal((instance.Version, instance.InstantiatedVnfInfo), (instanceAfter.Version, instanceAfter.InstantiatedVnfInfo));
        Assert.Equal(calls, World.Cloud.GetCallCounts());
        Assert.Equal(resources, World.Cloud.QueryResources(_tenant, instanceId).Select(r => r.ResourceId));
        Assert.Equal(notifications, (await World.NotificationsAsync(_tenant, subscription)).Count);
        Assert.Single(World.Nfvo.GrantRequests);
    }

    [Fact]
    public async Task Terminate_removes_every_resource_of_the_instance_from_the_sandbox()
    {
        var (extNetworkId, request) = await ExternalNetworkAsync("instantiation_level_2");
        var (instanceId, _) = await InstantiateAsync(request);
        var (_, instantiated) = await World.ReadAsync(_tenant, (await World.ReadAsync(_tenant, await LatestOpAsync(instanceId))).Op.Id);
        var info = SolJson.Deserialize<InstantiatedVnfInfo>(instantiated.InstantiatedVnfInfo!);
        Assert.Equal(4, World.Cloud.QueryResources(_tenant, instanceId).Count(r => r.Kind == VimResourceKind.Compute));

        var terminateId = await World.StartOperationAsync(_tenant, instanceId, LcmOperationType.Terminate, new TerminateVnfRequest { TerminationType = "FORCEFUL" });
        await World.RunOutboxAsync(terminateId);

        var (op, instance) = await World.ReadAsync(_tenant, terminateId);
        Assert.Equal(LcmOperationState.Completed, op.OperationState);
        Assert.Equal(InstantiationState.NotInstantiated, instance.InstantiationState);
        Assert.Null(instance.CurrentOpOccId);
        Assert.Null(instance.InstantiatedVnfInfo);
        Assert.Null(instance.VimConnectionInfo);
        Assert.Empty(World.Cloud.QueryResources(_tenant, instanceId));
        Assert.NotNull(await World.Cloud.GetResourceAsync(_tenant, extNetworkId, Ct)); // not the VNF's to delete

        var removal = World.Nfvo.GrantRequests.Last().GrantRequest;
        Assert.Equal(LcmOperationType.Terminate, removal.Operation);
        Assert.Equal(info.VnfcResourceInfo!.Select(v => v.Id).Order(),
            removal.RemoveResources!.Where(r => r.Type == "COMPUTE").Select(r => r.Id).Order());
        Assert.Equal(4 + 1 + 3, removal.RemoveResources!.Count); // 4 VNFCs, 1 VL, 3 storages
        var changes = SolJson.Deserialize<ResourceChanges>(op.ResourceChanges!);
        Assert.Equal(4, changes.AffectedVnfcs!.Count);
        Assert.All(changes.AffectedVnfcs!, v => Assert.Equal("REMOVED", v.ChangeType));
    }

    [Fact]
    public async Task An_op_of_tenant_A_is_invisible_to_tenant_B_and_a_command_naming_B_cannot_drive_it()
    {
        var tenantB = $"t-{Guid.NewGuid():N}";
        var (_, request) = await ExternalNetworkAsync();
        var instanceId = await World.CreateInstanceAsync(_tenant);
        var opOccId = await World.StartOperationAsync(_tenant, instanceId, LcmOperationType.Instantiate, request);
        await World.SubscribeAsync(_tenant);

        await using (var asB = db.NewContext(tenantB))
        {
            Assert.Null(await asB.VnfLcmOpOccs.SingleOrDefaultAsync(o => o.Id == opOccId, Ct));
            Assert.Null(await asB.VnfInstances.SingleOrDefaultAsync(i => i.Id == instanceId, Ct));
            Assert.Empty(await asB.Subscriptions.Where(s => s.TenantId == _tenant).ToListAsync(Ct));
            Assert.Equal(0, await asB.VnfLcmOpOccs.CountAsync(Ct));
        }

        // A command carrying tenant B but A's op id: the runner, confined to B, finds nothing to claim.
        await World.PublishAndWaitAsync(new ExecuteVnfLcmOperation(tenantB, opOccId));
        var (op, _) = await World.ReadAsync(_tenant, opOccId);
        Assert.Equal(LcmOperationState.Starting, op.OperationState);
        Assert.Null(op.LockedUntil);
        Assert.Empty(World.Nfvo.GrantRequests);

        // The genuine command (from the outbox) drives it, under tenant A.
        await World.RunOutboxAsync(opOccId);
        Assert.Equal(LcmOperationState.Completed, (await World.ReadAsync(_tenant, opOccId)).Op.OperationState);
        Assert.Equal(_tenant, Assert.Single(World.Nfvo.GrantRequests).TenantId);
    }

    [Fact]
    public async Task An_op_left_STARTING_by_a_crashed_worker_is_resumed_by_the_watchdog()
    {
        var (_, request) = await ExternalNetworkAsync();
        var instanceId = await World.CreateInstanceAsync(_tenant);
        var opOccId = await World.StartOperationAsync(_tenant, instanceId, LcmOperationType.Instantiate, request);
        // The command was published and lost (in-memory bus, crash): mark the outbox row sent without publishing it.
        await using (var context = db.NewContext(_tenant))
            await context.Set<OutboxMessage>().Where(m => m.DispatchedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.DispatchedAt, DateTime.UtcNow), Ct);

        await using (var context = db.NewContext(_tenant))
            await new LcmWatchdog(context, new VnfmOptions(), Microsoft.Extensions.Logging.Abstractions.NullLogger<LcmWatchdog>.Instance)
                .ResumeInFlightOperationsAsync(TimeSpan.Zero, Ct);
        await World.RunOutboxAsync(opOccId);

        var (op, instance) = await World.ReadAsync(_tenant, opOccId);
        Assert.Equal(LcmOperationState.Completed, op.OperationState);
        Assert.Equal(InstantiationState.Instantiated, instance.InstantiationState);
    }

    private async Task<string> LatestOpAsync(string instanceId)
    {
        await using var context = db.NewContext(_tenant);
        return await context.VnfLcmOpOccs.Where(o => o.VnfInstanceId == instanceId).OrderByDescending(o => o.StartTime).Select(o => o.Id).FirstAsync();
    }
}
