using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Mano.Contracts;
using Mano.Tosca;
using Mano.VimAdapters;
using Microsoft.Extensions.DependencyInjection;

namespace Mano.Vnfm.Tests;

/// <summary>ADR-0014 on the VNFM side: images, security groups and server groups in the plan, the grant's vimAssets.</summary>
public sealed class PlanVimExtrasTests
{
    private const string Tenant = "tenant-a";
    private const string InstanceId = "0a1b2c3d-0000-4000-8000-000000000001";

    private static InstantiateVnfRequest Request => new() { FlavourId = Helloworld.FlavourId };

    /// <summary>Helloworld with extra policies in its df (the corpus copy has no security group or affinity rule).</summary>
    private static KnownVnfd WithPolicies(string policies)
    {
        var files = Helloworld.Package.VnfdFiles.ToDictionary(kv => kv.Key, kv => kv.Value);
        var df = files.Keys.Single(k => k.EndsWith("helloworld3_df_simple.yaml", StringComparison.Ordinal));
        files[df] = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(files[df]).Replace("  policies:\n", "  policies:\n" + policies, StringComparison.Ordinal));
        var parsed = VnfdParser.Parse(files, Helloworld.Package.EntryDefinitions);
        Assert.False(parsed.HasErrors, string.Join("; ", parsed.Diagnostics.Select(d => d.ToString())));
        return new KnownVnfd(Helloworld.Package with { VnfdFiles = files }, parsed.Vnfd!);
    }

    private const string Rules = """
            - ssh_in:
                type: tosca.policies.nfv.SecurityGroupRule
                targets: [ CP1, CP2 ]
                properties:
                  protocol: tcp
                  port_range_min: 22
                  port_range_max: 22
            - icmp_in:
                type: tosca.policies.nfv.SecurityGroupRule
                targets: [ CP2, CP1 ]
                properties:
                  protocol: icmp
            - web_out:
                type: tosca.policies.nfv.SecurityGroupRule
                targets: [ CP3 ]
                properties:
                  direction: egress
                  ether_type: ipv6
                  protocol: tcp
                  port_range_min: 443
                  port_range_max: 443
            - spread_vdu1:
                type: tosca.policies.nfv.AntiAffinityRule
                targets: [ VDU1 ]
                properties:
                  scope: nfvi_node
            - zone_vdu2:
                type: tosca.policies.nfv.AffinityRule
                targets: [ VDU2 ]
                properties:
                  scope: zone

        """;

    [Fact]
    public void A_VDU_plans_its_sw_image_data_and_the_package_path_of_its_image_file()
    {
        var plan = ResourcePlanner.PlanInstantiate(Tenant, InstanceId, "op-1", Helloworld.Known, Request);
        var vdu1 = plan.Resources.Computes.Single(c => c.VduId == "VDU1");
        var image = vdu1.Image!;
        var declared = Helloworld.Flavour.Vdus.Single(v => v.Id == "VDU1").SwImage!;
        Assert.Equal("Software of VDU1", image.Name);
        Assert.Equal("0.5.2", image.Version);
        Assert.Equal(declared.ChecksumAlgorithm, image.ChecksumAlgorithm);
        Assert.Equal(declared.ChecksumHash, image.ChecksumHash);
        Assert.Equal(declared.DiskFormat, image.DiskFormat);
        Assert.Equal(declared.MinRamBytes, image.MinRamBytes);
        Assert.Equal("Files/images/cirros-0.5.2-x86_64-disk.img", image.ArtifactPath);
        Assert.Null(image.Open); // attached by the runner, never planned or persisted
        Assert.Equal(image.Name, vdu1.ImageName);
    }

    [Fact]
    public void The_persisted_plan_keeps_image_metadata_and_drops_the_opener()
    {
        var plan = ResourcePlanner.PlanInstantiate(Tenant, InstanceId, "op-1", Helloworld.Known, Request);
        var opened = plan with
        {
            Resources = plan.Resources with
            {
                Computes = plan.Resources.Computes.Select(c => c.Image is null ? c : c with { Image = c.Image with { Open = _ => Task.FromResult<Stream>(new MemoryStream()) } }).ToList(),
            },
        };
        var back = SolJson.Deserialize<LcmPlan>(SolJson.Serialize(opened));
        var vdu1 = back.Resources.Computes.Single(c => c.VduId == "VDU1");
        Assert.Null(vdu1.Image!.Open);
        Assert.Equal(plan.Resources.Computes.Single(c => c.VduId == "VDU1").Image! with { Open = null }, vdu1.Image);
    }

    [Fact]
    public void Security_group_rules_with_the_same_targets_form_one_group_whose_key_is_stable_across_plans()
    {
        var known = WithPolicies(Rules);
        var flavour = known.Vnfd.FindFlavour(Helloworld.FlavourId)!;
        var plan = ResourcePlanner.PlanInstantiate(Tenant, InstanceId, "op-1", known, Request);

        var groups = plan.Resources.SecurityGroups!;
        Assert.Equal(2, groups.Count);
        var shared = groups.Single(g => g.CpdIds.Count == 2);
        Assert.Equal(["CP1", "CP2"], shared.CpdIds);
        Assert.Equal(["icmp_in", "ssh_in"], shared.Rules.Select(r => r.RuleId).Order());
        var ssh = shared.Rules.Single(r => r.RuleId == "ssh_in");
        Assert.Equal(("ingress", "ipv4", "tcp", 22, 22), (ssh.Direction, ssh.EtherType, ssh.Protocol, ssh.PortRangeMin, ssh.PortRangeMax));
        var web = groups.Single(g => g.CpdIds.SequenceEqual(["CP3"])).Rules.Single();
        Assert.Equal(("egress", "ipv6", 443), (web.Direction, web.EtherType, web.PortRangeMin));

        // a later operation's plan (scale out) keeps the same groups under the same keys
        var scaled = ResourcePlanner.PlanScale(plan, flavour, new Dictionary<string, int> { ["worker_instance"] = 1 }, "op-2");
        Assert.Equal(groups.Select(g => g.ResourceKey).Order(), scaled.Resources.SecurityGroups!.Select(g => g.ResourceKey).Order());
        Assert.True(scaled.Resources.Computes.Count > plan.Resources.Computes.Count);
    }

    [Fact]
    public void Only_nfvi_node_affinity_rules_become_server_groups()
    {
        var plan = ResourcePlanner.PlanInstantiate(Tenant, InstanceId, "op-1", WithPolicies(Rules), Request);
        var group = Assert.Single(plan.Resources.ServerGroups!);
        Assert.Equal(("spread_vdu1", "anti-affinity"), (group.RuleId, group.Policy));
        Assert.Equal(["VDU1"], group.VduIds);

        var plain = ResourcePlanner.PlanInstantiate(Tenant, InstanceId, "op-1", Helloworld.Known, Request);
        Assert.Empty(plain.Resources.ServerGroups!);
        Assert.Empty(plain.Resources.SecurityGroups!);
    }

    [Fact]
    public void Grant_vimAssets_give_the_VDUs_their_flavour_and_image_ids_and_entries_of_other_VIMs_are_ignored()
    {
        var plan = ResourcePlanner.PlanInstantiate(Tenant, InstanceId, "op-1", Helloworld.Known, Request).Resources;
        var grant = new Grant
        {
            Id = "g-1", VnfInstanceId = InstanceId, VnfLcmOpOccId = "op-1",
            VimAssets = new JsonObject
            {
                ["computeResourceFlavours"] = new JsonArray(
                    new JsonObject { ["vimConnectionId"] = "vim-1", ["vnfdVirtualComputeDescId"] = "VDU1", ["vimFlavourId"] = "flavor-1" },
                    new JsonObject { ["vimConnectionId"] = "vim-2", ["vnfdVirtualComputeDescId"] = "VDU2", ["vimFlavourId"] = "flavor-elsewhere" },
                    new JsonObject { ["vnfdVirtualComputeDescId"] = "VDU2", ["vimFlavourId"] = "flavor-2" }),
                ["softwareImages"] = new JsonArray(
                    new JsonObject { ["vnfdSoftwareImageId"] = "VDU1", ["vimSoftwareImageId"] = "image-1" }),
            },
            Links = new GrantLinks(new Link("http://nfvo/g"), new Link("http://vnfm/op"), new Link("http://vnfm/i")),
        };

        var granted = PlanVimExtras.WithGrantedAssets(plan, grant, "vim-1");

        var vdu1 = granted.Computes.Single(c => c.VduId == "VDU1");
        var vdu2 = granted.Computes.Single(c => c.VduId == "VDU2");
        Assert.Equal(("flavor-1", "image-1"), (vdu1.VimFlavourId, vdu1.VimImageId));
        Assert.Equal(("flavor-2", (string?)null), (vdu2.VimFlavourId, vdu2.VimImageId));
        Assert.Same(plan, PlanVimExtras.WithGrantedAssets(plan, grant with { VimAssets = null }, "vim-1"));
    }
}

/// <summary>The VNFM's chunked stream of a package file, over the bus to a stubbed NFVO.</summary>
public sealed class PackageImageStreamTests(SqliteVnfmDatabase db) : IClassFixture<SqliteVnfmDatabase>, IAsyncLifetime
{
    private VnfmWorld? _world;
    private VnfmWorld World => _world!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _world = await VnfmWorld.StartAsync(db);

    public async ValueTask DisposeAsync()
    {
        if (_world is not null) await _world.DisposeAsync();
    }

    [Fact]
    public async Task A_package_image_is_read_in_4_MiB_chunks_and_a_missing_file_keeps_the_lookup_by_name()
    {
        var bytes = RandomNumberGenerator.GetBytes(9 * 1024 * 1024 + 123);
        const string path = "Files/images/cirros-0.5.2-x86_64-disk.img";
        World.Nfvo.Files[(Helloworld.VnfdId, path)] = bytes;
        var plan = ResourcePlanner.PlanInstantiate("t-1", "i-1", "op-1", Helloworld.Known, new InstantiateVnfRequest { FlavourId = Helloworld.FlavourId }).Resources;
        var streams = World.Services.GetRequiredService<PackageImageStreams>();

        // Attaching asks the NFVO nothing: only a driver that needs the bytes opens the image (and then asks).
        var requestsBefore = World.Nfvo.ChunkRequests;
        var attached = streams.Attach(plan, "t-1", Helloworld.VnfdId);
        Assert.Equal(requestsBefore, World.Nfvo.ChunkRequests);

        var vdu1 = attached.Computes.Single(c => c.VduId == "VDU1");
        Assert.NotNull(vdu1.Image!.Open);
        // Every image that names a package file gets an opener; VDU2's file is not in the stub: opening it says so.
        Assert.All(attached.Computes.Where(c => c.Image?.ArtifactPath is not null), c => Assert.NotNull(c.Image!.Open));
        if (attached.Computes.FirstOrDefault(c => c.Image is { ArtifactPath: { } other } && other != path) is { } vdu2)
            await Assert.ThrowsAsync<FileNotFoundException>(() => vdu2.Image!.Open!(Ct));
        var before = World.Nfvo.ChunkRequests;
        await using var stream = await vdu1.Image.Open!(Ct);
        Assert.False(stream.CanSeek);
        using var copy = new MemoryStream();
        var buffer = new byte[100_000];
        int n;
        while ((n = await stream.ReadAsync(buffer, Ct)) > 0) copy.Write(buffer, 0, n);
        Assert.Equal(SHA256.HashData(bytes), SHA256.HashData(copy.ToArray()));
        Assert.Equal(4, World.Nfvo.ChunkRequests - before); // the open's probe, then 4 + 4 + 1.0001 MiB: one request per chunk
        Assert.Equal(bytes.Length, stream.Length);

        // A file the package does not hold: FileNotFoundException, so the driver falls back to the image name.
        World.Nfvo.Files.Clear();
        await Assert.ThrowsAsync<FileNotFoundException>(() => streams.Attach(plan, "t-1", Helloworld.VnfdId).Computes.Single(c => c.VduId == "VDU1").Image!.Open!(Ct));
    }
}
