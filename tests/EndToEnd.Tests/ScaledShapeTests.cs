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

    private readonly string _name = $"mano_e2e_{Guid.NewGuid():N}"[..24];
    private string _connectionString = "";
    private string _busUri = "";

    [Fact]
    public async Task A_VNF_goes_from_package_to_terminate_with_NFVO_and_VNFM_in_separate_processes_on_PostgreSQL_and_RabbitMQ()
    {
        var common = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Mano"] = _connectionString,
            ["Bus__Transport"] = "RabbitMq",
            ["Bus__RabbitMq__Uri"] = _busUri,
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

    private string DataDir(string role) => Path.Combine(Path.GetTempPath(), _name, role);

    public async ValueTask InitializeAsync()
    {
        var admin = TestPostgres.Admin;
        var rabbit = System.Environment.GetEnvironmentVariable("MANO_TEST_RABBITMQ")
                     ?? throw new InvalidOperationException("set MANO_TEST_RABBITMQ (scripts/test.sh does)");
        _connectionString = await TestPostgres.CreateDatabaseAsync(admin, _name);
        // A RabbitMQ virtual host of its own, so parallel runs never consume each other's messages.
        await RabbitMqCtl("add_vhost", _name);
        await RabbitMqCtl("set_permissions", "-p", _name, "guest", ".*", ".*", ".*");
        _busUri = $"{rabbit.TrimEnd('/')}/{_name}";
    }

    public async ValueTask DisposeAsync()
    {
        try { await RabbitMqCtl("delete_vhost", _name); } catch (InvalidOperationException) { }
        if (TestPostgres.AdminOrNull is { } admin) await TestPostgres.DropDatabaseAsync(admin, _name);
        try { Directory.Delete(Path.Combine(Path.GetTempPath(), _name), recursive: true); } catch (IOException) { }
    }

    private static async Task RabbitMqCtl(params string[] args)
    {
        var ctl = System.Environment.GetEnvironmentVariable("MANO_TEST_RABBITMQCTL") ?? "rabbitmqctl";
        var node = System.Environment.GetEnvironmentVariable("MANO_TEST_RABBITMQ_NODE") ?? "mano-test@localhost";
        var start = new ProcessStartInfo(ctl) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-n");
        start.ArgumentList.Add(node);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', args)} failed: {stderr}");
    }
}
