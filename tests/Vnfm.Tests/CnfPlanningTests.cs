using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.Tosca;
using Mano.VimAdapters;

namespace Mano.Vnfm.Tests;

/// <summary>Tacker's CNF sample v1-k8s-test_cnf_scale as the NFVO hands it to the VNFM: VNFD files plus its Kubernetes manifests.</summary>
internal static class CnfScalePackage
{
    public const string Name = "v1-k8s-test_cnf_scale";
    public const string Deployment = "Files/kubernetes/deployment_scale.yaml";
    public const string ReplicaSet = "Files/kubernetes/replicaset_scale.yaml";
    public const string StatefulSet = "Files/kubernetes/statefulset_scale.yaml";

    private static readonly Lazy<KnownVnfd> Loaded = new(Load);

    public static KnownVnfd Known => Loaded.Value;

    public static VnfDeploymentFlavour Simple => Known.Vnfd.FindFlavour("simple")!;

    public static string Text(string path) => File.ReadAllText(Path.Combine(RepoPaths.Tacker(Name), path));

    private static KnownVnfd Load()
    {
        var csar = CsarReader.ReadDirectory(RepoPaths.Tacker(Name)).Package ?? throw new InvalidOperationException($"{Name} could not be read");
        var files = csar.VnfdFilePaths.ToDictionary(p => p, csar.ReadFile);
        var parsed = VnfdParser.Parse(files, csar.EntryDefinitions);
        if (parsed.Vnfd is not { } vnfd || parsed.HasErrors)
            throw new InvalidOperationException($"{Name}: " + string.Join("; ", parsed.Diagnostics.Select(d => d.ToString())));
        var manifests = csar.FilePaths.Where(p => p.StartsWith("Files/kubernetes/", StringComparison.Ordinal)).ToDictionary(p => p, csar.ReadFile);
        var package = new OnboardedVnfPackage("pkg-cnf-scale", vnfd.DescriptorId, vnfd.Provider, vnfd.ProductName, vnfd.SoftwareVersion,
            vnfd.DescriptorVersion, PackageOperationalState.Enabled, csar.EntryDefinitions, files, manifests);
        return new KnownVnfd(package, vnfd);
    }
}

/// <summary>The CNF part of the resource plan (ResourcePlanner) and of instantiatedVnfInfo (InstantiatedInfoBuilder).</summary>
public sealed class CnfPlanningTests
{
    private const string Tenant = "tenant-cnf";
    private const string InstanceId = "0a1b2c3d-0000-4000-8000-00000000c0f1";
    private const string VimConnectionId = "vim-k8s";

    private static JsonObject Params(string? ns = null, params string[] files)
    {
        var p = new JsonObject();
        if (files.Length > 0) p[ResourcePlanner.KubernetesDefFilesParam] = new JsonArray(files.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray());
        if (ns is not null) p[ResourcePlanner.NamespaceParam] = ns;
        return p;
    }

    private static LcmPlan Instantiate(JsonObject? additionalParams, string? level = null) =>
        ResourcePlanner.PlanInstantiate(Tenant, InstanceId, "op-1", CnfScalePackage.Known,
            new InstantiateVnfRequest { FlavourId = "simple", InstantiationLevelId = level, AdditionalParams = additionalParams });

    [Fact]
    public void Instantiate_plans_the_manifests_named_by_lcm_kubernetes_def_files_in_that_order_with_their_text()
    {
        var plan = Instantiate(Params("cnf-ns", CnfScalePackage.Deployment));

        var k8s = plan.Resources.Kubernetes;
        Assert.NotNull(k8s);
        var manifest = Assert.Single(k8s.Manifests);
        Assert.Equal(CnfScalePackage.Deployment, manifest.Path);
        Assert.Equal(CnfScalePackage.Text(CnfScalePackage.Deployment), manifest.Content);
        Assert.Equal(new Dictionary<string, string> { ["VDU1"] = "vdu1-scale" }, k8s.VduWorkloads);
        Assert.Equal("cnf-ns", k8s.Namespace);
        // One compute per VNFC (pod); a CNF's networks, ports and volumes are in its manifests.
        Assert.Equal("VDU1", Assert.Single(plan.Resources.Computes).VduId);
        Assert.Empty(plan.Resources.Networks);
        Assert.Empty(plan.Resources.Ports);
        Assert.Empty(plan.Resources.Volumes);

        var reversed = Instantiate(Params(null, CnfScalePackage.StatefulSet, CnfScalePackage.Deployment)).Resources.Kubernetes!;
        Assert.Equal([CnfScalePackage.StatefulSet, CnfScalePackage.Deployment], reversed.Manifests.Select(m => m.Path));
        Assert.Null(reversed.Namespace);
    }

    [Fact]
    public void Without_lcm_kubernetes_def_files_every_manifest_of_the_package_is_planned()
    {
        var plan = Instantiate(null, level: "instantiation_level_2");

        Assert.Equal([CnfScalePackage.Deployment, CnfScalePackage.ReplicaSet, CnfScalePackage.StatefulSet],
            plan.Resources.Kubernetes!.Manifests.Select(m => m.Path));
        Assert.Equal(3, plan.Resources.Computes.Count);
    }

    [Theory]
    [InlineData("Files/kubernetes/nope.yaml")]
    [InlineData("Definitions/helloworld3_df_simple.yaml")]
    public void A_def_file_that_is_no_manifest_of_the_package_is_422(string path)
    {
        var e = Assert.Throws<UnprocessableProblem>(() => Instantiate(Params(null, path)));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(CnfScalePackage.Deployment, e.Message, StringComparison.Ordinal); // what it has
    }

    [Fact]
    public void Def_files_that_are_not_an_array_of_strings_are_422()
    {
        Assert.Throws<UnprocessableProblem>(() => Instantiate(new JsonObject { [ResourcePlanner.KubernetesDefFilesParam] = CnfScalePackage.Deployment }));
        Assert.Throws<UnprocessableProblem>(() => Instantiate(new JsonObject { [ResourcePlanner.KubernetesDefFilesParam] = new JsonArray() }));
        Assert.Throws<UnprocessableProblem>(() => Instantiate(new JsonObject { [ResourcePlanner.KubernetesDefFilesParam] = new JsonArray(1) }));
    }

    [Fact]
    public void A_package_without_manifests_is_a_VM_based_VNF_and_def_files_for_it_are_422()
    {
        var plan = ResourcePlanner.PlanInstantiate(Tenant, InstanceId, "op-1", Helloworld.Known, new InstantiateVnfRequest { FlavourId = Helloworld.FlavourId });
        Assert.Null(plan.Resources.Kubernetes);
        Assert.NotEmpty(plan.Resources.Networks);

        Assert.Throws<UnprocessableProblem>(() => ResourcePlanner.PlanInstantiate(Tenant, InstanceId, "op-1", Helloworld.Known,
            new InstantiateVnfRequest { FlavourId = Helloworld.FlavourId, AdditionalParams = Params(null, CnfScalePackage.Deployment) }));
    }

    [Fact]
    public void Scale_change_ext_conn_heal_operate_and_the_stored_plan_keep_the_Kubernetes_part()
    {
        var plan = Instantiate(Params("cnf-ns", CnfScalePackage.Deployment));
        var k8s = plan.Resources.Kubernetes!;

        var scaled = ResourcePlanner.PlanScale(plan, CnfScalePackage.Simple, new Dictionary<string, int> { ["vdu1_aspect"] = 2 }, "op-2");
        Assert.Same(k8s, scaled.Resources.Kubernetes);
        Assert.Equal(3, scaled.Resources.Computes.Count);
        Assert.Equal(plan.Resources.Computes[0].ResourceKey, scaled.Resources.Computes[0].ResourceKey);
        Assert.Empty(scaled.Resources.Networks);

        Assert.Same(k8s, ResourcePlanner.PlanChangeExtConn(scaled, CnfScalePackage.Simple, [], "op-3").Resources.Kubernetes);
        Assert.Same(k8s, ResourcePlanner.ForOperation(scaled, "op-4").Resources.Kubernetes);
        Assert.Same(k8s, ResourcePlanner.WithGrantedZones(scaled.Resources, new Grant
        {
            Id = "g", VnfInstanceId = InstanceId, VnfLcmOpOccId = "op-2",
            Links = new GrantLinks(new Link("http://nfvo/g"), new Link("http://vnfm/op"), new Link("http://vnfm/i")),
        }).Kubernetes);

        // The plan is stored as JSON on the op occ and the instance: the Kubernetes part survives the round trip.
        var stored = SolJson.Deserialize<LcmPlan>(SolJson.Serialize(scaled)).Resources.Kubernetes!;
        Assert.Equal(k8s.Manifests, stored.Manifests);
        Assert.Equal(k8s.VduWorkloads, stored.VduWorkloads);
        Assert.Equal("cnf-ns", stored.Namespace);
    }

    [Fact]
    public void Change_vnfpkg_and_change_flavour_rebuild_the_Kubernetes_part_from_the_target_package()
    {
        var plan = Instantiate(Params("cnf-ns", CnfScalePackage.Deployment));
        var current = plan.Resources.Kubernetes!;

        // The same selection and namespace from the new package's files, unless additionalParams names others.
        var same = ResourcePlanner.KubernetesPlan(CnfScalePackage.Known, CnfScalePackage.Simple, null, current)!;
        Assert.Equal([CnfScalePackage.Deployment], same.Manifests.Select(m => m.Path));
        Assert.Equal("cnf-ns", same.Namespace);
        var other = ResourcePlanner.KubernetesPlan(CnfScalePackage.Known, CnfScalePackage.Simple, Params("elsewhere", CnfScalePackage.StatefulSet), current)!;
        Assert.Equal([CnfScalePackage.StatefulSet], other.Manifests.Select(m => m.Path));
        Assert.Equal("cnf-ns", other.Namespace); // an instance does not move namespace

        var replaced = ResourcePlanner.PlanReplace(plan, plan.VnfdId, CnfScalePackage.Simple, null, null, "op-2", keepCounts: true, other);
        Assert.Same(other, replaced.Resources.Kubernetes);
        Assert.Equal(plan.Resources.Computes.Select(c => c.ResourceKey), replaced.Resources.Computes.Select(c => c.ResourceKey));

        // A target package that lacks a file of the current deployment needs the files named.
        var lacking = CnfScalePackage.Known with
        {
            Package = CnfScalePackage.Known.Package with
            {
                KubernetesManifests = CnfScalePackage.Known.Package.KubernetesManifests!.Where(kv => kv.Key != CnfScalePackage.Deployment).ToDictionary(),
            },
        };
        var e = Assert.Throws<UnprocessableProblem>(() => ResourcePlanner.KubernetesPlan(lacking, CnfScalePackage.Simple, null, current));
        Assert.Contains(ResourcePlanner.KubernetesDefFilesParam, e.Message, StringComparison.Ordinal);
    }

    // ---- instantiatedVnfInfo of a CNF ----------------------------------------------------------------------

    private static VimResource Pod(string name, string? key, string vdu = "VDU1", string status = ServerStatus.Active, string workload = "Deployment") =>
        new(name, VimResourceKind.Compute, name, key, InstanceId, Tenant, status, null, new Dictionary<string, string>(),
            new Dictionary<string, string> { ["kind"] = "Pod", ["vdu_id"] = vdu, ["workload_kind"] = workload, ["workload_name"] = "vdu1-scale" });

    private static VimResource Other(string kind, string name) =>
        new(Guid.NewGuid().ToString(), VimResourceKind.Other, name, null, InstanceId, Tenant, "ACTIVE", null, new Dictionary<string, string>(),
            new Dictionary<string, string> { ["kind"] = kind });

    private static InstantiatedVnfInfo Info(LcmPlan plan, IReadOnlyList<VimResource> resources, string state = VnfOperationalState.Started) =>
        InstantiatedInfoBuilder.Build(plan, CnfScalePackage.Simple, VimConnectionId, resources, null, state);

    [Fact]
    public void VNFCs_are_the_pods_with_the_workload_kind_as_vimLevelResourceType_and_other_objects_are_not_VNFCs()
    {
        var plan = ResourcePlanner.PlanScale(Instantiate(Params(null, CnfScalePackage.Deployment)), CnfScalePackage.Simple,
            new Dictionary<string, int> { ["vdu1_aspect"] = 1 }, "op-2");
        var keys = plan.Resources.Computes.Select(c => c.ResourceKey).ToList();

        var info = Info(plan, [Other("Deployment", "vdu1-scale"), Other("ReplicaSet", "vdu1-scale-abc"), Pod("vdu1-scale-abc-1", keys[0]), Pod("vdu1-scale-abc-2", keys[1])]);

        var vnfcs = info.VnfcResourceInfo!;
        Assert.Equal(keys, vnfcs.Select(v => v.Id));
        Assert.Equal(["vdu1-scale-abc-1", "vdu1-scale-abc-2"], vnfcs.Select(v => v.ComputeResource.ResourceId));
        Assert.All(vnfcs, v => Assert.Equal("Deployment", v.ComputeResource.VimLevelResourceType));
        Assert.All(vnfcs, v => Assert.Equal(VimConnectionId, v.ComputeResource.VimConnectionId));
        Assert.Empty(info.VnfVirtualLinkResourceInfo!);
        Assert.Null(info.VnfVirtualStorageResourceInfo);
    }

    [Fact]
    public void A_planned_VNFC_without_a_pod_is_left_out_and_a_pod_without_a_key_is_reported_as_a_VNFC()
    {
        var plan = ResourcePlanner.PlanScale(Instantiate(Params(null, CnfScalePackage.Deployment)), CnfScalePackage.Simple,
            new Dictionary<string, int> { ["vdu1_aspect"] = 2 }, "op-2");
        var keys = plan.Resources.Computes.Select(c => c.ResourceKey).ToList();

        // Stopped: no pod at all.
        Assert.Empty(Info(plan, [Other("Deployment", "vdu1-scale")], VnfOperationalState.Stopped).VnfcResourceInfo!);

        // A DaemonSet on fewer nodes than planned, plus a pod that holds no key, a terminating one and a pod of no VDU.
        var info = Info(plan,
        [
            Pod("ds-a", keys[0], workload: "DaemonSet"),
            Pod("ds-old", keys[1], status: "DELETING", workload: "DaemonSet"),
            Pod("ds-new", keys[1], workload: "DaemonSet"),
            Pod("ds-extra", null, workload: "DaemonSet"),
            Pod("ds-going", null, status: "DELETING", workload: "DaemonSet"),
            Pod("stray", null, vdu: "VDU9"),
        ]);
        var vnfcs = info.VnfcResourceInfo!.ToDictionary(v => v.Id);
        Assert.Equal([keys[0], keys[1], "ds-extra"], info.VnfcResourceInfo!.Select(v => v.Id));
        Assert.Equal("ds-new", vnfcs[keys[1]].ComputeResource.ResourceId); // the live pod, not the terminating one
        Assert.Equal("VDU1", vnfcs["ds-extra"].VduId);
        Assert.Equal("ds-extra", vnfcs["ds-extra"].ComputeResource.ResourceId);
        Assert.All(vnfcs.Values, v => Assert.Equal("DaemonSet", v.ComputeResource.VimLevelResourceType));
    }

    [Fact]
    public void A_drivers_vim_level_resource_type_attribute_wins_and_a_VM_based_VNF_still_needs_every_planned_resource()
    {
        var typed = new VimResource("srv-1", VimResourceKind.Compute, "srv", "k", InstanceId, Tenant, ServerStatus.Active, null,
            new Dictionary<string, string>(), new Dictionary<string, string> { [InstantiatedInfoBuilder.VimLevelResourceTypeAttribute] = "OS::Nova::Server" });
        Assert.Equal("OS::Nova::Server", InstantiatedInfoBuilder.VimLevelResourceType(typed));
        Assert.Equal("sandbox.volume", InstantiatedInfoBuilder.VimLevelResourceType(typed with { Kind = VimResourceKind.Volume, Attributes = new Dictionary<string, string>() }));

        var vm = ResourcePlanner.PlanInstantiate(Tenant, InstanceId, "op-1", Helloworld.Known, new InstantiateVnfRequest { FlavourId = Helloworld.FlavourId });
        Assert.Throws<InvalidOperationException>(() => InstantiatedInfoBuilder.Build(vm, Helloworld.Flavour, VimConnectionId, [], null, VnfOperationalState.Started));
    }
}
