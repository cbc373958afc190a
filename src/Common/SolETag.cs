using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Mano.Common;

public sealed class PreconditionFailedProblem(string detail) : SolProblemException(StatusCodes.Status412PreconditionFailed, "Precondition Failed", detail);

/// <summary>
/// SOL013 clause 4.5 (conditional requests, RFC 9110 13.1): the <c>ETag</c> of an individual resource and the
/// <c>If-Match</c> check of PATCH (412 Precondition Failed on mismatch); <c>If-None-Match</c> on GET (304).
/// Mano's ETags are strong and opaque: the resource id and its row version, hashed, so that two resources never share one.
/// </summary>
public static class SolETag
{
    /// <summary>The strong ETag (quoted) of resource <paramref name="id"/> at row version <paramref name="version"/>.</summary>
    public static string FromVersion(string id, long version)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{id}\n{version}"));
        return $"\"{Convert.ToHexStringLower(hash, 0, 12)}\"";
    }

    /// <summary>Sets the <c>ETag</c> response header.</summary>
    public static void Set(HttpResponse response, string etag) => response.Headers.ETag = etag;

    /// <summary>
    /// Enforces <c>If-Match</c>: absent is accepted (SOL003/SOL005 make it optional); "*" matches any existing
    /// resource; otherwise one of the listed entity-tags must equal <paramref name="currentETag"/> by strong comparison
    /// (a weak tag never matches, RFC 9110 13.1.1), else 412 ProblemDetails.
    /// </summary>
    public static void CheckIfMatch(HttpRequest request, string currentETag)
    {
        var header = request.Headers.IfMatch;
        if (header.Count == 0) return;
        if (!EntityTagHeaderValue.TryParseList(header, out var tags))
            throw new BadRequestProblem($"Malformed If-Match header \"{header}\": a list of quoted entity-tags, or \"*\".");
        var current = EntityTagHeaderValue.Parse(currentETag);
        if (tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: true))) return;
        throw new PreconditionFailedProblem(
            $"If-Match {header} does not match the current ETag {currentETag}: the resource was modified since it was read; GET it again and retry.");
    }

    /// <summary>True when <c>If-None-Match</c> lists <paramref name="currentETag"/> (weak comparison) or "*": answer 304 Not Modified.</summary>
    public static bool IsNotModified(HttpRequest request, string currentETag)
    {
        var header = request.Headers.IfNoneMatch;
        if (header.Count == 0 || !EntityTagHeaderValue.TryParseList(header, out var tags)) return false;
        var current = EntityTagHeaderValue.Parse(currentETag);
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: false));
    }

    /// <summary>Wraps a result so that it carries the <c>ETag</c> header.</summary>
    public static IResult WithETag(this IResult result, string etag) => new ETagResult(result, etag);

    private sealed class ETagResult(IResult inner, string etag) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers.ETag = etag;
            return inner.ExecuteAsync(context);
        }
    }
}
