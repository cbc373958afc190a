using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.NsLcm;
using Microsoft.EntityFrameworkCore;
using LccnLinks = Mano.Contracts.NsLcm.LccnLinks;
using LifecycleChangeNotificationsFilter = Mano.Contracts.NsLcm.LifecycleChangeNotificationsFilter;

namespace Mano.Nfvo;

/// <summary>
/// SOL005 6.6.2.2 (figure 6.6.2.2-1), the states of an NS LCM operation occurrence and the transitions between them.
/// Every change of <see cref="NsLcmOpOccRecord.OperationState"/> goes through <see cref="Transition"/>. An NS op occ
/// is created PROCESSING (SOL005 has no STARTING state for NS LCM).
/// </summary>
public static class NsLcmStateMachine
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        // PROCESSING -> PARTIALLY_COMPLETED: an op continued past failed steps (6.4.13) ends with them skipped (6.5.4.6).
        [NsLcmOperationState.Processing] = [NsLcmOperationState.Completed, NsLcmOperationState.PartiallyCompleted, NsLcmOperationState.FailedTemp],
        // FAILED_TEMP -> PROCESSING is "retry" (6.4.11) or "continue" (6.4.13), -> ROLLING_BACK "rollback", -> FAILED "fail".
        [NsLcmOperationState.FailedTemp] = [NsLcmOperationState.Processing, NsLcmOperationState.RollingBack, NsLcmOperationState.Failed],
        [NsLcmOperationState.RollingBack] = [NsLcmOperationState.RolledBack, NsLcmOperationState.FailedTemp],
        [NsLcmOperationState.Completed] = [],
        [NsLcmOperationState.PartiallyCompleted] = [],
        [NsLcmOperationState.Failed] = [],
        [NsLcmOperationState.RolledBack] = [],
    };

    public static bool CanTransition(string from, string to) => Allowed.TryGetValue(from, out var next) && next.Contains(to);

    public static void Transition(NsLcmOpOccRecord op, string to, DateTime now)
    {
        if (!CanTransition(op.OperationState, to))
            throw new InvalidOperationException($"NS LCM op occ {op.Id}: {op.OperationState} -> {to} is not a SOL005 transition.");
        op.OperationState = to;
        op.StateEnteredTime = now;
    }

    /// <summary>SOL005 6.5.2.5 notificationStatus: START when the operation starts (or resumes), RESULT for what it came to.</summary>
    public static string NotificationStatus(string state) =>
        state is NsLcmOperationState.Processing or NsLcmOperationState.RollingBack ? "START" : "RESULT";
}

/// <summary>
/// Queues SOL005 6.5.2.5 NsLcmOperationOccurrenceNotification and 6.5.2.6/6.5.2.7 NsIdentifierCreation/Deletion
/// notifications for every matching subscription (6.5.3.8 filter), in the caller's DbContext: a notification commits
/// with the state change it reports, or not at all; the NFVO's NotificationDispatcher delivers it durably (ADR-0005).
/// </summary>
public sealed class NsLcmNotifier(NfvoOptions options)
{
    public const string OpOccNotification = "NsLcmOperationOccurrenceNotification";
    public const string CreationNotification = "NsIdentifierCreationNotification";
    public const string DeletionNotification = "NsIdentifierDeletionNotification";
    public const string ChangeNotification = "NsChangeNotification";

    public async Task QueueIdentifierAsync(NfvoDbContext db, NsInstanceRecord ns, string notificationType, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        foreach (var s in await db.NsLcmSubscriptions.AsNoTracking().Where(s => s.TenantId == ns.TenantId).ToListAsync(ct))
        {
            var filter = s.Filter is null ? null : SolJson.Deserialize<LifecycleChangeNotificationsFilter>(s.Filter);
            if (filter?.NotificationTypes is { Count: > 0 } types && !types.Contains(notificationType)) continue;
            if (!MatchesInstance(filter?.NsInstanceSubscriptionFilter, ns)) continue;
            Queue(db, s, ns.TenantId, notificationType, now, new NsIdentifierNotification
            {
                Id = Guid.NewGuid().ToString(),
                NotificationType = notificationType,
                SubscriptionId = s.Id,
                Timestamp = now,
                NsInstanceId = ns.Id,
                Links = Links(ns.Id, s.Id, null),
            });
        }
    }

    public async Task QueueAsync(NfvoDbContext db, NsLcmOpOccRecord op, NsInstanceRecord ns, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        foreach (var s in await db.NsLcmSubscriptions.AsNoTracking().Where(s => s.TenantId == op.TenantId).ToListAsync(ct))
        {
            var filter = s.Filter is null ? null : SolJson.Deserialize<LifecycleChangeNotificationsFilter>(s.Filter);
            if (!Matches(filter, op, ns)) continue;
            var full = s.Verbosity != "SHORT";
            var changes = full ? NsLcmResults.ResourceChanges(op) : null;
            Queue(db, s, op.TenantId, OpOccNotification, now, new NsLcmOperationOccurrenceNotification
            {
                Id = Guid.NewGuid().ToString(),
                NsInstanceId = op.NsInstanceId,
                NsLcmOpOccId = op.Id,
                Operation = op.LcmOperationType,
                SubscriptionId = s.Id,
                Timestamp = now,
                NotificationStatus = NsLcmStateMachine.NotificationStatus(op.OperationState),
                OperationState = op.OperationState,
                IsAutomaticInvocation = op.IsAutomaticInvocation,
                Verbosity = s.Verbosity,
                AffectedVnf = changes?.AffectedVnfs,
                AffectedVl = changes?.AffectedVls,
                Error = op.Error is null ? null : SolJson.Deserialize<ProblemDetails>(op.Error),
                Links = Links(op.NsInstanceId, s.Id, op.Id),
            });
        }
    }

    /// <summary>
    /// SOL005 6.5.2.8 NsChangeNotification, one per constituent VNF the op added, removed or changed (its resourceChanges),
    /// when the op reaches a final state. The NS op is the "lcm operation impacting the NS component"; its final state
    /// the status (GS table 6.5.4.7-1); error only for PARTIALLY_COMPLETED and FAILED. One id per component change, the
    /// same for every subscription (6.5.2.8 id).
    /// </summary>
    public async Task QueueChangesAsync(NfvoDbContext db, NsLcmOpOccRecord op, NsInstanceRecord ns, CancellationToken ct)
    {
        if (!NsLcmOperationState.IsFinal(op.OperationState)) return;
        var vnfs = NsLcmResults.ResourceChanges(op)?.AffectedVnfs?.Select(v => v.VnfInstanceId).Distinct().ToList() ?? [];
        if (vnfs.Count == 0) return;
        var opName = $"NS_{op.LcmOperationType}"; // NsLcmOpType INSTANTIATE, SCALE, UPDATE, TERMINATE, HEAL -> NS_*
        var error = op.OperationState is NsLcmOperationState.PartiallyCompleted or NsLcmOperationState.Failed && op.Error is not null
            ? SolJson.Deserialize<ProblemDetails>(op.Error) : null;
        var subscriptions = new List<NsLcmSubscriptionRecord>();
        foreach (var s in await db.NsLcmSubscriptions.AsNoTracking().Where(s => s.TenantId == op.TenantId).ToListAsync(ct))
        {
            var filter = s.Filter is null ? null : SolJson.Deserialize<LifecycleChangeNotificationsFilter>(s.Filter);
            if (filter?.NotificationTypes is { Count: > 0 } types && !types.Contains(ChangeNotification)) continue;
            if (filter?.NsComponentTypes is { Count: > 0 } kinds && !kinds.Contains("VNF")) continue;
            if (filter?.LcmOpNameImpactingNsComponent is { Count: > 0 } names && !names.Contains(opName)) continue;
            if (filter?.LcmOpOccStatusImpactingNsComponent is { Count: > 0 } states && !states.Contains(op.OperationState)) continue;
            if (!MatchesInstance(filter?.NsInstanceSubscriptionFilter, ns)) continue;
            subscriptions.Add(s);
        }
        var now = DateTime.UtcNow;
        foreach (var vnf in vnfs)
        {
            var id = Guid.NewGuid().ToString();
            foreach (var s in subscriptions)
                Queue(db, s, op.TenantId, ChangeNotification, now, new NsChangeNotification
                {
                    Id = id,
                    NsInstanceId = op.NsInstanceId,
                    NsComponentType = "VNF",
                    NsComponentId = vnf,
                    LcmOpOccIdImpactingNsComponent = op.Id,
                    LcmOpNameImpactingNsComponent = opName,
                    LcmOpOccStatusImpactingNsComponent = op.OperationState,
                    SubscriptionId = s.Id,
                    Timestamp = now,
                    Error = error,
                    Links = Links(op.NsInstanceId, s.Id, op.Id),
                });
        }
    }

    private LccnLinks Links(string nsInstanceId, string subscriptionId, string? opOccId) => new(
        new NotificationLink($"{options.ApiRoot}/nslcm/v2/ns_instances/{nsInstanceId}"),
        new NotificationLink($"{options.ApiRoot}/nslcm/v2/subscriptions/{subscriptionId}"),
        opOccId is null ? null : new NotificationLink($"{options.ApiRoot}/nslcm/v2/ns_lcm_op_occs/{opOccId}"));

    private static void Queue<T>(NfvoDbContext db, NsLcmSubscriptionRecord s, string tenantId, string type, DateTime now, T notification) =>
        db.NotificationDeliveries.Add(new NotificationDelivery
        {
            TenantId = tenantId,
            SubscriptionId = s.Id,
            CallbackUri = s.CallbackUri,
            Authentication = s.Authentication,
            NotificationType = type,
            Payload = SolJson.Serialize(notification),
            CreatedAt = now,
            NextAttemptAt = now,
        });

    public static bool Matches(LifecycleChangeNotificationsFilter? filter, NsLcmOpOccRecord op, NsInstanceRecord ns)
    {
        if (filter is null) return true;
        if (filter.NotificationTypes is { Count: > 0 } types && !types.Contains(OpOccNotification)) return false;
        if (filter.OperationTypes is { Count: > 0 } ops && !ops.Contains(op.LcmOperationType)) return false;
        if (filter.OperationStates is { Count: > 0 } states && !states.Contains(op.OperationState)) return false;
        return MatchesInstance(filter.NsInstanceSubscriptionFilter, ns);
    }

    private static bool MatchesInstance(NsInstanceSubscriptionFilter? f, NsInstanceRecord ns)
    {
        if (f is null) return true;
        if (f.NsdIds is { Count: > 0 } nsdIds && !nsdIds.Contains(ns.NsdId)) return false;
        if (f.NsInstanceIds is { Count: > 0 } ids && !ids.Contains(ns.Id)) return false;
        if (f.NsInstanceNames is { Count: > 0 } names && !names.Contains(ns.NsInstanceName)) return false;
        return true;
    }
}

/// <summary>What an NS op occ reports of its plan: SOL005 6.5.2.3 resourceChanges from the steps' state.</summary>
public static class NsLcmResults
{
    public static NsResourceChanges? ResourceChanges(NsLcmOpOccRecord op)
    {
        var plan = SolJson.Deserialize<NsLcmPlan>(op.Plan);
        var rolledBack = op.OperationState == NsLcmOperationState.RolledBack;
        var vnfs = new List<AffectedVnf>();
        foreach (var s in plan.Steps.Where(s => s.VnfInstanceId is not null && s.Kind is NsStepKind.VnfOperation or NsStepKind.CreateVnf or NsStepKind.DeleteVnf))
        {
            if (s.Status == NsStepStatus.Pending) continue;
            var changeType = s.Kind switch
            {
                NsStepKind.CreateVnf => "ADD",
                NsStepKind.DeleteVnf => "REMOVE",
                _ => s.Operation switch
                {
                    Contracts.Messages.VnfLcmOperations.Instantiate => "INSTANTIATE",
                    Contracts.Messages.VnfLcmOperations.Terminate => "TERMINATE",
                    Contracts.Messages.VnfLcmOperations.Scale or Contracts.Messages.VnfLcmOperations.ScaleToLevel => "SCALE",
                    Contracts.Messages.VnfLcmOperations.Heal => "HEAL",
                    Contracts.Messages.VnfLcmOperations.ChangeFlavour => "CHANGE_FLAVOUR",
                    Contracts.Messages.VnfLcmOperations.Modify => "MODIFY_INFORMATION",
                    Contracts.Messages.VnfLcmOperations.ChangeExtConn => "CHANGE_EXTERNAL_VNF_CONNECTIVITY",
                    _ => "OPERATE",
                },
            };
            // SOL005 6.5.3.2 changeResult: COMPLETED, ROLLED_BACK or FAILED. A step still running is reported when it ends.
            // A step skipped by "continue" (6.4.13) is reported FAILED when it had failed, not at all when it never ran.
            var result = s.Status switch
            {
                NsStepStatus.Done => rolledBack ? "ROLLED_BACK" : "COMPLETED",
                NsStepStatus.Failed => rolledBack ? "ROLLED_BACK" : "FAILED",
                NsStepStatus.Skipped when s.Error is not null => "FAILED",
                _ => null,
            };
            if (result is null) continue;
            vnfs.Add(new AffectedVnf
            {
                VnfInstanceId = s.VnfInstanceId!, VnfdId = s.VnfdId ?? "", VnfProfileId = s.VnfProfileId ?? "",
                VnfName = s.VnfKey ?? s.VnfInstanceId!, ChangeType = changeType, ChangeResult = result,
            });
        }
        var vls = new List<AffectedVl>();
        foreach (var s in plan.Steps.Where(s => s.Kind is NsStepKind.CreateNsVls or NsStepKind.DeleteNsVls && s.Status == NsStepStatus.Done))
            foreach (var vl in s.VirtualLinkDescIds ?? [])
                vls.Add(new AffectedVl
                {
                    NsVirtualLinkInstanceId = vl, NsVirtualLinkDescId = vl, VlProfileId = vl,
                    ChangeType = s.Kind == NsStepKind.CreateNsVls ? "ADD" : "DELETE",
                    ChangeResult = rolledBack ? "ROLLED_BACK" : "COMPLETED",
                });
        return vnfs.Count == 0 && vls.Count == 0 ? null : new NsResourceChanges { AffectedVnfs = vnfs, AffectedVls = vls };
    }
}
