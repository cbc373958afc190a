namespace Mano.Nfvo.Tests;

// The NFVO's real, migrated test databases (Mano.TestSupport): one per test class, each test uses its own tenant.

public sealed class SqliteNfvoDatabase()
    : SqliteTestDatabase<NfvoDbContext, NfvoSqliteDbContext>("nfvo", NfvoRegistration.Schema, (o, t) => new(o, t)), IAsyncLifetime;

public sealed class PostgresNfvoDatabase()
    : PostgresTestDatabase<NfvoDbContext, NfvoPostgresDbContext>("nfvo", NfvoRegistration.Schema, (o, t) => new(o, t)), IAsyncLifetime;
