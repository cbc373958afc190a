namespace Mano.VimAdapters.OpenStack;

/// <summary>Knobs of the OpenStack driver (bound from configuration section <c>VimAdapters:OpenStack</c> by the host, or set in code).</summary>
public sealed class OpenStackOptions
{
    /// <summary>How long a server may take to reach ACTIVE / SHUTOFF, or to disappear after a delete.</summary>
    public TimeSpan ServerTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a Neutron/Glance/Cinder resource may take to reach its wanted state (image active, volume available, gone).</summary>
    public TimeSpan ResourceTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Interval between two status polls.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A cached Keystone token is renewed when it has less than this left.</summary>
    public TimeSpan TokenRenewBefore { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The Nova microversion wanted. Lowered to what the cloud serves; 2.52 is the least the driver works with
    /// (server tags given at create, flavor details embedded in servers need 2.47).
    /// </summary>
    public string NovaMicroversion { get; set; } = "2.79";

    /// <summary>Timeout of one HTTP request to an OpenStack API.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How a port (re-)made for a server that exists (change_ext_conn, a port lost after a crash) gets onto it: true, hot
    /// attach (Nova os-interface); false, the server is re-created with all its ports (a reboot of that VNFC, but no
    /// dependence on the hypervisor's hot-plug; the test cloud's fake virt driver times out on hot attach).
    /// </summary>
    public bool HotAttachPorts { get; set; } = true;

    /// <summary>CIDR given to a planned IPv4 network that names none (per-network, so overlaps between networks are fine).</summary>
    public string DefaultIpv4Cidr { get; set; } = "192.168.0.0/24";

    /// <summary>CIDR given to a planned IPv6 network that names none.</summary>
    public string DefaultIpv6Cidr { get; set; } = "fd00:0:0:1::/64";
}
