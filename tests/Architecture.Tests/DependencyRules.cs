using System.Xml;
using System.Xml.Linq;

namespace Mano.Architecture.Tests;

/// <summary>One MSBuild file of the repository: its path relative to the repository root ('/' separators) and its text.</summary>
public sealed record ProjectFile(string RelativePath, string Text);

public enum Rule
{
    /// <summary>src/Nfvo and src/Vnfm never reference each other, directly or transitively.</summary>
    NfvoVnfmIsolation,

    /// <summary>src/Tosca and src/VimAdapters reference no other Mano project.</summary>
    LeafProjects,

    /// <summary>src/Contracts references no other Mano project and no package.</summary>
    ContractsArePure,

    /// <summary>Nothing under src/ references src/Host or src/Cli (only tests may).</summary>
    NoReferenceToEntryPoints,

    /// <summary>Central Package Management: no Version / VersionOverride on PackageReference.</summary>
    CentralPackageVersions,

    /// <summary>src/Tosca is pure: no DB, no bus, no HTTP server, no jobs.</summary>
    ToscaIsPure,

    /// <summary>No project switches nullable analysis or warnings-as-errors off.</summary>
    StrictnessNotWeakened,

    /// <summary>Root Directory.Build.props / Directory.Packages.props settings.</summary>
    RootSettings,

    /// <summary>An MSBuild file that is not well-formed XML.</summary>
    Unreadable,
}

public sealed record Violation(Rule Rule, string File, string Message)
{
    public override string ToString() => $"[{Rule}] {File}: {Message}";
}

/// <summary>
/// The dependency rules of ARCHITECTURE.md, checked on MSBuild files given as text (so they are unit-testable
/// without touching the disk). A project that does not exist simply contributes no edges: the rules pass for
/// absent projects and fail as soon as a forbidden reference appears.
/// </summary>
public static class DependencyRules
{
    private static readonly string[] ToscaForbiddenPackagePrefixes =
    [
        "Microsoft.EntityFrameworkCore", "Npgsql", "Microsoft.Data.Sqlite", "MassTransit", "Hangfire",
        "Microsoft.AspNetCore", "RabbitMQ.Client", "KubernetesClient", "Swashbuckle",
    ];

    public static IReadOnlyList<Violation> Check(IEnumerable<ProjectFile> files)
    {
        var violations = new List<Violation>();
        var parsed = new List<(ProjectFile File, XDocument Xml)>();
        foreach (var file in files)
        {
            try
            {
                parsed.Add((file, XDocument.Parse(file.Text)));
            }
            catch (XmlException ex)
            {
                violations.Add(new Violation(Rule.Unreadable, file.RelativePath, ex.Message));
            }
        }

        // Component graph: "src/Nfvo" -> { "src/Contracts", ... } (edges by project directory under src/ or tests/).
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (file, xml) in parsed)
        {
            var from = ComponentOf(file.RelativePath);
            var dir = DirectoryOf(file.RelativePath);
            foreach (var reference in Elements(xml, "ProjectReference"))
            {
                var include = (string?)reference.Attribute("Include");
                if (string.IsNullOrWhiteSpace(include))
                {
                    continue;
                }

                var target = ResolveInclude(dir, include);
                var to = ComponentOf(target);
                if (from is not null && to is not null && !string.Equals(from, to, StringComparison.OrdinalIgnoreCase))
                {
                    if (!edges.TryGetValue(from, out var set))
                    {
                        edges[from] = set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                    }

                    set.Add(to);
                }

                CheckDirectReference(file.RelativePath, from, to ?? target, violations);
            }

            CheckPackages(file.RelativePath, from, xml, violations);
            CheckStrictness(file.RelativePath, xml, violations);
        }

        CheckIsolation("src/Nfvo", "src/Vnfm", edges, violations);
        CheckIsolation("src/Vnfm", "src/Nfvo", edges, violations);
        return violations;
    }

    /// <summary>Rules on the root Directory.Build.props and Directory.Packages.props (either may be null when absent).</summary>
    public static IReadOnlyList<Violation> CheckRootSettings(string? directoryBuildProps, string? directoryPackagesProps)
    {
        var violations = new List<Violation>();
        RequireProperty("Directory.Build.props", directoryBuildProps, "Nullable", "enable", violations);
        RequireProperty("Directory.Build.props", directoryBuildProps, "TreatWarningsAsErrors", "true", violations);
        RequireProperty("Directory.Packages.props", directoryPackagesProps, "ManagePackageVersionsCentrally", "true", violations);
        return violations;
    }

    /// <summary>
    /// Every *.csproj and Directory.Build.props/targets under src/ and tests/ (bin/ and obj/ excluded), plus the root
    /// Directory.Build.props/targets (which apply to every project).
    /// </summary>
    public static IReadOnlyList<ProjectFile> LoadFromDisk(string repoRoot)
    {
        var result = new List<ProjectFile>();
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets" })
        {
            var path = Path.Combine(repoRoot, name);
            if (File.Exists(path))
            {
                result.Add(new ProjectFile(name, File.ReadAllText(path)));
            }
        }

        foreach (var top in new[] { "src", "tests" })
        {
            var topDir = Path.Combine(repoRoot, top);
            if (!Directory.Exists(topDir))
            {
                continue;
            }

            foreach (var path in Directory.EnumerateFiles(topDir, "*", SearchOption.AllDirectories))
            {
                var name = Path.GetFileName(path);
                var isMsBuild = name.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("Directory.Build.props", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("Directory.Build.targets", StringComparison.OrdinalIgnoreCase);
                var relative = Path.GetRelativePath(repoRoot, path).Replace('\\', '/');
                var segments = relative.Split('/');
                if (!isMsBuild || segments.Any(s => s is "bin" or "obj" or "node_modules"))
                {
                    continue;
                }

                result.Add(new ProjectFile(relative, File.ReadAllText(path)));
            }
        }

        return result;
    }

    private static void CheckDirectReference(string file, string? from, string to, List<Violation> violations)
    {
        if (from is null || string.Equals(from, to, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        if (Is(from, "src/Tosca") || Is(from, "src/VimAdapters"))
        {
            violations.Add(new Violation(Rule.LeafProjects, file,
                $"references {to}; {from} must know nothing of the other Mano projects."));
        }

        if (Is(from, "src/Contracts"))
        {
            violations.Add(new Violation(Rule.ContractsArePure, file,
                $"references {to}; src/Contracts must reference no other Mano project."));
        }

        if (from.StartsWith("src/", StringComparison.OrdinalIgnoreCase) && (Is(to, "src/Host") || Is(to, "src/Cli")))
        {
            violations.Add(new Violation(Rule.NoReferenceToEntryPoints, file,
                $"references {to}; only tests may reference the entry points src/Host and src/Cli."));
        }
    }

    private static void CheckPackages(string file, string? component, XDocument xml, List<Violation> violations)
    {
        foreach (var package in Elements(xml, "PackageReference"))
        {
            var id = (string?)package.Attribute("Include") ?? (string?)package.Attribute("Update") ?? "?";
            foreach (var name in new[] { "Version", "VersionOverride" })
            {
                var value = (string?)package.Attribute(name)
                    ?? package.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
                if (value is not null)
                {
                    violations.Add(new Violation(Rule.CentralPackageVersions, file,
                        $"PackageReference {id} has {name}=\"{value}\"; versions belong in Directory.Packages.props."));
                }
            }

            if (component is not null && Is(component, "src/Contracts"))
            {
                violations.Add(new Violation(Rule.ContractsArePure, file,
                    $"references package {id}; src/Contracts must reference no package at all."));
            }

            if (component is not null && Is(component, "src/Tosca")
                && ToscaForbiddenPackagePrefixes.Any(p => id.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            {
                violations.Add(new Violation(Rule.ToscaIsPure, file,
                    $"references package {id}; src/Tosca is pure (no DB, no bus, no HTTP, no jobs)."));
            }
        }

        if (component is not null && Is(component, "src/Tosca"))
        {
            var sdk = (string?)xml.Root?.Attribute("Sdk") ?? string.Empty;
            if (!sdk.Equals("Microsoft.NET.Sdk", StringComparison.OrdinalIgnoreCase) && sdk.Length > 0)
            {
                violations.Add(new Violation(Rule.ToscaIsPure, file, $"uses Sdk=\"{sdk}\"; src/Tosca must be a plain Microsoft.NET.Sdk library."));
            }

            foreach (var framework in Elements(xml, "FrameworkReference"))
            {
                violations.Add(new Violation(Rule.ToscaIsPure, file,
                    $"has FrameworkReference {(string?)framework.Attribute("Include")}; src/Tosca is pure."));
            }
        }
    }

    private static void CheckStrictness(string file, XDocument xml, List<Violation> violations)
    {
        foreach (var element in Elements(xml, "Nullable"))
        {
            if (!element.Value.Trim().Equals("enable", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(new Violation(Rule.StrictnessNotWeakened, file, $"sets <Nullable>{element.Value}</Nullable>; nullable must stay enabled."));
            }
        }

        foreach (var name in new[] { "TreatWarningsAsErrors", "MSBuildTreatWarningsAsErrors" })
        {
            foreach (var element in Elements(xml, name))
            {
                if (!element.Value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase))
                {
                    violations.Add(new Violation(Rule.StrictnessNotWeakened, file, $"sets <{name}>{element.Value}</{name}>; warnings must stay errors."));
                }
            }
        }
    }

    private static void CheckIsolation(string from, string forbidden, Dictionary<string, HashSet<string>> edges, List<Violation> violations)
    {
        // Breadth-first search over the component graph, remembering how each component was reached.
        var cameFrom = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [from] = from };
        var queue = new Queue<string>([from]);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            if (!edges.TryGetValue(current, out var next))
            {
                continue;
            }

            foreach (var to in next)
            {
                if (cameFrom.ContainsKey(to))
                {
                    continue;
                }

                cameFrom[to] = current;
                if (Is(to, forbidden))
                {
                    var chain = new List<string> { to };
                    for (var c = current; ; c = cameFrom[c])
                    {
                        chain.Add(c);
                        if (Is(c, from))
                        {
                            break;
                        }
                    }

                    chain.Reverse();
                    violations.Add(new Violation(Rule.NfvoVnfmIsolation, from,
                        $"reaches {forbidden} ({string.Join(" -> ", chain)}); Nfvo and Vnfm talk only through the bus and the SOL REST APIs."));
                    return;
                }

                queue.Enqueue(to);
            }
        }
    }

    private static void RequireProperty(string file, string? text, string property, string expected, List<Violation> violations)
    {
        if (text is null)
        {
            violations.Add(new Violation(Rule.RootSettings, file, "is missing."));
            return;
        }

        XDocument xml;
        try
        {
            xml = XDocument.Parse(text);
        }
        catch (XmlException ex)
        {
            violations.Add(new Violation(Rule.Unreadable, file, ex.Message));
            return;
        }

        // The last unconditional definition wins in MSBuild.
        var value = Elements(xml, property)
            .Where(e => e.Attribute("Condition") is null && e.Parent?.Attribute("Condition") is null)
            .Select(e => e.Value.Trim())
            .LastOrDefault();
        if (!string.Equals(value, expected, StringComparison.OrdinalIgnoreCase))
        {
            violations.Add(new Violation(Rule.RootSettings, file,
                $"must set <{property}>{expected}</{property}> unconditionally (found: {value ?? "nothing"})."));
        }
    }

    private static IEnumerable<XElement> Elements(XDocument xml, string localName) =>
        xml.Descendants().Where(e => e.Name.LocalName == localName);

    /// <summary>
    /// True when <paramref name="component"/> is <paramref name="expected"/> or one of its sub-projects
    /// ("src/Nfvo.Api" belongs to "src/Nfvo").
    /// </summary>
    private static bool Is(string component, string expected) =>
        string.Equals(component, expected, StringComparison.OrdinalIgnoreCase)
        || component.StartsWith(expected + ".", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// "src/Nfvo/Api/Nfvo.csproj" -> "src/Nfvo"; "src/Nfvo.Api/x.csproj" -> "src/Nfvo" (family = first dotted part of
    /// the name under src/); "tests/Vnfm.Tests/x.csproj" -> "tests/Vnfm.Tests"; anything else -> null.
    /// </summary>
    internal static string? ComponentOf(string relativePath)
    {
        var segments = relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 3)
        {
            return null;
        }

        return segments[0] switch
        {
            "src" => "src/" + segments[1].Split('.')[0],
            "tests" => "tests/" + segments[1],
            _ => null,
        };
    }

    /// <summary>
    /// Resolves a ProjectReference Include against the referencing file's directory. A leading MSBuild property is
    /// understood as the file's own directory for $(MSBuildThisFileDirectory)/$(MSBuildProjectDirectory), and as the
    /// repository root for anything else (e.g. $(RepoRoot)src/Vnfm/Vnfm.csproj).
    /// </summary>
    internal static string ResolveInclude(string directory, string include)
    {
        include = include.Trim().Replace('\\', '/');
        if (include.StartsWith("$(", StringComparison.Ordinal) && include.IndexOf(')') is var close and > 0)
        {
            var property = include[2..close];
            var rest = include[(close + 1)..].TrimStart('/');
            var local = property is "MSBuildThisFileDirectory" or "MSBuildProjectDirectory";
            return NormalizePath(local ? directory + "/" + rest : rest);
        }

        return NormalizePath(directory + "/" + include);
    }

    private static string DirectoryOf(string relativePath)
    {
        var index = relativePath.LastIndexOf('/');
        return index < 0 ? "." : relativePath[..index];
    }

    /// <summary>Resolves "." and ".." segments purely textually; a path escaping the root keeps its leading "..".</summary>
    internal static string NormalizePath(string path)
    {
        var stack = new List<string>();
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
            {
                continue;
            }

            if (segment == ".." && stack.Count > 0 && stack[^1] != "..")
            {
                stack.RemoveAt(stack.Count - 1);
            }
            else
            {
                stack.Add(segment);
            }
        }

        return string.Join('/', stack);
    }
}
