using Mano.Nfvo;
using Mano.Vnfm;

namespace Mano.Host;

/// <summary>The verbs of the host executable besides "run".</summary>
public static class Commands
{
    /// <summary>`migrate`: the explicit one-off schema step of the scaled shape (roles decide which schemas).</summary>
    public static async Task<int> MigrateAsync(WebApplication app, ManoSettings settings)
    {
        await ApplyMigrationsAsync(app.Services, settings, CancellationToken.None);
        app.Logger.LogInformation("Migrations applied for roles {Roles}", settings.Roles);
        return 0;
    }

    public static async Task ApplyMigrationsAsync(IServiceProvider services, ManoSettings settings, CancellationToken ct)
    {
        if (settings.Nfvo) await services.MigrateNfvoAsync(ct);
        if (settings.Vnfm) await services.MigrateVnfmAsync(ct);
    }

    /// <summary>`healthcheck`: for container health probes (the runtime image has no curl). Exit 0 when ready.</summary>
    public static async Task<int> HealthCheckAsync()
    {
        var url = (Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? ManoSettings.DefaultUrls).Split(';')[0]
            .Replace("0.0.0.0", "127.0.0.1").Replace("[::]", "127.0.0.1").Replace("+", "127.0.0.1").Replace("*", "127.0.0.1");
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            using var response = await client.GetAsync($"{url.TrimEnd('/')}/health/ready");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"not ready: {e.Message}");
            return 1;
        }
    }
}
