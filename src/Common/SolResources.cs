namespace Mano.Common;

/// <summary>
/// The SOL013 query descriptions of the SOL resources Mano lists (ADR-0007): filterable attributes mapped onto the
/// property names of the VNFM's and NFVO's records (bound on first use; a renamed property fails the first query
/// and the tests), paging keys, and the selector sets of SOL003 v3.7.1 / SOL005 v3.7.1.
/// </summary>
public static class SolResources
{
    private const SolAttributeType S = SolAttributeType.String;
    private const SolAttributeType E = SolAttributeType.Enum;
    private const SolAttributeType N = SolAttributeType.Number;
    private const SolAttributeType B = SolAttributeType.Boolean;
    private const SolAttributeType T = SolAttributeType.DateTime;

    /// <summary>SOL003 5.5.2.2 VnfInstance (GET /vnflcm/v2/vnf_instances, 5.4.2.3.2), stored as Mano.Vnfm.VnfInstanceRecord.</summary>
    public static readonly SolResource VnfInstance = new SolResource("VnfInstance")
        .Column("id", "Id")
        .Column("vnfInstanceName", "VnfInstanceName")
        .Column("vnfInstanceDescription", "VnfInstanceDescription")
        .Column("vnfdId", "VnfdId")
        .Column("vnfProvider", "VnfProvider")
        .Column("vnfProductName", "VnfProductName")
        .Column("vnfSoftwareVersion", "VnfSoftwareVersion")
        .Column("vnfdVersion", "VnfdVersion")
        .Column("instantiationState", "InstantiationState", E)
        .Json("instantiatedVnfInfo", "InstantiatedVnfInfo",
            ("flavourId", S), ("vnfState", E), ("localizationLanguage", S),
            ("scaleStatus/aspectId", S), ("scaleStatus/scaleLevel", N),
            ("extCpInfo/id", S), ("extCpInfo/cpdId", S),
            ("vnfcResourceInfo/id", S), ("vnfcResourceInfo/vduId", S),
            ("vnfcResourceInfo/computeResource/resourceId", S), ("vnfcResourceInfo/computeResource/vimConnectionId", S),
            ("vnfVirtualLinkResourceInfo/vnfVirtualLinkDescId", S), ("vnfVirtualStorageResourceInfo/virtualStorageDescId", S))
        // A map keyed by vimConnectionId; accessInfo (credentials) is denied below.
        .Json("vimConnectionInfo", "VimConnectionInfo")
        .Json("metadata", "Metadata")
        .Deny("accessInfo")
        .SortBy("CreatedAt", "Id")
        .Selectors(
            defaultExcluded: ["vnfConfigurableProperties", "vimConnectionInfo", "instantiatedVnfInfo", "metadata", "extensions"],
            optionalComplex: [],
            topLevel: ["id", "vnfInstanceName", "vnfInstanceDescription", "vnfdId", "vnfProvider", "vnfProductName",
                "vnfSoftwareVersion", "vnfdVersion", "instantiationState", "_links"]);

    /// <summary>SOL003 5.5.2.13 VnfLcmOpOcc (GET /vnflcm/v2/vnf_lcm_op_occs, 5.4.12.3.2), stored as Mano.Vnfm.VnfLcmOpOccRecord.</summary>
    public static readonly SolResource VnfLcmOpOcc = new SolResource("VnfLcmOpOcc")
        .Column("id", "Id")
        .Column("operationState", "OperationState", E)
        .Column("stateEnteredTime", "StateEnteredTime", T)
        .Column("startTime", "StartTime", T)
        .Column("vnfInstanceId", "VnfInstanceId")
        .Column("grantId", "GrantId")
        .Column("operation", "Operation", E)
        .Column("isAutomaticInvocation", "IsAutomaticInvocation", B)
        .Column("isCancelPending", "IsCancelPending", B)
        .Json("operationParams", "OperationParams")
        .Json("error", "Error", ("status", N), ("detail", S), ("title", S), ("type", S))
        .Json("resourceChanges", "ResourceChanges",
            ("affectedVnfcs/id", S), ("affectedVnfcs/vduId", S), ("affectedVnfcs/changeType", E),
            ("affectedVirtualLinks/id", S), ("affectedVirtualLinks/vnfVirtualLinkDescId", S), ("affectedVirtualLinks/changeType", E),
            ("affectedVirtualStorages/id", S), ("affectedVirtualStorages/virtualStorageDescId", S), ("affectedVirtualStorages/changeType", E))
        .SortBy("StartTime", "Id")
        .Selectors(
            defaultExcluded: ["operationParams", "error", "resourceChanges", "changedInfo", "changedExtConnectivity", "lcmCoordinations",
                "modificationsTriggeredByVnfPkgChange", "warnings"],
            optionalComplex: ["affectedVipCps", "rejectedLcmCoordinations"],
            topLevel: ["id", "operationState", "stateEnteredTime", "startTime", "vnfInstanceId", "grantId", "operation",
                "isAutomaticInvocation", "isCancelPending", "cancelMode", "vnfSnapshotInfoId", "_links"]);

    /// <summary>
    /// SOL003 5.5.2.16 LccnSubscription (GET /vnflcm/v2/subscriptions, 5.4.18.3.2: filter and paging, no selectors),
    /// stored as Mano.Vnfm.LccnSubscriptionRecord. authentication is never filterable (it is never returned either).
    /// </summary>
    public static readonly SolResource LccnSubscription = new SolResource("LccnSubscription")
        .Column("id", "Id")
        .Column("callbackUri", "CallbackUri")
        .Column("verbosity", "Verbosity", E)
        .Json("filter", "Filter")
        .SortBy("CreatedAt", "Id");

    /// <summary>SOL005 9.5.2.5 VnfPkgInfo (GET /vnfpkgm/v2/vnf_packages, 9.4.2.3.2), stored as Mano.Nfvo.VnfPackage.</summary>
    public static readonly SolResource VnfPkgInfo = new SolResource("VnfPkgInfo")
        .Column("id", "Id")
        .Column("vnfdId", "VnfdId")
        .Column("vnfProvider", "VnfProvider")
        .Column("vnfProductName", "VnfProductName")
        .Column("vnfSoftwareVersion", "VnfSoftwareVersion")
        .Column("vnfdVersion", "VnfdVersion")
        .Column("onboardingState", "OnboardingState", E)
        .Column("operationalState", "OperationalState", E)
        .Column("usageState", "UsageState", E)
        .Column("checksum/algorithm", "ChecksumAlgorithm")
        .Column("checksum/hash", "ChecksumHash")
        .Json("vnfmInfo", "VnfmInfo", ("", S))
        .Json("userDefinedData", "UserDefinedData")
        .Json("onboardingFailureDetails", "OnboardingFailureDetails", ("status", N), ("detail", S), ("title", S))
        .SortBy("CreatedAt", "Id")
        .Selectors(
            defaultExcluded: ["softwareImages", "additionalArtifacts", "userDefinedData", "checksum", "onboardingFailureDetails"],
            optionalComplex: ["vnfmInfo"],
            topLevel: ["id", "vnfdId", "vnfProvider", "vnfProductName", "vnfSoftwareVersion", "vnfdVersion",
                "compatibleSpecificationVersions", "packageSecurityOption", "signingCertificate", "onboardingState",
                "operationalState", "usageState", "_links"]);
}
