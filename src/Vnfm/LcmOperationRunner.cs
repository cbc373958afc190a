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
    VnfmDbContext db, VnfdCatalog catalog, IRequestClient<RequestGrant> grants, VimDriverRegistry drivers,
    LcmNotifier notifier, VnfmOptions options, IServiceScopeFactory scopes,
    ILogger<LcmOperationRunner> logger)
{
    /// <summary>
    /// A worker holds an op for this long and renews the lease every <see cref="LeaseRenewal"/> while it works, so a
    /// crashed worker's op is free again within <see cref="Lease"/> and the watchdog resumes it.
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LeaseRenewal = TimeSpan.FromSeconds(10);

    public async Task RunAsync(string opOccId, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var leaseUntil = now + Lease;
        var claimed = await db.VnfLcmOpOccs
            .Where(o => o.Id == opOccId
                        && (o.OperationState == LcmOperationState.Starting || o.OperationState == LcmOperationState.Processing)
                        && (o.LockedUntil == null || o.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedUntil, leaseUntil), ct);
        if (claimed == 0)
        {
            LogNotClaimed(opOccId);
            return;
        }
        using var working = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var heartbeat = RenewLeaseAsync(opOccId, db.TenantId!, working.Token);
        try
        {
            while (await StepAsync(opOccId, ct)) { }
        }
        finally
        {
            await working.CancelAsync();
            await heartbeat;
            await db.VnfLcmOpOccs.Where(o => o.Id == opOccId)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedUntil, (DateTime?)null), CancellationToken.None);
        }
    }

    /// <summary>Keeps the worker lease alive while the op is worked on (its own DbContext: the runner's is busy).</summary>
    private async Task RenewLeaseAsync(string opOccId, string tenantId, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(LeaseRenewal, ct);
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
                var renewed = DateTime.UtcNow + Lease;
                await scope.ServiceProvider.GetRequiredService<VnfmDbContext>().VnfLcmOpOccs.Where(o => o.Id == opOccId)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedUntil, renewed), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e) { LogLeaseRenewalFailed(e, opOccId); }
    }

    /// <summary>Performs the next step of the op; false when there is nothing more to do now.</summary>
    private async Task<bool> StepAsync(string opOccId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var op = await db.VnfLcmOpOccs.SingleAsync(o => o.Id == opOccId, ct);
        var instance = await db.VnfInstances.SingleAsync(i => i.Id == op.VnfInstanceId, ct);
        var state = op.OperationState;
        try
        {
            switch (state, op.Operation)
            {
                case (LcmOperationState.Starting, _):
                    await StartAsync(op, instance, ct);
                    break;
                case (LcmOperationState.Processing, LcmOperationType.Instantiate):
                    await InstantiateAsync(op, instance, ct);
                    break;
                case (LcmOperationState.Processing, LcmOperationType.Terminate):
                    await TerminateAsync(op, instance, ct);
                    break;
                default:
                    return false;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogStepFailed(e, op.Id, op.Operation, state);
            await FailAsync(opOccId, state, Problem(e), ct);
        }
        LogStep(op.Id, op.Operation, state, op.OperationState);
        return op.OperationState is LcmOperationState.Starting or LcmOperationState.Processing && op.OperationState != state;
    }

    /// <summary>STARTING: plan the resources, ask the NFVO for a grant (SOL003 9.4.2.3.1), then PROCESSING.</summary>
    private async Task StartAsync(VnfLcmOpOccRecord op, VnfInstanceRecord instance, CancellationToken ct)
    {
        var known = await catalog.GetAsync(op.TenantId, instance.VnfdId, ct);
        GrantRequest request;
        if (op.Operation == LcmOperationType.Instantiate)
        {
            var plan = op.Plan is null ? null : SolJson.Deserialize<LcmPlan>(op.Plan);
            if (plan is null)
            {
                var instantiate = SolJson.Deserialize<InstantiateVnfRequest>(op.OperationParams!);
                plan = ResourcePlanner.PlanInstantiate(op.TenantId, instance.Id, op.Id, known, instantiate);
                // Persist the plan before asking: a retry after a crash asks for, and creates, the same resources.
                op.Plan = SolJson.Serialize(plan);
                op.Version++;
                await db.SaveChangesAsync(ct);
            }
            request = NewGrantRequest(op, instance) with
            {
                FlavourId = plan.FlavourId,
                InstantiationLevelId = plan.InstantiationLevelId,
                AddResources = ResourcePlanner.AddResources(plan),
            };
        }
        else if (op.Operation == LcmOperationType.Terminate)
        {
            var info = instance.InstantiatedVnfInfo is null ? null : SolJson.Deserialize<InstantiatedVnfInfo>(instance.InstantiatedVnfInfo);
            request = NewGrantRequest(op, instance) with { RemoveResources = RemoveResources(info, instance.VnfdId) };
        }
        else
        {
            throw new NotImplementedProblem($"The {op.Operation} operation is not built yet.");
        }

        Response<GrantResult> response;
        try
        {
            response = await grants.GetResponse<GrantResult>(new RequestGrant(op.TenantId, request), ct, RequestTimeout.After(s: 30));
        }
        catch (RequestTimeoutException)
        {
            throw new ServiceUnavailableProblem("The NFVO did not answer the grant request within 30 s.");
        }

        var now = DateTime.UtcNow;
        if (response.Message.Grant is not { } grant)
        {
            // SOL003 5.6.2.2: a rejected grant ends the operation in ROLLED_BACK; nothing was changed.
            var rejection = response.Message.Rejection ?? new ProblemDetails { Status = 403, Detail = "The NFVO rejected the grant." };
            op.Error = SolJson.Serialize(rejection with { Title = rejection.Title ?? "Grant rejected" });
            LcmStateMachine.Transition(op, LcmOperationState.RolledBack, now);
            instance.CurrentOpOccId = null;
            instance.Version++;
        }
        else
        {
            op.GrantId = grant.Id;
            op.Grant = SolJson.Serialize(grant);
            if (op.Operation == LcmOperationType.Instantiate && grant.VimConnectionInfo is { Count: > 0 })
            {
                instance.VimConnectionInfo = SolJson.Serialize(grant.VimConnectionInfo);
                instance.Version++;
            }
            LcmStateMachine.Transition(op, LcmOperationState.Processing, now);
        }
        await notifier.QueueAsync(db, op, instance, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>PROCESSING of INSTANTIATE: ensure the planned resources on the granted VIM, then COMPLETED.</summary>
    private async Task InstantiateAsync(VnfLcmOpOccRecord op, VnfInstanceRecord instance, CancellationToken ct)
    {
        var plan = SolJson.Deserialize<LcmPlan>(op.Plan!);
        var grant = SolJson.Deserialize<Grant>(op.Grant!);
        var request = SolJson.Deserialize<InstantiateVnfRequest>(op.OperationParams!);
        var known = await catalog.GetAsync(op.TenantId, instance.VnfdId, ct);
        var flavour = known.Vnfd.FindFlavour(plan.FlavourId)!;
        var (vimConnectionId, vim) = GrantedVim(grant);

        var resources = await drivers.For(vim.VimType)
            .InstantiateAsync(ToDriver(vimConnectionId, vim), ResourcePlanner.WithGrantedZones(plan.Resources, grant), ct);

        var info = InstantiatedInfoBuilder.Build(plan, flavour, vimConnectionId, resources, request);
        instance.InstantiatedVnfInfo = SolJson.Serialize(info);
        instance.InstantiationState = InstantiationState.Instantiated;
        instance.CurrentOpOccId = null;
        instance.Version++;
        op.ResourceChanges = SolJson.Serialize(InstantiatedInfoBuilder.Changes(info, "ADDED"));
        LcmStateMachine.Transition(op, LcmOperationState.Completed, DateTime.UtcNow);
        await notifier.QueueAsync(db, op, instance, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>PROCESSING of TERMINATE: remove every resource of the instance from its VIM, then COMPLETED.</summary>
    private async Task TerminateAsync(VnfLcmOpOccRecord op, VnfInstanceRecord instance, CancellationToken ct)
    {
        var vims = instance.VimConnectionInfo is null
            ? new Dictionary<string, Contracts.VimConnectionInfo>()
            : SolJson.Deserialize<Dictionary<string, Contracts.VimConnectionInfo>>(instance.VimConnectionInfo);
        foreach (var (id, vim) in vims)
            await drivers.For(vim.VimType).TerminateAsync(ToDriver(id, vim), instance.TenantId, instance.Id, ct);

        var info = instance.InstantiatedVnfInfo is null ? null : SolJson.Deserialize<InstantiatedVnfInfo>(instance.InstantiatedVnfInfo);
        if (info is not null) op.ResourceChanges = SolJson.Serialize(InstantiatedInfoBuilder.Changes(info, "REMOVED"));
        instance.InstantiatedVnfInfo = null;
        instance.VimConnectionInfo = null;
        instance.InstantiationState = InstantiationState.NotInstantiated;
        instance.CurrentOpOccId = null;
        instance.Version++;
        LcmStateMachine.Transition(op, LcmOperationState.Completed, DateTime.UtcNow);
        await notifier.QueueAsync(db, op, instance, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Records a failure: before anything changed (STARTING) the op ends ROLLED_BACK; once resources may have been
    /// touched (PROCESSING) it waits in FAILED_TEMP for retry, rollback or fail, blocking other operations.
    /// </summary>
    private async Task FailAsync(string opOccId, string failedIn, ProblemDetails problem, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var op = await db.VnfLcmOpOccs.SingleAsync(o => o.Id == opOccId, ct);
        if (op.OperationState != failedIn) return;
        var instance = await db.VnfInstances.SingleAsync(i => i.Id == op.VnfInstanceId, ct);
        op.Error = SolJson.Serialize(problem);
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
