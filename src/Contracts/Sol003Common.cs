using System.Text.Json.Nodes;

namespace Mano.Contracts;

// ETSI GS NFV-SOL 003 v3.7.1 clause 4.4.1 (General_Definitions/SOL003_def.yaml): types shared by several interfaces.

/// <summary>SOL003 4.4.1.6 VimConnectionInfo. accessInfo carries credentials: never logged, never returned by the API.</summary>
public sealed record VimConnectionInfo
{
    public string? VimId { get; init; }
    public required string VimType { get; init; }
    public Dictionary<string, string>? InterfaceInfo { get; init; }
    public Dictionary<string, string>? AccessInfo { get; init; }
    public Dictionary<string, string>? Extra { get; init; }
}

/// <summary>SOL003 4.4.1.7 ResourceHandle.</summary>
public sealed record ResourceHandle
{
    public string? VimConnectionId { get; init; }
    public string? ResourceProviderId { get; init; }
    public required string ResourceId { get; init; }
    public string? VimLevelResourceType { get; init; }
}

/// <summary>SOL003 4.4.1.11 ExtVirtualLinkData.</summary>
public sealed record ExtVirtualLinkData
{
    public required string Id { get; init; }
    public string? VimConnectionId { get; init; }
    public string? ResourceProviderId { get; init; }
    public required string ResourceId { get; init; }
    public required IReadOnlyList<VnfExtCpData> ExtCps { get; init; }
    public JsonArray? ExtLinkPorts { get; init; }
}

/// <summary>SOL003 4.4.1.10a VnfExtCpData. cpConfig is a map keyed by cpConfigId.</summary>
public sealed record VnfExtCpData
{
    public required string CpdId { get; init; }
    public Dictionary<string, JsonObject>? CpConfig { get; init; }
}
