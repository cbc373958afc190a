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
using Microsoft.Extensions.DependencyInjection;

namespace Mano.Nfvo;

// ETSI GS NFV-SOL 005 v3.7.1 clause 5 "NSD Management interface", /nsd/v2 (API 2.3.0):
//   POST   /ns_descriptors                                   5.4.2.3.1  create an individual NS descriptor resource
//   GET    /ns_descriptors                                   5.4.2.3.2  list (SOL013 filter, selectors, paging)
//   GET    /ns_descriptors/{nsdInfoId}                       5.4.3.3.2  read (ETag; If-None-Match -> 304)
//   PATCH  /ns_descriptors/{nsdInfoId}                       5.4.3.3.4  enable/disable, userDefinedData (merge patch, If-Match -> 412)
//   DELETE /ns_descriptors/{nsdInfoId}                       5.4.3.3.5  delete (409 unless DISABLED and NOT_IN_USE)
//   GET    /ns_descriptors/{nsdInfoId}/nsd_content           5.4.4.3.2  the archive as uploaded (zip, or the single YAML as text/plain), Range
//   PUT    /ns_descriptors/{nsdInfoId}/nsd_content           5.4.4.3.3  upload (application/zip, or a single YAML as text/plain): 202, onboarding asynchronous
//   GET    /ns_descriptors/{nsdInfoId}/nsd                   5.4.4a.3.2 the NSD: text/plain (single file) or application/zip; include_signatures
//   GET    /ns_descriptors/{nsdInfoId}/manifest              5.4.4b.3.2 the manifest (text/plain; zip with include_signatures)
//   GET    /ns_descriptors/{nsdInfoId}/artifacts/{artifactPath} 5.4.4c.3.2 one artifact of the archive, Range
//   POST   /pnf_descriptors                                  5.4.5.3.1  create an individual PNF descriptor resource
//   GET    /pnf_descriptors                                  5.4.5.3.2  list (SOL013 filter, selectors, paging)
//   GET    /pnf_descriptors/{pnfdInfoId}                     5.4.6.3.2  read
//   PATCH  /pnf_descriptors/{pnfdInfoId}                     5.4.6.3.4  userDefinedData (merge patch, If-Match -> 412)
//   DELETE /pnf_descriptors/{pnfdInfoId}                     5.4.6.3.5  delete (409 while IN_USE or referenced by an onboarded NSD)
//   GET|PUT /pnf_descriptors/{pnfdInfoId}/pnfd_content       5.4.7.3    the PNFD archive (zip or single YAML), onboarding asynchronous
//   GET    /pnf_descriptors/{pnfdInfoId}/pnfd                5.4.7a.3.2 the PNFD's main YAML (text/plain)
//   GET    /pnf_descriptors/{pnfdInfoId}/manifest, .../artifacts/{artifactPath}  501 (not built)
//   /subscriptions, /subscriptions/{subscriptionId}          5.4.8, 5.4.9 (NsdmSubscriptionsApi)

public static class NsdManagementApi
{
    /// <summary>The services of NSD management (called by AddNfvo).</summary>
    public static IServiceCollection AddNsdManagement(this IServiceCollection services)
    {
        services.AddScoped<NsdOnboarder>();
        services.AddScoped<PnfdOnboarder>();
        services.AddScoped<NsdCatalog>();
        services.AddSingleton<NsdmNotifier>();
        return services;
    }

    /// <summary>NsdInfo for SOL013 filtering, paging and attribute selectors (5.4.2.3.2: userDefinedData is excluded by default).</summary>
    public static readonly SolResource NsdInfoResource = new SolResource("NsdInfo")
        .Column("id", "Id")
        .Column("nsdId", "NsdId")
        .Column("nsdName", "NsdName")
        .Column("nsdVersion", "NsdVersion")
        .Column("nsdDesigner", "NsdDesigner")
        .Column("nsdInvariantId", "NsdInvariantId")
        .Column("nsdOnboardingState", "NsdOnboardingState", SolAttributeType.Enum)
        .Column("nsdOperationalState", "NsdOperationalState", SolAttributeType.Enum)
        .Column("nsdUsageState", "NsdUsageState", SolAttributeType.Enum)
        .Column("archiveSecurityOption", "ArchiveSecurityOption", SolAttributeType.Enum)
        .Json("vnfPkgIds", "VnfPkgIds", ("", SolAttributeType.String))
        .Json("pnfdInfoIds", "PnfdInfoIds", ("", SolAttributeType.String))
        .Json("nestedNsdInfoIds", "NestedNsdInfoIds", ("", SolAttributeType.String))
        .Json("userDefinedData", "UserDefinedData")
        .Json("onboardingFailureDetails", "OnboardingFailureDetails", ("status", SolAttributeType.Number), ("detail", SolAttributeType.String), ("title", SolAttributeType.String))
        .SortBy("CreatedAt", "Id")
        .Selectors(
            defaultExcluded: ["userDefinedData"],
            optionalComplex: [],
            topLevel: ["id", "nsdId", "nsdName", "nsdVersion", "nsdDesigner", "nsdInvariantId", "vnfPkgIds", "pnfdInfoIds", "nestedNsdInfoIds",
                "archiveSecurityOption", "signingCertificate", "artifacts", "nsdOnboardingState", "onboardingFailureDetails",
                "nsdOperationalState", "nsdUsageState", "_links"]);

    /// <summary>PnfdInfo for SOL013 queries (5.4.5.3.2: userDefinedData is excluded by default).</summary>
    public static readonly SolResource PnfdInfoResource = new SolResource("PnfdInfo")
        .Column("id", "Id")
        .Column("pnfdId", "PnfdId")
        .Column("pnfdName", "PnfdName")
        .Column("pnfdVersion", "PnfdVersion")
        .Column("pnfdProvider", "PnfdProvider")
        .Column("pnfdInvariantId", "PnfdInvariantId")
        .Column("pnfdOnboardingState", "PnfdOnboardingState", SolAttributeType.Enum)
        .Column("pnfdUsageState", "PnfdUsageState", SolAttributeType.Enum)
        .Json("userDefinedData", "UserDefinedData")
        .Json("onboardingFailureDetails", "OnboardingFailureDetails", ("status", SolAttributeType.Number), ("detail", SolAttributeType.String), ("title", SolAttributeType.String))
        .SortBy("CreatedAt", "Id")
        .Selectors(
            defaultExcluded: ["userDefinedData"],
            optionalComplex: [],
            topLevel: ["id", "pnfdId", "pnfdName", "pnfdVersion", "pnfdProvider", "pnfdInvariantId", "archiveSecurityOption", "signingCertificate",
                "artifacts", "pnfdOnboardingState", "onboardingFailureDetails", "pnfdUsageState", "_links"]);

    public static IEndpointRouteBuilder MapNsdManagementApiV2(this IEndpointRouteBuilder app)
    {
        var group = app.MapSolApi("nsd", "v2", NsdmApi.Version).WithTags("SOL005 NSD management");
        group.MapPost("/ns_descriptors", CreateAsync);
        group.MapGet("/ns_descriptors", ListAsync);
        group.MapGet("/ns_descriptors/{nsdInfoId}", GetAsync);
        group.MapPatch("/ns_descriptors/{nsdInfoId}", PatchAsync);
        group.MapDelete("/ns_descriptors/{nsdInfoId}", DeleteAsync);
        group.MapGet("/ns_descriptors/{nsdInfoId}/nsd_content", ContentAsync);
        group.MapPut("/ns_descriptors/{nsdInfoId}/nsd_content", UploadAsync);
        group.MapGet("/ns_descriptors/{nsdInfoId}/nsd", NsdAsync);
        group.MapGet("/ns_descriptors/{nsdInfoId}/manifest", ManifestAsync);
        group.MapGet("/ns_descriptors/{nsdInfoId}/artifacts/{**artifactPath}", ArtifactAsync);
        group.MapPnfDescriptors(); // PnfDescriptorsApi.cs
        group.MapNsdmSubscriptions();
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        var body = await request.ReadJsonAsync<CreateNsdInfoRequest>();
        var now = DateTime.UtcNow;
        var nsd = new NsDescriptor
        {
            Id = Guid.NewGuid().ToString(),
            TenantId = db.TenantId,
            NsdOnboardingState = NsdOnboardingState.Created,
            NsdOperationalState = NsdOperationalState.Disabled,
            NsdUsageState = NsdUsageState.NotInUse,
            UserDefinedData = body.UserDefinedData?.ToJsonString(SolJson.Options),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.NsDescriptors.Add(nsd);
        await db.SaveChangesAsync(ct);
        var info = ToInfo(nsd, request);
        return SolResults.Json(info, StatusCodes.Status201Created, info.Links.Self.Href).WithETag(ETagOf(nsd));
    }

    private static Task<IResult> ListAsync(HttpRequest request, NfvoDbContext db, CancellationToken ct) =>
        SolQuery.ListAsync(request, db.NsDescriptors.AsNoTracking(), NsdInfoResource, d => ToInfo(d, request), ct);

    private static async Task<IResult> GetAsync(string nsdInfoId, HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        var nsd = await FindAsync(db, nsdInfoId, tracked: false, ct);
        var etag = ETagOf(nsd);
        if (SolETag.IsNotModified(request, etag)) return Results.StatusCode(StatusCodes.Status304NotModified).WithETag(etag);
        return SolResults.Json(ToInfo(nsd, request)).WithETag(etag);
    }

    public static string ETagOf(NsDescriptor d) => SolETag.FromVersion(d.Id, d.Version);

    private static async Task<IResult> PatchAsync(string nsdInfoId, HttpRequest request, NfvoDbContext db, NsdmNotifier notifier, CancellationToken ct)
    {
        var patch = await ReadMergePatchAsync<NsdInfoModifications>(request, ct);
        if (patch is null || (patch.NsdOperationalState is null && patch.UserDefinedData is null))
            throw new BadRequestProblem("NsdInfoModifications needs nsdOperationalState or userDefinedData (SOL005 5.5.2.4).");
        if (patch.NsdOperationalState is not (null or NsdOperationalState.Enabled or NsdOperationalState.Disabled))
            throw new BadRequestProblem($"nsdOperationalState must be ENABLED or DISABLED, not \"{patch.NsdOperationalState}\".");

        var nsd = await FindAsync(db, nsdInfoId, tracked: true, ct);
        // SOL013 4.5 / SOL005 5.4.3.3.4: a conditional PATCH against a stale representation is 412.
        SolETag.CheckIfMatch(request, ETagOf(nsd));
        if (patch.NsdOperationalState is { } state)
        {
            if (nsd.NsdOnboardingState != NsdOnboardingState.Onboarded)
                throw new ConflictProblem($"NsdInfo {nsdInfoId} is {nsd.NsdOnboardingState}; only an ONBOARDED NSD can be enabled or disabled (SOL005 5.4.3.3.4).");
            if (nsd.NsdOperationalState == state)
                throw new ConflictProblem($"NsdInfo {nsdInfoId} is already {state}.");
            if (state == NsdOperationalState.Enabled)
            {
                // Enablement rule (issue 6): the referenced VNF packages, nested NSDs and PNFDs must still be usable.
                var files = await db.NsDescriptorFiles.AsNoTracking().Where(f => f.NsdInfoId == nsd.Id).ToListAsync(ct);
                var model = NsdCatalog.Parse(nsd, files);
                if (model is not null && (await NsdReferences.ResolveAsync(db, model, ct)).Problems is { Count: > 0 } problems)
                    throw new ConflictProblem($"NsdInfo {nsdInfoId} cannot be enabled: {string.Join("; ", problems)}.");
            }
            nsd.NsdOperationalState = state;
            await notifier.QueueNsdAsync(db, nsd, NsdmNotificationType.NsdChange, ct);
        }
        if (patch.UserDefinedData is { } data)
        {
            var current = nsd.UserDefinedData is null ? new JsonObject() : JsonNode.Parse(nsd.UserDefinedData)!.AsObject();
            VnfPackagesApi.MergePatch(current, data);
            nsd.UserDefinedData = current.ToJsonString(SolJson.Options);
        }
        nsd.UpdatedAt = DateTime.UtcNow;
        await SaveOrConflictAsync(db, nsd.Id, ct);
        return SolResults.Json(patch).WithETag(ETagOf(nsd));
    }

    private static async Task<IResult> DeleteAsync(string nsdInfoId, NfvoDbContext db, NsdmNotifier notifier, CancellationToken ct)
    {
        var nsd = await FindAsync(db, nsdInfoId, tracked: true, ct);
        // SOL005 5.4.3.3.5: only a DISABLED NSD that no NS instance uses can be deleted.
        if (nsd.NsdOperationalState == NsdOperationalState.Enabled)
            throw new ConflictProblem($"NsdInfo {nsdInfoId} is ENABLED; disable it first (SOL005 5.4.3.3.5).");
        if (nsd.NsdUsageState == NsdUsageState.InUse)
            throw new ConflictProblem($"NsdInfo {nsdInfoId} is IN_USE by NS instances (SOL005 5.4.3.3.5).");
        if (nsd.NsdOnboardingState == NsdOnboardingState.Uploading || nsd.NsdOnboardingState == NsdOnboardingState.Processing)
            throw new ConflictProblem($"NsdInfo {nsdInfoId} is {nsd.NsdOnboardingState}; wait until its onboarding ends.");
        await notifier.QueueNsdAsync(db, nsd, NsdmNotificationType.NsdDeletion, ct);
        db.NsDescriptors.Remove(nsd); // the archive and the NSD files go with it (ON DELETE CASCADE)
        await SaveOrConflictAsync(db, nsdInfoId, ct);
        NsdCatalog.Forget(nsd.TenantId, nsd.Id);
        return Results.NoContent();
    }

    // ------------------------------------------------------------------ content

    /// <summary>SOL005 5.4.4.3.2: the archive as uploaded, with single-range requests (206 / 416).</summary>
    private static async Task<IResult> ContentAsync(string nsdInfoId, HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        var nsd = await FindAsync(db, nsdInfoId, tracked: false, ct);
        RequireOnboarded(nsd); // 5.4.4.3.2: 409 when the nsdOnboardingState is not ONBOARDED
        var content = await db.NsDescriptorContents.AsNoTracking().SingleOrDefaultAsync(c => c.NsdInfoId == nsdInfoId, ct)
                      ?? throw new ConflictProblem($"NsdInfo {nsdInfoId} has no stored archive.");
        if (!VnfPackagesApi.Accepts(request, content.ContentType))
            throw new NotAcceptableProblem($"The archive of NsdInfo {nsdInfoId} is served as \"{content.ContentType}\".");
        return RangeContent.Serve(request, content.Content, content.ContentType);
    }

    /// <summary>
    /// SOL005 5.4.4.3.3: "application/zip" (a SOL007 NSD archive, or a CSAR whose entry is a SOL001 NSD) or a single
    /// YAML file ("text/plain"; "application/yaml" and "application/x-yaml" are taken as the same). UPLOADING while the
    /// body streams in, then PROCESSING with an <see cref="OnboardNsd"/> message in the outbox: 202.
    /// </summary>
    private static async Task<IResult> UploadAsync(string nsdInfoId, HttpRequest request, NfvoDbContext db, NfvoOptions options, CancellationToken ct)
    {
        var contentType = UploadContentType(request);
        var max = options.MaxPackageBytes;
        if (request.ContentLength > max) throw TooLarge(max);
        var nsd = await FindAsync(db, nsdInfoId, tracked: true, ct);
        if (!(nsd.NsdOnboardingState is NsdOnboardingState.Created or NsdOnboardingState.Error
              || (nsd.NsdOnboardingState == NsdOnboardingState.Uploading && DateTime.UtcNow - nsd.UpdatedAt > options.UploadStaleAfter)))
            throw new ConflictProblem($"NsdInfo {nsdInfoId} is {nsd.NsdOnboardingState}; content can be uploaded only while it is CREATED (or ERROR, to retry) (SOL005 5.4.4.3.3).");
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = max + 1;

        var (previousState, previousDetails) = (nsd.NsdOnboardingState, nsd.OnboardingFailureDetails);
        nsd.NsdOnboardingState = NsdOnboardingState.Uploading;
        nsd.UpdatedAt = DateTime.UtcNow;
        await SaveOrConflictAsync(db, nsd.Id, ct);
        byte[]? content;
        try
        {
            content = await PackageUpload.ReadBoundedAsync(request.Body, max, ct);
            if (content is null) throw TooLarge(max);
            if (contentType == NsdOnboarder.ZipContentType && !PackageUpload.LooksLikeZip(content))
                throw new BadRequestProblem("The NSD archive is not a ZIP archive (SOL007 clause 4.1); a single YAML NSD is uploaded as \"text/plain\".");
            if (contentType == NsdOnboarder.YamlContentType && PackageUpload.LooksLikeZip(content))
                throw new BadRequestProblem("The content is a ZIP archive; upload it as \"application/zip\".");
        }
        catch
        {
            nsd.NsdOnboardingState = previousState;
            nsd.OnboardingFailureDetails = previousDetails;
            nsd.UpdatedAt = DateTime.UtcNow;
            try { await db.SaveChangesAsync(CancellationToken.None); }
            catch (DbUpdateException) { /* changed meanwhile: nothing to restore */ }
            throw;
        }

        var now = DateTime.UtcNow;
        var stored = new NsDescriptorContent
        {
            NsdInfoId = nsdInfoId, TenantId = db.TenantId, Content = content, ContentType = contentType, Size = content.LongLength, UploadedAt = now,
        };
        if (await db.NsDescriptorContents.AnyAsync(c => c.NsdInfoId == nsdInfoId, ct)) db.NsDescriptorContents.Update(stored);
        else db.NsDescriptorContents.Add(stored);
        // Files of an earlier (failed) attempt are replaced by the next onboarding.
        db.NsDescriptorFiles.RemoveRange(await db.NsDescriptorFiles.Where(f => f.NsdInfoId == nsdInfoId).ToListAsync(ct));
        nsd.NsdOnboardingState = NsdOnboardingState.Processing;
        nsd.NsdOperationalState = NsdOperationalState.Disabled;
        nsd.OnboardingFailureDetails = null;
        nsd.Diagnostics = null;
        nsd.UpdatedAt = now;
        db.AddOutboxMessage(new OnboardNsd(db.TenantId, nsdInfoId));
        await SaveOrConflictAsync(db, nsdInfoId, ct);
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    /// <summary>The stored content type of an uploaded archive: application/zip or text/plain (single YAML); else 415.</summary>
    internal static string UploadContentType(HttpRequest request)
    {
        var type = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        return type switch
        {
            "application/zip" or "application/octet-stream" => NsdOnboarder.ZipContentType,
            "text/plain" or "application/yaml" or "application/x-yaml" or "text/yaml" => NsdOnboarder.YamlContentType,
            _ => throw new UnsupportedMediaTypeProblem(
                $"The archive must be \"application/zip\" (or a single YAML file as \"text/plain\"), not \"{request.ContentType ?? "(none)"}\" (SOL005 5.4.4.3.3)."),
        };
    }

    /// <summary>SOL005 5.4.4a.3.2: text/plain for a single-file NSD (without include_signatures), else a ZIP of its files.</summary>
    private static async Task<IResult> NsdAsync(string nsdInfoId, HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        var nsd = await FindAsync(db, nsdInfoId, tracked: false, ct);
        RequireOnboarded(nsd);
        var files = await db.NsDescriptorFiles.AsNoTracking().Where(f => f.NsdInfoId == nsdInfoId).OrderBy(f => f.Path).ToListAsync(ct);
        var yamlFiles = files.Where(f => f.Path != NsdOnboarder.MetaPath).ToList();
        var signatures = request.Query.ContainsKey(VnfPackagesApi.IncludeSignatures);
        var (wantsText, wantsZip) = VnfPackagesApi.Acceptable(request);
        if (wantsText && yamlFiles.Count == 1 && !signatures)
            return Results.Bytes(yamlFiles[0].Content, "text/plain");
        if (!wantsZip)
            throw new NotAcceptableProblem(signatures
                ? "With include_signatures the NSD is served only as \"application/zip\" (SOL005 5.4.4a.3.2)."
                : yamlFiles.Count == 1
                    ? "The NSD is served as \"text/plain\" or \"application/zip\"."
                    : $"The NSD of NsdInfo {nsdInfoId} has {yamlFiles.Count} files; it is served only as \"application/zip\" (SOL005 5.4.4a.3.2).");
        return Results.Bytes(VnfPackagesApi.Zip(files.Select(f => (f.Path, f.Content))), "application/zip");
    }

    /// <summary>SOL005 5.4.4b.3.2: the manifest as text/plain (with include_signatures, a ZIP holding it); 404 without one.</summary>
    private static async Task<IResult> ManifestAsync(string nsdInfoId, HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        var nsd = await FindAsync(db, nsdInfoId, tracked: false, ct);
        RequireOnboarded(nsd);
        if (nsd.ManifestPath is not { } path)
            throw new NotFoundProblem($"The archive of NsdInfo {nsdInfoId} has no manifest file.");
        var manifest = (await ReadEntriesAsync(db, nsdInfoId, [path], ct)).GetValueOrDefault(path)
                       ?? throw new NotFoundProblem($"The manifest {path} of NsdInfo {nsdInfoId} is not in its archive.");
        if (request.Query.ContainsKey(VnfPackagesApi.IncludeSignatures))
        {
            if (!VnfPackagesApi.Accepts(request, "application/zip"))
                throw new NotAcceptableProblem("With include_signatures the manifest is served as \"application/zip\" (SOL005 5.4.4b.3.2).");
            return Results.Bytes(VnfPackagesApi.Zip([(path, manifest)]), "application/zip");
        }
        if (!VnfPackagesApi.Accepts(request, "text/plain"))
            throw new NotAcceptableProblem("The manifest is served as \"text/plain\".");
        return Results.Bytes(manifest, "text/plain");
    }

    /// <summary>SOL005 5.4.4c.3.2: one artifact listed by the NsdInfo's artifacts (exact path), with Range.</summary>
    private static async Task<IResult> ArtifactAsync(string nsdInfoId, string artifactPath, HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        var nsd = await FindAsync(db, nsdInfoId, tracked: false, ct);
        RequireOnboarded(nsd);
        var artifacts = nsd.Artifacts is null ? [] : SolJson.Deserialize<List<NsdArchiveArtifactInfo>>(nsd.Artifacts);
        if (artifacts.All(a => a.ArtifactPath != artifactPath))
            throw new NotFoundProblem($"NsdInfo {nsdInfoId} has no artifact \"{artifactPath}\".");
        var content = (await ReadEntriesAsync(db, nsdInfoId, [artifactPath], ct)).GetValueOrDefault(artifactPath)
                      ?? throw new NotFoundProblem($"Artifact \"{artifactPath}\" is not in the archive of NsdInfo {nsdInfoId}.");
        var contentType = PackageArtifacts.ContentTypeOf(artifactPath);
        if (!VnfPackagesApi.Accepts(request, contentType))
            throw new NotAcceptableProblem($"Artifact \"{artifactPath}\" is served as \"{contentType}\".");
        return RangeContent.Serve(request, content, contentType);
    }

    private static async Task<Dictionary<string, byte[]>> ReadEntriesAsync(NfvoDbContext db, string nsdInfoId, IReadOnlyCollection<string> paths, CancellationToken ct)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var content = await db.NsDescriptorContents.AsNoTracking().SingleOrDefaultAsync(c => c.NsdInfoId == nsdInfoId, ct)
                      ?? throw new ConflictProblem($"NsdInfo {nsdInfoId} has no stored archive.");
        if (content.ContentType != NsdOnboarder.ZipContentType) return result;
        using var archive = new ZipArchive(new MemoryStream(content.Content, writable: false), ZipArchiveMode.Read);
        foreach (var entry in archive.Entries)
        {
            if (PackageArtifacts.Normalise(entry.FullName) is not { } path || !paths.Contains(path) || result.ContainsKey(path)) continue;
            if (entry.Length > content.Content.LongLength * 1000 || entry.Length > Array.MaxLength)
                throw new ConflictProblem($"\"{path}\" of NsdInfo {nsdInfoId} is too large to serve.");
            using var stream = entry.Open();
            using var ms = new MemoryStream((int)entry.Length);
            await stream.CopyToAsync(ms, ct);
            result[path] = ms.ToArray();
        }
        return result;
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>SOL005 5.5.2.2 NsdInfo.</summary>
    public static NsdInfo ToInfo(NsDescriptor d, HttpRequest request)
    {
        var self = request.Uri($"{NsdmApi.UriPrefix}/ns_descriptors/{d.Id}");
        var onboarded = d.NsdOnboardingState == NsdOnboardingState.Onboarded;
        return new NsdInfo
        {
            Id = d.Id,
            NsdId = d.NsdId,
            NsdName = d.NsdName,
            NsdVersion = d.NsdVersion,
            NsdDesigner = d.NsdDesigner,
            NsdInvariantId = d.NsdInvariantId,
            // 5.5.2.2 note 1: vnfPkgIds or nestedNsdInfoIds once onboarded (vnfPkgIds then, empty when the NSD has no VNF).
            VnfPkgIds = onboarded ? Ids(d.VnfPkgIds) : null,
            PnfdInfoIds = onboarded && Ids(d.PnfdInfoIds) is { Count: > 0 } pnfds ? pnfds : null,
            NestedNsdInfoIds = onboarded && Ids(d.NestedNsdInfoIds) is { Count: > 0 } nested ? nested : null,
            ArchiveSecurityOption = onboarded ? d.ArchiveSecurityOption : null,
            SigningCertificate = onboarded ? d.SigningCertificate : null,
            Artifacts = onboarded && d.Artifacts is not null && SolJson.Deserialize<List<NsdArchiveArtifactInfo>>(d.Artifacts) is { Count: > 0 } a ? a : null,
            NsdOnboardingState = d.NsdOnboardingState,
            OnboardingFailureDetails = d.OnboardingFailureDetails is null ? null : SolJson.Deserialize<ProblemDetails>(d.OnboardingFailureDetails),
            NsdOperationalState = d.NsdOperationalState,
            NsdUsageState = d.NsdUsageState,
            UserDefinedData = d.UserDefinedData is null ? null : JsonNode.Parse(d.UserDefinedData)?.AsObject(),
            Links = new NsdInfoLinks(new Link(self), new Link(self + "/nsd_content")),
        };
    }

    private static List<string> Ids(string? json) => json is null ? [] : JsonSerializer.Deserialize<List<string>>(json, SolJson.Options) ?? [];

    private static async Task<NsDescriptor> FindAsync(NfvoDbContext db, string nsdInfoId, bool tracked, CancellationToken ct)
    {
        var query = tracked ? db.NsDescriptors : db.NsDescriptors.AsNoTracking();
        return await query.SingleOrDefaultAsync(d => d.Id == nsdInfoId, ct)
               ?? throw new NotFoundProblem($"NS descriptor {nsdInfoId} does not exist.");
    }

    private static void RequireOnboarded(NsDescriptor nsd)
    {
        if (nsd.NsdOnboardingState != NsdOnboardingState.Onboarded)
            throw new ConflictProblem($"NsdInfo {nsd.Id} is {nsd.NsdOnboardingState}, not ONBOARDED.");
    }

    /// <summary>Reads an "application/merge-patch+json" body (415 for another type, 400 when malformed).</summary>
    internal static async Task<T?> ReadMergePatchAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (request.ContentType is null || !request.ContentType.StartsWith(VnfPackagesApi.MergePatchJson, StringComparison.OrdinalIgnoreCase))
            throw new UnsupportedMediaTypeProblem($"The request body must be \"{VnfPackagesApi.MergePatchJson}\", not \"{request.ContentType ?? "(none)"}\".");
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, SolJson.Options, ct);
        }
        catch (JsonException e)
        {
            throw new BadRequestProblem($"The request body is not a valid {typeof(T).Name}: {e.Message}");
        }
    }

    /// <summary>Saves; a concurrent change of the row (optimistic concurrency on Version) is 409 Conflict.</summary>
    internal static async Task SaveOrConflictAsync(NfvoDbContext db, string id, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictProblem($"Descriptor {id} was changed concurrently; read it again and retry.");
        }
    }

    internal static PayloadTooLargeProblem TooLarge(long max) =>
        new($"The archive exceeds the limit of {max} bytes (Nfvo:MaxPackageBytes).");
}
