namespace Mano.VimAdapters;

/// <summary>
/// What the Kubernetes driver deploys for a CNF (<see cref="VnfResourcePlan.Kubernetes"/>).
/// </summary>
/// <param name="Manifests">
/// The package's manifests to apply, as Tacker names them: <c>additionalParams["lcm-kubernetes-def-files"]</c> of the
/// instantiate request in that order, else every Kubernetes deployment artifact of the VNFD (Files/kubernetes/*). Carried
/// whole (not by reference to the package) so a rollback re-applies exactly what the previous plan held.
/// </param>
/// <param name="VduWorkloads">
/// VDU id -> the <c>metadata.name</c> of its workload (Deployment, StatefulSet, ReplicaSet, DaemonSet or Pod) in the
/// manifests: the VDU's <c>properties.name</c>, as Tacker maps them. The VDU's VNFCs of the plan
/// (<see cref="VnfResourcePlan.Computes"/> with that VDU id) set the workload's replicas.
/// </param>
/// <param name="Namespace">Where manifests that name no namespace go (<c>additionalParams["namespace"]</c>); null: "default".</param>
public sealed record KubernetesDeploymentPlan(
    IReadOnlyList<KubernetesManifest> Manifests,
    IReadOnlyDictionary<string, string> VduWorkloads,
    string? Namespace = null);

/// <summary>One manifest file of the package: its path in the CSAR (for messages) and its YAML (or JSON) text, one or more documents.</summary>
public sealed record KubernetesManifest(string Path, string Content);
