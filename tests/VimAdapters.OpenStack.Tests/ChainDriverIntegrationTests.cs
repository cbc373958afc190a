using System.Text.Json.Nodes;
using Mano.VimAdapters;
using Mano.VimAdapters.OpenStack;

namespace Mano.VimAdapters.OpenStack.Tests;

/// <summary>
/// <see cref="OpenStackChainDriver"/> against the real test cloud's networking-sfc: ensure twice = one chain, a hop's VNF
/// scaled out and in = its port pair group updated in place, delete by owner leaves nothing. The ports are made with
/// Neutron directly (no servers): networking-sfc only needs both ports of a pair on the same device, so each simulated
/// VNFC gets a device_id of its own.
/// </summary>
[Collection(OpenStackCollection.Name)]
public sealed class ChainDriverIntegrationTests(TestCloud cloud)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private void RequireSfc()
    {
        cloud.Require();
        if (TestCloud.Env("MANO_TEST_OPENSTACK_SFC") == "0")
            Assert.Skip("the test cloud's neutron-server does not serve networking-sfc (MANO_TEST_OPENSTACK_SFC=0, see up.sh output)");
    }

    [Fact]
    public async Task Port_chain_is_ensured_idempotently_scaled_in_place_and_deleted_by_owner()
    {
        RequireSfc();
        var vim = cloud.Vim();
        var driver = new OpenStackChainDriver(cloud.Driver);
        var session = await cloud.Driver.ConnectAsync(vim, Ct);
        var neutron = new NeutronClient(session);
        var run = Guid.NewGuid().ToString()[..8];
        var owner = "ns-it-" + run;
        var net = await neutron.CreateNetworkAsync("sfc-it-" + run, "sfc-it-" + run, Ct);
        var ports = new List<string>();
        try
        {
            await neutron.CreateSubnetAsync("sfc-it-" + run, net.Id, "10.77.0.0/24", 4, "sfc-it-" + run, Ct);
            async Task<string> Port(string name, string? device)
            {
                var p = await neutron.CreatePortAsync($"sfc-it-{run}-{name}", net.Id, "sfc-it-" + run, [], Ct);
                ports.Add(p.Id);
                if (device is not null)
                    await cloud.Raw.SendAsync(HttpMethod.Put, "network", "/v2.0/ports/" + p.Id, new JsonObject { ["port"] = new JsonObject { ["device_id"] = device } });
                return p.Id;
            }
            var client = await Port("client", Guid.NewGuid().ToString());
            var sf = new List<(string In, string Out)>();
            for (var i = 0; i < 3; i++)
            {
                var device = Guid.NewGuid().ToString();
                sf.Add((await Port($"sf{i}-in", device), await Port($"sf{i}-out", device)));
            }
            PortChainPlan Plan(int vnfcs, int port = 80, bool symmetric = false) => new(CorpusPlans.Tenant, owner, "vnffg1/nfp1",
                [new PortPairGroupPlan("hop1", sf.Take(vnfcs).Select((p, i) => new PortPairPlan($"hop1/vnfc{i}", p.In, p.Out)).ToList())],
                [new FlowClassifierPlan("rule1", Protocol: "tcp", SourceIpPrefix: "10.77.0.0/24", DestinationIpPrefix: "10.77.0.50",
                    DestinationPortRangeMin: port, DestinationPortRangeMax: port, LogicalSourcePortId: client)],
                Symmetric: symmetric, Correlation: PortChainPlan.MplsCorrelation);

            var first = await driver.EnsurePortChainAsync(vim, Plan(1), Ct);
            var again = await driver.EnsurePortChainAsync(vim, Plan(1), Ct);
            Assert.Equal(first.ChainId, again.ChainId);
            Assert.Equal(first.PortPairGroups[0].PortPairs[0].Id, again.PortPairGroups[0].PortPairs[0].Id);
            Assert.Equal(first.FlowClassifiers[0].Id, again.FlowClassifiers[0].Id);   // a /32 the VIM normalises is still the same classifier
            Assert.Single(await MineAsync("port_chains", owner));
            Assert.Single(await MineAsync("port_pairs", owner));
            Assert.Single(await MineAsync("flow_classifiers", owner));

            var scaled = await driver.EnsurePortChainAsync(vim, Plan(3), Ct);
            Assert.Equal(first.ChainId, scaled.ChainId);
            Assert.Equal(first.PortPairGroups[0].Id, scaled.PortPairGroups[0].Id);
            var group = (await cloud.Raw.GetAsync("network", "/v2.0/sfc/port_pair_groups/" + scaled.PortPairGroups[0].Id))!["port_pair_group"]!;
            Assert.Equal(scaled.PortPairGroups[0].PortPairs.Select(p => p.Id).Order(), group["port_pairs"]!.AsArray().Select(n => n!.GetValue<string>()).Order());
            Assert.Equal(3, group["port_pairs"]!.AsArray().Count);

            var scaledIn = await driver.EnsurePortChainAsync(vim, Plan(2), Ct);
            Assert.Equal(first.ChainId, scaledIn.ChainId);
            Assert.Equal(2, (await MineAsync("port_pairs", owner)).Count);
            var listed = Assert.Single(await driver.ListPortChainsAsync(vim, CorpusPlans.Tenant, owner, Ct));
            Assert.Equal([sf[0].In, sf[1].In], listed.PortPairGroups.Single().PortPairs.Select(p => p.IngressPortId));
            Assert.Equal("hop1/vnfc1", listed.PortPairGroups.Single().PortPairs[1].Key);
            Assert.Equal("tcp", listed.FlowClassifiers.Single().Classifier.Protocol);
            var chain = (await cloud.Raw.GetAsync("network", "/v2.0/sfc/port_chains/" + listed.ChainId))!["port_chain"]!;
            Assert.Equal(scaledIn.PortPairGroups[0].Id, chain["port_pair_groups"]!.AsArray().Single()!.GetValue<string>());

            // a changed classifier is replaced under the same chain; a chain whose symmetry changes is replaced
            var https = await driver.EnsurePortChainAsync(vim, Plan(2, port: 443), Ct);
            Assert.Equal(first.ChainId, https.ChainId);
            Assert.NotEqual(first.FlowClassifiers[0].Id, https.FlowClassifiers[0].Id);
            Assert.Equal(443, Assert.Single(await MineAsync("flow_classifiers", owner))["destination_port_range_min"]!.GetValue<int>());
            var symmetric = await driver.EnsurePortChainAsync(vim, Plan(2, port: 443, symmetric: true), Ct);
            Assert.NotEqual(first.ChainId, symmetric.ChainId);
            Assert.True(Assert.Single(await MineAsync("port_chains", owner))["chain_parameters"]!["symmetric"]!.GetValue<bool>());

            await driver.DeletePortChainsAsync(vim, CorpusPlans.Tenant, owner, null, Ct);
            foreach (var collection in new[] { "port_chains", "port_pair_groups", "port_pairs", "flow_classifiers" })
                Assert.Empty(await MineAsync(collection, owner));
            Assert.Empty(await driver.ListPortChainsAsync(vim, CorpusPlans.Tenant, owner, Ct));
        }
        finally
        {
            await driver.DeletePortChainsAsync(vim, CorpusPlans.Tenant, owner, null, Ct);
            foreach (var p in ports) await neutron.DeletePortAsync(p, Ct);
            await neutron.DeleteNetworkAsync(net.Id, Ct);
        }
    }

    /// <summary>The SFC resources whose description carries the owner (an independent read, not the driver's).</summary>
    private async Task<List<JsonNode>> MineAsync(string collection, string owner) =>
        (await cloud.Raw.GetAsync("network", "/v2.0/sfc/" + collection))![collection]!.AsArray()
            .Where(n => n!["description"]?.GetValue<string>()?.Contains("|" + owner + "|", StringComparison.Ordinal) == true).Select(n => n!).ToList();
}
