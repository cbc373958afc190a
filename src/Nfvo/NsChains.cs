using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts.Messages;
using Mano.VimAdapters;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using DriverConnection = Mano.VimAdapters.VimConnectionInfo;

namespace Mano.Nfvo;

/// <summary>
/// The service function chains of an NS instance (issue 6 items 5 and 7): the VNFs' external CP ports (read from the
/// VNFM's VnfInstance, instantiatedVnfInfo), the chain plan over them (ChainPlanner), the chains on the VIM
/// (IVimChainDriver), and the VIM connection of a VIM for the NFVO's own VIM work (NS VLs, chains).
/// </summary>
public sealed class NsChains(NfvoDbContext db, INsVnfLcm vnfm, VimRegistry vims, GrantSizer vnfds, IServiceProvider services)
{
    /// <summary>
    /// The NSD names a VNF's external CP by the VNF node's requirement (SOL001: the VNFD's substitution_mappings
    /// requirement, e.g. "virtual_link_external"); the VNFM by the VNFD's CP id (VnfExtCp.CpdId, e.g. "CP1"). These map
    /// one to the other through the VNFD (onboarded in this NFVO); a name the VNFD does not know stays as it is.
    /// </summary>
    public async Task<(Func<string, string> ToVnfd, Func<string, string> ToNsd)> CpdNamesAsync(string vnfdId, CancellationToken ct)
    {
        var vnfd = await vnfds.LoadAsync(db, vnfdId, ct);
        var extCps = vnfd?.Flavours.SelectMany(f => f.ExtCps).Where(e => !string.IsNullOrEmpty(e.ExternalRequirement)).ToList() ?? [];
        return (n => extCps.FirstOrDefault(e => e.ExternalRequirement == n)?.CpdId ?? n,
                n => extCps.FirstOrDefault(e => e.CpdId == n)?.ExternalRequirement ?? n);
    }

    public async Task<DriverConnection> ConnectionAsync(string? vimId, CancellationToken ct)
    {
        var vim = (vimId is null ? null : await vims.FindForGrantAsync(vimId, ct))
                  ?? throw new UnprocessableProblem($"VIM {vimId} is not registered for this tenant any more.");
        var info = vims.ConnectionInfoFor(vim);
        return new DriverConnection(vim.Id, vim.VimType, info.InterfaceInfo ?? new Dictionary<string, string>(), info.AccessInfo ?? new Dictionary<string, string>());
    }

    public IVimDriver Driver(DriverConnection vim) =>
        services.GetServices<IVimDriver>().FirstOrDefault(d => d.VimType == vim.VimType)
        ?? throw new UnprocessableProblem($"This NFVO process has no VIM driver for VIM type {vim.VimType}.");

    public IVimChainDriver ChainDriver(DriverConnection vim) =>
        services.GetServices<IVimChainDriver>().FirstOrDefault(d => d.VimType == vim.VimType)
        ?? throw new UnprocessableProblem($"This NFVO process has no chain driver for VIM type {vim.VimType} (service function chains need networking-sfc or the sandbox VIM).");

    /// <summary>Every constituent VNF with its external CP ports; <paramref name="refresh"/> re-reads each VNF from the VNFM first.</summary>
    public async Task<IReadOnlyList<VnfChainPorts>> PortsAsync(NsInstanceRecord ns, bool refresh, CancellationToken ct)
    {
        var members = await db.NsVnfInstances.Where(v => v.NsInstanceId == ns.Id).OrderBy(v => v.CreatedAt).ToListAsync(ct);
        var result = new List<VnfChainPorts>();
        foreach (var m in members)
        {
            if (refresh)
            {
                var response = await vnfm.SendAsync(m.VimId, new VnfLcmRequest(ns.TenantId, VnfLcmOperations.Read, m.VnfInstanceId, null, null), ct);
                if (response.StatusCode == 200 && response.Body is not null) m.VnfInstance = response.Body;
            }
            var info = m.VnfInstance is null ? null : JsonNode.Parse(m.VnfInstance)?["instantiatedVnfInfo"] as JsonObject;
            var (_, toNsd) = await CpdNamesAsync(m.VnfdId, ct);
            result.Add(new VnfChainPorts(m.VnfProfileId, m.VnfInstanceId, m.VimId ?? "",
                info is null ? [] : Ports(info).Select(p => p with { CpdId = toNsd(p.CpdId) }).ToList()));
        }
        return result;
    }

    /// <summary>
    /// SOL003 5.5.2.3 instantiatedVnfInfo: each extCpInfo (cpdId) is the CP of one VNFC (associatedVnfcCpId names the
    /// VNFC CP, vnfcResourceInfo.vnfcCpInfo the VNFC) whose VIM port is the extLinkPort of the extVirtualLinkInfo naming it.
    /// </summary>
    public static IReadOnlyList<VnfCpPort> Ports(JsonObject info)
    {
        var vnfcOfCp = new Dictionary<string, string>();
        foreach (var vnfc in info["vnfcResourceInfo"]?.AsArray() ?? [])
            foreach (var cp in vnfc?["vnfcCpInfo"]?.AsArray() ?? [])
                if (cp?["id"]?.GetValue<string>() is { } cpId) vnfcOfCp[cpId] = vnfc!["id"]!.GetValue<string>();
        var portOfExtCp = new Dictionary<string, string>();
        foreach (var link in info["extVirtualLinkInfo"]?.AsArray() ?? [])
            foreach (var port in link?["extLinkPorts"]?.AsArray() ?? [])
                if (port?["cpInstanceId"]?.GetValue<string>() is { } extCpId && port["resourceHandle"]?["resourceId"]?.GetValue<string>() is { } rid)
                    portOfExtCp[extCpId] = rid;
        var ports = new List<VnfCpPort>();
        foreach (var e in info["extCpInfo"]?.AsArray() ?? [])
        {
            var id = e?["id"]?.GetValue<string>();
            var cpdId = e?["cpdId"]?.GetValue<string>();
            if (id is null || cpdId is null || !portOfExtCp.TryGetValue(id, out var portId)) continue;
            var vnfcCp = e!["associatedVnfcCpId"]?.GetValue<string>();
            var vnfc = vnfcCp is not null && vnfcOfCp.TryGetValue(vnfcCp, out var v) ? v : id;
            var ip = e["cpProtocolInfo"]?[0]?["ipOverEthernet"];
            ports.Add(new VnfCpPort(cpdId, vnfc, portId, ip?["ipAddresses"]?[0]?["addresses"]?[0]?.GetValue<string>(), ip?["macAddress"]?.GetValue<string>()));
        }
        return ports;
    }

    public async Task<ChainPlan> PlanAsync(NsInstanceRecord ns, Mano.Tosca.Nsd nsd, bool refresh, CancellationToken ct) =>
        ChainPlanner.Plan(ns.Id, nsd, await PortsAsync(ns, refresh, ct));

    /// <summary>
    /// Ensures every planned chain that has hops on its VIM. What cannot be realised (the plan's problems) is returned as
    /// warnings, not thrown: the NS's VNFs are in service either way, and the chain plan (GET /nsplan/v1/.../chains) shows why.
    /// </summary>
    public async Task<(ChainPlan Plan, IReadOnlyList<string> Warnings)> EnsureAsync(NsInstanceRecord ns, Mano.Tosca.Nsd nsd, CancellationToken ct)
    {
        var ports = await PortsAsync(ns, refresh: true, ct);
        var plan = ChainPlanner.Plan(ns.Id, nsd, ports);
        var warnings = plan.Problems.Select(p => $"Service function chain not realised: {p} (the VNFs' external CP ports: "
            + string.Join("; ", ports.Select(v => $"{v.VnfProfileId}: [{string.Join(", ", v.Ports.Select(x => x.CpdId))}]")) + ")").ToList();
        foreach (var path in plan.Paths.Where(p => p.VimId is not null && p.Hops.Count > 0))
        {
            var vim = await ConnectionAsync(path.VimId, ct);
            await ChainDriver(vim).EnsurePortChainAsync(vim, ChainPlanner.ToVim(ns.TenantId, path), ct);
        }
        return (plan, warnings);
    }

    public async Task DeleteAsync(NsInstanceRecord ns, string vimId, CancellationToken ct)
    {
        var vim = await ConnectionAsync(vimId, ct);
        await ChainDriver(vim).DeletePortChainsAsync(vim, ns.TenantId, ns.Id, null, ct);
    }

    /// <summary>The chains the VIMs of the NS actually hold for it.</summary>
    public async Task<IReadOnlyList<VimPortChain>> ActualAsync(NsInstanceRecord ns, CancellationToken ct)
    {
        var vimIds = await db.NsVnfInstances.AsNoTracking().Where(v => v.NsInstanceId == ns.Id && v.VimId != null).Select(v => v.VimId!).Distinct().ToListAsync(ct);
        var result = new List<VimPortChain>();
        foreach (var vimId in vimIds)
        {
            var vim = await ConnectionAsync(vimId, ct);
            result.AddRange(await ChainDriver(vim).ListPortChainsAsync(vim, ns.TenantId, ns.Id, ct));
        }
        return result;
    }
}
