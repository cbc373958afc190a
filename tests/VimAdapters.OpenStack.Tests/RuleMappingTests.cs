using Mano.VimAdapters.OpenStack;

namespace Mano.VimAdapters.OpenStack.Tests;

/// <summary>SOL001 SecurityGroupRule -> Neutron rule and checksum algorithm names: pure logic, no cloud needed.</summary>
public sealed class RuleMappingTests
{
    [Theory]
    [InlineData("ingress", "ipv4", "tcp", 22, 22, "ingress", "IPv4", "tcp", 22, 22)]
    [InlineData("egress", "ipv6", "udp", 0, 1023, "egress", "IPv6", "udp", 1, 1023)]
    [InlineData("ingress", "ipv4", "tcp", 0, 65535, "ingress", "IPv4", "tcp", null, null)]
    [InlineData("ingress", "ipv4", "icmp", 0, 65535, "ingress", "IPv4", "icmp", null, null)]
    [InlineData("ingress", "ipv4", "ICMP", 8, 8, "ingress", "IPv4", "icmp", null, null)]
    public void SOL001_rules_map_to_Neutron_rules(string direction, string ether, string protocol, int min, int max,
        string nDirection, string nEther, string nProtocol, int? nMin, int? nMax)
    {
        var rule = OpenStackVimDriver.ToNeutronRule(new PlannedSecurityGroupRule("r", direction, ether, protocol, min, max));
        Assert.Equal(new SecurityGroupRuleSpec(nDirection, nEther, nProtocol, nMin, nMax), rule);
    }

    [Theory]
    [InlineData("SHA-256", "sha256")]
    [InlineData("sha_512", "sha512")]
    [InlineData("sha512", "sha512")]
    [InlineData("MD5", "md5")]
    [InlineData("  ", null)]
    public void Checksum_algorithms_are_compared_in_Glance_spelling(string given, string? expected) =>
        Assert.Equal(expected, GlanceClient.NormaliseAlgorithm(given));

    [Fact]
    public void A_granted_flavour_is_used_as_is_and_an_unknown_one_is_a_clear_error()
    {
        NovaFlavor[] flavors = [new("id-tiny", "m1.tiny", 1, 64, 1, true), new("id-small", "m1.small", 1, 512, 1, true)];
        var c = new PlannedCompute("k", "VDU1", "vdu1", 1, 64, null, null) { FlavorName = "m1.tiny", VimFlavourId = "id-small" };
        Assert.Equal("m1.small", OpenStackVimDriver.FlavorOf("instantiate", flavors, c).Name);
        var e = Assert.Throws<VimException>(() => OpenStackVimDriver.FlavorOf("instantiate", flavors, c with { VimFlavourId = "gone" }));
        Assert.Equal("instantiate.resolve_flavor", e.Operation);
        Assert.Contains("vimFlavourId 'gone' for VDU 'VDU1'", e.Message, StringComparison.Ordinal);
    }
}
