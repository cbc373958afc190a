using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mano.VimAdapters.Kubernetes;

/// <summary>
/// How Mano marks what it applies. Labels (for selection) hold the label-safe form of each value; annotations of the
/// same names hold the exact value. Labels on every applied object: <see cref="VimTags.VnfInstanceId"/>,
/// <see cref="VimTags.TenantId"/>, <see cref="VimTags.OpOccId"/> (the op occ that last applied it); VDU workloads'
/// pod templates carry the instance, tenant and <see cref="VduId"/>, so each pod (a VNFC) is found by label and carries
/// its VNFC key (<see cref="VimTags.ResourceKey"/>) once the driver assigned it.
/// </summary>
internal static partial class KubernetesLabels
{
    public const string VduId = "mano.vdu_id";

    /// <summary>Annotation: the position of the object in the apply sequence (terminate deletes in reverse order).</summary>
    public const string ApplyOrder = "mano.apply_order";

    /// <summary>Annotation: the manifest file (and document) the object came from.</summary>
    public const string Manifest = "mano.manifest";

    /// <summary>Pod annotation honoured by ReplicaSets when scaling in: the pods of the lowest cost go first.</summary>
    public const string PodDeletionCost = "controller.kubernetes.io/pod-deletion-cost";

    /// <summary>DaemonSet node selector that stops a DaemonSet VDU (OPERATE stop): no node carries it.</summary>
    public const string Stopped = "mano.stopped";

    /// <summary>
    /// A Kubernetes label value for <paramref name="value"/>: the value itself when it is one (at most 63 characters of
    /// [A-Za-z0-9-_.], alphanumeric at both ends), else a readable prefix plus a hash of the whole value.
    /// </summary>
    public static string Value(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length <= 63 && ValidValue().IsMatch(value)) return value;
        var hash = System.Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..12];
        var cleaned = Invalid().Replace(value, "-");
        cleaned = cleaned[..Math.Min(cleaned.Length, 50)].Trim('-', '_', '.');
        return cleaned.Length == 0 ? hash : $"{cleaned}-{hash}";
    }

    public static string InstanceSelector(string vnfInstanceId) => $"{VimTags.VnfInstanceId}={Value(vnfInstanceId)}";

    public static string TenantSelector(string tenantId) => $"{VimTags.TenantId}={Value(tenantId)}";

    /// <summary>Sets label and annotation <paramref name="key"/> on <paramref name="metadata"/>.</summary>
    public static void Mark(JsonObject metadata, string key, string value, bool annotate = true)
    {
        Child(metadata, "labels")[key] = Value(value);
        if (annotate) Child(metadata, "annotations")[key] = value;
    }

    /// <summary>The exact value of a mark: the annotation, else the label.</summary>
    public static string? Read(JsonObject obj, string key) =>
        obj["metadata"]?["annotations"]?[key]?.GetValue<string>() ?? obj["metadata"]?["labels"]?[key]?.GetValue<string>();

    public static JsonObject Child(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject o) return o;
        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex ValidValue();

    [GeneratedRegex("[^-A-Za-z0-9_.]")]
    private static partial Regex Invalid();
}
