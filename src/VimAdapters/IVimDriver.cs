namespace Mano.VimAdapters;

/// <summary>
/// The one seam between the VNFM and a VIM. Verbs mirror VNF LCM operations (more arrive later: scale,
/// heal, operate, change_ext_conn, rollbacks). Every verb is idempotent: resources carry the tags of
/// <see cref="VimTags"/> and a retry finds what already exists. Failures are <see cref="VimException"/>.
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
    /// Idempotent: terminating an instance with nothing left succeeds.
    /// </summary>
    Task TerminateAsync(VimConnectionInfo vim, string tenantId, string vnfInstanceId, CancellationToken ct);

    /// <summary>The tenant's resources, or only those tagged with one VNF instance.</summary>
    Task<IReadOnlyList<VimResource>> ListResourcesAsync(VimConnectionInfo vim, string tenantId, string? vnfInstanceId, CancellationToken ct);
}
