using System.Text.Json.Nodes;
using Mano.Vnfm;
using Mano.VimAdapters;
using Mano.VimAdapters.OpenStack;

namespace Mano.VimAdapters.OpenStack.Tests;

/// <summary>
/// The OpenStack driver against the real test cloud: plans of real corpus packages (VNFM ResourcePlanner), every verb,
/// and the cloud's state checked with independent REST calls (<see cref="RawOpenStack"/>).
/// </summary>
[Collection(OpenStackCollection.Name)]
public sealed class DriverIntegrationTests(TestCloud cloud)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewId() => Guid.NewGuid().ToString();

    private async Task AssertMatchesPlanAsync(VnfResourcePlan plan, string step)
    {
        var servers = await cloud.Raw.ServersAsync(plan.VnfInstanceId);
        var ports = await cloud.Raw.PortsAsync(plan.VnfInstanceId);
        var networks = await cloud.Raw.NetworksAsync(plan.VnfInstanceId);
        var subnets = await cloud.Raw.SubnetsAsync(plan.VnfInstanceId);
        Assert.True(plan.Computes.Count == servers.Count, $"{step}: {servers.Count} servers in Nova, plan has {plan.Computes.Count}");
        Assert.True(plan.Ports.Count == ports.Count, $"{step}: {ports.Count} ports in Neutron, plan has {plan.Ports.Count}");
        Assert.True(plan.Networks.Count == networks.Count, $"{step}: {networks.Count} networks in Neutron, plan has {plan.Networks.Count}");
        Assert.True(plan.Networks.Count == subnets.Count, $"{step}: {subnets.Count} subnets in Neutron, plan has {plan.Networks.Count}");
        var keys = servers.Select(s => s!["metadata"]![VimTags.ResourceKey]!.GetValue<string>()).Order().ToList();
        Assert.Equal(plan.Computes.Select(c => c.ResourceKey).Order(), keys);
        Assert.All(servers, s => Assert.Equal("ACTIVE", s!["status"]!.GetValue<string>()));
        foreach (var p in plan.Ports)
        {
            var port = ports.Single(x => x!["tags"]!.AsArray().Any(t => t!.GetValue<string>() == $"{VimTags.ResourceKey}={p.ResourceKey}"))!;
            var server = servers.Single(s => s!["metadata"]![VimTags.ResourceKey]!.GetValue<string>() == p.ComputeKey)!;
            Assert.Equal(server["id"]!.GetValue<string>(), port["device_id"]!.GetValue<string>());
            Assert.NotEmpty(port["fixed_ips"]!.AsArray());
        }
    }

    private async Task AssertNothingLeftAsync(string vnfInstanceId)
    {
        Assert.Empty(await cloud.Raw.ServersAsync(vnfInstanceId));
        Assert.Empty(await cloud.Raw.PortsAsync(vnfInstanceId));
        Assert.Empty(await cloud.Raw.NetworksAsync(vnfInstanceId));
        Assert.Empty(await cloud.Raw.SubnetsAsync(vnfInstanceId));
        var ports = (await cloud.Raw.GetAsync("network", "/v2.0/ports?description=" + Uri.EscapeDataString("mano:" + vnfInstanceId)))!["ports"]!.AsArray();
        Assert.Empty(ports);
    }

    [Fact]
    public async Task Keystone_password_token_is_cached_and_the_catalog_found()
    {
        cloud.Require();
        var session = await cloud.Driver.ConnectAsync(cloud.Vim(), Ct);
        var before = cloud.Driver.TokensIssued;
        await cloud.Driver.ConnectAsync(cloud.Vim(), Ct);
        await cloud.Driver.ListResourcesAsync(cloud.Vim(), CorpusPlans.Tenant, NewId(), Ct);
        Assert.Equal(before, cloud.Driver.TokensIssued);
        Assert.True(session.HasService(OpenStackServiceTypes.Compute));
        Assert.True(session.HasService(OpenStackServiceTypes.Network));
        Assert.True(session.HasService(OpenStackServiceTypes.Image));
        Assert.False(session.HasService(OpenStackServiceTypes.BlockStorage));
        Assert.Equal(await RawProjectAsync(), session.ProjectId);
        var zones = await new NovaClient(session).ListAvailabilityZonesAsync(Ct);
        Assert.Contains(zones, z => z.ZoneName == "nova" && z.Available);
    }

    private async Task<string> RawProjectAsync()
    {
        await cloud.Raw.ServiceTypesAsync();
        return cloud.Raw.ProjectId!;
    }

    [Fact]
    public async Task Keystone_application_credential_authenticates()
    {
        cloud.Require();
        await cloud.Raw.ServiceTypesAsync();
        var created = await cloud.Raw.SendAsync(HttpMethod.Post, "identity", $"/users/{cloud.Raw.UserId}/application_credentials",
            new JsonObject { ["application_credential"] = new JsonObject { ["name"] = "mano-it-" + NewId()[..8] } });
        var id = created!["application_credential"]!["id"]!.GetValue<string>();
        var secret = created["application_credential"]!["secret"]!.GetValue<string>();
        try
        {
            var vim = cloud.Vim(new Dictionary<string, string> { ["applicationCredentialId"] = id, ["applicationCredentialSecret"] = secret });
            var session = await cloud.Driver.ConnectAsync(vim, Ct);
            Assert.Equal(cloud.Raw.ProjectId, session.ProjectId);
            Assert.NotNull(await cloud.Driver.ListResourcesAsync(vim, CorpusPlans.Tenant, null, Ct));
        }
        finally
        {
            await cloud.Raw.SendAsync(HttpMethod.Delete, "identity", $"/users/{cloud.Raw.UserId}/application_credentials/{id}", null);
        }
    }

    [Fact]
    public async Task A_wrong_password_is_a_vim_error_with_keystones_message_and_no_secret()
    {
        cloud.Require();
        var vim = cloud.Vim(new Dictionary<string, string> { ["username"] = "mano", ["password"] = "wrong-pw-XYZZY", ["project"] = "mano" });
        var e = await Assert.ThrowsAsync<VimException>(() => cloud.Driver.ListResourcesAsync(vim, CorpusPlans.Tenant, null, Ct));
        Assert.Equal("keystone.issue_token", e.Operation);
        Assert.Contains("401", e.Message, StringComparison.Ordinal);
        Assert.Contains("requires authentication", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("XYZZY", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Glance_upload_is_reused_by_checksum()
    {
        cloud.Require();
        var bytes = System.Text.Encoding.UTF8.GetBytes("checksum reuse " + NewId());
        var name = "mano-it-img-" + NewId()[..8];
        var opens = 0;
        Task<Stream> Open(CancellationToken _) { opens++; return Task.FromResult<Stream>(new MemoryStream(bytes)); }
        var first = await cloud.Driver.EnsureSoftwareImageAsync(cloud.Vim(), TestCloud.StandInImage(name), Open, Ct);
        var again = await cloud.Driver.EnsureSoftwareImageAsync(cloud.Vim(), TestCloud.StandInImage(name + "-other-name"), Open, Ct);
        Assert.Equal(first.Id, again.Id);
        var image = await cloud.Raw.GetAsync("image", "/v2/images/" + first.Id);
        Assert.Equal("active", image!["status"]!.GetValue<string>());
        Assert.Equal(bytes.Length, image["size"]!.GetValue<long>());
        // Checksum-less images are hashed first (one pass), then uploaded (a second): the reuse reads the file once, uploads nothing.
        Assert.Equal(3, opens);
        Assert.Equal("sha512:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData(bytes)), image[GlanceClient.ChecksumProperty]!.GetValue<string>());
        await cloud.Raw.SendAsync(HttpMethod.Delete, "image", "/v2/images/" + first.Id, null);
    }

    [Fact]
    public async Task An_unknown_image_fails_naming_glance_and_the_image()
    {
        cloud.Require();
        var ext = await cloud.Raw.NetworkIdAsync(TestCloud.Env("MANO_TEST_OPENSTACK_EXT_NETWORK") ?? "mano-ext");
        var id = NewId();
        var plan = new VnfResourcePlan(CorpusPlans.Tenant, id, "op-1", [],
            [new PlannedCompute("c1", "VDU1", "x", 1, 64, "no-such-image-" + id[..8], null)], [new PlannedPort("p1", "CP1", "c1", null, ext)], []);
        var e = await Assert.ThrowsAsync<VimException>(() => cloud.Driver.InstantiateAsync(cloud.Vim(), plan, Ct));
        Assert.Equal("instantiate.resolve_image", e.Operation);
        Assert.Contains("software image 'no-such-image-", e.Message, StringComparison.Ordinal);
        Assert.Contains("VDU 'VDU1'", e.Message, StringComparison.Ordinal);
        await cloud.Driver.TerminateAsync(cloud.Vim(), CorpusPlans.Tenant, id, Ct);
        await AssertNothingLeftAsync(id);
    }

    [Fact]
    public async Task A_plan_with_volumes_is_refused_clearly_when_the_cloud_has_no_cinder()
    {
        cloud.Require();
        var known = CorpusPlans.Load("sample-vnf_packages_helloworld");
        var ext = await cloud.Raw.NetworkIdAsync("mano-ext");
        var plan = CorpusPlans.Instantiate(known, "simple", NewId(), "op-1", ext).Resources;
        Assert.NotEmpty(plan.Volumes);
        var e = await Assert.ThrowsAsync<VimException>(() => cloud.Driver.InstantiateAsync(cloud.Vim(), plan, Ct));
        Assert.Equal("instantiate.ensure_volume", e.Operation);
        Assert.Contains("no block-storage (Cinder) endpoint", e.Message, StringComparison.Ordinal);
        await AssertNothingLeftAsync(plan.VnfInstanceId);
    }

    /// <summary>Tacker's helloworld: instantiate (twice: no duplicates), scale out, roll back, scale in, heal, stop/start, change ext conn, change flavour, terminate.</summary>
    [Fact]
    public async Task Helloworld_full_lifecycle()
    {
        cloud.Require();
        var vim = cloud.Vim();
        var known = CorpusPlans.Load("sample-vnf_packages_helloworld");
        var ext = await cloud.Raw.NetworkIdAsync("mano-ext");
        var instanceId = NewId();
        var flavour = known.Vnfd.FindFlavour("simple")!;
        var lcm = CorpusPlans.WithoutVolumes(CorpusPlans.Instantiate(known, "simple", instanceId, "op-inst", ext), flavour);
        var plan = lcm.Resources;
        await cloud.EnsureStandInImagesAsync(plan, Ct);
        try
        {
            // instantiate, then the same call again (a redelivered command): nothing doubles, ids stay
            var made = await cloud.Driver.InstantiateAsync(vim, plan, Ct);
            await AssertMatchesPlanAsync(plan, "instantiate");
            var again = await cloud.Driver.InstantiateAsync(vim, plan, Ct);
            Assert.Equal(made.Select(r => r.ResourceId).Order(), again.Select(r => r.ResourceId).Order());
            await AssertMatchesPlanAsync(plan, "instantiate retried");
            Assert.Contains(made, r => r.Kind == VimResourceKind.Port && r.Attributes.ContainsKey(VimAttributes.IpAddress));

            // scale out one step of the first aspect, then roll back to the plan of before
            var aspect = flavour.ScalingAspects[0];
            var scaledOut = ResourcePlanner.PlanScale(lcm, flavour, new Dictionary<string, int> { [aspect.Id] = 1 }, "op-scale-out");
            scaledOut = CorpusPlans.WithoutVolumes(scaledOut, flavour);
            Assert.True(scaledOut.Resources.Computes.Count > plan.Computes.Count);
            await cloud.Driver.ScaleAsync(vim, scaledOut.Resources, Ct);
            await AssertMatchesPlanAsync(scaledOut.Resources, "scale out");
            await cloud.Driver.RollbackAsync(vim, plan with { OpOccId = "op-scale-out" }, Ct);
            await AssertMatchesPlanAsync(plan, "rollback of scale out");

            // scale out again and scale in: the newest VNFC goes, with its ports
            await cloud.Driver.ScaleAsync(vim, scaledOut.Resources, Ct);
            var scaledIn = CorpusPlans.WithoutVolumes(ResourcePlanner.PlanScale(scaledOut, flavour, new Dictionary<string, int> { [aspect.Id] = 0 }, "op-scale-in"), flavour);
            await cloud.Driver.ScaleAsync(vim, scaledIn.Resources, Ct);
            await AssertMatchesPlanAsync(scaledIn.Resources, "scale in");
            plan = scaledIn.Resources;

            // heal one VNFC: rebuilt in place (same server id, same ports), tagged with the heal's op occ; a retry does not rebuild again
            var target = plan.Computes[0];
            var serverBefore = (await cloud.Raw.ServersAsync(instanceId)).Single(s => s!["metadata"]![VimTags.ResourceKey]!.GetValue<string>() == target.ResourceKey)!;
            var portsBefore = (await cloud.Raw.PortsAsync(instanceId)).Select(p => p!["id"]!.GetValue<string>()).Order().ToList();
            var healPlan = plan with { OpOccId = "op-heal" };
            await cloud.Driver.HealAsync(vim, healPlan, [target.ResourceKey], Ct);
            var serverAfter = (await cloud.Raw.ServersAsync(instanceId)).Single(s => s!["metadata"]![VimTags.ResourceKey]!.GetValue<string>() == target.ResourceKey)!;
            Assert.Equal(serverBefore["id"]!.GetValue<string>(), serverAfter["id"]!.GetValue<string>());
            Assert.Equal("op-heal", serverAfter["metadata"]![VimTags.OpOccId]!.GetValue<string>());
            Assert.Equal(portsBefore, (await cloud.Raw.PortsAsync(instanceId)).Select(p => p!["id"]!.GetValue<string>()).Order().ToList());
            var updated = serverAfter["updated"]!.GetValue<string>();
            await cloud.Driver.HealAsync(vim, healPlan, [target.ResourceKey], Ct);
            var serverRetried = (await cloud.Raw.GetAsync("compute", "/servers/" + serverAfter["id"]!.GetValue<string>(), "2.79"))!["server"]!;
            Assert.Equal(updated, serverRetried["updated"]!.GetValue<string>());
            await AssertMatchesPlanAsync(plan, "heal");

            // operate: stop, then start
            var stopped = await cloud.Driver.OperateAsync(vim, plan, new PowerChange(Start: false, Graceful: true, GracefulTimeout: TimeSpan.FromSeconds(30)), Ct);
            Assert.All(stopped.Where(r => r.Kind == VimResourceKind.Compute), r => Assert.Equal(ServerStatus.Shutoff, r.Status));
            foreach (var s in await cloud.Raw.ServersAsync(instanceId)) Assert.Equal("SHUTOFF", s!["status"]!.GetValue<string>());
            await cloud.Driver.OperateAsync(vim, plan, new PowerChange(Start: true), Ct);
            await AssertMatchesPlanAsync(plan, "operate start");

            // change external connectivity: external ports move to another network (same keys, new ports, attached)
            var net2 = await cloud.Raw.SendAsync(HttpMethod.Post, "network", "/v2.0/networks", new JsonObject { ["network"] = new JsonObject { ["name"] = "mano-it-ext2-" + instanceId[..8] } });
            var net2Id = net2!["network"]!["id"]!.GetValue<string>();
            await cloud.Raw.SendAsync(HttpMethod.Post, "network", "/v2.0/subnets", new JsonObject { ["subnet"] = new JsonObject { ["network_id"] = net2Id, ["cidr"] = "10.98.0.0/24", ["ip_version"] = 4 } });
            try
            {
                var moved = plan with
                {
                    OpOccId = "op-cec",
                    Ports = plan.Ports.Select(p => p.ExternalNetworkId is null ? p : p with { ExternalNetworkId = net2Id }).ToList(),
                };
                Assert.Contains(moved.Ports, p => p.ExternalNetworkId == net2Id);
                await cloud.Driver.ChangeExtConnAsync(vim, moved, Ct);
                await AssertMatchesPlanAsync(moved, "change ext conn");
                var extPorts = (await cloud.Raw.PortsAsync(instanceId)).Where(p => p!["network_id"]!.GetValue<string>() == net2Id).ToList();
                Assert.Equal(moved.Ports.Count(p => p.ExternalNetworkId == net2Id), extPorts.Count);
                // and back (the rollback of change_ext_conn)
                await cloud.Driver.RollbackAsync(vim, plan, Ct);
                await AssertMatchesPlanAsync(plan, "rollback of change ext conn");
            }
            finally
            {
                try
                {
                    await cloud.Raw.SendAsync(HttpMethod.Delete, "network", "/v2.0/networks/" + net2Id, null);
                }
                catch (InvalidOperationException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
                {
                    // a failure above left ports on it: the terminate below removes them; the assertion that failed is what counts
                }
            }

            // change flavour: a bigger VDU gets a bigger flavor; the server is re-created on the same ports
            var bigger = plan with { OpOccId = "op-flavour", Computes = plan.Computes.Select(c => c with { NumVirtualCpu = 2, MemoryMiB = 2048 }).ToList() };
            var portIds = (await cloud.Raw.PortsAsync(instanceId)).Select(p => p!["id"]!.GetValue<string>()).Order().ToList();
            await cloud.Driver.ChangeFlavourAsync(vim, bigger, Ct);
            await AssertMatchesPlanAsync(bigger, "change flavour");
            Assert.All(await cloud.Raw.ServersAsync(instanceId), s => Assert.Equal(2, s!["flavor"]!["vcpus"]!.GetValue<int>()));
            Assert.Equal(portIds, (await cloud.Raw.PortsAsync(instanceId)).Select(p => p!["id"]!.GetValue<string>()).Order().ToList());

            var listed = await cloud.Driver.ListResourcesAsync(vim, CorpusPlans.Tenant, instanceId, Ct);
            Assert.Equal(bigger.Computes.Count, listed.Count(r => r.Kind == VimResourceKind.Compute));
            Assert.All(listed, r => Assert.Equal(instanceId, r.VnfInstanceId));
        }
        finally
        {
            await cloud.Driver.TerminateAsync(vim, CorpusPlans.Tenant, instanceId, Ct);
        }
        await AssertNothingLeftAsync(instanceId);
        await cloud.Driver.TerminateAsync(vim, CorpusPlans.Tenant, instanceId, Ct);   // idempotent
    }

    /// <summary>Tacker's v2 basic_lcms_min (VDU1 + VDU2, internal VL): instantiate, crash mid-way, retry, terminate.</summary>
    [Fact]
    public async Task Basic_lcms_min_survives_a_crash_mid_instantiate_without_duplicates()
    {
        cloud.Require();
        var vim = cloud.Vim();
        var known = CorpusPlans.Load("v2-os-basic_lcms_min");
        var ext = await cloud.Raw.NetworkIdAsync("mano-ext");
        var instanceId = NewId();
        var plan = CorpusPlans.WithoutVolumes(CorpusPlans.Instantiate(known, "simple", instanceId, "op-inst", ext), known.Vnfd.FindFlavour("simple")!).Resources;
        await cloud.EnsureStandInImagesAsync(plan, Ct);
        try
        {
            // a network made just before a "crash", not yet tagged: only the description marks it
            await cloud.Raw.SendAsync(HttpMethod.Post, "network", "/v2.0/networks",
                new JsonObject { ["network"] = new JsonObject { ["name"] = "leftover", ["description"] = "mano:" + instanceId } });
            // a "crash" in the middle of the work: the call is cancelled as soon as Nova holds the first of its servers
            // (event-driven, not a fixed delay, so that a slow or busy cloud cannot make the test miss the moment)
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct))
            {
                var crash = Task.Run(async () =>
                {
                    while (!cts.IsCancellationRequested)
                    {
                        if ((await cloud.Raw.ServersAsync(instanceId)).Count > 0) { await cts.CancelAsync(); return; }
                        await Task.Delay(100, Ct);
                    }
                }, Ct);
                await Assert.ThrowsAnyAsync<Exception>(() => cloud.Driver.InstantiateAsync(vim, plan, cts.Token));
                await cts.CancelAsync();
                await crash;
            }
            // the retry finds what the first attempt made and completes it. On the test cloud's fake hypervisor a server
            // whose build was interrupted sometimes fails its rebuild ("Exhausted all hosts"); the next retry (as the
            // VNFM's LCM retry task would do) replaces that ERROR server, so up to two retries are allowed.
            try { await cloud.Driver.InstantiateAsync(vim, plan, Ct); }
            catch (VimException e) when (e.Message.Contains("went to ERROR", StringComparison.Ordinal))
            {
                await cloud.Driver.InstantiateAsync(vim, plan, Ct);
            }
            await AssertMatchesPlanAsync(plan, "instantiate after a crash");
            Assert.DoesNotContain(await cloud.Raw.NetworksAsync(instanceId), n => n!["name"]!.GetValue<string>() == "leftover");
        }
        finally
        {
            await cloud.Driver.TerminateAsync(vim, CorpusPlans.Tenant, instanceId, Ct);
        }
        await AssertNothingLeftAsync(instanceId);
    }

    [Fact]
    public async Task Server_groups_and_security_groups_are_ensured()
    {
        cloud.Require();
        var session = await cloud.Driver.ConnectAsync(cloud.Vim(), Ct);
        var nova = new NovaClient(session);
        var group = await nova.CreateServerGroupAsync("mano-it-" + NewId()[..8], "anti-affinity", Ct);
        Assert.Contains(await nova.ListServerGroupsAsync(Ct), g => g.Id == group.Id && (g.Policy ?? g.Policies?.FirstOrDefault()) == "anti-affinity");
        await nova.DeleteServerGroupAsync(group.Id, Ct);

        var neutron = new NeutronClient(session);
        var tags = new List<string> { "mano.vnf_instance_id=" + NewId(), "mano.resource_key=sg1" };
        SecurityGroupRuleSpec[] rules = [new("ingress", "IPv4", "tcp", 22, 22, "0.0.0.0/0"), new("ingress", "IPv4", "icmp")];
        var sg = await neutron.EnsureSecurityGroupAsync("mano-it-sg", "mano:it", tags, rules, Ct);
        var again = await neutron.EnsureSecurityGroupAsync("mano-it-sg", "mano:it", tags, rules, Ct);
        Assert.Equal(sg.Id, again.Id);
        var raw = (await cloud.Raw.GetAsync("network", "/v2.0/security-groups/" + sg.Id))!["security_group"]!;
        Assert.Equal(2, raw["security_group_rules"]!.AsArray().Count(r => r!["direction"]!.GetValue<string>() == "ingress"));
        await neutron.DeleteSecurityGroupAsync(sg.Id, Ct);
    }
}
