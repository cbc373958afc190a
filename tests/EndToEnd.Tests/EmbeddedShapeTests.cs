using System.Text.Json.Nodes;

namespace Mano.EndToEnd.Tests;

/// <summary>
/// The embedded default shape, as a newcomer runs it: ONE process (NFVO + VNFM + API), SQLite under MANO_DATA_DIR,
/// MassTransit in-memory transport, Hangfire in-memory storage, the pre-registered sandbox VIM.
/// </summary>
public sealed class EmbeddedShapeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"mano-e2e-{Guid.NewGuid():N}");

    private Dictionary<string, string> Environment => new() { ["MANO_DATA_DIR"] = _dataDir };

    [Fact]
    public async Task A_VNF_goes_from_package_to_terminate_in_one_process_and_its_data_survives_a_restart()
    {
        await using var subscriber = await Subscriber.StartAsync();
        var port = ManoProcess.FreePort();
        var slice = default(Slice);
        var mano = await ManoProcess.StartAsync(Environment, port);
        try
        {
            slice = new Slice(mano.BaseUrl, mano.BaseUrl, output);
            await slice.RunAsync(subscriber);
        }
        catch
        {
            output.WriteLine(mano.Log);
            throw;
        }
        finally
        {
            await mano.DisposeAsync();
        }

        // Restart on the same data directory: the package and the history of operations are still there.
        await using var restarted = await ManoProcess.StartAsync(Environment, port);
        var package = await slice.GetJsonAsync($"{restarted.BaseUrl}/vnfpkgm/v2/vnf_packages/{slice.PackageId}");
        Assert.Equal("ONBOARDED", package["onboardingState"]!.GetValue<string>());
        var ops = (await slice.GetJsonAsync($"{restarted.BaseUrl}/vnflcm/v2/vnf_lcm_op_occs")).AsArray();
        Assert.Equal(["INSTANTIATE", "TERMINATE"], ops.Select(o => o!["operation"]!.GetValue<string>()));
        Assert.All(ops, o => Assert.Equal("COMPLETED", o!["operationState"]!.GetValue<string>()));
        Assert.True(File.Exists(Path.Combine(_dataDir, "vnfm.db")) && File.Exists(Path.Combine(_dataDir, "nfvo.db")),
            "the embedded shape keeps its SQLite files under MANO_DATA_DIR");
    }

    [Fact]
    public async Task Health_version_discovery_and_the_API_page_are_served()
    {
        await using var mano = await ManoProcess.StartAsync(Environment);
        using var http = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync($"{mano.BaseUrl}/health/live", Ct)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync($"{mano.BaseUrl}/health/ready", Ct)).StatusCode);
        var versions = JsonNode.Parse(await http.GetStringAsync($"{mano.BaseUrl}/vnflcm/api_versions", Ct))!;
        Assert.Equal("/vnflcm/v2", versions["uriPrefix"]!.GetValue<string>());
        Assert.Equal("2.3.0", versions["apiVersions"]![0]!["version"]!.GetValue<string>());
        var openApi = JsonNode.Parse(await http.GetStringAsync($"{mano.BaseUrl}/openapi/v1.json", Ct))!;
        Assert.NotNull(openApi["paths"]!["/vnflcm/v2/vnf_instances/{vnfInstanceId}/instantiate"]);
        Assert.Contains("swagger", await http.GetStringAsync($"{mano.BaseUrl}/api-docs/index.html", Ct), StringComparison.OrdinalIgnoreCase);
        // What is not built says so: 501 with ProblemDetails, not an unexplained 404.
        using var snapshots = await http.GetAsync($"{mano.BaseUrl}/vnflcm/v2/vnf_snapshots", Ct);
        Assert.Equal(System.Net.HttpStatusCode.NotImplemented, snapshots.StatusCode);
        Assert.Equal("application/problem+json", snapshots.Content.Headers.ContentType?.MediaType);
        // Logs are structured: one JSON object per line on stdout.
        var firstLogLine = mano.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries).First();
        Assert.NotNull(JsonNode.Parse(firstLogLine)!["LogLevel"]);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }
}
