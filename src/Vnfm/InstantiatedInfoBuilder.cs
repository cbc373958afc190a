using Mano.Contracts;
using Mano.Tosca;
using Mano.VimAdapters;

namespace Mano.Vnfm;

/// <summary>
/// Builds SOL003 5.5.2.2 instantiatedVnfInfo (and 5.5.2.13 resourceChanges) from a plan and what the VIM actually
/// holds, so the API shows the VIM's own ids, addresses and zones.
/// </summary>
public static class InstantiatedInfoBuilder
{
    public static InstantiatedVnfInfo Build(LcmPlan plan, VnfDeploymentFlavour flavour, string vimConnectionId,
        IReadOnlyList<VimResource> resources, InstantiateVnfRequest request)
    {
        // A network and its subnet share a key; the VL is the network.
        var byKey = resources.Where(r => r.ResourceKey is not null && r.Kind != VimResourceKind.Subnet).ToDictionary(r => r.ResourceKey!);
        ResourceHandle Handle(string key) => new()
        {
            VimConnectionId = vimConnectionId,
            ResourceId = byKey.TryGetValue(key, out var r) ? r.ResourceId
                : throw new InvalidOperationException($"the VIM holds no resource for planned key {key}"),
            VimLevelResourceType = $"sandbox.{byKey[key].Kind.ToString().ToLowerInvariant()}",
        };
        var extCpdIds = flavour.ExtCps.Where(e => e.InternalCpdId is not null)
            .ToDictionary(e => e.InternalCpdId!, e => e.CpdId);
        var vnfdId = plan.VnfdId;
        var cpConfigIds = ResourcePlanner.CpConfigIds(request);

        var extCpInfo = new List<VnfExtCpInfo>();
        var linkPortsByNetwork = new Dictionary<string, List<VnfLinkPortInfo>>();
        var vnfcs = new List<VnfcResourceInfo>();
        foreach (var compute in plan.Resources.Computes)
        {
            var cps = new List<VnfcCpInfo>();
            foreach (var port in plan.Resources.Ports.Where(p => p.ComputeKey == compute.ResourceKey))
            {
                var protocol = ProtocolInfo(byKey[port.ResourceKey]);
                string? extCpId = null;
                if (extCpdIds.TryGetValue(port.CpdId, out var extCpdId))
                {
                    extCpId = $"{port.ResourceKey}-ext";
                    extCpInfo.Add(new VnfExtCpInfo
                    {
                        Id = extCpId, CpdId = extCpdId, CpConfigId = cpConfigIds.GetValueOrDefault(extCpdId) ?? cpConfigIds.GetValueOrDefault(port.CpdId) ?? "default", VnfdId = vnfdId,
                        CpProtocolInfo = [protocol], AssociatedVnfcCpId = port.ResourceKey,
                    });
                }
                string? linkPortId = null;
                if (port.NetworkKey is not null)
                {
                    linkPortId = $"{port.ResourceKey}-lp";
                    if (!linkPortsByNetwork.TryGetValue(port.NetworkKey, out var list))
                        linkPortsByNetwork[port.NetworkKey] = list = [];
                    list.Add(new VnfLinkPortInfo
                    {
                        Id = linkPortId, ResourceHandle = Handle(port.ResourceKey),
                        CpInstanceId = port.ResourceKey, CpInstanceType = "VNFC_CP",
                    });
                }
                cps.Add(new VnfcCpInfo
                {
                    Id = port.ResourceKey, CpdId = port.CpdId, VnfExtCpId = extCpId,
                    CpProtocolInfo = [protocol], VnfLinkPortId = linkPortId,
                });
            }
            var storageIds = plan.Resources.Volumes.Where(v => v.ComputeKey == compute.ResourceKey).Select(v => v.ResourceKey).ToList();
            vnfcs.Add(new VnfcResourceInfo
            {
                Id = compute.ResourceKey, VduId = compute.VduId, VnfdId = vnfdId,
                ComputeResource = Handle(compute.ResourceKey),
                StorageResourceIds = storageIds.Count > 0 ? storageIds : null,
                VnfcCpInfo = cps,
                Metadata = byKey[compute.ResourceKey].ZoneId is { } zone ? new() { ["zone"] = zone } : null,
            });
        }

        var vls = plan.Resources.Networks.Select(n => new VnfVirtualLinkResourceInfo
        {
            Id = n.ResourceKey, VnfVirtualLinkDescId = n.VirtualLinkDescId, VnfdId = vnfdId,
            NetworkResource = Handle(n.ResourceKey),
            VnfLinkPorts = linkPortsByNetwork.GetValueOrDefault(n.ResourceKey) ?? [],
        }).ToList();

        var storages = plan.Resources.Volumes.Select(v => new VirtualStorageResourceInfo
        {
            Id = v.ResourceKey, VirtualStorageDescId = v.VirtualStorageDescId, VnfdId = vnfdId,
            StorageResource = Handle(v.ResourceKey),
        }).ToList();

        return new InstantiatedVnfInfo
        {
            FlavourId = plan.FlavourId,
            VnfState = "STARTED",
            ScaleStatus = plan.ScaleStatus.Count > 0 ? plan.ScaleStatus : null,
            MaxScaleLevels = flavour.ScalingAspects.Count > 0
                ? flavour.ScalingAspects.Select(a => new ScaleInfo(a.Id, a.MaxScaleLevel, vnfdId)).ToList() : null,
            ExtCpInfo = extCpInfo,
            LocalizationLanguage = request.LocalizationLanguage,
            VnfcResourceInfo = vnfcs,
            VnfVirtualLinkResourceInfo = vls,
            VnfVirtualStorageResourceInfo = storages.Count > 0 ? storages : null,
        };
    }

    /// <summary>SOL003 5.5.2.13 resourceChanges for resources added (instantiate) or removed (terminate).</summary>
    public static ResourceChanges Changes(InstantiatedVnfInfo info, string changeType) => new()
    {
        AffectedVnfcs = (info.VnfcResourceInfo ?? []).Select(v => new AffectedVnfc
        {
            Id = v.Id, VduId = v.VduId, VnfdId = v.VnfdId, ChangeType = changeType, ComputeResource = v.ComputeResource,
            AffectedVnfcCpIds = v.VnfcCpInfo?.Select(c => c.Id).ToList(),
        }).ToList(),
        AffectedVirtualLinks = (info.VnfVirtualLinkResourceInfo ?? []).Select(v => new AffectedVirtualLink
        {
            Id = v.Id, VnfVirtualLinkDescId = v.VnfVirtualLinkDescId, VnfdId = v.VnfdId, ChangeType = changeType, NetworkResource = v.NetworkResource,
        }).ToList(),
        AffectedVirtualStorages = (info.VnfVirtualStorageResourceInfo ?? []).Select(v => new AffectedVirtualStorage
        {
            Id = v.Id, VirtualStorageDescId = v.VirtualStorageDescId, VnfdId = v.VnfdId, ChangeType = changeType, StorageResource = v.StorageResource,
        }).ToList(),
    };

    private static CpProtocolInfo ProtocolInfo(VimResource port)
    {
        var ip = port.Attributes.GetValueOrDefault("ip_address");
        var mac = port.Attributes.GetValueOrDefault("mac_address");
        return new CpProtocolInfo("IP_OVER_ETHERNET", new IpOverEthernetAddressInfo(mac,
            ip is null ? null : [new IpAddressInfo(ip.Contains(':') ? "IPV6" : "IPV4", [ip], IsDynamic: true, port.Attributes.GetValueOrDefault("subnet_id"))]));
    }
}
