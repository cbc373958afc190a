using Mano.Common;
using Mano.Contracts;
using Mano.VimAdapters;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using DriverConnection = Mano.VimAdapters.VimConnectionInfo;

namespace Mano.Vnfm;

// VIM resync (ADR-0008): for each INSTANTIATED VNF instance, what the VIM actually holds (IVimDriver.ListResourcesAsync,
// resources tagged with the instance) is compared with what Mano recorded (instantiatedVnfInfo's resource handles).
// The observed state and the drift are stored per instance, served at /vnfm/v1/drift, and logged (a warning per new
// drift). Mano's records are never changed by the resync: repairing is an LCM operation (heal) the operator chooses.

/// <summary>Kinds of drift.</summary>
public static class DriftType
{
    /// <summary>A resource Mano recorded that the VIM no longer has (e.g. a server deleted behind Mano's back).</summary>
    public const string Missing = "MISSING";
    /// <summary>A resource tagged with the instance that Mano's records do not name (created or left behind outside Mano).</summary>
    public const string Orphan = "ORPHAN";
    /// <summary>A server whose power state is not the VNF's (vnfState STARTED wants ACTIVE, STOPPED wants SHUTOFF).</summary>
    public const string StatusMismatch = "STATUS_MISMATCH";
}

/// <summary>The outcome of the last resync of an instance.</summary>
public static class ResyncState
{
    public const string InSync = "IN_SYNC";
    public const string Drifted = "DRIFTED";
    /// <summary>The VIM could not be listed (unreachable, credentials refused): nothing is concluded.</summary>
    public const string VimError = "VIM_ERROR";
}

/// <summary>One difference between Mano's records and the VIM.</summary>
public sealed record DriftItem
{
    public required string Type { get; init; }
    public required string ResourceId { get; init; }
    /// <summary>compute, network, subnet, port, volume (other: an object of a CNF's manifests).</summary>
    public required string ResourceType { get; init; }
    /// <summary>Mano's id of the resource (VNFC, VL, CP or storage id; the VIM tag), when known.</summary>
    public string? ResourceKey { get; init; }
    public string? VimConnectionId { get; init; }
    public string? Expected { get; init; }
    public string? Observed { get; init; }
    public required DateTime DetectedAt { get; init; }
}

/// <summary>One resource as last observed in the VIM.</summary>
public sealed record ObservedResource(string ResourceId, string ResourceType, string? ResourceKey, string Status, string? ZoneId, string? VimConnectionId);

/// <summary>GET /vnfm/v1/drift/{vnfInstanceId}: the last resync of one instance.</summary>
public sealed record VnfDriftReport
{
    public required string VnfInstanceId { get; init; }
    public required string State { get; init; }
    public required DateTime CheckedAt { get; init; }
    /// <summary>Since when the instance has drifted (first resync that found drift), null when in sync.</summary>
    public DateTime? DriftedSince { get; init; }
    public string? Error { get; init; }
    public required IReadOnlyList<DriftItem> Drift { get; init; }
    public required IReadOnlyList<ObservedResource> ObservedResources { get; init; }
}

/// <summary>The stored last resync of one VNF instance (table vnf_resync_states).</summary>
public sealed class VnfResyncRecord
{
    public required string VnfInstanceId { get; set; }
    public required string TenantId { get; set; }
    public required string State { get; set; }
    public DateTime CheckedAt { get; set; }
    public DateTime? DriftedSince { get; set; }
    public string? Error { get; set; }
    /// <summary>JSON array of <see cref="DriftItem"/>.</summary>
    public required string Drift { get; set; }
    /// <summary>JSON array of <see cref="ObservedResource"/>.</summary>
    public required string Observed { get; set; }
}

public partial class VnfmDbContext
{
    public DbSet<VnfResyncRecord> ResyncStates => Set<VnfResyncRecord>();

    private void ConfigureVimResync(ModelBuilder model) => model.Entity<VnfResyncRecord>(e =>
    {
        e.ToTable("vnf_resync_states");
        e.HasKey(x => x.VnfInstanceId);
        e.Property(x => x.VnfInstanceId).HasMaxLength(64);
        e.Property(x => x.TenantId).HasMaxLength(64);
        e.Property(x => x.State).HasMaxLength(20);
        e.HasIndex(x => new { x.TenantId, x.State });
        e.HasQueryFilter(x => x.TenantId == TenantId);
    });
}

/// <summary>
/// The resync: <see cref="RunAsync"/> (Hangfire recurring job, every tenant) and <see cref="ResyncAsync"/> (one
/// instance, e.g. on request). Instances with an LCM operation in progress are skipped (their resources are changing).
/// </summary>
public sealed partial class VimResync(VnfmDbContext db, VimDriverRegistry drivers, ILogger<VimResync> logger)
{
    public const string JobId = "vnfm-vim-resync";

    /// <summary>Hangfire entry point: every INSTANTIATED instance of every tenant. Returns how many were checked.</summary>
    public async Task<int> RunAsync()
    {
        var ids = await db.VnfInstances.IgnoreQueryFilters().AsNoTracking()
            .Where(i => i.InstantiationState == InstantiationState.Instantiated && i.CurrentOpOccId == null)
            .OrderBy(i => i.Id).Select(i => i.Id).ToListAsync();
        var checkedCount = 0;
        foreach (var id in ids)
        {
            try
            {
                if (await ResyncAsync(id, CancellationToken.None) is not null) checkedCount++;
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Text.Json.JsonException)
            {
                db.ChangeTracker.Clear();
                LogResyncFailed(e, id);
            }
        }
        return checkedCount;
    }

    /// <summary>
    /// Resyncs one instance (any tenant: callers confine ids to the caller's tenant) and stores the report; null when
    /// the instance is not INSTANTIATED or an LCM operation is in progress.
    /// </summary>
    public async Task<VnfDriftReport?> ResyncAsync(string vnfInstanceId, CancellationToken ct)
    {
        var instance = await db.VnfInstances.IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(i => i.Id == vnfInstanceId, ct);
        if (instance is null || instance.InstantiationState != InstantiationState.Instantiated || instance.CurrentOpOccId is not null
            || instance.InstantiatedVnfInfo is null)
            return null;
        var info = SolJson.Deserialize<InstantiatedVnfInfo>(instance.InstantiatedVnfInfo);
        var vims = instance.VimConnectionInfo is null ? [] : SolJson.Deserialize<Dictionary<string, Contracts.VimConnectionInfo>>(instance.VimConnectionInfo);
        var expected = Recorded(info);
        var utc = DateTime.UtcNow;
        var now = new DateTime(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc); // microseconds: what PostgreSQL keeps

        var observed = new List<(string? VimConnectionId, VimResource Resource)>();
        string? error = null;
        foreach (var (connectionId, vim) in vims)
        {
            try
            {
                var driver = drivers.For(vim.VimType);
                var connection = new DriverConnection(vim.VimId ?? connectionId, vim.VimType, vim.InterfaceInfo ?? [], vim.AccessInfo ?? []);
                foreach (var r in await driver.ListResourcesAsync(connection, instance.TenantId, instance.Id, ct))
                    observed.Add((connectionId, r));
            }
            catch (VimException e)
            {
                error = $"VIM {connectionId}: {e.Message}";
            }
        }
        if (vims.Count == 0) error = "the instance has no VIM connection";

        var previous = await db.ResyncStates.IgnoreQueryFilters().SingleOrDefaultAsync(r => r.VnfInstanceId == instance.Id, ct);
        var before = previous is null ? [] : SolJson.Deserialize<List<DriftItem>>(previous.Drift);
        List<DriftItem> drift;
        string state;
        if (error is not null)
        {
            // Nothing can be concluded from a VIM that did not answer: keep the last drift, say why.
            drift = before;
            state = ResyncState.VimError;
            LogVimError(instance.Id, instance.TenantId, error);
        }
        else
        {
            drift = Compare(expected, observed, info.VnfState, now);
            // A drift seen before keeps its first detection time; new ones are logged.
            var known = before.ToDictionary(d => (d.Type, d.ResourceId));
            drift = drift.Select(d => known.TryGetValue((d.Type, d.ResourceId), out var old) ? d with { DetectedAt = old.DetectedAt } : d).ToList();
            foreach (var d in drift.Where(d => !known.ContainsKey((d.Type, d.ResourceId))))
                LogDrift(instance.Id, instance.TenantId, d.Type, d.ResourceType, d.ResourceId, d.ResourceKey ?? "(none)", d.VimConnectionId ?? "(none)");
            var now2 = drift.Select(d => (d.Type, d.ResourceId)).ToHashSet();
            foreach (var gone in before.Where(d => !now2.Contains((d.Type, d.ResourceId))))
                LogDriftResolved(instance.Id, instance.TenantId, gone.Type, gone.ResourceId);
            state = drift.Count == 0 ? ResyncState.InSync : ResyncState.Drifted;
        }

        var record = previous ?? new VnfResyncRecord
        {
            VnfInstanceId = instance.Id, TenantId = instance.TenantId, State = state, Drift = "[]", Observed = "[]",
        };
        record.State = state;
        record.CheckedAt = now;
        record.Error = error;
        record.Drift = SolJson.Serialize(drift);
        record.DriftedSince = drift.Count == 0 ? null : record.DriftedSince ?? now;
        if (error is null)
            record.Observed = SolJson.Serialize(observed.Select(o => new ObservedResource(o.Resource.ResourceId, TypeOf(o.Resource.Kind),
                o.Resource.ResourceKey, o.Resource.Status, o.Resource.ZoneId, o.VimConnectionId)).ToList());
        if (previous is null) db.ResyncStates.Add(record);
        await db.SaveChangesAsync(ct);
        return ToReport(record);
    }

    /// <summary>Every resource handle of instantiatedVnfInfo, and Mano's keys of the VLs (a network's subnet shares its key).</summary>
    private static RecordedResources Recorded(InstantiatedVnfInfo info)
    {
        var handles = new Dictionary<string, (string Key, string Type, string? VimConnectionId)>(StringComparer.Ordinal);
        void Add(ResourceHandle? h, string key, string type)
        {
            if (h is not null) handles.TryAdd(h.ResourceId, (key, type, h.VimConnectionId));
        }
        foreach (var c in info.VnfcResourceInfo ?? []) Add(c.ComputeResource, c.Id, "compute");
        foreach (var vl in info.VnfVirtualLinkResourceInfo ?? [])
        {
            Add(vl.NetworkResource, vl.Id, "network");
            foreach (var lp in vl.VnfLinkPorts) Add(lp.ResourceHandle, lp.CpInstanceId ?? lp.Id, "port");
        }
        foreach (var s in info.VnfVirtualStorageResourceInfo ?? []) Add(s.StorageResource, s.Id, "volume");
        foreach (var ext in info.ExtVirtualLinkInfo ?? [])
            foreach (var p in ext.ExtLinkPorts ?? []) Add(p.ResourceHandle, p.CpInstanceId ?? p.Id, "port");
        var vlKeys = (info.VnfVirtualLinkResourceInfo ?? []).Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
        return new RecordedResources(handles, vlKeys);
    }

    private static List<DriftItem> Compare(RecordedResources expected, List<(string? VimConnectionId, VimResource Resource)> observed, string vnfState, DateTime now)
    {
        var drift = new List<DriftItem>();
        var seen = observed.Select(o => o.Resource.ResourceId).ToHashSet(StringComparer.Ordinal);
        foreach (var (resourceId, (key, type, vimConnectionId)) in expected.Handles.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            if (seen.Contains(resourceId)) continue;
            drift.Add(new DriftItem
            {
                Type = DriftType.Missing, ResourceId = resourceId, ResourceType = type, ResourceKey = key, VimConnectionId = vimConnectionId,
                Expected = "present", Observed = "absent", DetectedAt = now,
            });
        }
        var wantedPower = vnfState == VnfOperationalState.Stopped ? ServerStatus.Shutoff : ServerStatus.Active;
        foreach (var (vimConnectionId, r) in observed.OrderBy(o => o.Resource.ResourceId, StringComparer.Ordinal))
        {
            if (!expected.Handles.ContainsKey(r.ResourceId))
            {
                if (r.Kind == VimResourceKind.Subnet && r.ResourceKey is not null && expected.VlKeys.Contains(r.ResourceKey)) continue;
                // The other objects a driver made for the instance (a CNF's Deployments, Services, ConfigMaps...) carry its
                // label but no resource handle: they are the deployment, not orphans. A pod (compute) that holds no VNFC
                // key and is not recorded is real drift (a pod replaced behind Mano's back, a DaemonSet on a new node).
                if (r.Kind == VimResourceKind.Other) continue;
                drift.Add(new DriftItem
                {
                    Type = DriftType.Orphan, ResourceId = r.ResourceId, ResourceType = TypeOf(r.Kind), ResourceKey = r.ResourceKey,
                    VimConnectionId = vimConnectionId, Expected = "absent", Observed = r.Status, DetectedAt = now,
                });
            }
            else if (r.Kind == VimResourceKind.Compute && r.Status != wantedPower)
            {
                drift.Add(new DriftItem
                {
                    Type = DriftType.StatusMismatch, ResourceId = r.ResourceId, ResourceType = "compute", ResourceKey = r.ResourceKey,
                    VimConnectionId = vimConnectionId, Expected = wantedPower, Observed = r.Status, DetectedAt = now,
                });
            }
        }
        return drift;
    }

    private static string TypeOf(VimResourceKind kind) => kind.ToString().ToLowerInvariant();

    public static VnfDriftReport ToReport(VnfResyncRecord r) => new()
    {
        VnfInstanceId = r.VnfInstanceId,
        State = r.State,
        CheckedAt = r.CheckedAt,
        DriftedSince = r.DriftedSince,
        Error = r.Error,
        Drift = SolJson.Deserialize<List<DriftItem>>(r.Drift),
        ObservedResources = SolJson.Deserialize<List<ObservedResource>>(r.Observed),
    };

    private sealed record RecordedResources(Dictionary<string, (string Key, string Type, string? VimConnectionId)> Handles, HashSet<string> VlKeys);

    [LoggerMessage(Level = LogLevel.Warning, Message = "VIM drift on VNF instance {VnfInstanceId} (tenant {TenantId}): {DriftType} {ResourceType} {ResourceId} (key {ResourceKey}, VIM {VimConnectionId})")]
    private partial void LogDrift(string vnfInstanceId, string tenantId, string driftType, string resourceType, string resourceId, string resourceKey, string vimConnectionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "VIM drift on VNF instance {VnfInstanceId} (tenant {TenantId}) resolved: {DriftType} {ResourceId}")]
    private partial void LogDriftResolved(string vnfInstanceId, string tenantId, string driftType, string resourceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "VIM resync of VNF instance {VnfInstanceId} (tenant {TenantId}) could not list the VIM: {Error}")]
    private partial void LogVimError(string vnfInstanceId, string tenantId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "VIM resync of VNF instance {VnfInstanceId} failed; it is retried at the next run")]
    private partial void LogResyncFailed(Exception e, string vnfInstanceId);
}

/// <summary>
/// Mano's drift API (not a SOL interface):
/// <code>
///   GET  /vnfm/v1/drift                          the tenant's last resync reports (?state=DRIFTED, ?vnfInstanceId=...)
///   GET  /vnfm/v1/drift/{vnfInstanceId}          one instance's report (404 before its first resync)
///   POST /vnfm/v1/drift/{vnfInstanceId}/resync   resync now (409 while an LCM operation runs or when not INSTANTIATED)
/// </code>
/// </summary>
public static class VimResyncApi
{
    public const string UriPrefix = "/vnfm/v1";

    public static IEndpointRouteBuilder MapVimResyncApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(UriPrefix).WithTags("VIM drift");
        group.MapGet("/drift", async (string? state, string? vnfInstanceId, VnfmDbContext db, CancellationToken ct) =>
        {
            var query = db.ResyncStates.AsNoTracking();
            if (state is not null) query = query.Where(r => r.State == state);
            if (vnfInstanceId is not null) query = query.Where(r => r.VnfInstanceId == vnfInstanceId);
            var rows = await query.OrderBy(r => r.VnfInstanceId).ToListAsync(ct);
            return SolResults.Json(rows.Select(VimResync.ToReport).ToList());
        });
        group.MapGet("/drift/{vnfInstanceId}", async (string vnfInstanceId, VnfmDbContext db, CancellationToken ct) =>
        {
            var row = await db.ResyncStates.AsNoTracking().SingleOrDefaultAsync(r => r.VnfInstanceId == vnfInstanceId, ct)
                      ?? throw new NotFoundProblem($"VNF instance {vnfInstanceId} has no resync report (unknown, not instantiated, or not resynced yet).");
            return SolResults.Json(VimResync.ToReport(row));
        });
        group.MapPost("/drift/{vnfInstanceId}/resync", async (string vnfInstanceId, VnfmDbContext db, VimResync resync, CancellationToken ct) =>
        {
            // The tenant filter confines the id to the caller's instances; the resync itself is tenant-neutral.
            var instance = await db.VnfInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == vnfInstanceId, ct)
                           ?? throw new NotFoundProblem($"No VNF instance {vnfInstanceId}.");
            if (instance.InstantiationState != InstantiationState.Instantiated)
                throw new ConflictProblem($"VNF instance {vnfInstanceId} is {instance.InstantiationState}: nothing to resync.");
            var report = await resync.ResyncAsync(vnfInstanceId, ct)
                         ?? throw new ConflictProblem($"VNF instance {vnfInstanceId} has an LCM operation in progress ({instance.CurrentOpOccId}); resync after it ends.");
            return SolResults.Json(report);
        });
        return app;
    }
}
