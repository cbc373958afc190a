using MassTransit;
using Mano.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mano.Vnfm.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public async Task VNFM_services_pass_dependency_injection_scope_validation()
    {
        // The Development environment validates scopes and builds eagerly; a singleton capturing a scoped service
        // (VnfdCatalog once held MassTransit's scoped IRequestClient) would make the host fail to start there.
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddScoped<TenantContext>();
        services.AddSingleton<WorkSignal>();
        services.AddSingleton<WorkSignalInterceptor>();
        services.AddVnfm(new ConfigurationBuilder().Build(), new DatabaseSettings(DatabaseSettings.Sqlite, "Data Source=:memory:"));
        services.AddSingleton<VimAdapters.IVimDriver>(_ => new VimAdapters.SandboxVimDriver(new VimAdapters.SandboxCloud()));
        services.AddMassTransitTestHarness(x => x.AddVnfmConsumers());

        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

        Assert.NotNull(provider.GetRequiredService<VnfdCatalog>());
        await using var scope = provider.CreateAsyncScope();
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<LcmOperationRunner>());
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<ExecuteVnfLcmOperationConsumer>());
    }
}
