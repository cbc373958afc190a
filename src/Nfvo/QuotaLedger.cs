using System.Collections.Concurrent;
using Mano.Contracts;
using Mano.Tosca;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Mano.Nfvo;

/// <summary>Limits on VNFCs, vCPUs, memory and storage; null: unlimited.</summary>
public sealed class ResourceLimits
{
    public int? MaxVnfcs { get; set; }
    public int? MaxVcpus { get; set; }
    public long? MaxMemoryMiB { get; set; }
    public long? MaxStorageGiB { get; set; }
    /// <summary>VIM capacity only: how many servers.</summary>
    public int? MaxInstances { get; set; }
}

/// <summary>The NFVO's grant settings (configuration section "Nfvo:Grants").</summary>
public sealed class GrantOptions
{
    public const string Section = "Nfvo:Grants";

    /// <summary>Nfvo:Grants:Async: POST /grant/v1/grants answers 202 and decides later (SOL003 9.4.2.3.1 asynchronous mode).</summary>
    public bool Async { get; set; }

    /// <summary>Nfvo:Grants:Quotas: every tenant's default quota (a tenant_quotas row overrides per limit). Default: unlimited.</summary>
    public ResourceLimits Quotas { get; set; } = new();

    /// <summary>Nfvo:Grants:SandboxCapacity: the capacity of a sandbox VIM without a vim_capacities row. Large by default.</summary>
    public ResourceLimits SandboxCapacity { get; set; } = new()
    {
        MaxInstances = 1000, MaxVcpus = 4096, MaxMemoryMiB = 16L * 1024 * 1024, MaxStorageGiB = 1024L * 1024,
    };

    public static GrantOptions From(IConfiguration config)
    {
        var options = new GrantOptions();
        config.GetSection(Section).Bind(options);
        return options;
    }
}

/// <summary>What resources weigh against quotas and capacities.</summary>
public readonly record struct ResourceSize(int Vnfcs, int Vcpus, long MemoryMiB, long StorageGiB)
{
    public static readonly ResourceSize Zero = new(0, 0, 0, 0);
    public static ResourceSize operator +(ResourceSize a, ResourceSize b) => new(a.Vnfcs + b.Vnfcs, a.Vcpus + b.Vcpus, a.MemoryMiB + b.MemoryMiB, a.StorageGiB + b.StorageGiB);
    public static ResourceSize operator -(ResourceSize a, ResourceSize b) => new(a.Vnfcs - b.Vnfcs, a.Vcpus - b.Vcpus, a.MemoryMiB - b.MemoryMiB, a.StorageGiB - b.StorageGiB);

    public static ResourceSize Of(GrantedResource r) => new(r.Type == "COMPUTE" ? 1 : 0, r.Vcpus, r.MemoryMiB, r.StorageGiB);

    public static ResourceSize Sum(IEnumerable<GrantedResource> rows) => rows.Aggregate(Zero, (s, r) => s + Of(r));

    /// <summary>The first limit that <c>inUse + delta</c> exceeds where delta grows usage, described; null when within limits.</summary>
    public static string? Exceeded(ResourceLimits limits, ResourceSize inUse, ResourceSize delta, string what)
    {
        var after = inUse + delta;
        string? Check(string name, long? max, long used, long change, long total, string unit) =>
            max is { } m && change > 0 && total > m
                ? $"{what} allows {m}{unit} {name}; {used}{unit} are in use and the operation needs {change}{unit} more."
                : null;
        return Check("VNFCs", limits.MaxVnfcs, inUse.Vnfcs, delta.Vnfcs, after.Vnfcs, "")
               ?? Check("servers", limits.MaxInstances, inUse.Vnfcs, delta.Vnfcs, after.Vnfcs, "")
               ?? Check("vCPUs", limits.MaxVcpus, inUse.Vcpus, delta.Vcpus, after.Vcpus, "")
               ?? Check("of memory", limits.MaxMemoryMiB, inUse.MemoryMiB, delta.MemoryMiB, after.MemoryMiB, " MiB")
               ?? Check("of storage", limits.MaxStorageGiB, inUse.StorageGiB, delta.StorageGiB, after.StorageGiB, " GiB");
    }
}

/// <summary>
/// Sizes of resource definitions from the onboarded VNFD (VDU virtual_compute, virtual storages): what a grant adds to the
/// ledger. Parsed VNFDs are cached per package (a vnfdId names one immutable VNFD). A VDU the NFVO cannot find (a VNFD it
/// does not hold) counts as the VNFM's defaults: 1 vCPU, 512 MiB.
/// </summary>
public sealed class GrantSizer
{
    private readonly ConcurrentDictionary<(string Tenant, string PkgId), Vnfd?> _cache = new();

    public async Task<Func<ResourceDefinition, ResourceSize>> ForAsync(NfvoDbContext db, GrantRequest request, CancellationToken ct)
    {
        var vnfds = new Dictionary<string, Vnfd?>(StringComparer.Ordinal);
        foreach (var vnfdId in new[] { request.VnfdId, request.DstVnfdId }
                     .Concat(Definitions(request).Select(d => d.VnfdId)).Where(v => v is not null).Select(v => v!).Distinct())
            vnfds[vnfdId] = await LoadAsync(db, vnfdId, ct);
        return d => Size(d, d.VnfdId is not null && vnfds.TryGetValue(d.VnfdId, out var v) ? v : vnfds.GetValueOrDefault(request.DstVnfdId ?? request.VnfdId),
            request.FlavourId);
    }

    private static IEnumerable<ResourceDefinition> Definitions(GrantRequest r) =>
        (r.AddResources ?? []).Concat(r.TempResources ?? []).Concat(r.RemoveResources ?? []).Concat(r.UpdateResources ?? []);

    public async Task<Vnfd?> LoadAsync(NfvoDbContext db, string vnfdId, CancellationToken ct)
    {
        var package = await db.VnfPackages.AsNoTracking()
            .Where(p => p.VnfdId == vnfdId && p.OnboardingState == PackageOnboardingState.Onboarded)
            .Select(p => new { p.Id, p.EntryDefinitions }).SingleOrDefaultAsync(ct);
        if (package?.EntryDefinitions is null) return null;
        var key = (db.TenantId, package.Id);
        if (_cache.TryGetValue(key, out var hit)) return hit;
        var files = await db.VnfPackageVnfdFiles.AsNoTracking().Where(f => f.VnfPkgId == package.Id)
            .ToDictionaryAsync(f => f.Path, f => f.Content, StringComparer.Ordinal, ct);
        var parsed = VnfdParser.Parse(files, package.EntryDefinitions);
        var vnfd = parsed.HasErrors ? null : parsed.Vnfd;
        _cache[key] = vnfd;
        return vnfd;
    }

    public static ResourceSize Size(ResourceDefinition d, Vnfd? vnfd, string? flavourId)
    {
        var flavours = vnfd is null ? [] : vnfd.Flavours.OrderBy(f => f.FlavourId == flavourId ? 0 : 1).ToList();
        switch (d.Type)
        {
            case "COMPUTE":
            {
                var vduId = d.VduId ?? d.ResourceTemplateId;
                var vdu = flavours.SelectMany(f => f.Vdus).FirstOrDefault(v => v.Id == vduId);
                return new ResourceSize(1, vdu?.NumVirtualCpu ?? 1, vdu?.VirtualMemSizeMiB ?? 512, vdu?.LocalStorageSizesGiB.Sum() ?? 0);
            }
            case "STORAGE":
            {
                var storage = flavours.SelectMany(f => f.VirtualStorages).FirstOrDefault(s => s.Id == d.ResourceTemplateId);
                var gib = storage is null ? 0 : (storage.SizeOfStorageBytes + (1L << 30) - 1) >> 30;
                return new ResourceSize(0, 0, 0, gib);
            }
            default:
                return ResourceSize.Zero;
        }
    }
}
