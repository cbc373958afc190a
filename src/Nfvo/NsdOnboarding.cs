using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.Tosca;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Mano.Nfvo;

/// <summary>
/// SOL005 5.4.4.3.3 asynchronous onboarding of an NSD archive: a SOL007 NSD archive (the CSAR layout of SOL004, read by
/// <see cref="CsarReader"/>) or a single YAML file (read by <see cref="NsdParser"/>). The NsdInfo moves from PROCESSING
/// to ONBOARDED/ENABLED, or to ERROR with <c>onboardingFailureDetails</c> naming the Tosca diagnostics
/// (file:line:column). Enablement rule (issue 6): every VNFD the NSD references must be an ONBOARDED and ENABLED VNF
/// package of the tenant, every nested NSD an ONBOARDED and ENABLED NsdInfo, every PNFD an ONBOARDED PnfdInfo.
/// Idempotent: a message for an NsdInfo that is not PROCESSING is ignored.
/// </summary>
public sealed partial class NsdOnboarder(NfvoDbContext db, NsdmNotifier notifier, ILogger<NsdOnboarder> logger)
{
    public const string MetaPath = "TOSCA-Metadata/TOSCA.meta";
    public const string YamlContentType = "text/plain";
    public const string ZipContentType = "application/zip";

    /// <summary>The name a single-YAML NSD is stored and parsed under (its diagnostics name this file).</summary>
    public const string SingleYamlPath = "nsd.yaml";

    public async Task<OnboardingOutcome> OnboardAsync(string nsdInfoId, CancellationToken ct)
    {
        var nsd = await db.NsDescriptors.SingleOrDefaultAsync(p => p.Id == nsdInfoId, ct);
        if (nsd is null || nsd.NsdOnboardingState != NsdOnboardingState.Processing)
        {
            LogIgnored(nsdInfoId, nsd?.NsdOnboardingState ?? "(absent)");
            return OnboardingOutcome.Ignored;
        }
        var content = await db.NsDescriptorContents.AsNoTracking().SingleOrDefaultAsync(c => c.NsdInfoId == nsdInfoId, ct);
        if (content is null)
            return await FailAsync(nsd, [], "The NSD archive is missing (upload it again).", ct);

        Read read;
        try
        {
            read = ReadArchive(content.Content, content.ContentType);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A reader defect must not leave the NsdInfo in PROCESSING for ever.
            LogReaderFailed(e, nsdInfoId);
            return await FailAsync(nsd, [], $"The NSD archive could not be read: {e.Message}", ct);
        }
        var diagnostics = read.Diagnostics.Select(PackageDiagnostic.From).ToList();
        var errors = diagnostics.Where(d => d.Severity == "error").ToList();
        if (errors.Count > 0)
            return await FailAsync(nsd, diagnostics, string.Join("; ", errors), ct);
        if (read.Nsd is not { } model)
            return await FailAsync(nsd, diagnostics, read.NotAnNsd ?? "The archive holds no NSD (SOL001 tosca.nodes.nfv.NS node template).", ct);

        var duplicate = await db.NsDescriptors.AsNoTracking()
            .Where(d => d.NsdId == model.DescriptorId && d.Id != nsdInfoId && d.NsdOnboardingState == NsdOnboardingState.Onboarded)
            .Select(d => d.Id).FirstOrDefaultAsync(ct);
        if (duplicate is not null)
            return await FailAsync(nsd, diagnostics, $"nsdId {model.DescriptorId} is already onboarded as NsdInfo {duplicate}", ct);

        // Enablement rule: the constituents must be onboarded (and enabled) first.
        var refs = await NsdReferences.ResolveAsync(db, model, ct);
        if (refs.Problems.Count > 0)
            return await FailAsync(nsd, diagnostics, string.Join("; ", refs.Problems), ct);

        var now = DateTime.UtcNow;
        nsd.NsdOnboardingState = NsdOnboardingState.Onboarded;
        nsd.NsdOperationalState = NsdOperationalState.Enabled;
        nsd.NsdId = model.DescriptorId;
        nsd.NsdName = model.Name;
        nsd.NsdVersion = model.Version;
        nsd.NsdDesigner = model.Designer;
        nsd.NsdInvariantId = model.InvariantId;
        nsd.VnfdIds = JsonSerializer.Serialize(model.Vnfs.Select(v => v.VnfdId).Distinct().ToList(), SolJson.Options);
        nsd.VnfPkgIds = JsonSerializer.Serialize(refs.VnfPkgIds, SolJson.Options);
        nsd.PnfdInfoIds = JsonSerializer.Serialize(refs.PnfdInfoIds, SolJson.Options);
        nsd.NestedNsdInfoIds = JsonSerializer.Serialize(refs.NestedNsdInfoIds, SolJson.Options);
        nsd.ArchiveSecurityOption = read.Security == PackageSecurityStatus.Verified ? PackageSecurityOption.Option1 : null;
        nsd.Artifacts = JsonSerializer.Serialize(read.Artifacts, SolJson.Options);
        nsd.EntryDefinitions = read.Entry;
        nsd.ManifestPath = read.ManifestPath;
        nsd.Diagnostics = JsonSerializer.Serialize(diagnostics, SolJson.Options);
        nsd.OnboardingFailureDetails = null;
        nsd.UpdatedAt = now;
        foreach (var (path, bytes) in read.NsdFiles)
            db.NsDescriptorFiles.Add(new NsDescriptorFile { NsdInfoId = nsd.Id, Path = path, TenantId = nsd.TenantId, Content = bytes });
        await notifier.QueueNsdAsync(db, nsd, NsdmNotificationType.NsdOnBoarding, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            LogLostRace(nsdInfoId);
            return OnboardingOutcome.Ignored;
        }
        catch (DbUpdateException)
        {
            // Most likely the unique (tenant, nsdId) index: another NsdInfo of this NSD onboarded concurrently.
            db.ChangeTracker.Clear();
            var again = await db.NsDescriptors.SingleOrDefaultAsync(p => p.Id == nsdInfoId, ct);
            if (again is null || again.NsdOnboardingState != NsdOnboardingState.Processing) return OnboardingOutcome.Ignored;
            return await FailAsync(again, diagnostics, $"nsdId {model.DescriptorId} was onboarded concurrently by another NsdInfo", ct);
        }
        LogOnboarded(nsdInfoId, model.DescriptorId, diagnostics.Count);
        return OnboardingOutcome.Onboarded;
    }

    /// <summary>What an archive holds: the NSD, its files, artifacts and the reader's findings.</summary>
    internal sealed record Read(Nsd? Nsd, IReadOnlyList<Diagnostic> Diagnostics, string Entry, IReadOnlyList<(string Path, byte[] Content)> NsdFiles,
        IReadOnlyList<NsdArchiveArtifactInfo> Artifacts, string? ManifestPath, PackageSecurityStatus Security, string? NotAnNsd);

    internal static Read ReadArchive(byte[] content, string contentType)
    {
        if (contentType == YamlContentType)
        {
            // SOL005 5.4.4.3.3: a single file (the NSD without TOSCA-Metadata) as text/plain.
            var parsed = NsdParser.Parse(new Dictionary<string, byte[]> { [SingleYamlPath] = content }, SingleYamlPath);
            return new Read(parsed.Nsd, parsed.Diagnostics, SingleYamlPath, [(SingleYamlPath, content)], [], null, PackageSecurityStatus.Unsigned, null);
        }
        using var stream = new MemoryStream(content, writable: false);
        var result = CsarReader.Read(stream);
        var csar = result.Package;
        if (csar is null) return new Read(null, result.Diagnostics, "", [], [], null, PackageSecurityStatus.Unsigned, null);
        if (csar.Nsd is null)
            return new Read(null, result.Diagnostics, csar.EntryDefinitions, [], [], csar.Manifest?.Path, csar.Security.Status,
                csar.Vnfd is not null
                    ? $"The archive's entry definitions '{csar.EntryDefinitions}' describe a VNF, not an NS: upload it as a VNF package (/vnfpkgm/v2)."
                    : null);
        var nsdPaths = new SortedSet<string>(csar.VnfdFilePaths, StringComparer.Ordinal); // the reader's "VNFD" paths are the NSD's files here
        if (csar.FilePaths.Contains(MetaPath)) nsdPaths.Add(MetaPath);
        var files = nsdPaths.Select(p => (p, csar.ReadFile(p))).ToList();
        // SOL005 5.5.3.5: every other file of the archive (not the NSD, TOSCA.meta, the manifest or security material) is an artifact.
        var excluded = new HashSet<string>(nsdPaths, StringComparer.Ordinal);
        if (csar.Manifest?.Path is { } mf) excluded.Add(mf);
        var artifacts = csar.FilePaths
            .Where(p => !excluded.Contains(p) && !p.StartsWith("TOSCA-Metadata/", StringComparison.Ordinal)
                        && !p.EndsWith(".cert", StringComparison.OrdinalIgnoreCase) && !p.EndsWith(".sig.cms", StringComparison.OrdinalIgnoreCase))
            .Select(p => new NsdArchiveArtifactInfo
            {
                ArtifactPath = p,
                Checksum = new Checksum(VnfPackageOnboarder.ChecksumAlgorithm, Convert.ToHexStringLower(SHA256.HashData(csar.ReadFile(p)))),
            })
            .ToList();
        return new Read(csar.Nsd, result.Diagnostics, csar.EntryDefinitions, files, artifacts, csar.Manifest?.Path, csar.Security.Status, null);
    }

    private async Task<OnboardingOutcome> FailAsync(NsDescriptor nsd, IReadOnlyList<PackageDiagnostic> diagnostics, string detail, CancellationToken ct)
    {
        nsd.NsdOnboardingState = NsdOnboardingState.Error;
        nsd.NsdOperationalState = NsdOperationalState.Disabled;
        nsd.NsdUsageState = NsdUsageState.NotInUse;
        nsd.NsdId = null;
        nsd.Diagnostics = JsonSerializer.Serialize(diagnostics, SolJson.Options);
        nsd.OnboardingFailureDetails = JsonSerializer.Serialize(new ProblemDetails
        {
            Status = 422,
            Title = "NSD onboarding failed",
            Detail = detail,
        }, SolJson.Options);
        nsd.UpdatedAt = DateTime.UtcNow;
        await notifier.QueueNsdAsync(db, nsd, NsdmNotificationType.NsdOnboardingFailure, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            LogLostRace(nsd.Id);
            return OnboardingOutcome.Ignored;
        }
        LogFailed(nsd.Id, detail);
        return OnboardingOutcome.Failed;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Onboarding of NsdInfo {NsdInfoId} ignored: state {State}")]
    private partial void LogIgnored(string nsdInfoId, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "NsdInfo {NsdInfoId} onboarded (nsdId {NsdId}, {Diagnostics} diagnostics)")]
    private partial void LogOnboarded(string nsdInfoId, string nsdId, int diagnostics);

    [LoggerMessage(Level = LogLevel.Information, Message = "NsdInfo {NsdInfoId} failed onboarding: {Detail}")]
    private partial void LogFailed(string nsdInfoId, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "NsdInfo {NsdInfoId} was changed concurrently; this onboarding attempt stands down")]
    private partial void LogLostRace(string nsdInfoId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading the archive of NsdInfo {NsdInfoId} threw")]
    private partial void LogReaderFailed(Exception e, string nsdInfoId);
}

/// <summary>The constituents an NSD references, resolved against the tenant's catalogue (the enablement rule of issue 6).</summary>
public sealed record NsdReferenceResolution(IReadOnlyList<string> VnfPkgIds, IReadOnlyList<string> PnfdInfoIds,
    IReadOnlyList<string> NestedNsdInfoIds, IReadOnlyList<string> Problems);

public static class NsdReferences
{
    /// <summary>
    /// Every VNFD (vnfd_id of the NSD's VNF nodes) must be an ONBOARDED and ENABLED VNF package, every nested NSD an
    /// ONBOARDED and ENABLED NsdInfo, every PNFD an ONBOARDED PnfdInfo; each problem names the missing or disabled ids.
    /// </summary>
    public static async Task<NsdReferenceResolution> ResolveAsync(NfvoDbContext db, Nsd nsd, CancellationToken ct)
    {
        var problems = new List<string>();
        var vnfdIds = nsd.Vnfs.Select(v => v.VnfdId).Distinct(StringComparer.Ordinal).ToList();
        var packages = await db.VnfPackages.AsNoTracking()
            .Where(p => p.VnfdId != null && vnfdIds.Contains(p.VnfdId) && p.OnboardingState == PackageOnboardingState.Onboarded)
            .Select(p => new { p.Id, p.VnfdId, p.OperationalState }).ToListAsync(ct);
        var missing = vnfdIds.Where(id => packages.All(p => p.VnfdId != id)).ToList();
        var disabled = packages.Where(p => p.OperationalState != PackageOperationalState.Enabled).Select(p => p.VnfdId!).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            problems.Add($"no onboarded VNF package has vnfdId {string.Join(", ", missing)} (VNF {string.Join(", ", nsd.Vnfs.Where(v => missing.Contains(v.VnfdId)).Select(v => v.Id))})");
        if (disabled.Count > 0)
            problems.Add($"the VNF packages of vnfdId {string.Join(", ", disabled)} are DISABLED");

        var nestedIds = nsd.NestedNss.Select(n => n.NsdId).Distinct(StringComparer.Ordinal).ToList();
        var nested = await db.NsDescriptors.AsNoTracking()
            .Where(d => d.NsdId != null && nestedIds.Contains(d.NsdId) && d.NsdOnboardingState == NsdOnboardingState.Onboarded)
            .Select(d => new { d.Id, d.NsdId, d.NsdOperationalState }).ToListAsync(ct);
        var missingNested = nestedIds.Where(id => nested.All(n => n.NsdId != id)).ToList();
        var disabledNested = nested.Where(n => n.NsdOperationalState != NsdOperationalState.Enabled).Select(n => n.NsdId!).ToList();
        if (missingNested.Count > 0) problems.Add($"no onboarded NSD has nsdId {string.Join(", ", missingNested)} (nested NS)");
        if (disabledNested.Count > 0) problems.Add($"the nested NSDs {string.Join(", ", disabledNested)} are DISABLED");

        var pnfdIds = nsd.Pnfs.Select(p => p.PnfdId).Distinct(StringComparer.Ordinal).ToList();
        var pnfds = await db.PnfDescriptors.AsNoTracking()
            .Where(d => d.PnfdId != null && pnfdIds.Contains(d.PnfdId) && d.PnfdOnboardingState == NsdOnboardingState.Onboarded)
            .Select(d => new { d.Id, d.PnfdId }).ToListAsync(ct);
        var missingPnfds = pnfdIds.Where(id => pnfds.All(p => p.PnfdId != id)).ToList();
        if (missingPnfds.Count > 0) problems.Add($"no onboarded PNFD has pnfdId {string.Join(", ", missingPnfds)}");

        return new NsdReferenceResolution(
            vnfdIds.Select(id => packages.FirstOrDefault(p => p.VnfdId == id)?.Id).OfType<string>().ToList(),
            pnfdIds.Select(id => pnfds.FirstOrDefault(p => p.PnfdId == id)?.Id).OfType<string>().ToList(),
            nestedIds.Select(id => nested.FirstOrDefault(n => n.NsdId == id)?.Id).OfType<string>().ToList(),
            problems);
    }
}

/// <summary>Consumes <see cref="OnboardNsd"/> (written to the outbox by PUT .../nsd_content).</summary>
public sealed class OnboardNsdConsumer(TenantContext tenant, NsdOnboarder onboarder) : IConsumer<OnboardNsd>
{
    public async Task Consume(ConsumeContext<OnboardNsd> context)
    {
        tenant.Set(context.Message.TenantId);
        await onboarder.OnboardAsync(context.Message.NsdInfoId, context.CancellationToken);
    }
}
