namespace Mano.Architecture.Tests;

/// <summary>The rule checker itself, on in-memory project files: proves that each rule can fail.</summary>
public class RuleCheckerTests
{
    private static ProjectFile Project(string path, string body, string sdk = "Microsoft.NET.Sdk") =>
        new(path, $"<Project Sdk=\"{sdk}\">{body}</Project>");

    private static string Refs(params string[] includes) =>
        "<ItemGroup>" + string.Concat(includes.Select(i => $"<ProjectReference Include=\"{i}\" />")) + "</ItemGroup>";

    private static string Packages(params string[] ids) =>
        "<ItemGroup>" + string.Concat(ids.Select(i => $"<PackageReference Include=\"{i}\" />")) + "</ItemGroup>";

    private static IReadOnlyList<Violation> Check(params ProjectFile[] files) => DependencyRules.Check(files);

    /// <summary>The intended shape of the design card: no violation at all.</summary>
    private static ProjectFile[] Healthy() =>
    [
        Project("src/Contracts/Contracts.csproj", ""),
        Project("src/Tosca/Tosca.csproj", Packages("YamlDotNet")),
        Project("src/VimAdapters/VimAdapters.csproj", Packages("KubernetesClient")),
        Project("src/Nfvo/Nfvo.csproj", Refs("../Contracts/Contracts.csproj", "../Tosca/Tosca.csproj", "../VimAdapters/VimAdapters.csproj") + Packages("MassTransit")),
        Project("src/Vnfm/Vnfm.csproj", Refs("..\\Contracts\\Contracts.csproj", "../Tosca/Tosca.csproj", "../VimAdapters/VimAdapters.csproj")),
        Project("src/Host/Host.csproj", Refs("../Nfvo/Nfvo.csproj", "../Vnfm/Vnfm.csproj"), "Microsoft.NET.Sdk.Web"),
        Project("src/Cli/Cli.csproj", Refs("../Contracts/Contracts.csproj", "../Tosca/Tosca.csproj")),
        Project("tests/Host.Tests/Host.Tests.csproj", Refs("../../src/Host/Host.csproj", "../../src/Cli/Cli.csproj")),
        Project("tests/Nfvo.Tests/Nfvo.Tests.csproj", Refs("../../src/Nfvo/Nfvo.csproj")),
    ];

    [Fact]
    public void The_designed_shape_has_no_violation() => Assert.Empty(Check(Healthy()));

    [Fact]
    public void No_projects_at_all_is_no_violation() => Assert.Empty(Check());

    [Fact]
    public void Absent_projects_are_fine_as_long_as_nothing_forbidden_is_referenced() =>
        Assert.Empty(Check(Project("src/Nfvo/Nfvo.csproj", Refs("../Contracts/Contracts.csproj"))));

    [Theory]
    [InlineData("src/Nfvo/Nfvo.csproj", "../Vnfm/Vnfm.csproj")]
    [InlineData("src/Vnfm/Vnfm.csproj", "../Nfvo/Nfvo.csproj")]
    [InlineData("src/Nfvo/Nfvo.csproj", "../Vnfm.Api/Vnfm.Api.csproj")]
    [InlineData("src/Nfvo.Workers/Nfvo.Workers.csproj", "../Vnfm/Vnfm.csproj")]
    [InlineData("src/Nfvo/Nfvo.csproj", "$(RepoRoot)src/Vnfm/Vnfm.csproj")]
    [InlineData("src/Nfvo/Nfvo.csproj", "$(MSBuildThisFileDirectory)../Vnfm/Vnfm.csproj")]
    public void Nfvo_and_Vnfm_referencing_each_other_directly_is_a_violation(string from, string include)
    {
        var violations = Check(Project(from, Refs(include)));
        Assert.Contains(violations, v => v.Rule == Rule.NfvoVnfmIsolation);
    }

    [Fact]
    public void Nfvo_reaching_Vnfm_transitively_is_a_violation_and_the_chain_is_reported()
    {
        var files = Healthy().Append(Project("src/Common/Common.csproj", Refs("../Vnfm/Vnfm.csproj")))
            .Select(f => f.RelativePath == "src/Nfvo/Nfvo.csproj" ? Project(f.RelativePath, Refs("../Common/Common.csproj")) : f)
            .ToArray();

        var violation = Assert.Single(Check(files), v => v.Rule == Rule.NfvoVnfmIsolation);
        Assert.Contains("src/Nfvo -> src/Common -> src/Vnfm", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_test_project_may_reference_both_Nfvo_and_Vnfm() =>
        Assert.Empty(Check(
            Project("src/Nfvo/Nfvo.csproj", ""),
            Project("src/Vnfm/Vnfm.csproj", ""),
            Project("tests/EndToEnd.Tests/EndToEnd.Tests.csproj", Refs("../../src/Nfvo/Nfvo.csproj", "../../src/Vnfm/Vnfm.csproj"))));

    [Theory]
    [InlineData("src/Tosca/Tosca.csproj", "../Contracts/Contracts.csproj")]
    [InlineData("src/Tosca/Tosca.csproj", "../Common/Common.csproj")]
    [InlineData("src/VimAdapters/VimAdapters.csproj", "../Contracts/Contracts.csproj")]
    [InlineData("src/VimAdapters/VimAdapters.csproj", "../Tosca/Tosca.csproj")]
    [InlineData("src/VimAdapters.OpenStack/VimAdapters.OpenStack.csproj", "../Nfvo/Nfvo.csproj")]
    public void Tosca_and_VimAdapters_referencing_another_Mano_project_is_a_violation(string from, string include) =>
        Assert.Contains(Check(Project(from, Refs(include))), v => v.Rule == Rule.LeafProjects);

    [Fact]
    public void Sub_projects_of_a_leaf_may_reference_each_other() =>
        Assert.Empty(Check(
            Project("src/VimAdapters/VimAdapters.csproj", ""),
            Project("src/VimAdapters.OpenStack/VimAdapters.OpenStack.csproj", Refs("../VimAdapters/VimAdapters.csproj"))));

    [Fact]
    public void Contracts_referencing_a_project_is_a_violation() =>
        Assert.Contains(Check(Project("src/Contracts/Contracts.csproj", Refs("../Tosca/Tosca.csproj"))), v => v.Rule == Rule.ContractsArePure);

    [Fact]
    public void Contracts_referencing_any_package_is_a_violation() =>
        Assert.Contains(Check(Project("src/Contracts/Contracts.csproj", Packages("MassTransit.Abstractions"))), v => v.Rule == Rule.ContractsArePure);

    [Theory]
    [InlineData("src/Nfvo/Nfvo.csproj", "../Host/Host.csproj")]
    [InlineData("src/Vnfm/Vnfm.csproj", "../Cli/Cli.csproj")]
    [InlineData("src/Cli/Cli.csproj", "../Host/Host.csproj")]
    [InlineData("src/Host/Host.csproj", "../Cli/Cli.csproj")]
    [InlineData("src/Common/Common.csproj", "../Host/Host.csproj")]
    public void A_src_project_referencing_Host_or_Cli_is_a_violation(string from, string include) =>
        Assert.Contains(Check(Project(from, Refs(include))), v => v.Rule == Rule.NoReferenceToEntryPoints);

    [Theory]
    [InlineData("<PackageReference Include=\"YamlDotNet\" Version=\"16.0.0\" />", "src/Tosca/Tosca.csproj")]
    [InlineData("<PackageReference Include=\"xunit.v3\" VersionOverride=\"3.0.0\" />", "tests/Tosca.Tests/Tosca.Tests.csproj")]
    [InlineData("<PackageReference Include=\"MassTransit\"><Version>8.5.0</Version></PackageReference>", "src/Nfvo/Nfvo.csproj")]
    [InlineData("<PackageReference Update=\"xunit.v3\" Version=\"4.0.0\" />", "tests/Directory.Build.props")]
    public void A_package_version_outside_Directory_Packages_props_is_a_violation(string item, string path) =>
        Assert.Contains(Check(new ProjectFile(path, $"<Project><ItemGroup>{item}</ItemGroup></Project>")), v => v.Rule == Rule.CentralPackageVersions);

    [Theory]
    [InlineData("Microsoft.EntityFrameworkCore")]
    [InlineData("MassTransit")]
    [InlineData("Hangfire.Core")]
    [InlineData("Npgsql")]
    public void Tosca_referencing_a_db_bus_or_jobs_package_is_a_violation(string package) =>
        Assert.Contains(Check(Project("src/Tosca/Tosca.csproj", Packages(package))), v => v.Rule == Rule.ToscaIsPure);

    [Fact]
    public void Tosca_as_a_web_project_is_a_violation()
    {
        Assert.Contains(Check(Project("src/Tosca/Tosca.csproj", "", "Microsoft.NET.Sdk.Web")), v => v.Rule == Rule.ToscaIsPure);
        Assert.Contains(Check(Project("src/Tosca/Tosca.csproj", "<ItemGroup><FrameworkReference Include=\"Microsoft.AspNetCore.App\" /></ItemGroup>")), v => v.Rule == Rule.ToscaIsPure);
    }

    [Theory]
    [InlineData("<PropertyGroup><Nullable>disable</Nullable></PropertyGroup>")]
    [InlineData("<PropertyGroup><Nullable>annotations</Nullable></PropertyGroup>")]
    [InlineData("<PropertyGroup><TreatWarningsAsErrors>false</TreatWarningsAsErrors></PropertyGroup>")]
    [InlineData("<PropertyGroup><MSBuildTreatWarningsAsErrors>false</MSBuildTreatWarningsAsErrors></PropertyGroup>")]
    public void A_project_weakening_nullable_or_warnings_as_errors_is_a_violation(string body) =>
        Assert.Contains(Check(Project("src/Vnfm/Vnfm.csproj", body)), v => v.Rule == Rule.StrictnessNotWeakened);

    [Fact]
    public void Malformed_project_xml_is_reported() =>
        Assert.Contains(Check(new ProjectFile("src/Nfvo/Nfvo.csproj", "<Project><ItemGroup></Project>")), v => v.Rule == Rule.Unreadable);

    private const string GoodBuildProps =
        "<Project><PropertyGroup><Nullable>enable</Nullable><TreatWarningsAsErrors>true</TreatWarningsAsErrors></PropertyGroup></Project>";

    private const string GoodPackagesProps =
        "<Project><PropertyGroup><ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally></PropertyGroup></Project>";

    [Fact]
    public void Good_root_settings_pass() => Assert.Empty(DependencyRules.CheckRootSettings(GoodBuildProps, GoodPackagesProps));

    [Theory]
    [InlineData("<Project><PropertyGroup><TreatWarningsAsErrors>true</TreatWarningsAsErrors></PropertyGroup></Project>", "Nullable")]
    [InlineData("<Project><PropertyGroup><Nullable>disable</Nullable><TreatWarningsAsErrors>true</TreatWarningsAsErrors></PropertyGroup></Project>", "Nullable")]
    [InlineData("<Project><PropertyGroup><Nullable>enable</Nullable><TreatWarningsAsErrors>false</TreatWarningsAsErrors></PropertyGroup></Project>", "TreatWarningsAsErrors")]
    [InlineData("<Project><PropertyGroup Condition=\"'$(Configuration)'=='Release'\"><Nullable>enable</Nullable><TreatWarningsAsErrors>true</TreatWarningsAsErrors></PropertyGroup></Project>", "Nullable")]
    public void Weak_root_build_props_are_a_violation(string props, string property) =>
        Assert.Contains(DependencyRules.CheckRootSettings(props, GoodPackagesProps), v => v.Rule == Rule.RootSettings && v.Message.Contains(property, StringComparison.Ordinal));

    [Fact]
    public void Missing_central_package_management_is_a_violation()
    {
        Assert.Contains(DependencyRules.CheckRootSettings(GoodBuildProps, null), v => v.File == "Directory.Packages.props");
        Assert.Contains(DependencyRules.CheckRootSettings(GoodBuildProps, "<Project />"), v => v.File == "Directory.Packages.props");
    }

    [Theory]
    [InlineData("src/Nfvo/Nfvo.csproj", "src/Nfvo")]
    [InlineData("src/Nfvo.Api/Nfvo.Api.csproj", "src/Nfvo")]
    [InlineData("tests/Nfvo.Tests/Nfvo.Tests.csproj", "tests/Nfvo.Tests")]
    [InlineData("tests/Directory.Build.props", null)]
    [InlineData("Directory.Build.props", null)]
    public void Components_are_the_folders_under_src_and_tests(string path, string? component) =>
        Assert.Equal(component, DependencyRules.ComponentOf(path));

    [Theory]
    [InlineData("src/Nfvo/../Vnfm/Vnfm.csproj", "src/Vnfm/Vnfm.csproj")]
    [InlineData("tests/X/../../src/./Host/Host.csproj", "src/Host/Host.csproj")]
    [InlineData("src/../../outside/X.csproj", "../outside/X.csproj")]
    public void Paths_are_normalized(string path, string expected) =>
        Assert.Equal(expected, DependencyRules.NormalizePath(path));
}
