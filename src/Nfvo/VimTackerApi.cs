using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mano.Common;
using Mano.VimAdapters;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mano.Nfvo;

/// <summary>
/// Tacker's VIM resource (NFVO extension of Tacker's v1.0 API), served so that Tacker's client and VIM files work
/// unchanged (<c>openstack vim register --config-file vim.yaml NAME</c>, <c>vim list/show/set/delete</c>):
/// <code>
///   GET    /v1.0/vims[.json]          {"vims": [...]}   (filters: any top-level attribute, e.g. ?name=x&amp;fields=id)
///   POST   /v1.0/vims[.json]          {"vim": {...}} -> 201 {"vim": {...}}
///   GET    /v1.0/vims/{id}[.json]     {"vim": {...}}
///   PUT    /v1.0/vims/{id}[.json]     {"vim": {...}} -> 200 {"vim": {...}}
///   DELETE /v1.0/vims/{id}[.json]     204 (409 while VNF instances live on it)
/// </code>
/// Body: Tacker's attributes (type openstack | kubernetes, auth_url, vim_project, auth_cred, is_default, ...), mapped
/// onto SOL003 VimConnectionInfo the way Tacker's v2 does (ETSINFV.OPENSTACK_KEYSTONE.V_3: endpoint + username,
/// password, project, projectDomain, userDomain; ETSINFV.KUBERNETES.V_1: endpoint, ssl_ca_cert + bearer_token or
/// username/password or OIDC). auth_cred is write-only: secrets come back as "***", as Tacker masks them.
/// Errors are Tacker's: <c>{"TackerError": {"type": ..., "message": ..., "detail": ""}}</c>, which tackerclient parses.
/// </summary>
public static class VimTackerApi
{
    public const string Prefix = "/v1.0";
    private const string JsonSuffix = ".json";

    private static readonly HashSet<string> Attributes = ["id", "tenant_id", "type", "auth_url", "auth_cred", "vim_project", "name",
        "description", "status", "placement_attr", "shared", "is_default", "created_at", "updated_at", "extra"];
    private static readonly HashSet<string> PostAllowed = ["tenant_id", "type", "auth_url", "auth_cred", "vim_project", "name", "description", "is_default", "extra"];
    private static readonly HashSet<string> PutAllowed = ["auth_cred", "vim_project", "name", "description", "is_default", "extra"];

    public static IEndpointRouteBuilder MapVimTackerApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("VIM registry (Tacker v1.0 shape)");
        foreach (var collection in new[] { "/vims", "/vims" + JsonSuffix })
        {
            group.MapGet(collection, (HttpContext http, VimRegistry registry, CancellationToken ct) =>
                Tacker(http, async () => Results.Json(new JsonObject { ["vims"] = Filter(http.Request.Query, (await registry.ListVimsAsync(ct)).Select(ToTacker)) },
                    statusCode: StatusCodes.Status200OK)));
            group.MapPost(collection, (HttpContext http, VimRegistry registry, CancellationToken ct) =>
                Tacker(http, async () =>
                {
                    var body = await ReadVimAsync(http, PostAllowed, "POST");
                    var vim = await registry.RegisterAsync(ToSpec(body, registry.TenantId), ct);
                    return Results.Json(new JsonObject { ["vim"] = ToTacker(vim) }, statusCode: StatusCodes.Status201Created);
                }));
        }
        group.MapGet("/vims/{vimId}", (string vimId, HttpContext http, VimRegistry registry, CancellationToken ct) =>
            Tacker(http, async () => Results.Json(new JsonObject { ["vim"] = Select(http.Request.Query, ToTacker(await registry.GetAsync(Id(vimId), ct))) })));
        group.MapPut("/vims/{vimId}", (string vimId, HttpContext http, VimRegistry registry, CancellationToken ct) =>
            Tacker(http, async () =>
            {
                var body = await ReadVimAsync(http, PutAllowed, "PUT");
                var vim = await registry.UpdateAsync(Id(vimId), ToChanges(body), null, ct);
                return Results.Json(new JsonObject { ["vim"] = ToTacker(vim) });
            }));
        group.MapDelete("/vims/{vimId}", (string vimId, HttpContext http, VimRegistry registry, CancellationToken ct) =>
            Tacker(http, async () =>
            {
                await registry.DeleteAsync(Id(vimId), ct);
                return Results.NoContent();
            }));
        return app;
    }

    /// <summary>tackerclient appends ".json" to every path (<c>/v1.0/vims/{id}.json</c>).</summary>
    private static string Id(string vimId) => vimId.EndsWith(JsonSuffix, StringComparison.Ordinal) ? vimId[..^JsonSuffix.Length] : vimId;

    // ---- Tacker -> Mano ---------------------------------------------------------------------------------------

    private static VimSpec ToSpec(JsonObject vim, string? tenantId)
    {
        foreach (var required in new[] { "name", "type", "auth_url", "auth_cred", "vim_project" })
            if (vim[required] is null) throw new BadRequestProblem($"Failed to parse request. Required attribute '{required}' not specified");
        if (Text(vim, "tenant_id") is { } requested && tenantId is not null && requested != tenantId)
            throw new TackerForbidden($"A VIM cannot be registered for another tenant ({requested}).");
        var type = Text(vim, "type")!;
        var authUrl = Text(vim, "auth_url")!;
        if (!Uri.TryCreate(authUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new BadRequestProblem($"Invalid input for auth_url. Reason: '{authUrl}' is not a valid URL.");
        var cred = Dict(vim, "auth_cred", notEmpty: true)!;
        var project = Dict(vim, "vim_project", notEmpty: true)!;
        var (vimType, interfaceInfo, accessInfo) = type switch
        {
            "openstack" => OpenStack(authUrl, cred, project),
            "kubernetes" => Kubernetes(authUrl, cred, project),
            _ => throw new BadRequestProblem($"Invalid input for type. Reason: VIM type '{type}' is not supported (openstack, kubernetes)."),
        };
        return new VimSpec
        {
            Name = Text(vim, "name")!,
            Description = Text(vim, "description") ?? "",
            VimType = vimType,
            InterfaceInfo = interfaceInfo,
            AccessInfo = accessInfo,
            Extra = vim["extra"] as JsonObject is { } extra ? (JsonObject)extra.DeepClone() : null,
            Location = LocationOf(vim),
            IsDefault = Bool(vim, "is_default") ?? false,
        };
    }

    private static VimChanges ToChanges(JsonObject vim)
    {
        var cred = Dict(vim, "auth_cred", notEmpty: true);
        var project = Dict(vim, "vim_project", notEmpty: true);
        Dictionary<string, string>? access = null;
        Dictionary<string, string>? iface = null;
        if (cred is not null || project is not null)
        {
            access = [];
            foreach (var (k, v) in cred ?? [])
            {
                switch (k)
                {
                    case "cert_verify": (iface ??= [])[SkipVerification] = (!CertVerify(v)).ToString().ToLowerInvariant(); iface[SkipHostname] = iface[SkipVerification]; break;
                    case "ssl_ca_cert": (iface ??= [])["ssl_ca_cert"] = v; break;
                    default: access[CredKey(k)] = v; break;
                }
            }
            foreach (var (k, v) in project ?? []) access[ProjectKey(k)] = v;
        }
        return new VimChanges
        {
            Name = Text(vim, "name"),
            Description = Text(vim, "description"),
            AccessInfo = access,
            MergeAccessInfo = true,
            InterfaceInfoMerge = iface,
            Extra = vim["extra"] as JsonObject is { } extra ? (JsonObject)extra.DeepClone() : null,
            Location = LocationOf(vim),
            IsDefault = Bool(vim, "is_default"),
        };
    }

    private const string SkipVerification = "skipCertificateVerification";
    private const string SkipHostname = "skipCertificateHostnameCheck";

    private static (string, Dictionary<string, string>, Dictionary<string, string>) OpenStack(
        string authUrl, Dictionary<string, string> cred, Dictionary<string, string> project)
    {
        var skip = (!CertVerify(cred.GetValueOrDefault("cert_verify") ?? "True")).ToString().ToLowerInvariant();
        var iface = new Dictionary<string, string> { ["endpoint"] = authUrl, [SkipVerification] = skip, [SkipHostname] = skip };
        var access = new Dictionary<string, string>();
        foreach (var (k, v) in cred)
            if (k is not ("cert_verify" or "auth_url") && v.Length > 0) access[CredKey(k)] = v;
        foreach (var (k, v) in project)
            if (v.Length > 0) access[ProjectKey(k)] = v;
        if (!access.ContainsKey("username") && !access.ContainsKey("userId"))
            throw new BadRequestProblem("Invalid input for auth_cred. Reason: username (or user_id) is required for an OpenStack VIM.");
        if (!access.ContainsKey("project") && !access.ContainsKey("projectId"))
            throw new BadRequestProblem("Invalid input for vim_project. Reason: name (or id) is required for an OpenStack VIM.");
        return (VimTypes.OpenStack, iface, access);
    }

    private static (string, Dictionary<string, string>, Dictionary<string, string>) Kubernetes(
        string authUrl, Dictionary<string, string> cred, Dictionary<string, string> project)
    {
        var iface = new Dictionary<string, string> { ["endpoint"] = authUrl };
        var access = new Dictionary<string, string>();
        foreach (var (k, v) in cred)
        {
            if (v.Length == 0) continue;
            if (k == "ssl_ca_cert") iface["ssl_ca_cert"] = v;
            else if (k != "auth_url") access[k] = v;
        }
        if (project.GetValueOrDefault("name") is { Length: > 0 } ns) access["project"] = ns;
        if (!access.ContainsKey("bearer_token") && !(access.ContainsKey("username") && access.ContainsKey("password")))
            throw new BadRequestProblem("Invalid input for auth_cred. Reason: a Kubernetes VIM needs bearer_token, or username and password.");
        return (VimTypes.Kubernetes, iface, access);
    }

    private static bool CertVerify(string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw new BadRequestProblem($"Invalid input for cert_verify. Reason: '{value}' is not True or False."),
    };

    /// <summary>Tacker auth_cred keys -> SOL003 accessInfo keys (ETSINFV.OPENSTACK_KEYSTONE.V_3).</summary>
    private static string CredKey(string k) => k switch
    {
        "user_domain_name" => "userDomain",
        "user_id" => "userId",
        "project_name" => "project",
        "project_id" => "projectId",
        "project_domain_name" => "projectDomain",
        _ => k,
    };

    private static string ProjectKey(string k) => k switch
    {
        "name" => "project",
        "id" => "projectId",
        "project_domain_name" => "projectDomain",
        _ => k,
    };

    // ---- Mano -> Tacker ---------------------------------------------------------------------------------------

    private static JsonObject ToTacker(Vim v)
    {
        var iface = VimRegistry.Interface(v);
        var access = VimRegistry.MaskedAccess(v);
        var endpoint = iface.GetValueOrDefault("endpoint") ?? "";
        var type = v.VimType switch
        {
            VimTypes.OpenStack => "openstack",
            VimTypes.Kubernetes => "kubernetes",
            VimTypes.Sandbox => "sandbox",
            _ => v.VimType,
        };
        var cred = new JsonObject();
        var project = new JsonObject();
        foreach (var (k, value) in access)
        {
            switch (k)
            {
                case "userDomain": cred["user_domain_name"] = value; break;
                case "userId": cred["user_id"] = value; break;
                case "project": project["name"] = value; cred["project_name"] = value; break;
                case "projectId": project["id"] = value; cred["project_id"] = value; break;
                case "projectDomain": project["project_domain_name"] = value; cred["project_domain_name"] = value; break;
                default: cred[k] = value; break;
            }
        }
        if (v.VimType == VimTypes.OpenStack)
        {
            cred["auth_url"] = endpoint;
            cred["cert_verify"] = iface.GetValueOrDefault(SkipVerification) == "true" ? "False" : "True";
        }
        if (iface.GetValueOrDefault("ssl_ca_cert") is { } ca) cred["ssl_ca_cert"] = ca;
        var regions = access.GetValueOrDefault("region") is { } region ? new JsonArray(region) : new JsonArray();
        return new JsonObject
        {
            ["id"] = v.Id,
            ["name"] = v.Name,
            ["description"] = v.Description ?? "",
            ["tenant_id"] = v.TenantId,
            ["type"] = type,
            ["auth_url"] = endpoint,
            ["vim_project"] = project,
            ["auth_cred"] = cred,
            ["placement_attr"] = new JsonObject { ["regions"] = regions, ["availability_zones"] = new JsonArray(VimRegistry.Zones(v).Select(z => (JsonNode)z).ToArray()) },
            ["status"] = v.Status,
            ["status_detail"] = v.StatusDetail,
            ["is_default"] = v.IsDefault,
            ["extra"] = v.Extra is null ? new JsonObject() : JsonNode.Parse(v.Extra),
            ["created_at"] = Timestamp(v.CreatedAt),
            ["updated_at"] = v.UpdatedAt is { } u ? Timestamp(u) : null,
        };
    }

    private static string Timestamp(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Neutron-style list filters: every query parameter but fields/sort/paging is an equality on a top-level attribute (repeated: any of).</summary>
    private static JsonArray Filter(IQueryCollection query, IEnumerable<JsonObject> vims)
    {
        var filters = query.Where(q => q.Key is not ("fields" or "sort_key" or "sort_dir" or "limit" or "marker" or "page_reverse")).ToList();
        var result = new JsonArray();
        foreach (var vim in vims)
        {
            if (filters.All(f => vim[f.Key] is JsonValue value && f.Value.Any(x => string.Equals(Scalar(value), x, StringComparison.OrdinalIgnoreCase) || Scalar(value) == x)))
                result.Add(Select(query, vim));
        }
        return result;
    }

    private static string? Scalar(JsonValue value) =>
        value.TryGetValue<string>(out var s) ? s : value.TryGetValue<bool>(out var b) ? (b ? "True" : "False") : value.ToJsonString();

    /// <summary><c>fields=a&amp;fields=b</c>: only those attributes.</summary>
    private static JsonObject Select(IQueryCollection query, JsonObject vim)
    {
        var fields = query["fields"].Where(f => !string.IsNullOrEmpty(f)).SelectMany(f => f!.Split(',')).ToHashSet();
        if (fields.Count == 0) return vim;
        var selected = new JsonObject();
        foreach (var (k, v) in vim)
            if (fields.Contains(k)) selected[k] = v?.DeepClone();
        return selected;
    }

    // ---- request bodies -------------------------------------------------------------------------------------

    private static async Task<JsonObject> ReadVimAsync(HttpContext http, HashSet<string> allowed, string method)
    {
        JsonNode? root;
        try
        {
            root = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            throw new BadRequestProblem("Malformed request body");
        }
        if (root is not JsonObject { } wrapper || wrapper["vim"] is not JsonObject vim)
            throw new BadRequestProblem("Unable to find 'vim' in request body");
        var unknown = vim.Select(kv => kv.Key).Where(k => !Attributes.Contains(k)).ToList();
        if (unknown.Count > 0) throw new BadRequestProblem($"Unrecognized attribute(s) '{string.Join(", ", unknown)}'");
        var forbidden = vim.Select(kv => kv.Key).FirstOrDefault(k => !allowed.Contains(k));
        if (forbidden is not null) throw new BadRequestProblem($"Attribute '{forbidden}' not allowed in {method}");
        return vim;
    }

    /// <summary>
    /// Tacker's VIM has no location attribute: Mano reads it from "extra": {"location": {countryCode, civicAddressElement,
    /// coordinates}} (kept in extra as given, so a Tacker client sees it back unchanged).
    /// </summary>
    private static VimLocation? LocationOf(JsonObject vim)
    {
        if ((vim["extra"] as JsonObject)?["location"] is not { } node) return null;
        try
        {
            return node.Deserialize<VimLocation>(Mano.Contracts.SolJson.Options);
        }
        catch (JsonException e)
        {
            throw new BadRequestProblem($"Invalid input for extra.location. Reason: {e.Message}");
        }
    }

    private static string? Text(JsonObject o, string key) => o[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw new BadRequestProblem($"Invalid input for {key}. Reason: not a string."),
    };

    private static bool? Bool(JsonObject o, string key) => o[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) && bool.TryParse(s, out var b) => b,
        _ => throw new BadRequestProblem($"Invalid input for {key}. Reason: '{o[key]!.ToJsonString()}' is not a valid boolean value."),
    };

    /// <summary>A dict of scalar values (Tacker's type:dict_not_empty); values become strings. Never echoes values (secrets).</summary>
    private static Dictionary<string, string>? Dict(JsonObject o, string key, bool notEmpty)
    {
        if (o[key] is null) return null;
        if (o[key] is not JsonObject d) throw new BadRequestProblem($"Invalid input for {key}. Reason: not a dictionary.");
        if (notEmpty && d.Count == 0) throw new BadRequestProblem($"Invalid input for {key}. Reason: the dictionary is empty.");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in d)
        {
            result[k] = v switch
            {
                null => "",
                JsonValue s when s.TryGetValue<string>(out var text) => text,
                JsonValue b when b.TryGetValue<bool>(out var flag) => flag ? "True" : "False",
                JsonValue n => n.ToJsonString(),
                _ => throw new BadRequestProblem($"Invalid input for {key}. Reason: attribute '{k}' is not a scalar."),
            };
        }
        return result;
    }

    // ---- errors ---------------------------------------------------------------------------------------------

    private sealed class TackerForbidden(string message) : SolProblemException(StatusCodes.Status403Forbidden, "Forbidden", message);

    private static async Task<IResult> Tacker(HttpContext http, Func<Task<IResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (SolProblemException e)
        {
            var type = e.Status switch
            {
                StatusCodes.Status400BadRequest => "HTTPBadRequest",
                StatusCodes.Status403Forbidden => "HTTPForbidden",
                StatusCodes.Status404NotFound => "VimNotFoundException",
                StatusCodes.Status409Conflict when e is ConflictProblem && e.Message.Contains("in use", StringComparison.Ordinal) => "VimInUseException",
                StatusCodes.Status409Conflict => "HTTPConflict",
                StatusCodes.Status415UnsupportedMediaType => "HTTPUnsupportedMediaType",
                // The VIM refused the credentials: Tacker's VimUnauthorizedException, answered as the client's error.
                StatusCodes.Status422UnprocessableEntity => "VimUnauthorizedException",
                _ => "TackerException",
            };
            var status = e.Status == StatusCodes.Status422UnprocessableEntity ? StatusCodes.Status400BadRequest : e.Status;
            return Results.Json(new JsonObject
            {
                ["TackerError"] = new JsonObject { ["type"] = type, ["message"] = e.Message, ["detail"] = "" },
            }, statusCode: status);
        }
    }
}
