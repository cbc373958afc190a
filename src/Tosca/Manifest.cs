using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mano.Tosca;

/// <summary>What the reader found out about one file entry of the manifest (or of a TOSCA.meta per-file block).</summary>
public enum ManifestEntryStatus
{
    /// <summary>The declared hash matches the file's bytes.</summary>
    Verified,
    /// <summary>The file is present but its bytes do not have the declared hash.</summary>
    HashMismatch,
    /// <summary>The file is not in the package.</summary>
    FileMissing,
    /// <summary>The Source is a URI of an artifact outside the package: never fetched, so not verified.</summary>
    External,
    /// <summary>The entry itself is faulty (missing key or value, unknown algorithm, malformed hash, path outside the package).</summary>
    Invalid,
    /// <summary>The entry declares no hash (a TOSCA.meta block with only Name/Content-Type): presence checked only.</summary>
    NotHashed,
}

/// <summary>One per-file block: <c>Source</c> (or TOSCA.meta <c>Name</c>), <c>Algorithm</c>, <c>Hash</c>, optional <c>Signature</c>/<c>Certificate</c>.</summary>
public sealed class ManifestEntry
{
    internal ManifestEntry(string declaredIn, int line, string source) { DeclaredIn = declaredIn; Line = line; Source = source; }

    /// <summary>The file declaring the entry (the manifest, or TOSCA-Metadata/TOSCA.meta).</summary>
    public string DeclaredIn { get; }
    /// <summary>1-based line of the block's first line.</summary>
    public int Line { get; }
    /// <summary>The Source (or Name) as written; empty when the block has none.</summary>
    public string Source { get; }
    /// <summary>The package-relative path the Source resolves to; null for external URIs and invalid paths.</summary>
    public string? Path { get; internal set; }
    /// <summary>The algorithm in canonical form ("SHA-256") when recognised, else as written; null when absent.</summary>
    public string? Algorithm { get; internal set; }
    /// <summary>The declared hash, lower-case hex; null when absent.</summary>
    public string? Hash { get; internal set; }
    /// <summary>The hash computed from the file's bytes with <see cref="Algorithm"/>; null when not computed.</summary>
    public string? ComputedHash { get; internal set; }
    public ManifestEntryStatus Status { get; internal set; } = ManifestEntryStatus.Invalid;
    public bool Verified => Status == ManifestEntryStatus.Verified;
    /// <summary>SOL004 clause 5.3 artifact signature: path of the CMS signature file (<c>Signature:</c> key), if any.</summary>
    public string? SignaturePath { get; internal set; }
    /// <summary>Path of the artifact's certificate file (<c>Certificate:</c> key), if any.</summary>
    public string? CertificatePath { get; internal set; }
    /// <summary>Result of verifying the artifact's own signature; null when the entry names none.</summary>
    public PackageSecurity? Signature { get; internal set; }
    /// <summary>Every key of the block as written (first occurrence).</summary>
    public IReadOnlyDictionary<string, string> Keys { get; internal set; } = new Dictionary<string, string>();
}

/// <summary>A parsed SOL004 manifest (.mf): metadata, per-file entries, non-MANO artifact sets, signature block.</summary>
public sealed class CsarManifest
{
    internal CsarManifest(string path) { Path = path; }

    /// <summary>Package-relative path of the manifest.</summary>
    public string Path { get; }
    /// <summary>The <c>metadata:</c> section (vnf_provider_id, vnf_product_name, ... or the NSD/PNFD equivalents).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; internal set; } = new Dictionary<string, string>();
    /// <summary>"vnf", "nsd" or "pnfd" from the metadata keys; null when they name none of these.</summary>
    public string? Kind { get; internal set; }
    public IReadOnlyList<ManifestEntry> Entries { get; internal set; } = [];
    /// <summary>Non-MANO artifact set name → the Sources it lists.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> NonManoArtifactSets { get; internal set; } = new Dictionary<string, IReadOnlyList<string>>();
    /// <summary>True when the manifest ends with a <c>-----BEGIN CMS-----</c> block.</summary>
    public bool IsSigned { get; internal set; }
    /// <summary>1-based line of the <c>-----BEGIN CMS-----</c> marker; 0 when unsigned.</summary>
    public int SignatureLine { get; internal set; }
}

/// <summary>A hash the reader computed over a package file.</summary>
public sealed record CsarChecksum(string Path, string Algorithm, string Hash);

/// <summary>Parses manifests and TOSCA.meta per-file blocks, and verifies their hashes against the package bytes.</summary>
internal sealed class ManifestVerifier
{
    private static readonly string[] VnfKeys = ["vnf_provider_id", "vnf_product_name", "vnf_release_date_time", "vnf_package_version"];
    private static readonly string[] NsdKeys = ["nsd_designer", "nsd_invariant_id", "nsd_name", "nsd_release_date_time", "nsd_file_structure_version"];
    private static readonly string[] PnfdKeys = ["pnfd_provider", "pnfd_name", "pnfd_release_date_time", "pnfd_archive_version"];

    private readonly IReadOnlyDictionary<string, byte[]> _files;
    private readonly DiagnosticBag _diags;
    private readonly Dictionary<(string Path, string Alg), string> _computed = [];

    public ManifestVerifier(IReadOnlyDictionary<string, byte[]> files, DiagnosticBag diags)
    {
        _files = files;
        _diags = diags;
    }

    private HashSet<string>? _directories;

    /// <summary>Every directory path of the package (built once: a hostile manifest may list many absent files).</summary>
    private HashSet<string> Directories => _directories ??= _files.Keys
        .SelectMany(f => Enumerable.Range(0, f.Length).Where(i => f[i] == '/').Select(i => f[..i]))
        .ToHashSet(StringComparer.Ordinal);

    public IReadOnlyList<CsarChecksum> Checksums =>
        _computed.Select(kv => new CsarChecksum(kv.Key.Path, kv.Key.Alg, kv.Value))
            .OrderBy(c => c.Path, StringComparer.Ordinal).ThenBy(c => c.Algorithm, StringComparer.Ordinal).ToList();

    // ------------------------------------------------------------------ text

    /// <summary>Decodes strict UTF-8 (BOM dropped); null, with an error, when it is not.</summary>
    internal static string? DecodeText(string path, byte[] bytes, long maxBytes, DiagnosticBag diags)
    {
        if (bytes.LongLength > maxBytes)
        {
            diags.Error(DiagnosticCodes.ManifestTooLarge, path, 0, 0, $"File is {bytes.LongLength} bytes, more than the limit of {maxBytes} bytes for a manifest or TOSCA.meta; not parsed.");
            return null;
        }
        try
        {
            var text = new UTF8Encoding(false, true).GetString(bytes);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException)
        {
            diags.Error(DiagnosticCodes.ManifestEncoding, path, 0, 0, "File is not valid UTF-8; not parsed.");
            return null;
        }
    }

    internal static string[] Lines(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++) lines[i] = lines[i].TrimEnd('\r');
        return lines;
    }

    // ------------------------------------------------------------------ manifest

    /// <summary>Parses and verifies the manifest at <paramref name="path"/> (which must be in the package).</summary>
    public CsarManifest ParseManifest(string path, byte[] bytes, long maxBytes, out byte[]? signedContent, out string? cmsPem)
    {
        var manifest = new CsarManifest(path);
        signedContent = null;
        cmsPem = null;
        var text = DecodeText(path, bytes, maxBytes, _diags);
        if (text is null) return manifest;
        var lines = Lines(text);

        // The CMS signature block ends the manifest; the signed content is every byte before its first line.
        var sigLine = Array.FindIndex(lines, l => l.Trim() == "-----BEGIN CMS-----");
        var bodyLineCount = lines.Length;
        if (sigLine >= 0)
        {
            manifest.IsSigned = true;
            manifest.SignatureLine = sigLine + 1;
            bodyLineCount = sigLine;
            var end = Array.FindIndex(lines, sigLine + 1, l => l.Trim() == "-----END CMS-----");
            if (end < 0)
                _diags.Error(DiagnosticCodes.SignatureMalformed, path, sigLine + 1, 1, "The '-----BEGIN CMS-----' block has no '-----END CMS-----' line.");
            else
            {
                cmsPem = string.Join('\n', lines[(sigLine + 1)..end]);
                for (var i = end + 1; i < lines.Length; i++)
                    if (lines[i].Trim().Length > 0)
                    {
                        _diags.Error(DiagnosticCodes.SignatureMalformed, path, i + 1, 1, "Text after the '-----END CMS-----' line: the signature block must end the manifest.");
                        break;
                    }
            }
            signedContent = SignedPrefix(bytes);
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var metadataLine = 0;
        var sets = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var setLines = new List<(string Set, string Source, int Line)>();
        var blocks = new List<List<(string Key, string Value, int Line, int ValueCol)>>();
        List<(string, string, int, int)>? block = null;
        var section = "";          // "", "metadata", "sets"
        string? currentSet = null;

        for (var i = 0; i < bodyLineCount; i++)
        {
            var raw = lines[i];
            var lineNo = i + 1;
            var trimmed = raw.Trim();
            var indented = raw.Length > 0 && (raw[0] == ' ' || raw[0] == '\t');
            if (trimmed.Length == 0)
            {
                block = null;
                if (section == "metadata") section = "";
                continue;
            }
            if (trimmed.StartsWith('#')) continue;
            if (section == "sets" && !indented) section = "";

            if (!indented && block is null && trimmed == "metadata:")
            {
                if (metadataLine > 0)
                    _diags.Error(DiagnosticCodes.ManifestSyntax, path, lineNo, 1, $"Second 'metadata:' section (the first is at line {metadataLine}).");
                section = "metadata";
                metadataLine = lineNo;
                continue;
            }
            if (!indented && block is null && trimmed == "non_mano_artifact_sets:")
            {
                section = "sets";
                currentSet = null;
                continue;
            }

            var colon = trimmed.IndexOf(':');
            if (colon <= 0)
            {
                _diags.Error(DiagnosticCodes.ManifestSyntax, path, lineNo, 1, "Line is not of the form 'Key: value'.");
                continue;
            }
            var key = trimmed[..colon].Trim();
            var value = trimmed[(colon + 1)..].Trim();
            var valueCol = ValueColumn(raw);

            // A file block may follow the metadata without the blank line SOL004 asks for: "Source:" always starts one.
            if (section == "metadata" && key.Equals("Source", StringComparison.Ordinal)) section = "";

            switch (section)
            {
                case "metadata":
                    if (!metadata.TryAdd(key, value))
                        _diags.Error(DiagnosticCodes.ManifestSyntax, path, lineNo, 1, $"Duplicate metadata key '{key}'.");
                    else if (value.Length == 0)
                        _diags.Warning(DiagnosticCodes.ManifestMetadata, path, lineNo, 1, $"Metadata key '{key}' has no value.");
                    continue;
                case "sets":
                    if (value.Length == 0 && !key.Equals("Source", StringComparison.OrdinalIgnoreCase))
                    {
                        currentSet = key;
                        if (!sets.ContainsKey(key)) sets[key] = [];
                        continue;
                    }
                    if (key != "Source")
                        _diags.Warning(DiagnosticCodes.ManifestSyntax, path, lineNo, 1, $"Unexpected key '{key}' in non_mano_artifact_sets (only set names and 'Source:' lines).");
                    else if (currentSet is null)
                        _diags.Error(DiagnosticCodes.ManifestSyntax, path, lineNo, 1, "'Source:' in non_mano_artifact_sets before any set name.");
                    else if (value.Length == 0)
                        _diags.Error(DiagnosticCodes.ManifestMissingValue, path, lineNo, 1, $"'Source:' of non-MANO artifact set '{currentSet}' has no value.");
                    else
                    {
                        sets[currentSet].Add(value);
                        setLines.Add((currentSet, value, lineNo));
                    }
                    continue;
            }
            if (block is null) blocks.Add(block = []);
            block.Add((key, value, lineNo, valueCol));
        }

        manifest.Metadata = metadata;
        manifest.NonManoArtifactSets = sets.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal);
        CheckMetadata(manifest, metadataLine);

        var entries = new List<ManifestEntry>();
        foreach (var b in blocks)
            entries.Add(VerifyBlock(path, b, "Source", requireHash: true));
        manifest.Entries = entries;

        foreach (var dup in entries.Where(e => e.Path is not null).GroupBy(e => e.Path!, StringComparer.Ordinal).Where(g => g.Count() > 1))
            foreach (var e in dup.Skip(1))
                _diags.Warning(DiagnosticCodes.ManifestDuplicateSource, path, e.Line, 1, $"'{dup.Key}' is listed again (first at line {dup.First().Line}).");

        var listedPaths = entries.Select(e => e.Path).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var (set, source, line) in setLines)
        {
            if (IsUri(source)) continue;
            var p = PackagePath.Resolve("", Unescape(source));
            if (p is null)
                _diags.Error(DiagnosticCodes.ManifestSourceOutsidePackage, path, line, 1, $"Non-MANO artifact set '{set}': '{source}' is not a path inside the package.");
            else if (!_files.ContainsKey(p) && !_files.ContainsKey(source))
                _diags.Error(DiagnosticCodes.ListedFileMissing, path, line, 1, $"Non-MANO artifact set '{set}': file '{source}' is not in the package.");
            else if (!listedPaths.Contains(p))
                _diags.Warning(DiagnosticCodes.ManifestUnlistedFile, path, line, 1, $"Non-MANO artifact '{source}' (set '{set}') has no Source/Algorithm/Hash entry in the manifest.");
        }
        return manifest;
    }

    /// <summary>1-based column of the value of a "Key: value" line.</summary>
    internal static int ValueColumn(string raw)
    {
        var colon = raw.IndexOf(':');
        var after = raw[(colon + 1)..];
        return colon + 2 + (after.Length - after.TrimStart().Length);
    }

    /// <summary>The manifest bytes before the line holding "-----BEGIN CMS-----".</summary>
    private static byte[] SignedPrefix(byte[] bytes)
    {
        var marker = "-----BEGIN CMS-----"u8;
        var span = bytes.AsSpan();
        var from = 0;
        while (true)
        {
            var i = span[from..].IndexOf(marker);
            if (i < 0) return bytes;
            var at = from + i;
            var lineStart = at;
            while (lineStart > 0 && span[lineStart - 1] is (byte)' ' or (byte)'\t') lineStart--;
            if (lineStart == 0 || span[lineStart - 1] == (byte)'\n') return span[..lineStart].ToArray();
            from = at + marker.Length;
        }
    }

    private void CheckMetadata(CsarManifest manifest, int metadataLine)
    {
        var path = manifest.Path;
        if (metadataLine == 0)
        {
            _diags.Warning(DiagnosticCodes.ManifestMetadata, path, 0, 0,
                "The manifest has no 'metadata:' section (SOL004 clause 4.3.2 requires vnf_provider_id, vnf_product_name, vnf_release_date_time, vnf_package_version, or the NSD/PNFD equivalents).");
            return;
        }
        var md = manifest.Metadata;
        string[]? required = null;
        if (md.Keys.Any(k => k.StartsWith("vnf_", StringComparison.Ordinal))) { manifest.Kind = "vnf"; required = VnfKeys; }
        else if (md.Keys.Any(k => k.StartsWith("nsd_", StringComparison.Ordinal))) { manifest.Kind = "nsd"; required = NsdKeys; }
        else if (md.Keys.Any(k => k.StartsWith("pnfd_", StringComparison.Ordinal))) { manifest.Kind = "pnfd"; required = PnfdKeys; }
        else if (md.Keys.Any(k => k.StartsWith("vnfd_", StringComparison.Ordinal))) manifest.Kind = "vnf"; // older Tacker-style keys (vnfd_id, ...)
        else
            _diags.Warning(DiagnosticCodes.ManifestMetadata, path, metadataLine, 1,
                "The metadata section has none of the SOL004 VNF (vnf_*), NSD (nsd_*) or PNFD (pnfd_*) keys.");
        if (required is not null)
        {
            var missing = required.Where(k => !md.ContainsKey(k)).ToList();
            if (missing.Count > 0)
                _diags.Warning(DiagnosticCodes.ManifestMetadata, path, metadataLine, 1,
                    $"The metadata section lacks {string.Join(", ", missing.Select(m => "'" + m + "'"))} (SOL004 clause 4.3.2).");
        }
        foreach (var (k, v) in md)
        {
            if (k.EndsWith("_release_date_time", StringComparison.Ordinal) && v.Length > 0 &&
                !DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out _))
                _diags.Warning(DiagnosticCodes.ManifestMetadata, path, metadataLine, 1, $"Metadata '{k}: {v}' is not an IETF RFC 3339 date-time.");
            if (k == "compatible_specification_versions" && v.Length > 0 &&
                v.Split(',').Any(s => !System.Text.RegularExpressions.Regex.IsMatch(s.Trim(), @"^\d+\.\d+\.\d+$")))
                _diags.Warning(DiagnosticCodes.ManifestMetadata, path, metadataLine, 1, $"Metadata 'compatible_specification_versions: {v}' is not a comma-separated list of versions such as 2.6.1.");
        }
    }

    // ------------------------------------------------------------------ blocks

    /// <summary>
    /// Verifies one per-file block. <paramref name="sourceKey"/> is "Source" (manifest) or "Name" (TOSCA.meta).
    /// With <paramref name="requireHash"/> false (TOSCA.meta), a block without Algorithm and Hash is a presence check only.
    /// </summary>
    public ManifestEntry VerifyBlock(string file, List<(string Key, string Value, int Line, int ValueCol)> block, string sourceKey, bool requireHash)
    {
        var keys = new Dictionary<string, (string Value, int Line, int Col)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v, line, col) in block)
            if (!keys.TryAdd(k, (v, line, col)))
                _diags.Error(DiagnosticCodes.ManifestSyntax, file, line, 1, $"Duplicate key '{k}' in the block starting at line {block[0].Line}.");

        keys.TryGetValue(sourceKey, out var src);
        var entry = new ManifestEntry(file, block[0].Line, src.Value ?? "")
        {
            Keys = keys.ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.Ordinal),
        };
        var blockLine = block[0].Line;

        var allowed = sourceKey == "Source"
            ? new[] { "Source", "Algorithm", "Hash", "Signature", "Certificate" }
            : ["Name", "Content-Type", "Algorithm", "Hash", "Signature", "Certificate"];
        foreach (var (k, v, line, _) in block)
            if (!allowed.Contains(k, StringComparer.OrdinalIgnoreCase))
                _diags.Warning(DiagnosticCodes.ManifestUnknownKey, file, line, 1, $"Unknown key '{k}' in the block starting at line {blockLine}; ignored.");

        var hashed = requireHash || keys.ContainsKey("Algorithm") || keys.ContainsKey("Hash");
        var required = hashed ? new[] { sourceKey, "Algorithm", "Hash" } : [sourceKey];
        var missingKeys = required.Where(k => !keys.ContainsKey(k)).ToList();
        if (missingKeys.Count > 0)
            _diags.Error(DiagnosticCodes.ManifestMissingKey, file, blockLine, 1,
                $"The block starting at line {blockLine}{(src.Value is { Length: > 0 } s ? $" ('{s}')" : "")} has no {string.Join(", ", missingKeys.Select(m => "'" + m + ":'"))} key{(missingKeys.Count > 1 ? "s" : "")}.");
        var faulty = missingKeys.Count > 0;
        foreach (var k in required)
            if (keys.TryGetValue(k, out var kv) && kv.Value.Length == 0)
            {
                _diags.Error(DiagnosticCodes.ManifestMissingValue, file, kv.Line, 1, $"'{k}:' has no value (block starting at line {blockLine}).");
                faulty = true;
            }

        // Source: a path inside the package, or a URI of an external artifact.
        string? path = null;
        var external = false;
        if (src.Value is { Length: > 0 } source)
        {
            if (IsUri(source))
            {
                if (source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
                {
                    _diags.Error(DiagnosticCodes.ManifestSourceOutsidePackage, file, src.Line, src.Col, $"'{source}' is a file: URI: only paths inside the package or external http(s) artifacts are allowed.");
                    faulty = true;
                }
                else
                {
                    external = true;
                    _diags.Info(DiagnosticCodes.ManifestExternalArtifact, file, src.Line, src.Col, $"'{source}' is an external artifact: it is not fetched, so its hash is not verified.");
                }
            }
            else
            {
                path = _files.ContainsKey(source) ? source : PackagePath.Resolve("", Unescape(source));
                if (path is null)
                {
                    _diags.Error(DiagnosticCodes.ManifestSourceOutsidePackage, file, src.Line, 1, $"{sourceKey} '{source}' is not a path inside the package.");
                    faulty = true;
                }
                else if (!_files.ContainsKey(path))
                {
                    var isDir = Directories.Contains(path);
                    _diags.Error(isDir ? DiagnosticCodes.ManifestSourceOutsidePackage : DiagnosticCodes.ListedFileMissing, file, src.Line, 1,
                        isDir ? $"{sourceKey} '{source}' is a directory, not a file." : $"File '{source}' listed in {file} is not in the package.");
                    entry.Status = ManifestEntryStatus.FileMissing;
                }
            }
        }
        entry.Path = path;

        // Algorithm and hash.
        HashAlgorithmName? alg = null;
        if (keys.TryGetValue("Algorithm", out var a) && a.Value.Length > 0)
        {
            alg = CanonicalAlgorithm(a.Value, out var canonical, out var why);
            entry.Algorithm = canonical ?? a.Value;
            if (alg is null)
            {
                _diags.Error(DiagnosticCodes.HashAlgorithm, file, a.Line, a.Col, $"Algorithm '{a.Value}' of '{src.Value}' {why}; SOL004 allows SHA-256, SHA-384 and SHA-512.");
                faulty = true;
            }
        }
        if (keys.TryGetValue("Hash", out var h) && h.Value.Length > 0)
        {
            entry.Hash = h.Value.ToLowerInvariant();
            var expectedLen = alg is { } al ? HexLength(al) : 0;
            if (!entry.Hash.All(Uri.IsHexDigit))
            {
                _diags.Error(DiagnosticCodes.HashMalformed, file, h.Line, h.Col, $"Hash of '{src.Value}' is not hexadecimal.");
                faulty = true;
            }
            else if (expectedLen > 0 && entry.Hash.Length != expectedLen)
            {
                _diags.Error(DiagnosticCodes.HashMalformed, file, h.Line, h.Col,
                    $"Hash of '{src.Value}' has {entry.Hash.Length} hex digits; a {entry.Algorithm} hash has {expectedLen}.");
                faulty = true;
            }
        }

        // Artifact signature keys (SOL004 clause 5.3).
        if (keys.TryGetValue("Signature", out var sig) && sig.Value.Length > 0) entry.SignaturePath = ResolveListed(file, sig, "Signature");
        if (keys.TryGetValue("Certificate", out var cert) && cert.Value.Length > 0) entry.CertificatePath = ResolveListed(file, cert, "Certificate");

        if (external) { entry.Status = ManifestEntryStatus.External; return entry; }
        if (entry.Status == ManifestEntryStatus.FileMissing) return entry;
        if (faulty || path is null) { entry.Status = ManifestEntryStatus.Invalid; return entry; }
        if (!hashed) { entry.Status = ManifestEntryStatus.NotHashed; return entry; }

        entry.ComputedHash = Compute(path, alg!.Value, entry.Algorithm!);
        if (string.Equals(entry.ComputedHash, entry.Hash, StringComparison.Ordinal))
            entry.Status = ManifestEntryStatus.Verified;
        else
        {
            entry.Status = ManifestEntryStatus.HashMismatch;
            var message = $"The {entry.Algorithm} hash of '{path}' is {entry.ComputedHash}, not the declared {entry.Hash}.";
            // SOL004 puts file digests in the manifest (.mf): a mismatch there breaks the package's integrity. Per-file
            // Hash entries in TOSCA.meta are a Tacker convention outside SOL004 (Tacker's own free5gc sample carries
            // stale ones), so there the mismatch is reported but does not reject the package.
            if (file.EndsWith("TOSCA.meta", StringComparison.OrdinalIgnoreCase))
                _diags.Warning(DiagnosticCodes.HashMismatch, file, h.Line, h.Col, message + " (TOSCA.meta hashes are not SOL004; the manifest's are)");
            else
                _diags.Error(DiagnosticCodes.HashMismatch, file, h.Line, h.Col, message);
        }
        return entry;
    }

    private string? ResolveListed(string file, (string Value, int Line, int Col) v, string key)
    {
        var p = IsUri(v.Value) ? null : PackagePath.Resolve("", Unescape(v.Value));
        if (p is null)
            _diags.Error(DiagnosticCodes.ManifestSourceOutsidePackage, file, v.Line, v.Col, $"{key} '{v.Value}' is not a path inside the package.");
        else if (!_files.ContainsKey(p))
            _diags.Error(DiagnosticCodes.ListedFileMissing, file, v.Line, v.Col, $"{key} file '{v.Value}' is not in the package.");
        else return p;
        return null;
    }

    public string Compute(string path, HashAlgorithmName alg, string canonical)
    {
        if (_computed.TryGetValue((path, canonical), out var done)) return done;
        var bytes = _files[path];
        var hash = alg.Name switch
        {
            "SHA384" => SHA384.HashData(bytes),
            "SHA512" => SHA512.HashData(bytes),
            _ => SHA256.HashData(bytes),
        };
        return _computed[(path, canonical)] = Convert.ToHexStringLower(hash);
    }

    internal static HashAlgorithmName? CanonicalAlgorithm(string value, out string? canonical, out string why)
    {
        var v = value.Trim().ToUpperInvariant().Replace("_", "-", StringComparison.Ordinal);
        if (!v.Contains('-') && v.StartsWith("SHA", StringComparison.Ordinal) && v.Length > 3) v = "SHA-" + v[3..];
        (canonical, why) = (null, "is unknown");
        switch (v)
        {
            case "SHA-256": canonical = v; return HashAlgorithmName.SHA256;
            case "SHA-384": canonical = v; return HashAlgorithmName.SHA384;
            case "SHA-512": canonical = v; return HashAlgorithmName.SHA512;
            case "SHA-1" or "MD5" or "SHA-224" or "MD-5":
                why = "is not allowed (too weak or not in SOL004)";
                return null;
            default: return null;
        }
    }

    private static int HexLength(HashAlgorithmName alg) => alg.Name switch { "SHA384" => 96, "SHA512" => 128, _ => 64 };

    internal static bool IsUri(string s)
    {
        var colon = s.IndexOf(':');
        if (colon <= 1) return false; // "C:" drive letters and relative paths
        var scheme = s[..colon];
        return char.IsAsciiLetter(scheme[0]) && scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.')
               && (s.Length > colon + 1 && s[colon + 1] == '/' || scheme.Equals("file", StringComparison.OrdinalIgnoreCase));
    }

    private static string Unescape(string s)
    {
        try { return s.Contains('%') ? Uri.UnescapeDataString(s) : s; }
        catch (UriFormatException) { return s; }
    }
}
