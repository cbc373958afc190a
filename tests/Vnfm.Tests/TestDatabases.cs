namespace Mano.Vnfm.Tests;

// The VNFM's real, migrated test databases (Mano.TestSupport): one per test class, each test uses its own tenants.

public sealed class SqliteVnfmDatabase()
    : SqliteTestDatabase<VnfmDbContext, VnfmSqliteDbContext>("vnfm", VnfmRegistration.Schema, (o, t) => new(o, t)), IAsyncLifetime;

public sealed class PostgresVnfmDatabase()
    : PostgresTestDatabase<VnfmDbContext, VnfmPostgresDbContext>("vnfm", VnfmRegistration.Schema, (o, t) => new(o, t)), IAsyncLifetime;
