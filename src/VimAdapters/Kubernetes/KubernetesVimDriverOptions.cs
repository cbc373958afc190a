using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mano.VimAdapters.Kubernetes;

/// <summary>Timeouts of the Kubernetes driver.</summary>
public sealed class KubernetesVimDriverOptions
{
    /// <summary>How long workloads may take to become ready (Deployment available, StatefulSet/ReplicaSet ready, DaemonSet ready, Pod Ready).</summary>
    public TimeSpan ReadinessTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long deleted objects (and their pods) may take to disappear.</summary>
    public TimeSpan DeletionTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often status is polled while waiting.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>One API request.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long API discovery (the kinds a cluster serves) is reused before it is read again.</summary>
    public TimeSpan DiscoveryCacheTtl { get; set; } = TimeSpan.FromMinutes(1);
}

public static class KubernetesVimDriverServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Kubernetes driver (<see cref="VimTypes.Kubernetes"/>) as an <see cref="IVimDriver"/>, so the
    /// <see cref="VimDriverRegistry"/> picks it for VIMs of that type.
    /// </summary>
    public static IServiceCollection AddKubernetesVimDriver(this IServiceCollection services, Action<KubernetesVimDriverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new KubernetesVimDriverOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(options);
        services.AddSingleton<IVimDriver>(sp => new KubernetesVimDriver(
            sp.GetRequiredService<KubernetesVimDriverOptions>(),
            sp.GetService<ILogger<KubernetesVimDriver>>() ?? NullLogger<KubernetesVimDriver>.Instance));
        return services;
    }
}
