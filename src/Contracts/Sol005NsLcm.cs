using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mano.Contracts.NsLcm;

// ETSI GS NFV-SOL 005 v3.7.1 clause 6 "NS Lifecycle Management interface" (nslcm/v2, API 2.3.0) and its notifications.
// Names are the specification's, verbatim. They live in their own namespace because SOL005 reuses SOL003 names for
// different shapes (VnfInstance, LccnSubscription, LifecycleChangeNotificationsFilter, LccnLinks). SOL003 types of the
// same shape (ResourceHandle, ExtVirtualLinkData, ProblemDetails, Link, ...) are reused from Mano.Contracts.
// Only what Mano reads or fills is typed; the rest of a request is kept as JSON where it passes through.

public static class NsLcmApi
{
    public const string Version = "2.3.0";
    public const string UriPrefix = "/nslcm/v2";
}

/// <summary>SOL005 6.5.2.10 NsInstance.nsState.</summary>
public static class NsState
{
    public const string NotInstantiated = "NOT_INSTANTIATED";
    public const string Instantiated = "INSTANTIATED";
}

/// <summary>SOL005 6.5.4.3 NsLcmOpType.</summary>
public static class NsLcmOpType
{
    public const string Instantiate = "INSTANTIATE";
    public const string Scale = "SCALE";
    public const string Update = "UPDATE";
    public const string Terminate = "TERMINATE";
    public const string Heal = "HEAL";
}

/// <summary>SOL005 6.5.4.4 NsLcmOperationStateType (no STARTING: an NS op occ is created PROCESSING, 6.6.2.2).</summary>
public static class NsLcmOperationState
{
    public const string Processing = "PROCESSING";
    public const string Completed = "COMPLETED";
    public const string PartiallyCompleted = "PARTIALLY_COMPLETED";
    public const string FailedTemp = "FAILED_TEMP";
    public const string Failed = "FAILED";
    public const string RollingBack = "ROLLING_BACK";
    public const string RolledBack = "ROLLED_BACK";

    /// <summary>SOL005 6.6.2.2: COMPLETED, PARTIALLY_COMPLETED, FAILED and ROLLED_BACK are final.</summary>
    public static bool IsFinal(string state) => state is Completed or PartiallyCompleted or Failed or RolledBack;
}

/// <summary>SOL005 6.5.2.7 CreateNsRequest.</summary>
public sealed record CreateNsRequest
{
    public string? NsdId { get; init; }
    public string? NsName { get; init; }
    public string? NsDescription { get; init; }
}

/// <summary>SOL005 6.5.2.11 InstantiateNsRequest.</summary>
public sealed record InstantiateNsRequest
{
    public string? NsFlavourId { get; init; }
    public IReadOnlyList<SapData>? SapData { get; init; }
    public JsonArray? AddpnfData { get; init; }
    public IReadOnlyList<VnfInstanceData>? VnfInstanceData { get; init; }
    public JsonArray? NestedNsInstanceData { get; init; }
    public IReadOnlyList<VnfLocationConstraint>? LocationConstraints { get; init; }
    public JsonArray? NestedNsLocationConstraints { get; init; }
    public JsonObject? AdditionalParamsForNs { get; init; }
    public JsonArray? AdditionalParamsForNestedNs { get; init; }
    public IReadOnlyList<ParamsForVnf>? AdditionalParamsForVnf { get; init; }
    public DateTime? StartTime { get; init; }
    public string? NsInstantiationLevelId { get; init; }
    public JsonArray? WanConnectionData { get; init; }
    public JsonArray? AdditionalAffinityOrAntiAffinityRule { get; init; }
}

/// <summary>SOL005 6.5.3.10 SapData.</summary>
public sealed record SapData
{
    public string? SapdId { get; init; }
    public string? SapName { get; init; }
    public string? Description { get; init; }
    public JsonArray? SapProtocolData { get; init; }
}

/// <summary>SOL005 6.5.3.24 VnfInstanceData: an existing VNF instance to use for a VNF profile.</summary>
public sealed record VnfInstanceData
{
    public string? VnfInstanceId { get; init; }
    public string? VnfProfileId { get; init; }
}

/// <summary>
/// SOL005 6.5.3.20 VnfLocationConstraint. locationConstraints (6.5.3.21 LocationConstraints: countryCode,
/// civicAddressElement, area) is kept as JSON here: the placement planner owns its typed form.
/// </summary>
public sealed record VnfLocationConstraint
{
    public string? VnfProfileId { get; init; }
    public JsonObject? LocationConstraints { get; init; }
}

/// <summary>SOL005 6.5.3.22 ParamsForVnf.</summary>
public sealed record ParamsForVnf
{
    public string? VnfProfileId { get; init; }
    public string? VnfInstanceName { get; init; }
    public string? VnfInstanceDescription { get; init; }
    public JsonObject? VnfConfigurableProperties { get; init; }
    public JsonObject? Metadata { get; init; }
    public JsonObject? Extensions { get; init; }
    public JsonObject? AdditionalParams { get; init; }
}

/// <summary>SOL005 6.5.2.14 ScaleNsRequest. scaleType: SCALE_NS or SCALE_VNF.</summary>
public sealed record ScaleNsRequest
{
    public string? ScaleType { get; init; }
    public ScaleNsData? ScaleNsData { get; init; }
    public IReadOnlyList<ScaleVnfData>? ScaleVnfData { get; init; }
    public DateTime? ScaleTime { get; init; }
}

/// <summary>SOL005 6.5.3.26 ScaleNsData.</summary>
public sealed record ScaleNsData
{
    public IReadOnlyList<VnfInstanceData>? VnfInstanceToBeAdded { get; init; }
    public IReadOnlyList<string>? VnfInstanceToBeRemoved { get; init; }
    public ScaleNsByStepsData? ScaleNsByStepsData { get; init; }
    public ScaleNsToLevelData? ScaleNsToLevelData { get; init; }
    public JsonObject? AdditionalParamsForNs { get; init; }
    public IReadOnlyList<ParamsForVnf>? AdditionalParamsForVnf { get; init; }
    public IReadOnlyList<VnfLocationConstraint>? LocationConstraints { get; init; }
    public JsonArray? NestedNsLocationConstraints { get; init; }
}

/// <summary>SOL005 6.5.3.28 ScaleNsByStepsData. scalingDirection: SCALE_OUT or SCALE_IN.</summary>
public sealed record ScaleNsByStepsData
{
    public string? ScalingDirection { get; init; }
    public string? AspectId { get; init; }
    public int? NumberOfSteps { get; init; }
}

/// <summary>SOL005 6.5.3.29 ScaleNsToLevelData: an NS instantiation level, or a scale level per NS scaling aspect.</summary>
public sealed record ScaleNsToLevelData
{
    public string? NsInstantiationLevel { get; init; }
    public IReadOnlyList<NsScaleInfo>? NsScaleInfo { get; init; }
}

/// <summary>SOL005 6.5.3.34 NsScaleInfo.</summary>
public sealed record NsScaleInfo
{
    public string? NsScalingAspectId { get; init; }
    public string? NsScaleLevelId { get; init; }
}

/// <summary>SOL005 6.5.3.35 ScaleVnfData. scaleVnfType: SCALE_OUT, SCALE_IN, SCALE_TO_INSTANTIATION_LEVEL, SCALE_TO_SCALE_LEVEL(S).</summary>
public sealed record ScaleVnfData
{
    public string? VnfInstanceId { get; init; }
    public string? ScaleVnfType { get; init; }
    public ScaleToLevelData? ScaleToLevelData { get; init; }
    public ScaleByStepData? ScaleByStepData { get; init; }
}

/// <summary>SOL005 6.5.3.27 ScaleToLevelData.</summary>
public sealed record ScaleToLevelData
{
    public string? VnfInstantiationLevelId { get; init; }
    public JsonArray? VnfScaleInfo { get; init; }
    public JsonObject? AdditionalParams { get; init; }
}

/// <summary>SOL005 6.5.3.36 ScaleByStepData.</summary>
public sealed record ScaleByStepData
{
    public string? AspectId { get; init; }
    public int? NumberOfSteps { get; init; }
    public JsonObject? AdditionalParams { get; init; }
}

/// <summary>SOL005 6.5.2.12 UpdateNsRequest (the update types Mano reads are typed; the others are answered 501).</summary>
public sealed record UpdateNsRequest
{
    public string? UpdateType { get; init; }
    /// <summary>SOL005 spells this attribute "addVnfIstance" (sic, v3.7.1 6.5.2.12).</summary>
    public IReadOnlyList<VnfInstanceData>? AddVnfIstance { get; init; }
    public IReadOnlyList<string>? RemoveVnfInstanceId { get; init; }
    public IReadOnlyList<InstantiateVnfData>? InstantiateVnfData { get; init; }
    public IReadOnlyList<TerminateVnfData>? TerminateVnfData { get; init; }
    public IReadOnlyList<ChangeVnfFlavourData>? ChangeVnfFlavourData { get; init; }
    public IReadOnlyList<OperateVnfData>? OperateVnfData { get; init; }
    public IReadOnlyList<ModifyVnfInfoData>? ModifyVnfInfoData { get; init; }
    public IReadOnlyList<ChangeExtVnfConnectivityData>? ChangeExtVnfConnectivityData { get; init; }
    public JsonArray? ChangeVnfPackageData { get; init; }
    public IReadOnlyList<SapData>? AddSap { get; init; }
    public IReadOnlyList<string>? RemoveSapId { get; init; }
    public DateTime? UpdateTime { get; init; }
}

/// <summary>SOL005 6.5.2.12 UpdateNsRequest.updateType values.</summary>
public static class NsUpdateType
{
    public const string AddVnf = "ADD_VNF";
    public const string RemoveVnf = "REMOVE_VNF";
    public const string InstantiateVnf = "INSTANTIATE_VNF";
    public const string ChangeVnfDf = "CHANGE_VNF_DF";
    public const string OperateVnf = "OPERATE_VNF";
    public const string ModifyVnfInformation = "MODIFY_VNF_INFORMATION";
    public const string ChangeExternalVnfConnectivity = "CHANGE_EXTERNAL_VNF_CONNECTIVITY";
}

/// <summary>SOL005 6.5.3.24 InstantiateVnfData (UPDATE INSTANTIATE_VNF: a new VNF of a VNF profile).</summary>
public sealed record InstantiateVnfData
{
    public string? VnfdId { get; init; }
    public string? VnfFlavourId { get; init; }
    public string? VnfInstantiationLevelId { get; init; }
    public string? VnfProfileId { get; init; }
    public string? VnfInstanceName { get; init; }
    public string? VnfInstanceDescription { get; init; }
    public IReadOnlyList<ExtVirtualLinkData>? ExtVirtualLinks { get; init; }
    public JsonObject? VnfConfigurableProperties { get; init; }
    public JsonObject? AdditionalParams { get; init; }
    public JsonObject? Metadata { get; init; }
    public JsonObject? Extensions { get; init; }
    public VnfLocationConstraint? LocationConstraints { get; init; }
}

/// <summary>SOL005 6.5.3.65 TerminateVnfData.</summary>
public sealed record TerminateVnfData
{
    public string? VnfInstanceId { get; init; }
    public string? TerminationType { get; init; }
    public int? GracefulTerminationTimeout { get; init; }
    public JsonObject? AdditionalParams { get; init; }
}

/// <summary>SOL005 6.5.3.25 ChangeVnfFlavourData.</summary>
public sealed record ChangeVnfFlavourData
{
    public string? VnfInstanceId { get; init; }
    public string? NewFlavourId { get; init; }
    public string? InstantiationLevelId { get; init; }
    public IReadOnlyList<ExtVirtualLinkData>? ExtVirtualLinks { get; init; }
    public JsonObject? AdditionalParams { get; init; }
    public JsonObject? Extensions { get; init; }
    public JsonObject? VnfConfigurableProperties { get; init; }
}

/// <summary>SOL005 6.5.3.31 OperateVnfData. changeStateTo: STARTED or STOPPED; stopType: FORCEFUL or GRACEFUL.
/// SOL005 spells the last attribute "additionalParam" (sic).</summary>
public sealed record OperateVnfData
{
    public string? VnfInstanceId { get; init; }
    public string? ChangeStateTo { get; init; }
    public string? StopType { get; init; }
    public int? GracefulStopTimeout { get; init; }
    public JsonObject? AdditionalParam { get; init; }
}

/// <summary>SOL005 6.5.3.37 ModifyVnfInfoData.</summary>
public sealed record ModifyVnfInfoData
{
    public string? VnfInstanceId { get; init; }
    public string? VnfInstanceName { get; init; }
    public string? VnfInstanceDescription { get; init; }
    public string? VnfdId { get; init; }
    public JsonObject? VnfConfigurableProperties { get; init; }
    public JsonObject? Metadata { get; init; }
    public JsonObject? Extensions { get; init; }
}

/// <summary>SOL005 6.5.3.33 ChangeExtVnfConnectivityData.</summary>
public sealed record ChangeExtVnfConnectivityData
{
    public string? VnfInstanceId { get; init; }
    public IReadOnlyList<ExtVirtualLinkData>? ExtVirtualLinks { get; init; }
    public JsonObject? AdditionalParams { get; init; }
}

/// <summary>SOL005 6.5.2.13 HealNsRequest: exactly one of healNsData, healVnfData.</summary>
public sealed record HealNsRequest
{
    public HealNsData? HealNsData { get; init; }
    public IReadOnlyList<HealVnfData>? HealVnfData { get; init; }
}

/// <summary>SOL005 6.5.3.43 HealNsData. degreeHealing: HEAL_RESTORE, HEAL_QOS, HEAL_RESET, PARTIAL_HEALING.</summary>
public sealed record HealNsData
{
    public string? DegreeHealing { get; init; }
    public IReadOnlyList<string>? ActionsHealing { get; init; }
    public string? HealScript { get; init; }
    public JsonObject? AdditionalParamsforNs { get; init; }
}

/// <summary>SOL005 6.5.3.44 HealVnfData.</summary>
public sealed record HealVnfData
{
    public string? VnfInstanceId { get; init; }
    public string? Cause { get; init; }
    public JsonObject? AdditionalParams { get; init; }
}

/// <summary>SOL005 6.5.2.15 TerminateNsRequest.</summary>
public sealed record TerminateNsRequest
{
    public DateTime? TerminationTime { get; init; }
    public JsonObject? TerminateNsData { get; init; }
    public IReadOnlyList<TerminateVnfData>? TerminateVnfData { get; init; }
}

/// <summary>SOL005 6.5.2.10 NsInstance.</summary>
public sealed record NsInstance
{
    public required string Id { get; init; }
    public required string NsInstanceName { get; init; }
    public required string NsInstanceDescription { get; init; }
    public required string NsdId { get; init; }
    public required string NsdInfoId { get; init; }
    public string? FlavourId { get; init; }
    public IReadOnlyList<VnfInstance>? VnfInstance { get; init; }
    public IReadOnlyList<NsVirtualLinkInfo>? VirtualLinkInfo { get; init; }
    public IReadOnlyList<VnffgInfo>? VnffgInfo { get; init; }
    public IReadOnlyList<SapInfo>? SapInfo { get; init; }
    public required string NsState { get; init; }
    public IReadOnlyList<NsScaleInfo>? NsScaleStatus { get; init; }
    [JsonPropertyName("_links")]
    public required NsInstanceLinks Links { get; init; }
}

public sealed record NsInstanceLinks
{
    public required Link Self { get; init; }
    public Link? Instantiate { get; init; }
    public Link? Terminate { get; init; }
    public Link? Update { get; init; }
    public Link? Scale { get; init; }
    public Link? Heal { get; init; }
}

/// <summary>SOL005 6.5.3.57 VnfInstance (the SOL005 view of a constituent VNF instance; vimId is the VIM it runs on).</summary>
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
    public required string VnfPkgId { get; init; }
    public string? VimId { get; init; }
    public required string InstantiationState { get; init; }
    public JsonObject? InstantiatedVnfInfo { get; init; }
    public JsonObject? Metadata { get; init; }
}

/// <summary>SOL005 6.5.3.59 NsVirtualLinkInfo.</summary>
public sealed record NsVirtualLinkInfo
{
    public required string Id { get; init; }
    public required string NsVirtualLinkDescId { get; init; }
    public required string NsVirtualLinkProfileId { get; init; }
    public IReadOnlyList<ResourceHandle>? ResourceHandle { get; init; }
}

/// <summary>
/// SOL005 6.5.3.60 VnffgInfo. The v3.7.1 OpenAPI lists "pnfInfoId" as required while the attribute is "pnfdInfoId":
/// Mano sends both (an empty list: Mano has no PNFs), so the response validates and carries the documented attribute.
/// </summary>
public sealed record VnffgInfo
{
    public required string Id { get; init; }
    public required string VnffgdId { get; init; }
    public required IReadOnlyList<string> VnfInstanceId { get; init; }
    public IReadOnlyList<string> PnfdInfoId { get; init; } = [];
    public IReadOnlyList<string> PnfInfoId { get; init; } = [];
    public IReadOnlyList<string>? NsVirtualLinkInfoId { get; init; }
}

/// <summary>SOL005 6.5.3.67 SapInfo.</summary>
public sealed record SapInfo
{
    public required string Id { get; init; }
    public required string SapdId { get; init; }
    public required string SapName { get; init; }
    public string? Description { get; init; }
    public required JsonArray SapProtocolInfo { get; init; }
}

/// <summary>
/// SOL005 6.5.2.3 NsLcmOpOcc. The v3.7.1 OpenAPI requires "statusEnteredTime" while the attribute is "stateEnteredTime":
/// Mano sends both with the same value.
/// </summary>
public sealed record NsLcmOpOcc
{
    public required string Id { get; init; }
    public required string OperationState { get; init; }
    public required DateTime StateEnteredTime { get; init; }
    public DateTime StatusEnteredTime => StateEnteredTime;
    public required string NsInstanceId { get; init; }
    public required string LcmOperationType { get; init; }
    public required DateTime StartTime { get; init; }
    public required bool IsAutomaticInvocation { get; init; }
    /// <summary>The request body of the operation (the OpenAPI types it "string"; SOL005 6.5.2.3 says "the operation's input parameters").</summary>
    public JsonNode? OperationParams { get; init; }
    public required bool IsCancelPending { get; init; }
    public string? CancelMode { get; init; }
    public ProblemDetails? Error { get; init; }
    public NsResourceChanges? ResourceChanges { get; init; }
    public IReadOnlyList<string>? Warnings { get; init; }
    [JsonPropertyName("_links")]
    public required NsLcmOpOccLinks Links { get; init; }
}

public sealed record NsLcmOpOccLinks
{
    public required Link Self { get; init; }
    public required Link NsInstance { get; init; }
    public Link? Cancel { get; init; }
    public Link? Retry { get; init; }
    public Link? Rollback { get; init; }
    public Link? Continue { get; init; }
    public Link? Fail { get; init; }
}

/// <summary>SOL005 6.5.2.3 NsLcmOpOcc.resourceChanges.</summary>
public sealed record NsResourceChanges
{
    public IReadOnlyList<AffectedVnf>? AffectedVnfs { get; init; }
    public IReadOnlyList<AffectedVl>? AffectedVls { get; init; }
    public IReadOnlyList<AffectedSap>? AffectedSaps { get; init; }
}

/// <summary>SOL005 6.5.3.2 AffectedVnf. changeType: ADD, REMOVE, INSTANTIATE, TERMINATE, SCALE, CHANGE_FLAVOUR, HEAL, OPERATE,
/// MODIFY_INFORMATION, CHANGE_EXTERNAL_VNF_CONNECTIVITY, CHANGE_VNFPKG; changeResult: COMPLETED, ROLLED_BACK, FAILED.</summary>
public sealed record AffectedVnf
{
    public required string VnfInstanceId { get; init; }
    public required string VnfdId { get; init; }
    public required string VnfProfileId { get; init; }
    public required string VnfName { get; init; }
    public required string ChangeType { get; init; }
    public required string ChangeResult { get; init; }
}

/// <summary>SOL005 6.5.3.40 AffectedVl (in NsLcmOpOcc.resourceChanges.affectedVls). changeType: ADD, DELETE, ...</summary>
public sealed record AffectedVl
{
    public required string NsVirtualLinkInstanceId { get; init; }
    public required string NsVirtualLinkDescId { get; init; }
    public required string VlProfileId { get; init; }
    public string? ChangeType { get; init; }
    public string? ChangeResult { get; init; }
}

/// <summary>SOL005 6.5.3.82 AffectedSap.</summary>
public sealed record AffectedSap
{
    public required string SapInstanceId { get; init; }
    public required string SapdId { get; init; }
    public string? SapName { get; init; }
    public string? ChangeType { get; init; }
    public string? ChangeResult { get; init; }
}

/// <summary>SOL005 6.5.2.2 LccnSubscriptionRequest.</summary>
public sealed record LccnSubscriptionRequest
{
    public LifecycleChangeNotificationsFilter? Filter { get; init; }
    public string? CallbackUri { get; init; }
    public SubscriptionAuthentication? Authentication { get; init; }
    public string? Verbosity { get; init; }
}

/// <summary>SOL005 6.5.2.4 LccnSubscription.</summary>
public sealed record LccnSubscription
{
    public required string Id { get; init; }
    public LifecycleChangeNotificationsFilter? Filter { get; init; }
    public required string CallbackUri { get; init; }
    public string? Verbosity { get; init; }
    [JsonPropertyName("_links")]
    public required SelfLinks Links { get; init; }
}

/// <summary>SOL005 6.5.3.8 LifecycleChangeNotificationsFilter (nsInstanceSubscriptionFilter: SOL005 4.4.1.5).</summary>
public sealed record LifecycleChangeNotificationsFilter
{
    public NsInstanceSubscriptionFilter? NsInstanceSubscriptionFilter { get; init; }
    public IReadOnlyList<string>? NotificationTypes { get; init; }
    public IReadOnlyList<string>? OperationTypes { get; init; }
    public IReadOnlyList<string>? OperationStates { get; init; }
    /// <summary>NsChangeNotification criteria (NsComponentType: VNF, PNF, NS).</summary>
    public IReadOnlyList<string>? NsComponentTypes { get; init; }
    public IReadOnlyList<string>? LcmOpNameImpactingNsComponent { get; init; }
    public IReadOnlyList<string>? LcmOpOccStatusImpactingNsComponent { get; init; }
}

/// <summary>SOL005 4.4.1.5 NsInstanceSubscriptionFilter (the NS-level criteria; Mano matches nsdIds, nsInstanceIds, nsInstanceNames).</summary>
public sealed record NsInstanceSubscriptionFilter
{
    public IReadOnlyList<string>? NsdIds { get; init; }
    public IReadOnlyList<string>? NsInstanceIds { get; init; }
    public IReadOnlyList<string>? NsInstanceNames { get; init; }
}

/// <summary>SOL005 6.5.2.5 NsLcmOperationOccurrenceNotification.</summary>
public sealed record NsLcmOperationOccurrenceNotification
{
    public required string Id { get; init; }
    public required string NsInstanceId { get; init; }
    public required string NsLcmOpOccId { get; init; }
    public required string Operation { get; init; }
    public string NotificationType { get; init; } = "NsLcmOperationOccurrenceNotification";
    public required string SubscriptionId { get; init; }
    /// <summary>SOL005 spells this "timestamp" (SOL003 "timeStamp").</summary>
    public required DateTime Timestamp { get; init; }
    /// <summary>START or RESULT.</summary>
    public required string NotificationStatus { get; init; }
    public required string OperationState { get; init; }
    public required bool IsAutomaticInvocation { get; init; }
    public string? Verbosity { get; init; }
    public IReadOnlyList<AffectedVnf>? AffectedVnf { get; init; }
    public IReadOnlyList<AffectedVl>? AffectedVl { get; init; }
    public IReadOnlyList<AffectedSap>? AffectedSap { get; init; }
    public ProblemDetails? Error { get; init; }
    [JsonPropertyName("_links")]
    public required LccnLinks Links { get; init; }
}

/// <summary>SOL005 6.5.2.6 NsIdentifierCreationNotification / 6.5.2.7 NsIdentifierDeletionNotification (same shape).</summary>
public sealed record NsIdentifierNotification
{
    public required string Id { get; init; }
    public required string NotificationType { get; init; }
    public required string SubscriptionId { get; init; }
    public required DateTime Timestamp { get; init; }
    public required string NsInstanceId { get; init; }
    [JsonPropertyName("_links")]
    public required LccnLinks Links { get; init; }
}

/// <summary>
/// SOL005 6.5.2.8 NsChangeNotification: an NS component (here a VNF instance) was changed by an LCM operation.
/// lcmOpOccStatusImpactingNsComponent is START, COMPLETED, PARTIALLY_COMPLETED, FAILED or ROLLED_BACK (GS table 6.5.4.7-1).
/// </summary>
public sealed record NsChangeNotification
{
    public required string Id { get; init; }
    public required string NsInstanceId { get; init; }
    public required string NsComponentType { get; init; }
    public required string NsComponentId { get; init; }
    public required string LcmOpOccIdImpactingNsComponent { get; init; }
    public required string LcmOpNameImpactingNsComponent { get; init; }
    public required string LcmOpOccStatusImpactingNsComponent { get; init; }
    public string NotificationType { get; init; } = "NsChangeNotification";
    public required string SubscriptionId { get; init; }
    public required DateTime Timestamp { get; init; }
    public ProblemDetails? Error { get; init; }
    [JsonPropertyName("_links")]
    public required LccnLinks Links { get; init; }
}

/// <summary>SOL005 6.5.3.45 LccnLinks.</summary>
public sealed record LccnLinks(NotificationLink NsInstance, NotificationLink? Subscription, NotificationLink? NslcmOpOcc);
