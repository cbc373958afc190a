using System.Text.Json.Nodes;
using Mano.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Mano.Nfvo;

/// <summary>An NS instance (SOL005 6.5.2.10) as the NFVO stores it. SOL sub-structures are JSON columns.</summary>
public sealed class NsInstanceRecord : IVersioned
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string NsInstanceName { get; set; }
    public required string NsInstanceDescription { get; set; }
    public required string NsdId { get; set; }
    public required string NsdInfoId { get; set; }
    /// <summary>NOT_INSTANTIATED or INSTANTIATED (<see cref="Contracts.NsLcm.NsState"/>).</summary>
    public required string NsState { get; set; }
    public string? FlavourId { get; set; }
    public string? NsInstantiationLevelId { get; set; }
    /// <summary>The NS virtual links the NFVO made on the VIM (<see cref="NsVlState"/> JSON array), for virtualLinkInfo.</summary>
    public string? VirtualLinks { get; set; }
    /// <summary>sapInfo JSON array (SOL005 6.5.3.67), from the instantiation's sapData.</summary>
    public string? SapInfo { get; set; }
    /// <summary>nsScaleStatus JSON array.</summary>
    public string? NsScaleStatus { get; set; }
    /// <summary>The one non-final NS LCM operation of this instance (SOL005 6.6.2.2: one at a time), or null.</summary>
    public string? CurrentOpOccId { get; set; }
    public DateTime CreatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>
/// A constituent VNF instance of an NS instance: which VNF profile of the NSD it realises, on which VIM, and a copy of
/// the VNFM's last answer (VnfInstance JSON) for NsInstance.vnfInstance. Also the index that maps a VNFM event
/// (VnfLcmOperationOccurrenceChanged, keyed by vnfInstanceId) to its NS instance.
/// </summary>
public sealed class NsVnfInstanceRecord
{
    public required string TenantId { get; set; }
    public required string VnfInstanceId { get; set; }
    public required string NsInstanceId { get; set; }
    public required string VnfProfileId { get; set; }
    public required string VnfdId { get; set; }
    public string? VimId { get; set; }
    public string? ZoneId { get; set; }
    /// <summary>The SOL003 VnfInstance the VNFM last returned (JSON), or null before the first read.</summary>
    public string? VnfInstance { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// An NS LCM operation occurrence (SOL005 6.5.2.3). The row IS the state of the operation (ADR-0002): the plan
/// (<see cref="Plan"/>: the steps and the state of each) is written before the first step runs and after every step,
/// so a crash or a redelivered command resumes where it stopped.
/// </summary>
public sealed class NsLcmOpOccRecord : IVersioned
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string NsInstanceId { get; set; }
    public required string LcmOperationType { get; set; }
    public required string OperationState { get; set; }
    public DateTime StateEnteredTime { get; set; }
    public DateTime StartTime { get; set; }
    public bool IsAutomaticInvocation { get; set; }
    public bool IsCancelPending { get; set; }
    public string? CancelMode { get; set; }
    /// <summary>The request body (JSON).</summary>
    public string? OperationParams { get; set; }
    /// <summary><see cref="NsLcmPlan"/> JSON: the steps and their state.</summary>
    public required string Plan { get; set; }
    /// <summary>ProblemDetails JSON of the last failure.</summary>
    public string? Error { get; set; }
    /// <summary>Worker lease: the worker driving this op until then; an expired lease is taken over.</summary>
    public DateTime? LockedUntil { get; set; }
    public int Version { get; set; }
}

/// <summary>An NS LCM notification subscription (SOL005 6.5.2.4).</summary>
public sealed class NsLcmSubscriptionRecord
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string CallbackUri { get; set; }
    /// <summary>LifecycleChangeNotificationsFilter JSON.</summary>
    public string? Filter { get; set; }
    /// <summary>SubscriptionAuthentication JSON. Secrets: never returned, never logged.</summary>
    public string? Authentication { get; set; }
    public required string Verbosity { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>An NS virtual link the NFVO made: the NSD's VL id, the VIM it is on and the network's resource id there.</summary>
public sealed record NsVlState(string Id, string NsVirtualLinkDescId, string VimId, string ResourceId);

// ---- The plan of an NS LCM operation ---------------------------------------------------------------------------

/// <summary>What one step of an NS LCM operation does.</summary>
public static class NsStepKind
{
    /// <summary>Create the NS virtual links on a VIM (IVimDriver.InstantiateAsync with only those networks; instance id = the NS instance).</summary>
    public const string CreateNsVls = "CREATE_NS_VLS";
    /// <summary>Delete the NS virtual links (IVimDriver.TerminateAsync of the NS instance).</summary>
    public const string DeleteNsVls = "DELETE_NS_VLS";
    /// <summary>POST /vnf_instances through the VNFM (synchronous, 201).</summary>
    public const string CreateVnf = "CREATE_VNF";
    /// <summary>One asynchronous SOL003 task on a VNF instance (<see cref="NsPlanStep.Operation"/>: instantiate, scale, heal, terminate, ...).</summary>
    public const string VnfOperation = "VNF_OPERATION";
    /// <summary>A task on a VNF LCM op occ (retry, rollback) of a VNF operation that failed.</summary>
    public const string VnfOpOccTask = "VNF_OP_OCC_TASK";
    /// <summary>DELETE /vnf_instances/{id} through the VNFM (synchronous, 204).</summary>
    public const string DeleteVnf = "DELETE_VNF";
    /// <summary>Plan the NSD's VNFFG chains over the VNFs' current ports and ensure them on the VIM (IVimChainDriver).</summary>
    public const string EnsureChains = "ENSURE_CHAINS";
    /// <summary>Delete every chain of the NS instance on a VIM.</summary>
    public const string DeleteChains = "DELETE_CHAINS";
}

public static class NsStepStatus
{
    public const string Pending = "PENDING";
    /// <summary>Claimed and its request sent (or about to be): a resumed worker re-checks instead of re-sending blindly.</summary>
    public const string Started = "STARTED";
    /// <summary>An asynchronous VNF operation is running in the VNFM (<see cref="NsPlanStep.VnfLcmOpOccId"/>).</summary>
    public const string Running = "RUNNING";
    public const string Done = "DONE";
    public const string Failed = "FAILED";
    /// <summary>
    /// Left out by the "continue" task (SOL005 6.4.13): a failed step, or a step that waits on one. A skipped step that
    /// had failed keeps its <see cref="NsPlanStep.Error"/>; an op that ends with skipped steps is PARTIALLY_COMPLETED.
    /// </summary>
    public const string Skipped = "SKIPPED";
}

/// <summary>
/// One step of an NS LCM operation. A VNF is named by <see cref="VnfKey"/> (stable within the NS instance: the VNF profile
/// and an ordinal) until the VNFM gave it an id. <see cref="After"/> lists the steps that must be DONE first (the NSD's
/// NsDependency and the natural order create -> instantiate); steps with no open predecessor run in parallel.
/// </summary>
public sealed class NsPlanStep
{
    public required string Id { get; set; }
    public required string Kind { get; set; }
    public List<string> After { get; set; } = [];
    public string Status { get; set; } = NsStepStatus.Pending;
    public string? VnfKey { get; set; }
    public string? VnfProfileId { get; set; }
    public string? VnfdId { get; set; }
    public string? VnfInstanceId { get; set; }
    public string? VimId { get; set; }
    public string? ZoneId { get; set; }
    /// <summary>For <see cref="NsStepKind.VnfOperation"/>: the <see cref="Contracts.Messages.VnfLcmOperations"/> name; for <see cref="NsStepKind.VnfOpOccTask"/> the task.</summary>
    public string? Operation { get; set; }
    /// <summary>The SOL003 request body (for instantiate, extVirtualLinks are added when the step starts, from the NS VLs made).</summary>
    public JsonObject? Body { get; set; }
    /// <summary>For instantiate: which NS VL each group of the VNF's external CPs connects to (resolved to networks when the step starts).</summary>
    public List<NsPlannedExtVl>? ExtVirtualLinks { get; set; }
    /// <summary>For <see cref="NsStepKind.CreateNsVls"/>: the NSD VL ids to make.</summary>
    public List<string>? VirtualLinkDescIds { get; set; }
    /// <summary>The VNF LCM op occ this step started (or, for a task step, acts on).</summary>
    public string? VnfLcmOpOccId { get; set; }
    public ProblemDetails? Error { get; set; }
}

/// <summary>The VNF's external CPs <see cref="CpdIds"/> connect to NS virtual link <see cref="NsVirtualLinkDescId"/> (the NSD's virtual_link requirements).</summary>
public sealed record NsPlannedExtVl(string NsVirtualLinkDescId, List<string> CpdIds);

/// <summary>The plan of an NS LCM operation: the same object for a dry run (returned) and a real run (executed).</summary>
public sealed class NsLcmPlan
{
    public required string NsInstanceId { get; set; }
    public required string LcmOperationType { get; set; }
    public List<NsPlanStep> Steps { get; set; } = [];
    /// <summary>The undo steps, computed when the op goes ROLLING_BACK (only what this op created or changed).</summary>
    public List<NsPlanStep>? RollbackSteps { get; set; }
    /// <summary>The NS VLs the op makes (the id each will have) with their VIM.</summary>
    public List<NsVlState> VirtualLinks { get; set; } = [];
    /// <summary>SCALE_NS: the NS scale levels (nsScaleStatus) the NS instance has once the operation completes.</summary>
    public List<Contracts.NsLcm.NsScaleInfo>? NsScaleStatus { get; set; }
    /// <summary>What the operation did not do but did not fail for (a chain the VIM cannot realise): NsLcmOpOcc.warnings.</summary>
    public List<string>? Warnings { get; set; }
    /// <summary>What the planner could not do (a VNF with no VIM, ...). A plan with problems is not executed.</summary>
    public List<string> Problems { get; set; } = [];
}

public abstract partial class NfvoDbContext
{
    public DbSet<NsInstanceRecord> NsInstances => Set<NsInstanceRecord>();
    public DbSet<NsVnfInstanceRecord> NsVnfInstances => Set<NsVnfInstanceRecord>();
    public DbSet<NsLcmOpOccRecord> NsLcmOpOccs => Set<NsLcmOpOccRecord>();
    public DbSet<NsLcmSubscriptionRecord> NsLcmSubscriptions => Set<NsLcmSubscriptionRecord>();

    private void ConfigureNsLcm(ModelBuilder model)
    {
        model.Entity<NsInstanceRecord>(e =>
        {
            e.ToTable("ns_instances");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.NsdId).HasMaxLength(255);
            e.Property(x => x.NsdInfoId).HasMaxLength(64);
            e.Property(x => x.NsState).HasMaxLength(32);
            e.Property(x => x.CurrentOpOccId).HasMaxLength(64);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.TenantId, x.CreatedAt });
            e.HasIndex(x => new { x.TenantId, x.NsdInfoId });
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });
        model.Entity<NsVnfInstanceRecord>(e =>
        {
            e.ToTable("ns_vnf_instances");
            e.HasKey(x => new { x.TenantId, x.VnfInstanceId });
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.VnfInstanceId).HasMaxLength(64);
            e.Property(x => x.NsInstanceId).HasMaxLength(64);
            e.Property(x => x.VnfProfileId).HasMaxLength(255);
            e.Property(x => x.VnfdId).HasMaxLength(255);
            e.Property(x => x.VimId).HasMaxLength(64);
            e.HasIndex(x => new { x.TenantId, x.NsInstanceId });
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });
        model.Entity<NsLcmOpOccRecord>(e =>
        {
            e.ToTable("ns_lcm_op_occs");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.NsInstanceId).HasMaxLength(64);
            e.Property(x => x.LcmOperationType).HasMaxLength(32);
            e.Property(x => x.OperationState).HasMaxLength(32);
            e.Property(x => x.CancelMode).HasMaxLength(16);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.TenantId, x.NsInstanceId });
            e.HasIndex(x => x.OperationState);
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });
        model.Entity<NsLcmSubscriptionRecord>(e =>
        {
            e.ToTable("nslcm_subscriptions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.Verbosity).HasMaxLength(16);
            e.HasIndex(x => new { x.TenantId, x.CreatedAt });
            e.HasQueryFilter(x => x.TenantId == _tenant.TenantId);
        });
    }
}
