using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
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
        return new OnboardedVnfPackageResult(new OnboardedVnfPackage(
            package.Id,
            vnfdId,
            package.VnfProvider ?? "",
            package.VnfProductName ?? "",
            package.VnfSoftwareVersion ?? "",
            package.VnfdVersion ?? "",
            package.OperationalState,
            package.EntryDefinitions ?? "",
            files), null);
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
