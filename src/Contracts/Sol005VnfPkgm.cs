using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mano.Contracts;

// ETSI GS NFV-SOL 005 v3.7.1 clause 9 "VNF Package Management interface" (vnfpkgm/v2, API 2.4.0).

public static class VnfPkgmApi
{
    public const string Version = "2.4.0";
    public const string UriPrefix = "/vnfpkgm/v2";
}

/// <summary>SOL005 9.5.4.4 PackageOnboardingStateType.</summary>
public static class PackageOnboardingState
{
    public const string Created = "CREATED";
    public const string Uploading = "UPLOADING";
    public const string Processing = "PROCESSING";
    public const string Onboarded = "ONBOARDED";
    public const string Error = "ERROR";
}

public static class PackageOperationalState
{
    public const string Enabled = "ENABLED";
    public const string Disabled = "DISABLED";
}

public static class PackageUsageState
{
    public const string InUse = "IN_USE";
    public const string NotInUse = "NOT_IN_USE";
}

/// <summary>SOL005 9.5.2.2 CreateVnfPkgInfoRequest.</summary>
public sealed record CreateVnfPkgInfoRequest
{
    public JsonObject? UserDefinedData { get; init; }
}

/// <summary>SOL005 9.5.2.5 VnfPkgInfo.</summary>
public sealed record VnfPkgInfo
{
    public required string Id { get; init; }
    public string? VnfdId { get; init; }
    public string? VnfProvider { get; init; }
    public string? VnfProductName { get; init; }
    public string? VnfSoftwareVersion { get; init; }
    public string? VnfdVersion { get; init; }
    public Checksum? Checksum { get; init; }
    public string? PackageSecurityOption { get; init; }
    public required string OnboardingState { get; init; }
    public required string OperationalState { get; init; }
    public required string UsageState { get; init; }
    public IReadOnlyList<string>? VnfmInfo { get; init; }
    public JsonObject? UserDefinedData { get; init; }
    public ProblemDetails? OnboardingFailureDetails { get; init; }

    [JsonPropertyName("_links")]
    public required VnfPkgInfoLinks Links { get; init; }
}

public sealed record VnfPkgInfoLinks(Link Self, Link Vnfd, Link PackageContent);

/// <summary>SOL005 9.5.3.3 Checksum.</summary>
public sealed record Checksum(string Algorithm, string Hash);

/// <summary>
/// SOL005 9.5.2.3 VnfPkgInfoModifications: the body of PATCH .../vnf_packages/{vnfPkgId}
/// ("application/merge-patch+json") and of its 200 response. At least one attribute is present.
/// </summary>
public sealed record VnfPkgInfoModifications
{
    public string? OperationalState { get; init; }
    public JsonObject? UserDefinedData { get; init; }
}
