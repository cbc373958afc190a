using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.Tosca;
using Mano.VimAdapters;
using Microsoft.Extensions.DependencyInjection;

namespace Mano.Nfvo.Tests;

/// <summary>The web-chain test NSD of the Tosca tests (3 VNFs with dependencies LB &lt;- FW &lt;- WEB, 3 NS VLs, a SAP, a VNFFG), parsed by the real parser.</summary>
public static class TestNsds
{
    public const string NsdInfoId = "nsd-info-web-chain";

    public static Nsd WebChain()
    {
        var dir = Path.Combine(RepoPaths.RepoRoot, "tests", "Tosca.Tests", "Nsd");
        var result = NsdParser.Parse(new Dictionary<string, byte[]>
        {
            ["Definitions/web_chain_nsd.yaml"] = File.ReadAllBytes(Path.Combine(dir, "web_chain_nsd.yaml")),
            ["Definitions/web_chain_types.yaml"] = File.ReadAllBytes(Path.Combine(dir, "web_chain_types.yaml")),
        }, "Definitions/web_chain_nsd.yaml");
        Assert.False(result.HasErrors, string.Join("; ", result.Diagnostics));
        return result.Nsd!;
    }
}

/// <summary>The NSD catalogue seam for tests: one onboarded NSD (the web chain), usage state recorded.</summary>
public sealed class TestNsdSource : INsdSource
{
    public static readonly ConcurrentDictionary<string, bool> UsageStates = new();
    private static readonly Lazy<Nsd> Nsd = new(TestNsds.WebChain);

    public Task<NsdForLcm?> FindAsync(string nsdInfoId, CancellationToken ct) =>
        Task.FromResult(nsdInfoId == TestNsds.NsdInfoId ? new NsdForLcm(nsdInfoId, Nsd.Value.DescriptorId, Nsd.Value.Name, Nsd.Value) : null);

    public Task SetUsageStateAsync(string nsdInfoId, bool inUse, CancellationToken ct)
    {
        UsageStates[nsdInfoId] = inUse;
        return Task.CompletedTask;
    }
}

/// <summary>
/// A VNFM behind the <see cref="INsVnfLcm"/> seam that follows SOL003's resource rules in memory: create (201), one
/// operation at a time per VNF (409), operations that run until their op occ has been read twice (so the engine has to
/// wait and poll), retry/rollback on FAILED_TEMP only, delete only NOT_INSTANTIATED (409). Its VNFCs have real ports in
/// the sandbox VIM on the external networks the instantiate names (one VNFC per VNF, one more per SCALE_OUT step), and
/// instantiatedVnfInfo reports them as Mano's VNFM does (extCpInfo, vnfcResourceInfo, extVirtualLinkInfo.extLinkPorts).
/// <see cref="FailInstantiateOf"/> injects a failure: the instantiate of a VNF of that name ends FAILED_TEMP with an error.
/// </summary>
public sealed class SimulatedVnfm(SandboxCloud sandbox) : INsVnfLcm
{
    private const string Tenant = "default";

    private sealed class Vnf
    {
        public required JsonObject Body { get; init; }
        public string? CurrentOp { get; set; }
        public JsonArray ExtVirtualLinks { get; set; } = [];
        public List<(string VnfcId, string CpdId, string LinkId, string NetworkId, VimResource Port)> Ports { get; } = [];
        public int Vnfcs { get; set; }
    }

    private sealed class Op
    {
        public required string Id { get; init; }
        public required string VnfInstanceId { get; init; }
        public required string Operation { get; init; }
        public string State { get; set; } = LcmOperationState.Processing;
        public int Reads { get; set; }
        public bool WillFail { get; set; }
        public int Steps { get; init; } = 1;
        public JsonObject? Error { get; set; }
    }

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, Vnf> _vnfs = [];
    private readonly Dictionary<string, Op> _ops = [];

    public string? FailInstantiateOf { get; set; }

    /// <summary>While true, no VNF operation finishes (they stay PROCESSING): lets a test catch an NS op mid-flight.</summary>
    public bool HoldOperations { get; set; }
    public ConcurrentQueue<string> Log { get; } = new();
    public ConcurrentQueue<(string VnfInstanceId, JsonObject Body)> Instantiations { get; } = new();

    public IReadOnlyList<JsonObject> Instances
    {
        get
        {
            _gate.Wait();
            try { return _vnfs.Values.Select(v => v.Body.DeepClone().AsObject()).ToList(); }
            finally { _gate.Release(); }
        }
    }

    public async Task<VnfLcmResponse> SendAsync(string? vimId, VnfLcmRequest r, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try { return await HandleAsync(r); }
        finally { _gate.Release(); }
    }

    private static VnfLcmResponse Problem(int status, string detail) =>
        new(status, SolJson.Serialize(new ProblemDetails { Status = status, Detail = detail }));

    private string NameOf(string vnfInstanceId) => _vnfs.TryGetValue(vnfInstanceId, out var v) ? v.Body["vnfInstanceName"]?.GetValue<string>() ?? vnfInstanceId : vnfInstanceId;

    private async Task<VnfLcmResponse> HandleAsync(VnfLcmRequest r)
    {
        switch (r.Operation)
        {
            case VnfLcmOperations.Create:
            {
                var req = JsonNode.Parse(r.Body!)!.AsObject();
                var id = Guid.NewGuid().ToString();
                var body = new JsonObject
                {
                    ["id"] = id, ["vnfdId"] = req["vnfdId"]!.GetValue<string>(), ["vnfInstanceName"] = req["vnfInstanceName"]?.GetValue<string>(),
                    ["vnfProvider"] = "Company", ["vnfProductName"] = "Sample VNF", ["vnfSoftwareVersion"] = "1.0", ["vnfdVersion"] = "1.0",
                    ["instantiationState"] = InstantiationState.NotInstantiated, ["metadata"] = req["metadata"]?.DeepClone(),
                };
                _vnfs[id] = new Vnf { Body = body };
                Log.Enqueue($"create {body["vnfInstanceName"]}");
                return new VnfLcmResponse(201, body.ToJsonString());
            }
            case VnfLcmOperations.Query:
            {
                // Only what the NS engine asks: metadata equalities, "(eq,metadata/<key>,<value>)" joined by ";" (SOL013 5.2).
                var terms = (r.Query ?? "").Replace("filter=", "", StringComparison.Ordinal).Split(';', StringSplitOptions.RemoveEmptyEntries)
                    .Select(t => t.Trim('(', ')').Split(',')).ToList();
                if (terms.Any(t => t.Length != 3 || t[0] != "eq" || !t[1].StartsWith("metadata/", StringComparison.Ordinal)))
                    return Problem(400, $"the simulated VNFM filters only on metadata equality: {r.Query}");
                var matches = _vnfs.Values.Where(v => terms.All(t => v.Body["metadata"]?[t[1]["metadata/".Length..]]?.GetValue<string>() == t[2]));
                return new VnfLcmResponse(200, new JsonArray(matches.Select(v => (JsonNode)v.Body.DeepClone()).ToArray()).ToJsonString());
            }
            case VnfLcmOperations.Read:
                return _vnfs.TryGetValue(r.VnfInstanceId!, out var read) ? new VnfLcmResponse(200, read.Body.ToJsonString()) : Problem(404, "no such VNF");
            case VnfLcmOperations.Delete:
            {
                if (!_vnfs.TryGetValue(r.VnfInstanceId!, out var v)) return Problem(404, "no such VNF");
                if (v.Body["instantiationState"]!.GetValue<string>() != InstantiationState.NotInstantiated || v.CurrentOp is not null)
                    return Problem(409, "instantiated or busy");
                Log.Enqueue($"delete {NameOf(r.VnfInstanceId!)}");
                _vnfs.Remove(r.VnfInstanceId!);
                return new VnfLcmResponse(204, null);
            }
            case VnfLcmOperations.ReadOpOcc:
            {
                if (!_ops.TryGetValue(r.VnfLcmOpOccId!, out var op)) return Problem(404, "no such op occ");
                // An operation runs until it has been looked at twice: the NS engine must wait for it.
                if (op.State == LcmOperationState.Processing && !HoldOperations && ++op.Reads >= 2) await FinishAsync(op);
                var body = new JsonObject { ["id"] = op.Id, ["operationState"] = op.State, ["vnfInstanceId"] = op.VnfInstanceId, ["operation"] = op.Operation };
                if (op.Error is not null) body["error"] = op.Error.DeepClone();
                return new VnfLcmResponse(200, body.ToJsonString());
            }
            case VnfLcmOperations.Rollback or VnfLcmOperations.Retry:
            {
                if (!_ops.TryGetValue(r.VnfLcmOpOccId!, out var op)) return Problem(404, "no such op occ");
                if (op.State != LcmOperationState.FailedTemp) return Problem(409, "not FAILED_TEMP");
                var vnf = _vnfs[op.VnfInstanceId];
                Log.Enqueue($"{r.Operation} {op.Operation} {NameOf(op.VnfInstanceId)}");
                if (r.Operation == VnfLcmOperations.Rollback)
                {
                    await SetVnfcsAsync(vnf, 0); // an instantiate's rollback leaves nothing in the VIM
                    op.State = LcmOperationState.RolledBack;
                    vnf.CurrentOp = null;
                }
                else
                {
                    op.WillFail = false;
                    op.Error = null;
                    op.State = LcmOperationState.Processing;
                    op.Reads = 0;
                }
                return new VnfLcmResponse(202, null, op.Id);
            }
            default:
            {
                if (!_vnfs.TryGetValue(r.VnfInstanceId!, out var vnf)) return Problem(404, "no such VNF");
                if (vnf.CurrentOp is not null) return Problem(409, $"VNF busy with {vnf.CurrentOp}");
                var instantiated = vnf.Body["instantiationState"]!.GetValue<string>() == InstantiationState.Instantiated;
                if (r.Operation == VnfLcmOperations.Instantiate == instantiated) return Problem(409, $"{r.Operation} in the wrong state");
                var body = r.Body is null ? new JsonObject() : JsonNode.Parse(r.Body)!.AsObject();
                var op = new Op
                {
                    Id = Guid.NewGuid().ToString(), VnfInstanceId = vnf.Body["id"]!.GetValue<string>(), Operation = r.Operation,
                    WillFail = r.Operation == VnfLcmOperations.Instantiate && FailInstantiateOf is { } f && NameOf(r.VnfInstanceId!).Contains(f, StringComparison.Ordinal),
                    Steps = (r.Operation == VnfLcmOperations.Scale ? body["numberOfSteps"]?.GetValue<int>() ?? 1 : 1) * (body["type"]?.GetValue<string>() == "SCALE_IN" ? -1 : 1),
                };
                _ops[op.Id] = op;
                vnf.CurrentOp = op.Id;
                if (r.Operation == VnfLcmOperations.Instantiate)
                {
                    Instantiations.Enqueue((op.VnfInstanceId, body));
                    vnf.ExtVirtualLinks = body["extVirtualLinks"]?.DeepClone().AsArray() ?? [];
                    await SetVnfcsAsync(vnf, 1); // the ports exist before the failure is reported, as in a real VIM
                }
                Log.Enqueue($"{r.Operation} {NameOf(op.VnfInstanceId)}");
                return new VnfLcmResponse(202, null, op.Id);
            }
        }
    }

    private async Task FinishAsync(Op op)
    {
        var vnf = _vnfs[op.VnfInstanceId];
        if (op.WillFail)
        {
            op.State = LcmOperationState.FailedTemp;
            op.Error = new JsonObject { ["status"] = 500, ["detail"] = "injected: the VIM refused the server" };
            Log.Enqueue($"failed {op.Operation} {NameOf(op.VnfInstanceId)}");
            return;
        }
        switch (op.Operation)
        {
            case VnfLcmOperations.Instantiate: vnf.Body["instantiationState"] = InstantiationState.Instantiated; break;
            case VnfLcmOperations.Terminate:
                await SetVnfcsAsync(vnf, 0);
                vnf.Body["instantiationState"] = InstantiationState.NotInstantiated;
                break;
            case VnfLcmOperations.Scale: await SetVnfcsAsync(vnf, Math.Max(1, vnf.Vnfcs + op.Steps)); break;
        }
        op.State = LcmOperationState.Completed;
        vnf.CurrentOp = null;
        Log.Enqueue($"completed {op.Operation} {NameOf(op.VnfInstanceId)}");
    }

    /// <summary>Makes the VNF have <paramref name="count"/> VNFCs, each with one sandbox port per external CP, and reports them.</summary>
    private async Task SetVnfcsAsync(Vnf vnf, int count)
    {
        var id = vnf.Body["id"]!.GetValue<string>();
        while (vnf.Vnfcs < count)
        {
            var vnfcId = $"{id}-vnfc{vnf.Vnfcs}";
            foreach (var link in vnf.ExtVirtualLinks)
                foreach (var cp in link!["extCps"]!.AsArray())
                {
                    var network = link["resourceId"]!.GetValue<string>();
                    var cpdId = cp!["cpdId"]!.GetValue<string>();
                    var port = await sandbox.CreatePortAsync(Tenant, new SandboxPortSpec($"{vnfcId}-{cpdId}", network));
                    vnf.Ports.Add((vnfcId, cpdId, link["id"]!.GetValue<string>(), network, port));
                }
            vnf.Vnfcs++;
        }
        while (vnf.Vnfcs > count)
        {
            var vnfcId = $"{id}-vnfc{vnf.Vnfcs - 1}";
            foreach (var p in vnf.Ports.Where(p => p.VnfcId == vnfcId).ToList())
            {
                await sandbox.DeletePortAsync(Tenant, p.Port.ResourceId);
                vnf.Ports.Remove(p);
            }
            vnf.Vnfcs--;
        }
        if (count == 0)
        {
            vnf.Body.Remove("instantiatedVnfInfo");
            return;
        }
        var vnfcs = vnf.Ports.GroupBy(p => p.VnfcId).Select(g => (JsonNode)new JsonObject
        {
            ["id"] = g.Key, ["vduId"] = "VDU", ["computeResource"] = new JsonObject { ["resourceId"] = g.Key },
            ["vnfcCpInfo"] = new JsonArray(g.Select(p => (JsonNode)new JsonObject { ["id"] = $"{p.VnfcId}-{p.CpdId}", ["cpdId"] = p.CpdId }).ToArray()),
        }).ToArray();
        var extCps = vnf.Ports.Select(p => (JsonNode)new JsonObject
        {
            ["id"] = $"ext-{p.VnfcId}-{p.CpdId}", ["cpdId"] = p.CpdId, ["cpConfigId"] = "default",
            ["cpProtocolInfo"] = new JsonArray(new JsonObject
            {
                ["layerProtocol"] = "IP_OVER_ETHERNET",
                ["ipOverEthernet"] = new JsonObject
                {
                    ["macAddress"] = p.Port.Attributes.GetValueOrDefault(VimAttributes.MacAddress),
                    ["ipAddresses"] = new JsonArray(new JsonObject { ["type"] = "IPV4", ["addresses"] = new JsonArray(p.Port.Attributes.GetValueOrDefault(VimAttributes.IpAddress)), ["isDynamic"] = true }),
                },
            }),
            ["associatedVnfcCpId"] = $"{p.VnfcId}-{p.CpdId}",
        }).ToArray();
        var links = vnf.Ports.GroupBy(p => (p.LinkId, p.NetworkId)).Select(g => (JsonNode)new JsonObject
        {
            ["id"] = g.Key.LinkId, ["resourceHandle"] = new JsonObject { ["resourceId"] = g.Key.NetworkId },
            ["extLinkPorts"] = new JsonArray(g.Select(p => (JsonNode)new JsonObject
            {
                ["id"] = $"{p.Port.ResourceId}-elp", ["resourceHandle"] = new JsonObject { ["resourceId"] = p.Port.ResourceId },
                ["cpInstanceId"] = $"ext-{p.VnfcId}-{p.CpdId}",
            }).ToArray()),
        }).ToArray();
        vnf.Body["instantiatedVnfInfo"] = new JsonObject
        {
            ["flavourId"] = "default", ["vnfState"] = "STARTED",
            ["extCpInfo"] = new JsonArray(extCps), ["vnfcResourceInfo"] = new JsonArray(vnfcs), ["extVirtualLinkInfo"] = new JsonArray(links),
        };
    }
}

/// <summary>The NFVO test host with NS LCM's seams bound: the test NSD, the simulated VNFM, and the sandbox VIM for NS virtual links.</summary>
public abstract class NsLcmTestHost : NfvoTestHost
{
    protected NsLcmTestHost(bool postgres) : base(postgres) => Vnfm = new SimulatedVnfm(Sandbox);

    public SandboxCloud Sandbox { get; } = new();
    public SimulatedVnfm Vnfm { get; }

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraConfiguration =>
        [new("Nfvo:NsLcm:WatchdogSeconds", "0.2")];

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddScoped<INsdSource, TestNsdSource>();
        services.AddSingleton<INsVnfLcm>(Vnfm);
        services.AddSingleton<IVimDriver>(new SandboxVimDriver(Sandbox));
        services.AddSingleton<IVimChainDriver>(new SandboxChainDriver(Sandbox));
    }
}

public sealed class SqliteNsLcmTestHost() : NsLcmTestHost(postgres: false);

public sealed class PostgresNsLcmTestHost() : NsLcmTestHost(postgres: true);
