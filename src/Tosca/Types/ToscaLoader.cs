using System.Collections.Concurrent;
using System.Security.Cryptography;
using YamlDotNet.RepresentationModel;

namespace Mano.Tosca;

/// <summary>A service template with every file it imports, and the types visible to it.</summary>
internal sealed class ToscaDocumentSet
{
    public required string EntryPath { get; init; }
    /// <summary>The package's YAML files that loaded, in import order (the entry first when it loaded).</summary>
    public required IReadOnlyList<ToscaFile> Files { get; init; }
    /// <summary>Every YAML file of the template present in the package (loaded or not), in import order.</summary>
    public required IReadOnlyList<string> Paths { get; init; }
    /// <summary>Normative TOSCA + bundled ETSI (of <see cref="EtsiVersion"/>, and of any other version imported by URL) + package types.</summary>
    public required TypeSystem Types { get; init; }
    /// <summary>The SOL001 version whose bundled types stand in for ETSI files the package does not carry.</summary>
    public required string EtsiVersion { get; init; }

    public ToscaFile? Entry => Files.Count > 0 && Files[0].Path == EntryPath ? Files[0] : null;

    /// <summary>Package files that are copies of ETSI SOL001 type files (no templates to validate in them).</summary>
    public required IReadOnlySet<string> EtsiCopies { get; init; }
}

/// <summary>
/// Loads a TOSCA service template (VNFD, NSD, PNFD) and its imports from a package, never from the network.
/// <para>Import resolution:</para>
/// <list type="bullet">
/// <item>A relative path is resolved against the importing file; it must stay inside the package.</item>
/// <item>An ETSI SOL001 type file (etsi_nfv_sol001_{common,vnfd,nsd,pnfd}_types.yaml) that the package carries is used; if that
/// copy does not load, its errors become warnings and the bundled copy is used instead.</item>
/// <item>An ETSI type file the package does not carry, or imported by URL (the forge.etsi.org raw URL or any URL ending in an
/// ETSI file name), is the bundled copy: of the version in the URL or file name, else of the package's SOL001 version.</item>
/// <item>Any other URL is an error; nothing is fetched.</item>
/// </list>
/// <para>The package's SOL001 version: the first version named by an ETSI import URL (or versioned file name) in import order;
/// else the version declared by the first ETSI type file the package carries (metadata.template_version); else 3.3.1 when the
/// entry says tosca_simple_yaml_1_3 and 2.6.1 otherwise. The bundled types of that version (all four files) are always
/// visible, under the package's own definitions, like the normative TOSCA types.</para>
/// </summary>
internal static class ToscaLoader
{
    public static ToscaDocumentSet Load(IReadOnlyDictionary<string, byte[]> files, string entry, DiagnosticBag diags) =>
        Load(p => files.TryGetValue(p, out var b) ? b : null, entry, CsarLimits.Default, diags);

    public static ToscaDocumentSet Load(Func<string, byte[]?> read, string entry, CsarLimits limits, DiagnosticBag diags) =>
        new Walker(read, limits, diags).Run(entry);

    // Parsed package copies of ETSI type files, by path and content hash: Tacker-built packages all carry the same few copies.
    private static readonly ConcurrentDictionary<(string Path, string Hash), CachedCopy> CopyCache = new();
    private const int CopyCacheLimit = 64;

    private sealed record CachedCopy(YamlMappingNode? Root, TypeSource? Source, IReadOnlyList<Diagnostic> LoadDiagnostics);

    private sealed record BundledRequest(string Kind, string? Version, string ImportingFile, YamlNode At, string Target);

    private sealed class Walker(Func<string, byte[]?> read, CsarLimits limits, DiagnosticBag diags)
    {
        private readonly List<ToscaFile> _files = [];
        private readonly List<string> _paths = [];
        private readonly List<TypeSource> _sources = [];
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private readonly HashSet<string> _etsiCopies = new(StringComparer.Ordinal);
        private readonly List<BundledRequest> _bundled = [];
        // ETSI copies that failed to load: their diagnostics, reported (as warnings) once the version is known.
        private readonly List<(string Path, string Kind, string? Version, IReadOnlyList<Diagnostic> Diags)> _failedCopies = [];
        private string? _urlVersion, _copyVersion;

        public ToscaDocumentSet Run(string entry)
        {
            var bytes = read(entry);
            if (bytes is null)
                diags.Error(DiagnosticCodes.EntryFileMissing, entry, 0, 0, $"Entry definitions file '{entry}' is not in the package.");
            else
            {
                _seen.Add(entry);
                LoadFile(entry, bytes);
            }

            var version = _urlVersion ?? _copyVersion
                          ?? (_files.Count > 0 && _files[0].Path == entry && _files[0].Root.Get("tosca_definitions_version").Str() == "tosca_simple_yaml_1_3"
                              ? EtsiTypeLibrary.DefaultVersionTosca13 : EtsiTypeLibrary.DefaultVersion);
            version = EtsiTypeLibrary.Nearest(version, "vnfd");
            _version = version;

            // Copies that did not load: their errors are warnings, the bundled file is used instead.
            foreach (var (path, kind, v, ds) in _failedCopies)
            {
                var use = EtsiTypeLibrary.Nearest(v ?? version, kind);
                foreach (var d in ds)
                    diags.Add(d.Severity == Severity.Error
                        ? d with { Severity = Severity.Warning, Message = d.Message + $" (ETSI SOL001 types file: the bundled SOL001 v{use} {kind} types are used instead)" }
                        : d);
                AddBundled(use, kind);
            }
            // ETSI files imported by URL or missing from the package.
            foreach (var r in _bundled)
            {
                var wanted = r.Version ?? version;
                var use = EtsiTypeLibrary.Nearest(wanted, r.Kind);
                if (use != wanted)
                    diags.Warning(DiagnosticCodes.EtsiVersionSubstituted, r.ImportingFile, r.At.Line(), r.At.Col(),
                        $"Import '{r.Target}': SOL001 v{wanted} {r.Kind} types are not bundled; the bundled v{use} types are used (bundled: {string.Join(", ", EtsiTypeLibrary.Versions)}).");
                AddBundled(use, r.Kind);
            }

            var types = new TypeSystem(_sources, EtsiTypeLibrary.Base(version));
            foreach (var s in _sources)
                if (!s.Bundled) diags.AddRange(s.Diagnostics);
            ReportDuplicates();
            types.CheckDefinitions(_sources, diags);
            return new ToscaDocumentSet
            {
                EntryPath = entry, Files = _files, Paths = _paths, Types = types, EtsiVersion = version, EtsiCopies = _etsiCopies,
            };
        }

        private readonly HashSet<(string, string)> _bundledAdded = [];

        private string _version = EtsiTypeLibrary.DefaultVersion;

        /// <summary>Adds a bundled file of another version than the package's (whose files are all in the shared base already).</summary>
        private void AddBundled(string version, string kind)
        {
            if (version == _version || !_bundledAdded.Add((version, kind))) return;
            var parsed = EtsiTypeLibrary.File(version, kind);
            if (parsed?.Source is null) return;
            _sources.Add(parsed.Source);
            // the bundled file's own imports (its common types, ...) are of the same version
            foreach (var item in parsed.Root.Get("imports").Items())
            {
                var t = (item is YamlScalarNode ? item : item.Get("file")).Str();
                var id = t is null ? null : PackagePath.IsRemote(t) ? EtsiTypeLibrary.ParseUrl(t) : EtsiTypeLibrary.ParseFileName(PackagePath.FileName(t));
                if (id is { } x) AddBundled(EtsiTypeLibrary.Nearest(x.Version ?? version, x.Kind), x.Kind);
            }
        }

        private void ReportDuplicates()
        {
            var first = new Dictionary<(TypeKind, string), TypeDef>();
            foreach (var s in _sources)
            {
                if (s.Bundled || _etsiCopies.Contains(s.File)) continue;
                foreach (var t in s.Types)
                {
                    if (first.TryGetValue((t.Kind, t.Name), out var prev))
                    {
                        if (!ReferenceEquals(prev, t))
                            diags.Warning(DiagnosticCodes.DuplicateType, t.File, t.NameNode.Line(), t.NameNode.Col(),
                                $"{t} is also defined in {prev.File}:{prev.NameNode.Line()}; the first definition is used.");
                    }
                    else first[(t.Kind, t.Name)] = t;
                }
            }
        }

        private void LoadFile(string path, byte[] bytes)
        {
            _paths.Add(path);
            var etsi = EtsiTypeLibrary.ParseFileName(PackagePath.FileName(path));
            YamlMappingNode? root;
            TypeSource? source;
            if (etsi is { } id)
            {
                _etsiCopies.Add(path);
                var copy = LoadCopy(path, bytes);
                if (copy.Root is null || copy.LoadDiagnostics.Any(d => d.Severity == Severity.Error))
                {
                    _failedCopies.Add((path, id.Kind, id.Version, copy.LoadDiagnostics));
                    if (copy.Root is null) return;
                }
                else diags.AddRange(copy.LoadDiagnostics);
                root = copy.Root;
                source = copy.Source!;
                _copyVersion ??= id.Version ?? EtsiTypeLibrary.DeclaredVersion(root);
            }
            else
            {
                root = YamlLoader.Load(path, bytes, limits.MaxYamlBytes, diags);
                if (root is null) return;
                CheckTopLevelKeynames(path, root);
                source = TypeSource.Parse(path, root, bundled: false);
            }
            _files.Add(new ToscaFile(path, root));
            _sources.Add(source);
            ResolveImports(path, root, quiet: etsi is not null);
        }

        // TOSCA Simple Profile 1.3 clause 3.9 (service template keynames); 1.2 has the same set.
        private static readonly HashSet<string> ServiceTemplateKeynames = new(StringComparer.Ordinal)
        {
            "tosca_definitions_version", "namespace", "metadata", "description", "dsl_definitions", "repositories", "imports",
            "artifact_types", "data_types", "capability_types", "interface_types", "relationship_types", "node_types",
            "group_types", "policy_types", "topology_template",
        };

        // Keynames of topology_template (TOSCA 1.3 clause 3.10): at the top level they are misplaced, and ignoring them
        // silently would lose node templates, groups or policies (an NSD's VNFFGs, a VNFD's scaling aspects).
        private static readonly HashSet<string> TopologyTemplateKeynames = new(StringComparer.Ordinal)
        {
            "inputs", "node_templates", "relationship_templates", "groups", "policies", "outputs", "substitution_mappings", "workflows",
        };

        private void CheckTopLevelKeynames(string path, YamlMappingNode root)
        {
            foreach (var (key, _) in root.Children)
            {
                if (key is not YamlScalarNode { Value: { } name } || ServiceTemplateKeynames.Contains(name)) continue;
                if (TopologyTemplateKeynames.Contains(name))
                    diags.Error(DiagnosticCodes.InvalidDefinition, path, key.Line(), key.Col(),
                        $"'{name}' is a keyname of topology_template (TOSCA 1.3 3.10), not of the service template: move it under topology_template.");
                else
                    diags.Warning(DiagnosticCodes.InvalidDefinition, path, key.Line(), key.Col(),
                        $"'{name}' is not a TOSCA service template keyname (TOSCA 1.3 3.9); it is ignored.");
            }
        }

        private CachedCopy LoadCopy(string path, byte[] bytes)
        {
            var key = (path, Convert.ToHexString(SHA256.HashData(bytes)));
            if (CopyCache.TryGetValue(key, out var hit)) return hit;
            var local = new DiagnosticBag();
            var root = YamlLoader.Load(path, bytes, limits.MaxYamlBytes, local);
            var copy = new CachedCopy(root, root is null ? null : TypeSource.Parse(path, root, bundled: false), local.Items.ToList());
            if (bytes.Length <= CsarLimits.Default.MaxYamlBytes && limits.MaxYamlBytes == CsarLimits.Default.MaxYamlBytes)
            {
                if (CopyCache.Count >= CopyCacheLimit) CopyCache.Clear();
                CopyCache.TryAdd(key, copy);
            }
            return copy;
        }

        /// <param name="quiet">For a package copy of an ETSI file: its imports of other ETSI files resolve without Info diagnostics.</param>
        private void ResolveImports(string path, YamlMappingNode root, bool quiet)
        {
            var imports = root.Get("imports");
            if (imports is null || (imports is YamlScalarNode && imports.Str() is null)) return;
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
                var repository = item.Get("repository").Str();
                if (PackagePath.IsRemote(target) || repository is not null)
                {
                    var id = PackagePath.IsRemote(target) ? EtsiTypeLibrary.ParseUrl(target) : EtsiTypeLibrary.ParseFileName(PackagePath.FileName(target));
                    if (id is { } x)
                    {
                        _urlVersion ??= x.Version;
                        _bundled.Add(new BundledRequest(x.Kind, x.Version, path, fileNode!, target));
                        if (!quiet)
                            diags.Info(DiagnosticCodes.EtsiTypesBuiltin, path, fileNode.Line(), fileNode.Col(),
                            $"Import '{target}' is taken as the bundled ETSI SOL001 {(x.Version is null ? "" : "v" + x.Version + " ")}{x.Kind} types; not fetched.");
                    }
                    else
                        diags.Error(DiagnosticCodes.ImportRemote, path, fileNode.Line(), fileNode.Col(),
                            $"Import '{target}'{(repository is null ? "" : $" from repository '{repository}'")} is remote; remote imports are never fetched (only ETSI SOL001 type files are known, and bundled).");
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
                    if (EtsiTypeLibrary.ParseFileName(PackagePath.FileName(resolved)) is { } x)
                    {
                        if (x.Version is not null) _urlVersion ??= x.Version;
                        _bundled.Add(new BundledRequest(x.Kind, x.Version, path, fileNode!, target));
                        if (!quiet)
                            diags.Info(DiagnosticCodes.EtsiTypesBuiltin, path, fileNode.Line(), fileNode.Col(),
                            $"Import '{target}' is not in the package; taken as the bundled ETSI SOL001 {x.Kind} types.");
                    }
                    else
                        diags.Error(DiagnosticCodes.ImportMissing, path, fileNode.Line(), fileNode.Col(), $"Imported file '{resolved}' is not in the package.");
                    continue;
                }
                _seen.Add(resolved);
                LoadFile(resolved, content);
            }
        }
    }
}
