using System.Text.Json.Nodes;
using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.VimAdapters;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VimConnection = Mano.VimAdapters.VimConnectionInfo;

namespace Mano.Vnfm;

/// <summary>The worker's entry point: one bus command per op occ; the runner re-derives what to do from the row.</summary>
public sealed class ExecuteVnfLcmOperationConsumer(TenantContext tenant, LcmOperationRunner runner) : IConsumer<ExecuteVnfLcmOperation>
{
    public async Task Consume(ConsumeContext<ExecuteVnfLcmOperation> context)
    {
        tenant.Set(context.Message.TenantId);
        await runner.RunAsync(context.Message.VnfLcmOpOccId, context.CancellationToken);
    }
}

/// <summary>
/// Drives a VNF LCM operation occurrence through SOL003 5.4.1.2 / 5.6.2.2: STARTING (grant) -> PROCESSING (VIM) ->
/// COMPLETED or FAILED_TEMP. Level-triggered: each call looks at the persisted state and performs the next step, and
/// every step is committed (with its notification) before the next starts. A redelivered command, a second replica
/// or a restart after a crash simply continues from the row; a worker lease keeps two workers off the same op.
/// </summary>
public sealed partial class LcmOperationRunner(
    VnfmDbContext db, VnfdCatalog catalog, IGrantClient grants, NfvoConnectionOptions nfvo, VimDriverRegistry drivers,
    LcmNotifier notifier, VnfmOptions options, IServiceScopeFactory scopes,
    PackageImageStreams images,
    ILogger<LcmOperationRunner> logger)
{
    /// <summary>
    /// A worker holds an op for <see cref="VnfmOptions.WorkerLease"/> and renews the lease every third of it while it
    /// works, so a crashed worker's op is free again within the lease and the watchdog resumes it.
    /// </summary>
    private TimeSpan Lease => options.WorkerLease;

    /// <summary>How often a working worker looks for a pending cancel (SOL003 5.4.17).</summary>
    private static readonly TimeSpan CancelPoll = TimeSpan.FromMilliseconds(500);

    public async Task RunAsync(string opOccId, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var leaseUntil = now + Lease;
        var claimed = await db.VnfLcmOpOccs
            .Where(o => o.Id == opOccId
                        && (o.OperationState == LcmOperationState.Starting || o.OperationState == LcmOperationState.Processing
                            || o.OperationState == LcmOperationState.RollingBack)
                        && (o.LockedUntil == null || o.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedUntil, leaseUntil), ct);
        if (claimed == 0)
        {
            LogNotClaimed(opOccId);
            return;
        }
        using var working = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // FORCEFUL cancel (SOL003 5.4.17.3.1) cancels the VIM calls in flight through this token.
        using var forceful = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var heartbeat = RenewLeaseAsync(opOccId, db.TenantId!, forceful, working.Token);
        try
        {
            while (await StepAsync(opOccId, forceful.Token, ct)) { }
        }
        finally
        {
            await working.CancelAsync();
            await heartbeat;
            await db.VnfLcmOpOccs.Where(o => o.Id == opOccId)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedUntil, (DateTime?)null), CancellationToken.None);
        }
    }

    /// <summary>
    /// Keeps the worker lease alive while the op is worked on, and watches for a FORCEFUL cancel (its own DbContext:
    /// the runner's is busy).
    /// </summary>
    private async Task RenewLeaseAsync(string opOccId, string tenantId, CancellationTokenSource forceful, CancellationToken ct)
    {
        try
        {
            var renewAt = DateTime.UtcNow + Lease / 3;
            while (true)
            {
                await Task.Delay(CancelPoll, ct);
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
                var context = scope.ServiceProvider.GetRequiredService<VnfmDbContext>();
                if (!forceful.IsCancellationRequested)
                {
                    var mode = await context.VnfLcmOpOccs.AsNoTracking().Where(o => o.Id == opOccId && o.IsCancelPending)
                        .Select(o => o.CancelMode).FirstOrDefaultAsync(ct);
                    if (mode == "FORCEFUL") await forceful.CancelAsync();
                }
                if (DateTime.UtcNow < renewAt) continue;
                var renewed = DateTime.UtcNow + Lease;
                renewAt = DateTime.UtcNow + Lease / 3;
                await context.VnfLcmOpOccs.Where(o => o.Id == opOccId)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedUntil, renewed), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e) { LogLeaseRenewalFailed(e, opOccId); }
    }

    /// <summary>Performs the next step of the op; false when there is nothing more to do now.</summary>
    private async Task<bool> StepAsync(string opOccId, CancellationToken vimCt, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var op = await db.VnfLcmOpOccs.SingleAsync(o => o.Id == opOccId, ct);
        var instance = await db.VnfInstances.SingleAsync(i => i.Id == op.VnfInstanceId, ct);
        var state = op.OperationState;
        try
        {
            if (op.IsCancelPending && state is LcmOperationState.Starting or LcmOperationState.Processing or LcmOperationState.RollingBack)
            {
                // SOL003 5.4.17.3.1: a cancelled op ends ROLLED_BACK from STARTING (nothing changed), FAILED_TEMP otherwise.
                await FailAsync(opOccId, state, Cancelled(op), ct);
                return false;
            }
            switch (state)
            {
                case LcmOperationState.Starting:
                    await StartAsync(op, instance, ct);
                    break;
                case LcmOperationState.Processing:
                    await ProcessAsync(op, instance, vimCt, ct);
                    break;
                case LcmOperationState.RollingBack:
                    await RollBackAsync(op, instance, vimCt, ct);
                    break;
                default:
                    return false;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogStepFailed(e, op.Id, op.Operation, state);
            await FailAsync(opOccId, state, Problem(e), ct);
            return false;
        }
        LogStep(op.Id, op.Operation, state, op.OperationState);
        return op.OperationState is LcmOperationState.Starting or LcmOperationState.Processing && op.OperationState != state;
    }

    private static ProblemDetails Cancelled(VnfLcmOpOccRecord op) => new()
    {
        Status = 409, Title = "Cancelled",
        Detail = $"The {op.Operation} operation was cancelled ({op.CancelMode ?? "GRACEFUL"}) while {op.OperationState}.",
    };

    /// <summary>
    /// STARTING: plan the target resources (persisted before anything else, so a retry after a crash asks for and
    /// ensures the same ones), ask the NFVO for a grant (SOL003 9.4.2.3.1) with what is added, removed and updated,
    /// then PROCESSING. MODIFY_INFO changes no resource and needs no grant.
    /// </summary>
    private async Task StartAsync(VnfLcmOpOccRecord op, VnfInstanceRecord instance, CancellationToken ct)
    {
        if (op.Operation == LcmOperationType.ModifyInfo)
        {
            LcmStateMachine.Transition(op, LcmOperationState.Processing, DateTime.UtcNow);
            await notifier.QueueAsync(db, op, instance, ct);
            await db.SaveChangesAsync(ct);
            return;
        }

        var plan = op.Plan is null ? null : SolJson.Deserialize<LcmPlan>(op.Plan);
        var current = instance.ResourcePlan is null ? null : SolJson.Deserialize<LcmPlan>(instance.ResourcePlan);
        if (plan is null && op.Operation != LcmOperationType.Terminate)
        {
            plan = await PlanAsync(op, instance, current, ct);
            op.Plan = SolJson.Serialize(plan);
            op.Version++;
            await db.SaveChangesAsync(ct);
        }

        var request = NewGrantRequest(op, instance);
        switch (op.Operation)
        {
            case LcmOperationType.Instantiate:
                request = request with { FlavourId = plan!.FlavourId, InstantiationLevelId = plan.InstantiationLevelId, AddResources = ResourcePlanner.AddResources(plan) };
                request = request with { PlacementConstraints = await PlacementAsync(op, plan, request.AddResources, null, ct) };
                break;
            case LcmOperationType.Terminate:
                var info = instance.InstantiatedVnfInfo is null ? null : SolJson.Deserialize<InstantiatedVnfInfo>(instance.InstantiatedVnfInfo);
                request = request with { RemoveResources = RemoveResources(info, instance.VnfdId) };
                break;
            case LcmOperationType.Operate:
                request = request with { UpdateResources = GrantPlacement.WithHandles(Definitions(current!, current!.Resources.Computes.Select(c => c.ResourceKey).ToHashSet()).Where(d => d.Type == "COMPUTE").ToList(), instance.InstantiatedVnfInfo) };
                break;
            case LcmOperationType.Heal:
                var healed = HealKeys(op, current!);
                request = request with { UpdateResources = GrantPlacement.WithHandles(Definitions(current!, healed).Where(d => d.Type == "COMPUTE").ToList(), instance.InstantiatedVnfInfo) };
                break;
            default:
                var (add, remove, update) = Delta(current!, plan!);
                request = request with
                {
                    FlavourId = plan!.FlavourId,
                    InstantiationLevelId = plan.InstantiationLevelId,
                    DstVnfdId = op.Operation == LcmOperationType.ChangeVnfpkg ? plan.VnfdId : null,
                    AddResources = add,
                    RemoveResources = GrantPlacement.WithHandles(remove, instance.InstantiatedVnfInfo),
                    UpdateResources = GrantPlacement.WithHandles(update, instance.InstantiatedVnfInfo),
                    PlacementConstraints = await PlacementAsync(op, plan, add, instance.InstantiatedVnfInfo, ct),
                };
                break;
        }

        var response = await grants.RequestAsync(op.TenantId, request, ct);

        var now = DateTime.UtcNow;
        if (response.Grant is not { } grant)
        {
            // SOL003 5.6.2.2: a rejected grant ends the operation in ROLLED_BACK; nothing was changed.
            var rejection = response.Rejection ?? new ProblemDetails { Status = 403, Detail = "The NFVO rejected the grant." };
            op.Error = SolJson.Serialize(rejection with { Title = rejection.Title ?? "Grant rejected" });
            LcmStateMachine.Transition(op, LcmOperationState.RolledBack, now);
            instance.CurrentOpOccId = null;
            instance.Version++;
        }
        else
        {
            op.GrantId = grant.Id;
            op.Grant = SolJson.Serialize(grant);
            if (grant.VimConnectionInfo is { Count: > 0 } && (op.Operation == LcmOperationType.Instantiate || instance.VimConnectionInfo is null))
            {
                instance.VimConnectionInfo = SolJson.Serialize(grant.VimConnectionInfo);
                instance.Version++;
            }
            LcmStateMachine.Transition(op, LcmOperationState.Processing, now);
        }
        await notifier.QueueAsync(db, op, instance, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>SOL003 9.5.2.2 placementConstraints of the target flavour's affinity rules for the VNFCs this operation adds.</summary>
    private async Task<List<PlacementConstraint>?> PlacementAsync(VnfLcmOpOccRecord op, LcmPlan plan, IReadOnlyList<ResourceDefinition>? added,
        string? currentInfo, CancellationToken ct)
    {
        if (added is not { Count: > 0 }) return null;
        var flavour = (await catalog.GetAsync(op.TenantId, plan.VnfdId, ct)).Vnfd.FindFlavour(plan.FlavourId);
        if (flavour is null) return null;
        var info = currentInfo is null ? null : SolJson.Deserialize<InstantiatedVnfInfo>(currentInfo);
        return GrantPlacement.Constraints(flavour, plan, added, info, nfvo.PlacementFallbackBestEffort);
    }

    /// <summary>The target plan of a resource-changing operation, from the instance's current plan and the request.</summary>
    private async Task<LcmPlan> PlanAsync(VnfLcmOpOccRecord op, VnfInstanceRecord instance, LcmPlan? current, CancellationToken ct)
    {
        if (op.Operation == LcmOperationType.Instantiate)
        {
            var known = await catalog.GetAsync(op.TenantId, instance.VnfdId, ct);
            return ResourcePlanner.PlanInstantiate(op.TenantId, instance.Id, op.Id, known, SolJson.Deserialize<InstantiateVnfRequest>(op.OperationParams!));
        }
        if (current is null) throw new ConflictProblem($"VNF instance {instance.Id} has no resource plan (is it instantiated?).");
        var knownNow = await catalog.GetAsync(op.TenantId, current.VnfdId, ct);
        var flavour = knownNow.Vnfd.FindFlavour(current.FlavourId)
                      ?? throw new UnprocessableProblem($"The VNFD {current.VnfdId} has no flavour {current.FlavourId} any more.");
        switch (op.Operation)
        {
            case LcmOperationType.Scale:
            {
                var request = SolJson.Deserialize<ScaleVnfRequest>(op.OperationParams!);
                var levels = LcmRequests.ScaleTarget(current, flavour, request);
                return ResourcePlanner.PlanScale(current, flavour, levels, op.Id);
            }
            case LcmOperationType.ScaleToLevel:
            {
                var request = SolJson.Deserialize<ScaleVnfToLevelRequest>(op.OperationParams!);
                var levels = LcmRequests.ScaleToLevelTarget(flavour, request);
                return ResourcePlanner.PlanScale(current, flavour, levels, op.Id, request.InstantiationLevelId);
            }
            case LcmOperationType.ChangeFlavour:
            {
                var request = SolJson.Deserialize<ChangeVnfFlavourRequest>(op.OperationParams!);
                var newFlavour = knownNow.Vnfd.FindFlavour(request.NewFlavourId!)
                                 ?? throw new UnprocessableProblem($"The VNFD has no flavour {request.NewFlavourId}.");
                var kubernetes = ResourcePlanner.KubernetesPlan(knownNow, newFlavour, request.AdditionalParams, current.Resources.Kubernetes);
                return ResourcePlanner.PlanReplace(current, current.VnfdId, newFlavour, request.InstantiationLevelId, request.ExtVirtualLinks, op.Id, keepCounts: false, kubernetes);
            }
            case LcmOperationType.ChangeExtConn:
            {
                var request = SolJson.Deserialize<ChangeExtVnfConnectivityRequest>(op.OperationParams!);
                return ResourcePlanner.PlanChangeExtConn(current, flavour, request.ExtVirtualLinks ?? [], op.Id);
            }
            case LcmOperationType.ChangeVnfpkg:
            {
                var request = SolJson.Deserialize<ChangeCurrentVnfPkgRequest>(op.OperationParams!);
                var target = await catalog.GetAsync(op.TenantId, request.VnfdId!, ct);
                var newFlavour = target.Vnfd.FindFlavour(current.FlavourId)
                                 ?? throw new UnprocessableProblem($"The VNFD {request.VnfdId} has no flavour {current.FlavourId}; change_vnfpkg keeps the flavour.");
                // A CNF's manifests come from the new package (the same files, unless additionalParams names others).
                var kubernetes = ResourcePlanner.KubernetesPlan(target, newFlavour, request.AdditionalParams, current.Resources.Kubernetes);
                return ResourcePlanner.PlanReplace(current, target.Vnfd.DescriptorId, newFlavour, current.InstantiationLevelId, request.ExtVirtualLinks, op.Id, keepCounts: true, kubernetes);
            }
            case LcmOperationType.Heal:
            case LcmOperationType.Operate:
                return ResourcePlanner.ForOperation(current, op.Id);
            default:
                throw new NotImplementedProblem($"The {op.Operation} operation is not built yet.");
        }
    }

    /// <summary>PROCESSING: the VIM work of the operation, then COMPLETED with the instance updated.</summary>
    private async Task ProcessAsync(VnfLcmOpOccRecord op, VnfInstanceRecord instance, CancellationToken vimCt, CancellationToken ct)
    {
        switch (op.Operation)
        {
            case LcmOperationType.Instantiate:
                await InstantiateAsync(op, instance, vimCt, ct);
                return;
            case LcmOperationType.Terminate:
                await TerminateAsync(op, instance, vimCt, ct);
                return;
            case LcmOperationType.ModifyInfo:
                await ModifyInfoAsync(op, instance, ct);
                return;
        }

        var plan = SolJson.Deserialize<LcmPlan>(op.Plan!);
        var grant = op.Grant is null ? null : SolJson.Deserialize<Grant>(op.Grant);
        var (vimConnectionId, vim) = InstanceVim(instance);
        var driver = drivers.For(vim.VimType);
        var connection = ToDriver(vimConnectionId, vim);
        var before = instance.InstantiatedVnfInfo is null ? null : SolJson.Deserialize<InstantiatedVnfInfo>(instance.InstantiatedVnfInfo);
        var vnfState = before?.VnfState ?? VnfOperationalState.Started;
        var target = grant is null ? plan.Resources : ResourcePlanner.WithGrantedZones(plan.Resources, grant);
        if (grant is not null) target = PlanVimExtras.WithGrantedAssets(target, grant, vimConnectionId);
        plan = plan with { Resources = target };
        target = images.Attach(target, op.TenantId, plan.VnfdId);

        switch (op.Operation)
        {
            case LcmOperationType.Scale or LcmOperationType.ScaleToLevel:
                await driver.ScaleAsync(connection, target, vimCt);
                break;
            case LcmOperationType.ChangeFlavour:
                await driver.ChangeFlavourAsync(connection, target, vimCt);
                break;
            case LcmOperationType.ChangeExtConn:
                await driver.ChangeExtConnAsync(connection, target, vimCt);
                break;
            case LcmOperationType.ChangeVnfpkg:
                await driver.ChangeVnfpkgAsync(connection, target, vimCt);
                break;
            case LcmOperationType.Heal:
                await driver.HealAsync(connection, target, HealKeys(op, plan), vimCt);
                break;
            case LcmOperationType.Operate:
            {
                var request = SolJson.Deserialize<OperateVnfRequest>(op.OperationParams!);
                var start = request.ChangeStateTo == VnfOperationalState.Started;
                await driver.OperateAsync(connection, target, new PowerChange(start, request.StopType == "GRACEFUL",
                    request.GracefulStopTimeout is { } t ? TimeSpan.FromSeconds(t) : null), vimCt);
                vnfState = request.ChangeStateTo!;
                break;
            }
            default:
                throw new NotImplementedProblem($"The {op.Operation} operation is not built yet.");
        }
        // New or rebuilt servers run: a STOPPED VNF stays stopped (SOL003 5.5.2.2 vnfState is the VNF's, not the op's).
        if (vnfState == VnfOperationalState.Stopped && op.Operation != LcmOperationType.Operate)
            await driver.OperateAsync(connection, target, new PowerChange(Start: false), vimCt);

        var known = await catalog.GetAsync(op.TenantId, plan.VnfdId, ct);
        var flavour = known.Vnfd.FindFlavour(plan.FlavourId)!;
        var resources = await driver.ListResourcesAsync(connection, instance.TenantId, instance.Id, vimCt);
        var info = InstantiatedInfoBuilder.Build(plan, flavour, vimConnectionId, resources, before?.LocalizationLanguage, vnfState);

        // A cancel that arrived while the VIM worked (GRACEFUL: the VIM call was let finish) wins over completion: it
        // bumped the row's concurrency token, so this SaveChanges fails and the failure path records FAILED_TEMP.
        op.ResourceChanges = SolJson.Serialize(InstantiatedInfoBuilder.Diff(before, info));
        if (op.Operation is LcmOperationType.ChangeExtConn or LcmOperationType.ChangeFlavour or LcmOperationType.ChangeVnfpkg)
            op.ChangedExtConnectivity = info.ExtVirtualLinkInfo is null ? null : SolJson.Serialize(info.ExtVirtualLinkInfo);
        if (op.Operation == LcmOperationType.ChangeVnfpkg)
        {
            var request = SolJson.Deserialize<ChangeCurrentVnfPkgRequest>(op.OperationParams!);
            ApplyPackage(instance, known);
            if (request.Extensions is not null) instance.Extensions = MergePatch.Apply(instance.Extensions, request.Extensions);
            if (request.VnfConfigurableProperties is not null)
                instance.VnfConfigurableProperties = MergePatch.Apply(instance.VnfConfigurableProperties, request.VnfConfigurableProperties);
            op.ChangedInfo = SolJson.Serialize(new ModificationsTriggeredByVnfPkgChange
            {
                VnfdId = instance.VnfdId, VnfProvider = instance.VnfProvider, VnfProductName = instance.VnfProductName,
                VnfSoftwareVersion = instance.VnfSoftwareVersion, VnfdVersion = instance.VnfdVersion,
                Extensions = request.Extensions is null ? null : MergePatch.Object(instance.Extensions),
                VnfConfigurableProperties = request.VnfConfigurableProperties is null ? null : MergePatch.Object(instance.VnfConfigurableProperties),
            });
        }
        if (op.Operation == LcmOperationType.ChangeFlavour)
        {
            var request = SolJson.Deserialize<ChangeVnfFlavourRequest>(op.OperationParams!);
            if (request.Extensions is not null) instance.Extensions = MergePatch.Apply(instance.Extensions, request.Extensions);
            if (request.VnfConfigurableProperties is not null)
                instance.VnfConfigurableProperties = MergePatch.Apply(instance.VnfConfigurableProperties, request.VnfConfigurableProperties);
        }
        instance.ResourcePlan = SolJson.Serialize(plan);
        instance.InstantiatedVnfInfo = SolJson.Serialize(info);
        instance.CurrentOpOccId = null;
        instance.Version++;
        LcmStateMachine.Transition(op, LcmOperationState.Completed, DateTime.UtcNow);
        await notifier.QueueAsync(db, op, instance, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>PROCESSING of INSTANTIATE: ensure the planned resources on the granted VIM, then COMPLETED.</summary>
    private async Task InstantiateAsync(VnfLcmOpOccRecord op, VnfInstanceRecord instance, CancellationToken vimCt, CancellationToken ct)
    {
        var plan = SolJson.Deserialize<LcmPlan>(op.Plan!);
        var grant = SolJson.Deserialize<Grant>(op.Grant!);
        var request = SolJson.Deserialize<InstantiateVnfRequest>(op.OperationParams!);
        var known = await catalog.GetAsync(op.TenantId, instance.VnfdId, ct);
        var flavour = known.Vnfd.FindFlavour(plan.FlavourId)!;
        var (vimConnectionId, vim) = GrantedVim(grant);
        plan = plan with { Resources = ResourcePlanner.WithGrantedZones(plan.Resources, grant), ExtVirtualLinks = request.ExtVirtualLinks };
        plan = plan with { Resources = PlanVimExtras.WithGrantedAssets(plan.Resources, grant, vimConnectionId) };
        var withImages = images.Attach(plan.Resources, op.TenantId, plan.VnfdId);

        var resources = await drivers.For(vim.VimType).InstantiateAsync(ToDriver(vimConnectionId, vim), withImages, vimCt);

        var info = InstantiatedInfoBuilder.Build(plan, flavour, vimConnectionId, resources, request);
        instance.InstantiatedVnfInfo = SolJson.Serialize(info);
        instance.ResourcePlan = SolJson.Serialize(plan);
        instance.InstantiationState = InstantiationState.Instantiated;
        if (request.Extensions is not null) instance.Extensions = MergePatch.Apply(instance.Extensions, request.Extensions);
        if (request.VnfConfigurableProperties is not null)
            instance.VnfConfigurableProperties = MergePatch.Apply(instance.VnfConfigurableProperties, request.VnfConfigurableProperties);
        instance.CurrentOpOccId = null;
        instance.Version++;
        op.ResourceChanges = SolJson.Serialize(InstantiatedInfoBuilder.Changes(info, "ADDED"));
        LcmStateMachine.Transition(op, LcmOperationState.Completed, DateTime.UtcNow);
        await notifier.QueueAsync(db, op, instance, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// PROCESSING of TERMINATE: GRACEFUL first stops every server gracefully, each guest given at most
    /// gracefulTerminationTimeout (SOL003 5.5.2.8); then every resource of the instance is removed, then COMPLETED.
    /// </summary>
    private async Task TerminateAsync(VnfLcmOpOccRecord op, VnfInstanceRecord instance, CancellationToken vimCt, CancellationToken ct)
    {
        var request = SolJson.Deserialize<TerminateVnfRequest>(op.OperationParams!);
        var vims = instance.VimConnectionInfo is null
            ? new Dictionary<string, Contracts.VimConnectionInfo>()
            : SolJson.Deserialize<Dictionary<string, Contracts.VimConnectionInfo>>(instance.VimConnectionInfo);
        var current = instance.ResourcePlan is null ? null : SolJson.Deserialize<LcmPlan>(instance.ResourcePlan);
        foreach (var (id, vim) in vims)
        {
            var driver = drivers.For(vim.VimType);
            if (request.TerminationType == "GRACEFUL" && current is not null)
            {
                var timeout = request.GracefulTerminationTimeout is { } t ? TimeSpan.FromSeconds(t) : (TimeSpan?)null;
                await driver.OperateAsync(ToDriver(id, vim), ResourcePlanner.ForOperation(current, op.Id).Resources,
                    new PowerChange(Start: false, Graceful: true, GracefulTimeout: timeout), vimCt);
            }
            await driver.TerminateAsync(ToDriver(id, vim), instance.TenantId, instance.Id, vimCt);
        }

        var info = instance.InstantiatedVnfInfo is null ? null : SolJson.Deserialize<InstantiatedVnfInfo>(instance.InstantiatedVnfInfo);
        if (info is not null) op.ResourceChanges = SolJson.Serialize(InstantiatedInfoBuilder.Changes(info, "REMOVED"));
        instance.InstantiatedVnfInfo = null;
        instance.ResourcePlan = null;
        instance.VimConnectionInfo = null;
        instance.InstantiationState = InstantiationState.NotInstantiated;
        instance.CurrentOpOccId = null;
        instance.Version++;
        LcmStateMachine.Transition(op, LcmOperationState.Completed, DateTime.UtcNow);
        await notifier.QueueAsync(db, op, instance, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>PROCESSING of MODIFY_INFO (SOL003 5.4.3.3.4): apply the merge patch, record changedInfo, COMPLETED.</summary>
    private async Task ModifyInfoAsync(VnfLcmOpOccRecord op, VnfInstanceRecord instance, CancellationToken ct)
    {
        var patch = JsonNode.Parse(op.OperationParams!)!.AsObject();
        var changed = new VnfInfoModifications();
        if (patch.TryGetPropertyValue("vnfInstanceName", out var name))
        {
            instance.VnfInstanceName = name?.GetValue<string>();
            changed = changed with { VnfInstanceName = instance.VnfInstanceName };
        }
        if (patch.TryGetPropertyValue("vnfInstanceDescription", out var description))
        {
            instance.VnfInstanceDescription = description?.GetValue<string>();
            changed = changed with { VnfInstanceDescription = instance.VnfInstanceDescription };
        }
        if (patch.TryGetPropertyValue("metadata", out var metadata))
        {
            instance.Metadata = MergePatch.Apply(instance.Metadata, metadata);
            changed = changed with { Metadata = MergePatch.Object(instance.Metadata) };
        }
        if (patch.TryGetPropertyValue("extensions", out var extensions))
        {
            instance.Extensions = MergePatch.Apply(instance.Extensions, extensions);
            changed = changed with { Extensions = MergePatch.Object(instance.Extensions) };
        }
        if (patch.TryGetPropertyValue("vnfConfigurableProperties", out var properties))
        {
            instance.VnfConfigurableProperties = MergePatch.Apply(instance.VnfConfigurableProperties, properties);
            changed = changed with { VnfConfigurableProperties = MergePatch.Object(instance.VnfConfigurableProperties) };
        }
        if (patch.TryGetPropertyValue("vnfdId", out var vnfdId) && vnfdId is not null)
        {
            var known = await catalog.GetAsync(op.TenantId, vnfdId.GetValue<string>(), ct);
            ApplyPackage(instance, known);
            changed = changed with
            {
                VnfdId = instance.VnfdId, VnfProvider = instance.VnfProvider, VnfProductName = instance.VnfProductName,
                VnfSoftwareVersion = instance.VnfSoftwareVersion, VnfdVersion = instance.VnfdVersion,
            };
        }
        op.ChangedInfo = SolJson.Serialize(changed);
        instance.CurrentOpOccId = null;
        instance.Version++;
        LcmStateMachine.Transition(op, LcmOperationState.Completed, DateTime.UtcNow);
        await notifier.QueueAsync(db, op, instance, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// ROLLING_BACK (SOL003 5.4.15): return the VIM to the resources of the plan before the operation (instantiate: none)
    /// and the instance to its snapshot, then ROLLED_BACK. A failure here goes back to FAILED_TEMP (rollback may be retried).
    /// </summary>
    private async Task RollBackAsync(VnfLcmOpOccRecord op, VnfInstanceRecord instance, CancellationToken vimCt, CancellationToken ct)
    {
        var snapshot = op.PreviousState is null ? null : SolJson.Deserialize<InstanceSnapshot>(op.PreviousState);
        if (snapshot is null) throw new InvalidOperationException($"op occ {op.Id} has no snapshot of the instance to roll back to");
        var previousPlan = snapshot.ResourcePlan is null ? null : SolJson.Deserialize<LcmPlan>(snapshot.ResourcePlan);
        var previousInfo = snapshot.InstantiatedVnfInfo is null ? null : SolJson.Deserialize<InstantiatedVnfInfo>(snapshot.InstantiatedVnfInfo);
        string? restoredInfo = snapshot.InstantiatedVnfInfo;

        if (op.Operation != LcmOperationType.ModifyInfo)
        {
            var vims = instance.VimConnectionInfo ?? snapshot.VimConnectionInfo;
            var map = vims is null ? new Dictionary<string, Contracts.VimConnectionInfo>() : SolJson.Deserialize<Dictionary<string, Contracts.VimConnectionInfo>>(vims);
            if (previousPlan is null)
            {
                // Nothing existed before (instantiate): everything tagged with the instance goes.
                foreach (var (id, vim) in map)
                    await drivers.For(vim.VimType).TerminateAsync(ToDriver(id, vim), instance.TenantId, instance.Id, vimCt);
            }
            else if (map.Count > 0)
            {
                var (id, vim) = map.First();
                var driver = drivers.For(vim.VimType);
                var connection = ToDriver(id, vim);
                var plan = ResourcePlanner.ForOperation(previousPlan, op.Id);
                await driver.RollbackAsync(connection, images.Attach(plan.Resources, op.TenantId, plan.VnfdId), vimCt);
                var vnfState = previousInfo?.VnfState ?? VnfOperationalState.Started;
                await driver.OperateAsync(connection, plan.Resources, new PowerChange(Start: vnfState == VnfOperationalState.Started), vimCt);
                var known = await catalog.GetAsync(op.TenantId, previousPlan.VnfdId, ct);
                var flavour = known.Vnfd.FindFlavour(previousPlan.FlavourId)!;
                var resources = await driver.ListResourcesAsync(connection, instance.TenantId, instance.Id, vimCt);
                var info = InstantiatedInfoBuilder.Build(previousPlan, flavour, id, resources, previousInfo?.LocalizationLanguage, vnfState);
                restoredInfo = SolJson.Serialize(info);
                op.ResourceChanges = SolJson.Serialize(InstantiatedInfoBuilder.Diff(previousInfo, info));
            }
        }

        snapshot.RestoreTo(instance);
        instance.InstantiatedVnfInfo = restoredInfo;
        instance.CurrentOpOccId = null;
        instance.Version++;
        LcmStateMachine.Transition(op, LcmOperationState.RolledBack, DateTime.UtcNow);
        await notifier.QueueAsync(db, op, instance, ct);
        await db.SaveChangesAsync(ct);
    }

    private static HashSet<string> HealKeys(VnfLcmOpOccRecord op, LcmPlan plan)
    {
        var request = SolJson.Deserialize<HealVnfRequest>(op.OperationParams!);
        var ids = LcmRequests.HealVnfcIds(request);
        return ids.Count > 0 ? ids.ToHashSet() : plan.Resources.Computes.Select(c => c.ResourceKey).ToHashSet();
    }

    private static void ApplyPackage(VnfInstanceRecord instance, KnownVnfd known)
    {
        instance.VnfdId = known.Vnfd.DescriptorId;
        instance.VnfPkgId = known.Package.VnfPkgId;
        instance.VnfProvider = known.Package.VnfProvider;
        instance.VnfProductName = known.Package.VnfProductName;
        instance.VnfSoftwareVersion = known.Package.VnfSoftwareVersion;
        instance.VnfdVersion = known.Package.VnfdVersion;
    }

    /// <summary>SOL003 9.5.3.2 resource definitions of the plan's resources whose key is in <paramref name="keys"/> (VNFCs and their ports, volumes).</summary>
    private static List<ResourceDefinition> Definitions(LcmPlan plan, IReadOnlySet<string> keys) =>
        ResourcePlanner.AddResources(plan).Where(d => keys.Contains(d.Id)).ToList();

    /// <summary>What a target plan adds to, removes from, and rebuilds of the current one (grant request lists).</summary>
    private static (List<ResourceDefinition> Add, List<ResourceDefinition> Remove, List<ResourceDefinition> Update) Delta(LcmPlan current, LcmPlan target)
    {
        var now = ResourcePlanner.AddResources(current).ToDictionary(d => d.Id);
        var then = ResourcePlanner.AddResources(target).ToDictionary(d => d.Id);
        var add = then.Values.Where(d => !now.ContainsKey(d.Id)).ToList();
        var remove = now.Values.Where(d => !then.ContainsKey(d.Id)).ToList();
        var currentComputes = current.Resources.Computes.ToDictionary(c => c.ResourceKey);
        var update = target.Resources.Computes
            .Where(c => currentComputes.TryGetValue(c.ResourceKey, out var was)
                        && (was.NumVirtualCpu, was.MemoryMiB, was.ImageName) != (c.NumVirtualCpu, c.MemoryMiB, c.ImageName))
            .Select(c => then[c.ResourceKey] with { VnfdId = target.VnfdId }).ToList();
        return (add, remove, update);
    }

    private static (string Id, Contracts.VimConnectionInfo Vim) InstanceVim(VnfInstanceRecord instance)
    {
        var map = instance.VimConnectionInfo is null ? null : SolJson.Deserialize<Dictionary<string, Contracts.VimConnectionInfo>>(instance.VimConnectionInfo);
        if (map is not { Count: > 0 }) throw new UnprocessableProblem($"VNF instance {instance.Id} has no VIM connection.");
        var first = map.First();
        return (first.Key, first.Value);
    }

    /// <summary>
    /// Records a failure: before anything changed (STARTING) the op ends ROLLED_BACK; once resources may have been
    /// touched (PROCESSING, ROLLING_BACK) it waits in FAILED_TEMP for retry, rollback or fail, blocking other operations.
    /// A pending cancel is the reason, whatever exception it caused.
    /// </summary>
    private async Task FailAsync(string opOccId, string failedIn, ProblemDetails problem, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var op = await db.VnfLcmOpOccs.SingleAsync(o => o.Id == opOccId, ct);
        if (op.OperationState != failedIn) return;
        var instance = await db.VnfInstances.SingleAsync(i => i.Id == op.VnfInstanceId, ct);
        op.Error = SolJson.Serialize(op.IsCancelPending ? Cancelled(op) : problem);
        if (op.IsCancelPending) op.IsCancelPending = false;
        if (failedIn == LcmOperationState.Starting)
        {
            LcmStateMachine.Transition(op, LcmOperationState.RolledBack, DateTime.UtcNow);
            instance.CurrentOpOccId = null;
            instance.Version++;
        }
        else
        {
            LcmStateMachine.Transition(op, LcmOperationState.FailedTemp, DateTime.UtcNow);
        }
        await notifier.QueueAsync(db, op, instance, ct);
        await db.SaveChangesAsync(ct);
    }

    private static ProblemDetails Problem(Exception e) => e switch
    {
        VimException v => new ProblemDetails { Status = 500, Title = "VIM operation failed", Detail = $"{v.Operation}: {v.Message}" },
        SolProblemException p => new ProblemDetails { Status = p.Status, Title = p.Title, Detail = p.Message },
        _ => new ProblemDetails { Status = 500, Title = "Internal error", Detail = $"{e.GetType().Name}: {e.Message}" },
    };

    private GrantRequest NewGrantRequest(VnfLcmOpOccRecord op, VnfInstanceRecord instance) => new()
    {
        VnfInstanceId = instance.Id,
        VnfLcmOpOccId = op.Id,
        VnfdId = instance.VnfdId,
        Operation = op.Operation,
        IsAutomaticInvocation = op.IsAutomaticInvocation,
        Links = new GrantRequestLinks(
            new Link($"{options.ApiRoot}/vnflcm/v2/vnf_lcm_op_occs/{op.Id}"),
            new Link($"{options.ApiRoot}/vnflcm/v2/vnf_instances/{instance.Id}")),
    };

    private static List<ResourceDefinition> RemoveResources(InstantiatedVnfInfo? info, string vnfdId) => info is null ? [] :
    [
        .. (info.VnfcResourceInfo ?? []).Select(v => new ResourceDefinition { Id = v.Id, Type = "COMPUTE", VduId = v.VduId, VnfdId = vnfdId, ResourceTemplateId = v.VduId, Resource = v.ComputeResource }),
        .. (info.VnfVirtualLinkResourceInfo ?? []).Select(v => new ResourceDefinition { Id = v.Id, Type = "VL", VnfdId = vnfdId, ResourceTemplateId = v.VnfVirtualLinkDescId, Resource = v.NetworkResource }),
        .. (info.VnfVirtualStorageResourceInfo ?? []).Select(v => new ResourceDefinition { Id = v.Id, Type = "STORAGE", VnfdId = vnfdId, ResourceTemplateId = v.VirtualStorageDescId, Resource = v.StorageResource }),
    ];

    private static (string Id, Contracts.VimConnectionInfo Vim) GrantedVim(Grant grant)
    {
        var vims = grant.VimConnectionInfo ?? throw new UnprocessableProblem("The grant names no VIM (vimConnectionInfo is empty).");
        var wanted = grant.AddResources?.Select(r => r.VimConnectionId).FirstOrDefault(id => id is not null);
        if (wanted is not null && vims.TryGetValue(wanted, out var chosen)) return (wanted, chosen);
        var first = vims.First();
        return (first.Key, first.Value);
    }

    private static VimConnection ToDriver(string id, Contracts.VimConnectionInfo vim) =>
        new(vim.VimId ?? id, vim.VimType, vim.InterfaceInfo ?? [], vim.AccessInfo ?? []);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the worker lease of op occ {OpOccId} failed")]
    private partial void LogLeaseRenewalFailed(Exception e, string opOccId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Op occ {OpOccId} {Operation}: {From} -> {To}")]
    private partial void LogStep(string opOccId, string operation, string from, string to);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Op occ {OpOccId} is final or driven by another worker")]
    private partial void LogNotClaimed(string opOccId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Op occ {OpOccId} {Operation} failed in {State}")]
    private partial void LogStepFailed(Exception e, string opOccId, string operation, string state);
}
