using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mano.Contracts;

// ETSI GS NFV-SOL 003 v3.7.1 clause 9 "VNF Lifecycle Operation Granting interface" (grant/v1, API 1.7.0).
// Mano's VNFM sends these to Mano's NFVO as bus messages; an external NFVO gets the same bodies over REST.

/// <summary>SOL003 9.5.2.2 GrantRequest.</summary>
public sealed record GrantRequest
{
    public required string VnfInstanceId { get; init; }
    public required string VnfLcmOpOccId { get; init; }
    public required string VnfdId { get; init; }
    public string? DstVnfdId { get; init; }
    public string? FlavourId { get; init; }
    /// <summary>SOL003 9.5.4.2 GrantedLcmOperationType.</summary>
    public required string Operation { get; init; }
    public required bool IsAutomaticInvocation { get; init; }
    public string? InstantiationLevelId { get; init; }
    public IReadOnlyList<ResourceDefinition>? AddResources { get; init; }
    public IReadOnlyList<ResourceDefinition>? TempResources { get; init; }
    public IReadOnlyList<ResourceDefinition>? RemoveResources { get; init; }
    public IReadOnlyList<ResourceDefinition>? UpdateResources { get; init; }
    public JsonArray? PlacementConstraints { get; init; }
    public JsonArray? VimConstraints { get; init; }
    public JsonObject? AdditionalParams { get; init; }

    [JsonPropertyName("_links")]
    public required GrantRequestLinks Links { get; init; }
}

public sealed record GrantRequestLinks(Link VnfLcmOpOcc, Link VnfInstance);

/// <summary>SOL003 9.5.3.2 ResourceDefinition. type: COMPUTE, VL, STORAGE, LINKPORT, SNAPSHOT.</summary>
public sealed record ResourceDefinition
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public string? VduId { get; init; }
    public string? VnfdId { get; init; }
    public required string ResourceTemplateId { get; init; }
    public string? SecondaryResourceTemplateId { get; init; }
    public ResourceHandle? Resource { get; init; }
}

/// <summary>SOL003 9.5.2.3 Grant.</summary>
public sealed record Grant
{
    public required string Id { get; init; }
    public required string VnfInstanceId { get; init; }
    public required string VnfLcmOpOccId { get; init; }
    /// <summary>Map of VimConnectionInfo keyed by vimConnectionId (SOL003 v3.x: a map, not an array).</summary>
    public Dictionary<string, VimConnectionInfo>? VimConnectionInfo { get; init; }
    public IReadOnlyList<ZoneInfo>? Zones { get; init; }
    public IReadOnlyList<GrantInfo>? AddResources { get; init; }
    public IReadOnlyList<GrantInfo>? TempResources { get; init; }
    public IReadOnlyList<GrantInfo>? RemoveResources { get; init; }
    public IReadOnlyList<GrantInfo>? UpdateResources { get; init; }
    public JsonObject? VimAssets { get; init; }
    public IReadOnlyList<ExtVirtualLinkData>? ExtVirtualLinks { get; init; }
    public JsonObject? AdditionalParams { get; init; }

    [JsonPropertyName("_links")]
    public required GrantLinks Links { get; init; }
}

public sealed record GrantLinks(Link Self, Link VnfLcmOpOcc, Link VnfInstance);

/// <summary>SOL003 9.5.3.3 GrantInfo.</summary>
public sealed record GrantInfo
{
    public required string ResourceDefinitionId { get; init; }
    public string? ReservationId { get; init; }
    public string? VimConnectionId { get; init; }
    public string? ResourceProviderId { get; init; }
    public string? ZoneId { get; init; }
    public string? ResourceGroupId { get; init; }
}

/// <summary>SOL003 9.5.3.4 ZoneInfo.</summary>
public sealed record ZoneInfo
{
    public required string Id { get; init; }
    public required string ZoneId { get; init; }
    public string? VimConnectionId { get; init; }
}
