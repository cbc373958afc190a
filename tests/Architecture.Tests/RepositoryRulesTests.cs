namespace Mano.Architecture.Tests;

/// <summary>The dependency rules of ARCHITECTURE.md, applied to the MSBuild files actually in the repository.</summary>
public class RepositoryRulesTests
{
    private static readonly Lazy<IReadOnlyList<Violation>> Violations =
        new(() => DependencyRules.Check(DependencyRules.LoadFromDisk(RepoPaths.RepoRoot)));

    [Theory]
    [InlineData(Rule.NfvoVnfmIsolation)]
    [InlineData(Rule.LeafProjects)]
    [InlineData(Rule.ContractsArePure)]
    [InlineData(Rule.NoReferenceToEntryPoints)]
    [InlineData(Rule.CentralPackageVersions)]
    [InlineData(Rule.ToscaIsPure)]
    [InlineData(Rule.StrictnessNotWeakened)]
    [InlineData(Rule.Unreadable)]
    public void Repository_obeys(Rule rule)
    {
        var broken = Violations.Value.Where(v => v.Rule == rule).Select(v => v.ToString()).ToList();
        Assert.True(broken.Count == 0, string.Join(Environment.NewLine, broken));
    }

    [Fact]
    public void Root_props_enforce_nullable_warnings_as_errors_and_central_package_management()
    {
        var violations = DependencyRules.CheckRootSettings(
            ReadOrNull("Directory.Build.props"), ReadOrNull("Directory.Packages.props"));
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void The_rules_actually_see_the_projects_of_the_repository()
    {
        // Guards against a silently empty scan (wrong root, renamed folders): Tosca and this project must be found.
        var files = DependencyRules.LoadFromDisk(RepoPaths.RepoRoot).Select(f => f.RelativePath).ToList();
        Assert.Contains("tests/Architecture.Tests/Architecture.Tests.csproj", files);
        Assert.Contains(files, f => f.StartsWith("src/", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => f.Contains("/obj/", StringComparison.Ordinal) || f.Contains("/bin/", StringComparison.Ordinal));
    }

    private static string? ReadOrNull(string relative)
    {
        var path = Path.Combine(RepoPaths.RepoRoot, relative);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }
}
