using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mano.VimAdapters.OpenStack;

/// <summary>
/// The <c>nfv</c> parameter of a Tacker BaseHOT stack, computed the way Tacker's default user-data does (our own code,
/// same rules), from the plan:
/// <list type="bullet">
/// <item>the skeleton is every <c>get_param: [nfv, ...]</c> path (4 items or more) in the top template's resource properties;</item>
/// <item><c>VDU.&lt;vdu&gt;.computeFlavourId</c>: the flavour the VNFD names (else the one the driver matches to the VDU's size);
/// <c>vcImageId</c>: the sw_image_data name of the VDU (or of the virtual storage of that id); <c>locationConstraints</c>: the
/// zone granted to the VDU's VNFCs; <c>desired_capacity</c>: how many VNFCs of the VDU the plan holds (instantiation
/// level / scale status already applied by the VNFM);</item>
/// <item><c>CP.&lt;cp&gt;.network</c>: the extVirtualLink's resourceId the CP is connected to; <c>fixed_ips</c>: the
/// addresses/subnets of its cpProtocolData, as many as the template reads;</item>
/// <item>finally the request's additionalParams "nfv" is merged over it (RFC 7396 JSON merge patch).</item>
/// </list>
/// A value the plan does not know stays null, as with Tacker (Heat then names the property it could not resolve).
/// </summary>
public static class HeatUserData
{
    /// <summary>Tacker's skeleton: the nested objects named by the template's <c>get_param: [nfv, ...]</c> paths, leaves null.</summary>
    public static JsonObject Skeleton(string template)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(template));
            root = stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode m ? m
                : throw new VimException("heat.template", "the top template is not a YAML mapping");
        }
        catch (YamlException e)
        {
            throw new VimException("heat.template", $"the top template is not valid YAML: {e.Message}");
        }

        var nfv = new JsonObject();
        if (root.Children.TryGetValue(new YamlScalarNode("resources"), out var resources) && resources is YamlMappingNode res)
            foreach (var r in res.Children.Values.OfType<YamlMappingNode>())
                if (r.Children.TryGetValue(new YamlScalarNode("properties"), out var props))
                    Collect(props, nfv);
        return nfv;
    }

    private static void Collect(YamlNode node, JsonObject nfv)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                {
                    if (k is YamlScalarNode { Value: "get_param" } && v is YamlSequenceNode path) Add(path, nfv);
                    else Collect(v, nfv);
                }
                break;
            case YamlSequenceNode seq:
                foreach (var v in seq.Children) Collect(v, nfv);
                break;
        }
    }

    private static void Add(YamlSequenceNode path, JsonObject nfv)
    {
        var items = path.Children.Select(c => (c as YamlScalarNode)?.Value).ToList();
        if (items.Count < 4 || items[0] != "nfv" || items.Any(i => i is null)) return;
        var parent = nfv;
        for (var i = 1; i < items.Count - 1; i++)
        {
            if (parent[items[i]!] is not JsonObject child) parent[items[i]!] = child = new JsonObject();
            parent = child;
        }
        if (!parent.ContainsKey(items[^1]!)) parent[items[^1]!] = null;
    }

    /// <summary>
    /// The <c>nfv</c> parameter for <paramref name="plan"/> (which must have a <see cref="VnfResourcePlan.Heat"/> part).
    /// <paramref name="matchedFlavors"/>: per VDU, the flavour the driver matched where the VNFD names none.
    /// </summary>
    public static JsonObject Compute(VnfResourcePlan plan, IReadOnlyDictionary<string, string>? matchedFlavors = null)
    {
        var heat = plan.Heat ?? throw new ArgumentException("the plan has no Heat part", nameof(plan));
        var nfv = Skeleton(heat.Template);

        if (nfv["VDU"] is JsonObject vdus)
        {
            foreach (var (vduId, node) in vdus.ToList())
            {
                if (node is not JsonObject vdu) continue;
                var computes = plan.Computes.Where(c => c.VduId == vduId).ToList();
                if (vdu.ContainsKey("computeFlavourId"))
                    vdu["computeFlavourId"] = heat.Flavors.GetValueOrDefault(vduId) ?? matchedFlavors?.GetValueOrDefault(vduId);
                if (vdu.ContainsKey("vcImageId"))
                    vdu["vcImageId"] = heat.Images.GetValueOrDefault(vduId) ?? computes.Select(c => c.ImageName).FirstOrDefault(n => n is not null);
                if (vdu.ContainsKey("locationConstraints"))
                    vdu["locationConstraints"] = computes.Select(c => c.ZoneId).FirstOrDefault(z => z is not null);
                if (vdu.ContainsKey("desired_capacity"))
                    vdu["desired_capacity"] = computes.Count;
            }
        }

        if (nfv["CP"] is JsonObject cps)
        {
            foreach (var (cpId, node) in cps.ToList())
            {
                if (node is not JsonObject cp) continue;
                if (cp.ContainsKey("network"))
                    cp["network"] = heat.ExtNetworks.GetValueOrDefault(cpId);
                if (cp["fixed_ips"] is JsonObject wanted)
                {
                    // Tacker: as many entries as both the request gives and the template reads (indexes 0, 1, ...), each
                    // with the keys the template reads.
                    var given = heat.FixedIps.GetValueOrDefault(cpId) ?? [];
                    var list = new JsonArray();
                    for (var i = 0; i < given.Count; i++)
                    {
                        if (wanted[i.ToString(CultureInfo.InvariantCulture)] is not JsonObject slot) break;
                        var entry = (JsonObject)slot.DeepClone();
                        if (entry.ContainsKey("subnet")) entry["subnet"] = given[i].Subnet;
                        if (entry.ContainsKey("ip_address")) entry["ip_address"] = given[i].IpAddress;
                        list.Add(entry);
                    }
                    cp["fixed_ips"] = list;
                }
            }
        }

        return heat.NfvOverrides is null ? nfv : (JsonObject)MergePatch(nfv, heat.NfvOverrides)!;
    }

    /// <summary>RFC 7396 JSON merge patch: objects merge member by member, null removes, anything else replaces.</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p) return patch?.DeepClone();
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in p)
        {
            if (value is null) result.Remove(key);
            else result[key] = MergePatch(result[key], value);
        }
        return result;
    }
}
