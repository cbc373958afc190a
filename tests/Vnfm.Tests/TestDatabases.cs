using Mano.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Mano.Vnfm.Tests;

/// <summary>A real, migrated VNFM database shared by the tests of one class (each test uses its own tenants).</summary>
public interface IVnfmDatabase
{
    DatabaseSettings Settings { get; }
    VnfmDbContext NewContext(string tenantId);
}

internal static class VnfmDatabase
{
    public static VnfmDbContext NewContext(DatabaseSettings settings, string tenantId)
    {
        var tenant = new TenantContext();
        tenant.Set(tenantId);
        if (settings.IsSqlite)
        {
            var b = new DbContextOptionsBuilder<VnfmSqliteDbContext>();
            PersistenceRegistration.Configure(b, settings, VnfmRegistration.Schema);
            return new VnfmSqliteDbContext(b.Options, tenant);
        }
        var p = new DbContextOptionsBuilder<VnfmPostgresDbContext>();
        PersistenceRegistration.Configure(p, settings, VnfmRegistration.Schema);
        return new VnfmPostgresDbContext(p.Options, tenant);
    }

    public static async Task MigrateAsync(IVnfmDatabase db)
    {
        await using var context = db.NewContext("migrations");
        await context.Database.MigrateAsync();
    }
}

/// <summary>SQLite in a temporary file, migrated (always available).</summary>
public sealed class SqliteVnfmDatabase : IVnfmDatabase, IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"mano-vnfm-tests-{Guid.NewGuid():N}.db");

    public DatabaseSettings Settings => new(DatabaseSettings.Sqlite, $"Data Source={_path};Pooling=False;Default Timeout=30");

    public VnfmDbContext NewContext(string tenantId) => VnfmDatabase.NewContext(Settings, tenantId);

    public async ValueTask InitializeAsync() => await VnfmDatabase.MigrateAsync(this);

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" })
            if (File.Exists(f)) File.Delete(f);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// PostgreSQL: a uniquely named database created on the server of MANO_TEST_POSTGRES (a connection string of a role that
/// may CREATE DATABASE), migrated, dropped afterwards. Unset is a failure, never a skip: the scaled shape must be tested.
/// </summary>
public sealed class PostgresVnfmDatabase : IVnfmDatabase, IAsyncLifetime
{
    private readonly string _name = $"mano_vnfm_test_{Guid.NewGuid():N}";
    private string? _admin;
    private DatabaseSettings? _settings;

    public DatabaseSettings Settings => _settings ?? throw new InvalidOperationException(
        "The PostgreSQL test database is not initialised: set MANO_TEST_POSTGRES (scripts/test.sh does).");

    public VnfmDbContext NewContext(string tenantId) => VnfmDatabase.NewContext(Settings, tenantId);

    public async ValueTask InitializeAsync()
    {
        _admin = Environment.GetEnvironmentVariable("MANO_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(_admin))
            throw new InvalidOperationException(
                "set MANO_TEST_POSTGRES (scripts/test.sh does): an Npgsql connection string of a role that may CREATE DATABASE, " +
                "e.g. Host=127.0.0.1;Port=15432;Username=mano;Password=mano;Database=postgres");
        await using (var conn = new NpgsqlConnection(_admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{_name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        _settings = new DatabaseSettings(DatabaseSettings.Postgres, new NpgsqlConnectionStringBuilder(_admin) { Database = _name }.ConnectionString);
        await VnfmDatabase.MigrateAsync(this);
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is null || _settings is null) return;
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(_admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
