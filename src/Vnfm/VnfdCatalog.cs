using System.Collections.Concurrent;
using MassTransit;
using Mano.Common;
using Mano.Contracts.Messages;
using Mano.Tosca;

namespace Mano.Vnfm;

/// <summary>An onboarded VNF package as the VNFM sees it: product info plus its parsed VNFD.</summary>
public sealed record KnownVnfd(OnboardedVnfPackage Package, Vnfd Vnfd);

/// <summary>
/// The VNFM's view of the NFVO's VNF package catalogue (SOL003 clause 10, "VNF Package Management interface",
/// consumed over the bus when the NFVO is Mano). A vnfdId names one immutable VNFD, so parsed VNFDs are cached.
/// A singleton (the cache outlives requests), so it takes the bus's singleton <see cref="IClientFactory"/>: MassTransit
/// registers <c>IRequestClient&lt;T&gt;</c> as scoped, and a singleton holding one is a captive dependency that
/// scope validation (the Development environment) rejects.
/// </summary>
public sealed class VnfdCatalog(IClientFactory clients)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<(string Tenant, string VnfdId), (KnownVnfd Vnfd, DateTime Until)> _cache = new();

    /// <summary>The VNFD, or a problem: 422 when no such VNFD is onboarded, 503 when the NFVO does not answer.</summary>
    public async Task<KnownVnfd> GetAsync(string tenantId, string vnfdId, CancellationToken ct)
    {
        if (_cache.TryGetValue((tenantId, vnfdId), out var hit) && hit.Until > DateTime.UtcNow)
            return hit.Vnfd;

        Response<OnboardedVnfPackageResult> response;
        try
        {
            response = await clients.CreateRequestClient<GetOnboardedVnfPackage>().GetResponse<OnboardedVnfPackageResult>(new GetOnboardedVnfPackage(tenantId, vnfdId), ct, RequestTimeout.After(s: 15));
        }
        catch (RequestTimeoutException)
        {
            throw new ServiceUnavailableProblem("The NFVO did not answer the VNF package query in time; try again.");
        }

        var result = response.Message;
        if (result.Package is null)
            throw new UnprocessableProblem(result.Problem?.Detail ?? $"No onboarded VNF package has vnfdId \"{vnfdId}\".");

        var parsed = VnfdParser.Parse(result.Package.VnfdFiles, result.Package.EntryDefinitions);
        if (parsed.Vnfd is null || parsed.HasErrors)
        {
            var errors = string.Join("; ", parsed.Diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.ToString()));
            throw new UnprocessableProblem($"The VNFD \"{vnfdId}\" cannot be used: {errors}");
        }

        var known = new KnownVnfd(result.Package, parsed.Vnfd);
        _cache[(tenantId, vnfdId)] = (known, DateTime.UtcNow + CacheFor);
        return known;
    }
}
