using YamlDotNet.RepresentationModel;

namespace Mano.Tosca;

/// <summary>Result of parsing a VNFD from its files.</summary>
public sealed record VnfdParseResult(Vnfd? Vnfd, IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<string> VnfdFilePaths)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}

/// <summary>SOL001 VNFD parser over the VNFD files of a package (path -> content).</summary>
public static class VnfdParser
{
    /// <summary>Parses the VNFD whose top-level template is <paramref name="entryDefinitions"/>; never throws on bad input.</summary>
    public static VnfdParseResult Parse(IReadOnlyDictionary<string, byte[]> files, string entryDefinitions)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(entryDefinitions);
        var diags = new DiagnosticBag();
        var (vnfd, paths) = ParseCore(p => files.TryGetValue(p, out var b) ? b : null, entryDefinitions, CsarLimits.Default, null, diags);
        return new VnfdParseResult(vnfd, diags.Items.ToList(), paths);
    }

    internal static (Vnfd? Vnfd, IReadOnlyList<string> Paths) ParseCore(Func<string, byte[]?> read, string entry,
        CsarLimits limits, IReadOnlySet<string>? packageFiles, DiagnosticBag diags)
    {
        var loader = new ImportLoader(read, limits, diags);
        loader.Load(entry);
        if (loader.Files.Count == 0 || loader.Files[0].Path != entry)
            return (null, loader.Paths);
        var builder = new VnfdBuilder(loader.Files, packageFiles, diags);
        return (builder.Build(), loader.Paths);
    }
}

/// <summary>Loads the entry definitions and every file it imports, transitively.</summary>
internal sealed class ImportLoader(Func<string, byte[]?> read, CsarLimits limits, DiagnosticBag diags)
{
    private const string EtsiPrefix = "etsi_nfv_sol001_";
    public List<ToscaFile> Files { get; } = [];
    /// <summary>Every YAML file of the VNFD present in the package (loaded or not), in import order.</summary>
    public List<string> Paths { get; } = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public void Load(string entry)
    {
        var bytes = read(entry);
        if (bytes is null)
        {
            diags.Error(DiagnosticCodes.EntryFileMissing, entry, 0, 0, $"Entry definitions file '{entry}' is not in the package.");
            return;
        }
        _seen.Add(entry);
        LoadFile(entry, bytes);
    }

    private void LoadFile(string path, byte[] bytes)
    {
        Paths.Add(path);
        YamlMappingNode? root;
        if (PackagePath.FileName(path).StartsWith(EtsiPrefix, StringComparison.Ordinal))
        {
            // A package's own copy of the ETSI SOL001 types: the types are built in, so a copy that does not load
            // (several Tacker copies have flow sequences continued at column 0, which YamlDotNet refuses) is only a warning.
            var local = new DiagnosticBag();
            root = YamlLoader.Load(path, bytes, limits.MaxYamlBytes, local);
            foreach (var d in local.Items)
                diags.Add(d.Severity == Severity.Error ? d with { Severity = Severity.Warning, Message = d.Message + " (ETSI SOL001 types file: the built-in ETSI types are used instead)" } : d);
        }
        else root = YamlLoader.Load(path, bytes, limits.MaxYamlBytes, diags);
        if (root is null) return;
        Files.Add(new ToscaFile(path, root));
        var imports = root.Get("imports");
        if (imports is null) return;
        if (imports is not YamlSequenceNode)
        {
            diags.Error(DiagnosticCodes.ImportInvalid, path, imports.Line(), imports.Col(), "'imports' must be a list.");
            return;
        }
        foreach (var item in imports.Items())
        {
            var fileNode = item is YamlScalarNode ? item : item.Get("file");
            // TOSCA 1.0 style: "- name: file"
            if (fileNode is null && item is YamlMappingNode m && m.Children.Count == 1 && m.Children.First().Value is YamlScalarNode only)
                fileNode = only;
            var target = fileNode.Str();
            if (target is null)
            {
                diags.Error(DiagnosticCodes.ImportInvalid, path, item.Line(), item.Col(), "Import entry has no file.");
                continue;
            }
            var isEtsi = PackagePath.FileName(target).StartsWith(EtsiPrefix, StringComparison.Ordinal);
            if (PackagePath.IsRemote(target))
            {
                var isForge = Uri.TryCreate(target, UriKind.Absolute, out var uri) && uri.Host.Equals("forge.etsi.org", StringComparison.OrdinalIgnoreCase);
                if (isForge || isEtsi)
                    diags.Info(DiagnosticCodes.EtsiTypesBuiltin, path, fileNode.Line(), fileNode.Col(), $"Import '{target}' is taken as the built-in ETSI SOL001 types; not fetched.");
                else
                    diags.Error(DiagnosticCodes.ImportRemote, path, fileNode.Line(), fileNode.Col(), $"Import '{target}' is remote; remote imports are never fetched.");
                continue;
            }
            var resolved = PackagePath.Resolve(PackagePath.Directory(path), target);
            if (resolved is null)
            {
                diags.Error(DiagnosticCodes.ImportOutsidePackage, path, fileNode.Line(), fileNode.Col(), $"Import '{target}' resolves outside the package.");
                continue;
            }
            if (_seen.Contains(resolved)) continue; // already loaded, or an import cycle
            var content = read(resolved);
            if (content is null)
            {
                if (isEtsi)
                    diags.Info(DiagnosticCodes.EtsiTypesBuiltin, path, fileNode.Line(), fileNode.Col(), $"Import '{target}' is not in the package; taken as the built-in ETSI SOL001 types.");
                else
                    diags.Error(DiagnosticCodes.ImportMissing, path, fileNode.Line(), fileNode.Col(), $"Imported file '{resolved}' is not in the package.");
                continue;
            }
            _seen.Add(resolved);
            LoadFile(resolved, content);
        }
    }
}
