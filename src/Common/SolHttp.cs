using System.Text.Json;
using Mano.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mano.Common;

/// <summary>SOL013 HTTP conventions shared by every SOL API Mano serves.</summary>
public static class SolHttp
{
    /// <summary>
    /// SOL013 clause 9.1: every response of a versioned API carries the "Version" header, and
    /// clause 9.3 the API version information resources ({apiRoot}/{apiName}/api_versions and .../v{N}/api_versions).
    /// </summary>
    public static RouteGroupBuilder MapSolApi(this IEndpointRouteBuilder app, string apiName, string majorVersion, string version)
    {
        var info = new ApiVersionInformation($"/{apiName}/{majorVersion}", [new ApiVersion(version, IsDeprecated: false)]);
        app.MapGet($"/{apiName}/api_versions", () => SolResults.Json(info)).AllowAnonymous().WithTags("API versions");
        var group = app.MapGroup($"/{apiName}/{majorVersion}");
        group.AddEndpointFilter(async (ctx, next) =>
        {
            ctx.HttpContext.Response.Headers["Version"] = version;
            return await next(ctx);
        });
        group.MapGet("/api_versions", () => SolResults.Json(info)).AllowAnonymous().WithTags("API versions");
        return group;
    }

    /// <summary>
    /// Reads a JSON request body as a SOL data type. SOL013 clause 4.2: request bodies are "application/json";
    /// anything else is 415, malformed JSON is 400 with the parser's position.
    /// </summary>
    public static async Task<T> ReadJsonAsync<T>(this HttpRequest request) where T : class
    {
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            throw new UnsupportedMediaTypeProblem($"The request body must be \"application/json\", not \"{request.ContentType ?? "(none)"}\".");
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, SolJson.Options, request.HttpContext.RequestAborted)
                   ?? throw new BadRequestProblem("The request body is empty (JSON null).");
        }
        catch (JsonException e)
        {
            throw new BadRequestProblem($"The request body is not a valid {typeof(T).Name}: {e.Message}");
        }
    }

    /// <summary>The absolute URI of a resource under this API root, for Location headers and _links.</summary>
    public static string Uri(this HttpRequest request, string path) => $"{request.Scheme}://{request.Host}{request.PathBase}{path}";
}
