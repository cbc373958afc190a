using System.Globalization;
using System.Text.Json;

namespace Mano.VimAdapters;

/// <summary>
/// A real, in-process, simulated cloud: Mano's zero-setup VIM. Tenants own servers, networks with
/// subnets (IPs allocated from the CIDR), ports (MAC + fixed IP, bound to a server) and volumes
/// (attached to a server). Quotas are enforced per tenant; latency and failures can be injected at run
/// time for overhead measurements and chaos tests; state can be persisted to a file.
/// Thread-safe. Everything it reports says it is a sandbox (<see cref="VimAttributes.Sandbox"/> = "true").
/// <para>
/// Two API surfaces: the cloud API (<c>*Async</c> methods: what a VIM client calls; each call pays the
/// latency, may hit an injected fault and is counted) and the admin API (synchronous: queries and
/// knobs for the host's HTTP endpoints; no latency, no faults).
/// </para>
/// </summary>
public sealed partial class SandboxCloud
{
    public const string CloudName = "Mano sandbox VIM (simulated)";
    public const string DefaultZone = "sandbox-az-1";
    internal const long GiB = 1024L * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly Lock _faultGate = new();
    private readonly TimeProvider _time;
    private readonly string? _statePath;
    private readonly Dictionary<string, SandboxEntry> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, SandboxEntry>> _byTenant = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AddressPool> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SandboxQuota> _quotas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FaultState> _faults = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _calls = new(StringComparer.Ordinal);
    private SandboxQuota _defaultQuota;
    private long _latencyTicks;
    private long _shutdownTicks;
    private long _nextSeq = 1;
    private long _nextCidrIndex;
    private long _nextMacIndex;

    public SandboxCloud(SandboxCloudOptions? options = null, TimeProvider? timeProvider = null)
    {
        Options = options ?? new SandboxCloudOptions();
        if (Options.Zones is null || Options.Zones.Count == 0 || Options.Zones.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("the sandbox needs at least one availability zone, and no empty zone name", nameof(options));
        if (Options.Latency < TimeSpan.Zero)
            throw new ArgumentException("latency cannot be negative", nameof(options));
        _time = timeProvider ?? TimeProvider.System;
        _defaultQuota = Options.DefaultQuota ?? SandboxQuota.Default;
        _latencyTicks = Options.Latency.Ticks;
        _shutdownTicks = Options.GuestShutdownTime.Ticks;
        _statePath = string.IsNullOrWhiteSpace(Options.StatePath) ? null : Path.GetFullPath(Options.StatePath);
        if (_statePath is not null) Load(_statePath);
    }

    public SandboxCloudOptions Options { get; }

    /// <summary>"Mano sandbox VIM (simulated)".</summary>
    public string Name => CloudName;

    public IReadOnlyList<string> Zones => Options.Zones;

    /// <summary>The full path of the state file, or null when the sandbox lives in memory only.</summary>
    public string? StatePath => _statePath;

    /// <summary>How long a guest takes to shut down gracefully. Settable at run time.</summary>
    public TimeSpan GuestShutdownTime
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _shutdownTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _shutdownTicks, value.Ticks);
        }
    }

    /// <summary>Delay added to every cloud API call. Settable at run time.</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _latencyTicks, value.Ticks);
        }
    }

    // ------------------------------------------------------------------ cloud API

    public Task<VimResource> CreateServerAsync(string tenantId, SandboxServerSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return CallAsync(SandboxOperations.CreateServer, tenantId, mutates: true, () =>
        {
            const string op = SandboxOperations.CreateServer;
            if (spec.Vcpus <= 0) throw new VimException(op, $"a server needs at least one vCPU (got {spec.Vcpus})");
            if (spec.RamMiB <= 0) throw new VimException(op, $"a server needs memory (got {spec.RamMiB} MiB)");
            var zone = spec.ZoneId ?? Options.Zones[0];
            if (!Options.Zones.Contains(zone, StringComparer.Ordinal))
                throw new VimException(op, $"availability zone '{zone}' does not exist in the sandbox (zones: {string.Join(", ", Options.Zones)})");
            var usage = UsageOf(tenantId);
            var quota = QuotaOf(tenantId);
            CheckQuota(op, tenantId, "instances", usage.Instances + 1, quota.Instances);
            CheckQuota(op, tenantId, "cores", usage.Cores + (long)spec.Vcpus, quota.Cores);
            CheckQuota(op, tenantId, "ram_mib", usage.RamMiB + spec.RamMiB, quota.RamMiB);
            return Add(new SandboxEntry
            {
                Kind = VimResourceKind.Compute, TenantId = tenantId, Name = spec.Name ?? "", Tags = CopyTags(spec.Tags),
                Vcpus = spec.Vcpus, RamMiB = spec.RamMiB, ImageName = spec.ImageName, ZoneId = zone,
            });
        }, ct);
    }

    public Task<VimResource> CreateNetworkAsync(string tenantId, SandboxNetworkSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return CallAsync(SandboxOperations.CreateNetwork, tenantId, mutates: true, () =>
        {
            CheckQuota(SandboxOperations.CreateNetwork, tenantId, "networks", UsageOf(tenantId).Networks + 1, QuotaOf(tenantId).Networks);
            return Add(new SandboxEntry
            {
                Kind = VimResourceKind.Network, TenantId = tenantId, Name = spec.Name ?? "", Tags = CopyTags(spec.Tags), Shared = spec.Shared,
            });
        }, ct);
    }

    public Task<VimResource> CreateSubnetAsync(string tenantId, SandboxSubnetSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return CallAsync(SandboxOperations.CreateSubnet, tenantId, mutates: true, () =>
        {
            const string op = SandboxOperations.CreateSubnet;
            var network = Find(tenantId, spec.NetworkId, VimResourceKind.Network)
                ?? throw new VimException(op, $"network '{spec.NetworkId}' not found in tenant '{tenantId}'");
            var wantV6 = ParseIpVersion(op, spec.IpVersion);
            AddressPool? pool;
            string? error;
            if (spec.Cidr is null)
            {
                var n = _nextCidrIndex++;
                var cidr = wantV6 == true
                    ? string.Create(CultureInfo.InvariantCulture, $"fd00:0:{(n >> 16) & 0xffff:x}:{n & 0xffff:x}::/64")
                    : string.Create(CultureInfo.InvariantCulture, $"10.{(n >> 8) & 0xff}.{n & 0xff}.0/24");
                pool = AddressPool.TryCreate(cidr, out error);
            }
            else
            {
                pool = AddressPool.TryCreate(spec.Cidr, out error);
            }
            if (pool is null) throw new VimException(op, $"invalid cidr: {error}");
            if (wantV6 is not null && (pool.IpVersion == 6) != wantV6)
                throw new VimException(op, $"cidr '{pool.Cidr}' is not an IPv{(wantV6.Value ? 6 : 4)} network");
            var entry = new SandboxEntry
            {
                Kind = VimResourceKind.Subnet, TenantId = tenantId, Name = spec.Name ?? "", Tags = CopyTags(spec.Tags),
                NetworkId = network.Id, Cidr = pool.Cidr, IpVersion = pool.IpVersion, GatewayIp = pool.GatewayIp,
            };
            var result = Add(entry);
            _pools[entry.Id] = pool;
            return result;
        }, ct);
    }

    public Task<VimResource> CreatePortAsync(string tenantId, SandboxPortSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return CallAsync(SandboxOperations.CreatePort, tenantId, mutates: true, () =>
        {
            const string op = SandboxOperations.CreatePort;
            var network = FindNetworkForPort(tenantId, spec.NetworkId)
                ?? throw new VimException(op, $"network '{spec.NetworkId}' not found in tenant '{tenantId}' (nor shared)");
            SandboxEntry? server = null;
            if (spec.ServerId is not null)
            {
                server = Find(tenantId, spec.ServerId, VimResourceKind.Compute)
                    ?? throw new VimException(op, $"server '{spec.ServerId}' not found in tenant '{tenantId}'");
            }
            CheckQuota(op, tenantId, "ports", UsageOf(tenantId).Ports + 1, QuotaOf(tenantId).Ports);
            var subnet = _byTenant[network.TenantId].Values
                .Where(e => e.Kind == VimResourceKind.Subnet && e.NetworkId == network.Id)
                .MinBy(e => e.Seq);
            string? ip = null;
            if (subnet is not null)
            {
                ip = _pools[subnet.Id].Allocate()
                    ?? throw new VimException(op, $"subnet '{subnet.Id}' ({subnet.Cidr}) of network '{network.Id}' has no free IP address");
            }
            var mac = _nextMacIndex++;
            return Add(new SandboxEntry
            {
                Kind = VimResourceKind.Port, TenantId = tenantId, Name = spec.Name ?? "", Tags = CopyTags(spec.Tags),
                NetworkId = network.Id, SubnetId = subnet?.Id, IpAddress = ip, ServerId = server?.Id,
                MacAddress = string.Create(CultureInfo.InvariantCulture, $"fa:16:3e:{(mac >> 16) & 0xff:x2}:{(mac >> 8) & 0xff:x2}:{mac & 0xff:x2}"),
            });
        }, ct);
    }

    public Task<VimResource> CreateVolumeAsync(string tenantId, SandboxVolumeSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return CallAsync(SandboxOperations.CreateVolume, tenantId, mutates: true, () =>
        {
            const string op = SandboxOperations.CreateVolume;
            if (spec.SizeBytes <= 0) throw new VimException(op, $"a volume needs a positive size (got {spec.SizeBytes} bytes)");
            SandboxEntry? server = null;
            if (spec.ServerId is not null)
            {
                server = Find(tenantId, spec.ServerId, VimResourceKind.Compute)
                    ?? throw new VimException(op, $"server '{spec.ServerId}' not found in tenant '{tenantId}'");
            }
            var entry = new SandboxEntry
            {
                Kind = VimResourceKind.Volume, TenantId = tenantId, Name = spec.Name ?? "", Tags = CopyTags(spec.Tags),
                SizeBytes = spec.SizeBytes, ServerId = server?.Id, ZoneId = server?.ZoneId ?? Options.Zones[0],
            };
            CheckQuota(op, tenantId, "volumes_gib", UsageOf(tenantId).VolumesGiB + entry.SizeGiB, QuotaOf(tenantId).VolumesGiB);
            return Add(entry);
        }, ct);
    }

    /// <summary>
    /// Stops a server (status SHUTOFF). Graceful: the guest gets <see cref="GuestShutdownTime"/> to shut down, at most
    /// <paramref name="gracefulTimeout"/>, then the server is powered off (recorded as "forced" when the timeout cut it short).
    /// Stopping a stopped server changes nothing. Null: no such server.
    /// </summary>
    public async Task<VimResource?> StopServerAsync(string tenantId, string serverId, bool graceful, TimeSpan? gracefulTimeout, CancellationToken ct = default)
    {
        var forced = !graceful;
        if (graceful)
        {
            var current = await GetResourceAsync(tenantId, serverId, ct).ConfigureAwait(false);
            if (current is null) return null;
            if (current.Status != ServerStatus.Shutoff)
            {
                var shutdown = GuestShutdownTime;
                var wait = gracefulTimeout is { } t && t < shutdown ? t : shutdown;
                forced = gracefulTimeout is { } limit && limit < shutdown;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, ct).ConfigureAwait(false);
            }
        }
        return await CallAsync(SandboxOperations.StopServer, tenantId, mutates: true, () =>
        {
            var server = Find(tenantId, serverId, VimResourceKind.Compute);
            if (server is null) return null;
            if (server.PowerState != ServerStatus.Shutoff)
            {
                server.PowerState = ServerStatus.Shutoff;
                server.LastStop = forced ? "forced" : "graceful";
            }
            return ToResource(server);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Starts a server (status ACTIVE). Starting a running server changes nothing. Null: no such server.</summary>
    public Task<VimResource?> StartServerAsync(string tenantId, string serverId, CancellationToken ct = default) =>
        CallAsync(SandboxOperations.StartServer, tenantId, mutates: true, () =>
        {
            var server = Find(tenantId, serverId, VimResourceKind.Compute);
            if (server is null) return null;
            server.PowerState = null;
            return ToResource(server);
        }, ct);

    /// <summary>
    /// Replaces a server by a new one (new id, fresh from its image: what a heal or a software change does), keeping its
    /// ports and volumes, which are re-attached to the new server. <paramref name="spec"/> may change the size and image;
    /// its tags replace the old ones. The new server is running.
    /// </summary>
    public Task<VimResource> RebuildServerAsync(string tenantId, string serverId, SandboxServerSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return CallAsync(SandboxOperations.RebuildServer, tenantId, mutates: true, () =>
        {
            const string op = SandboxOperations.RebuildServer;
            var old = Find(tenantId, serverId, VimResourceKind.Compute)
                ?? throw new VimException(op, $"server '{serverId}' not found in tenant '{tenantId}'");
            if (spec.Vcpus <= 0 || spec.RamMiB <= 0) throw new VimException(op, "a server needs a vCPU and memory");
            var usage = UsageOf(tenantId);
            var quota = QuotaOf(tenantId);
            CheckQuota(op, tenantId, "cores", usage.Cores - old.Vcpus + (long)spec.Vcpus, quota.Cores);
            CheckQuota(op, tenantId, "ram_mib", usage.RamMiB - old.RamMiB + spec.RamMiB, quota.RamMiB);
            var attached = _byTenant[tenantId].Values.Where(e => e.ServerId == old.Id).ToList();
            Remove(old);
            var created = Add(new SandboxEntry
            {
                Kind = VimResourceKind.Compute, TenantId = tenantId, Name = spec.Name ?? old.Name, Tags = CopyTags(spec.Tags ?? old.Tags),
                Vcpus = spec.Vcpus, RamMiB = spec.RamMiB, ImageName = spec.ImageName, ZoneId = old.ZoneId,
            });
            foreach (var e in attached) e.ServerId = created.ResourceId;
            return ToResource(_byId[created.ResourceId]);
        }, ct);
    }

    /// <summary>Deletes a server; its ports and volumes are detached, not deleted. False: no such server.</summary>
    public Task<bool> DeleteServerAsync(string tenantId, string serverId, CancellationToken ct = default) =>
        CallAsync(SandboxOperations.DeleteServer, tenantId, mutates: true, () =>
        {
            var server = Find(tenantId, serverId, VimResourceKind.Compute);
            if (server is null) return false;
            foreach (var e in _byTenant[tenantId].Values.Where(e => e.ServerId == server.Id)) e.ServerId = null;
            Remove(server);
            return true;
        }, ct);

    /// <summary>Deletes a network and its subnets; refuses while ports use it. False: no such network.</summary>
    public Task<bool> DeleteNetworkAsync(string tenantId, string networkId, CancellationToken ct = default) =>
        CallAsync(SandboxOperations.DeleteNetwork, tenantId, mutates: true, () =>
        {
            var network = Find(tenantId, networkId, VimResourceKind.Network);
            if (network is null) return false;
            var ports = _byId.Values.Count(e => e.Kind == VimResourceKind.Port && e.NetworkId == network.Id);
            if (ports > 0)
                throw new VimException(SandboxOperations.DeleteNetwork, $"network '{networkId}' still has {ports} port(s)");
            foreach (var subnet in _byTenant[tenantId].Values.Where(e => e.Kind == VimResourceKind.Subnet && e.NetworkId == network.Id).ToList())
            {
                Remove(subnet);
            }
            Remove(network);
            return true;
        }, ct);

    /// <summary>Deletes a subnet; refuses while ports hold addresses on it. False: no such subnet.</summary>
    public Task<bool> DeleteSubnetAsync(string tenantId, string subnetId, CancellationToken ct = default) =>
        CallAsync(SandboxOperations.DeleteSubnet, tenantId, mutates: true, () =>
        {
            var subnet = Find(tenantId, subnetId, VimResourceKind.Subnet);
            if (subnet is null) return false;
            var ports = _byId.Values.Count(e => e.Kind == VimResourceKind.Port && e.SubnetId == subnet.Id);
            if (ports > 0)
                throw new VimException(SandboxOperations.DeleteSubnet, $"subnet '{subnetId}' still has {ports} port(s)");
            Remove(subnet);
            return true;
        }, ct);

    /// <summary>Deletes a port and frees its IP. False: no such port.</summary>
    public Task<bool> DeletePortAsync(string tenantId, string portId, CancellationToken ct = default) =>
        CallAsync(SandboxOperations.DeletePort, tenantId, mutates: true, () =>
        {
            var port = Find(tenantId, portId, VimResourceKind.Port);
            if (port is null) return false;
            Remove(port);
            return true;
        }, ct);

    /// <summary>Deletes a volume, detaching it first when attached. False: no such volume.</summary>
    public Task<bool> DeleteVolumeAsync(string tenantId, string volumeId, CancellationToken ct = default) =>
        CallAsync(SandboxOperations.DeleteVolume, tenantId, mutates: true, () =>
        {
            var volume = Find(tenantId, volumeId, VimResourceKind.Volume);
            if (volume is null) return false;
            Remove(volume);
            return true;
        }, ct);

    /// <summary>
    /// The tenant's resources carrying every given tag (key and value), optionally of one kind, oldest first.
    /// </summary>
    public Task<IReadOnlyList<VimResource>> ListResourcesAsync(
        string tenantId, IReadOnlyDictionary<string, string>? tags = null, VimResourceKind? kind = null, CancellationToken ct = default) =>
        CallAsync<IReadOnlyList<VimResource>>(SandboxOperations.ListResources, tenantId, mutates: false, () => Select(tenantId, tags, kind), ct);

    /// <summary>One resource of the tenant, or null.</summary>
    public Task<VimResource?> GetResourceAsync(string tenantId, string resourceId, CancellationToken ct = default) =>
        CallAsync(SandboxOperations.GetResource, tenantId, mutates: false,
            () => Find(tenantId, resourceId, kind: null) is { } e ? ToResource(e) : null, ct);

    // ------------------------------------------------------------------ admin API (no latency, no faults)

    /// <summary>The tenant's resources (all, or those tagged with one VNF instance), oldest first.</summary>
    public IReadOnlyList<VimResource> QueryResources(string tenantId, string? vnfInstanceId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var tags = vnfInstanceId is null ? null : new Dictionary<string, string> { [VimTags.VnfInstanceId] = vnfInstanceId };
        lock (_gate) return Select(tenantId, tags, kind: null);
    }

    /// <summary>Tenants that own resources or have their own quota.</summary>
    public IReadOnlyList<string> Tenants
    {
        get
        {
            lock (_gate)
            {
                return _byTenant.Where(t => t.Value.Count > 0).Select(t => t.Key).Union(_quotas.Keys)
                    .Order(StringComparer.Ordinal).ToList();
            }
        }
    }

    public SandboxTenantUsage GetUsage(string tenantId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        lock (_gate) return new SandboxTenantUsage(tenantId, UsageOf(tenantId), QuotaOf(tenantId), _quotas.ContainsKey(tenantId));
    }

    public SandboxQuota GetQuota(string tenantId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        lock (_gate) return QuotaOf(tenantId);
    }

    /// <summary>Gives a tenant its own quota (persisted). Lowering it below current usage only blocks new creations.</summary>
    public void SetQuota(string tenantId, SandboxQuota quota)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(quota);
        lock (_gate)
        {
            _quotas[tenantId] = quota;
            Persist("set_quota");
        }
    }

    /// <summary>Puts the tenant back on the default quota.</summary>
    public bool ClearQuota(string tenantId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        lock (_gate)
        {
            if (!_quotas.Remove(tenantId)) return false;
            Persist("clear_quota");
            return true;
        }
    }

    /// <summary>The quota of tenants without their own. Starts as <see cref="SandboxCloudOptions.DefaultQuota"/>; changes are not persisted.</summary>
    public SandboxQuota DefaultQuota
    {
        get { lock (_gate) return _defaultQuota; }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            lock (_gate) _defaultQuota = value;
        }
    }

    /// <summary>Adds a fault rule, replacing any rule for the same operation. Faults are not persisted.</summary>
    public void SetFault(SandboxFaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentException.ThrowIfNullOrWhiteSpace(rule.Operation);
        if (rule.FailCount is null == rule.Probability is null)
            throw new ArgumentException("a fault rule sets exactly one of FailCount and Probability", nameof(rule));
        if (rule.FailCount is { } n) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n, nameof(rule));
        if (rule.Probability is { } p && (double.IsNaN(p) || p < 0 || p > 1))
            throw new ArgumentOutOfRangeException(nameof(rule), "probability must lie between 0 and 1");
        lock (_faultGate)
        {
            _faults[rule.Operation] = new FaultState(rule);
        }
    }

    public bool ClearFault(string operation)
    {
        lock (_faultGate) return _faults.Remove(operation);
    }

    public void ClearFaults()
    {
        lock (_faultGate) _faults.Clear();
    }

    public IReadOnlyList<SandboxFaultStatus> GetFaults()
    {
        lock (_faultGate)
        {
            return _faults.Values.OrderBy(f => f.Rule.Operation, StringComparer.Ordinal)
                .Select(f => new SandboxFaultStatus(f.Rule, f.Rule.FailCount is null ? null : f.Remaining, f.Triggered)).ToList();
        }
    }

    /// <summary>How many cloud API calls each operation received (including failed ones).</summary>
    public IReadOnlyDictionary<string, long> GetCallCounts()
    {
        lock (_faultGate) return new Dictionary<string, long>(_calls, StringComparer.Ordinal);
    }

    // ------------------------------------------------------------------ internals

    private async Task<T> CallAsync<T>(string operation, string tenantId, bool mutates, Func<T> apply, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(tenantId)) throw new VimException(operation, "tenant id is empty");
        lock (_faultGate) _calls[operation] = _calls.GetValueOrDefault(operation) + 1;

        var latency = Latency;
        if (latency > TimeSpan.Zero) await Task.Delay(latency, _time, ct).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();

        var fault = DrawFault(operation);
        if (fault is not null && !fault.AfterCommit) throw Injected(operation, fault);

        T result;
        lock (_gate)
        {
            result = apply();
            if (mutates) Persist(operation);
        }
        if (fault is not null) throw Injected(operation, fault);
        return result;
    }

    private SandboxFaultRule? DrawFault(string operation)
    {
        lock (_faultGate)
        {
            foreach (var key in new[] { operation, SandboxOperations.Any })
            {
                if (!_faults.TryGetValue(key, out var state)) continue;
                bool fire;
                if (state.Rule.FailCount is not null)
                {
                    fire = state.Remaining > 0;
                    if (fire && --state.Remaining == 0) _faults.Remove(key);
                }
                else
                {
                    fire = state.Random.NextDouble() < state.Rule.Probability;
                }
                if (fire)
                {
                    state.Triggered++;
                    return state.Rule;
                }
            }
            return null;
        }
    }

    private static VimException Injected(string operation, SandboxFaultRule rule) =>
        new(operation, rule.Message ?? $"sandbox injected fault on '{operation}'{(rule.AfterCommit ? " (after the change was applied)" : "")}", rule.Transient);

    private static void CheckQuota(string operation, string tenantId, string name, long wanted, long limit)
    {
        if (limit >= 0 && wanted > limit)
            throw new VimException(operation, string.Create(CultureInfo.InvariantCulture, $"sandbox quota exceeded for tenant '{tenantId}': {name} {wanted} > {limit}"));
    }

    private static bool? ParseIpVersion(string operation, string? ipVersion) => ipVersion?.Trim().ToUpperInvariant() switch
    {
        null or "" => null,
        "4" or "IPV4" => false,
        "6" or "IPV6" => true,
        _ => throw new VimException(operation, $"unknown ip version '{ipVersion}' (ipv4 or ipv6)"),
    };

    private SandboxQuota QuotaOf(string tenantId) => _quotas.GetValueOrDefault(tenantId) ?? _defaultQuota;

    private SandboxUsage UsageOf(string tenantId)
    {
        if (!_byTenant.TryGetValue(tenantId, out var entries)) return SandboxUsage.None;
        int instances = 0, cores = 0, networks = 0, ports = 0;
        long ram = 0, gib = 0;
        foreach (var e in entries.Values)
        {
            switch (e.Kind)
            {
                case VimResourceKind.Compute: instances++; cores += e.Vcpus; ram += e.RamMiB; break;
                case VimResourceKind.Network: networks++; break;
                case VimResourceKind.Port: ports++; break;
                case VimResourceKind.Volume: gib += e.SizeGiB; break;
                default: break;
            }
        }
        return new SandboxUsage(instances, cores, ram, gib, networks, ports);
    }

    private SandboxEntry? Find(string tenantId, string? id, VimResourceKind? kind) =>
        id is not null && _byTenant.TryGetValue(tenantId, out var entries) && entries.TryGetValue(id, out var e) && (kind is null || e.Kind == kind)
            ? e
            : null;

    private SandboxEntry? FindNetworkForPort(string tenantId, string? networkId) =>
        Find(tenantId, networkId, VimResourceKind.Network)
        ?? (networkId is not null && _byId.TryGetValue(networkId, out var e) && e.Kind == VimResourceKind.Network && e.Shared ? e : null);

    private List<VimResource> Select(string tenantId, IReadOnlyDictionary<string, string>? tags, VimResourceKind? kind)
    {
        if (!_byTenant.TryGetValue(tenantId, out var entries)) return [];
        return entries.Values
            .Where(e => kind is null || e.Kind == kind)
            .Where(e => tags is null || tags.All(t => e.Tags.TryGetValue(t.Key, out var v) && v == t.Value))
            .OrderBy(e => e.Seq)
            .Select(ToResource)
            .ToList();
    }

    private VimResource Add(SandboxEntry entry)
    {
        entry.Id = Guid.NewGuid().ToString();
        entry.Seq = _nextSeq++;
        entry.CreatedAt = _time.GetUtcNow();
        Index(entry);
        return ToResource(entry);
    }

    private void Index(SandboxEntry entry)
    {
        _byId.Add(entry.Id, entry);
        if (!_byTenant.TryGetValue(entry.TenantId, out var entries))
            _byTenant[entry.TenantId] = entries = new Dictionary<string, SandboxEntry>(StringComparer.Ordinal);
        entries.Add(entry.Id, entry);
    }

    private void Remove(SandboxEntry entry)
    {
        if (entry.Kind == VimResourceKind.Port && entry.SubnetId is not null && _pools.TryGetValue(entry.SubnetId, out var pool))
            pool.Release(entry.IpAddress);
        if (entry.Kind == VimResourceKind.Subnet) _pools.Remove(entry.Id);
        _byId.Remove(entry.Id);
        _byTenant[entry.TenantId].Remove(entry.Id);
    }

    private VimResource ToResource(SandboxEntry e)
    {
        var a = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [VimAttributes.Sandbox] = "true",
            [VimAttributes.Cloud] = CloudName,
            [VimAttributes.CreatedAt] = e.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
        };
        string status;
        var zone = e.ZoneId;
        switch (e.Kind)
        {
            case VimResourceKind.Compute:
                status = e.PowerState ?? ServerStatus.Active;
                if (e.LastStop is not null) a[VimAttributes.LastStop] = e.LastStop;
                a[VimAttributes.Vcpus] = e.Vcpus.ToString(CultureInfo.InvariantCulture);
                a[VimAttributes.RamMiB] = e.RamMiB.ToString(CultureInfo.InvariantCulture);
                if (e.ImageName is not null) a[VimAttributes.ImageName] = e.ImageName;
                break;
            case VimResourceKind.Network:
                status = "ACTIVE";
                a[VimAttributes.Shared] = e.Shared ? "true" : "false";
                break;
            case VimResourceKind.Subnet:
                status = "ACTIVE";
                a[VimAttributes.NetworkId] = e.NetworkId!;
                a[VimAttributes.Cidr] = e.Cidr!;
                a[VimAttributes.IpVersion] = e.IpVersion.ToString(CultureInfo.InvariantCulture);
                a[VimAttributes.GatewayIp] = e.GatewayIp!;
                break;
            case VimResourceKind.Port:
                status = e.ServerId is null ? "DOWN" : "ACTIVE";
                a[VimAttributes.NetworkId] = e.NetworkId!;
                a[VimAttributes.MacAddress] = e.MacAddress!;
                if (e.SubnetId is not null) a[VimAttributes.SubnetId] = e.SubnetId;
                if (e.IpAddress is not null) a[VimAttributes.IpAddress] = e.IpAddress;
                if (e.ServerId is not null) a[VimAttributes.ComputeId] = e.ServerId;
                if (e.ServerId is not null && _byId.TryGetValue(e.ServerId, out var server)) zone = server.ZoneId;
                break;
            case VimResourceKind.Volume:
                status = e.ServerId is null ? "available" : "in-use";
                a[VimAttributes.SizeBytes] = e.SizeBytes.ToString(CultureInfo.InvariantCulture);
                a[VimAttributes.SizeGiB] = e.SizeGiB.ToString(CultureInfo.InvariantCulture);
                if (e.ServerId is not null) a[VimAttributes.ComputeId] = e.ServerId;
                break;
            default:
                status = "UNKNOWN";
                break;
        }
        var tags = new Dictionary<string, string>(e.Tags, StringComparer.Ordinal);
        return new VimResource(e.Id, e.Kind, e.Name, tags.GetValueOrDefault(VimTags.ResourceKey), tags.GetValueOrDefault(VimTags.VnfInstanceId),
            e.TenantId, status, zone, tags, a);
    }

    private static Dictionary<string, string> CopyTags(IReadOnlyDictionary<string, string>? tags) =>
        tags is null ? new(StringComparer.Ordinal) : tags.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);

    // ------------------------------------------------------------------ persistence

    /// <summary>Writes the whole state to a temp file, flushes it to disk and renames it over the state file. Caller holds _gate.</summary>
    private void Persist(string operation)
    {
        if (_statePath is null) return;
        var state = new SandboxState
        {
            Format = SandboxState.FormatName,
            Version = SandboxState.CurrentVersion,
            Cloud = CloudName,
            NextCidrIndex = _nextCidrIndex,
            NextMacIndex = _nextMacIndex,
            Quotas = new Dictionary<string, SandboxQuota>(_quotas, StringComparer.Ordinal),
            Resources = _byId.Values.OrderBy(e => e.Seq).ToList(),
            SfcResources = _sfc.Count == 0 ? null : _sfc.Values.OrderBy(e => e.Seq).ToList(),
        };
        var temp = _statePath + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_statePath)!);
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, state, SandboxState.Json);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, _statePath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VimException(operation, $"sandbox could not write its state file '{_statePath}': {ex.Message}", transient: true, ex);
        }
    }

    private void Load(string path)
    {
        if (!File.Exists(path)) return;
        SandboxState? state;
        try
        {
            using var stream = File.OpenRead(path);
            state = JsonSerializer.Deserialize<SandboxState>(stream, SandboxState.Json);
        }
        catch (JsonException ex)
        {
            throw Corrupt(path, $"not valid JSON ({ex.Message})", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VimException("load_state", $"sandbox could not read its state file '{path}': {ex.Message}", false, ex);
        }

        if (state is null || state.Format != SandboxState.FormatName)
            throw Corrupt(path, $"it is not a Mano sandbox state file (format '{state?.Format}', expected '{SandboxState.FormatName}')");
        if (state.Version != SandboxState.CurrentVersion)
            throw Corrupt(path, $"unsupported state version {state.Version} (this Mano reads version {SandboxState.CurrentVersion})");

        foreach (var (tenant, quota) in state.Quotas ?? [])
        {
            if (quota is null) throw Corrupt(path, $"the quota of tenant '{tenant}' is empty");
            _quotas[tenant] = quota;
        }
        var resources = (state.Resources ?? []).OrderBy(e => e.Seq).ToList();
        foreach (var e in resources)
        {
            if (e is null || string.IsNullOrEmpty(e.Id) || string.IsNullOrEmpty(e.TenantId) || !Enum.IsDefined(e.Kind))
                throw Corrupt(path, "a resource has no id, no tenant or an unknown kind");
            if (_byId.ContainsKey(e.Id)) throw Corrupt(path, $"resource id '{e.Id}' appears twice");
            e.Tags = new Dictionary<string, string>(e.Tags ?? [], StringComparer.Ordinal);
            Index(e);
        }
        foreach (var subnet in resources.Where(e => e.Kind == VimResourceKind.Subnet))
        {
            var pool = AddressPool.TryCreate(subnet.Cidr ?? "", out var error)
                ?? throw Corrupt(path, $"subnet '{subnet.Id}' has an invalid cidr: {error}");
            if (subnet.NetworkId is null || !_byId.TryGetValue(subnet.NetworkId, out var net) || net.Kind != VimResourceKind.Network)
                throw Corrupt(path, $"subnet '{subnet.Id}' belongs to no network");
            _pools[subnet.Id] = pool;
        }
        foreach (var port in resources.Where(e => e.Kind == VimResourceKind.Port))
        {
            if (port.NetworkId is null || !_byId.TryGetValue(port.NetworkId, out var net) || net.Kind != VimResourceKind.Network)
                throw Corrupt(path, $"port '{port.Id}' is on no network");
            if (port.SubnetId is not null
                && (!_pools.TryGetValue(port.SubnetId, out var pool) || port.IpAddress is null || !pool.Reserve(port.IpAddress)))
                throw Corrupt(path, $"port '{port.Id}' has address '{port.IpAddress}' that does not fit subnet '{port.SubnetId}' or is taken twice");
        }
        foreach (var e in resources.Where(e => e.ServerId is not null))
        {
            if (!_byId.TryGetValue(e.ServerId!, out var server) || server.Kind != VimResourceKind.Compute)
                e.ServerId = null; // the server is gone: detached
        }
        LoadSfc(path, state.SfcResources);
        _nextSeq = Math.Max(resources.Count == 0 ? 1 : resources.Max(e => e.Seq) + 1, _sfc.Count == 0 ? 1 : _sfc.Values.Max(e => e.Seq) + 1);
        _nextCidrIndex = state.NextCidrIndex;
        _nextMacIndex = state.NextMacIndex;
    }

    private static VimException Corrupt(string path, string why, Exception? inner = null) =>
        new("load_state", $"sandbox state file '{path}' is corrupt: {why}. Fix or remove the file to start with an empty sandbox.", false, inner);

    private sealed class FaultState(SandboxFaultRule rule)
    {
        public SandboxFaultRule Rule { get; } = rule;
        public int Remaining { get; set; } = rule.FailCount ?? 0;
        public long Triggered { get; set; }
        public Random Random { get; } = rule.Seed is { } seed ? new Random(seed) : new Random();
    }
}
