using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Microsoft.EntityFrameworkCore;

namespace Mano.Vnfm;

/// <summary>
/// SOL003 5.4.14 - 5.4.17, the tasks on an LCM operation occurrence: retry, rollback, fail and cancel. Each is a
/// transition of the op occ row (through <see cref="LcmStateMachine"/>), its notification and, when the worker has work
/// to do, the command, in one transaction; 409 when the op is not in a state the task applies to.
/// </summary>
public static class LcmTasks
{
    private static async Task<VnfLcmOpOccRecord> FindOpOcc(VnfmDbContext db, string id, CancellationToken ct) =>
        await db.VnfLcmOpOccs.SingleOrDefaultAsync(o => o.Id == id, ct)
        ?? throw new NotFoundProblem($"No VNF LCM operation occurrence {id}.");

    /// <summary>5.4.14.3.1 retry: FAILED_TEMP -> PROCESSING, the step re-run (every VIM verb is an idempotent ensure). 409 otherwise.</summary>
    public static async Task RetryAsync(VnfmDbContext db, LcmNotifier notifier, string vnfLcmOpOccId, CancellationToken ct)
    {
        var op = await FindOpOcc(db, vnfLcmOpOccId, ct);
        if (op.OperationState != LcmOperationState.FailedTemp)
            throw new ConflictProblem($"Op occ {op.Id} is {op.OperationState}; only a FAILED_TEMP operation can be retried.");
        await ResumeAsync(db, notifier, op, LcmOperationState.Processing, ct);
    }

    /// <summary>5.4.15.3.1 rollback: FAILED_TEMP -> ROLLING_BACK -> ROLLED_BACK, restoring the instance's snapshot. 409 otherwise.</summary>
    public static async Task RollbackAsync(VnfmDbContext db, LcmNotifier notifier, string vnfLcmOpOccId, CancellationToken ct)
    {
        var op = await FindOpOcc(db, vnfLcmOpOccId, ct);
        if (op.OperationState != LcmOperationState.FailedTemp)
            throw new ConflictProblem($"Op occ {op.Id} is {op.OperationState}; only a FAILED_TEMP operation can be rolled back.");
        await ResumeAsync(db, notifier, op, LcmOperationState.RollingBack, ct);
    }

    /// <summary>5.4.16.3.1 fail: FAILED_TEMP -> FAILED (final), the instance is free again; 200 with the op occ. 409 otherwise.</summary>
    public static async Task<VnfLcmOpOccRecord> FailAsync(VnfmDbContext db, LcmNotifier notifier, string vnfLcmOpOccId, CancellationToken ct)
    {
        var op = await FindOpOcc(db, vnfLcmOpOccId, ct);
        if (op.OperationState != LcmOperationState.FailedTemp)
            throw new ConflictProblem($"Op occ {op.Id} is {op.OperationState}; only a FAILED_TEMP operation can be marked FAILED.");
        var instance = await db.VnfInstances.SingleAsync(i => i.Id == op.VnfInstanceId, ct);
        LcmStateMachine.Transition(op, LcmOperationState.Failed, DateTime.UtcNow);
        if (instance.CurrentOpOccId == op.Id)
        {
            instance.CurrentOpOccId = null;
            instance.Version++;
        }
        await notifier.QueueAsync(db, op, instance, ct);
        await SaveOrConflictAsync(db, op.Id, ct);
        return op;
    }

    /// <summary>
    /// 5.4.17.3.1 cancel (STARTING, PROCESSING or ROLLING_BACK; 409 otherwise): isCancelPending is set and the worker
    /// ends the op ROLLED_BACK (from STARTING) or FAILED_TEMP. GRACEFUL lets the VIM call in flight finish; FORCEFUL
    /// cancels it.
    /// </summary>
    public static async Task CancelAsync(VnfmDbContext db, string vnfLcmOpOccId, string? cancelMode, CancellationToken ct)
    {
        if (cancelMode is not ("GRACEFUL" or "FORCEFUL")) throw new BadRequestProblem("cancelMode must be GRACEFUL or FORCEFUL (SOL003 5.5.2.14).");
        var op = await FindOpOcc(db, vnfLcmOpOccId, ct);
        if (op.OperationState is not (LcmOperationState.Starting or LcmOperationState.Processing or LcmOperationState.RollingBack))
            throw new ConflictProblem($"Op occ {op.Id} is {op.OperationState}; only a STARTING, PROCESSING or ROLLING_BACK operation can be cancelled.");
        if (op.IsCancelPending) throw new ConflictProblem($"Op occ {op.Id} is already being cancelled ({op.CancelMode}).");
        op.IsCancelPending = true;
        op.CancelMode = cancelMode;
        op.Version++;
        // The worker acts on it; if none holds the op (lost command, crash) this command finds it.
        db.AddOutboxMessage(new ExecuteVnfLcmOperation(op.TenantId, op.Id));
        await SaveOrConflictAsync(db, op.Id, ct);
    }

    private static async Task ResumeAsync(VnfmDbContext db, LcmNotifier notifier, VnfLcmOpOccRecord op, string to, CancellationToken ct)
    {
        var instance = await db.VnfInstances.SingleAsync(i => i.Id == op.VnfInstanceId, ct);
        LcmStateMachine.Transition(op, to, DateTime.UtcNow);
        op.Error = null;
        op.LockedUntil = null;
        await notifier.QueueAsync(db, op, instance, ct);
        db.AddOutboxMessage(new ExecuteVnfLcmOperation(op.TenantId, op.Id));
        await SaveOrConflictAsync(db, op.Id, ct);
    }

    private static async Task SaveOrConflictAsync(VnfmDbContext db, string opOccId, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictProblem($"Op occ {opOccId} was changed concurrently; read it again.");
        }
    }

}
