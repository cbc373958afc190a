using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mano.Contracts;

// ETSI GS NFV-SOL 005 v3.7.1 clause 5 "NSD Management interface" (nsd/v2, API 2.3.0): NS descriptors, PNF descriptors,
// subscriptions and the notifications of clause 5.5.2.8 - 5.5.2.14. Field names verbatim from the GS.

public static class NsdmApi
{
    public const string Version = "2.3.0";
    public const string UriPrefix = "/nsd/v2";
}

/// <summary>SOL005 5.5.4.5 NsdOnboardingStateType (also PnfdOnboardingStateType, 5.5.4.6: the same values).</summary>
public static class NsdOnboardingState
{
    public const string Created = "CREATED";
    public const string Uploading = "UPLOADING";
    public const string Processing = "PROCESSING";
    public const string Onboarded = "ONBOARDED";
    public const string Error = "ERROR";
}

/// <summary>SOL005 5.5.4.3 NsdOperationalStateType.</summary>
public static class NsdOperationalState
{
    public const string Enabled = "ENABLED";
    public const string Disabled = "DISABLED";
}

/// <summary>SOL005 5.5.4.4 NsdUsageStateType (also PnfdUsageStateType, 5.5.4.7).</summary>
public static class NsdUsageState
{
    public const string InUse = "IN_USE";
    public const string NotInUse = "NOT_IN_USE";
}

/// <summary>SOL005 5.5.2.3 CreateNsdInfoRequest.</summary>
public sealed record CreateNsdInfoRequest
{
    public JsonObject? UserDefinedData { get; init; }
}

/// <summary>SOL005 5.5.2.2 NsdInfo.</summary>
public sealed record NsdInfo
{
    public required string Id { get; init; }
    public string? NsdId { get; init; }
    public string? NsdName { get; init; }
    public string? NsdVersion { get; init; }
    public string? NsdDesigner { get; init; }
    public string? NsdInvariantId { get; init; }
    public IReadOnlyList<string>? VnfPkgIds { get; init; }
    public IReadOnlyList<string>? PnfdInfoIds { get; init; }
    public IReadOnlyList<string>? NestedNsdInfoIds { get; init; }
    /// <summary>OPTION_1 / OPTION_2 (SOL007 clause 5.1), present once onboarded when the archive is signed.</summary>
    public string? ArchiveSecurityOption { get; init; }
    public string? SigningCertificate { get; init; }
    public IReadOnlyList<NsdArchiveArtifactInfo>? Artifacts { get; init; }
    public required string NsdOnboardingState { get; init; }
    public ProblemDetails? OnboardingFailureDetails { get; init; }
    public required string NsdOperationalState { get; init; }
    public required string NsdUsageState { get; init; }
    public JsonObject? UserDefinedData { get; init; }

    [JsonPropertyName("_links")]
    public required NsdInfoLinks Links { get; init; }
}

public sealed record NsdInfoLinks(
    Link Self,
    [property: JsonPropertyName("nsd_content")] Link NsdContent);

/// <summary>SOL005 5.5.3.5 NsdArchiveArtifactInfo.</summary>
public sealed record NsdArchiveArtifactInfo
{
    public required string ArtifactPath { get; init; }
    public required Checksum Checksum { get; init; }
    public JsonObject? Metadata { get; init; }
}

/// <summary>
/// SOL005 5.5.2.4 NsdInfoModifications: body of PATCH .../ns_descriptors/{nsdInfoId} ("application/merge-patch+json")
/// and of its 200 response. At least one attribute is present.
/// </summary>
public sealed record NsdInfoModifications
{
    public string? NsdOperationalState { get; init; }
    public JsonObject? UserDefinedData { get; init; }
}

/// <summary>SOL005 5.5.2.6 CreatePnfdInfoRequest.</summary>
public sealed record CreatePnfdInfoRequest
{
    public JsonObject? UserDefinedData { get; init; }
}

/// <summary>
/// SOL005 5.5.2.5 PnfdInfo. The GS names the version attribute "pnfdVersion"; the v3.7.1 OpenAPI file misspells it
/// "pnfdersion" (an optional property, so "pnfdVersion" still validates): the GS name is used.
/// </summary>
public sealed record PnfdInfo
{
    public required string Id { get; init; }
    public string? PnfdId { get; init; }
    public string? PnfdName { get; init; }
    public string? PnfdVersion { get; init; }
    public string? PnfdProvider { get; init; }
    public string? PnfdInvariantId { get; init; }
    public string? ArchiveSecurityOption { get; init; }
    public string? SigningCertificate { get; init; }
    public required string PnfdOnboardingState { get; init; }
    public ProblemDetails? OnboardingFailureDetails { get; init; }
    public required string PnfdUsageState { get; init; }
    public JsonObject? UserDefinedData { get; init; }

    [JsonPropertyName("_links")]
    public required PnfdInfoLinks Links { get; init; }
}

public sealed record PnfdInfoLinks(
    Link Self,
    [property: JsonPropertyName("pnfd_content")] Link PnfdContent);

/// <summary>SOL005 5.5.2.7 PnfdInfoModifications.</summary>
public sealed record PnfdInfoModifications
{
    public JsonObject? UserDefinedData { get; init; }
}

/// <summary>SOL005 5.5.3.2 NsdmNotificationsFilter (arrays as in the GS).</summary>
public sealed record NsdmNotificationsFilter
{
    public IReadOnlyList<string>? NotificationTypes { get; init; }
    public IReadOnlyList<string>? NsdInfoId { get; init; }
    public IReadOnlyList<string>? NsdId { get; init; }
    public IReadOnlyList<string>? NsdName { get; init; }
    public IReadOnlyList<string>? NsdVersion { get; init; }
    public IReadOnlyList<string>? NsdDesigner { get; init; }
    public IReadOnlyList<string>? NsdInvariantId { get; init; }
    public IReadOnlyList<string>? VnfPkgIds { get; init; }
    public IReadOnlyList<string>? PnfdInfoIds { get; init; }
    public IReadOnlyList<string>? NestedNsdInfoIds { get; init; }
    public IReadOnlyList<string>? NsdOnboardingState { get; init; }
    public IReadOnlyList<string>? NsdOperationalState { get; init; }
    public IReadOnlyList<string>? NsdUsageState { get; init; }
    public IReadOnlyList<string>? PnfdId { get; init; }
    public IReadOnlyList<string>? PnfdName { get; init; }
    public IReadOnlyList<string>? PnfdVersion { get; init; }
    public IReadOnlyList<string>? PnfdProvider { get; init; }
    public IReadOnlyList<string>? PnfdInvariantId { get; init; }
    public IReadOnlyList<string>? PnfdOnboardingState { get; init; }
    public IReadOnlyList<string>? PnfdUsageState { get; init; }
}

/// <summary>SOL005 5.5.2.8 NsdmSubscriptionRequest.</summary>
public sealed record NsdmSubscriptionRequest
{
    public NsdmNotificationsFilter? Filter { get; init; }
    public string? CallbackUri { get; init; }
    public SubscriptionAuthentication? Authentication { get; init; }
}

/// <summary>SOL005 5.5.2.9 NsdmSubscription (authentication is never returned).</summary>
public sealed record NsdmSubscription
{
    public required string Id { get; init; }
    public NsdmNotificationsFilter? Filter { get; init; }
    public required string CallbackUri { get; init; }

    [JsonPropertyName("_links")]
    public required NsdmSubscriptionLinks Links { get; init; }
}

public sealed record NsdmSubscriptionLinks(Link Self);

/// <summary>SOL005 5.5.3.3 NsdmLinks.</summary>
public sealed record NsdmLinks(NotificationLink NsdInfo, NotificationLink Subscription);

/// <summary>SOL005 5.5.3.4 PnfdmLinks.</summary>
public sealed record PnfdmLinks(NotificationLink PnfdInfo, NotificationLink Subscription);

/// <summary>The notification types of SOL005 5.5.2.10 - 5.5.2.16, spelled as the GS spells them.</summary>
public static class NsdmNotificationType
{
    public const string NsdOnBoarding = "NsdOnBoardingNotification";
    public const string NsdOnboardingFailure = "NsdOnboardingFailureNotification";
    public const string NsdChange = "NsdChangeNotification";
    public const string NsdDeletion = "NsdDeletionNotification";
    public const string PnfdOnBoarding = "PnfdOnBoardingNotification";
    public const string PnfdOnBoardingFailure = "PnfdOnBoardingFailureNotification";
    public const string PnfdDeletion = "PnfdDeletionNotification";

    public static readonly IReadOnlyList<string> All =
        [NsdOnBoarding, NsdOnboardingFailure, NsdChange, NsdDeletion, PnfdOnBoarding, PnfdOnBoardingFailure, PnfdDeletion];
}

/// <summary>
/// SOL005 5.5.2.10 - 5.5.2.16: one record for the seven NSD management notifications (each sets the attributes its
/// type requires: nsdInfoId/nsdId or pnfdInfoId/pnfdId, onboardingFailureDetails for a failure, nsdOperationalState
/// for NsdChangeNotification; _links is NsdmLinks or PnfdmLinks).
/// </summary>
public sealed record NsdmNotification
{
    public required string Id { get; init; }
    public required string NotificationType { get; init; }
    public required string SubscriptionId { get; init; }
    public required DateTime TimeStamp { get; init; }
    public string? NsdInfoId { get; init; }
    public string? NsdId { get; init; }
    public string? PnfdInfoId { get; init; }
    public string? PnfdId { get; init; }
    public string? NsdOperationalState { get; init; }
    public ProblemDetails? OnboardingFailureDetails { get; init; }

    /// <summary>NsdmLinks (nsdInfo, subscription) or PnfdmLinks (pnfdInfo, subscription).</summary>
    [JsonPropertyName("_links")]
    public required JsonObject Links { get; init; }
}
