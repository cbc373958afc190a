using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Mano.Nfvo;

/// <summary>
/// The NFVO's grant decision (SOL003 9.4.2.3.1 "POST grants"): may the VNFM do this LCM operation, on which VIM and in
/// which zones. In order: the VNF package (INSTANTIATE / CHANGE_VNFPKG need it ONBOARDED and ENABLED), the request's own
/// consistency, the tenant's quota, then the first VIM (the one the instance already uses; else the tenant's VIMs, the
/// default first; or the VIM NS placement pinned the instance to, ADR-0020) with the capacity and the zones to honour the
/// placement constraints (<see cref="PlacementDecider"/>). Capacity and usage come from <see cref="PlacementInventory"/>,
/// the free choice of a VIM from <see cref="NsPlacementPlanner.Assess"/>: grants and NS placement decide alike.
/// A grant updates the ledger of granted resources (<see cref="GrantedResource"/>) in the same transaction; decisions of
/// one tenant are serialised (its <see cref="TenantQuota"/> row is updated first), so quotas hold under concurrency.
/// Every grant is stored; a repeated request for the same LCM operation occurrence gets the stored grant back, unchanged.
/// </summary>
public sealed partial class GrantDecider(
    NfvoDbContext db, VimRegistry vims, NfvoOptions options, ILogger<GrantDecider> logger,
    GrantOptions? grantOptions = null, GrantSizer? sizer = null)
{
    /// <summary>The id of the first zone entry of a grant (ZoneInfo.id; GrantInfo.zoneId refers to it); then zone-2, ...</summary>
    public const string ZoneEntryId = "zone-1";

    private readonly GrantOptions _grantOptions = grantOptions ?? new GrantOptions();
    private readonly GrantSizer _sizer = sizer ?? new GrantSizer();

    /// <summary>Decides synchronously (the bus request, a synchronous POST).</summary>
    public Task<GrantResult> DecideAsync(GrantRequest request, CancellationToken ct) => DecideAsync(request, null, ct);

    /// <summary>
    /// Decides; with <paramref name="pendingGrantId"/> (an asynchronous POST), the PENDING record of that id becomes
    /// GRANTED or REJECTED (a rejection is then kept, for GET to answer 403).
    /// </summary>
    public async Task<GrantResult> DecideAsync(GrantRequest request, string? pendingGrantId, CancellationToken ct)
    {
        var stored = await StoredAsync(request.VnfLcmOpOccId, ct);
        if (stored is { Status: GrantStatus.Granted }) return new GrantResult(SolJson.Deserialize<Grant>(stored.Grant!), null);
        if (stored is { Status: GrantStatus.Pending }) pendingGrantId ??= stored.Id;
        else if (stored is { Status: GrantStatus.Rejected } && pendingGrantId is null)
        {
            // Asked again after a rejection: decide anew.
            await db.Grants.Where(g => g.Id == stored.Id).ExecuteDeleteAsync(ct);
        }

        var rejection = Validate(request) ?? await CheckPackagesAsync(request, ct);
        if (rejection is not null) return await RejectAsync(request, rejection, pendingGrantId, ct);

        await EnsureTenantRowAsync(ct);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var tenantId = db.TenantId;
            // Serialise the tenant's decisions: the row stays locked (PostgreSQL) / the database write-locked (SQLite) until commit.
            await db.TenantQuotas.Where(q => q.TenantId == tenantId).ExecuteUpdateAsync(s => s.SetProperty(q => q.Serial, q => q.Serial + 1), ct);
            var again = await StoredAsync(request.VnfLcmOpOccId, ct);
            if (again is { Status: GrantStatus.Granted }) return new GrantResult(SolJson.Deserialize<Grant>(again.Grant!), null);

            var decision = await DecideLockedAsync(request, ct);
            if (decision.Rejection is not null)
            {
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return await RejectAsync(request, decision.Rejection, pendingGrantId, ct);
            }
            var grant = decision.Grant! with { Id = pendingGrantId ?? decision.Grant!.Id };
            grant = grant with { Links = grant.Links with { Self = new Link($"{options.ApiRoot.TrimEnd('/')}/grant/v1/grants/{grant.Id}") } };
            foreach (var row in decision.Added) row.GrantId = grant.Id;
            var now = DateTime.UtcNow;
            var record = pendingGrantId is null ? null : await db.Grants.SingleOrDefaultAsync(g => g.Id == pendingGrantId, ct);
            if (record is null)
            {
                record = new GrantRecord
                {
                    Id = grant.Id, TenantId = tenantId, VnfInstanceId = request.VnfInstanceId, VnfLcmOpOccId = request.VnfLcmOpOccId,
                    Operation = request.Operation, Request = SolJson.Serialize(request), RequestedAt = now,
                };
                db.Grants.Add(record);
            }
            record.Status = GrantStatus.Granted;
            record.VimId = decision.VimId;
            record.Grant = SolJson.Serialize(grant);
            record.Rejection = null;
            record.DecidedAt = now;
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            LogGranted(grant.Id, request.Operation, request.VnfLcmOpOccId, decision.VimId ?? "(none)",
                string.Join(",", (grant.Zones ?? []).Select(z => z.ZoneId)) is { Length: > 0 } z ? z : "(none)");
            return new GrantResult(grant, null);
        });
    }

    private sealed record Decision(Grant? Grant, string? Rejection, string? VimId, List<GrantedResource> Added)
    {
        public static Decision Reject(string reason) => new(null, reason, null, []);
    }

    /// <summary>The decision proper, inside the tenant's lock: ledger, quota, VIM, zones. Tracks the ledger changes on success.</summary>
    private async Task<Decision> DecideLockedAsync(GrantRequest request, CancellationToken ct)
    {
        var tenantId = db.TenantId;
        var instanceRows = await db.GrantedResources.Where(r => r.VnfInstanceId == request.VnfInstanceId).ToListAsync(ct);
        var byId = instanceRows.ToDictionary(r => r.ResourceDefinitionId, StringComparer.Ordinal);

        // What goes: INSTANTIATE starts from nothing (rows left by a rolled-back attempt are stale), TERMINATE ends all.
        var released = request.Operation switch
        {
            LcmOperationType.Instantiate or LcmOperationType.Terminate => instanceRows.ToList(),
            _ => (request.RemoveResources ?? []).Select(d => byId.GetValueOrDefault(d.Id)).Where(r => r is not null).Select(r => r!).Distinct().ToList(),
        };
        var releasedIds = released.Select(r => r.ResourceDefinitionId).ToHashSet(StringComparer.Ordinal);
        var remaining = instanceRows.Where(r => !releasedIds.Contains(r.ResourceDefinitionId)).ToList();

        // Learn the VIM-level ids the request names (placement of existing resources is resolved by them).
        foreach (var d in (request.RemoveResources ?? []).Concat(request.UpdateResources ?? []))
            if (d.Resource?.ResourceId is { } vimId && byId.TryGetValue(d.Id, out var row)) row.VimResourceId = vimId;

        var size = await _sizer.ForAsync(db, request, ct);
        var added = (request.AddResources ?? []).Select(d => (Def: d, Size: size(d))).ToList();
        var temp = (request.TempResources ?? []).Select(size).Aggregate(ResourceSize.Zero, (a, b) => a + b);
        var updates = (request.UpdateResources ?? []).Where(d => byId.ContainsKey(d.Id) && !releasedIds.Contains(d.Id))
            .Select(d => (Row: byId[d.Id], Def: d, Size: size(d))).ToList();
        var delta = added.Aggregate(ResourceSize.Zero, (a, x) => a + x.Size) + temp
                    - ResourceSize.Sum(released)
                    + updates.Aggregate(ResourceSize.Zero, (a, u) => a + u.Size - ResourceSize.Of(u.Row));

        // Quota of the tenant.
        var quota = await db.TenantQuotas.AsNoTracking().SingleAsync(q => q.TenantId == tenantId, ct);
        var limits = new ResourceLimits
        {
            MaxVnfcs = quota.MaxVnfcs ?? _grantOptions.Quotas.MaxVnfcs,
            MaxVcpus = quota.MaxVcpus ?? _grantOptions.Quotas.MaxVcpus,
            MaxMemoryMiB = quota.MaxMemoryMiB ?? _grantOptions.Quotas.MaxMemoryMiB,
            MaxStorageGiB = quota.MaxStorageGiB ?? _grantOptions.Quotas.MaxStorageGiB,
        };
        var tenantUse = await PlacementInventory.UsageAsync(db.GrantedResources, ct);
        if (ResourceSize.Exceeded(limits, tenantUse, delta, $"the quota of tenant {tenantId}") is { } overQuota)
            return Decision.Reject(overQuota);

        // The VIM: the instance's; else the one NS placement pinned it to; else one a RES_MGMT ref names; else the first of
        // the tenant's (default first) that can take the resources, as NS placement assesses VIMs (ADR-0020).
        var inventory = await new PlacementInventory(db, _grantOptions).LoadAsync(ct);
        if (inventory.Count == 0) return Decision.Reject("the tenant has no VIM registered to place resources on.");
        var pin = await db.VnfPlacementPins.AsNoTracking().SingleOrDefaultAsync(p => p.VnfInstanceId == request.VnfInstanceId, ct);
        // (TERMINATE releases every row, yet the instance is on its VIM; INSTANTIATE's old rows are stale.)
        var onVim = request.Operation == LcmOperationType.Instantiate ? null : instanceRows.Select(r => r.VimId).FirstOrDefault();
        var pinned = onVim
                     ?? pin?.VimId
                     ?? (request.VimConstraints ?? []).SelectMany(c => c.Resource).Select(r => r.VimConnectionId).FirstOrDefault(v => v is not null)
                     ?? (request.PlacementConstraints ?? []).SelectMany(c => c.Resource).Select(r => r.VimConnectionId).FirstOrDefault(v => v is not null);
        var preferredZone = pin is not null && pin.VimId == pinned ? pin.ZoneId : null;
        var growth = added.Aggregate(ResourceSize.Zero, (a, x) => a + x.Size) + temp;
        List<VimAssessment> candidates;
        if (pinned is not null)
        {
            var vim = inventory.FirstOrDefault(v => v.Id == pinned);
            if (vim is null)
                return Decision.Reject(onVim is null && pin is not null
                    ? $"NS instance {pin.NsInstanceId} pinned the VNF instance to VIM {pinned}, which the tenant no longer has."
                    : $"the VNF instance's resources are on VIM {pinned}, which the tenant no longer has.");
            // On its own VIM, what the operation releases there counts too. An unreachable VIM is still the instance's.
            candidates = [new VimAssessment(vim, vim.Refusal(delta))];
        }
        else
        {
            // An UNREACHABLE VIM is not excluded from a grant, only tried last: the VNFM's operation will tell.
            candidates = NsPlacementPlanner.Assess(new VnfPlacementRequest(request.VnfInstanceId, request.DstVnfdId ?? request.VnfdId, growth, null, null), inventory)
                .Select(a => a.Vim.Reachable ? a : a with { Refusal = a.Vim.Refusal(growth) })
                .OrderBy(a => a.Vim.Reachable ? 0 : 1).ToList();
        }

        var newComputes = added.Where(a => a.Def.Type == "COMPUTE").Select(a => a.Def.Id)
            .Concat((request.TempResources ?? []).Where(d => d.Type == "COMPUTE").Select(d => d.Id)).ToList();
        var constraints = Resolve(request, remaining);
        var reasons = new List<string>();
        foreach (var (vim, refusal) in candidates)
        {
            if (refusal is not null)
            {
                reasons.Add(refusal);
                continue;
            }
            // Zone load: the VIM's granted computes, less those of this instance that the operation releases.
            var load = vim.Zones.ToDictionary(z => z, z => vim.ZoneLoad.GetValueOrDefault(z)
                - released.Count(r => r.VimId == vim.Id && r.Type == "COMPUTE" && r.ZoneId == z));
            var placed = PlacementDecider.Place(vim.Zones, newComputes, constraints, load, preferredZone);
            if (placed.Rejection is not null)
            {
                reasons.Add($"on VIM {vim.Id}, {placed.Rejection}");
                continue;
            }
            return Build(request, vim.Vim, placed.ZoneOf, byId, added, released, updates);
        }
        return Decision.Reject(reasons.Count == 1 ? reasons[0] : "no VIM of the tenant can take the resources: " + string.Join(" ", reasons));
    }

    private Decision Build(GrantRequest request, Vim vim, IReadOnlyDictionary<string, string> zoneOf, Dictionary<string, GrantedResource> byId,
        List<(ResourceDefinition Def, ResourceSize Size)> added, List<GrantedResource> released,
        List<(GrantedResource Row, ResourceDefinition Def, ResourceSize Size)> updates)
    {
        var entryOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var zoneInfos = new List<ZoneInfo>();
        foreach (var zone in zoneOf.Values.Distinct().OrderBy(z => VimRegistry.Zones(vim).ToList().IndexOf(z)))
        {
            var id = $"zone-{zoneInfos.Count + 1}";
            entryOf[zone] = id;
            zoneInfos.Add(new ZoneInfo { Id = id, ZoneId = zone, VimConnectionId = vim.Id });
        }
        GrantInfo New(ResourceDefinition d) => new()
        {
            ResourceDefinitionId = d.Id,
            VimConnectionId = vim.Id,
            ZoneId = zoneOf.TryGetValue(d.Id, out var z) ? entryOf[z] : null,
        };
        // SOL003 9.5.3.3: vimConnectionId and zoneId are for new resources only.
        static GrantInfo Existing(ResourceDefinition d) => new() { ResourceDefinitionId = d.Id };

        var now = DateTime.UtcNow;
        var touched = new List<GrantedResource>();
        var existing = byId;
        var stillReleased = released.ToHashSet();
        foreach (var (def, size) in added)
        {
            if (!existing.TryGetValue(def.Id, out var row))
            {
                row = new GrantedResource
                {
                    TenantId = db.TenantId, VnfInstanceId = request.VnfInstanceId, ResourceDefinitionId = def.Id, Type = def.Type,
                    ResourceTemplateId = def.ResourceTemplateId, VimId = vim.Id, GrantId = "",
                };
                db.GrantedResources.Add(row);
            }
            // A definition id granted again (an instantiate retried after a rollback) is the same resource, placed anew.
            stillReleased.Remove(row);
            row.Type = def.Type;
            row.ResourceTemplateId = def.ResourceTemplateId;
            row.VnfdId = def.VnfdId ?? request.DstVnfdId ?? request.VnfdId;
            row.VimId = vim.Id;
            row.ZoneId = zoneOf.GetValueOrDefault(def.Id);
            row.VimResourceId = null;
            row.Vcpus = size.Vcpus;
            row.MemoryMiB = size.MemoryMiB;
            row.StorageGiB = size.StorageGiB;
            row.GrantedAt = now;
            touched.Add(row);
        }
        db.GrantedResources.RemoveRange(stillReleased);
        foreach (var (row, def, size) in updates.Where(u => !touched.Contains(u.Row)))
        {
            row.Vcpus = size.Vcpus;
            row.MemoryMiB = size.MemoryMiB;
            row.StorageGiB = size.StorageGiB;
            row.VnfdId = def.VnfdId ?? row.VnfdId;
            row.ResourceTemplateId = def.ResourceTemplateId;
        }

        var grant = new Grant
        {
            Id = Guid.NewGuid().ToString(),
            VnfInstanceId = request.VnfInstanceId,
            VnfLcmOpOccId = request.VnfLcmOpOccId,
            VimConnectionInfo = new Dictionary<string, VimConnectionInfo> { [vim.Id] = vims.ConnectionInfoFor(vim) },
            Zones = zoneInfos.Count == 0 ? null : zoneInfos,
            AddResources = request.AddResources?.Select(New).ToList(),
            TempResources = request.TempResources?.Select(New).ToList(),
            RemoveResources = request.RemoveResources?.Select(Existing).ToList(),
            UpdateResources = request.UpdateResources?.Select(Existing).ToList(),
            Links = new GrantLinks(new Link(""), request.Links.VnfLcmOpOcc, request.Links.VnfInstance),
        };
        return new Decision(grant, null, vim.Id, touched);
    }

    /// <summary>
    /// Resolves each placement constraint's members: GRANT refs are new resources of the request; RES_MGMT refs are existing
    /// resources, found in the ledger by their VIM-level id, else (a VIM id the NFVO has not learnt yet) matched to the
    /// instance's granted computes of the same VNFD templates as the constraint's new members.
    /// </summary>
    private static List<ResolvedConstraint> Resolve(GrantRequest request, List<GrantedResource> remaining)
    {
        var definitions = (request.AddResources ?? []).Concat(request.TempResources ?? []).ToDictionary(d => d.Id, StringComparer.Ordinal);
        var result = new List<ResolvedConstraint>();
        var constraints = request.PlacementConstraints ?? [];
        for (var i = 0; i < constraints.Count; i++)
        {
            var c = constraints[i];
            var news = c.Resource.Where(r => r.IdType == ConstraintIdType.Grant).Select(r => r.ResourceId)
                .Where(id => definitions.TryGetValue(id, out var d) && d.Type == "COMPUTE").Distinct().ToList();
            var templates = news.Select(id => definitions[id].ResourceTemplateId).ToHashSet(StringComparer.Ordinal);
            var used = new HashSet<string>(StringComparer.Ordinal);
            var existing = new List<string?>();
            var unresolved = 0;
            foreach (var r in c.Resource.Where(r => r.IdType == ConstraintIdType.ResMgmt))
            {
                var row = remaining.FirstOrDefault(x => x.VimResourceId == r.ResourceId);
                if (row is not null && used.Add(row.ResourceDefinitionId)) existing.Add(row.ZoneId);
                else unresolved++;
            }
            foreach (var row in remaining.Where(x => x.Type == "COMPUTE" && templates.Contains(x.ResourceTemplateId) && !used.Contains(x.ResourceDefinitionId)))
            {
                if (unresolved == 0) break;
                used.Add(row.ResourceDefinitionId);
                existing.Add(row.ZoneId);
                unresolved--;
            }
            for (; unresolved > 0; unresolved--) existing.Add(null);
            result.Add(new ResolvedConstraint(i, c.AffinityOrAntiAffinity == PlacementConstraintType.Affinity, c.Scope,
                c.FallbackBestEffort == true, news, existing));
        }
        return result;
    }

    /// <summary>The request's own consistency (SOL003 9.5.2.2): definition ids unique, constraints referring to them.</summary>
    private static string? Validate(GrantRequest request)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in (request.AddResources ?? []).Concat(request.TempResources ?? []).Concat(request.RemoveResources ?? []).Concat(request.UpdateResources ?? []))
            if (!ids.Add(d.Id)) return $"resource definition id {d.Id} appears more than once in the request.";
        var newIds = (request.AddResources ?? []).Concat(request.TempResources ?? []).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var c in (request.PlacementConstraints ?? []).Concat<object>(request.VimConstraints ?? []))
        {
            var refs = c is PlacementConstraint p ? p.Resource : ((VimConstraint)c).Resource;
            foreach (var r in refs)
            {
                if (r.IdType == ConstraintIdType.Grant && !newIds.Contains(r.ResourceId))
                    return $"a constraint refers to resource definition {r.ResourceId}, which is not among the resources to add.";
                if (r.IdType is not (ConstraintIdType.Grant or ConstraintIdType.ResMgmt))
                    return $"a constraint refers to a resource with idType {r.IdType} (GRANT or RES_MGMT expected).";
            }
        }
        foreach (var c in request.PlacementConstraints ?? [])
        {
            if (c.AffinityOrAntiAffinity is not (PlacementConstraintType.Affinity or PlacementConstraintType.AntiAffinity))
                return $"a placement constraint has affinityOrAntiAffinity {c.AffinityOrAntiAffinity}.";
            if (c.Scope is not (PlacementScope.NfviPop or PlacementScope.Zone or PlacementScope.ZoneGroup or PlacementScope.NfviNode))
                return $"a placement constraint has scope {c.Scope}.";
        }
        var vimIds = (request.VimConstraints ?? []).SelectMany(c => c.Resource).Select(r => r.VimConnectionId).Where(v => v is not null).Distinct().ToList();
        if (vimIds.Count > 1) return $"the VIM constraints name resources on several VIM connections ({string.Join(", ", vimIds)}).";
        return null;
    }

    private async Task EnsureTenantRowAsync(CancellationToken ct)
    {
        var tenantId = db.TenantId;
        if (await db.TenantQuotas.AnyAsync(q => q.TenantId == tenantId, ct)) return;
        db.TenantQuotas.Add(new TenantQuota { TenantId = tenantId });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Created concurrently.
        }
        db.ChangeTracker.Clear();
    }

    private async Task<GrantRecord?> StoredAsync(string vnfLcmOpOccId, CancellationToken ct) =>
        await db.Grants.AsNoTracking().SingleOrDefaultAsync(g => g.VnfLcmOpOccId == vnfLcmOpOccId, ct);

    /// <summary>INSTANTIATE needs the VNFD's package ONBOARDED and ENABLED; CHANGE_VNFPKG needs the destination's.</summary>
    private async Task<string?> CheckPackagesAsync(GrantRequest request, CancellationToken ct)
    {
        var vnfdId = request.Operation switch
        {
            LcmOperationType.Instantiate => request.VnfdId,
            LcmOperationType.ChangeVnfpkg => request.DstVnfdId ?? request.VnfdId,
            _ => null,
        };
        if (vnfdId is null) return null;
        var package = await db.VnfPackages.AsNoTracking()
            .Where(p => p.VnfdId == vnfdId && p.OnboardingState == PackageOnboardingState.Onboarded)
            .Select(p => new { p.Id, p.OperationalState }).SingleOrDefaultAsync(ct);
        if (package is null) return $"no onboarded VNF package has vnfdId {vnfdId}.";
        if (package.OperationalState != PackageOperationalState.Enabled)
            return $"VNF package {package.Id} (vnfdId {vnfdId}) is {package.OperationalState}.";
        return null;
    }

    private async Task<GrantResult> RejectAsync(GrantRequest request, string reason, string? pendingGrantId, CancellationToken ct)
    {
        LogRejected(request.Operation, request.VnfLcmOpOccId, reason);
        var problem = new ProblemDetails
        {
            Status = 403,
            Title = "Grant rejected",
            Detail = $"Grant for {request.Operation} of VNF instance {request.VnfInstanceId} rejected: {reason}",
        };
        if (pendingGrantId is not null)
        {
            var json = SolJson.Serialize(problem);
            var now = DateTime.UtcNow;
            await db.Grants.Where(g => g.Id == pendingGrantId && g.Status == GrantStatus.Pending).ExecuteUpdateAsync(s => s
                .SetProperty(g => g.Status, GrantStatus.Rejected)
                .SetProperty(g => g.Rejection, json)
                .SetProperty(g => g.DecidedAt, now), ct);
        }
        return new GrantResult(null, problem);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grant {GrantId} for {Operation} (op occ {VnfLcmOpOccId}) on VIM {VimId}, zones {Zones}")]
    private partial void LogGranted(string grantId, string operation, string vnfLcmOpOccId, string vimId, string zones);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grant for {Operation} (op occ {VnfLcmOpOccId}) rejected: {Reason}")]
    private partial void LogRejected(string operation, string vnfLcmOpOccId, string reason);
}

/// <summary>Answers <see cref="RequestGrant"/> with <see cref="GrantResult"/> (a Grant, or a 403 rejection).</summary>
public sealed class RequestGrantConsumer(TenantContext tenant, GrantDecider decider) : IConsumer<RequestGrant>
{
    public async Task Consume(ConsumeContext<RequestGrant> context)
    {
        tenant.Set(context.Message.TenantId);
        await context.RespondAsync(await decider.DecideAsync(context.Message.GrantRequest, context.CancellationToken));
    }
}
