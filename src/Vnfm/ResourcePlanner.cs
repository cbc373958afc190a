using Mano.Contracts;
using Mano.Tosca;
using Mano.VimAdapters;

namespace Mano.Vnfm;

/// <summary>What an LCM operation wants, chosen once in STARTING and persisted on the op occ.</summary>
public sealed record LcmPlan(
    string VnfdId, string FlavourId, string? InstantiationLevelId, VnfResourcePlan Resources,
    IReadOnlyList<ScaleInfo> ScaleStatus);

/// <summary>
/// Turns a VNFD deployment flavour and an instantiation level into the resources a VIM must hold (pure: no I/O).
/// SOL001 6.8 / SOL003 B.2: the instance count of a VDU is its VduInstantiationLevels entry for the level, else its
/// initial delta; every VduCp of a VNFC becomes a port, internal VLs networks, virtual storages volumes.
/// </summary>
public static class ResourcePlanner
{
    public static LcmPlan PlanInstantiate(
        string tenantId, string vnfInstanceId, string opOccId, KnownVnfd known, InstantiateVnfRequest request)
    {
        var flavour = known.Vnfd.FindFlavour(request.FlavourId!)
                      ?? throw new InvalidOperationException($"flavour {request.FlavourId} vanished");
        var level = flavour.FindLevel(request.InstantiationLevelId);
        var shortId = vnfInstanceId.Length > 8 ? vnfInstanceId[..8] : vnfInstanceId;

        var networks = flavour.VirtualLinks
            .Select(vl => new PlannedNetwork(NewKey(), vl.Id, vl.Cidr, vl.IpVersion))
            .ToList();
        var networkByVl = networks.ToDictionary(n => n.VirtualLinkDescId, n => n.ResourceKey);
        var extNetworkByCpd = ExternalNetworks(request);

        var computes = new List<PlannedCompute>();
        var ports = new List<PlannedPort>();
        var volumes = new List<PlannedVolume>();
        foreach (var vdu in flavour.Vdus)
        {
            var count = level is not null && level.VduInstances.TryGetValue(vdu.Id, out var n) ? n : vdu.InitialDelta;
            for (var i = 0; i < count; i++)
            {
                var vnfcKey = NewKey();
                computes.Add(new PlannedCompute(vnfcKey, vdu.Id, $"{vdu.Name}-{shortId}-{i}",
                    vdu.NumVirtualCpu ?? 1, vdu.VirtualMemSizeMiB ?? 512, vdu.SwImage?.Name, ZoneId: null));
                foreach (var storageId in vdu.VirtualStorageIds)
                {
                    var storage = flavour.VirtualStorages.FirstOrDefault(s => s.Id == storageId);
                    if (storage is null) continue;
                    volumes.Add(new PlannedVolume(NewKey(), storage.Id, storage.SizeOfStorageBytes, vnfcKey));
                }
                foreach (var cp in flavour.VduCps.Where(c => c.VduId == vdu.Id).OrderBy(c => c.Order ?? int.MaxValue))
                {
                    var internalNet = cp.VirtualLinkId is not null && networkByVl.TryGetValue(cp.VirtualLinkId, out var k) ? k : null;
                    extNetworkByCpd.TryGetValue(cp.Id, out var extNet);
                    // A CP on no internal VL is external; unless the request connects it (extVirtualLinks) it
                    // stays unconnected (SOL003: change_ext_conn can connect it later), so no port is made.
                    if (internalNet is null && extNet is null) continue;
                    ports.Add(new PlannedPort(NewKey(), cp.Id, vnfcKey, internalNet, internalNet is null ? extNet : null));
                }
            }
        }

        var scaleStatus = flavour.ScalingAspects
            .Select(a => new ScaleInfo(a.Id, level is not null && level.ScaleLevels.TryGetValue(a.Id, out var l) ? l : 0, known.Vnfd.DescriptorId))
            .ToList();
        var resources = new VnfResourcePlan(tenantId, vnfInstanceId, opOccId, networks, computes, ports, volumes);
        return new LcmPlan(known.Vnfd.DescriptorId, flavour.FlavourId, level?.Id, resources, scaleStatus);
    }

    /// <summary>SOL003 9.5.3.2: one ResourceDefinition per resource to add; its id is the plan's resource key.</summary>
    public static List<ResourceDefinition> AddResources(LcmPlan plan) =>
    [
        .. plan.Resources.Computes.Select(c => new ResourceDefinition { Id = c.ResourceKey, Type = "COMPUTE", VduId = c.VduId, VnfdId = plan.VnfdId, ResourceTemplateId = c.VduId }),
        .. plan.Resources.Networks.Select(n => new ResourceDefinition { Id = n.ResourceKey, Type = "VL", VnfdId = plan.VnfdId, ResourceTemplateId = n.VirtualLinkDescId }),
        .. plan.Resources.Volumes.Select(v => new ResourceDefinition { Id = v.ResourceKey, Type = "STORAGE", VnfdId = plan.VnfdId, ResourceTemplateId = v.VirtualStorageDescId }),
        .. plan.Resources.Ports.Select(p => new ResourceDefinition { Id = p.ResourceKey, Type = "LINKPORT", VnfdId = plan.VnfdId, ResourceTemplateId = p.CpdId }),
    ];

    /// <summary>Applies the grant's zone decisions (SOL003 9.5.3.3 GrantInfo.zoneId -> 9.5.3.4 ZoneInfo.zoneId).</summary>
    public static VnfResourcePlan WithGrantedZones(VnfResourcePlan plan, Grant grant)
    {
        var zones = (grant.Zones ?? []).ToDictionary(z => z.Id, z => z.ZoneId);
        var zoneOf = (grant.AddResources ?? [])
            .Where(g => g.ZoneId is not null && zones.ContainsKey(g.ZoneId))
            .ToDictionary(g => g.ResourceDefinitionId, g => zones[g.ZoneId!]);
        return plan with
        {
            Computes = plan.Computes.Select(c => c with { ZoneId = zoneOf.GetValueOrDefault(c.ResourceKey) }).ToList(),
        };
    }

    /// <summary>SOL003 4.4.1.10a: the cpConfigId the request chose for each external CPD (the cpConfig map's key).</summary>
    public static Dictionary<string, string> CpConfigIds(InstantiateVnfRequest request)
    {
        var map = new Dictionary<string, string>();
        foreach (var ext in request.ExtVirtualLinks ?? [])
            foreach (var cp in ext.ExtCps)
                map[cp.CpdId] = cp.CpConfig?.Keys.FirstOrDefault() ?? "default";
        return map;
    }

    private static Dictionary<string, string> ExternalNetworks(InstantiateVnfRequest request)
    {
        var map = new Dictionary<string, string>();
        foreach (var ext in request.ExtVirtualLinks ?? [])
            foreach (var cp in ext.ExtCps)
                map[cp.CpdId] = ext.ResourceId;
        return map;
    }

    private static string NewKey() => Guid.NewGuid().ToString();
}
