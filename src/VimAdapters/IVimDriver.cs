namespace Mano.VimAdapters;

/// <summary>
/// The one seam between the VNFM and a VIM. Verbs mirror VNF LCM operations. Every verb is an idempotent "ensure":
/// resources carry the tags of <see cref="VimTags"/> (instance, resource key, op occ), a verb first lists what the VIM
/// holds for the instance and then does only what is missing, so a retry (or a redelivered command after a crash)
/// never makes a resource twice. Failures are <see cref="VimException"/>; on failure, what was done stays, tagged.
/// <para>
/// The resource-changing verbs take the whole <em>target</em> plan of the instance (every resource it must hold after
/// the operation, existing keys kept), not a delta: that makes them idempotent and makes one
/// <see cref="RollbackAsync"/> (ensure the plan of before the operation) the rollback of every one of them.
/// </para>
/// </summary>
public interface IVimDriver
{
    string VimType { get; }

    /// <summary>
    /// Ensures every resource of the plan exists (found by its tags, else created) and returns them
    /// (networks come with their subnet, under the same resource key). On failure the resources already
    /// made stay in the VIM, tagged, so that a retry finds them and terminate removes them.
    /// </summary>
    Task<IReadOnlyList<VimResource>> InstantiateAsync(VimConnectionInfo vim, VnfResourcePlan plan, CancellationToken ct);

    /// <summary>
    /// Deletes everything tagged with the instance (ports, volumes, computes, then networks).
    /// Idempotent: terminating an instance with nothing left succeeds. Also the rollback of instantiate.
    /// </summary>
    Task TerminateAsync(VimConnectionInfo vim, string tenantId, string vnfInstanceId, CancellationToken ct);

    /// <summary>
    /// SCALE and SCALE_TO_LEVEL: makes the instance's resources exactly <paramref name="target"/>: missing VNFCs (with
    /// their ports and volumes) are created, resources whose key the target no longer holds are deleted.
    /// </summary>
    Task<IReadOnlyList<VimResource>> ScaleAsync(VimConnectionInfo vim, VnfResourcePlan target, CancellationToken ct);

    /// <summary>CHANGE_FLAVOUR: like <see cref="ScaleAsync"/>, and servers whose size or image changed are rebuilt (keeping ports and volumes).</summary>
    Task<IReadOnlyList<VimResource>> ChangeFlavourAsync(VimConnectionInfo vim, VnfResourcePlan target, CancellationToken ct);

    /// <summary>CHANGE_EXT_CONN: ports whose external network changed are re-created on the new one (same key); the rest is kept.</summary>
    Task<IReadOnlyList<VimResource>> ChangeExtConnAsync(VimConnectionInfo vim, VnfResourcePlan target, CancellationToken ct);

    /// <summary>CHANGE_VNFPKG: the target of the new VNFD; servers whose image or size changed are rebuilt keeping their ports and volumes.</summary>
    Task<IReadOnlyList<VimResource>> ChangeVnfpkgAsync(VimConnectionInfo vim, VnfResourcePlan target, CancellationToken ct);

    /// <summary>
    /// HEAL: re-creates the servers of <paramref name="vnfcKeys"/> (all of the plan when empty) from their image,
    /// keeping their ports and volumes (re-attached), and ensures every other resource of the plan exists. A server
    /// already rebuilt by this operation (tag <see cref="VimTags.OpOccId"/> = the plan's op occ) is not rebuilt again.
    /// </summary>
    Task<IReadOnlyList<VimResource>> HealAsync(VimConnectionInfo vim, VnfResourcePlan plan, IReadOnlyCollection<string> vnfcKeys, CancellationToken ct);

    /// <summary>
    /// OPERATE (and the graceful stop before a GRACEFUL terminate): starts or stops the servers of the plan (or of
    /// <see cref="PowerChange.VnfcKeys"/>). A graceful stop gives each guest at most <see cref="PowerChange.GracefulTimeout"/>.
    /// </summary>
    Task<IReadOnlyList<VimResource>> OperateAsync(VimConnectionInfo vim, VnfResourcePlan plan, PowerChange change, CancellationToken ct);

    /// <summary>
    /// The rollback of every resource-changing operation but instantiate (whose rollback is <see cref="TerminateAsync"/>):
    /// makes the instance's resources exactly <paramref name="previous"/> again (what the operation added is deleted,
    /// what it removed is re-created under the same keys, what it changed is rebuilt to the previous spec).
    /// </summary>
    Task<IReadOnlyList<VimResource>> RollbackAsync(VimConnectionInfo vim, VnfResourcePlan previous, CancellationToken ct);

    /// <summary>The tenant's resources, or only those tagged with one VNF instance.</summary>
    Task<IReadOnlyList<VimResource>> ListResourcesAsync(VimConnectionInfo vim, string tenantId, string? vnfInstanceId, CancellationToken ct);
}

/// <summary>What <see cref="IVimDriver.OperateAsync"/> does: start, or stop (gracefully within a timeout, or forcefully).</summary>
/// <param name="Start">True: start (ACTIVE); false: stop (SHUTOFF).</param>
/// <param name="Graceful">Stop: let the guest shut down first.</param>
/// <param name="GracefulTimeout">Stop: how long a graceful shutdown may take before the server is powered off (null: as long as it takes).</param>
/// <param name="VnfcKeys">Only these VNFCs (null: all of the plan).</param>
public sealed record PowerChange(bool Start, bool Graceful = false, TimeSpan? GracefulTimeout = null, IReadOnlyCollection<string>? VnfcKeys = null);
