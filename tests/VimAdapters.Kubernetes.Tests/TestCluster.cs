using System.Text;
using k8s;
using Mano.TestSupport;
using Mano.Tosca;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mano.VimAdapters.Kubernetes.Tests;

/// <summary>
/// The cluster the contract tests run against: the in-process <see cref="FakeKubernetesApiServer"/>, or a real cluster
/// when MANO_TEST_KUBECONFIG names a kubeconfig file (its current context; bearer token or client certificate).
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    public const string KubeconfigVariable = "MANO_TEST_KUBECONFIG";

    private TestCluster(VimConnectionInfo vim, FakeKubernetesApiServer? fake)
    {
        Vim = vim;
        Fake = fake;
    }

    public VimConnectionInfo Vim { get; }

    /// <summary>Null on a real cluster.</summary>
    public FakeKubernetesApiServer? Fake { get; }

    public bool IsReal => Fake is null;

    public static async Task<TestCluster> StartAsync()
    {
        var kubeconfig = Environment.GetEnvironmentVariable(KubeconfigVariable);
        if (!string.IsNullOrEmpty(kubeconfig)) return new TestCluster(FromKubeconfig(kubeconfig), null);
        var fake = await FakeKubernetesApiServer.StartAsync();
        return new TestCluster(BearerVim(fake), fake);
    }

    public static VimConnectionInfo BearerVim(FakeKubernetesApiServer fake, string? caPem = null, string? token = null) =>
        new("vim-k8s", VimTypes.Kubernetes,
            new Dictionary<string, string> { ["endpoint"] = fake.Endpoint, ["ssl_ca_cert"] = caPem ?? fake.Certificates.CaPem },
            new Dictionary<string, string> { ["bearer_token"] = token ?? fake.BearerToken });

    public static VimConnectionInfo ClientCertVim(FakeKubernetesApiServer fake) =>
        new("vim-k8s-cert", VimTypes.Kubernetes,
            new Dictionary<string, string> { ["endpoint"] = fake.Endpoint, ["ssl_ca_cert"] = fake.Certificates.CaPem },
            new Dictionary<string, string> { ["client_cert"] = fake.Certificates.ClientCertPem, ["client_key"] = fake.Certificates.ClientKeyPem });

    private static VimConnectionInfo FromKubeconfig(string path)
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        var iface = new Dictionary<string, string> { ["endpoint"] = config.Host };
        if (config.SslCaCerts is { Count: > 0 } cas)
            iface["ssl_ca_cert"] = string.Concat(cas.Select(c => c.ExportCertificatePem() + "\n"));
        if (config.SkipTlsVerify) iface["insecure_skip_tls_verify"] = "true";
        var access = new Dictionary<string, string>();
        if (!string.IsNullOrEmpty(config.AccessToken)) access["bearer_token"] = config.AccessToken;
        if (!string.IsNullOrEmpty(config.ClientCertificateData))
        {
            access["client_cert"] = Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateData));
            access["client_key"] = Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateKeyData!));
        }
        else if (!string.IsNullOrEmpty(config.ClientCertificateFilePath))
        {
            access["client_cert"] = File.ReadAllText(config.ClientCertificateFilePath);
            access["client_key"] = File.ReadAllText(config.ClientKeyFilePath!);
        }
        return new VimConnectionInfo("vim-k8s-real", VimTypes.Kubernetes, iface, access);
    }

    public KubernetesVimDriver Driver(TimeSpan? readiness = null) => new(new KubernetesVimDriverOptions
    {
        ReadinessTimeout = readiness ?? (IsReal ? TimeSpan.FromMinutes(5) : TimeSpan.FromSeconds(20)),
        DeletionTimeout = IsReal ? TimeSpan.FromMinutes(5) : TimeSpan.FromSeconds(20),
        PollInterval = IsReal ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(25),
        DiscoveryCacheTtl = TimeSpan.FromSeconds(5),
    }, NullLogger<KubernetesVimDriver>.Instance);

    public async ValueTask DisposeAsync()
    {
        if (Fake is not null) await Fake.DisposeAsync();
    }
}

/// <summary>
/// Builds a CNF's resource plan from a real corpus package, the way the VNFM is to: the VNFD (CsarReader) gives the
/// VDUs (id -> properties.name) and the VNFC count of each at the instantiation level; the manifests are those of
/// additionalParams "lcm-kubernetes-def-files" (in that order), else every Kubernetes artifact of the package
/// (<see cref="KubernetesArtifacts.Find"/>).
/// </summary>
public static class CnfPlans
{
    public static VnfResourcePlan FromPackage(string package, string tenant, string instance, string opOcc,
        IReadOnlyList<string>? defFiles = null, string? levelId = null, string? flavourId = null, string? ns = null)
    {
        var dir = RepoPaths.Tacker(package);
        var read = CsarReader.ReadDirectory(dir);
        var pkg = read.Package ?? throw new InvalidOperationException($"{package}: {string.Join("; ", read.Diagnostics)}");
        var vnfd = pkg.Vnfd ?? throw new InvalidOperationException($"{package} has no VNFD");
        var flavour = flavourId is null ? vnfd.Flavours[0] : vnfd.FindFlavour(flavourId)!;
        var level = flavour.FindLevel(levelId);
        var artifacts = KubernetesArtifacts.Find(pkg.FilePaths, p => File.Exists(Path.Combine(dir, p)) ? File.ReadAllBytes(Path.Combine(dir, p)) : null, vnfd)
            .Where(a => a.Kind == KubernetesArtifactKind.Manifest).Select(a => a.Path).ToList();
        var files = defFiles ?? artifacts;
        var manifests = files.Select(f => new KubernetesManifest(f, File.ReadAllText(Path.Combine(dir, f)))).ToList();
        var computes = new List<PlannedCompute>();
        foreach (var vdu in flavour.Vdus)
        {
            var count = level is not null && level.VduInstances.TryGetValue(vdu.Id, out var n) ? n : vdu.InitialDelta;
            for (var i = 0; i < count; i++)
                computes.Add(new PlannedCompute(Guid.NewGuid().ToString(), vdu.Id, $"{vdu.Name}-{i}", 1, 512, null, null));
        }
        return new VnfResourcePlan(tenant, instance, opOcc, [], computes, [], [])
        {
            Kubernetes = new KubernetesDeploymentPlan(manifests, flavour.Vdus.ToDictionary(v => v.Id, v => v.Name), ns),
        };
    }

    /// <summary>The plan with <paramref name="count"/> VNFCs of <paramref name="vduId"/>: kept keys stay, the newest go first (as ResourcePlanner).</summary>
    public static VnfResourcePlan WithCount(VnfResourcePlan plan, string vduId, int count, string opOcc)
    {
        var mine = plan.Computes.Where(c => c.VduId == vduId).ToList();
        var others = plan.Computes.Where(c => c.VduId != vduId).ToList();
        var kept = mine.Take(count).ToList();
        for (var i = kept.Count; i < count; i++) kept.Add(new PlannedCompute(Guid.NewGuid().ToString(), vduId, $"{vduId}-{i}", 1, 512, null, null));
        return plan with { OpOccId = opOcc, Computes = [.. others, .. kept] };
    }

    /// <summary>Only these VDUs (a subset of the manifests deploys only their workloads).</summary>
    public static VnfResourcePlan OnlyVdus(VnfResourcePlan plan, params string[] vduIds) => plan with
    {
        Computes = plan.Computes.Where(c => vduIds.Contains(c.VduId)).ToList(),
        Kubernetes = plan.Kubernetes! with { VduWorkloads = plan.Kubernetes.VduWorkloads.Where(kv => vduIds.Contains(kv.Key)).ToDictionary() },
    };

    public static VnfResourcePlan WithManifest(VnfResourcePlan plan, string path, string content) =>
        plan with { Kubernetes = plan.Kubernetes! with { Manifests = [.. plan.Kubernetes.Manifests, new KubernetesManifest(path, content)] } };

    /// <summary>Tacker's max_sample_instantiate (sol_kubernetes_v2 paramgen): every file but deployment_fail_test.yaml.</summary>
    public static readonly string[] V2InstantiateCnfResourcesFiles =
    [
        "Files/kubernetes/bindings.yaml", "Files/kubernetes/clusterrole_clusterrolebinding_SA.yaml", "Files/kubernetes/config-map.yaml",
        "Files/kubernetes/controller-revision.yaml", "Files/kubernetes/daemon-set.yaml", "Files/kubernetes/deployment.yaml",
        "Files/kubernetes/horizontal-pod-autoscaler.yaml", "Files/kubernetes/job.yaml", "Files/kubernetes/limit-range.yaml",
        "Files/kubernetes/local-subject-access-review.yaml", "Files/kubernetes/multiple_yaml_lease.yaml",
        "Files/kubernetes/multiple_yaml_network-policy.yaml", "Files/kubernetes/multiple_yaml_priority-class.yaml",
        "Files/kubernetes/namespace.yaml", "Files/kubernetes/persistent-volume-0.yaml", "Files/kubernetes/persistent-volume-1.yaml",
        "Files/kubernetes/pod.yaml", "Files/kubernetes/pod-template.yaml", "Files/kubernetes/replicaset_service_secret.yaml",
        "Files/kubernetes/resource-quota.yaml", "Files/kubernetes/role_rolebinding_SA.yaml",
        "Files/kubernetes/self-subject-access-review_and_self-subject-rule-review.yaml", "Files/kubernetes/statefulset.yaml",
        "Files/kubernetes/storage-class.yaml", "Files/kubernetes/storage-class_pv_pvc.yaml", "Files/kubernetes/subject-access-review.yaml",
        "Files/kubernetes/token-review.yaml",
    ];
}
