using Mano.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Mano.TestSupport;

/// <summary>A real, migrated database of one service, shared by the tests of one class (each test uses its own tenants).</summary>
public interface ITestDatabase<out TContext> where TContext : DbContext
{
    DatabaseSettings Settings { get; }
    TContext NewContext(string tenantId);
}

/// <summary>
/// A service's test database on one provider. <typeparamref name="TProvider"/> is the service's provider-specific
/// DbContext subclass (the one owning that provider's migrations), built by <c>create</c>.
/// </summary>
/// <remarks>
/// This library does not reference xunit: a test project's fixture is a sealed subclass that adds <c>IAsyncLifetime</c>,
/// implemented by the public <see cref="InitializeAsync"/> and <see cref="DisposeAsync"/> inherited from here, e.g.
/// <code>public sealed class SqliteNfvoDatabase() : SqliteTestDatabase&lt;NfvoDbContext, NfvoSqliteDbContext&gt;("nfvo", NfvoRegistration.Schema, (o, t) => new(o, t)), IAsyncLifetime;</code>
/// </remarks>
public abstract class TestDatabase<TContext, TProvider>(string schema, Func<DbContextOptions<TProvider>, TenantContext, TProvider> create)
    : ITestDatabase<TContext>, IAsyncDisposable
    where TContext : DbContext
    where TProvider : TContext
{
    public abstract DatabaseSettings Settings { get; }

    public TContext NewContext(string tenantId)
    {
        var tenant = new TenantContext();
        tenant.Set(tenantId);
        var options = new DbContextOptionsBuilder<TProvider>();
        PersistenceRegistration.Configure(options, Settings, schema);
        return create(options.Options, tenant);
    }

    /// <summary>Creates (where needed) and migrates the database.</summary>
    public abstract ValueTask InitializeAsync();

    /// <summary>Deletes the database.</summary>
    public abstract ValueTask DisposeAsync();

    protected async Task MigrateAsync()
    {
        await using var context = NewContext("migrations");
        await context.Database.MigrateAsync();
    }
}

/// <summary>SQLite in a temporary file, migrated (always available).</summary>
/// <param name="service">Part of the file name: mano-{service}-tests-{guid}.db.</param>
public abstract class SqliteTestDatabase<TContext, TProvider>(
    string service, string schema, Func<DbContextOptions<TProvider>, TenantContext, TProvider> create)
    : TestDatabase<TContext, TProvider>(schema, create)
    where TContext : DbContext
    where TProvider : TContext
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"mano-{service}-tests-{Guid.NewGuid():N}.db");

    public override DatabaseSettings Settings => new(DatabaseSettings.Sqlite, $"Data Source={_path};Pooling=False;Default Timeout=30");

    public override async ValueTask InitializeAsync() => await MigrateAsync();

    public override ValueTask DisposeAsync()
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
/// <param name="service">Part of the database name: mano_{service}_test_{guid}.</param>
public abstract class PostgresTestDatabase<TContext, TProvider>(
    string service, string schema, Func<DbContextOptions<TProvider>, TenantContext, TProvider> create)
    : TestDatabase<TContext, TProvider>(schema, create)
    where TContext : DbContext
    where TProvider : TContext
{
    private readonly string _name = $"mano_{service}_test_{Guid.NewGuid():N}";
    private string? _admin;
    private DatabaseSettings? _settings;

    public override DatabaseSettings Settings => _settings ?? throw new InvalidOperationException(
        "The PostgreSQL test database is not initialised: set MANO_TEST_POSTGRES (scripts/test.sh does).");

    public override async ValueTask InitializeAsync()
    {
        var admin = TestPostgres.Admin;
        _settings = new DatabaseSettings(DatabaseSettings.Postgres, await TestPostgres.CreateDatabaseAsync(admin, _name));
        _admin = admin;
        await MigrateAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_admin is null || _settings is null) return;
        await TestPostgres.DropDatabaseAsync(_admin, _name);
    }
}

/// <summary>The PostgreSQL server of the tests: MANO_TEST_POSTGRES, an Npgsql connection string of a role that may CREATE DATABASE.</summary>
public static class TestPostgres
{
    /// <summary>MANO_TEST_POSTGRES, or null when it is not set.</summary>
    public static string? AdminOrNull =>
        Environment.GetEnvironmentVariable("MANO_TEST_POSTGRES") is { } admin && !string.IsNullOrWhiteSpace(admin) ? admin : null;

    /// <summary>MANO_TEST_POSTGRES; unset is a failure, never a skip.</summary>
    public static string Admin => AdminOrNull ?? throw new InvalidOperationException(
        "set MANO_TEST_POSTGRES (scripts/test.sh does): an Npgsql connection string of a role that may CREATE DATABASE, " +
        "e.g. Host=127.0.0.1;Port=15432;Username=mano;Password=mano;Database=postgres");

    /// <summary>Creates database <paramref name="name"/> and returns the connection string to it.</summary>
    public static async Task<string> CreateDatabaseAsync(string admin, string name)
    {
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    /// <summary>Drops database <paramref name="name"/>, whoever is still connected to it.</summary>
    public static async Task DropDatabaseAsync(string admin, string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
