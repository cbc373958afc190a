using System.Net;

namespace Mano.VimAdapters.Tests;

public sealed class SandboxVimDriverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly VimConnectionInfo Vim = Plans.SandboxVim;

    [Fact]
    public async Task Instantiate_creates_servers_ports_networks_and_volumes_tagged_with_the_instance()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxVimDriver(cloud);
        var plan = Plans.TwoVdus("t1", "inst-a", opOcc: "op-7");

        var resources = await driver.InstantiateAsync(Vim, plan, Ct);

        Assert.Equal(2, resources.Count(r => r.Kind == VimResourceKind.Compute));
        Assert.Equal(2, resources.Count(r => r.Kind == VimResourceKind.Port));
        Assert.Equal(2, resources.Count(r => r.Kind == VimResourceKind.Volume));
        Assert.Single(resources, r => r.Kind == VimResourceKind.Network);
        Assert.Single(resources, r => r.Kind == VimResourceKind.Subnet);
        foreach (var r in resources)
        {
            Assert.Equal("inst-a", r.Tags[VimTags.VnfInstanceId]);
            Assert.Equal("op-7", r.Tags[VimTags.OpOccId]);
            Assert.Equal("t1", r.Tags[VimTags.TenantId]);
            Assert.Equal(r.ResourceKey, r.Tags[VimTags.ResourceKey]);
            Assert.Equal("inst-a", r.VnfInstanceId);
            Assert.Equal("t1", r.TenantId);
            Assert.True(Guid.TryParse(r.ResourceId, out _));
            Assert.Equal("true", r.Attributes[VimAttributes.Sandbox]);
        }
        Assert.Equal(["vl-int", "vl-int", "vdu1-0", "vdu2-0", "cp1-0", "cp2-0", "vol1-0", "vol2-0"], resources.Select(r => r.ResourceKey));

        var server = resources.Single(r => r.ResourceKey == "vdu1-0");
        Assert.Equal("inst-a-vdu1-0", server.Name);
        Assert.Equal("ACTIVE", server.Status);
        Assert.Equal("2", server.Attributes[VimAttributes.Vcpus]);
        Assert.Equal("2048", server.Attributes[VimAttributes.RamMiB]);
        Assert.Equal("cirros", server.Attributes[VimAttributes.ImageName]);
        Assert.Equal(SandboxCloud.DefaultZone, server.ZoneId);

        var network = resources.Single(r => r.Kind == VimResourceKind.Network);
        var subnet = resources.Single(r => r.Kind == VimResourceKind.Subnet);
        Assert.Equal("192.168.50.0/24", subnet.Attributes[VimAttributes.Cidr]);
        Assert.Equal(network.ResourceId, subnet.Attributes[VimAttributes.NetworkId]);
        var cidr = IPNetwork.Parse(subnet.Attributes[VimAttributes.Cidr]);
        var ports = resources.Where(r => r.Kind == VimResourceKind.Port).ToList();
        foreach (var port in ports)
        {
            var ip = IPAddress.Parse(port.Attributes[VimAttributes.IpAddress]);
            Assert.True(cidr.Contains(ip), $"{ip} outside {cidr}");
            Assert.NotEqual(subnet.Attributes[VimAttributes.GatewayIp], ip.ToString());
            Assert.Equal(network.ResourceId, port.Attributes[VimAttributes.NetworkId]);
            Assert.Matches("^fa:16:3e(:[0-9a-f]{2}){3}$", port.Attributes[VimAttributes.MacAddress]);
            Assert.Equal("ACTIVE", port.Status);
        }
        Assert.Equal(["192.168.50.2", "192.168.50.3"], ports.Select(p => p.Attributes[VimAttributes.IpAddress]));
        Assert.Equal(server.ResourceId, ports.Single(p => p.ResourceKey == "cp1-0").Attributes[VimAttributes.ComputeId]);

        var volume = resources.Single(r => r.ResourceKey == "vol1-0");
        Assert.Equal(server.ResourceId, volume.Attributes[VimAttributes.ComputeId]);
        Assert.Equal("in-use", volume.Status);
        Assert.Equal("3", volume.Attributes[VimAttributes.SizeGiB]);

        Assert.Equal(resources.Select(r => r.ResourceId).Order(), cloud.QueryResources("t1", "inst-a").Select(r => r.ResourceId).Order());
    }

    [Fact]
    public async Task Instantiate_without_cidr_picks_a_distinct_10_x_y_0_24_per_network()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxVimDriver(cloud);

        var a = await driver.InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-a", cidr: null), Ct);
        var b = await driver.InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-b", cidr: null), Ct);

        var cidrA = a.Single(r => r.Kind == VimResourceKind.Subnet).Attributes[VimAttributes.Cidr];
        var cidrB = b.Single(r => r.Kind == VimResourceKind.Subnet).Attributes[VimAttributes.Cidr];
        Assert.Matches(@"^10\.\d+\.\d+\.0/24$", cidrA);
        Assert.Matches(@"^10\.\d+\.\d+\.0/24$", cidrB);
        Assert.NotEqual(cidrA, cidrB);
        Assert.All(a.Where(r => r.Kind == VimResourceKind.Port),
            p => Assert.True(IPNetwork.Parse(cidrA).Contains(IPAddress.Parse(p.Attributes[VimAttributes.IpAddress]))));
    }

    [Fact]
    public async Task Instantiating_the_same_plan_twice_creates_nothing_new()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxVimDriver(cloud);
        var plan = Plans.TwoVdus("t1", "inst-a");

        var first = await driver.InstantiateAsync(Vim, plan, Ct);
        var createsAfterFirst = Plans.Creates(cloud);
        var second = await driver.InstantiateAsync(Vim, plan with { OpOccId = "op-retry" }, Ct);

        Assert.Equal(createsAfterFirst, Plans.Creates(cloud));
        Assert.Equal(first.Select(r => r.ResourceId), second.Select(r => r.ResourceId));
        Assert.Equal(first.Count, cloud.QueryResources("t1").Count);
        Assert.All(second, r => Assert.Equal("op-1", r.Tags[VimTags.OpOccId])); // still the op that created them
    }

    [Fact]
    public async Task Terminate_removes_everything_of_the_instance_and_nothing_of_another()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxVimDriver(cloud);
        await driver.InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-a"), Ct);
        var keep = await driver.InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-b"), Ct);
        var otherTenant = await driver.InstantiateAsync(Vim, Plans.TwoVdus("t2", "inst-a"), Ct);

        await driver.TerminateAsync(Vim, "t1", "inst-a", Ct);

        Assert.Empty(cloud.QueryResources("t1", "inst-a"));
        Assert.Equal(keep.Select(r => r.ResourceId).Order(), cloud.QueryResources("t1").Select(r => r.ResourceId).Order());
        Assert.Equal(otherTenant.Count, cloud.QueryResources("t2", "inst-a").Count);
        Assert.Equal(new SandboxUsage(2, 3, 3072, 4, 1, 2), cloud.GetUsage("t1").Usage);
    }

    [Fact]
    public async Task Terminate_is_idempotent()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxVimDriver(cloud);
        await driver.InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-a"), Ct);

        await driver.TerminateAsync(Vim, "t1", "inst-a", Ct);
        await driver.TerminateAsync(Vim, "t1", "inst-a", Ct);
        await driver.TerminateAsync(Vim, "t1", "never-existed", Ct);

        Assert.Empty(cloud.QueryResources("t1"));
        Assert.Equal(SandboxUsage.None, cloud.GetUsage("t1").Usage);
    }

    [Fact]
    public async Task Terminate_in_another_tenant_touches_nothing()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxVimDriver(cloud);
        var made = await driver.InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-a"), Ct);

        await driver.TerminateAsync(Vim, "t2", "inst-a", Ct);

        Assert.Equal(made.Count, cloud.QueryResources("t1", "inst-a").Count);
        Assert.Empty(await driver.ListResourcesAsync(Vim, "t2", null, Ct));
    }

    [Fact]
    public async Task Quota_exceeded_gives_a_VimException_naming_the_quota_and_tenant()
    {
        var cloud = new SandboxCloud(new SandboxCloudOptions { DefaultQuota = SandboxQuota.Default with { Cores = 400 } });
        var driver = new SandboxVimDriver(cloud);
        var big = new VnfResourcePlan("t1", "inst-big", "op-1", [],
            [new PlannedCompute("c0", "VDU1", "big", 398, 1024, null, null)], [], []);
        await driver.InstantiateAsync(Vim, big, Ct);

        var ex = await Assert.ThrowsAsync<VimException>(() => driver.InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-a"), Ct));

        Assert.Equal(SandboxOperations.CreateServer, ex.Operation);
        Assert.False(ex.Transient);
        Assert.Contains("sandbox quota exceeded for tenant 't1': cores 401 > 400", ex.Message, StringComparison.Ordinal);
        Assert.Single(cloud.QueryResources("t1", "inst-a"), r => r.Kind == VimResourceKind.Compute); // the first VDU fitted
        await driver.InstantiateAsync(Vim, Plans.TwoVdus("t2", "inst-a"), Ct); // quotas are per tenant
    }

    [Fact]
    public async Task Quota_message_shows_wanted_total_against_limit()
    {
        var cloud = new SandboxCloud();
        cloud.SetQuota("t1", SandboxQuota.Default with { Cores = 400 });
        await cloud.CreateServerAsync("t1", new SandboxServerSpec("a", 398, 1024), Ct);

        var ex = await Assert.ThrowsAsync<VimException>(() => cloud.CreateServerAsync("t1", new SandboxServerSpec("b", 4, 1024), Ct));

        Assert.Equal("VIM call 'create_server' failed: sandbox quota exceeded for tenant 't1': cores 402 > 400", ex.Message);
        Assert.Equal(1, cloud.GetUsage("t1").Usage.Instances);
    }

    [Fact]
    public async Task Injected_failure_on_create_port_leaves_tagged_resources_that_terminate_removes()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxVimDriver(cloud);
        cloud.SetFault(SandboxFaultRule.FailNext(SandboxOperations.CreatePort));

        var ex = await Assert.ThrowsAsync<VimException>(() => driver.InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-a"), Ct));
        Assert.Equal(SandboxOperations.CreatePort, ex.Operation);
        Assert.True(ex.Transient);
        Assert.Contains("create_port", ex.Message, StringComparison.Ordinal);

        var left = cloud.QueryResources("t1", "inst-a");
        Assert.Equal(2, left.Count(r => r.Kind == VimResourceKind.Compute));
        Assert.Single(left, r => r.Kind == VimResourceKind.Network);
        Assert.DoesNotContain(left, r => r.Kind == VimResourceKind.Port);
        Assert.All(left, r => Assert.Equal("inst-a", r.Tags[VimTags.VnfInstanceId]));

        await driver.TerminateAsync(Vim, "t1", "inst-a", Ct);
        Assert.Empty(cloud.QueryResources("t1"));
    }

    [Fact]
    public async Task Retry_after_a_failure_reuses_what_exists_and_completes()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxVimDriver(cloud);
        cloud.SetFault(SandboxFaultRule.FailNext(SandboxOperations.CreatePort));
        await Assert.ThrowsAsync<VimException>(() => driver.InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-a"), Ct));
        var serversBefore = cloud.QueryResources("t1", "inst-a").Where(r => r.Kind == VimResourceKind.Compute).Select(r => r.ResourceId).ToList();

        var resources = await driver.InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-a", opOcc: "op-2"), Ct);

        Assert.Equal(serversBefore, resources.Where(r => r.Kind == VimResourceKind.Compute).Select(r => r.ResourceId));
        Assert.Equal(2, resources.Count(r => r.Kind == VimResourceKind.Port));
        Assert.Equal(8, cloud.QueryResources("t1").Count);
        Assert.Equal("op-2", resources.First(r => r.Kind == VimResourceKind.Port).Tags[VimTags.OpOccId]);
    }

    [Fact]
    public async Task A_lost_response_is_found_on_retry_instead_of_duplicated()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxVimDriver(cloud);
        cloud.SetFault(new SandboxFaultRule(SandboxOperations.CreateServer, FailCount: 1, AfterCommit: true));

        await Assert.ThrowsAsync<VimException>(() => driver.InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-a"), Ct));
        Assert.Single(cloud.QueryResources("t1"), r => r.Kind == VimResourceKind.Compute);

        await driver.InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-a"), Ct);
        Assert.Equal(2, cloud.QueryResources("t1").Count(r => r.Kind == VimResourceKind.Compute));
    }

    [Fact]
    public async Task An_invalid_plan_is_refused_before_anything_is_created()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxVimDriver(cloud);
        var plan = Plans.TwoVdus("t1", "inst-a") with
        {
            Ports = [new PlannedPort("p", "CP", "no-such-vdu", "vl-int", null)],
        };

        var ex = await Assert.ThrowsAsync<VimException>(() => driver.InstantiateAsync(Vim, plan, Ct));

        Assert.Contains("no-such-vdu", ex.Message, StringComparison.Ordinal);
        Assert.Empty(cloud.GetCallCounts());
    }

    [Fact]
    public async Task The_driver_refuses_a_vim_of_another_type()
    {
        var driver = new SandboxVimDriver(new SandboxCloud());
        var openstack = Plans.SandboxVim with { VimType = VimTypes.OpenStack };

        var ex = await Assert.ThrowsAsync<VimException>(() => driver.ListResourcesAsync(openstack, "t1", null, Ct));

        Assert.Contains(VimTypes.OpenStack, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task External_ports_attach_to_an_existing_shared_network()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxVimDriver(cloud);
        var pub = await cloud.CreateNetworkAsync("admin", new SandboxNetworkSpec("public", Shared: true), Ct);
        await cloud.CreateSubnetAsync("admin", new SandboxSubnetSpec("public", pub.ResourceId, "172.24.4.0/24"), Ct);

        var resources = await driver.InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-a", externalNetworkId: pub.ResourceId), Ct);
        var ext = resources.Single(r => r.ResourceKey == "ext-0");
        Assert.Equal(pub.ResourceId, ext.Attributes[VimAttributes.NetworkId]);
        Assert.Equal("172.24.4.2", ext.Attributes[VimAttributes.IpAddress]);

        await driver.TerminateAsync(Vim, "t1", "inst-a", Ct);
        Assert.Single(cloud.QueryResources("admin"), r => r.Kind == VimResourceKind.Network); // the external network stays
    }

    [Fact]
    public async Task Twenty_parallel_instantiations_all_succeed_with_distinct_ips()
    {
        var cloud = new SandboxCloud(new SandboxCloudOptions { Latency = TimeSpan.FromMilliseconds(1) });
        var driver = new SandboxVimDriver(cloud);
        var pub = await cloud.CreateNetworkAsync("admin", new SandboxNetworkSpec("public", Shared: true), Ct);
        await cloud.CreateSubnetAsync("admin", new SandboxSubnetSpec("public", pub.ResourceId, "172.24.4.0/24"), Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(
            () => driver.InstantiateAsync(Vim, Plans.TwoVdus("t1", $"inst-{i}", cidr: null, externalNetworkId: pub.ResourceId), Ct), Ct)));

        Assert.All(results, r => Assert.Equal(9, r.Count));
        var ports = results.SelectMany(r => r).Where(r => r.Kind == VimResourceKind.Port).ToList();
        Assert.Equal(60, ports.Count);
        Assert.Equal(60, ports.Select(p => p.Attributes[VimAttributes.IpAddress]).Distinct().Count());
        Assert.Equal(60, ports.Select(p => p.Attributes[VimAttributes.MacAddress]).Distinct().Count());
        Assert.Equal(20, results.SelectMany(r => r).Where(r => r.Kind == VimResourceKind.Subnet).Select(s => s.Attributes[VimAttributes.Cidr]).Distinct().Count());
        Assert.Equal(20 * 9, cloud.QueryResources("t1").Count);
        Assert.Equal(40, cloud.GetUsage("t1").Usage.Instances);
    }

    [Fact]
    public void The_registry_finds_the_sandbox_driver_and_names_unknown_types()
    {
        var sandbox = new SandboxVimDriver(new SandboxCloud());
        var registry = new VimDriverRegistry([sandbox]);

        Assert.Same(sandbox, registry.For(VimTypes.Sandbox));
        var ex = Assert.Throws<VimException>(() => registry.For(VimTypes.Kubernetes));
        Assert.Contains(VimTypes.Kubernetes, ex.Message, StringComparison.Ordinal);
        Assert.Contains(VimTypes.Sandbox, ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new VimDriverRegistry([sandbox, new SandboxVimDriver(new SandboxCloud())]));
    }

    [Fact]
    public void VimConnectionInfo_never_prints_its_secrets()
    {
        var text = Plans.SandboxVim.ToString();

        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
        Assert.Contains("password", text, StringComparison.Ordinal);
    }
}
