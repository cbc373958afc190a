using Mano.Host;

// Mano: ETSI NFV-MANO (NFVO + VNFM) in one binary. `mano-host [run|migrate|healthcheck]`.
if (args.FirstOrDefault() == "healthcheck") return await Commands.HealthCheckAsync();

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args.Where(a => a != "migrate").ToArray(),
    ContentRootPath = AppContext.BaseDirectory, // appsettings.json travels with the binary
});
var settings = builder.AddManoHost();          // roles, data dir, listen address, JSON logs
builder.Services.AddManoPersistence(builder.Configuration, settings);
builder.Services.AddManoApi(builder.Configuration);   // SOL013 problems, auth seam, tenancy, OpenAPI, health
builder.Services.AddManoBus(builder.Configuration, settings);
builder.Services.AddManoJobs(builder.Configuration, settings);
builder.Services.AddManoRoles(builder.Configuration, settings);  // NFVO and/or VNFM, sandbox VIM

var app = builder.Build();
if (args.FirstOrDefault() == "migrate") return await Commands.MigrateAsync(app, settings);
await app.PrepareAsync(settings);               // embedded: migrate + seed; every role: resume in-flight work

app.UseManoPipeline();
app.MapManoEndpoints(settings);
await app.RunAsync();
return 0;

/// <summary>Visible to WebApplicationFactory-based tests.</summary>
public partial class Program;
