using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mano.Common;

/// <summary>
/// Which database Mano runs on (ADR-0003): SQLite in the embedded shape (one file per service under MANO_DATA_DIR),
/// PostgreSQL when scaled out (one database, one schema per service). Each service's DbContext has one subclass per
/// provider so that each provider has its own migrations.
/// </summary>
public sealed record DatabaseSettings(string Provider, string ConnectionString)
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    public bool IsSqlite => Provider.Equals(Sqlite, StringComparison.OrdinalIgnoreCase);

    public static DatabaseSettings From(IConfiguration config, string dataDir, string serviceName)
    {
        var provider = config["Database:Provider"] ?? Sqlite;
        if (provider.Equals(Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            Directory.CreateDirectory(dataDir);
            var file = Path.Combine(dataDir, $"{serviceName}.db");
            return new DatabaseSettings(Sqlite, $"Data Source={file};Cache=Shared;Pooling=True;Default Timeout=30");
        }
        if (provider.Equals(Postgres, StringComparison.OrdinalIgnoreCase))
        {
            var cs = config.GetConnectionString("Mano")
                     ?? throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Mano (env ConnectionStrings__Mano) is not set.");
            return new DatabaseSettings(Postgres, cs);
        }
        throw new InvalidOperationException($"Unknown Database:Provider \"{provider}\" (expected Sqlite or Postgres).");
    }
}

public static class PersistenceRegistration
{
    /// <summary>Registers TContext, resolved to the provider-specific subclass that owns that provider's migrations.</summary>
    public static IServiceCollection AddManoDbContext<TContext, TSqlite, TPostgres>(
        this IServiceCollection services, DatabaseSettings settings, string schema)
        where TContext : DbContext where TSqlite : TContext where TPostgres : TContext
    {
        if (settings.IsSqlite)
            services.AddDbContext<TContext, TSqlite>((sp, o) => Configure(o, settings, schema).AddInterceptors(sp.GetRequiredService<WorkSignalInterceptor>()));
        else
            services.AddDbContext<TContext, TPostgres>((sp, o) => Configure(o, settings, schema).AddInterceptors(sp.GetRequiredService<WorkSignalInterceptor>()));
        return services;
    }

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder o, DatabaseSettings settings, string schema) =>
        settings.IsSqlite
            ? o.UseSqlite(settings.ConnectionString).UseSolQueries(postgres: false)
            : o.UseNpgsql(settings.ConnectionString, npg => npg.MigrationsHistoryTable("__EFMigrationsHistory", schema)).UseSolQueries(postgres: true);
}

/// <summary>SQLite keeps no DateTime kind; every timestamp Mano stores is UTC, so read them back as UTC.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

public sealed class NullableUtcDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
    v => v == null ? v : (v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime()),
    v => v == null ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));

public static class ModelConventions
{
    /// <summary>For the SQLite subclasses: timestamps come back as UTC.</summary>
    public static void UseUtcTimestamps(this ModelConfigurationBuilder builder)
    {
        builder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        builder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
    }
}
