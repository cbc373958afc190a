using System.Collections.Concurrent;
using Mano.Common;
using Mano.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Mano.Nfvo;

/// <summary>An ONBOARDED NSD of the current tenant with its parsed SOL001 model (what NS lifecycle management works from).</summary>
public sealed record OnboardedNsd(string NsdInfoId, string NsdId, string NsdName, string NsdVersion, string NsdOperationalState,
    Mano.Tosca.Nsd Nsd);

/// <summary>
/// The NSD catalogue as NS lifecycle management sees it (pinned in briefs/shared-api.md): the onboarded NSDs of the
/// current tenant (NfvoDbContext's tenant filter) with their parsed model, and the SOL005 5.5.2.2 nsdUsageState that
/// NS instances drive. Parsing is cheap but not free: a parsed model is cached per (tenant, NsdInfo, row version).
/// </summary>
public sealed class NsdCatalog(NfvoDbContext db)
{
    private const int MaxCached = 256;
    private static readonly ConcurrentDictionary<(string Tenant, string NsdInfoId), (int Version, Mano.Tosca.Nsd Nsd)> Cache = new();

    /// <summary>The NSD of an ONBOARDED NsdInfo of the current tenant, parsed, or null (absent, not onboarded, unparsable).</summary>
    public async Task<OnboardedNsd?> FindAsync(string nsdInfoId, CancellationToken ct)
    {
        var d = await db.NsDescriptors.AsNoTracking().SingleOrDefaultAsync(x => x.Id == nsdInfoId, ct);
        if (d is null || d.NsdOnboardingState != NsdOnboardingState.Onboarded || d.NsdId is null) return null;
        var key = (d.TenantId, d.Id);
        Mano.Tosca.Nsd? nsd;
        if (Cache.TryGetValue(key, out var cached) && cached.Version == d.Version)
            nsd = cached.Nsd;
        else
        {
            var files = await db.NsDescriptorFiles.AsNoTracking().Where(f => f.NsdInfoId == d.Id).ToListAsync(ct);
            nsd = Parse(d, files);
            if (nsd is null) return null;
            if (Cache.Count >= MaxCached) Cache.Clear(); // crude bound: re-parsing is cheap
            Cache[key] = (d.Version, nsd);
        }
        return new OnboardedNsd(d.Id, d.NsdId, d.NsdName ?? "", d.NsdVersion ?? "", d.NsdOperationalState, nsd);
    }

    /// <summary>SOL005 5.5.2.2 nsdUsageState: NS LCM calls this when the first NS instance uses / the last releases the NSD.</summary>
    public async Task SetUsageStateAsync(string nsdInfoId, bool inUse, CancellationToken ct)
    {
        var state = inUse ? NsdUsageState.InUse : NsdUsageState.NotInUse;
        for (var attempt = 0; ; attempt++)
        {
            var d = await db.NsDescriptors.SingleOrDefaultAsync(x => x.Id == nsdInfoId, ct)
                    ?? throw new NotFoundProblem($"NS descriptor {nsdInfoId} does not exist.");
            if (d.NsdUsageState == state) return;
            if (d.NsdOnboardingState != NsdOnboardingState.Onboarded)
                throw new ConflictProblem($"NsdInfo {nsdInfoId} is {d.NsdOnboardingState}; only an ONBOARDED NSD can be in use (SOL005 5.5.2.2 note 3).");
            d.NsdUsageState = state;
            d.UpdatedAt = DateTime.UtcNow;
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                db.ChangeTracker.Clear(); // changed concurrently (e.g. a PATCH): read it again
            }
        }
    }

    /// <summary>Parses the stored files of an onboarded NSD (null when they no longer parse without errors).</summary>
    internal static Mano.Tosca.Nsd? Parse(NsDescriptor d, IReadOnlyList<NsDescriptorFile> files)
    {
        if (d.EntryDefinitions is not { Length: > 0 } entry) return null;
        var map = files.ToDictionary(f => f.Path, f => f.Content, StringComparer.Ordinal);
        var result = Mano.Tosca.NsdParser.Parse(map, entry);
        return result.HasErrors ? null : result.Nsd;
    }

    /// <summary>Drops a deleted NsdInfo's cached model.</summary>
    internal static void Forget(string tenantId, string nsdInfoId) => Cache.TryRemove((tenantId, nsdInfoId), out _);
}
