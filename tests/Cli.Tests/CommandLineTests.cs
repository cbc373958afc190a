using System.Net;
using System.Text;
using Mano.Contracts;

namespace Mano.Cli.Tests;

/// <summary>Grammar, usage errors, and the injectable handler; no server needed.</summary>
public sealed class CommandLineTests
{
    private static async Task<(int Exit, string Stdout, string Stderr)> Run(HttpMessageHandler? handler, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await Cli.RunAsync(args, handler, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Version_PrintsTheCliVersion()
    {
        var (exit, stdout, _) = await Run(null, "version");

        Assert.Equal(0, exit);
        Assert.Equal($"mano {Cli.Version}", stdout.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", Cli.Version);
    }

    [Fact]
    public async Task Help_ListsTheTackerVerbs_AndNoPlaceholders()
    {
        var (exit, stdout, _) = await Run(null, "--help");
        Assert.Equal(0, exit);
        Assert.Contains("vnflcm", stdout, StringComparison.Ordinal);
        Assert.Contains("vnf ", stdout, StringComparison.Ordinal);
        Assert.Contains("--endpoint", stdout, StringComparison.Ordinal);

        (exit, stdout, _) = await Run(null, "vnf", "package", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("list", stdout, StringComparison.Ordinal);
        Assert.Contains("show", stdout, StringComparison.Ordinal);
        Assert.Contains("validate", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vnflcm", "list", "-f", "yaml")]
    [InlineData("vnflcm", "list", "--timeout", "0")]
    [InlineData("vnflcm", "list", "--endpoint", "ftp://example.org")]
    [InlineData("vnflcm", "list", "--endpoint", "not a url")]
    [InlineData("vnflcm", "show")]
    [InlineData("vnflcm", "frobnicate")]
    public async Task UsageErrors_ExitOneWithoutCallingMano(params string[] args)
    {
        using var handler = new StubHandler(_ => throw new InvalidOperationException("must not be called"));

        var (exit, _, stderr) = await Run(handler, args);

        Assert.Equal(1, exit);
        Assert.NotEmpty(stderr);
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public async Task InjectedHandler_IsUsed_WithTheDefaultEndpointShape()
    {
        using var handler = new StubHandler(request =>
        {
            Assert.Equal("http://mano.example:9890/vnflcm/v2/vnf_instances", request.RequestUri!.AbsoluteUri);
            Assert.Equal("2.3.0", Assert.Single(request.Headers.GetValues("Version")));
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(SolBodies.VnfInstanceList, Encoding.UTF8, "application/json"),
            };
        });

        var (exit, stdout, stderr) = await Run(handler, "vnflcm", "list", "--endpoint", "http://mano.example:9890/");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        Assert.Contains(SolBodies.VnfInstanceId, stdout, StringComparison.Ordinal);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task ABodyThatIsNotTheContract_IsReportedNotThrown()
    {
        using var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("""[{"id":"x"}]""", Encoding.UTF8, "application/json"),
        });

        var (exit, _, stderr) = await Run(handler, "vnflcm", "list", "--endpoint", "http://mano.example");

        Assert.Equal(1, exit);
        Assert.StartsWith("Error: unexpected answer from Mano at http://mano.example: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<html><body><h1>502 Bad Gateway</h1></body></html>", "Error: 502 Bad Gateway")]
    [InlineData("upstream connect error", "Error: 502 Bad Gateway: upstream connect error")]
    [InlineData("", "Error: 502 Bad Gateway")]
    public async Task AnErrorThatIsNotProblemDetails_ReportsTheStatus(string body, string expected)
    {
        using var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            Content = new StringContent(body, Encoding.UTF8, "text/html"),
        });

        var (exit, stdout, stderr) = await Run(handler, "vnf", "package", "show", "p1", "--endpoint", "http://mano.example");

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal(expected, stderr.Trim());
    }

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(respond(request));
        }
    }
}

/// <summary>The canned bodies still fit Mano.Contracts, so the CLI is tested against the real shapes.</summary>
public sealed class ContractShapeTests
{
    [Fact]
    public void CannedBodies_DeserialiseIntoTheContractTypes()
    {
        var instance = SolJson.Deserialize<VnfInstance>(SolBodies.VnfInstance);
        Assert.Equal(SolBodies.VnfInstanceId, instance.Id);
        Assert.Equal(InstantiationState.Instantiated, instance.InstantiationState);
        Assert.Equal("STARTED", instance.InstantiatedVnfInfo!.VnfState);

        Assert.Equal(2, SolJson.Deserialize<List<VnfInstance>>(SolBodies.VnfInstanceList).Count);

        var package = SolJson.Deserialize<VnfPkgInfo>(SolBodies.VnfPackage);
        Assert.Equal(PackageOnboardingState.Onboarded, package.OnboardingState);
        Assert.Equal(PackageOnboardingState.Created, SolJson.Deserialize<VnfPkgInfo>(SolBodies.OtherVnfPackage).OnboardingState);

        var problem = SolJson.Deserialize<ProblemDetails>(SolBodies.NotFound("/x", "gone"));
        Assert.Equal(404, problem.Status);
        Assert.Equal("gone", problem.Detail);
    }
}
