using System.IO.Compression;
using System.Security.Cryptography.X509Certificates;
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
    /// <summary>The NSD, when the entry definitions describe a network service (then <see cref="Vnfd"/> is null).</summary>
    public Nsd? Nsd { get; internal init; }

    /// <summary>The manifest named by ETSI-Entry-Manifest (or the root-level .mf named after the root YAML); null when none was read.</summary>
    public CsarManifest? Manifest { get; internal init; }
    /// <summary>The manifest signature's verification result (<see cref="PackageSecurity.Unsigned"/> without a signed manifest).</summary>
    public PackageSecurity Security { get; internal init; } = PackageSecurity.Unsigned;
    /// <summary>Every hash the reader computed to verify the manifest and TOSCA.meta entries.</summary>
    public IReadOnlyList<CsarChecksum> Checksums { get; internal init; } = [];
    /// <summary>TOSCA.meta per-file blocks (Name / Content-Type / Algorithm / Hash, as Tacker's packages carry them) and their verification.</summary>
    public IReadOnlyList<ManifestEntry> ToscaMetaEntries { get; internal init; } = [];

    /// <summary>A copy of a file's content; throws <see cref="KeyNotFoundException"/> if absent.</summary>
    public byte[] ReadFile(string path) =>
        _files.TryGetValue(path, out var b) ? (byte[])b.Clone() : throw new KeyNotFoundException($"'{path}' is not in the package.");
}

/// <summary>SOL004 CSAR reader: zip or unpacked directory, with resource limits. Never extracts to disk.</summary>
public static class CsarReader
{
    private const string MetaPath = "TOSCA-Metadata/TOSCA.meta";

    /// <summary>Reads a zipped package. With <paramref name="trustedRoots"/>, a manifest signer must chain to one of them.</summary>
    public static CsarReadResult Read(Stream zip, CsarLimits? limits = null, X509Certificate2Collection? trustedRoots = null)
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
        return files is null ? new CsarReadResult(diags.Items.ToList(), null) : Build(files, limits, diags, trustedRoots);
    }

    /// <summary>Reads an unpacked package directory (symbolic links refused). See <see cref="Read"/> for <paramref name="trustedRoots"/>.</summary>
    public static CsarReadResult ReadDirectory(string path, CsarLimits? limits = null, X509Certificate2Collection? trustedRoots = null)
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
                    return Build(files, limits, diags, trustedRoots);
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
        return Build(files, limits, diags, trustedRoots);
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

    private static CsarReadResult Build(Dictionary<string, byte[]> files, CsarLimits limits, DiagnosticBag diags, X509Certificate2Collection? trustedRoots)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        string? entry = null;
        var refs = new EntryRefs();
        var metaBlocks = new List<List<(string Key, string Value, int Line, int ValueCol)>>();
        if (files.TryGetValue(MetaPath, out var metaBytes))
        {
            metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var text = ManifestVerifier.DecodeText(MetaPath, metaBytes, limits.MaxManifestBytes, diags);
            metaBlocks = text is null ? [] : ParseMeta(text, diags);
            if (metaBlocks.Count > 0)
            {
                foreach (var (k, v, _, _) in metaBlocks[0]) metadata.TryAdd(k, v);
                CheckMetaHeader(metaBlocks[0], diags);
            }
            else if (text is not null)
                diags.Error(DiagnosticCodes.MetaSyntax, MetaPath, 1, 1, "TOSCA.meta is empty.");
            entry = metadata.GetValueOrDefault("Entry-Definitions");
            if (string.IsNullOrWhiteSpace(entry))
            {
                diags.Error(DiagnosticCodes.NoEntryDefinitions, MetaPath, 0, 0, "TOSCA.meta has no Entry-Definitions.");
                entry = null;
            }
            else entry = PackagePath.Resolve("", entry) ?? entry;
            if (metaBlocks.Count > 0)
                foreach (var (k, v, line, col) in metaBlocks[0])
                {
                    if (!EntryKeys.Contains(k, StringComparer.OrdinalIgnoreCase) || v.Length == 0) continue;
                    var key = EntryKeys.First(e => e.Equals(k, StringComparison.OrdinalIgnoreCase));
                    refs.Set(key, v, MetaPath, line, col);
                    if (key == "ETSI-Entry-Manifest") continue; // checked with the manifest below
                    if (!Exists(files, v))
                        diags.Error(key == "Entry-Definitions" ? DiagnosticCodes.EntryDefinitionsMissing : DiagnosticCodes.ListedFileMissing, MetaPath, line, 1,
                            $"{k} '{v}' is not in the package.");
                }
        }
        else
        {
            var roots = files.Keys.Where(IsRootYaml).OrderBy(k => k, StringComparer.Ordinal).ToList();
            if (roots.Count == 1)
            {
                entry = roots[0];
                var root = YamlLoader.Load(entry, files[entry], limits.MaxYamlBytes, new DiagnosticBag());
                foreach (var (k, keyNode, v) in root.Get("metadata").Entries())
                {
                    if (v.Str() is not { } s) continue;
                    metadata[k] = s;
                    if (EntryKeys.Contains(k) && k != "Entry-Definitions" && s.Length > 0)
                    {
                        refs.Set(k, s, entry, v.Line(), v.Col());
                        if (k != "ETSI-Entry-Manifest" && !Exists(files, s))
                            diags.Error(DiagnosticCodes.ListedFileMissing, entry, v.Line(), v.Col(), $"{k} '{s}' is not in the package.");
                    }
                }
                // SOL004 clause 4.3.1: without TOSCA-Metadata, the manifest (and certificate) are root files named like the root YAML.
                var stem = entry[..entry.LastIndexOf('.')];
                if (refs.Manifest is null && files.ContainsKey(stem + ".mf")) refs.Set("ETSI-Entry-Manifest", stem + ".mf", "", 0, 0);
                if (refs.Certificate is null && files.ContainsKey(stem + ".cert")) refs.Set("ETSI-Entry-Certificate", stem + ".cert", "", 0, 0);
                foreach (var mf in files.Keys.Where(f => !f.Contains('/') && f.EndsWith(".mf", StringComparison.OrdinalIgnoreCase) && f != refs.Manifest?.Value).Order(StringComparer.Ordinal))
                    diags.Error(DiagnosticCodes.ManifestName, mf, 0, 0,
                        $"Manifest '{mf}' is not named after the main template '{entry}': without TOSCA-Metadata the manifest must be '{stem}.mf' (SOL004 clause 4.3.1).");
            }
            else
                diags.Error(DiagnosticCodes.NoEntryDefinitions, "", 0, 0, roots.Count == 0
                    ? "The package has no TOSCA-Metadata/TOSCA.meta and no YAML file at its root."
                    : $"The package has no TOSCA-Metadata/TOSCA.meta and {roots.Count} YAML files at its root ({string.Join(", ", roots)}); exactly one is required.");
        }

        var integrity = CheckIntegrity(files, limits, diags, trustedRoots, refs, metaBlocks);

        Vnfd? vnfd = null;
        Nsd? nsd = null;
        IReadOnlyList<string> vnfdPaths = [];
        if (entry is not null && files.ContainsKey(entry))
        {
            var fileSet = files.Keys.ToHashSet(StringComparer.Ordinal);
            // One reader for VNF and NS packages: an entry whose topology is an NS (substitutes tosca.nodes.nfv.NS)
            // is parsed as an NSD (SOL007 NSD archives use the same CSAR layout).
            if (NsdParser.IsNsdTemplate(files[entry]))
                (nsd, vnfdPaths) = NsdParser.ParseCore(p => files.TryGetValue(p, out var b) ? b : null, entry, limits, diags);
            else
                (vnfd, vnfdPaths) = VnfdParser.ParseCore(p => files.TryGetValue(p, out var b) ? b : null, entry, limits, fileSet, diags);
        }
        var package = new CsarPackage(files, metadata, entry ?? "", vnfdPaths, vnfd)
        {
            Nsd = nsd,
            Manifest = integrity.Manifest,
            Security = integrity.Security,
            Checksums = integrity.Checksums,
            ToscaMetaEntries = integrity.MetaEntries,
        };
        return new CsarReadResult(diags.Items.ToList(), package);
    }

    private static readonly string[] EntryKeys =
        ["Entry-Definitions", "ETSI-Entry-Manifest", "ETSI-Entry-Change-Log", "ETSI-Entry-Licenses", "ETSI-Entry-Certificate", "ETSI-Entry-Tests"];

    private static readonly string[] HeaderKeys =
        ["TOSCA-Meta-File-Version", "CSAR-Version", "Created-By", "Other-Definitions", .. EntryKeys];

    /// <summary>Where the TOSCA.meta (or root YAML metadata) points: manifest and certificate, with the declaring line.</summary>
    private sealed class EntryRefs
    {
        public (string Value, string File, int Line, int Col)? Manifest { get; private set; }
        public (string Value, string File, int Line, int Col)? Certificate { get; private set; }

        public void Set(string key, string value, string file, int line, int col)
        {
            if (key == "ETSI-Entry-Manifest") Manifest = (value, file, line, col);
            else if (key == "ETSI-Entry-Certificate") Certificate = (value, file, line, col);
        }
    }

    private sealed record Integrity(CsarManifest? Manifest, PackageSecurity Security, IReadOnlyList<CsarChecksum> Checksums, IReadOnlyList<ManifestEntry> MetaEntries);

    /// <summary>TOSCA.meta per-file hashes, the manifest and its signature, artifact signatures. Never throws.</summary>
    private static Integrity CheckIntegrity(Dictionary<string, byte[]> files, CsarLimits limits, DiagnosticBag diags, X509Certificate2Collection? trustedRoots,
        EntryRefs refs, List<List<(string Key, string Value, int Line, int ValueCol)>> metaBlocks)
    {
        var verifier = new ManifestVerifier(files, diags);
        var metaEntries = new List<ManifestEntry>();
        CsarManifest? manifest = null;
        var security = PackageSecurity.Unsigned;
        try
        {
            // Tacker-style per-file blocks of TOSCA.meta (Name / Content-Type / Algorithm / Hash).
            foreach (var block in metaBlocks.Skip(1))
                metaEntries.Add(verifier.VerifyBlock(MetaPath, block, "Name", requireHash: false));

            // Package certificate (ETSI-Entry-Certificate or <root>.cert).
            var packageCerts = new X509Certificate2Collection();
            string? certPath = null;
            if (refs.Certificate is { } c && PackagePath.Resolve("", c.Value) is { } cp && files.TryGetValue(cp, out var certBytes))
            {
                certPath = cp;
                packageCerts = CsarSignature.LoadCertificates(certBytes, out var certError);
                if (certError is not null)
                    diags.Error(DiagnosticCodes.CertificateInvalid, c.File.Length > 0 ? c.File : cp, c.Line, c.Line > 0 ? 1 : 0, $"Certificate file '{cp}' holds no readable X.509 certificate: {certError}.");
            }

            // The manifest.
            string? manifestPath = null;
            if (refs.Manifest is { } m)
            {
                var p = PackagePath.Resolve("", m.Value);
                if (p is not null && files.ContainsKey(p)) manifestPath = p;
                else
                {
                    var others = files.Keys.Where(f => f.EndsWith(".mf", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
                    diags.Error(DiagnosticCodes.ManifestMissing, m.File, m.Line, 1,
                        $"ETSI-Entry-Manifest '{m.Value}' is not in the package" + (others.Count > 0 ? $" (the package has {string.Join(", ", others.Select(o => "'" + o + "'"))})." : "."));
                }
                if (!m.Value.EndsWith(".mf", StringComparison.OrdinalIgnoreCase))
                    diags.Error(DiagnosticCodes.ManifestName, m.File, m.Line, m.Col, $"ETSI-Entry-Manifest '{m.Value}' does not have the extension .mf (SOL004 clause 4.3.2).");
            }
            else
            {
                var strays = files.Keys.Where(f => f.EndsWith(".mf", StringComparison.OrdinalIgnoreCase) && !f.Contains('/')).Order(StringComparer.Ordinal).ToList();
                if (files.ContainsKey(MetaPath) && strays.Count > 0)
                    diags.Warning(DiagnosticCodes.ManifestNotReferenced, MetaPath, 0, 0,
                        $"TOSCA.meta has no ETSI-Entry-Manifest, but the package holds {string.Join(", ", strays.Select(o => "'" + o + "'"))}: it is not verified.");
                else if (files.Count > 0)
                    diags.Warning(DiagnosticCodes.ManifestAbsent, files.ContainsKey(MetaPath) ? MetaPath : "", 0, 0,
                        "The package has no manifest (.mf): SOL004 requires one listing every file with its hash; file integrity is not checked.");
            }

            if (manifestPath is not null)
            {
                manifest = verifier.ParseManifest(manifestPath, files[manifestPath], limits.MaxManifestBytes, out var signedContent, out var cmsPem);

                // Every file must be listed, except the manifest itself and the certificate/signature files that secure it.
                var listed = manifest.Entries.Select(e => e.Path).OfType<string>().ToHashSet(StringComparer.Ordinal);
                var exempt = new HashSet<string>(StringComparer.Ordinal) { manifestPath };
                if (certPath is not null) exempt.Add(certPath);
                foreach (var e in manifest.Entries.Concat(metaEntries))
                {
                    if (e.SignaturePath is not null) exempt.Add(e.SignaturePath);
                    if (e.CertificatePath is not null) exempt.Add(e.CertificatePath);
                }
                foreach (var f in files.Keys.Order(StringComparer.Ordinal))
                    if (!listed.Contains(f) && !exempt.Contains(f))
                        diags.Warning(DiagnosticCodes.ManifestUnlistedFile, manifestPath, 0, 0, $"File '{f}' is not listed in the manifest (SOL004 requires every file of the package with its hash).");

                if (manifest.IsSigned)
                {
                    var der = cmsPem is null ? null : CsarSignature.DecodeBase64(cmsPem);
                    if (der is null)
                        security = new PackageSecurity(PackageSecurityStatus.Invalid, "The manifest's CMS block is not valid base64 (or has no END line).");
                    else
                    {
                        var variants = new List<byte[]> { signedContent! };
                        var trimmed = signedContent!.AsSpan().TrimEnd("\r\n"u8).ToArray();
                        if (trimmed.Length != signedContent!.Length) variants.Add(trimmed);
                        security = CsarSignature.Verify(der, variants, packageCerts, trustedRoots);
                    }
                    ReportSecurity(security, diags, manifestPath, manifest.SignatureLine, "Manifest");
                    if (security.Status == PackageSecurityStatus.Verified && certPath is not null && packageCerts.Count > 0 &&
                        !packageCerts.Any(x => x.Thumbprint == security.SignerThumbprint) && packageCerts.Count == 1)
                        diags.Warning(DiagnosticCodes.CertificateMismatch, certPath, 0, 0,
                            $"The manifest is signed by '{security.SignerSubject}', not by the certificate in '{certPath}' ('{packageCerts[0].Subject}').");
                }
                else
                {
                    security = new PackageSecurity(PackageSecurityStatus.Unsigned, "The manifest has no CMS signature block.");
                    if (trustedRoots is not null || certPath is not null)
                        diags.Warning(DiagnosticCodes.Unsigned, manifestPath, 0, 0,
                            certPath is not null ? $"The package has a certificate ('{certPath}') but its manifest is not signed." : "The manifest is not signed, and trusted signers were required.");
                    else
                        diags.Info(DiagnosticCodes.Unsigned, manifestPath, 0, 0, "The manifest is not signed (no '-----BEGIN CMS-----' block).");
                }
            }
            else if (trustedRoots is not null)
                diags.Warning(DiagnosticCodes.Unsigned, "", 0, 0, "The package is not signed (it has no manifest), and trusted signers were required.");

            // Artifact signatures (SOL004 clause 5.3).
            foreach (var e in (manifest?.Entries ?? []).Concat(metaEntries))
            {
                if (e.SignaturePath is null) continue;
                if (e.Path is null || !files.TryGetValue(e.Path, out var content)) continue;
                var certs = packageCerts;
                if (e.CertificatePath is not null)
                {
                    certs = CsarSignature.LoadCertificates(files[e.CertificatePath], out var err);
                    if (err is not null)
                        diags.Error(DiagnosticCodes.CertificateInvalid, e.DeclaredIn, e.Line, 1, $"Certificate file '{e.CertificatePath}' of '{e.Source}' holds no readable X.509 certificate: {err}.");
                }
                var der = CsarSignature.DecodeCms(files[e.SignaturePath]);
                e.Signature = der is null
                    ? new PackageSecurity(PackageSecurityStatus.Invalid, $"Signature file '{e.SignaturePath}' is neither DER nor PEM CMS.")
                    : CsarSignature.Verify(der, [content], certs, trustedRoots);
                ReportSecurity(e.Signature, diags, e.DeclaredIn, e.Line, $"Signature '{e.SignaturePath}' of '{e.Path}'");
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            diags.Error(DiagnosticCodes.IntegrityCheckFailed, "", 0, 0, "The package integrity check failed unexpectedly: " + ex.Message);
            security = new PackageSecurity(PackageSecurityStatus.Invalid, "Integrity check failed: " + ex.Message);
        }
        return new Integrity(manifest, security, verifier.Checksums, metaEntries);
    }

    private static void ReportSecurity(PackageSecurity s, DiagnosticBag diags, string file, int line, string what)
    {
        var col = line > 0 ? 1 : 0;
        switch (s.Status)
        {
            case PackageSecurityStatus.Invalid:
                diags.Error(DiagnosticCodes.SignatureInvalid, file, line, col, $"{what} signature is invalid: {s.Detail}");
                break;
            case PackageSecurityStatus.Verified when s.Trust == SignerTrust.Untrusted:
                diags.Error(DiagnosticCodes.SignatureUntrusted, file, line, col, $"{what} signature: {s.Detail}");
                break;
            case PackageSecurityStatus.Verified:
                diags.Info(DiagnosticCodes.SignatureVerified, file, line, col, $"{what} signature: {s.Detail}");
                break;
        }
    }

    /// <summary>TOSCA.meta first block: mandatory keys, their values, duplicates, unknown keys.</summary>
    private static void CheckMetaHeader(List<(string Key, string Value, int Line, int ValueCol)> header, DiagnosticBag diags)
    {
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v, line, col) in header)
        {
            if (!seen.TryAdd(k, line))
            {
                diags.Error(DiagnosticCodes.MetaDuplicateKey, MetaPath, line, 1, $"Key '{k}' is given again (first at line {seen[k]}).");
                continue;
            }
            if (!HeaderKeys.Contains(k, StringComparer.OrdinalIgnoreCase))
            {
                diags.Warning(DiagnosticCodes.MetaUnknownKey, MetaPath, line, 1,
                    k is "Name" or "Content-Type" or "Algorithm" or "Hash"
                        ? $"Key '{k}' belongs to a per-file block: separate it from the first block with a blank line; ignored."
                        : $"Unknown key '{k}' in the first block of TOSCA.meta; ignored.");
                continue;
            }
            if (k.Equals("TOSCA-Meta-File-Version", StringComparison.OrdinalIgnoreCase) && v is not ("1.0" or "1.1"))
                diags.Error(DiagnosticCodes.MetaVersion, MetaPath, line, col, $"TOSCA-Meta-File-Version '{v}' is not supported (1.0 or 1.1).");
            if (k.Equals("CSAR-Version", StringComparison.OrdinalIgnoreCase) && v is not ("1.0" or "1.1" or "2.0"))
                diags.Error(DiagnosticCodes.MetaVersion, MetaPath, line, col, $"CSAR-Version '{v}' is not supported (1.0, 1.1 or 2.0; SOL004 uses 1.1).");
            if (v.Length == 0)
                diags.Error(DiagnosticCodes.MetaSyntax, MetaPath, line, 1, $"Key '{k}' has no value.");
        }
        // TOSCA-Meta-File-Version identifies the file: without it this is not a TOSCA.meta. CSAR-Version and Created-By are
        // mandatory too, but nothing the reader does depends on them: their absence is a warning.
        if (!seen.ContainsKey("TOSCA-Meta-File-Version"))
            diags.Error(DiagnosticCodes.MetaMissingKey, MetaPath, header[0].Line, 1, "The first block of TOSCA.meta has no 'TOSCA-Meta-File-Version' key.");
        foreach (var recommended in new[] { "CSAR-Version", "Created-By" })
            if (!seen.ContainsKey(recommended))
                diags.Warning(DiagnosticCodes.MetaMissingKey, MetaPath, header[0].Line, 1, $"The first block of TOSCA.meta has no '{recommended}' key.");
    }

    private static bool Exists(Dictionary<string, byte[]> files, string path)
    {
        var p = PackagePath.Resolve("", path.Trim());
        if (p is null) return false;
        return files.ContainsKey(p) || files.Keys.Any(k => k.StartsWith(p + "/", StringComparison.Ordinal));
    }

    /// <summary>
    /// TOSCA.meta blocks of "Key: value" lines (1-based line, value column), separated by blank lines. A line starting with a
    /// space and holding no ':' continues the previous value (the JAR-manifest rule TOSCA.meta inherits).
    /// </summary>
    private static List<List<(string Key, string Value, int Line, int ValueCol)>> ParseMeta(string text, DiagnosticBag diags)
    {
        var blocks = new List<List<(string, string, int, int)>>();
        List<(string Key, string Value, int Line, int ValueCol)>? current = null;
        var lines = ManifestVerifier.Lines(text);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Trim().Length == 0) { current = null; continue; }
            var colon = line.IndexOf(':');
            if (line[0] == ' ' && colon < 0 && current is { Count: > 0 })
            {
                var last = current[^1];
                current[^1] = (last.Key, last.Value + line[1..].TrimEnd(), last.Line, last.ValueCol);
                continue;
            }
            if (colon <= 0 || line[..colon].Trim().Length == 0)
            {
                diags.Error(DiagnosticCodes.MetaSyntax, MetaPath, i + 1, 1, "Line is not of the form 'Key: value'; ignored.");
                continue;
            }
            if (current is null) blocks.Add(current = []);
            current.Add((line[..colon].Trim(), line[(colon + 1)..].Trim(), i + 1, ManifestVerifier.ValueColumn(line)));
        }
        return blocks;
    }
}
