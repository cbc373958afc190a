namespace Mano.Architecture.Tests;

/// <summary>Locates the repository root: the first directory above the test binary holding Directory.Packages.props.</summary>
internal static class RepoRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Directory.Packages.props")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No Directory.Packages.props found above {AppContext.BaseDirectory}: cannot locate the repository root.");
    }
}
