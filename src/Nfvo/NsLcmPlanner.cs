using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.Contracts.NsLcm;
using Mano.Tosca;
using Microsoft.EntityFrameworkCore;

namespace Mano.Nfvo;

/// <summary>A constituent VNF as the planner sees it.</summary>
public sealed record NsVnfMember(string VnfInstanceId, string VnfProfileId, string VnfdId, string? VimId, string? InstantiationState);

/// <summary>
/// Builds the plan of an NS LCM operation (issue 6 items 3 and 6): ONE planner for the dry run (/nsplan/v1) and the real
/// run (/nslcm/v2), so the dry run shows exactly what the engine will execute. Validation failures are SOL013 problems
/// (422 / 400 / 501) thrown before anything is written; <see cref="NsLcmPlan.Problems"/> are the placement's findings.
/// </summary>
public sealed class NsLcmPlanner(NfvoDbContext db, INsdSource nsds, INsVnfPlacement placement)
{
    public async Task<NsdForLcm> NsdOfAsync(NsInstanceRecord ns, CancellationToken ct) =>
        await nsds.FindAsync(ns.NsdInfoId, ct)
        ?? throw new ConflictProblem($"The NSD {ns.NsdInfoId} of NS instance {ns.Id} is not onboarded and enabled any more.");

    public async Task<IReadOnlyList<NsVnfMember>> MembersAsync(string nsInstanceId, CancellationToken ct) =>
        (await db.NsVnfInstances.AsNoTracking().Where(v => v.NsInstanceId == nsInstanceId).OrderBy(v => v.CreatedAt).ThenBy(v => v.VnfInstanceId).ToListAsync(ct))
        .Select(v => new NsVnfMember(v.VnfInstanceId, v.VnfProfileId, v.VnfdId, v.VimId,
            v.VnfInstance is null ? null : JsonNode.Parse(v.VnfInstance)?["instantiationState"]?.GetValue<string>()))
        .ToList();

    public async Task<NsLcmPlan> InstantiateAsync(NsInstanceRecord ns, InstantiateNsRequest request, CancellationToken ct)
    {
        var nsd = (await NsdOfAsync(ns, ct)).Nsd;
        var vnfs = NsLcmPlans.VnfsToInstantiate(nsd, request);
        var (placed, problems) = await placement.PlaceAsync(vnfs, nsd, ct);
        return NsLcmPlans.Instantiate(ns, nsd, request, vnfs, placed, problems);
    }

    public async Task<NsLcmPlan> TerminateAsync(NsInstanceRecord ns, TerminateNsRequest request, CancellationToken ct)
    {
        var nsd = (await NsdOfAsync(ns, ct)).Nsd;
        // VNF operations an NS op marked FAILED (SOL005 6.4.14) or continued past (6.4.13, PARTIALLY_COMPLETED: its failed
        // steps are SKIPPED) left unfinished in the VNFM: rolled back before the VNF goes.
        var failed = await db.NsLcmOpOccs.AsNoTracking()
            .Where(o => o.NsInstanceId == ns.Id && (o.OperationState == NsLcmOperationState.Failed || o.OperationState == NsLcmOperationState.PartiallyCompleted))
            .OrderByDescending(o => o.StateEnteredTime).Select(o => o.Plan).FirstOrDefaultAsync(ct);
        var unfinished = failed is null ? [] : SolJson.Deserialize<NsLcmPlan>(failed).Steps
            .Where(s => s.Kind == NsStepKind.VnfOperation && s.VnfLcmOpOccId is not null
                        && s.Status is NsStepStatus.Failed or NsStepStatus.Running or NsStepStatus.Started or NsStepStatus.Skipped)
            .ToList();
        return NsLcmPlans.Terminate(ns, nsd, request, await MembersAsync(ns.Id, ct), VirtualLinksOf(ns), unfinished);
    }

    public async Task<NsLcmPlan> ScaleAsync(NsInstanceRecord ns, ScaleNsRequest request, CancellationToken ct)
    {
        if (request.ScaleType == "SCALE_NS")
        {
            var nsd = (await NsdOfAsync(ns, ct)).Nsd;
            var members = await MembersAsync(ns.Id, ct);
            var (status, targets) = NsLcmPlans.ScaleNsTargets(ns, nsd, request);
            var toAdd = NsLcmPlans.VnfsToAdd(nsd, members, targets, request.ScaleNsData?.LocationConstraints);
            var (placed, problems) = toAdd.Count == 0 ? ([], []) : await placement.PlaceAsync(toAdd, nsd, ct);
            var scaled = NsLcmPlans.ScaleNs(ns, nsd, request, members, targets, toAdd, placed, problems);
            scaled.NsScaleStatus = status;
            NsLcmPlans.AddEnsureChains(scaled, nsd);
            return scaled;
        }
        var plan = NsLcmPlans.Scale(ns, request, await MembersAsync(ns.Id, ct));
        NsLcmPlans.AddEnsureChains(plan, (await NsdOfAsync(ns, ct)).Nsd);
        return plan;
    }

    public async Task<NsLcmPlan> HealAsync(NsInstanceRecord ns, HealNsRequest request, CancellationToken ct)
    {
        var plan = NsLcmPlans.Heal(ns, request, await MembersAsync(ns.Id, ct));
        NsLcmPlans.AddEnsureChains(plan, (await NsdOfAsync(ns, ct)).Nsd);
        return plan;
    }

    public async Task<NsLcmPlan> UpdateAsync(NsInstanceRecord ns, UpdateNsRequest request, CancellationToken ct)
    {
        var members = await MembersAsync(ns.Id, ct);
        if (request.UpdateType != NsUpdateType.InstantiateVnf) return NsLcmPlans.Update(ns, request, members);
        // INSTANTIATE_VNF: new VNF instances of VNF profiles of the NSD, placed and connected like those of a SCALE_NS.
        var nsd = (await NsdOfAsync(ns, ct)).Nsd;
        if (request.InstantiateVnfData is not { Count: > 0 }) throw new BadRequestProblem("INSTANTIATE_VNF needs instantiateVnfData (SOL005 6.5.2.12).");
        var targets = new Dictionary<string, int>();
        foreach (var d in request.InstantiateVnfData)
        {
            var vnf = nsd.FindVnf(d.VnfProfileId ?? "") ?? throw new UnprocessableProblem($"instantiateVnfData names vnfProfileId \"{d.VnfProfileId}\", which the NSD does not have.");
            if (d.VnfdId is not null && d.VnfdId != vnf.VnfdId) throw new UnprocessableProblem($"VNF profile {vnf.Id} uses VNFD {vnf.VnfdId}, not {d.VnfdId}.");
            if (d.VnfFlavourId is not null && d.VnfFlavourId != vnf.FlavourId) throw new NotImplementedProblem($"Another VNF flavour than the NSD's ({vnf.FlavourId}) is not built yet in Mano.");
            targets[vnf.Id] = targets.GetValueOrDefault(vnf.Id, members.Count(m => m.VnfProfileId == vnf.Id)) + 1;
        }
        var constraints = request.InstantiateVnfData.Where(d => d.LocationConstraints is not null).Select(d => d.LocationConstraints!).ToList();
        var toAdd = NsLcmPlans.VnfsToAdd(nsd, members, targets, constraints);
        var (placed, problems) = await placement.PlaceAsync(toAdd, nsd, ct);
        var scaleLike = new ScaleNsRequest { ScaleType = "SCALE_NS", ScaleNsData = new ScaleNsData { AdditionalParamsForVnf = request.InstantiateVnfData
            .Select(d => new ParamsForVnf { VnfProfileId = d.VnfProfileId, VnfInstanceName = d.VnfInstanceName, AdditionalParams = d.AdditionalParams }).ToList() } };
        var plan = NsLcmPlans.ScaleNs(ns, nsd, scaleLike, members, targets, toAdd, placed, problems);
        plan.LcmOperationType = NsLcmOpType.Update;
        NsLcmPlans.AddEnsureChains(plan, nsd);
        return plan;
    }

    public static IReadOnlyList<NsVlState> VirtualLinksOf(NsInstanceRecord ns) =>
        ns.VirtualLinks is null ? [] : SolJson.Deserialize<List<NsVlState>>(ns.VirtualLinks);
}

/// <summary>The pure part of <see cref="NsLcmPlanner"/>: request + NSD + current members -> steps. Unit-tested directly.</summary>
public static class NsLcmPlans
{
    /// <summary>
    /// SOL005 6.4.13 continue: the failed steps, and every step that waits on one of them (transitively, through
    /// <see cref="NsPlanStep.After"/>), become SKIPPED; the rest of the plan runs. A failed step keeps its error so the
    /// op reports what did not happen. Returns the skipped steps.
    /// </summary>
    public static List<NsPlanStep> SkipFailed(NsLcmPlan plan)
    {
        var skipped = plan.Steps.Where(s => s.Status == NsStepStatus.Failed).ToList();
        foreach (var s in skipped) s.Status = NsStepStatus.Skipped;
        var ids = skipped.Select(s => s.Id).ToHashSet();
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var s in plan.Steps.Where(s => s.Status == NsStepStatus.Pending && s.After.Any(ids.Contains)))
            {
                s.Status = NsStepStatus.Skipped;
                ids.Add(s.Id);
                skipped.Add(s);
                grew = true;
            }
        }
        return skipped;
    }

    /// <summary>SOL005 6.5.2.11 / SOL001 6.10: the VNFs of the NS instantiation level (one per VNF profile when the level does not say).</summary>
    public static IReadOnlyList<NsVnfToPlace> VnfsToInstantiate(Nsd nsd, InstantiateNsRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.NsFlavourId)) throw new BadRequestProblem("nsFlavourId is required (SOL005 6.5.2.11).");
        if (request.NsFlavourId != nsd.FlavourId)
            throw new UnprocessableProblem($"The NSD {nsd.DescriptorId} has no deployment flavour \"{request.NsFlavourId}\" (it has: {nsd.FlavourId}).");
        if (request.NsInstantiationLevelId is not null && nsd.FindLevel(request.NsInstantiationLevelId) is null)
            throw new UnprocessableProblem($"The NSD has no NS instantiation level \"{request.NsInstantiationLevelId}\" (it has: {string.Join(", ", nsd.InstantiationLevels.Select(l => l.Id))}).");
        if (request.VnfInstanceData is { Count: > 0 })
            throw new NotImplementedProblem("vnfInstanceData (using existing VNF instances in a new NS) is not built yet in Mano.");
        if (request.NestedNsInstanceData is { Count: > 0 } || nsd.NestedNss.Count > 0)
            throw new NotImplementedProblem("Nested NSs are not built yet in Mano's NS LCM.");
        if (request.AddpnfData is { Count: > 0 } || nsd.Pnfs.Count > 0)
            throw new NotImplementedProblem("PNFs in NS LCM are not built yet in Mano.");
        if (request.WanConnectionData is { Count: > 0 })
            throw new NotImplementedProblem("wanConnectionData (multi-site connectivity) is not built yet in Mano.");
        foreach (var p in request.AdditionalParamsForVnf ?? [])
            if (nsd.FindVnf(p.VnfProfileId ?? "") is null)
                throw new UnprocessableProblem($"additionalParamsForVnf names vnfProfileId \"{p.VnfProfileId}\", which the NSD does not have.");
        foreach (var c in request.LocationConstraints ?? [])
            if (nsd.FindVnf(c.VnfProfileId ?? "") is null)
                throw new UnprocessableProblem($"locationConstraints names vnfProfileId \"{c.VnfProfileId}\", which the NSD does not have.");
        foreach (var s in request.SapData ?? [])
            if (nsd.Saps.All(x => x.Id != s.SapdId))
                throw new UnprocessableProblem($"sapData names sapdId \"{s.SapdId}\", which the NSD does not have (it has: {string.Join(", ", nsd.Saps.Select(x => x.Id))}).");

        var level = nsd.FindLevel(request.NsInstantiationLevelId);
        var result = new List<NsVnfToPlace>();
        foreach (var vnf in nsd.Vnfs)
        {
            var count = level is not null && level.VnfInstances.TryGetValue(vnf.Id, out var n) ? n : 1;
            var constraint = request.LocationConstraints?.FirstOrDefault(c => c.VnfProfileId == vnf.Id)?.LocationConstraints;
            for (var i = 0; i < count; i++)
                result.Add(new NsVnfToPlace(VnfKey(vnf.Id, i), vnf.Id, vnf.VnfdId, constraint));
        }
        return result;
    }

    /// <summary>
    /// The VNF's external CPs and the NS virtual link each connects to: its virtual_link requirements target an
    /// NsVirtualLink directly, or a Forwarding node (SOL001 6.8.x, a CP as seen by a VNFFG) that sits on one.
    /// </summary>
    public static IReadOnlyList<(string Cp, string Vl)> ExtCpLinks(Nsd nsd, NsVnfReference vnf)
    {
        var result = new List<(string, string)>();
        foreach (var (cp, target) in vnf.VirtualLinks)
        {
            if (nsd.VirtualLinks.Any(v => v.Id == target)) result.Add((cp, target));
            else if (nsd.Forwardings.FirstOrDefault(f => f.Id == target)?.VirtualLinkId is { } vl) result.Add((cp, vl));
        }
        foreach (var f in nsd.Forwardings.Where(f => f.VnfId == vnf.Id && f.CpdId is not null && f.VirtualLinkId is not null))
            result.Add((f.CpdId!, f.VirtualLinkId!));
        return result.Distinct().ToList();
    }

    public static string VnfKey(string vnfProfileId, int ordinal) => $"{vnfProfileId}-{ordinal}";

    public static NsLcmPlan Instantiate(NsInstanceRecord ns, Nsd nsd, InstantiateNsRequest request, IReadOnlyList<NsVnfToPlace> vnfs,
        IReadOnlyList<NsVnfPlaced> placed, IReadOnlyList<string> placementProblems)
    {
        var plan = new NsLcmPlan { NsInstanceId = ns.Id, LcmOperationType = NsLcmOpType.Instantiate, Problems = [.. placementProblems] };
        var vimOf = placed.ToDictionary(p => p.VnfKey);
        foreach (var v in vnfs)
            if (!vimOf.ContainsKey(v.VnfKey) && placementProblems.Count == 0)
                plan.Problems.Add($"The placement gave VNF {v.VnfKey} (VNF profile {v.VnfProfileId}) no VIM.");

        // NS virtual links: on the VIM of the VNFs that connect to them. A VL whose VNFs are on several VIMs cannot be
        // one network (issue 6 item 4: say so, do not pretend).
        var vlVims = new Dictionary<string, HashSet<string>>();
        foreach (var v in vnfs)
        {
            if (!vimOf.TryGetValue(v.VnfKey, out var p)) continue;
            foreach (var vlId in ExtCpLinks(nsd, nsd.FindVnf(v.VnfProfileId)!).Select(l => l.Vl).Distinct())
                (vlVims.TryGetValue(vlId, out var set) ? set : vlVims[vlId] = []).Add(p.VimId);
        }
        var defaultVim = placed.FirstOrDefault()?.VimId;
        foreach (var vl in nsd.VirtualLinks)
        {
            var vims = vlVims.GetValueOrDefault(vl.Id);
            if (vims is { Count: > 1 })
            {
                plan.Problems.Add($"NS virtual link {vl.Id} connects VNFs placed on different VIMs ({string.Join(", ", vims.Order())}); Mano cannot connect VIMs, so it cannot make this link.");
                continue;
            }
            var vim = vims?.Single() ?? defaultVim;
            if (vim is null) continue;
            plan.VirtualLinks.Add(new NsVlState(vl.Id, vl.Id, vim, ""));
        }
        var vlSteps = new Dictionary<string, string>();
        foreach (var group in plan.VirtualLinks.GroupBy(v => v.VimId))
        {
            var step = new NsPlanStep { Id = $"ns-vls@{group.Key}", Kind = NsStepKind.CreateNsVls, VimId = group.Key, VirtualLinkDescIds = group.Select(v => v.NsVirtualLinkDescId).ToList() };
            plan.Steps.Add(step);
            vlSteps[group.Key] = step.Id;
        }

        var byProfile = vnfs.GroupBy(v => v.VnfProfileId).ToDictionary(g => g.Key, g => g.Select(v => v.VnfKey).ToList());
        foreach (var v in vnfs)
        {
            if (!vimOf.TryGetValue(v.VnfKey, out var p)) continue;
            var reference = nsd.FindVnf(v.VnfProfileId)!;
            var parameters = request.AdditionalParamsForVnf?.FirstOrDefault(x => x.VnfProfileId == v.VnfProfileId);
            var create = new NsPlanStep
            {
                Id = $"create:{v.VnfKey}", Kind = NsStepKind.CreateVnf, VnfKey = v.VnfKey, VnfProfileId = v.VnfProfileId, VnfdId = v.VnfdId,
                VimId = p.VimId, ZoneId = p.ZoneId,
                Body = Json(new CreateVnfRequest
                {
                    VnfdId = v.VnfdId,
                    // A deterministic name: the NS instance and the VNF key, so the VNF is recognisable in the VNFM.
                    VnfInstanceName = parameters?.VnfInstanceName ?? $"{ns.NsInstanceName}-{v.VnfKey}",
                    VnfInstanceDescription = parameters?.VnfInstanceDescription ?? $"VNF {v.VnfKey} of NS instance {ns.Id}",
                    Metadata = Merge(parameters?.Metadata, new JsonObject { ["nsInstanceId"] = ns.Id, ["vnfProfileId"] = v.VnfProfileId, ["nsVnfKey"] = v.VnfKey }),
                }),
            };
            var after = new List<string> { create.Id };
            if (vlSteps.TryGetValue(p.VimId, out var vlStep) && ExtCpLinks(nsd, reference).Count > 0) after.Add(vlStep);
            // SOL001 6.10 / NsDependency: a VNF is instantiated after the constituents it depends on.
            foreach (var dep in nsd.Dependencies.Where(d => d.DependentId == v.VnfProfileId))
                foreach (var key in byProfile.GetValueOrDefault(dep.DependsOnId) ?? [])
                    after.Add($"instantiate:{key}");
            var instantiate = new NsPlanStep
            {
                Id = $"instantiate:{v.VnfKey}", Kind = NsStepKind.VnfOperation, Operation = VnfLcmOperations.Instantiate, VnfKey = v.VnfKey,
                VnfProfileId = v.VnfProfileId, VnfdId = v.VnfdId, VimId = p.VimId, ZoneId = p.ZoneId, After = after,
                Body = Json(new InstantiateVnfRequest
                {
                    FlavourId = reference.FlavourId,
                    AdditionalParams = parameters?.AdditionalParams,
                    Extensions = parameters?.Extensions,
                    VnfConfigurableProperties = parameters?.VnfConfigurableProperties,
                }),
                ExtVirtualLinks = ExtCpLinks(nsd, reference).GroupBy(l => l.Vl)
                    .Where(g => plan.VirtualLinks.Any(vl => vl.NsVirtualLinkDescId == g.Key))
                    .Select(g => new NsPlannedExtVl(g.Key, g.Select(l => l.Cp).Order().ToList())).ToList(),
            };
            plan.Steps.Add(create);
            plan.Steps.Add(instantiate);
        }
        // SOL005 6.5.2.10 nsScaleStatus: every NS scaling aspect starts at level 0.
        if (nsd.ScalingAspects.Count > 0)
            plan.NsScaleStatus = nsd.ScalingAspects.Select(a => new NsScaleInfo { NsScalingAspectId = a.Id, NsScaleLevelId = "0" }).ToList();
        AddEnsureChains(plan, nsd);
        return plan;
    }

    /// <summary>
    /// Issue 6 item 5: once the VNFs of an operation are done, the NSD's chains are (re)planned over the VNFs' ports and
    /// ensured on the VIM (scale and heal change ports: more port pairs, new port ids). Only when the NSD has NFPs.
    /// </summary>
    public static void AddEnsureChains(NsLcmPlan plan, Nsd nsd)
    {
        if (nsd.Nfps.Count == 0) return;
        plan.Steps.Add(new NsPlanStep { Id = "ensure-chains", Kind = NsStepKind.EnsureChains, After = plan.Steps.Select(s => s.Id).ToList() });
    }

    public static NsLcmPlan Terminate(NsInstanceRecord ns, Nsd nsd, TerminateNsRequest request, IReadOnlyList<NsVnfMember> members, IReadOnlyList<NsVlState> vls,
        IReadOnlyList<NsPlanStep>? unfinished = null)
    {
        if (request.TerminationTime is not null) throw new NotImplementedProblem("terminationTime (a scheduled termination) is not built yet in Mano; omit it to terminate now.");
        var plan = new NsLcmPlan { NsInstanceId = ns.Id, LcmOperationType = NsLcmOpType.Terminate };
        // Chains go first: their port pairs name the VNFs' ports.
        var chainSteps = nsd.Nfps.Count == 0 ? [] : members.Select(m => m.VimId).Concat(vls.Select(v => v.VimId)).Where(v => v is not null).Distinct()
            .Select(vim => new NsPlanStep { Id = $"delete-chains@{vim}", Kind = NsStepKind.DeleteChains, VimId = vim }).ToList();
        plan.Steps.AddRange(chainSteps);
        var rollbacks = new Dictionary<string, string>();
        foreach (var u in unfinished ?? [])
        {
            if (members.All(m => m.VnfInstanceId != u.VnfInstanceId)) continue;
            var rollback = new NsPlanStep
            {
                Id = $"rollback:{u.VnfLcmOpOccId}", Kind = NsStepKind.VnfOpOccTask, Operation = VnfLcmOperations.Rollback, VnfInstanceId = u.VnfInstanceId,
                VnfProfileId = u.VnfProfileId, VnfdId = u.VnfdId, VimId = u.VimId, VnfLcmOpOccId = u.VnfLcmOpOccId,
                Body = new JsonObject { ["undoOperation"] = u.Operation },
            };
            plan.Steps.Add(rollback);
            rollbacks[u.VnfInstanceId!] = rollback.Id;
        }
        foreach (var m in members)
        {
            var data = request.TerminateVnfData?.FirstOrDefault(t => t.VnfInstanceId == m.VnfInstanceId);
            var after = chainSteps.Select(c => c.Id).ToList();
            if (rollbacks.TryGetValue(m.VnfInstanceId, out var rb)) after.Add(rb);
            // Reverse dependency order: a VNF others depend on is terminated after them.
            foreach (var dep in nsd.Dependencies.Where(d => d.DependsOnId == m.VnfProfileId))
                foreach (var other in members.Where(o => o.VnfProfileId == dep.DependentId && o.InstantiationState != InstantiationState.NotInstantiated))
                    after.Add($"terminate:{other.VnfInstanceId}");
            if (m.InstantiationState != InstantiationState.NotInstantiated)
                plan.Steps.Add(new NsPlanStep
                {
                    Id = $"terminate:{m.VnfInstanceId}", Kind = NsStepKind.VnfOperation, Operation = VnfLcmOperations.Terminate,
                    VnfInstanceId = m.VnfInstanceId, VnfProfileId = m.VnfProfileId, VnfdId = m.VnfdId, VimId = m.VimId, After = after,
                    Body = Json(new TerminateVnfRequest
                    {
                        TerminationType = data?.TerminationType ?? "FORCEFUL",
                        GracefulTerminationTimeout = data?.GracefulTerminationTimeout,
                        AdditionalParams = data?.AdditionalParams,
                    }),
                });
        }
        var terminates = plan.Steps.Where(s => s.Kind == NsStepKind.VnfOperation).Select(s => s.Id).ToList();
        foreach (var m in members)
            plan.Steps.Add(new NsPlanStep
            {
                Id = $"delete:{m.VnfInstanceId}", Kind = NsStepKind.DeleteVnf, VnfInstanceId = m.VnfInstanceId, VnfProfileId = m.VnfProfileId,
                VnfdId = m.VnfdId, VimId = m.VimId,
                After = terminates.Contains($"terminate:{m.VnfInstanceId}") ? [$"terminate:{m.VnfInstanceId}"]
                    : [.. chainSteps.Select(c => c.Id), .. rollbacks.TryGetValue(m.VnfInstanceId, out var r) ? [r] : Array.Empty<string>()],
            });
        var deletes = plan.Steps.Where(s => s.Kind == NsStepKind.DeleteVnf).Select(s => s.Id).ToList();
        foreach (var vim in vls.Select(v => v.VimId).Distinct())
            plan.Steps.Add(new NsPlanStep
            {
                Id = $"delete-ns-vls@{vim}", Kind = NsStepKind.DeleteNsVls, VimId = vim, After = deletes,
                VirtualLinkDescIds = vls.Where(v => v.VimId == vim).Select(v => v.NsVirtualLinkDescId).ToList(),
            });
        plan.VirtualLinks = [.. vls];
        return plan;
    }

    /// <summary>
    /// SOL005 6.5.3.28 / 6.5.3.29 and SOL001 NsScalingAspects + VnfToLevelMapping: the NS scale levels after a SCALE_NS and
    /// the number of VNF instances each VNF profile must then have (profiles the aspects do not map keep their count).
    /// </summary>
    public static (List<NsScaleInfo> Status, Dictionary<string, int> Targets) ScaleNsTargets(NsInstanceRecord ns, Nsd nsd, ScaleNsRequest request)
    {
        var data = request.ScaleNsData ?? throw new BadRequestProblem("SCALE_NS needs scaleNsData (SOL005 6.5.2.14).");
        if (data.VnfInstanceToBeAdded is { Count: > 0 } || data.VnfInstanceToBeRemoved is { Count: > 0 })
            throw new NotImplementedProblem("scaleNsData.vnfInstanceToBeAdded / vnfInstanceToBeRemoved are not built yet in Mano; scale by aspect steps or to a level.");
        var status = (ns.NsScaleStatus is null ? [] : SolJson.Deserialize<List<NsScaleInfo>>(ns.NsScaleStatus)).ToDictionary(s => s.NsScalingAspectId!, s => s.NsScaleLevelId!);
        int Level(NsScalingAspect a) => status.TryGetValue(a.Id, out var l) && int.TryParse(l, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
        var targets = new Dictionary<string, int>();
        void Apply(NsScalingAspect aspect, int level)
        {
            if (level < 0 || level > aspect.MaxScaleLevel)
                throw new UnprocessableProblem($"NS scaling aspect {aspect.Id} has levels 0 to {aspect.MaxScaleLevel}; the request asks for level {level}.");
            status[aspect.Id] = level.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (profile, byLevel) in aspect.VnfInstances)
                if (byLevel.TryGetValue(level, out var count)) targets[profile] = count;
        }
        NsScalingAspect Aspect(string? id) => nsd.ScalingAspects.FirstOrDefault(a => a.Id == id)
            ?? throw new UnprocessableProblem($"The NSD has no NS scaling aspect \"{id}\" (it has: {string.Join(", ", nsd.ScalingAspects.Select(a => a.Id))}).");
        if (data.ScaleNsByStepsData is { } steps)
        {
            var aspect = Aspect(steps.AspectId);
            var delta = steps.NumberOfSteps ?? 1;
            if (delta < 1) throw new BadRequestProblem("scaleNsByStepsData.numberOfSteps must be at least 1.");
            Apply(aspect, steps.ScalingDirection switch
            {
                "SCALE_OUT" => Level(aspect) + delta,
                "SCALE_IN" => Level(aspect) - delta,
                _ => throw new BadRequestProblem("scaleNsByStepsData.scalingDirection must be SCALE_OUT or SCALE_IN (SOL005 6.5.3.28)."),
            });
        }
        else if (data.ScaleNsToLevelData is { } toLevel)
        {
            if (toLevel.NsInstantiationLevel is { } levelId)
            {
                var level = nsd.FindLevel(levelId) ?? throw new UnprocessableProblem($"The NSD has no NS instantiation level \"{levelId}\".");
                foreach (var (profile, count) in level.VnfInstances) targets[profile] = count;
            }
            foreach (var info in toLevel.NsScaleInfo ?? [])
                Apply(Aspect(info.NsScalingAspectId), int.TryParse(info.NsScaleLevelId, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n
                    : throw new BadRequestProblem($"nsScaleLevelId \"{info.NsScaleLevelId}\" is not a level number."));
        }
        else throw new BadRequestProblem("SCALE_NS needs scaleNsByStepsData or scaleNsToLevelData (SOL005 6.5.3.26).");
        return (status.Select(kv => new NsScaleInfo { NsScalingAspectId = kv.Key, NsScaleLevelId = kv.Value }).OrderBy(s => s.NsScalingAspectId).ToList(), targets);
    }

    /// <summary>The VNFs a SCALE_NS adds: per profile, the target minus the current count (new, unique VNF keys).</summary>
    public static IReadOnlyList<NsVnfToPlace> VnfsToAdd(Nsd nsd, IReadOnlyList<NsVnfMember> members, IReadOnlyDictionary<string, int> targets,
        IReadOnlyList<VnfLocationConstraint>? constraints)
    {
        var result = new List<NsVnfToPlace>();
        foreach (var (profile, target) in targets)
        {
            var vnf = nsd.FindVnf(profile);
            if (vnf is null) continue;
            var current = members.Count(m => m.VnfProfileId == profile);
            for (var i = current; i < target; i++)
                result.Add(new NsVnfToPlace(VnfKey(profile, i), profile, vnf.VnfdId, constraints?.FirstOrDefault(c => c.VnfProfileId == profile)?.LocationConstraints));
        }
        return result;
    }

    /// <summary>SCALE_NS: create + instantiate the added VNFs on the existing NS VLs; terminate + delete the newest VNFs of a shrinking profile.</summary>
    public static NsLcmPlan ScaleNs(NsInstanceRecord ns, Nsd nsd, ScaleNsRequest request, IReadOnlyList<NsVnfMember> members,
        IReadOnlyDictionary<string, int> targets, IReadOnlyList<NsVnfToPlace> toAdd, IReadOnlyList<NsVnfPlaced> placed, IReadOnlyList<string> problems)
    {
        var existingVls = NsLcmPlanner.VirtualLinksOf(ns);
        var plan = new NsLcmPlan { NsInstanceId = ns.Id, LcmOperationType = NsLcmOpType.Scale, Problems = [.. problems] };
        var vimOf = placed.ToDictionary(p => p.VnfKey);
        foreach (var v in toAdd)
        {
            if (!vimOf.TryGetValue(v.VnfKey, out var p)) { if (problems.Count == 0) plan.Problems.Add($"The placement gave VNF {v.VnfKey} no VIM."); continue; }
            foreach (var (_, vl) in ExtCpLinks(nsd, nsd.FindVnf(v.VnfProfileId)!))
                if (existingVls.FirstOrDefault(x => x.NsVirtualLinkDescId == vl) is { } made && made.VimId != p.VimId)
                    plan.Problems.Add($"VNF {v.VnfKey} would be on VIM {p.VimId} but its NS virtual link {vl} is on VIM {made.VimId}; Mano cannot connect VIMs.");
            var parameters = request.ScaleNsData?.AdditionalParamsForVnf?.FirstOrDefault(x => x.VnfProfileId == v.VnfProfileId);
            // A key unique within the NS: the profile and an ordinal past the existing ones, tagged with the op.
            var key = $"{v.VnfKey}-{Guid.NewGuid().ToString("N")[..6]}";
            var reference = nsd.FindVnf(v.VnfProfileId)!;
            plan.Steps.Add(new NsPlanStep
            {
                Id = $"create:{key}", Kind = NsStepKind.CreateVnf, VnfKey = key, VnfProfileId = v.VnfProfileId, VnfdId = v.VnfdId, VimId = p.VimId, ZoneId = p.ZoneId,
                Body = Json(new CreateVnfRequest
                {
                    VnfdId = v.VnfdId, VnfInstanceName = parameters?.VnfInstanceName ?? $"{ns.NsInstanceName}-{v.VnfKey}",
                    VnfInstanceDescription = $"VNF {v.VnfKey} of NS instance {ns.Id}",
                    Metadata = new JsonObject { ["nsInstanceId"] = ns.Id, ["vnfProfileId"] = v.VnfProfileId, ["nsVnfKey"] = key },
                }),
            });
            plan.Steps.Add(new NsPlanStep
            {
                Id = $"instantiate:{key}", Kind = NsStepKind.VnfOperation, Operation = VnfLcmOperations.Instantiate, VnfKey = key,
                VnfProfileId = v.VnfProfileId, VnfdId = v.VnfdId, VimId = p.VimId, ZoneId = p.ZoneId, After = [$"create:{key}"],
                Body = Json(new InstantiateVnfRequest { FlavourId = reference.FlavourId, AdditionalParams = parameters?.AdditionalParams }),
                ExtVirtualLinks = ExtCpLinks(nsd, reference).GroupBy(l => l.Vl).Where(g => existingVls.Any(x => x.NsVirtualLinkDescId == g.Key))
                    .Select(g => new NsPlannedExtVl(g.Key, g.Select(l => l.Cp).Order().ToList())).ToList(),
            });
        }
        foreach (var (profile, target) in targets)
        {
            var ofProfile = members.Where(m => m.VnfProfileId == profile).ToList();
            foreach (var m in ofProfile.Skip(target).Reverse())
            {
                var t = VnfStep(m, VnfLcmOperations.Terminate, Json(new TerminateVnfRequest { TerminationType = "GRACEFUL" }));
                plan.Steps.Add(t);
                plan.Steps.Add(new NsPlanStep { Id = $"delete:{m.VnfInstanceId}", Kind = NsStepKind.DeleteVnf, VnfInstanceId = m.VnfInstanceId, VnfProfileId = m.VnfProfileId, VnfdId = m.VnfdId, VimId = m.VimId, After = [t.Id] });
            }
        }
        return plan;
    }

    public static NsLcmPlan Scale(NsInstanceRecord ns, ScaleNsRequest request, IReadOnlyList<NsVnfMember> members)
    {
        var plan = new NsLcmPlan { NsInstanceId = ns.Id, LcmOperationType = NsLcmOpType.Scale };
        if (request.ScaleType != "SCALE_VNF") throw new BadRequestProblem("scaleType must be SCALE_NS or SCALE_VNF (SOL005 6.5.2.14).");
        if (request.ScaleVnfData is not { Count: > 0 }) throw new BadRequestProblem("SCALE_VNF needs scaleVnfData (SOL005 6.5.2.14).");
        foreach (var d in request.ScaleVnfData)
        {
            var m = Member(members, d.VnfInstanceId, "scaleVnfData");
            JsonObject body;
            string operation;
            switch (d.ScaleVnfType)
            {
                case "SCALE_OUT" or "SCALE_IN":
                    if (d.ScaleByStepData?.AspectId is null) throw new BadRequestProblem($"scaleVnfData for {m.VnfInstanceId}: {d.ScaleVnfType} needs scaleByStepData.aspectId.");
                    operation = VnfLcmOperations.Scale;
                    body = Json(new ScaleVnfRequest { Type = d.ScaleVnfType, AspectId = d.ScaleByStepData.AspectId, NumberOfSteps = d.ScaleByStepData.NumberOfSteps ?? 1, AdditionalParams = d.ScaleByStepData.AdditionalParams });
                    break;
                case "SCALE_TO_INSTANTIATION_LEVEL":
                    if (d.ScaleToLevelData?.VnfInstantiationLevelId is null) throw new BadRequestProblem($"scaleVnfData for {m.VnfInstanceId}: SCALE_TO_INSTANTIATION_LEVEL needs scaleToLevelData.vnfInstantiationLevelId.");
                    operation = VnfLcmOperations.ScaleToLevel;
                    body = new JsonObject { ["instantiationLevelId"] = d.ScaleToLevelData.VnfInstantiationLevelId, ["additionalParams"] = d.ScaleToLevelData.AdditionalParams?.DeepClone() };
                    break;
                case "SCALE_TO_SCALE_LEVEL(S)":
                    if (d.ScaleToLevelData?.VnfScaleInfo is not { Count: > 0 }) throw new BadRequestProblem($"scaleVnfData for {m.VnfInstanceId}: SCALE_TO_SCALE_LEVEL(S) needs scaleToLevelData.vnfScaleInfo.");
                    operation = VnfLcmOperations.ScaleToLevel;
                    body = new JsonObject { ["scaleInfo"] = d.ScaleToLevelData.VnfScaleInfo.DeepClone(), ["additionalParams"] = d.ScaleToLevelData.AdditionalParams?.DeepClone() };
                    break;
                default:
                    throw new BadRequestProblem("scaleVnfType must be SCALE_OUT, SCALE_IN, SCALE_TO_INSTANTIATION_LEVEL or SCALE_TO_SCALE_LEVEL(S) (SOL005 6.5.3.35).");
            }
            plan.Steps.Add(VnfStep(m, operation, body));
        }
        return plan;
    }

    public static NsLcmPlan Heal(NsInstanceRecord ns, HealNsRequest request, IReadOnlyList<NsVnfMember> members)
    {
        var plan = new NsLcmPlan { NsInstanceId = ns.Id, LcmOperationType = NsLcmOpType.Heal };
        // SOL005 6.5.2.13: either healNsData or healVnfData, not both.
        if ((request.HealNsData is null) == (request.HealVnfData is not { Count: > 0 }))
            throw new BadRequestProblem("HealNsRequest needs exactly one of healNsData and healVnfData (SOL005 6.5.2.13).");
        if (request.HealNsData is { } nsData)
        {
            if (nsData.DegreeHealing is not ("HEAL_RESTORE" or "HEAL_QOS" or "HEAL_RESET" or "PARTIAL_HEALING"))
                throw new BadRequestProblem("healNsData.degreeHealing must be HEAL_RESTORE, HEAL_QOS, HEAL_RESET or PARTIAL_HEALING (SOL005 6.5.3.43).");
            if (nsData.HealScript is not null) throw new NotImplementedProblem("healNsData.healScript (NSD heal scripts) is not built yet in Mano.");
            // NS-level healing without a script heals every constituent VNF (a restore of each).
            foreach (var m in members.Where(m => m.InstantiationState == InstantiationState.Instantiated))
                plan.Steps.Add(VnfStep(m, VnfLcmOperations.Heal, Json(new HealVnfRequest { Cause = $"NS heal {nsData.DegreeHealing}", AdditionalParams = nsData.AdditionalParamsforNs })));
        }
        foreach (var d in request.HealVnfData ?? [])
        {
            var m = Member(members, d.VnfInstanceId, "healVnfData");
            plan.Steps.Add(VnfStep(m, VnfLcmOperations.Heal, Json(new HealVnfRequest { Cause = d.Cause, AdditionalParams = d.AdditionalParams })));
        }
        return plan;
    }

    public static NsLcmPlan Update(NsInstanceRecord ns, UpdateNsRequest request, IReadOnlyList<NsVnfMember> members)
    {
        var plan = new NsLcmPlan { NsInstanceId = ns.Id, LcmOperationType = NsLcmOpType.Update };
        switch (request.UpdateType)
        {
            case NsUpdateType.RemoveVnf:
                if (request.RemoveVnfInstanceId is not { Count: > 0 }) throw new BadRequestProblem("REMOVE_VNF needs removeVnfInstanceId (SOL005 6.5.2.12).");
                foreach (var id in request.RemoveVnfInstanceId)
                {
                    var m = Member(members, id, "removeVnfInstanceId");
                    var after = new List<string>();
                    if (m.InstantiationState != InstantiationState.NotInstantiated)
                    {
                        var t = VnfStep(m, VnfLcmOperations.Terminate, Json(new TerminateVnfRequest { TerminationType = "FORCEFUL" }));
                        plan.Steps.Add(t);
                        after.Add(t.Id);
                    }
                    plan.Steps.Add(new NsPlanStep { Id = $"delete:{m.VnfInstanceId}", Kind = NsStepKind.DeleteVnf, VnfInstanceId = m.VnfInstanceId, VnfProfileId = m.VnfProfileId, VnfdId = m.VnfdId, VimId = m.VimId, After = after });
                }
                break;
            case NsUpdateType.ChangeVnfDf:
                if (request.ChangeVnfFlavourData is not { Count: > 0 }) throw new BadRequestProblem("CHANGE_VNF_DF needs changeVnfFlavourData (SOL005 6.5.2.12).");
                foreach (var d in request.ChangeVnfFlavourData)
                    plan.Steps.Add(VnfStep(Member(members, d.VnfInstanceId, "changeVnfFlavourData"), VnfLcmOperations.ChangeFlavour, Json(new ChangeVnfFlavourRequest
                    {
                        NewFlavourId = d.NewFlavourId,
                        InstantiationLevelId = d.InstantiationLevelId,
                        ExtVirtualLinks = d.ExtVirtualLinks,
                        AdditionalParams = d.AdditionalParams,
                        Extensions = d.Extensions,
                        VnfConfigurableProperties = d.VnfConfigurableProperties,
                    })));
                break;
            case NsUpdateType.ModifyVnfInformation:
                if (request.ModifyVnfInfoData is not { Count: > 0 }) throw new BadRequestProblem("MODIFY_VNF_INFORMATION needs modifyVnfInfoData (SOL005 6.5.2.12).");
                foreach (var d in request.ModifyVnfInfoData)
                {
                    var patch = Json(d);
                    patch.Remove("vnfInstanceId");
                    plan.Steps.Add(VnfStep(Member(members, d.VnfInstanceId, "modifyVnfInfoData"), VnfLcmOperations.Modify, patch));
                }
                break;
            case NsUpdateType.ChangeExternalVnfConnectivity:
                if (request.ChangeExtVnfConnectivityData is not { Count: > 0 }) throw new BadRequestProblem("CHANGE_EXTERNAL_VNF_CONNECTIVITY needs changeExtVnfConnectivityData (SOL005 6.5.2.12).");
                foreach (var d in request.ChangeExtVnfConnectivityData)
                    plan.Steps.Add(VnfStep(Member(members, d.VnfInstanceId, "changeExtVnfConnectivityData"), VnfLcmOperations.ChangeExtConn,
                        new JsonObject { ["extVirtualLinks"] = JsonNode.Parse(SolJson.Serialize(d.ExtVirtualLinks ?? [])), ["additionalParams"] = d.AdditionalParams?.DeepClone() }));
                break;
            case NsUpdateType.OperateVnf:
                if (request.OperateVnfData is not { Count: > 0 }) throw new BadRequestProblem("OPERATE_VNF needs operateVnfData (SOL005 6.5.2.12).");
                foreach (var d in request.OperateVnfData)
                {
                    if (d.ChangeStateTo is not ("STARTED" or "STOPPED")) throw new BadRequestProblem("operateVnfData.changeStateTo must be STARTED or STOPPED (SOL005 6.5.3.31).");
                    plan.Steps.Add(VnfStep(Member(members, d.VnfInstanceId, "operateVnfData"), VnfLcmOperations.Operate, Json(new OperateVnfRequest
                    {
                        ChangeStateTo = d.ChangeStateTo, StopType = d.StopType, GracefulStopTimeout = d.GracefulStopTimeout, AdditionalParams = d.AdditionalParam,
                    })));
                }
                break;
            case NsUpdateType.AddVnf or NsUpdateType.InstantiateVnf:
                throw new NotImplementedProblem($"UpdateNsRequest updateType {request.UpdateType} is not built yet in Mano (built: INSTANTIATE_VNF, REMOVE_VNF, CHANGE_VNF_DF, OPERATE_VNF, MODIFY_VNF_INFORMATION, CHANGE_EXTERNAL_VNF_CONNECTIVITY).");
            case null or "":
                throw new BadRequestProblem("updateType is required (SOL005 6.5.2.12).");
            default:
                throw new NotImplementedProblem($"UpdateNsRequest updateType {request.UpdateType} is not built yet in Mano (built: INSTANTIATE_VNF, REMOVE_VNF, CHANGE_VNF_DF, OPERATE_VNF, MODIFY_VNF_INFORMATION, CHANGE_EXTERNAL_VNF_CONNECTIVITY).");
        }
        return plan;
    }

    private static NsVnfMember Member(IReadOnlyList<NsVnfMember> members, string? vnfInstanceId, string field) =>
        members.FirstOrDefault(m => m.VnfInstanceId == vnfInstanceId)
        ?? throw new UnprocessableProblem($"{field} names VNF instance \"{vnfInstanceId}\", which is not a constituent of this NS instance.");

    private static NsPlanStep VnfStep(NsVnfMember m, string operation, JsonObject body) => new()
    {
        Id = $"{operation}:{m.VnfInstanceId}", Kind = NsStepKind.VnfOperation, Operation = operation, VnfInstanceId = m.VnfInstanceId,
        VnfProfileId = m.VnfProfileId, VnfdId = m.VnfdId, VimId = m.VimId, Body = body,
    };

    public static JsonObject Json<T>(T value) => JsonNode.Parse(SolJson.Serialize(value))!.AsObject();

    private static JsonObject Merge(JsonObject? user, JsonObject mano)
    {
        var result = user?.DeepClone().AsObject() ?? [];
        foreach (var (k, v) in mano) result[k] = v?.DeepClone();
        return result;
    }
}
