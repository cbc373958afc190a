using System.Security.Cryptography;
using System.Text.Json;
using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.Tosca;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Mano.Nfvo;

/// <summary>One finding of the CSAR reader as kept on the package (for display by the portal and the CLI).</summary>
public sealed record PackageDiagnostic(string Severity, string Code, string File, int Line, int Column, string Message)
{
    public static PackageDiagnostic From(Diagnostic d) => new(
        d.Severity switch { Tosca.Severity.Error => "error", Tosca.Severity.Warning => "warning", _ => "info" },
        d.Code, d.File, d.Line, d.Column, d.Message);

    /// <summary>"file:line:col: code: message" (line and column omitted when unknown, "&lt;package&gt;" when no file).</summary>
    public override string ToString()
    {
        var where = string.IsNullOrEmpty(File) ? "<package>" : File;
        if (Line > 0) where += Column > 0 ? $":{Line}:{Column}" : $":{Line}";
        return $"{where}: {Code}: {Message}";
    }
}

/// <summary>What an onboarding attempt ended in.</summary>
public enum OnboardingOutcome
{
    /// <summary>The package was not in PROCESSING (absent, already done, or another replica finished first).</summary>
    Ignored,
    Onboarded,
    Failed,
}

/// <summary>
/// SOL005 10.4.5.3.3 asynchronous onboarding: reads the uploaded CSAR (SOL004) with <see cref="CsarReader"/> and moves
/// the package from PROCESSING to ONBOARDED/ENABLED, or to ERROR with <c>onboardingFailureDetails</c>. Idempotent.
/// </summary>
public sealed partial class VnfPackageOnboarder(NfvoDbContext db, PkgmNotifier notifier, ILogger<VnfPackageOnboarder> logger)
{
    public const string MetaPath = "TOSCA-Metadata/TOSCA.meta";
    public const string ChecksumAlgorithm = "SHA-256";

    public async Task<OnboardingOutcome> OnboardAsync(string vnfPkgId, CancellationToken ct)
    {
        var package = await db.VnfPackages.SingleOrDefaultAsync(p => p.Id == vnfPkgId, ct);
        if (package is null || package.OnboardingState != PackageOnboardingState.Processing)
        {
            LogIgnored(vnfPkgId, package?.OnboardingState ?? "(absent)");
            return OnboardingOutcome.Ignored;
        }
        var content = await db.VnfPackageContents.AsNoTracking()
            .Where(c => c.VnfPkgId == vnfPkgId).Select(c => c.Content).SingleOrDefaultAsync(ct);
        if (content is null)
            return await FailAsync(package, [], "The package content is missing (upload it again).", ct);

        CsarReadResult result;
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            result = CsarReader.Read(stream);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A reader defect must not leave the package in PROCESSING for ever.
            LogReaderFailed(e, vnfPkgId);
            return await FailAsync(package, [], $"The package could not be read: {e.Message}", ct);
        }

        var diagnostics = result.Diagnostics.Select(PackageDiagnostic.From).ToList();
        var errors = diagnostics.Where(d => d.Severity == "error").ToList();
        if (errors.Count > 0)
            return await FailAsync(package, diagnostics, string.Join("; ", errors), ct);
        var csar = result.Package;
        var vnfd = csar?.Vnfd;
        if (csar is null || vnfd is null)
            return await FailAsync(package, diagnostics, "The package holds no VNFD (SOL001 tosca.nodes.nfv.VNF node template).", ct);

        var duplicate = await FindOnboardedAsync(vnfd.DescriptorId, package.Id, ct);
        if (duplicate is not null)
            return await FailAsync(package, diagnostics, DuplicateMessage(vnfd.DescriptorId, duplicate), ct);

        PackageArtifacts artifacts;
        var now = DateTime.UtcNow;
        try
        {
            artifacts = PackageArtifacts.From(csar, vnfd, now);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReaderFailed(e, vnfPkgId);
            return await FailAsync(package, diagnostics, $"The package's artifacts could not be listed: {e.Message}", ct);
        }

        package.OnboardingState = PackageOnboardingState.Onboarded;
        package.OperationalState = PackageOperationalState.Enabled;
        // Instances the VNFM reported for this VNFD before (e.g. a package deleted and onboarded again) still count.
        package.UsageState = await db.VnfPackageUsages.AnyAsync(u => u.VnfdId == vnfd.DescriptorId && u.InUse, ct)
            ? PackageUsageState.InUse : PackageUsageState.NotInUse;
        artifacts.ApplyTo(package);
        package.VnfdId = vnfd.DescriptorId;
        package.VnfProvider = vnfd.Provider;
        package.VnfProductName = vnfd.ProductName;
        package.VnfSoftwareVersion = vnfd.SoftwareVersion;
        package.VnfdVersion = vnfd.DescriptorVersion;
        package.VnfmInfo = JsonSerializer.Serialize(vnfd.VnfmInfo, SolJson.Options);
        package.ChecksumAlgorithm = ChecksumAlgorithm;
        package.ChecksumHash = Convert.ToHexStringLower(SHA256.HashData(content));
        package.EntryDefinitions = csar.EntryDefinitions;
        package.Diagnostics = JsonSerializer.Serialize(diagnostics, SolJson.Options);
        package.OnboardingFailureDetails = null;
        package.UpdatedAt = now;
        await notifier.QueueOnboardedAsync(db, package, ct);
        foreach (var path in VnfdFilePaths(csar))
            db.VnfPackageVnfdFiles.Add(new VnfPackageVnfdFile
            {
                VnfPkgId = package.Id, Path = path, TenantId = package.TenantId, Content = csar.ReadFile(path),
            });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            LogLostRace(vnfPkgId);
            return OnboardingOutcome.Ignored;
        }
        catch (DbUpdateException)
        {
            // Most likely the unique (tenant, vnfdId) index: another package of this VNFD onboarded concurrently.
            db.ChangeTracker.Clear();
            var winner = await FindOnboardedAsync(vnfd.DescriptorId, vnfPkgId, ct);
            if (winner is null) throw;
            var again = await db.VnfPackages.SingleOrDefaultAsync(p => p.Id == vnfPkgId, ct);
            if (again is null || again.OnboardingState != PackageOnboardingState.Processing) return OnboardingOutcome.Ignored;
            return await FailAsync(again, diagnostics, DuplicateMessage(vnfd.DescriptorId, winner), ct);
        }
        LogOnboarded(vnfPkgId, vnfd.DescriptorId, diagnostics.Count);
        return OnboardingOutcome.Onboarded;
    }

    /// <summary>The VNFD's files as served by GET .../vnfd: the entry definitions, its imports, and TOSCA.meta.</summary>
    public static IEnumerable<string> VnfdFilePaths(CsarPackage csar)
    {
        var paths = new SortedSet<string>(csar.VnfdFilePaths, StringComparer.Ordinal);
        if (csar.FilePaths.Contains(MetaPath)) paths.Add(MetaPath);
        return paths;
    }

    private Task<string?> FindOnboardedAsync(string vnfdId, string exceptPkgId, CancellationToken ct) =>
        db.VnfPackages.AsNoTracking()
            .Where(p => p.VnfdId == vnfdId && p.Id != exceptPkgId && p.OnboardingState == PackageOnboardingState.Onboarded)
            .Select(p => p.Id).FirstOrDefaultAsync(ct);

    private static string DuplicateMessage(string vnfdId, string otherPkgId) =>
        $"vnfdId {vnfdId} is already onboarded as package {otherPkgId}";

    private async Task<OnboardingOutcome> FailAsync(VnfPackage package, IReadOnlyList<PackageDiagnostic> diagnostics, string detail, CancellationToken ct)
    {
        package.OnboardingState = PackageOnboardingState.Error;
        package.OperationalState = PackageOperationalState.Disabled;
        package.UsageState = PackageUsageState.NotInUse;
        package.VnfdId = null;
        package.Diagnostics = JsonSerializer.Serialize(diagnostics, SolJson.Options);
        package.OnboardingFailureDetails = JsonSerializer.Serialize(new ProblemDetails
        {
            Status = 422,
            Title = "VNF package onboarding failed",
            Detail = detail,
        }, SolJson.Options);
        package.UpdatedAt = DateTime.UtcNow;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            LogLostRace(package.Id);
            return OnboardingOutcome.Ignored;
        }
        LogFailed(package.Id, detail);
        return OnboardingOutcome.Failed;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Onboarding of VNF package {VnfPkgId} ignored: state {State}")]
    private partial void LogIgnored(string vnfPkgId, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "VNF package {VnfPkgId} onboarded (vnfdId {VnfdId}, {Diagnostics} diagnostics)")]
    private partial void LogOnboarded(string vnfPkgId, string vnfdId, int diagnostics);

    [LoggerMessage(Level = LogLevel.Information, Message = "VNF package {VnfPkgId} failed onboarding: {Detail}")]
    private partial void LogFailed(string vnfPkgId, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "VNF package {VnfPkgId} was changed concurrently; this onboarding attempt stands down")]
    private partial void LogLostRace(string vnfPkgId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading the CSAR of VNF package {VnfPkgId} threw")]
    private partial void LogReaderFailed(Exception e, string vnfPkgId);
}

/// <summary>Consumes <see cref="OnboardVnfPackage"/> (written to the outbox by PUT .../package_content).</summary>
public sealed class OnboardVnfPackageConsumer(TenantContext tenant, VnfPackageOnboarder onboarder) : IConsumer<OnboardVnfPackage>
{
    public async Task Consume(ConsumeContext<OnboardVnfPackage> context)
    {
        tenant.Set(context.Message.TenantId);
        await onboarder.OnboardAsync(context.Message.VnfPkgId, context.CancellationToken);
    }
}
