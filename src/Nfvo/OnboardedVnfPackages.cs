using System.IO.Compression;
using System.Text.Json;
using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.Tosca;
using Microsoft.EntityFrameworkCore;

namespace Mano.Nfvo;

/// <summary>
/// The NFVO side of SOL003 10.4.3a / 10.4.4a ("Individual onboarded VNF package" and its VNFD), for Mano's VNFM.
/// A package that is DISABLED is still returned (with its operationalState): the VNFM decides what that means.
/// </summary>
public sealed class OnboardedVnfPackageQuery(NfvoDbContext db)
{
    public async Task<OnboardedVnfPackageResult> FindAsync(string vnfdId, CancellationToken ct)
    {
        var package = await db.VnfPackages.AsNoTracking()
            .SingleOrDefaultAsync(p => p.VnfdId == vnfdId && p.OnboardingState == PackageOnboardingState.Onboarded, ct);
        if (package is null)
            return new OnboardedVnfPackageResult(null, new ProblemDetails
            {
                Status = 404,
                Title = "Not Found",
                Detail = $"No onboarded VNF package has vnfdId {vnfdId}.",
            });
        var files = await db.VnfPackageVnfdFiles.AsNoTracking()
            .Where(f => f.VnfPkgId == package.Id)
            .ToDictionaryAsync(f => f.Path, f => f.Content, StringComparer.Ordinal, ct);
        Dictionary<string, byte[]>? manifests;
        try
        {
            manifests = await KubernetesManifestsAsync(package, files, ct);
        }
        catch (InvalidDataException e)
        {
            return new OnboardedVnfPackageResult(null, new ProblemDetails
            {
                Status = 422, Title = "Unprocessable Content",
                Detail = $"The Kubernetes manifests of VNF package {package.Id} cannot be read: {e.Message}",
            });
        }
        Dictionary<string, byte[]>? heatTemplates;
        try
        {
            heatTemplates = await HeatTemplatesAsync(package, ct);
        }
        catch (InvalidDataException e)
        {
            return new OnboardedVnfPackageResult(null, new ProblemDetails
            {
                Status = 422, Title = "Unprocessable Content",
                Detail = $"The Heat templates (BaseHOT/) of VNF package {package.Id} cannot be read: {e.Message}",
            });
        }
        return new OnboardedVnfPackageResult(new OnboardedVnfPackage(
            package.Id,
            vnfdId,
            package.VnfProvider ?? "",
            package.VnfProductName ?? "",
            package.VnfSoftwareVersion ?? "",
            package.VnfdVersion ?? "",
            package.OperationalState,
            package.EntryDefinitions ?? "",
            files,
            manifests,
            heatTemplates), null);
    }

    /// <summary>
    /// Tacker's BaseHOT/&lt;flavourId&gt;/** Heat templates (ADR-0015), read out of the stored CSAR; null when the package
    /// has none, so the CSAR is only loaded for packages that have some.
    /// </summary>
    private async Task<Dictionary<string, byte[]>?> HeatTemplatesAsync(VnfPackage package, CancellationToken ct)
    {
        var artifacts = package.AdditionalArtifacts is null ? []
            : JsonSerializer.Deserialize<List<VnfPackageArtifactInfo>>(package.AdditionalArtifacts, SolJson.Options) ?? [];
        var wanted = artifacts.Select(a => a.ArtifactPath).OfType<string>()
            .Where(p => p.StartsWith("BaseHOT/", StringComparison.Ordinal)
                        && (p.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)))
            .ToHashSet(StringComparer.Ordinal);
        if (wanted.Count == 0) return null;
        return await ReadCsarFilesAsync(package, wanted, ct);
    }

    /// <summary>The files <paramref name="wanted"/> (normalised artifact paths) of the stored CSAR, each bounded by <see cref="MaxManifestBytes"/>.</summary>
    private async Task<Dictionary<string, byte[]>> ReadCsarFilesAsync(VnfPackage package, IReadOnlySet<string> wanted, CancellationToken ct)
    {
        var content = await db.VnfPackageContents.AsNoTracking().Where(c => c.VnfPkgId == package.Id).Select(c => c.Content).SingleOrDefaultAsync(ct)
                      ?? throw new InvalidDataException("the package content is no longer stored");
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var archive = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
        foreach (var e in archive.Entries)
        {
            // The same normalised, exact-path match as the artifact API: nothing outside the listed artifacts is read.
            if (PackageArtifacts.Normalise(e.FullName) is not { } path || !wanted.Contains(path) || result.ContainsKey(path)) continue;
            if (e.Length > MaxManifestBytes) throw new InvalidDataException($"\"{path}\" is larger than {MaxManifestBytes >> 20} MiB");
            await using var stream = await e.OpenAsync(ct);
            using var buffer = new MemoryStream((int)e.Length);
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, ct)) > 0)
            {
                // Bounded whatever the entry's header claims.
                if (buffer.Length + read > MaxManifestBytes) throw new InvalidDataException($"\"{path}\" is larger than {MaxManifestBytes >> 20} MiB");
                buffer.Write(chunk, 0, read);
            }
            result[path] = buffer.ToArray();
        }
        var missing = wanted.Where(p => !result.ContainsKey(p)).ToList();
        if (missing.Count > 0) throw new InvalidDataException($"not in the stored CSAR: {string.Join(", ", missing)}");
        return result;
    }

    /// <summary>Largest manifest file handed to a VNFM (a YAML of 8 MiB is far beyond any real workload's).</summary>
    public const int MaxManifestBytes = 8 << 20;

    /// <summary>
    /// The package's Kubernetes manifests (<see cref="KubernetesArtifacts.Find"/>: Files/kubernetes/** and files named by a
    /// Kubernetes deployment artifact of the VNFD), read out of the stored CSAR; null when it has none, so the CSAR of a
    /// VM-based package (images included) is never loaded here. Helm charts are not sent: the VNFM deploys manifests only.
    /// </summary>
    private async Task<Dictionary<string, byte[]>?> KubernetesManifestsAsync(VnfPackage package, Dictionary<string, byte[]> vnfdFiles, CancellationToken ct)
    {
        var artifacts = package.AdditionalArtifacts is null ? []
            : JsonSerializer.Deserialize<List<VnfPackageArtifactInfo>>(package.AdditionalArtifacts, SolJson.Options) ?? [];
        var paths = artifacts.Select(a => a.ArtifactPath).OfType<string>().ToList();
        static bool ManifestLike(string p) => p.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
            || p.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        if (!paths.Any(ManifestLike)) return null;
        // Only a manifest outside Files/kubernetes/ needs the VNFD to tell whether an artifact names it.
        Vnfd? vnfd = null;
        if (paths.Any(p => ManifestLike(p) && !p.StartsWith("Files/kubernetes/", StringComparison.Ordinal)) && package.EntryDefinitions is { } entry)
        {
            var parsed = VnfdParser.Parse(vnfdFiles, entry);
            vnfd = parsed.HasErrors ? null : parsed.Vnfd;
        }
        var wanted = KubernetesArtifacts.Find(paths, _ => null, vnfd)
            .Where(a => a.Kind == KubernetesArtifactKind.Manifest).Select(a => a.Path).ToHashSet(StringComparer.Ordinal);
        if (wanted.Count == 0) return null;

        return await ReadCsarFilesAsync(package, wanted, ct);
    }
}

/// <summary>Answers <see cref="GetOnboardedVnfPackage"/> with <see cref="OnboardedVnfPackageResult"/>.</summary>
public sealed class GetOnboardedVnfPackageConsumer(TenantContext tenant, OnboardedVnfPackageQuery query) : IConsumer<GetOnboardedVnfPackage>
{
    public async Task Consume(ConsumeContext<GetOnboardedVnfPackage> context)
    {
        tenant.Set(context.Message.TenantId);
        await context.RespondAsync(await query.FindAsync(context.Message.VnfdId, context.CancellationToken));
    }
}
