using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.Contracts.NsLcm;
using Mano.VimAdapters;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using DriverConnection = Mano.VimAdapters.VimConnectionInfo;

namespace Mano.Nfvo;

/// <summary>NS LCM settings (configuration section "Nfvo:NsLcm").</summary>
public sealed class NsLcmOptions
{
    /// <summary>How long a worker holds an NS op occ (Nfvo:NsLcm:WorkerLeaseSeconds, default 120).</summary>
    public TimeSpan WorkerLease { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// How often the watchdog re-drives in-flight NS ops (Nfvo:NsLcm:WatchdogSeconds, default 10): it re-reads the VNF op
    /// occs of running steps when no VnfLcmOperationOccurrenceChanged event came, and resumes ops whose worker died.
    /// </summary>
    public TimeSpan WatchdogInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The NS LCM engine (issue 6 item 3, ADR-0002 applied to NS LCM). Level-triggered: each run reads the op occ row and
/// its plan, checks the running steps (read_op_occ on the VNFM), starts every step whose predecessors are done (so
/// VNFs are created and instantiated in parallel where the NSD's dependencies allow), and persists each step's state
/// before and after it acts, so a crash or a redelivered command resumes where it stopped. A failing step puts the op
/// in FAILED_TEMP with the step's error; rollback runs undo steps for only what this op created or changed.
/// VNFs are driven ONLY through <see cref="INsVnfLcm"/> (the VNFM); the NFVO touches a VIM only for NS virtual links.
/// </summary>
public sealed partial class NsLcmRunner(NfvoDbContext db, INsVnfLcm vnfm, INsVnfPlacement placement, NsChains chains,
    IServiceProvider services, NsLcmNotifier notifier, NsLcmOptions options, ILogger<NsLcmRunner> logger)
{
    // Lost wake-ups: a VNF op occ event that arrives while another worker of this process holds the NS op's lease would
    // otherwise be dropped and the NS op would wait for the watchdog (10 s): measured as the p99 of the NS benchmark.
    // Every call counts a wake-up first; the lease holder drives again until no wake-up came during its pass. (Across
    // replicas the watchdog remains the backstop.)
    private static readonly ConcurrentDictionary<string, long> Wakeups = new(StringComparer.Ordinal);

    public async Task RunAsync(string nsLcmOpOccId, CancellationToken ct)
    {
        Wakeups.AddOrUpdate(nsLcmOpOccId, 1, (_, n) => n + 1);
        while (true)
        {
            var now = DateTime.UtcNow;
            var until = now + options.WorkerLease;
            // Worker lease (a conditional UPDATE, provider-neutral): one worker per op; duplicates return at once.
            var claimed = await db.NsLcmOpOccs.Where(o => o.Id == nsLcmOpOccId && (o.LockedUntil == null || o.LockedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedUntil, until), ct);
            if (claimed == 0) return; // the holder sees this call's wake-up after its pass
            var seen = Wakeups.GetValueOrDefault(nsLcmOpOccId);
            try
            {
                await DriveAsync(nsLcmOpOccId, ct);
            }
            finally
            {
                await db.NsLcmOpOccs.Where(o => o.Id == nsLcmOpOccId).ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedUntil, (DateTime?)null), CancellationToken.None);
            }
            if (Wakeups.GetValueOrDefault(nsLcmOpOccId) == seen)
            {
                Wakeups.TryRemove(KeyValuePair.Create(nsLcmOpOccId, seen));
                return;
            }
        }
    }

    private async Task DriveAsync(string opId, CancellationToken ct)
    {
        // Bounded: each pass either finishes steps or returns to wait for an event / the watchdog.
        for (var pass = 0; pass < 200; pass++)
        {
            db.ChangeTracker.Clear();
            var op = await db.NsLcmOpOccs.SingleOrDefaultAsync(o => o.Id == opId, ct);
            if (op is null || op.OperationState is not (NsLcmOperationState.Processing or NsLcmOperationState.RollingBack)) return;
            var ns = await db.NsInstances.SingleAsync(n => n.Id == op.NsInstanceId, ct);
            var plan = SolJson.Deserialize<NsLcmPlan>(op.Plan);
            var rollingBack = op.OperationState == NsLcmOperationState.RollingBack;
            if (rollingBack && plan.RollbackSteps is null)
            {
                plan.RollbackSteps = NsLcmRollback.Steps(plan);
                await SaveAsync(op, plan, ct);
            }
            var steps = rollingBack ? plan.RollbackSteps! : plan.Steps;

            // SOL005 6.4.15 cancel: no new step starts; the op goes FAILED_TEMP (running VNF operations finish in the VNFM).
            if (op.IsCancelPending)
            {
                op.IsCancelPending = false;
                await FailAsync(op, ns, plan, Problem(409, $"The operation was cancelled ({op.CancelMode})."), ct);
                return;
            }

            foreach (var step in steps.Where(s => s.Status == NsStepStatus.Running))
                await PollAsync(ns, step, ct);
            if (steps.FirstOrDefault(s => s.Status == NsStepStatus.Failed) is { } failed)
            {
                await FailAsync(op, ns, plan, failed.Error ?? Problem(500, $"Step {failed.Id} failed."), ct);
                return;
            }
            // SKIPPED steps (the continue task, SOL005 6.4.13) count as ended: the op then ends PARTIALLY_COMPLETED.
            if (steps.All(s => s.Status is NsStepStatus.Done or NsStepStatus.Skipped))
            {
                await CompleteAsync(op, ns, plan, rollingBack, ct);
                return;
            }
            var ready = steps.Where(s => s.Status is NsStepStatus.Pending or NsStepStatus.Started
                                         && s.After.All(a => steps.FirstOrDefault(x => x.Id == a)?.Status == NsStepStatus.Done)).ToList();
            await SaveAsync(op, plan, ct);
            if (ready.Count == 0) return; // waiting for running VNF operations
            foreach (var step in ready)
            {
                step.Status = NsStepStatus.Started;
                await SaveAsync(op, plan, ct); // claimed before it acts: a resumed worker knows it may have acted
                await ExecuteAsync(op, ns, plan, step, ct);
                await SaveAsync(op, plan, ct);
            }
        }
    }

    // ---- Steps -------------------------------------------------------------------------------------------------

    private async Task ExecuteAsync(NsLcmOpOccRecord op, NsInstanceRecord ns, NsLcmPlan plan, NsPlanStep step, CancellationToken ct)
    {
        try
        {
            switch (step.Kind)
            {
                case NsStepKind.CreateNsVls: await CreateNsVlsAsync(op, ns, step, ct); break;
                case NsStepKind.DeleteNsVls: await DeleteNsVlsAsync(ns, step, ct); break;
                case NsStepKind.CreateVnf: await CreateVnfAsync(ns, plan, step, ct); break;
                case NsStepKind.DeleteVnf: await DeleteVnfAsync(ns, step, ct); break;
                case NsStepKind.VnfOperation: await VnfOperationAsync(ns, step, ct); break;
                case NsStepKind.VnfOpOccTask: await VnfOpOccTaskAsync(ns, step, ct); break;
                case NsStepKind.EnsureChains:
                    var (_, warnings) = await chains.EnsureAsync(ns, (await services.GetRequiredService<INsdSource>().FindAsync(ns.NsdInfoId, ct))?.Nsd
                                                 ?? throw new UnprocessableProblem($"The NSD {ns.NsdInfoId} is not onboarded any more."), ct);
                    plan.Warnings = [.. warnings];
                    step.Status = NsStepStatus.Done;
                    break;
                case NsStepKind.DeleteChains:
                    await chains.DeleteAsync(ns, step.VimId!, ct);
                    step.Status = NsStepStatus.Done;
                    break;
                default: Fail(step, Problem(500, $"Unknown step kind {step.Kind}.")); break;
            }
        }
        catch (VimException e)
        {
            Fail(step, Problem(500, $"Step {step.Id} on VIM {step.VimId}: {e.Message}"));
        }
        catch (SolProblemException e)
        {
            Fail(step, Problem(e.Status, $"Step {step.Id}: {e.Message}"));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogStepFailed(e, step.Id, op.Id);
            Fail(step, Problem(500, $"Step {step.Id}: {e.GetType().Name}: {e.Message}"));
        }
    }

    private async Task<(IVimDriver Driver, DriverConnection Connection)> VimAsync(string? vimId, CancellationToken ct)
    {
        var connection = await chains.ConnectionAsync(vimId, ct);
        return (chains.Driver(connection), connection);
    }

    /// <summary>NS virtual links: networks the NFVO makes on the VIM, tagged with the NS instance (the driver's "instance").</summary>
    private async Task CreateNsVlsAsync(NsLcmOpOccRecord op, NsInstanceRecord ns, NsPlanStep step, CancellationToken ct)
    {
        var (driver, connection) = await VimAsync(step.VimId, ct);
        var nsd = (await services.GetRequiredService<INsdSource>().FindAsync(ns.NsdInfoId, ct))?.Nsd;
        var networks = new List<PlannedNetwork>();
        var ids = step.VirtualLinkDescIds ?? [];
        for (var i = 0; i < ids.Count; i++)
        {
            var l3 = nsd?.VirtualLinks.FirstOrDefault(v => v.Id == ids[i])?.ProtocolData.Select(p => p.L3).FirstOrDefault(l => l is not null);
            // A VL without an L3 cidr in the NSD gets a private /24 of its own (stable per position in the plan).
            networks.Add(new PlannedNetwork(ids[i], ids[i], l3?.Cidr ?? $"10.{200 + (i / 250)}.{i % 250}.0/24", l3?.IpVersion ?? "IPV4"));
        }
        var made = await driver.InstantiateAsync(connection, new VnfResourcePlan(ns.TenantId, ns.Id, op.Id, networks, [], [], []), ct);
        var current = NsLcmPlanner.VirtualLinksOf(ns).ToList();
        foreach (var id in ids)
        {
            var network = made.FirstOrDefault(r => r.ResourceKey == id && r.Kind == VimResourceKind.Network)
                          ?? throw new VimException("create_ns_vl", $"the VIM returned no network for NS virtual link {id}");
            current.RemoveAll(v => v.Id == id);
            current.Add(new NsVlState(id, id, step.VimId!, network.ResourceId));
        }
        ns.VirtualLinks = SolJson.Serialize(current);
        step.Status = NsStepStatus.Done;
    }

    private async Task DeleteNsVlsAsync(NsInstanceRecord ns, NsPlanStep step, CancellationToken ct)
    {
        var (driver, connection) = await VimAsync(step.VimId, ct);
        await driver.TerminateAsync(connection, ns.TenantId, ns.Id, ct);
        var current = NsLcmPlanner.VirtualLinksOf(ns).Where(v => v.VimId != step.VimId).ToList();
        ns.VirtualLinks = current.Count == 0 ? null : SolJson.Serialize(current);
        step.Status = NsStepStatus.Done;
    }

    private async Task CreateVnfAsync(NsInstanceRecord ns, NsLcmPlan plan, NsPlanStep step, CancellationToken ct)
    {
        // Idempotent on resume: a create whose answer was recorded is not sent again.
        if (step.VnfInstanceId is null) await AdoptCreatedVnfAsync(ns, step, ct);
        if (step.VnfInstanceId is null)
        {
            var response = await vnfm.SendAsync(step.VimId, new VnfLcmRequest(ns.TenantId, VnfLcmOperations.Create, null, null, step.Body?.ToJsonString()), ct);
            if (response.StatusCode != 201 || response.Body is null) { Fail(step, FromVnfm(response, "create the VNF instance")); return; }
            var body = JsonNode.Parse(response.Body)!.AsObject();
            step.VnfInstanceId = body["id"]!.GetValue<string>();
            db.NsVnfInstances.Add(new NsVnfInstanceRecord
            {
                TenantId = ns.TenantId, VnfInstanceId = step.VnfInstanceId, NsInstanceId = ns.Id, VnfProfileId = step.VnfProfileId!,
                VnfdId = step.VnfdId!, VimId = step.VimId, ZoneId = step.ZoneId, VnfInstance = response.Body, CreatedAt = DateTime.UtcNow,
            });
        }
        // Every later step of the same VNF (instantiate) acts on this id.
        foreach (var s in plan.Steps.Where(s => s.VnfKey == step.VnfKey)) s.VnfInstanceId = step.VnfInstanceId;
        // Placement: the grant of this VNF must land on the planned VIM (and zone).
        await placement.PinAsync(ns.Id, step.VnfInstanceId, step.VimId!, step.ZoneId, ct);
        step.Status = NsStepStatus.Done;
    }

    /// <summary>
    /// A crash between the VNFM's 201 and the NFVO saving it would make the VNF instance twice on resume: before creating,
    /// ask the VNFM (SOL003 5.4.2.3.2 with a SOL013 filter on the metadata the planner gives every VNF it creates) for an
    /// instance of this NS and VNF key that the NFVO has not recorded, and adopt it. A VNFM that cannot answer the query
    /// (an external one without metadata filtering) gets a plain create, as before.
    /// </summary>
    private async Task AdoptCreatedVnfAsync(NsInstanceRecord ns, NsPlanStep step, CancellationToken ct)
    {
        if (step.Body?["metadata"]?["nsVnfKey"]?.GetValue<string>() is not { } key) return;
        var query = $"filter=(eq,metadata/nsInstanceId,{SolFilter.Value(ns.Id)});(eq,metadata/nsVnfKey,{SolFilter.Value(key)})";
        var found = await vnfm.SendAsync(step.VimId, new VnfLcmRequest(ns.TenantId, VnfLcmOperations.Query, null, null, null, Query: query), ct);
        if (found.StatusCode != 200 || found.Body is null || JsonNode.Parse(found.Body) is not JsonArray { Count: > 0 } candidates) return;
        var recorded = await db.NsVnfInstances.AsNoTracking().Where(v => v.NsInstanceId == ns.Id).Select(v => v.VnfInstanceId).ToListAsync(ct);
        if (candidates.OfType<JsonObject>().FirstOrDefault(c => c["id"]?.GetValue<string>() is { } id && !recorded.Contains(id)) is not { } orphan) return;
        step.VnfInstanceId = orphan["id"]!.GetValue<string>();
        logger.LogInformation("NS instance {NsInstanceId}: VNF instance {VnfInstanceId} ({VnfKey}) was created before a restart; adopted, not created again",
            ns.Id, step.VnfInstanceId, key);
        db.NsVnfInstances.Add(new NsVnfInstanceRecord
        {
            TenantId = ns.TenantId, VnfInstanceId = step.VnfInstanceId, NsInstanceId = ns.Id, VnfProfileId = step.VnfProfileId!,
            VnfdId = step.VnfdId!, VimId = step.VimId, ZoneId = step.ZoneId, VnfInstance = orphan.ToJsonString(), CreatedAt = DateTime.UtcNow,
        });
    }

    private async Task DeleteVnfAsync(NsInstanceRecord ns, NsPlanStep step, CancellationToken ct)
    {
        var response = await vnfm.SendAsync(step.VimId, new VnfLcmRequest(ns.TenantId, VnfLcmOperations.Delete, step.VnfInstanceId, null, null), ct);
        // 404: already deleted (a resumed step).
        if (response.StatusCode is not (204 or 404)) { Fail(step, FromVnfm(response, $"delete VNF instance {step.VnfInstanceId}")); return; }
        var member = await db.NsVnfInstances.SingleOrDefaultAsync(v => v.VnfInstanceId == step.VnfInstanceId, ct);
        if (member is not null) db.NsVnfInstances.Remove(member);
        await placement.UnpinAsync(step.VnfInstanceId!, ct);
        step.Status = NsStepStatus.Done;
    }

    private async Task VnfOperationAsync(NsInstanceRecord ns, NsPlanStep step, CancellationToken ct)
    {
        if (step.VnfInstanceId is null) { Fail(step, Problem(500, $"Step {step.Id} has no VNF instance (its create step did not record one).")); return; }
        // A retried step: the VNF op of the first attempt decides what to do (retry it, or start a new one).
        if (step.VnfLcmOpOccId is not null)
        {
            var state = await ReadOpOccAsync(ns, step, ct);
            switch (state?["operationState"]?.GetValue<string>())
            {
                case LcmOperationState.Completed:
                    await RefreshVnfAsync(ns, step, ct);
                    step.Status = NsStepStatus.Done;
                    return;
                case LcmOperationState.FailedTemp:
                    await SendTaskAsync(ns, step, VnfLcmOperations.Retry, ct);
                    return;
                case LcmOperationState.Starting or LcmOperationState.Processing or LcmOperationState.RollingBack:
                    step.Status = NsStepStatus.Running;
                    return;
            }
            step.VnfLcmOpOccId = null; // ROLLED_BACK / FAILED / unknown: start the operation again
        }
        var body = step.Body?.DeepClone().AsObject() ?? [];
        if (step.Operation == VnfLcmOperations.Instantiate && step.ExtVirtualLinks is { Count: > 0 })
        {
            var vls = NsLcmPlanner.VirtualLinksOf(ns);
            var (toVnfd, _) = await chains.CpdNamesAsync(step.VnfdId!, ct);
            var links = new List<ExtVirtualLinkData>();
            foreach (var ext in step.ExtVirtualLinks)
            {
                var vl = vls.FirstOrDefault(v => v.NsVirtualLinkDescId == ext.NsVirtualLinkDescId)
                         ?? throw new UnprocessableProblem($"NS virtual link {ext.NsVirtualLinkDescId} was not made.");
                links.Add(new ExtVirtualLinkData
                {
                    Id = $"{ns.Id}-{vl.Id}", ResourceId = vl.ResourceId,
                    ExtCps = ext.CpdIds.Select(c => new VnfExtCpData { CpdId = toVnfd(c) }).ToList(),
                });
            }
            body["extVirtualLinks"] = JsonNode.Parse(SolJson.Serialize(links));
        }
        var response = await vnfm.SendAsync(step.VimId, new VnfLcmRequest(ns.TenantId, step.Operation!, step.VnfInstanceId, null, body.ToJsonString()), ct);
        if (response.StatusCode != 202 || response.VnfLcmOpOccId is null) { Fail(step, FromVnfm(response, $"{step.Operation} VNF instance {step.VnfInstanceId}")); return; }
        step.VnfLcmOpOccId = response.VnfLcmOpOccId;
        step.Status = NsStepStatus.Running;
    }

    /// <summary>Rollback of a failed VNF operation: the VNF op occ's own rollback (SOL003 5.4.15), once it is FAILED_TEMP.</summary>
    private async Task VnfOpOccTaskAsync(NsInstanceRecord ns, NsPlanStep step, CancellationToken ct)
    {
        var state = (await ReadOpOccAsync(ns, step, ct))?["operationState"]?.GetValue<string>();
        var undoesInstantiate = step.Body?["undoOperation"]?.GetValue<string>() == VnfLcmOperations.Instantiate;
        switch (state)
        {
            case LcmOperationState.FailedTemp:
                await SendTaskAsync(ns, step, step.Operation!, ct);
                return;
            case LcmOperationState.RolledBack or LcmOperationState.Failed or null:
                step.Status = NsStepStatus.Done; // nothing left of it to undo (or it is gone)
                return;
            case LcmOperationState.Completed when undoesInstantiate:
                // It completed after all: undo it as a completed instantiate.
                step.Kind = NsStepKind.VnfOperation;
                step.Operation = VnfLcmOperations.Terminate;
                step.VnfLcmOpOccId = null;
                step.Body = NsLcmPlans.Json(new TerminateVnfRequest { TerminationType = "FORCEFUL" });
                step.Status = NsStepStatus.Pending;
                return;
            case LcmOperationState.Completed:
                step.Status = NsStepStatus.Done; // a completed scale/heal is not undone (reported in the op's resourceChanges)
                return;
            default:
                step.Status = NsStepStatus.Pending; // still running in the VNFM: look again at the next pass
                return;
        }
    }

    private async Task SendTaskAsync(NsInstanceRecord ns, NsPlanStep step, string task, CancellationToken ct)
    {
        var response = await vnfm.SendAsync(step.VimId, new VnfLcmRequest(ns.TenantId, task, step.VnfInstanceId, step.VnfLcmOpOccId, null), ct);
        if (response.StatusCode != 202) { Fail(step, FromVnfm(response, $"{task} VNF LCM op occ {step.VnfLcmOpOccId}")); return; }
        step.Status = NsStepStatus.Running;
    }

    private async Task PollAsync(NsInstanceRecord ns, NsPlanStep step, CancellationToken ct)
    {
        var opOcc = await ReadOpOccAsync(ns, step, ct);
        var state = opOcc?["operationState"]?.GetValue<string>();
        var rollbackTask = step.Kind == NsStepKind.VnfOpOccTask && step.Operation == VnfLcmOperations.Rollback;
        switch (state)
        {
            case LcmOperationState.Completed when !rollbackTask:
                await RefreshVnfAsync(ns, step, ct);
                step.Status = NsStepStatus.Done;
                break;
            case LcmOperationState.RolledBack when rollbackTask:
                step.Status = NsStepStatus.Done;
                break;
            case LcmOperationState.FailedTemp or LcmOperationState.Failed or LcmOperationState.RolledBack or LcmOperationState.Completed:
                var error = opOcc?["error"] is JsonObject e ? SolJson.Deserialize<ProblemDetails>(e.ToJsonString()) : null;
                // SOL005 6.5.2.3 error: the VNF operation's own error, naming the VNF and its op occ.
                Fail(step, Problem(error?.Status ?? 500,
                    $"VNF LCM operation {step.Operation} of VNF instance {step.VnfInstanceId} (op occ {step.VnfLcmOpOccId}) ended {state}: {error?.Detail ?? "no error given"}"));
                break;
            case null:
                Fail(step, Problem(500, $"The VNFM does not know VNF LCM op occ {step.VnfLcmOpOccId} of step {step.Id}."));
                break;
        }
    }

    private async Task<JsonObject?> ReadOpOccAsync(NsInstanceRecord ns, NsPlanStep step, CancellationToken ct)
    {
        var response = await vnfm.SendAsync(step.VimId, new VnfLcmRequest(ns.TenantId, VnfLcmOperations.ReadOpOcc, step.VnfInstanceId, step.VnfLcmOpOccId, null), ct);
        return response.StatusCode == 200 && response.Body is not null ? JsonNode.Parse(response.Body) as JsonObject : null;
    }

    /// <summary>Keeps the NS instance's copy of the VNF instance (NsInstance.vnfInstance) current.</summary>
    private async Task RefreshVnfAsync(NsInstanceRecord ns, NsPlanStep step, CancellationToken ct)
    {
        var member = await db.NsVnfInstances.SingleOrDefaultAsync(v => v.VnfInstanceId == step.VnfInstanceId, ct);
        if (member is null) return;
        var response = await vnfm.SendAsync(step.VimId, new VnfLcmRequest(ns.TenantId, VnfLcmOperations.Read, step.VnfInstanceId, null, null), ct);
        if (response.StatusCode == 200 && response.Body is not null) member.VnfInstance = response.Body;
    }

    // ---- Op transitions --------------------------------------------------------------------------------------

    private async Task FailAsync(NsLcmOpOccRecord op, NsInstanceRecord ns, NsLcmPlan plan, ProblemDetails error, CancellationToken ct)
    {
        NsLcmStateMachine.Transition(op, NsLcmOperationState.FailedTemp, DateTime.UtcNow);
        op.Error = SolJson.Serialize(error);
        op.Plan = SolJson.Serialize(plan);
        await notifier.QueueAsync(db, op, ns, ct);
        await db.SaveChangesAsync(ct);
        LogFailedTemp(op.Id, error.Detail);
    }

    private async Task CompleteAsync(NsLcmOpOccRecord op, NsInstanceRecord ns, NsLcmPlan plan, bool rolledBack, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        op.Plan = SolJson.Serialize(plan);
        if (rolledBack)
        {
            NsLcmStateMachine.Transition(op, NsLcmOperationState.RolledBack, now);
        }
        else
        {
            // SOL005 6.5.4.6: an op continued past failed steps (6.4.13) is "partially completed with acceptable errors";
            // it keeps the error of the original failure. Its effect on the NS is what did happen (e.g. an instantiate
            // leaves the NS INSTANTIATED with the VNFs that did instantiate in service).
            var partial = plan.Steps.Any(s => s.Status == NsStepStatus.Skipped);
            if (partial)
            {
                NsLcmStateMachine.Transition(op, NsLcmOperationState.PartiallyCompleted, now);
            }
            else
            {
                NsLcmStateMachine.Transition(op, NsLcmOperationState.Completed, now);
                op.Error = null;
            }
            switch (op.LcmOperationType)
            {
                case NsLcmOpType.Instantiate:
                    var request = SolJson.Deserialize<InstantiateNsRequest>(op.OperationParams ?? "{}");
                    ns.NsState = NsState.Instantiated;
                    ns.FlavourId = request.NsFlavourId;
                    ns.NsScaleStatus = plan.NsScaleStatus is null ? null : SolJson.Serialize(plan.NsScaleStatus);
                    ns.NsInstantiationLevelId = request.NsInstantiationLevelId;
                    // SOL005 6.5.3.67 sapInfo: one per SapData of the request (Mano assigns no addresses to SAPs).
                    ns.SapInfo = SolJson.Serialize((request.SapData ?? []).Select(s => new SapInfo
                    {
                        Id = s.SapdId!, SapdId = s.SapdId!, SapName = s.SapName ?? s.SapdId!, Description = s.Description,
                        SapProtocolInfo = [],
                    }).ToList());
                    break;
                case NsLcmOpType.Scale when plan.NsScaleStatus is not null:
                    ns.NsScaleStatus = SolJson.Serialize(plan.NsScaleStatus);
                    break;
                case NsLcmOpType.Terminate:
                    ns.NsState = NsState.NotInstantiated;
                    // A skipped NS VL deletion leaves its VLs recorded (the DELETE_NS_VLS steps that ran removed theirs).
                    if (!partial) ns.VirtualLinks = null;
                    ns.SapInfo = null;
                    ns.NsScaleStatus = null;
                    break;
            }
        }
        if (ns.CurrentOpOccId == op.Id) ns.CurrentOpOccId = null;
        await notifier.QueueAsync(db, op, ns, ct);
        await notifier.QueueChangesAsync(db, op, ns, ct);
        await db.SaveChangesAsync(ct);
    }

    private async Task SaveAsync(NsLcmOpOccRecord op, NsLcmPlan plan, CancellationToken ct)
    {
        op.Plan = SolJson.Serialize(plan);
        await db.SaveChangesAsync(ct);
    }

    private static void Fail(NsPlanStep step, ProblemDetails error)
    {
        step.Status = NsStepStatus.Failed;
        step.Error = error;
    }

    private static ProblemDetails FromVnfm(VnfLcmResponse response, string what)
    {
        ProblemDetails? problem = null;
        try { problem = response.Body is null ? null : SolJson.Deserialize<ProblemDetails>(response.Body); }
        catch (System.Text.Json.JsonException) { }
        return Problem(response.StatusCode >= 400 ? response.StatusCode : 500,
            $"The VNFM refused to {what}: HTTP {response.StatusCode}{(problem?.Detail is { } d ? $": {d}" : "")}");
    }

    public static ProblemDetails Problem(int status, string detail) => new() { Status = status, Title = "NS LCM step failed", Detail = detail };

    [LoggerMessage(Level = LogLevel.Warning, Message = "NS LCM op occ {OpOccId} is FAILED_TEMP: {Detail}")]
    private partial void LogFailedTemp(string opOccId, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "NS LCM step {StepId} of op occ {OpOccId} threw")]
    private partial void LogStepFailed(Exception e, string stepId, string opOccId);
}

/// <summary>The undo steps of an NS LCM operation: only what this operation created or changed, newest first, one at a time.</summary>
public static class NsLcmRollback
{
    public static List<NsPlanStep> Steps(NsLcmPlan plan)
    {
        var undo = new List<NsPlanStep>();
        void Add(NsPlanStep s) => undo.Add(s);
        foreach (var s in Enumerable.Reverse(plan.Steps))
        {
            switch (s.Kind)
            {
                case NsStepKind.VnfOperation when s.VnfLcmOpOccId is not null
                                                  && s.Status is NsStepStatus.Failed or NsStepStatus.Running or NsStepStatus.Started or NsStepStatus.Skipped:
                    // The VNF op failed (or has not ended, or failed and was skipped by continue): roll it back in the VNFM (SOL003 5.4.15), which for an
                    // instantiate leaves the VNF NOT_INSTANTIATED with nothing on the VIM.
                    Add(new NsPlanStep
                    {
                        Id = $"rollback:{s.Id}", Kind = NsStepKind.VnfOpOccTask, Operation = VnfLcmOperations.Rollback,
                        VnfInstanceId = s.VnfInstanceId, VnfKey = s.VnfKey, VnfProfileId = s.VnfProfileId, VnfdId = s.VnfdId, VimId = s.VimId,
                        VnfLcmOpOccId = s.VnfLcmOpOccId, Body = new JsonObject { ["undoOperation"] = s.Operation },
                    });
                    break;
                case NsStepKind.VnfOperation when s.Operation == VnfLcmOperations.Instantiate && s.Status == NsStepStatus.Done:
                    Add(new NsPlanStep
                    {
                        Id = $"undo:{s.Id}", Kind = NsStepKind.VnfOperation, Operation = VnfLcmOperations.Terminate,
                        VnfInstanceId = s.VnfInstanceId, VnfKey = s.VnfKey, VnfProfileId = s.VnfProfileId, VnfdId = s.VnfdId, VimId = s.VimId,
                        Body = NsLcmPlans.Json(new TerminateVnfRequest { TerminationType = "FORCEFUL" }),
                    });
                    break;
                case NsStepKind.CreateVnf when s.VnfInstanceId is not null:
                    Add(new NsPlanStep
                    {
                        Id = $"undo:{s.Id}", Kind = NsStepKind.DeleteVnf, VnfInstanceId = s.VnfInstanceId, VnfKey = s.VnfKey,
                        VnfProfileId = s.VnfProfileId, VnfdId = s.VnfdId, VimId = s.VimId,
                    });
                    break;
                case NsStepKind.EnsureChains when s.Status != NsStepStatus.Pending:
                    foreach (var vim in plan.Steps.Where(x => x.VimId is not null).Select(x => x.VimId!).Distinct())
                        Add(new NsPlanStep { Id = $"undo:{s.Id}@{vim}", Kind = NsStepKind.DeleteChains, VimId = vim });
                    break;
                case NsStepKind.CreateNsVls when s.Status != NsStepStatus.Pending:
                    Add(new NsPlanStep { Id = $"undo:{s.Id}", Kind = NsStepKind.DeleteNsVls, VimId = s.VimId, VirtualLinkDescIds = s.VirtualLinkDescIds });
                    break;
            }
        }
        // NS VLs go last: the VNFs' ports on them are gone by then.
        return Rechain([.. undo.Where(s => s.Kind != NsStepKind.DeleteNsVls), .. undo.Where(s => s.Kind == NsStepKind.DeleteNsVls)]);
    }

    private static List<NsPlanStep> Rechain(List<NsPlanStep> steps)
    {
        for (var i = 0; i < steps.Count; i++) steps[i].After = i == 0 ? [] : [steps[i - 1].Id];
        return steps;
    }
}

/// <summary>Runs an NS LCM op occ (bus command from the outbox, a task, or the watchdog).</summary>
public sealed class ExecuteNsLcmOperationConsumer(TenantContext tenant, NsLcmRunner runner) : IConsumer<ExecuteNsLcmOperation>
{
    public Task Consume(ConsumeContext<ExecuteNsLcmOperation> context)
    {
        tenant.Set(context.Message.TenantId);
        return runner.RunAsync(context.Message.NsLcmOpOccId, context.CancellationToken);
    }
}

/// <summary>
/// A constituent VNF's LCM op occ changed (from Mano's VNFM or an external one): drive the NS op that waits on it.
/// The event is only a wake-up: the runner re-reads the VNF op occ, so redelivered or reordered events are harmless.
/// </summary>
public sealed class VnfLcmOperationOccurrenceChangedConsumer(TenantContext tenant, NfvoDbContext db, NsLcmRunner runner)
    : IConsumer<VnfLcmOperationOccurrenceChanged>
{
    public async Task Consume(ConsumeContext<VnfLcmOperationOccurrenceChanged> context)
    {
        tenant.Set(context.Message.TenantId);
        var nsId = await db.NsVnfInstances.AsNoTracking().Where(v => v.VnfInstanceId == context.Message.VnfInstanceId)
            .Select(v => v.NsInstanceId).FirstOrDefaultAsync(context.CancellationToken);
        if (nsId is null) return; // a VNF of no NS (or one whose create answer is not recorded yet: the watchdog covers it)
        var opId = await db.NsInstances.AsNoTracking().Where(n => n.Id == nsId).Select(n => n.CurrentOpOccId).FirstOrDefaultAsync(context.CancellationToken);
        if (opId is not null) await runner.RunAsync(opId, context.CancellationToken);
    }
}
