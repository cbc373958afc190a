using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Mano.VimAdapters;
using Mano.VimAdapters.OpenStack;

namespace Mano.VimAdapters.OpenStack.Tests;

/// <summary>
/// The real OpenStack test cloud (scripts/openstack-test-cloud/up.sh), reached through MANO_TEST_OPENSTACK_* variables.
/// <see cref="Require"/>: MANO_TEST_OPENSTACK=0 skips with that reason; variables missing otherwise fail with instructions.
/// </summary>
public sealed class TestCloud : IDisposable
{
    public const string HowTo =
        "bring up the test cloud (sudo scripts/openstack-test-cloud/up.sh, then `. /var/tmp/mano-openstack-cloud/mano-test.env`) "
        + "or run scripts/test.sh, which does both; set MANO_TEST_OPENSTACK=0 to skip the OpenStack integration tests explicitly";

    private readonly HttpClient _http;

    public TestCloud()
    {
        _http = new HttpClient(new OpenStackTimingHandler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }))
        {
            Timeout = TimeSpan.FromSeconds(90),
        };
        // The test cloud's fake virt driver does not complete a hot interface attach (the RPC times out): servers whose
        // ports change are re-created on their ports instead (MANO_TEST_OPENSTACK_HOT_ATTACH=1 tries hot attach).
        Options = new OpenStackOptions { PollInterval = TimeSpan.FromMilliseconds(250), HotAttachPorts = Env("MANO_TEST_OPENSTACK_HOT_ATTACH") == "1" };
        Driver = new OpenStackVimDriver(_http, Options);
        Raw = new RawOpenStack();
    }

    public OpenStackOptions Options { get; }
    public OpenStackVimDriver Driver { get; }
    public RawOpenStack Raw { get; }

    public static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    /// <summary>Skips (MANO_TEST_OPENSTACK=0) or fails with instructions when no test cloud is configured.</summary>
    public void Require()
    {
        if (Env("MANO_TEST_OPENSTACK") == "0")
            Assert.Skip("MANO_TEST_OPENSTACK=0: the OpenStack integration tests are switched off explicitly");
        if (Env("MANO_TEST_OPENSTACK_AUTH_URL") is null)
            Assert.Fail("MANO_TEST_OPENSTACK_AUTH_URL is not set, so there is no OpenStack test cloud to run against: " + HowTo);
    }

    /// <summary>A small stand-in file as a raw image (checksum-less: Glance's own sha512 makes it reusable).</summary>
    public static PlannedImage StandInImage(string name) => new(name, null, null, null, "bare", "raw", null, null, null, null);

    /// <summary>Uploads, through the driver's own image mechanism, a stand-in image for every image the plan's VDUs name.</summary>
    public async Task EnsureStandInImagesAsync(VnfResourcePlan plan, CancellationToken ct)
    {
        foreach (var name in plan.Computes.Select(c => c.ImageName).OfType<string>().Distinct())
        {
            var bytes = Encoding.UTF8.GetBytes("mano test image stand-in for " + name);
            await Driver.EnsureSoftwareImageAsync(Vim(), StandInImage(name), _ => Task.FromResult<Stream>(new MemoryStream(bytes)), ct);
        }
    }

    public VimConnectionInfo Vim(IReadOnlyDictionary<string, string>? access = null) => new(
        "test-openstack", VimTypes.OpenStack,
        new Dictionary<string, string>
        {
            ["endpoint"] = Env("MANO_TEST_OPENSTACK_AUTH_URL")!,
            ["region"] = Env("MANO_TEST_OPENSTACK_REGION") ?? "RegionOne",
        },
        access ?? new Dictionary<string, string>
        {
            ["username"] = Env("MANO_TEST_OPENSTACK_USERNAME")!,
            ["password"] = Env("MANO_TEST_OPENSTACK_PASSWORD")!,
            ["project"] = Env("MANO_TEST_OPENSTACK_PROJECT")!,
            ["userDomain"] = Env("MANO_TEST_OPENSTACK_USER_DOMAIN") ?? "Default",
            ["projectDomain"] = Env("MANO_TEST_OPENSTACK_PROJECT_DOMAIN") ?? "Default",
        });

    public void Dispose()
    {
        Raw.Dispose();
        _http.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class OpenStackCollection : ICollectionFixture<TestCloud>
{
    public const string Name = "openstack test cloud";
}

/// <summary>
/// An independent view of the cloud for assertions: plain HTTP with a token of its own, none of the driver's code.
/// </summary>
public sealed class RawOpenStack : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private string? _token;
    private readonly Dictionary<string, string> _endpoints = new(StringComparer.Ordinal);

    private async Task LoginAsync()
    {
        if (_token is not null) return;
        var body = new JsonObject
        {
            ["auth"] = new JsonObject
            {
                ["identity"] = new JsonObject
                {
                    ["methods"] = new JsonArray("password"),
                    ["password"] = new JsonObject
                    {
                        ["user"] = new JsonObject
                        {
                            ["name"] = TestCloud.Env("MANO_TEST_OPENSTACK_USERNAME"), ["domain"] = new JsonObject { ["id"] = "default" },
                            ["password"] = TestCloud.Env("MANO_TEST_OPENSTACK_PASSWORD"),
                        },
                    },
                },
                ["scope"] = new JsonObject
                {
                    ["project"] = new JsonObject { ["name"] = TestCloud.Env("MANO_TEST_OPENSTACK_PROJECT"), ["domain"] = new JsonObject { ["id"] = "default" } },
                },
            },
        };
        using var response = await _http.PostAsync(TestCloud.Env("MANO_TEST_OPENSTACK_AUTH_URL")!.TrimEnd('/') + "/auth/tokens",
            new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        _token = response.Headers.GetValues("X-Subject-Token").Single();
        var token = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["token"]!;
        ProjectId = token["project"]!["id"]!.GetValue<string>();
        UserId = token["user"]!["id"]!.GetValue<string>();
        foreach (var svc in token["catalog"]!.AsArray())
            foreach (var ep in svc!["endpoints"]!.AsArray())
                if (ep!["interface"]!.GetValue<string>() == "public")
                    _endpoints[svc["type"]!.GetValue<string>()] = ep["url"]!.GetValue<string>().TrimEnd('/');
    }

    public string? ProjectId { get; private set; }
    public string? UserId { get; private set; }

    public async Task<IReadOnlyCollection<string>> ServiceTypesAsync()
    {
        await LoginAsync();
        return _endpoints.Keys;
    }

    /// <summary>GET service + path (e.g. ("network", "/v2.0/ports?tags=...")): the JSON answer, or null on 404.</summary>
    public async Task<JsonNode?> GetAsync(string service, string path, string? microversion = null) =>
        await SendAsync(HttpMethod.Get, service, path, null, microversion);

    public async Task<JsonNode?> SendAsync(HttpMethod method, string service, string path, JsonNode? body, string? microversion = null)
    {
        await LoginAsync();
        using var request = new HttpRequestMessage(method, _endpoints[service] + path);
        request.Headers.TryAddWithoutValidation("X-Auth-Token", _token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (microversion is not null) request.Headers.TryAddWithoutValidation("OpenStack-API-Version", "compute " + microversion);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {service}{path}: HTTP {(int)response.StatusCode} {text}");
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    /// <summary>Servers tagged with the instance (Nova tag filter), as Nova reports them.</summary>
    public async Task<JsonArray> ServersAsync(string vnfInstanceId) =>
        (await GetAsync("compute", "/servers/detail?tags=" + Uri.EscapeDataString("mano.vnf_instance_id=" + vnfInstanceId), "2.79"))!["servers"]!.AsArray();

    public async Task<JsonArray> PortsAsync(string vnfInstanceId) =>
        (await GetAsync("network", "/v2.0/ports?tags=" + Uri.EscapeDataString("mano.vnf_instance_id=" + vnfInstanceId)))!["ports"]!.AsArray();

    /// <summary>Networks of the instance: tagged, or carrying Mano's description marker (untagged leftovers included).</summary>
    public async Task<JsonArray> NetworksAsync(string vnfInstanceId)
    {
        var tagged = (await GetAsync("network", "/v2.0/networks?tags=" + Uri.EscapeDataString("mano.vnf_instance_id=" + vnfInstanceId)))!["networks"]!.AsArray();
        var marked = (await GetAsync("network", "/v2.0/networks?description=" + Uri.EscapeDataString("mano:" + vnfInstanceId)))!["networks"]!.AsArray();
        var ids = new HashSet<string>();
        var all = new JsonArray();
        foreach (var n in tagged.Concat(marked))
            if (ids.Add(n!["id"]!.GetValue<string>())) all.Add(n.DeepClone());
        return all;
    }

    public async Task<JsonArray> SubnetsAsync(string vnfInstanceId) =>
        (await GetAsync("network", "/v2.0/subnets?description=" + Uri.EscapeDataString("mano:" + vnfInstanceId)))!["subnets"]!.AsArray();

    public async Task<string> NetworkIdAsync(string name) =>
        (await GetAsync("network", "/v2.0/networks?name=" + Uri.EscapeDataString(name)))!["networks"]!.AsArray().Single()!["id"]!.GetValue<string>();

    public void Dispose() => _http.Dispose();
}
