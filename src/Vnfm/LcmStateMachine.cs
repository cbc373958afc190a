using Mano.Contracts;

namespace Mano.Vnfm;

/// <summary>
/// SOL003 5.6.2.2 (figure 5.6.2.2-1), the states of a VNF LCM operation occurrence and the transitions between them.
/// Every change of <see cref="VnfLcmOpOccRecord.OperationState"/> goes through <see cref="Transition"/>.
/// </summary>
public static class LcmStateMachine
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        // STARTING -> ROLLED_BACK: the grant was rejected (or the op cancelled) before anything changed.
        [LcmOperationState.Starting] = [LcmOperationState.Processing, LcmOperationState.RolledBack],
        [LcmOperationState.Processing] = [LcmOperationState.Completed, LcmOperationState.FailedTemp],
        // FAILED_TEMP -> PROCESSING is "retry", -> ROLLING_BACK "rollback", -> FAILED "fail" (issue 4 exposes them).
        [LcmOperationState.FailedTemp] = [LcmOperationState.Processing, LcmOperationState.RollingBack, LcmOperationState.Failed],
        [LcmOperationState.RollingBack] = [LcmOperationState.RolledBack, LcmOperationState.FailedTemp],
        [LcmOperationState.Completed] = [],
        [LcmOperationState.Failed] = [],
        [LcmOperationState.RolledBack] = [],
    };

    public static void Transition(VnfLcmOpOccRecord op, string to, DateTime now)
    {
        if (!Allowed.TryGetValue(op.OperationState, out var next) || !next.Contains(to))
            throw new InvalidOperationException($"VNF LCM op occ {op.Id}: {op.OperationState} -> {to} is not a SOL003 transition.");
        op.OperationState = to;
        op.StateEnteredTime = now;
        op.Version++;
    }

    /// <summary>SOL003 5.5.2.17 notificationStatus: START while the operation runs, RESULT for what it came to.</summary>
    public static string NotificationStatus(string state) =>
        state is LcmOperationState.Starting or LcmOperationState.Processing or LcmOperationState.RollingBack ? "START" : "RESULT";
}
