using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.Contracts.NsLcm;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using NsLccnSubscription = Mano.Contracts.NsLcm.LccnSubscription;
using NsLccnSubscriptionRequest = Mano.Contracts.NsLcm.LccnSubscriptionRequest;
using NsNotificationsFilter = Mano.Contracts.NsLcm.LifecycleChangeNotificationsFilter;
using NsVnfInstance = Mano.Contracts.NsLcm.VnfInstance;

namespace Mano.Nfvo;

/// <summary>
/// SOL005 v3.7.1 clause 6, NS Lifecycle Management interface, API 2.3.0 at /nslcm/v2.
///
///   POST   /ns_instances                                  create            6.4.2.3.1  -> 201
///   GET    /ns_instances                                  query             6.4.2.3.2
///   GET    /ns_instances/{nsInstanceId}                   read              6.4.3.3.2
///   DELETE /ns_instances/{nsInstanceId}                   delete            6.4.3.3.5  -> 204 (NOT_INSTANTIATED only, else 409)
///   POST   /ns_instances/{nsInstanceId}/instantiate       instantiate       6.4.4.3.1  -> 202
///   POST   /ns_instances/{nsInstanceId}/scale             scale             6.4.5.3.1  -> 202 (SCALE_VNF; SCALE_NS by aspect steps or to a level)
///   POST   /ns_instances/{nsInstanceId}/update            update            6.4.6.3.1  -> 202 (INSTANTIATE_VNF, REMOVE_VNF, CHANGE_VNF_DF, OPERATE_VNF,
///                                                                                         MODIFY_VNF_INFORMATION, CHANGE_EXTERNAL_VNF_CONNECTIVITY; others 501)
///   POST   /ns_instances/{nsInstanceId}/heal              heal              6.4.7.3.1  -> 202
///   POST   /ns_instances/{nsInstanceId}/terminate         terminate         6.4.8.3.1  -> 202
///   GET    /ns_lcm_op_occs                                query             6.4.9.3.2
///   GET    /ns_lcm_op_occs/{nsLcmOpOccId}                 read              6.4.10.3.2
///   POST   /ns_lcm_op_occs/{nsLcmOpOccId}/retry           retry             6.4.11.3.1 -> 202
///   POST   /ns_lcm_op_occs/{nsLcmOpOccId}/rollback        rollback          6.4.12.3.1 -> 202
///   POST   /ns_lcm_op_occs/{nsLcmOpOccId}/continue        continue          6.4.13.3.1 -> 202 (failed steps and those after them skipped)
///   POST   /ns_lcm_op_occs/{nsLcmOpOccId}/fail            fail              6.4.14.3.1 -> 200
///   POST   /ns_lcm_op_occs/{nsLcmOpOccId}/cancel          cancel            6.4.15.3.1 -> 202
///   POST   /subscriptions                                 subscribe         6.4.16.3.1 -> 201
///   GET    /subscriptions                                 query             6.4.16.3.2
///   GET    /subscriptions/{subscriptionId}                read              6.4.17.3.2
///   DELETE /subscriptions/{subscriptionId}                terminate         6.4.17.3.5 -> 204
///   *      /vnf_snapshots[/{vnfSnapshotInfoId}]                              -> 501 (not built)
/// Every task validates the request and writes its plan (NsLcmPlanner, the same the /nsplan/v1 dry run shows), the op occ
/// (PROCESSING), its notification and the ExecuteNsLcmOperation command in ONE transaction, then answers 202 + Location.
/// </summary>
public static class NsLcmApi
{
    public static IEndpointRouteBuilder MapNsLcmApiV2(this IEndpointRouteBuilder app)
    {
        var api = app.MapSolApi("nslcm", "v2", Contracts.NsLcm.NsLcmApi.Version).WithTags("SOL005 NS LCM");
        api.MapPost("/ns_instances", CreateNsInstance);
        api.MapGet("/ns_instances", ListNsInstances);
        api.MapGet("/ns_instances/{nsInstanceId}", GetNsInstance);
        api.MapDelete("/ns_instances/{nsInstanceId}", DeleteNsInstance);
        api.MapPost("/ns_instances/{nsInstanceId}/instantiate", Instantiate);
        api.MapPost("/ns_instances/{nsInstanceId}/scale", Scale);
        api.MapPost("/ns_instances/{nsInstanceId}/update", Update);
        api.MapPost("/ns_instances/{nsInstanceId}/heal", Heal);
        api.MapPost("/ns_instances/{nsInstanceId}/terminate", Terminate);
        api.MapGet("/ns_lcm_op_occs", ListOpOccs);
        api.MapGet("/ns_lcm_op_occs/{nsLcmOpOccId}", GetOpOcc);
        api.MapPost("/ns_lcm_op_occs/{nsLcmOpOccId}/retry", Retry);
        api.MapPost("/ns_lcm_op_occs/{nsLcmOpOccId}/rollback", Rollback);
        api.MapPost("/ns_lcm_op_occs/{nsLcmOpOccId}/continue", Continue);
        api.MapPost("/ns_lcm_op_occs/{nsLcmOpOccId}/fail", Fail);
        api.MapPost("/ns_lcm_op_occs/{nsLcmOpOccId}/cancel", Cancel);
        api.MapPost("/subscriptions", Subscribe);
        api.MapGet("/subscriptions", ListSubscriptions);
        api.MapGet("/subscriptions/{subscriptionId}", GetSubscription);
        api.MapDelete("/subscriptions/{subscriptionId}", DeleteSubscription);
        api.MapMethods("/vnf_snapshots", ["GET", "POST"], () =>
        {
            throw new NotImplementedProblem("The VNF snapshots resource of NS LCM (/vnf_snapshots) is not built yet in Mano.");
        });
        api.MapMethods("/vnf_snapshots/{vnfSnapshotInfoId}", ["GET", "DELETE"], () =>
        {
            throw new NotImplementedProblem("The VNF snapshots resource of NS LCM (/vnf_snapshots) is not built yet in Mano.");
        });
        return app;
    }

    // ---- NS instances ------------------------------------------------------------------------------------------

    private static async Task<IResult> CreateNsInstance(HttpRequest http, NfvoDbContext db, TenantContext tenant, INsdSource nsds,
        NsLcmNotifier notifier, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<CreateNsRequest>();
        // SOL005 6.5.2.7: nsdId (the NsdInfo id, 6.4.2.3.1), nsName and nsDescription are mandatory.
        if (string.IsNullOrWhiteSpace(request.NsdId)) throw new BadRequestProblem("nsdId is required (SOL005 6.5.2.7).");
        if (request.NsName is null) throw new BadRequestProblem("nsName is required (SOL005 6.5.2.7).");
        if (request.NsDescription is null) throw new BadRequestProblem("nsDescription is required (SOL005 6.5.2.7).");
        var nsd = await nsds.FindAsync(request.NsdId, ct)
                  ?? throw new UnprocessableProblem($"No onboarded NSD with NsdInfo id \"{request.NsdId}\".");
        // SOL005 5.5.2.2 nsdOperationalState: a DISABLED NSD cannot be used for new NS instances.
        if (nsd.NsdOperationalState != "ENABLED")
            throw new UnprocessableProblem($"The NSD {nsd.NsdInfoId} is {nsd.NsdOperationalState}; it must be ENABLED to create an NS instance.");
        var record = new NsInstanceRecord
        {
            Id = Guid.NewGuid().ToString(),
            TenantId = tenant.Required,
            NsInstanceName = request.NsName,
            NsInstanceDescription = request.NsDescription,
            NsdId = nsd.NsdId,
            NsdInfoId = nsd.NsdInfoId,
            NsState = NsState.NotInstantiated,
            CreatedAt = DateTime.UtcNow,
        };
        db.NsInstances.Add(record);
        await notifier.QueueIdentifierAsync(db, record, NsLcmNotifier.CreationNotification, ct);
        await db.SaveChangesAsync(ct);
        await nsds.SetUsageStateAsync(nsd.NsdInfoId, inUse: true, ct);
        var body = await ToSolAsync(db, record, http, ct);
        return SolResults.Json(body, StatusCodes.Status201Created, body.Links.Self.Href);
    }

    private static async Task<IResult> ListNsInstances(HttpRequest http, NfvoDbContext db, CancellationToken ct)
    {
        // Constituent VNFs are read for the page only (one query), then mapped.
        var members = (await db.NsVnfInstances.AsNoTracking().ToListAsync(ct)).ToLookup(m => m.NsInstanceId);
        return await SolQuery.ListAsync(http, db.NsInstances.AsNoTracking(), NsLcmResources.NsInstance, r => ToSol(r, members[r.Id], http), ct);
    }

    private static async Task<IResult> GetNsInstance(string nsInstanceId, HttpRequest http, NfvoDbContext db, CancellationToken ct) =>
        SolResults.Json(await ToSolAsync(db, await FindInstance(db, nsInstanceId, ct), http, ct));

    private static async Task<IResult> DeleteNsInstance(string nsInstanceId, NfvoDbContext db, INsdSource nsds, NsLcmNotifier notifier, CancellationToken ct)
    {
        var ns = await FindInstance(db, nsInstanceId, ct);
        // SOL005 6.4.3.3.5: only a NOT_INSTANTIATED NS instance may be deleted, else 409.
        if (ns.NsState != NsState.NotInstantiated)
            throw new ConflictProblem($"NS instance {nsInstanceId} is {ns.NsState}; terminate it before deleting it.");
        if (ns.CurrentOpOccId is not null)
            throw new ConflictProblem($"NS instance {nsInstanceId} has an NS LCM operation in progress or in FAILED_TEMP ({ns.CurrentOpOccId}).");
        if (await db.NsVnfInstances.AnyAsync(v => v.NsInstanceId == ns.Id, ct))
            throw new ConflictProblem($"NS instance {nsInstanceId} still has VNF instances left by a failed operation; terminate it to remove them.");
        db.NsInstances.Remove(ns);
        await notifier.QueueIdentifierAsync(db, ns, NsLcmNotifier.DeletionNotification, ct);
        await db.SaveChangesAsync(ct);
        // SOL005 5.5.2.2 nsdUsageState: NOT_IN_USE when the last NS instance of the NSD is gone.
        if (!await db.NsInstances.AnyAsync(n => n.NsdInfoId == ns.NsdInfoId, ct))
            await nsds.SetUsageStateAsync(ns.NsdInfoId, inUse: false, ct);
        return Results.NoContent();
    }

    // ---- Operations ------------------------------------------------------------------------------------------

    private static async Task<IResult> Instantiate(string nsInstanceId, HttpRequest http, NfvoDbContext db, NsLcmPlanner planner, NsLcmNotifier notifier, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<InstantiateNsRequest>();
        var ns = await FindInstance(db, nsInstanceId, ct);
        // SOL005 6.4.4.3.1: 409 when the NS instance is already INSTANTIATED.
        if (ns.NsState != NsState.NotInstantiated) throw new ConflictProblem($"NS instance {nsInstanceId} is already INSTANTIATED.");
        if (request.StartTime is not null) throw new NotImplementedProblem("startTime (a scheduled instantiation) is not built yet in Mano; omit it to instantiate now.");
        return await StartAsync(http, db, notifier, ns, NsLcmOpType.Instantiate, request, await planner.InstantiateAsync(ns, request, ct), ct);
    }

    private static async Task<IResult> Scale(string nsInstanceId, HttpRequest http, NfvoDbContext db, NsLcmPlanner planner, NsLcmNotifier notifier, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<ScaleNsRequest>();
        var ns = await Instantiated(db, nsInstanceId, "scale", ct);
        return await StartAsync(http, db, notifier, ns, NsLcmOpType.Scale, request, await planner.ScaleAsync(ns, request, ct), ct);
    }

    private static async Task<IResult> Update(string nsInstanceId, HttpRequest http, NfvoDbContext db, NsLcmPlanner planner, NsLcmNotifier notifier, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<UpdateNsRequest>();
        var ns = await Instantiated(db, nsInstanceId, "update", ct);
        return await StartAsync(http, db, notifier, ns, NsLcmOpType.Update, request, await planner.UpdateAsync(ns, request, ct), ct);
    }

    private static async Task<IResult> Heal(string nsInstanceId, HttpRequest http, NfvoDbContext db, NsLcmPlanner planner, NsLcmNotifier notifier, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<HealNsRequest>();
        var ns = await Instantiated(db, nsInstanceId, "heal", ct);
        return await StartAsync(http, db, notifier, ns, NsLcmOpType.Heal, request, await planner.HealAsync(ns, request, ct), ct);
    }

    private static async Task<IResult> Terminate(string nsInstanceId, HttpRequest http, NfvoDbContext db, NsLcmPlanner planner, NsLcmNotifier notifier, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<TerminateNsRequest>();
        var ns = await FindInstance(db, nsInstanceId, ct);
        // SOL005 6.4.8.3.1: 409 for a NOT_INSTANTIATED NS, except one that still has VNFs left by an instantiate marked
        // FAILED (6.4.14): terminate is how they are removed (the NS stays NOT_INSTANTIATED), as for a VNF's VIM leftovers.
        if (ns.NsState != NsState.Instantiated && !await db.NsVnfInstances.AnyAsync(v => v.NsInstanceId == ns.Id, ct))
            throw new ConflictProblem($"NS instance {nsInstanceId} is NOT_INSTANTIATED; terminate needs an instantiated NS.");
        return await StartAsync(http, db, notifier, ns, NsLcmOpType.Terminate, request, await planner.TerminateAsync(ns, request, ct), ct);
    }

    internal static async Task<NsInstanceRecord> Instantiated(NfvoDbContext db, string nsInstanceId, string operation, CancellationToken ct)
    {
        var ns = await FindInstance(db, nsInstanceId, ct);
        // SOL005 6.4.5.3.1 - 6.4.8.3.1: 409 when the NS instance is NOT_INSTANTIATED.
        if (ns.NsState != NsState.Instantiated) throw new ConflictProblem($"NS instance {nsInstanceId} is NOT_INSTANTIATED; {operation} needs an instantiated NS.");
        return ns;
    }

    /// <summary>The request-thread half of every NS LCM operation (ADR-0002): op occ + notification + command in ONE transaction.</summary>
    private static async Task<IResult> StartAsync<T>(HttpRequest http, NfvoDbContext db, NsLcmNotifier notifier, NsInstanceRecord ns,
        string operation, T request, NsLcmPlan plan, CancellationToken ct)
    {
        // SOL005 6.6.2.2 / 6.4.x.3.1: one non-final operation per NS instance at a time (409).
        if (ns.CurrentOpOccId is not null)
            throw new ConflictProblem($"NS instance {ns.Id} already has an NS LCM operation in progress or in FAILED_TEMP ({ns.CurrentOpOccId}).");
        if (plan.Problems.Count > 0)
            throw new UnprocessableProblem($"The {operation} cannot be planned: {string.Join(" ", plan.Problems)}");
        var now = DateTime.UtcNow;
        var op = new NsLcmOpOccRecord
        {
            Id = Guid.NewGuid().ToString(),
            TenantId = ns.TenantId,
            NsInstanceId = ns.Id,
            LcmOperationType = operation,
            OperationState = NsLcmOperationState.Processing,
            StateEnteredTime = now,
            StartTime = now,
            OperationParams = SolJson.Serialize(request),
            Plan = SolJson.Serialize(plan),
        };
        db.NsLcmOpOccs.Add(op);
        ns.CurrentOpOccId = op.Id;
        await notifier.QueueAsync(db, op, ns, ct);
        db.AddOutboxMessage(new ExecuteNsLcmOperation(op.TenantId, op.Id));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictProblem($"NS instance {ns.Id} was changed by a concurrent request; retry.");
        }
        return SolResults.Accepted(http.Uri($"/nslcm/v2/ns_lcm_op_occs/{op.Id}"));
    }

    // ---- Op occ tasks (SOL005 6.4.11 - 6.4.15) ---------------------------------------------------------------

    private static async Task<NsLcmOpOccRecord> FindOpOcc(NfvoDbContext db, string id, CancellationToken ct) =>
        await db.NsLcmOpOccs.SingleOrDefaultAsync(o => o.Id == id, ct) ?? throw new NotFoundProblem($"No NS LCM operation occurrence {id}.");

    /// <summary>6.4.11.3.1 retry: FAILED_TEMP -> PROCESSING; failed steps run again (a failed VNF op is retried in the VNFM). 409 otherwise.</summary>
    private static async Task<IResult> Retry(string nsLcmOpOccId, NfvoDbContext db, NsLcmNotifier notifier, CancellationToken ct)
    {
        var op = await FindOpOcc(db, nsLcmOpOccId, ct);
        if (op.OperationState != NsLcmOperationState.FailedTemp)
            throw new ConflictProblem($"NS op occ {op.Id} is {op.OperationState}; only a FAILED_TEMP operation can be retried.");
        var plan = SolJson.Deserialize<NsLcmPlan>(op.Plan);
        if (plan.RollbackSteps is not null)
            throw new ConflictProblem($"NS op occ {op.Id} failed while rolling back; roll it back again or mark it failed.");
        foreach (var s in plan.Steps.Where(s => s.Status == NsStepStatus.Failed)) (s.Status, s.Error) = (NsStepStatus.Pending, null);
        await ResumeAsync(db, notifier, op, plan, NsLcmOperationState.Processing, ct);
        return Results.Accepted();
    }

    /// <summary>
    /// 6.4.13.3.1 continue: FAILED_TEMP -> PROCESSING; the operation goes on WITHOUT the failed steps: they and every step
    /// that waits on them (transitively) are SKIPPED, the rest runs. An op that ends with skipped steps is
    /// PARTIALLY_COMPLETED (6.5.4.6, "partially completed with acceptable errors") and keeps the original error. 409 otherwise.
    /// </summary>
    private static async Task<IResult> Continue(string nsLcmOpOccId, NfvoDbContext db, NsLcmNotifier notifier, CancellationToken ct)
    {
        var op = await FindOpOcc(db, nsLcmOpOccId, ct);
        if (op.OperationState != NsLcmOperationState.FailedTemp)
            throw new ConflictProblem($"NS op occ {op.Id} is {op.OperationState}; only a FAILED_TEMP operation can be continued.");
        var plan = SolJson.Deserialize<NsLcmPlan>(op.Plan);
        if (plan.RollbackSteps is not null)
            throw new ConflictProblem($"NS op occ {op.Id} failed while rolling back; roll it back again or mark it failed.");
        NsLcmPlans.SkipFailed(plan);
        await ResumeAsync(db, notifier, op, plan, NsLcmOperationState.Processing, ct, keepError: true);
        return Results.Accepted();
    }

    /// <summary>6.4.12.3.1 rollback: FAILED_TEMP -> ROLLING_BACK; undoes what this op created (VNFs terminated and deleted, NS VLs deleted).</summary>
    private static async Task<IResult> Rollback(string nsLcmOpOccId, NfvoDbContext db, NsLcmNotifier notifier, CancellationToken ct)
    {
        var op = await FindOpOcc(db, nsLcmOpOccId, ct);
        if (op.OperationState != NsLcmOperationState.FailedTemp)
            throw new ConflictProblem($"NS op occ {op.Id} is {op.OperationState}; only a FAILED_TEMP operation can be rolled back.");
        var plan = SolJson.Deserialize<NsLcmPlan>(op.Plan);
        foreach (var s in plan.RollbackSteps?.Where(s => s.Status == NsStepStatus.Failed) ?? []) (s.Status, s.Error) = (NsStepStatus.Pending, null);
        await ResumeAsync(db, notifier, op, plan, NsLcmOperationState.RollingBack, ct);
        return Results.Accepted();
    }

    /// <summary>6.4.14.3.1 fail: FAILED_TEMP -> FAILED (final); the NS instance is free again. 200 with the op occ.</summary>
    private static async Task<IResult> Fail(string nsLcmOpOccId, HttpRequest http, NfvoDbContext db, NsLcmNotifier notifier, CancellationToken ct)
    {
        var op = await FindOpOcc(db, nsLcmOpOccId, ct);
        if (op.OperationState != NsLcmOperationState.FailedTemp)
            throw new ConflictProblem($"NS op occ {op.Id} is {op.OperationState}; only a FAILED_TEMP operation can be marked FAILED.");
        var ns = await db.NsInstances.SingleAsync(n => n.Id == op.NsInstanceId, ct);
        NsLcmStateMachine.Transition(op, NsLcmOperationState.Failed, DateTime.UtcNow);
        if (ns.CurrentOpOccId == op.Id) ns.CurrentOpOccId = null;
        await notifier.QueueAsync(db, op, ns, ct);
        await notifier.QueueChangesAsync(db, op, ns, ct);
        await SaveOrConflictAsync(db, op.Id, ct);
        return SolResults.Json(ToSol(op, http));
    }

    /// <summary>6.4.15.3.1 cancel (PROCESSING or ROLLING_BACK, else 409): the engine starts no further step and ends the op FAILED_TEMP.</summary>
    private static async Task<IResult> Cancel(string nsLcmOpOccId, HttpRequest http, NfvoDbContext db, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<CancelMode>();
        if (request.Mode is not ("GRACEFUL" or "FORCEFUL")) throw new BadRequestProblem("cancelMode must be GRACEFUL or FORCEFUL (SOL005 6.5.4.5).");
        var op = await FindOpOcc(db, nsLcmOpOccId, ct);
        if (op.OperationState is not (NsLcmOperationState.Processing or NsLcmOperationState.RollingBack))
            throw new ConflictProblem($"NS op occ {op.Id} is {op.OperationState}; only a PROCESSING or ROLLING_BACK operation can be cancelled.");
        if (op.IsCancelPending) throw new ConflictProblem($"NS op occ {op.Id} is already being cancelled ({op.CancelMode}).");
        op.IsCancelPending = true;
        op.CancelMode = request.Mode;
        db.AddOutboxMessage(new ExecuteNsLcmOperation(op.TenantId, op.Id));
        await SaveOrConflictAsync(db, op.Id, ct);
        return Results.Accepted();
    }

    private static async Task ResumeAsync(NfvoDbContext db, NsLcmNotifier notifier, NsLcmOpOccRecord op, NsLcmPlan plan, string to,
        CancellationToken ct, bool keepError = false)
    {
        var ns = await db.NsInstances.SingleAsync(n => n.Id == op.NsInstanceId, ct);
        NsLcmStateMachine.Transition(op, to, DateTime.UtcNow);
        if (!keepError) op.Error = null; // continue keeps the original failure: the op reports it when PARTIALLY_COMPLETED
        op.LockedUntil = null;
        op.Plan = SolJson.Serialize(plan);
        await notifier.QueueAsync(db, op, ns, ct);
        db.AddOutboxMessage(new ExecuteNsLcmOperation(op.TenantId, op.Id));
        await SaveOrConflictAsync(db, op.Id, ct);
    }

    private static async Task SaveOrConflictAsync(NfvoDbContext db, string opOccId, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictProblem($"NS op occ {opOccId} was changed concurrently; read it again.");
        }
    }

    private static Task<IResult> ListOpOccs(HttpRequest http, NfvoDbContext db, CancellationToken ct) =>
        SolQuery.ListAsync(http, db.NsLcmOpOccs.AsNoTracking(), NsLcmResources.NsLcmOpOcc, r => ToSol(r, http), ct);

    private static async Task<IResult> GetOpOcc(string nsLcmOpOccId, HttpRequest http, NfvoDbContext db, CancellationToken ct)
    {
        var record = await db.NsLcmOpOccs.AsNoTracking().SingleOrDefaultAsync(o => o.Id == nsLcmOpOccId, ct)
                     ?? throw new NotFoundProblem($"No NS LCM operation occurrence {nsLcmOpOccId}.");
        return SolResults.Json(ToSol(record, http));
    }

    // ---- Subscriptions ---------------------------------------------------------------------------------------

    private static async Task<IResult> Subscribe(HttpRequest http, NfvoDbContext db, TenantContext tenant, IHttpClientFactory clients, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<NsLccnSubscriptionRequest>();
        if (!System.Uri.TryCreate(request.CallbackUri, UriKind.Absolute, out var callback) || (callback.Scheme != "http" && callback.Scheme != "https"))
            throw new BadRequestProblem("callbackUri must be an absolute http(s) URI (SOL005 6.5.2.2).");
        if (request.Verbosity is not (null or "FULL" or "SHORT")) throw new BadRequestProblem("verbosity must be FULL or SHORT.");
        SubscriberAuth.Validate(request.Authentication);
        var authentication = request.Authentication is null ? null : SolJson.Serialize(request.Authentication);
        // SOL005 6.4.16.3.1: the NFVO tests the callback (GET, expecting 204) before creating the subscription.
        await SubscriberAuth.TestCallbackAsync(clients.CreateClient(NotificationDispatcher<NfvoDbContext>.HttpClientName), request.CallbackUri!, authentication, ct);
        var record = new NsLcmSubscriptionRecord
        {
            Id = Guid.NewGuid().ToString(),
            TenantId = tenant.Required,
            CallbackUri = request.CallbackUri!,
            Filter = request.Filter is null ? null : SolJson.Serialize(request.Filter),
            Authentication = authentication,
            Verbosity = request.Verbosity ?? "FULL",
            CreatedAt = DateTime.UtcNow,
        };
        db.NsLcmSubscriptions.Add(record);
        await db.SaveChangesAsync(ct);
        var body = ToSol(record, http);
        return SolResults.Json(body, StatusCodes.Status201Created, body.Links.Self.Href);
    }

    private static Task<IResult> ListSubscriptions(HttpRequest http, NfvoDbContext db, CancellationToken ct) =>
        SolQuery.ListAsync(http, db.NsLcmSubscriptions.AsNoTracking(), NsLcmResources.LccnSubscription, r => ToSol(r, http), ct);

    private static async Task<IResult> GetSubscription(string subscriptionId, HttpRequest http, NfvoDbContext db, CancellationToken ct) =>
        SolResults.Json(ToSol(await db.NsLcmSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == subscriptionId, ct)
                              ?? throw new NotFoundProblem($"No subscription {subscriptionId}."), http));

    private static async Task<IResult> DeleteSubscription(string subscriptionId, NfvoDbContext db, CancellationToken ct)
    {
        var record = await db.NsLcmSubscriptions.SingleOrDefaultAsync(s => s.Id == subscriptionId, ct)
                     ?? throw new NotFoundProblem($"No subscription {subscriptionId}.");
        db.NsLcmSubscriptions.Remove(record);
        await db.DropUndeliveredNotificationsAsync(record.TenantId, subscriptionId, ct);
        await db.SaveChangesAsync(ct);
        return Results.NoContent();
    }

    // ---- Mapping ---------------------------------------------------------------------------------------------

    internal static async Task<NsInstanceRecord> FindInstance(NfvoDbContext db, string id, CancellationToken ct) =>
        await db.NsInstances.SingleOrDefaultAsync(i => i.Id == id, ct) ?? throw new NotFoundProblem($"No NS instance {id}.");

    private static async Task<NsInstance> ToSolAsync(NfvoDbContext db, NsInstanceRecord r, HttpRequest http, CancellationToken ct) =>
        ToSol(r, await db.NsVnfInstances.AsNoTracking().Where(v => v.NsInstanceId == r.Id).OrderBy(v => v.CreatedAt).ToListAsync(ct), http);

    public static NsInstance ToSol(NsInstanceRecord r, IEnumerable<NsVnfInstanceRecord> vnfs, HttpRequest http)
    {
        var self = http.Uri($"/nslcm/v2/ns_instances/{r.Id}");
        var instantiated = r.NsState == NsState.Instantiated;
        var vls = NsLcmPlanner.VirtualLinksOf(r);
        var vnfList = vnfs.Select(ToSol).ToList();
        return new NsInstance
        {
            Id = r.Id,
            NsInstanceName = r.NsInstanceName,
            NsInstanceDescription = r.NsInstanceDescription,
            NsdId = r.NsdId,
            NsdInfoId = r.NsdInfoId,
            FlavourId = r.FlavourId,
            NsState = r.NsState,
            VnfInstance = vnfList.Count == 0 ? null : vnfList,
            VirtualLinkInfo = vls.Count == 0 ? null : vls.Select(v => new NsVirtualLinkInfo
            {
                Id = v.Id, NsVirtualLinkDescId = v.NsVirtualLinkDescId, NsVirtualLinkProfileId = v.NsVirtualLinkDescId,
                ResourceHandle = [new ResourceHandle { VimConnectionId = v.VimId, ResourceId = v.ResourceId, VimLevelResourceType = "network" }],
            }).ToList(),
            SapInfo = r.SapInfo is null ? null : SolJson.Deserialize<List<SapInfo>>(r.SapInfo),
            NsScaleStatus = r.NsScaleStatus is null ? null : SolJson.Deserialize<List<NsScaleInfo>>(r.NsScaleStatus),
            Links = new NsInstanceLinks
            {
                Self = new Link(self),
                Instantiate = instantiated ? null : new Link($"{self}/instantiate"),
                Terminate = instantiated ? new Link($"{self}/terminate") : null,
                Update = instantiated ? new Link($"{self}/update") : null,
                Scale = instantiated ? new Link($"{self}/scale") : null,
                Heal = instantiated ? new Link($"{self}/heal") : null,
            },
        };
    }

    /// <summary>SOL005 6.5.3.57 from the VNFM's SOL003 VnfInstance (vnfPkgId and vimId added by the NFVO).</summary>
    private static NsVnfInstance ToSol(NsVnfInstanceRecord m)
    {
        var v = m.VnfInstance is null ? new JsonObject() : JsonNode.Parse(m.VnfInstance)!.AsObject();
        string S(string name) => v[name]?.GetValue<string>() ?? "";
        return new NsVnfInstance
        {
            Id = m.VnfInstanceId,
            VnfInstanceName = v["vnfInstanceName"]?.GetValue<string>(),
            VnfInstanceDescription = v["vnfInstanceDescription"]?.GetValue<string>(),
            VnfdId = m.VnfdId,
            VnfProvider = S("vnfProvider"),
            VnfProductName = S("vnfProductName"),
            VnfSoftwareVersion = S("vnfSoftwareVersion"),
            VnfdVersion = S("vnfdVersion"),
            VnfPkgId = v["vnfPkgId"]?.GetValue<string>() ?? "",
            VimId = m.VimId,
            InstantiationState = v["instantiationState"]?.GetValue<string>() ?? InstantiationState.NotInstantiated,
            InstantiatedVnfInfo = v["instantiatedVnfInfo"]?.DeepClone().AsObject(),
            Metadata = v["metadata"]?.DeepClone().AsObject(),
        };
    }

    public static NsLcmOpOcc ToSol(NsLcmOpOccRecord r, HttpRequest http)
    {
        var self = http.Uri($"/nslcm/v2/ns_lcm_op_occs/{r.Id}");
        var running = r.OperationState is NsLcmOperationState.Processing or NsLcmOperationState.RollingBack;
        var failedTemp = r.OperationState == NsLcmOperationState.FailedTemp;
        return new NsLcmOpOcc
        {
            Id = r.Id,
            OperationState = r.OperationState,
            StateEnteredTime = r.StateEnteredTime,
            NsInstanceId = r.NsInstanceId,
            LcmOperationType = r.LcmOperationType,
            StartTime = r.StartTime,
            IsAutomaticInvocation = r.IsAutomaticInvocation,
            OperationParams = r.OperationParams is null ? null : JsonNode.Parse(r.OperationParams),
            IsCancelPending = r.IsCancelPending,
            CancelMode = r.IsCancelPending ? r.CancelMode : null,
            Error = r.Error is null ? null : SolJson.Deserialize<ProblemDetails>(r.Error),
            ResourceChanges = NsLcmResults.ResourceChanges(r),
            Warnings = SolJson.Deserialize<NsLcmPlan>(r.Plan).Warnings is { Count: > 0 } w ? w : null,
            Links = new NsLcmOpOccLinks
            {
                Self = new Link(self),
                NsInstance = new Link(http.Uri($"/nslcm/v2/ns_instances/{r.NsInstanceId}")),
                Cancel = running ? new Link($"{self}/cancel") : null,
                Retry = failedTemp ? new Link($"{self}/retry") : null,
                Continue = failedTemp ? new Link($"{self}/continue") : null,
                Rollback = failedTemp ? new Link($"{self}/rollback") : null,
                Fail = failedTemp ? new Link($"{self}/fail") : null,
            },
        };
    }

    public static NsLccnSubscription ToSol(NsLcmSubscriptionRecord r, HttpRequest http) => new()
    {
        Id = r.Id,
        Filter = r.Filter is null ? null : SolJson.Deserialize<NsNotificationsFilter>(r.Filter),
        CallbackUri = r.CallbackUri,
        Verbosity = r.Verbosity,
        Links = new SelfLinks(new Link(http.Uri($"/nslcm/v2/subscriptions/{r.Id}"))),
    };
}

/// <summary>SOL013 query descriptions of the NS LCM resources (ADR-0007).</summary>
public static class NsLcmResources
{
    /// <summary>SOL005 6.5.2.10 NsInstance (GET /nslcm/v2/ns_instances, 6.4.2.3.2).</summary>
    public static readonly SolResource NsInstance = new SolResource("NsInstance")
        .Column("id", "Id")
        .Column("nsInstanceName", "NsInstanceName")
        .Column("nsInstanceDescription", "NsInstanceDescription")
        .Column("nsdId", "NsdId")
        .Column("nsdInfoId", "NsdInfoId")
        .Column("flavourId", "FlavourId")
        .Column("nsState", "NsState", SolAttributeType.Enum)
        .SortBy("CreatedAt", "Id")
        .Selectors(
            defaultExcluded: ["vnfInstance", "pnfInfo", "virtualLinkInfo", "vnffgInfo", "sapInfo", "nsScaleStatus", "additionalAffinityOrAntiAffinityRule", "wanConnectionInfo"],
            optionalComplex: [],
            topLevel: ["id", "nsInstanceName", "nsInstanceDescription", "nsdId", "nsdInfoId", "flavourId", "nsState", "_links"]);

    /// <summary>SOL005 6.5.2.3 NsLcmOpOcc (GET /nslcm/v2/ns_lcm_op_occs, 6.4.9.3.2).</summary>
    public static readonly SolResource NsLcmOpOcc = new SolResource("NsLcmOpOcc")
        .Column("id", "Id")
        .Column("operationState", "OperationState", SolAttributeType.Enum)
        .Column("stateEnteredTime", "StateEnteredTime", SolAttributeType.DateTime)
        .Column("startTime", "StartTime", SolAttributeType.DateTime)
        .Column("nsInstanceId", "NsInstanceId")
        .Column("lcmOperationType", "LcmOperationType", SolAttributeType.Enum)
        .Column("isAutomaticInvocation", "IsAutomaticInvocation", SolAttributeType.Boolean)
        .Column("isCancelPending", "IsCancelPending", SolAttributeType.Boolean)
        .Json("operationParams", "OperationParams")
        .Json("error", "Error", ("status", SolAttributeType.Number), ("detail", SolAttributeType.String))
        .SortBy("StartTime", "Id")
        .Selectors(
            defaultExcluded: ["operationParams", "error", "resourceChanges", "lcmCoordinations", "rejectedLcmCoordinations", "warnings"],
            optionalComplex: [],
            topLevel: ["id", "operationState", "stateEnteredTime", "statusEnteredTime", "nsInstanceId", "lcmOperationType", "startTime",
                "isAutomaticInvocation", "isCancelPending", "cancelMode", "_links"]);

    /// <summary>SOL005 6.5.2.4 LccnSubscription (GET /nslcm/v2/subscriptions, 6.4.16.3.2).</summary>
    public static readonly SolResource LccnSubscription = new SolResource("LccnSubscription")
        .Column("id", "Id")
        .Column("callbackUri", "CallbackUri")
        .Column("verbosity", "Verbosity", SolAttributeType.Enum)
        .Json("filter", "Filter")
        .SortBy("CreatedAt", "Id");
}
