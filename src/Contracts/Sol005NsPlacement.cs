using System.Text.Json.Nodes;

namespace Mano.Contracts;

// ETSI GS NFV-SOL 005 v3.7.1 NS lifecycle management data types used by NS placement.

/// <summary>
/// SOL005 6.5.3.21 LocationConstraints: where a VNF instance may be created. A country code; or a civic address combined
/// with a country code; or an area (an RFC 7946 "Polygon"), conditionally combined with a country code.
/// </summary>
public sealed record LocationConstraints
{
    /// <summary>Two-letter ISO 3166 country code in capital letters. Shall be present when "area" is absent.</summary>
    public string? CountryCode { get; init; }
    /// <summary>Zero or more civic address elements (RFC 4776 3.4). Shall be absent when "area" is present.</summary>
    public IReadOnlyList<CivicAddressElement>? CivicAddressElement { get; init; }
    /// <summary>Geographic area: an RFC 7946 geometry object whose "type" is "Polygon".</summary>
    public JsonObject? Area { get; init; }
}

/// <summary>SOL005 6.5.3.21 LocationConstraints.civicAddressElement item: caType (RFC 4776 3.4) and caValue.</summary>
public sealed record CivicAddressElement(int CaType, string CaValue);
