namespace Mano.VimAdapters.Tests;

internal static class Plans
{
    public static readonly VimConnectionInfo SandboxVim = new("vim-sandbox", VimTypes.Sandbox,
        new Dictionary<string, string>(), new Dictionary<string, string> { ["password"] = "s3cret" });

    /// <summary>Two VDUs on one internal network with a volume each; optionally an external CP on an existing network.</summary>
    public static VnfResourcePlan TwoVdus(string tenant, string instance, string opOcc = "op-1", string? cidr = "192.168.50.0/24",
        string? externalNetworkId = null) =>
        new(tenant, instance, opOcc,
            Networks: [new PlannedNetwork("vl-int", "internal_vl", cidr, "ipv4")],
            Computes:
            [
                new PlannedCompute("vdu1-0", "VDU1", $"{instance}-vdu1-0", 2, 2048, "cirros", null),
                new PlannedCompute("vdu2-0", "VDU2", $"{instance}-vdu2-0", 1, 1024, "cirros", null),
            ],
            Ports:
            [
                new PlannedPort("cp1-0", "CP1", "vdu1-0", "vl-int", null),
                new PlannedPort("cp2-0", "CP2", "vdu2-0", "vl-int", null),
                .. externalNetworkId is null ? Array.Empty<PlannedPort>() : [new PlannedPort("ext-0", "EXT_CP", "vdu1-0", null, externalNetworkId)],
            ],
            Volumes:
            [
                new PlannedVolume("vol1-0", "VirtualStorage1", 3L * 1024 * 1024 * 1024, "vdu1-0"),
                new PlannedVolume("vol2-0", "VirtualStorage2", 512L * 1024 * 1024, "vdu2-0"),
            ]);

    public static long Creates(SandboxCloud cloud) =>
        cloud.GetCallCounts().Where(c => c.Key.StartsWith("create_", StringComparison.Ordinal)).Sum(c => c.Value);
}

/// <summary>A TimeProvider whose clock moves only when told to; timers fire on <see cref="Advance"/>.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public int ActiveTimers
    {
        get { lock (_gate) return _timers.Count(t => t.Due is not null); }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_gate) _timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_gate)
        {
            _now += by;
            due = _timers.Where(t => t.Due is { } d && d <= _now).ToList();
            foreach (var t in due) t.Due = null;
        }
        foreach (var t in due) t.Fire();
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate) Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._gate)
            {
                Due = null;
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("mano-sandbox-test-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
