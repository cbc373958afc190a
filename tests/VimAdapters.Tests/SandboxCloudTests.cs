using System.Diagnostics;

namespace Mano.VimAdapters.Tests;

public sealed class SandboxCloudTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly VimConnectionInfo Vim = Plans.SandboxVim;

    [Fact]
    public async Task State_survives_a_restart_through_the_state_file()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "sandbox.json");
        var first = new SandboxCloud(new SandboxCloudOptions { StatePath = path });
        var made = await new SandboxVimDriver(first).InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-a"), Ct);
        first.SetQuota("t2", SandboxQuota.Default with { Instances = 3 });

        var second = new SandboxCloud(new SandboxCloudOptions { StatePath = path });

        var loaded = second.QueryResources("t1", "inst-a");
        Assert.Equal(made.Select(r => (r.ResourceId, r.Kind, r.Name, r.Status)), loaded.Select(r => (r.ResourceId, r.Kind, r.Name, r.Status)));
        Assert.Equal(made.Select(r => r.Attributes[VimAttributes.CreatedAt]), loaded.Select(r => r.Attributes[VimAttributes.CreatedAt]));
        Assert.Equal(made.SelectMany(r => r.Tags).OrderBy(t => t.Key + t.Value), loaded.SelectMany(r => r.Tags).OrderBy(t => t.Key + t.Value));
        Assert.Equal(made.SelectMany(r => r.Attributes).OrderBy(t => t.Key + t.Value), loaded.SelectMany(r => r.Attributes).OrderBy(t => t.Key + t.Value));
        Assert.Equal(3, second.GetQuota("t2").Instances);
        Assert.True(second.GetUsage("t2").HasOwnQuota);

        // Allocation carries on after the restart: no IP or MAC handed out twice.
        var driver = new SandboxVimDriver(second);
        var more = await driver.InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-a") with
        {
            Ports = [.. Plans.TwoVdus("t1", "inst-a").Ports, new PlannedPort("cp3-0", "CP3", "vdu1-0", "vl-int", null)],
        }, Ct);
        var ports = more.Where(r => r.Kind == VimResourceKind.Port).ToList();
        Assert.Equal("192.168.50.4", ports.Single(p => p.ResourceKey == "cp3-0").Attributes[VimAttributes.IpAddress]);
        Assert.Equal(3, ports.Select(p => p.Attributes[VimAttributes.MacAddress]).Distinct().Count());

        await driver.TerminateAsync(Vim, "t1", "inst-a", Ct);
        Assert.Empty(new SandboxCloud(new SandboxCloudOptions { StatePath = path }).QueryResources("t1"));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public async Task Parallel_changes_all_reach_the_state_file()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "sandbox.json");
        var driver = new SandboxVimDriver(new SandboxCloud(new SandboxCloudOptions { StatePath = path }));

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(
            () => driver.InstantiateAsync(Vim, Plans.TwoVdus("t1", $"inst-{i}", cidr: null), Ct), Ct)));

        var reloaded = new SandboxCloud(new SandboxCloudOptions { StatePath = path });
        Assert.Equal(10 * 8, reloaded.QueryResources("t1").Count);
        Assert.Equal(20, reloaded.GetUsage("t1").Usage.Instances);
    }

    [Fact]
    public async Task A_missing_state_file_starts_an_empty_sandbox_and_is_written_on_first_change()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "nested", "sandbox.json");
        var cloud = new SandboxCloud(new SandboxCloudOptions { StatePath = path });
        Assert.Empty(cloud.Tenants);
        Assert.False(File.Exists(path));

        await cloud.CreateNetworkAsync("t1", new SandboxNetworkSpec("n"), Ct);

        Assert.True(File.Exists(path));
        Assert.Contains(SandboxCloud.CloudName, await File.ReadAllTextAsync(path, Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{ "format": "something-else", "version": 1 }""")]
    [InlineData("""{ "format": "mano-sandbox-vim", "version": 99 }""")]
    [InlineData("""{ "format": "mano-sandbox-vim", "version": 1, "resources": [ { "id": "", "tenantId": "t1", "kind": "Compute" } ] }""")]
    [InlineData("""{ "format": "mano-sandbox-vim", "version": 1, "resources": [ { "id": "p", "seq": 1, "tenantId": "t1", "kind": "Port", "networkId": "nope" } ] }""")]
    public async Task A_corrupt_state_file_fails_the_load_naming_the_file(string content)
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "sandbox.json");
        await File.WriteAllTextAsync(path, content, Ct);

        var ex = Assert.Throws<VimException>(() => new SandboxCloud(new SandboxCloudOptions { StatePath = path }));

        Assert.Equal("load_state", ex.Operation);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", ex.Message, StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllTextAsync(path, Ct)); // left for the operator to inspect
    }

    [Fact]
    public async Task Latency_delays_every_call_on_the_cloud_clock()
    {
        var time = new ManualTimeProvider();
        var cloud = new SandboxCloud(new SandboxCloudOptions { Latency = TimeSpan.FromSeconds(5) }, time);

        var call = cloud.CreateServerAsync("t1", new SandboxServerSpec("s", 1, 512), Ct);

        Assert.False(call.IsCompleted);
        Assert.Equal(1, time.ActiveTimers);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(call.IsCompleted);
        Assert.Empty(cloud.QueryResources("t1")); // nothing happens before the round trip is over
        time.Advance(TimeSpan.FromSeconds(1));
        var server = await call.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal("s", server.Name);

        cloud.Latency = TimeSpan.Zero;
        Assert.True(cloud.CreateNetworkAsync("t1", new SandboxNetworkSpec("n"), Ct).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Latency_adds_up_over_an_instantiation_in_real_time()
    {
        var cloud = new SandboxCloud(new SandboxCloudOptions { Latency = TimeSpan.FromMilliseconds(20) });
        var watch = Stopwatch.StartNew();

        await new SandboxVimDriver(cloud).InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-a"), Ct);

        // 1 list + 8 creates, sequential: at least 9 x 20 ms (lower bound only; no upper bound to stay unflaky).
        Assert.Equal(9, cloud.GetCallCounts().Values.Sum());
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(9 * 20 - 5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_call_waiting_out_its_latency_can_be_cancelled()
    {
        var time = new ManualTimeProvider();
        var cloud = new SandboxCloud(new SandboxCloudOptions { Latency = TimeSpan.FromMinutes(1) }, time);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var call = cloud.CreateServerAsync("t1", new SandboxServerSpec("s", 1, 512), cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Empty(cloud.QueryResources("t1"));
    }

    [Fact]
    public async Task Fail_next_n_fails_exactly_n_calls_then_clears_itself()
    {
        var cloud = new SandboxCloud();
        cloud.SetFault(SandboxFaultRule.FailNext(SandboxOperations.CreateNetwork, 2));

        await Assert.ThrowsAsync<VimException>(() => cloud.CreateNetworkAsync("t1", new SandboxNetworkSpec("a"), Ct));
        Assert.Equal(1, cloud.GetFaults().Single().RemainingFailures);
        await Assert.ThrowsAsync<VimException>(() => cloud.CreateNetworkAsync("t1", new SandboxNetworkSpec("b"), Ct));
        await cloud.CreateNetworkAsync("t1", new SandboxNetworkSpec("c"), Ct);

        Assert.Empty(cloud.GetFaults());
        Assert.Equal(["c"], cloud.QueryResources("t1").Select(r => r.Name));
        Assert.Equal(3, cloud.GetCallCounts()[SandboxOperations.CreateNetwork]);
    }

    [Fact]
    public async Task Probabilistic_faults_are_reproducible_with_a_seed()
    {
        async Task<string> Run()
        {
            var cloud = new SandboxCloud();
            cloud.SetFault(SandboxFaultRule.FailRandomly(SandboxOperations.Any, 0.5, seed: 42));
            var outcome = new System.Text.StringBuilder();
            for (var i = 0; i < 40; i++)
            {
                try
                {
                    await cloud.CreateNetworkAsync("t1", new SandboxNetworkSpec($"n{i}"), Ct);
                    outcome.Append('.');
                }
                catch (VimException)
                {
                    outcome.Append('x');
                }
            }
            return outcome.ToString();
        }

        var first = await Run();
        Assert.Equal(first, await Run());
        Assert.Contains('x', first);
        Assert.Contains('.', first);
    }

    [Fact]
    public async Task Clearing_faults_restores_normal_service()
    {
        var cloud = new SandboxCloud();
        cloud.SetFault(SandboxFaultRule.FailRandomly(SandboxOperations.CreateServer, 1.0));
        cloud.SetFault(SandboxFaultRule.FailNext(SandboxOperations.DeleteServer, 5));
        await Assert.ThrowsAsync<VimException>(() => cloud.CreateServerAsync("t1", new SandboxServerSpec("s", 1, 1), Ct));

        Assert.True(cloud.ClearFault(SandboxOperations.CreateServer));
        var s = await cloud.CreateServerAsync("t1", new SandboxServerSpec("s", 1, 1), Ct);
        cloud.ClearFaults();
        Assert.True(await cloud.DeleteServerAsync("t1", s.ResourceId, Ct));
        Assert.Throws<ArgumentException>(() => cloud.SetFault(new SandboxFaultRule("x")));
    }

    [Fact]
    public async Task Ports_take_addresses_sequentially_reuse_freed_ones_and_fail_when_the_subnet_is_full()
    {
        var cloud = new SandboxCloud();
        var net = await cloud.CreateNetworkAsync("t1", new SandboxNetworkSpec("n"), Ct);
        var subnet = await cloud.CreateSubnetAsync("t1", new SandboxSubnetSpec("s", net.ResourceId, "192.168.10.0/29"), Ct);
        Assert.Equal("192.168.10.1", subnet.Attributes[VimAttributes.GatewayIp]);

        var ports = new List<VimResource>();
        for (var i = 0; i < 5; i++) ports.Add(await cloud.CreatePortAsync("t1", new SandboxPortSpec($"p{i}", net.ResourceId), Ct));
        Assert.Equal(["192.168.10.2", "192.168.10.3", "192.168.10.4", "192.168.10.5", "192.168.10.6"], ports.Select(p => p.Attributes[VimAttributes.IpAddress]));
        Assert.All(ports, p => Assert.Equal("DOWN", p.Status)); // not bound to a server

        var full = await Assert.ThrowsAsync<VimException>(() => cloud.CreatePortAsync("t1", new SandboxPortSpec("p5", net.ResourceId), Ct));
        Assert.Contains("no free IP", full.Message, StringComparison.Ordinal);

        await cloud.DeletePortAsync("t1", ports[1].ResourceId, Ct);
        var again = await cloud.CreatePortAsync("t1", new SandboxPortSpec("p6", net.ResourceId), Ct);
        Assert.Equal("192.168.10.3", again.Attributes[VimAttributes.IpAddress]);
    }

    [Fact]
    public async Task Ipv6_subnets_allocate_inside_their_prefix()
    {
        var cloud = new SandboxCloud();
        var net = await cloud.CreateNetworkAsync("t1", new SandboxNetworkSpec("n"), Ct);
        var subnet = await cloud.CreateSubnetAsync("t1", new SandboxSubnetSpec("s", net.ResourceId, IpVersion: "ipv6"), Ct);
        var port = await cloud.CreatePortAsync("t1", new SandboxPortSpec("p", net.ResourceId), Ct);

        Assert.Equal("6", subnet.Attributes[VimAttributes.IpVersion]);
        Assert.True(System.Net.IPNetwork.Parse(subnet.Attributes[VimAttributes.Cidr])
            .Contains(System.Net.IPAddress.Parse(port.Attributes[VimAttributes.IpAddress])));
    }

    [Theory]
    [InlineData("not-a-cidr")]
    [InlineData("10.0.0.5/24")]
    [InlineData("10.0.0.0/31")]
    public async Task Invalid_cidrs_are_refused(string cidr)
    {
        var cloud = new SandboxCloud();
        var net = await cloud.CreateNetworkAsync("t1", new SandboxNetworkSpec("n"), Ct);

        var ex = await Assert.ThrowsAsync<VimException>(() => cloud.CreateSubnetAsync("t1", new SandboxSubnetSpec("s", net.ResourceId, cidr), Ct));

        Assert.Equal(SandboxOperations.CreateSubnet, ex.Operation);
        Assert.Contains(cidr, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_network_with_ports_cannot_be_deleted()
    {
        var cloud = new SandboxCloud();
        var net = await cloud.CreateNetworkAsync("t1", new SandboxNetworkSpec("n"), Ct);
        await cloud.CreateSubnetAsync("t1", new SandboxSubnetSpec("s", net.ResourceId), Ct);
        var port = await cloud.CreatePortAsync("t1", new SandboxPortSpec("p", net.ResourceId), Ct);

        var ex = await Assert.ThrowsAsync<VimException>(() => cloud.DeleteNetworkAsync("t1", net.ResourceId, Ct));
        Assert.Contains("port", ex.Message, StringComparison.Ordinal);

        await cloud.DeletePortAsync("t1", port.ResourceId, Ct);
        Assert.True(await cloud.DeleteNetworkAsync("t1", net.ResourceId, Ct));
        Assert.Empty(cloud.QueryResources("t1")); // the subnet went with its network
        Assert.False(await cloud.DeleteNetworkAsync("t1", net.ResourceId, Ct));
    }

    [Fact]
    public async Task Deleting_a_server_detaches_its_ports_and_volumes()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxVimDriver(cloud);
        var made = await driver.InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-a"), Ct);

        await cloud.DeleteServerAsync("t1", made.Single(r => r.ResourceKey == "vdu1-0").ResourceId, Ct);

        var left = cloud.QueryResources("t1");
        Assert.Equal("DOWN", left.Single(r => r.ResourceKey == "cp1-0").Status);
        Assert.Equal("available", left.Single(r => r.ResourceKey == "vol1-0").Status);
        Assert.False(left.Single(r => r.ResourceKey == "vol1-0").Attributes.ContainsKey(VimAttributes.ComputeId));
    }

    [Fact]
    public async Task Servers_go_to_the_requested_zone_and_unknown_zones_are_refused()
    {
        var cloud = new SandboxCloud(new SandboxCloudOptions { Zones = ["az-a", "az-b"] });

        var s = await cloud.CreateServerAsync("t1", new SandboxServerSpec("s", 1, 1, ZoneId: "az-b"), Ct);
        var d = await cloud.CreateServerAsync("t1", new SandboxServerSpec("d", 1, 1), Ct);
        var ex = await Assert.ThrowsAsync<VimException>(() => cloud.CreateServerAsync("t1", new SandboxServerSpec("x", 1, 1, ZoneId: "az-z"), Ct));

        Assert.Equal("az-b", s.ZoneId);
        Assert.Equal("az-a", d.ZoneId);
        Assert.Contains("az-z", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_quota_is_enforced_and_usage_is_reported()
    {
        var cloud = new SandboxCloud();
        cloud.SetQuota("t1", new SandboxQuota(Instances: 1, Cores: 10, RamMiB: 1000, VolumesGiB: 2, Networks: 1, Ports: 1));
        var server = await cloud.CreateServerAsync("t1", new SandboxServerSpec("s", 2, 512), Ct);
        var net = await cloud.CreateNetworkAsync("t1", new SandboxNetworkSpec("n"), Ct);
        await cloud.CreatePortAsync("t1", new SandboxPortSpec("p", net.ResourceId, server.ResourceId), Ct);
        await cloud.CreateVolumeAsync("t1", new SandboxVolumeSpec("v", SandboxCloud.GiB + 1, server.ResourceId), Ct); // rounds up to 2 GiB

        async Task<string> Refused(Func<Task> call) => (await Assert.ThrowsAsync<VimException>(call)).Detail;
        Assert.Equal("sandbox quota exceeded for tenant 't1': instances 2 > 1", await Refused(() => cloud.CreateServerAsync("t1", new SandboxServerSpec("s2", 1, 1), Ct)));
        Assert.Equal("sandbox quota exceeded for tenant 't1': networks 2 > 1", await Refused(() => cloud.CreateNetworkAsync("t1", new SandboxNetworkSpec("n2"), Ct)));
        Assert.Equal("sandbox quota exceeded for tenant 't1': ports 2 > 1", await Refused(() => cloud.CreatePortAsync("t1", new SandboxPortSpec("p2", net.ResourceId), Ct)));
        Assert.Equal("sandbox quota exceeded for tenant 't1': volumes_gib 3 > 2", await Refused(() => cloud.CreateVolumeAsync("t1", new SandboxVolumeSpec("v2", 1), Ct)));
        cloud.SetQuota("t1", cloud.GetQuota("t1") with { Instances = 5 });
        Assert.Equal("sandbox quota exceeded for tenant 't1': ram_mib 1012 > 1000", await Refused(() => cloud.CreateServerAsync("t1", new SandboxServerSpec("s3", 1, 500), Ct)));

        var usage = cloud.GetUsage("t1");
        Assert.Equal(new SandboxUsage(1, 2, 512, 2, 1, 1), usage.Usage);
        Assert.True(usage.HasOwnQuota);
        Assert.True(cloud.ClearQuota("t1"));
        Assert.Equal(SandboxQuota.Default, cloud.GetQuota("t1"));
        Assert.Equal(["t1"], cloud.Tenants);
    }

    [Fact]
    public async Task The_default_quota_can_be_changed_at_run_time()
    {
        var cloud = new SandboxCloud();
        cloud.DefaultQuota = SandboxQuota.Default with { Networks = 0 };

        var ex = await Assert.ThrowsAsync<VimException>(() => cloud.CreateNetworkAsync("anyone", new SandboxNetworkSpec("n"), Ct));

        Assert.Contains("networks 1 > 0", ex.Message, StringComparison.Ordinal);
        Assert.Equal(SandboxQuota.Unlimited, SandboxQuota.Unlimited with { });
    }

    [Fact]
    public async Task Tenants_cannot_see_or_touch_each_others_resources()
    {
        var cloud = new SandboxCloud();
        var server = await cloud.CreateServerAsync("t1", new SandboxServerSpec("s", 1, 1), Ct);
        var net = await cloud.CreateNetworkAsync("t1", new SandboxNetworkSpec("private"), Ct);

        Assert.Null(await cloud.GetResourceAsync("t2", server.ResourceId, Ct));
        Assert.False(await cloud.DeleteServerAsync("t2", server.ResourceId, Ct));
        await Assert.ThrowsAsync<VimException>(() => cloud.CreatePortAsync("t2", new SandboxPortSpec("p", net.ResourceId), Ct));
        await Assert.ThrowsAsync<VimException>(() => cloud.CreateVolumeAsync("t2", new SandboxVolumeSpec("v", 1, server.ResourceId), Ct));
        Assert.NotNull(await cloud.GetResourceAsync("t1", server.ResourceId, Ct));
    }

    [Fact]
    public async Task Everything_it_reports_says_it_is_a_sandbox()
    {
        var cloud = new SandboxCloud();
        await new SandboxVimDriver(cloud).InstantiateAsync(Vim, Plans.TwoVdus("t1", "inst-a"), Ct);

        Assert.Equal("Mano sandbox VIM (simulated)", cloud.Name);
        Assert.All(cloud.QueryResources("t1"), r =>
        {
            Assert.Equal("true", r.Attributes[VimAttributes.Sandbox]);
            Assert.Equal(SandboxCloud.CloudName, r.Attributes[VimAttributes.Cloud]);
        });
    }
}
