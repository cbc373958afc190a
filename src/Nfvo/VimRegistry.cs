using System.Text.Json;
using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using DriverConnection = Mano.VimAdapters.VimConnectionInfo;

namespace Mano.Nfvo;

// The NFVO's VIM registry (ADR-0008): register / list / show / update / delete VIMs per tenant, credentials encrypted
// at rest and never shown, a connectivity check on registration and periodically (VimMonitor), one default VIM per
// tenant. Served as Mano's own API (/nfvo/v1/vims, VimsApi.cs) and in Tacker's shape (/v1.0/vims, VimTackerApi.cs).

/// <summary>Connectivity states of a registered VIM.</summary>
public static class VimStatus
{
    /// <summary>Registered, not checked yet.</summary>
    public const string Pending = "PENDING";
    public const string Reachable = "REACHABLE";
    public const string Unreachable = "UNREACHABLE";
}

/// <summary>A VIM as Mano's API shows it: credentials only masked (every secret value is "***").</summary>
public sealed record VimInfo
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required string VimType { get; init; }
    public required IReadOnlyDictionary<string, string> InterfaceInfo { get; init; }
    /// <summary>accessInfo keys with non-secret values (username, project, domains, region) and "***" for every secret.</summary>
    public IReadOnlyDictionary<string, string>? AccessInfo { get; init; }
    public JsonObject? Extra { get; init; }
    public required IReadOnlyList<string> AvailabilityZones { get; init; }
    /// <summary>Where the VIM's NFVI-PoP is, for NS placement's location constraints (SOL005 6.5.3.21); null: unknown.</summary>
    public VimLocation? Location { get; init; }
    public required bool IsDefault { get; init; }
    public VimStatusInfo? Status { get; init; }
    public required DateTime CreatedAt { get; init; }
    public DateTime? UpdatedAt { get; init; }
}

/// <summary>The last connectivity check: state, when, and the error when it failed.</summary>
public sealed record VimStatusInfo(string State, DateTime? CheckedAt, string? Error);

/// <summary>
/// Where a VIM's NFVI-PoP is: what NS placement matches SOL005 LocationConstraints (6.5.3.21) against. The same country
/// code and civic address elements as the constraint; <see cref="Coordinates"/> (an RFC 7946 position: longitude, latitude)
/// for constraints given as an "area" polygon.
/// </summary>
public sealed record VimLocation
{
    public string? CountryCode { get; init; }
    public IReadOnlyList<CivicAddressElement>? CivicAddressElement { get; init; }
    public IReadOnlyList<double>? Coordinates { get; init; }

    /// <summary>A short description for placement messages, e.g. "DE (3=Berlin)".</summary>
    public string Describe() =>
        string.Join(" ", new[] { CountryCode ?? "no country" }
            .Concat((CivicAddressElement ?? []).Select(e => $"{e.CaType}={e.CaValue}"))
            .Concat(Coordinates is { Count: 2 } c ? [FormattableString.Invariant($"at [{c[0]}, {c[1]}]")] : []));
}

/// <summary>What a registration asks for (both APIs map onto it). <see cref="AccessInfo"/> is secret: ToString hides it.</summary>
public sealed record VimSpec
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required string VimType { get; init; }
    public required IReadOnlyDictionary<string, string> InterfaceInfo { get; init; }
    public IReadOnlyDictionary<string, string>? AccessInfo { get; init; }
    public JsonObject? Extra { get; init; }
    public IReadOnlyList<string>? AvailabilityZones { get; init; }
    public VimLocation? Location { get; init; }
    public bool IsDefault { get; init; }

    public override string ToString() =>
        $"VimSpec {{ Name = {Name}, VimType = {VimType}, AccessInfo = [{string.Join(", ", AccessInfo?.Keys ?? [])}] (values hidden) }}";
}

/// <summary>Changes to a VIM; null leaves an attribute as it is. <see cref="AccessInfo"/> replaces the credentials whole.</summary>
public sealed record VimChanges
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public IReadOnlyDictionary<string, string>? InterfaceInfo { get; init; }
    public IReadOnlyDictionary<string, string>? AccessInfo { get; init; }
    /// <summary>True: <see cref="AccessInfo"/> is merged over the stored credentials (Tacker's PUT) instead of replacing them.</summary>
    public bool MergeAccessInfo { get; init; }
    /// <summary>Merged over the stored interfaceInfo (Tacker's PUT may change cert_verify only).</summary>
    public IReadOnlyDictionary<string, string>? InterfaceInfoMerge { get; init; }
    public JsonObject? Extra { get; init; }
    public IReadOnlyList<string>? AvailabilityZones { get; init; }
    /// <summary>Replaces the VIM's location whole.</summary>
    public VimLocation? Location { get; init; }
    public bool? IsDefault { get; init; }

    public override string ToString() =>
        $"VimChanges {{ Name = {Name}, AccessInfo = {(AccessInfo is null ? "unchanged" : "replaced (values hidden)")} }}";
}

/// <summary>Which accessInfo values may be shown: an allow-list, so any key not known to be harmless is masked.</summary>
public static class VimAccessInfo
{
    public const string Mask = "***";

    private static readonly HashSet<string> Public = new(StringComparer.OrdinalIgnoreCase)
    {
        "username", "userId", "user_id", "userDomain", "user_domain_name", "project", "projectId", "project_id",
        "projectDomain", "project_domain_name", "region", "client_id", "oidc_token_url",
    };

    public static bool IsPublic(string key) => Public.Contains(key);

    public static Dictionary<string, string> Masked(IReadOnlyDictionary<string, string> accessInfo) =>
        accessInfo.ToDictionary(kv => kv.Key, kv => IsPublic(kv.Key) ? kv.Value : Mask, StringComparer.Ordinal);
}

/// <summary>The tenant's VIMs, as the NFVO knows them: registry records, never drivers.</summary>
public sealed partial class VimRegistry(
    NfvoDbContext db, VimSecretProtector? secrets = null, IVimConnectivityCheck? connectivity = null, ILogger<VimRegistry>? logger = null)
{
    public const string SandboxVimId = "sandbox";
    public const string SandboxVimType = Mano.VimAdapters.VimTypes.Sandbox;
    private const int MaxNameLength = 255;

    private readonly ILogger<VimRegistry> _logger = logger ?? NullLogger<VimRegistry>.Instance;

    /// <summary>The tenant this registry acts for.</summary>
    public string TenantId => db.TenantId;

    private VimSecretProtector Secrets => secrets ?? throw new InvalidOperationException("VimRegistry was built without a VimSecretProtector (AddNfvo registers one).");

    // ---- what grants use --------------------------------------------------------------------------------------

    /// <summary>
    /// The VIM marked default, else the oldest; null when the tenant has none. Its <see cref="Vim.AccessInfo"/> is
    /// decrypted: this is what a grant hands to the VNFM (<see cref="ConnectionInfo"/>).
    /// </summary>
    public async Task<Vim?> DefaultVimAsync(CancellationToken ct)
    {
        var vim = await db.Vims.AsNoTracking().OrderByDescending(v => v.IsDefault).ThenBy(v => v.CreatedAt).ThenBy(v => v.Id).FirstOrDefaultAsync(ct);
        return vim is null ? null : WithAccessInfo(vim);
    }

    /// <summary>One VIM of the tenant with its credentials decrypted, for a grant that names it; null when unknown.</summary>
    public async Task<Vim?> FindForGrantAsync(string vimId, CancellationToken ct)
    {
        var vim = await db.Vims.AsNoTracking().SingleOrDefaultAsync(v => v.Id == vimId, ct);
        return vim is null ? null : WithAccessInfo(vim);
    }

    /// <summary>
    /// SOL003 VimConnectionInfo of a VIM, credentials included: only ever sent to a VNFM in a Grant. A VIM read straight
    /// from the database has its credentials encrypted: use <see cref="ConnectionInfoFor"/> (or a VIM from
    /// <see cref="DefaultVimAsync"/> / <see cref="FindForGrantAsync"/>); this throws rather than grant without them.
    /// </summary>
    public static VimConnectionInfo ConnectionInfo(Vim v) =>
        v.AccessInfo is null && v.AccessInfoCiphertext is not null
            ? throw new InvalidOperationException($"The credentials of VIM {v.Id} are still encrypted: use VimRegistry.ConnectionInfoFor(vim).")
            : Build(v);

    /// <summary>SOL003 VimConnectionInfo of any VIM record of the tenant, credentials decrypted: for a Grant only.</summary>
    public VimConnectionInfo ConnectionInfoFor(Vim v) => Build(v.AccessInfo is null ? WithAccessInfo(v) : v);

    private static VimConnectionInfo Build(Vim v) => new()
    {
        VimId = v.Id,
        VimType = v.VimType,
        InterfaceInfo = Strings(v.InterfaceInfo),
        AccessInfo = Strings(v.AccessInfo),
        Extra = v.Extra is null ? null : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(v.Extra, SolJson.Options)?
            .ToDictionary(kv => kv.Key, kv => kv.Value.ValueKind == JsonValueKind.String ? kv.Value.GetString()! : kv.Value.GetRawText()),
    };

    private Vim WithAccessInfo(Vim vim)
    {
        if (vim.AccessInfoCiphertext is not null && vim.AccessInfoKeyId is not null)
            vim.AccessInfo = Secrets.Open(new SealedSecret(vim.AccessInfoKeyId, vim.AccessInfoCiphertext), vim.TenantId, vim.Id);
        return vim;
    }

    // ---- reads ------------------------------------------------------------------------------------------------

    public async Task<IReadOnlyList<VimInfo>> ListAsync(CancellationToken ct) =>
        (await ListVimsAsync(ct)).Select(ToInfo).ToList();

    /// <summary>The tenant's VIM records, oldest first (credentials stay encrypted).</summary>
    public Task<List<Vim>> ListVimsAsync(CancellationToken ct) =>
        db.Vims.AsNoTracking().OrderBy(v => v.CreatedAt).ThenBy(v => v.Id).ToListAsync(ct);

    /// <summary>One VIM record (credentials stay encrypted), or 404.</summary>
    public async Task<Vim> GetAsync(string vimId, CancellationToken ct) =>
        await db.Vims.AsNoTracking().SingleOrDefaultAsync(v => v.Id == vimId, ct) ?? throw NotFound(vimId);

    public static VimInfo ToInfo(Vim v) => new()
    {
        Id = v.Id,
        Name = v.Name,
        Description = v.Description,
        VimType = v.VimType,
        InterfaceInfo = Strings(v.InterfaceInfo) ?? new Dictionary<string, string>(),
        AccessInfo = Strings(v.AccessInfoMasked),
        Extra = v.Extra is null ? null : JsonNode.Parse(v.Extra) as JsonObject,
        AvailabilityZones = Zones(v),
        Location = Location(v),
        IsDefault = v.IsDefault,
        Status = new VimStatusInfo(v.Status, v.StatusCheckedAt, v.StatusDetail),
        CreatedAt = v.CreatedAt,
        UpdatedAt = v.UpdatedAt,
    };

    /// <summary>The VIM's registered location, or null.</summary>
    public static VimLocation? Location(Vim v) =>
        v.Location is null ? null : JsonSerializer.Deserialize<VimLocation>(v.Location, SolJson.Options);

    public static IReadOnlyList<string> Zones(Vim v) =>
        JsonSerializer.Deserialize<List<string>>(v.AvailabilityZones, SolJson.Options) ?? [];

    public static IReadOnlyDictionary<string, string> Interface(Vim v) => Strings(v.InterfaceInfo) ?? new Dictionary<string, string>();

    public static IReadOnlyDictionary<string, string> MaskedAccess(Vim v) => Strings(v.AccessInfoMasked) ?? new Dictionary<string, string>();

    private static Dictionary<string, string>? Strings(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(json, SolJson.Options);

    // ---- writes -----------------------------------------------------------------------------------------------

    /// <summary>
    /// Registers a VIM: credentials encrypted, connectivity checked. A VIM that refuses the credentials (a permanent
    /// failure) is not registered (422); one that cannot be reached now is registered UNREACHABLE. The tenant's first
    /// VIM, or one registered with isDefault, becomes the default (the previous default is cleared).
    /// </summary>
    public async Task<Vim> RegisterAsync(VimSpec spec, CancellationToken ct)
    {
        Validate(spec.Name, spec.VimType, spec.InterfaceInfo, spec.AvailabilityZones);
        ValidateLocation(spec.Location);
        var tenantId = db.TenantId;
        var now = DateTime.UtcNow;
        var vim = new Vim
        {
            Id = Guid.NewGuid().ToString(),
            TenantId = tenantId,
            Name = spec.Name,
            Description = spec.Description,
            VimType = spec.VimType,
            InterfaceInfo = JsonSerializer.Serialize(spec.InterfaceInfo, SolJson.Options),
            Extra = spec.Extra?.ToJsonString(),
            AvailabilityZones = JsonSerializer.Serialize(spec.AvailabilityZones ?? [], SolJson.Options),
            Location = spec.Location is null ? null : JsonSerializer.Serialize(spec.Location, SolJson.Options),
            CreatedAt = now,
        };
        SetAccessInfo(vim, spec.AccessInfo);

        var check = await CheckAsync(vim, spec.AccessInfo, ct);
        if (check.Rejected)
            throw new UnprocessableProblem($"The VIM at {EndpointOf(spec.InterfaceInfo)} refused the registration: {check.Error}");
        Apply(vim, check, now);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var makeDefault = spec.IsDefault || !await db.Vims.AnyAsync(v => v.IsDefault, ct);
        if (makeDefault) await ClearDefaultAsync(ct);
        vim.IsDefault = makeDefault;
        db.Vims.Add(vim);
        await SaveAsync(ct);
        await tx.CommitAsync(ct);
        LogRegistered(vim.Id, tenantId, vim.VimType, vim.Status);
        return vim;
    }

    /// <summary>
    /// Updates a VIM. <paramref name="precondition"/> (e.g. an If-Match check) sees the current row first and throws to refuse. New
    /// credentials or a new interface are checked again (a refusal is 422 and changes nothing).
    /// </summary>
    public async Task<Vim> UpdateAsync(string vimId, VimChanges changes, Action<Vim>? precondition, CancellationToken ct)
    {
        var vim = await db.Vims.SingleOrDefaultAsync(v => v.Id == vimId, ct) ?? throw NotFound(vimId);
        precondition?.Invoke(vim); // e.g. If-Match: throws to refuse
        if (changes.InterfaceInfoMerge is { Count: > 0 })
        {
            var merged = new Dictionary<string, string>(changes.InterfaceInfo ?? Interface(vim), StringComparer.Ordinal);
            foreach (var (k, v) in changes.InterfaceInfoMerge) merged[k] = v;
            changes = changes with { InterfaceInfo = merged };
        }
        if (changes.MergeAccessInfo && changes.AccessInfo is not null && vim.AccessInfoCiphertext is not null)
        {
            var merged = Strings(Secrets.Open(new SealedSecret(vim.AccessInfoKeyId!, vim.AccessInfoCiphertext), vim.TenantId, vim.Id)) ?? [];
            foreach (var (k, v) in changes.AccessInfo) merged[k] = v;
            changes = changes with { AccessInfo = merged };
        }
        Validate(changes.Name ?? vim.Name, vim.VimType, changes.InterfaceInfo ?? Interface(vim), changes.AvailabilityZones);
        ValidateLocation(changes.Location);
        var now = DateTime.UtcNow;
        if (changes.Name is not null) vim.Name = changes.Name;
        if (changes.Description is not null) vim.Description = changes.Description;
        if (changes.Extra is not null) vim.Extra = changes.Extra.ToJsonString();
        if (changes.AvailabilityZones is not null) vim.AvailabilityZones = JsonSerializer.Serialize(changes.AvailabilityZones, SolJson.Options);
        if (changes.Location is not null) vim.Location = JsonSerializer.Serialize(changes.Location, SolJson.Options);
        if (changes.InterfaceInfo is not null) vim.InterfaceInfo = JsonSerializer.Serialize(changes.InterfaceInfo, SolJson.Options);
        if (changes.AccessInfo is not null) SetAccessInfo(vim, changes.AccessInfo);
        if (changes.InterfaceInfo is not null || changes.AccessInfo is not null)
        {
            var access = changes.AccessInfo ?? (vim.AccessInfoCiphertext is null ? null
                : Strings(Secrets.Open(new SealedSecret(vim.AccessInfoKeyId!, vim.AccessInfoCiphertext), vim.TenantId, vim.Id)));
            var check = await CheckAsync(vim, access, ct);
            if (check.Rejected)
                throw new UnprocessableProblem($"The VIM at {EndpointOf(Interface(vim))} refused the new settings: {check.Error}");
            Apply(vim, check, now);
        }
        vim.UpdatedAt = now;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (changes.IsDefault == true && !vim.IsDefault)
        {
            await ClearDefaultAsync(ct);
            vim.IsDefault = true;
        }
        else if (changes.IsDefault == false)
        {
            vim.IsDefault = false; // the tenant then has no marked default: grants fall back to its oldest VIM
        }
        await SaveAsync(ct);
        await tx.CommitAsync(ct);
        LogUpdated(vim.Id, vim.TenantId, changes.AccessInfo is not null);
        return vim;
    }

    /// <summary>
    /// Deletes a VIM unless VNF instances live on it (409): an instance whose most recent grant placed it on this VIM
    /// and was not a TERMINATE, unless the VNFM has since reported it released. Deleting the default VIM (or any VIM of
    /// a tenant left without a marked default) makes the oldest remaining VIM the default.
    /// </summary>
    public async Task DeleteAsync(string vimId, CancellationToken ct)
    {
        var vim = await db.Vims.SingleOrDefaultAsync(v => v.Id == vimId, ct) ?? throw NotFound(vimId);
        var users = await InstancesOnAsync(vimId, ct);
        if (users.Count > 0)
            throw new ConflictProblem($"VIM {vimId} is in use by {users.Count} VNF instance(s) ({string.Join(", ", users.Take(5))}{(users.Count > 5 ? ", ..." : "")}); terminate them first.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Vims.Remove(vim);
        await SaveAsync(ct);
        if (vim.IsDefault || !await db.Vims.AnyAsync(v => v.IsDefault, ct))
        {
            var next = await db.Vims.OrderBy(v => v.CreatedAt).ThenBy(v => v.Id).FirstOrDefaultAsync(ct);
            if (next is not null)
            {
                next.IsDefault = true;
                await SaveAsync(ct);
            }
        }
        await tx.CommitAsync(ct);
        LogDeleted(vimId, vim.TenantId);
    }

    /// <summary>The VNF instances that live on a VIM, as far as the NFVO's grants (and the VNFM's release reports) tell.</summary>
    public async Task<IReadOnlyList<string>> InstancesOnAsync(string vimId, CancellationToken ct)
    {
        // Only decided grants (Grant set) count: a stored rejection placed nothing.
        var onVim = db.Grants.Where(g => g.VimId == vimId && g.Grant != null).Select(g => g.VnfInstanceId);
        var grants = await db.Grants.AsNoTracking().Where(g => onVim.Contains(g.VnfInstanceId) && g.Grant != null)
            .Select(g => new { g.VnfInstanceId, g.VimId, g.Operation, g.DecidedAt }).ToListAsync(ct);
        var live = grants.GroupBy(g => g.VnfInstanceId)
            .Select(g => g.OrderBy(x => x.DecidedAt).Last())
            .Where(g => g.VimId == vimId && g.Operation != LcmOperationType.Terminate)
            .ToDictionary(g => g.VnfInstanceId, g => g.DecidedAt);
        if (live.Count == 0) return [];
        var ids = live.Keys.ToList();
        var usages = await db.VnfPackageUsages.AsNoTracking().Where(u => ids.Contains(u.VnfInstanceId))
            .Select(u => new { u.VnfInstanceId, u.InUse, u.OccurredAt }).ToListAsync(ct);
        var released = usages.GroupBy(u => u.VnfInstanceId)
            .Where(g => g.All(u => !u.InUse) && g.Max(u => u.OccurredAt) >= live[g.Key])
            .Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return ids.Where(id => !released.Contains(id)).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Checks a VIM's connectivity now and records the result.</summary>
    public async Task<Vim> CheckNowAsync(string vimId, CancellationToken ct)
    {
        var vim = await db.Vims.AsNoTracking().SingleOrDefaultAsync(v => v.Id == vimId, ct) ?? throw NotFound(vimId);
        await RecordCheckAsync(vim, ct);
        return await GetAsync(vimId, ct);
    }

    /// <summary>
    /// Runs the connectivity check of one VIM (any tenant) and records the result without touching the row's version
    /// (a concurrent update by the operator is not disturbed). Logs a warning when a VIM becomes unreachable.
    /// </summary>
    internal async Task RecordCheckAsync(Vim vim, CancellationToken ct)
    {
        IReadOnlyDictionary<string, string>? access = null;
        VimCheckResult result;
        try
        {
            if (vim.AccessInfoCiphertext is not null)
                access = Strings(Secrets.Open(new SealedSecret(vim.AccessInfoKeyId!, vim.AccessInfoCiphertext), vim.TenantId, vim.Id));
            result = await CheckAsync(vim, access, ct);
        }
        catch (VimSecretException e)
        {
            result = new VimCheckResult(false, e.Message, Rejected: false);
        }
        var state = result.Reachable ? VimStatus.Reachable : VimStatus.Unreachable;
        var now = DateTime.UtcNow;
        var error = Truncate(result.Error);
        await db.Vims.IgnoreQueryFilters().Where(v => v.TenantId == vim.TenantId && v.Id == vim.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, state).SetProperty(v => v.StatusDetail, error).SetProperty(v => v.StatusCheckedAt, now), ct);
        if (state != vim.Status)
        {
            if (result.Reachable) LogReachable(vim.Id, vim.TenantId);
            else LogUnreachable(vim.Id, vim.TenantId, error ?? "");
        }
    }

    /// <summary>
    /// System work of the VIM monitor, for every tenant: checks each VIM whose last check is older than
    /// <paramref name="olderThan"/>, and re-encrypts credentials made with a previous key (rotation).
    /// </summary>
    public async Task<int> SweepAsync(TimeSpan olderThan, CancellationToken ct)
    {
        var cutoff = DateTime.UtcNow - olderThan;
        var due = await db.Vims.IgnoreQueryFilters().AsNoTracking()
            .Where(v => v.StatusCheckedAt == null || v.StatusCheckedAt <= cutoff).ToListAsync(ct);
        foreach (var vim in due)
        {
            ct.ThrowIfCancellationRequested();
            await RecordCheckAsync(vim, ct);
        }
        if (secrets is not null)
        {
            var hasSecrets = await db.Vims.IgnoreQueryFilters().AnyAsync(v => v.AccessInfoCiphertext != null, ct);
            if (hasSecrets) await ReencryptAsync(ct);
        }
        return due.Count;
    }

    private async Task ReencryptAsync(CancellationToken ct)
    {
        var current = Secrets.CurrentKeyId;
        var stale = await db.Vims.IgnoreQueryFilters().Where(v => v.AccessInfoCiphertext != null && v.AccessInfoKeyId != current).ToListAsync(ct);
        foreach (var vim in stale)
        {
            try
            {
                var plain = Secrets.Open(new SealedSecret(vim.AccessInfoKeyId!, vim.AccessInfoCiphertext!), vim.TenantId, vim.Id);
                var sealedSecret = Secrets.Seal(plain, vim.TenantId, vim.Id);
                (vim.AccessInfoKeyId, vim.AccessInfoCiphertext) = (sealedSecret.KeyId, sealedSecret.Ciphertext);
                await db.SaveChangesAsync(ct);
                LogReencrypted(vim.Id, vim.TenantId, sealedSecret.KeyId);
            }
            catch (Exception e) when (e is VimSecretException or DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                LogReencryptFailed(vim.Id, vim.TenantId, e.Message);
            }
        }
    }

    /// <summary>
    /// Registers the simulated sandbox VIM as the tenant's default VIM unless the tenant already has it. Idempotent,
    /// and safe when several replicas seed at once (the loser of the insert race finds the row and stops).
    /// </summary>
    public async Task SeedSandboxAsync(CancellationToken ct)
    {
        var tenantId = db.TenantId;
        if (await db.Vims.AnyAsync(v => v.Id == SandboxVimId, ct)) return;
        var now = DateTime.UtcNow;
        db.Vims.Add(new Vim
        {
            Id = SandboxVimId,
            TenantId = tenantId,
            Name = "Mano sandbox VIM (simulated, not a real cloud)",
            Description = "The simulated VIM Mano ships with (ADR-0004): not a real cloud.",
            VimType = SandboxVimType,
            InterfaceInfo = JsonSerializer.Serialize(new Dictionary<string, string> { ["endpoint"] = "sandbox://local" }, SolJson.Options),
            AvailabilityZones = JsonSerializer.Serialize(new[] { "sandbox-az-1" }, SolJson.Options),
            IsDefault = !await db.Vims.AnyAsync(v => v.IsDefault, ct),
            Status = VimStatus.Reachable,
            StatusCheckedAt = now,
            CreatedAt = now,
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

    // ---- helpers ----------------------------------------------------------------------------------------------

    private void SetAccessInfo(Vim vim, IReadOnlyDictionary<string, string>? accessInfo)
    {
        if (accessInfo is null || accessInfo.Count == 0)
        {
            (vim.AccessInfoCiphertext, vim.AccessInfoKeyId, vim.AccessInfoMasked) = (null, null, null);
            return;
        }
        var sealedSecret = Secrets.Seal(JsonSerializer.Serialize(accessInfo, SolJson.Options), vim.TenantId, vim.Id);
        (vim.AccessInfoCiphertext, vim.AccessInfoKeyId) = (sealedSecret.Ciphertext, sealedSecret.KeyId);
        vim.AccessInfoMasked = JsonSerializer.Serialize(VimAccessInfo.Masked(accessInfo), SolJson.Options);
    }

    private async Task<VimCheckResult> CheckAsync(Vim vim, IReadOnlyDictionary<string, string>? accessInfo, CancellationToken ct)
    {
        if (connectivity is null) return new VimCheckResult(false, "no connectivity check is configured in this NFVO", Rejected: false);
        var connection = new DriverConnection(vim.Id, vim.VimType, Interface(vim), accessInfo ?? new Dictionary<string, string>());
        return await connectivity.CheckAsync(vim.TenantId, connection, ct);
    }

    private static void Apply(Vim vim, VimCheckResult check, DateTime now)
    {
        vim.Status = check.Reachable ? VimStatus.Reachable : VimStatus.Unreachable;
        vim.StatusDetail = Truncate(check.Error);
        vim.StatusCheckedAt = now;
    }

    private static string? Truncate(string? s) => s is { Length: > 2000 } ? s[..2000] : s;

    private async Task ClearDefaultAsync(CancellationToken ct)
    {
        foreach (var other in await db.Vims.Where(v => v.IsDefault).ToListAsync(ct))
            other.IsDefault = false;
        await SaveAsync(ct); // before the new default is flagged: the unique index allows one at a time
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictProblem("The VIM was changed concurrently; read it again and retry.");
        }
        catch (DbUpdateException)
        {
            throw new ConflictProblem("Another default VIM was set concurrently; retry.");
        }
    }

    private static void Validate(string name, string vimType, IReadOnlyDictionary<string, string> interfaceInfo, IReadOnlyList<string>? zones)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new BadRequestProblem("A VIM needs a non-empty name.");
        if (name.Length > MaxNameLength) throw new BadRequestProblem($"A VIM's name has at most {MaxNameLength} characters.");
        if (string.IsNullOrWhiteSpace(vimType)) throw new BadRequestProblem("A VIM needs a vimType.");
        if (vimType.Length > 100) throw new BadRequestProblem("vimType has at most 100 characters.");
        if (vimType != SandboxVimType)
        {
            if (!interfaceInfo.TryGetValue("endpoint", out var endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https"))
                throw new BadRequestProblem("interfaceInfo.endpoint must be the VIM's absolute http(s) URL (Keystone v3 or the Kubernetes API server).");
        }
        if (zones is not null && zones.Any(string.IsNullOrWhiteSpace)) throw new BadRequestProblem("availabilityZones holds an empty name.");
    }

    /// <summary>A VIM location in the form of SOL005 LocationConstraints (6.5.3.21): ISO 3166 alpha-2, RFC 4776 CAtypes.</summary>
    private static void ValidateLocation(VimLocation? location)
    {
        if (location is null) return;
        if (location.CountryCode is { } cc && (cc.Length != 2 || !cc.All(char.IsAsciiLetterUpper)))
            throw new BadRequestProblem($"location.countryCode must be a two-letter ISO 3166 code in capital letters, not \"{cc}\".");
        foreach (var e in location.CivicAddressElement ?? [])
        {
            if (e is null || e.CaType is < 0 or > 255)
                throw new BadRequestProblem("location.civicAddressElement: caType must be an RFC 4776 CAtype (0 to 255).");
            if (string.IsNullOrWhiteSpace(e.CaValue))
                throw new BadRequestProblem($"location.civicAddressElement: caType {e.CaType} has an empty caValue.");
        }
        if (location.CivicAddressElement is { Count: > 0 } && location.CountryCode is null)
            throw new BadRequestProblem("location.civicAddressElement needs a countryCode (SOL005 6.5.3.21: a civic address is combined with a country code).");
        if (location.Coordinates is { } c && (c.Count != 2 || c[0] is < -180 or > 180 || c[1] is < -90 or > 90))
            throw new BadRequestProblem("location.coordinates must be [longitude, latitude] (RFC 7946 position), longitude -180..180, latitude -90..90.");
    }

    private static string EndpointOf(IReadOnlyDictionary<string, string> interfaceInfo) =>
        interfaceInfo.TryGetValue("endpoint", out var e) ? e : "(no endpoint)";

    private static NotFoundProblem NotFound(string vimId) => new($"No VIM {vimId} is registered for this tenant.");

    [LoggerMessage(Level = LogLevel.Information, Message = "VIM {VimId} registered for tenant {TenantId}: type {VimType}, {Status}")]
    private partial void LogRegistered(string vimId, string tenantId, string vimType, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "VIM {VimId} of tenant {TenantId} updated (credentials replaced: {CredentialsReplaced})")]
    private partial void LogUpdated(string vimId, string tenantId, bool credentialsReplaced);

    [LoggerMessage(Level = LogLevel.Information, Message = "VIM {VimId} of tenant {TenantId} deleted")]
    private partial void LogDeleted(string vimId, string tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "VIM {VimId} of tenant {TenantId} is UNREACHABLE: {Error}")]
    private partial void LogUnreachable(string vimId, string tenantId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "VIM {VimId} of tenant {TenantId} is REACHABLE")]
    private partial void LogReachable(string vimId, string tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Credentials of VIM {VimId} (tenant {TenantId}) re-encrypted with key {KeyId}")]
    private partial void LogReencrypted(string vimId, string tenantId, string keyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-encrypting the credentials of VIM {VimId} (tenant {TenantId}) failed: {Error}")]
    private partial void LogReencryptFailed(string vimId, string tenantId, string error);
}
