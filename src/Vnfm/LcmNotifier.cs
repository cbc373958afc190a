using Mano.Common;
using Mano.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Mano.Vnfm;

public sealed class VnfmOptions
{
    /// <summary>The VNFM API root as subscribers and the NFVO reach it (for _links); from Mano:PublicUrl.</summary>
    public string ApiRoot { get; set; } = "http://127.0.0.1:9890";
}

/// <summary>
/// Queues SOL003 5.5.2.17 VnfLcmOperationOccurrenceNotification for every matching subscription (5.5.3.12 filter),
/// in the caller's DbContext: the notification commits with the state change it reports, or not at all.
/// </summary>
public sealed class LcmNotifier(VnfmOptions options)
{
    public const string OpOccNotification = "VnfLcmOperationOccurrenceNotification";

    public async Task QueueAsync(VnfmDbContext db, VnfLcmOpOccRecord op, VnfInstanceRecord instance, CancellationToken ct)
    {
        var subscriptions = await db.Subscriptions.AsNoTracking().Where(s => s.TenantId == op.TenantId).ToListAsync(ct);
        var now = DateTime.UtcNow;
        foreach (var s in subscriptions)
        {
            var filter = s.Filter is null ? null : SolJson.Deserialize<LifecycleChangeNotificationsFilter>(s.Filter);
            if (!Matches(filter, op, instance)) continue;
            var full = s.Verbosity != "SHORT";
            var changes = full && op.ResourceChanges is not null ? SolJson.Deserialize<ResourceChanges>(op.ResourceChanges) : null;
            var notification = new VnfLcmOperationOccurrenceNotification
            {
                Id = Guid.NewGuid().ToString(),
                SubscriptionId = s.Id,
                TimeStamp = now,
                NotificationStatus = LcmStateMachine.NotificationStatus(op.OperationState),
                OperationState = op.OperationState,
                VnfInstanceId = op.VnfInstanceId,
                Operation = op.Operation,
                IsAutomaticInvocation = op.IsAutomaticInvocation,
                Verbosity = s.Verbosity,
                VnfLcmOpOccId = op.Id,
                AffectedVnfcs = changes?.AffectedVnfcs,
                AffectedVirtualLinks = changes?.AffectedVirtualLinks,
                AffectedVirtualStorages = changes?.AffectedVirtualStorages,
                Error = op.Error is null ? null : SolJson.Deserialize<ProblemDetails>(op.Error),
                Links = new LccnLinks(
                    new NotificationLink($"{options.ApiRoot}/vnflcm/v2/vnf_instances/{op.VnfInstanceId}"),
                    new NotificationLink($"{options.ApiRoot}/vnflcm/v2/subscriptions/{s.Id}"),
                    new NotificationLink($"{options.ApiRoot}/vnflcm/v2/vnf_lcm_op_occs/{op.Id}")),
            };
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

    public static bool Matches(LifecycleChangeNotificationsFilter? filter, VnfLcmOpOccRecord op, VnfInstanceRecord instance)
    {
        if (filter is null) return true;
        if (filter.NotificationTypes is { Count: > 0 } types && !types.Contains(OpOccNotification)) return false;
        if (filter.OperationTypes is { Count: > 0 } ops && !ops.Contains(op.Operation)) return false;
        if (filter.OperationStates is { Count: > 0 } states && !states.Contains(op.OperationState)) return false;
        if (filter.VnfInstanceSubscriptionFilter is { } f)
        {
            if (f.VnfdIds is { Count: > 0 } vnfdIds && !vnfdIds.Contains(instance.VnfdId)) return false;
            if (f.VnfInstanceIds is { Count: > 0 } ids && !ids.Contains(instance.Id)) return false;
            if (f.VnfInstanceNames is { Count: > 0 } names && (instance.VnfInstanceName is null || !names.Contains(instance.VnfInstanceName))) return false;
        }
        return true;
    }
}
