using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mano.Contracts;

// ETSI GS NFV-SOL 003 v3.7.1 clause 5 "VNF Lifecycle Management interface" (vnflcm/v2, API 2.3.0).
// Names are the specification's, verbatim. Only what Mano fills today is typed; the rest arrives with its issue.

public static class VnfLcmApi
{
    public const string Version = "2.3.0";
    public const string UriPrefix = "/vnflcm/v2";
}

public static class InstantiationState
{
    public const string NotInstantiated = "NOT_INSTANTIATED";
    public const string Instantiated = "INSTANTIATED";
}

/// <summary>SOL003 5.5.4.5 LcmOperationStateType.</summary>
public static class LcmOperationState
{
    public const string Starting = "STARTING";
    public const string Processing = "PROCESSING";
    public const string Completed = "COMPLETED";
    public const string FailedTemp = "FAILED_TEMP";
    public const string Failed = "FAILED";
    public const string RollingBack = "ROLLING_BACK";
    public const string RolledBack = "ROLLED_BACK";

    /// <summary>SOL003 5.6.2.2: COMPLETED, FAILED and ROLLED_BACK are final.</summary>
    public static bool IsFinal(string state) => state is Completed or Failed or RolledBack;
}

/// <summary>SOL003 4.4.1.5 LcmOperationType.</summary>
public static class LcmOperationType
{
    public const string Instantiate = "INSTANTIATE";
    public const string Scale = "SCALE";
    public const string ScaleToLevel = "SCALE_TO_LEVEL";
    public const string ChangeFlavour = "CHANGE_FLAVOUR";
    public const string Terminate = "TERMINATE";
    public const string Heal = "HEAL";
    public const string Operate = "OPERATE";
    public const string ChangeExtConn = "CHANGE_EXT_CONN";
    public const string ModifyInfo = "MODIFY_INFO";
    public const string ChangeVnfpkg = "CHANGE_VNFPKG";
}

/// <summary>SOL003 5.5.2.3 CreateVnfRequest.</summary>
public sealed record CreateVnfRequest
{
    public string? VnfdId { get; init; }
    public string? VnfInstanceName { get; init; }
    public string? VnfInstanceDescription { get; init; }
    public JsonObject? Metadata { get; init; }
}

/// <summary>SOL003 5.5.2.4 InstantiateVnfRequest.</summary>
public sealed record InstantiateVnfRequest
{
    public string? FlavourId { get; init; }
    public string? InstantiationLevelId { get; init; }
    public IReadOnlyList<ExtVirtualLinkData>? ExtVirtualLinks { get; init; }
    public JsonArray? ExtManagedVirtualLinks { get; init; }
    public Dictionary<string, VimConnectionInfo>? VimConnectionInfo { get; init; }
    public string? LocalizationLanguage { get; init; }
    public JsonObject? AdditionalParams { get; init; }
    public JsonObject? Extensions { get; init; }
    public JsonObject? VnfConfigurableProperties { get; init; }
}

/// <summary>SOL003 5.5.2.8 TerminateVnfRequest. terminationType: FORCEFUL or GRACEFUL.</summary>
public sealed record TerminateVnfRequest
{
    public string? TerminationType { get; init; }
    public int? GracefulTerminationTimeout { get; init; }
    public JsonObject? AdditionalParams { get; init; }
}

/// <summary>SOL003 5.5.2.2 VnfInstance.</summary>
public sealed record VnfInstance
{
    public required string Id { get; init; }
    public string? VnfInstanceName { get; init; }
    public string? VnfInstanceDescription { get; init; }
    public required string VnfdId { get; init; }
    public required string VnfProvider { get; init; }
    public required string VnfProductName { get; init; }
    public required string VnfSoftwareVersion { get; init; }
    public required string VnfdVersion { get; init; }
    /// <summary>Map of VimConnectionInfo keyed by vimConnectionId; accessInfo is never returned (SOL003 5.5.2.2 note).</summary>
    public Dictionary<string, VimConnectionInfo>? VimConnectionInfo { get; init; }
    public required string InstantiationState { get; init; }
    public InstantiatedVnfInfo? InstantiatedVnfInfo { get; init; }
    public JsonObject? VnfConfigurableProperties { get; init; }
    public JsonObject? Metadata { get; init; }
    public JsonObject? Extensions { get; init; }

    [JsonPropertyName("_links")]
    public required VnfInstanceLinks Links { get; init; }
}

public sealed record VnfInstanceLinks
{
    public required Link Self { get; init; }
    public Link? Instantiate { get; init; }
    public Link? Terminate { get; init; }
    public Link? Scale { get; init; }
    public Link? ScaleToLevel { get; init; }
    public Link? ChangeFlavour { get; init; }
    public Link? Heal { get; init; }
    public Link? Operate { get; init; }
    public Link? ChangeExtConn { get; init; }
}

/// <summary>SOL003 5.5.2.2 VnfInstance.instantiatedVnfInfo.</summary>
public sealed record InstantiatedVnfInfo
{
    public required string FlavourId { get; init; }
    /// <summary>SOL003 5.5.4.3 VnfOperationalStateType: STARTED or STOPPED.</summary>
    public required string VnfState { get; init; }
    public IReadOnlyList<ScaleInfo>? ScaleStatus { get; init; }
    public IReadOnlyList<ScaleInfo>? MaxScaleLevels { get; init; }
    public required IReadOnlyList<VnfExtCpInfo> ExtCpInfo { get; init; }
    public IReadOnlyList<ExtVirtualLinkInfo>? ExtVirtualLinkInfo { get; init; }
    public string? LocalizationLanguage { get; init; }
    public IReadOnlyList<VnfcResourceInfo>? VnfcResourceInfo { get; init; }
    public IReadOnlyList<VnfVirtualLinkResourceInfo>? VnfVirtualLinkResourceInfo { get; init; }
    public IReadOnlyList<VirtualStorageResourceInfo>? VnfVirtualStorageResourceInfo { get; init; }
}

/// <summary>SOL003 4.4.1.17 ScaleInfo.</summary>
public sealed record ScaleInfo(string AspectId, int ScaleLevel, string? VnfdId = null);

/// <summary>SOL003 5.5.3.17 VnfExtCpInfo.</summary>
public sealed record VnfExtCpInfo
{
    public required string Id { get; init; }
    public required string CpdId { get; init; }
    public required string CpConfigId { get; init; }
    public string? VnfdId { get; init; }
    public required IReadOnlyList<CpProtocolInfo> CpProtocolInfo { get; init; }
    public string? ExtLinkPortId { get; init; }
    public string? AssociatedVnfcCpId { get; init; }
    public string? AssociatedVnfVirtualLinkId { get; init; }
}

/// <summary>SOL003 5.5.3.9b CpProtocolInfo.</summary>
public sealed record CpProtocolInfo(string LayerProtocol, IpOverEthernetAddressInfo? IpOverEthernet = null);

/// <summary>SOL003 5.5.3.10 IpOverEthernetAddressInfo.</summary>
public sealed record IpOverEthernetAddressInfo(string? MacAddress, IReadOnlyList<IpAddressInfo>? IpAddresses);

public sealed record IpAddressInfo(string Type, IReadOnlyList<string>? Addresses, bool IsDynamic, string? SubnetId = null);

/// <summary>SOL003 5.5.3.5 VnfcResourceInfo.</summary>
public sealed record VnfcResourceInfo
{
    public required string Id { get; init; }
    public required string VduId { get; init; }
    public string? VnfdId { get; init; }
    public required ResourceHandle ComputeResource { get; init; }
    public IReadOnlyList<string>? StorageResourceIds { get; init; }
    public IReadOnlyList<VnfcCpInfo>? VnfcCpInfo { get; init; }
    public JsonObject? Metadata { get; init; }
}

/// <summary>SOL003 5.5.3.5 VnfcResourceInfo.vnfcCpInfo.</summary>
public sealed record VnfcCpInfo
{
    public required string Id { get; init; }
    public required string CpdId { get; init; }
    public string? VnfExtCpId { get; init; }
    public IReadOnlyList<CpProtocolInfo>? CpProtocolInfo { get; init; }
    public string? VnfLinkPortId { get; init; }
}

/// <summary>SOL003 5.5.3.6 VnfVirtualLinkResourceInfo.</summary>
public sealed record VnfVirtualLinkResourceInfo
{
    public required string Id { get; init; }
    public required string VnfVirtualLinkDescId { get; init; }
    public string? VnfdId { get; init; }
    public required ResourceHandle NetworkResource { get; init; }
    public required IReadOnlyList<VnfLinkPortInfo> VnfLinkPorts { get; init; }
}

/// <summary>SOL003 5.5.3.8 VnfLinkPortInfo. cpInstanceType: VNFC_CP or EXT_CP.</summary>
public sealed record VnfLinkPortInfo
{
    public required string Id { get; init; }
    public required ResourceHandle ResourceHandle { get; init; }
    public string? CpInstanceId { get; init; }
    public string? CpInstanceType { get; init; }
}

/// <summary>SOL003 5.5.3.7 VirtualStorageResourceInfo.</summary>
public sealed record VirtualStorageResourceInfo
{
    public required string Id { get; init; }
    public required string VirtualStorageDescId { get; init; }
    public string? VnfdId { get; init; }
    public required ResourceHandle StorageResource { get; init; }
}

/// <summary>SOL003 5.5.2.13 VnfLcmOpOcc.</summary>
public sealed record VnfLcmOpOcc
{
    public required string Id { get; init; }
    public required string OperationState { get; init; }
    public required DateTimeOffset StateEnteredTime { get; init; }
    public required DateTimeOffset StartTime { get; init; }
    public required string VnfInstanceId { get; init; }
    public string? GrantId { get; init; }
    public required string Operation { get; init; }
    public required bool IsAutomaticInvocation { get; init; }
    public JsonNode? OperationParams { get; init; }
    public required bool IsCancelPending { get; init; }
    public string? CancelMode { get; init; }
    public ProblemDetails? Error { get; init; }
    public ResourceChanges? ResourceChanges { get; init; }
    /// <summary>MODIFY_INFO only (SOL003 5.5.2.13 note 2).</summary>
    public VnfInfoModifications? ChangedInfo { get; init; }
    public IReadOnlyList<ExtVirtualLinkInfo>? ChangedExtConnectivity { get; init; }
    /// <summary>CHANGE_VNFPKG only.</summary>
    public ModificationsTriggeredByVnfPkgChange? ModificationsTriggeredByVnfPkgChange { get; init; }

    [JsonPropertyName("_links")]
    public required VnfLcmOpOccLinks Links { get; init; }
}

public sealed record VnfLcmOpOccLinks
{
    public required Link Self { get; init; }
    public required Link VnfInstance { get; init; }
    public Link? Grant { get; init; }
    public Link? Cancel { get; init; }
    public Link? Retry { get; init; }
    public Link? Rollback { get; init; }
    public Link? Fail { get; init; }
}

/// <summary>SOL003 5.5.2.13 VnfLcmOpOcc.resourceChanges.</summary>
public sealed record ResourceChanges
{
    public IReadOnlyList<AffectedVnfc>? AffectedVnfcs { get; init; }
    public IReadOnlyList<AffectedVirtualLink>? AffectedVirtualLinks { get; init; }
    public IReadOnlyList<AffectedVirtualStorage>? AffectedVirtualStorages { get; init; }
}

/// <summary>SOL003 5.5.3.2 AffectedVnfc. changeType: ADDED, REMOVED, MODIFIED, TEMPORARY.</summary>
public sealed record AffectedVnfc
{
    public required string Id { get; init; }
    public required string VduId { get; init; }
    public string? VnfdId { get; init; }
    public required string ChangeType { get; init; }
    public required ResourceHandle ComputeResource { get; init; }
    public IReadOnlyList<string>? AffectedVnfcCpIds { get; init; }
}

/// <summary>SOL003 5.5.3.3 AffectedVirtualLink. changeType: ADDED, REMOVED, MODIFIED, TEMPORARY, LINK_PORT_ADDED, LINK_PORT_REMOVED.</summary>
public sealed record AffectedVirtualLink
{
    public required string Id { get; init; }
    public required string VnfVirtualLinkDescId { get; init; }
    public string? VnfdId { get; init; }
    public required string ChangeType { get; init; }
    public required ResourceHandle NetworkResource { get; init; }
}

/// <summary>SOL003 5.5.3.11 AffectedVirtualStorage.</summary>
public sealed record AffectedVirtualStorage
{
    public required string Id { get; init; }
    public required string VirtualStorageDescId { get; init; }
    public string? VnfdId { get; init; }
    public required string ChangeType { get; init; }
    public required ResourceHandle StorageResource { get; init; }
}

/// <summary>SOL003 5.5.2.15 LccnSubscriptionRequest.</summary>
public sealed record LccnSubscriptionRequest
{
    public LifecycleChangeNotificationsFilter? Filter { get; init; }
    public string? CallbackUri { get; init; }
    public SubscriptionAuthentication? Authentication { get; init; }
    public string? Verbosity { get; init; }
}

/// <summary>SOL003 5.5.2.16 LccnSubscription (authentication is never returned).</summary>
public sealed record LccnSubscription
{
    public required string Id { get; init; }
    public LifecycleChangeNotificationsFilter? Filter { get; init; }
    public required string CallbackUri { get; init; }
    public required string Verbosity { get; init; }

    [JsonPropertyName("_links")]
    public required SelfLinks Links { get; init; }
}

public sealed record SelfLinks(Link Self);

/// <summary>SOL003 5.5.3.12 LifecycleChangeNotificationsFilter.</summary>
public sealed record LifecycleChangeNotificationsFilter
{
    public VnfInstanceSubscriptionFilter? VnfInstanceSubscriptionFilter { get; init; }
    public IReadOnlyList<string>? NotificationTypes { get; init; }
    public IReadOnlyList<string>? OperationTypes { get; init; }
    public IReadOnlyList<string>? OperationStates { get; init; }
}

/// <summary>SOL003 4.4.1.5 VnfInstanceSubscriptionFilter (vnfProductsFromProviders arrives with issue 4).</summary>
public sealed record VnfInstanceSubscriptionFilter
{
    public IReadOnlyList<string>? VnfdIds { get; init; }
    public IReadOnlyList<string>? VnfInstanceIds { get; init; }
    public IReadOnlyList<string>? VnfInstanceNames { get; init; }
}

/// <summary>SOL003 5.5.2.17 VnfLcmOperationOccurrenceNotification.</summary>
public sealed record VnfLcmOperationOccurrenceNotification
{
    public required string Id { get; init; }
    public string NotificationType { get; init; } = "VnfLcmOperationOccurrenceNotification";
    public required string SubscriptionId { get; init; }
    public required DateTimeOffset TimeStamp { get; init; }
    /// <summary>START for the notification that an operation started, RESULT for every later state change.</summary>
    public required string NotificationStatus { get; init; }
    public required string OperationState { get; init; }
    public required string VnfInstanceId { get; init; }
    public required string Operation { get; init; }
    public required bool IsAutomaticInvocation { get; init; }
    public string? Verbosity { get; init; }
    public required string VnfLcmOpOccId { get; init; }
    public IReadOnlyList<AffectedVnfc>? AffectedVnfcs { get; init; }
    public IReadOnlyList<AffectedVirtualLink>? AffectedVirtualLinks { get; init; }
    public IReadOnlyList<AffectedVirtualStorage>? AffectedVirtualStorages { get; init; }
    public VnfInfoModifications? ChangedInfo { get; init; }
    public IReadOnlyList<ExtVirtualLinkInfo>? ChangedExtConnectivity { get; init; }
    public ModificationsTriggeredByVnfPkgChange? ModificationsTriggeredByVnfPkgChange { get; init; }
    public ProblemDetails? Error { get; init; }

    [JsonPropertyName("_links")]
    public required LccnLinks Links { get; init; }
}

/// <summary>SOL003 5.5.3.13 LccnLinks.</summary>
public sealed record LccnLinks(NotificationLink VnfInstance, NotificationLink Subscription, NotificationLink? VnfLcmOpOcc);

/// <summary>SOL003 5.5.2.5 ScaleVnfRequest. type: SCALE_OUT or SCALE_IN.</summary>
public sealed record ScaleVnfRequest
{
    public string? Type { get; init; }
    public string? AspectId { get; init; }
    public int? NumberOfSteps { get; init; }
    public JsonObject? AdditionalParams { get; init; }
}

/// <summary>SOL003 5.5.2.6 ScaleVnfToLevelRequest: instantiationLevelId or scaleInfo, not both.</summary>
public sealed record ScaleVnfToLevelRequest
{
    public string? InstantiationLevelId { get; init; }
    public IReadOnlyList<ScaleInfo>? ScaleInfo { get; init; }
    public JsonObject? AdditionalParams { get; init; }
}

/// <summary>SOL003 5.5.2.7 ChangeVnfFlavourRequest.</summary>
public sealed record ChangeVnfFlavourRequest
{
    public string? NewFlavourId { get; init; }
    public string? InstantiationLevelId { get; init; }
    public IReadOnlyList<ExtVirtualLinkData>? ExtVirtualLinks { get; init; }
    public JsonArray? ExtManagedVirtualLinks { get; init; }
    public Dictionary<string, VimConnectionInfo>? VimConnectionInfo { get; init; }
    public JsonObject? AdditionalParams { get; init; }
    public JsonObject? Extensions { get; init; }
    public JsonObject? VnfConfigurableProperties { get; init; }
}

/// <summary>
/// SOL003 5.5.2.9 HealVnfRequest. SOL003 (Or-Vnfm) carries cause and additionalParams; the VNFC instances to heal are
/// named in additionalParams or, as SOL002 5.5.2.9 spells it, in vnfcInstanceId (Mano accepts both).
/// </summary>
public sealed record HealVnfRequest
{
    public IReadOnlyList<string>? VnfcInstanceId { get; init; }
    public string? Cause { get; init; }
    public JsonObject? AdditionalParams { get; init; }
    public JsonArray? HealScript { get; init; }
}

/// <summary>SOL003 5.5.2.10 OperateVnfRequest. changeStateTo: STARTED or STOPPED; stopType: FORCEFUL or GRACEFUL.</summary>
public sealed record OperateVnfRequest
{
    public string? ChangeStateTo { get; init; }
    public string? StopType { get; init; }
    public int? GracefulStopTimeout { get; init; }
    public JsonObject? AdditionalParams { get; init; }
}

/// <summary>SOL003 5.5.2.11 ChangeExtVnfConnectivityRequest.</summary>
public sealed record ChangeExtVnfConnectivityRequest
{
    public IReadOnlyList<ExtVirtualLinkData>? ExtVirtualLinks { get; init; }
    public Dictionary<string, VimConnectionInfo>? VimConnectionInfo { get; init; }
    public JsonObject? AdditionalParams { get; init; }
}

/// <summary>SOL003 5.5.2.11a ChangeCurrentVnfPkgRequest.</summary>
public sealed record ChangeCurrentVnfPkgRequest
{
    public string? VnfdId { get; init; }
    public IReadOnlyList<ExtVirtualLinkData>? ExtVirtualLinks { get; init; }
    public JsonArray? ExtManagedVirtualLinks { get; init; }
    public Dictionary<string, VimConnectionInfo>? VimConnectionInfo { get; init; }
    public JsonObject? AdditionalParams { get; init; }
    public JsonObject? Extensions { get; init; }
    public JsonObject? VnfConfigurableProperties { get; init; }
}

/// <summary>SOL003 5.5.2.12 VnfInfoModificationRequest (sent as application/merge-patch+json).</summary>
public sealed record VnfInfoModificationRequest
{
    public string? VnfInstanceName { get; init; }
    public string? VnfInstanceDescription { get; init; }
    public string? VnfdId { get; init; }
    public string? VnfPkgId { get; init; }
    public JsonObject? VnfConfigurableProperties { get; init; }
    public JsonObject? Metadata { get; init; }
    public JsonObject? Extensions { get; init; }
}

/// <summary>SOL003 5.5.2.12a VnfInfoModifications: the attributes a MODIFY_INFO changed, with their new values.</summary>
public sealed record VnfInfoModifications
{
    public string? VnfInstanceName { get; init; }
    public string? VnfInstanceDescription { get; init; }
    public JsonObject? VnfConfigurableProperties { get; init; }
    public JsonObject? Metadata { get; init; }
    public JsonObject? Extensions { get; init; }
    public string? VnfdId { get; init; }
    public string? VnfProvider { get; init; }
    public string? VnfProductName { get; init; }
    public string? VnfSoftwareVersion { get; init; }
    public string? VnfdVersion { get; init; }
}

/// <summary>SOL003 5.5.3.28 ModificationsTriggeredByVnfPkgChange.</summary>
public sealed record ModificationsTriggeredByVnfPkgChange
{
    public JsonObject? VnfConfigurableProperties { get; init; }
    public JsonObject? Metadata { get; init; }
    public JsonObject? Extensions { get; init; }
    public string? VnfdId { get; init; }
    public string? VnfProvider { get; init; }
    public string? VnfProductName { get; init; }
    public string? VnfSoftwareVersion { get; init; }
    public string? VnfdVersion { get; init; }
}

/// <summary>SOL003 5.5.2.14 CancelMode. cancelMode: GRACEFUL or FORCEFUL (5.5.4.4 CancelModeType).</summary>
public sealed record CancelMode
{
    [JsonPropertyName("cancelMode")]
    public string? Mode { get; init; }
}

/// <summary>SOL003 5.5.3.2 ExtVirtualLinkInfo.</summary>
public sealed record ExtVirtualLinkInfo
{
    public required string Id { get; init; }
    public required ResourceHandle ResourceHandle { get; init; }
    public IReadOnlyList<ExtLinkPortInfo>? ExtLinkPorts { get; init; }
    public required IReadOnlyList<VnfExtCpData> CurrentVnfExtCpData { get; init; }
}

/// <summary>SOL003 5.5.3.9 ExtLinkPortInfo.</summary>
public sealed record ExtLinkPortInfo
{
    public required string Id { get; init; }
    public required ResourceHandle ResourceHandle { get; init; }
    public string? CpInstanceId { get; init; }
}

/// <summary>SOL003 5.5.2.18 VnfIdentifierCreationNotification / 5.5.2.19 VnfIdentifierDeletionNotification.</summary>
public sealed record VnfIdentifierNotification
{
    public required string Id { get; init; }
    public required string NotificationType { get; init; }
    public required string SubscriptionId { get; init; }
    public required DateTimeOffset TimeStamp { get; init; }
    public required string VnfInstanceId { get; init; }

    [JsonPropertyName("_links")]
    public required LccnLinks Links { get; init; }
}

/// <summary>SOL003 5.5.4.3 VnfOperationalStateType and 5.5.4.? StopType.</summary>
public static class VnfOperationalState
{
    public const string Started = "STARTED";
    public const string Stopped = "STOPPED";
}
