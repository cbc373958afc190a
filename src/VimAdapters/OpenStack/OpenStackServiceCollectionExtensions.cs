using Mano.VimAdapters.OpenStack;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

public static class OpenStackServiceCollectionExtensions
{
    /// <summary>The HttpClient name the OpenStack driver uses (requests timed by <see cref="OpenStackTimingHandler"/>).</summary>
    public const string HttpClientName = "Mano.VimAdapters.OpenStack";

    /// <summary>
    /// Registers the OpenStack VIM driver (<c>ETSINFV.OPENSTACK_KEYSTONE.V_3</c>) as an <see cref="Mano.VimAdapters.IVimDriver"/>
    /// singleton (it caches Keystone tokens), with a named HttpClient through <see cref="OpenStackTimingHandler"/>.
    /// Options: <c>services.Configure&lt;OpenStackOptions&gt;(...)</c>.
    /// </summary>
    public static IServiceCollection AddOpenStackVimDriver(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<OpenStackOptions>();
        services.AddTransient<OpenStackTimingHandler>();
        services.AddHttpClient(HttpClientName)
            .AddHttpMessageHandler<OpenStackTimingHandler>()
            .ConfigureHttpClient((sp, http) => http.Timeout = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<OpenStackOptions>>().Value.RequestTimeout);
        services.AddSingleton(sp => new OpenStackVimDriver(
            () => sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<OpenStackOptions>>().Value,
            sp.GetService<ILogger<OpenStackVimDriver>>(),
            sp.GetService<TimeProvider>()));
        services.AddSingleton<Mano.VimAdapters.IVimDriver>(sp => sp.GetRequiredService<OpenStackVimDriver>());
        // networking-sfc chains for the NFVO, sharing the driver's Keystone token cache.
        services.AddSingleton<Mano.VimAdapters.IVimChainDriver>(sp => new OpenStackChainDriver(sp.GetRequiredService<OpenStackVimDriver>()));
        services.TryAddSingleton<Mano.VimAdapters.VimChainDriverRegistry>();
        return services;
    }
}
