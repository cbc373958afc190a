using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Mano.Nfvo;

/// <summary>
/// SOL005 9.5.4.5 usageState, maintained from the VNFM's <see cref="VnfPackageUsed"/> / <see cref="VnfPackageReleased"/>
/// events: one <see cref="VnfPackageUsage"/> row per (VNFD, instance), the package IN_USE while any row of its vnfdId is
/// in use. Idempotent and order-tolerant: an event older than the row's last one is ignored. usageState changes are
/// not notified (SOL005 9.5.2.9: only operationalState changes and deletion are).
/// </summary>
public sealed partial class VnfPackageUsageTracker(NfvoDbContext db, ILogger<VnfPackageUsageTracker> logger)
{
    // Usage events are rare; applying them one at a time per process removes the in-process races between events of
    // different instances of one VNFD. Across NFVO replicas the package row's optimistic concurrency check remains.
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public async Task ApplyAsync(string vnfdId, string vnfInstanceId, bool inUse, DateTime occurredAt, CancellationToken ct)
    {
        await OneAtATime.WaitAsync(ct);
        try { await ApplyWithRetriesAsync(vnfdId, vnfInstanceId, inUse, occurredAt, ct); }
        finally { OneAtATime.Release(); }
    }

    private async Task ApplyWithRetriesAsync(string vnfdId, string vnfInstanceId, bool inUse, DateTime occurredAt, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ApplyOnceAsync(vnfdId, vnfInstanceId, inUse, occurredAt, ct);
                return;
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                // A concurrent event for the same package (row version) or the same pair (insert race): read again.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task ApplyOnceAsync(string vnfdId, string vnfInstanceId, bool inUse, DateTime occurredAt, CancellationToken ct)
    {
        var usage = await db.VnfPackageUsages.SingleOrDefaultAsync(u => u.VnfdId == vnfdId && u.VnfInstanceId == vnfInstanceId, ct);
        if (usage is null)
            db.VnfPackageUsages.Add(usage = new VnfPackageUsage
            {
                TenantId = db.TenantId, VnfdId = vnfdId, VnfInstanceId = vnfInstanceId, InUse = inUse, OccurredAt = occurredAt,
            });
        else if (occurredAt < usage.OccurredAt || (occurredAt == usage.OccurredAt && usage.InUse == inUse))
        {
            LogStale(vnfdId, vnfInstanceId);
            return;
        }
        else
        {
            usage.InUse = inUse;
            usage.OccurredAt = occurredAt;
        }

        var package = await db.VnfPackages
            .SingleOrDefaultAsync(p => p.VnfdId == vnfdId && p.OnboardingState == PackageOnboardingState.Onboarded, ct);
        if (package is not null)
        {
            var others = await db.VnfPackageUsages.AnyAsync(u => u.VnfdId == vnfdId && u.VnfInstanceId != vnfInstanceId && u.InUse, ct);
            var state = inUse || others ? PackageUsageState.InUse : PackageUsageState.NotInUse;
            if (package.UsageState != state) LogUsage(package.Id, vnfdId, state);
            package.UsageState = state;
            // Always touch the package row (its Version is bumped on every update): two concurrent events for
            // different instances would otherwise each read the other's old usage and both keep a stale state
            // (write skew); with the row touched, the later commit fails its concurrency check and is retried.
            package.UpdatedAt = DateTime.UtcNow;
        }
        else
            LogNoPackage(vnfdId, vnfInstanceId);
        await db.SaveChangesAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Usage event for VNFD {VnfdId} / instance {VnfInstanceId} is older than the last one applied; ignored")]
    private partial void LogStale(string vnfdId, string vnfInstanceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "VNF package {VnfPkgId} (VNFD {VnfdId}) is now {UsageState}")]
    private partial void LogUsage(string vnfPkgId, string vnfdId, string usageState);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage event for VNFD {VnfdId} / instance {VnfInstanceId}: no onboarded package has that VNFD (recorded anyway)")]
    private partial void LogNoPackage(string vnfdId, string vnfInstanceId);
}

public sealed class VnfPackageUsedConsumer(TenantContext tenant, VnfPackageUsageTracker tracker) : IConsumer<VnfPackageUsed>
{
    public Task Consume(ConsumeContext<VnfPackageUsed> context)
    {
        var m = context.Message;
        tenant.Set(m.TenantId);
        return tracker.ApplyAsync(m.VnfdId, m.VnfInstanceId, inUse: true, m.OccurredAt, context.CancellationToken);
    }
}

public sealed class VnfPackageReleasedConsumer(TenantContext tenant, VnfPackageUsageTracker tracker) : IConsumer<VnfPackageReleased>
{
    public Task Consume(ConsumeContext<VnfPackageReleased> context)
    {
        var m = context.Message;
        tenant.Set(m.TenantId);
        return tracker.ApplyAsync(m.VnfdId, m.VnfInstanceId, inUse: false, m.OccurredAt, context.CancellationToken);
    }
}
