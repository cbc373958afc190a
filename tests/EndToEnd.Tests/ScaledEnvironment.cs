using System.Diagnostics;
using Mano.TestSupport;

namespace Mano.EndToEnd.Tests;

/// <summary>
/// What a scaled-shape test needs of its own: a PostgreSQL database and a RabbitMQ virtual host (so parallel runs never
/// consume each other's messages), and a scratch folder for each process's MANO_DATA_DIR. Removed on dispose.
/// </summary>
public sealed class ScaledEnvironment : IAsyncDisposable
{
    private ScaledEnvironment(string name, string connectionString, string busUri)
    {
        Name = name;
        ConnectionString = connectionString;
        BusUri = busUri;
    }

    public string Name { get; }
    public string ConnectionString { get; }
    public string BusUri { get; }

    public static async Task<ScaledEnvironment> CreateAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..24];
        var rabbit = Environment.GetEnvironmentVariable("MANO_TEST_RABBITMQ")
                     ?? throw new InvalidOperationException("set MANO_TEST_RABBITMQ (scripts/test.sh does)");
        var connectionString = await TestPostgres.CreateDatabaseAsync(TestPostgres.Admin, name);
        await RabbitMqCtl("add_vhost", name);
        await RabbitMqCtl("set_permissions", "-p", name, "guest", ".*", ".*", ".*");
        return new ScaledEnvironment(name, connectionString, $"{rabbit.TrimEnd('/')}/{name}");
    }

    /// <summary>The MANO_DATA_DIR of one process of this test.</summary>
    public string DataDir(string role) => Path.Combine(Path.GetTempPath(), Name, role);

    public async ValueTask DisposeAsync()
    {
        try { await RabbitMqCtl("delete_vhost", Name); } catch (InvalidOperationException) { }
        if (TestPostgres.AdminOrNull is { } admin) await TestPostgres.DropDatabaseAsync(admin, Name);
        try { Directory.Delete(Path.Combine(Path.GetTempPath(), Name), recursive: true); } catch (IOException) { }
    }

    private static async Task RabbitMqCtl(params string[] args)
    {
        var ctl = Environment.GetEnvironmentVariable("MANO_TEST_RABBITMQCTL") ?? "rabbitmqctl";
        var node = Environment.GetEnvironmentVariable("MANO_TEST_RABBITMQ_NODE") ?? "mano-test@localhost";
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
