using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Mano.Tosca;
using Mano.VimAdapters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mano.Vnfm.Tests;

/// <summary>
/// The VNFM's REST grant client (SOL003 9.4.2 / 9.4.3) against an independent fake third-party NFVO: synchronous 201,
/// asynchronous 202 + polling, 403 rejections, failures and timeouts, HTTP Basic and OAuth 2.0 client credentials.
/// Every request the client sends and every body the fake answers is checked against the SOL003 grant document.
/// </summary>
public sealed class GrantClientTests : IAsyncLifetime
{
    private const string Api = "SOL003/VNFLifecycleOperationGranting";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private FakeExternalNfvo _nfvo = null!;
    private readonly ServiceProvider _services = new ServiceCollection().AddHttpClient().BuildServiceProvider();

    public async ValueTask InitializeAsync() => _nfvo = await FakeExternalNfvo.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _nfvo.DisposeAsync();
        await _services.DisposeAsync();
    }

    private RestGrantClient Client(Action<NfvoConnectionOptions>? configure = null)
    {
        var options = new NfvoConnectionOptions { Mode = "Rest", GrantUri = _nfvo.GrantApiRoot, TimeoutSeconds = 10, PollIntervalSeconds = 0.05 };
        configure?.Invoke(options);
        options.Validate();
        return new RestGrantClient(_services.GetRequiredService<IHttpClientFactory>(), options, NullLogger<RestGrantClient>.Instance);
    }

    public static GrantRequest Request(string? opOcc = null) => new()
    {
        VnfInstanceId = "inst-1",
        VnfLcmOpOccId = opOcc ?? Guid.NewGuid().ToString(),
        VnfdId = "vnfd-1",
        FlavourId = "simple",
        Operation = LcmOperationType.Instantiate,
        IsAutomaticInvocation = false,
        AddResources =
        [
            new ResourceDefinition { Id = "vnfc-1", Type = "COMPUTE", VduId = "VDU1", VnfdId = "vnfd-1", ResourceTemplateId = "VDU1" },
            new ResourceDefinition { Id = "vnfc-2", Type = "COMPUTE", VduId = "VDU1", VnfdId = "vnfd-1", ResourceTemplateId = "VDU1" },
            new ResourceDefinition { Id = "vl-1", Type = "VL", VnfdId = "vnfd-1", ResourceTemplateId = "internalVL1" },
        ],
        PlacementConstraints =
        [
            new PlacementConstraint
            {
                AffinityOrAntiAffinity = PlacementConstraintType.AntiAffinity, Scope = PlacementScope.Zone,
                Resource = [ConstraintResourceRef.Grant("vnfc-1"), ConstraintResourceRef.Grant("vnfc-2")],
            },
        ],
        Links = new GrantRequestLinks(new Link("http://vnfm.test/vnflcm/v2/vnf_lcm_op_occs/x"), new Link("http://vnfm.test/vnflcm/v2/vnf_instances/inst-1")),
    };

    private void AssertExchangesValid()
    {
        Assert.NotEmpty(_nfvo.Requests);
        foreach (var request in _nfvo.Requests) SolSchemas.AssertValidRequest(Api, "POST", "/grants", request.ToJsonString());
        foreach (var (method, path, status, body) in _nfvo.Responses.Where(r => r.Body.Length > 0))
            SolSchemas.AssertValid(Api, method, path, status, body);
    }

    [Fact]
    public async Task A_synchronous_NFVO_answers_201_with_the_grant()
    {
        var request = Request();
        var result = await Client().RequestAsync("t", request, Ct);

        var grant = Assert.IsType<Grant>(result.Grant);
        Assert.Null(result.Rejection);
        Assert.Equal(request.VnfLcmOpOccId, grant.VnfLcmOpOccId);
        Assert.Equal("external-vim", Assert.Single(grant.VimConnectionInfo!).Key);
        Assert.Equal(["vnfc-1", "vnfc-2", "vl-1"], grant.AddResources!.Select(r => r.ResourceDefinitionId));
        var sent = Assert.Single(_nfvo.Requests);
        Assert.Equal("ANTI_AFFINITY", sent["placementConstraints"]![0]!["affinityOrAntiAffinity"]!.GetValue<string>());
        Assert.Equal("GRANT", sent["placementConstraints"]![0]!["resource"]![0]!["idType"]!.GetValue<string>());
        AssertExchangesValid();
    }

    [Fact]
    public async Task An_asynchronous_NFVO_answers_202_and_is_polled_until_the_grant_is_there()
    {
        _nfvo.Async = true;
        _nfvo.PendingPolls = 3;
        var result = await Client().RequestAsync("t", Request(), Ct);

        Assert.NotNull(result.Grant);
        Assert.Equal(4, _nfvo.Responses.Count(r => r.Method == "GET"));
        Assert.Equal(3, _nfvo.Responses.Count(r => r is { Method: "GET", Status: 202 }));
        AssertExchangesValid();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_rejection_is_the_NFVO_s_403_problem(bool async)
    {
        _nfvo.Async = async;
        _nfvo.Reject = _ => "no capacity left in region north";
        var result = await Client().RequestAsync("t", Request(), Ct);

        Assert.Null(result.Grant);
        Assert.Equal(403, result.Rejection?.Status);
        Assert.Equal("no capacity left in region north", result.Rejection?.Detail);
        AssertExchangesValid();
    }

    [Fact]
    public async Task A_decision_that_never_comes_times_out_with_the_reason()
    {
        _nfvo.Async = true;
        _nfvo.NeverDecide = true;
        var e = await Assert.ThrowsAsync<ServiceUnavailableProblem>(() => Client(o => o.TimeoutSeconds = 1).RequestAsync("t", Request(), Ct));
        Assert.Contains("did not decide the grant within 1 s", e.Message);
    }

    [Fact]
    public async Task An_erring_or_unreachable_NFVO_is_a_clear_failure()
    {
        _nfvo.FailWith = 500;
        var e = await Assert.ThrowsAsync<ServiceUnavailableProblem>(() => Client().RequestAsync("t", Request(), Ct));
        Assert.Contains("answered 500 to POST", e.Message);
        Assert.Contains("told to fail", e.Message);

        var port = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        port.Start();
        var free = ((System.Net.IPEndPoint)port.LocalEndpoint).Port;
        port.Stop();
        var unreachable = await Assert.ThrowsAsync<ServiceUnavailableProblem>(() =>
            Client(o => o.GrantUri = $"http://127.0.0.1:{free}/grant/v1").RequestAsync("t", Request(), Ct));
        Assert.Contains("could not be reached", unreachable.Message);
    }

    [Fact]
    public async Task Basic_authentication_is_sent_and_wrong_credentials_are_reported()
    {
        _nfvo.Basic = ("vnfm", "s3cret");
        var ok = await Client(o => { o.Auth = "Basic"; o.Username = "vnfm"; o.Password = "s3cret"; }).RequestAsync("t", Request(), Ct);
        Assert.NotNull(ok.Grant);

        var e = await Assert.ThrowsAsync<ServiceUnavailableProblem>(() =>
            Client(o => { o.Auth = "Basic"; o.Username = "vnfm"; o.Password = "hunter2x"; }).RequestAsync("t", Request(), Ct));
        Assert.Contains("answered 401", e.Message);
        Assert.DoesNotContain("hunter2x", e.Message);
    }

    [Fact]
    public async Task OAuth2_client_credentials_get_one_token_for_many_requests()
    {
        var clientId = "vnfm-" + Guid.NewGuid().ToString("N")[..6];
        _nfvo.OAuth2 = (clientId, "pa55");
        _nfvo.Async = true;
        _nfvo.PendingPolls = 1;
        var client = Client(o => { o.Auth = "OAuth2"; o.ClientId = clientId; o.ClientSecret = "pa55"; o.TokenEndpoint = $"{_nfvo.BaseUrl}/token"; });

        Assert.NotNull((await client.RequestAsync("t", Request(), Ct)).Grant);
        Assert.NotNull((await client.RequestAsync("t", Request(), Ct)).Grant);
        Assert.Equal(1, _nfvo.TokensIssued);
    }

    [Fact]
    public void The_connection_settings_are_validated_at_start_up()
    {
        Assert.Contains("GrantUri", Assert.Throws<InvalidOperationException>(() => new NfvoConnectionOptions { Mode = "Rest" }.Validate()).Message);
        Assert.Contains("Bus or Rest", Assert.Throws<InvalidOperationException>(() => new NfvoConnectionOptions { Mode = "Carrier-pigeon" }.Validate()).Message);
        Assert.Contains("Username", Assert.Throws<InvalidOperationException>(() =>
            new NfvoConnectionOptions { Mode = "Rest", GrantUri = "http://nfvo/grant/v1", Auth = "Basic" }.Validate()).Message);
        Assert.Contains("TokenEndpoint", Assert.Throws<InvalidOperationException>(() =>
            new NfvoConnectionOptions { Mode = "Rest", GrantUri = "http://nfvo/grant/v1", Auth = "OAuth2", ClientId = "c", ClientSecret = "s" }.Validate()).Message);
        Assert.Equal("http://nfvo/grant/v1/grants", new NfvoConnectionOptions { GrantUri = "http://nfvo/grant/v1/" }.GrantsUri().ToString());
        Assert.Equal("http://nfvo/grant/v1/grants", new NfvoConnectionOptions { GrantUri = "http://nfvo/grant/v1/grants" }.GrantsUri().ToString());
    }
}

/// <summary>Placement constraints of a grant request, from the VNFD flavour's affinity / anti-affinity rules (SOL003 9.5.3.6).</summary>
public sealed class GrantPlacementTests
{
    private static VnfDeploymentFlavour Flavour(params PlacementRule[] rules) =>
        new("simple", null,
            [Vdu("VDU1"), Vdu("VDU2")], [], [], [], [], [], null, [])
        {
            PlacementRules = rules,
        };

    private static Vdu Vdu(string id) => new(id, id, null, 1, 3, 1, 1, 512, [], null, []);

    private static LcmPlan Plan(params (string Key, string Vdu)[] computes) =>
        new("vnfd-1", "simple", null,
            new VnfResourcePlan("t", "inst-1", "op-1", [], computes.Select(c => new PlannedCompute(c.Key, c.Vdu, c.Key, 1, 512, null, null)).ToList(), [], []),
            []);

    private static ResourceDefinition Compute(string id, string vdu) => new() { Id = id, Type = "COMPUTE", VduId = vdu, ResourceTemplateId = vdu };

    private static InstantiatedVnfInfo Existing(params (string Key, string Vdu, string VimId)[] vnfcs) => new()
    {
        FlavourId = "simple",
        VnfState = "STARTED",
        ExtCpInfo = [],
        VnfcResourceInfo = vnfcs.Select(v => new VnfcResourceInfo
        {
            Id = v.Key, VduId = v.Vdu, ComputeResource = new ResourceHandle { ResourceId = v.VimId, VimConnectionId = "vim-1" },
        }).ToList(),
    };

    [Fact]
    public void A_zone_anti_affinity_rule_covers_the_new_VNFCs_by_definition_and_the_existing_ones_by_VIM_id()
    {
        var flavour = Flavour(new PlacementRule("spread", false, "zone", ["VDU1"], ["VDU1"], []));
        var plan = Plan(("a", "VDU1"), ("b", "VDU1"), ("c", "VDU1"), ("d", "VDU2"));

        var constraints = GrantPlacement.Constraints(flavour, plan, [Compute("c", "VDU1"), Compute("d", "VDU2")],
            Existing(("a", "VDU1", "srv-a"), ("b", "VDU1", "srv-b")), fallbackBestEffort: false);

        var c = Assert.Single(constraints!);
        Assert.Equal(PlacementConstraintType.AntiAffinity, c.AffinityOrAntiAffinity);
        Assert.Equal(PlacementScope.Zone, c.Scope);
        Assert.Null(c.FallbackBestEffort);
        Assert.Equal(
            [ConstraintResourceRef.ResMgmt("srv-a", "vim-1"), ConstraintResourceRef.ResMgmt("srv-b", "vim-1"), ConstraintResourceRef.Grant("c")],
            c.Resource);
        var json = SolJson.Serialize(new GrantRequest
        {
            VnfInstanceId = "i", VnfLcmOpOccId = "o", VnfdId = "vnfd-1", Operation = "SCALE", IsAutomaticInvocation = false,
            AddResources = [Compute("c", "VDU1")], PlacementConstraints = constraints,
            Links = new GrantRequestLinks(new Link("http://x/o"), new Link("http://x/i")),
        });
        SolSchemas.AssertValidRequest("SOL003/VNFLifecycleOperationGranting", "POST", "/grants", json);
    }

    [Fact]
    public void Scopes_map_to_SOL003_and_rules_with_fewer_than_two_members_or_nothing_new_are_left_out()
    {
        var flavour = Flavour(
            new PlacementRule("hosts", false, "nfvi_node", ["VDU1", "VDU2"], ["VDU1", "VDU2"], []),
            new PlacementRule("together", true, "nfvi_pop", ["VDU2"], ["VDU2"], []),
            new PlacementRule("links", true, "zone", ["VL1"], [], ["VL1"]));
        var plan = Plan(("a", "VDU1"), ("b", "VDU2"));

        var constraints = GrantPlacement.Constraints(flavour, plan, [Compute("a", "VDU1"), Compute("b", "VDU2")], null, fallbackBestEffort: true);

        var c = Assert.Single(constraints!);
        Assert.Equal(PlacementScope.NfviNode, c.Scope);
        Assert.True(c.FallbackBestEffort);
        Assert.Equal(["a", "b"], c.Resource.Select(r => r.ResourceId));
        Assert.Null(GrantPlacement.Constraints(flavour, plan, [], null, false));
        Assert.Equal(PlacementScope.ZoneGroup, GrantPlacement.Scope("zone_group"));
        Assert.Null(GrantPlacement.Scope("network_link_and_node"));
    }

    [Fact]
    public void Removed_and_updated_resources_carry_their_VIM_handles()
    {
        var info = SolJson.Serialize(Existing(("a", "VDU1", "srv-a")));
        var defs = GrantPlacement.WithHandles([Compute("a", "VDU1"), Compute("zz", "VDU1")], info)!;
        Assert.Equal("srv-a", defs[0].Resource?.ResourceId);
        Assert.Null(defs[1].Resource);
    }
}
