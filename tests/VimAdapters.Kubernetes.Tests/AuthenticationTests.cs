namespace Mano.VimAdapters.Kubernetes.Tests;

/// <summary>TLS and credentials: CA verification on by default, bearer token and client certificate. Fake only.</summary>
public sealed class AuthenticationTests : IAsyncLifetime
{
    private FakeKubernetesApiServer _fake = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _fake = await FakeKubernetesApiServer.StartAsync();

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private static KubernetesVimDriver Driver() => new(new KubernetesVimDriverOptions { PollInterval = TimeSpan.FromMilliseconds(25), ReadinessTimeout = TimeSpan.FromSeconds(20) },
        Microsoft.Extensions.Logging.Abstractions.NullLogger<KubernetesVimDriver>.Instance);

    private VnfResourcePlan Plan(string instance) =>
        CnfPlans.FromPackage("v1-k8s-test_cnf_scale", "t1", instance, "op-1", ["Files/kubernetes/deployment_scale.yaml"]);

    [Fact]
    public async Task Bearer_token_over_a_verified_ca()
    {
        var instance = Guid.NewGuid().ToString();
        var resources = await Driver().InstantiateAsync(TestCluster.BearerVim(_fake), Plan(instance), Ct);
        Assert.Single(resources, r => r.Kind == VimResourceKind.Compute);
        Assert.All(_fake.Requests, r => Assert.DoesNotContain(_fake.BearerToken, r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Client_certificate()
    {
        var instance = Guid.NewGuid().ToString();
        var resources = await Driver().InstantiateAsync(TestCluster.ClientCertVim(_fake), Plan(instance), Ct);
        Assert.Single(resources, r => r.Kind == VimResourceKind.Compute);
    }

    [Fact]
    public async Task A_wrong_token_is_unauthorized_and_the_message_holds_no_secret()
    {
        var vim = TestCluster.BearerVim(_fake, token: "wrong-secret-token");
        var e = await Assert.ThrowsAsync<VimException>(() => Driver().ListResourcesAsync(vim, "t1", "x", Ct));
        Assert.Contains("401", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-token", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_certificate_from_another_ca_is_refused()
    {
        using var other = TestCertificates.Create("Some other CA");
        var vim = TestCluster.BearerVim(_fake, caPem: other.CaPem);
        var e = await Assert.ThrowsAsync<VimException>(() => Driver().ListResourcesAsync(vim, "t1", "x", Ct));
        Assert.Contains("not trusted", e.Message, StringComparison.Ordinal);
        Assert.False(e.Transient);
        Assert.DoesNotContain(_fake.BearerToken, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_ca_the_system_trust_store_is_used_and_refuses_the_test_ca()
    {
        var vim = new VimConnectionInfo("v", VimTypes.Kubernetes,
            new Dictionary<string, string> { ["endpoint"] = _fake.Endpoint },
            new Dictionary<string, string> { ["bearer_token"] = _fake.BearerToken });
        var e = await Assert.ThrowsAsync<VimException>(() => Driver().ListResourcesAsync(vim, "t1", "x", Ct));
        Assert.Contains("not trusted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verification_is_skipped_only_when_configured_insecure()
    {
        var vim = new VimConnectionInfo("v", VimTypes.Kubernetes,
            new Dictionary<string, string> { ["endpoint"] = _fake.Endpoint, ["insecure_skip_tls_verify"] = "true" },
            new Dictionary<string, string> { ["bearer_token"] = _fake.BearerToken });
        Assert.Empty(await Driver().ListResourcesAsync(vim, "t1", "x", Ct));
    }

    [Fact]
    public async Task Missing_credentials_and_wrong_vim_type_fail_clearly()
    {
        var noCreds = new VimConnectionInfo("v", VimTypes.Kubernetes, new Dictionary<string, string> { ["endpoint"] = _fake.Endpoint }, new Dictionary<string, string>());
        var e = await Assert.ThrowsAsync<VimException>(() => Driver().ListResourcesAsync(noCreds, "t1", "x", Ct));
        Assert.Contains("bearer_token", e.Message, StringComparison.Ordinal);
        var sandbox = TestCluster.BearerVim(_fake) with { VimType = VimTypes.Sandbox };
        await Assert.ThrowsAsync<VimException>(() => Driver().ListResourcesAsync(sandbox, "t1", "x", Ct));
    }
}
