using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using MassTransit;
using MassTransit.Testing;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.VimAdapters;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Mano.Vnfm.Tests;

/// <summary>
/// One VNFM worker as the host composes it (VnfmRegistration.AddVnfm + AddVnfmConsumers), on MassTransit's in-memory
/// test harness, a real database and a real in-memory sandbox VIM. The NFVO is a stub answering the package query and
/// the grant request. The hosted dispatchers are removed: a test publishes the outbox itself
/// (<see cref="DispatchOutboxAsync"/>), so every step is deterministic.
/// </summary>
public sealed class VnfmWorld : IAsyncDisposable
{
    public const string ApiRoot = "http://vnfm.test";
    public const string VimConnectionId = "vim-sandbox";
    public const string GrantedZone = "az-2";

    private readonly ServiceProvider _services;
    private readonly CommandObserver _commands = new();

    private VnfmWorld(ServiceProvider services, SandboxCloud cloud, NfvoStub nfvo, ITestDatabase<VnfmDbContext> db)
    {
        _services = services;
        Cloud = cloud;
        Nfvo = nfvo;
        Db = db;
        Harness = services.GetRequiredService<ITestHarness>();
    }

    public SandboxCloud Cloud { get; }

    /// <summary>The VNFM's services (singletons such as <see cref="PackageImageStreams"/>).</summary>
    public IServiceProvider Services => _services;
    public NfvoStub Nfvo { get; }
    public ITestDatabase<VnfmDbContext> Db { get; }
    public ITestHarness Harness { get; }

    public static async Task<VnfmWorld> StartAsync(ITestDatabase<VnfmDbContext> db)
    {
        var cloud = new SandboxCloud(new SandboxCloudOptions { Zones = ["az-1", GrantedZone] });
        var nfvo = new NfvoStub();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Mano:PublicUrl"] = ApiRoot + "/" }).Build();

        var services = new ServiceCollection();
        services.AddLogging();
        // What HostRegistration adds for every role.
        services.AddScoped<TenantContext>();
        services.AddSingleton<WorkSignal>();
        services.AddSingleton<WorkSignalInterceptor>();
        services.AddVnfm(config, db.Settings);
        services.RemoveAll<IHostedService>(); // no background dispatchers: the test drives the outbox
        services.AddSingleton<OutboxDispatcher<VnfmDbContext>>();
        // What SandboxApi adds: the sandbox VIM and its driver.
        services.AddSingleton(cloud);
        services.AddSingleton<IVimDriver>(sp => new SandboxVimDriver(sp.GetRequiredService<SandboxCloud>()));
        services.AddMassTransitTestHarness(x =>
        {
            x.AddVnfmConsumers();
            x.AddHandler<GetOnboardedVnfPackage>(ctx => ctx.RespondAsync(nfvo.Package(ctx.Message)));
            x.AddHandler<RequestGrant>(ctx => ctx.RespondAsync(nfvo.Grant(ctx.Message)));
            x.AddHandler<GetVnfPackageArtifactChunk>(ctx => ctx.RespondAsync(nfvo.Chunk(ctx.Message)));
        });

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        var world = new VnfmWorld(provider, cloud, nfvo, db);
        await world.Harness.Start();
        world.Harness.Bus.ConnectConsumeMessageObserver(world._commands);
        return world;
    }

    /// <summary>Publishes every pending outbox row (what OutboxDispatcher's loop does), returns how many.</summary>
    public Task<int> DispatchOutboxAsync() =>
        _services.GetRequiredService<OutboxDispatcher<VnfmDbContext>>().DispatchBatchAsync(TestContext.Current.CancellationToken);

    /// <summary>Dispatches the outbox and waits until the worker has consumed the command for the op (and any before it).</summary>
    public async Task RunOutboxAsync(string opOccId)
    {
        var before = _commands.CountFor(opOccId);
        Assert.True(await DispatchOutboxAsync() > 0, "the outbox held no message to dispatch");
        await _commands.WaitForAsync(opOccId, before + 1);
    }

    /// <summary>Publishes a command directly (a redelivery, or a forged one) and waits until the worker has consumed it.</summary>
    public async Task PublishAndWaitAsync(ExecuteVnfLcmOperation command)
    {
        var before = _commands.CountFor(command.VnfLcmOpOccId);
        await Harness.Bus.Publish(command, TestContext.Current.CancellationToken);
        await _commands.WaitForAsync(command.VnfLcmOpOccId, before + 1);
    }

    /// <summary>Runs an op occ task (retry, rollback, cancel: what the API does) and, when it queued a command, the worker.</summary>
    public async Task TaskAsync(string tenant, string opOccId, Func<VnfmDbContext, LcmNotifier, Task> task, bool run = true)
    {
        await using (var db = Db.NewContext(tenant))
            await task(db, new LcmNotifier(new VnfmOptions { ApiRoot = ApiRoot }));
        if (run) await RunOutboxAsync(opOccId);
    }

    /// <summary>Exceptions that escaped the consumer (the runner must turn every failure into op state instead).</summary>
    public IReadOnlyList<Exception> ConsumerFaults => _commands.Faults;

    // ---- the data the API would have written -----------------------------------------------------------------

    public async Task<string> CreateInstanceAsync(string tenant, string? name = "hello", string? vnfdId = null)
    {
        await using var db = Db.NewContext(tenant);
        var known = Helloworld.Known;
        var record = new VnfInstanceRecord
        {
            Id = Guid.NewGuid().ToString(), TenantId = tenant, VnfInstanceName = name, VnfdId = vnfdId ?? known.Vnfd.DescriptorId,
            VnfPkgId = known.Package.VnfPkgId, VnfProvider = known.Package.VnfProvider, VnfProductName = known.Package.VnfProductName,
            VnfSoftwareVersion = known.Package.VnfSoftwareVersion, VnfdVersion = known.Package.VnfdVersion,
            InstantiationState = InstantiationState.NotInstantiated, CreatedAt = DateTime.UtcNow,
        };
        db.VnfInstances.Add(record);
        await db.SaveChangesAsync();
        return record.Id;
    }

    public async Task<string> SubscribeAsync(string tenant, LifecycleChangeNotificationsFilter? filter = null, string verbosity = "FULL")
    {
        await using var db = Db.NewContext(tenant);
        var record = new LccnSubscriptionRecord
        {
            Id = Guid.NewGuid().ToString(), TenantId = tenant, CallbackUri = $"http://subscriber.test/{Guid.NewGuid():N}",
            Filter = filter is null ? null : SolJson.Serialize(filter), Verbosity = verbosity, CreatedAt = DateTime.UtcNow,
        };
        db.Subscriptions.Add(record);
        await db.SaveChangesAsync();
        return record.Id;
    }

    /// <summary>
    /// The request-thread half of an LCM operation as VnfLcmApi.StartOperationAsync writes it: the op occ in STARTING,
    /// the instance's CurrentOpOccId, the STARTING notification and the outbox command, in one SaveChanges.
    /// </summary>
    public async Task<string> StartOperationAsync<T>(string tenant, string instanceId, string operation, T request)
    {
        await using var db = Db.NewContext(tenant);
        var instance = await db.VnfInstances.SingleAsync(i => i.Id == instanceId);
        Assert.Null(instance.CurrentOpOccId);
        var now = DateTime.UtcNow;
        var op = new VnfLcmOpOccRecord
        {
            Id = Guid.NewGuid().ToString(), TenantId = tenant, VnfInstanceId = instanceId, Operation = operation,
            OperationState = LcmOperationState.Starting, StateEnteredTime = now, StartTime = now,
            OperationParams = JsonNode.Parse(SolJson.Serialize(request))!.ToJsonString(),
            PreviousState = SolJson.Serialize(InstanceSnapshot.Of(instance)),
        };
        db.VnfLcmOpOccs.Add(op);
        instance.CurrentOpOccId = op.Id;
        instance.Version++;
        await new LcmNotifier(new VnfmOptions { ApiRoot = ApiRoot }).QueueAsync(db, op, instance, TestContext.Current.CancellationToken);
        db.AddOutboxMessage(new ExecuteVnfLcmOperation(tenant, op.Id));
        await db.SaveChangesAsync();
        return op.Id;
    }

    public async Task<(VnfLcmOpOccRecord Op, VnfInstanceRecord Instance)> ReadAsync(string tenant, string opOccId)
    {
        await using var db = Db.NewContext(tenant);
        var op = await db.VnfLcmOpOccs.AsNoTracking().SingleAsync(o => o.Id == opOccId);
        var instance = await db.VnfInstances.AsNoTracking().SingleAsync(i => i.Id == op.VnfInstanceId);
        return (op, instance);
    }

    public async Task<List<VnfLcmOperationOccurrenceNotification>> NotificationsAsync(string tenant, string subscriptionId)
    {
        await using var db = Db.NewContext(tenant);
        var rows = await db.NotificationDeliveries.AsNoTracking().Where(d => d.SubscriptionId == subscriptionId)
            .OrderBy(d => d.Id).ToListAsync();
        Assert.All(rows, r => Assert.Equal(LcmNotifier.OpOccNotification, r.NotificationType));
        return rows.Select(r => SolJson.Deserialize<VnfLcmOperationOccurrenceNotification>(r.Payload)).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _services.DisposeAsync();
    }

    /// <summary>Counts commands consumed per op occ, so a test can wait for the worker deterministically.</summary>
    private sealed class CommandObserver : IConsumeMessageObserver<ExecuteVnfLcmOperation>
    {
        private readonly ConcurrentDictionary<string, int> _consumed = new();
        private readonly ConcurrentQueue<Exception> _faults = new();
        private readonly SemaphoreSlim _changed = new(0);

        public IReadOnlyList<Exception> Faults => _faults.ToList();

        public int CountFor(string opOccId) => _consumed.GetValueOrDefault(opOccId);

        public async Task WaitForAsync(string opOccId, int count)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            while (CountFor(opOccId) < count)
            {
                try { await _changed.WaitAsync(TimeSpan.FromMilliseconds(50), timeout.Token); }
                catch (OperationCanceledException) { Assert.Fail($"the worker did not consume the command for op occ {opOccId} within 20 s"); }
            }
        }

        public Task PreConsume(ConsumeContext<ExecuteVnfLcmOperation> context) => Task.CompletedTask;

        public Task PostConsume(ConsumeContext<ExecuteVnfLcmOperation> context) => Done(context.Message);

        public Task ConsumeFault(ConsumeContext<ExecuteVnfLcmOperation> context, Exception exception)
        {
            _faults.Enqueue(exception);
            return Done(context.Message);
        }

        private Task Done(ExecuteVnfLcmOperation message)
        {
            _consumed.AddOrUpdate(message.VnfLcmOpOccId, 1, (_, n) => n + 1);
            _changed.Release();
            return Task.CompletedTask;
        }
    }
}

/// <summary>The NFVO side, stubbed: serves the helloworld package and grants (or rejects) what it is asked.</summary>
public sealed class NfvoStub
{
    private readonly ConcurrentQueue<RequestGrant> _grantRequests = new();

    /// <summary>When set, every grant request is rejected with this problem.</summary>
    public ProblemDetails? Rejection { get; set; }

    public IReadOnlyList<RequestGrant> GrantRequests => _grantRequests.ToList();

    public OnboardedVnfPackageResult Package(GetOnboardedVnfPackage query) =>
        query.VnfdId == Helloworld.VnfdId ? new OnboardedVnfPackageResult(Helloworld.Package, null)
        : query.VnfdId == Helloworld.V2VnfdId ? new OnboardedVnfPackageResult(Helloworld.PackageV2, null)
        : new OnboardedVnfPackageResult(null, new ProblemDetails { Status = 404, Detail = $"no package has vnfdId {query.VnfdId}" });

    /// <summary>Package files the stub serves by (vnfdId, path), as the NFVO serves a package's software images.</summary>
    public ConcurrentDictionary<(string VnfdId, string Path), byte[]> Files { get; } = new();

    /// <summary>How many chunk requests were answered (a stream must fetch one chunk at a time).</summary>
    public int ChunkRequests => _chunkRequests;
    private int _chunkRequests;

    public VnfPackageArtifactChunk Chunk(GetVnfPackageArtifactChunk m)
    {
        Interlocked.Increment(ref _chunkRequests);
        if (!Files.TryGetValue((m.VnfdId, m.ArtifactPath), out var bytes))
            return new VnfPackageArtifactChunk([], 0, new ProblemDetails { Status = 404, Detail = $"no artifact {m.ArtifactPath}" });
        var from = (int)Math.Min(m.Offset, bytes.Length);
        return new VnfPackageArtifactChunk(bytes[from..Math.Min(bytes.Length, from + m.Count)], bytes.Length, null);
    }

    public GrantResult Grant(RequestGrant message)
    {
        _grantRequests.Enqueue(message);
        if (Rejection is not null) return new GrantResult(null, Rejection);
        var request = message.GrantRequest;
        const string zoneEntry = "zone-1";
        return new GrantResult(new Grant
        {
            Id = Guid.NewGuid().ToString(),
            VnfInstanceId = request.VnfInstanceId,
            VnfLcmOpOccId = request.VnfLcmOpOccId,
            VimConnectionInfo = new Dictionary<string, Contracts.VimConnectionInfo>
            {
                [VnfmWorld.VimConnectionId] = new() { VimId = "sandbox", VimType = VimTypes.Sandbox },
            },
            Zones = [new ZoneInfo { Id = zoneEntry, ZoneId = VnfmWorld.GrantedZone, VimConnectionId = VnfmWorld.VimConnectionId }],
            AddResources = request.AddResources?.Select(r => new GrantInfo
            {
                ResourceDefinitionId = r.Id, VimConnectionId = VnfmWorld.VimConnectionId, ZoneId = r.Type == "COMPUTE" ? zoneEntry : null,
            }).ToList(),
            RemoveResources = request.RemoveResources?.Select(r => new GrantInfo { ResourceDefinitionId = r.Id, VimConnectionId = VnfmWorld.VimConnectionId }).ToList(),
            Links = new GrantLinks(new Link("http://nfvo.test/grant/v1/grants/x"), request.Links.VnfLcmOpOcc, request.Links.VnfInstance),
        }, null);
    }
}
