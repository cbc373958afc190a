using System.Text.Json;
using Mano.Common;
using Mano.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Mano.Nfvo;

// Mano's own VIM registry API (not a SOL interface; Tacker's "vim" resource plays this role).
//   GET /nfvo/v1/vims            list the tenant's VIMs (never their accessInfo)
// Creating, updating and deleting VIMs, and encrypting their credentials at rest, arrive with their own issue.

/// <summary>A VIM as the API shows it: everything but the credentials.</summary>
public sealed record VimInfo
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string VimType { get; init; }
    public required IReadOnlyDictionary<string, string> InterfaceInfo { get; init; }
    public required IReadOnlyList<string> AvailabilityZones { get; init; }
    public required bool IsDefault { get; init; }
    public required DateTime CreatedAt { get; init; }
}

/// <summary>The tenant's VIMs, as the NFVO knows them: registry records, never drivers.</summary>
public sealed class VimRegistry(NfvoDbContext db)
{
    public const string SandboxVimId = "sandbox";
    public const string SandboxVimType = "MANO.SANDBOX.V_1";

    /// <summary>The VIM marked default, else the oldest; null when the tenant has none.</summary>
    public Task<Vim?> DefaultVimAsync(CancellationToken ct) =>
        db.Vims.AsNoTracking().OrderByDescending(v => v.IsDefault).ThenBy(v => v.CreatedAt).ThenBy(v => v.Id).FirstOrDefaultAsync(ct);

    public async Task<IReadOnlyList<VimInfo>> ListAsync(CancellationToken ct)
    {
        var vims = await db.Vims.AsNoTracking().OrderBy(v => v.CreatedAt).ThenBy(v => v.Id).ToListAsync(ct);
        return vims.Select(ToInfo).ToList();
    }

    public static VimInfo ToInfo(Vim v) => new()
    {
        Id = v.Id,
        Name = v.Name,
        VimType = v.VimType,
        InterfaceInfo = Strings(v.InterfaceInfo) ?? new Dictionary<string, string>(),
        AvailabilityZones = Zones(v),
        IsDefault = v.IsDefault,
        CreatedAt = v.CreatedAt,
    };

    public static IReadOnlyList<string> Zones(Vim v) =>
        JsonSerializer.Deserialize<List<string>>(v.AvailabilityZones, SolJson.Options) ?? [];

    /// <summary>SOL003 VimConnectionInfo of a VIM, credentials included: only ever sent to a VNFM in a Grant.</summary>
    public static VimConnectionInfo ConnectionInfo(Vim v) => new()
    {
        VimId = v.Id,
        VimType = v.VimType,
        InterfaceInfo = Strings(v.InterfaceInfo),
        AccessInfo = Strings(v.AccessInfo),
    };

    private static Dictionary<string, string>? Strings(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(json, SolJson.Options);

    /// <summary>
    /// Registers the simulated sandbox VIM as the tenant's default VIM unless the tenant already has it. Idempotent,
    /// and safe when several replicas seed at once (the loser of the insert race finds the row and stops).
    /// </summary>
    public async Task SeedSandboxAsync(CancellationToken ct)
    {
        var tenantId = db.TenantId;
        if (await db.Vims.AnyAsync(v => v.Id == SandboxVimId, ct)) return;
        db.Vims.Add(new Vim
        {
            Id = SandboxVimId,
            TenantId = tenantId,
            Name = "Mano sandbox VIM (simulated, not a real cloud)",
            VimType = SandboxVimType,
            InterfaceInfo = JsonSerializer.Serialize(new Dictionary<string, string> { ["endpoint"] = "sandbox://local" }, SolJson.Options),
            AccessInfo = null,
            AvailabilityZones = JsonSerializer.Serialize(new[] { "sandbox-az-1" }, SolJson.Options),
            IsDefault = !await db.Vims.AnyAsync(v => v.IsDefault, ct),
            CreatedAt = DateTime.UtcNow,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (!await db.Vims.AnyAsync(v => v.Id == SandboxVimId, ct)) throw;
        }
    }
}

public static class VimsApi
{
    public const string UriPrefix = "/nfvo/v1";

    public static IEndpointRouteBuilder MapVimsApiV1(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(UriPrefix).WithTags("VIM registry");
        group.MapGet("/vims", async (VimRegistry registry, CancellationToken ct) => SolResults.Json(await registry.ListAsync(ct)));
        return app;
    }
}
