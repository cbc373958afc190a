using System.Net;
using System.Net.Http.Json;
using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mano.Nfvo.Tests;

/// <summary>The NFVO on TestServer as the Host composes it, with Nfvo:Grants:Async on or off; "X-Test-Tenant" picks the tenant.</summary>
public abstract class GrantApiHost(bool async) : IAsyncLifetime
{
    private readonly SqliteNfvoDatabase _db = new();
    private WebApplication? _app;

    public HttpClient Client(string tenant)
    {
        var client = _app!.GetTestClient();
        client.DefaultRequestHeaders.Add("X-Test-Tenant", tenant);
        return client;
    }

    /// <summary>Registers the sandbox VIM for a tenant (what start-up does for the default tenant).</summary>
    public async Task SeedAsync(string tenant)
    {
        await using var scope = _app!.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
        await scope.ServiceProvider.GetRequiredService<VimRegistry>().SeedSandboxAsync(CancellationToken.None);
    }

    /// <summary>Runs work in a DI scope acting for a tenant (VIMs, NS placement pins).</summary>
    public async Task InTenantAsync(string tenant, Func<IServiceProvider, Task> work)
    {
        await using var scope = _app!.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
        await work(scope.ServiceProvider);
    }

    public async ValueTask InitializeAsync()
    {
        await ((IAsyncLifetime)_db).InitializeAsync();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Nfvo:ApiRoot"] = "http://nfvo.test",
            ["Nfvo:Grants:Async"] = async ? "true" : "false",
            ["Auth:DefaultTenant"] = "default",
        });
        builder.Services.AddSingleton<WorkSignal>();
        builder.Services.AddSingleton<WorkSignalInterceptor>();
        builder.Services.AddScoped<TenantContext>();
        builder.Services.AddNfvo(builder.Configuration, _db.Settings);
        builder.Services.AddMassTransit(x =>
        {
            x.AddNfvoConsumers();
            x.UsingInMemory((ctx, cfg) => cfg.ConfigureEndpoints(ctx));
        });
        builder.Services.AddExceptionHandler<SolExceptionHandler>();
        builder.Services.AddProblemDetails();
        _app = builder.Build();
        _app.UseExceptionHandler();
        _app.Use((ctx, next) =>
        {
            if (ctx.Request.Headers["X-Test-Tenant"].FirstOrDefault() is { } t)
                ctx.RequestServices.GetRequiredService<TenantContext>().Set(t);
            return next(ctx);
        });
        _app.MapNfvoApis();
        await _app.Services.MigrateNfvoAsync(CancellationToken.None);
        await _app.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await ((IAsyncLifetime)_db).DisposeAsync();
    }
}

public sealed class SyncGrantApiHost() : GrantApiHost(async: false);

public sealed class AsyncGrantApiHost() : GrantApiHost(async: true);

/// <summary>SOL003 9.4.2 / 9.4.3 served by Mano's NFVO; every body checked against the SOL003 grant document.</summary>
public abstract class GrantApiTests(GrantApiHost host)
{
    private const string Api = "SOL003/VNFLifecycleOperationGranting";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _tenant = "rest-" + Guid.NewGuid().ToString("N")[..10];
    protected string Tenant => _tenant;

    protected async Task<HttpClient> ClientAsync()
    {
        await host.SeedAsync(_tenant);
        return host.Client(_tenant);
    }

    protected static GrantRequest Request(string operation = LcmOperationType.Scale, string vnfdId = "vnfd-1", bool refused = false) => new()
    {
        VnfInstanceId = "inst-" + Guid.NewGuid().ToString("N")[..6],
        VnfLcmOpOccId = Guid.NewGuid().ToString(),
        VnfdId = vnfdId,
        Operation = operation,
        IsAutomaticInvocation = false,
        AddResources =
        [
            new ResourceDefinition { Id = "c1", Type = "COMPUTE", VduId = "VDU1", ResourceTemplateId = "VDU1" },
            new ResourceDefinition { Id = "c2", Type = "COMPUTE", VduId = "VDU1", ResourceTemplateId = "VDU1" },
        ],
        PlacementConstraints = refused
            ? [new PlacementConstraint
            {
                AffinityOrAntiAffinity = PlacementConstraintType.AntiAffinity, Scope = PlacementScope.Zone,
                Resource = [ConstraintResourceRef.Grant("c1"), ConstraintResourceRef.Grant("c2")],
            }]
            : null,
        Links = new GrantRequestLinks(new Link("http://vnfm.test/vnflcm/v2/vnf_lcm_op_occs/x"), new Link("http://vnfm.test/vnflcm/v2/vnf_instances/i")),
    };

    protected static async Task<string> ValidAsync(HttpResponseMessage response, string method, string path)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(GrantApi.Version, response.Headers.GetValues("Version").Single());
        SolSchemas.AssertValid(Api, method, path, (int)response.StatusCode, body);
        return body;
    }

    protected static async Task<HttpResponseMessage> PostAsync(HttpClient client, GrantRequest request)
    {
        SolSchemas.AssertValidRequest(Api, "POST", "/grants", SolJson.Serialize(request));
        return await client.PostAsJsonAsync("/grant/v1/grants", request, SolJson.Options, Ct);
    }

    /// <summary>GET the individual grant until it is no longer 202.</summary>
    protected static async Task<HttpResponseMessage> PollAsync(HttpClient client, Uri location)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var response = await client.GetAsync(location, Ct);
            if (response.StatusCode != HttpStatusCode.Accepted) return response;
            Assert.Empty(await response.Content.ReadAsStringAsync(Ct));
            Assert.True(DateTime.UtcNow < deadline, "the grant is still being decided");
            await Task.Delay(50, Ct);
        }
    }

    [Fact]
    public async Task Unknown_grants_other_tenants_grants_and_bad_requests_are_problems()
    {
        var client = await ClientAsync();
        var unknown = await client.GetAsync("/grant/v1/grants/no-such-grant", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);

        var bad = await client.PostAsJsonAsync("/grant/v1/grants", Request() with { Operation = LcmOperationType.ModifyInfo }, SolJson.Options, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("GrantedLcmOperationType", await bad.Content.ReadAsStringAsync(Ct));

        var posted = await PostAsync(client, Request());
        Assert.True(posted.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted);
        var other = host.Client(_tenant + "-other");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(posted.Headers.Location, Ct)).StatusCode);

        var versions = await client.GetAsync("/grant/v1/api_versions", Ct);
        Assert.Equal(HttpStatusCode.OK, versions.StatusCode);
        Assert.Contains("1.7.0", await versions.Content.ReadAsStringAsync(Ct));
    }
}

public sealed class SyncGrantApiTests(SyncGrantApiHost host) : GrantApiTests(host), IClassFixture<SyncGrantApiHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_grant_is_created_synchronously_and_can_be_read()
    {
        var client = await ClientAsync();
        var request = Request();
        var created = await PostAsync(client, request);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var grant = SolJson.Deserialize<Grant>(await ValidAsync(created, "POST", "/grants"));
        Assert.Equal($"http://localhost/grant/v1/grants/{grant.Id}", created.Headers.Location?.ToString());
        Assert.Equal(request.VnfLcmOpOccId, grant.VnfLcmOpOccId);
        Assert.Equal("sandbox", Assert.Single(grant.VimConnectionInfo!).Key);

        var read = await client.GetAsync(created.Headers.Location, Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(grant.Id, SolJson.Deserialize<Grant>(await ValidAsync(read, "GET", "/grants/{grantId}")).Id);

        // Idempotent per op occ.
        var again = await PostAsync(client, request);
        Assert.Equal(grant.Id, SolJson.Deserialize<Grant>(await ValidAsync(again, "POST", "/grants")).Id);
    }

    [Fact]
    public async Task A_rejected_grant_is_a_403_problem_naming_the_reason()
    {
        var client = await ClientAsync();
        var response = await PostAsync(client, Request(LcmOperationType.Instantiate, vnfdId: "vnfd-never-onboarded"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = SolJson.Deserialize<ProblemDetails>(await ValidAsync(response, "POST", "/grants"));
        Assert.Equal(403, problem.Status);
        Assert.Contains("no onboarded VNF package has vnfdId vnfd-never-onboarded", problem.Detail);

        // The sandbox has one zone: a hard zone anti-affinity over two VNFCs cannot be honoured.
        var refused = await PostAsync(client, Request(refused: true));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("needs 2 distinct zones, but the VIM has 1 (sandbox-az-1)",
            SolJson.Deserialize<ProblemDetails>(await ValidAsync(refused, "POST", "/grants")).Detail);
    }

    [Fact]
    public async Task A_VNF_instance_pinned_by_NS_placement_is_granted_on_its_VIM_and_zone()
    {
        var client = await ClientAsync(); // the sandbox VIM is the tenant's default
        var request = Request();
        string edge = "";
        await host.InTenantAsync(Tenant, async services =>
        {
            var vim = await services.GetRequiredService<VimRegistry>().RegisterAsync(new VimSpec
            {
                Name = "edge", VimType = VimRegistry.SandboxVimType, InterfaceInfo = new Dictionary<string, string> { ["endpoint"] = "sandbox://edge" },
                AvailabilityZones = ["edge-a", "edge-b", "edge-c"], Location = new VimLocation { CountryCode = "DE" },
            }, Ct);
            edge = vim.Id;
            await services.GetRequiredService<NsPlacementPlanner>().PinAsync("ns-1", request.VnfInstanceId, edge, "edge-b", Ct);
        });

        var created = await PostAsync(client, request);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var grant = SolJson.Deserialize<Grant>(await ValidAsync(created, "POST", "/grants"));
        Assert.Equal(edge, Assert.Single(grant.VimConnectionInfo!).Key);
        var zone = Assert.Single(grant.Zones!);
        Assert.Equal(("edge-b", edge), (zone.ZoneId, zone.VimConnectionId));
        Assert.All(grant.AddResources!, r => Assert.Equal((edge, zone.Id), (r.VimConnectionId, r.ZoneId)));

        // Unpinned, the next VNF instance goes to the default VIM again.
        await host.InTenantAsync(Tenant, services => services.GetRequiredService<NsPlacementPlanner>().UnpinAsync(request.VnfInstanceId, Ct));
        var other = SolJson.Deserialize<Grant>(await ValidAsync(await PostAsync(client, Request()), "POST", "/grants"));
        Assert.Equal("sandbox", Assert.Single(other.VimConnectionInfo!).Key);
    }
}

public sealed class AsyncGrantApiTests(AsyncGrantApiHost host) : GrantApiTests(host), IClassFixture<AsyncGrantApiHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_grant_is_accepted_then_decided_and_polled()
    {
        var client = await ClientAsync();
        var request = Request();
        var accepted = await PostAsync(client, request);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(GrantApi.Version, accepted.Headers.GetValues("Version").Single());
        Assert.Empty(await accepted.Content.ReadAsStringAsync(Ct));
        var location = accepted.Headers.Location!;
        Assert.Contains("/grant/v1/grants/", location.ToString());

        var decided = await PollAsync(client, location);
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var grant = SolJson.Deserialize<Grant>(await ValidAsync(decided, "GET", "/grants/{grantId}"));
        Assert.EndsWith(grant.Id, location.ToString());
        Assert.Equal(request.VnfLcmOpOccId, grant.VnfLcmOpOccId);

        // Asked again once decided: the grant itself.
        var again = await PostAsync(client, request);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(grant.Id, SolJson.Deserialize<Grant>(await ValidAsync(again, "POST", "/grants")).Id);
    }

    [Fact]
    public async Task A_rejection_decided_later_is_read_as_403()
    {
        var client = await ClientAsync();
        var accepted = await PostAsync(client, Request(refused: true));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        var decided = await PollAsync(client, accepted.Headers.Location!);
        Assert.Equal(HttpStatusCode.Forbidden, decided.StatusCode);
        var problem = SolJson.Deserialize<ProblemDetails>(await ValidAsync(decided, "GET", "/grants/{grantId}"));
        Assert.Contains("needs 2 distinct zones", problem.Detail);
    }
}
