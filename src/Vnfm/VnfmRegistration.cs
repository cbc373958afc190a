using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.VimAdapters;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mano.Vnfm;

public static class VnfmRegistration
{
    public const string Schema = "vnfm";

    /// <summary>Everything the VNFM role needs, but the bus consumers (see <see cref="AddVnfmConsumers"/>).</summary>
    public static IServiceCollection AddVnfm(this IServiceCollection services, IConfiguration config, DatabaseSettings db)
    {
        services.AddManoDbContext<VnfmDbContext, VnfmSqliteDbContext, VnfmPostgresDbContext>(db, Schema);
        services.AddSingleton(new VnfmOptions
        {
            ApiRoot = config["Mano:PublicUrl"]?.TrimEnd('/') ?? "http://127.0.0.1:9890",
            WorkerLease = TimeSpan.FromSeconds(config.GetValue("Vnfm:WorkerLeaseSeconds", 30.0)),
            WatchdogInterval = TimeSpan.FromSeconds(config.GetValue("Vnfm:Watchdog:IntervalSeconds", 60.0)),
            WatchdogMinAge = TimeSpan.FromSeconds(config.GetValue("Vnfm:Watchdog:MinAgeSeconds", 120.0)),
        });
        services.AddSingleton<VnfdCatalog>();
        services.AddGrantClients(config);
        services.AddSingleton<LcmNotifier>();
        services.AddSingleton<VnfLcmRequestExecutor>(); // VnfLcmRequestConsumer.cs: SOL003 requests over the bus
        services.AddScoped<LcmOperationRunner>();
        services.AddScoped<LcmWatchdog>();
        services.AddScoped<VimResync>(); // VimResync.cs: VIM drift (ADR-0008)
        services.AddSingleton<VimDriverRegistry>();
        services.AddSingleton(new NotificationOptions());
        services.AddHttpClient(NotificationDispatcher<VnfmDbContext>.HttpClientName);
        services.AddHostedService<OutboxDispatcher<VnfmDbContext>>();
        services.AddHostedService<NotificationDispatcher<VnfmDbContext>>();
        services.AddHostedService<LcmWatchdogService>();
        return services;
    }

    public static void AddVnfmConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ExecuteVnfLcmOperationConsumer>();
        bus.AddConsumer<VnfLcmRequestConsumer>();
        bus.AddRequestClient<RequestGrant>();
    }

    public static async Task MigrateVnfmAsync(this IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<VnfmDbContext>().Database.MigrateAsync(ct);
    }
}

/// <summary>
/// Keeps no LCM operation stuck (ARCHITECTURE.md "what must never happen"): re-sends the command for every
/// STARTING/PROCESSING op whose worker lease is free, e.g. after a crash or when an in-memory bus lost the message.
/// Harmless when the op is being driven: the runner's lease check makes the duplicate a no-op.
/// Runs at start-up and as a Hangfire recurring job.
/// </summary>
public sealed partial class LcmWatchdog(VnfmDbContext db, VnfmOptions options, ILogger<LcmWatchdog> logger)
{
    public const string JobId = "vnfm-lcm-watchdog";

    /// <summary>Acts for every tenant (IgnoreQueryFilters); each resumed command carries its op's tenant.</summary>
    public async Task ResumeInFlightOperationsAsync(TimeSpan olderThan, CancellationToken ct = default)
    {
        var now = DateTime.UtcNow;
        var cutoff = now - olderThan;
        var stuck = await db.VnfLcmOpOccs.IgnoreQueryFilters().AsNoTracking()
            .Where(o => (o.OperationState == LcmOperationState.Starting || o.OperationState == LcmOperationState.Processing
                         || o.OperationState == LcmOperationState.RollingBack)
                        && o.StateEnteredTime <= cutoff && (o.LockedUntil == null || o.LockedUntil < now))
            .Select(o => new { o.Id, o.TenantId, o.OperationState })
            .ToListAsync(ct);
        foreach (var op in stuck)
        {
            db.AddOutboxMessage(new ExecuteVnfLcmOperation(op.TenantId, op.Id));
            LogResumed(op.Id, op.OperationState);
        }
        if (stuck.Count > 0) await db.SaveChangesAsync(ct);
    }

    /// <summary>Hangfire entry point (no CancellationToken parameter: Hangfire supplies its own).</summary>
    public Task RunAsync() => ResumeInFlightOperationsAsync(options.WatchdogMinAge);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resuming LCM op occ {OpOccId} found in {State} with no worker")]
    private partial void LogResumed(string opOccId, string state);
}

/// <summary>
/// Runs the <see cref="LcmWatchdog"/> every <see cref="VnfmOptions.WatchdogInterval"/> in every VNFM process (each
/// replica; duplicates are harmless). Configurable (Vnfm:Watchdog:IntervalSeconds) so that chaos tests need not wait
/// minutes; the Hangfire job of the host is the same sweep on a minute cadence.
/// </summary>
public sealed partial class LcmWatchdogService(IServiceScopeFactory scopes, VnfmOptions options, ILogger<LcmWatchdogService> logger)
    : Microsoft.Extensions.Hosting.BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.WatchdogInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<LcmWatchdog>().ResumeInFlightOperationsAsync(options.WatchdogMinAge, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The LCM watchdog sweep failed; it runs again at the next interval")]
    private partial void LogSweepFailed(Exception e);
}
