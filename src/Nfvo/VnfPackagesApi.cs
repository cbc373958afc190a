using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Mano.Nfvo;

// ETSI GS NFV-SOL 005 v3.7.1 clause 9 "VNF Package Management interface", /vnfpkgm/v2 (API 2.4.0):
//   POST   /vnf_packages                              9.4.2.3.1  create an individual VNF package resource
//   GET    /vnf_packages                              9.4.2.3.2  list (SOL013 filter, selectors, paging)
//   GET    /vnf_packages/{vnfPkgId}                   9.4.3.3.2  read
//   PATCH  /vnf_packages/{vnfPkgId}                   9.4.3.3.4  enable/disable, userDefinedData (merge patch; no ETag yet)
//   DELETE /vnf_packages/{vnfPkgId}                   9.4.3.3.5  delete (409 while ENABLED or IN_USE)
//   GET    /vnf_packages/{vnfPkgId}/vnfd              9.4.4.3.2  the VNFD: text/plain (single file) or application/zip
//   GET    /vnf_packages/{vnfPkgId}/package_content   9.4.5.3.2  the CSAR (no Range support yet)
//   PUT    /vnf_packages/{vnfPkgId}/package_content   9.4.5.3.3  upload the CSAR (ZIP); onboarding is asynchronous (202)
// Not yet: upload_from_uri, artifacts, manifest, ext_artifacts_access, subscriptions and notifications.

public static class VnfPackagesApi
{
    public const string MergePatchJson = "application/merge-patch+json";

    public static IEndpointRouteBuilder MapVnfPackagesApiV2(this IEndpointRouteBuilder app)
    {
        var group = app.MapSolApi("vnfpkgm", "v2", VnfPkgmApi.Version).WithTags("SOL005 VNF package management");
        group.MapPost("/vnf_packages", CreateAsync);
        group.MapGet("/vnf_packages", ListAsync);
        group.MapGet("/vnf_packages/{vnfPkgId}", GetAsync);
        group.MapPatch("/vnf_packages/{vnfPkgId}", PatchAsync);
        group.MapDelete("/vnf_packages/{vnfPkgId}", DeleteAsync);
        group.MapGet("/vnf_packages/{vnfPkgId}/vnfd", GetVnfdAsync);
        group.MapGet("/vnf_packages/{vnfPkgId}/package_content", GetContentAsync);
        group.MapPut("/vnf_packages/{vnfPkgId}/package_content", UploadContentAsync);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        var body = await request.ReadJsonAsync<CreateVnfPkgInfoRequest>();
        var now = DateTime.UtcNow;
        var package = new VnfPackage
        {
            Id = Guid.NewGuid().ToString(),
            TenantId = db.TenantId,
            OnboardingState = PackageOnboardingState.Created,
            OperationalState = PackageOperationalState.Disabled,
            UsageState = PackageUsageState.NotInUse,
            UserDefinedData = body.UserDefinedData?.ToJsonString(SolJson.Options),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.VnfPackages.Add(package);
        await db.SaveChangesAsync(ct);
        var info = ToInfo(package, request);
        return SolResults.Json(info, StatusCodes.Status201Created, info.Links.Self.Href);
    }

    // SOL013 filter, selectors and paging, in the database (Common/SolQuery, ADR-0007).
    private static Task<IResult> ListAsync(HttpRequest request, NfvoDbContext db, CancellationToken ct) =>
        SolQuery.ListAsync(request, db.VnfPackages.AsNoTracking(), SolResources.VnfPkgInfo, p => ToInfo(p, request), ct);

    private static async Task<IResult> GetAsync(string vnfPkgId, HttpRequest request, NfvoDbContext db, CancellationToken ct) =>
        SolResults.Json(ToInfo(await FindAsync(db, vnfPkgId, tracked: false, ct), request));

    private static async Task<IResult> PatchAsync(string vnfPkgId, HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        if (request.ContentType is null || !request.ContentType.StartsWith(MergePatchJson, StringComparison.OrdinalIgnoreCase))
            throw new UnsupportedMediaTypeProblem($"The request body must be \"{MergePatchJson}\", not \"{request.ContentType ?? "(none)"}\".");
        VnfPkgInfoModifications? patch;
        try
        {
            patch = await JsonSerializer.DeserializeAsync<VnfPkgInfoModifications>(request.Body, SolJson.Options, ct);
        }
        catch (JsonException e)
        {
            throw new BadRequestProblem($"The request body is not a valid VnfPkgInfoModifications: {e.Message}");
        }
        if (patch is null || (patch.OperationalState is null && patch.UserDefinedData is null))
            throw new BadRequestProblem("VnfPkgInfoModifications needs operationalState or userDefinedData (SOL005 9.5.2.3).");
        if (patch.OperationalState is not (null or PackageOperationalState.Enabled or PackageOperationalState.Disabled))
            throw new BadRequestProblem($"operationalState must be ENABLED or DISABLED, not \"{patch.OperationalState}\".");

        var package = await FindAsync(db, vnfPkgId, tracked: true, ct);
        if (patch.OperationalState is { } state)
        {
            if (package.OnboardingState != PackageOnboardingState.Onboarded)
                throw new ConflictProblem($"VNF package {vnfPkgId} is {package.OnboardingState}; only an ONBOARDED package can be enabled or disabled.");
            if (package.OperationalState == state)
                throw new ConflictProblem($"VNF package {vnfPkgId} is already {state}.");
            package.OperationalState = state;
        }
        if (patch.UserDefinedData is { } data)
        {
            var current = package.UserDefinedData is null ? new JsonObject() : JsonNode.Parse(package.UserDefinedData)!.AsObject();
            MergePatch(current, data);
            package.UserDefinedData = current.ToJsonString(SolJson.Options);
        }
        package.UpdatedAt = DateTime.UtcNow;
        await SaveOrConflictAsync(db, vnfPkgId, ct);
        return SolResults.Json(patch);
    }

    private static async Task<IResult> DeleteAsync(string vnfPkgId, NfvoDbContext db, CancellationToken ct)
    {
        var package = await FindAsync(db, vnfPkgId, tracked: true, ct);
        if (package.OperationalState == PackageOperationalState.Enabled)
            throw new ConflictProblem($"VNF package {vnfPkgId} is ENABLED; disable it first (SOL005 9.4.3.3.5).");
        if (package.UsageState == PackageUsageState.InUse)
            throw new ConflictProblem($"VNF package {vnfPkgId} is IN_USE by VNF instances.");
        db.VnfPackages.Remove(package); // the content and VNFD files go with it (ON DELETE CASCADE)
        await SaveOrConflictAsync(db, vnfPkgId, ct);
        return Results.NoContent();
    }

    private static async Task<IResult> GetVnfdAsync(string vnfPkgId, HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        var package = await FindAsync(db, vnfPkgId, tracked: false, ct);
        RequireOnboarded(package);
        var files = await db.VnfPackageVnfdFiles.AsNoTracking().Where(f => f.VnfPkgId == vnfPkgId).OrderBy(f => f.Path).ToListAsync(ct);
        var yamlFiles = files.Where(f => f.Path != VnfPackageOnboarder.MetaPath).ToList();
        var (wantsText, wantsZip) = Acceptable(request);
        if (wantsText && yamlFiles.Count == 1)
            return Results.Bytes(yamlFiles[0].Content, "text/plain");
        if (!wantsZip)
            throw new NotAcceptableProblem(yamlFiles.Count == 1
                ? "The VNFD is served as \"text/plain\" or \"application/zip\"."
                : $"The VNFD of package {vnfPkgId} has {yamlFiles.Count} files; it is served only as \"application/zip\" (SOL005 9.4.4.3.2).");
        return Results.Bytes(Zip(files.Select(f => (f.Path, f.Content))), "application/zip");
    }

    private static async Task<IResult> GetContentAsync(string vnfPkgId, NfvoDbContext db, CancellationToken ct)
    {
        RequireOnboarded(await FindAsync(db, vnfPkgId, tracked: false, ct));
        var content = await db.VnfPackageContents.AsNoTracking().Where(c => c.VnfPkgId == vnfPkgId).Select(c => c.Content).SingleOrDefaultAsync(ct)
                      ?? throw new ConflictProblem($"VNF package {vnfPkgId} has no stored content.");
        return Results.Bytes(content, "application/zip");
    }

    private static async Task<IResult> UploadContentAsync(string vnfPkgId, HttpRequest request, NfvoDbContext db, NfvoOptions options, CancellationToken ct)
    {
        var contentType = request.ContentType?.Split(';')[0].Trim();
        if (contentType is null || !(contentType.Equals("application/zip", StringComparison.OrdinalIgnoreCase)
                                     || contentType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)))
            throw new UnsupportedMediaTypeProblem($"The package content must be \"application/zip\", not \"{request.ContentType ?? "(none)"}\".");

        var package = await FindAsync(db, vnfPkgId, tracked: true, ct);
        if (package.OnboardingState is not (PackageOnboardingState.Created or PackageOnboardingState.Error))
            throw new ConflictProblem($"VNF package {vnfPkgId} is {package.OnboardingState}; content can be uploaded only while it is CREATED (or ERROR, to retry).");

        var max = options.MaxPackageBytes;
        if (request.ContentLength > max) throw TooLarge(max);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = max + 1;
        var content = await PackageUpload.ReadBoundedAsync(request.Body, max, ct) ?? throw TooLarge(max);
        if (!PackageUpload.LooksLikeZip(content))
            throw new BadRequestProblem(PackageUpload.NotAZipMessage);

        var now = DateTime.UtcNow;
        var stored = new VnfPackageContent { VnfPkgId = vnfPkgId, TenantId = db.TenantId, Content = content, Size = content.LongLength, UploadedAt = now };
        if (await db.VnfPackageContents.AnyAsync(c => c.VnfPkgId == vnfPkgId, ct)) db.VnfPackageContents.Update(stored);
        else db.VnfPackageContents.Add(stored);
        package.OnboardingState = PackageOnboardingState.Processing;
        package.OperationalState = PackageOperationalState.Disabled;
        package.ContentSize = content.LongLength;
        package.OnboardingFailureDetails = null;
        package.Diagnostics = null;
        package.UpdatedAt = now;
        db.AddOutboxMessage(new OnboardVnfPackage(db.TenantId, vnfPkgId));
        await SaveOrConflictAsync(db, vnfPkgId, ct);
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    // ------------------------------------------------------------------ helpers

    public static VnfPkgInfo ToInfo(VnfPackage p, HttpRequest request)
    {
        var self = request.Uri($"{VnfPkgmApi.UriPrefix}/vnf_packages/{p.Id}");
        return new VnfPkgInfo
        {
            Id = p.Id,
            VnfdId = p.VnfdId,
            VnfProvider = p.VnfProvider,
            VnfProductName = p.VnfProductName,
            VnfSoftwareVersion = p.VnfSoftwareVersion,
            VnfdVersion = p.VnfdVersion,
            Checksum = p.ChecksumAlgorithm is { } alg && p.ChecksumHash is { } hash ? new Checksum(alg, hash) : null,
            OnboardingState = p.OnboardingState,
            OperationalState = p.OperationalState,
            UsageState = p.UsageState,
            VnfmInfo = p.VnfmInfo is null ? null : JsonSerializer.Deserialize<List<string>>(p.VnfmInfo, SolJson.Options),
            UserDefinedData = p.UserDefinedData is null ? null : JsonNode.Parse(p.UserDefinedData)?.AsObject(),
            OnboardingFailureDetails = p.OnboardingFailureDetails is null ? null : SolJson.Deserialize<ProblemDetails>(p.OnboardingFailureDetails),
            Links = new VnfPkgInfoLinks(new Link(self), new Link(self + "/vnfd"), new Link(self + "/package_content")),
        };
    }

    private static async Task<VnfPackage> FindAsync(NfvoDbContext db, string vnfPkgId, bool tracked, CancellationToken ct)
    {
        var query = tracked ? db.VnfPackages : db.VnfPackages.AsNoTracking();
        return await query.SingleOrDefaultAsync(p => p.Id == vnfPkgId, ct)
               ?? throw new NotFoundProblem($"VNF package {vnfPkgId} does not exist.");
    }

    private static void RequireOnboarded(VnfPackage package)
    {
        if (package.OnboardingState != PackageOnboardingState.Onboarded)
            throw new ConflictProblem($"VNF package {package.Id} is {package.OnboardingState}, not ONBOARDED.");
    }

    /// <summary>Saves; a concurrent change of the package (optimistic concurrency on Version) is 409 Conflict.</summary>
    private static async Task SaveOrConflictAsync(NfvoDbContext db, string vnfPkgId, CancellationToken ct)
    {
        var readVersion = db.ChangeTracker.Entries<VnfPackage>().Single(e => e.Entity.Id == vnfPkgId).Entity.Version;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictProblem($"VNF package {vnfPkgId} was changed concurrently; read it again and retry.");
        }
        catch (DbUpdateException)
        {
            // E.g. two uploads racing to insert the content row: if the package moved on meanwhile, that is a conflict.
            db.ChangeTracker.Clear();
            var now = await db.VnfPackages.AsNoTracking().Where(p => p.Id == vnfPkgId).Select(p => (int?)p.Version).SingleOrDefaultAsync(ct);
            if (now != readVersion) throw new ConflictProblem($"VNF package {vnfPkgId} was changed concurrently; read it again and retry.");
            throw;
        }
    }

    private static PayloadTooLargeProblem TooLarge(long max) =>
        new($"The package content exceeds the limit of {max} bytes (Nfvo:MaxPackageBytes).");

    /// <summary>SOL005 9.4.4.3.2 content negotiation of the VNFD: (text/plain acceptable, application/zip acceptable).</summary>
    internal static (bool Text, bool Zip) Acceptable(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0) return (false, true);
        bool text = false, zip = false;
        foreach (var m in accept)
        {
            if (m.Quality == 0) continue;
            var type = m.MediaType.Value ?? "";
            if (type is "*/*") { text = true; zip = true; }
            else if (type.Equals("text/plain", StringComparison.OrdinalIgnoreCase) || type.Equals("text/*", StringComparison.OrdinalIgnoreCase)) text = true;
            else if (type.Equals("application/zip", StringComparison.OrdinalIgnoreCase) || type.Equals("application/*", StringComparison.OrdinalIgnoreCase)) zip = true;
        }
        // "*/*" alone: prefer the ZIP, which always works.
        if (accept.Count == 1 && accept[0].MediaType.Value == "*/*") text = false;
        return (text, zip);
    }

    internal static byte[] Zip(IEnumerable<(string Path, byte[] Content)> files)
    {
        using var ms = new MemoryStream();
        using (var archive = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, content) in files)
            {
                var entry = archive.CreateEntry(path, CompressionLevel.Optimal);
                using var s = entry.Open();
                s.Write(content);
            }
        }
        return ms.ToArray();
    }

    /// <summary>RFC 7396 JSON merge patch of <paramref name="patch"/> into <paramref name="target"/>.</summary>
    internal static void MergePatch(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null) target.Remove(key);
            else if (value is JsonObject o && target[key] is JsonObject existing) MergePatch(existing, o);
            else target[key] = value.DeepClone();
        }
    }
}

/// <summary>Reading an uploaded package: bounded, and a quick ZIP check before anything is stored.</summary>
public static class PackageUpload
{
    public const string NotAZipMessage = "package content is not a ZIP archive (SOL004 clause 4.1 requires a ZIP CSAR)";

    /// <summary>True when the content starts like a ZIP: a local file header "PK\x03\x04" or an empty archive's "PK\x05\x06".</summary>
    public static bool LooksLikeZip(ReadOnlySpan<byte> content) =>
        content.Length >= 4 && content[0] == (byte)'P' && content[1] == (byte)'K'
        && ((content[2] == 3 && content[3] == 4) || (content[2] == 5 && content[3] == 6));

    /// <summary>Copies the stream, reading at most <paramref name="max"/>+1 bytes; null when it holds more than <paramref name="max"/>.</summary>
    public static async Task<byte[]?> ReadBoundedAsync(Stream body, long max, CancellationToken ct)
    {
        using var ms = new MemoryStream();
        var buffer = new byte[81920];
        long total = 0;
        while (true)
        {
            var want = (int)Math.Min(buffer.Length, max + 1 - total);
            if (want <= 0) return null;
            var n = await body.ReadAsync(buffer.AsMemory(0, want), ct);
            if (n == 0) break;
            total += n;
            if (total > max) return null;
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }
}
