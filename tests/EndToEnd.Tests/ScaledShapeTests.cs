using System.Diagnostics;

namespace Mano.EndToEnd.Tests;

/// <summary>
/// The scaled-out shape: PostgreSQL + RabbitMQ, schemas created by the explicit `migrate` verb, and the NFVO and
/// the VNFM as two separate OS processes of the same binary, selected by MANO_ROLES. They share nothing but the
/// database server and the bus, as an external NFVO and VNFM would.
/// </summary>
public sealed class ScaledShapeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ScaledEnvironment? _env;

    [Fact]
    public async Task A_VNF_goes_from_package_to_terminate_with_NFVO_and_VNFM_in_separate_processes_on_PostgreSQL_and_RabbitMQ()
    {
        var common = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Mano"] = Env.ConnectionString,
            ["Bus__Transport"] = "RabbitMq",
            ["Bus__RabbitMq__Uri"] = Env.BusUri,
        };

        var (exit, log) = await ManoProcess.RunVerbAsync("migrate", new Dictionary<string, string>(common)
        {
            ["MANO_ROLES"] = "nfvo,vnfm",
            ["MANO_DATA_DIR"] = DataDir("migrate"),
        });
        Assert.True(exit == 0, log);

        await using var subscriber = await Subscriber.StartAsync();
        await using var nfvo = await ManoProcess.StartAsync(new Dictionary<string, string>(common)
        {
            ["MANO_ROLES"] = "nfvo",
            ["MANO_DATA_DIR"] = DataDir("nfvo"),
        });
        await using var vnfm = await ManoProcess.StartAsync(new Dictionary<string, string>(common)
        {
            ["MANO_ROLES"] = "vnfm",
            ["MANO_DATA_DIR"] = DataDir("vnfm"),
        });
        Assert.NotEqual(nfvo.ProcessId, vnfm.ProcessId);
        try
        {
            // Each process serves only its role's API.
            using var http = new HttpClient();
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync($"{nfvo.BaseUrl}/vnflcm/v2/vnf_instances", Ct)).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync($"{vnfm.BaseUrl}/vnfpkgm/v2/vnf_packages", Ct)).StatusCode);

            await new Slice(nfvo.BaseUrl, vnfm.BaseUrl, output).RunAsync(subscriber);
        }
        catch
        {
            output.WriteLine("---- NFVO log ----\n" + nfvo.Log);
            output.WriteLine("---- VNFM log ----\n" + vnfm.Log);
            throw;
        }
    }

    private ScaledEnvironment Env => _env ?? throw new InvalidOperationException("not initialised");

    private string DataDir(string role) => Env.DataDir(role);

    public async ValueTask InitializeAsync() => _env = await ScaledEnvironment.CreateAsync("mano_e2e");

    public async ValueTask DisposeAsync()
    {
        if (_env is not null) await _env.DisposeAsync();
    }
}
