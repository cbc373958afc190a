using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mano.Contracts;
using Mano.Tosca;
using Microsoft.AspNetCore.StaticFiles;

namespace Mano.Nfvo;

/// <summary>
/// What SOL005 VnfPkgInfo says about an onboarded package's files (9.5.2.5): softwareImages from the VNFD's SwImage
/// data, additionalArtifacts for every other file that is not the VNFD, TOSCA.meta, the manifest or security material,
/// with checksums (declared by the manifest / TOSCA.meta when they are, computed otherwise), the security option, the
/// signing certificate and the SOL004 versions the manifest declares. Computed once, at onboarding.
/// </summary>
public sealed class PackageArtifacts
{
    public required IReadOnlyList<VnfPackageSoftwareImageInfo> SoftwareImages { get; init; }
    public required IReadOnlyList<VnfPackageArtifactInfo> AdditionalArtifacts { get; init; }
    public string? PackageSecurityOption { get; init; }
    public string? SigningCertificate { get; init; }
    public IReadOnlyList<string>? CompatibleSpecificationVersions { get; init; }
    public string? ManifestPath { get; init; }
    public string? CertificatePath { get; init; }
    /// <summary>Artifact path -> the package paths of its signature and certificate files (SOL004 clause 5.3).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> SecurityFiles { get; init; }

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static PackageArtifacts From(CsarPackage csar, Vnfd vnfd, DateTime onboardedAt)
    {
        var files = csar.FilePaths.ToHashSet(StringComparer.Ordinal);
        var manifest = csar.Manifest;
        var manifestPath = manifest?.Path;
        var certificatePath = CertificatePathOf(csar, files);

        // Declared hashes (manifest first, then TOSCA.meta blocks) of files whose bytes verified.
        var declared = new Dictionary<string, Checksum>(StringComparer.Ordinal);
        var contentTypes = new Dictionary<string, string>(StringComparer.Ordinal);
        var security = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var securityMaterial = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in (manifest?.Entries ?? []).Concat(csar.ToscaMetaEntries))
        {
            if (e.Path is { } path)
            {
                if (e.Status == ManifestEntryStatus.Verified && e.Algorithm is { } alg && e.Hash is { } hash)
                    declared.TryAdd(path, new Checksum(alg, hash));
                if (e.Keys.FirstOrDefault(k => k.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } ct)
                    contentTypes.TryAdd(path, ct);
                var sec = new[] { e.SignaturePath, e.CertificatePath }.OfType<string>().ToList();
                if (sec.Count > 0)
                {
                    security.TryAdd(path, sec);
                    securityMaterial.UnionWith(sec);
                }
            }
        }

        // Software images: one per VDU / virtual storage with sw_image_data whose image is a package file or a URI.
        var images = new List<VnfPackageSoftwareImageInfo>();
        var imagePaths = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var flavour in vnfd.Flavours)
        {
            var withImages = flavour.Vdus.Select(v => (v.Id, v.SwImage))
                .Concat(flavour.VirtualStorages.Select(s => (s.Id, s.SwImage)));
            foreach (var (id, image) in withImages)
            {
                if (image?.ArtifactFile is not { } file || !seen.Add(id)) continue;
                var external = file.Contains("://", StringComparison.Ordinal);
                if (!external && !files.Contains(file)) continue;
                if (!external) imagePaths.Add(file);
                var checksum = image.ChecksumAlgorithm is { } a && image.ChecksumHash is { } h
                    ? new Checksum(CanonicalAlgorithm(a), h.ToLowerInvariant())
                    : declared.GetValueOrDefault(file) ?? (external ? new Checksum("SHA-256", "") : Sha256(csar.ReadFile(file)));
                images.Add(new VnfPackageSoftwareImageInfo
                {
                    Id = id,
                    Name = image.Name,
                    Provider = vnfd.Provider,
                    Version = image.Version,
                    Checksum = checksum,
                    IsEncrypted = false,
                    ContainerFormat = (image.ContainerFormat ?? "bare").ToUpperInvariant(),
                    DiskFormat = (image.DiskFormat ?? "raw").ToUpperInvariant(),
                    CreatedAt = onboardedAt,
                    MinDisk = image.MinDiskBytes ?? 0,
                    MinRam = image.MinRamBytes ?? 0,
                    Size = image.SizeBytes ?? (external ? 0 : csar.ReadFile(file).LongLength),
                    ImagePath = external ? null : file,
                    ImageUri = external ? file : null,
                });
            }
        }

        // Everything else of the package is an additional artifact, except what makes up the package itself.
        var notArtifacts = new HashSet<string>(csar.VnfdFilePaths, StringComparer.Ordinal) { VnfPackageOnboarder.MetaPath };
        if (manifestPath is not null) notArtifacts.Add(manifestPath);
        if (certificatePath is not null) notArtifacts.Add(certificatePath);
        notArtifacts.UnionWith(securityMaterial);
        notArtifacts.UnionWith(imagePaths);

        var classified = Classifications(csar);
        var nonMano = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (set, sources) in manifest?.NonManoArtifactSets ?? new Dictionary<string, IReadOnlyList<string>>())
            foreach (var source in sources)
                if (Normalise(source) is { } p) nonMano.TryAdd(p, set);

        var artifacts = new List<VnfPackageArtifactInfo>();
        foreach (var path in csar.FilePaths)
        {
            if (notArtifacts.Contains(path)) continue;
            var bytes = csar.ReadFile(path);
            var metadata = new JsonObject { ["size"] = bytes.LongLength, ["contentType"] = ContentTypeOf(path, contentTypes) };
            artifacts.Add(new VnfPackageArtifactInfo
            {
                ArtifactPath = path,
                Checksum = declared.GetValueOrDefault(path) ?? Sha256(bytes),
                IsEncrypted = false,
                NonManoArtifactSetId = nonMano.GetValueOrDefault(path),
                ArtifactClassification = classified.FirstOrDefault(c => path == c.Path || path.StartsWith(c.Path + "/", StringComparison.Ordinal)).Class,
                Metadata = metadata,
            });
        }
        // External artifacts listed by the manifest: never fetched, so no artifactPath (SOL005 9.5.3.3).
        foreach (var e in manifest?.Entries ?? [])
            if (e.Status == ManifestEntryStatus.External && e.Algorithm is { } alg && e.Hash is { } hash
                && !images.Any(i => i.ImageUri == e.Source))
                artifacts.Add(new VnfPackageArtifactInfo { ArtifactUri = e.Source, Checksum = new Checksum(alg, hash), IsEncrypted = false });

        string? certificate = null;
        if (certificatePath is not null)
        {
            try { certificate = new UTF8Encoding(false, true).GetString(csar.ReadFile(certificatePath)); }
            catch (DecoderFallbackException) { certificate = Convert.ToBase64String(csar.ReadFile(certificatePath)); } // a DER file
        }

        return new PackageArtifacts
        {
            SoftwareImages = images,
            AdditionalArtifacts = artifacts,
            // SOL004 5.1: option 1 is the signed manifest (per-artifact hashes); option 2 (a signed CSAR envelope) is not read yet.
            PackageSecurityOption = manifest?.IsSigned == true && csar.Security.Status == PackageSecurityStatus.Verified ? Contracts.PackageSecurityOption.Option1 : null,
            SigningCertificate = certificate,
            CompatibleSpecificationVersions = manifest?.Metadata.GetValueOrDefault("compatible_specification_versions") is { } versions
                ? versions.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null,
            ManifestPath = manifestPath,
            CertificatePath = certificatePath,
            SecurityFiles = security,
        };
    }

    public void ApplyTo(VnfPackage p)
    {
        p.SoftwareImages = JsonSerializer.Serialize(SoftwareImages, SolJson.Options);
        p.AdditionalArtifacts = JsonSerializer.Serialize(AdditionalArtifacts, SolJson.Options);
        p.PackageSecurityOption = PackageSecurityOption;
        p.SigningCertificate = SigningCertificate;
        p.CompatibleSpecificationVersions = CompatibleSpecificationVersions is null ? null : JsonSerializer.Serialize(CompatibleSpecificationVersions, SolJson.Options);
        p.ManifestPath = ManifestPath;
        p.CertificatePath = CertificatePath;
        p.ArtifactSecurityFiles = JsonSerializer.Serialize(SecurityFiles, SolJson.Options);
    }

    /// <summary>The Content-Type of an artifact: declared in TOSCA.meta / the manifest, else by extension, else application/octet-stream (SOL005 9.4.7.3.2).</summary>
    public static string ContentTypeOf(string path, IReadOnlyDictionary<string, string>? declared = null)
    {
        if (declared?.GetValueOrDefault(path) is { } ct) return ct;
        if (path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)) return "application/yaml";
        if (path.EndsWith(".sh", StringComparison.OrdinalIgnoreCase)) return "application/x-sh";
        if (path.EndsWith(".mf", StringComparison.OrdinalIgnoreCase)) return "text/plain";
        return ContentTypes.TryGetContentType(path, out var type) ? type : "application/octet-stream";
    }

    private static string? CertificatePathOf(CsarPackage csar, HashSet<string> files)
    {
        if (csar.Metadata.GetValueOrDefault("ETSI-Entry-Certificate") is { Length: > 0 } c && Normalise(c) is { } path && files.Contains(path)) return path;
        if (csar.EntryDefinitions.Length > 0 && !csar.EntryDefinitions.Contains('/'))
        {
            var stem = csar.EntryDefinitions[..csar.EntryDefinitions.LastIndexOf('.')];
            if (files.Contains(stem + ".cert")) return stem + ".cert";
        }
        return null;
    }

    /// <summary>SOL004 4.3.3-4.3.5: the change log (HISTORY), the test directory (TESTING) and the licences (LICENSE).</summary>
    private static List<(string Path, string? Class)> Classifications(CsarPackage csar)
    {
        var result = new List<(string, string?)>();
        foreach (var (key, cls) in new[] { ("ETSI-Entry-Change-Log", "HISTORY"), ("ETSI-Entry-Tests", "TESTING"), ("ETSI-Entry-Licenses", "LICENSE") })
            if (csar.Metadata.GetValueOrDefault(key) is { Length: > 0 } v && Normalise(v) is { } p)
                result.Add((p, cls));
        return result;
    }

    /// <summary>A package-relative '/' path without "." segments; null when it is absolute, a URI or escapes the package.</summary>
    public static string? Normalise(string path)
    {
        if (path.Length == 0 || path.StartsWith('/') || path.Contains('\\') || path.Contains('\0') || path.Contains("://", StringComparison.Ordinal)) return null;
        var parts = new List<string>();
        foreach (var seg in path.Split('/'))
        {
            if (seg is "" or ".") continue;
            if (seg == "..") return null;
            parts.Add(seg);
        }
        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    private static string CanonicalAlgorithm(string a) => a.Trim().ToUpperInvariant() switch
    {
        "SHA-256" or "SHA256" => "SHA-256",
        "SHA-384" or "SHA384" => "SHA-384",
        "SHA-512" or "SHA512" => "SHA-512",
        var other => other,
    };

    private static Checksum Sha256(byte[] bytes) => new("SHA-256", Convert.ToHexStringLower(SHA256.HashData(bytes)));
}
