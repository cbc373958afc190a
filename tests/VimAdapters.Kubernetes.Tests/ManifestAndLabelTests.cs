using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Mano.VimAdapters.Kubernetes.Tests;

public sealed class ManifestAndLabelTests
{
    private static List<ManifestObject> Read(string yaml) => ManifestReader.Read(new KubernetesManifest("m.yaml", yaml), "test");

    [Fact]
    public void Yaml_scalars_are_resolved_as_kubectl_does()
    {
        var o = Read("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nx:\n  octal: 0644\n  int: 80\n  quoted: \"80\"\n  yes: yes\n  off: off\n  float: 1.5\n  nil: ~\n  text: nginx:1.2\n  big: 0x1F\n").Single().Body["x"]!;
        Assert.Equal(420, o["octal"]!.GetValue<long>());
        Assert.Equal(80, o["int"]!.GetValue<long>());
        Assert.Equal("80", o["quoted"]!.GetValue<string>());
        Assert.True(o["yes"]!.GetValue<bool>());
        Assert.False(o["off"]!.GetValue<bool>());
        Assert.Equal(1.5, o["float"]!.GetValue<double>());
        Assert.Null(o["nil"]);
        Assert.Equal("nginx:1.2", o["text"]!.GetValue<string>());
        Assert.Equal(31, o["big"]!.GetValue<long>());
    }

    [Fact]
    public void Multi_document_files_lists_and_empty_documents()
    {
        var objects = Read("---\n# nothing\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n- {apiVersion: v1, kind: Secret, metadata: {name: b}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: c}\n---\n");
        Assert.Equal(["ConfigMap", "Secret", "Service"], objects.Select(o => o.Kind));
    }

    [Fact]
    public void An_alias_bomb_is_refused()
    {
        var bomb = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        var e = Assert.Throws<VimException>(() => Read(bomb));
        Assert.Contains("YAML nodes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_values_are_label_safe_and_stable()
    {
        Assert.Equal("b1bb0ce7-ebca-4fa7-95ed-4840d70a1177", KubernetesLabels.Value("b1bb0ce7-ebca-4fa7-95ed-4840d70a1177"));
        var odd = KubernetesLabels.Value("tenant/with spaces and a very long name that goes past sixty-three characters");
        Assert.Matches("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", odd);
        Assert.True(odd.Length <= 63);
        Assert.Equal(odd, KubernetesLabels.Value("tenant/with spaces and a very long name that goes past sixty-three characters"));
        Assert.NotEqual(odd, KubernetesLabels.Value("tenant/with spaces and a very long name that goes past sixty-three characterz"));
    }

    [Fact]
    public void The_driver_registers_for_its_vim_type()
    {
        var services = new ServiceCollection().AddLogging().AddKubernetesVimDriver().BuildServiceProvider();
        var registry = new VimDriverRegistry(services.GetServices<IVimDriver>());
        Assert.IsType<KubernetesVimDriver>(registry.For(VimTypes.Kubernetes));
    }

    [Fact]
    public void A_cnf_plan_round_trips_through_json_as_the_vnfm_persists_it()
    {
        var plan = CnfPlans.FromPackage("v1-k8s-test_cnf_scale", "t", "i", "o", ["Files/kubernetes/deployment_scale.yaml"]);
        var json = System.Text.Json.JsonSerializer.Serialize(plan, System.Text.Json.JsonSerializerOptions.Web);
        var back = System.Text.Json.JsonSerializer.Deserialize<VnfResourcePlan>(json, System.Text.Json.JsonSerializerOptions.Web)!;
        Assert.Equal(plan.Kubernetes!.Manifests.Single().Content, back.Kubernetes!.Manifests.Single().Content);
        Assert.Equal("vdu1-scale", back.Kubernetes.VduWorkloads["VDU1"]);
        _ = JsonNode.Parse(json);
    }
}
