using System.Diagnostics;

namespace Mano.Architecture.Tests;

/// <summary>docker-compose.yml describes the scaled-out shape (ARCHITECTURE.md, "One binary, two shapes").</summary>
public class ComposeTests
{
    private static string ComposePath => Path.Combine(RepoPaths.RepoRoot, "docker-compose.yml");

    private static string Compose => File.ReadAllText(ComposePath);

    [Fact]
    public void Compose_file_declares_the_scaled_out_services()
    {
        var services = ComposeFile.ServiceNames(Compose);
        foreach (var expected in new[] { "postgres", "rabbitmq", "migrate", "nfvo", "vnfm" })
        {
            Assert.Contains(expected, services);
        }
    }

    [Fact]
    public void Compose_file_layout_is_sane_yaml() => Assert.Empty(ComposeFile.LayoutErrors(Compose));

    [Theory]
    [InlineData("postgres")]
    [InlineData("rabbitmq")]
    [InlineData("nfvo")]
    [InlineData("vnfm")]
    public void Long_running_services_have_a_healthcheck(string service) =>
        Assert.Contains("healthcheck", ComposeFile.ServiceKeys(Compose, service));

    [Theory]
    [InlineData("MANO_ROLES")]
    [InlineData("Database__Provider")]
    [InlineData("ConnectionStrings__Mano")]
    [InlineData("Bus__Transport")]
    [InlineData("Bus__RabbitMq__Uri")]
    [InlineData("MANO_DATA_DIR")]
    public void Compose_file_configures_the_host_with_the_agreed_environment_variables(string name) =>
        Assert.Contains(name + ":", Compose, StringComparison.Ordinal);

    [Fact]
    public void Dockerfile_publishes_the_host_and_runs_it_as_non_root()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepoPaths.RepoRoot, "Dockerfile"));
        Assert.Contains("src/Host/Host.csproj", dockerfile, StringComparison.Ordinal);
        Assert.Contains("Mano.Host.dll", dockerfile, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^USER\s+(?!root\b|0\b)\S+", dockerfile);
    }

    /// <summary>Full syntax and semantics via <c>docker compose config -q</c> (needs no engine), when the plugin exists.</summary>
    [Fact]
    public async Task Docker_compose_config_accepts_the_file()
    {
        if (!OnPath("docker"))
        {
            Assert.Skip("the docker command is not installed here");
        }

        var (available, _) = await Run("docker", "compose", "version");
        if (available != 0)
        {
            Assert.Skip("the docker compose plugin is not installed here");
        }

        var (exit, output) = await Run("docker", "compose", "-f", ComposePath, "config", "-q");
        Assert.True(exit == 0, output);
    }

    [Fact]
    public void Reader_finds_services_and_their_keys()
    {
        const string yaml = """
            # comment
            name: x
            services:
              db:
                image: postgres:15
                healthcheck:
                  test: ["CMD", "pg_isready"]
              # a comment inside
              app:
                image: "mano"
                environment:
                  services: not-a-service
            volumes:
              data: {}
            """;
        Assert.Equal(["db", "app"], ComposeFile.ServiceNames(yaml));
        Assert.Equal(["image", "healthcheck"], ComposeFile.ServiceKeys(yaml, "db"));
        Assert.Equal(["image", "environment"], ComposeFile.ServiceKeys(yaml, "app"));
        Assert.Empty(ComposeFile.ServiceKeys(yaml, "missing"));
        Assert.Empty(ComposeFile.LayoutErrors(yaml));
    }

    [Fact]
    public void Reader_follows_merge_keys()
    {
        const string yaml = """
            x-common: &common
              image: mano
              healthcheck:
                test: ["CMD", "true"]
            services:
              nfvo:
                <<: *common
                ports:
                  - "9891:8080"
            """;
        Assert.Equal(["nfvo"], ComposeFile.ServiceNames(yaml));
        Assert.Equal(["image", "healthcheck", "ports"], ComposeFile.ServiceKeys(yaml, "nfvo"));
        Assert.Empty(ComposeFile.LayoutErrors(yaml));
    }

    [Fact]
    public void Reader_reports_tabs_and_a_missing_services_section()
    {
        Assert.NotEmpty(ComposeFile.LayoutErrors("services:\n\tdb:\n"));
        Assert.NotEmpty(ComposeFile.LayoutErrors("services:\n   db:\n"));
        Assert.Empty(ComposeFile.ServiceNames("volumes:\n  services:\n    x: {}\n"));
    }

    private static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, command)));

    private static async Task<(int Exit, string Output)> Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.RepoRoot,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
