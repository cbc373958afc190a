namespace Mano.TestSupport;

/// <summary>
/// The repository root (the first directory above the test binary holding Directory.Packages.props) and the shared
/// corpus (../shared/corpus next to the repository).
/// </summary>
/// <remarks>
/// Depends on nothing but the BCL: tests/Architecture.Tests compiles this file in (it references no Mano project).
/// </remarks>
public static class RepoPaths
{
    private static readonly Lazy<string> Root = new(Find);

    public static string RepoRoot => Root.Value;

    public static string Corpus => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "corpus"));

    /// <summary>A package folder of the Tacker corpus, e.g. "sample-vnf_packages_helloworld".</summary>
    public static string Tacker(string package) => Path.Combine(Corpus, "tacker", package);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
                return dir.FullName;
        throw new InvalidOperationException(
            $"No Directory.Packages.props found above {AppContext.BaseDirectory}: cannot locate the repository root.");
    }
}
