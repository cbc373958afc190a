using System.Text.Json;
using System.Text.Json.Serialization;
using Mano.Common;
using Mano.VimAdapters;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mano.Host;

/// <summary>
/// The sandbox VIM: an in-process simulated cloud, pre-registered with the NFVO as VIM "sandbox" so that Mano works
/// with zero setup. Its state lives under MANO_DATA_DIR. It is labelled as a sandbox everywhere a user can see it.
///
///   GET    /sandbox/v1                      what the sandbox is, zones, latency
///   GET    /sandbox/v1/resources            the caller's resources (?vnfInstanceId=)
///   GET    /sandbox/v1/sfc_resources        the caller's simulated chain resources (port pairs, groups, flow classifiers, port chains)
///   GET    /sandbox/v1/external_networks    shared provider networks to use in extVirtualLinks
///   GET    /sandbox/v1/usage                the caller's usage and quota
///   GET    /sandbox/v1/faults               failure injection rules     (chaos testing)
///   PUT    /sandbox/v1/faults               add or replace a rule
///   DELETE /sandbox/v1/faults               clear all rules
///   PUT    /sandbox/v1/latency              {"milliseconds": N} per VIM call
/// </summary>
public static class SandboxApi
{
    public const string ProviderTenant = "sandbox-provider";
    public const string PublicNetwork = "public";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static IServiceCollection AddSandboxVim(this IServiceCollection services, IConfiguration config, ManoSettings settings)
    {
        services.AddSingleton(_ => new SandboxCloud(new SandboxCloudOptions
        {
            // Sandbox:Persist=false keeps the sandbox's state in memory only (it then forgets its resources on restart).
            StatePath = config.GetValue("Sandbox:Persist", true) ? Path.Combine(settings.DataDir, "sandbox-vim.json") : null,
            Latency = TimeSpan.FromMilliseconds(config.GetValue("Sandbox:LatencyMs", 0)),
            // Sandbox:UnlimitedQuota=true lifts the per-tenant default quota (load benchmarks: scripts/bench-ns.sh).
            DefaultQuota = config.GetValue("Sandbox:UnlimitedQuota", false) ? SandboxQuota.Unlimited : SandboxQuota.Default,
        }));
        services.AddSingleton<IVimDriver>(sp => new SandboxVimDriver(sp.GetRequiredService<SandboxCloud>()));
        services.AddSingleton<IVimChainDriver>(sp => new SandboxChainDriver(sp.GetRequiredService<SandboxCloud>()));
        services.TryAddSingleton<VimChainDriverRegistry>();
        return services;
    }

    /// <summary>A shared "public" provider network (TEST-NET-3, RFC 5737), so external CPs can connect with no setup.</summary>
    public static async Task EnsureSandboxDefaultsAsync(this IServiceProvider services)
    {
        var cloud = services.GetRequiredService<SandboxCloud>();
        if (cloud.QueryResources(ProviderTenant).Any(r => r.Kind == VimResourceKind.Network && r.Name == PublicNetwork)) return;
        var network = await cloud.CreateNetworkAsync(ProviderTenant, new SandboxNetworkSpec(PublicNetwork, Shared: true));
        await cloud.CreateSubnetAsync(ProviderTenant, new SandboxSubnetSpec($"{PublicNetwork}-subnet", network.ResourceId, "203.0.113.0/24"));
    }

    public static IEndpointRouteBuilder MapSandboxApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/sandbox/v1").WithTags("Sandbox VIM (simulated, not a real cloud)");
        api.MapGet("/", (SandboxCloud cloud) => Results.Json(new
        {
            name = cloud.Name,
            sandbox = true,
            notice = "A simulated cloud inside Mano for trying and testing Mano; it runs no workload.",
            vimType = VimTypes.Sandbox,
            zones = cloud.Zones,
            latencyMs = cloud.Latency.TotalMilliseconds,
        }, Json));
        api.MapGet("/resources", (string? vnfInstanceId, SandboxCloud cloud, TenantContext tenant) =>
            Results.Json(cloud.QueryResources(tenant.Required, vnfInstanceId), Json));
        api.MapGet("/sfc_resources", (SandboxCloud cloud, TenantContext tenant) =>
            Results.Json(cloud.QuerySfcResources(tenant.Required), Json));
        api.MapGet("/external_networks", (SandboxCloud cloud) =>
            Results.Json(cloud.QueryResources(ProviderTenant).Where(r => r.Kind == VimResourceKind.Network), Json));
        api.MapGet("/usage", (SandboxCloud cloud, TenantContext tenant) => Results.Json(cloud.GetUsage(tenant.Required), Json));
        // Fault injection and latency act on the whole sandbox; they become admin-scoped when authentication lands.
        api.MapGet("/faults", (SandboxCloud cloud) => Results.Json(cloud.GetFaults(), Json));
        api.MapPut("/faults", async (HttpRequest http, SandboxCloud cloud) =>
        {
            var rule = await JsonSerializer.DeserializeAsync<SandboxFaultRule>(http.Body, Json)
                       ?? throw new BadRequestProblem("A fault rule is required.");
            cloud.SetFault(rule);
            return Results.Json(cloud.GetFaults(), Json);
        });
        api.MapDelete("/faults", (SandboxCloud cloud) =>
        {
            cloud.ClearFaults();
            return Results.NoContent();
        });
        api.MapPut("/latency", async (HttpRequest http, SandboxCloud cloud) =>
        {
            var body = await JsonSerializer.DeserializeAsync<LatencyBody>(http.Body, Json) ?? throw new BadRequestProblem("{\"milliseconds\": N} is required.");
            if (body.Milliseconds is < 0 or > 600_000) throw new BadRequestProblem("milliseconds must be between 0 and 600000.");
            cloud.Latency = TimeSpan.FromMilliseconds(body.Milliseconds);
            return Results.NoContent();
        });
        return app;
    }

    private sealed record LatencyBody(double Milliseconds);
}
