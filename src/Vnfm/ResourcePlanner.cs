using System.Text;
using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Mano.Tosca;
using Mano.VimAdapters;

namespace Mano.Vnfm;

/// <summary>What an LCM operation wants, chosen once in STARTING and persisted on the op occ.</summary>
/// <remarks>
/// Kept on the instance (<see cref="VnfInstanceRecord.ResourcePlan"/>) as its current desired state once an operation
/// completes: every later operation plans its target from it, and a rollback returns to it.
/// </remarks>
public sealed record LcmPlan(
    string VnfdId, string FlavourId, string? InstantiationLevelId, VnfResourcePlan Resources,
    IReadOnlyList<ScaleInfo> ScaleStatus, IReadOnlyList<ExtVirtualLinkData>? ExtVirtualLinks = null);

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
        var counts = flavour.Vdus.ToDictionary(v => v.Id, v => level is not null && level.VduInstances.TryGetValue(v.Id, out var n) ? n : v.InitialDelta);
        var scaleStatus = flavour.ScalingAspects
            .Select(a => new ScaleInfo(a.Id, level is not null && level.ScaleLevels.TryGetValue(a.Id, out var l) ? l : 0, known.Vnfd.DescriptorId))
            .ToList();
        var kubernetes = KubernetesPlan(known, flavour, request.AdditionalParams);
        var heat = kubernetes is null ? HeatPlan(known, flavour, request.AdditionalParams, request.ExtVirtualLinks) : null;
        var resources = Compose(tenantId, vnfInstanceId, opOccId, flavour, counts, request.ExtVirtualLinks ?? [], current: null, kubernetes, heat);
        return new LcmPlan(known.Vnfd.DescriptorId, flavour.FlavourId, level?.Id, resources, scaleStatus, request.ExtVirtualLinks);
    }

    /// <summary>
    /// SCALE (SOL003 5.4.5) and SCALE_TO_LEVEL (5.4.6): the target plan for new scale levels. The VNFC count of a VDU
    /// changes by the sum of its VduScalingAspectDeltas of the steps crossed (non-uniform deltas honoured: step i uses the
    /// aspect's i-th step delta). Scaling in removes the newest VNFCs of each VDU; kept resources keep their keys.
    /// </summary>
    public static LcmPlan PlanScale(LcmPlan current, VnfDeploymentFlavour flavour, IReadOnlyDictionary<string, int> targetLevels, string opOccId, string? levelId = null)
    {
        var now = current.ScaleStatus.ToDictionary(s => s.AspectId, s => s.ScaleLevel);
        var counts = Counts(current, flavour);
        foreach (var aspect in flavour.ScalingAspects)
        {
            var from = now.GetValueOrDefault(aspect.Id);
            var to = targetLevels.TryGetValue(aspect.Id, out var t) ? t : from;
            foreach (var vdu in flavour.Vdus)
                counts[vdu.Id] += InstancesAt(aspect, vdu.Id, to) - InstancesAt(aspect, vdu.Id, from);
        }
        foreach (var vdu in flavour.Vdus)
            if (counts[vdu.Id] < 0) counts[vdu.Id] = 0;
        var status = current.ScaleStatus.Select(s => s with { ScaleLevel = targetLevels.TryGetValue(s.AspectId, out var l) ? l : s.ScaleLevel }).ToList();
        var resources = Compose(current.Resources.TenantId, current.Resources.VnfInstanceId, opOccId, flavour, counts, current.ExtVirtualLinks ?? [], current,
            current.Resources.Kubernetes, current.Resources.Heat);
        return current with { InstantiationLevelId = levelId ?? current.InstantiationLevelId, Resources = resources, ScaleStatus = status };
    }

    /// <summary>SOL001 6.10.x: VNFCs a VDU gains when its aspect goes from level 0 to <paramref name="level"/>.</summary>
    public static int InstancesAt(ScalingAspect aspect, string vduId, int level)
    {
        if (!aspect.VduDeltas.TryGetValue(vduId, out var deltas)) return 0;
        var sum = 0;
        for (var i = 0; i < level && aspect.StepDeltas.Count > 0; i++)
        {
            // A single step delta applies to every step (uniform); otherwise step i uses the i-th delta.
            var deltaId = aspect.StepDeltas[Math.Min(i, aspect.StepDeltas.Count - 1)];
            sum += deltas.GetValueOrDefault(deltaId);
        }
        return sum;
    }

    /// <summary>
    /// CHANGE_FLAVOUR (5.4.7) and CHANGE_VNFPKG (5.4.11a): a fresh plan of <paramref name="flavour"/> at
    /// <paramref name="levelId"/> (or, when <paramref name="keepCounts"/>, with the current VNFC counts), keeping the keys of
    /// the VNFCs, ports, volumes and VLs whose descriptors persist. A CNF's Kubernetes part is
    /// <paramref name="kubernetes"/>, rebuilt by the caller from the target package (<see cref="KubernetesPlan"/>).
    /// </summary>
    public static LcmPlan PlanReplace(LcmPlan current, string vnfdId, VnfDeploymentFlavour flavour, string? levelId,
        IReadOnlyList<ExtVirtualLinkData>? extVirtualLinks, string opOccId, bool keepCounts, KubernetesDeploymentPlan? kubernetes = null)
    {
        var level = flavour.FindLevel(levelId);
        var currentCounts = Counts(current, flavour);
        var counts = flavour.Vdus.ToDictionary(v => v.Id, v =>
            keepCounts && current.Resources.Computes.Any(c => c.VduId == v.Id) ? currentCounts[v.Id]
            : level is not null && level.VduInstances.TryGetValue(v.Id, out var n) ? n : v.InitialDelta);
        var links = MergeLinks(current.ExtVirtualLinks, extVirtualLinks);
        var previous = current.ScaleStatus.ToDictionary(s => s.AspectId, s => s.ScaleLevel);
        var scaleStatus = flavour.ScalingAspects.Select(a => new ScaleInfo(a.Id,
            keepCounts && previous.TryGetValue(a.Id, out var kept) ? Math.Min(kept, a.MaxScaleLevel)
            : level is not null && level.ScaleLevels.TryGetValue(a.Id, out var l) ? l : 0, vnfdId)).ToList();
        var resources = Compose(current.Resources.TenantId, current.Resources.VnfInstanceId, opOccId, flavour, counts, links, current, kubernetes);
        return new LcmPlan(vnfdId, flavour.FlavourId, keepCounts ? current.InstantiationLevelId : level?.Id, resources, scaleStatus, links);
    }

    /// <summary>CHANGE_EXT_CONN (5.4.9): the same VNFCs, with external CPs (re)connected as the merged extVirtualLinks say.</summary>
    public static LcmPlan PlanChangeExtConn(LcmPlan current, VnfDeploymentFlavour flavour, IReadOnlyList<ExtVirtualLinkData> extVirtualLinks, string opOccId)
    {
        var links = MergeLinks(current.ExtVirtualLinks, extVirtualLinks);
        // Heat mode (ADR-0015): the stack's nfv.CP networks and fixed IPs follow the merged links.
        var heat = current.Resources.Heat is { } h ? h with { ExtNetworks = HeatExtNetworks(flavour, links), FixedIps = HeatFixedIps(flavour, links) } : null;
        var resources = Compose(current.Resources.TenantId, current.Resources.VnfInstanceId, opOccId, flavour, Counts(current, flavour), links, current,
            current.Resources.Kubernetes, heat);
        return current with { Resources = resources, ExtVirtualLinks = links };
    }

    /// <summary>The plan as it is, re-tagged for another op occ (heal, operate: resources created by that op carry its id).</summary>
    public static LcmPlan ForOperation(LcmPlan current, string opOccId) =>
        current with { Resources = current.Resources with { OpOccId = opOccId } };

    /// <summary>SOL003 5.5.2.11: links with the id of a current one replace it; others are added.</summary>
    public static List<ExtVirtualLinkData> MergeLinks(IReadOnlyList<ExtVirtualLinkData>? current, IReadOnlyList<ExtVirtualLinkData>? changes)
    {
        var merged = (current ?? []).ToList();
        foreach (var link in changes ?? [])
        {
            var i = merged.FindIndex(l => l.Id == link.Id);
            if (i >= 0) merged[i] = link; else merged.Add(link);
        }
        // A CPD is connected to one external VL: a later link naming it takes it from an earlier one.
        var taken = new HashSet<string>();
        for (var i = merged.Count - 1; i >= 0; i--)
        {
            var cps = merged[i].ExtCps.Where(c => taken.Add(c.CpdId)).ToList();
            merged[i] = merged[i] with { ExtCps = cps };
        }
        return merged.Where(l => l.ExtCps.Count > 0).ToList();
    }

    private static Dictionary<string, int> Counts(LcmPlan current, VnfDeploymentFlavour flavour) =>
        flavour.Vdus.ToDictionary(v => v.Id, v => current.Resources.Computes.Count(c => c.VduId == v.Id));

    /// <summary>
    /// The resources of a flavour with <paramref name="counts"/> VNFCs per VDU. With a <paramref name="current"/> plan, the
    /// first VNFCs of each VDU keep their keys (and names), as do their ports (by CPD) and volumes (by storage), and the
    /// VLs (by descriptor); new ones get fresh keys; the newest VNFCs beyond a count are left out (scale in).
    /// A CNF (<paramref name="kubernetes"/> set) is its manifests: one compute per VNFC (pod), and no network, port or
    /// volume (the manifests hold the Services, claims and the like).
    /// </summary>
    private static VnfResourcePlan Compose(string tenantId, string vnfInstanceId, string opOccId, VnfDeploymentFlavour flavour,
        IReadOnlyDictionary<string, int> counts, IReadOnlyList<ExtVirtualLinkData> extLinks, LcmPlan? current, KubernetesDeploymentPlan? kubernetes,
        HeatStackPlan? heat = null)
    {
        var shortId = vnfInstanceId.Length > 8 ? vnfInstanceId[..8] : vnfInstanceId;
        var old = current?.Resources;
        var cnf = kubernetes is not null;
        var networks = cnf ? [] : flavour.VirtualLinks
            .Select(vl => new PlannedNetwork(old?.Networks.FirstOrDefault(n => n.VirtualLinkDescId == vl.Id)?.ResourceKey ?? NewKey(), vl.Id, vl.Cidr, vl.IpVersion))
            .ToList();
        var networkByVl = networks.ToDictionary(n => n.VirtualLinkDescId, n => n.ResourceKey);
        var extNetworkByCpd = ExternalNetworks(extLinks);

        var computes = new List<PlannedCompute>();
        var ports = new List<PlannedPort>();
        var volumes = new List<PlannedVolume>();
        foreach (var vdu in flavour.Vdus)
        {
            var existing = old?.Computes.Where(c => c.VduId == vdu.Id).ToList() ?? [];
            var count = counts.GetValueOrDefault(vdu.Id);
            for (var i = 0; i < count; i++)
            {
                var kept = i < existing.Count ? existing[i] : null;
                var vnfcKey = kept?.ResourceKey ?? NewKey();
                computes.Add(new PlannedCompute(vnfcKey, vdu.Id, kept?.Name ?? $"{vdu.Name}-{shortId}-{i}",
                    vdu.NumVirtualCpu ?? 1, vdu.VirtualMemSizeMiB ?? 512, vdu.SwImage?.Name, ZoneId: kept?.ZoneId)
                { FlavorName = vdu.FlavorName, Image = PlanVimExtras.Image(vdu.SwImage) });
                if (cnf) continue;
                foreach (var storageId in vdu.VirtualStorageIds)
                {
                    var storage = flavour.VirtualStorages.FirstOrDefault(s => s.Id == storageId);
                    if (storage is null) continue;
                    var keptVolume = old?.Volumes.FirstOrDefault(v => v.ComputeKey == vnfcKey && v.VirtualStorageDescId == storage.Id);
                    volumes.Add(new PlannedVolume(keptVolume?.ResourceKey ?? NewKey(), storage.Id, storage.SizeOfStorageBytes, vnfcKey));
                }
                foreach (var cp in flavour.VduCps.Where(c => c.VduId == vdu.Id).OrderBy(c => c.Order ?? int.MaxValue))
                {
                    var internalNet = cp.VirtualLinkId is not null && networkByVl.TryGetValue(cp.VirtualLinkId, out var k) ? k : null;
                    extNetworkByCpd.TryGetValue(cp.Id, out var extNet);
                    var extCpd = flavour.ExtCps.FirstOrDefault(e => e.InternalCpdId == cp.Id)?.CpdId;
                    if (extNet is null && extCpd is not null) extNetworkByCpd.TryGetValue(extCpd, out extNet);
                    // A CP on no internal VL is external; unless the request connects it (extVirtualLinks) it
                    // stays unconnected (SOL003: change_ext_conn can connect it later), so no port is made.
                    if (internalNet is null && extNet is null) continue;
                    var keptPort = old?.Ports.FirstOrDefault(p => p.ComputeKey == vnfcKey && p.CpdId == cp.Id);
                    ports.Add(new PlannedPort(keptPort?.ResourceKey ?? NewKey(), cp.Id, vnfcKey, internalNet, internalNet is null ? extNet : null));
                }
            }
        }
        return new VnfResourcePlan(tenantId, vnfInstanceId, opOccId, networks, computes, ports, volumes)
        {
            Kubernetes = kubernetes,
            Heat = heat,
            // PlanVimExtras.cs: security groups and nfvi_node server groups of a VM-based VNF
            SecurityGroups = cnf ? null : PlanVimExtras.SecurityGroups(flavour),
            ServerGroups = cnf ? null : PlanVimExtras.ServerGroups(flavour),
        };
    }

    /// <summary>additionalParams flag of instantiate: <c>false</c> deploys a package with BaseHOT/ from its VNFD instead of as a Heat stack (ADR-0015).</summary>
    public const string HeatModeParam = "heatMode";

    /// <summary>additionalParams merged over the computed Heat <c>nfv</c> parameter (Tacker's name and rule).</summary>
    public const string HeatNfvParam = "nfv";

    /// <summary>
    /// The Heat part of an instantiate plan (ADR-0015): null unless the package has Tacker-style templates for the flavour
    /// (BaseHOT/&lt;flavourId&gt;/: one top template, nested ones below it, keyed by file name as Tacker does) and
    /// additionalParams "heatMode" is not false. The VIM driver uses it when the VIM has Heat, else deploys from the VNFD.
    /// 422 when the templates of the flavour are unusable.
    /// </summary>
    public static HeatStackPlan? HeatPlan(KnownVnfd known, VnfDeploymentFlavour flavour, JsonObject? additionalParams, IReadOnlyList<ExtVirtualLinkData>? links)
    {
        if (additionalParams?[HeatModeParam] is { } flag)
        {
            if (flag is not JsonValue fv || !fv.TryGetValue<bool>(out var on))
                throw new UnprocessableProblem($"additionalParams \"{HeatModeParam}\" must be true or false.");
            if (!on) return null;
        }
        var files = known.Package.HeatTemplates;
        if (files is null || files.Count == 0) return null;
        var dir = $"BaseHOT/{flavour.FlavourId}/";
        var mine = files.Where(kv => kv.Key.StartsWith(dir, StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        if (mine.Count == 0) return null;
        var tops = mine.Where(kv => !kv.Key[dir.Length..].Contains('/', StringComparison.Ordinal)).ToList();
        if (tops.Count != 1)
            throw new UnprocessableProblem($"The VNF package {known.Package.VnfPkgId} must have exactly one top Heat template in {dir} for flavour {flavour.FlavourId}; it has {tops.Count}"
                + (tops.Count == 0 ? "." : $": {string.Join(", ", tops.Select(t => t.Key))}."));
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        string Text(string path, byte[] bytes)
        {
            try { return utf8.GetString(bytes).TrimStart('\uFEFF'); }
            catch (DecoderFallbackException) { throw new UnprocessableProblem($"The Heat template \"{path}\" is not UTF-8 text."); }
        }
        var nested = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, bytes) in mine.Where(kv => kv.Key != tops[0].Key))
        {
            var name = path[(path.LastIndexOf('/') + 1)..];
            if (!nested.TryAdd(name, Text(path, bytes)))
                throw new UnprocessableProblem($"The VNF package {known.Package.VnfPkgId} has two nested Heat templates named \"{name}\" in {dir}: Heat knows them by file name.");
        }
        var flavors = flavour.Vdus.Where(v => v.FlavorName is not null).ToDictionary(v => v.Id, v => v.FlavorName!);
        var images = new Dictionary<string, string>();
        foreach (var v in flavour.Vdus.Where(v => v.SwImage is not null)) images[v.Id] = v.SwImage!.Name;
        foreach (var st in flavour.VirtualStorages.Where(st => st.SwImage is not null)) images[st.Id] = st.SwImage!.Name;
        var overrides = additionalParams?[HeatNfvParam];
        if (overrides is not null and not JsonObject)
            throw new UnprocessableProblem($"additionalParams \"{HeatNfvParam}\" must be an object (merged over the Heat stack's nfv parameter).");
        return new HeatStackPlan(tops[0].Key, Text(tops[0].Key, tops[0].Value), nested, flavors, images,
            HeatExtNetworks(flavour, links), HeatFixedIps(flavour, links), (JsonObject?)overrides?.DeepClone());
    }

    /// <summary>Per CPD (the external CP, and the VduCp it exposes: Tacker's templates name the latter), its extVirtualLink's network.</summary>
    public static Dictionary<string, string> HeatExtNetworks(VnfDeploymentFlavour flavour, IReadOnlyList<ExtVirtualLinkData>? links)
    {
        var map = new Dictionary<string, string>();
        foreach (var ext in links ?? [])
            foreach (var cp in ext.ExtCps)
                foreach (var id in CpdAndInternal(flavour, cp.CpdId))
                    map[id] = ext.ResourceId;
        return map;
    }

    /// <summary>
    /// Per CPD, the fixed IPs of its cpConfig's cpProtocolData (SOL003 4.4.1.10b/c: ipOverEthernet.ipAddresses[] with
    /// fixedAddresses and/or subnetId; the first fixed address of each entry, as Tacker takes it).
    /// </summary>
    public static Dictionary<string, IReadOnlyList<HeatFixedIp>> HeatFixedIps(VnfDeploymentFlavour flavour, IReadOnlyList<ExtVirtualLinkData>? links)
    {
        var map = new Dictionary<string, IReadOnlyList<HeatFixedIp>>();
        foreach (var ext in links ?? [])
            foreach (var cp in ext.ExtCps)
            {
                var ips = new List<HeatFixedIp>();
                foreach (var config in cp.CpConfig?.Values ?? Enumerable.Empty<JsonObject>())
                    foreach (var data in config["cpProtocolData"] as JsonArray ?? [])
                        foreach (var ip in data?["ipOverEthernet"]?["ipAddresses"] as JsonArray ?? [])
                        {
                            var address = (ip?["fixedAddresses"] as JsonArray)?.FirstOrDefault()?.GetValue<string>();
                            var subnet = ip?["subnetId"]?.GetValue<string>();
                            if (address is not null || subnet is not null) ips.Add(new HeatFixedIp(subnet, address));
                        }
                if (ips.Count == 0) continue;
                foreach (var id in CpdAndInternal(flavour, cp.CpdId)) map[id] = ips;
            }
        return map;
    }

    private static IEnumerable<string> CpdAndInternal(VnfDeploymentFlavour flavour, string cpdId)
    {
        yield return cpdId;
        if (flavour.ExtCps.FirstOrDefault(e => e.CpdId == cpdId)?.InternalCpdId is { } internalCpd && internalCpd != cpdId) yield return internalCpd;
    }

    /// <summary>additionalParams naming the manifests to deploy, in order (Tacker's name).</summary>
    public const string KubernetesDefFilesParam = "lcm-kubernetes-def-files";

    /// <summary>additionalParams naming the namespace of manifests that name none (Tacker's name).</summary>
    public const string NamespaceParam = "namespace";

    /// <summary>
    /// The CNF part of a plan (null for a VM-based VNF: the package has no Kubernetes manifest): the manifests of
    /// additionalParams "lcm-kubernetes-def-files" in that order, as Tacker deploys them, else those of
    /// <paramref name="current"/> (change_vnfpkg / change_flavour keep the selection when the new package holds the same
    /// files), else every manifest of the package; each VDU's workload is the one named by its <c>properties.name</c>; the
    /// namespace is the current one (an instance does not move), else additionalParams "namespace", else the driver's default.
    /// 422 (<see cref="UnprocessableProblem"/>) when a named file is not a manifest of the package.
    /// </summary>
    public static KubernetesDeploymentPlan? KubernetesPlan(KnownVnfd known, VnfDeploymentFlavour flavour, JsonObject? additionalParams,
        KubernetesDeploymentPlan? current = null)
    {
        var files = known.Package.KubernetesManifests ?? new Dictionary<string, byte[]>();
        var manifests = KubernetesArtifacts.Find(files.Keys, files.GetValueOrDefault, known.Vnfd)
            .Where(a => a.Kind == KubernetesArtifactKind.Manifest && files.ContainsKey(a.Path)).Select(a => a.Path).ToList();
        var requested = additionalParams?[KubernetesDefFilesParam];
        if (manifests.Count == 0)
        {
            if (requested is not null)
                throw new UnprocessableProblem($"additionalParams \"{KubernetesDefFilesParam}\" names Kubernetes manifests, but the VNF package {known.Package.VnfPkgId} has none (Files/kubernetes/).");
            return null;
        }

        List<string> paths;
        if (requested is not null)
        {
            if (requested is not JsonArray array || array.Count == 0 || array.Any(n => n is not JsonValue v || !v.TryGetValue<string>(out _)))
                throw new UnprocessableProblem($"additionalParams \"{KubernetesDefFilesParam}\" must be a non-empty array of the package's manifest paths (e.g. \"Files/kubernetes/deployment.yaml\").");
            paths = array.Select(n => n!.GetValue<string>()).ToList();
            var unknown = paths.Where(p => !manifests.Contains(p)).ToList();
            if (unknown.Count > 0)
                throw new UnprocessableProblem($"additionalParams \"{KubernetesDefFilesParam}\" names {string.Join(", ", unknown.Select(p => $"\"{p}\""))}, which {(unknown.Count == 1 ? "is" : "are")} not a Kubernetes manifest of the VNF package (it has: {string.Join(", ", manifests)}).");
            if (paths.Distinct(StringComparer.Ordinal).Count() != paths.Count)
                throw new UnprocessableProblem($"additionalParams \"{KubernetesDefFilesParam}\" names a file more than once.");
        }
        else if (current is not null)
        {
            paths = current.Manifests.Select(m => m.Path).ToList();
            var gone = paths.Where(p => !manifests.Contains(p)).ToList();
            if (gone.Count > 0)
                throw new UnprocessableProblem($"The target VNF package has no manifest {string.Join(", ", gone)} of the current deployment: name the manifests to deploy in additionalParams \"{KubernetesDefFilesParam}\".");
        }
        else
        {
            paths = manifests;
        }

        string? ns = current?.Namespace;
        if (current is null && additionalParams?[NamespaceParam] is { } nsNode)
        {
            if (nsNode is not JsonValue nsValue || !nsValue.TryGetValue<string>(out var nsText) || string.IsNullOrWhiteSpace(nsText))
                throw new UnprocessableProblem($"additionalParams \"{NamespaceParam}\" must be a namespace name.");
            ns = nsText;
        }

        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var list = new List<KubernetesManifest>();
        foreach (var path in paths)
        {
            string text;
            try { text = utf8.GetString(files[path]).TrimStart('\uFEFF'); }
            catch (DecoderFallbackException) { throw new UnprocessableProblem($"The Kubernetes manifest \"{path}\" is not UTF-8 text."); }
            list.Add(new KubernetesManifest(path, text));
        }
        return new KubernetesDeploymentPlan(list, flavour.Vdus.ToDictionary(v => v.Id, v => v.Name), ns);
    }

    /// <summary>SOL003 9.5.3.2: one ResourceDefinition per resource to add; its id is the plan's resource key.</summary>
    public static List<ResourceDefinition> AddResources(LcmPlan plan) =>
    [
        .. plan.Resources.Computes.Select(c => new ResourceDefinition { Id = c.ResourceKey, Type = "COMPUTE", VduId = c.VduId, VnfdId = plan.VnfdId, ResourceTemplateId = c.VduId }),
        .. plan.Resources.Networks.Select(n => new ResourceDefinition { Id = n.ResourceKey, Type = "VL", VnfdId = plan.VnfdId, ResourceTemplateId = n.VirtualLinkDescId }),
        .. plan.Resources.Volumes.Select(v => new ResourceDefinition { Id = v.ResourceKey, Type = "STORAGE", VnfdId = plan.VnfdId, ResourceTemplateId = v.VirtualStorageDescId }),
        .. plan.Resources.Ports.Select(p => new ResourceDefinition { Id = p.ResourceKey, Type = "LINKPORT", VnfdId = plan.VnfdId, ResourceTemplateId = p.CpdId }),
    ];

    /// <summary>
    /// Applies the grant's zone decisions (SOL003 9.5.3.3 GrantInfo.zoneId -> 9.5.3.4 ZoneInfo.zoneId), and, for a Heat
    /// plan, its vimAssets (ADR-0015, <see cref="WithGrantedAssets"/>).
    /// </summary>
    public static VnfResourcePlan WithGrantedZones(VnfResourcePlan plan, Grant grant)
    {
        var zones = (grant.Zones ?? []).ToDictionary(z => z.Id, z => z.ZoneId);
        var zoneOf = (grant.AddResources ?? [])
            .Where(g => g.ZoneId is not null && zones.ContainsKey(g.ZoneId))
            .ToDictionary(g => g.ResourceDefinitionId, g => zones[g.ZoneId!]);
        return plan with
        {
            Computes = plan.Computes.Select(c => c with { ZoneId = zoneOf.GetValueOrDefault(c.ResourceKey) ?? c.ZoneId }).ToList(),
            Heat = plan.Heat is null ? null : WithGrantedAssets(plan.Heat, grant.VimAssets),
        };
    }

    /// <summary>
    /// SOL003 9.5.2.3 Grant.vimAssets in a Heat plan, as Tacker's default user-data takes them: a granted flavour
    /// (computeResourceFlavours[].vimFlavourId, by vnfdVirtualComputeDescId = the VDU id) and a granted image
    /// (softwareImages[].vimSoftwareImageId, by vnfdSoftwareImageId = the VDU or storage id) win over the VNFD's names.
    /// </summary>
    public static HeatStackPlan WithGrantedAssets(HeatStackPlan heat, JsonObject? vimAssets)
    {
        if (vimAssets is null) return heat;
        static Dictionary<string, string> Pick(JsonNode? list, string idField, string valueField, IReadOnlyDictionary<string, string> current)
        {
            var map = new Dictionary<string, string>(current);
            foreach (var item in list as JsonArray ?? [])
                if (item?[idField] is JsonValue id && id.TryGetValue<string>(out var key) && item[valueField] is JsonValue v && v.TryGetValue<string>(out var value))
                    map[key] = value;
            return map;
        }
        return heat with
        {
            Flavors = Pick(vimAssets["computeResourceFlavours"], "vnfdVirtualComputeDescId", "vimFlavourId", heat.Flavors),
            Images = Pick(vimAssets["softwareImages"], "vnfdSoftwareImageId", "vimSoftwareImageId", heat.Images),
        };
    }

    /// <summary>SOL003 4.4.1.10a: the cpConfigId the request chose for each external CPD (the cpConfig map's key).</summary>
    public static Dictionary<string, string> CpConfigIds(InstantiateVnfRequest request) => CpConfigIds(request.ExtVirtualLinks);

    public static Dictionary<string, string> CpConfigIds(IReadOnlyList<ExtVirtualLinkData>? links)
    {
        var map = new Dictionary<string, string>();
        foreach (var ext in links ?? [])
            foreach (var cp in ext.ExtCps)
                map[cp.CpdId] = cp.CpConfig?.Keys.FirstOrDefault() ?? "default";
        return map;
    }

    private static Dictionary<string, string> ExternalNetworks(IReadOnlyList<ExtVirtualLinkData> links)
    {
        var map = new Dictionary<string, string>();
        foreach (var ext in links)
            foreach (var cp in ext.ExtCps)
                map[cp.CpdId] = ext.ResourceId;
        return map;
    }

    private static string NewKey() => Guid.NewGuid().ToString();
}
