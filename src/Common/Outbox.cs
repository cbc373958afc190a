using System.Text.Json;
using MassTransit;
using Mano.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mano.Common;

/// <summary>
/// Mano's transactional outbox (ARCHITECTURE.md: MassTransit's EF outbox is not obtainable here). A state change and
/// the bus message it causes are saved in the same DbContext transaction; <see cref="OutboxDispatcher{TContext}"/>
/// publishes afterwards, so a crash can delay a message but never lose it or send it for a change that did not commit.
/// Consumers are idempotent: a message may be published more than once (crash between publish and mark).
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public required string MessageType { get; set; }
    public required string Payload { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DispatchedAt { get; set; }
    public DateTime? LockedUntil { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
}

public static class OutboxModel
{
    public static void AddOutbox(this ModelBuilder model)
    {
        model.Entity<OutboxMessage>(e =>
        {
            e.ToTable("outbox_messages");
            e.HasKey(x => x.Id);
            e.Property(x => x.MessageType).HasMaxLength(200);
            e.HasIndex(x => x.DispatchedAt);
        });
    }

    /// <summary>Adds a message to the outbox of this DbContext; it is published only if SaveChanges commits.</summary>
    public static void AddOutboxMessage<T>(this DbContext db, T message) where T : class
    {
        db.Set<OutboxMessage>().Add(new OutboxMessage
        {
            MessageType = typeof(T).FullName!,
            Payload = JsonSerializer.Serialize(message, SolJson.Options),
            CreatedAt = DateTime.UtcNow,
        });
    }
}

/// <summary>Wakes the dispatchers of this process after every commit (they also poll, for work committed elsewhere).</summary>
public sealed class WorkSignalInterceptor(WorkSignal signal) : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor
{
    public override int SavedChanges(Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesCompletedEventData eventData, int result)
    {
        signal.Pulse();
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        signal.Pulse();
        return ValueTask.FromResult(result);
    }
}

/// <summary>
/// A broadcast wake-up for background dispatchers, so work committed in this process goes out without waiting for
/// the next poll. Take <see cref="NextPulse"/> before looking for work, then wait on it: no pulse is missed.
/// </summary>
public sealed class WorkSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public Task NextPulse() => Volatile.Read(ref _next).Task;

    public static async Task WaitAsync(Task pulse, TimeSpan timeout, CancellationToken ct)
    {
        try { await pulse.WaitAsync(timeout, ct); }
        catch (TimeoutException) { }
    }
}

/// <summary>
/// Publishes committed outbox rows. Safe with several replicas: a row is claimed by a conditional UPDATE that sets a
/// lease (provider-neutral, works on SQLite and PostgreSQL); an expired lease is claimable again.
/// </summary>
public sealed partial class OutboxDispatcher<TContext>(
    IServiceScopeFactory scopes, WorkSignal signal, ILogger<OutboxDispatcher<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);
    private static readonly Dictionary<string, Type> MessageTypes = typeof(Mano.Contracts.Messages.ExecuteVnfLcmOperation).Assembly
        .GetTypes().Where(t => t.FullName is not null).ToDictionary(t => t.FullName!);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var pulse = signal.NextPulse();
            int sent;
            try { sent = await DispatchBatchAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                LogBatchFailed(e);
                sent = 0;
            }
            if (sent == 0)
            {
                try { await WorkSignal.WaitAsync(pulse, Poll, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    public async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var bus = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
        var now = DateTime.UtcNow;
        var ids = await db.Set<OutboxMessage>()
            .Where(m => m.DispatchedAt == null && (m.LockedUntil == null || m.LockedUntil < now))
            .OrderBy(m => m.Id).Select(m => m.Id).Take(50).ToListAsync(ct);
        var sent = 0;
        foreach (var id in ids)
        {
            var leaseUntil = DateTime.UtcNow + Lease;
            var claimed = await db.Set<OutboxMessage>()
                .Where(m => m.Id == id && m.DispatchedAt == null && (m.LockedUntil == null || m.LockedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntil, leaseUntil).SetProperty(m => m.Attempts, m => m.Attempts + 1), ct);
            if (claimed == 0) continue; // another replica has it
            var row = await db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.Id == id, ct);
            try
            {
                if (!MessageTypes.TryGetValue(row.MessageType, out var type))
                    throw new InvalidOperationException($"Unknown outbox message type {row.MessageType}");
                var message = JsonSerializer.Deserialize(row.Payload, type, SolJson.Options)!;
                await bus.Publish(message, type, ct);
                await db.Set<OutboxMessage>().Where(m => m.Id == id)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.DispatchedAt, DateTime.UtcNow), ct);
                sent++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPublishFailed(e, row.Id, row.MessageType);
                await db.Set<OutboxMessage>().Where(m => m.Id == id)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.LastError, e.Message)
                        .SetProperty(m => m.LockedUntil, DateTime.UtcNow.AddSeconds(5)), ct);
            }
        }
        return sent;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox batch failed")]
    private partial void LogBatchFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing outbox message {Id} ({Type}) failed; it will be retried")]
    private partial void LogPublishFailed(Exception e, long id, string type);
}
