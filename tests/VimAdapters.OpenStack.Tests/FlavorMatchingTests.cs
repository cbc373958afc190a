using Mano.VimAdapters.OpenStack;

namespace Mano.VimAdapters.OpenStack.Tests;

/// <summary>Flavour choice is pure logic: no cloud needed.</summary>
public sealed class FlavorMatchingTests
{
    private static readonly NovaFlavor[] Flavors =
    [
        Flavor("m1.tiny", 1, 512), Flavor("m1.small", 1, 2048), Flavor("m1.medium", 2, 4096),
    ];

    [Fact]
    public void The_flavour_the_VNFD_names_is_used_when_the_VIM_has_it()
    {
        var c = new PlannedCompute("k", "VDU1", "vdu1", 1, 512, null, null) { FlavorName = "m1.small" };
        Assert.Equal("m1.small", OpenStackVimDriver.MatchFlavor("instantiate", Flavors, c).Name);
    }

    [Fact]
    public void Without_a_named_flavour_on_the_VIM_the_virtual_compute_requirements_decide()
    {
        var c = new PlannedCompute("k", "VDU1", "vdu1", 2, 3000, null, null) { FlavorName = "not-on-this-vim" };
        Assert.Equal("m1.medium", OpenStackVimDriver.MatchFlavor("instantiate", Flavors, c).Name);
        var exact = new PlannedCompute("k", "VDU1", "vdu1", 1, 512, null, null);
        Assert.Equal("m1.tiny", OpenStackVimDriver.MatchFlavor("instantiate", Flavors, exact).Name);
    }

    private static NovaFlavor Flavor(string name, int vcpus, long ramMiB) => new(name, name, vcpus, ramMiB, 1, true);
}
