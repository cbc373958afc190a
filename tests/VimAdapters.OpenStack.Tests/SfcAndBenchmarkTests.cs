using System.Diagnostics;
using System.Globalization;
using System.Text;
using Mano.VimAdapters;
using Mano.VimAdapters.OpenStack;

namespace Mano.VimAdapters.OpenStack.Tests;

[Collection(OpenStackCollection.Name)]
public sealed class SfcAndBenchmarkTests(TestCloud cloud)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>networking-sfc loaded into the test cloud's neutron-server (dummy drivers): port pair, group, classifier, chain.</summary>
    [Fact]
    public async Task Networking_sfc_port_chain_is_ensured_and_deleted()
    {
        cloud.Require();
        if (TestCloud.Env("MANO_TEST_OPENSTACK_SFC") == "0")
            Assert.Skip("the test cloud's neutron-server does not serve networking-sfc (MANO_TEST_OPENSTACK_SFC=0, see up.sh output)");
        var session = await cloud.Driver.ConnectAsync(cloud.Vim(), Ct);
        var sfc = new NetworkingSfcClient(session);
        Assert.True(await sfc.IsAvailableAsync(Ct));
        var marker = "mano:sfc-it-" + Guid.NewGuid().ToString()[..8];
        var ext = await cloud.Raw.NetworkIdAsync("mano-ext");
        var image = TestCloud.Env("MANO_TEST_OPENSTACK_IMAGE") ?? "tiny";
        // networking-sfc wants ports bound to a host: a client VNFC and a service-function VNFC with ingress/egress ports
        var instanceId = Guid.NewGuid().ToString();
        var plan = new VnfResourcePlan(CorpusPlans.Tenant, instanceId, "op-sfc", [],
            [new PlannedCompute("client", "CLIENT", "sfc-client-" + instanceId[..8], 1, 64, image, null),
             new PlannedCompute("sf", "SF", "sfc-sf-" + instanceId[..8], 1, 64, image, null)],
            [new PlannedPort("client-cp", "CP", "client", null, ext), new PlannedPort("sf-in", "IN", "sf", null, ext), new PlannedPort("sf-out", "OUT", "sf", null, ext)], []);
        try
        {
            var made = await cloud.Driver.InstantiateAsync(cloud.Vim(), plan, Ct);
            string Port(string key) => made.Single(r => r.Kind == VimResourceKind.Port && r.ResourceKey == key).ResourceId;
            var pair = await sfc.EnsurePortPairAsync("pp1", Port("sf-in"), Port("sf-out"), marker, Ct);
            var group = await sfc.EnsurePortPairGroupAsync("ppg1", [pair.Id], marker, Ct);
            var fc = await sfc.EnsureFlowClassifierAsync(new FlowClassifierSpec("fc1", Port("client-cp"), Protocol: "tcp", DestinationPortRangeMin: 80, DestinationPortRangeMax: 80), marker, Ct);
            var chain = await sfc.EnsurePortChainAsync("pc1", [group.Id], [fc.Id], marker, Ct);
            // ensures are idempotent
            Assert.Equal(chain.Id, (await sfc.EnsurePortChainAsync("pc1", [group.Id], [fc.Id], marker, Ct)).Id);
            Assert.Equal(pair.Id, (await sfc.EnsurePortPairAsync("pp1", Port("sf-in"), Port("sf-out"), marker, Ct)).Id);
            var raw = (await cloud.Raw.GetAsync("network", "/v2.0/sfc/port_chains/" + chain.Id))!["port_chain"]!;
            Assert.Equal(group.Id, raw["port_pair_groups"]!.AsArray().Single()!.GetValue<string>());
            Assert.Equal(fc.Id, raw["flow_classifiers"]!.AsArray().Single()!.GetValue<string>());
        }
        finally
        {
            await sfc.DeleteAllAsync(marker, Ct);
            await cloud.Driver.TerminateAsync(cloud.Vim(), CorpusPlans.Tenant, instanceId, Ct);
        }
        Assert.Empty((await cloud.Raw.GetAsync("network", "/v2.0/sfc/port_chains?description=" + Uri.EscapeDataString(marker)))!["port_chains"]!.AsArray());
        Assert.Empty((await cloud.Raw.GetAsync("network", "/v2.0/sfc/port_pairs?description=" + Uri.EscapeDataString(marker)))!["port_pairs"]!.AsArray());
        Assert.Empty(await cloud.Raw.ServersAsync(instanceId));
    }

    /// <summary>
    /// How long a one-VDU instantiate takes through the driver, split into time waiting on OpenStack (HTTP requests,
    /// summed by the timing DelegatingHandler, plus the sleeps between status polls) and Mano's own time (the rest).
    /// Written to TestResults/openstack-driver-benchmark.md (docs/benchmarks/openstack-driver.md quotes a run).
    /// </summary>
    [Fact]
    public async Task One_vdu_instantiate_timing()
    {
        cloud.Require();
        var vim = cloud.Vim();
        var ext = await cloud.Raw.NetworkIdAsync("mano-ext");
        var image = TestCloud.Env("MANO_TEST_OPENSTACK_IMAGE") ?? "tiny";
        await cloud.Driver.ConnectAsync(vim, Ct);   // the token is cached for the runs, as in a running VNFM
        var split = new List<(double Total, double Wait, double Requests, double Polls, int Count, double Terminate)>();
        for (var run = 0; run < 5; run++)
        {
            var id = Guid.NewGuid().ToString();
            // mirrors what the VNFM plans for a one-VDU VNF with one internal VL and one external CP
            var plan = new VnfResourcePlan(CorpusPlans.Tenant, id, "op-bench", [new PlannedNetwork("vl1", "internalVL1", null, null)],
                [new PlannedCompute("vnfc1", "VDU1", $"VDU1-{id[..8]}-0", 1, 512, image, null)],
                [new PlannedPort("cp1", "VDU1_CP1", "vnfc1", null, ext), new PlannedPort("cp2", "VDU1_CP2", "vnfc1", "vl1", null)], []);
            var sw = Stopwatch.StartNew();
            (double Wait, double Requests, double Polls, int Count) m;
            using (var scope = OpenStackTimingScope.Begin())
            {
                await cloud.Driver.InstantiateAsync(vim, plan, Ct);
                sw.Stop();
                m = (scope.WaitTime.TotalSeconds, scope.RequestTime.TotalSeconds, scope.PollDelay.TotalSeconds, scope.Requests);
            }
            var t = Stopwatch.StartNew();
            await cloud.Driver.TerminateAsync(vim, CorpusPlans.Tenant, id, Ct);
            split.Add((sw.Elapsed.TotalSeconds, m.Wait, m.Requests, m.Polls, m.Count, t.Elapsed.TotalSeconds));
        }
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# One-VDU instantiate through the OpenStack driver ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        report.AppendLine();
        report.AppendLine("| run | instantiate wall s | waiting on OpenStack s (requests + poll sleeps, wall) | Mano's own s | Mano's own % | HTTP requests | summed request s | summed poll sleep s | terminate wall s |");
        report.AppendLine("|---|---|---|---|---|---|---|---|---|");
        for (var i = 0; i < split.Count; i++)
        {
            var (total, wait, requests, polls, count, terminate) = split[i];
            var own = Math.Max(0, total - wait);
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {i + 1} | {total:0.000} | {wait:0.000} | {own:0.000} | {100 * own / total:0.0} | {count} | {requests:0.000} | {polls:0.000} | {terminate:0.00} |");
        }
        var dir = Path.Combine(RepoPaths.RepoRoot, "TestResults");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "openstack-driver-benchmark.md"), report.ToString(), Ct);
        TestContext.Current.SendDiagnosticMessage(report.ToString());
        Assert.All(split, s => Assert.True(s.Total < 120, $"a one-VDU instantiate took {s.Total:0.0}s"));
    }
}
