using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Mano.Contracts;
using Mano.Tosca;
using Mano.VimAdapters;

namespace Mano.Vnfm;

/// <summary>
/// The parts of a resource plan beyond VNFCs, ports, VLs and volumes that a VM-based VIM needs (pure: no I/O): the VDUs'
/// software images, the VNFD's security group rules and nfvi_node-scoped affinity rules, and the grant's vimAssets.
/// </summary>
public static class PlanVimExtras
{
    /// <summary>SOL001 tosca.datatypes.nfv.SwImageData of a VDU, with the package path of its image file (not a URI).</summary>
    public static PlannedImage? Image(SwImage? image) => image is null ? null : new PlannedImage(
        image.Name, image.Version, image.ChecksumAlgorithm, image.ChecksumHash, image.ContainerFormat, image.DiskFormat,
        image.MinDiskBytes, image.MinRamBytes, image.SizeBytes,
        image.ArtifactFile is { } f && !f.Contains("://", StringComparison.Ordinal) ? f : null);

    /// <summary>
    /// SOL001 6.10.x tosca.policies.nfv.SecurityGroupRule: rules with the same targets form one security group (targets
    /// that are VnfExtCps resolve to their internal VduCp). The key is derived from the targets, so it is the same in every
    /// plan of the instance and the VIM's group is kept across operations.
    /// </summary>
    public static List<PlannedSecurityGroup> SecurityGroups(VnfDeploymentFlavour flavour)
    {
        var vduCps = flavour.VduCps.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var groups = new Dictionary<string, (List<string> Cps, List<PlannedSecurityGroupRule> Rules)>(StringComparer.Ordinal);
        foreach (var rule in flavour.SecurityGroupRules)
        {
            var cps = rule.Targets
                .Select(t => vduCps.Contains(t) ? t : flavour.ExtCps.FirstOrDefault(e => e.CpdId == t)?.InternalCpdId)
                .OfType<string>().Distinct(StringComparer.Ordinal).OrderBy(t => t, StringComparer.Ordinal).ToList();
            if (cps.Count == 0) continue;
            var id = string.Join("\n", cps);
            if (!groups.TryGetValue(id, out var g)) groups[id] = g = (cps, []);
            g.Rules.Add(new PlannedSecurityGroupRule(rule.Id, rule.Direction, rule.EtherType, rule.Protocol, rule.PortRangeMin, rule.PortRangeMax));
        }
        return groups.Select(g => new PlannedSecurityGroup(
            "sg-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(g.Key)))[..16], g.Value.Rules, g.Value.Cps)).ToList();
    }

    /// <summary>
    /// SOL001 6.10.x tosca.policies.nfv.AffinityRule / AntiAffinityRule of scope nfvi_node: one server group per rule over
    /// its VDUs. Other scopes (zone, zone_group, nfvi_pop) are decided by the NFVO in the grant (placement constraints).
    /// </summary>
    public static List<PlannedServerGroup> ServerGroups(VnfDeploymentFlavour flavour) =>
        flavour.PlacementRules
            .Where(r => string.Equals(r.Scope, "nfvi_node", StringComparison.Ordinal) && r.VduIds.Count > 0)
            .Select(r => new PlannedServerGroup(r.Id, r.IsAffinity ? "affinity" : "anti-affinity", r.VduIds))
            .ToList();

    /// <summary>
    /// SOL003 9.5.2.3 Grant.vimAssets: a VimComputeResourceFlavour whose vnfdVirtualComputeDescId is a VDU's (the virtual
    /// compute descriptor of a SOL001 VDU is the VDU node itself) gives that VDU's flavour, a VimSoftwareImage whose
    /// vnfdSoftwareImageId is the VDU's (the software image descriptor is the VDU node, as in VnfPkgInfo.softwareImages)
    /// its image; the driver then uses those ids without lookup or upload. Entries of another VIM connection are ignored.
    /// </summary>
    public static VnfResourcePlan WithGrantedAssets(VnfResourcePlan plan, Grant grant, string? vimConnectionId)
    {
        if (grant.VimAssets is not { } assets) return plan;
        var flavours = Mapping(assets["computeResourceFlavours"], "vnfdVirtualComputeDescId", "vimFlavourId", vimConnectionId);
        var images = Mapping(assets["softwareImages"], "vnfdSoftwareImageId", "vimSoftwareImageId", vimConnectionId);
        if (flavours.Count == 0 && images.Count == 0) return plan;
        return plan with
        {
            Computes = plan.Computes.Select(c => c with
            {
                VimFlavourId = flavours.GetValueOrDefault(c.VduId) ?? c.VimFlavourId,
                VimImageId = images.GetValueOrDefault(c.VduId) ?? c.VimImageId,
            }).ToList(),
        };
    }

    private static Dictionary<string, string> Mapping(JsonNode? list, string descKey, string vimKey, string? vimConnectionId)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (list is not JsonArray array) return map;
        foreach (var item in array.OfType<JsonObject>())
        {
            if (Text(item[descKey]) is not { } desc || Text(item[vimKey]) is not { } vim) continue;
            if (vimConnectionId is not null && Text(item["vimConnectionId"]) is { } conn && conn != vimConnectionId) continue;
            map.TryAdd(desc, vim);
        }
        return map;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;
}
