using System.IO.Compression;
using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Microsoft.EntityFrameworkCore;

namespace Mano.Nfvo;

/// <summary>
/// Answers <see cref="GetVnfPackageArtifactChunk"/>: a byte range of one file of an onboarded VNF package of the tenant,
/// read out of the stored CSAR (the same storage and the same path rule as the SOL005 9.4.7 artifact API: only the
/// paths the package lists as softwareImages' imagePath or additionalArtifacts' artifactPath, matched by exact string,
/// so nothing else of the archive, and nothing outside it, can be named). The VNFM uses it to stream software images
/// into a VIM without holding them in memory.
/// </summary>
public sealed class GetVnfPackageArtifactChunkConsumer(TenantContext tenant, NfvoDbContext db) : IConsumer<GetVnfPackageArtifactChunk>
{
    /// <summary>Largest chunk answered: a bus message stays a few MiB (the VNFM asks for 4 MiB).</summary>
    public const int MaxChunkBytes = 8 << 20;

    public async Task Consume(ConsumeContext<GetVnfPackageArtifactChunk> context)
    {
        tenant.Set(context.Message.TenantId);
        await context.RespondAsync(await ReadAsync(context.Message, context.CancellationToken));
    }

    public async Task<VnfPackageArtifactChunk> ReadAsync(GetVnfPackageArtifactChunk m, CancellationToken ct)
    {
        if (m.Offset < 0 || m.Count < 0 || m.Count > MaxChunkBytes)
            return Problem(422, $"A chunk is 0 to {MaxChunkBytes} bytes from a non-negative offset (asked: {m.Count} bytes at {m.Offset}).");
        // The DbContext's tenant filter keeps other tenants' packages out.
        var package = await db.VnfPackages.AsNoTracking()
            .SingleOrDefaultAsync(p => p.VnfdId == m.VnfdId && p.OnboardingState == PackageOnboardingState.Onboarded, ct);
        if (package is null) return Problem(404, $"No onboarded VNF package has vnfdId {m.VnfdId}.");

        var images = package.SoftwareImages is null ? [] : SolJson.Deserialize<List<VnfPackageSoftwareImageInfo>>(package.SoftwareImages);
        var artifacts = package.AdditionalArtifacts is null ? [] : SolJson.Deserialize<List<VnfPackageArtifactInfo>>(package.AdditionalArtifacts);
        if (!images.Any(i => i.ImagePath == m.ArtifactPath) && !artifacts.Any(a => a.ArtifactPath == m.ArtifactPath))
            return Problem(404, $"VNF package {package.Id} has no artifact \"{m.ArtifactPath}\".");

        var content = await db.VnfPackageContents.AsNoTracking().Where(c => c.VnfPkgId == package.Id).Select(c => c.Content).SingleOrDefaultAsync(ct);
        if (content is null) return Problem(404, $"VNF package {package.Id} has no stored content.");
        using var archive = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
        var entry = archive.Entries.FirstOrDefault(e => PackageArtifacts.Normalise(e.FullName) == m.ArtifactPath);
        if (entry is null) return Problem(404, $"Artifact \"{m.ArtifactPath}\" is not in the content of VNF package {package.Id}.");

        var total = entry.Length;
        if (m.Offset >= total || m.Count == 0) return new VnfPackageArtifactChunk([], total, null);
        await using var stream = await entry.OpenAsync(ct);
        if (stream.CanSeek)
        {
            stream.Seek(m.Offset, SeekOrigin.Begin);
        }
        else
        {
            // A deflated entry cannot seek: inflate and drop what precedes the offset.
            var skip = new byte[81920];
            var left = m.Offset;
            while (left > 0)
            {
                var n = await stream.ReadAsync(skip.AsMemory(0, (int)Math.Min(skip.Length, left)), ct);
                if (n == 0) break;
                left -= n;
            }
        }
        var data = new byte[(int)Math.Min(m.Count, total - m.Offset)];
        var read = 0;
        while (read < data.Length)
        {
            var n = await stream.ReadAsync(data.AsMemory(read), ct);
            if (n == 0) break;
            read += n;
        }
        if (read < data.Length) Array.Resize(ref data, read);
        return new VnfPackageArtifactChunk(data, total, null);
    }

    private static VnfPackageArtifactChunk Problem(int status, string detail) =>
        new([], 0, new ProblemDetails { Status = status, Title = status == 404 ? "Not Found" : "Unprocessable Content", Detail = detail });
}
