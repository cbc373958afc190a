using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Mano.Cli.Tests;

/// <summary>The mano command line against a real HTTP server on 127.0.0.1 serving canned SOL bodies.</summary>
public sealed class CliTests : IAsyncLifetime
{
    private FakeMano _mano = null!;

    public async ValueTask InitializeAsync() => _mano = await FakeMano.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _mano.DisposeAsync();

    private static async Task<(int Exit, string Stdout, string Stderr)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await Cli.RunAsync(args, stdout: stdout, stderr: stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static void NoStackTrace(string text)
    {
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VnflcmList_Table_ShowsTackerColumnsIdsAndStates()
    {
        var (exit, stdout, stderr) = await Run("vnflcm", "list", "--endpoint", _mano.Endpoint);

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        var header = stdout.Split('\n').First(l => l.Contains("ID", StringComparison.Ordinal));
        string[] columns = ["ID", "VNF Instance Name", "Instantiation State", "VNF Provider", "VNF Software Version", "VNF Product Name", "VNFD ID"];
        Assert.Equal(columns, header.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

        var first = Row(stdout, SolBodies.VnfInstanceId);
        Assert.Equal([SolBodies.VnfInstanceId, "edge-firewall", "INSTANTIATED", "Company", "1.0", "Sample VNF", SolBodies.VnfdId], first);
        var second = Row(stdout, SolBodies.OtherVnfInstanceId);
        Assert.Equal([SolBodies.OtherVnfInstanceId, string.Empty, "NOT_INSTANTIATED", "Company", "1.0", "Sample VNF", SolBodies.VnfdId], second);
    }

    [Fact]
    public async Task VnflcmList_SendsSol003VersionAndAcceptHeaders()
    {
        var (exit, _, _) = await Run("vnflcm", "list", "--endpoint", _mano.Endpoint);

        Assert.Equal(0, exit);
        var request = Assert.Single(_mano.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/vnflcm/v2/vnf_instances", request.Path);
        Assert.Equal("2.3.0", request.Version);
        Assert.Equal("application/json", request.Accept);
    }

    [Fact]
    public async Task VnflcmList_Json_IsTheServersJson()
    {
        var (exit, stdout, stderr) = await Run("vnflcm", "list", "--endpoint", _mano.Endpoint, "-f", "json");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(SolBodies.VnfInstanceList), JsonNode.Parse(stdout)), stdout);
        Assert.Contains("\n  {", stdout, StringComparison.Ordinal); // indented
    }

    [Fact]
    public async Task GlobalOptions_AreAcceptedBeforeTheVerbToo()
    {
        var (exit, stdout, _) = await Run("--endpoint", _mano.Endpoint, "--format", "json", "--timeout", "10", "vnflcm", "list");

        Assert.Equal(0, exit);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(SolBodies.VnfInstanceList), JsonNode.Parse(stdout)), stdout);
    }

    [Fact]
    public async Task VnflcmShow_Table_IsFieldValueSortedByLabel_NestedAsJson_TextVerbatim()
    {
        var (exit, stdout, stderr) = await Run("vnflcm", "show", SolBodies.VnfInstanceId, "--endpoint", _mano.Endpoint);

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        Assert.Equal(["Field", "Value"], Row(stdout, "Field"));
        Assert.Equal(["ID", SolBodies.VnfInstanceId], Row(stdout, "| ID "));
        Assert.Equal(["Instantiation State", "INSTANTIATED"], Row(stdout, "Instantiation State"));
        // Spectre markup characters in SOL text are printed as they are.
        Assert.Equal(["VNF Instance Description", "firewall [edge] <site-1> & friends"], Row(stdout, "VNF Instance Description"));
        // Nested objects are JSON.
        Assert.Contains("\"flavourId\": \"simple\"", stdout, StringComparison.Ordinal);
        Assert.Contains("\"vimType\": \"ETSINFV.OPENSTACK_KEYSTONE.V_3\"", stdout, StringComparison.Ordinal);

        var labels = stdout.Split('\n')
            .Where(l => l.StartsWith("| ", StringComparison.Ordinal))
            .Select(l => l.Split('|')[1].Trim())
            .Where(l => l.Length > 0 && l != "Field")
            .ToList();
        Assert.Equal(labels.Order(StringComparer.Ordinal), labels);
        Assert.Contains("Links", labels);
        Assert.Contains("VIM Connection Info", labels);

        var request = Assert.Single(_mano.Requests);
        Assert.Equal($"/vnflcm/v2/vnf_instances/{SolBodies.VnfInstanceId}", request.Path);
        Assert.Equal("2.3.0", request.Version);
    }

    [Fact]
    public async Task VnflcmShow_Json_IsTheServersJson()
    {
        var (exit, stdout, _) = await Run("vnflcm", "show", SolBodies.VnfInstanceId, "--endpoint", _mano.Endpoint, "-f", "json");

        Assert.Equal(0, exit);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(SolBodies.VnfInstance), JsonNode.Parse(stdout)), stdout);
        // Readable, not HTML-escaped.
        Assert.Contains("firewall [edge] <site-1> & friends", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VnflcmShow_ProblemDetails404_ExitsOneWithTheDetailOnStderr()
    {
        var (exit, stdout, stderr) = await Run("vnflcm", "show", "nope", "--endpoint", _mano.Endpoint);

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal("Error: 404 Not Found: VNF instance nope not found", stderr.Trim());
        NoStackTrace(stderr);
    }

    [Fact]
    public async Task Show_EscapesTheIdIntoOnePathSegment()
    {
        var (exit, _, stderr) = await Run("vnflcm", "show", "a/b c", "--endpoint", _mano.Endpoint);

        Assert.Equal(1, exit);
        // The route's {id} matched, so the id travelled as one segment (ASP.NET Core leaves %2F encoded).
        Assert.Contains("VNF instance a%2Fb c not found", stderr, StringComparison.Ordinal);
        Assert.Equal("/vnflcm/v2/vnf_instances/a%2Fb c", Assert.Single(_mano.Requests).Path);
    }

    [Fact]
    public async Task VnfPackageList_Table_FollowsPagingAndSendsSol005Version()
    {
        var (exit, stdout, stderr) = await Run("vnf", "package", "list", "--endpoint", _mano.Endpoint);

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        Assert.Equal(["Id", "Vnf Product Name", "Onboarding State", "Usage State", "Operational State"], Row(stdout, "Onboarding State"));
        Assert.Equal([SolBodies.VnfPackageId, "Sample VNF", "ONBOARDED", "IN_USE", "ENABLED"], Row(stdout, SolBodies.VnfPackageId));
        Assert.Equal([SolBodies.OtherVnfPackageId, string.Empty, "CREATED", "NOT_IN_USE", "DISABLED"], Row(stdout, SolBodies.OtherVnfPackageId));

        var requests = _mano.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.All(requests, r => Assert.Equal("/vnfpkgm/v2/vnf_packages", r.Path));
        Assert.All(requests, r => Assert.Equal("2.4.0", r.Version));
        Assert.All(requests, r => Assert.Equal("application/json", r.Accept));
        Assert.Equal("?nextpage_opaque_marker=p2", requests[1].Query);
    }

    [Fact]
    public async Task VnfPackageList_Json_IsEveryPageInOneArray()
    {
        var (exit, stdout, _) = await Run("vnf", "package", "list", "--endpoint", _mano.Endpoint, "-f", "json");

        Assert.Equal(0, exit);
        var expected = JsonNode.Parse($"[{SolBodies.VnfPackage},{SolBodies.OtherVnfPackage}]");
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(stdout)), stdout);
    }

    [Fact]
    public async Task VnfPackageShow_TableAndJson()
    {
        var (exit, stdout, _) = await Run("vnf", "package", "show", SolBodies.VnfPackageId, "--endpoint", _mano.Endpoint);
        Assert.Equal(0, exit);
        Assert.Equal(["Onboarding State", "ONBOARDED"], Row(stdout, "Onboarding State"));
        Assert.Equal(["VNFD ID", SolBodies.VnfdId], Row(stdout, "VNFD ID"));
        Assert.Contains("\"algorithm\": \"SHA-256\"", stdout, StringComparison.Ordinal);

        (exit, stdout, _) = await Run("vnf", "package", "show", SolBodies.VnfPackageId, "--endpoint", _mano.Endpoint, "-f", "json");
        Assert.Equal(0, exit);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(SolBodies.VnfPackage), JsonNode.Parse(stdout)), stdout);
        Assert.All(_mano.Requests, r => Assert.Equal("2.4.0", r.Version));
    }

    [Fact]
    public async Task VnfPackageShow_ProblemDetails404_ExitsOne()
    {
        var (exit, stdout, stderr) = await Run("vnf", "package", "show", "missing", "--endpoint", _mano.Endpoint);

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal("Error: 404 Not Found: VNF package missing not found", stderr.Trim());
    }

    [Fact]
    public async Task EndpointWithPathPrefix_AndBare500_ReportsTheStatus()
    {
        var (exit, stdout, stderr) = await Run("vnflcm", "list", "--endpoint", _mano.Endpoint + "/broken");

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal("Error: 500 Internal Server Error", stderr.Trim());
        Assert.Equal("/broken/vnflcm/v2/vnf_instances", Assert.Single(_mano.Requests).Path);
    }

    [Fact]
    public async Task Timeout_ExitsTwo()
    {
        var (exit, _, stderr) = await Run("vnflcm", "list", "--endpoint", _mano.Endpoint + "/slow/", "--timeout", "0.5");

        Assert.Equal(2, exit);
        Assert.StartsWith($"Error: cannot reach Mano at {_mano.Endpoint}/slow/: no answer within 0.5 s", stderr, StringComparison.Ordinal);
        NoStackTrace(stderr);
    }

    [Fact]
    public async Task UnreachableEndpoint_ExitsTwo()
    {
        var endpoint = $"http://127.0.0.1:{ClosedPort()}";

        var (exit, stdout, stderr) = await Run("vnflcm", "list", "--endpoint", endpoint);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith($"Error: cannot reach Mano at {endpoint}: ", stderr, StringComparison.Ordinal);
        Assert.Contains("refused", stderr, StringComparison.OrdinalIgnoreCase);
        NoStackTrace(stderr);
    }

    [Fact]
    public async Task EndpointDefaultsToTheEnvironmentVariable()
    {
        // Only this test relies on the default; every other test passes --endpoint.
        Environment.SetEnvironmentVariable("MANO_ENDPOINT", _mano.Endpoint);
        try
        {
            var (exit, stdout, _) = await Run("vnflcm", "list");
            Assert.Equal(0, exit);
            Assert.Contains(SolBodies.VnfInstanceId, stdout, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MANO_ENDPOINT", null);
        }
    }

    /// <summary>A port nothing listens on: bound once by the OS, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The cells of the first table row containing <paramref name="marker"/>.</summary>
    internal static string[] Row(string table, string marker)
    {
        var line = table.Split('\n').First(l => l.Contains(marker, StringComparison.Ordinal));
        return line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
    }
}
