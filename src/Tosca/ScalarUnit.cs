using System.Globalization;

namespace Mano.Tosca;

/// <summary>TOSCA scalar-unit parsing.</summary>
public static class ScalarUnit
{
    private static readonly Dictionary<string, long> SizeUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["B"] = 1,
        ["kB"] = 1_000, ["KiB"] = 1L << 10,
        ["MB"] = 1_000_000, ["MiB"] = 1L << 20,
        ["GB"] = 1_000_000_000, ["GiB"] = 1L << 30,
        ["TB"] = 1_000_000_000_000, ["TiB"] = 1L << 40,
    };

    /// <summary>Parses a TOSCA 1.2/1.3 scalar-unit.size ("512 MB", "1 GiB", "3GB") into bytes (TOSCA semantics: MB = 10^6, MiB = 2^20).</summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        if (!TrySplit(text, out var number, out var unit) || !SizeUnits.TryGetValue(unit, out var factor)) return false;
        var value = number * factor;
        if (value < 0 || value > long.MaxValue) return false;
        bytes = (long)Math.Round(value, MidpointRounding.AwayFromZero);
        return true;
    }

    /// <summary>
    /// Converts a size to a count of 2^(10*k) units under the VIM convention used by Tacker/Nova
    /// (decimal and binary prefixes are both read as binary: "512 MB" of memory is 512 MiB, "3 GB" of disk is 3 GiB), rounded up.
    /// </summary>
    internal static bool TryParseVimSize(string text, int binaryPower, out long units)
    {
        units = 0;
        if (!TrySplit(text, out var number, out var unit)) return false;
        int power;
        switch (unit.ToUpperInvariant())
        {
            case "B": power = 0; break;
            case "KB": case "KIB": power = 1; break;
            case "MB": case "MIB": power = 2; break;
            case "GB": case "GIB": power = 3; break;
            case "TB": case "TIB": power = 4; break;
            default: return false;
        }
        var value = (double)number * Math.Pow(1024, power - binaryPower);
        if (value < 0 || value > long.MaxValue) return false;
        units = (long)Math.Ceiling(value - 1e-9);
        return true;
    }

    private static readonly Dictionary<string, double> TimeUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["d"] = 86_400, ["h"] = 3_600, ["m"] = 60, ["s"] = 1, ["ms"] = 1e-3, ["us"] = 1e-6, ["ns"] = 1e-9,
    };

    private static readonly Dictionary<string, double> FrequencyUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Hz"] = 1, ["kHz"] = 1e3, ["MHz"] = 1e6, ["GHz"] = 1e9,
    };

    // TOSCA 1.3 scalar-unit.bitrate: bits per second ("bps") or bytes per second ("Bps"), decimal or binary prefixes.
    private static readonly Dictionary<string, double> BitratePrefixes = new(StringComparer.OrdinalIgnoreCase)
    {
        [""] = 1, ["K"] = 1e3, ["Ki"] = 1024, ["M"] = 1e6, ["Mi"] = 1024d * 1024, ["G"] = 1e9, ["Gi"] = 1024d * 1024 * 1024,
        ["T"] = 1e12, ["Ti"] = 1024d * 1024 * 1024 * 1024,
    };

    /// <summary>
    /// Parses any TOSCA scalar-unit ("size", "time", "frequency" or "bitrate") into its base unit (bytes, seconds, Hz, bits/s).
    /// Units are case-insensitive, except the b/B of a bitrate (bits or bytes).
    /// </summary>
    public static bool TryParse(string kind, string text, out double value)
    {
        value = 0;
        if (!TrySplit(text, out var number, out var unit)) return false;
        double factor;
        switch (kind)
        {
            case "size":
                if (!SizeUnits.TryGetValue(unit, out var f)) return false;
                factor = f;
                break;
            case "time":
                if (!TimeUnits.TryGetValue(unit, out factor)) return false;
                break;
            case "frequency":
                if (!FrequencyUnits.TryGetValue(unit, out factor)) return false;
                break;
            case "bitrate":
                if (unit.Length < 3 || !unit.EndsWith("ps", StringComparison.Ordinal) || unit[^3] is not ('b' or 'B')
                    || !BitratePrefixes.TryGetValue(unit[..^3], out var p)) return false;
                factor = p * (unit[^3] == 'B' ? 8 : 1);
                break;
            default:
                return false;
        }
        value = (double)number * factor;
        return true;
    }

    private static bool TrySplit(string text, out decimal number, out string unit)
    {
        number = 0; unit = "";
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim();
        var i = 0;
        while (i < t.Length && (char.IsAsciiDigit(t[i]) || t[i] == '.' || t[i] == '+')) i++;
        if (i == 0) return false;
        if (!decimal.TryParse(t.AsSpan(0, i), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number)) return false;
        unit = t[i..].Trim();
        return unit.Length > 0 && unit.All(char.IsAsciiLetter);
    }
}
