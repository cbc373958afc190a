using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Mano.Tosca;

namespace Mano.Cli.Commands;

/// <summary>
/// <c>mano vnf package validate PATH</c>: validates a SOL004 package (zip or unpacked directory) or a single TOSCA
/// YAML template locally, with src/Tosca, without a server. Exit 0 when there is no error, 1 when there is one,
/// 2 when the input cannot be read at all (or the command line is wrong).
/// </summary>
internal static class ValidateCommand
{
    /// <summary>Exit code when the package has at least one error diagnostic.</summary>
    public const int Invalid = 1;

    /// <summary>Exit code of a usage or I/O problem: no such path, unreadable file, bad option.</summary>
    public const int UsageOrIo = 2;

    /// <summary>Value of the "schema" member of the --json document; bumped only on an incompatible change.</summary>
    public const string JsonSchema = "mano.validate/v1";

    internal const string Description =
        "Validate a VNF or NS package locally (no server): a SOL004 CSAR (.zip/.csar), an unpacked package directory, "
        + "or a single TOSCA VNFD or NSD template (its imports and artifacts are looked up in its folder, or in the unpacked "
        + "package it belongs to). Prints every diagnostic as "
        + "'file:line:col: severity code: message' and a last line 'N errors, N warnings'. "
        + "Exit status: 0 no error (warnings allowed), 1 at least one error, 2 the input could not be read or the "
        + "command line is wrong.";

    internal const string JsonDescription =
        "Print one JSON object instead (schema \"" + JsonSchema + "\", stable): {\"schema\", \"subject\" (the path given), "
        + "\"kind\" (zip|directory|yaml), \"valid\" (bool), \"summary\": {\"errors\", \"warnings\", \"infos\"}, "
        + "\"diagnostics\": [{\"severity\" (error|warning|info), \"code\", \"file\" (package-relative, \"\" for the "
        + "package as a whole), \"line\", \"column\" (1-based, 0 when not applicable), \"message\"}]}. Diagnostics are "
        + "sorted by file, line, column. Members may be added in a later version; none is removed or retyped.";

    internal const string TimingsDescription =
        "Print, as the LAST stdout line, {\"parse_ms\": <float>, \"errors\": <int>, \"warnings\": <int>}: the in-process "
        + "time of reading, parsing and validating (for benchmark harnesses; one package per process).";

    public static Command Build(CliContext context)
    {
        var path = new Argument<string>("path")
        {
            Description = "package.zip (or .csar), package directory, or template.yaml",
        };
        var json = new Option<bool>("--json") { Description = JsonDescription };
        var timings = new Option<bool>("--timings") { Description = TimingsDescription };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also print informational diagnostics (always included in --json)" };
        var command = new Command("validate", Description) { path, json, timings, verbose };
        command.SetAction(parse => Run(context, parse.GetRequiredValue(path), parse.GetValue(json), parse.GetValue(timings), parse.GetValue(verbose)));
        return command;
    }

    internal static int Run(CliContext context, string path, bool json, bool timings, bool verbose)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return context.Fail(UsageOrIo, "a package path is required.");
        }

        var stopwatch = Stopwatch.StartNew();
        ValidationOutcome outcome;
        try
        {
            outcome = Validate(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return context.Fail(UsageOrIo, $"cannot read '{path}': {e.Message}");
        }

        stopwatch.Stop();
        if (outcome.Kind is null)
        {
            return context.Fail(UsageOrIo, $"'{path}' does not exist.");
        }

        var diagnostics = outcome.Diagnostics
            .OrderBy(d => d.File, StringComparer.Ordinal)
            .ThenBy(d => d.Line)
            .ThenBy(d => d.Column)
            .ThenBy(d => d.Severity)
            .ToList();
        var errors = diagnostics.Count(d => d.Severity == Severity.Error);
        var warnings = diagnostics.Count(d => d.Severity == Severity.Warning);
        var infos = diagnostics.Count - errors - warnings;

        if (json)
        {
            WriteJson(context.Stdout, path, outcome.Kind, diagnostics, errors, warnings, infos);
        }
        else
        {
            WriteHuman(context.Stdout, path, outcome, diagnostics, errors, warnings, infos, verbose);
        }

        if (timings)
        {
            var ms = stopwatch.Elapsed.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
            context.Stdout.WriteLine($"{{\"parse_ms\": {ms}, \"errors\": {errors}, \"warnings\": {warnings}}}");
        }

        return errors > 0 ? Invalid : Cli.Success;
    }

    /// <summary>What was validated; <see cref="Kind"/> is null when the path does not exist.</summary>
    internal sealed record ValidationOutcome(string? Kind, IReadOnlyList<Diagnostic> Diagnostics, string? Described);

    internal static ValidationOutcome Validate(string path)
    {
        if (Directory.Exists(path))
        {
            var result = CsarReader.ReadDirectory(path);
            return new("directory", result.Diagnostics, Describe(result.Package));
        }

        if (!File.Exists(path))
        {
            return new(null, [], null);
        }

        if (IsYaml(path))
        {
            var full = Path.GetFullPath(path);
            var folder = PackageRootOf(full) ?? Path.GetDirectoryName(full) ?? ".";
            var entry = Path.GetRelativePath(folder, full).Replace('\\', '/');
            var files = new FolderFiles(folder);
            if (files.TryGetValue(entry, out var entryBytes) && NsdParser.IsNsdTemplate(entryBytes))
            {
                // An NSD (an NS node template, or substitution of an NS type): NSD packages are validated by the same command.
                var nsd = NsdParser.Parse(files, entry);
                return new("yaml", [.. files.Problems, .. nsd.Diagnostics], Describe(nsd.Nsd));
            }

            var result = VnfdParser.Parse(files, entry);
            return new("yaml", [.. files.Problems, .. result.Diagnostics], Describe(result.Vnfd));
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var zip = CsarReader.Read(stream);
        return new("zip", zip.Diagnostics, Describe(zip.Package));
    }

    /// <summary>
    /// The unpacked package a template belongs to (the nearest of its folder and two folders above holding
    /// TOSCA-Metadata/TOSCA.meta), so that its imports and artifacts ("../Files/image.img") resolve as in the package.
    /// </summary>
    private static string? PackageRootOf(string template)
    {
        var dir = Path.GetDirectoryName(template);
        for (var up = 0; up < 3 && dir is not null; up++, dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "TOSCA-Metadata", "TOSCA.meta")))
            {
                return dir;
            }
        }

        return null;
    }

    private static bool IsYaml(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    private static string? Describe(CsarPackage? package) => Describe(package?.Vnfd) ?? Describe(package?.Nsd);

    private static string? Describe(Vnfd? vnfd) => vnfd is null
        ? null
        : string.Create(CultureInfo.InvariantCulture,
            $"VNFD {vnfd.DescriptorId} ({vnfd.Provider} {vnfd.ProductName} {vnfd.SoftwareVersion}): "
            + $"{vnfd.Flavours.Count} flavour(s) [{string.Join(", ", vnfd.Flavours.Select(f => $"{f.FlavourId}: {f.Vdus.Count} VDU(s)"))}]");

    private static string? Describe(Nsd? nsd) => nsd is null
        ? null
        : string.Create(CultureInfo.InvariantCulture,
            $"NSD {nsd.DescriptorId} ({nsd.Designer} {nsd.Name} {nsd.Version}), flavour {nsd.FlavourId}: "
            + $"{nsd.Vnfs.Count} VNF(s), {nsd.Pnfs.Count} PNF(s), {nsd.NestedNss.Count} nested NS, {nsd.VirtualLinks.Count} virtual link(s), "
            + $"{nsd.Saps.Count} SAP(s), {nsd.Vnffgs.Count} VNFFG(s)");

    private static void WriteHuman(TextWriter o, string path, ValidationOutcome outcome, List<Diagnostic> diagnostics,
        int errors, int warnings, int infos, bool verbose)
    {
        // Grouped by file (the package as a whole first), in line order within a file.
        foreach (var group in diagnostics.Where(d => verbose || d.Severity != Severity.Info).GroupBy(d => d.File))
        {
            foreach (var d in group)
            {
                o.WriteLine(d.ToString());
            }
        }

        if (outcome.Described is not null)
        {
            o.WriteLine(outcome.Described);
        }

        var hidden = verbose || infos == 0 ? "" : $" ({infos} info hidden; --verbose shows them)";
        o.WriteLine($"{path}: {(errors > 0 ? "INVALID" : "valid")}{hidden}");
        o.WriteLine($"{errors} errors, {warnings} warnings");
    }

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static void WriteJson(TextWriter o, string path, string kind, List<Diagnostic> diagnostics, int errors, int warnings, int infos)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            w.WriteStartObject();
            w.WriteString("schema", JsonSchema);
            w.WriteString("subject", path);
            w.WriteString("kind", kind);
            w.WriteBoolean("valid", errors == 0);
            w.WriteStartObject("summary");
            w.WriteNumber("errors", errors);
            w.WriteNumber("warnings", warnings);
            w.WriteNumber("infos", infos);
            w.WriteEndObject();
            w.WriteStartArray("diagnostics");
            foreach (var d in diagnostics)
            {
                w.WriteStartObject();
                w.WriteString("severity", SeverityName(d.Severity));
                w.WriteString("code", d.Code);
                w.WriteString("file", d.File);
                w.WriteNumber("line", d.Line);
                w.WriteNumber("column", d.Column);
                w.WriteString("message", d.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        o.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    internal static string SeverityName(Severity s) => s switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "info",
    };

    /// <summary>
    /// The files of a template's folder (or of the package it is in), read on demand: only what the parser asks for, the
    /// entry and its imports; of other files (artifacts) only their existence is given.
    /// Paths are '/'-separated and relative; nothing outside the folder, no symbolic link, nothing over the YAML limit.
    /// </summary>
    private sealed class FolderFiles(string folder) : IReadOnlyDictionary<string, byte[]>
    {
        private readonly Dictionary<string, byte[]?> _cache = new(StringComparer.Ordinal);
        private readonly string _root = Path.GetFullPath(folder);

        /// <summary>Files bigger than this are not read at all (the parser refuses YAML over its own, smaller limit).</summary>
        private const long MaxReadBytes = 64L << 20;

        /// <summary>Files that exist but were not read (too large, symbolic link).</summary>
        public List<Diagnostic> Problems { get; } = [];

        public bool TryGetValue(string key, out byte[] value)
        {
            if (!_cache.TryGetValue(key, out var bytes))
            {
                _cache[key] = bytes = Load(key);
            }

            value = bytes!;
            return bytes is not null;
        }

        private byte[]? Load(string relative)
        {
            if (relative.Length == 0 || relative.Contains('\\', StringComparison.Ordinal) || relative.Contains('\0', StringComparison.Ordinal)
                || relative.StartsWith('/') || relative.Split('/').Any(s => s is ".." or "."))
            {
                return null;
            }

            var full = Path.GetFullPath(Path.Combine(_root, relative));
            if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                return null;
            }

            var info = new FileInfo(full);
            if (!info.Exists)
            {
                return null;
            }

            if (info.LinkTarget is not null)
            {
                Problems.Add(new(Severity.Error, DiagnosticCodes.Symlink, relative, 0, 0, "Symbolic links are not followed; not read."));
                return null;
            }

            if (!IsYaml(relative))
            {
                // Only YAML is parsed; of any other file (an image, a script: an artifact) the parser asks only whether it
                // exists, and it is not read.
                return [];
            }

            if (info.Length > MaxReadBytes)
            {
                Problems.Add(new(Severity.Error, DiagnosticCodes.YamlTooLarge, relative, 0, 0,
                    $"YAML file is {info.Length} bytes, more than the limit of {CsarLimits.Default.MaxYamlBytes} bytes; not loaded."));
                return null;
            }

            return File.ReadAllBytes(full);
        }

        public byte[] this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key);

        public bool ContainsKey(string key) => TryGetValue(key, out _);

        // Only what was read so far: the folder is never listed.
        public IEnumerable<string> Keys => _cache.Where(p => p.Value is not null).Select(p => p.Key);

        public IEnumerable<byte[]> Values => _cache.Values.OfType<byte[]>();

        public int Count => _cache.Values.Count(v => v is not null);

        public IEnumerator<KeyValuePair<string, byte[]>> GetEnumerator() =>
            _cache.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, byte[]>(p.Key, p.Value!)).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
