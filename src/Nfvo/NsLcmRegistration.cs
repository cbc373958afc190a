using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.Contracts.NsLcm;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Mano.Nfvo;

public static class NsLcmRegistration
{
    /// <summary>
    /// NS LCM (SOL005 clause 6): planner, engine, chains, notifier, watchdog. The seams (<see cref="INsdSource"/>,
    /// <see cref="INsVnfLcm"/>, <see cref="INsVnfPlacement"/>) are bound with TryAdd to the NSD catalogue, the VNFM
    /// clients and the placement planner; a test may bind its own.
    /// </summary>
    public static IServiceCollection AddNsLcm(this IServiceCollection services, IConfiguration config)
    {
        var options = new NsLcmOptions();
        if (config.GetValue<int?>("Nfvo:NsLcm:WorkerLeaseSeconds") is { } lease) options.WorkerLease = TimeSpan.FromSeconds(lease);
        if (config.GetValue<double?>("Nfvo:NsLcm:WatchdogSeconds") is { } watchdog) options.WatchdogInterval = TimeSpan.FromSeconds(watchdog);
        services.AddSingleton(options);
        services.AddSingleton<NsLcmNotifier>();
        services.AddScoped<NsLcmPlanner>();
        services.AddScoped<NsLcmRunner>();
        services.AddScoped<NsChains>();
        services.AddScoped<NsLcmWatchdog>();
        services.AddHostedService<NsLcmWatchdogService>();
        services.TryAddScoped<INsVnfPlacement, PlannerPlacement>();
        services.TryAddScoped<INsdSource, NsdCatalogSource>();
        services.TryAddScoped<INsVnfLcm, VnfLcmClientsVnfLcm>();
        return services;
    }

    public static void AddNsLcmConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ExecuteNsLcmOperationConsumer>();
        bus.AddConsumer<VnfLcmOperationOccurrenceChangedConsumer>();
    }
}

/// <summary>Re-drives in-flight NS ops (all tenants) whose worker lease is free: the VNF ops they wait on are re-read.</summary>
public sealed class NsLcmWatchdog(NfvoDbContext db)
{
    public async Task<int> ResumeAsync(CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var inFlight = await db.NsLcmOpOccs.IgnoreQueryFilters().AsNoTracking()
            .Where(o => (o.OperationState == NsLcmOperationState.Processing || o.OperationState == NsLcmOperationState.RollingBack)
                        && (o.LockedUntil == null || o.LockedUntil < now))
            .Select(o => new { o.Id, o.TenantId })
            .ToListAsync(ct);
        foreach (var op in inFlight) db.AddOutboxMessage(new ExecuteNsLcmOperation(op.TenantId, op.Id));
        if (inFlight.Count > 0) await db.SaveChangesAsync(ct);
        return inFlight.Count;
    }
}

public sealed partial class NsLcmWatchdogService(IServiceScopeFactory scopes, NsLcmOptions options, ILogger<NsLcmWatchdogService> logger)
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
                // The NFVO DbContext needs a tenant for its filters; the sweep itself ignores them (every tenant).
                scope.ServiceProvider.GetRequiredService<TenantContext>().Set("nslcm-watchdog");
                await scope.ServiceProvider.GetRequiredService<NsLcmWatchdog>().ResumeAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The NS LCM watchdog sweep failed; it runs again at the next interval")]
    private partial void LogSweepFailed(Exception e);
}
