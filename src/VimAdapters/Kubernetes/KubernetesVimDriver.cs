using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Mano.VimAdapters.Kubernetes;

/// <summary>
/// The <see cref="IVimDriver"/> of Kubernetes VIMs (<see cref="VimTypes.Kubernetes"/>): deploys a CNF's manifests
/// (<see cref="VnfResourcePlan.Kubernetes"/>) with server-side apply, every kind the cluster serves, in any namespace the
/// manifests name. A VDU is the workload of the same name (Deployment, StatefulSet, ReplicaSet, DaemonSet or Pod); a VNFC
/// is one of its pods, reported as a <see cref="VimResourceKind.Compute"/> whose id is the pod's name.
/// <para>
/// Every verb is an "ensure": objects carry the instance's labels (<see cref="KubernetesLabels"/>), so a retry re-applies
/// the same objects (server-side apply is idempotent), and terminate finds and deletes exactly what carries the instance
/// label, in reverse apply order, then waits until nothing labelled is left. An object that exists but is not the
/// instance's is never taken over (the apply fails naming it).
/// </para>
/// </summary>
public sealed partial class KubernetesVimDriver : IVimDriver
{
    private static readonly string[] WorkloadKinds = ["Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "Pod"];

    /// <summary>Apply order by kind (as Helm installs): what others depend on first; unknown kinds (custom resources) last.</summary>
    private static readonly string[] KindOrder =
    [
        "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount",
        "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition",
        "ClusterRole", "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
        "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
        "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
    ];

    private readonly KubernetesVimDriverOptions _options;
    private readonly ILogger<KubernetesVimDriver> _logger;
    private readonly KubernetesDiscovery _discovery;

    public KubernetesVimDriver(KubernetesVimDriverOptions options, ILogger<KubernetesVimDriver> logger)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _discovery = new KubernetesDiscovery(options.DiscoveryCacheTtl);
    }

    public string VimType => VimTypes.Kubernetes;

    // ---------------------------------------------------------------- verbs

    public Task<IReadOnlyList<VimResource>> InstantiateAsync(VimConnectionInfo vim, VnfResourcePlan plan, CancellationToken ct) =>
        EnsureAsync("instantiate", vim, plan, prune: false, heal: null, ct);

    public Task<IReadOnlyList<VimResource>> ChangeFlavourAsync(VimConnectionInfo vim, VnfResourcePlan target, CancellationToken ct) =>
        EnsureAsync("change_flavour", vim, target, prune: true, heal: null, ct);

    public Task<IReadOnlyList<VimResource>> ChangeExtConnAsync(VimConnectionInfo vim, VnfResourcePlan target, CancellationToken ct) =>
        EnsureAsync("change_ext_conn", vim, target, prune: true, heal: null, ct);

    public Task<IReadOnlyList<VimResource>> ChangeVnfpkgAsync(VimConnectionInfo vim, VnfResourcePlan target, CancellationToken ct) =>
        EnsureAsync("change_vnfpkg", vim, target, prune: true, heal: null, ct);

    public Task<IReadOnlyList<VimResource>> RollbackAsync(VimConnectionInfo vim, VnfResourcePlan previous, CancellationToken ct) =>
        EnsureAsync("rollback", vim, previous, prune: true, heal: null, ct);

    public Task<IReadOnlyList<VimResource>> HealAsync(VimConnectionInfo vim, VnfResourcePlan plan, IReadOnlyCollection<string> vnfcKeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(vnfcKeys);
        ArgumentNullException.ThrowIfNull(plan);
        var keys = vnfcKeys.Count > 0 ? vnfcKeys.ToHashSet(StringComparer.Ordinal) : plan.Computes.Select(c => c.ResourceKey).ToHashSet(StringComparer.Ordinal);
        return EnsureAsync("heal", vim, plan, prune: false, heal: keys, ct);
    }

    /// <summary>
    /// SCALE: the replicas of each VDU's workload become its VNFC count of <paramref name="target"/>, through the workload's
    /// scale subresource. Pods whose VNFC the target drops are given the lowest pod-deletion-cost first, so a Deployment or
    /// ReplicaSet removes those (a StatefulSet always removes its highest ordinals).
    /// </summary>
    public async Task<IReadOnlyList<VimResource>> ScaleAsync(VimConnectionInfo vim, VnfResourcePlan target, CancellationToken ct)
    {
        const string operation = "scale";
        using var session = await OpenAsync(vim, target, operation, ct).ConfigureAwait(false);
        var prepared = await PrepareAsync(session, target, ct).ConfigureAwait(false);
        var current = new Dictionary<PlannedObject, JsonObject>();
        foreach (var p in prepared.Objects.Where(p => p.Vdu is not null))
        {
            var found = await session.Api.GetAsync(p.Path, operation, ct).ConfigureAwait(false);
            if (found is null)
            {
                // Something of the instance vanished: scale by re-applying everything (which sets replicas too).
                session.Dispose();
                return await EnsureAsync(operation, vim, target, prune: false, heal: null, ct).ConfigureAwait(false);
            }
            current[p] = found;
        }
        var pods = await VnfcPodsAsync(session, prepared, ct).ConfigureAwait(false);
        await MarkSurplusPodsAsync(session, prepared, pods, ct).ConfigureAwait(false);
        foreach (var (p, obj) in current)
        {
            var vdu = p.Vdu!;
            if (p.Kind is "DaemonSet" or "Pod")
            {
                // Their pod count is not Mano's to set (one per matching node; one): refuse only a plan that changes it.
                var onPods = pods.Where(x => x.VduId == vdu.VduId && x.Key is not null).Select(x => x.Key!).ToHashSet(StringComparer.Ordinal);
                if (p.Kind == "Pod" && vdu.Keys.Count != 1 || p.Kind == "DaemonSet" && vdu.Keys.Any(k => !onPods.Contains(k)))
                    throw new VimException(operation, $"VDU '{vdu.VduId}' is a {p.Kind} ({p.Display}): it cannot be scaled to {vdu.Keys.Count} instances");
                continue;
            }
            var replicas = obj["spec"]?["replicas"]?.GetValue<int>() ?? 1;
            if (replicas == vdu.Keys.Count) continue;
            if (!p.Resource.Subresources.Contains("scale"))
                throw new VimException(operation, $"{p.Display}: the cluster serves no scale subresource for {p.Resource.Plural}");
            LogScale(p.Display, replicas, vdu.Keys.Count);
            var scaled = await session.Api.MergePatchAsync(p.Path + "/scale",
                new JsonObject { ["spec"] = new JsonObject { ["replicas"] = vdu.Keys.Count } }, operation, ct).ConfigureAwait(false);
            if (scaled is null) throw new VimException(operation, $"{p.Display} vanished while being scaled", transient: true);
        }
        await WaitReadyAsync(session, prepared, ct).ConfigureAwait(false);
        await AssignKeysAsync(session, prepared, target.OpOccId, healed: null, ct).ConfigureAwait(false);
        return await ListAsync(session, KubernetesLabels.InstanceSelector(target.VnfInstanceId), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// OPERATE: stop scales each VDU's workload to 0 (a DaemonSet gets a node selector no node matches; a bare Pod is
    /// deleted) and waits until its pods are gone; start restores the plan (replicas, DaemonSet selector, Pods) and waits
    /// until ready. Pods cannot be stopped one by one: <see cref="PowerChange.VnfcKeys"/> must cover whole VDUs.
    /// </summary>
    public async Task<IReadOnlyList<VimResource>> OperateAsync(VimConnectionInfo vim, VnfResourcePlan plan, PowerChange change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        const string operation = "operate";
        using var session = await OpenAsync(vim, plan, operation, ct).ConfigureAwait(false);
        var prepared = await PrepareAsync(session, plan, ct).ConfigureAwait(false);
        var vdus = prepared.Objects.Where(p => p.Vdu is not null).ToList();
        if (change.VnfcKeys is { } only)
        {
            var wanted = only.ToHashSet(StringComparer.Ordinal);
            var partial = vdus.Where(p => p.Vdu!.Keys.Any(wanted.Contains) && !p.Vdu.Keys.All(wanted.Contains)).Select(p => p.Vdu!.VduId).ToList();
            if (partial.Count > 0)
                throw new VimException(operation, $"the pods of a Kubernetes workload start and stop together: name every VNFC of VDU(s) {string.Join(", ", partial)}, or none");
            vdus = vdus.Where(p => p.Vdu!.Keys.Any(wanted.Contains)).ToList();
        }

        if (!change.Start)
        {
            foreach (var p in vdus)
            {
                switch (p.Kind)
                {
                    case "Pod":
                        await session.Api.DeleteAsync(p.Path, "Background", operation, ct).ConfigureAwait(false);
                        break;
                    case "DaemonSet":
                        await session.Api.MergePatchAsync(p.Path, NodeSelector(JsonValue.Create("true")), operation, ct).ConfigureAwait(false);
                        break;
                    default:
                        await session.Api.MergePatchAsync(p.Path + "/scale", new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 0 } }, operation, ct).ConfigureAwait(false);
                        break;
                }
            }
            var deadline = DateTimeOffset.UtcNow + _options.DeletionTimeout;
            while (true)
            {
                var pods = await VnfcPodsAsync(session, prepared, ct).ConfigureAwait(false);
                var left = pods.Where(pod => vdus.Any(p => p.Vdu!.VduId == pod.VduId)).ToList();
                if (left.Count == 0) break;
                if (DateTimeOffset.UtcNow > deadline)
                    throw new VimException(operation, $"pods still running after {_options.DeletionTimeout.TotalSeconds:0} s: {string.Join(", ", left.Take(10).Select(x => x.Name))}", transient: true);
                await Task.Delay(_options.PollInterval, ct).ConfigureAwait(false);
            }
            return await ListAsync(session, KubernetesLabels.InstanceSelector(plan.VnfInstanceId), ct).ConfigureAwait(false);
        }

        foreach (var p in vdus.Where(p => p.Kind == "DaemonSet"))
            await session.Api.MergePatchAsync(p.Path, NodeSelector(null), operation, ct).ConfigureAwait(false);
        session.Dispose();
        // Start = ensure the plan: replicas back to the VNFC counts, bare pods re-created.
        return await EnsureAsync(operation, vim, plan, prune: false, heal: null, ct).ConfigureAwait(false);

        static JsonObject NodeSelector(JsonNode? value) => new()
        {
            ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = new JsonObject { ["nodeSelector"] = new JsonObject { [KubernetesLabels.Stopped] = value } } } },
        };
    }

    /// <summary>
    /// Deletes everything that carries the instance label: the applied objects in reverse apply order (foreground
    /// propagation: their pods and ReplicaSets go with them), then what controllers made that outlives its owner (a
    /// StatefulSet's PersistentVolumeClaims), then waits until nothing labelled is left.
    /// </summary>
    public async Task TerminateAsync(VimConnectionInfo vim, string tenantId, string vnfInstanceId, CancellationToken ct)
    {
        const string operation = "terminate";
        if (string.IsNullOrWhiteSpace(tenantId) || string.IsNullOrWhiteSpace(vnfInstanceId))
            throw new VimException(operation, "tenant id and VNF instance id are required");
        using var session = await OpenAsync(vim, null, operation, ct).ConfigureAwait(false);
        var selector = KubernetesLabels.InstanceSelector(vnfInstanceId);
        var found = await SweepAsync(session, selector, session.Served.Listable(), ct).ConfigureAwait(false);
        var mine = found.Where(f => KubernetesLabels.Read(f.Body, VimTags.TenantId) is not { } t || t == tenantId).ToList();
        await DeleteAppliedAsync(session, mine, ct).ConfigureAwait(false);
        foreach (var f in mine.Where(f => !IsApplied(f) && f.Body["metadata"]?["ownerReferences"] is not JsonArray { Count: > 0 }))
            await session.Api.DeleteAsync(f.Path, "Background", operation, ct).ConfigureAwait(false);
        await WaitGoneAsync(session, selector, mine.Select(f => f.Resource).Distinct().ToList(), ct).ConfigureAwait(false);
        LogTerminated(vnfInstanceId, mine.Count(IsApplied));
    }

    public async Task<IReadOnlyList<VimResource>> ListResourcesAsync(VimConnectionInfo vim, string tenantId, string? vnfInstanceId, CancellationToken ct)
    {
        using var session = await OpenAsync(vim, null, "list_resources", ct).ConfigureAwait(false);
        var selector = vnfInstanceId is null ? KubernetesLabels.TenantSelector(tenantId) : KubernetesLabels.InstanceSelector(vnfInstanceId);
        var all = await ListAsync(session, selector, ct).ConfigureAwait(false);
        return all.Where(r => r.TenantId == tenantId).ToList();
    }

    // ---------------------------------------------------------------- the reconciliation

    /// <summary>
    /// Applies the plan's manifests in kind order, optionally deleting first the applied objects the plan no longer holds
    /// (<paramref name="prune"/>) and the pods of the VNFCs to <paramref name="heal"/> (not those already replaced by this
    /// op occ), waits until every workload is ready, and gives each VNFC pod its key.
    /// </summary>
    private async Task<IReadOnlyList<VimResource>> EnsureAsync(string operation, VimConnectionInfo vim, VnfResourcePlan plan,
        bool prune, IReadOnlySet<string>? heal, CancellationToken ct)
    {
        using var session = await OpenAsync(vim, plan, operation, ct).ConfigureAwait(false);
        var prepared = await PrepareAsync(session, plan, ct).ConfigureAwait(false);
        var selector = KubernetesLabels.InstanceSelector(plan.VnfInstanceId);

        if (prune)
        {
            var wanted = prepared.Objects.Select(p => p.Identity).ToHashSet();
            var existing = await SweepAsync(session, selector, session.Served.Listable(), ct).ConfigureAwait(false);
            var unwanted = existing.Where(f => IsApplied(f) && !wanted.Contains(f.Identity)).ToList();
            if (unwanted.Count > 0)
            {
                await DeleteAppliedAsync(session, unwanted, ct).ConfigureAwait(false);
                await WaitObjectsGoneAsync(session, unwanted, ct).ConfigureAwait(false);
            }
        }

        var healed = new HashSet<string>(StringComparer.Ordinal);
        if (heal is not null)
        {
            var planned = plan.Computes.Select(c => c.ResourceKey).ToHashSet(StringComparer.Ordinal);
            var unknown = heal.Where(k => !planned.Contains(k)).ToList();
            if (unknown.Count > 0)
                throw new VimException(operation, $"VNFC(s) {string.Join(", ", unknown)} are not part of VNF instance '{plan.VnfInstanceId}'");
            var pods = await VnfcPodsAsync(session, prepared, ct).ConfigureAwait(false);
            foreach (var pod in pods.Where(p => p.Key is not null && heal.Contains(p.Key)))
            {
                healed.Add(pod.Key!);
                if (pod.OpOccId == plan.OpOccId) continue; // already the replacement made by this op occ
                LogHeal(pod.Namespace, pod.Name, pod.Key!);
                await session.Api.DeleteAsync(pod.Path, "Background", operation, ct).ConfigureAwait(false);
            }
            // A bare Pod is re-created by the apply below: it must be gone first.
            var barePaths = prepared.Objects.Where(p => p.Kind == "Pod" && p.Vdu is not null).Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
            var bareDeleted = pods.Where(p => p.Key is not null && heal.Contains(p.Key) && p.OpOccId != plan.OpOccId && barePaths.Contains(p.Path))
                .Select(p => new FoundObject(p.Resource, p.Body)).ToList();
            await WaitObjectsGoneAsync(session, bareDeleted, ct).ConfigureAwait(false);
        }
        else
        {
            var pods = await VnfcPodsAsync(session, prepared, ct).ConfigureAwait(false);
            await MarkSurplusPodsAsync(session, prepared, pods, ct).ConfigureAwait(false);
        }

        foreach (var p in prepared.Objects)
        {
            if (p.Vdu is { Keys.Count: 0 } && p.Kind == "Pod") continue; // a bare Pod VDU with no instance
            await ApplyAsync(session, plan, p, ct).ConfigureAwait(false);
        }
        await WaitReadyAsync(session, prepared, ct).ConfigureAwait(false);
        await AssignKeysAsync(session, prepared, plan.OpOccId, heal is null ? null : healed, ct).ConfigureAwait(false);
        return await ListAsync(session, selector, ct).ConfigureAwait(false);
    }

    private async Task ApplyAsync(Session session, VnfResourcePlan plan, PlannedObject p, CancellationToken ct)
    {
        var operation = session.Operation;
        var body = (JsonObject)p.Manifest.Body.DeepClone();
        var metadata = KubernetesLabels.Child(body, "metadata");
        if (p.Resource.Namespaced) metadata["namespace"] = p.Namespace;
        else metadata.Remove("namespace");
        KubernetesLabels.Mark(metadata, VimTags.VnfInstanceId, plan.VnfInstanceId);
        KubernetesLabels.Mark(metadata, VimTags.TenantId, plan.TenantId);
        KubernetesLabels.Mark(metadata, VimTags.OpOccId, plan.OpOccId);
        var annotations = KubernetesLabels.Child(metadata, "annotations");
        annotations[KubernetesLabels.ApplyOrder] = p.Order.ToString("D4", CultureInfo.InvariantCulture);
        annotations[KubernetesLabels.Manifest] = p.Manifest.Source;

        if (p.Vdu is { } vdu)
        {
            KubernetesLabels.Mark(metadata, KubernetesLabels.VduId, vdu.VduId);
            if (p.Kind == "Pod")
            {
                KubernetesLabels.Mark(metadata, VimTags.ResourceKey, vdu.Keys[0]);
            }
            else
            {
                var spec = KubernetesLabels.Child(body, "spec");
                if (p.Kind != "DaemonSet") spec["replicas"] = vdu.Keys.Count;
                // The pods (VNFCs) are found by these labels; stable values, so re-applying does not roll the workload.
                var templateLabels = KubernetesLabels.Child(KubernetesLabels.Child(KubernetesLabels.Child(spec, "template"), "metadata"), "labels");
                templateLabels[VimTags.VnfInstanceId] = KubernetesLabels.Value(plan.VnfInstanceId);
                templateLabels[VimTags.TenantId] = KubernetesLabels.Value(plan.TenantId);
                templateLabels[KubernetesLabels.VduId] = KubernetesLabels.Value(vdu.VduId);
            }
        }
        if (p.Kind == "StatefulSet" && body["spec"]?["volumeClaimTemplates"] is JsonArray claims)
        {
            // PersistentVolumeClaims outlive their StatefulSet: labelled, terminate finds and deletes them.
            foreach (var claim in claims.OfType<JsonObject>())
            {
                var labels = KubernetesLabels.Child(KubernetesLabels.Child(claim, "metadata"), "labels");
                labels[VimTags.VnfInstanceId] = KubernetesLabels.Value(plan.VnfInstanceId);
                labels[VimTags.TenantId] = KubernetesLabels.Value(plan.TenantId);
            }
        }

        if (!p.Resource.Appliable)
        {
            // Create-only kinds (TokenReview, SubjectAccessReview, Binding...): nothing persists, nothing to delete.
            var (_, already) = await session.Api.CreateAsync(p.Resource.CollectionPath(p.Namespace), body, operation, ct).ConfigureAwait(false);
            LogCreated(p.Display, already);
            return;
        }

        var existing = await session.Api.GetAsync(p.Path, operation, ct).ConfigureAwait(false);
        if (existing is not null)
        {
            var owner = existing["metadata"]?["labels"]?[VimTags.VnfInstanceId]?.GetValue<string>();
            if (owner != KubernetesLabels.Value(plan.VnfInstanceId))
                throw new VimException(operation, owner is null
                    ? $"{p.Display} ({p.Manifest.Source}) already exists and was not made by Mano for this VNF instance: it is not taken over"
                    : $"{p.Display} ({p.Manifest.Source}) already exists and belongs to another VNF instance");
            if (existing["metadata"]?["deletionTimestamp"] is not null)
                throw new VimException(operation, $"{p.Display} is being deleted; retry when it is gone", transient: true);
        }
        await session.Api.ApplyAsync(p.Path, body, operation, ct).ConfigureAwait(false);
        LogApplied(p.Display, existing is null ? "created" : "applied");
    }

    // ---------------------------------------------------------------- planning

    private sealed record VduTarget(string VduId, IReadOnlyList<string> Keys);

    private sealed record PlannedObject(ManifestObject Manifest, ApiResource Resource, string? Namespace, int Order, VduTarget? Vdu)
    {
        public string Kind => Manifest.Kind;
        public string Name => Manifest.Name;
        public string Path => Resource.ObjectPath(Namespace, Name);
        public (string Group, string Plural, string? Namespace, string Name) Identity => (Resource.Group, Resource.Plural, Namespace, Name);
        public string Display => Namespace is null ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";
    }

    private sealed record Prepared(IReadOnlyList<PlannedObject> Objects, string InstanceId);

    private async Task<Prepared> PrepareAsync(Session session, VnfResourcePlan plan, CancellationToken ct)
    {
        var operation = session.Operation;
        var k8s = plan.Kubernetes ?? throw new VimException(operation,
            $"the resource plan of VNF instance '{plan.VnfInstanceId}' has no Kubernetes deployment: a Kubernetes VIM deploys CNFs (VNF packages with Kubernetes manifests)");
        if (k8s.Manifests.Count == 0)
            throw new VimException(operation, $"VNF instance '{plan.VnfInstanceId}': no Kubernetes manifest to deploy");
        var defaultNamespace = string.IsNullOrWhiteSpace(k8s.Namespace) ? "default" : k8s.Namespace;

        var manifests = k8s.Manifests.SelectMany(m => ManifestReader.Read(m, operation)).ToList();
        var resolved = manifests.Select(m => (m, r: session.Served.Find(m.ApiVersion, m.Kind))).ToList();
        if (resolved.Any(x => x.r is null))
        {
            // A CRD installed since discovery was cached: look again before failing.
            session.Served = await _discovery.GetAsync(session.Api, operation, refresh: true, ct).ConfigureAwait(false);
            resolved = manifests.Select(m => (m, r: session.Served.Find(m.ApiVersion, m.Kind))).ToList();
        }
        var unknown = resolved.Where(x => x.r is null).Select(x => $"kind '{x.m.Kind}' of apiVersion '{x.m.ApiVersion}' ({x.m.Source})").ToList();
        if (unknown.Count > 0)
            throw new VimException(operation, $"the cluster at {session.Api.Endpoint} does not serve {string.Join("; ", unknown)}: nothing was applied");
        var unusable = resolved.Where(x => !x.r!.Appliable && !x.r.Can("create")).Select(x => $"{x.m.Kind} ({x.m.Source})").ToList();
        if (unusable.Count > 0)
            throw new VimException(operation, $"the cluster serves {string.Join(", ", unusable)} but allows neither apply nor create of it");

        var nameless = resolved.Where(x => x.r!.Appliable && x.m.Name.Length == 0).Select(x => x.m.Source).ToList();
        if (nameless.Count > 0)
            throw new VimException(operation, $"metadata.name missing in {string.Join(", ", nameless)} (generateName cannot be applied idempotently: name the object)");

        var ordered = resolved
            .Select((x, i) => (x.m, x.r, i))
            .OrderBy(x => Array.IndexOf(KindOrder, x.m.Kind) is var k && k < 0 ? KindOrder.Length : k)
            .ThenBy(x => x.i)
            .ToList();

        var computesByVdu = plan.Computes.GroupBy(c => c.VduId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(c => c.ResourceKey).ToList());
        var noWorkload = computesByVdu.Keys.Where(v => !k8s.VduWorkloads.ContainsKey(v)).ToList();
        if (noWorkload.Count > 0)
            throw new VimException(operation, $"VDU(s) {string.Join(", ", noWorkload)} have VNFCs in the plan but no workload name (plan.Kubernetes.VduWorkloads)");
        var vduOf = new Dictionary<int, VduTarget>();
        foreach (var (vduId, workload) in k8s.VduWorkloads)
        {
            var keys = computesByVdu.GetValueOrDefault(vduId) ?? [];
            var candidates = ordered.Select((x, i) => (x, i)).Where(y => y.x.m.Name == workload && WorkloadKinds.Contains(y.x.m.Kind)).ToList();
            if (candidates.Count == 0)
            {
                if (keys.Count == 0) continue;
                throw new VimException(operation,
                    $"VDU '{vduId}': no Deployment, StatefulSet, ReplicaSet, DaemonSet or Pod named '{workload}' in the manifests ({string.Join(", ", k8s.Manifests.Select(m => m.Path))})");
            }
            if (candidates.Count > 1)
                throw new VimException(operation, $"VDU '{vduId}': several workloads are named '{workload}' ({string.Join(", ", candidates.Select(c => $"{c.x.m.Kind} in {c.x.m.Source}"))})");
            var (hit, index) = candidates[0];
            if (hit.m.Kind == "Pod" && keys.Count > 1)
                throw new VimException(operation, $"VDU '{vduId}' is the bare Pod '{workload}': it cannot have {keys.Count} instances (use a Deployment or StatefulSet)");
            vduOf[index] = new VduTarget(vduId, keys);
        }

        var objects = ordered.Select((x, i) => new PlannedObject(x.m, x.r!, x.r!.Namespaced ? x.m.Namespace ?? defaultNamespace : null, i, vduOf.GetValueOrDefault(i))).ToList();
        var duplicates = objects.Where(o => o.Resource.Appliable).GroupBy(o => o.Identity).Where(g => g.Count() > 1).Select(g => g.First().Display).ToList();
        if (duplicates.Count > 0)
            throw new VimException(operation, $"the manifests define {string.Join(", ", duplicates)} more than once");
        return new Prepared(objects, plan.VnfInstanceId);
    }

    // ---------------------------------------------------------------- VNFCs (pods)

    private sealed record VnfcPod(ApiResource Resource, JsonObject Body)
    {
        public string Name => Body["metadata"]?["name"]?.GetValue<string>() ?? "";
        public string Namespace => Body["metadata"]?["namespace"]?.GetValue<string>() ?? "";
        public string Path => Resource.ObjectPath(Namespace, Name);
        public string? VduId => KubernetesLabels.Read(Body, KubernetesLabels.VduId);
        public string? Key => KubernetesLabels.Read(Body, VimTags.ResourceKey);
        public string? OpOccId => KubernetesLabels.Read(Body, VimTags.OpOccId);
        public DateTimeOffset Created => DateTimeOffset.TryParse(Body["metadata"]?["creationTimestamp"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : DateTimeOffset.MinValue;
        public int? Ordinal => Body["metadata"]?["labels"]?["apps.kubernetes.io/pod-index"]?.GetValue<string>() is { } s && int.TryParse(s, CultureInfo.InvariantCulture, out var o) ? o
            : Name.LastIndexOf('-') is var dash && dash > 0 && int.TryParse(Name[(dash + 1)..], CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>The live (not terminating, not finished) pods of the plan's VDUs, from the namespaces of the VDU workloads.</summary>
    private static async Task<List<VnfcPod>> VnfcPodsAsync(Session session, Prepared prepared, CancellationToken ct)
    {
        var pods = session.Served.Find("v1", "Pod") ?? throw new VimException(session.Operation, "the cluster serves no v1 Pod");
        var vdus = prepared.Objects.Where(p => p.Vdu is not null).ToList();
        var result = new List<VnfcPod>();
        foreach (var ns in vdus.Select(p => p.Namespace).Distinct())
        {
            var selector = $"{KubernetesLabels.InstanceSelector(prepared.InstanceId)},{KubernetesLabels.VduId}";
            var items = await session.Api.ListAsync(pods.CollectionPath(ns), selector, session.Operation, ct).ConfigureAwait(false);
            result.AddRange(items.Select(i => new VnfcPod(pods, i)).Where(IsLive));
        }
        return result;
    }

    private static bool IsLive(VnfcPod pod) =>
        pod.Body["metadata"]?["deletionTimestamp"] is null && pod.Body["status"]?["phase"]?.GetValue<string>() is not ("Failed" or "Succeeded");

    private static int CountPods(IEnumerable<VnfcPod> pods, string vduId) => pods.Count(p => p.VduId == vduId);

    /// <summary>Pods whose VNFC key the plan drops get the lowest deletion cost, so a scale-in removes those.</summary>
    private static async Task MarkSurplusPodsAsync(Session session, Prepared prepared, List<VnfcPod> pods, CancellationToken ct)
    {
        foreach (var p in prepared.Objects.Where(p => p.Vdu is not null && p.Kind is "Deployment" or "ReplicaSet"))
        {
            var keep = p.Vdu!.Keys.ToHashSet(StringComparer.Ordinal);
            var mine = pods.Where(x => x.VduId == p.Vdu.VduId).ToList();
            if (mine.Count <= keep.Count) continue;
            foreach (var pod in mine.Where(x => x.Key is null || !keep.Contains(x.Key)))
                await session.Api.MergePatchAsync(pod.Path, new JsonObject
                {
                    ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [KubernetesLabels.PodDeletionCost] = "-1000" } },
                }, session.Operation, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Gives each live VNFC pod a VNFC key of its VDU: pods keep a key the plan still holds; the others (new, replaced,
    /// or holding a dropped key) take the free keys in order (StatefulSet ordinal, else creation time). Pods given a
    /// key of <paramref name="healed"/> are marked with the op occ, so a retried heal does not replace them again.
    /// </summary>
    private static async Task AssignKeysAsync(Session session, Prepared prepared, string opOccId, IReadOnlySet<string>? healed, CancellationToken ct)
    {
        var pods = await VnfcPodsAsync(session, prepared, ct).ConfigureAwait(false);
        foreach (var p in prepared.Objects.Where(p => p.Vdu is not null && p.Kind != "Pod"))
        {
            var vdu = p.Vdu!;
            var keys = vdu.Keys.ToHashSet(StringComparer.Ordinal);
            var mine = pods.Where(x => x.VduId == vdu.VduId).OrderBy(x => x.Ordinal ?? int.MaxValue).ThenBy(x => x.Created).ThenBy(x => x.Name, StringComparer.Ordinal).ToList();
            var kept = new HashSet<string>(StringComparer.Ordinal);
            var rekey = new List<VnfcPod>();
            foreach (var pod in mine)
            {
                if (pod.Key is { } k && keys.Contains(k) && kept.Add(k)) continue;
                rekey.Add(pod);
            }
            var free = new Queue<string>(vdu.Keys.Where(k => !kept.Contains(k)));
            foreach (var pod in rekey)
            {
                var key = free.Count > 0 ? free.Dequeue() : null;
                if (key is null && pod.Key is null) continue; // more pods than VNFCs (a DaemonSet on more nodes than planned)
                var labels = new JsonObject { [VimTags.ResourceKey] = key is null ? null : KubernetesLabels.Value(key) };
                var annotations = new JsonObject { [VimTags.ResourceKey] = key };
                if (key is not null && healed is not null && healed.Contains(key))
                {
                    labels[VimTags.OpOccId] = KubernetesLabels.Value(opOccId);
                    annotations[VimTags.OpOccId] = opOccId;
                }
                await session.Api.MergePatchAsync(pod.Path, new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = labels, ["annotations"] = annotations },
                }, session.Operation, ct).ConfigureAwait(false);
            }
        }
    }

    // ---------------------------------------------------------------- readiness

    private async Task WaitReadyAsync(Session session, Prepared prepared, CancellationToken ct)
    {
        var workloads = prepared.Objects.Where(p => WorkloadKinds.Contains(p.Kind) && p.Resource.Appliable && !(p.Kind == "Pod" && p.Vdu is { Keys.Count: 0 })).ToList();
        if (workloads.Count == 0) return;
        var deadline = DateTimeOffset.UtcNow + _options.ReadinessTimeout;
        while (true)
        {
            var pods = await VnfcPodsAsync(session, prepared, ct).ConfigureAwait(false);
            var waiting = new List<string>();
            foreach (var p in workloads)
            {
                var obj = await session.Api.GetAsync(p.Path, session.Operation, ct).ConfigureAwait(false);
                var why = obj is null ? "not found" : NotReady(p.Kind, obj);
                if (why is null && p.Vdu is { } vdu && p.Kind != "Pod")
                {
                    var want = p.Kind == "DaemonSet" ? obj!["status"]?["desiredNumberScheduled"]?.GetValue<int>() ?? 0 : vdu.Keys.Count;
                    var have = CountPods(pods, vdu.VduId);
                    if (have != want) why = $"{have} pods, {want} wanted";
                }
                if (why is not null) waiting.Add($"{p.Display} ({why}{PodProblems(pods, p.Vdu?.VduId)})");
            }
            if (waiting.Count == 0) return;
            if (DateTimeOffset.UtcNow > deadline)
                throw new VimException(session.Operation,
                    $"not ready after {_options.ReadinessTimeout.TotalSeconds:0} s: {string.Join("; ", waiting)}", transient: true);
            await Task.Delay(_options.PollInterval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Null when the workload is ready, else why not.</summary>
    private static string? NotReady(string kind, JsonObject o)
    {
        var spec = o["spec"];
        var status = o["status"];
        int Int(JsonNode? n, string name) => n?[name]?.GetValue<int>() ?? 0;
        var generation = o["metadata"]?["generation"]?.GetValue<long>() ?? 0;
        var observed = status?["observedGeneration"]?.GetValue<long>() ?? 0;
        if (kind != "Pod" && observed < generation) return "update not yet observed";
        var replicas = spec?["replicas"]?.GetValue<int>() ?? 1;
        switch (kind)
        {
            case "Deployment":
                if (Int(status, "updatedReplicas") < replicas) return $"{Int(status, "updatedReplicas")} of {replicas} replicas updated";
                if (Int(status, "availableReplicas") < replicas) return $"{Int(status, "availableReplicas")} of {replicas} replicas available";
                if (Int(status, "replicas") > replicas) return $"{Int(status, "replicas") - replicas} old replicas terminating";
                return null;
            case "StatefulSet":
            case "ReplicaSet":
                if (Int(status, "readyReplicas") < replicas) return $"{Int(status, "readyReplicas")} of {replicas} replicas ready";
                if (Int(status, "replicas") > replicas) return $"{Int(status, "replicas") - replicas} surplus replicas";
                return null;
            case "DaemonSet":
                var desired = Int(status, "desiredNumberScheduled");
                if (Int(status, "numberReady") < desired) return $"{Int(status, "numberReady")} of {desired} daemon pods ready";
                if (Int(status, "updatedNumberScheduled") < desired) return $"{Int(status, "updatedNumberScheduled")} of {desired} daemon pods updated";
                return null;
            case "Pod":
                var ready = (status?["conditions"] as JsonArray ?? []).FirstOrDefault(c => c?["type"]?.GetValue<string>() == "Ready");
                return ready?["status"]?.GetValue<string>() == "True" ? null
                    : $"phase {status?["phase"]?.GetValue<string>() ?? "unknown"}{Waiting(o)}";
            default:
                return null;
        }
    }

    private static string PodProblems(List<VnfcPod> pods, string? vduId)
    {
        if (vduId is null) return "";
        var reasons = pods.Where(p => p.VduId == vduId).Select(p => Waiting(p.Body)).Where(r => r.Length > 0).Distinct().Take(3).ToList();
        return reasons.Count == 0 ? "" : string.Concat(reasons);
    }

    /// <summary>", ImagePullBackOff" and the like: why a pod's containers wait.</summary>
    private static string Waiting(JsonObject pod)
    {
        var reasons = (pod["status"]?["containerStatuses"] as JsonArray ?? [])
            .Select(c => c?["state"]?["waiting"]?["reason"]?.GetValue<string>())
            .Where(r => r is not null).Distinct().ToList();
        return reasons.Count == 0 ? "" : ", " + string.Join(", ", reasons);
    }

    // ---------------------------------------------------------------- listing and deleting

    private sealed record FoundObject(ApiResource Resource, JsonObject Body)
    {
        public string Name => Body["metadata"]?["name"]?.GetValue<string>() ?? "";
        public string? Namespace => Resource.Namespaced ? Body["metadata"]?["namespace"]?.GetValue<string>() : null;
        public string Path => Resource.ObjectPath(Namespace, Name);
        public (string Group, string Plural, string? Namespace, string Name) Identity => (Resource.Group, Resource.Plural, Namespace, Name);
        public string Display => Namespace is null ? $"{Resource.Kind} {Name}" : $"{Resource.Kind} {Namespace}/{Name}";
        public int Order => int.TryParse(Body["metadata"]?["annotations"]?[KubernetesLabels.ApplyOrder]?.GetValue<string>(), CultureInfo.InvariantCulture, out var o) ? o : -1;
    }

    private static bool IsApplied(FoundObject f) => f.Body["metadata"]?["annotations"]?[KubernetesLabels.ApplyOrder] is not null;

    /// <summary>Every object of <paramref name="resources"/> that matches <paramref name="selector"/>, in every namespace.</summary>
    private static async Task<List<FoundObject>> SweepAsync(Session session, string selector, IEnumerable<ApiResource> resources, CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(8);
        var lists = await Task.WhenAll(resources.Select(async r =>
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                var items = await session.Api.ListAsync(r.CollectionPath(null), selector, session.Operation, ct).ConfigureAwait(false);
                return items.Select(i => new FoundObject(r, i)).ToList();
            }
            catch (VimException e) when (KubernetesCallException.Status(e) is 404 or 405)
            {
                return []; // the resource type went away since discovery
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return lists.SelectMany(l => l).Where(f => f.Body["metadata"]?["uid"]?.GetValue<string>() is not { } uid || seen.Add(uid)).ToList();
    }

    private async Task DeleteAppliedAsync(Session session, List<FoundObject> objects, CancellationToken ct)
    {
        foreach (var f in objects.Where(IsApplied).OrderByDescending(f => f.Order).ThenBy(f => f.Display, StringComparer.Ordinal))
        {
            if (f.Body["metadata"]?["deletionTimestamp"] is not null) continue;
            var deleted = await session.Api.DeleteAsync(f.Path, "Foreground", session.Operation, ct).ConfigureAwait(false);
            LogDeleted(f.Display, deleted);
        }
    }

    private async Task WaitObjectsGoneAsync(Session session, List<FoundObject> objects, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + _options.DeletionTimeout;
        var left = objects;
        while (left.Count > 0)
        {
            var still = new List<FoundObject>();
            foreach (var f in left)
            {
                var o = await session.Api.GetAsync(f.Path, session.Operation, ct).ConfigureAwait(false);
                // Same name, new uid: a new object (re-created meanwhile), not the one waited for.
                if (o is not null && o["metadata"]?["uid"]?.GetValue<string>() == f.Body["metadata"]?["uid"]?.GetValue<string>()) still.Add(f);
            }
            left = still;
            if (left.Count == 0) return;
            if (DateTimeOffset.UtcNow > deadline)
                throw new VimException(session.Operation, $"still being deleted after {_options.DeletionTimeout.TotalSeconds:0} s: {string.Join(", ", left.Take(10).Select(f => f.Display))}", transient: true);
            await Task.Delay(_options.PollInterval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until no object matching <paramref name="selector"/> is left among <paramref name="kinds"/> and pods.</summary>
    private async Task WaitGoneAsync(Session session, string selector, List<ApiResource> kinds, CancellationToken ct)
    {
        if (session.Served.Find("v1", "Pod") is { } pods && !kinds.Contains(pods)) kinds.Add(pods);
        var deadline = DateTimeOffset.UtcNow + _options.DeletionTimeout;
        while (true)
        {
            var left = await SweepAsync(session, selector, kinds, ct).ConfigureAwait(false);
            if (left.Count == 0) return;
            if (DateTimeOffset.UtcNow > deadline)
                throw new VimException(session.Operation,
                    $"still present after {_options.DeletionTimeout.TotalSeconds:0} s: {string.Join(", ", left.Take(10).Select(f => f.Display))}", transient: true);
            // Controller-made objects whose owner is gone but that no garbage collector removes (e.g. PVCs): delete them.
            foreach (var f in left.Where(f => !IsApplied(f) && f.Body["metadata"]?["ownerReferences"] is not JsonArray { Count: > 0 } && f.Body["metadata"]?["deletionTimestamp"] is null))
                await session.Api.DeleteAsync(f.Path, "Background", session.Operation, ct).ConfigureAwait(false);
            await Task.Delay(_options.PollInterval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>What carries <paramref name="selector"/>: VNFC pods as computes, everything else as <see cref="VimResourceKind.Other"/>.</summary>
    private static async Task<IReadOnlyList<VimResource>> ListAsync(Session session, string selector, CancellationToken ct)
    {
        var found = await SweepAsync(session, selector, session.Served.Listable(), ct).ConfigureAwait(false);
        var workloads = found.Where(f => WorkloadKinds.Contains(f.Resource.Kind) && f.Resource.Group is "" or "apps" && IsApplied(f)
                                         && KubernetesLabels.Read(f.Body, KubernetesLabels.VduId) is not null)
            .GroupBy(f => KubernetesLabels.Read(f.Body, KubernetesLabels.VduId)!)
            .ToDictionary(g => g.Key, g => g.First());
        var result = new List<VimResource>();
        foreach (var f in found.OrderBy(f => f.Order < 0 ? int.MaxValue : f.Order).ThenBy(f => f.Display, StringComparer.Ordinal))
        {
            var meta = f.Body["metadata"];
            var labels = (meta?["labels"] as JsonObject ?? []).Where(kv => kv.Key.StartsWith("mano.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key, kv => KubernetesLabels.Read(f.Body, kv.Key) ?? "", StringComparer.Ordinal);
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [KubernetesAttributes.ApiVersion] = f.Resource.ApiVersion,
                [KubernetesAttributes.Kind] = f.Resource.Kind,
                [KubernetesAttributes.Uid] = meta?["uid"]?.GetValue<string>() ?? "",
            };
            if (f.Namespace is not null) attributes[KubernetesAttributes.Namespace] = f.Namespace;
            if (meta?["creationTimestamp"]?.GetValue<string>() is { } created) attributes[VimAttributes.CreatedAt] = created;
            var vduId = KubernetesLabels.Read(f.Body, KubernetesLabels.VduId);
            var isVnfc = f.Resource.Kind == "Pod" && f.Resource.Group.Length == 0 && vduId is not null;
            var terminating = meta?["deletionTimestamp"] is not null;
            if (isVnfc)
            {
                var pod = new VnfcPod(f.Resource, f.Body);
                attributes[KubernetesAttributes.VduId] = vduId!;
                if (f.Body["spec"]?["nodeName"]?.GetValue<string>() is { } node) attributes[KubernetesAttributes.NodeName] = node;
                if (f.Body["status"]?["podIP"]?.GetValue<string>() is { } ip) attributes[VimAttributes.IpAddress] = ip;
                if (f.Body["spec"]?["containers"]?[0]?["image"]?.GetValue<string>() is { } image) attributes[VimAttributes.ImageName] = image;
                if (workloads.TryGetValue(vduId!, out var w))
                {
                    attributes[KubernetesAttributes.WorkloadKind] = w.Resource.Kind;
                    attributes[KubernetesAttributes.WorkloadName] = w.Name;
                }
                var ready = NotReady("Pod", f.Body) is null;
                var status = terminating ? "DELETING" : ready ? ServerStatus.Active : (f.Body["status"]?["phase"]?.GetValue<string>() ?? "UNKNOWN").ToUpperInvariant();
                result.Add(new VimResource(pod.Name, VimResourceKind.Compute, pod.Name, pod.Key, KubernetesLabels.Read(f.Body, VimTags.VnfInstanceId),
                    KubernetesLabels.Read(f.Body, VimTags.TenantId) ?? "", status, null, labels, attributes));
            }
            else
            {
                result.Add(new VimResource(attributes[KubernetesAttributes.Uid], VimResourceKind.Other, f.Name, null,
                    KubernetesLabels.Read(f.Body, VimTags.VnfInstanceId), KubernetesLabels.Read(f.Body, VimTags.TenantId) ?? "",
                    terminating ? "DELETING" : "ACTIVE", null, labels, attributes));
            }
        }
        return result;
    }

    // ---------------------------------------------------------------- session

    private sealed class Session(KubernetesApi api, ServedResources served, string operation) : IDisposable
    {
        public KubernetesApi Api { get; } = api;
        public ServedResources Served { get; set; } = served;
        public string Operation { get; } = operation;
        public void Dispose() => Api.Dispose();
    }

    private async Task<Session> OpenAsync(VimConnectionInfo vim, VnfResourcePlan? plan, string operation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(vim);
        if (!string.Equals(vim.VimType, VimType, StringComparison.Ordinal))
            throw new VimException(operation, $"VIM '{vim.VimId}' has type '{vim.VimType}'; the Kubernetes driver serves '{VimType}'");
        if (plan is not null)
        {
            if (string.IsNullOrWhiteSpace(plan.TenantId) || string.IsNullOrWhiteSpace(plan.VnfInstanceId) || string.IsNullOrWhiteSpace(plan.OpOccId))
                throw new VimException(operation, "the resource plan needs a tenant id, a VNF instance id and an op occ id");
            var keys = plan.Computes.Select(c => c.ResourceKey).ToList();
            if (keys.Any(string.IsNullOrWhiteSpace) || keys.Distinct(StringComparer.Ordinal).Count() != keys.Count)
                throw new VimException(operation, $"invalid resource plan for VNF instance '{plan.VnfInstanceId}': VNFC keys must be unique and non-empty");
        }
        var api = KubernetesApi.Connect(vim, _options.RequestTimeout, operation);
        try
        {
            var served = await _discovery.GetAsync(api, operation, refresh: false, ct).ConfigureAwait(false);
            return new Session(api, served, operation) ;
        }
        catch
        {
            api.Dispose();
            throw;
        }
    }

    // ---------------------------------------------------------------- logging (never secrets: names and kinds only)

    [LoggerMessage(Level = LogLevel.Information, Message = "Kubernetes: {Object} {What}")]
    private partial void LogApplied(string @object, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kubernetes: {Object} created (create-only kind; already done: {AlreadyDone})")]
    private partial void LogCreated(string @object, bool alreadyDone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kubernetes: {Object} scaled from {From} to {To} replicas")]
    private partial void LogScale(string @object, int from, int to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kubernetes: healing VNFC {Key}: deleting pod {Namespace}/{Pod}")]
    private partial void LogHeal(string @namespace, string pod, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kubernetes: {Object} deleted (existed: {Existed})")]
    private partial void LogDeleted(string @object, bool existed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kubernetes: VNF instance {VnfInstanceId} terminated, {Count} applied objects deleted")]
    private partial void LogTerminated(string vnfInstanceId, int count);
}

/// <summary>Keys of <see cref="VimResource.Attributes"/> for Kubernetes objects.</summary>
public static class KubernetesAttributes
{
    public const string ApiVersion = "api_version";
    public const string Kind = "kind";
    public const string Namespace = "namespace";
    public const string Uid = "uid";
    public const string VduId = "vdu_id";
    public const string NodeName = "node_name";
    /// <summary>VNFC pods: the kind of the VDU's workload (SOL003 vimLevelResourceType, as Tacker reports it: "Deployment"...).</summary>
    public const string WorkloadKind = "workload_kind";
    public const string WorkloadName = "workload_name";
}
