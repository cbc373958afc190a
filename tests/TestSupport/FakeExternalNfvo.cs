using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mano.TestSupport;

/// <summary>
/// A small, independent third-party NFVO: a Kestrel app on 127.0.0.1 that serves SOL003 clause 9 (grant/v1, API 1.7.0)
/// as the OpenAPI document defines it, written from the specification and sharing no code with Mano's NFVO.
/// POST /grant/v1/grants answers 201 + Grant (synchronous) or, with <see cref="Async"/>, 202 + Location, and GET
/// /grant/v1/grants/{id} answers 202 for <see cref="PendingPolls"/> polls, then 200 (or 403 when <see cref="Reject"/>
/// says so). Optional HTTP Basic or OAuth 2.0 client-credentials protection (its own token endpoint at /token).
/// Every request body received and every response body sent is recorded, for schema validation by the tests.
/// </summary>
public sealed class FakeExternalNfvo : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (JsonObject Grant, string? Rejection)> _grants = new();
    private readonly ConcurrentDictionary<string, int> _polls = new();
    private readonly ConcurrentDictionary<string, string> _byOpOcc = new();

    private FakeExternalNfvo(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }
    /// <summary>What a VNFM's Vnfm:Nfvo:GrantUri is set to.</summary>
    public string GrantApiRoot => $"{BaseUrl}/grant/v1";

    public bool Async { get; set; }
    public int PendingPolls { get; set; } = 2;
    /// <summary>An asynchronous decision that never comes (GET answers 202 forever).</summary>
    public bool NeverDecide { get; set; }
    /// <summary>Returns a rejection reason for a request, or null to grant.</summary>
    public Func<JsonObject, string?>? Reject { get; set; }
    /// <summary>Answer POST with this status and a ProblemDetails instead of deciding (e.g. 500).</summary>
    public int? FailWith { get; set; }
    /// <summary>Require HTTP Basic with these credentials.</summary>
    public (string User, string Password)? Basic { get; set; }
    /// <summary>Require a Bearer token from the /token endpoint, issued to these client credentials.</summary>
    public (string ClientId, string Secret)? OAuth2 { get; set; }
    public string VimConnectionId { get; set; } = "external-vim";
    public string VimId { get; set; } = "sandbox";
    public string VimType { get; set; } = "MANO.SANDBOX.V_1";
    public string ZoneName { get; set; } = "sandbox-az-1";

    public ConcurrentQueue<JsonObject> Requests { get; } = new();
    public ConcurrentQueue<(string Method, string Path, int Status, string Body)> Responses { get; } = new();
    public int TokensIssued => _tokensIssued;
    private int _tokensIssued;
    private readonly ConcurrentDictionary<string, bool> _tokens = new();

    public static async Task<FakeExternalNfvo> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeExternalNfvo? fake = null;
        app.MapPost("/token", (HttpContext http) => fake!.TokenAsync(http));
        app.MapPost("/grant/v1/grants", (HttpContext http) => fake!.PostAsync(http));
        app.MapGet("/grant/v1/grants/{grantId}", (HttpContext http, string grantId) => fake!.GetAsync(http, grantId));
        await app.StartAsync();
        var address = app.Urls.Single().Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal);
        fake = new FakeExternalNfvo(app, address.TrimEnd('/'));
        return fake;
    }

    private async Task TokenAsync(HttpContext http)
    {
        var expected = OAuth2 is { } o ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.ClientId}:{o.Secret}")) : null;
        var form = await http.Request.ReadFormAsync();
        if (expected is null || http.Request.Headers.Authorization != expected || form["grant_type"] != "client_credentials")
        {
            http.Response.StatusCode = 401;
            await http.Response.WriteAsJsonAsync(new { error = "invalid_client" });
            return;
        }
        var token = Guid.NewGuid().ToString("N");
        _tokens[token] = true;
        Interlocked.Increment(ref _tokensIssued);
        await http.Response.WriteAsJsonAsync(new { access_token = token, token_type = "bearer", expires_in = 3600 });
    }

    private bool Authorised(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (Basic is { } b) return header == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{b.User}:{b.Password}"));
        if (OAuth2 is not null) return header.StartsWith("Bearer ", StringComparison.Ordinal) && _tokens.ContainsKey(header[7..]);
        return true;
    }

    private async Task PostAsync(HttpContext http)
    {
        if (!Authorised(http))
        {
            await WriteProblemAsync(http, 401, "Unauthorized", "credentials missing or wrong");
            return;
        }
        var body = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
        Requests.Enqueue(body);
        if (FailWith is { } status)
        {
            await WriteProblemAsync(http, status, "Failure", "the fake NFVO was told to fail");
            return;
        }
        var opOcc = body["vnfLcmOpOccId"]!.GetValue<string>();
        if (_byOpOcc.TryGetValue(opOcc, out var known) && _grants[known].Rejection is null)
        {
            await WriteGrantAsync(http, 201, _grants[known].Grant, known);
            return;
        }
        var id = Guid.NewGuid().ToString();
        var grant = BuildGrant(id, body);
        var rejection = Reject?.Invoke(body);
        _grants[id] = (grant, rejection);
        _byOpOcc[opOcc] = id;
        if (Async)
        {
            http.Response.StatusCode = 202;
            http.Response.Headers.Location = $"{BaseUrl}/grant/v1/grants/{id}";
            http.Response.Headers.RetryAfter = "0";
            http.Response.Headers["Version"] = "1.7.0";
            Responses.Enqueue(("POST", "/grants", 202, ""));
            return;
        }
        if (rejection is not null)
        {
            await WriteProblemAsync(http, 403, "Forbidden", rejection, "/grants");
            return;
        }
        await WriteGrantAsync(http, 201, grant, id);
    }

    private async Task GetAsync(HttpContext http, string grantId)
    {
        if (!Authorised(http))
        {
            await WriteProblemAsync(http, 401, "Unauthorized", "credentials missing or wrong");
            return;
        }
        if (!_grants.TryGetValue(grantId, out var entry))
        {
            await WriteProblemAsync(http, 404, "Not Found", $"no grant {grantId}", "/grants/{grantId}");
            return;
        }
        var polls = _polls.AddOrUpdate(grantId, 1, (_, n) => n + 1);
        if (NeverDecide || polls <= PendingPolls)
        {
            http.Response.StatusCode = 202;
            http.Response.Headers["Version"] = "1.7.0";
            http.Response.Headers.RetryAfter = "0";
            Responses.Enqueue(("GET", "/grants/{grantId}", 202, ""));
            return;
        }
        if (entry.Rejection is not null)
        {
            await WriteProblemAsync(http, 403, "Forbidden", entry.Rejection, "/grants/{grantId}");
            return;
        }
        await WriteGrantAsync(http, 200, entry.Grant, grantId);
    }

    /// <summary>SOL003 9.5.2.3 Grant for a GrantRequest: everything asked is granted on one VIM connection and one zone.</summary>
    private JsonObject BuildGrant(string id, JsonObject request)
    {
        JsonArray? Infos(string list, bool isNew)
        {
            if (request[list] is not JsonArray defs) return null;
            var infos = new JsonArray();
            foreach (var d in defs)
            {
                var info = new JsonObject { ["resourceDefinitionId"] = d!["id"]!.GetValue<string>() };
                if (isNew)
                {
                    info["vimConnectionId"] = VimConnectionId;
                    if (d["type"]?.GetValue<string>() == "COMPUTE") info["zoneId"] = "zone-a";
                }
                infos.Add(info);
            }
            return infos;
        }
        var grant = new JsonObject
        {
            ["id"] = id,
            ["vnfInstanceId"] = request["vnfInstanceId"]!.GetValue<string>(),
            ["vnfLcmOpOccId"] = request["vnfLcmOpOccId"]!.GetValue<string>(),
            ["vimConnectionInfo"] = new JsonObject
            {
                [VimConnectionId] = new JsonObject
                {
                    ["vimId"] = VimId,
                    ["vimType"] = VimType,
                    ["interfaceInfo"] = new JsonObject { ["endpoint"] = "sandbox://local" },
                },
            },
            ["zones"] = new JsonArray(new JsonObject { ["id"] = "zone-a", ["zoneId"] = ZoneName, ["vimConnectionId"] = VimConnectionId }),
        };
        foreach (var (list, isNew) in new[] { ("addResources", true), ("tempResources", true), ("removeResources", false), ("updateResources", false) })
            if (Infos(list, isNew) is { } infos) grant[list] = infos;
        grant["_links"] = new JsonObject
        {
            ["self"] = new JsonObject { ["href"] = $"{BaseUrl}/grant/v1/grants/{id}" },
            ["vnfLcmOpOcc"] = request["_links"]!["vnfLcmOpOcc"]!.DeepClone(),
            ["vnfInstance"] = request["_links"]!["vnfInstance"]!.DeepClone(),
        };
        return grant;
    }

    private async Task WriteGrantAsync(HttpContext http, int status, JsonObject grant, string id)
    {
        var json = grant.ToJsonString();
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        http.Response.Headers["Version"] = "1.7.0";
        if (status == 201) http.Response.Headers.Location = $"{BaseUrl}/grant/v1/grants/{id}";
        Responses.Enqueue((status == 201 ? "POST" : "GET", status == 201 ? "/grants" : "/grants/{grantId}", status, json));
        await http.Response.WriteAsync(json);
    }

    private async Task WriteProblemAsync(HttpContext http, int status, string title, string detail, string? path = null)
    {
        var json = new JsonObject { ["type"] = "about:blank", ["title"] = title, ["status"] = status, ["detail"] = detail }.ToJsonString();
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/problem+json";
        http.Response.Headers["Version"] = "1.7.0";
        if (path is not null) Responses.Enqueue((http.Request.Method, path, status, json));
        await http.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
