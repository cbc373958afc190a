namespace Mano.VimAdapters.Tests;

public sealed class SandboxPruneTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Change_flavour_moving_kept_ports_to_a_new_network_deletes_the_old_network()
    {
        // Found by the scaled schema-conformance test: a flavour change that moves CPs (same keys) to another VL used to
        // fail with "delete_subnet ... still has 2 port(s)", because the old network was deleted while its ports were kept.
        var cloud = new SandboxCloud();
        var driver = new SandboxVimDriver(cloud);
        var before = Plans.TwoVdus("t1", "inst-f", cidr: "192.168.50.0/24");
        await driver.InstantiateAsync(Plans.SandboxVim, before, Ct);
        var oldNetwork = cloud.QueryResources("t1", "inst-f").Single(r => r.Kind == VimResourceKind.Network).ResourceId;

        var after = before with
        {
            OpOccId = "op-2",
            Networks = [new PlannedNetwork("vl-new", "other_vl", "10.20.0.0/24", "ipv4")],
            Ports = [.. before.Ports.Select(p => p with { NetworkKey = "vl-new" })],
        };
        var resources = await driver.ChangeFlavourAsync(Plans.SandboxVim, after, Ct);

        var held = cloud.QueryResources("t1", "inst-f");
        Assert.DoesNotContain(held, r => r.ResourceId == oldNetwork);
        var newNetwork = Assert.Single(held, r => r.Kind == VimResourceKind.Network);
        Assert.Equal("vl-new", newNetwork.ResourceKey);
        var ports = held.Where(r => r.Kind == VimResourceKind.Port).ToList();
        Assert.Equal(["cp1-0", "cp2-0"], ports.Select(p => p.ResourceKey).Order());
        Assert.All(ports, p =>
        {
            Assert.Equal(newNetwork.ResourceId, p.Attributes[VimAttributes.NetworkId]);
            Assert.StartsWith("10.20.0.", p.Attributes[VimAttributes.IpAddress]);
        });
        Assert.Equal(2, resources.Count(r => r.Kind == VimResourceKind.Port));
    }
}
