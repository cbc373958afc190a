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
/// wait and poll), retry/rollback on FAILED_TEMP only, delete only NOT_INSTANTIATED (409). <see cref="FailInstantiateOf"/>
/// injects a failure: the instantiate of a VNF of that profile ends FAILED_TEMP with an error. Records every request.
/// </summary>
public sealed class SimulatedVnfm : INsVnfLcm
{
    private sealed class Vnf
    {
        public required JsonObject Body { get; init; }
        public string? CurrentOp { get; set; }
    }

    private sealed class Op
    {
        public required string Id { get; init; }
        public required string VnfInstanceId { get; init; }
        public required string Operation { get; init; }
        public string State { get; set; } = LcmOperationState.Processing;
        public int Reads { get; set; }
        public bool WillFail { get; set; }
        public JsonObject? Error { get; set; }
    }

    private readonly object _gate = new();
    private readonly Dictionary<string, Vnf> _vnfs = [];
    private readonly Dictionary<string, Op> _ops = [];

    public string? FailInstantiateOf { get; set; }
    public ConcurrentQueue<string> Log { get; } = new();
    public ConcurrentQueue<(string VnfInstanceId, JsonObject Body)> Instantiations { get; } = new();

    public IReadOnlyList<JsonObject> Instances
    {
        get { lock (_gate) return _vnfs.Values.Select(v => v.Body.DeepClone().AsObject()).ToList(); }
    }

    public Task<VnfLcmResponse> SendAsync(string? vimId, VnfLcmRequest r, CancellationToken ct)
    {
        lock (_gate) return Task.FromResult(Handle(r));
    }

    private static VnfLcmResponse Problem(int status, string detail) =>
        new(status, SolJson.Serialize(new ProblemDetails { Status = status, Detail = detail }));

    private string NameOf(string vnfInstanceId) => _vnfs.TryGetValue(vnfInstanceId, out var v) ? v.Body["vnfInstanceName"]?.GetValue<string>() ?? vnfInstanceId : vnfInstanceId;

    private VnfLcmResponse Handle(VnfLcmRequest r)
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
                if (op.State == LcmOperationState.Processing && ++op.Reads >= 2) Finish(op);
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
                var op = new Op
                {
                    Id = Guid.NewGuid().ToString(), VnfInstanceId = vnf.Body["id"]!.GetValue<string>(), Operation = r.Operation,
                    WillFail = r.Operation == VnfLcmOperations.Instantiate && FailInstantiateOf is { } f && NameOf(r.VnfInstanceId!).Contains(f, StringComparison.Ordinal),
                };
                _ops[op.Id] = op;
                vnf.CurrentOp = op.Id;
                if (r.Operation == VnfLcmOperations.Instantiate) Instantiations.Enqueue((op.VnfInstanceId, JsonNode.Parse(r.Body!)!.AsObject()));
                Log.Enqueue($"{r.Operation} {NameOf(op.VnfInstanceId)}");
                return new VnfLcmResponse(202, null, op.Id);
            }
        }
    }

    private void Finish(Op op)
    {
        var vnf = _vnfs[op.VnfInstanceId];
        if (op.WillFail)
        {
            op.State = LcmOperationState.FailedTemp;
            op.Error = new JsonObject { ["status"] = 500, ["detail"] = "injected: the VIM refused the server" };
            Log.Enqueue($"failed {op.Operation} {NameOf(op.VnfInstanceId)}");
            return;
        }
        op.State = LcmOperationState.Completed;
        vnf.CurrentOp = null;
        if (op.Operation == VnfLcmOperations.Instantiate) vnf.Body["instantiationState"] = InstantiationState.Instantiated;
        if (op.Operation == VnfLcmOperations.Terminate) vnf.Body["instantiationState"] = InstantiationState.NotInstantiated;
        Log.Enqueue($"completed {op.Operation} {NameOf(op.VnfInstanceId)}");
    }
}

/// <summary>The NFVO test host with NS LCM's seams bound: the test NSD, the simulated VNFM, and the sandbox VIM for NS virtual links.</summary>
public abstract class NsLcmTestHost(bool postgres) : NfvoTestHost(postgres)
{
    public SimulatedVnfm Vnfm { get; } = new();
    public SandboxCloud Sandbox { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraConfiguration =>
        [new("Nfvo:NsLcm:WatchdogSeconds", "0.2")];

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddScoped<INsdSource, TestNsdSource>();
        services.AddSingleton<INsVnfLcm>(Vnfm);
        services.AddSingleton<IVimDriver>(new SandboxVimDriver(Sandbox));
    }
}

public sealed class SqliteNsLcmTestHost() : NsLcmTestHost(postgres: false);

public sealed class PostgresNsLcmTestHost() : NsLcmTestHost(postgres: true);
