using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.Contracts.NsLcm;
using Mano.VimAdapters;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Mano.Nfvo.Tests;

/// <summary>The NS LCM planner (pure part) on the web-chain NSD parsed by the real parser.</summary>
public sealed class NsLcmPlanTests
{
    private static NsInstanceRecord Ns() => new()
    {
        Id = "ns-1", TenantId = "t", NsInstanceName = "shop", NsInstanceDescription = "", NsdId = "d", NsdInfoId = TestNsds.NsdInfoId,
        NsState = NsState.NotInstantiated,
    };

    private static NsLcmPlan Instantiate(InstantiateNsRequest request, Func<NsVnfToPlace, string>? vimOf = null)
    {
        var nsd = TestNsds.WebChain();
        var vnfs = NsLcmPlans.VnfsToInstantiate(nsd, request);
        return NsLcmPlans.Instantiate(Ns(), nsd, request, vnfs, vnfs.Select(v => new NsVnfPlaced(v.VnfKey, vimOf?.Invoke(v) ?? "vim-a", null)).ToList(), []);
    }

    [Fact]
    public void Instantiate_creates_every_vnf_and_the_ns_vls_and_honours_the_nsd_dependencies()
    {
        var plan = Instantiate(new InstantiateNsRequest { NsFlavourId = "default" });

        Assert.Empty(plan.Problems);
        var vls = Assert.Single(plan.Steps, s => s.Kind == NsStepKind.CreateNsVls);
        Assert.Equal(["VL_access", "VL_core", "VL_web"], vls.VirtualLinkDescIds!.Order());
        Assert.Equal(["VNF_FW", "VNF_LB", "VNF_WEB"], plan.Steps.Where(s => s.Kind == NsStepKind.CreateVnf).Select(s => s.VnfProfileId).Order());
        // SOL001 dependency requirements: FW after LB, WEB after FW; every instantiate after its create and the NS VLs.
        var fw = plan.Steps.Single(s => s.Id == "instantiate:VNF_FW-0");
        Assert.Contains("instantiate:VNF_LB-0", fw.After);
        Assert.Contains("create:VNF_FW-0", fw.After);
        Assert.Contains(vls.Id, fw.After);
        Assert.Contains("instantiate:VNF_FW-0", plan.Steps.Single(s => s.Id == "instantiate:VNF_WEB-0").After);
        Assert.DoesNotContain(plan.Steps.Single(s => s.Id == "instantiate:VNF_LB-0").After, a => a.StartsWith("instantiate:", StringComparison.Ordinal));
        // The VNF's external CPs go to the NS VLs its virtual_link requirements (through Forwarding nodes) name.
        Assert.Equal([("VL_core", "VDU0_extnet"), ("VL_web", "VDU1_extnet"), ("VL_web", "VDU2_extnet")],
            fw.ExtVirtualLinks!.SelectMany(e => e.CpdIds.Select(c => (e.NsVirtualLinkDescId, c))).Order());
        Assert.Equal("scalable", fw.Body!["flavourId"]!.GetValue<string>());
        var create = plan.Steps.Single(s => s.Id == "create:VNF_FW-0");
        Assert.Equal("ns-1", create.Body!["metadata"]!["nsInstanceId"]!.GetValue<string>());
        Assert.Equal("shop-VNF_FW-0", create.Body["vnfInstanceName"]!.GetValue<string>());
    }

    [Fact]
    public void Instantiate_rejects_an_unknown_flavour_and_unknown_vnf_profiles()
    {
        Assert.Throws<UnprocessableProblem>(() => Instantiate(new InstantiateNsRequest { NsFlavourId = "gold" }));
        Assert.Throws<BadRequestProblem>(() => Instantiate(new InstantiateNsRequest()));
        Assert.Throws<UnprocessableProblem>(() => Instantiate(new InstantiateNsRequest
        {
            NsFlavourId = "default", AdditionalParamsForVnf = [new ParamsForVnf { VnfProfileId = "VNF_NOPE" }],
        }));
        Assert.Throws<NotImplementedProblem>(() => Instantiate(new InstantiateNsRequest
        {
            NsFlavourId = "default", VnfInstanceData = [new VnfInstanceData { VnfInstanceId = "x", VnfProfileId = "VNF_LB" }],
        }));
    }

    [Fact]
    public void A_virtual_link_between_vnfs_on_different_vims_is_reported_not_planned()
    {
        var plan = Instantiate(new InstantiateNsRequest { NsFlavourId = "default" }, v => v.VnfProfileId == "VNF_WEB" ? "vim-b" : "vim-a");

        // VL_web joins FW (vim-a) and WEB (vim-b): Mano cannot make one network across VIMs.
        var problem = Assert.Single(plan.Problems);
        Assert.Contains("VL_web", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(plan.VirtualLinks, v => v.Id == "VL_web");
    }

    [Fact]
    public void Terminate_goes_in_reverse_dependency_order_and_deletes_the_ns_vls_last()
    {
        var nsd = TestNsds.WebChain();
        var members = new[]
        {
            new NsVnfMember("lb", "VNF_LB", "d1", "vim-a", InstantiationState.Instantiated),
            new NsVnfMember("fw", "VNF_FW", "d2", "vim-a", InstantiationState.Instantiated),
            new NsVnfMember("web", "VNF_WEB", "d3", "vim-a", InstantiationState.Instantiated),
        };
        var plan = NsLcmPlans.Terminate(Ns(), nsd, new TerminateNsRequest(), members, [new NsVlState("VL_core", "VL_core", "vim-a", "net-1")]);

        Assert.Contains("terminate:fw", plan.Steps.Single(s => s.Id == "terminate:lb").After);
        Assert.Contains("terminate:web", plan.Steps.Single(s => s.Id == "terminate:fw").After);
        Assert.Equal(["terminate:lb"], plan.Steps.Single(s => s.Id == "delete:lb").After);
        var vls = plan.Steps.Single(s => s.Kind == NsStepKind.DeleteNsVls);
        Assert.Equal(["delete:fw", "delete:lb", "delete:web"], vls.After.Order());
        Assert.Equal("FORCEFUL", plan.Steps.Single(s => s.Id == "terminate:web").Body!["terminationType"]!.GetValue<string>());
    }

    [Fact]
    public void Rollback_undoes_only_what_the_operation_did_newest_first_with_the_ns_vls_last()
    {
        var plan = Instantiate(new InstantiateNsRequest { NsFlavourId = "default" });
        void Set(string id, string status, string? vnf = null, string? opOcc = null)
        {
            var s = plan.Steps.Single(x => x.Id == id);
            s.Status = status;
            s.VnfInstanceId = vnf ?? s.VnfInstanceId;
            s.VnfLcmOpOccId = opOcc;
        }
        plan.Steps.Single(s => s.Kind == NsStepKind.CreateNsVls).Status = NsStepStatus.Done;
        Set("create:VNF_LB-0", NsStepStatus.Done, "lb");
        Set("instantiate:VNF_LB-0", NsStepStatus.Done, "lb", "op-lb");
        Set("create:VNF_FW-0", NsStepStatus.Done, "fw");
        Set("instantiate:VNF_FW-0", NsStepStatus.Failed, "fw", "op-fw");
        Set("create:VNF_WEB-0", NsStepStatus.Done, "web"); // created, never instantiated

        var undo = NsLcmRollback.Steps(plan);

        // The failed instantiate is rolled back in the VNFM, the completed one terminated, every created VNF deleted.
        Assert.Contains(undo, s => s.Kind == NsStepKind.VnfOpOccTask && s.Operation == VnfLcmOperations.Rollback && s.VnfLcmOpOccId == "op-fw");
        Assert.Contains(undo, s => s.Kind == NsStepKind.VnfOperation && s.Operation == VnfLcmOperations.Terminate && s.VnfInstanceId == "lb");
        Assert.DoesNotContain(undo, s => s.Operation == VnfLcmOperations.Terminate && s.VnfInstanceId is "fw" or "web");
        Assert.Equal(["fw", "lb", "web"], undo.Where(s => s.Kind == NsStepKind.DeleteVnf).Select(s => s.VnfInstanceId).Order());
        Assert.Equal(NsStepKind.DeleteNsVls, undo[^1].Kind);
        // One at a time: each undo step waits for the one before.
        for (var i = 1; i < undo.Count; i++) Assert.Equal([undo[i - 1].Id], undo[i].After);
        // The fw VNF is deleted only after its failed instantiate was rolled back.
        Assert.True(undo.FindIndex(s => s.VnfLcmOpOccId == "op-fw") < undo.FindIndex(s => s.Kind == NsStepKind.DeleteVnf && s.VnfInstanceId == "fw"));
    }

    [Fact]
    public void Scale_heal_and_update_act_on_constituent_vnfs_only()
    {
        var members = new[] { new NsVnfMember("fw", "VNF_FW", "d2", "vim-a", InstantiationState.Instantiated) };
        var scale = NsLcmPlans.Scale(Ns(), new ScaleNsRequest
        {
            ScaleType = "SCALE_VNF",
            ScaleVnfData = [new ScaleVnfData { VnfInstanceId = "fw", ScaleVnfType = "SCALE_OUT", ScaleByStepData = new ScaleByStepData { AspectId = "VDU0_aspect" } }],
        }, members);
        var step = Assert.Single(scale.Steps);
        Assert.Equal(VnfLcmOperations.Scale, step.Operation);
        Assert.Equal("SCALE_OUT", step.Body!["type"]!.GetValue<string>());
        Assert.Equal(1, step.Body["numberOfSteps"]!.GetValue<int>());

        Assert.Throws<UnprocessableProblem>(() => NsLcmPlans.Heal(Ns(), new HealNsRequest { HealVnfData = [new HealVnfData { VnfInstanceId = "other" }] }, members));
        Assert.Throws<BadRequestProblem>(() => NsLcmPlans.Heal(Ns(), new HealNsRequest(), members));
        Assert.Throws<BadRequestProblem>(() => NsLcmPlans.Scale(Ns(), new ScaleNsRequest { ScaleType = "SCALE_XY" }, members));
        var modify = NsLcmPlans.Update(Ns(), new UpdateNsRequest
        {
            UpdateType = NsUpdateType.ModifyVnfInformation,
            ModifyVnfInfoData = [new ModifyVnfInfoData { VnfInstanceId = "fw", VnfInstanceName = "renamed" }],
        }, members);
        var patch = Assert.Single(modify.Steps).Body!;
        Assert.Equal("renamed", patch["vnfInstanceName"]!.GetValue<string>());
        Assert.False(patch.ContainsKey("vnfInstanceId"));
    }

    [Fact]
    public void Scale_ns_by_steps_maps_the_aspect_level_to_vnf_counts_within_the_aspect_levels()
    {
        var parsed = Mano.Tosca.NsdParser.Parse(new Dictionary<string, byte[]>
        {
            [NsdPackages.EntryDefinitions] = Encoding.UTF8.GetBytes(NsdPackages.ChainNsdYaml),
            [NsdPackages.TypesFile] = Encoding.UTF8.GetBytes(NsdPackages.ChainTypesYaml),
        }, NsdPackages.EntryDefinitions);
        Assert.False(parsed.HasErrors, string.Join("; ", parsed.Diagnostics));
        var nsd = parsed.Nsd!;
        ScaleNsRequest Steps(string direction, int steps) => new()
        {
            ScaleType = "SCALE_NS",
            ScaleNsData = new ScaleNsData { ScaleNsByStepsData = new ScaleNsByStepsData { ScalingDirection = direction, AspectId = "filter_capacity", NumberOfSteps = steps } },
        };

        var (status, targets) = NsLcmPlans.ScaleNsTargets(Ns(), nsd, Steps("SCALE_OUT", 2));
        Assert.Equal(3, targets["VNF_B"]); // VnfToLevelMapping of filter_capacity: level 2 -> 3 instances
        Assert.Equal("2", Assert.Single(status).NsScaleLevelId);
        var members = new[] { new NsVnfMember("b0", "VNF_B", NsdPackages.FilterVnfdId, "vim-a", InstantiationState.Instantiated) };
        Assert.Equal(["VNF_B-1", "VNF_B-2"], NsLcmPlans.VnfsToAdd(nsd, members, targets, null).Select(v => v.VnfKey));

        Assert.Throws<UnprocessableProblem>(() => NsLcmPlans.ScaleNsTargets(Ns(), nsd, Steps("SCALE_OUT", 3))); // past max level 2
        Assert.Throws<UnprocessableProblem>(() => NsLcmPlans.ScaleNsTargets(Ns(), nsd, Steps("SCALE_IN", 1)));  // below level 0
        var atTwo = Ns();
        atTwo.NsScaleStatus = SolJson.Serialize(status);
        var (_, back) = NsLcmPlans.ScaleNsTargets(atTwo, nsd, Steps("SCALE_IN", 1));
        Assert.Equal(2, back["VNF_B"]);
        // Scaling in removes the newest VNF of the profile: terminate, then delete.
        var three = members.Append(new NsVnfMember("b1", "VNF_B", NsdPackages.FilterVnfdId, "vim-a", InstantiationState.Instantiated))
            .Append(new NsVnfMember("b2", "VNF_B", NsdPackages.FilterVnfdId, "vim-a", InstantiationState.Instantiated)).ToList();
        var plan = NsLcmPlans.ScaleNs(atTwo, nsd, Steps("SCALE_IN", 1), three, back, [], [], []);
        Assert.Equal(["terminate:b2", "delete:b2"], plan.Steps.Select(s => s.Id));
    }

    [Fact]
    public void Continue_skips_the_failed_steps_and_every_step_that_waits_on_them()
    {
        var plan = Instantiate(new InstantiateNsRequest { NsFlavourId = "default" });
        foreach (var s in plan.Steps.Where(s => s.Kind is NsStepKind.CreateNsVls or NsStepKind.CreateVnf)) s.Status = NsStepStatus.Done;
        plan.Steps.Single(s => s.Id == "instantiate:VNF_LB-0").Status = NsStepStatus.Done;
        var fw = plan.Steps.Single(s => s.Id == "instantiate:VNF_FW-0");
        fw.Status = NsStepStatus.Failed;
        fw.Error = NsLcmRunner.Problem(500, "injected");

        var skipped = NsLcmPlans.SkipFailed(plan);

        // FW failed and WEB waits on FW (the NSD's dependency): both skipped; no step left to run waits on a skipped one.
        var ids = skipped.Select(s => s.Id).ToHashSet();
        Assert.Contains(fw.Id, ids);
        Assert.Contains("instantiate:VNF_WEB-0", ids);
        Assert.All(skipped, s => Assert.Equal(NsStepStatus.Skipped, s.Status));
        Assert.All(plan.Steps.Where(s => s.Status != NsStepStatus.Skipped), s => Assert.DoesNotContain(s.After, ids.Contains));
        Assert.Equal(ids.Count, plan.Steps.Count(s => s.Status == NsStepStatus.Skipped));
        Assert.Equal("injected", fw.Error!.Detail); // the failed step keeps its error
        Assert.Equal(NsStepStatus.Done, plan.Steps.Single(s => s.Id == "instantiate:VNF_LB-0").Status);
    }

    [Theory]
    [InlineData(NsLcmOperationState.Processing, NsLcmOperationState.Completed, true)]
    [InlineData(NsLcmOperationState.Processing, NsLcmOperationState.FailedTemp, true)]
    [InlineData(NsLcmOperationState.FailedTemp, NsLcmOperationState.RollingBack, true)]
    [InlineData(NsLcmOperationState.FailedTemp, NsLcmOperationState.Processing, true)]
    [InlineData(NsLcmOperationState.FailedTemp, NsLcmOperationState.Failed, true)]
    [InlineData(NsLcmOperationState.RollingBack, NsLcmOperationState.RolledBack, true)]
    [InlineData(NsLcmOperationState.Processing, NsLcmOperationState.PartiallyCompleted, true)]
    [InlineData(NsLcmOperationState.PartiallyCompleted, NsLcmOperationState.Processing, false)]
    [InlineData(NsLcmOperationState.Processing, NsLcmOperationState.RolledBack, false)]
    [InlineData(NsLcmOperationState.Completed, NsLcmOperationState.Processing, false)]
    [InlineData(NsLcmOperationState.RolledBack, NsLcmOperationState.RollingBack, false)]
    public void The_state_machine_allows_exactly_the_sol005_transitions(string from, string to, bool allowed)
    {
        var op = new NsLcmOpOccRecord { Id = "o", TenantId = "t", NsInstanceId = "n", LcmOperationType = "INSTANTIATE", OperationState = from, Plan = "{}" };
        if (allowed)
        {
            NsLcmStateMachine.Transition(op, to, DateTime.UtcNow);
            Assert.Equal(to, op.OperationState);
        }
        else
        {
            Assert.Throws<InvalidOperationException>(() => NsLcmStateMachine.Transition(op, to, DateTime.UtcNow));
            Assert.Equal(from, op.OperationState);
        }
    }
}

/// <summary>
/// NS LCM over HTTP on the real NFVO (TestServer, real database, in-memory bus, outbox, watchdog) with the sandbox VIM
/// for the NS virtual links and <see cref="SimulatedVnfm"/> behind the VNFM seam.
/// </summary>
public abstract class NsLcmApiTests(NsLcmTestHost host)
{
    private const string Api = "SOL005/NSLifecycleManagement";
    private readonly HttpClient _http = host.Client("default");

    private async Task<string> CreateNsAsync(string name)
    {
        var response = await _http.PostAsJsonAsync("/nslcm/v2/ns_instances", new { nsdId = TestNsds.NsdInfoId, nsName = name, nsDescription = "test NS" }, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        SolSchemas.AssertValid(Api, "POST", "/ns_instances", 201, text);
        var id = JsonNode.Parse(text)!["id"]!.GetValue<string>();
        Assert.Equal($"http://localhost/nslcm/v2/ns_instances/{id}", response.Headers.Location!.ToString());
        return id;
    }

    private async Task<string> StartAsync(string nsId, string task, object body)
    {
        var response = await _http.PostAsJsonAsync($"/nslcm/v2/ns_instances/{nsId}/{task}", body, TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return response.Headers.Location!.Segments[^1];
    }

    private async Task<JsonObject> WaitForAsync(string opId, params string[] states)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var text = await _http.GetStringAsync($"/nslcm/v2/ns_lcm_op_occs/{opId}", TestContext.Current.CancellationToken);
            var op = JsonNode.Parse(text)!.AsObject();
            if (states.Contains(op["operationState"]!.GetValue<string>()))
            {
                SolSchemas.AssertValid(Api, "GET", "/ns_lcm_op_occs/{nsLcmOpOccId}", 200, text);
                return op;
            }
            Assert.True(DateTime.UtcNow < deadline, $"op {opId} never reached {string.Join("/", states)}: {text}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private async Task<JsonObject> GetNsAsync(string nsId)
    {
        var text = await _http.GetStringAsync($"/nslcm/v2/ns_instances/{nsId}", TestContext.Current.CancellationToken);
        SolSchemas.AssertValid(Api, "GET", "/ns_instances/{nsInstanceId}", 200, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private IReadOnlyList<VimResource> NsNetworks(string nsId) => host.Sandbox.QueryResources("default", nsId);

    [Fact]
    public async Task Instantiate_scale_heal_terminate_and_delete_an_ns()
    {
        var ct = TestContext.Current.CancellationToken;
        var nsId = await CreateNsAsync("shop");
        Assert.True(TestNsdSource.UsageStates[TestNsds.NsdInfoId]);

        // Dry run: the plan, and nothing changed (no op occ, no network in the sandbox).
        var dry = await _http.PostAsJsonAsync($"/nsplan/v1/ns_instances/{nsId}/instantiate", new { nsFlavourId = "default" }, ct);
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        var planned = JsonNode.Parse(await dry.Content.ReadAsStringAsync(ct))!.AsObject();
        Assert.Equal(8, planned["steps"]!.AsArray().Count); // NS VLs + create and instantiate of 3 VNFs + the chains
        Assert.All(planned["steps"]!.AsArray(), s => Assert.Equal("PENDING", s!["status"]!.GetValue<string>()));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set("default");
            Assert.False(await scope.ServiceProvider.GetRequiredService<NfvoDbContext>().NsLcmOpOccs.AnyAsync(o => o.NsInstanceId == nsId, ct));
        }
        Assert.Empty(NsNetworks(nsId));

        var opId = await StartAsync(nsId, "instantiate", new
        {
            nsFlavourId = "default",
            sapData = new[] { new { sapdId = "SAP_access", sapName = "access", description = "subscribers" } },
            additionalParamsForVnf = new[] { new { vnfProfileId = "VNF_WEB", additionalParams = new { site = "a" } } },
        });
        // One non-final operation per NS instance.
        var second = await _http.PostAsJsonAsync($"/nslcm/v2/ns_instances/{nsId}/instantiate", new { nsFlavourId = "default" }, ct);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var op = await WaitForAsync(opId, "COMPLETED", "FAILED_TEMP");
        Assert.Equal("COMPLETED", op["operationState"]!.GetValue<string>());
        Assert.Equal(6, op["resourceChanges"]!["affectedVnfs"]!.AsArray().Count);

        var ns = await GetNsAsync(nsId);
        Assert.Equal("INSTANTIATED", ns["nsState"]!.GetValue<string>());
        var vnfs = ns["vnfInstance"]!.AsArray();
        Assert.Equal(3, vnfs.Count);
        Assert.All(vnfs, v => Assert.Equal("INSTANTIATED", v!["instantiationState"]!.GetValue<string>()));
        Assert.Equal(["VL_access", "VL_core", "VL_web"], ns["virtualLinkInfo"]!.AsArray().Select(v => v!["nsVirtualLinkDescId"]!.GetValue<string>()).Order());
        Assert.Equal("SAP_access", ns["sapInfo"]![0]!["sapdId"]!.GetValue<string>());
        // The NS VLs are networks in the sandbox, tagged with the NS instance; the VNFs got them as extVirtualLinks.
        var networks = NsNetworks(nsId).Where(r => r.Kind == VimResourceKind.Network).ToList();
        Assert.Equal(3, networks.Count);
        var web = vnfs.Single(v => v!["vnfInstanceName"]!.GetValue<string>() == "shop-VNF_WEB-0")!["id"]!.GetValue<string>();
        var webInstantiate = host.Vnfm.Instantiations.Single(i => i.VnfInstanceId == web).Body;
        Assert.Equal("a", webInstantiate["additionalParams"]!["site"]!.GetValue<string>());
        Assert.Contains(networks, n => n.ResourceId == webInstantiate["extVirtualLinks"]![0]!["resourceId"]!.GetValue<string>());
        // NsDependency: FW was instantiated only after LB's instantiate completed, WEB after FW's.
        var log = host.Vnfm.Log.ToList();
        Assert.True(log.IndexOf("completed instantiate shop-VNF_LB-0") < log.IndexOf("instantiate shop-VNF_FW-0"), string.Join("\n", log));
        Assert.True(log.IndexOf("completed instantiate shop-VNF_FW-0") < log.IndexOf("instantiate shop-VNF_WEB-0"), string.Join("\n", log));

        var fw = vnfs.Single(v => v!["vnfInstanceName"]!.GetValue<string>() == "shop-VNF_FW-0")!["id"]!.GetValue<string>();
        var lb = vnfs.Single(v => v!["vnfInstanceName"]!.GetValue<string>() == "shop-VNF_LB-0")!["id"]!.GetValue<string>();

        // The VNFFG's NFP is a chain on the sandbox: SAP -> LB -> FW, one port pair per VNFC.
        var chains = JsonNode.Parse(await _http.GetStringAsync($"/nsplan/v1/ns_instances/{nsId}/chains", ct))!.AsObject();
        Assert.Empty(chains["plan"]!["problems"]!.AsArray());
        var path = Assert.Single(chains["plan"]!["paths"]!.AsArray())!;
        Assert.Equal([lb, fw], path["hops"]!.AsArray().Select(h => h!["portPairs"]![0]!["vnfInstanceId"]!.GetValue<string>()));
        var actual = Assert.Single(chains["actual"]!.AsArray())!;
        Assert.Equal(2, actual["portPairGroups"]!.AsArray().Count);
        var trace = await _http.PostAsJsonAsync($"/nsplan/v1/ns_instances/{nsId}/chains/trace",
            new { sourceIp = "10.10.0.7", destinationIp = "192.0.2.10", protocol = "tcp", sourcePort = 40000, destinationPort = 80 }, ct);
        Assert.Equal(HttpStatusCode.OK, trace.StatusCode);
        var traced = JsonNode.Parse(await trace.Content.ReadAsStringAsync(ct))!.AsObject();
        Assert.True(traced["matched"]!.GetValue<bool>(), traced.ToJsonString());
        Assert.Equal([lb, fw], traced["hops"]!.AsArray().Where(h => h!["vnfInstanceId"] is not null).Select(h => h!["vnfInstanceId"]!.GetValue<string>()));
        var miss = await _http.PostAsJsonAsync($"/nsplan/v1/ns_instances/{nsId}/chains/trace",
            new { sourceIp = "10.10.0.7", destinationIp = "192.0.2.10", protocol = "udp", sourcePort = 40000, destinationPort = 53 }, ct);
        Assert.False(JsonNode.Parse(await miss.Content.ReadAsStringAsync(ct))!["matched"]!.GetValue<bool>());

        var dryScale = await _http.PostAsJsonAsync($"/nsplan/v1/ns_instances/{nsId}/scale", new
        {
            scaleType = "SCALE_VNF",
            scaleVnfData = new[] { new { vnfInstanceId = fw, scaleVnfType = "SCALE_OUT", scaleByStepData = new { aspectId = "VDU0_aspect" } } },
        }, ct);
        Assert.Equal(HttpStatusCode.OK, dryScale.StatusCode);
        op = await WaitForAsync(await StartAsync(nsId, "scale", new
        {
            scaleType = "SCALE_VNF",
            scaleVnfData = new[] { new { vnfInstanceId = fw, scaleVnfType = "SCALE_OUT", scaleByStepData = new { aspectId = "VDU0_aspect" } } },
        }), "COMPLETED", "FAILED_TEMP");
        Assert.Equal("COMPLETED", op["operationState"]!.GetValue<string>());
        Assert.Contains($"completed scale shop-VNF_FW-0", host.Vnfm.Log);
        // The chain follows the scale-out: the FW hop now shares the load over two port pairs.
        chains = JsonNode.Parse(await _http.GetStringAsync($"/nsplan/v1/ns_instances/{nsId}/chains", ct))!.AsObject();
        var fwGroup = Assert.Single(chains["actual"]!.AsArray())!["portPairGroups"]!.AsArray()[1]!;
        Assert.Equal(2, fwGroup["portPairs"]!.AsArray().Count);

        op = await WaitForAsync(await StartAsync(nsId, "heal", new { healVnfData = new[] { new { vnfInstanceId = web, cause = "test" } } }), "COMPLETED", "FAILED_TEMP");
        Assert.Equal("COMPLETED", op["operationState"]!.GetValue<string>());

        // Deleting an instantiated NS is refused (SOL005 6.4.3.3.5).
        Assert.Equal(HttpStatusCode.Conflict, (await _http.DeleteAsync($"/nslcm/v2/ns_instances/{nsId}", ct)).StatusCode);

        op = await WaitForAsync(await StartAsync(nsId, "terminate", new { }), "COMPLETED", "FAILED_TEMP");
        Assert.Equal("COMPLETED", op["operationState"]!.GetValue<string>());
        ns = await GetNsAsync(nsId);
        Assert.Equal("NOT_INSTANTIATED", ns["nsState"]!.GetValue<string>());
        Assert.Null(ns["vnfInstance"]);
        Assert.Empty(NsNetworks(nsId));
        Assert.DoesNotContain(host.Vnfm.Instances, v => v["metadata"]?["nsInstanceId"]?.GetValue<string>() == nsId);
        Assert.Empty(await host.Services.GetRequiredService<IEnumerable<IVimChainDriver>>().Single()
            .ListPortChainsAsync(new Mano.VimAdapters.VimConnectionInfo("sandbox", VimTypes.Sandbox, new Dictionary<string, string>(), new Dictionary<string, string>()), "default", nsId, ct));

        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/nslcm/v2/ns_instances/{nsId}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"/nslcm/v2/ns_instances/{nsId}", ct)).StatusCode);
    }

    [Fact]
    public async Task A_failing_vnf_instantiate_puts_the_ns_op_in_failed_temp_and_rollback_leaves_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var nsId = await CreateNsAsync("broken");
        host.Vnfm.FailInstantiateOf = "broken-VNF_FW";
        try
        {
            var opId = await StartAsync(nsId, "instantiate", new { nsFlavourId = "default" });
            var op = await WaitForAsync(opId, "FAILED_TEMP", "COMPLETED");
            Assert.Equal("FAILED_TEMP", op["operationState"]!.GetValue<string>());
            // The NS op's error is the VNF op's error.
            Assert.Contains("injected: the VIM refused the server", op["error"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.NotNull(op["_links"]!["rollback"]);
            // WEB depends on FW: it was created but never instantiated.
            Assert.DoesNotContain("instantiate broken-VNF_WEB-0", host.Vnfm.Log);

            var rollback = await _http.PostAsync($"/nslcm/v2/ns_lcm_op_occs/{opId}/rollback", null, ct);
            Assert.Equal(HttpStatusCode.Accepted, rollback.StatusCode);
            op = await WaitForAsync(opId, "ROLLED_BACK", "FAILED_TEMP");
            Assert.Equal("ROLLED_BACK", op["operationState"]!.GetValue<string>());
        }
        finally
        {
            host.Vnfm.FailInstantiateOf = null;
        }
        // Nothing left: no VNF of this NS in the VNFM, no NS VL in the sandbox, the NS is NOT_INSTANTIATED and free.
        Assert.DoesNotContain(host.Vnfm.Instances, v => v["metadata"]?["nsInstanceId"]?.GetValue<string>() == nsId);
        Assert.Contains("rollback instantiate broken-VNF_FW-0", host.Vnfm.Log);
        Assert.Empty(NsNetworks(nsId));
        var ns = await GetNsAsync(nsId);
        Assert.Equal("NOT_INSTANTIATED", ns["nsState"]!.GetValue<string>());
        Assert.Null(ns["vnfInstance"]);
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/nslcm/v2/ns_instances/{nsId}", ct)).StatusCode);
    }

    [Fact]
    public async Task Retry_resumes_the_failed_vnf_operation_and_fail_frees_the_ns_instance()
    {
        var ct = TestContext.Current.CancellationToken;
        var nsId = await CreateNsAsync("retried");
        host.Vnfm.FailInstantiateOf = "retried-VNF_LB";
        string opId;
        try
        {
            opId = await StartAsync(nsId, "instantiate", new { nsFlavourId = "default" });
            Assert.Equal("FAILED_TEMP", (await WaitForAsync(opId, "FAILED_TEMP", "COMPLETED"))["operationState"]!.GetValue<string>());
            // Tasks that do not apply to FAILED_TEMP are refused.
            Assert.Equal(HttpStatusCode.Conflict, (await _http.PostAsJsonAsync($"/nslcm/v2/ns_lcm_op_occs/{opId}/cancel", new { cancelMode = "FORCEFUL" }, ct)).StatusCode);
        }
        finally
        {
            host.Vnfm.FailInstantiateOf = null;
        }
        // Retry: the VNFM retries its failed VNF op occ (not a new instantiate), and the NS op goes on to COMPLETED.
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"/nslcm/v2/ns_lcm_op_occs/{opId}/retry", null, ct)).StatusCode);
        Assert.Equal("COMPLETED", (await WaitForAsync(opId, "COMPLETED", "FAILED_TEMP"))["operationState"]!.GetValue<string>());
        Assert.Contains("retry instantiate retried-VNF_LB-0", host.Vnfm.Log);
        Assert.Single(host.Vnfm.Log, l => l == "instantiate retried-VNF_LB-0");
        Assert.Equal(HttpStatusCode.Conflict, (await _http.PostAsync($"/nslcm/v2/ns_lcm_op_occs/{opId}/retry", null, ct)).StatusCode);

        // Fail: a failed terminate marked FAILED leaves the NS instance free for another operation.
        host.Vnfm.FailInstantiateOf = null;
        var ns = await GetNsAsync(nsId);
        var web = ns["vnfInstance"]!.AsArray().Single(v => v!["vnfInstanceName"]!.GetValue<string>() == "retried-VNF_WEB-0")!["id"]!.GetValue<string>();
        var heal = await StartAsync(nsId, "heal", new { healVnfData = new[] { new { vnfInstanceId = web } } });
        Assert.Equal("COMPLETED", (await WaitForAsync(heal, "COMPLETED", "FAILED_TEMP"))["operationState"]!.GetValue<string>());
        var failed = await _http.PostAsync($"/nslcm/v2/ns_lcm_op_occs/{heal}/fail", null, ct);
        Assert.Equal(HttpStatusCode.Conflict, failed.StatusCode); // COMPLETED is final

        Assert.Equal("COMPLETED", (await WaitForAsync(await StartAsync(nsId, "terminate", new { }), "COMPLETED", "FAILED_TEMP"))["operationState"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/nslcm/v2/ns_instances/{nsId}", ct)).StatusCode);
    }

    [Fact]
    public async Task Redelivered_commands_do_not_run_a_step_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        var nsId = await CreateNsAsync("redelivered");
        var opId = await StartAsync(nsId, "instantiate", new { nsFlavourId = "default" });
        // The same command many times at once (duplicate delivery, several replicas): the worker lease lets one drive it.
        var bus = host.Services.GetRequiredService<MassTransit.IBus>();
        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => bus.Publish(new ExecuteNsLcmOperation("default", opId), ct)));
        Assert.Equal("COMPLETED", (await WaitForAsync(opId, "COMPLETED", "FAILED_TEMP"))["operationState"]!.GetValue<string>());
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => bus.Publish(new ExecuteNsLcmOperation("default", opId), ct)));
        await Task.Delay(500, ct);
        foreach (var profile in new[] { "VNF_LB", "VNF_FW", "VNF_WEB" })
        {
            Assert.Single(host.Vnfm.Log, l => l == $"create redelivered-{profile}-0");
            Assert.Single(host.Vnfm.Log, l => l == $"instantiate redelivered-{profile}-0");
        }
        Assert.Equal(3, NsNetworks(nsId).Count(r => r.Kind == VimResourceKind.Network));
        Assert.Equal("COMPLETED", (await WaitForAsync(await StartAsync(nsId, "terminate", new { }), "COMPLETED", "FAILED_TEMP"))["operationState"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/nslcm/v2/ns_instances/{nsId}", ct)).StatusCode);
    }

    [Fact]
    public async Task Update_adds_operates_and_removes_a_vnf()
    {
        var ct = TestContext.Current.CancellationToken;
        var nsId = await CreateNsAsync("updated");
        Assert.Equal("COMPLETED", (await WaitForAsync(await StartAsync(nsId, "instantiate", new { nsFlavourId = "default" }), "COMPLETED", "FAILED_TEMP"))["operationState"]!.GetValue<string>());
        var before = (await GetNsAsync(nsId))["vnfInstance"]!.AsArray().Select(v => v!["id"]!.GetValue<string>()).ToList();

        var op = await WaitForAsync(await StartAsync(nsId, "update", new
        {
            updateType = "INSTANTIATE_VNF",
            instantiateVnfData = new[] { new { vnfProfileId = "VNF_WEB", vnfInstanceName = "second-web" } },
        }), "COMPLETED", "FAILED_TEMP");
        Assert.Equal("COMPLETED", op["operationState"]!.GetValue<string>());
        var vnfs = (await GetNsAsync(nsId))["vnfInstance"]!.AsArray();
        Assert.Equal(4, vnfs.Count);
        var added = vnfs.Single(v => !before.Contains(v!["id"]!.GetValue<string>()))!;
        Assert.Equal("second-web", added["vnfInstanceName"]!.GetValue<string>());
        Assert.Equal("INSTANTIATED", added["instantiationState"]!.GetValue<string>());
        var addedId = added["id"]!.GetValue<string>();
        // It is connected to the NS VL of its profile like the first one.
        var body = host.Vnfm.Instantiations.Single(i => i.VnfInstanceId == addedId).Body;
        Assert.Contains(NsNetworks(nsId), n => n.ResourceId == body["extVirtualLinks"]![0]!["resourceId"]!.GetValue<string>());

        op = await WaitForAsync(await StartAsync(nsId, "update", new
        {
            updateType = "OPERATE_VNF",
            operateVnfData = new[] { new { vnfInstanceId = addedId, changeStateTo = "STOPPED", stopType = "GRACEFUL" } },
        }), "COMPLETED", "FAILED_TEMP");
        Assert.Equal("COMPLETED", op["operationState"]!.GetValue<string>());
        Assert.Contains("completed operate second-web", host.Vnfm.Log);

        op = await WaitForAsync(await StartAsync(nsId, "update", new { updateType = "REMOVE_VNF", removeVnfInstanceId = new[] { addedId } }), "COMPLETED", "FAILED_TEMP");
        Assert.Equal("COMPLETED", op["operationState"]!.GetValue<string>());
        Assert.Equal(before.Order(), (await GetNsAsync(nsId))["vnfInstance"]!.AsArray().Select(v => v!["id"]!.GetValue<string>()).Order());
        Assert.DoesNotContain(host.Vnfm.Instances, v => v["id"]!.GetValue<string>() == addedId);
        Assert.Equal(HttpStatusCode.NotImplemented, (await _http.PostAsJsonAsync($"/nslcm/v2/ns_instances/{nsId}/update", new { updateType = "ADD_VNF" }, ct)).StatusCode);

        Assert.Equal("COMPLETED", (await WaitForAsync(await StartAsync(nsId, "terminate", new { }), "COMPLETED", "FAILED_TEMP"))["operationState"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/nslcm/v2/ns_instances/{nsId}", ct)).StatusCode);
    }

    [Fact]
    public async Task Continue_skips_the_failed_vnf_and_what_waits_on_it_and_ends_partially_completed()
    {
        var ct = TestContext.Current.CancellationToken;
        var nsId = await CreateNsAsync("continued");
        host.Vnfm.FailInstantiateOf = "continued-VNF_FW";
        string opId;
        try
        {
            opId = await StartAsync(nsId, "instantiate", new { nsFlavourId = "default" });
            var failedTemp = await WaitForAsync(opId, "FAILED_TEMP", "COMPLETED");
            Assert.Equal("FAILED_TEMP", failedTemp["operationState"]!.GetValue<string>());
            Assert.Equal($"http://localhost/nslcm/v2/ns_lcm_op_occs/{opId}/continue", failedTemp["_links"]!["continue"]!["href"]!.GetValue<string>());

            // SOL005 6.4.13.3.1: 202 with an empty body.
            var accepted = await _http.PostAsync($"/nslcm/v2/ns_lcm_op_occs/{opId}/continue", null, ct);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            Assert.Equal("", await accepted.Content.ReadAsStringAsync(ct));
        }
        finally
        {
            host.Vnfm.FailInstantiateOf = null;
        }
        var op = await WaitForAsync(opId, "PARTIALLY_COMPLETED", "COMPLETED", "FAILED_TEMP");
        Assert.Equal("PARTIALLY_COMPLETED", op["operationState"]!.GetValue<string>());
        Assert.Null(op["_links"]!["continue"]);
        // The op keeps the original failure, and reports the VNF that failed next to those that did instantiate.
        Assert.Contains("injected: the VIM refused the server", op["error"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var affected = op["resourceChanges"]!["affectedVnfs"]!.AsArray()
            .Where(v => v!["changeType"]!.GetValue<string>() == "INSTANTIATE")
            .ToDictionary(v => v!["vnfName"]!.GetValue<string>(), v => v!["changeResult"]!.GetValue<string>());
        Assert.Equal("FAILED", affected["VNF_FW-0"]);
        Assert.Equal("COMPLETED", affected["VNF_LB-0"]);
        Assert.False(affected.ContainsKey("VNF_WEB-0")); // WEB depends on FW: skipped, never instantiated
        // The failed step was skipped, not sent again; the step that waits on it never ran.
        Assert.Single(host.Vnfm.Log, l => l == "instantiate continued-VNF_FW-0");
        Assert.DoesNotContain("retry instantiate continued-VNF_FW-0", host.Vnfm.Log);
        Assert.DoesNotContain("instantiate continued-VNF_WEB-0", host.Vnfm.Log);

        // The NS is INSTANTIATED with the VNFs that did instantiate in service.
        var ns = await GetNsAsync(nsId);
        Assert.Equal("INSTANTIATED", ns["nsState"]!.GetValue<string>());
        var states = ns["vnfInstance"]!.AsArray().ToDictionary(v => v!["vnfInstanceName"]!.GetValue<string>(), v => v!["instantiationState"]!.GetValue<string>());
        Assert.Equal("INSTANTIATED", states["continued-VNF_LB-0"]);
        Assert.Equal("NOT_INSTANTIATED", states["continued-VNF_FW-0"]);
        Assert.Equal("NOT_INSTANTIATED", states["continued-VNF_WEB-0"]);

        // Continue only applies to FAILED_TEMP: 409 naming the state (also on a COMPLETED op), 404 for an unknown op.
        var again = await _http.PostAsync($"/nslcm/v2/ns_lcm_op_occs/{opId}/continue", null, ct);
        var againText = await again.Content.ReadAsStringAsync(ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        // The spec's NsLcmOpOccContinue.Post.409 and .404 describe a ProblemDetails body but give it no schema: checked
        // against the retry task's 409 / 404, the same ProblemDetails.
        SolSchemas.AssertValid(Api, "POST", "/ns_lcm_op_occs/{nsLcmOpOccId}/retry", 409, againText);
        Assert.Contains("PARTIALLY_COMPLETED", JsonNode.Parse(againText)!["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // Terminate takes everything away, the failed VNF operation left in the VNFM included.
        var terminate = await StartAsync(nsId, "terminate", new { });
        Assert.Equal("COMPLETED", (await WaitForAsync(terminate, "COMPLETED", "FAILED_TEMP"))["operationState"]!.GetValue<string>());
        var completed = await _http.PostAsync($"/nslcm/v2/ns_lcm_op_occs/{terminate}/continue", null, ct);
        var completedText = await completed.Content.ReadAsStringAsync(ct);
        Assert.Equal(HttpStatusCode.Conflict, completed.StatusCode);
        SolSchemas.AssertValid(Api, "POST", "/ns_lcm_op_occs/{nsLcmOpOccId}/retry", 409, completedText);
        Assert.Contains("COMPLETED", JsonNode.Parse(completedText)!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var unknown = await _http.PostAsync("/nslcm/v2/ns_lcm_op_occs/no-such-op/continue", null, ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        SolSchemas.AssertValid(Api, "POST", "/ns_lcm_op_occs/{nsLcmOpOccId}/retry", 404, await unknown.Content.ReadAsStringAsync(ct));

        Assert.Empty(NsNetworks(nsId));
        Assert.DoesNotContain(host.Vnfm.Instances, v => v["metadata"]?["nsInstanceId"]?.GetValue<string>() == nsId);
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/nslcm/v2/ns_instances/{nsId}", ct)).StatusCode);
    }

    [Fact]
    public async Task Fail_ends_a_failed_temp_operation_and_frees_the_ns_instance()
    {
        var ct = TestContext.Current.CancellationToken;
        var nsId = await CreateNsAsync("given-up");
        host.Vnfm.FailInstantiateOf = "given-up-VNF_LB";
        string opId;
        try
        {
            opId = await StartAsync(nsId, "instantiate", new { nsFlavourId = "default" });
            Assert.Equal("FAILED_TEMP", (await WaitForAsync(opId, "FAILED_TEMP", "COMPLETED"))["operationState"]!.GetValue<string>());
        }
        finally
        {
            host.Vnfm.FailInstantiateOf = null;
        }
        var failed = await _http.PostAsync($"/nslcm/v2/ns_lcm_op_occs/{opId}/fail", null, ct);
        var text = await failed.Content.ReadAsStringAsync(ct);
        Assert.True(failed.StatusCode == HttpStatusCode.OK, text);
        SolSchemas.AssertValid(Api, "POST", "/nslcm/v1/ns_lcm_op_occs/{nsLcmOpOccId}/fail", 200, text);
        Assert.Equal("FAILED", JsonNode.Parse(text)!["operationState"]!.GetValue<string>());
        // The NS is free again (no current op) but keeps the VNFs the failed op made: it cannot be deleted until a
        // terminate removes them (allowed on this NOT_INSTANTIATED NS because it has VNFs left).
        var ns = await GetNsAsync(nsId);
        Assert.Equal("NOT_INSTANTIATED", ns["nsState"]!.GetValue<string>());
        Assert.Equal(3, ns["vnfInstance"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.Conflict, (await _http.DeleteAsync($"/nslcm/v2/ns_instances/{nsId}", ct)).StatusCode);
        Assert.Equal("COMPLETED", (await WaitForAsync(await StartAsync(nsId, "terminate", new { }), "COMPLETED", "FAILED_TEMP"))["operationState"]!.GetValue<string>());
        Assert.Empty(NsNetworks(nsId));
        Assert.DoesNotContain(host.Vnfm.Instances, v => v["metadata"]?["nsInstanceId"]?.GetValue<string>() == nsId);
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/nslcm/v2/ns_instances/{nsId}", ct)).StatusCode);
    }

    [Fact]
    public async Task Requests_are_validated_and_unbuilt_parts_answer_501()
    {
        var ct = TestContext.Current.CancellationToken;
        async Task<HttpStatusCode> Post(string path, object body) => (await _http.PostAsJsonAsync(path, body, ct)).StatusCode;
        Assert.Equal(HttpStatusCode.BadRequest, await Post("/nslcm/v2/ns_instances", new { nsName = "x", nsDescription = "" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await Post("/nslcm/v2/ns_instances", new { nsdId = "no-such-nsd", nsName = "x", nsDescription = "" }));
        var nsId = await CreateNsAsync("checks");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await Post($"/nslcm/v2/ns_instances/{nsId}/instantiate", new { nsFlavourId = "gold" }));
        Assert.Equal(HttpStatusCode.Conflict, await Post($"/nslcm/v2/ns_instances/{nsId}/terminate", new { }));
        Assert.Equal(HttpStatusCode.Conflict, await Post($"/nslcm/v2/ns_instances/{nsId}/heal", new { healVnfData = new[] { new { vnfInstanceId = "x" } } }));
        Assert.Equal(HttpStatusCode.NotFound, await Post("/nslcm/v2/ns_instances/nope/instantiate", new { nsFlavourId = "default" }));
        var notBuilt = await _http.GetAsync("/nslcm/v2/vnf_snapshots", ct);
        Assert.Equal(HttpStatusCode.NotImplemented, notBuilt.StatusCode);
        Assert.Equal("application/problem+json", notBuilt.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/nsplan/v1/ns_instances/nope/chains", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotImplemented, await Post($"/nslcm/v2/ns_instances/{nsId}/instantiate", new { nsFlavourId = "default", vnfInstanceData = new[] { new { vnfInstanceId = "x", vnfProfileId = "VNF_LB" } } }));

        // SOL013 filter and selectors on the list.
        var list = await _http.GetStringAsync($"/nslcm/v2/ns_instances?filter=(eq,nsInstanceName,checks)", ct);
        SolSchemas.AssertValid(Api, "GET", "/ns_instances", 200, list);
        var item = Assert.Single(JsonNode.Parse(list)!.AsArray());
        Assert.Equal(nsId, item!["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync("/nslcm/v2/ns_instances?filter=(eq,nope,1)", ct)).StatusCode);
        // Another tenant sees nothing of it.
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client("other").GetAsync($"/nslcm/v2/ns_instances/{nsId}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/nslcm/v2/ns_instances/{nsId}", ct)).StatusCode);
    }

    [Fact]
    public async Task Subscribers_get_the_lifecycle_notifications_durably()
    {
        var ct = TestContext.Current.CancellationToken;
        var callback = $"http://subscriber.test/nslcm/{Guid.NewGuid():N}";
        var sub = await _http.PostAsJsonAsync("/nslcm/v2/subscriptions", new
        {
            callbackUri = callback,
            filter = new { notificationTypes = new[] { "NsLcmOperationOccurrenceNotification", "NsIdentifierCreationNotification" } },
        }, ct);
        var subText = await sub.Content.ReadAsStringAsync(ct);
        Assert.True(sub.StatusCode == HttpStatusCode.Created, subText);
        SolSchemas.AssertValid(Api, "POST", "/subscriptions", 201, subText);
        var subscriptionId = JsonNode.Parse(subText)!["id"]!.GetValue<string>();

        var nsId = await CreateNsAsync("notified");
        var opId = await StartAsync(nsId, "instantiate", new { nsFlavourId = "default" });
        await WaitForAsync(opId, "COMPLETED", "FAILED_TEMP");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<JsonObject> received;
        while (true)
        {
            received = host.Callbacks.For(callback).Where(r => r.Method == "POST").Select(r => JsonNode.Parse(r.Body)!.AsObject()).ToList();
            if (received.Any(n => n["notificationStatus"]?.GetValue<string>() == "RESULT") || DateTime.UtcNow > deadline) break;
            await Task.Delay(100, ct);
        }
        Assert.Contains(received, n => n["notificationType"]!.GetValue<string>() == "NsIdentifierCreationNotification" && n["nsInstanceId"]!.GetValue<string>() == nsId);
        Assert.Equal(opId, Assert.Single(received, n => n["notificationStatus"]?.GetValue<string>() == "START")["nsLcmOpOccId"]!.GetValue<string>());
        var result = Assert.Single(received, n => n["notificationStatus"]?.GetValue<string>() == "RESULT");
        Assert.Equal("COMPLETED", result["operationState"]!.GetValue<string>());
        Assert.Equal(opId, result["nsLcmOpOccId"]!.GetValue<string>());
        foreach (var n in received)
        {
            Assert.Equal(subscriptionId, n["subscriptionId"]!.GetValue<string>());
            var path = n["notificationType"]!.GetValue<string>() == "NsIdentifierCreationNotification" ? "/URI_is_provided_by_the_client_when_creating_the_subscription-NsIdentifierCreationNotification" : "/URI_is_provided_by_the_client_when_creating_the_subscription-NsLcmOperationOccurrenceNotification";
            SolSchemas.AssertValidRequest("SOL005/NSLifecycleManagementNotification", "POST", path, n.ToJsonString());
        }

        // Clean up: terminate and delete, and the subscription.
        await WaitForAsync(await StartAsync(nsId, "terminate", new { }), "COMPLETED");
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/nslcm/v2/ns_instances/{nsId}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/nslcm/v2/subscriptions/{subscriptionId}", ct)).StatusCode);
    }

    [Fact]
    public async Task Cancel_stops_a_processing_operation_in_failed_temp_and_rollback_then_leaves_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var nsId = await CreateNsAsync("cancelled");
        host.Vnfm.HoldOperations = true;
        try
        {
            var opId = await StartAsync(nsId, "instantiate", new { nsFlavourId = "default" });
            // Wait until a VNF instantiate runs in the VNFM (held there), i.e. the NS op is mid-flight.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!host.Vnfm.Log.Any(l => l.StartsWith("instantiate cancelled-", StringComparison.Ordinal)))
            {
                Assert.True(DateTime.UtcNow < deadline, "no VNF instantiate started: " + string.Join("; ", host.Vnfm.Log));
                await Task.Delay(50, ct);
            }
            // SOL005 6.4.15.3.1: 400 without a valid cancelMode; 202 for PROCESSING; a second cancel while pending is 409.
            Assert.Equal(HttpStatusCode.BadRequest, (await _http.PostAsJsonAsync($"/nslcm/v2/ns_lcm_op_occs/{opId}/cancel", new { cancelMode = "SOFT" }, ct)).StatusCode);
            var cancel = await _http.PostAsJsonAsync($"/nslcm/v2/ns_lcm_op_occs/{opId}/cancel", new { cancelMode = "GRACEFUL" }, ct);
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
            var op = await WaitForAsync(opId, "FAILED_TEMP", "COMPLETED");
            Assert.Equal("FAILED_TEMP", op["operationState"]!.GetValue<string>());
            Assert.True(op["isCancelPending"]?.GetValue<bool>() != true, op.ToJsonString());
            Assert.Contains("cancelled", op["error"]!["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
            // No new step started after the cancel: the VNFs waiting on the held ones were never instantiated.
            Assert.DoesNotContain(host.Vnfm.Log, l => l == "instantiate cancelled-VNF_WEB-0");

            host.Vnfm.HoldOperations = false;
            Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"/nslcm/v2/ns_lcm_op_occs/{opId}/rollback", null, ct)).StatusCode);
            Assert.Equal("ROLLED_BACK", (await WaitForAsync(opId, "ROLLED_BACK", "FAILED_TEMP"))["operationState"]!.GetValue<string>());
            // Cancelling a finished operation: 409.
            Assert.Equal(HttpStatusCode.Conflict, (await _http.PostAsJsonAsync($"/nslcm/v2/ns_lcm_op_occs/{opId}/cancel", new { cancelMode = "FORCEFUL" }, ct)).StatusCode);
        }
        finally
        {
            host.Vnfm.HoldOperations = false;
        }
        Assert.DoesNotContain(host.Vnfm.Instances, v => v["metadata"]?["nsInstanceId"]?.GetValue<string>() == nsId);
        Assert.Empty(NsNetworks(nsId));
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/nslcm/v2/ns_instances/{nsId}", ct)).StatusCode);
    }

    [Fact]
    public async Task A_vnf_instance_created_before_a_crash_is_adopted_not_created_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        var nsId = await CreateNsAsync("adopt");
        // The VNFM made VNF_LB's instance but the NFVO never recorded the answer (a crash in between): the VNFM holds an
        // instance with the metadata the planner gives that create step.
        var dry = JsonNode.Parse(await (await _http.PostAsJsonAsync($"/nsplan/v1/ns_instances/{nsId}/instantiate", new { nsFlavourId = "default" }, ct))
            .Content.ReadAsStringAsync(ct))!.AsObject();
        var createLb = dry["steps"]!.AsArray().Single(s => s!["id"]!.GetValue<string>() == "create:VNF_LB-0")!;
        var orphan = await host.Vnfm.SendAsync(null, new VnfLcmRequest("default", VnfLcmOperations.Create, null, null, createLb["body"]!.ToJsonString()), ct);
        var orphanId = JsonNode.Parse(orphan.Body!)!["id"]!.GetValue<string>();

        var opId = await StartAsync(nsId, "instantiate", new { nsFlavourId = "default" });
        Assert.Equal("COMPLETED", (await WaitForAsync(opId, "COMPLETED", "FAILED_TEMP"))["operationState"]!.GetValue<string>());

        // Adopted: the NS's VNF_LB is that instance, and the VNFM holds exactly one instance per VNF of the NS.
        var ns = await GetNsAsync(nsId);
        Assert.Contains(orphanId, ns["vnfInstance"]!.AsArray().Select(v => v!["id"]!.GetValue<string>()));
        var ofNs = host.Vnfm.Instances.Where(v => v["metadata"]?["nsInstanceId"]?.GetValue<string>() == nsId).ToList();
        Assert.Equal(ns["vnfInstance"]!.AsArray().Count, ofNs.Count);
        Assert.Equal(1, host.Vnfm.Log.Count(l => l == "create adopt-VNF_LB-0")); // the test's own create, none by the NS engine

        await WaitForAsync(await StartAsync(nsId, "terminate", new { }), "COMPLETED");
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/nslcm/v2/ns_instances/{nsId}", ct)).StatusCode);
    }

    [Fact]
    public async Task Subscribers_get_an_ns_change_notification_per_vnf_an_operation_changed()
    {
        var ct = TestContext.Current.CancellationToken;
        var callback = $"http://subscriber.test/nschange/{Guid.NewGuid():N}";
        var sub = await _http.PostAsJsonAsync("/nslcm/v2/subscriptions", new
        {
            callbackUri = callback,
            filter = new { notificationTypes = new[] { "NsChangeNotification" }, lcmOpNameImpactingNsComponent = new[] { "NS_INSTANTIATE" } },
        }, ct);
        var subText = await sub.Content.ReadAsStringAsync(ct);
        Assert.True(sub.StatusCode == HttpStatusCode.Created, subText);
        SolSchemas.AssertValid(Api, "POST", "/subscriptions", 201, subText);
        var subscriptionId = JsonNode.Parse(subText)!["id"]!.GetValue<string>();

        var nsId = await CreateNsAsync("changed");
        var opId = await StartAsync(nsId, "instantiate", new { nsFlavourId = "default" });
        Assert.Equal("COMPLETED", (await WaitForAsync(opId, "COMPLETED", "FAILED_TEMP"))["operationState"]!.GetValue<string>());
        var vnfIds = (await GetNsAsync(nsId))["vnfInstance"]!.AsArray().Select(v => v!["id"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(3, vnfIds.Count);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<JsonObject> received;
        while (true)
        {
            received = host.Callbacks.For(callback).Where(r => r.Method == "POST").Select(r => JsonNode.Parse(r.Body)!.AsObject()).ToList();
            if (received.Count >= vnfIds.Count || DateTime.UtcNow > deadline) break;
            await Task.Delay(100, ct);
        }
        // One per VNF the instantiate added, nothing else (the filter: NsChangeNotification of NS_INSTANTIATE only).
        Assert.Equal(vnfIds, received.Select(n => n["nsComponentId"]!.GetValue<string>()).Order());
        foreach (var n in received)
        {
            SolSchemas.AssertValidRequest("SOL005/NSLifecycleManagementNotification", "POST",
                "/URI_is_provided_by_the_client_when_creating_the_subscription-NsChangeNotification", n.ToJsonString());
            Assert.Equal("NsChangeNotification", n["notificationType"]!.GetValue<string>());
            Assert.Equal(subscriptionId, n["subscriptionId"]!.GetValue<string>());
            Assert.Equal(nsId, n["nsInstanceId"]!.GetValue<string>());
            Assert.Equal("VNF", n["nsComponentType"]!.GetValue<string>());
            Assert.Equal(opId, n["lcmOpOccIdImpactingNsComponent"]!.GetValue<string>());
            Assert.Equal("NS_INSTANTIATE", n["lcmOpNameImpactingNsComponent"]!.GetValue<string>());
            Assert.Equal("COMPLETED", n["lcmOpOccStatusImpactingNsComponent"]!.GetValue<string>());
            Assert.Null(n["error"]);
        }

        // The terminate changes the same VNFs but is filtered out by lcmOpNameImpactingNsComponent. Notifications are
        // queued in the transaction that ends the op, so once it is COMPLETED the queue says for sure: nothing more for
        // this subscription (delivered rows stay in the queue, marked delivered).
        Assert.Equal("COMPLETED", (await WaitForAsync(await StartAsync(nsId, "terminate", new { }), "COMPLETED", "FAILED_TEMP"))["operationState"]!.GetValue<string>());
        await using (var scope = host.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set("default");
            var queued = await scope.ServiceProvider.GetRequiredService<NfvoDbContext>().Set<NotificationDelivery>().IgnoreQueryFilters()
                .CountAsync(d => d.SubscriptionId == subscriptionId, ct);
            Assert.Equal(vnfIds.Count, queued);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/nslcm/v2/ns_instances/{nsId}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/nslcm/v2/subscriptions/{subscriptionId}", ct)).StatusCode);
        Assert.Equal(vnfIds.Count, host.Callbacks.For(callback).Count(r => r.Method == "POST"));
    }
}

public sealed class SqliteNsLcmApiTests(SqliteNsLcmTestHost host) : NsLcmApiTests(host), IClassFixture<SqliteNsLcmTestHost>;

public sealed class PostgresNsLcmApiTests(PostgresNsLcmTestHost host) : NsLcmApiTests(host), IClassFixture<PostgresNsLcmTestHost>;
