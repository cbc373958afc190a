using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Mano.Contracts;
using Mano.Tosca;
using Mano.Vnfm;

namespace Mano.VimAdapters.OpenStack.Tests;

/// <summary>
/// ADR-0014 against the real test cloud: the package's software image streamed into Glance and reused by checksum, the
/// grant's vimAssets used as given, VNFD security group rules as Neutron security groups on the targeted ports, and
/// nfvi_node affinity rules as Nova server groups; terminate leaves none of them. Plans come from Tacker's
/// v2-os-server_notification package (VDU1 + VDU2 on internalVL3, an nfvi_node AffinityRule over both) through the
/// VNFM's planner; the image file is a small generated blob the test serves through the plan's opener.
/// </summary>
[Collection(OpenStackCollection.Name)]
public sealed class ImagesGroupsIntegrationTests(TestCloud cloud)
{
    private const string Package = "v2-os-server_notification";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static string NewId() => Guid.NewGuid().ToString();

    /// <summary>The package with its VNFD's df file patched (the corpus copy has no image file and no security group rule).</summary>
    private static KnownVnfd LoadPatched(Func<string, string> patchDf)
    {
        var known = CorpusPlans.Load(Package);
        var files = known.Package.VnfdFiles.ToDictionary(kv => kv.Key, kv => kv.Value);
        var df = files.Keys.Single(k => k.EndsWith("_df_simple.yaml", StringComparison.Ordinal));
        files[df] = Encoding.UTF8.GetBytes(patchDf(Encoding.UTF8.GetString(files[df])));
        var parsed = VnfdParser.Parse(files, known.Package.EntryDefinitions);
        Assert.False(parsed.HasErrors, string.Join("; ", parsed.Diagnostics.Select(d => d.ToString())));
        return new KnownVnfd(known.Package with { VnfdFiles = files }, parsed.Vnfd!);
    }

    /// <summary>VDUs boot from image <paramref name="name"/> declared with <paramref name="sha256"/> (raw: any bytes are a valid raw disk).</summary>
    private static string WithImage(string df, string name, string sha256) => df
        .Replace("name: cirros-0.5.2-x86_64-disk", "name: " + name, StringComparison.Ordinal)
        .Replace("932fcae93574e242dc3d772d5235061747dfe537668443a1f0567d893614b464", sha256, StringComparison.Ordinal)
        .Replace("disk_format: qcow2", "disk_format: raw", StringComparison.Ordinal)
        // the test cloud's m1.tiny (the VDUs' flavour) has 64 MiB
        .Replace("min_ram: 256 MB", "min_ram: 64 MiB", StringComparison.Ordinal);

    private sealed class ImageFile(byte[] bytes)
    {
        private int _opened;
        public int Opened => _opened;

        /// <summary>A forward-only stream, as the VNFM's chunked package stream is (no Length, no Seek).</summary>
        public Func<CancellationToken, Task<Stream>> Opener => _ =>
        {
            Interlocked.Increment(ref _opened);
            return Task.FromResult<Stream>(new ForwardOnly(new MemoryStream(bytes)));
        };
    }

    private sealed class ForwardOnly(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static VnfResourcePlan WithFile(VnfResourcePlan plan, ImageFile file) => plan with
    {
        Computes = plan.Computes.Select(c => c with { Image = c.Image! with { ArtifactPath = "Files/images/mano-it.img", Open = file.Opener } }).ToList(),
    };

    private async Task<JsonArray> ImagesNamedAsync(string name) =>
        (await cloud.Raw.GetAsync("image", "/v2/images?name=" + Uri.EscapeDataString(name)))!["images"]!.AsArray();

    private async Task AssertNothingLeftAsync(string vnfInstanceId)
    {
        Assert.Empty(await cloud.Raw.ServersAsync(vnfInstanceId));
        Assert.Empty(await cloud.Raw.PortsAsync(vnfInstanceId));
        Assert.Empty(await cloud.Raw.NetworksAsync(vnfInstanceId));
        Assert.Empty(await cloud.Raw.SubnetsAsync(vnfInstanceId));
        Assert.Empty((await cloud.Raw.GetAsync("network", "/v2.0/security-groups?description=" + Uri.EscapeDataString("mano:" + vnfInstanceId)))!["security_groups"]!.AsArray());
        var groups = (await cloud.Raw.GetAsync("compute", "/os-server-groups", "2.79"))!["server_groups"]!.AsArray();
        Assert.DoesNotContain(groups, g => g!["name"]!.GetValue<string>().StartsWith("mano-" + vnfInstanceId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_package_image_is_uploaded_once_then_reused_by_checksum_and_grant_assets_are_used_as_given()
    {
        cloud.Require();
        var vim = cloud.Vim();
        var ext = await cloud.Raw.NetworkIdAsync(TestCloud.Env("MANO_TEST_OPENSTACK_EXT_NETWORK") ?? "mano-ext");
        var bytes = RandomNumberGenerator.GetBytes(6 * 1024);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var name = "mano-it-pkgimg-" + NewId()[..8];
        var known = LoadPatched(df => WithImage(df, name, sha256));
        var file = new ImageFile(bytes);
        var (a, b, c) = (NewId(), NewId(), NewId());
        try
        {
            // 1. first instance: the image is created from the package file, streamed, and the servers boot from it
            var planA = WithFile(CorpusPlans.Instantiate(known, "simple", a, "op-a", ext).Resources, file);
            Assert.All(planA.Computes, x => Assert.Equal(sha256, x.Image!.ChecksumHash));
            await cloud.Driver.InstantiateAsync(vim, planA, Ct);
            Assert.Equal(1, file.Opened);
            var image = Assert.Single(await ImagesNamedAsync(name))!;
            var imageId = image["id"]!.GetValue<string>();
            Assert.Equal("active", image["status"]!.GetValue<string>());
            Assert.Equal(bytes.Length, image["size"]!.GetValue<long>());
            Assert.Equal("raw", image["disk_format"]!.GetValue<string>());
            Assert.Equal(64, image["min_ram"]!.GetValue<int>());
            Assert.Equal("sha256:" + sha256, image["mano_sw_image_checksum"]!.GetValue<string>());
            Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(bytes)), image["os_hash_value"]!.GetValue<string>());
            var serversA = await cloud.Raw.ServersAsync(a);
            Assert.Equal(planA.Computes.Count, serversA.Count);
            Assert.All(serversA, s => Assert.Equal(imageId, s!["image"]!["id"]!.GetValue<string>()));

            // 2. second instance of the same package: found by checksum, the file is not read again
            var planB = WithFile(CorpusPlans.Instantiate(known, "simple", b, "op-b", ext).Resources, file);
            await cloud.Driver.InstantiateAsync(vim, planB, Ct);
            Assert.Equal(1, file.Opened);
            Assert.Single(await ImagesNamedAsync(name));
            Assert.All(await cloud.Raw.ServersAsync(b), s => Assert.Equal(imageId, s!["image"]!["id"]!.GetValue<string>()));

            // 3. the grant's vimAssets: flavour and image by VIM id, no lookup, no upload
            var session = await cloud.Driver.ConnectAsync(vim, Ct);
            var other = (await new NovaClient(session).ListFlavorsAsync(Ct)).Where(f => f.Name != "m1.tiny" && f.Ram >= 64).OrderBy(f => f.Ram).First();
            var grant = new Grant
            {
                Id = "g", VnfInstanceId = c, VnfLcmOpOccId = "op-c",
                VimAssets = new JsonObject
                {
                    ["computeResourceFlavours"] = new JsonArray(
                        new JsonObject { ["vnfdVirtualComputeDescId"] = "VDU1", ["vimFlavourId"] = other.Id },
                        new JsonObject { ["vnfdVirtualComputeDescId"] = "VDU2", ["vimFlavourId"] = other.Id }),
                    ["softwareImages"] = new JsonArray(
                        new JsonObject { ["vnfdSoftwareImageId"] = "VDU1", ["vimSoftwareImageId"] = imageId },
                        new JsonObject { ["vnfdSoftwareImageId"] = "VDU2", ["vimSoftwareImageId"] = imageId }),
                },
                Links = new GrantLinks(new Link("http://nfvo/g"), new Link("http://vnfm/op"), new Link("http://vnfm/i")),
            };
            var untouched = new ImageFile(bytes);
            var planC = PlanVimExtras.WithGrantedAssets(WithFile(CorpusPlans.Instantiate(known, "simple", c, "op-c", ext).Resources, untouched), grant, null);
            await cloud.Driver.InstantiateAsync(vim, planC, Ct);
            Assert.Equal(0, untouched.Opened);
            var serversC = await cloud.Raw.ServersAsync(c);
            Assert.All(serversC, s =>
            {
                Assert.Equal(imageId, s!["image"]!["id"]!.GetValue<string>());
                Assert.Equal(other.Name, s["flavor"]!["original_name"]!.GetValue<string>());
            });

            // 4. terminate: the instances' resources go, the image stays (shared by the project's instances)
            foreach (var id in new[] { a, b, c }) await cloud.Driver.TerminateAsync(vim, CorpusPlans.Tenant, id, Ct);
            foreach (var id in new[] { a, b, c }) await AssertNothingLeftAsync(id);
            Assert.Equal("active", (await cloud.Raw.GetAsync("image", "/v2/images/" + imageId))!["status"]!.GetValue<string>());
        }
        finally
        {
            foreach (var id in new[] { a, b, c }) await cloud.Driver.TerminateAsync(vim, CorpusPlans.Tenant, id, Ct);
            foreach (var i in await ImagesNamedAsync(name))
                await cloud.Raw.SendAsync(HttpMethod.Delete, "image", "/v2/images/" + i!["id"]!.GetValue<string>(), null);
        }
    }

    [Fact]
    public async Task A_file_that_does_not_match_the_declared_checksum_is_refused_and_not_kept()
    {
        cloud.Require();
        var vim = cloud.Vim();
        var ext = await cloud.Raw.NetworkIdAsync(TestCloud.Env("MANO_TEST_OPENSTACK_EXT_NETWORK") ?? "mano-ext");
        var bytes = RandomNumberGenerator.GetBytes(3 * 1024);
        var declared = Convert.ToHexStringLower(SHA256.HashData([.. bytes, 0]));
        var name = "mano-it-badimg-" + NewId()[..8];
        var id = NewId();
        try
        {
            var plan = WithFile(CorpusPlans.Instantiate(LoadPatched(df => WithImage(df, name, declared)), "simple", id, "op-1", ext).Resources, new ImageFile(bytes));
            var e = await Assert.ThrowsAsync<VimException>(() => cloud.Driver.InstantiateAsync(vim, plan, Ct));
            Assert.Equal("glance.ensure_package_image", e.Operation);
            Assert.Contains($"not the {declared} its VNFD declares", e.Message, StringComparison.Ordinal);
            Assert.Empty(await ImagesNamedAsync(name));
            await AssertNothingLeftAsync(id);
        }
        finally
        {
            await cloud.Driver.TerminateAsync(vim, CorpusPlans.Tenant, id, Ct);
            foreach (var i in await ImagesNamedAsync(name))
                await cloud.Raw.SendAsync(HttpMethod.Delete, "image", "/v2/images/" + i!["id"]!.GetValue<string>(), null);
        }
    }

    /// <summary>SSH and ICMP allowed in on both VDUs' CPs (SOL001 SecurityGroupRule, default ether_type ipv4).</summary>
    private const string SecurityRules = """
          policies:
            - sg_ssh:
                type: tosca.policies.nfv.SecurityGroupRule
                targets: [ VDU1_CP1, VDU2_CP1 ]
                properties:
                  direction: ingress
                  protocol: tcp
                  port_range_min: 22
                  port_range_max: 22
            - sg_icmp:
                type: tosca.policies.nfv.SecurityGroupRule
                targets: [ VDU1_CP1, VDU2_CP1 ]
                properties:
                  protocol: icmp
            - sg_vdu1_http:
                type: tosca.policies.nfv.SecurityGroupRule
                targets: [ VDU1_CP1 ]
                properties:
                  direction: ingress
                  protocol: tcp
                  port_range_min: 80
                  port_range_max: 80
        """;

    [Fact]
    public async Task Security_groups_and_the_affinity_server_group_are_made_applied_kept_on_retry_and_removed_at_terminate()
    {
        cloud.Require();
        var vim = cloud.Vim();
        var ext = await cloud.Raw.NetworkIdAsync(TestCloud.Env("MANO_TEST_OPENSTACK_EXT_NETWORK") ?? "mano-ext");
        var image = TestCloud.Env("MANO_TEST_OPENSTACK_IMAGE") ?? "tiny";
        var known = LoadPatched(df => df.Replace("  policies:\n", SecurityRules.Replace("\r", "", StringComparison.Ordinal) + "\n", StringComparison.Ordinal)
            .Replace("name: cirros-0.5.2-x86_64-disk", "name: " + image, StringComparison.Ordinal));
        var flavour = known.Vnfd.FindFlavour("simple")!;
        Assert.Equal(3, flavour.SecurityGroupRules.Count);
        var id = NewId();
        try
        {
            var plan = CorpusPlans.Instantiate(known, "simple", id, "op-1", ext).Resources;
            Assert.Equal(2, plan.SecurityGroups!.Count);
            var sg = Assert.Single(plan.ServerGroups!);
            Assert.Equal("affinity", sg.Policy);
            await cloud.Driver.InstantiateAsync(vim, plan, Ct);
            // a retry (redelivered command) makes nothing twice
            await cloud.Driver.InstantiateAsync(vim, plan with { OpOccId = "op-1-retry" }, Ct);

            var groups = (await cloud.Raw.GetAsync("network", "/v2.0/security-groups?description=" + Uri.EscapeDataString("mano:" + id)))!["security_groups"]!.AsArray();
            Assert.Equal(2, groups.Count);
            string RuleText(JsonNode r) => $"{r["direction"]} {r["ethertype"]} {r["protocol"]} {r["port_range_min"]}-{r["port_range_max"]}";
            var rulesById = groups.ToDictionary(g => g!["id"]!.GetValue<string>(),
                g => g!["security_group_rules"]!.AsArray().Where(r => r!["direction"]!.GetValue<string>() == "ingress").Select(r => RuleText(r!)).Order().ToList());
            var both = rulesById.Single(kv => kv.Value.Count == 2);
            var vdu1Only = rulesById.Single(kv => kv.Value.Count == 1);
            Assert.Equal(["ingress IPv4 icmp -", "ingress IPv4 tcp 22-22"], both.Value);
            Assert.Equal(["ingress IPv4 tcp 80-80"], vdu1Only.Value);

            // ports: VDU1's in both groups, VDU2's in the shared one only (and not in the project's default group)
            var ports = await cloud.Raw.PortsAsync(id);
            Assert.Equal(2, ports.Count);
            foreach (var p in plan.Ports)
            {
                var port = ports.Single(x => x!["tags"]!.AsArray().Any(t => t!.GetValue<string>() == $"{VimTags.ResourceKey}={p.ResourceKey}"))!;
                var attached = port["security_groups"]!.AsArray().Select(x => x!.GetValue<string>()).Order().ToList();
                var expected = (p.CpdId == "VDU1_CP1" ? new[] { both.Key, vdu1Only.Key } : [both.Key]).Order().ToList();
                Assert.Equal(expected, attached);
            }

            // Nova: one affinity group named after the instance and the rule, holding both servers
            var servers = await cloud.Raw.ServersAsync(id);
            Assert.Equal(2, servers.Count);
            var novaGroups = (await cloud.Raw.GetAsync("compute", "/os-server-groups", "2.79"))!["server_groups"]!.AsArray()
                .Where(g => g!["name"]!.GetValue<string>() == $"mano-{id}-{sg.RuleId}").ToList();
            var group = Assert.Single(novaGroups)!;
            Assert.Equal("affinity", group["policy"]!.GetValue<string>());
            Assert.Equal(servers.Select(s => s!["id"]!.GetValue<string>()).Order(), group["members"]!.AsArray().Select(m => m!.GetValue<string>()).Order());

            // a new package version drops VDU1's HTTP rule, then every rule: the groups go, the ports follow
            var sharedKey = plan.SecurityGroups.Single(g => g.CpdIds.Count == 2).ResourceKey;
            var fewer = plan with { OpOccId = "op-2", SecurityGroups = plan.SecurityGroups.Where(g => g.ResourceKey == sharedKey).ToList() };
            await cloud.Driver.ChangeVnfpkgAsync(vim, fewer, Ct);
            Assert.Equal([both.Key], (await cloud.Raw.GetAsync("network", "/v2.0/security-groups?description=" + Uri.EscapeDataString("mano:" + id)))!["security_groups"]!
                .AsArray().Select(g => g!["id"]!.GetValue<string>()));
            Assert.All(await cloud.Raw.PortsAsync(id), port => Assert.Equal([both.Key], port!["security_groups"]!.AsArray().Select(x => x!.GetValue<string>())));
            await cloud.Driver.ChangeVnfpkgAsync(vim, plan with { OpOccId = "op-3", SecurityGroups = [] }, Ct);
            Assert.Empty((await cloud.Raw.GetAsync("network", "/v2.0/security-groups?description=" + Uri.EscapeDataString("mano:" + id)))!["security_groups"]!.AsArray());
            var projectDefault = (await cloud.Raw.GetAsync("network", "/v2.0/security-groups?name=default&project_id=" + cloud.Raw.ProjectId))!["security_groups"]!
                .AsArray().Single()!["id"]!.GetValue<string>();
            Assert.All(await cloud.Raw.PortsAsync(id), port => Assert.Equal([projectDefault], port!["security_groups"]!.AsArray().Select(x => x!.GetValue<string>())));
            Assert.Equal(2, (await cloud.Raw.ServersAsync(id)).Count);

            await cloud.Driver.TerminateAsync(vim, CorpusPlans.Tenant, id, Ct);
            await AssertNothingLeftAsync(id);
        }
        finally
        {
            await cloud.Driver.TerminateAsync(vim, CorpusPlans.Tenant, id, Ct);
        }
    }
}
