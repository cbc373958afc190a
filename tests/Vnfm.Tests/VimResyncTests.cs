using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Mano.VimAdapters;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mano.Vnfm.Tests;

public sealed class VimResyncOnSqliteTests(SqliteVnfmDatabase db) : VimResyncTests(db), IClassFixture<SqliteVnfmDatabase>;

public sealed class VimResyncOnPostgresTests(PostgresVnfmDatabase db) : VimResyncTests(db), IClassFixture<PostgresVnfmDatabase>;

/// <summary>
/// The VIM resync (ADR-0008) against the real sandbox VIM: an instance instantiated through the real runner, then the
/// sandbox changed behind Mano's back (server deleted, orphan created with the instance's tags, server stopped, VIM
/// failing), the resync run, and the drift read from the store, the API and the logs.
/// </summary>
public abstract class VimResyncTests(ITestDatabase<VnfmDbContext> db) : IAsyncLifetime
{
    private readonly string _tenant = $"t-{Guid.NewGuid():N}";
    private readonly Logs _logs = new();
    private VnfmWorld? _world;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private VnfmWorld World => _world ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync() => _world = await VnfmWorld.StartAsync(db);

    public async ValueTask DisposeAsync()
    {
        if (_world is not null) await _world.DisposeAsync();
    }

    private VimResync Resync(VnfmDbContext context) =>
        new(context, new VimDriverRegistry([new SandboxVimDriver(World.Cloud)]), LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace)).CreateLogger<VimResync>());

    private async Task<VnfDriftReport?> ResyncAsync(string instanceId)
    {
        await using var context = db.NewContext("system"); // the resync is tenant-neutral system work
        return await Resync(context).ResyncAsync(instanceId, Ct);
    }

    private async Task<(string InstanceId, InstantiatedVnfInfo Info)> InstantiatedAsync()
    {
        var ext = await World.Cloud.CreateNetworkAsync(_tenant, new SandboxNetworkSpec("public"));
        await World.Cloud.CreateSubnetAsync(_tenant, new SandboxSubnetSpec("public-v4", ext.ResourceId, "192.168.7.0/24"));
        var request = new InstantiateVnfRequest
        {
            FlavourId = Helloworld.FlavourId,
            ExtVirtualLinks = [new ExtVirtualLinkData { Id = "ext-1", ResourceId = ext.ResourceId, ExtCps = [new VnfExtCpData { CpdId = "CP1" }] }],
        };
        var instanceId = await World.CreateInstanceAsync(_tenant);
        var opOccId = await World.StartOperationAsync(_tenant, instanceId, LcmOperationType.Instantiate, request);
        await World.RunOutboxAsync(opOccId);
        var (op, instance) = await World.ReadAsync(_tenant, opOccId);
        Assert.Equal(LcmOperationState.Completed, op.OperationState);
        return (instanceId, SolJson.Deserialize<InstantiatedVnfInfo>(instance.InstantiatedVnfInfo!));
    }

    [Fact]
    public async Task A_server_deleted_behind_Manos_back_is_reported_MISSING_and_logged_once()
    {
        var (instanceId, info) = await InstantiatedAsync();
        var first = await ResyncAsync(instanceId);
        Assert.Equal(ResyncState.InSync, first!.State);
        Assert.Empty(first.Drift);
        Assert.Null(first.DriftedSince);
        var recorded = info.VnfcResourceInfo!.Select(v => v.ComputeResource.ResourceId).ToList();
        Assert.All(recorded, id => Assert.Contains(first.ObservedResources, o => o.ResourceId == id && o.ResourceType == "compute" && o.Status == ServerStatus.Active));

        var victim = info.VnfcResourceInfo![0];
        Assert.True(await World.Cloud.DeleteServerAsync(_tenant, victim.ComputeResource.ResourceId, Ct));
        var drifted = await ResyncAsync(instanceId);
        Assert.Equal(ResyncState.Drifted, drifted!.State);
        var missing = Assert.Single(drifted.Drift);
        Assert.Equal(DriftType.Missing, missing.Type);
        Assert.Equal(victim.ComputeResource.ResourceId, missing.ResourceId);
        Assert.Equal("compute", missing.ResourceType);
        Assert.Equal(victim.Id, missing.ResourceKey);
        Assert.NotNull(drifted.DriftedSince);
        Assert.Single(_logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains(victim.ComputeResource.ResourceId, StringComparison.Ordinal) && l.Contains("MISSING", StringComparison.Ordinal));

        // Seen again: same first detection time, no second warning; the instance's own records are left alone.
        var again = await ResyncAsync(instanceId);
        Assert.Equal(missing.DetectedAt, Assert.Single(again!.Drift).DetectedAt);
        Assert.Equal(drifted.DriftedSince, again.DriftedSince);
        Assert.Single(_logs.Lines, l => l.Contains("MISSING", StringComparison.Ordinal));
        await using var context = db.NewContext(_tenant);
        var stored = await context.VnfInstances.AsNoTracking().SingleAsync(i => i.Id == instanceId, Ct);
        Assert.Contains(victim.ComputeResource.ResourceId, stored.InstantiatedVnfInfo);
    }

    [Fact]
    public async Task An_orphan_tagged_with_the_instance_is_reported_and_a_stopped_server_is_a_STATUS_MISMATCH_until_fixed()
    {
        var (instanceId, info) = await InstantiatedAsync();
        var tags = new Dictionary<string, string> { [VimTags.VnfInstanceId] = instanceId, [VimTags.TenantId] = _tenant, [VimTags.ResourceKey] = "made-by-hand" };
        var orphan = await World.Cloud.CreateVolumeAsync(_tenant, new SandboxVolumeSpec("left-behind", 1L << 30, Tags: tags), Ct);
        var server = info.VnfcResourceInfo![0].ComputeResource.ResourceId;
        await World.Cloud.StopServerAsync(_tenant, server, graceful: false, gracefulTimeout: null, Ct);

        var report = await ResyncAsync(instanceId);
        Assert.Equal(ResyncState.Drifted, report!.State);
        var found = Assert.Single(report.Drift, d => d.Type == DriftType.Orphan);
        Assert.Equal(orphan.ResourceId, found.ResourceId);
        Assert.Equal("volume", found.ResourceType);
        Assert.Equal("made-by-hand", found.ResourceKey);
        var power = Assert.Single(report.Drift, d => d.Type == DriftType.StatusMismatch);
        Assert.Equal(server, power.ResourceId);
        Assert.Equal((ServerStatus.Active, ServerStatus.Shutoff), (power.Expected, power.Observed));
        Assert.Equal(2, report.Drift.Count);
        Assert.Contains(_logs.Lines, l => l.Contains("ORPHAN", StringComparison.Ordinal) && l.Contains(orphan.ResourceId, StringComparison.Ordinal));

        // Fixed behind Mano's back too: the drift is resolved (logged), the instance is IN_SYNC again.
        await World.Cloud.DeleteVolumeAsync(_tenant, orphan.ResourceId, Ct);
        await World.Cloud.StartServerAsync(_tenant, server, Ct);
        var fixedUp = await ResyncAsync(instanceId);
        Assert.Equal(ResyncState.InSync, fixedUp!.State);
        Assert.Null(fixedUp.DriftedSince);
        Assert.Contains(_logs.Lines, l => l.Contains("resolved", StringComparison.Ordinal) && l.Contains(orphan.ResourceId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_VIM_that_cannot_be_listed_concludes_nothing_and_keeps_the_last_drift()
    {
        var (instanceId, info) = await InstantiatedAsync();
        await World.Cloud.DeleteServerAsync(_tenant, info.VnfcResourceInfo![0].ComputeResource.ResourceId, Ct);
        Assert.Equal(ResyncState.Drifted, (await ResyncAsync(instanceId))!.State);
        World.Cloud.SetFault(SandboxFaultRule.FailNext(SandboxOperations.ListResources, 5));
        try
        {
            var report = await ResyncAsync(instanceId);
            Assert.Equal(ResyncState.VimError, report!.State);
            Assert.Contains(VnfmWorld.VimConnectionId, report.Error);
            Assert.Single(report.Drift); // kept, not declared resolved nor everything missing
            Assert.NotEmpty(report.ObservedResources);
        }
        finally
        {
            World.Cloud.ClearFaults();
        }
    }

    [Fact]
    public async Task The_sweep_covers_instantiated_instances_only_and_skips_those_with_an_operation_in_progress()
    {
        var (instanceId, _) = await InstantiatedAsync();
        var notInstantiated = await World.CreateInstanceAsync(_tenant);
        await using (var context = db.NewContext("system"))
            Assert.True(await Resync(context).RunAsync() >= 1);
        await using (var context = db.NewContext(_tenant))
        {
            Assert.True(await context.ResyncStates.AnyAsync(r => r.VnfInstanceId == instanceId, Ct));
            Assert.False(await context.ResyncStates.AnyAsync(r => r.VnfInstanceId == notInstantiated, Ct));
            var instance = await context.VnfInstances.SingleAsync(i => i.Id == instanceId, Ct);
            instance.CurrentOpOccId = "busy";
            await context.SaveChangesAsync(Ct);
        }
        Assert.Null(await ResyncAsync(instanceId));
        Assert.Null(await ResyncAsync(notInstantiated));
        // Another tenant does not see the report.
        await using var other = db.NewContext(_tenant + "-other");
        Assert.False(await other.ResyncStates.AnyAsync(r => r.VnfInstanceId == instanceId, Ct));
    }

    [Fact]
    public async Task The_drift_API_serves_the_reports_of_the_callers_tenant_and_resyncs_on_request()
    {
        var (instanceId, info) = await InstantiatedAsync();
        await using var app = await ApiAsync();
        var baseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Add("X-Test-Tenant", _tenant);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/vnfm/v1/drift/{instanceId}", Ct)).StatusCode);

        await World.Cloud.DeleteServerAsync(_tenant, info.VnfcResourceInfo![0].ComputeResource.ResourceId, Ct);
        var posted = await client.PostAsync($"/vnfm/v1/drift/{instanceId}/resync", null, Ct);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var report = JsonNode.Parse(await posted.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("DRIFTED", (string?)report["state"]);
        Assert.Equal("MISSING", (string?)report["drift"]![0]!["type"]);

        var one = JsonNode.Parse(await client.GetStringAsync($"/vnfm/v1/drift/{instanceId}", Ct))!;
        Assert.Equal(instanceId, (string?)one["vnfInstanceId"]);
        var list = JsonNode.Parse(await client.GetStringAsync("/vnfm/v1/drift?state=DRIFTED", Ct))!.AsArray();
        Assert.Equal(instanceId, (string?)Assert.Single(list)!["vnfInstanceId"]);
        Assert.Empty(JsonNode.Parse(await client.GetStringAsync("/vnfm/v1/drift?state=IN_SYNC", Ct))!.AsArray());

        using var stranger = new HttpClient { BaseAddress = baseAddress };
        stranger.DefaultRequestHeaders.Add("X-Test-Tenant", _tenant + "-other");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/vnfm/v1/drift/{instanceId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/vnfm/v1/drift/{instanceId}/resync", null, Ct)).StatusCode);
        Assert.Empty(JsonNode.Parse(await stranger.GetStringAsync("/vnfm/v1/drift", Ct))!.AsArray());
    }

    /// <summary>The drift API on Kestrel (loopback, free port) over the test's database and sandbox (tenant from X-Test-Tenant).</summary>
    private async Task<WebApplication> ApiAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddScoped<TenantContext>();
        builder.Services.AddScoped(sp => db.NewContext(sp.GetRequiredService<TenantContext>().TenantId ?? "none"));
        builder.Services.AddScoped(sp => Resync(sp.GetRequiredService<VnfmDbContext>()));
        builder.Services.AddExceptionHandler<SolExceptionHandler>();
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        app.UseExceptionHandler();
        app.Use((ctx, next) =>
        {
            if (ctx.Request.Headers["X-Test-Tenant"].FirstOrDefault() is { } t)
                ctx.RequestServices.GetRequiredService<TenantContext>().Set(t);
            return next(ctx);
        });
        app.MapVimResyncApi();
        await app.StartAsync(Ct);
        return app;
    }

    private sealed class Logs : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(Logs owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue($"{logLevel} {formatter(state, exception)}");
        }
    }
}
