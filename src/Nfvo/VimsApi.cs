using System.Text.Json;
using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mano.Nfvo;

/// <summary>POST /nfvo/v1/vims. <see cref="AccessInfo"/> is secret: ToString hides it.</summary>
public sealed record CreateVimRequest
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public string? VimType { get; init; }
    public Dictionary<string, string>? InterfaceInfo { get; init; }
    public Dictionary<string, string>? AccessInfo { get; init; }
    public JsonObject? Extra { get; init; }
    public List<string>? AvailabilityZones { get; init; }
    /// <summary>Where the VIM is (countryCode, civicAddressElement, coordinates): NS placement matches location constraints against it.</summary>
    public VimLocation? Location { get; init; }
    public bool? IsDefault { get; init; }

    public override string ToString() => $"CreateVimRequest {{ Name = {Name}, VimType = {VimType}, AccessInfo = (hidden) }}";
}

/// <summary>PATCH /nfvo/v1/vims/{id}: absent attributes are unchanged; accessInfo replaces the credentials whole.</summary>
public sealed record ModifyVimRequest
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public string? VimType { get; init; }
    public Dictionary<string, string>? InterfaceInfo { get; init; }
    public Dictionary<string, string>? AccessInfo { get; init; }
    public JsonObject? Extra { get; init; }
    public List<string>? AvailabilityZones { get; init; }
    /// <summary>Where the VIM is (countryCode, civicAddressElement, coordinates): NS placement matches location constraints against it.</summary>
    public VimLocation? Location { get; init; }
    public bool? IsDefault { get; init; }

    public override string ToString() => $"ModifyVimRequest {{ Name = {Name}, AccessInfo = (hidden) }}";
}

/// <summary>
/// Mano's own VIM registry API (not a SOL interface; ETSI leaves VIM registration to the NFVO's management interface):
/// <code>
///   GET    /nfvo/v1/vims              the tenant's VIMs
///   POST   /nfvo/v1/vims              register (201 + Location; 422 when the VIM refuses the credentials)
///   GET    /nfvo/v1/vims/{id}         one VIM (ETag)
///   PATCH  /nfvo/v1/vims/{id}         update (If-Match honoured; vimType cannot change)
///   DELETE /nfvo/v1/vims/{id}         204, or 409 while VNF instances live on it
///   POST   /nfvo/v1/vims/{id}/check   run the connectivity check now
/// </code>
/// Credentials (accessInfo) are write-only: responses show secret values as "***". Errors are ProblemDetails.
/// </summary>
public static class VimsApi
{
    public const string UriPrefix = "/nfvo/v1";

    public static IEndpointRouteBuilder MapVimsApiV1(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(UriPrefix).WithTags("VIM registry");
        group.MapGet("/vims", async (VimRegistry registry, CancellationToken ct) => SolResults.Json(await registry.ListAsync(ct)));
        group.MapPost("/vims", async (HttpRequest http, VimRegistry registry, CancellationToken ct) =>
        {
            var request = await http.ReadJsonAsync<CreateVimRequest>();
            var vim = await registry.RegisterAsync(new VimSpec
            {
                Name = request.Name ?? throw new BadRequestProblem("name is required."),
                Description = request.Description,
                VimType = request.VimType ?? throw new BadRequestProblem("vimType is required (e.g. ETSINFV.OPENSTACK_KEYSTONE.V_3 or ETSINFV.KUBERNETES.V_1)."),
                InterfaceInfo = request.InterfaceInfo ?? [],
                AccessInfo = request.AccessInfo,
                Extra = request.Extra,
                AvailabilityZones = request.AvailabilityZones,
                Location = request.Location,
                IsDefault = request.IsDefault ?? false,
            }, ct);
            return SolResults.Json(VimRegistry.ToInfo(vim), StatusCodes.Status201Created, http.Uri($"{UriPrefix}/vims/{vim.Id}"))
                .WithETag(ETag(vim));
        });
        group.MapGet("/vims/{vimId}", async (string vimId, HttpRequest http, VimRegistry registry, CancellationToken ct) =>
        {
            var vim = await registry.GetAsync(vimId, ct);
            if (SolETag.IsNotModified(http, ETag(vim))) return Results.StatusCode(StatusCodes.Status304NotModified);
            return SolResults.Json(VimRegistry.ToInfo(vim)).WithETag(ETag(vim));
        });
        group.MapPatch("/vims/{vimId}", async (string vimId, HttpRequest http, VimRegistry registry, CancellationToken ct) =>
        {
            var request = await ReadPatchAsync(http);
            var vim = await registry.UpdateAsync(vimId, new VimChanges
            {
                Name = request.Name,
                Description = request.Description,
                InterfaceInfo = request.InterfaceInfo,
                AccessInfo = request.AccessInfo,
                Extra = request.Extra,
                AvailabilityZones = request.AvailabilityZones,
                Location = request.Location,
                IsDefault = request.IsDefault,
            }, current =>
            {
                if (request.VimType is not null && request.VimType != current.VimType)
                    throw new UnprocessableProblem($"vimType cannot change ({current.VimType}); register a new VIM instead.");
                SolETag.CheckIfMatch(http, ETag(current));
            }, ct);
            return SolResults.Json(VimRegistry.ToInfo(vim)).WithETag(ETag(vim));
        });
        group.MapDelete("/vims/{vimId}", async (string vimId, VimRegistry registry, CancellationToken ct) =>
        {
            await registry.DeleteAsync(vimId, ct);
            return Results.NoContent();
        });
        group.MapPost("/vims/{vimId}/check", async (string vimId, VimRegistry registry, CancellationToken ct) =>
        {
            var vim = await registry.CheckNowAsync(vimId, ct);
            return SolResults.Json(VimRegistry.ToInfo(vim)).WithETag(ETag(vim));
        });
        return app;
    }

    private static string ETag(Vim vim) => SolETag.FromVersion(vim.Id, vim.Version);

    /// <summary>PATCH bodies: application/merge-patch+json (RFC 7396) or application/json.</summary>
    private static async Task<ModifyVimRequest> ReadPatchAsync(HttpRequest http)
    {
        var type = http.ContentType ?? "";
        if (!type.StartsWith("application/merge-patch+json", StringComparison.OrdinalIgnoreCase)
            && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            throw new UnsupportedMediaTypeProblem($"The request body must be \"application/merge-patch+json\" or \"application/json\", not \"{(type.Length == 0 ? "(none)" : type)}\".");
        try
        {
            return await JsonSerializer.DeserializeAsync<ModifyVimRequest>(http.Body, SolJson.Options, http.HttpContext.RequestAborted)
                   ?? throw new BadRequestProblem("The request body is empty (JSON null).");
        }
        catch (JsonException e)
        {
            throw new BadRequestProblem($"The request body is not a valid ModifyVimRequest: {e.Message}");
        }
    }
}
