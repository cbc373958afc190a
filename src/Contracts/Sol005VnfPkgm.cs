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
    /// <summary>SOL004 versions the package complies to, from the manifest metadata (compatible_specification_versions).</summary>
    public IReadOnlyList<string>? CompatibleSpecificationVersions { get; init; }
    public Checksum? Checksum { get; init; }
    /// <summary>OPTION_1 (signed manifest) or OPTION_2 (signed CSAR envelope), SOL004 clause 5.1.</summary>
    public string? PackageSecurityOption { get; init; }
    /// <summary>The package's signing certificate (PEM), when it is a file of the package (ETSI-Entry-Certificate).</summary>
    public string? SigningCertificate { get; init; }
    public IReadOnlyList<VnfPackageSoftwareImageInfo>? SoftwareImages { get; init; }
    public IReadOnlyList<VnfPackageArtifactInfo>? AdditionalArtifacts { get; init; }
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

/// <summary>SOL005 9.5.4.6 PackageChangeType.</summary>
public static class PackageChangeType
{
    public const string OpStateChange = "OP_STATE_CHANGE";
    public const string PkgDelete = "PKG_DELETE";
}

/// <summary>SOL005 9.5.4.5 PackageSecurityOption values (VnfPkgInfo.packageSecurityOption).</summary>
public static class PackageSecurityOption
{
    public const string Option1 = "OPTION_1";
    public const string Option2 = "OPTION_2";
}

/// <summary>SOL005 9.5.3.2 VnfPackageSoftwareImageInfo.</summary>
public sealed record VnfPackageSoftwareImageInfo
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Provider { get; init; }
    public required string Version { get; init; }
    public required Checksum Checksum { get; init; }
    public bool IsEncrypted { get; init; }
    public required string ContainerFormat { get; init; }
    public required string DiskFormat { get; init; }
    public required DateTime CreatedAt { get; init; }
    public long MinDisk { get; init; }
    public long MinRam { get; init; }
    public long Size { get; init; }
    public JsonObject? UserMetadata { get; init; }
    public string? ImagePath { get; init; }
    public string? ImageUri { get; init; }
}

/// <summary>SOL005 9.5.3.3 VnfPackageArtifactInfo.</summary>
public sealed record VnfPackageArtifactInfo
{
    public string? ArtifactPath { get; init; }
    [JsonPropertyName("artifactURI")]
    public string? ArtifactUri { get; init; }
    public required Checksum Checksum { get; init; }
    public bool IsEncrypted { get; init; }
    public string? NonManoArtifactSetId { get; init; }
    /// <summary>HISTORY, TESTING or LICENSE (SOL004 4.3.3-4.3.5); absent otherwise.</summary>
    public string? ArtifactClassification { get; init; }
    public JsonObject? Metadata { get; init; }
}

/// <summary>
/// SOL005 9.5.2.4 UploadVnfPkgFromUriRequest. v3.7.1 defines addressInformation, authType and
/// paramsOauth2ClientCredentials; userName/password are the SOL005 v2.x attributes (HTTP basic authentication) that
/// Tacker and its clients still send, accepted as well. The credentials are write-only: never returned, never logged.
/// </summary>
public sealed record UploadVnfPkgFromUriRequest
{
    public string? AddressInformation { get; init; }
    public string? AuthType { get; init; }
    public SubscriptionParamsOauth2ClientCredentials? ParamsOauth2ClientCredentials { get; init; }
    public string? UserName { get; init; }
    public string? Password { get; init; }
}

/// <summary>SOL005 9.5.3.2 PkgmNotificationsFilter (the attributes that are arrays in the GS are arrays here).</summary>
public sealed record PkgmNotificationsFilter
{
    public IReadOnlyList<string>? NotificationTypes { get; init; }
    public IReadOnlyList<PkgmVnfProductsFromProvider>? VnfProductsFromProviders { get; init; }
    public IReadOnlyList<string>? VnfdId { get; init; }
    public IReadOnlyList<string>? VnfPkgId { get; init; }
    public IReadOnlyList<string>? OperationalState { get; init; }
    public IReadOnlyList<string>? UsageState { get; init; }
    public IReadOnlyList<string>? VnfmInfo { get; init; }
}

public sealed record PkgmVnfProductsFromProvider
{
    public string? VnfProvider { get; init; }
    public IReadOnlyList<PkgmVnfProduct>? VnfProducts { get; init; }
}

public sealed record PkgmVnfProduct
{
    public string? VnfProductName { get; init; }
    public IReadOnlyList<PkgmVnfProductVersion>? Versions { get; init; }
}

public sealed record PkgmVnfProductVersion
{
    public string? VnfSoftwareVersion { get; init; }
    public IReadOnlyList<string>? VnfdVersions { get; init; }
}

/// <summary>SOL005 9.5.2.6 PkgmSubscriptionRequest.</summary>
public sealed record PkgmSubscriptionRequest
{
    public PkgmNotificationsFilter? Filter { get; init; }
    public string? CallbackUri { get; init; }
    public SubscriptionAuthentication? Authentication { get; init; }
}

/// <summary>SOL005 9.5.2.7 PkgmSubscription (authentication is never returned).</summary>
public sealed record PkgmSubscription
{
    public required string Id { get; init; }
    public PkgmNotificationsFilter? Filter { get; init; }
    public required string CallbackUri { get; init; }

    [JsonPropertyName("_links")]
    public required PkgmSubscriptionLinks Links { get; init; }
}

public sealed record PkgmSubscriptionLinks(Link Self);

/// <summary>SOL005 9.5.3.4 PkgmLinks.</summary>
public sealed record PkgmLinks(NotificationLink VnfPackage, NotificationLink Subscription);

/// <summary>SOL005 9.5.2.8 VnfPackageOnboardingNotification.</summary>
public sealed record VnfPackageOnboardingNotification
{
    public const string Type = "VnfPackageOnboardingNotification";
    public required string Id { get; init; }
    public string NotificationType { get; init; } = Type;
    public required string SubscriptionId { get; init; }
    public required DateTime TimeStamp { get; init; }
    public required string VnfPkgId { get; init; }
    public required string VnfdId { get; init; }
    public required IReadOnlyList<string> VnfmInfo { get; init; }

    [JsonPropertyName("_links")]
    public required PkgmLinks Links { get; init; }
}

/// <summary>SOL005 9.5.2.9 VnfPackageChangeNotification.</summary>
public sealed record VnfPackageChangeNotification
{
    public const string Type = "VnfPackageChangeNotification";
    public required string Id { get; init; }
    public string NotificationType { get; init; } = Type;
    public required string SubscriptionId { get; init; }
    public required DateTime TimeStamp { get; init; }
    public required string VnfPkgId { get; init; }
    public required string VnfdId { get; init; }
    public required string ChangeType { get; init; }
    public string? OperationalState { get; init; }

    [JsonPropertyName("_links")]
    public required PkgmLinks Links { get; init; }
}
