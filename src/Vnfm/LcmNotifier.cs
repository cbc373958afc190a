using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Microsoft.EntityFrameworkCore;

namespace Mano.Vnfm;

public sealed class VnfmOptions
{
    /// <summary>The VNFM API root as subscribers and the NFVO reach it (for _links); from Mano:PublicUrl.</summary>
    public string ApiRoot { get; set; } = "http://127.0.0.1:9890";

    /// <summary>How long a worker holds an op occ; renewed every third of it while working (Vnfm:WorkerLeaseSeconds).</summary>
    public TimeSpan WorkerLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the watchdog looks for in-flight ops with no worker (Vnfm:Watchdog:IntervalSeconds).</summary>
    public TimeSpan WatchdogInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// An op must have been in its state this long before the periodic watchdog re-sends its command
    /// (Vnfm:Watchdog:MinAgeSeconds); the start-up sweep resumes regardless of age.
    /// </summary>
    public TimeSpan WatchdogMinAge { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// Queues SOL003 5.5.2.17 VnfLcmOperationOccurrenceNotification for every matching subscription (5.5.3.12 filter),
/// in the caller's DbContext: the notification commits with the state change it reports, or not at all.
/// The same moments also put one <see cref="VnfLcmOperationOccurrenceChanged"/> bus event in the outbox, whatever the
/// subscriptions: the NFVO's NS LCM follows Mano's VNFM through it (issue 6).
/// </summary>
public sealed class LcmNotifier(VnfmOptions options)
{
    public const string OpOccNotification = "VnfLcmOperationOccurrenceNotification";
    public const string CreationNotification = "VnfIdentifierCreationNotification";
    public const string DeletionNotification = "VnfIdentifierDeletionNotification";

    /// <summary>SOL003 5.5.2.18/5.5.2.19: VnfIdentifierCreationNotification or VnfIdentifierDeletionNotification, queued in the caller's unit of work.</summary>
    public async Task QueueIdentifierAsync(VnfmDbContext db, VnfInstanceRecord instance, string notificationType, CancellationToken ct)
    {
        // The bus event first: it does not depend on subscriptions (VnfIdentifierEvent "CREATED" / "DELETED").
        db.AddOutboxMessage(new VnfLcmOperationOccurrenceChanged(instance.TenantId, instance.Id, null,
            notificationType == CreationNotification ? "CREATED" : "DELETED"));
        var subscriptions = await db.Subscriptions.AsNoTracking().Where(s => s.TenantId == instance.TenantId).ToListAsync(ct);
        var now = DateTime.UtcNow;
        foreach (var s in subscriptions)
        {
            var filter = s.Filter is null ? null : SolJson.Deserialize<LifecycleChangeNotificationsFilter>(s.Filter);
            if (filter?.NotificationTypes is { Count: > 0 } types && !types.Contains(notificationType)) continue;
            if (filter is not null && !MatchesInstance(filter.VnfInstanceSubscriptionFilter, instance)) continue;
            var notification = new VnfIdentifierNotification
            {
                Id = Guid.NewGuid().ToString(),
                NotificationType = notificationType,
                SubscriptionId = s.Id,
                TimeStamp = now,
                VnfInstanceId = instance.Id,
                Links = new LccnLinks(
                    new NotificationLink($"{options.ApiRoot}/vnflcm/v2/vnf_instances/{instance.Id}"),
                    new NotificationLink($"{options.ApiRoot}/vnflcm/v2/subscriptions/{s.Id}"),
                    null),
            };
            db.NotificationDeliveries.Add(new NotificationDelivery
            {
                TenantId = instance.TenantId,
                SubscriptionId = s.Id,
                CallbackUri = s.CallbackUri,
                Authentication = s.Authentication,
                NotificationType = notificationType,
                Payload = SolJson.Serialize(notification),
                CreatedAt = now,
                NextAttemptAt = now,
            });
        }
    }

    public async Task QueueAsync(VnfmDbContext db, VnfLcmOpOccRecord op, VnfInstanceRecord instance, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        // The bus event: FULL, for every change, in the same transaction as the change (no subscription: subscriptionId
        // is empty and the subscription link names the subscriptions collection).
        db.AddOutboxMessage(new VnfLcmOperationOccurrenceChanged(op.TenantId, op.VnfInstanceId, Build(op, now, null, full: true)));
        var subscriptions = await db.Subscriptions.AsNoTracking().Where(s => s.TenantId == op.TenantId).ToListAsync(ct);
        foreach (var s in subscriptions)
        {
            var filter = s.Filter is null ? null : SolJson.Deserialize<LifecycleChangeNotificationsFilter>(s.Filter);
            if (!Matches(filter, op, instance)) continue;
            var notification = Build(op, now, s.Id, full: s.Verbosity != "SHORT");
            db.NotificationDeliveries.Add(new NotificationDelivery
            {
                TenantId = op.TenantId,
                SubscriptionId = s.Id,
                CallbackUri = s.CallbackUri,
                Authentication = s.Authentication,
                NotificationType = OpOccNotification,
                Payload = SolJson.Serialize(notification),
                CreatedAt = now,
                NextAttemptAt = now,
            });
        }
    }

    /// <summary>SOL003 5.5.2.17 VnfLcmOperationOccurrenceNotification of the op's current state (SHORT omits the changes).</summary>
    private VnfLcmOperationOccurrenceNotification Build(VnfLcmOpOccRecord op, DateTime now, string? subscriptionId, bool full)
    {
        var changes = full && op.ResourceChanges is not null ? SolJson.Deserialize<ResourceChanges>(op.ResourceChanges) : null;
        return new VnfLcmOperationOccurrenceNotification
        {
            Id = Guid.NewGuid().ToString(),
            SubscriptionId = subscriptionId ?? "",
            TimeStamp = now,
            NotificationStatus = LcmStateMachine.NotificationStatus(op.OperationState),
            OperationState = op.OperationState,
            VnfInstanceId = op.VnfInstanceId,
            Operation = op.Operation,
            IsAutomaticInvocation = op.IsAutomaticInvocation,
            Verbosity = full ? "FULL" : "SHORT",
            VnfLcmOpOccId = op.Id,
            AffectedVnfcs = changes?.AffectedVnfcs,
            AffectedVirtualLinks = changes?.AffectedVirtualLinks,
            AffectedVirtualStorages = changes?.AffectedVirtualStorages,
            ChangedInfo = full && op.ChangedInfo is not null && op.Operation == LcmOperationType.ModifyInfo ? SolJson.Deserialize<VnfInfoModifications>(op.ChangedInfo) : null,
            ModificationsTriggeredByVnfPkgChange = full && op.ChangedInfo is not null && op.Operation == LcmOperationType.ChangeVnfpkg ? SolJson.Deserialize<ModificationsTriggeredByVnfPkgChange>(op.ChangedInfo) : null,
            ChangedExtConnectivity = full && op.ChangedExtConnectivity is not null ? SolJson.Deserialize<List<ExtVirtualLinkInfo>>(op.ChangedExtConnectivity) : null,
            Error = op.Error is null ? null : SolJson.Deserialize<ProblemDetails>(op.Error),
            Links = new LccnLinks(
                new NotificationLink($"{options.ApiRoot}/vnflcm/v2/vnf_instances/{op.VnfInstanceId}"),
                new NotificationLink(subscriptionId is null ? $"{options.ApiRoot}/vnflcm/v2/subscriptions" : $"{options.ApiRoot}/vnflcm/v2/subscriptions/{subscriptionId}"),
                new NotificationLink($"{options.ApiRoot}/vnflcm/v2/vnf_lcm_op_occs/{op.Id}")),
        };
    }

    public static bool Matches(LifecycleChangeNotificationsFilter? filter, VnfLcmOpOccRecord op, VnfInstanceRecord instance)
    {
        if (filter is null) return true;
        if (filter.NotificationTypes is { Count: > 0 } types && !types.Contains(OpOccNotification)) return false;
        if (filter.OperationTypes is { Count: > 0 } ops && !ops.Contains(op.Operation)) return false;
        if (filter.OperationStates is { Count: > 0 } states && !states.Contains(op.OperationState)) return false;
        return MatchesInstance(filter.VnfInstanceSubscriptionFilter, instance);
    }

    private static bool MatchesInstance(VnfInstanceSubscriptionFilter? f, VnfInstanceRecord instance)
    {
        if (f is not null)
        {
            if (f.VnfdIds is { Count: > 0 } vnfdIds && !vnfdIds.Contains(instance.VnfdId)) return false;
            if (f.VnfInstanceIds is { Count: > 0 } ids && !ids.Contains(instance.Id)) return false;
            if (f.VnfInstanceNames is { Count: > 0 } names && (instance.VnfInstanceName is null || !names.Contains(instance.VnfInstanceName))) return false;
        }
        return true;
    }
}
