namespace Mano.VimAdapters.OpenStack;

// Software images, granted flavours, security groups and server groups of the default (plan-driven) mode.
public sealed partial class OpenStackVimDriver
{
    /// <summary>
    /// The Glance image a VDU boots from, in this order: the grant's vimSoftwareImageId (SOL003 Grant.vimAssets: used as
    /// is); the VNF package's image file (reused by checksum, else uploaded: <see cref="GlanceClient.EnsurePackageImageAsync"/>);
    /// the image named like the VDU's sw_image_data in Glance. A clear error names the image and the VDU when none exists.
    /// </summary>
    private static async Task<GlanceImage> ResolveImageAsync(string operation, GlanceClient glance, PlannedCompute c, CancellationToken ct)
    {
        if (c.VimImageId is { } granted)
            return await glance.GetImageAsync(granted, ct).ConfigureAwait(false) is { Status: "active" } byId ? byId
                : throw new VimException(operation + ".resolve_image", $"the grant's vimSoftwareImageId '{granted}' for VDU '{c.VduId}' is not an active image of the VIM project");
        if (c.Image is { Open: { } open } image)
        {
            try
            {
                return await glance.EnsurePackageImageAsync(image, open, ct).ConfigureAwait(false);
            }
            catch (FileNotFoundException)
            {
                // The package does not hold the file after all: the image must already be in Glance, by name (below).
            }
        }
        var name = c.ImageName ?? throw new VimException(operation + ".resolve_image", $"VDU '{c.VduId}' has no software image (sw_image_data) to boot from");
        try
        {
            return await glance.FindImageAsync(name, ct).ConfigureAwait(false);
        }
        catch (VimException e) when (e.Message.Contains("no active image named", StringComparison.Ordinal))
        {
            throw new VimException(operation + ".resolve_image",
                $"software image '{name}' of VDU '{c.VduId}' is neither a file of the VNF package"
                + (c.Image?.ArtifactPath is { } path ? $" (its artifact '{path}' is not in the package)" : "")
                + " nor an active image of the VIM project; upload it to Glance under that name, or add the file to the package");
        }
    }

    /// <summary>The cache key of a VDU's image: VDUs with the same source share one lookup / upload per call.</summary>
    private static string ImageKey(PlannedCompute c) =>
        c.VimImageId is { } g ? "vim:" + g : c.Image is { Open: not null, ArtifactPath: { } p } ? "file:" + p : "name:" + c.ImageName;

    /// <summary>The flavor: the grant's vimFlavourId (SOL003 Grant.vimAssets) when given, else <see cref="MatchFlavor"/>.</summary>
    internal static NovaFlavor FlavorOf(string operation, IReadOnlyList<NovaFlavor> flavors, PlannedCompute c) =>
        c.VimFlavourId is { } granted
            ? flavors.FirstOrDefault(f => f.Id == granted)
              ?? throw new VimException(operation + ".resolve_flavor", $"the grant's vimFlavourId '{granted}' for VDU '{c.VduId}' is not a flavor visible to the VIM project")
            : MatchFlavor(operation, flavors, c);

    // ------------------------------------------------------------------------------------------------ security groups

    /// <summary>
    /// Ensures one Neutron security group per planned group (SOL001 SecurityGroupRule policies with the same targets),
    /// found by its key tag among the groups marked with the instance's description, holding exactly the VNFD's rules
    /// (Neutron's default allow-all egress rules are kept only when the VNFD states no egress rule for that group).
    /// Answers, per VduCp id, the ids of the groups its ports get. Groups made just before a crash (untagged) are removed.
    /// </summary>
    private static async Task<Dictionary<string, List<string>>> EnsureSecurityGroupsAsync(NeutronClient neutron, VnfResourcePlan plan, CancellationToken ct)
    {
        var byCpd = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var wanted = plan.SecurityGroups ?? [];
        if (wanted.Count == 0) return byCpd;
        var description = Marker(plan.VnfInstanceId);
        var existing = (await neutron.ListSecurityGroupsAsync(null, ct, description).ConfigureAwait(false)).ToList();
        foreach (var unkeyed in existing.Where(g => KeyOf(g.Tags) is null).ToList())
        {
            await neutron.DeleteSecurityGroupAsync(unkeyed.Id, ct).ConfigureAwait(false);
            existing.Remove(unkeyed);
        }
        foreach (var g in wanted)
        {
            var group = existing.FirstOrDefault(x => KeyOf(x.Tags) == g.ResourceKey);
            if (group is null)
            {
                group = await neutron.CreateSecurityGroupAsync($"{g.ResourceKey}-{ShortId(plan.VnfInstanceId)}", description, ct).ConfigureAwait(false);
                await neutron.SetTagsAsync("security-groups", group.Id, NeutronTags(plan, g.ResourceKey), ct).ConfigureAwait(false);
            }
            var rules = g.Rules.Select(ToNeutronRule).Distinct().ToList();
            var have = group.SecurityGroupRules ?? [];
            var keepDefaultEgress = rules.All(r => r.Direction != "egress");
            foreach (var h in have)
            {
                var isDefaultEgress = h.Direction == "egress" && h.Protocol is null && h.PortRangeMin is null && h.RemoteIpPrefix is null;
                if (rules.Any(r => Same(h, r)) || (isDefaultEgress && keepDefaultEgress)) continue;
                await neutron.DeleteSecurityGroupRuleAsync(h.Id, ct).ConfigureAwait(false);
            }
            foreach (var r in rules.Where(r => !have.Any(h => Same(h, r))))
                await neutron.CreateSecurityGroupRuleAsync(group.Id, r, ct).ConfigureAwait(false);
            foreach (var cpd in g.CpdIds)
            {
                if (!byCpd.TryGetValue(cpd, out var ids)) byCpd[cpd] = ids = [];
                ids.Add(group.Id);
            }
        }
        return byCpd;
    }

    /// <summary>
    /// Removes the instance's security groups that the plan no longer has (the VNFD of a change_vnfpkg dropped their
    /// rules). Ports still in such a group leave it first; a port left with no group gets the project's "default" group
    /// (the one it had before Mano gave it the VNFD's).
    /// </summary>
    private static async Task PruneSecurityGroupsAsync(NeutronClient neutron, string? projectId, VnfResourcePlan plan, CancellationToken ct)
    {
        var keys = (plan.SecurityGroups ?? []).Select(g => g.ResourceKey).ToHashSet(StringComparer.Ordinal);
        var gone = (await neutron.ListSecurityGroupsAsync(null, ct, Marker(plan.VnfInstanceId)).ConfigureAwait(false))
            .Where(g => KeyOf(g.Tags) is not { } k || !keys.Contains(k)).Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
        if (gone.Count == 0) return;
        string? defaultGroup = null;
        foreach (var port in await neutron.ListPortsAsync(null, ct, description: Marker(plan.VnfInstanceId)).ConfigureAwait(false))
        {
            if (port.SecurityGroups is not { } groups || !groups.Any(gone.Contains)) continue;
            var keep = groups.Where(g => !gone.Contains(g)).ToList();
            if (keep.Count == 0)
            {
                defaultGroup ??= (await neutron.ListSecurityGroupsAsync(null, ct).ConfigureAwait(false))
                    .FirstOrDefault(g => g.Name == "default" && (projectId is null || g.ProjectId == projectId))?.Id;
                if (defaultGroup is not null) keep.Add(defaultGroup);
            }
            await neutron.SetPortSecurityGroupsAsync(port.Id, keep, ct).ConfigureAwait(false);
        }
        foreach (var id in gone) await neutron.DeleteSecurityGroupAsync(id, ct).ConfigureAwait(false);
    }

    /// <summary>Every security group of the instance (terminate: after its ports are gone).</summary>
    private static async Task DeleteSecurityGroupsAsync(NeutronClient neutron, string vnfInstanceId, CancellationToken ct)
    {
        foreach (var g in await neutron.ListSecurityGroupsAsync(null, ct, Marker(vnfInstanceId)).ConfigureAwait(false))
            await neutron.DeleteSecurityGroupAsync(g.Id, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// SOL001 SecurityGroupRule -> Neutron rule: direction as is, ether_type ipv4/ipv6 -> IPv4/IPv6; the port range only
    /// for protocols that have ports, and none when it is the whole range (SOL001's default 0..65535; Neutron rejects port 0).
    /// </summary>
    internal static SecurityGroupRuleSpec ToNeutronRule(PlannedSecurityGroupRule r)
    {
        var protocol = r.Protocol.ToLowerInvariant();
        var ether = r.EtherType.Equals("ipv6", StringComparison.OrdinalIgnoreCase) ? "IPv6" : "IPv4";
        var ported = protocol is "tcp" or "udp" or "sctp" or "dccp" or "udplite";
        var whole = r.PortRangeMin <= 1 && r.PortRangeMax >= 65535;
        return ported && !whole
            ? new SecurityGroupRuleSpec(r.Direction.ToLowerInvariant(), ether, protocol, Math.Max(1, r.PortRangeMin), r.PortRangeMax)
            : new SecurityGroupRuleSpec(r.Direction.ToLowerInvariant(), ether, protocol);
    }

    private static bool Same(NeutronSecurityGroupRule h, SecurityGroupRuleSpec r) =>
        h.Direction == r.Direction && string.Equals(h.Ethertype, r.Ethertype, StringComparison.OrdinalIgnoreCase)
        && string.Equals(h.Protocol, r.Protocol, StringComparison.OrdinalIgnoreCase)
        && h.PortRangeMin == r.PortRangeMin && h.PortRangeMax == r.PortRangeMax && h.RemoteIpPrefix == r.RemoteIpPrefix;

    // ------------------------------------------------------------------------------------------------ server groups

    /// <summary>The Nova server group name of an nfvi_node affinity rule of an instance (Nova server groups have no tags).</summary>
    internal static string ServerGroupName(string vnfInstanceId, string ruleId) => ServerGroupPrefix(vnfInstanceId) + ruleId;

    /// <summary>
    /// Ensures one Nova server group per nfvi_node affinity / anti-affinity rule (found by name), answering, per VDU, the
    /// group its servers boot into (scheduler hint "group"). Nova puts a server in one group only: a VDU named by several
    /// rules joins the first. A group of the wrong policy (the VNFD changed) is replaced when it is empty.
    /// </summary>
    private static async Task<Dictionary<string, string>> EnsureServerGroupsAsync(NovaClient nova, VnfResourcePlan plan, CancellationToken ct)
    {
        var byVdu = new Dictionary<string, string>(StringComparer.Ordinal);
        var wanted = plan.ServerGroups ?? [];
        if (wanted.Count == 0) return byVdu;
        var existing = await nova.ListServerGroupsAsync(ct).ConfigureAwait(false);
        foreach (var rule in wanted)
        {
            var name = ServerGroupName(plan.VnfInstanceId, rule.RuleId);
            var group = existing.FirstOrDefault(g => g.Name == name);
            if (group is not null && (group.Policy ?? group.Policies?.FirstOrDefault()) != rule.Policy && group.Members is not { Count: > 0 })
            {
                await nova.DeleteServerGroupAsync(group.Id, ct).ConfigureAwait(false);
                group = null;
            }
            group ??= await nova.CreateServerGroupAsync(name, rule.Policy, ct).ConfigureAwait(false);
            foreach (var vdu in rule.VduIds) byVdu.TryAdd(vdu, group.Id);
        }
        return byVdu;
    }
}
