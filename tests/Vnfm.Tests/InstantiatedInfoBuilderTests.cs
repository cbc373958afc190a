using System.Net;
using Mano.Contracts;
using Mano.VimAdapters;
using DriverVim = Mano.VimAdapters.VimConnectionInfo;

namespace Mano.Vnfm.Tests;

/// <summary>instantiatedVnfInfo built from resources that a real sandbox VIM created from a real plan.</summary>
public sealed class InstantiatedInfoBuilderTests
{
    private const string Tenant = "tenant-info";
    private const string VimConnectionId = "vim-1";
    private static readonly DriverVim Vim = new("sandbox-1", VimTypes.Sandbox, new Dictionary<string, string>(), new Dictionary<string, string>());

    private sealed record Deployed(SandboxCloud Cloud, LcmPlan Plan, InstantiateVnfRequest Request, IReadOnlyList<VimResource> Resources,
        InstantiatedVnfInfo Info, string ExtNetworkId);

    private static async Task<Deployed> DeployAsync(string? level = null)
    {
        var cloud = new SandboxCloud();
        var ct = TestContext.Current.CancellationToken;
        var ext = await cloud.CreateNetworkAsync(Tenant, new SandboxNetworkSpec("public"), ct);
        await cloud.CreateSubnetAsync(Tenant, new SandboxSubnetSpec("public-v4", ext.ResourceId, "192.168.50.0/24"), ct);
        var instanceId = Guid.NewGuid().ToString();
        var request = new InstantiateVnfRequest
        {
            FlavourId = Helloworld.FlavourId,
            InstantiationLevelId = level,
            ExtVirtualLinks = [new ExtVirtualLinkData { Id = "ext-1", ResourceId = ext.ResourceId, ExtCps = [new VnfExtCpData { CpdId = "CP1" }] }],
        };
        var plan = ResourcePlanner.PlanInstantiate(Tenant, instanceId, "op-1", Helloworld.Known, request);
        var resources = await new SandboxVimDriver(cloud).InstantiateAsync(Vim, plan.Resources, ct);
        var info = InstantiatedInfoBuilder.Build(plan, Helloworld.Flavour, VimConnectionId, resources, request);
        return new Deployed(cloud, plan, request, resources, info, ext.ResourceId);
    }

    private static VimResource Sandbox(Deployed d, VimResourceKind kind, string key) =>
        d.Cloud.QueryResources(Tenant, d.Plan.Resources.VnfInstanceId).Single(r => r.Kind == kind && r.ResourceKey == key);

    [Fact]
    public async Task VNFC_ids_are_the_plan_compute_keys_and_their_handles_the_sandbox_server_ids()
    {
        var d = await DeployAsync();

        var vnfcs = d.Info.VnfcResourceInfo!;
        Assert.Equal(d.Plan.Resources.Computes.Select(c => c.ResourceKey), vnfcs.Select(v => v.Id));
        foreach (var vnfc in vnfcs)
        {
            var server = Sandbox(d, VimResourceKind.Compute, vnfc.Id);
            Assert.Equal(server.ResourceId, vnfc.ComputeResource.ResourceId);
            Assert.Equal(VimConnectionId, vnfc.ComputeResource.VimConnectionId);
            Assert.Equal("sandbox.compute", vnfc.ComputeResource.VimLevelResourceType);
            Assert.Equal(d.Plan.Resources.Computes.Single(c => c.ResourceKey == vnfc.Id).VduId, vnfc.VduId);
            Assert.Equal(Helloworld.VnfdId, vnfc.VnfdId);
            Assert.Equal(SandboxCloud.DefaultZone, vnfc.Metadata!["zone"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Internal_VL_lists_the_sandbox_network_and_a_link_port_per_internal_CP()
    {
        var d = await DeployAsync();

        var vl = Assert.Single(d.Info.VnfVirtualLinkResourceInfo!);
        var network = d.Plan.Resources.Networks.Single();
        Assert.Equal(network.ResourceKey, vl.Id);
        Assert.Equal("internalVL2", vl.VnfVirtualLinkDescId);
        Assert.Equal(Sandbox(d, VimResourceKind.Network, network.ResourceKey).ResourceId, vl.NetworkResource.ResourceId);
        Assert.Equal("sandbox.network", vl.NetworkResource.VimLevelResourceType);

        var internalPorts = d.Plan.Resources.Ports.Where(p => p.NetworkKey is not null).ToList();
        Assert.Equal(["CP2", "CP3"], internalPorts.Select(p => p.CpdId).Order());
        Assert.Equal(internalPorts.Select(p => p.ResourceKey).Order(), vl.VnfLinkPorts.Select(lp => lp.CpInstanceId!).Order());
        foreach (var lp in vl.VnfLinkPorts)
        {
            Assert.Equal(Sandbox(d, VimResourceKind.Port, lp.CpInstanceId!).ResourceId, lp.ResourceHandle.ResourceId);
            Assert.Equal("VNFC_CP", lp.CpInstanceType);
        }

        // The VNFC CPs on the VL name their link port and carry an address of 11.11.0.0/24.
        var cps = d.Info.VnfcResourceInfo!.SelectMany(v => v.VnfcCpInfo!).Where(c => c.CpdId is "CP2" or "CP3").ToList();
        Assert.Equal(2, cps.Count);
        Assert.All(cps, cp =>
        {
            Assert.Contains(vl.VnfLinkPorts, lp => lp.Id == cp.VnfLinkPortId);
            Assert.Null(cp.VnfExtCpId);
            var ip = Assert.Single(cp.CpProtocolInfo!.Single().IpOverEthernet!.IpAddresses!.Single().Addresses!);
            Assert.True(IPNetwork.Parse("11.11.0.0/24").Contains(IPAddress.Parse(ip)), $"{ip} is not in 11.11.0.0/24");
        });
    }

    [Fact]
    public async Task External_CP1_appears_in_extCpInfo_with_the_address_from_the_external_network()
    {
        var d = await DeployAsync();

        var ext = Assert.Single(d.Info.ExtCpInfo);
        var cp1Port = d.Plan.Resources.Ports.Single(p => p.CpdId == "CP1");
        var sandboxPort = Sandbox(d, VimResourceKind.Port, cp1Port.ResourceKey);
        Assert.Equal(d.ExtNetworkId, sandboxPort.Attributes[VimAttributes.NetworkId]);
        Assert.Equal("CP1", ext.CpdId);
        Assert.Equal("default", ext.CpConfigId);
        Assert.Equal(cp1Port.ResourceKey, ext.AssociatedVnfcCpId);
        var protocol = Assert.Single(ext.CpProtocolInfo);
        Assert.Equal("IP_OVER_ETHERNET", protocol.LayerProtocol);
        Assert.Equal(sandboxPort.Attributes[VimAttributes.MacAddress], protocol.IpOverEthernet!.MacAddress);
        var address = Assert.Single(protocol.IpOverEthernet.IpAddresses!);
        Assert.Equal("IPV4", address.Type);
        var ip = Assert.Single(address.Addresses!);
        Assert.Equal(sandboxPort.Attributes[VimAttributes.IpAddress], ip);
        Assert.True(IPNetwork.Parse("192.168.50.0/24").Contains(IPAddress.Parse(ip)), $"{ip} is not in the external 192.168.50.0/24");

        // The VNFC CP points at the ext CP, and is on no internal VL.
        var vnfcCp = d.Info.VnfcResourceInfo!.SelectMany(v => v.VnfcCpInfo!).Single(c => c.CpdId == "CP1");
        Assert.Equal(ext.Id, vnfcCp.VnfExtCpId);
        Assert.Null(vnfcCp.VnfLinkPortId);
    }

    [Fact]
    public async Task Storage_of_VDU2_is_listed_with_the_sandbox_volume_id_and_linked_from_its_VNFC()
    {
        var d = await DeployAsync("instantiation_level_2");

        var storages = d.Info.VnfVirtualStorageResourceInfo!;
        Assert.Equal(3, storages.Count);
        Assert.Equal(d.Plan.Resources.Volumes.Select(v => v.ResourceKey), storages.Select(s => s.Id));
        foreach (var s in storages)
        {
            Assert.Equal("VirtualStorage", s.VirtualStorageDescId);
            Assert.Equal(Sandbox(d, VimResourceKind.Volume, s.Id).ResourceId, s.StorageResource.ResourceId);
            var owner = d.Plan.Resources.Volumes.Single(v => v.ResourceKey == s.Id).ComputeKey;
            Assert.Equal([s.Id], d.Info.VnfcResourceInfo!.Single(v => v.Id == owner).StorageResourceIds!);
        }
        Assert.Null(d.Info.VnfcResourceInfo!.Single(v => v.VduId == "VDU1").StorageResourceIds);
    }

    [Fact]
    public async Task Flavour_scale_status_and_max_levels_come_from_the_plan_and_VNFD()
    {
        var d = await DeployAsync("instantiation_level_2");

        Assert.Equal("simple", d.Info.FlavourId);
        Assert.Equal("STARTED", d.Info.VnfState);
        Assert.Equal([new ScaleInfo("worker_instance", 2, Helloworld.VnfdId)], d.Info.ScaleStatus);
        Assert.Equal([new ScaleInfo("worker_instance", 2, Helloworld.VnfdId)], d.Info.MaxScaleLevels);
    }

    [Fact]
    public async Task Changes_report_every_VNFC_VL_and_storage_with_the_change_type()
    {
        var d = await DeployAsync();

        var changes = InstantiatedInfoBuilder.Changes(d.Info, "ADDED");

        Assert.Equal(d.Info.VnfcResourceInfo!.Select(v => (v.Id, v.ComputeResource.ResourceId)),
            changes.AffectedVnfcs!.Select(v => (v.Id, v.ComputeResource.ResourceId)));
        Assert.All(changes.AffectedVnfcs!, v => Assert.Equal("ADDED", v.ChangeType));
        Assert.Equal(["CP1", "CP2"], changes.AffectedVnfcs!.Single(v => v.VduId == "VDU1").AffectedVnfcCpIds!
            .Select(id => d.Plan.Resources.Ports.Single(p => p.ResourceKey == id).CpdId).Order());
        Assert.Equal("ADDED", Assert.Single(changes.AffectedVirtualLinks!).ChangeType);
        Assert.Equal("ADDED", Assert.Single(changes.AffectedVirtualStorages!).ChangeType);
    }

    [Fact]
    public async Task A_planned_resource_the_VIM_does_not_hold_is_an_error_not_a_silent_gap()
    {
        var d = await DeployAsync();
        var missing = d.Plan.Resources.Volumes.Single().ResourceKey;
        var partial = d.Resources.Where(r => r.ResourceKey != missing).ToList();

        var e = Assert.Throws<InvalidOperationException>(() =>
            InstantiatedInfoBuilder.Build(d.Plan, Helloworld.Flavour, VimConnectionId, partial, d.Request));
        Assert.Contains(missing, e.Message);
    }
}
