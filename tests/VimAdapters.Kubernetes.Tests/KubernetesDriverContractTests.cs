using System.Text.Json.Nodes;
using Mano.VimAdapters.Kubernetes;

namespace Mano.VimAdapters.Kubernetes.Tests;

/// <summary>
/// The Kubernetes driver's contract, with real Tacker corpus packages. Runs against the fake API server, or a real
/// cluster (MANO_TEST_KUBECONFIG); tests that need the fake's knobs (never-ready pods, untrusted CA...) skip on a real one.
/// </summary>
public sealed class KubernetesDriverContractTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;
    private readonly string _tenant = "tenant-" + Guid.NewGuid().ToString("N")[..8];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _cluster = await TestCluster.StartAsync();

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    private FakeKubernetesApiServer Fake => _cluster.Fake ?? throw new InvalidOperationException("fake only");

    private void FakeOnly()
    {
        if (_cluster.IsReal) Assert.Skip("needs the fake API server's test knobs");
    }

    private static string NewInstance() => Guid.NewGuid().ToString();

    private static Dictionary<string, List<VimResource>> VnfcsByVdu(IEnumerable<VimResource> resources) =>
        resources.Where(r => r.Kind == VimResourceKind.Compute)
            .GroupBy(r => r.Attributes[KubernetesAttributes.VduId])
            .ToDictionary(g => g.Key, g => g.ToList());

    private static void AssertEveryVnfcHasItsPod(VnfResourcePlan plan, IReadOnlyList<VimResource> resources)
    {
        var byKey = resources.Where(r => r.Kind == VimResourceKind.Compute && r.ResourceKey is not null).ToDictionary(r => r.ResourceKey!);
        foreach (var c in plan.Computes)
        {
            Assert.True(byKey.TryGetValue(c.ResourceKey, out var pod), $"no pod for VNFC {c.ResourceKey} of {c.VduId}");
            Assert.Equal(c.VduId, pod.Attributes[KubernetesAttributes.VduId]);
            Assert.Equal(ServerStatus.Active, pod.Status);
        }
        Assert.Equal(plan.Computes.Count, byKey.Count);
    }

    [Fact]
    public async Task Instantiate_applies_every_manifest_kind_of_the_v2_package_and_maps_vdus_to_workloads()
    {
        var instance = NewInstance();
        var plan = CnfPlans.FromPackage("v2-k8s-instantiate_cnf_resources", _tenant, instance, "op-1", CnfPlans.V2InstantiateCnfResourcesFiles);
        var driver = _cluster.Driver();

        var resources = await driver.InstantiateAsync(_cluster.Vim, plan, Ct);

        // Every persistent kind of the manifests is in the cluster, labelled; create-only kinds (reviews, binding) were POSTed.
        var kinds = resources.Where(r => r.Kind == VimResourceKind.Other).Select(r => r.Attributes[KubernetesAttributes.Kind]).ToHashSet();
        foreach (var kind in new[]
                 {
                     "Namespace", "ClusterRole", "ClusterRoleBinding", "ServiceAccount", "ConfigMap", "ControllerRevision", "DaemonSet", "Deployment",
                     "HorizontalPodAutoscaler", "Job", "LimitRange", "Lease", "NetworkPolicy", "PriorityClass", "PersistentVolume",
                     "PodTemplate", "Service", "Secret", "ReplicaSet", "ResourceQuota", "Role", "RoleBinding", "StatefulSet", "StorageClass",
                     "PersistentVolumeClaim",
                 })
            Assert.Contains(kind, kinds);
        if (!_cluster.IsReal)
        {
            var posts = Fake.Requests.Where(r => r.StartsWith("POST", StringComparison.Ordinal)).ToList();
            foreach (var plural in new[] { "tokenreviews", "subjectaccessreviews", "selfsubjectaccessreviews", "selfsubjectrulesreviews", "localsubjectaccessreviews", "bindings" })
                Assert.Contains(posts, p => p.Contains($"/{plural}?", StringComparison.Ordinal));
            var applies = Fake.Requests.Where(r => r.StartsWith("PATCH", StringComparison.Ordinal) && r.Contains("application/apply-patch+yaml", StringComparison.Ordinal)).ToList();
            Assert.All(applies, a => Assert.Contains("fieldManager=mano&force=true", a, StringComparison.Ordinal));
            // Labelled for the instance, op occ and tenant.
            var deployment = Assert.Single(Fake.Objects("apps", "deployments", "default"), d => d["metadata"]!["name"]!.GetValue<string>() == "vdu2");
            Assert.Equal(instance, deployment["metadata"]!["labels"]![VimTags.VnfInstanceId]!.GetValue<string>());
            Assert.Equal("op-1", deployment["metadata"]!["labels"]![VimTags.OpOccId]!.GetValue<string>());
            Assert.Equal(_tenant, deployment["metadata"]!["labels"]![VimTags.TenantId]!.GetValue<string>());
        }

        // VDU -> workload by name: VDU1 = Pod vdu1, VDU2 = Deployment vdu2, VDU3 = ReplicaSet vdu3, VDU5 = StatefulSet vdu5, VDU6 = DaemonSet vdu6.
        var vnfcs = VnfcsByVdu(resources);
        Assert.Equal("Pod", vnfcs["VDU1"].Single().Attributes[KubernetesAttributes.WorkloadKind]);
        Assert.Equal("vdu1", vnfcs["VDU1"].Single().ResourceId);
        Assert.All(vnfcs["VDU2"], p => Assert.Equal("Deployment", p.Attributes[KubernetesAttributes.WorkloadKind]));
        Assert.All(vnfcs["VDU2"], p => Assert.StartsWith("vdu2-", p.ResourceId, StringComparison.Ordinal));
        Assert.Equal("ReplicaSet", vnfcs["VDU3"].Single().Attributes[KubernetesAttributes.WorkloadKind]);
        Assert.Equal("vdu5-0", vnfcs["VDU5"].Single().ResourceId);
        Assert.Equal("DaemonSet", vnfcs["VDU6"].Single().Attributes[KubernetesAttributes.WorkloadKind]);
        Assert.Equal(plan.Computes.Count(c => c.VduId == "VDU2"), vnfcs["VDU2"].Count);
        AssertEveryVnfcHasItsPod(plan, resources);

        await driver.TerminateAsync(_cluster.Vim, _tenant, instance, Ct);
        Assert.Empty(await driver.ListResourcesAsync(_cluster.Vim, _tenant, instance, Ct));
    }

    [Fact]
    public async Task A_kind_the_cluster_does_not_serve_fails_clearly_and_nothing_is_applied()
    {
        var instance = NewInstance();
        var plan = CnfPlans.WithManifest(
            CnfPlans.FromPackage("v1-k8s-test_cnf_scale", _tenant, instance, "op-1", ["Files/kubernetes/deployment_scale.yaml"]),
            "Files/kubernetes/widget.yaml",
            "apiVersion: example.mano.test/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n");
        var driver = _cluster.Driver();

        var e = await Assert.ThrowsAsync<VimException>(() => driver.InstantiateAsync(_cluster.Vim, plan, Ct));

        Assert.Contains("does not serve kind 'Widget' of apiVersion 'example.mano.test/v1'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Files/kubernetes/widget.yaml", e.Message, StringComparison.Ordinal);
        Assert.Empty(await driver.ListResourcesAsync(_cluster.Vim, _tenant, instance, Ct));
    }

    [Fact]
    public async Task A_custom_kind_the_cluster_serves_is_applied_like_any_other()
    {
        FakeOnly();
        Fake.ServeKind("example.mano.test", "v1", "Widget", "widgets", namespaced: true);
        var instance = NewInstance();
        var plan = CnfPlans.WithManifest(
            CnfPlans.FromPackage("v1-k8s-test_cnf_scale", _tenant, instance, "op-1", ["Files/kubernetes/deployment_scale.yaml"]),
            "Files/kubernetes/widget.yaml",
            "apiVersion: example.mano.test/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n");
        var driver = _cluster.Driver();

        var resources = await driver.InstantiateAsync(_cluster.Vim, plan, Ct);

        Assert.Contains(resources, r => r.Attributes.GetValueOrDefault(KubernetesAttributes.Kind) == "Widget" && r.Name == "w1");
        var widget = Assert.Single(Fake.Objects("example.mano.test", "widgets"));
        Assert.Equal(3, widget["spec"]!["size"]!.GetValue<long>());
        await driver.TerminateAsync(_cluster.Vim, _tenant, instance, Ct);
        Assert.Empty(Fake.Objects("example.mano.test", "widgets"));
    }

    [Theory]
    [InlineData("Files/kubernetes/deployment_scale.yaml", "Deployment")]
    [InlineData("Files/kubernetes/replicaset_scale.yaml", "ReplicaSet")]
    [InlineData("Files/kubernetes/statefulset_scale.yaml", "StatefulSet")]
    public async Task Scale_out_and_in_changes_the_replicas_and_the_reported_vnfcs(string manifest, string kind)
    {
        var instance = NewInstance();
        var plan = CnfPlans.FromPackage("v1-k8s-test_cnf_scale", _tenant, instance, "op-1", [manifest]);
        var driver = _cluster.Driver();
        var before = await driver.InstantiateAsync(_cluster.Vim, plan, Ct);
        Assert.Single(VnfcsByVdu(before)["VDU1"]);

        var outPlan = CnfPlans.WithCount(plan, "VDU1", 3, "op-2");
        var scaledOut = await driver.ScaleAsync(_cluster.Vim, outPlan, Ct);
        Assert.Equal(3, VnfcsByVdu(scaledOut)["VDU1"].Count);
        AssertEveryVnfcHasItsPod(outPlan, scaledOut);
        // The VNFC that was there keeps its pod.
        var firstKey = plan.Computes[0].ResourceKey;
        Assert.Equal(before.Single(r => r.ResourceKey == firstKey).ResourceId, scaledOut.Single(r => r.ResourceKey == firstKey).ResourceId);
        if (!_cluster.IsReal)
        {
            Assert.Contains(Fake.Requests, r => r.StartsWith("PATCH", StringComparison.Ordinal) && r.Contains("/vdu1-scale/scale?", StringComparison.Ordinal));
            var workload = Fake.Objects("apps", kind.ToLowerInvariant() + "s", "default").Single(o => o["metadata"]!["name"]!.GetValue<string>() == "vdu1-scale");
            Assert.Equal(3, workload["spec"]!["replicas"]!.GetValue<int>());
        }

        var inPlan = CnfPlans.WithCount(outPlan, "VDU1", 2, "op-3");
        var scaledIn = await driver.ScaleAsync(_cluster.Vim, inPlan, Ct);
        Assert.Equal(2, VnfcsByVdu(scaledIn)["VDU1"].Count);
        AssertEveryVnfcHasItsPod(inPlan, scaledIn);
        // The kept VNFCs keep their pods: the pod of the dropped (newest) VNFC went (pod-deletion-cost / highest ordinal).
        foreach (var c in inPlan.Computes)
            Assert.Equal(scaledOut.Single(r => r.ResourceKey == c.ResourceKey).ResourceId, scaledIn.Single(r => r.ResourceKey == c.ResourceKey).ResourceId);

        await driver.TerminateAsync(_cluster.Vim, _tenant, instance, Ct);
        Assert.Empty(await driver.ListResourcesAsync(_cluster.Vim, _tenant, instance, Ct));
    }

    [Fact]
    public async Task Heal_replaces_the_pod_of_the_vnfc_and_a_retried_heal_does_not_replace_it_again()
    {
        var instance = NewInstance();
        var plan = CnfPlans.FromPackage("v2-k8s-instantiate_cnf_resources", _tenant, instance, "op-1",
            ["Files/kubernetes/deployment.yaml", "Files/kubernetes/pod.yaml", "Files/kubernetes/statefulset.yaml", "Files/kubernetes/storage-class.yaml", "Files/kubernetes/daemon-set.yaml", "Files/kubernetes/replicaset_service_secret.yaml"]);
        var driver = _cluster.Driver();
        var before = await driver.InstantiateAsync(_cluster.Vim, plan, Ct);
        var vdu2 = plan.Computes.First(c => c.VduId == "VDU2").ResourceKey;
        var vdu1 = plan.Computes.Single(c => c.VduId == "VDU1").ResourceKey;
        var podOf = (IReadOnlyList<VimResource> rs, string key) => rs.Single(r => r.ResourceKey == key).ResourceId;
        var podUid = (IReadOnlyList<VimResource> rs, string key) => rs.Single(r => r.ResourceKey == key).Attributes[KubernetesAttributes.Uid];

        var healPlan = plan with { OpOccId = "op-heal" };
        var healed = await driver.HealAsync(_cluster.Vim, healPlan, [vdu2, vdu1], Ct);

        AssertEveryVnfcHasItsPod(plan, healed);
        Assert.NotEqual(podOf(before, vdu2), podOf(healed, vdu2));       // a Deployment's pod: replaced by the controller, new name
        Assert.NotEqual(podUid(before, vdu1), podUid(healed, vdu1));     // a bare Pod: deleted and re-created, same name
        Assert.Equal("vdu1", podOf(healed, vdu1));
        foreach (var other in plan.Computes.Where(c => c.ResourceKey != vdu2 && c.ResourceKey != vdu1))
            Assert.Equal(podOf(before, other.ResourceKey), podOf(healed, other.ResourceKey));

        var retried = await driver.HealAsync(_cluster.Vim, healPlan, [vdu2, vdu1], Ct);
        Assert.Equal(podUid(healed, vdu2), podUid(retried, vdu2));
        Assert.Equal(podUid(healed, vdu1), podUid(retried, vdu1));

        await driver.TerminateAsync(_cluster.Vim, _tenant, instance, Ct);
    }

    [Fact]
    public async Task A_pod_lost_behind_the_drivers_back_shows_unkeyed_until_an_operation_gives_the_replacement_its_vnfc()
    {
        FakeOnly();
        var instance = NewInstance();
        var plan = CnfPlans.FromPackage("v1-k8s-test_cnf_scale", _tenant, instance, "op-1", ["Files/kubernetes/deployment_scale.yaml"]);
        var driver = _cluster.Driver();
        var before = await driver.InstantiateAsync(_cluster.Vim, plan, Ct);
        var pod = before.Single(r => r.Kind == VimResourceKind.Compute);
        Assert.True(Fake.KillPod("default", pod.ResourceId));
        await Task.Delay(200, Ct);
        var drift = await driver.ListResourcesAsync(_cluster.Vim, _tenant, instance, Ct);
        var replacement = Assert.Single(drift, r => r.Kind == VimResourceKind.Compute);
        Assert.Null(replacement.ResourceKey);
        var healed = await driver.HealAsync(_cluster.Vim, plan with { OpOccId = "op-heal" }, [pod.ResourceKey!], Ct);
        Assert.Equal(replacement.ResourceId, healed.Single(r => r.ResourceKey == pod.ResourceKey).ResourceId);
        await driver.TerminateAsync(_cluster.Vim, _tenant, instance, Ct);
    }

    [Fact]
    public async Task Terminate_leaves_nothing_labelled_and_deletes_in_reverse_apply_order()
    {
        var instance = NewInstance();
        var plan = CnfPlans.FromPackage("v2-k8s-instantiate_cnf_resources", _tenant, instance, "op-1", CnfPlans.V2InstantiateCnfResourcesFiles);
        var driver = _cluster.Driver();
        await driver.InstantiateAsync(_cluster.Vim, plan, Ct);

        await driver.TerminateAsync(_cluster.Vim, _tenant, instance, Ct);

        Assert.Empty(await driver.ListResourcesAsync(_cluster.Vim, _tenant, instance, Ct));
        if (!_cluster.IsReal)
        {
            Assert.Empty(Fake.Labelled(VimTags.VnfInstanceId, instance)); // pods, ReplicaSets, the StatefulSet's PVCs included
            var deletes = Fake.Requests.Where(r => r.StartsWith("DELETE", StringComparison.Ordinal)).ToList();
            // Applied first, deleted last: the namespace goes after the workloads, which go after their config.
            var index = (string fragment) => deletes.FindIndex(d => d.Contains(fragment, StringComparison.Ordinal));
            Assert.True(index("/namespaces/curry?") > index("/deployments/vdu2?"));
            Assert.True(index("/configmaps/") < index("/namespaces/curry?"));
            Assert.True(index("/deployments/vdu2?") < index("/configmaps/"));
        }
        // Terminating again is fine.
        await driver.TerminateAsync(_cluster.Vim, _tenant, instance, Ct);
    }

    [Fact]
    public async Task A_retried_instantiate_applies_idempotently()
    {
        var instance = NewInstance();
        var plan = CnfPlans.FromPackage("v2-k8s-instantiate_cnf_resources", _tenant, instance, "op-1", CnfPlans.V2InstantiateCnfResourcesFiles);
        var driver = _cluster.Driver();
        var first = await driver.InstantiateAsync(_cluster.Vim, plan, Ct);
        var second = await driver.InstantiateAsync(_cluster.Vim, plan, Ct);

        static List<string> Ids(IEnumerable<VimResource> rs) => rs.Select(r => $"{r.Kind}:{r.Attributes.GetValueOrDefault(KubernetesAttributes.Uid)}:{r.ResourceKey}").Order().ToList();
        Assert.Equal(Ids(first), Ids(second));
        if (!_cluster.IsReal)
            Assert.Equal(2, Fake.Objects("", "pods").Count(p => p["metadata"]!["labels"]?[KubernetesLabels.VduId]?.GetValue<string>() == "VDU2"));
        await driver.TerminateAsync(_cluster.Vim, _tenant, instance, Ct);
    }

    [Fact]
    public async Task Free5gc_cnf_instantiates_and_terminates()
    {
        var instance = NewInstance();
        var plan = CnfPlans.FromPackage("sample-free5gc_cnf", _tenant, instance, "op-1");
        var driver = _cluster.Driver();
        var resources = await driver.InstantiateAsync(_cluster.Vim, plan, Ct);
        AssertEveryVnfcHasItsPod(plan, resources);
        Assert.Equal(plan.Kubernetes!.VduWorkloads.Count, VnfcsByVdu(resources).Count);
        await driver.TerminateAsync(_cluster.Vim, _tenant, instance, Ct);
        Assert.Empty(await driver.ListResourcesAsync(_cluster.Vim, _tenant, instance, Ct));
    }

    [Fact]
    public async Task Readiness_timeout_is_a_vim_exception_naming_the_workload()
    {
        FakeOnly();
        Fake.NeverReady = pod => pod["metadata"]?["name"]?.GetValue<string>()?.StartsWith("vdu1-scale", StringComparison.Ordinal) == true;
        var instance = NewInstance();
        var plan = CnfPlans.FromPackage("v1-k8s-test_cnf_scale", _tenant, instance, "op-1", ["Files/kubernetes/deployment_scale.yaml"]);
        var driver = _cluster.Driver(readiness: TimeSpan.FromMilliseconds(500));

        var e = await Assert.ThrowsAsync<VimException>(() => driver.InstantiateAsync(_cluster.Vim, plan, Ct));

        Assert.Contains("not ready after", e.Message, StringComparison.Ordinal);
        Assert.Contains("Deployment default/vdu1-scale", e.Message, StringComparison.Ordinal);
        Assert.Contains("ImagePullBackOff", e.Message, StringComparison.Ordinal);
        Assert.True(e.Transient);
        // What was applied stays, labelled: terminate removes it.
        Assert.NotEmpty(Fake.Labelled(VimTags.VnfInstanceId, instance));
        await driver.TerminateAsync(_cluster.Vim, _tenant, instance, Ct);
        Assert.Empty(Fake.Labelled(VimTags.VnfInstanceId, instance));
    }

    [Fact]
    public async Task Operate_stops_by_scaling_to_zero_and_starts_by_restoring_the_plan()
    {
        var instance = NewInstance();
        var plan = CnfPlans.OnlyVdus(CnfPlans.FromPackage("v2-k8s-instantiate_cnf_resources", _tenant, instance, "op-1",
            ["Files/kubernetes/deployment.yaml", "Files/kubernetes/pod.yaml", "Files/kubernetes/daemon-set.yaml"]), "VDU1", "VDU2", "VDU6");
        var driver = _cluster.Driver();
        await driver.InstantiateAsync(_cluster.Vim, plan, Ct);

        var stopped = await driver.OperateAsync(_cluster.Vim, plan with { OpOccId = "op-stop" }, new PowerChange(Start: false), Ct);
        Assert.DoesNotContain(stopped, r => r.Kind == VimResourceKind.Compute);
        var started = await driver.OperateAsync(_cluster.Vim, plan with { OpOccId = "op-start" }, new PowerChange(Start: true), Ct);
        AssertEveryVnfcHasItsPod(plan, started);
        await driver.TerminateAsync(_cluster.Vim, _tenant, instance, Ct);
    }

    [Fact]
    public async Task Change_vnfpkg_prunes_what_the_new_manifests_no_longer_hold_and_rollback_restores_it()
    {
        var instance = NewInstance();
        var files = new[] { "Files/kubernetes/deployment.yaml", "Files/kubernetes/config-map.yaml" };
        var plan = CnfPlans.OnlyVdus(CnfPlans.FromPackage("v2-k8s-instantiate_cnf_resources", _tenant, instance, "op-1", files), "VDU2");
        var driver = _cluster.Driver();
        await driver.InstantiateAsync(_cluster.Vim, plan, Ct);

        var target = plan with { OpOccId = "op-2", Kubernetes = plan.Kubernetes! with { Manifests = plan.Kubernetes.Manifests.Take(1).ToList() } };
        var changed = await driver.ChangeVnfpkgAsync(_cluster.Vim, target, Ct);
        Assert.DoesNotContain(changed, r => r.Attributes.GetValueOrDefault(KubernetesAttributes.Kind) == "ConfigMap");

        var rolledBack = await driver.RollbackAsync(_cluster.Vim, plan with { OpOccId = "op-2" }, Ct);
        Assert.Contains(rolledBack, r => r.Attributes.GetValueOrDefault(KubernetesAttributes.Kind) == "ConfigMap");
        AssertEveryVnfcHasItsPod(plan, rolledBack);
        await driver.TerminateAsync(_cluster.Vim, _tenant, instance, Ct);
    }

    [Fact]
    public async Task An_existing_object_that_is_not_the_instances_is_not_taken_over()
    {
        FakeOnly();
        Fake.Put("", "configmaps", "default", new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = "curry-test001" }, ["data"] = new JsonObject { ["owner"] = "someone" },
        });
        var instance = NewInstance();
        var plan = CnfPlans.OnlyVdus(CnfPlans.FromPackage("v2-k8s-instantiate_cnf_resources", _tenant, instance, "op-1", ["Files/kubernetes/config-map.yaml"]));
        var e = await Assert.ThrowsAsync<VimException>(() => _cluster.Driver().InstantiateAsync(_cluster.Vim, plan, Ct));
        Assert.Contains("ConfigMap default/curry-test001", e.Message, StringComparison.Ordinal);
        Assert.Contains("not taken over", e.Message, StringComparison.Ordinal);
        Assert.Equal("someone", Fake.Objects("", "configmaps", "default").Single(c => c["metadata"]!["name"]!.GetValue<string>() == "curry-test001")["data"]!["owner"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_vdu_without_its_workload_in_the_manifests_fails_before_anything_is_applied()
    {
        var instance = NewInstance();
        var plan = CnfPlans.FromPackage("v2-k8s-instantiate_cnf_resources", _tenant, instance, "op-1", ["Files/kubernetes/deployment.yaml"]);
        var driver = _cluster.Driver();
        var e = await Assert.ThrowsAsync<VimException>(() => driver.InstantiateAsync(_cluster.Vim, plan, Ct));
        Assert.Contains("no Deployment, StatefulSet, ReplicaSet, DaemonSet or Pod named 'vdu1'", e.Message, StringComparison.Ordinal);
        Assert.Empty(await driver.ListResourcesAsync(_cluster.Vim, _tenant, instance, Ct));
    }
}
