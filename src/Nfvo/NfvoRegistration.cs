using MassTransit;
using Mano.Common;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mano.Nfvo;

/// <summary>NFVO settings (configuration section "Nfvo").</summary>
public sealed class NfvoOptions
{
    public const string Section = "Nfvo";

    /// <summary>Nfvo:MaxPackageBytes: largest VNF package accepted by PUT .../package_content (413 above). Default 1 GiB.</summary>
    public long MaxPackageBytes { get; set; } = 1L << 30;

    /// <summary>
    /// Nfvo:ApiRoot: the NFVO's public API root, used where no HTTP request gives it (a Grant's self link, decided
    /// for a bus request).
    /// </summary>
    public string ApiRoot { get; set; } = "http://localhost:8080";

    /// <summary>Nfvo:PackageFetch: the SSRF guard, timeouts and redirects of upload_from_uri.</summary>
    public PackageFetchOptions PackageFetch { get; set; } = new();

    /// <summary>
    /// Nfvo:UploadStaleAfter (default 1 h): a package left UPLOADING this long (its upload or fetch died with its process)
    /// accepts a new PUT or upload_from_uri.
    /// </summary>
    public TimeSpan UploadStaleAfter { get; set; } = TimeSpan.FromHours(1);
}

public static class NfvoRegistration
{
    /// <summary>The NFVO's PostgreSQL schema (and its migrations history table's).</summary>
    public const string Schema = "nfvo";

    /// <summary>The NFVO's services: DbContext (per provider), outbox dispatcher, onboarding, grants, VIM registry.</summary>
    public static IServiceCollection AddNfvo(this IServiceCollection services, IConfiguration config, DatabaseSettings db)
    {
        var options = new NfvoOptions();
        config.GetSection(NfvoOptions.Section).Bind(options);
        if (options.MaxPackageBytes <= 0 || options.MaxPackageBytes > Array.MaxLength)
            throw new InvalidOperationException($"Nfvo:MaxPackageBytes must be between 1 and {Array.MaxLength}.");
        services.AddSingleton(options);
        services.AddManoDbContext<NfvoDbContext, NfvoSqliteDbContext, NfvoPostgresDbContext>(db, Schema);
        services.AddHostedService<OutboxDispatcher<NfvoDbContext>>();
        services.AddScoped<VnfPackageOnboarder>();
        services.AddSingleton<PkgmNotifier>();
        services.AddScoped<VnfPackageUsageTracker>();
        services.AddSingleton<PackageFetchGuard>();
        services.AddScoped<VnfPackageFetcher>();
        services.AddHttpClient(VnfPackageFetcher.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var guard = sp.GetRequiredService<PackageFetchGuard>();
                return new SocketsHttpHandler
                {
                    ConnectCallback = guard.ConnectAsync,
                    UseProxy = false,
                    AllowAutoRedirect = options.PackageFetch.MaxRedirects > 0,
                    MaxAutomaticRedirections = Math.Max(1, options.PackageFetch.MaxRedirects),
                    ConnectTimeout = TimeSpan.FromSeconds(options.PackageFetch.ConnectTimeoutSeconds),
                    UseCookies = false,
                };
            });
        // Package management notifications: durable, ordered per subscription, with back-off (ADR-0005).
        services.TryAddSingleton(new NotificationOptions());
        services.AddHttpClient(NotificationDispatcher<NfvoDbContext>.HttpClientName);
        services.AddHostedService<NotificationDispatcher<NfvoDbContext>>();
        services.AddScoped<OnboardedVnfPackageQuery>();
        services.AddVimRegistry(config);
        services.AddNfvoGrants(config); // GrantsApi.cs
        services.AddNsLcm(config); // NsLcmRegistration.cs: SOL005 NS LCM
        services.AddNsdManagement(); // NsdManagementApi.cs: NSD / PNFD onboarding, notifications, NsdCatalog
        services.AddVnfLcmClients(config); // VnfLcmClients.cs: VNF LCM through Mano's VNFM (bus) or external VNFMs (REST)
        return services;
    }

    /// <summary>The NFVO's MassTransit consumers.</summary>
    public static void AddNfvoConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<OnboardVnfPackageConsumer>();
        bus.AddConsumer<FetchVnfPackageConsumer>();
        bus.AddConsumer<VnfPackageUsedConsumer>();
        bus.AddConsumer<VnfPackageReleasedConsumer>();
        bus.AddConsumer<GetOnboardedVnfPackageConsumer>();
        bus.AddConsumer<GetVnfPackageArtifactChunkConsumer>(); // PackageArtifactChunks.cs
        bus.AddNfvoGrantConsumers(); // GrantsApi.cs
        bus.AddNsLcmConsumers(); // NsLcmRegistration.cs
        bus.AddConsumer<OnboardNsdConsumer>();
        bus.AddConsumer<OnboardPnfdConsumer>();
        bus.AddRequestClient<Mano.Contracts.Messages.VnfLcmRequest>(); // VnfLcmClients.cs
    }

    /// <summary>The NFVO's HTTP APIs: SOL005 VNF package management (/vnfpkgm/v2) and the VIM registry (/nfvo/v1/vims).</summary>
    public static IEndpointRouteBuilder MapNfvoApis(this IEndpointRouteBuilder app)
    {
        app.MapVnfPackagesApiV2();
        app.MapVimsApiV1();
        app.MapGrantApiV1();
        app.MapVimTackerApi();
        app.MapNsLcmApiV2();
        app.MapNsPlanApiV1();
        app.MapNsdManagementApiV2();
        app.MapVnfLcmNotificationsApi(); // VnfLcmClients.cs
        return app;
    }

    /// <summary>
    /// Applies the NFVO's migrations, then seeds the sandbox VIM for the default tenant (Auth:DefaultTenant, default
    /// "default"). Idempotent; needs the scoped <see cref="TenantContext"/> registered (the Host does).
    /// </summary>
    public static async Task MigrateNfvoAsync(this IServiceProvider sp, CancellationToken ct)
    {
        await using var scope = sp.CreateAsyncScope();
        var config = scope.ServiceProvider.GetRequiredService<IConfiguration>();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(config["Auth:DefaultTenant"] ?? "default");
        var db = scope.ServiceProvider.GetRequiredService<NfvoDbContext>();
        await db.Database.MigrateAsync(ct);
        await scope.ServiceProvider.GetRequiredService<VimRegistry>().SeedSandboxAsync(ct);
    }
}
