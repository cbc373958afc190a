namespace Mano.VimAdapters.Tests;

/// <summary>Simulated networking-sfc chains in the sandbox, through the <see cref="IVimChainDriver"/> seam.</summary>
public sealed class SandboxChainDriverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly VimConnectionInfo Vim = Plans.SandboxVim;
    private const string Tenant = "t-sfc";

    /// <summary>A client port and <paramref name="sfVnfcs"/> service-function VNFCs (a server with an ingress and an egress port each).</summary>
    private static async Task<(string Client, List<(string In, string Out)> Sf)> PortsAsync(SandboxCloud cloud, int sfVnfcs, string tenant = Tenant)
    {
        var net = await cloud.CreateNetworkAsync(tenant, new SandboxNetworkSpec("chain-net"), Ct);
        await cloud.CreateSubnetAsync(tenant, new SandboxSubnetSpec("chain-subnet", net.ResourceId, "10.10.0.0/24"), Ct);
        var client = await cloud.CreatePortAsync(tenant, new SandboxPortSpec("client", net.ResourceId), Ct);
        var sf = new List<(string, string)>();
        for (var i = 0; i < sfVnfcs; i++)
        {
            var server = await cloud.CreateServerAsync(tenant, new SandboxServerSpec($"sf-{i}", 1, 512), Ct);
            var pin = await cloud.CreatePortAsync(tenant, new SandboxPortSpec($"sf-{i}-in", net.ResourceId, server.ResourceId), Ct);
            var pout = await cloud.CreatePortAsync(tenant, new SandboxPortSpec($"sf-{i}-out", net.ResourceId, server.ResourceId), Ct);
            sf.Add((pin.ResourceId, pout.ResourceId));
        }
        return (client.ResourceId, sf);
    }

    private static PortChainPlan Plan(string client, IEnumerable<(string In, string Out)> sf, string owner = "ns-1", string chainKey = "vnffg1/nfp1",
        string? protocol = "tcp", int port = 80, bool symmetric = false) =>
        new(Tenant, owner, chainKey,
            [new PortPairGroupPlan("hop1", sf.Select((p, i) => new PortPairPlan($"hop1/vnfc{i}", p.In, p.Out)).ToList())],
            [new FlowClassifierPlan("rule1", Protocol: protocol, DestinationIpPrefix: "10.10.0.0/24",
                DestinationPortRangeMin: protocol is null ? null : port, DestinationPortRangeMax: protocol is null ? null : port, LogicalSourcePortId: client)],
            symmetric, PortChainPlan.MplsCorrelation);

    [Fact]
    public async Task Ensure_creates_the_chain_tagged_with_the_owner_and_a_second_ensure_creates_nothing()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxChainDriver(cloud);
        var (client, sf) = await PortsAsync(cloud, 2);
        var plan = Plan(client, sf);

        var chain = await driver.EnsurePortChainAsync(Vim, plan, Ct);
        var creates = Plans.Creates(cloud);
        var again = await driver.EnsurePortChainAsync(Vim, plan, Ct);

        Assert.Equal(creates, Plans.Creates(cloud));
        Assert.Equal(chain, again, new ChainComparer());
        Assert.Equal("vnffg1/nfp1", chain.ChainKey);
        Assert.Equal("ns-1", chain.OwnerId);
        var group = Assert.Single(chain.PortPairGroups);
        Assert.Equal(["hop1/vnfc0", "hop1/vnfc1"], group.PortPairs.Select(p => p.Key));
        Assert.Equal(sf[1].In, group.PortPairs[1].IngressPortId);
        var sfc = cloud.QuerySfcResources(Tenant);
        Assert.Equal(1, sfc.Count(r => r.Kind == SandboxSfcKind.PortChain));
        Assert.Equal(2, sfc.Count(r => r.Kind == SandboxSfcKind.PortPair));
        Assert.Equal(1, sfc.Count(r => r.Kind == SandboxSfcKind.FlowClassifier));
        Assert.All(sfc, r =>
        {
            Assert.Equal("ns-1", r.Tags[ChainTags.OwnerId]);
            Assert.Equal("vnffg1/nfp1", r.Tags[ChainTags.ChainKey]);
            Assert.Equal(Tenant, r.Tags[VimTags.TenantId]);
        });
        var listed = Assert.Single(await driver.ListPortChainsAsync(Vim, Tenant, "ns-1", Ct));
        Assert.Equal(chain, listed, new ChainComparer());
        Assert.Equal("tcp", listed.FlowClassifiers.Single().Classifier.Protocol);
        Assert.Equal(client, listed.FlowClassifiers.Single().Classifier.LogicalSourcePortId);
    }

    [Fact]
    public async Task Scaling_the_hop_updates_the_port_pair_group_in_place()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxChainDriver(cloud);
        var (client, sf) = await PortsAsync(cloud, 3);
        var one = await driver.EnsurePortChainAsync(Vim, Plan(client, sf.Take(1)), Ct);

        var three = await driver.EnsurePortChainAsync(Vim, Plan(client, sf), Ct);        // scale out: 1 -> 3 VNFCs
        Assert.Equal(one.ChainId, three.ChainId);
        Assert.Equal(one.PortPairGroups[0].Id, three.PortPairGroups[0].Id);
        Assert.Equal(3, three.PortPairGroups[0].PortPairs.Count);
        Assert.Equal(1, cloud.GetCallCounts()[SandboxOperations.UpdatePortPairGroup]);
        Assert.Equal(3, cloud.QuerySfcResources(Tenant).Single(r => r.Kind == SandboxSfcKind.PortPairGroup).PortPairs.Count);

        var two = await driver.EnsurePortChainAsync(Vim, Plan(client, sf.Take(2)), Ct);   // scale in: the third pair goes
        Assert.Equal(one.ChainId, two.ChainId);
        Assert.Equal(2, cloud.QuerySfcResources(Tenant).Count(r => r.Kind == SandboxSfcKind.PortPair));
        Assert.Equal(1, cloud.GetCallCounts()[SandboxOperations.DeletePortPair]);
        var listed = Assert.Single(await driver.ListPortChainsAsync(Vim, Tenant, null, Ct));
        Assert.Equal([sf[0].In, sf[1].In], listed.PortPairGroups[0].PortPairs.Select(p => p.IngressPortId));
    }

    [Fact]
    public async Task A_pair_whose_key_changed_but_ports_did_not_is_kept()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxChainDriver(cloud);
        var (client, sf) = await PortsAsync(cloud, 1);
        var before = await driver.EnsurePortChainAsync(Vim, Plan(client, sf), Ct);
        var renamed = Plan(client, sf) with
        {
            PortPairGroups = [new PortPairGroupPlan("hop1", [new PortPairPlan("hop1/renamed-vnfc", sf[0].In, sf[0].Out)])],
        };

        var after = await driver.EnsurePortChainAsync(Vim, renamed, Ct);

        Assert.Equal(before.PortPairGroups[0].PortPairs[0].Id, after.PortPairGroups[0].PortPairs[0].Id);
        Assert.Single(cloud.QuerySfcResources(Tenant), r => r.Kind == SandboxSfcKind.PortPair);
        Assert.False(cloud.GetCallCounts().ContainsKey(SandboxOperations.DeletePortPair));
    }

    [Fact]
    public async Task A_changed_classifier_or_symmetry_is_replaced()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxChainDriver(cloud);
        var (client, sf) = await PortsAsync(cloud, 1);
        var first = await driver.EnsurePortChainAsync(Vim, Plan(client, sf), Ct);

        var otherPort = await driver.EnsurePortChainAsync(Vim, Plan(client, sf, port: 443), Ct);
        Assert.Equal(first.ChainId, otherPort.ChainId);
        Assert.NotEqual(first.FlowClassifiers[0].Id, otherPort.FlowClassifiers[0].Id);
        Assert.Equal(443, Assert.Single(cloud.QuerySfcResources(Tenant), r => r.Kind == SandboxSfcKind.FlowClassifier).Classifier!.DestinationPortRangeMin);

        var symmetric = await driver.EnsurePortChainAsync(Vim, Plan(client, sf, port: 443, symmetric: true), Ct);
        Assert.NotEqual(first.ChainId, symmetric.ChainId);
        Assert.True(Assert.Single(cloud.QuerySfcResources(Tenant), r => r.Kind == SandboxSfcKind.PortChain).Symmetric);
    }

    [Fact]
    public async Task Delete_by_owner_or_by_chain_key_leaves_exactly_the_rest()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxChainDriver(cloud);
        var (client, sf) = await PortsAsync(cloud, 3);
        await driver.EnsurePortChainAsync(Vim, Plan(client, sf.Take(1), chainKey: "g/a"), Ct);
        await driver.EnsurePortChainAsync(Vim, Plan(client, sf.Skip(1).Take(1), chainKey: "g/b", protocol: "udp"), Ct);
        await driver.EnsurePortChainAsync(Vim, Plan(client, sf.Skip(2), owner: "ns-2", chainKey: "g/a", port: 8080), Ct);

        await driver.DeletePortChainsAsync(Vim, Tenant, "ns-1", "g/a", Ct);
        Assert.Equal(["g/b", "g/a"], (await driver.ListPortChainsAsync(Vim, Tenant, null, Ct)).Select(c => c.ChainKey));
        await driver.DeletePortChainsAsync(Vim, Tenant, "ns-1", null, Ct);
        await driver.DeletePortChainsAsync(Vim, Tenant, "ns-1", null, Ct);   // idempotent
        var left = cloud.QuerySfcResources(Tenant);
        Assert.Equal(4, left.Count);
        Assert.All(left, r => Assert.Equal("ns-2", r.Tags[ChainTags.OwnerId]));
        await driver.DeletePortChainsAsync(Vim, Tenant, "ns-2", null, Ct);
        Assert.Empty(cloud.QuerySfcResources(Tenant));
    }

    [Fact]
    public async Task A_failed_ensure_is_finished_by_the_retry_without_duplicates()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxChainDriver(cloud);
        var (client, sf) = await PortsAsync(cloud, 2);
        cloud.SetFault(new SandboxFaultRule(SandboxOperations.CreatePortChain, FailCount: 1, AfterCommit: true));

        var ex = await Assert.ThrowsAsync<VimException>(() => driver.EnsurePortChainAsync(Vim, Plan(client, sf), Ct));
        Assert.Equal(SandboxOperations.CreatePortChain, ex.Operation);
        var chain = await driver.EnsurePortChainAsync(Vim, Plan(client, sf), Ct);

        var sfc = cloud.QuerySfcResources(Tenant);
        Assert.Equal(chain.ChainId, Assert.Single(sfc, r => r.Kind == SandboxSfcKind.PortChain).Id);
        Assert.Equal(2, sfc.Count(r => r.Kind == SandboxSfcKind.PortPair));
        Assert.Single(sfc, r => r.Kind == SandboxSfcKind.PortPairGroup);
        // the chain made before the lost answer is found, not made twice
        Assert.Equal(1, cloud.GetCallCounts()[SandboxOperations.CreatePortChain]);
    }

    [Fact]
    public async Task The_sandbox_validates_like_networking_sfc()
    {
        var cloud = new SandboxCloud();
        var (client, sf) = await PortsAsync(cloud, 2);
        var (otherClient, _) = await PortsAsync(cloud, 0, tenant: "someone-else");

        var foreign = await Assert.ThrowsAsync<VimException>(() => cloud.CreatePortPairAsync(Tenant, "x", otherClient, otherClient, null, Ct));
        Assert.Contains("not found in tenant 't-sfc'", foreign.Message, StringComparison.Ordinal);
        var hosts = await Assert.ThrowsAsync<VimException>(() => cloud.CreatePortPairAsync(Tenant, "x", sf[0].In, sf[1].Out, null, Ct));
        Assert.Contains("different servers", hosts.Message, StringComparison.Ordinal);
        var pair = await cloud.CreatePortPairAsync(Tenant, "p", sf[0].In, sf[0].Out, null, Ct);
        var twice = await Assert.ThrowsAsync<VimException>(() => cloud.CreatePortPairAsync(Tenant, "p2", sf[0].Out, sf[0].Out, null, Ct));
        Assert.Contains($"already in port pair '{pair.Id}'", twice.Message, StringComparison.Ordinal);
        var group = await cloud.CreatePortPairGroupAsync(Tenant, "g", [pair.Id], null, Ct);
        await Assert.ThrowsAsync<VimException>(() => cloud.CreatePortPairGroupAsync(Tenant, "g2", [pair.Id], null, Ct));
        var fc = await cloud.CreateFlowClassifierAsync(Tenant, "f", new FlowClassifierPlan("f", LogicalSourcePortId: client), null, Ct);
        await Assert.ThrowsAsync<VimException>(() => cloud.CreateFlowClassifierAsync(Tenant, "bad", new FlowClassifierPlan("b", SourceIpPrefix: "10.0.0.0/99"), null, Ct));
        var chain = await cloud.CreatePortChainAsync(Tenant, "c", [group.Id], [fc.Id], false, null, null, Ct);
        Assert.Equal("mpls", chain.Correlation);
        var inUse = await Assert.ThrowsAsync<VimException>(() => cloud.DeleteSfcResourceAsync(Tenant, SandboxSfcKind.PortPair, pair.Id, Ct));
        Assert.Contains($"in use by port pair group '{group.Id}'", inUse.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<VimException>(() => cloud.DeleteSfcResourceAsync(Tenant, SandboxSfcKind.PortPairGroup, group.Id, Ct));
        await Assert.ThrowsAsync<VimException>(() => cloud.CreatePortChainAsync(Tenant, "c2", [group.Id], [], false, null, null, Ct));

        Assert.True(await cloud.DeleteSfcResourceAsync(Tenant, SandboxSfcKind.PortChain, chain.Id, Ct));
        Assert.True(await cloud.DeleteSfcResourceAsync(Tenant, SandboxSfcKind.PortPairGroup, group.Id, Ct));
        Assert.True(await cloud.DeleteSfcResourceAsync(Tenant, SandboxSfcKind.PortPair, pair.Id, Ct));
        Assert.False(await cloud.DeleteSfcResourceAsync(Tenant, SandboxSfcKind.PortPair, pair.Id, Ct));
    }

    [Fact]
    public async Task Invalid_plans_are_refused_before_the_VIM_is_called()
    {
        var cloud = new SandboxCloud();
        var driver = new SandboxChainDriver(cloud);
        var (client, sf) = await PortsAsync(cloud, 1);
        var good = Plan(client, sf);
        var calls = cloud.GetCallCounts().Values.Sum();

        await Assert.ThrowsAsync<VimException>(() => driver.EnsurePortChainAsync(Vim, good with { PortPairGroups = [] }, Ct));
        await Assert.ThrowsAsync<VimException>(() => driver.EnsurePortChainAsync(Vim, good with { FlowClassifiers = [] }, Ct));
        await Assert.ThrowsAsync<VimException>(() => driver.EnsurePortChainAsync(Vim, good with { ChainKey = "a|b" }, Ct));
        await Assert.ThrowsAsync<VimException>(() => driver.EnsurePortChainAsync(Vim, good with { Correlation = "nsh" }, Ct));
        await Assert.ThrowsAsync<VimException>(() => driver.EnsurePortChainAsync(Vim,
            good with { FlowClassifiers = [new FlowClassifierPlan("f", DestinationPortRangeMin: 1, DestinationPortRangeMax: 2)] }, Ct));
        await Assert.ThrowsAsync<VimException>(() => driver.EnsurePortChainAsync(Vim,
            good with { PortPairGroups = [new PortPairGroupPlan("a", [new PortPairPlan("p", sf[0].In, sf[0].Out)]), new PortPairGroupPlan("b", [new PortPairPlan("q", sf[0].In, sf[0].In)])] }, Ct));
        var wrongVim = await Assert.ThrowsAsync<VimException>(() => driver.EnsurePortChainAsync(Vim with { VimType = VimTypes.OpenStack }, good, Ct));
        Assert.Contains("sandbox chain driver", wrongVim.Message, StringComparison.Ordinal);
        Assert.Equal(calls, cloud.GetCallCounts().Values.Sum());
    }

    [Fact]
    public async Task Chains_survive_a_restart_of_a_persistent_sandbox()
    {
        var dir = Directory.CreateTempSubdirectory("mano-sfc-");
        try
        {
            var path = Path.Combine(dir.FullName, "state.json");
            var cloud = new SandboxCloud(new SandboxCloudOptions { StatePath = path });
            var (client, sf) = await PortsAsync(cloud, 2);
            var chain = await new SandboxChainDriver(cloud).EnsurePortChainAsync(Vim, Plan(client, sf), Ct);

            var reopened = new SandboxCloud(new SandboxCloudOptions { StatePath = path });
            var driver = new SandboxChainDriver(reopened);
            Assert.Equal(chain, Assert.Single(await driver.ListPortChainsAsync(Vim, Tenant, "ns-1", Ct)), new ChainComparer());
            var creates = Plans.Creates(reopened);
            await driver.EnsurePortChainAsync(Vim, Plan(client, sf), Ct);
            Assert.Equal(creates, Plans.Creates(reopened));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_registry_resolves_chain_drivers_by_VIM_type()
    {
        var registry = new VimChainDriverRegistry([new SandboxChainDriver(new SandboxCloud())]);
        Assert.IsType<SandboxChainDriver>(registry.For(VimTypes.Sandbox));
        var ex = Assert.Throws<VimException>(() => registry.For(VimTypes.Kubernetes));
        Assert.Contains("no service function chaining driver", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new VimChainDriverRegistry([new SandboxChainDriver(new SandboxCloud()), new SandboxChainDriver(new SandboxCloud())]));
    }

    /// <summary>Compares chains by value (records holding lists compare lists by reference).</summary>
    private sealed class ChainComparer : IEqualityComparer<VimPortChain>
    {
        public bool Equals(VimPortChain? x, VimPortChain? y) => Flat(x) == Flat(y);
        public int GetHashCode(VimPortChain obj) => Flat(obj).GetHashCode(StringComparison.Ordinal);
        private static string Flat(VimPortChain? c) => c is null ? "" : string.Join(";", new[]
        {
            c.ChainId, c.TenantId, c.OwnerId, c.ChainKey, c.Symmetric.ToString(), c.Correlation ?? "",
            string.Join(",", c.PortPairGroups.Select(g => $"{g.Id}:{g.Key}[{string.Join(",", g.PortPairs)}]")),
            string.Join(",", c.FlowClassifiers.Select(f => $"{f.Id}:{f.Classifier}")),
        });
    }
}
