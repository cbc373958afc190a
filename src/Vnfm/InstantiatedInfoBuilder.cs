using Mano.Common;
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
        IReadOnlyList<VimResource> resources, InstantiateVnfRequest request) =>
        Build(plan with { ExtVirtualLinks = plan.ExtVirtualLinks ?? request.ExtVirtualLinks }, flavour, vimConnectionId, resources,
            request.LocalizationLanguage, VnfOperationalState.Started);

    /// <summary>
    /// <see cref="VimResource.Attributes"/> key a driver may set to the resource's SOL003 vimLevelResourceType (e.g.
    /// "OS::Nova::Server"); when absent, a Kubernetes VNFC pod reports its workload's kind ("Deployment", as Tacker does)
    /// and other resources "sandbox.&lt;kind&gt;".
    /// </summary>
    public const string VimLevelResourceTypeAttribute = "vim_level_resource_type";

    /// <summary>Kubernetes VNFC pods: the kind of their VDU's workload (the driver's KubernetesAttributes.WorkloadKind).</summary>
    private const string WorkloadKindAttribute = "workload_kind";

    /// <summary>Kubernetes VNFC pods: their VDU (the driver's KubernetesAttributes.VduId).</summary>
    private const string VduIdAttribute = "vdu_id";

    /// <summary>Status of a resource the VIM is deleting (a terminating pod).</summary>
    private const string Deleting = "DELETING";

    public static string VimLevelResourceType(VimResource r) =>
        r.Attributes.GetValueOrDefault(VimLevelResourceTypeAttribute) is { Length: > 0 } type ? type
        : r.Kind == VimResourceKind.Compute && r.Attributes.GetValueOrDefault(WorkloadKindAttribute) is { Length: > 0 } workload ? workload
        : $"sandbox.{r.Kind.ToString().ToLowerInvariant()}";

    /// <summary>
    /// For a CNF (<see cref="VnfResourcePlan.Kubernetes"/>) the VNFCs are the pods the VIM reports: a planned VNFC with no
    /// pod (a stopped CNF, a DaemonSet on fewer nodes than planned) is left out, and a pod that holds no VNFC key (a
    /// DaemonSet on more nodes) is reported as a VNFC of its VDU whose id is the pod's name. For a VM-based VNF every
    /// planned resource must exist.
    /// </summary>
    public static InstantiatedVnfInfo Build(LcmPlan plan, VnfDeploymentFlavour flavour, string vimConnectionId,
        IReadOnlyList<VimResource> resources, string? localizationLanguage, string vnfState)
    {
        var cnf = plan.Resources.Kubernetes is not null;
        // A network and its subnet share a key; the VL is the network. A resource being deleted yields to a live one of the same key.
        var byKey = new Dictionary<string, VimResource>(StringComparer.Ordinal);
        foreach (var r in resources.Where(r => r.ResourceKey is not null && r.Kind is not (VimResourceKind.Subnet or VimResourceKind.Other))
                     .OrderBy(r => r.Status == Deleting ? 1 : 0))
            byKey.TryAdd(r.ResourceKey!, r);
        ResourceHandle HandleOf(VimResource r) => new()
        {
            VimConnectionId = vimConnectionId,
            ResourceId = r.ResourceId,
            VimLevelResourceType = VimLevelResourceType(r),
        };
        VimResource Resource(string key) => byKey.TryGetValue(key, out var r) ? r
            : throw new InvalidOperationException($"the VIM holds no resource for planned key {key}");
        ResourceHandle Handle(string key) => HandleOf(Resource(key));
        var extCpdIds = flavour.ExtCps.Where(e => e.InternalCpdId is not null)
            .ToDictionary(e => e.InternalCpdId!, e => e.CpdId);
        var vnfdId = plan.VnfdId;
        var cpConfigIds = ResourcePlanner.CpConfigIds(plan.ExtVirtualLinks);

        var extCpInfo = new List<VnfExtCpInfo>();
        var linkPortsByNetwork = new Dictionary<string, List<VnfLinkPortInfo>>();
        var vnfcs = new List<VnfcResourceInfo>();
        foreach (var compute in plan.Resources.Computes)
        {
            if (cnf && !byKey.ContainsKey(compute.ResourceKey)) continue; // no pod for this VNFC now
            var cps = new List<VnfcCpInfo>();
            foreach (var port in plan.Resources.Ports.Where(p => p.ComputeKey == compute.ResourceKey))
            {
                var protocol = ProtocolInfo(Resource(port.ResourceKey));
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
                Metadata = Resource(compute.ResourceKey).ZoneId is { } zone ? new() { ["zone"] = zone } : null,
            });
        }
        if (cnf)
        {
            // Pods of the instance's VDUs that hold no VNFC key: real VNFCs all the same (e.g. a DaemonSet on a new node).
            var vduIds = flavour.Vdus.Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var pod in resources.Where(r => r.Kind == VimResourceKind.Compute && r.ResourceKey is null && r.Status != Deleting)
                         .OrderBy(r => r.ResourceId, StringComparer.Ordinal))
            {
                if (pod.Attributes.GetValueOrDefault(VduIdAttribute) is not { } vduId || !vduIds.Contains(vduId)) continue;
                vnfcs.Add(new VnfcResourceInfo
                {
                    Id = pod.ResourceId, VduId = vduId, VnfdId = vnfdId, ComputeResource = HandleOf(pod), VnfcCpInfo = [],
                    Metadata = pod.ZoneId is { } zone ? new() { ["zone"] = zone } : null,
                });
            }
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

        // SOL003 5.5.3.2: one ExtVirtualLinkInfo per external VL the VNF is connected to, with the ports made on it.
        var extCpByPort = extCpInfo.Where(e => e.AssociatedVnfcCpId is not null).ToDictionary(e => e.AssociatedVnfcCpId!, e => e.Id);
        var extLinks = (plan.ExtVirtualLinks ?? []).Select(link => new ExtVirtualLinkInfo
        {
            Id = link.Id,
            ResourceHandle = new ResourceHandle { VimConnectionId = link.VimConnectionId ?? vimConnectionId, ResourceId = link.ResourceId },
            ExtLinkPorts = plan.Resources.Ports.Where(p => p.ExternalNetworkId == link.ResourceId && link.ExtCps.Any(c => c.CpdId == p.CpdId || extCpdIds.GetValueOrDefault(p.CpdId) == c.CpdId))
                .Select(p => new ExtLinkPortInfo { Id = $"{p.ResourceKey}-elp", ResourceHandle = Handle(p.ResourceKey), CpInstanceId = extCpByPort.GetValueOrDefault(p.ResourceKey) })
                .ToList(),
            CurrentVnfExtCpData = link.ExtCps,
        }).ToList();

        return new InstantiatedVnfInfo
        {
            FlavourId = plan.FlavourId,
            VnfState = vnfState,
            ExtVirtualLinkInfo = extLinks.Count > 0 ? extLinks : null,
            ScaleStatus = plan.ScaleStatus.Count > 0 ? plan.ScaleStatus : null,
            MaxScaleLevels = flavour.ScalingAspects.Count > 0
                ? flavour.ScalingAspects.Select(a => new ScaleInfo(a.Id, a.MaxScaleLevel, vnfdId)).ToList() : null,
            ExtCpInfo = extCpInfo,
            LocalizationLanguage = localizationLanguage,
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

    /// <summary>
    /// SOL003 5.5.2.13 resourceChanges of an operation that changed a VNF: what is new is ADDED, what is gone REMOVED,
    /// what is kept under the same id but on other VIM resources (a rebuilt server, a re-created port) MODIFIED.
    /// </summary>
    public static ResourceChanges Diff(InstantiatedVnfInfo? before, InstantiatedVnfInfo? after)
    {
        var b = (before?.VnfcResourceInfo ?? []).ToDictionary(v => v.Id);
        var a = (after?.VnfcResourceInfo ?? []).ToDictionary(v => v.Id);
        static string Cps(VnfcResourceInfo v) => string.Join(",", (v.VnfcCpInfo ?? []).Select(c => $"{c.Id}={SolJson.Serialize(c.CpProtocolInfo)}"));
        var vnfcs = new List<AffectedVnfc>();
        foreach (var v in a.Values)
        {
            if (!b.TryGetValue(v.Id, out var old)) vnfcs.Add(Affected(v, "ADDED"));
            else if (old.ComputeResource.ResourceId != v.ComputeResource.ResourceId || Cps(old) != Cps(v)) vnfcs.Add(Affected(v, "MODIFIED"));
        }
        vnfcs.AddRange(b.Values.Where(v => !a.ContainsKey(v.Id)).Select(v => Affected(v, "REMOVED")));

        var bl = (before?.VnfVirtualLinkResourceInfo ?? []).ToDictionary(v => v.Id);
        var al = (after?.VnfVirtualLinkResourceInfo ?? []).ToDictionary(v => v.Id);
        var links = new List<AffectedVirtualLink>();
        foreach (var v in al.Values)
        {
            if (!bl.TryGetValue(v.Id, out var old)) links.Add(Affected(v, "ADDED"));
            else
            {
                var was = old.VnfLinkPorts.Select(p => p.Id).ToHashSet();
                var now = v.VnfLinkPorts.Select(p => p.Id).ToHashSet();
                if (now.Except(was).Any()) links.Add(Affected(v, "LINK_PORT_ADDED"));
                if (was.Except(now).Any()) links.Add(Affected(v, "LINK_PORT_REMOVED"));
            }
        }
        links.AddRange(bl.Values.Where(v => !al.ContainsKey(v.Id)).Select(v => Affected(v, "REMOVED")));

        var bs = (before?.VnfVirtualStorageResourceInfo ?? []).ToDictionary(v => v.Id);
        var @as = (after?.VnfVirtualStorageResourceInfo ?? []).ToDictionary(v => v.Id);
        var storages = new List<AffectedVirtualStorage>();
        foreach (var v in @as.Values)
        {
            if (!bs.TryGetValue(v.Id, out var old)) storages.Add(Affected(v, "ADDED"));
            else if (old.StorageResource.ResourceId != v.StorageResource.ResourceId) storages.Add(Affected(v, "MODIFIED"));
        }
        storages.AddRange(bs.Values.Where(v => !@as.ContainsKey(v.Id)).Select(v => Affected(v, "REMOVED")));
        return new ResourceChanges { AffectedVnfcs = vnfcs, AffectedVirtualLinks = links, AffectedVirtualStorages = storages };
    }

    private static AffectedVnfc Affected(VnfcResourceInfo v, string changeType) => new()
    {
        Id = v.Id, VduId = v.VduId, VnfdId = v.VnfdId, ChangeType = changeType, ComputeResource = v.ComputeResource,
        AffectedVnfcCpIds = v.VnfcCpInfo?.Select(c => c.Id).ToList(),
    };

    private static AffectedVirtualLink Affected(VnfVirtualLinkResourceInfo v, string changeType) => new()
    {
        Id = v.Id, VnfVirtualLinkDescId = v.VnfVirtualLinkDescId, VnfdId = v.VnfdId, ChangeType = changeType, NetworkResource = v.NetworkResource,
    };

    private static AffectedVirtualStorage Affected(VirtualStorageResourceInfo v, string changeType) => new()
    {
        Id = v.Id, VirtualStorageDescId = v.VirtualStorageDescId, VnfdId = v.VnfdId, ChangeType = changeType, StorageResource = v.StorageResource,
    };

    private static CpProtocolInfo ProtocolInfo(VimResource port)
    {
        var ip = port.Attributes.GetValueOrDefault("ip_address");
        var mac = port.Attributes.GetValueOrDefault("mac_address");
        return new CpProtocolInfo("IP_OVER_ETHERNET", new IpOverEthernetAddressInfo(mac,
            ip is null ? null : [new IpAddressInfo(ip.Contains(':') ? "IPV6" : "IPV4", [ip], IsDynamic: true, port.Attributes.GetValueOrDefault("subnet_id"))]));
    }
}
