using System.IO.Compression;
using System.Text;

namespace Mano.Tosca;

/// <summary>Result of reading a SOL004 package.</summary>
public sealed class CsarReadResult
{
    internal CsarReadResult(IReadOnlyList<Diagnostic> diagnostics, CsarPackage? package)
    {
        Diagnostics = diagnostics;
        Package = package;
    }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
    /// <summary>Null only when nothing usable could be read.</summary>
    public CsarPackage? Package { get; }
}

/// <summary>An in-memory SOL004 package: its files, TOSCA.meta and parsed VNFD.</summary>
public sealed class CsarPackage
{
    private readonly IReadOnlyDictionary<string, byte[]> _files;

    internal CsarPackage(IReadOnlyDictionary<string, byte[]> files, IReadOnlyDictionary<string, string> metadata,
        string entryDefinitions, IReadOnlyList<string> vnfdFilePaths, Vnfd? vnfd)
    {
        _files = files;
        Metadata = metadata;
        EntryDefinitions = entryDefinitions;
        FilePaths = files.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        VnfdFilePaths = vnfdFilePaths;
        Vnfd = vnfd;
    }

    /// <summary>TOSCA.meta first block (or the root YAML's metadata).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
    /// <summary>Package-relative path of the top-level VNFD template; empty when none could be determined.</summary>
    public string EntryDefinitions { get; }
    /// <summary>Every regular file of the package, '/'-separated, relative, sorted.</summary>
    public IReadOnlyList<string> FilePaths { get; }
    /// <summary>The entry definitions and every YAML file transitively imported (and present).</summary>
    public IReadOnlyList<string> VnfdFilePaths { get; }
    public Vnfd? Vnfd { get; }

    /// <summary>A copy of a file's content; throws <see cref="KeyNotFoundException"/> if absent.</summary>
    public byte[] ReadFile(string path) =>
        _files.TryGetValue(path, out var b) ? (byte[])b.Clone() : throw new KeyNotFoundException($"'{path}' is not in the package.");
}

/// <summary>SOL004 CSAR reader: zip or unpacked directory, with resource limits. Never extracts to disk.</summary>
public static class CsarReader
{
    private const string MetaPath = "TOSCA-Metadata/TOSCA.meta";

    public static CsarReadResult Read(Stream zip, CsarLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(zip);
        limits ??= CsarLimits.Default;
        var diags = new DiagnosticBag();
        Dictionary<string, byte[]>? files;
        try
        {
            files = ReadZip(zip, limits, diags);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or NotSupportedException or IOException)
        {
            diags.Error(DiagnosticCodes.NotAZip, "", 0, 0, "The package is not a readable zip archive: " + ex.Message);
            files = null;
        }
        return files is null ? new CsarReadResult(diags.Items.ToList(), null) : Build(files, limits, diags);
    }

    public static CsarReadResult ReadDirectory(string path, CsarLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        limits ??= CsarLimits.Default;
        var diags = new DiagnosticBag();
        if (!Directory.Exists(path))
        {
            diags.Error(DiagnosticCodes.DirectoryNotFound, "", 0, 0, $"Directory '{path}' does not exist.");
            return new CsarReadResult(diags.Items.ToList(), null);
        }
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long total = 0, count = 0;
        var pending = new Stack<(string Full, string Rel)>();
        pending.Push((Path.GetFullPath(path), ""));
        while (pending.Count > 0)
        {
            var (dir, rel) = pending.Pop();
            foreach (var info in new DirectoryInfo(dir).EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal))
            {
                var relPath = rel.Length == 0 ? info.Name : rel + "/" + info.Name;
                if (info.LinkTarget is not null)
                {
                    diags.Error(DiagnosticCodes.Symlink, relPath, 0, 0, "Symbolic links are not allowed in a package; ignored.");
                    continue;
                }
                if (info is DirectoryInfo) { pending.Push((info.FullName, relPath)); continue; }
                if (info is not FileInfo fi) continue;
                if (++count > limits.MaxEntries)
                {
                    diags.Error(DiagnosticCodes.TooManyEntries, "", 0, 0, $"The package has more than {limits.MaxEntries} files.");
                    return new CsarReadResult(diags.Items.ToList(), null);
                }
                if (fi.Length > limits.MaxEntryBytes)
                {
                    diags.Error(DiagnosticCodes.EntryTooLarge, relPath, 0, 0, $"File is {fi.Length} bytes, more than the limit of {limits.MaxEntryBytes}; ignored.");
                    continue;
                }
                if (total + fi.Length > limits.MaxTotalUncompressedBytes)
                {
                    diags.Error(DiagnosticCodes.TotalTooLarge, relPath, 0, 0, $"The package exceeds {limits.MaxTotalUncompressedBytes} bytes in total; remaining files ignored.");
                    return Build(files, limits, diags);
                }
                using var fs = fi.OpenRead();
                var bytes = BoundedRead(fs, Math.Min(limits.MaxEntryBytes, limits.MaxTotalUncompressedBytes - total), null, limits);
                if (bytes is null)
                {
                    diags.Error(DiagnosticCodes.EntryTooLarge, relPath, 0, 0, "File grew past the size limit while reading; ignored.");
                    continue;
                }
                total += bytes.LongLength;
                files[relPath] = bytes;
            }
        }
        return Build(files, limits, diags);
    }

    // ---------------------------------------------------------------- zip

    private static Dictionary<string, byte[]>? ReadZip(Stream zip, CsarLimits limits, DiagnosticBag diags)
    {
        Stream source = zip;
        if (!zip.CanSeek)
        {
            var copy = BoundedRead(zip, limits.MaxTotalUncompressedBytes, null, limits);
            if (copy is null)
            {
                diags.Error(DiagnosticCodes.TotalTooLarge, "", 0, 0, $"The package stream is larger than {limits.MaxTotalUncompressedBytes} bytes.");
                return null;
            }
            source = new MemoryStream(copy, writable: false);
        }
        using var archive = new ZipArchive(source, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: Encoding.UTF8);
        var entries = archive.Entries;
        if (entries.Count > limits.MaxEntries)
        {
            diags.Error(DiagnosticCodes.TooManyEntries, "", 0, 0, $"The zip has {entries.Count} entries, more than the limit of {limits.MaxEntries}.");
            return null;
        }

        // Validate names first.
        var accepted = new List<(ZipArchiveEntry Entry, string Path)>();
        foreach (var e in entries)
        {
            var name = e.FullName;
            var isDir = name.EndsWith('/') && e.Length == 0;
            var unixMode = (e.ExternalAttributes >> 16) & 0xF000;
            if (unixMode == 0xA000)
            {
                diags.Error(DiagnosticCodes.Symlink, name, 0, 0, "Zip entry is a symbolic link; ignored.");
                continue;
            }
            var normalized = NormalizeEntryName(name, out var problem);
            if (normalized is null)
            {
                diags.Error(DiagnosticCodes.UnsafeEntryName, name, 0, 0, $"Unsafe zip entry name ({problem}); ignored.");
                continue;
            }
            if (isDir || unixMode == 0x4000) continue;
            accepted.Add((e, normalized));
        }

        // A zipped directory: strip the single top-level folder.
        var prefix = CommonTopFolder(accepted.Select(a => a.Path).ToList());

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long total = 0;
        foreach (var (e, p) in accepted)
        {
            var path = prefix is null ? p : p[(prefix.Length + 1)..];
            if (files.ContainsKey(path))
            {
                diags.Error(DiagnosticCodes.DuplicateEntry, path, 0, 0, "The zip holds this path more than once; the first one is used.");
                continue;
            }
            if (e.Length > limits.MaxEntryBytes)
            {
                diags.Error(DiagnosticCodes.EntryTooLarge, path, 0, 0, $"Entry declares {e.Length} bytes, more than the limit of {limits.MaxEntryBytes}; ignored.");
                continue;
            }
            if (e.Length > CsarLimits.RatioCheckThreshold && (double)e.Length / Math.Max(1, e.CompressedLength) > limits.MaxCompressionRatio)
            {
                diags.Error(DiagnosticCodes.CompressionRatio, path, 0, 0,
                    $"Entry compression ratio {(double)e.Length / Math.Max(1, e.CompressedLength):F0} exceeds {limits.MaxCompressionRatio} (zip bomb?); ignored.");
                continue;
            }
            if (total + e.Length > limits.MaxTotalUncompressedBytes)
            {
                diags.Error(DiagnosticCodes.TotalTooLarge, path, 0, 0, $"The package exceeds {limits.MaxTotalUncompressedBytes} uncompressed bytes; remaining entries ignored.");
                break;
            }
            byte[]? bytes;
            try
            {
                using var s = e.Open();
                bytes = BoundedRead(s, Math.Min(limits.MaxEntryBytes, limits.MaxTotalUncompressedBytes - total), e.CompressedLength, limits);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or NotSupportedException)
            {
                diags.Error(DiagnosticCodes.UnreadableEntry, path, 0, 0, "Entry could not be decompressed: " + ex.Message);
                continue;
            }
            if (bytes is null)
            {
                diags.Error(DiagnosticCodes.EntryTooLarge, path, 0, 0, "Entry decompresses past the size or compression-ratio limit (its header understates it); ignored.");
                continue;
            }
            total += bytes.LongLength;
            files[path] = bytes;
        }
        return files;
    }

    /// <summary>Copies at most <paramref name="max"/> bytes; null when the stream holds more (or exceeds the compression ratio).</summary>
    private static byte[]? BoundedRead(Stream s, long max, long? compressedLength, CsarLimits limits)
    {
        using var ms = new MemoryStream();
        var buffer = new byte[81920];
        long read = 0;
        int n;
        while ((n = s.Read(buffer, 0, buffer.Length)) > 0)
        {
            read += n;
            if (read > max) return null;
            if (compressedLength is { } c && read > CsarLimits.RatioCheckThreshold && read > Math.Max(1, c) * limits.MaxCompressionRatio) return null;
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }

    private static string? NormalizeEntryName(string name, out string problem)
    {
        problem = "";
        if (name.Length == 0) { problem = "empty"; return null; }
        if (name.Contains('\0')) { problem = "NUL character"; return null; }
        if (name.Contains('\\')) { problem = "backslash"; return null; }
        if (name.StartsWith('/') || (name.Length >= 2 && name[1] == ':')) { problem = "absolute path"; return null; }
        var parts = new List<string>();
        foreach (var seg in name.Split('/'))
        {
            if (seg is "" or ".") continue;
            if (seg == "..") { problem = "'..' segment"; return null; }
            parts.Add(seg);
        }
        if (parts.Count == 0) { problem = "empty"; return null; }
        return string.Join('/', parts);
    }

    private static string? CommonTopFolder(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0) return null;
        string? top = null;
        foreach (var p in paths)
        {
            var i = p.IndexOf('/');
            if (i < 0) return null;
            var first = p[..i];
            if (top is null) top = first;
            else if (top != first) return null;
        }
        if (top is "TOSCA-Metadata" or "Definitions" or "Files") return null;
        var stripped = paths.Select(p => p[(top!.Length + 1)..]).ToList();
        return stripped.Contains(MetaPath) || stripped.Any(IsRootYaml) ? top : null;
    }

    private static bool IsRootYaml(string p) =>
        !p.Contains('/') && (p.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".yml", StringComparison.OrdinalIgnoreCase));

    // ---------------------------------------------------------------- package

    private static CsarReadResult Build(Dictionary<string, byte[]> files, CsarLimits limits, DiagnosticBag diags)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        string? entry = null;
        if (files.TryGetValue(MetaPath, out var metaBytes))
        {
            var blocks = ParseMeta(metaBytes, diags);
            if (blocks.Count > 0)
                foreach (var (k, v, _) in blocks[0]) metadata.TryAdd(k, v);
            entry = metadata.GetValueOrDefault("Entry-Definitions");
            if (string.IsNullOrWhiteSpace(entry))
            {
                diags.Error(DiagnosticCodes.NoEntryDefinitions, MetaPath, 0, 0, "TOSCA.meta has no Entry-Definitions.");
                entry = null;
            }
            if (blocks.Count > 0)
                foreach (var (k, v, line) in blocks[0])
                {
                    if (k is not ("Entry-Definitions" or "ETSI-Entry-Manifest" or "ETSI-Entry-Change-Log" or "ETSI-Entry-Licenses" or "ETSI-Entry-Certificate")) continue;
                    if (!Exists(files, v))
                        diags.Error(k == "Entry-Definitions" ? DiagnosticCodes.EntryDefinitionsMissing : DiagnosticCodes.ListedFileMissing, MetaPath, line, 1,
                            $"{k} '{v}' is not in the package.");
                }
            foreach (var block in blocks.Skip(1))
                foreach (var (k, v, line) in block)
                    if (k == "Name" && !PackagePath.IsRemote(v) && !Exists(files, v))
                        diags.Error(DiagnosticCodes.ListedFileMissing, MetaPath, line, 1, $"File '{v}' listed in TOSCA.meta is not in the package.");
        }
        else
        {
            var roots = files.Keys.Where(IsRootYaml).OrderBy(k => k, StringComparer.Ordinal).ToList();
            if (roots.Count == 1)
            {
                entry = roots[0];
                var root = YamlLoader.Load(entry, files[entry], limits.MaxYamlBytes, new DiagnosticBag());
                foreach (var (k, _, v) in root.Get("metadata").Entries())
                    if (v.Str() is { } s) metadata[k] = s;
            }
            else
                diags.Error(DiagnosticCodes.NoEntryDefinitions, "", 0, 0, roots.Count == 0
                    ? "The package has no TOSCA-Metadata/TOSCA.meta and no YAML file at its root."
                    : $"The package has no TOSCA-Metadata/TOSCA.meta and {roots.Count} YAML files at its root ({string.Join(", ", roots)}); exactly one is required.");
        }

        Vnfd? vnfd = null;
        IReadOnlyList<string> vnfdPaths = [];
        if (entry is not null && files.ContainsKey(entry))
        {
            var fileSet = files.Keys.ToHashSet(StringComparer.Ordinal);
            (vnfd, vnfdPaths) = VnfdParser.ParseCore(p => files.TryGetValue(p, out var b) ? b : null, entry, limits, fileSet, diags);
        }
        var package = new CsarPackage(files, metadata, entry ?? "", vnfdPaths, vnfd);
        return new CsarReadResult(diags.Items.ToList(), package);
    }

    private static bool Exists(Dictionary<string, byte[]> files, string path)
    {
        var p = PackagePath.Resolve("", path.Trim());
        if (p is null) return false;
        return files.ContainsKey(p) || files.Keys.Any(k => k.StartsWith(p + "/", StringComparison.Ordinal));
    }

    /// <summary>TOSCA.meta blocks of "Key: value" lines (with 1-based line numbers), separated by blank lines.</summary>
    private static List<List<(string Key, string Value, int Line)>> ParseMeta(byte[] bytes, DiagnosticBag diags)
    {
        var blocks = new List<List<(string, string, int)>>();
        List<(string, string, int)>? current = null;
        var text = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0) { current = null; continue; }
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                diags.Warning(DiagnosticCodes.MetaSyntax, MetaPath, i + 1, 1, "Line is not of the form 'Key: value'; ignored.");
                continue;
            }
            if (current is null) blocks.Add(current = []);
            current.Add((line[..colon].Trim(), line[(colon + 1)..].Trim(), i + 1));
        }
        return blocks;
    }
}
