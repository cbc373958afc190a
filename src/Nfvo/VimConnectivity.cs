using Mano.VimAdapters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mano.Nfvo;

/// <summary>The result of a connectivity check. <see cref="Rejected"/>: a permanent failure (the VIM answered and refused, e.g. bad credentials).</summary>
public sealed record VimCheckResult(bool Reachable, string? Error, bool Rejected);

/// <summary>Can the NFVO reach this VIM with these credentials? (The seam tests replace.)</summary>
public interface IVimConnectivityCheck
{
    Task<VimCheckResult> CheckAsync(string tenantId, VimConnectionInfo vim, CancellationToken ct);
}

/// <summary>
/// The check through the VIM driver seam: lists the resources tagged with a VNF instance id that cannot exist, which
/// makes the driver authenticate (Keystone token, Kubernetes bearer token) and call the VIM's API once, cheaply.
/// The sandbox VIM is simulated in-process: its check always succeeds (it may live in another process, ADR-0004).
/// A VIM type with no driver in this process is UNREACHABLE with that reason, not refused.
/// </summary>
public sealed class DriverVimConnectivityCheck(IServiceProvider services, VimCheckOptions options) : IVimConnectivityCheck
{
    /// <summary>The VNF instance id the probe lists (no instance has it, so the answer is empty and cheap).</summary>
    public const string ProbeInstanceId = "mano-vim-connectivity-probe";

    public async Task<VimCheckResult> CheckAsync(string tenantId, VimConnectionInfo vim, CancellationToken ct)
    {
        if (vim.VimType == VimTypes.Sandbox) return new VimCheckResult(true, null, false);
        var driver = services.GetServices<IVimDriver>().FirstOrDefault(d => d.VimType == vim.VimType);
        if (driver is null)
            return new VimCheckResult(false, $"no VIM driver for VIM type {vim.VimType} in this NFVO process", Rejected: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        try
        {
            await driver.ListResourcesAsync(vim, tenantId, ProbeInstanceId, timeout.Token);
            return new VimCheckResult(true, null, false);
        }
        catch (VimException e)
        {
            // A permanent failure (the driver's Transient = false: authentication refused, no such project, ...) refuses a
            // registration; a transient one (timeout, connection refused, 5xx) only marks the VIM UNREACHABLE.
            return new VimCheckResult(false, e.Message, Rejected: !e.Transient);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new VimCheckResult(false, $"no answer within {options.Timeout.TotalSeconds:0.#} s", Rejected: false);
        }
        catch (HttpRequestException e)
        {
            return new VimCheckResult(false, $"{e.GetType().Name}: {e.Message}", Rejected: false);
        }
    }
}

/// <summary>Nfvo:VimCheck settings.</summary>
public sealed class VimCheckOptions
{
    /// <summary>Nfvo:VimCheck:IntervalSeconds: how often every VIM is checked (default 300; 0 or less: never).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Nfvo:VimCheck:TimeoutSeconds: how long one check may take (default 15).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Checks every registered VIM (every tenant) each <see cref="VimCheckOptions.Interval"/> and records REACHABLE /
/// UNREACHABLE with the error and time; re-encrypts credentials made with a previous key. Runs in every NFVO replica:
/// a VIM checked recently by another replica is skipped (the sweep only takes VIMs whose last check is older than
/// the interval), and the status update does not touch the row's version.
/// </summary>
public sealed partial class VimMonitor(IServiceScopeFactory scopes, VimCheckOptions options, ILogger<VimMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(options.Interval);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var registry = scope.ServiceProvider.GetRequiredService<VimRegistry>();
                // A little under the interval, so that this replica's own previous checks are due again.
                await registry.SweepAsync(options.Interval * 0.9, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The VIM connectivity sweep failed; it runs again at the next interval")]
    private partial void LogSweepFailed(Exception e);
}
