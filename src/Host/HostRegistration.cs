using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using MassTransit;
using Mano.Common;
using Mano.Nfvo;
using Mano.VimAdapters;
using Mano.VimAdapters.Kubernetes;
using Mano.VimAdapters.OpenStack;
using Mano.Vnfm;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mano.Host;

/// <summary>The composition root, one extension per concern, in the order Program.cs calls them.</summary>
public static class HostRegistration
{
    public static ManoSettings AddManoHost(this WebApplicationBuilder builder)
    {
        var settings = ManoSettings.From(builder.Configuration);
        if (builder.Configuration["urls"] is null) builder.WebHost.UseUrls(settings.Urls);
        builder.Configuration["Mano:PublicUrl"] = settings.PublicUrl(builder.Configuration);
        builder.Configuration["Nfvo:ApiRoot"] ??= builder.Configuration["Mano:PublicUrl"];
        builder.Configuration["Mano:DataDir"] = settings.DataDir; // e.g. the NFVO's generated secrets key file
        // Structured logs to stdout, one JSON object per line (12-factor).
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Services.AddSingleton(settings);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = builder.Configuration.GetValue("Nfvo:MaxPackageBytes", 1L << 30) + 1);
        return settings;
    }

    public static IServiceCollection AddManoPersistence(this IServiceCollection services, IConfiguration config, ManoSettings settings)
    {
        services.AddScoped<TenantContext>();
        services.AddSingleton<WorkSignal>();
        services.AddSingleton<WorkSignalInterceptor>();
        return services;
    }

    public static IServiceCollection AddManoApi(this IServiceCollection services, IConfiguration config)
    {
        services.AddExceptionHandler<SolExceptionHandler>();
        services.AddProblemDetails();
        // The authentication seam (issue 2): every caller is the default tenant until OAuth 2.0 / Keystone land.
        services.AddAuthentication(AnonymousTenantHandler.SchemeName)
            .AddScheme<AnonymousTenantOptions, AnonymousTenantHandler>(AnonymousTenantHandler.SchemeName,
                o => o.TenantId = config["Auth:DefaultTenant"] ?? "default");
        // Every endpoint requires an authenticated caller unless it says AllowAnonymous (health, version discovery).
        services.AddAuthorization(o => o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Mano: ETSI NFV-MANO (SOL003 VNF LCM, SOL005 VNF packages)";
            doc.Info.Description = "Mano's SOL APIs. The normative definitions are ETSI's OpenAPI documents (SOL002/003/005 v3.7.1).";
            return Task.CompletedTask;
        }));
        services.AddHealthChecks();
        return services;
    }

    public static IServiceCollection AddManoBus(this IServiceCollection services, IConfiguration config, ManoSettings settings)
    {
        var transport = config["Bus:Transport"] ?? "InMemory";
        var rabbit = transport.Equals("RabbitMq", StringComparison.OrdinalIgnoreCase);
        if (!rabbit && !transport.Equals("InMemory", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Unknown Bus:Transport \"{transport}\" (expected InMemory or RabbitMq).");
        if (!rabbit && !(settings.Nfvo && settings.Vnfm))
            throw new InvalidOperationException("Running only some roles needs a shared bus: set Bus__Transport=RabbitMq and Bus__RabbitMq__Uri.");
        services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            if (settings.Nfvo) x.AddNfvoConsumers();
            if (settings.Vnfm) x.AddVnfmConsumers();
            x.AddConfigureEndpointsCallback((_, _, endpoint) =>
                endpoint.UseMessageRetry(r => r.Intervals(200, 1000, 5000)));
            if (rabbit)
            {
                var uri = config["Bus:RabbitMq:Uri"] ?? throw new InvalidOperationException("Bus:Transport is RabbitMq but Bus:RabbitMq:Uri (env Bus__RabbitMq__Uri) is not set.");
                x.UsingRabbitMq((ctx, cfg) =>
                {
                    cfg.Host(new Uri(uri));
                    cfg.ConfigureEndpoints(ctx);
                });
            }
            else
            {
                x.UsingInMemory((ctx, cfg) => cfg.ConfigureEndpoints(ctx));
            }
        });
        return services;
    }

    public static IServiceCollection AddManoJobs(this IServiceCollection services, IConfiguration config, ManoSettings settings)
    {
        var db = DatabaseSettings.From(config, settings.DataDir, "jobs");
        services.AddHangfire(cfg =>
        {
            cfg.UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
            if (db.IsSqlite) cfg.UseInMemoryStorage();
            else cfg.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(db.ConnectionString), new PostgreSqlStorageOptions { SchemaName = "hangfire" });
        });
        if (settings.Vnfm) services.AddHangfireServer(o => o.WorkerCount = 2);
        return services;
    }

    public static IServiceCollection AddManoRoles(this IServiceCollection services, IConfiguration config, ManoSettings settings)
    {
        var checks = services.AddHealthChecks();
        // The real VIM drivers serve both roles: the NFVO checks VIM connectivity, the VNFM drives LCM (ADR-0010).
        services.AddOpenStackVimDriver();
        services.AddKubernetesVimDriver();
        if (settings.Nfvo)
        {
            services.AddNfvo(config, DatabaseSettings.From(config, settings.DataDir, "nfvo"));
            checks.AddDbContextCheck<NfvoDbContext>("nfvo-db", tags: ["ready"]);
        }
        if (settings.Vnfm)
        {
            services.AddVnfm(config, DatabaseSettings.From(config, settings.DataDir, "vnfm"));
            checks.AddDbContextCheck<VnfmDbContext>("vnfm-db", tags: ["ready"]);
        }
        // The sandbox VIM serves both roles: the VNFM puts VNFs on it, the NFVO makes NS virtual links and chains on it.
        // One SandboxCloud per process: the sandbox is process-local, so an NS on the sandbox VIM needs the NFVO and VNFM
        // roles in ONE process (NS VL networks made by the NFVO are then the networks the VNFM's ports attach to).
        if (settings.Nfvo || settings.Vnfm) services.AddSandboxVim(config, settings);
        return services;
    }

    /// <summary>Start-up work before serving: embedded shape migrates and seeds; the VNFM resumes in-flight ops.</summary>
    public static async Task PrepareAsync(this WebApplication app, ManoSettings settings)
    {
        var config = app.Configuration;
        var autoMigrate = config.GetValue("Database:AutoMigrate", DatabaseSettings.From(config, settings.DataDir, "jobs").IsSqlite);
        if (autoMigrate) await Commands.ApplyMigrationsAsync(app.Services, settings, CancellationToken.None);
        if (settings.Vnfm)
        {
            await app.Services.EnsureSandboxDefaultsAsync();
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<LcmWatchdog>().ResumeInFlightOperationsAsync(TimeSpan.Zero);
            app.Services.GetRequiredService<IRecurringJobManager>()
                .AddOrUpdate<LcmWatchdog>(LcmWatchdog.JobId, w => w.RunAsync(), Cron.Minutely());
            // VIM drift (ADR-0008): Vnfm:Resync:Cron (default every 5 minutes; "off" disables).
            var resyncCron = config["Vnfm:Resync:Cron"] ?? "*/5 * * * *";
            if (resyncCron.Equals("off", StringComparison.OrdinalIgnoreCase)) app.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(VimResync.JobId);
            else app.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<VimResync>(VimResync.JobId, r => r.RunAsync(), resyncCron);
        }
        app.Logger.LogInformation("Mano started: roles {Roles}, database {Provider}, bus {Bus}, data dir {DataDir}",
            settings.Roles, config["Database:Provider"] ?? "Sqlite", config["Bus:Transport"] ?? "InMemory", settings.DataDir);
    }

    public static WebApplication UseManoPipeline(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Unknown routes and methods answer with SOL013 ProblemDetails too.
        app.UseStatusCodePages(async ctx =>
        {
            var response = ctx.HttpContext.Response;
            if (response.ContentLength is null && response.ContentType is null)
                await SolResults.WriteProblemAsync(ctx.HttpContext, response.StatusCode,
                    Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(response.StatusCode),
                    $"{ctx.HttpContext.Request.Method} {ctx.HttpContext.Request.Path} answered {response.StatusCode}.");
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<TenantMiddleware>();
        return app;
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }

    public static WebApplication MapManoEndpoints(this WebApplication app, ManoSettings settings)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealthAsync }).AllowAnonymous();
        // Ready = every check tagged "ready": each role's database and the bus (MassTransit registers its own).
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteHealthAsync }).AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "api-docs";
            o.SwaggerEndpoint("/openapi/v1.json", "Mano");
            o.DocumentTitle = "Mano API";
        });
        if (settings.Nfvo) app.MapNfvoApis();
        if (settings.Vnfm)
        {
            app.MapVnfLcmApiV2();
            app.MapVimResyncApi();
            app.MapSandboxApi();
        }
        app.MapGet("/", () => Results.Json(new
        {
            name = "Mano",
            description = "ETSI NFV-MANO orchestrator (NFVO + VNFM)",
            roles = settings.Roles,
            apis = new[]
            {
                settings.Nfvo ? "/vnfpkgm/v2 (SOL005 VNF package management)" : null,
                settings.Nfvo ? "/nsd/v2 (SOL005 NSD management)" : null,
                settings.Nfvo ? "/nslcm/v2 (SOL005 NS lifecycle management)" : null,
                settings.Nfvo ? "/nsplan/v1 (NS plans: dry runs, service function chains and traces)" : null,
                settings.Vnfm ? "/vnflcm/v2 (SOL003 VNF lifecycle management)" : null,
                settings.Vnfm ? "/sandbox/v1 (the sandbox VIM: simulated, not a real cloud)" : null,
            }.OfType<string>(),
            apiDocs = "/api-docs",
            openApi = "/openapi/v1.json",
            health = new[] { "/health/live", "/health/ready" },
        })).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
