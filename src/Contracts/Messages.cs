namespace Mano.Contracts.Messages;

// Bus messages between Mano's NFVO and VNFM (MassTransit). Commands are imperative, events past tense,
// replies end in "Result". Every message carries the tenant it acts for: consumers run with no HTTP context.
// Payloads that are SOL data types travel as those types, so the REST and bus paths share one model.

/// <summary>NFVO-internal: process an uploaded VNF package (SOL005 10.4.5.3.3, onboarding is asynchronous).</summary>
public sealed record OnboardVnfPackage(string TenantId, string VnfPkgId);

/// <summary>VNFM-internal: drive one VNF LCM operation occurrence to its next stable state.</summary>
public sealed record ExecuteVnfLcmOperation(string TenantId, string VnfLcmOpOccId);

/// <summary>VNFM -> NFVO request: SOL003 9.4.2.3.1 "POST grants", as a bus request.</summary>
public sealed record RequestGrant(string TenantId, GrantRequest GrantRequest);

/// <summary>NFVO -> VNFM reply to <see cref="RequestGrant"/>: the Grant, or the reason it was rejected (SOL003: 403).</summary>
public sealed record GrantResult(Grant? Grant, ProblemDetails? Rejection);

/// <summary>
/// VNFM -> NFVO request: the onboarded VNF package of a VNFD (SOL003 10.4.3a "Individual onboarded VNF package"
/// and 10.4.4a ".../vnfd", as a bus request).
/// </summary>
public sealed record GetOnboardedVnfPackage(string TenantId, string VnfdId);

public sealed record OnboardedVnfPackageResult(OnboardedVnfPackage? Package, ProblemDetails? Problem);

/// <summary>What a VNFM needs of an onboarded package: its product info and the VNFD's files (path -> content).</summary>
/// <param name="KubernetesManifests">
/// The package's Kubernetes manifest files (YAML/JSON; Tacker's Files/kubernetes/**, and files that a Kubernetes
/// deployment artifact of the VNFD names), path -> content, from which the VNFM builds a CNF's resource plan. Null or
/// empty when the package has none (and in the answers of NFVOs that predate it).
/// </param>
/// <param name="HeatTemplates">
/// The package's Tacker-style Heat templates (BaseHOT/**), path -> content: with them the VNFM can deploy a flavour as a
/// Heat stack (ADR-0015). Null when the package has none (and in the answers of NFVOs that predate it).
/// </param>
public sealed record OnboardedVnfPackage(
    string VnfPkgId,
    string VnfdId,
    string VnfProvider,
    string VnfProductName,
    string VnfSoftwareVersion,
    string VnfdVersion,
    string OperationalState,
    string EntryDefinitions,
    IReadOnlyDictionary<string, byte[]> VnfdFiles,
    IReadOnlyDictionary<string, byte[]>? KubernetesManifests = null,
    IReadOnlyDictionary<string, byte[]>? HeatTemplates = null);

/// <summary>NFVO-internal: fetch a VNF package's content from the URI given to upload_from_uri (SOL005 9.4.6.3.1).
/// The address and credentials are kept in the NFVO's database only until the fetch ends, never in a message.</summary>
public sealed record FetchVnfPackage(string TenantId, string VnfPkgId);

/// <summary>
/// VNFM -> NFVO event: VNF instance <paramref name="VnfInstanceId"/> now uses the VNF package of VNFD
/// <paramref name="VnfdId"/> (published when the "Individual VNF instance" is created, and for the new package of a
/// change_vnfpkg). The NFVO keeps the set of instances per package and sets usageState IN_USE (SOL005 9.5.4.5).
/// <paramref name="OccurredAt"/> (UTC) orders the events of one (instance, VNFD) pair: an older event than the last
/// one applied is ignored, so redelivery and reordering are harmless.
/// </summary>
public sealed record VnfPackageUsed(string TenantId, string VnfdId, string VnfInstanceId, DateTime OccurredAt);

/// <summary>
/// VNFM -> NFVO event: VNF instance <paramref name="VnfInstanceId"/> no longer uses the package of VNFD
/// <paramref name="VnfdId"/> (the instance was deleted, or change_vnfpkg moved it to another package). When no
/// instance uses the package any more its usageState becomes NOT_IN_USE. See <see cref="VnfPackageUsed"/>.
/// </summary>
public sealed record VnfPackageReleased(string TenantId, string VnfdId, string VnfInstanceId, DateTime OccurredAt);

/// <summary>NFVO-internal: decide the PENDING grant <paramref name="GrantId"/> (a POST /grant/v1/grants answered 202, SOL003 9.4.2.3.1).</summary>
public sealed record DecideGrant(string TenantId, string GrantId);

/// <summary>
/// NFVO -> VNFM request: one SOL003 VNF LCM interface request (clause 5), carried over the bus verbatim, so that the
/// NFVO's NS LCM drives Mano's own VNFM exactly as it drives an external VNFM over REST (same bodies, same status codes).
/// <para><paramref name="Operation"/> names the SOL003 resource method (see <see cref="VnfLcmOperations"/>);
/// <paramref name="VnfInstanceId"/> is set for the Individual VNF instance resources and their tasks,
/// <paramref name="VnfLcmOpOccId"/> for the Individual VNF LCM operation occurrence resources and their tasks;
/// <paramref name="Body"/> is the JSON request body (CreateVnfRequest, InstantiateVnfRequest, ..., VnfInfoModificationRequest)
/// or null; <paramref name="IfMatch"/> is the PATCH precondition (ETag) or null; <paramref name="Query"/> is the SOL013
/// query string of <see cref="VnfLcmOperations.Query"/> (e.g. <c>filter=(eq,metadata/key,value)</c>, without "?"), or null.</para>
/// </summary>
public sealed record VnfLcmRequest(string TenantId, string Operation, string? VnfInstanceId, string? VnfLcmOpOccId, string? Body, string? IfMatch = null,
    string? Query = null);

/// <summary>
/// VNFM -> NFVO reply to <see cref="VnfLcmRequest"/>: the HTTP status the REST interface would answer, the JSON body it
/// would carry (VnfInstance, VnfLcmOpOcc, ProblemDetails, or null for 204), and for 202 the id of the new VnfLcmOpOcc
/// (what the Location header would name).
/// </summary>
public sealed record VnfLcmResponse(int StatusCode, string? Body, string? VnfLcmOpOccId = null);

/// <summary>The SOL003 VNF LCM requests a <see cref="VnfLcmRequest"/> can carry (the REST method and path in the comment).</summary>
public static class VnfLcmOperations
{
    public const string Create = "create";                     // POST   /vnf_instances                          -> 201 VnfInstance
    public const string Query = "query";                       // GET    /vnf_instances?<Query>                  -> 200 VnfInstance[]
    public const string Read = "read";                         // GET    /vnf_instances/{id}                     -> 200 VnfInstance
    public const string Modify = "modify";                     // PATCH  /vnf_instances/{id}                     -> 202
    public const string Delete = "delete";                     // DELETE /vnf_instances/{id}                     -> 204
    public const string Instantiate = "instantiate";           // POST   /vnf_instances/{id}/instantiate         -> 202
    public const string Scale = "scale";                       // POST   /vnf_instances/{id}/scale               -> 202
    public const string ScaleToLevel = "scale_to_level";       // POST   /vnf_instances/{id}/scale_to_level      -> 202
    public const string ChangeFlavour = "change_flavour";      // POST   /vnf_instances/{id}/change_flavour      -> 202
    public const string Terminate = "terminate";               // POST   /vnf_instances/{id}/terminate           -> 202
    public const string Heal = "heal";                         // POST   /vnf_instances/{id}/heal                -> 202
    public const string Operate = "operate";                   // POST   /vnf_instances/{id}/operate             -> 202
    public const string ChangeExtConn = "change_ext_conn";     // POST   /vnf_instances/{id}/change_ext_conn     -> 202
    public const string ChangeVnfpkg = "change_vnfpkg";        // POST   /vnf_instances/{id}/change_vnfpkg       -> 202
    public const string ReadOpOcc = "read_op_occ";             // GET    /vnf_lcm_op_occs/{opId}                 -> 200 VnfLcmOpOcc
    public const string Retry = "retry";                       // POST   /vnf_lcm_op_occs/{opId}/retry           -> 202
    public const string Rollback = "rollback";                 // POST   /vnf_lcm_op_occs/{opId}/rollback        -> 202
    public const string Fail = "fail";                         // POST   /vnf_lcm_op_occs/{opId}/fail            -> 200
    public const string Cancel = "cancel";                     // POST   /vnf_lcm_op_occs/{opId}/cancel          -> 202
}

/// <summary>
/// VNFM -> NFVO event, published on every change of a VNF LCM operation occurrence (the same moments and payload as
/// the SOL003 VnfLcmOperationOccurrenceNotification, 5.5.2.17, sent to subscribers), and when a VNF instance is
/// created or deleted (<see cref="Notification"/> null, <see cref="VnfIdentifierEvent"/> set: "CREATED"/"DELETED").
/// The NFVO's NS LCM waits on these instead of polling. Consumers must tolerate redelivery and reordering: compare
/// <see cref="VnfLcmOperationOccurrenceNotification.TimeStamp"/> or re-read the op occ.
/// </summary>
public sealed record VnfLcmOperationOccurrenceChanged(string TenantId, string VnfInstanceId, VnfLcmOperationOccurrenceNotification? Notification, string? VnfIdentifierEvent = null);

/// <summary>
/// VNFM -> NFVO request: <paramref name="Count"/> bytes from <paramref name="Offset"/> of one file of the onboarded VNF
/// package of VNFD <paramref name="VnfdId"/> (a software image, SOL005 9.4.7 "Individual VNF package artifact" as a bus
/// request with a range). The VNFM reads a software image chunk by chunk and streams it into the VIM's image service,
/// so an image never has to fit in a message or in memory. Only files the package lists (softwareImages' imagePath,
/// additionalArtifacts' artifactPath) can be read.
/// </summary>
public sealed record GetVnfPackageArtifactChunk(string TenantId, string VnfdId, string ArtifactPath, long Offset, int Count);

/// <summary>
/// NFVO -> VNFM reply to <see cref="GetVnfPackageArtifactChunk"/>: the bytes (fewer than asked at the end of the file,
/// none past it) and the file's total length; or the problem (404: no such package or file; 422: bad range).
/// </summary>
public sealed record VnfPackageArtifactChunk(byte[] Data, long TotalLength, ProblemDetails? Problem);
