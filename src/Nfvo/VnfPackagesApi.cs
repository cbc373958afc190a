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
//   POST   /vnf_packages                                        9.4.2.3.1  create an individual VNF package resource
//   GET    /vnf_packages                                        9.4.2.3.2  list (SOL013 filter, selectors, paging)
//   GET    /vnf_packages/{vnfPkgId}                             9.4.3.3.2  read (ETag; If-None-Match -> 304)
//   PATCH  /vnf_packages/{vnfPkgId}                             9.4.3.3.4  enable/disable, userDefinedData (merge patch, If-Match -> 412)
//   DELETE /vnf_packages/{vnfPkgId}                             9.4.3.3.5  delete (409 while ENABLED or IN_USE)
//   GET    /vnf_packages/{vnfPkgId}/vnfd                        9.4.4.3.2  the VNFD: text/plain (single file) or application/zip; include_signatures
//   GET    /vnf_packages/{vnfPkgId}/manifest                    9.4.4b.3.2 the manifest: text/plain, or zip with its certificate (include_signatures)
//   GET    /vnf_packages/{vnfPkgId}/package_content             9.4.5.3.2  the CSAR, with Range (206 / 416)
//   PUT    /vnf_packages/{vnfPkgId}/package_content             9.4.5.3.3  upload the CSAR (ZIP): UPLOADING while it streams in, PROCESSING, 202
//   GET    /vnf_packages/{vnfPkgId}/artifacts                   9.4.5a.3.2 the artifacts as a ZIP (MANO / non-MANO selection, include_signatures), Range
//   POST   /vnf_packages/{vnfPkgId}/package_content/upload_from_uri 9.4.6.3.1 fetch the CSAR from a URI (asynchronous, 202)
//   GET    /vnf_packages/{vnfPkgId}/artifacts/{artifactPath}    9.4.7.3.2  one artifact, with Range; include_signatures -> ZIP
//   GET|PUT /vnf_packages/{vnfPkgId}/ext_artifacts_access      9.4.4a     501 (external artifacts are never downloaded)
//   /subscriptions, /subscriptions/{subscriptionId}             9.4.8, 9.4.9 (PackageSubscriptionsApi)
// SOL003 v3.7.1 clause 10, the same API as an external VNFM (e.g. Tacker) uses it, keyed by vnfdId:
//   GET    /onboarded_vnf_packages[/{vnfdId}[/vnfd|/manifest|/package_content|/artifacts[/{artifactPath}]]]

public static class VnfPackagesApi
{
    public const string MergePatchJson = "application/merge-patch+json";
    public const string IncludeSignatures = "include_signatures";

    public static IEndpointRouteBuilder MapVnfPackagesApiV2(this IEndpointRouteBuilder app)
    {
        var group = app.MapSolApi("vnfpkgm", "v2", VnfPkgmApi.Version).WithTags("SOL005 VNF package management");
        group.MapPost("/vnf_packages", CreateAsync);
        group.MapGet("/vnf_packages", ListAsync);
        group.MapGet("/vnf_packages/{vnfPkgId}", GetAsync);
        group.MapPatch("/vnf_packages/{vnfPkgId}", PatchAsync);
        group.MapDelete("/vnf_packages/{vnfPkgId}", DeleteAsync);
        group.MapGet("/vnf_packages/{vnfPkgId}/vnfd",
            async (string vnfPkgId, HttpRequest r, NfvoDbContext db, CancellationToken ct) => await VnfdAsync(await ByIdAsync(db, vnfPkgId, ct), r, db, ct));
        group.MapGet("/vnf_packages/{vnfPkgId}/manifest",
            async (string vnfPkgId, HttpRequest r, NfvoDbContext db, CancellationToken ct) => await ManifestAsync(await ByIdAsync(db, vnfPkgId, ct), r, db, ct));
        group.MapGet("/vnf_packages/{vnfPkgId}/package_content",
            async (string vnfPkgId, HttpRequest r, NfvoDbContext db, CancellationToken ct) => await ContentAsync(await ByIdAsync(db, vnfPkgId, ct), r, db, ct));
        group.MapPut("/vnf_packages/{vnfPkgId}/package_content", UploadContentAsync);
        group.MapPost("/vnf_packages/{vnfPkgId}/package_content/upload_from_uri", UploadFromUriAsync);
        group.MapGet("/vnf_packages/{vnfPkgId}/artifacts",
            async (string vnfPkgId, HttpRequest r, NfvoDbContext db, CancellationToken ct) => await ArtifactsAsync(await ByIdAsync(db, vnfPkgId, ct), r, db, ct));
        group.MapGet("/vnf_packages/{vnfPkgId}/artifacts/{**artifactPath}",
            async (string vnfPkgId, string artifactPath, HttpRequest r, NfvoDbContext db, CancellationToken ct) =>
                await ArtifactAsync(await ByIdAsync(db, vnfPkgId, ct), artifactPath, r, db, ct));
        group.MapGet("/vnf_packages/{vnfPkgId}/ext_artifacts_access", ExtArtifactsAccess);
        group.MapPut("/vnf_packages/{vnfPkgId}/ext_artifacts_access", ExtArtifactsAccess);

        // SOL003 clause 10: the onboarded packages, keyed by vnfdId.
        group.MapGet("/onboarded_vnf_packages", ListOnboardedAsync);
        group.MapGet("/onboarded_vnf_packages/{vnfdId}",
            async (string vnfdId, HttpRequest r, NfvoDbContext db, CancellationToken ct) => InfoResult(await ByVnfdIdAsync(db, vnfdId, ct), r, onboardedView: true));
        group.MapGet("/onboarded_vnf_packages/{vnfdId}/vnfd",
            async (string vnfdId, HttpRequest r, NfvoDbContext db, CancellationToken ct) => await VnfdAsync(await ByVnfdIdAsync(db, vnfdId, ct), r, db, ct));
        group.MapGet("/onboarded_vnf_packages/{vnfdId}/manifest",
            async (string vnfdId, HttpRequest r, NfvoDbContext db, CancellationToken ct) => await ManifestAsync(await ByVnfdIdAsync(db, vnfdId, ct), r, db, ct));
        group.MapGet("/onboarded_vnf_packages/{vnfdId}/package_content",
            async (string vnfdId, HttpRequest r, NfvoDbContext db, CancellationToken ct) => await ContentAsync(await ByVnfdIdAsync(db, vnfdId, ct), r, db, ct));
        group.MapGet("/onboarded_vnf_packages/{vnfdId}/artifacts",
            async (string vnfdId, HttpRequest r, NfvoDbContext db, CancellationToken ct) => await ArtifactsAsync(await ByVnfdIdAsync(db, vnfdId, ct), r, db, ct));
        group.MapGet("/onboarded_vnf_packages/{vnfdId}/artifacts/{**artifactPath}",
            async (string vnfdId, string artifactPath, HttpRequest r, NfvoDbContext db, CancellationToken ct) =>
                await ArtifactAsync(await ByVnfdIdAsync(db, vnfdId, ct), artifactPath, r, db, ct));

        group.MapPackageSubscriptions();
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
        return SolResults.Json(info, StatusCodes.Status201Created, info.Links.Self.Href).WithETag(ETagOf(package));
    }

    // SOL013 filter, selectors and paging, in the database (Common/SolQuery, ADR-0007).
    private static Task<IResult> ListAsync(HttpRequest request, NfvoDbContext db, CancellationToken ct) =>
        SolQuery.ListAsync(request, db.VnfPackages.AsNoTracking(), SolResources.VnfPkgInfo, p => ToInfo(p, request), ct);

    private static Task<IResult> ListOnboardedAsync(HttpRequest request, NfvoDbContext db, CancellationToken ct) =>
        SolQuery.ListAsync(request, db.VnfPackages.AsNoTracking().Where(p => p.OnboardingState == PackageOnboardingState.Onboarded),
            SolResources.VnfPkgInfo, p => ToInfo(p, request, onboardedView: true), ct);

    private static async Task<IResult> GetAsync(string vnfPkgId, HttpRequest request, NfvoDbContext db, CancellationToken ct) =>
        InfoResult(await FindAsync(db, vnfPkgId, tracked: false, ct), request, onboardedView: false);

    /// <summary>A VnfPkgInfo with its ETag; 304 when If-None-Match names the current one.</summary>
    private static IResult InfoResult(VnfPackage package, HttpRequest request, bool onboardedView)
    {
        var etag = ETagOf(package);
        if (SolETag.IsNotModified(request, etag)) return Results.StatusCode(StatusCodes.Status304NotModified).WithETag(etag);
        return SolResults.Json(ToInfo(package, request, onboardedView)).WithETag(etag);
    }

    public static string ETagOf(VnfPackage p) => SolETag.FromVersion(p.Id, p.Version);

    private static async Task<IResult> PatchAsync(string vnfPkgId, HttpRequest request, NfvoDbContext db, PkgmNotifier notifier, CancellationToken ct)
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
        // SOL013 4.5 / SOL005 9.4.3.3.4: a conditional PATCH against a stale representation is 412.
        SolETag.CheckIfMatch(request, ETagOf(package));
        if (patch.OperationalState is { } state)
        {
            if (package.OnboardingState != PackageOnboardingState.Onboarded)
                throw new ConflictProblem($"VNF package {vnfPkgId} is {package.OnboardingState}; only an ONBOARDED package can be enabled or disabled.");
            if (package.OperationalState == state)
                throw new ConflictProblem($"VNF package {vnfPkgId} is already {state}.");
            package.OperationalState = state;
            await notifier.QueueChangeAsync(db, package, PackageChangeType.OpStateChange, ct);
        }
        if (patch.UserDefinedData is { } data)
        {
            var current = package.UserDefinedData is null ? new JsonObject() : JsonNode.Parse(package.UserDefinedData)!.AsObject();
            MergePatch(current, data);
            package.UserDefinedData = current.ToJsonString(SolJson.Options);
        }
        package.UpdatedAt = DateTime.UtcNow;
        await SaveOrConflictAsync(db, vnfPkgId, ct);
        return SolResults.Json(patch).WithETag(ETagOf(package));
    }

    private static async Task<IResult> DeleteAsync(string vnfPkgId, NfvoDbContext db, PkgmNotifier notifier, CancellationToken ct)
    {
        var package = await FindAsync(db, vnfPkgId, tracked: true, ct);
        if (package.OperationalState == PackageOperationalState.Enabled)
            throw new ConflictProblem($"VNF package {vnfPkgId} is ENABLED; disable it first (SOL005 9.4.3.3.5).");
        if (package.UsageState == PackageUsageState.InUse)
            throw new ConflictProblem($"VNF package {vnfPkgId} is IN_USE by VNF instances.");
        await notifier.QueueChangeAsync(db, package, PackageChangeType.PkgDelete, ct);
        db.VnfPackages.Remove(package); // the content, VNFD files and a pending fetch go with it (ON DELETE CASCADE)
        await SaveOrConflictAsync(db, vnfPkgId, ct);
        return Results.NoContent();
    }

    // ------------------------------------------------------------------ reading an onboarded package

    private static async Task<VnfPackage> ByIdAsync(NfvoDbContext db, string vnfPkgId, CancellationToken ct)
    {
        var package = await FindAsync(db, vnfPkgId, tracked: false, ct);
        RequireOnboarded(package);
        return package;
    }

    private static async Task<VnfPackage> ByVnfdIdAsync(NfvoDbContext db, string vnfdId, CancellationToken ct) =>
        await db.VnfPackages.AsNoTracking()
            .SingleOrDefaultAsync(p => p.VnfdId == vnfdId && p.OnboardingState == PackageOnboardingState.Onboarded, ct)
        ?? throw new NotFoundProblem($"No onboarded VNF package has vnfdId {vnfdId}.");

    /// <summary>SOL005 9.4.4.3.2: text/plain for a single-file VNFD (without include_signatures), else a ZIP with TOSCA.meta.</summary>
    private static async Task<IResult> VnfdAsync(VnfPackage package, HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        var files = await db.VnfPackageVnfdFiles.AsNoTracking().Where(f => f.VnfPkgId == package.Id).OrderBy(f => f.Path).ToListAsync(ct);
        var yamlFiles = files.Where(f => f.Path != VnfPackageOnboarder.MetaPath).ToList();
        var signatures = request.Query.ContainsKey(IncludeSignatures);
        var (wantsText, wantsZip) = Acceptable(request);
        if (wantsText && yamlFiles.Count == 1 && !signatures)
            return Results.Bytes(yamlFiles[0].Content, "text/plain");
        if (!wantsZip)
            throw new NotAcceptableProblem(signatures
                ? "With include_signatures the VNFD is served only as \"application/zip\" (SOL005 9.4.4.3.2)."
                : yamlFiles.Count == 1
                    ? "The VNFD is served as \"text/plain\" or \"application/zip\"."
                    : $"The VNFD of package {package.Id} has {yamlFiles.Count} files; it is served only as \"application/zip\" (SOL005 9.4.4.3.2).");
        var entries = files.Select(f => (f.Path, f.Content)).ToList();
        if (signatures)
        {
            // The signature and certificate files of the VNFD's files, and the package certificate (SOL004 clause 5).
            var security = SecurityFilesOf(package);
            var extra = yamlFiles.SelectMany(f => security.GetValueOrDefault(f.Path) ?? []).ToList();
            if (package.CertificatePath is { } cert) extra.Add(cert);
            var read = await ReadEntriesAsync(db, package.Id, extra.Distinct(StringComparer.Ordinal), ct);
            entries.AddRange(read.Select(kv => (kv.Key, kv.Value)));
        }
        return Results.Bytes(Zip(entries), "application/zip");
    }

    /// <summary>
    /// SOL005 9.4.4b.3.2: the manifest as text/plain; with include_signatures and a separate certificate file, a ZIP of
    /// both. 404 when the package has no manifest.
    /// </summary>
    private static async Task<IResult> ManifestAsync(VnfPackage package, HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        if (package.ManifestPath is not { } manifestPath)
            throw new NotFoundProblem($"VNF package {package.Id} has no manifest file.");
        var zip = request.Query.ContainsKey(IncludeSignatures) && package.CertificatePath is not null;
        var paths = zip ? new[] { manifestPath, package.CertificatePath! } : [manifestPath];
        var files = await ReadEntriesAsync(db, package.Id, paths, ct);
        if (!files.TryGetValue(manifestPath, out var manifest))
            throw new NotFoundProblem($"The manifest {manifestPath} of VNF package {package.Id} is not in its content.");
        if (!zip)
        {
            if (!Accepts(request, "text/plain"))
                throw new NotAcceptableProblem("The manifest is served as \"text/plain\".");
            return Results.Bytes(manifest, "text/plain");
        }
        if (!Accepts(request, "application/zip"))
            throw new NotAcceptableProblem("With include_signatures the manifest and its certificate are served as \"application/zip\" (SOL005 9.4.4b.3.2).");
        return Results.Bytes(Zip(files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => (f.Key, f.Value))), "application/zip");
    }

    /// <summary>SOL005 9.4.5.3.2: the whole CSAR, with single-range requests (206 Partial Content, 416).</summary>
    private static async Task<IResult> ContentAsync(VnfPackage package, HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        if (!Accepts(request, "application/zip"))
            throw new NotAcceptableProblem("The package content is served as \"application/zip\".");
        var content = await db.VnfPackageContents.AsNoTracking().Where(c => c.VnfPkgId == package.Id).Select(c => c.Content).SingleOrDefaultAsync(ct)
                      ?? throw new ConflictProblem($"VNF package {package.Id} has no stored content.");
        return RangeContent.Serve(request, content, "application/zip");
    }

    /// <summary>
    /// SOL005 9.4.5a.3.2: the package's artifacts as a ZIP in the package's directory structure: software images, the
    /// additional MANO artifacts (unless exclude_all_mano_artifacts) and the non-MANO artifacts (unless
    /// exclude_all_non_mano_artifacts; only the sets named by select_non_mano_artifact_sets when given), with their
    /// signature and certificate files when include_signatures. External artifacts are never downloaded, so
    /// include_external_artifacts adds nothing.
    /// </summary>
    private static async Task<IResult> ArtifactsAsync(VnfPackage package, HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        if (!Accepts(request, "application/zip"))
            throw new NotAcceptableProblem("The artifacts are served as \"application/zip\".");
        var q = request.Query;
        var excludeMano = q.ContainsKey("exclude_all_mano_artifacts");
        var excludeNonMano = q.ContainsKey("exclude_all_non_mano_artifacts");
        var sets = q.TryGetValue("select_non_mano_artifact_sets", out var s)
            ? s.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal)
            : null;
        var paths = new List<string>();
        paths.AddRange(ImagesOf(package).Select(i => i.ImagePath).OfType<string>());
        foreach (var a in ArtifactsOf(package))
        {
            if (a.ArtifactPath is not { } path) continue;
            if (a.NonManoArtifactSetId is { } set)
            {
                if (excludeNonMano || (sets is not null && !sets.Contains(set))) continue;
            }
            else if (excludeMano) continue;
            paths.Add(path);
        }
        if (q.ContainsKey(IncludeSignatures))
        {
            var security = SecurityFilesOf(package);
            paths.AddRange(paths.SelectMany(p => security.GetValueOrDefault(p) ?? []).ToList());
        }
        var files = await ReadEntriesAsync(db, package.Id, paths.Distinct(StringComparer.Ordinal), ct);
        return RangeContent.Serve(request, Zip(files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => (f.Key, f.Value))), "application/zip");
    }

    /// <summary>
    /// SOL005 9.4.7.3.2: one artifact (a software image or an additional artifact of the package, by its path in the
    /// package) with its content type, single-range requests, and with include_signatures a ZIP of the artifact and its
    /// signature / certificate files. Any other path is 404: only the paths listed by the package's softwareImages and
    /// additionalArtifacts are served, looked up by exact string, so nothing outside the package can ever be named.
    /// </summary>
    private static async Task<IResult> ArtifactAsync(VnfPackage package, string artifactPath, HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        var artifacts = ArtifactsOf(package);
        var known = ImagesOf(package).Any(i => i.ImagePath == artifactPath) || artifacts.Any(a => a.ArtifactPath == artifactPath);
        if (!known)
            throw new NotFoundProblem($"VNF package {package.Id} has no artifact \"{artifactPath}\".");
        var contentType = artifacts.FirstOrDefault(a => a.ArtifactPath == artifactPath)?.Metadata?["contentType"]?.GetValue<string>()
                          ?? PackageArtifacts.ContentTypeOf(artifactPath);
        if (request.Query.ContainsKey(IncludeSignatures))
        {
            if (!Accepts(request, "application/zip"))
                throw new NotAcceptableProblem("With include_signatures the artifact and its security files are served as \"application/zip\".");
            var paths = new List<string> { artifactPath };
            paths.AddRange(SecurityFilesOf(package).GetValueOrDefault(artifactPath) ?? []);
            if (package.CertificatePath is { } cert) paths.Add(cert);
            var files = await ReadEntriesAsync(db, package.Id, paths.Distinct(StringComparer.Ordinal), ct);
            return RangeContent.Serve(request, Zip(files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => (f.Key, f.Value))), "application/zip");
        }
        if (!Accepts(request, contentType))
            throw new NotAcceptableProblem($"Artifact \"{artifactPath}\" is served as \"{contentType}\".");
        var content = (await ReadEntriesAsync(db, package.Id, [artifactPath], ct)).GetValueOrDefault(artifactPath)
                      ?? throw new NotFoundProblem($"Artifact \"{artifactPath}\" is not in the content of VNF package {package.Id}.");
        return RangeContent.Serve(request, content, contentType);
    }

    private static IResult ExtArtifactsAccess(string vnfPkgId) =>
        throw new NotImplementedProblem("ext_artifacts_access (SOL005 9.4.4a) is not implemented: Mano does not download external artifacts.");

    /// <summary>Reads the named files out of the stored CSAR (matched by exact normalised path, size-bounded).</summary>
    private static async Task<Dictionary<string, byte[]>> ReadEntriesAsync(NfvoDbContext db, string vnfPkgId, IEnumerable<string> paths, CancellationToken ct)
    {
        var wanted = paths.ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (wanted.Count == 0) return result;
        var content = await db.VnfPackageContents.AsNoTracking().Where(c => c.VnfPkgId == vnfPkgId).Select(c => c.Content).SingleOrDefaultAsync(ct)
                      ?? throw new ConflictProblem($"VNF package {vnfPkgId} has no stored content.");
        using var archive = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
        foreach (var entry in archive.Entries)
        {
            if (PackageArtifacts.Normalise(entry.FullName) is not { } path || !wanted.Contains(path) || result.ContainsKey(path)) continue;
            if (entry.Length > content.LongLength * 1000 || entry.Length > Array.MaxLength)
                throw new ConflictProblem($"Artifact \"{path}\" of VNF package {vnfPkgId} is too large to serve.");
            using var stream = entry.Open();
            using var ms = new MemoryStream((int)entry.Length);
            await stream.CopyToAsync(ms, ct);
            result[path] = ms.ToArray();
        }
        return result;
    }

    private static IReadOnlyList<VnfPackageSoftwareImageInfo> ImagesOf(VnfPackage p) =>
        p.SoftwareImages is null ? [] : SolJson.Deserialize<List<VnfPackageSoftwareImageInfo>>(p.SoftwareImages);

    private static IReadOnlyList<VnfPackageArtifactInfo> ArtifactsOf(VnfPackage p) =>
        p.AdditionalArtifacts is null ? [] : SolJson.Deserialize<List<VnfPackageArtifactInfo>>(p.AdditionalArtifacts);

    private static Dictionary<string, List<string>> SecurityFilesOf(VnfPackage p) =>
        p.ArtifactSecurityFiles is null ? new() : SolJson.Deserialize<Dictionary<string, List<string>>>(p.ArtifactSecurityFiles);

    // ------------------------------------------------------------------ uploading

    private static async Task<IResult> UploadContentAsync(string vnfPkgId, HttpRequest request, NfvoDbContext db, NfvoOptions options, CancellationToken ct)
    {
        var contentType = request.ContentType?.Split(';')[0].Trim();
        if (contentType is null || !(contentType.Equals("application/zip", StringComparison.OrdinalIgnoreCase)
                                     || contentType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)))
            throw new UnsupportedMediaTypeProblem($"The package content must be \"application/zip\", not \"{request.ContentType ?? "(none)"}\".");

        var max = options.MaxPackageBytes;
        if (request.ContentLength > max) throw TooLarge(max);
        var package = await FindAsync(db, vnfPkgId, tracked: true, ct);
        RequireUploadable(package, options);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = max + 1;

        // UPLOADING while the body streams in (SOL005 9.5.4.3); a rejected or interrupted upload restores the state it left.
        var (previousState, previousDetails) = (package.OnboardingState, package.OnboardingFailureDetails);
        await BeginUploadAsync(db, package, ct);
        byte[]? content;
        try
        {
            content = await PackageUpload.ReadBoundedAsync(request.Body, max, ct);
            if (content is null) throw TooLarge(max);
            if (!PackageUpload.LooksLikeZip(content)) throw new BadRequestProblem(PackageUpload.NotAZipMessage);
        }
        catch
        {
            package.OnboardingState = previousState;
            package.OnboardingFailureDetails = previousDetails;
            package.UpdatedAt = DateTime.UtcNow;
            try { await db.SaveChangesAsync(CancellationToken.None); }
            catch (DbUpdateException) { /* changed meanwhile (deleted, or taken over as stale): nothing to restore */ }
            throw;
        }

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

    /// <summary>
    /// SOL005 9.4.6.3.1: 202 at once, the package UPLOADING; <see cref="VnfPackageFetcher"/> fetches it asynchronously.
    /// The address must be http(s) without user info; a literal address the SSRF guard refuses is 400 here, a host name
    /// resolving to one is an ERROR of the fetch.
    /// </summary>
    private static async Task<IResult> UploadFromUriAsync(string vnfPkgId, HttpRequest request, NfvoDbContext db, NfvoOptions options,
        PackageFetchGuard guard, CancellationToken ct)
    {
        var body = await request.ReadJsonAsync<UploadVnfPkgFromUriRequest>();
        if (guard.CheckUri(body.AddressInformation) is { } invalid)
            throw new BadRequestProblem($"{invalid} (SOL005 9.5.2.4).");
        if (body.AuthType is not (null or SubscriberAuth.OAuth2ClientCredentials))
            throw new BadRequestProblem($"authType must be OAUTH2_CLIENT_CREDENTIALS, not \"{body.AuthType}\".");
        if (body.AuthType is not null)
        {
            var p = body.ParamsOauth2ClientCredentials
                    ?? throw new BadRequestProblem("paramsOauth2ClientCredentials is required with authType OAUTH2_CLIENT_CREDENTIALS.");
            if (string.IsNullOrEmpty(p.ClientId) || string.IsNullOrEmpty(p.ClientPassword))
                throw new BadRequestProblem("paramsOauth2ClientCredentials needs clientId and clientPassword.");
            if (guard.CheckUri(p.TokenEndpoint) is { } badEndpoint)
                throw new BadRequestProblem($"paramsOauth2ClientCredentials.tokenEndpoint: {badEndpoint.Replace("addressInformation", "the token endpoint")}.");
        }
        if (body.Password is not null && string.IsNullOrEmpty(body.UserName))
            throw new BadRequestProblem("password is given without userName.");

        var package = await FindAsync(db, vnfPkgId, tracked: true, ct);
        RequireUploadable(package, options);
        var pending = await db.VnfPackageFetches.SingleOrDefaultAsync(f => f.VnfPkgId == vnfPkgId, ct);
        if (pending is not null) db.VnfPackageFetches.Remove(pending); // a stale fetch taken over
        db.VnfPackageFetches.Add(new VnfPackageFetch
        {
            VnfPkgId = vnfPkgId,
            TenantId = db.TenantId,
            AddressInformation = body.AddressInformation!,
            Credentials = VnfPackageFetcher.SerializeCredentials(body),
            CreatedAt = DateTime.UtcNow,
        });
        package.OnboardingState = PackageOnboardingState.Uploading;
        package.OperationalState = PackageOperationalState.Disabled;
        package.OnboardingFailureDetails = null;
        package.Diagnostics = null;
        package.UpdatedAt = DateTime.UtcNow;
        db.AddOutboxMessage(new FetchVnfPackage(db.TenantId, vnfPkgId));
        await SaveOrConflictAsync(db, vnfPkgId, ct);
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    /// <summary>CREATED, ERROR (to retry), or UPLOADING abandoned for longer than Nfvo:UploadStaleAfter (a crashed upload or fetch).</summary>
    private static void RequireUploadable(VnfPackage package, NfvoOptions options)
    {
        if (package.OnboardingState is PackageOnboardingState.Created or PackageOnboardingState.Error) return;
        if (package.OnboardingState == PackageOnboardingState.Uploading && DateTime.UtcNow - package.UpdatedAt > options.UploadStaleAfter) return;
        throw new ConflictProblem($"VNF package {package.Id} is {package.OnboardingState}; content can be uploaded only while it is CREATED (or ERROR, to retry).");
    }

    private static async Task BeginUploadAsync(NfvoDbContext db, VnfPackage package, CancellationToken ct)
    {
        var pending = await db.VnfPackageFetches.SingleOrDefaultAsync(f => f.VnfPkgId == package.Id, ct);
        if (pending is not null) db.VnfPackageFetches.Remove(pending);
        package.OnboardingState = PackageOnboardingState.Uploading;
        package.UpdatedAt = DateTime.UtcNow;
        await SaveOrConflictAsync(db, package.Id, ct);
    }

    // ------------------------------------------------------------------ helpers

    public static VnfPkgInfo ToInfo(VnfPackage p, HttpRequest request) => ToInfo(p, request, onboardedView: false);

    /// <summary>SOL005 9.5.2.5 VnfPkgInfo; <paramref name="onboardedView"/>: the SOL003 10.5.2.2 view, links under onboarded_vnf_packages/{vnfdId}.</summary>
    public static VnfPkgInfo ToInfo(VnfPackage p, HttpRequest request, bool onboardedView)
    {
        var self = onboardedView && p.VnfdId is not null
            ? request.Uri($"{VnfPkgmApi.UriPrefix}/onboarded_vnf_packages/{Uri.EscapeDataString(p.VnfdId)}")
            : request.Uri($"{VnfPkgmApi.UriPrefix}/vnf_packages/{p.Id}");
        var onboarded = p.OnboardingState == PackageOnboardingState.Onboarded;
        return new VnfPkgInfo
        {
            Id = p.Id,
            VnfdId = p.VnfdId,
            VnfProvider = p.VnfProvider,
            VnfProductName = p.VnfProductName,
            VnfSoftwareVersion = p.VnfSoftwareVersion,
            VnfdVersion = p.VnfdVersion,
            CompatibleSpecificationVersions = onboarded && p.CompatibleSpecificationVersions is not null
                ? JsonSerializer.Deserialize<List<string>>(p.CompatibleSpecificationVersions, SolJson.Options) : null,
            Checksum = p.ChecksumAlgorithm is { } alg && p.ChecksumHash is { } hash ? new Checksum(alg, hash) : null,
            PackageSecurityOption = onboarded ? p.PackageSecurityOption : null,
            SigningCertificate = onboarded ? p.SigningCertificate : null,
            // 9.5.2.5: softwareImages present once onboarded; additionalArtifacts when the package has any.
            SoftwareImages = onboarded ? ImagesOf(p) : null,
            AdditionalArtifacts = onboarded && ArtifactsOf(p) is { Count: > 0 } artifacts ? artifacts : null,
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

    /// <summary>True when the Accept header (absent = anything) admits <paramref name="mediaType"/>, wildcards included.</summary>
    internal static bool Accepts(HttpRequest request, string mediaType)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0) return true;
        var type = mediaType.Split(';')[0].Trim();
        var major = type.Split('/')[0];
        return accept.Any(m => m.Quality != 0 && (m.MediaType.Value is "*/*"
            || string.Equals(m.MediaType.Value, type, StringComparison.OrdinalIgnoreCase)
            || string.Equals(m.MediaType.Value, major + "/*", StringComparison.OrdinalIgnoreCase)));
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

/// <summary>
/// RFC 9110 clause 14 range requests, as SOL005 9.4.5.3.2 / 9.4.7.3.2 ask for package content and artifacts: one
/// byte range ("bytes=a-b", "bytes=a-", "bytes=-n") is 206 Partial Content with Content-Range; an unsatisfiable one is
/// 416 (ProblemDetails, Content-Range "bytes */length"); several ranges or a malformed header are ignored (200, the
/// whole representation), as RFC 9110 14.2 allows. Every answer says Accept-Ranges: bytes.
/// </summary>
public static class RangeContent
{
    public static IResult Serve(HttpRequest request, byte[] content, string contentType)
    {
        var length = content.LongLength;
        var header = request.Headers.Range.ToString();
        if (string.IsNullOrWhiteSpace(header)) return new Full(content, contentType);
        var parsed = Parse(header, length);
        if (parsed is null) return new Full(content, contentType);
        if (parsed is not { } r || r.From < 0) return new Unsatisfiable(length, header);
        return new Partial(content, contentType, r.From, r.To);
    }

    /// <summary>null: ignore the header; (-1, -1): unsatisfiable; else the inclusive range.</summary>
    internal static (long From, long To)? Parse(string header, long length)
    {
        var value = header.Trim();
        if (!value.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return null;
        var spec = value[6..].Trim();
        if (spec.Contains(',')) return null; // several ranges: the whole content
        var dash = spec.IndexOf('-');
        if (dash < 0) return null;
        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            if (!long.TryParse(last, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var suffix)) return null;
            if (suffix == 0 || length == 0) return (-1, -1);
            return (Math.Max(0, length - suffix), length - 1);
        }
        if (!long.TryParse(first, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var from)) return null;
        long to = length - 1;
        if (last.Length > 0)
        {
            if (!long.TryParse(last, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var l) || l < from) return null;
            to = Math.Min(l, length - 1);
        }
        if (from >= length) return (-1, -1);
        return (from, to);
    }

    private sealed class Full(byte[] content, string contentType) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.Headers.AcceptRanges = "bytes";
            context.Response.ContentType = contentType;
            context.Response.ContentLength = content.LongLength;
            await context.Response.Body.WriteAsync(content, context.RequestAborted);
        }
    }

    private sealed class Partial(byte[] content, string contentType, long from, long to) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.AcceptRanges = "bytes";
            context.Response.Headers.ContentRange = $"bytes {from}-{to}/{content.LongLength}";
            context.Response.ContentType = contentType;
            context.Response.ContentLength = to - from + 1;
            await context.Response.Body.WriteAsync(content.AsMemory((int)from, (int)(to - from + 1)), context.RequestAborted);
        }
    }

    private sealed class Unsatisfiable(long length, string header) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers.ContentRange = $"bytes */{length}";
            return SolResults.WriteProblemAsync(context, StatusCodes.Status416RangeNotSatisfiable, "Range Not Satisfiable",
                $"Range \"{header}\" does not overlap the content ({length} bytes).");
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
