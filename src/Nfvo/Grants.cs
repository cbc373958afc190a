using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Mano.Nfvo;

/// <summary>
/// The NFVO's grant decision (SOL003 9.4.2.3.1 "POST grants", taken synchronously): may the VNFM do this LCM operation,
/// and on which VIM and zone. Every grant is stored; a repeated request for the same LCM operation occurrence (a
/// redelivered bus request) gets the stored grant back, unchanged. Rejections are not stored: asking again after the
/// cause is fixed (package enabled, VIM registered) may succeed.
/// </summary>
public sealed partial class GrantDecider(NfvoDbContext db, VimRegistry vims, NfvoOptions options, ILogger<GrantDecider> logger)
{
    /// <summary>The one zone entry of a grant (a Grant's zones are referenced by this id from GrantInfo.zoneId).</summary>
    public const string ZoneEntryId = "zone-1";

    public async Task<GrantResult> DecideAsync(GrantRequest request, CancellationToken ct)
    {
        var stored = await StoredGrantAsync(request.VnfLcmOpOccId, ct);
        if (stored is not null) return new GrantResult(stored, null);

        var rejection = await CheckPackagesAsync(request, ct);
        if (rejection is not null) return Reject(request, rejection);

        var vim = await vims.DefaultVimAsync(ct);
        if (vim is null) return Reject(request, "the tenant has no VIM registered to place resources on.");

        var zones = VimRegistry.Zones(vim);
        string? zoneId = null;
        if (zones.Count > 0)
        {
            var earlier = await db.Grants.CountAsync(g => g.VimId == vim.Id, ct);
            zoneId = zones[earlier % zones.Count];
        }
        var vimConnectionId = vim.Id;
        var grantId = Guid.NewGuid().ToString();
        var grant = new Grant
        {
            Id = grantId,
            VnfInstanceId = request.VnfInstanceId,
            VnfLcmOpOccId = request.VnfLcmOpOccId,
            VimConnectionInfo = new Dictionary<string, VimConnectionInfo> { [vimConnectionId] = VimRegistry.ConnectionInfo(vim) },
            Zones = zoneId is null ? null : [new ZoneInfo { Id = ZoneEntryId, ZoneId = zoneId, VimConnectionId = vimConnectionId }],
            AddResources = Granted(request.AddResources, vimConnectionId, zoneId is null ? null : ZoneEntryId),
            TempResources = Granted(request.TempResources, vimConnectionId, zoneId is null ? null : ZoneEntryId),
            RemoveResources = Granted(request.RemoveResources, vimConnectionId, null),
            UpdateResources = Granted(request.UpdateResources, vimConnectionId, null),
            Links = new GrantLinks(
                new Link($"{options.ApiRoot.TrimEnd('/')}/grant/v1/grants/{grantId}"),
                request.Links.VnfLcmOpOcc,
                request.Links.VnfInstance),
        };
        db.Grants.Add(new GrantRecord
        {
            Id = grantId,
            TenantId = db.TenantId,
            VnfInstanceId = request.VnfInstanceId,
            VnfLcmOpOccId = request.VnfLcmOpOccId,
            Operation = request.Operation,
            VimId = vim.Id,
            Request = SolJson.Serialize(request),
            Grant = SolJson.Serialize(grant),
            DecidedAt = DateTime.UtcNow,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same request decided concurrently (unique tenant + vnfLcmOpOccId): answer with that grant.
            db.ChangeTracker.Clear();
            stored = await StoredGrantAsync(request.VnfLcmOpOccId, ct);
            if (stored is null) throw;
            return new GrantResult(stored, null);
        }
        LogGranted(grantId, request.Operation, request.VnfLcmOpOccId, vim.Id, zoneId ?? "(none)");
        return new GrantResult(grant, null);
    }

    private async Task<Grant?> StoredGrantAsync(string vnfLcmOpOccId, CancellationToken ct)
    {
        var json = await db.Grants.AsNoTracking().Where(g => g.VnfLcmOpOccId == vnfLcmOpOccId).Select(g => g.Grant).SingleOrDefaultAsync(ct);
        return json is null ? null : SolJson.Deserialize<Grant>(json);
    }

    /// <summary>INSTANTIATE needs the VNFD's package ONBOARDED and ENABLED; CHANGE_VNFPKG needs the destination's.</summary>
    private async Task<string?> CheckPackagesAsync(GrantRequest request, CancellationToken ct)
    {
        var vnfdId = request.Operation switch
        {
            LcmOperationType.Instantiate => request.VnfdId,
            LcmOperationType.ChangeVnfpkg => request.DstVnfdId ?? request.VnfdId,
            _ => null,
        };
        if (vnfdId is null) return null;
        var package = await db.VnfPackages.AsNoTracking()
            .Where(p => p.VnfdId == vnfdId && p.OnboardingState == PackageOnboardingState.Onboarded)
            .Select(p => new { p.Id, p.OperationalState }).SingleOrDefaultAsync(ct);
        if (package is null) return $"no onboarded VNF package has vnfdId {vnfdId}.";
        if (package.OperationalState != PackageOperationalState.Enabled)
            return $"VNF package {package.Id} (vnfdId {vnfdId}) is {package.OperationalState}.";
        return null;
    }

    private GrantResult Reject(GrantRequest request, string reason)
    {
        LogRejected(request.Operation, request.VnfLcmOpOccId, reason);
        return new GrantResult(null, new ProblemDetails
        {
            Status = 403,
            Title = "Forbidden",
            Detail = $"Grant for {request.Operation} of VNF instance {request.VnfInstanceId} rejected: {reason}",
        });
    }

    private static List<GrantInfo>? Granted(IReadOnlyList<ResourceDefinition>? resources, string vimConnectionId, string? zoneId) =>
        resources?.Select(r => new GrantInfo
        {
            ResourceDefinitionId = r.Id,
            VimConnectionId = r.Resource?.VimConnectionId ?? vimConnectionId,
            ZoneId = zoneId,
        }).ToList();

    [LoggerMessage(Level = LogLevel.Information, Message = "Grant {GrantId} for {Operation} (op occ {VnfLcmOpOccId}) on VIM {VimId}, zone {ZoneId}")]
    private partial void LogGranted(string grantId, string operation, string vnfLcmOpOccId, string vimId, string zoneId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grant for {Operation} (op occ {VnfLcmOpOccId}) rejected: {Reason}")]
    private partial void LogRejected(string operation, string vnfLcmOpOccId, string reason);
}

/// <summary>Answers <see cref="RequestGrant"/> with <see cref="GrantResult"/> (a Grant, or a 403 rejection).</summary>
public sealed class RequestGrantConsumer(TenantContext tenant, GrantDecider decider) : IConsumer<RequestGrant>
{
    public async Task Consume(ConsumeContext<RequestGrant> context)
    {
        tenant.Set(context.Message.TenantId);
        await context.RespondAsync(await decider.DecideAsync(context.Message.GrantRequest, context.CancellationToken));
    }
}
