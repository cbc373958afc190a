using Mano.Common;
using Mano.Contracts.NsLcm;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mano.Nfvo;

/// <summary>
/// Mano's NS planning API (not an ETSI interface; issue 6 items 6 and 7) at /nsplan/v1.
///
///   POST /ns_instances/{nsInstanceId}/instantiate   dry run of SOL005 6.4.4 (body InstantiateNsRequest) -> 200 NsLcmPlan
///   POST /ns_instances/{nsInstanceId}/scale         dry run of SOL005 6.4.5 (body ScaleNsRequest)       -> 200 NsLcmPlan
///   POST /ns_instances/{nsInstanceId}/update        dry run of SOL005 6.4.6 (body UpdateNsRequest)      -> 200 NsLcmPlan
///   POST /ns_instances/{nsInstanceId}/heal          dry run of SOL005 6.4.7 (body HealNsRequest)        -> 200 NsLcmPlan
///   POST /ns_instances/{nsInstanceId}/terminate     dry run of SOL005 6.4.8 (body TerminateNsRequest)   -> 200 NsLcmPlan
///   GET  /ns_instances/{nsInstanceId}/chains        the chain plan and the VIM's actual chains          -> 200 NsChainsView
///   POST /ns_instances/{nsInstanceId}/chains/trace  the path of a flow (body FlowFiveTuple)             -> 200 ChainTrace
/// A dry run takes the same body and applies the same validation as the SOL005 task, and returns the plan the engine
/// would execute (the steps with their VNFs, VIMs and zones, the NS VLs, what could not be planned) without writing
/// anything: it is the same NsLcmPlanner call, minus the op occ. The dedicated endpoint (rather than an additionalParams
/// flag) keeps the SOL005 task's semantics (always 202 + an op occ) intact.
/// </summary>
/// <summary>The chain plan of an NS instance (over the VNFs' ports as last read) and the chains the VIMs hold for it.</summary>
public sealed record NsChainsView(ChainPlan Plan, IReadOnlyList<Mano.VimAdapters.VimPortChain> Actual);

public static class NsPlanApi
{
    public static IEndpointRouteBuilder MapNsPlanApiV1(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/nsplan/v1").WithTags("Mano NS planning");
        api.MapPost("/ns_instances/{nsInstanceId}/instantiate", async (string nsInstanceId, HttpRequest http, NfvoDbContext db, NsLcmPlanner planner, CancellationToken ct) =>
        {
            var request = await http.ReadJsonAsync<InstantiateNsRequest>();
            var ns = await NsLcmApi.FindInstance(db, nsInstanceId, ct);
            if (ns.NsState != NsState.NotInstantiated) throw new ConflictProblem($"NS instance {nsInstanceId} is already INSTANTIATED.");
            return SolResults.Json(await planner.InstantiateAsync(ns, request, ct));
        });
        api.MapPost("/ns_instances/{nsInstanceId}/scale", async (string nsInstanceId, HttpRequest http, NfvoDbContext db, NsLcmPlanner planner, CancellationToken ct) =>
            SolResults.Json(await planner.ScaleAsync(await NsLcmApi.Instantiated(db, nsInstanceId, "scale", ct), await http.ReadJsonAsync<ScaleNsRequest>(), ct)));
        api.MapPost("/ns_instances/{nsInstanceId}/update", async (string nsInstanceId, HttpRequest http, NfvoDbContext db, NsLcmPlanner planner, CancellationToken ct) =>
            SolResults.Json(await planner.UpdateAsync(await NsLcmApi.Instantiated(db, nsInstanceId, "update", ct), await http.ReadJsonAsync<UpdateNsRequest>(), ct)));
        api.MapPost("/ns_instances/{nsInstanceId}/heal", async (string nsInstanceId, HttpRequest http, NfvoDbContext db, NsLcmPlanner planner, CancellationToken ct) =>
            SolResults.Json(await planner.HealAsync(await NsLcmApi.Instantiated(db, nsInstanceId, "heal", ct), await http.ReadJsonAsync<HealNsRequest>(), ct)));
        api.MapPost("/ns_instances/{nsInstanceId}/terminate", async (string nsInstanceId, HttpRequest http, NfvoDbContext db, NsLcmPlanner planner, CancellationToken ct) =>
            SolResults.Json(await planner.TerminateAsync(await NsLcmApi.Instantiated(db, nsInstanceId, "terminate", ct), await http.ReadJsonAsync<TerminateNsRequest>(), ct)));
        api.MapGet("/ns_instances/{nsInstanceId}/chains", async (string nsInstanceId, NfvoDbContext db, NsLcmPlanner planner, NsChains chains, CancellationToken ct) =>
        {
            var ns = await NsLcmApi.FindInstance(db, nsInstanceId, ct);
            var plan = await chains.PlanAsync(ns, (await planner.NsdOfAsync(ns, ct)).Nsd, refresh: false, ct);
            return SolResults.Json(new NsChainsView(plan, await chains.ActualAsync(ns, ct)));
        });
        api.MapPost("/ns_instances/{nsInstanceId}/chains/trace", async (string nsInstanceId, HttpRequest http, NfvoDbContext db, NsLcmPlanner planner, NsChains chains, CancellationToken ct) =>
        {
            var flow = await http.ReadJsonAsync<FlowFiveTuple>();
            var ns = await NsLcmApi.FindInstance(db, nsInstanceId, ct);
            var plan = await chains.PlanAsync(ns, (await planner.NsdOfAsync(ns, ct)).Nsd, refresh: false, ct);
            return SolResults.Json(ChainTracer.Trace(plan, await chains.ActualAsync(ns, ct), flow));
        });
        return app;
    }
}
