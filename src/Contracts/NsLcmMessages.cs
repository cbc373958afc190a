namespace Mano.Contracts.Messages;

/// <summary>
/// NFVO-internal: drive one NS LCM operation occurrence (SOL005 6.5.2.3) to its next stable state. Sent from the outbox
/// when the op is accepted or a task (retry, rollback) resumes it, by the VnfLcmOperationOccurrenceChanged consumer when a
/// constituent VNF's operation changed, and by the NS LCM watchdog for an op with no worker.
/// </summary>
public sealed record ExecuteNsLcmOperation(string TenantId, string NsLcmOpOccId);
