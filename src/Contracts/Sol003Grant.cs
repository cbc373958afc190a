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
    /// <summary>SOL003 9.5.3.6 PlacementConstraint: built by Mano's VNFM from the VNFD flavour's affinity rules.</summary>
    public IReadOnlyList<PlacementConstraint>? PlacementConstraints { get; init; }
    /// <summary>SOL003 9.5.3.7 VimConstraint.</summary>
    public IReadOnlyList<VimConstraint>? VimConstraints { get; init; }
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
    public IReadOnlyList<ZoneGroupInfo>? ZoneGroups { get; init; }
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

/// <summary>SOL003 9.5.3.5 ZoneGroupInfo: ids of ZoneInfo entries of the Grant.</summary>
public sealed record ZoneGroupInfo
{
    public required IReadOnlyList<string> ZoneId { get; init; }
}

/// <summary>SOL003 9.5.3.6 PlacementConstraint.</summary>
public sealed record PlacementConstraint
{
    /// <summary><see cref="PlacementConstraintType.Affinity"/> or <see cref="PlacementConstraintType.AntiAffinity"/>.</summary>
    public required string AffinityOrAntiAffinity { get; init; }
    /// <summary>NFVI_POP, ZONE, ZONE_GROUP or NFVI_NODE (<see cref="PlacementScope"/>).</summary>
    public required string Scope { get; init; }
    /// <summary>At least two resources.</summary>
    public required IReadOnlyList<ConstraintResourceRef> Resource { get; init; }
    /// <summary>Absent means false: the constraint is hard.</summary>
    public bool? FallbackBestEffort { get; init; }
}

/// <summary>SOL003 9.5.3.7 VimConstraint.</summary>
public sealed record VimConstraint
{
    public bool? SameResourceGroup { get; init; }
    public required IReadOnlyList<ConstraintResourceRef> Resource { get; init; }
}

/// <summary>SOL003 9.5.3.8 ConstraintResourceRef: GRANT (a ResourceDefinition id of the request) or RES_MGMT (a VIM-level id).</summary>
public sealed record ConstraintResourceRef
{
    public required string IdType { get; init; }
    public required string ResourceId { get; init; }
    /// <summary>Only with idType RES_MGMT.</summary>
    public string? VimConnectionId { get; init; }
    public string? ResourceProviderId { get; init; }

    public static ConstraintResourceRef Grant(string resourceDefinitionId) => new() { IdType = ConstraintIdType.Grant, ResourceId = resourceDefinitionId };

    public static ConstraintResourceRef ResMgmt(string vimResourceId, string? vimConnectionId) =>
        new() { IdType = ConstraintIdType.ResMgmt, ResourceId = vimResourceId, VimConnectionId = vimConnectionId };
}

public static class PlacementConstraintType
{
    public const string Affinity = "AFFINITY";
    public const string AntiAffinity = "ANTI_AFFINITY";
}

public static class PlacementScope
{
    public const string NfviPop = "NFVI_POP";
    public const string Zone = "ZONE";
    public const string ZoneGroup = "ZONE_GROUP";
    public const string NfviNode = "NFVI_NODE";
}

public static class ConstraintIdType
{
    public const string Grant = "GRANT";
    public const string ResMgmt = "RES_MGMT";
}

/// <summary>SOL003 clause 9 "VNF Lifecycle Operation Granting interface": grant/v1, API version 1.7.0.</summary>
public static class GrantApi
{
    public const string Name = "grant";
    public const string MajorVersion = "v1";
    public const string Version = "1.7.0";
}
