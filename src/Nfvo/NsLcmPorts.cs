using Mano.Contracts.Messages;

namespace Mano.Nfvo;

// The NS LCM engine's seams to pieces other parts of the NFVO own (shared-api.md, issue 6): the NSD catalogue
// (NsdCatalog), the VNFM clients (VnfLcmClients / IVnfLcmClient) and the placement planner (NsPlacementPlanner).
// The engine depends on these three small interfaces only; NsLcmRegistration binds them to those services, so the
// engine and its tests do not change when an implementation does.

/// <summary>An onboarded NSD as NS LCM needs it: its ids and the parsed model.</summary>
public sealed record NsdForLcm(string NsdInfoId, string NsdId, string NsdName, Mano.Tosca.Nsd Nsd, string NsdOperationalState = "ENABLED");

/// <summary>The NSD catalogue (nsd-catalog's NsdCatalog) as the NS LCM engine's NSD source.</summary>
public sealed class NsdCatalogSource(NsdCatalog catalog) : INsdSource
{
    public async Task<NsdForLcm?> FindAsync(string nsdInfoId, CancellationToken ct) =>
        await catalog.FindAsync(nsdInfoId, ct) is { } d ? new NsdForLcm(d.NsdInfoId, d.NsdId, d.NsdName, d.Nsd, d.NsdOperationalState) : null;

    public Task SetUsageStateAsync(string nsdInfoId, bool inUse, CancellationToken ct) => catalog.SetUsageStateAsync(nsdInfoId, inUse, ct);
}

/// <summary>The NSDs of the current tenant (NsdCatalog).</summary>
public interface INsdSource
{
    /// <summary>The NSD of an ONBOARDED NsdInfo of the current tenant, or null.</summary>
    Task<NsdForLcm?> FindAsync(string nsdInfoId, CancellationToken ct);

    /// <summary>SOL005 5.5.2.2 nsdUsageState: the first NS instance uses / the last releases the NSD.</summary>
    Task SetUsageStateAsync(string nsdInfoId, bool inUse, CancellationToken ct);
}

/// <summary>Sends one SOL003 VNF LCM request to the VNFM that serves a VIM (VnfLcmClients.For(vimId)).</summary>
public interface INsVnfLcm
{
    Task<VnfLcmResponse> SendAsync(string? vimId, VnfLcmRequest request, CancellationToken ct);
}

/// <summary>The VNFM clients (vnfm-bus's VnfLcmClients): Mano's own VNFM over the bus, or the external SOL003 VNFM a VIM is assigned to.</summary>
public sealed class VnfLcmClientsVnfLcm(VnfLcmClients clients) : INsVnfLcm
{
    public Task<VnfLcmResponse> SendAsync(string? vimId, VnfLcmRequest request, CancellationToken ct) => clients.For(vimId).SendAsync(request, ct);
}

/// <summary>One VNF to place: its VNF profile and VNFD, and the location constraints of the request.</summary>
public sealed record NsVnfToPlace(string VnfKey, string VnfProfileId, string VnfdId, System.Text.Json.Nodes.JsonObject? LocationConstraints);

/// <summary>Where a VNF goes.</summary>
public sealed record NsVnfPlaced(string VnfKey, string VimId, string? ZoneId);

/// <summary>The VIM (and zone) per VNF (NsPlacementPlanner), and the pin that makes the VNF's grant land there.</summary>
public interface INsVnfPlacement
{
    Task<(IReadOnlyList<NsVnfPlaced> Placements, IReadOnlyList<string> Problems)> PlaceAsync(
        IReadOnlyList<NsVnfToPlace> vnfs, Mano.Tosca.Nsd nsd, CancellationToken ct);

    Task PinAsync(string nsInstanceId, string vnfInstanceId, string vimId, string? zoneId, CancellationToken ct);

    Task UnpinAsync(string vnfInstanceId, CancellationToken ct);
}

/// <summary>
/// Placement by the NS placement planner (ADR-0020): one request per VNF profile, sized from its VNFD's VDUs at the default
/// instantiation level (VDU initial instances when the VNFD has no levels) times the number of VNF instances of the profile;
/// the request's location constraints and the NSD's affinity rules apply. Every VNF of a profile goes where the profile goes.
/// </summary>
public sealed class PlannerPlacement(NsPlacementPlanner planner, GrantSizer sizer, NfvoDbContext db) : INsVnfPlacement
{
    public async Task<(IReadOnlyList<NsVnfPlaced> Placements, IReadOnlyList<string> Problems)> PlaceAsync(
        IReadOnlyList<NsVnfToPlace> vnfs, Mano.Tosca.Nsd nsd, CancellationToken ct)
    {
        var requests = new List<VnfPlacementRequest>();
        foreach (var profile in vnfs.GroupBy(v => v.VnfProfileId))
        {
            var first = profile.First();
            var size = ResourceSize.Zero;
            var one = await SizeAsync(first.VnfdId, nsd.FindVnf(profile.Key)?.FlavourId, ct);
            for (var i = 0; i < profile.Count(); i++) size += one;
            var constraints = first.LocationConstraints is null ? null
                : new[] { Contracts.SolJson.Deserialize<Contracts.LocationConstraints>(first.LocationConstraints.ToJsonString()) };
            requests.Add(new VnfPlacementRequest(profile.Key, first.VnfdId, size, constraints, null));
        }
        var result = await planner.PlaceAsync(requests, nsd.PlacementRules, ct);
        var byProfile = result.Placements.ToDictionary(p => p.VnfProfileId);
        return (vnfs.Where(v => byProfile.ContainsKey(v.VnfProfileId))
                .Select(v => new NsVnfPlaced(v.VnfKey, byProfile[v.VnfProfileId].VimId, byProfile[v.VnfProfileId].ZoneId)).ToList(),
            result.Problems);
    }

    private async Task<ResourceSize> SizeAsync(string vnfdId, string? flavourId, CancellationToken ct)
    {
        var vnfd = await sizer.LoadAsync(db, vnfdId, ct);
        var flavour = vnfd?.FindFlavour(flavourId ?? "") ?? vnfd?.Flavours.FirstOrDefault();
        if (flavour is null) return new ResourceSize(1, 1, 512, 0); // the VNFM's defaults for a VNFD the NFVO does not hold
        var level = flavour.FindLevel(null);
        var size = ResourceSize.Zero;
        foreach (var vdu in flavour.Vdus)
        {
            var count = level?.VduInstances.GetValueOrDefault(vdu.Id, vdu.MinNumberOfInstances) ?? Math.Max(vdu.InitialDelta, vdu.MinNumberOfInstances);
            for (var i = 0; i < count; i++)
                size += new ResourceSize(1, vdu.NumVirtualCpu ?? 1, vdu.VirtualMemSizeMiB ?? 512, vdu.LocalStorageSizesGiB.Sum());
        }
        return size;
    }

    public Task PinAsync(string nsInstanceId, string vnfInstanceId, string vimId, string? zoneId, CancellationToken ct) =>
        planner.PinAsync(nsInstanceId, vnfInstanceId, vimId, zoneId, ct);

    public Task UnpinAsync(string vnfInstanceId, CancellationToken ct) => planner.UnpinAsync(vnfInstanceId, ct);
}
