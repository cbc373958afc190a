using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.VimAdapters;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VimConnectionInfo = Mano.VimAdapters.VimConnectionInfo;

namespace Mano.Nfvo.Tests;

/// <summary>
/// A VIM connectivity check that needs no cloud: an endpoint whose host contains "refuse" refuses the credentials
/// (permanent), "unreachable" does not answer (transient); anything else is reachable. Records what it was given.
/// </summary>
public sealed class FakeConnectivityCheck : IVimConnectivityCheck
{
    public ConcurrentQueue<VimConnectionInfo> Seen { get; } = new();
    public volatile bool AllUnreachable;

    public Task<VimCheckResult> CheckAsync(string tenantId, VimConnectionInfo vim, CancellationToken ct)
    {
        Seen.Enqueue(vim);
        var endpoint = vim.InterfaceInfo.GetValueOrDefault("endpoint") ?? "";
        if (AllUnreachable || endpoint.Contains("unreachable", StringComparison.Ordinal))
            return Task.FromResult(new VimCheckResult(false, "VIM call 'keystone_auth' failed: connection refused", false));
        if (endpoint.Contains("refuse", StringComparison.Ordinal))
            return Task.FromResult(new VimCheckResult(false, "VIM call 'keystone_auth' failed: 401 The request you have made requires authentication.", true));
        return Task.FromResult(new VimCheckResult(true, null, false));
    }
}

/// <summary>Every log line (formatted message, structured values, exception) of the host, to prove no secret is logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> kvs ? string.Join(" ", kvs.Select(kv => $"{kv.Key}={kv.Value}")) : "";
            owner.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} | {values} | {exception}");
        }
    }
}

/// <summary>The NFVO (as AddNfvo composes it) on TestServer with a real database, a fixed secrets key and captured logs.</summary>
public abstract class VimApiHost(ITestDatabase<NfvoDbContext> db) : IAsyncLifetime
{
    public static readonly string SecretsKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private WebApplication? _app;

    public ITestDatabase<NfvoDbContext> Db => db;
    public IServiceProvider Services => _app!.Services;
    public FakeConnectivityCheck Connectivity { get; } = new();
    public CapturingLoggerProvider Logs { get; } = new();

    public HttpClient Client(string tenant)
    {
        var client = _app!.GetTestClient();
        client.DefaultRequestHeaders.Add("X-Test-Tenant", tenant);
        return client;
    }

    public async ValueTask InitializeAsync()
    {
        await ((IAsyncLifetime)db).InitializeAsync();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(Logs);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Nfvo:ApiRoot"] = "http://nfvo.test",
            ["Nfvo:SecretsKey"] = SecretsKey,
            ["Nfvo:VimCheck:IntervalSeconds"] = "0",
            ["Auth:DefaultTenant"] = "default",
        });
        builder.Services.AddSingleton<WorkSignal>();
        builder.Services.AddSingleton<WorkSignalInterceptor>();
        builder.Services.AddScoped<TenantContext>();
        builder.Services.AddNfvo(builder.Configuration, db.Settings);
        builder.Services.AddSingleton<IVimConnectivityCheck>(Connectivity);
        builder.Services.AddMassTransit(x =>
        {
            x.AddNfvoConsumers();
            x.UsingInMemory((ctx, cfg) => cfg.ConfigureEndpoints(ctx));
        });
        builder.Services.AddExceptionHandler<SolExceptionHandler>();
        builder.Services.AddProblemDetails();
        _app = builder.Build();
        _app.UseExceptionHandler();
        _app.Use((ctx, next) =>
        {
            if (ctx.Request.Headers["X-Test-Tenant"].FirstOrDefault() is { } t)
                ctx.RequestServices.GetRequiredService<TenantContext>().Set(t);
            return next(ctx);
        });
        _app.MapNfvoApis();
        await _app.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await ((IAsyncDisposable)db).DisposeAsync();
    }
}

public sealed class SqliteVimApiHost() : VimApiHost(new SqliteNfvoDatabase());

public sealed class PostgresVimApiHost() : VimApiHost(new PostgresNfvoDatabase());

public sealed class VimRegistryOnSqliteTests(SqliteVimApiHost host) : VimRegistryTests(host), IClassFixture<SqliteVimApiHost>;

public sealed class VimRegistryOnPostgresTests(PostgresVimApiHost host) : VimRegistryTests(host), IClassFixture<PostgresVimApiHost>;

/// <summary>The VIM registry through both its APIs (Mano's /nfvo/v1/vims and Tacker's /v1.0/vims), on each provider.</summary>
public abstract class VimRegistryTests(VimApiHost host)
{
    private readonly string _tenant = $"vim-{Guid.NewGuid():N}";
    private readonly string _password = $"pw-{Guid.NewGuid():N}";
    private readonly string _token = $"tok-{Guid.NewGuid():N}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client => host.Client(_tenant);

    private static async Task<JsonObject> Json(HttpResponseMessage r) => (JsonObject)JsonNode.Parse(await r.Content.ReadAsStringAsync(Ct))!;

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private string OpenStackVim(string name = "VIM1", string endpoint = "http://192.168.42.131/identity", bool isDefault = false) => $$"""
        {"vim": {"type": "openstack", "auth_url": "{{endpoint}}",
                 "auth_cred": {"username": "nfv_user", "user_domain_name": "Default", "password": "{{_password}}", "cert_verify": "True"},
                 "vim_project": {"name": "nfv", "project_domain_name": "Default"},
                 "name": "{{name}}", "description": "Additional site", "is_default": {{(isDefault ? "true" : "false")}}} }
        """;

    private async Task<JsonObject> RegisterTackerAsync(string body)
    {
        var r = await Client.PostAsync("/v1.0/vims", Body(body), Ct);
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        return (JsonObject)(await Json(r))["vim"]!;
    }

    private async Task AssertTackerErrorAsync(HttpResponseMessage r, HttpStatusCode status, string type, string? messageContains = null)
    {
        Assert.Equal(status, r.StatusCode);
        var error = (JsonObject)(await Json(r))["TackerError"]!;
        Assert.Equal(type, (string?)error["type"]);
        Assert.Equal("", (string?)error["detail"]);
        if (messageContains is not null) Assert.Contains(messageContains, (string?)error["message"]);
    }

    [Fact]
    public async Task Tacker_documentation_sample_registers_and_reads_back_in_Tackers_shape_with_the_password_masked()
    {
        // api-ref/source/v1/samples/vims/vims-create-request.json of openstack/tacker (password made unique).
        var vim = await RegisterTackerAsync(OpenStackVim());
        Assert.Equal("VIM1", (string?)vim["name"]);
        Assert.Equal("Additional site", (string?)vim["description"]);
        Assert.Equal("openstack", (string?)vim["type"]);
        Assert.Equal("http://192.168.42.131/identity", (string?)vim["auth_url"]);
        Assert.Equal(_tenant, (string?)vim["tenant_id"]);
        Assert.Equal("REACHABLE", (string?)vim["status"]);
        Assert.True((bool)vim["is_default"]!); // the tenant's first VIM is its default
        Assert.Equal("nfv", (string?)vim["vim_project"]!["name"]);
        Assert.Equal("Default", (string?)vim["vim_project"]!["project_domain_name"]);
        var cred = (JsonObject)vim["auth_cred"]!;
        Assert.Equal("nfv_user", (string?)cred["username"]);
        Assert.Equal("Default", (string?)cred["user_domain_name"]);
        Assert.Equal("***", (string?)cred["password"]);
        Assert.Equal("True", (string?)cred["cert_verify"]);
        Assert.NotNull(vim["placement_attr"]!["regions"]);
        Assert.NotNull(vim["created_at"]);

        var id = (string)vim["id"]!;
        var shown = (JsonObject)(await Json(await Client.GetAsync($"/v1.0/vims/{id}.json", Ct)))["vim"]!;
        Assert.Equal(id, (string?)shown["id"]);
        var listed = (JsonArray)(await Json(await Client.GetAsync("/v1.0/vims.json", Ct)))["vims"]!;
        Assert.Contains(listed, v => (string?)v!["id"] == id);
        // tackerclient resolves names and ids with ?name=...&fields=id and ?id=...&fields=id.
        var byName = (JsonArray)(await Json(await Client.GetAsync("/v1.0/vims.json?name=VIM1&fields=id", Ct)))["vims"]!;
        Assert.Equal(id, (string?)Assert.Single(byName)!["id"]);
        Assert.Single(((JsonObject)byName[0]!).AsEnumerable());
        Assert.Empty((JsonArray)(await Json(await Client.GetAsync("/v1.0/vims.json?name=nope&fields=id", Ct)))["vims"]!);

        // Mano's own API: the SOL mapping (Tacker v2's), the password masked.
        var mano = await Json(await Client.GetAsync($"/nfvo/v1/vims/{id}", Ct));
        Assert.Equal(VimTypes.OpenStack, (string?)mano["vimType"]);
        Assert.Equal("http://192.168.42.131/identity", (string?)mano["interfaceInfo"]!["endpoint"]);
        Assert.Equal("false", (string?)mano["interfaceInfo"]!["skipCertificateVerification"]);
        Assert.Equal("nfv_user", (string?)mano["accessInfo"]!["username"]);
        Assert.Equal("nfv", (string?)mano["accessInfo"]!["project"]);
        Assert.Equal("Default", (string?)mano["accessInfo"]!["projectDomain"]);
        Assert.Equal("Default", (string?)mano["accessInfo"]!["userDomain"]);
        Assert.Equal("***", (string?)mano["accessInfo"]!["password"]);
        Assert.Equal("REACHABLE", (string?)mano["status"]!["state"]);
    }

    [Fact]
    public async Task The_grant_gets_the_decrypted_credentials_and_nothing_else_does()
    {
        var vim = await RegisterTackerAsync(OpenStackVim(isDefault: true));
        var id = (string)vim["id"]!;
        await using var scope = host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(_tenant);
        var registry = scope.ServiceProvider.GetRequiredService<VimRegistry>();

        var chosen = await registry.DefaultVimAsync(Ct);
        var info = VimRegistry.ConnectionInfo(chosen!);
        Assert.Equal(id, info.VimId);
        Assert.Equal(VimTypes.OpenStack, info.VimType);
        Assert.Equal(_password, info.AccessInfo!["password"]);
        Assert.Equal("nfv_user", info.AccessInfo["username"]);
        Assert.Equal("http://192.168.42.131/identity", info.InterfaceInfo!["endpoint"]);

        // A record read straight from the database is still encrypted: the static mapping refuses rather than grant without credentials.
        var raw = await registry.GetAsync(id, Ct);
        Assert.Throws<InvalidOperationException>(() => VimRegistry.ConnectionInfo(raw));
        Assert.Equal(_password, registry.ConnectionInfoFor(raw).AccessInfo!["password"]);
        Assert.DoesNotContain(_password, raw.ToString());
    }

    [Fact]
    public async Task Credentials_are_encrypted_at_rest_bound_to_their_row_and_never_in_a_response_or_a_log_line()
    {
        var k8s = $$"""
            {"vim": {"type": "kubernetes", "auth_url": "https://127.0.0.1:6443", "name": "k8s",
                     "auth_cred": {"bearer_token": "{{_token}}", "ssl_ca_cert": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"},
                     "vim_project": {"name": "default"}, "extra": {"use_helm": false} } }
            """;
        var bodies = new List<string>();
        async Task<HttpResponseMessage> Keep(Task<HttpResponseMessage> call)
        {
            var r = await call;
            bodies.Add(await r.Content.ReadAsStringAsync(Ct));
            return r;
        }
        Assert.Equal(HttpStatusCode.Created, (await Keep(Client.PostAsync("/v1.0/vims", Body(OpenStackVim()), Ct))).StatusCode);
        var kube = await Keep(Client.PostAsync("/v1.0/vims", Body(k8s), Ct));
        Assert.Equal(HttpStatusCode.Created, kube.StatusCode);
        var kubeId = (string)JsonNode.Parse(bodies[^1])!["vim"]!["id"]!;
        Assert.Equal("***", (string?)JsonNode.Parse(bodies[^1])!["vim"]!["auth_cred"]!["bearer_token"]);
        Assert.Equal(VimTypes.Kubernetes, (string?)(await Json(await Client.GetAsync($"/nfvo/v1/vims/{kubeId}", Ct)))["vimType"]);
        var manoCreated = await Keep(Client.PostAsJsonAsync("/nfvo/v1/vims", new
        {
            name = "mano-shaped", vimType = VimTypes.OpenStack,
            interfaceInfo = new Dictionary<string, string> { ["endpoint"] = "https://keystone.example:5000/v3" },
            accessInfo = new Dictionary<string, string> { ["username"] = "u", ["password"] = _password, ["project"] = "p", ["application_credential_secret"] = _token },
        }, Ct));
        Assert.Equal(HttpStatusCode.Created, manoCreated.StatusCode);
        var manoId = (string)JsonNode.Parse(bodies[^1])!["id"]!;
        await Keep(Client.GetAsync("/nfvo/v1/vims", Ct));
        await Keep(Client.GetAsync($"/nfvo/v1/vims/{manoId}", Ct));
        await Keep(Client.GetAsync("/v1.0/vims", Ct));
        await Keep(Client.PutAsync($"/v1.0/vims/{kubeId}", Body($$"""{"vim": {"auth_cred": {"bearer_token": "{{_token}}-2"} } }"""), Ct));
        await Keep(Client.PatchAsync($"/nfvo/v1/vims/{manoId}", new StringContent($$"""{"accessInfo": {"username": "u", "password": "{{_password}}-2"} }""", Encoding.UTF8, "application/merge-patch+json"), Ct));
        await Keep(Client.PostAsync($"/nfvo/v1/vims/{manoId}/check", null, Ct));
        // Errors must not echo secrets either: a refused registration, a malformed one.
        await Keep(Client.PostAsync("/v1.0/vims", Body(OpenStackVim(endpoint: "http://refuse.example/identity")), Ct));
        await Keep(Client.PostAsync("/v1.0/vims", Body($$"""{"vim": {"type": "openstack", "auth_cred": {"password": "{{_password}}"} } }"""), Ct));
        await Keep(Client.PostAsync("/nfvo/v1/vims", Body($$"""{"name": "x", "vimType": "ETSINFV.OPENSTACK_KEYSTONE.V_3", "accessInfo": {"password": 42, "p": "{{_password}}"} }"""), Ct));

        foreach (var body in bodies)
        {
            Assert.DoesNotContain(_password, body);
            Assert.DoesNotContain(_token, body);
        }
        foreach (var line in host.Logs.Lines)
        {
            Assert.DoesNotContain(_password, line);
            Assert.DoesNotContain(_token, line);
        }

        // At rest: read every column of the tenant's rows raw, with SQL.
        await using var db = host.Db.NewContext(_tenant);
        var conn = db.Database.GetDbConnection();
        await conn.OpenAsync(Ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = db is NfvoPostgresDbContext ? "SELECT * FROM nfvo.vims WHERE \"TenantId\" = @t" : "SELECT * FROM vims WHERE TenantId = @t";
        var p = cmd.CreateParameter();
        p.ParameterName = "@t";
        p.Value = _tenant;
        cmd.Parameters.Add(p);
        var rows = 0;
        await using (var reader = await cmd.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                rows++;
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var text = reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "";
                    Assert.DoesNotContain("pw-", text);
                    Assert.DoesNotContain("tok-", text);
                }
                Assert.False(reader.IsDBNull(reader.GetOrdinal("AccessInfoCiphertext")));
                Assert.Equal(VimSecretProtector.KeyIdOf(Convert.FromBase64String(VimApiHost.SecretsKey)), reader.GetString(reader.GetOrdinal("AccessInfoKeyId")));
            }
        }
        Assert.Equal(3, rows);

        // A ciphertext moved onto another VIM's row does not decrypt (associated data = tenant + VIM id).
        var a = await db.Vims.SingleAsync(v => v.Id == manoId, Ct);
        var b = await db.Vims.SingleAsync(v => v.Id == kubeId, Ct);
        var protector = host.Services.GetRequiredService<VimSecretProtector>();
        Assert.Throws<VimSecretException>(() => protector.Open(new SealedSecret(a.AccessInfoKeyId!, a.AccessInfoCiphertext!), b.TenantId, b.Id));
        Assert.Contains(_password + "-2", protector.Open(new SealedSecret(a.AccessInfoKeyId!, a.AccessInfoCiphertext!), a.TenantId, a.Id));
        // Tacker's PUT merges auth_cred: the bearer token changed, the rest kept.
        var kubeAccess = protector.Open(new SealedSecret(b.AccessInfoKeyId!, b.AccessInfoCiphertext!), b.TenantId, b.Id);
        Assert.Contains(_token + "-2", kubeAccess);
        Assert.Contains("\"project\":\"default\"", kubeAccess);
    }

    [Fact]
    public async Task One_default_per_tenant_setting_a_new_default_clears_the_old_and_deleting_it_promotes_the_oldest()
    {
        var first = await RegisterTackerAsync(OpenStackVim("first"));
        var second = await RegisterTackerAsync(OpenStackVim("second", isDefault: true));
        var third = await RegisterTackerAsync(OpenStackVim("third"));
        async Task<string[]> Defaults() => ((JsonArray)(await Json(await Client.GetAsync("/v1.0/vims?is_default=True", Ct)))["vims"]!)
            .Select(v => (string)v!["name"]!).ToArray();
        Assert.Equal(["second"], await Defaults());

        var set = await Client.PutAsync($"/v1.0/vims/{third["id"]}", Body("""{"vim": {"is_default": true}}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(["third"], await Defaults());

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/v1.0/vims/{third["id"]}", Ct)).StatusCode);
        Assert.Equal(["first"], await Defaults());
        _ = second;

        // Another tenant sees none of them, and has its own default.
        var other = host.Client(_tenant + "-other");
        Assert.Empty((JsonArray)(await Json(await other.GetAsync("/v1.0/vims", Ct)))["vims"]!);
        await AssertTackerErrorAsync(await other.GetAsync($"/v1.0/vims/{first["id"]}", Ct), HttpStatusCode.NotFound, "VimNotFoundException");
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/nfvo/v1/vims/{first["id"]}", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_VIM_in_use_by_a_live_instance_cannot_be_deleted_until_its_terminate_grant()
    {
        var vim = await RegisterTackerAsync(OpenStackVim("busy"));
        var id = (string)vim["id"]!;
        var instance = Guid.NewGuid().ToString();
        await using (var db = host.Db.NewContext(_tenant))
        {
            db.Grants.Add(Grant(instance, id, LcmOperationType.Instantiate, DateTime.UtcNow.AddMinutes(-2)));
            await db.SaveChangesAsync(Ct);
        }
        await AssertTackerErrorAsync(await Client.DeleteAsync($"/v1.0/vims/{id}.json", Ct), HttpStatusCode.Conflict, "VimInUseException", instance);
        var problem = await Client.DeleteAsync($"/nfvo/v1/vims/{id}", Ct);
        Assert.Equal(HttpStatusCode.Conflict, problem.StatusCode);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);

        await using (var db = host.Db.NewContext(_tenant))
        {
            db.Grants.Add(Grant(instance, id, LcmOperationType.Terminate, DateTime.UtcNow));
            await db.SaveChangesAsync(Ct);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/v1.0/vims/{id}.json", Ct)).StatusCode);
        await AssertTackerErrorAsync(await Client.DeleteAsync($"/v1.0/vims/{id}.json", Ct), HttpStatusCode.NotFound, "VimNotFoundException");
    }

    private GrantRecord Grant(string instance, string vimId, string operation, DateTime at) => new()
    {
        Id = Guid.NewGuid().ToString(), TenantId = _tenant, VnfInstanceId = instance, VnfLcmOpOccId = Guid.NewGuid().ToString(),
        Operation = operation, VimId = vimId, Request = "{}", Grant = "{}", DecidedAt = at,
    };

    [Fact]
    public async Task Connectivity_refused_credentials_are_rejected_an_unreachable_VIM_is_registered_UNREACHABLE_and_rechecked()
    {
        await AssertTackerErrorAsync(await Client.PostAsync("/v1.0/vims", Body(OpenStackVim(endpoint: "http://refuse.example/identity")), Ct),
            HttpStatusCode.BadRequest, "VimUnauthorizedException", "401");
        var refused = await Client.PostAsJsonAsync("/nfvo/v1/vims", new
        {
            name = "x", vimType = VimTypes.OpenStack,
            interfaceInfo = new Dictionary<string, string> { ["endpoint"] = "http://refuse.example/identity" },
            accessInfo = new Dictionary<string, string> { ["username"] = "u", ["password"] = _password },
        }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Empty((JsonArray)(await Json(await Client.GetAsync("/v1.0/vims", Ct)))["vims"]!);

        var down = await RegisterTackerAsync(OpenStackVim("down", endpoint: "http://unreachable.example/identity"));
        Assert.Equal("UNREACHABLE", (string?)down["status"]);
        Assert.Contains("connection refused", (string?)down["status_detail"]);
        var mano = await Json(await Client.GetAsync($"/nfvo/v1/vims/{down["id"]}", Ct));
        Assert.Contains("connection refused", (string?)mano["status"]!["error"]);
        Assert.NotNull(mano["status"]!["checkedAt"]);

        // The periodic sweep records a change of state (here: everything goes down) for every tenant's VIMs.
        var up = await RegisterTackerAsync(OpenStackVim("up"));
        Assert.Equal("REACHABLE", (string?)up["status"]);
        host.Connectivity.AllUnreachable = true;
        try
        {
            await using var scope = host.Services.CreateAsyncScope();
            Assert.True(await scope.ServiceProvider.GetRequiredService<VimRegistry>().SweepAsync(TimeSpan.Zero, Ct) >= 2);
        }
        finally
        {
            host.Connectivity.AllUnreachable = false;
        }
        var after = (JsonObject)(await Json(await Client.GetAsync($"/v1.0/vims/{up["id"]}", Ct)))["vim"]!;
        Assert.Equal("UNREACHABLE", (string?)after["status"]);
        Assert.Contains(host.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains((string)up["id"]!, StringComparison.Ordinal) && l.Contains("UNREACHABLE", StringComparison.Ordinal));
        var again = await Json(await Client.PostAsync($"/nfvo/v1/vims/{up["id"]}/check", null, Ct));
        Assert.Equal("REACHABLE", (string?)again["status"]!["state"]);
    }

    [Fact]
    public async Task A_VIM_location_is_registered_through_both_APIs_validated_and_shown()
    {
        // Mano's API: a "location" attribute (what NS placement matches SOL005 LocationConstraints against).
        var created = await Client.PostAsJsonAsync("/nfvo/v1/vims", new
        {
            name = "berlin", vimType = VimTypes.OpenStack,
            interfaceInfo = new Dictionary<string, string> { ["endpoint"] = "https://keystone.example:5000/v3" },
            location = new { countryCode = "DE", civicAddressElement = new[] { new { caType = 3, caValue = "Berlin" } }, coordinates = new[] { 13.4, 52.52 } },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (string)(await Json(created))["id"]!;
        var shown = await Json(await Client.GetAsync($"/nfvo/v1/vims/{id}", Ct));
        Assert.Equal("DE", (string?)shown["location"]!["countryCode"]);
        Assert.Equal("Berlin", (string?)shown["location"]!["civicAddressElement"]![0]!["caValue"]);
        Assert.Equal(52.52, (double)shown["location"]!["coordinates"]![1]!);

        var patch = new StringContent("""{"location": {"countryCode": "FR"}}""", Encoding.UTF8, "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, (await Client.PatchAsync($"/nfvo/v1/vims/{id}", patch, Ct)).StatusCode);
        Assert.Equal("FR", (string?)(await Json(await Client.GetAsync($"/nfvo/v1/vims/{id}", Ct)))["location"]!["countryCode"]);

        var bad = await Client.PostAsJsonAsync("/nfvo/v1/vims", new
        {
            name = "bad", vimType = VimTypes.OpenStack, interfaceInfo = new Dictionary<string, string> { ["endpoint"] = "https://keystone.example:5000/v3" },
            location = new { countryCode = "Germany" },
        }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("two-letter ISO 3166 code", (string?)(await Json(bad))["detail"]);

        // Tacker's shape: extra.location, kept in extra as given.
        var tacker = await RegisterTackerAsync(OpenStackVim(name: "munich").Replace("\"is_default\"",
            "\"extra\": {\"location\": {\"countryCode\": \"DE\", \"civicAddressElement\": [{\"caType\": 1, \"caValue\": \"Bayern\"}]}}, \"is_default\""));
        Assert.Equal("DE", (string?)tacker["extra"]!["location"]!["countryCode"]);
        var mano = await Json(await Client.GetAsync($"/nfvo/v1/vims/{tacker["id"]}", Ct));
        Assert.Equal("Bayern", (string?)mano["location"]!["civicAddressElement"]![0]!["caValue"]);
    }

    [Fact]
    public async Task Tacker_request_validation_answers_TackerError_as_tackerclient_expects()
    {
        await AssertTackerErrorAsync(await Client.PostAsync("/v1.0/vims", Body("""{"name": "x"}"""), Ct), HttpStatusCode.BadRequest, "HTTPBadRequest", "'vim'");
        await AssertTackerErrorAsync(await Client.PostAsync("/v1.0/vims", Body("""{"vim": {"name": "x", "bogus": 1}}"""), Ct), HttpStatusCode.BadRequest, "HTTPBadRequest", "Unrecognized attribute(s) 'bogus'");
        await AssertTackerErrorAsync(await Client.PostAsync("/v1.0/vims", Body("""{"vim": {"name": "x", "status": "REACHABLE"}}"""), Ct), HttpStatusCode.BadRequest, "HTTPBadRequest", "not allowed in POST");
        await AssertTackerErrorAsync(await Client.PostAsync("/v1.0/vims", Body("""{"vim": {"name": "x", "type": "openstack"}}"""), Ct), HttpStatusCode.BadRequest, "HTTPBadRequest", "Required attribute 'auth_url'");
        await AssertTackerErrorAsync(await Client.PostAsync("/v1.0/vims", Body(OpenStackVim().Replace("\"openstack\"", "\"vmware\"")), Ct), HttpStatusCode.BadRequest, "HTTPBadRequest", "vmware");
        await AssertTackerErrorAsync(await Client.PostAsync("/v1.0/vims", Body(OpenStackVim().Replace("http://192.168.42.131/identity", "not a url")), Ct), HttpStatusCode.BadRequest, "HTTPBadRequest", "auth_url");
        var vim = await RegisterTackerAsync(OpenStackVim());
        await AssertTackerErrorAsync(await Client.PutAsync($"/v1.0/vims/{vim["id"]}", Body("""{"vim": {"type": "kubernetes"}}"""), Ct), HttpStatusCode.BadRequest, "HTTPBadRequest", "not allowed in PUT");
        await AssertTackerErrorAsync(await Client.PostAsync("/v1.0/vims", Body("{not json"), Ct), HttpStatusCode.BadRequest, "HTTPBadRequest");

        // Tacker's update sample (api-ref vims-update-request.json): name, description, project and user change.
        var updated = await Client.PutAsync($"/v1.0/vims/{vim["id"]}.json", Body("""
            {"vim": {"auth_cred": {"username": "new_nfv_user", "user_domain_name": "NewDomain", "password": "newpassword", "user_id": "11d7655309d849208ea1f39d44507e2e"},
                     "vim_project": {"id": "4391756708414b1380235cd047f0ee55", "name": "new_nfv", "project_domain_name": "NewDomain"},
                     "name": "new_VIM1", "description": "New Description", "is_default": false}}
            """), Ct);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var v = (JsonObject)(await Json(updated))["vim"]!;
        Assert.Equal("new_VIM1", (string?)v["name"]);
        Assert.Equal("New Description", (string?)v["description"]);
        Assert.Equal("new_nfv", (string?)v["vim_project"]!["name"]);
        Assert.Equal("NewDomain", (string?)v["vim_project"]!["project_domain_name"]);
        Assert.Equal("new_nfv_user", (string?)v["auth_cred"]!["username"]);
        Assert.Equal("***", (string?)v["auth_cred"]!["password"]);
        Assert.False((bool)v["is_default"]!);
        Assert.NotNull(v["updated_at"]);
    }

    [Fact]
    public async Task Mano_API_needs_If_Match_to_agree_and_refuses_changing_vimType()
    {
        var created = await Client.PostAsJsonAsync("/nfvo/v1/vims", new
        {
            name = "k", vimType = VimTypes.Kubernetes, availabilityZones = new[] { "zone-a" },
            interfaceInfo = new Dictionary<string, string> { ["endpoint"] = "https://10.0.0.1:6443" },
            accessInfo = new Dictionary<string, string> { ["bearer_token"] = _token },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.NotNull(created.Headers.Location);
        var etag = created.Headers.ETag!.Tag;
        var id = (string)(await Json(created))["id"]!;
        HttpRequestMessage Patch(string json, string ifMatch)
        {
            var m = new HttpRequestMessage(HttpMethod.Patch, $"/nfvo/v1/vims/{id}") { Content = new StringContent(json, Encoding.UTF8, "application/merge-patch+json") };
            m.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            return m;
        }
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await Client.SendAsync(Patch("""{"name": "k2"}""", "\"0000\""), Ct)).StatusCode);
        var ok = await Client.SendAsync(Patch("""{"name": "k2", "availabilityZones": ["zone-a", "zone-b"]}""", etag), Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var body = await Json(ok);
        Assert.Equal("k2", (string?)body["name"]);
        Assert.Equal(2, ((JsonArray)body["availabilityZones"]!).Count);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Client.PatchAsync($"/nfvo/v1/vims/{id}",
            new StringContent("""{"vimType": "MANO.SANDBOX.V_1"}""", Encoding.UTF8, "application/merge-patch+json"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PostAsJsonAsync("/nfvo/v1/vims", new { name = "no-type" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Rotating_the_key_keeps_old_ciphertexts_readable_and_the_sweep_re_encrypts_them()
    {
        var vim = await RegisterTackerAsync(OpenStackVim("rotate"));
        var id = (string)vim["id"]!;
        var newKey = Convert.ToBase64String(Enumerable.Range(100, 32).Select(i => (byte)i).ToArray());
        var rotated = new VimSecretProtector(new VimSecretsOptions { SecretsKey = newKey, PreviousSecretsKeys = [VimApiHost.SecretsKey] },
            host.Services.GetRequiredService<ILogger<VimSecretProtector>>());
        await using (var db = host.Db.NewContext(_tenant))
        {
            var registry = new VimRegistry(db, rotated, host.Connectivity);
            Assert.Equal(_password, VimRegistry.ConnectionInfo((await registry.FindForGrantAsync(id, Ct))!).AccessInfo!["password"]);
            await registry.SweepAsync(TimeSpan.FromDays(1), Ct);
        }
        await using (var db = host.Db.NewContext(_tenant))
        {
            var row = await db.Vims.AsNoTracking().SingleAsync(v => v.Id == id, Ct);
            Assert.Equal(VimSecretProtector.KeyIdOf(Convert.FromBase64String(newKey)), row.AccessInfoKeyId);
            var onlyNew = new VimSecretProtector(new VimSecretsOptions { SecretsKey = newKey }, host.Services.GetRequiredService<ILogger<VimSecretProtector>>());
            Assert.Contains(_password, onlyNew.Open(new SealedSecret(row.AccessInfoKeyId!, row.AccessInfoCiphertext!), row.TenantId, row.Id));
            var onlyOld = new VimSecretProtector(new VimSecretsOptions { SecretsKey = VimApiHost.SecretsKey }, host.Services.GetRequiredService<ILogger<VimSecretProtector>>());
            var e = Assert.Throws<VimSecretException>(() => onlyOld.Open(new SealedSecret(row.AccessInfoKeyId!, row.AccessInfoCiphertext!), row.TenantId, row.Id));
            Assert.Contains(row.AccessInfoKeyId!, e.Message);
        }
    }
}

/// <summary>The embedded shape's key file: generated once, mode 0600, reused.</summary>
public sealed class VimSecretKeyFileTests
{
    [Fact]
    public void The_key_file_is_created_once_with_mode_0600_and_reused()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"mano-keyfile-{Guid.NewGuid():N}");
        try
        {
            var options = VimSecretsOptions.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Mano:DataDir"] = dir }).Build());
            var logger = LoggerFactory.Create(_ => { }).CreateLogger<VimSecretProtector>();
            var first = new VimSecretProtector(options, logger);
            var sealedSecret = first.Seal("{\"password\":\"x\"}", "t", "v");
            var path = Path.Combine(dir, "nfvo-secrets.key");
            Assert.True(File.Exists(path));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            var second = new VimSecretProtector(options, logger);
            Assert.Equal(first.CurrentKeyId, second.CurrentKeyId);
            Assert.Equal("{\"password\":\"x\"}", second.Open(sealedSecret, "t", "v"));
            Assert.Throws<VimSecretException>(() => second.Open(sealedSecret, "t", "other-vim"));
            Assert.DoesNotContain("password", sealedSecret.ToString());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Without_a_key_or_a_data_directory_encrypting_fails_with_what_to_configure()
    {
        var protector = new VimSecretProtector(new VimSecretsOptions(), LoggerFactory.Create(_ => { }).CreateLogger<VimSecretProtector>());
        var e = Assert.Throws<InvalidOperationException>(() => protector.Seal("x", "t", "v"));
        Assert.Contains("Nfvo:SecretsKey", e.Message);
    }

    [Fact]
    public void Types_that_carry_credentials_never_print_them()
    {
        var spec = new VimSpec { Name = "n", VimType = VimTypes.OpenStack, InterfaceInfo = new Dictionary<string, string>(), AccessInfo = new Dictionary<string, string> { ["password"] = "hunter2" } };
        Assert.DoesNotContain("hunter2", spec.ToString());
        Assert.DoesNotContain("hunter2", new VimChanges { AccessInfo = spec.AccessInfo }.ToString());
        Assert.DoesNotContain("hunter2", new CreateVimRequest { AccessInfo = new() { ["password"] = "hunter2" } }.ToString());
        Assert.DoesNotContain("hunter2", new ModifyVimRequest { AccessInfo = new() { ["password"] = "hunter2" } }.ToString());
        Assert.Equal("***", VimAccessInfo.Masked(spec.AccessInfo)["password"]);
        Assert.Equal("***", VimAccessInfo.Masked(new Dictionary<string, string> { ["anything_unknown"] = "v" })["anything_unknown"]);
        Assert.Equal("alice", VimAccessInfo.Masked(new Dictionary<string, string> { ["username"] = "alice" })["username"]);
    }
}
