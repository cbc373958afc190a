using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mano.Nfvo;

/// <summary>The VIM registry's services (ADR-0008): registry, credential encryption, connectivity check and monitor.</summary>
public static class VimRegistryRegistration
{
    public static IServiceCollection AddVimRegistry(this IServiceCollection services, IConfiguration config)
    {
        var interval = config.GetValue("Nfvo:VimCheck:IntervalSeconds", 300.0);
        var timeout = config.GetValue("Nfvo:VimCheck:TimeoutSeconds", 15.0);
        if (timeout <= 0) throw new InvalidOperationException("Nfvo:VimCheck:TimeoutSeconds must be positive.");
        services.AddSingleton(new VimCheckOptions { Interval = TimeSpan.FromSeconds(interval), Timeout = TimeSpan.FromSeconds(timeout) });
        services.AddSingleton(VimSecretsOptions.From(config));
        services.AddSingleton<VimSecretProtector>();
        services.AddSingleton<IVimConnectivityCheck, DriverVimConnectivityCheck>();
        services.AddScoped<VimRegistry>();
        services.AddHostedService<VimMonitor>();
        return services;
    }
}
