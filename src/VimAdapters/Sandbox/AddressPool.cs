using System.Net;
using System.Net.Sockets;

namespace Mano.VimAdapters;

/// <summary>
/// The addresses of one subnet: the first host address is the gateway, ports get the lowest free
/// address after it (IPv4 also keeps the broadcast address out).
/// </summary>
internal sealed class AddressPool
{
    private readonly HashSet<UInt128> _used = [];
    private readonly UInt128 _first;
    private readonly UInt128 _last;
    private readonly bool _v6;

    private AddressPool(UInt128 baseAddress, UInt128 first, UInt128 last, bool v6)
    {
        BaseAddress = baseAddress;
        _first = first;
        _last = last;
        _v6 = v6;
    }

    public UInt128 BaseAddress { get; }
    public int PrefixLength { get; private init; }
    public int IpVersion => _v6 ? 6 : 4;
    public string GatewayIp => ToString(BaseAddress + 1);
    public string Cidr => $"{ToString(BaseAddress)}/{PrefixLength}";

    /// <summary>Parses a CIDR; returns an error text instead of throwing.</summary>
    public static AddressPool? TryCreate(string cidr, out string? error)
    {
        error = null;
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !IPAddress.TryParse(cidr.AsSpan(0, slash), out var address)
            || !int.TryParse(cidr.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix))
        {
            error = $"'{cidr}' is not a CIDR such as 10.0.0.0/24";
            return null;
        }
        var v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var bits = v6 ? 128 : 32;
        if (prefix > bits)
        {
            error = $"'{cidr}' has a prefix longer than {bits} bits";
            return null;
        }
        var value = ToNumber(address);
        var hostBits = bits - prefix;
        var size = hostBits == 128 ? UInt128.MaxValue : (UInt128)1 << hostBits;
        var mask = hostBits == 128 ? UInt128.MaxValue : size - 1;
        if ((value & mask) != 0)
        {
            error = $"'{cidr}' has host bits set";
            return null;
        }
        // Keep network address and gateway (+1) out; IPv4 also keeps the broadcast address out.
        var last = value + (size - 1) - (v6 ? UInt128.Zero : UInt128.One);
        var first = value + 2;
        if (size < 4 || last < first)
        {
            error = $"'{cidr}' is too small to hold a gateway and ports";
            return null;
        }
        return new AddressPool(value, first, last, v6) { PrefixLength = prefix };
    }

    public string? Allocate()
    {
        for (var candidate = _first; candidate <= _last; candidate++)
        {
            if (_used.Add(candidate)) return ToString(candidate);
            if (candidate == UInt128.MaxValue) break;
        }
        return null;
    }

    /// <summary>Marks an address used (state loaded from disk); false when it is outside the pool or taken.</summary>
    public bool Reserve(string ip)
    {
        if (!IPAddress.TryParse(ip, out var address) || (address.AddressFamily == AddressFamily.InterNetworkV6) != _v6) return false;
        var value = ToNumber(address);
        return value >= _first && value <= _last && _used.Add(value);
    }

    public void Release(string? ip)
    {
        if (ip is not null && IPAddress.TryParse(ip, out var address)) _used.Remove(ToNumber(address));
    }

    private static UInt128 ToNumber(IPAddress address)
    {
        UInt128 value = 0;
        foreach (var b in address.GetAddressBytes()) value = (value << 8) | b;
        return value;
    }

    private string ToString(UInt128 value)
    {
        var bytes = new byte[_v6 ? 16 : 4];
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xff);
            value >>= 8;
        }
        return new IPAddress(bytes).ToString();
    }
}
