using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mano.Nfvo;

// ETSI GS NFV-SOL 005 v3.7.1 clause 5, the PNF descriptor resources of /nsd/v2 (mapped by NsdManagementApi):
//   POST   /pnf_descriptors                                5.4.5.3.1  create
//   GET    /pnf_descriptors                                5.4.5.3.2  list (SOL013 filter, selectors, paging)
//   GET    /pnf_descriptors/{pnfdInfoId}                   5.4.6.3.2  read (ETag)
//   PATCH  /pnf_descriptors/{pnfdInfoId}                   5.4.6.3.4  userDefinedData (merge patch, If-Match -> 412)
//   DELETE /pnf_descriptors/{pnfdInfoId}                   5.4.6.3.5  delete (409 while IN_USE or referenced by an onboarded NSD)
//   GET    /pnf_descriptors/{pnfdInfoId}/pnfd_content      5.4.7.3.2  the archive as uploaded
//   PUT    /pnf_descriptors/{pnfdInfoId}/pnfd_content      5.4.7.3.3  upload (zip or a single YAML): 202, onboarding asynchronous
//   GET    /pnf_descriptors/{pnfdInfoId}/pnfd              5.4.7a.3.2 the PNFD's main template (text/plain)
//   GET    /pnf_descriptors/{pnfdInfoId}/manifest          5.4.7b     501 (not built)
//   GET    /pnf_descriptors/{pnfdInfoId}/artifacts/{path}  5.4.7c     501 (not built)
// What is built for PNFDs is what NSDs referencing PNFs need: the PNFD's identity (tosca.nodes.nfv.PNF properties).

public static class PnfDescriptorsApi
{
    public static RouteGroupBuilder MapPnfDescriptors(this RouteGroupBuilder group)
    {
        group.MapPost("/pnf_descriptors", CreateAsync);
        group.MapGet("/pnf_descriptors", ListAsync);
        group.MapGet("/pnf_descriptors/{pnfdInfoId}", GetAsync);
        group.MapPatch("/pnf_descriptors/{pnfdInfoId}", PatchAsync);
        group.MapDelete("/pnf_descriptors/{pnfdInfoId}", DeleteAsync);
        group.MapGet("/pnf_descriptors/{pnfdInfoId}/pnfd_content", ContentAsync);
        group.MapPut("/pnf_descriptors/{pnfdInfoId}/pnfd_content", UploadAsync);
        group.MapGet("/pnf_descriptors/{pnfdInfoId}/pnfd", PnfdAsync);
        group.MapGet("/pnf_descriptors/{pnfdInfoId}/manifest", NotBuilt);
        group.MapGet("/pnf_descriptors/{pnfdInfoId}/artifacts/{**artifactPath}", NotBuilt);
        return group;
    }

    private static IResult NotBuilt(string pnfdInfoId) =>
        throw new NotImplementedProblem("The manifest and artifacts of PNFD archives (SOL005 5.4.7b, 5.4.7c) are not implemented.");

    private static async Task<IResult> CreateAsync(HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        var body = await request.ReadJsonAsync<CreatePnfdInfoRequest>();
        var now = DateTime.UtcNow;
        var pnfd = new PnfDescriptor
        {
            Id = Guid.NewGuid().ToString(),
            TenantId = db.TenantId,
            PnfdOnboardingState = NsdOnboardingState.Created,
            PnfdUsageState = NsdUsageState.NotInUse,
            UserDefinedData = body.UserDefinedData?.ToJsonString(SolJson.Options),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.PnfDescriptors.Add(pnfd);
        await db.SaveChangesAsync(ct);
        var info = ToInfo(pnfd, request);
        return SolResults.Json(info, StatusCodes.Status201Created, info.Links.Self.Href).WithETag(ETagOf(pnfd));
    }

    private static Task<IResult> ListAsync(HttpRequest request, NfvoDbContext db, CancellationToken ct) =>
        SolQuery.ListAsync(request, db.PnfDescriptors.AsNoTracking(), NsdManagementApi.PnfdInfoResource, d => ToInfo(d, request), ct);

    private static async Task<IResult> GetAsync(string pnfdInfoId, HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        var pnfd = await FindAsync(db, pnfdInfoId, tracked: false, ct);
        var etag = ETagOf(pnfd);
        if (SolETag.IsNotModified(request, etag)) return Results.StatusCode(StatusCodes.Status304NotModified).WithETag(etag);
        return SolResults.Json(ToInfo(pnfd, request)).WithETag(etag);
    }

    public static string ETagOf(PnfDescriptor d) => SolETag.FromVersion(d.Id, d.Version);

    private static async Task<IResult> PatchAsync(string pnfdInfoId, HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        var patch = await NsdManagementApi.ReadMergePatchAsync<PnfdInfoModifications>(request, ct);
        if (patch?.UserDefinedData is not { } data)
            throw new BadRequestProblem("PnfdInfoModifications needs userDefinedData (SOL005 5.5.2.7).");
        var pnfd = await FindAsync(db, pnfdInfoId, tracked: true, ct);
        SolETag.CheckIfMatch(request, ETagOf(pnfd));
        var current = pnfd.UserDefinedData is null ? new JsonObject() : JsonNode.Parse(pnfd.UserDefinedData)!.AsObject();
        VnfPackagesApi.MergePatch(current, data);
        pnfd.UserDefinedData = current.ToJsonString(SolJson.Options);
        pnfd.UpdatedAt = DateTime.UtcNow;
        await NsdManagementApi.SaveOrConflictAsync(db, pnfd.Id, ct);
        return SolResults.Json(patch).WithETag(ETagOf(pnfd));
    }

    private static async Task<IResult> DeleteAsync(string pnfdInfoId, NfvoDbContext db, NsdmNotifier notifier, CancellationToken ct)
    {
        var pnfd = await FindAsync(db, pnfdInfoId, tracked: true, ct);
        if (pnfd.PnfdUsageState == NsdUsageState.InUse)
            throw new ConflictProblem($"PnfdInfo {pnfdInfoId} is IN_USE (SOL005 5.4.6.3.5).");
        if (pnfd.PnfdOnboardingState is NsdOnboardingState.Uploading or NsdOnboardingState.Processing)
            throw new ConflictProblem($"PnfdInfo {pnfdInfoId} is {pnfd.PnfdOnboardingState}; wait until its onboarding ends.");
        // An onboarded NSD that references the PNFD would lose a constituent.
        var users = (await db.NsDescriptors.AsNoTracking().Where(d => d.PnfdInfoIds != null && d.NsdOnboardingState == NsdOnboardingState.Onboarded)
                .Select(d => new { d.Id, d.PnfdInfoIds }).ToListAsync(ct))
            .Where(d => JsonSerializer.Deserialize<List<string>>(d.PnfdInfoIds!, SolJson.Options)!.Contains(pnfd.Id)).Select(d => d.Id).ToList();
        if (users.Count > 0)
            throw new ConflictProblem($"PnfdInfo {pnfdInfoId} is referenced by the onboarded NSDs {string.Join(", ", users)}; delete them first.");
        await notifier.QueuePnfdAsync(db, pnfd, NsdmNotificationType.PnfdDeletion, ct);
        db.PnfDescriptors.Remove(pnfd);
        await NsdManagementApi.SaveOrConflictAsync(db, pnfdInfoId, ct);
        return Results.NoContent();
    }

    private static async Task<IResult> ContentAsync(string pnfdInfoId, HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        var pnfd = await FindAsync(db, pnfdInfoId, tracked: false, ct);
        RequireOnboarded(pnfd);
        var content = await db.PnfDescriptorContents.AsNoTracking().SingleOrDefaultAsync(c => c.PnfdInfoId == pnfdInfoId, ct)
                      ?? throw new ConflictProblem($"PnfdInfo {pnfdInfoId} has no stored archive.");
        if (!VnfPackagesApi.Accepts(request, content.ContentType))
            throw new NotAcceptableProblem($"The archive of PnfdInfo {pnfdInfoId} is served as \"{content.ContentType}\".");
        return RangeContent.Serve(request, content.Content, content.ContentType);
    }

    private static async Task<IResult> UploadAsync(string pnfdInfoId, HttpRequest request, NfvoDbContext db, NfvoOptions options, CancellationToken ct)
    {
        var contentType = NsdManagementApi.UploadContentType(request);
        var max = options.MaxPackageBytes;
        if (request.ContentLength > max) throw NsdManagementApi.TooLarge(max);
        var pnfd = await FindAsync(db, pnfdInfoId, tracked: true, ct);
        if (pnfd.PnfdOnboardingState is not (NsdOnboardingState.Created or NsdOnboardingState.Error))
            throw new ConflictProblem($"PnfdInfo {pnfdInfoId} is {pnfd.PnfdOnboardingState}; content can be uploaded only while it is CREATED (or ERROR, to retry) (SOL005 5.4.7.3.3).");
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = max + 1;
        var content = await PackageUpload.ReadBoundedAsync(request.Body, max, ct) ?? throw NsdManagementApi.TooLarge(max);
        if (contentType == NsdOnboarder.ZipContentType && !PackageUpload.LooksLikeZip(content))
            throw new BadRequestProblem("The PNFD archive is not a ZIP archive; a single YAML PNFD is uploaded as \"text/plain\".");
        var now = DateTime.UtcNow;
        var stored = new PnfDescriptorContent
        {
            PnfdInfoId = pnfdInfoId, TenantId = db.TenantId, Content = content, ContentType = contentType, Size = content.LongLength, UploadedAt = now,
        };
        if (await db.PnfDescriptorContents.AnyAsync(c => c.PnfdInfoId == pnfdInfoId, ct)) db.PnfDescriptorContents.Update(stored);
        else db.PnfDescriptorContents.Add(stored);
        pnfd.PnfdOnboardingState = NsdOnboardingState.Processing;
        pnfd.OnboardingFailureDetails = null;
        pnfd.Diagnostics = null;
        pnfd.UpdatedAt = now;
        db.AddOutboxMessage(new OnboardPnfd(db.TenantId, pnfdInfoId));
        await NsdManagementApi.SaveOrConflictAsync(db, pnfdInfoId, ct);
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    /// <summary>SOL005 5.4.7a.3.2: the PNFD's main template as text/plain.</summary>
    private static async Task<IResult> PnfdAsync(string pnfdInfoId, HttpRequest request, NfvoDbContext db, CancellationToken ct)
    {
        var pnfd = await FindAsync(db, pnfdInfoId, tracked: false, ct);
        RequireOnboarded(pnfd);
        var content = await db.PnfDescriptorContents.AsNoTracking().SingleOrDefaultAsync(c => c.PnfdInfoId == pnfdInfoId, ct)
                      ?? throw new ConflictProblem($"PnfdInfo {pnfdInfoId} has no stored archive.");
        var (_, yaml, _) = PnfdOnboarder.MainTemplate(content.Content, content.ContentType);
        if (!VnfPackagesApi.Accepts(request, "text/plain"))
            throw new NotAcceptableProblem("The PNFD is served as \"text/plain\".");
        return Results.Bytes(yaml ?? [], "text/plain");
    }

    public static PnfdInfo ToInfo(PnfDescriptor d, HttpRequest request)
    {
        var self = request.Uri($"{NsdmApi.UriPrefix}/pnf_descriptors/{d.Id}");
        return new PnfdInfo
        {
            Id = d.Id,
            PnfdId = d.PnfdId,
            PnfdName = d.PnfdName,
            PnfdVersion = d.PnfdVersion,
            PnfdProvider = d.PnfdProvider,
            PnfdInvariantId = d.PnfdInvariantId,
            PnfdOnboardingState = d.PnfdOnboardingState,
            OnboardingFailureDetails = d.OnboardingFailureDetails is null ? null : SolJson.Deserialize<ProblemDetails>(d.OnboardingFailureDetails),
            PnfdUsageState = d.PnfdUsageState,
            UserDefinedData = d.UserDefinedData is null ? null : JsonNode.Parse(d.UserDefinedData)?.AsObject(),
            Links = new PnfdInfoLinks(new Link(self), new Link(self + "/pnfd_content")),
        };
    }

    private static async Task<PnfDescriptor> FindAsync(NfvoDbContext db, string pnfdInfoId, bool tracked, CancellationToken ct)
    {
        var query = tracked ? db.PnfDescriptors : db.PnfDescriptors.AsNoTracking();
        return await query.SingleOrDefaultAsync(d => d.Id == pnfdInfoId, ct)
               ?? throw new NotFoundProblem($"PNF descriptor {pnfdInfoId} does not exist.");
    }

    private static void RequireOnboarded(PnfDescriptor d)
    {
        if (d.PnfdOnboardingState != NsdOnboardingState.Onboarded)
            throw new ConflictProblem($"PnfdInfo {d.Id} is {d.PnfdOnboardingState}, not ONBOARDED.");
    }
}

/// <summary>
/// Onboards a PNFD archive (SOL005 5.4.7.3.3): reads the main template (TOSCA.meta Entry-Definitions, the single root
/// YAML of a ZIP, or the uploaded YAML) and takes the PNFD's identity from its tosca.nodes.nfv.PNF node template
/// (descriptor_id, name, version, provider, descriptor_invariant_id: SOL001 6.8). No further TOSCA validation.
/// </summary>
public sealed class PnfdOnboarder(NfvoDbContext db, NsdmNotifier notifier)
{
    public async Task<OnboardingOutcome> OnboardAsync(string pnfdInfoId, CancellationToken ct)
    {
        var pnfd = await db.PnfDescriptors.SingleOrDefaultAsync(p => p.Id == pnfdInfoId, ct);
        if (pnfd is null || pnfd.PnfdOnboardingState != NsdOnboardingState.Processing) return OnboardingOutcome.Ignored;
        var content = await db.PnfDescriptorContents.AsNoTracking().SingleOrDefaultAsync(c => c.PnfdInfoId == pnfdInfoId, ct);
        if (content is null) return await FailAsync(pnfd, "The PNFD archive is missing (upload it again).", ct);
        var (path, yaml, problem) = MainTemplate(content.Content, content.ContentType);
        if (yaml is null) return await FailAsync(pnfd, problem ?? "The archive has no PNFD template.", ct);

        YamlMappingNode? pnfNode = null;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(Encoding.UTF8.GetString(yaml)));
            var templates = Child(Child(stream.Documents.FirstOrDefault()?.RootNode, "topology_template"), "node_templates") as YamlMappingNode;
            foreach (var node in templates?.Children.Values ?? [])
                if (Child(node, "properties") is YamlMappingNode props && Child(props, "descriptor_id") is not null
                    && Child(props, "function_description") is not null)
                {
                    pnfNode = props;
                    break;
                }
        }
        catch (YamlException e)
        {
            return await FailAsync(pnfd, $"{path}:{e.Start.Line}:{e.Start.Column}: yaml.syntax: {e.Message}", ct);
        }
        if (pnfNode is null)
            return await FailAsync(pnfd, $"{path}: no tosca.nodes.nfv.PNF node template (with descriptor_id and function_description) in topology_template.node_templates (SOL001 6.8).", ct);
        string? Prop(string name) => (Child(pnfNode, name) as YamlScalarNode)?.Value;
        var pnfdId = Prop("descriptor_id")!;
        var duplicate = await db.PnfDescriptors.AsNoTracking()
            .AnyAsync(d => d.PnfdId == pnfdId && d.Id != pnfdInfoId && d.PnfdOnboardingState == NsdOnboardingState.Onboarded, ct);
        if (duplicate) return await FailAsync(pnfd, $"pnfdId {pnfdId} is already onboarded", ct);

        pnfd.PnfdOnboardingState = NsdOnboardingState.Onboarded;
        pnfd.PnfdId = pnfdId;
        pnfd.PnfdName = Prop("name");
        pnfd.PnfdVersion = Prop("version");
        pnfd.PnfdProvider = Prop("provider");
        pnfd.PnfdInvariantId = Prop("descriptor_invariant_id");
        pnfd.EntryDefinitions = path;
        pnfd.UpdatedAt = DateTime.UtcNow;
        await notifier.QueuePnfdAsync(db, pnfd, NsdmNotificationType.PnfdOnBoarding, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return OnboardingOutcome.Ignored; // changed concurrently, or the same pnfdId onboarded meanwhile (unique index)
        }
        return OnboardingOutcome.Onboarded;
    }

    /// <summary>(path, content, problem): the PNFD's main template of a ZIP (TOSCA.meta Entry-Definitions or the one root YAML) or the YAML itself.</summary>
    internal static (string Path, byte[]? Yaml, string? Problem) MainTemplate(byte[] content, string contentType)
    {
        if (contentType == NsdOnboarder.YamlContentType) return (NsdOnboarder.SingleYamlPath, content, null);
        try
        {
            using var archive = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
            string? entry = null;
            if (archive.GetEntry(NsdOnboarder.MetaPath) is { } meta)
            {
                using var reader = new StreamReader(meta.Open());
                while (reader.ReadLine() is { } line)
                    if (line.StartsWith("Entry-Definitions:", StringComparison.Ordinal)) entry = line["Entry-Definitions:".Length..].Trim();
            }
            entry ??= archive.Entries.Select(e => e.FullName)
                .Where(n => !n.Contains('/') && (n.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || n.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)))
                .Order(StringComparer.Ordinal).FirstOrDefault();
            if (entry is null || archive.GetEntry(entry) is not { } e2) return (entry ?? "", null, "The PNFD archive has no Entry-Definitions and no root YAML file.");
            if (e2.Length > CsarLimitsMaxYaml) return (entry, null, $"{entry} is too large.");
            using var s = e2.Open();
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            return (entry, ms.ToArray(), null);
        }
        catch (InvalidDataException e)
        {
            return ("", null, $"The PNFD archive is not a readable ZIP: {e.Message}");
        }
    }

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private const long CsarLimitsMaxYaml = 16L << 20;

    private async Task<OnboardingOutcome> FailAsync(PnfDescriptor pnfd, string detail, CancellationToken ct)
    {
        pnfd.PnfdOnboardingState = NsdOnboardingState.Error;
        pnfd.PnfdId = null;
        pnfd.OnboardingFailureDetails = JsonSerializer.Serialize(new ProblemDetails { Status = 422, Title = "PNFD onboarding failed", Detail = detail }, SolJson.Options);
        pnfd.UpdatedAt = DateTime.UtcNow;
        await notifier.QueuePnfdAsync(db, pnfd, NsdmNotificationType.PnfdOnBoardingFailure, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return OnboardingOutcome.Ignored;
        }
        return OnboardingOutcome.Failed;
    }
}

/// <summary>Consumes <see cref="OnboardPnfd"/> (written to the outbox by PUT .../pnfd_content).</summary>
public sealed class OnboardPnfdConsumer(TenantContext tenant, PnfdOnboarder onboarder) : IConsumer<OnboardPnfd>
{
    public async Task Consume(ConsumeContext<OnboardPnfd> context)
    {
        tenant.Set(context.Message.TenantId);
        await onboarder.OnboardAsync(context.Message.PnfdInfoId, context.CancellationToken);
    }
}
