using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mano.TestSupport;

/// <summary>
/// A FAKE Kubernetes API server, for tests only: NOT Kubernetes. An in-process Kestrel app on 127.0.0.1 over HTTPS (a
/// self-signed test CA issues its server certificate and a client certificate) that follows the real API for what the
/// Kubernetes driver uses:
/// <list type="bullet">
/// <item>discovery: /api, /api/v1, /apis, /apis/{group}/{version} with resource lists (verbs, namespaced, subresources
/// scale and status); unknown groups, versions and resources answer 404 with a Status, as the real server does;</item>
/// <item>server-side apply (PATCH application/apply-patch+yaml with fieldManager: create, or merge into the object; JSON
/// bodies only, which are YAML), JSON merge patch, create (POST; create-only kinds such as TokenReview answer and keep
/// nothing), get, list (all namespaces or one, labelSelector with =, ==, !=, in, notin, exists, !exists), delete (the
/// dependents go too, whatever propagationPolicy), the scale subresource; uid, resourceVersion, generation and
/// creationTimestamp kept; managedFields not;</item>
/// <item>simulated controllers: a Deployment owns a ReplicaSet named after its template hash; a ReplicaSet, StatefulSet
/// or DaemonSet (one pod per matching node) keeps its pods (named like real ones, owner references set) and reports
/// status; pods become Ready after <see cref="PodReadyDelay"/> (never, when <see cref="NeverReady"/> says so); a deleted
/// pod is re-created by its controller; a ReplicaSet scaling in removes the pods of lowest pod-deletion-cost first; a
/// StatefulSet's volumeClaimTemplates make PersistentVolumeClaims that outlive it (as by default); objects whose owner
/// is gone are garbage-collected; deleting a namespace deletes what it holds.</item>
/// </list>
/// Authentication: the bearer token <see cref="BearerToken"/>, or a client certificate issued by the test CA.
/// </summary>
public sealed class FakeKubernetesApiServer : IAsyncDisposable
{
    private readonly object _lock = new();
    private readonly Dictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly List<FakeResource> _resources = [.. BuiltInResources()];
    private readonly List<string> _requests = [];
    private readonly CancellationTokenSource _stop = new();
    private WebApplication? _app;
    private Task? _controllers;
    private long _resourceVersion = 1000;
    private int _nodeCursor;

    private FakeKubernetesApiServer(TestCertificates certs)
    {
        Certificates = certs;
        foreach (var ns in new[] { "default", "kube-system", "kube-public" })
            Store(Resource("", "namespaces"), null, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } });
    }

    public TestCertificates Certificates { get; }

    public string Endpoint { get; private set; } = "";

    public string BearerToken { get; } = "fake-token-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    /// <summary>How long a new pod takes to become Ready.</summary>
    public TimeSpan PodReadyDelay { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>Pods for which this answers true never become Ready (their container waits in ImagePullBackOff).</summary>
    public Func<JsonObject, bool>? NeverReady { get; set; }

    /// <summary>Nodes of the cluster ("fake-node-1"...): a DaemonSet runs one pod on each.</summary>
    public int NodeCount { get; set; } = 1;

    /// <summary>"METHOD path?query content-type" of every request, in order.</summary>
    public IReadOnlyList<string> Requests { get { lock (_lock) return _requests.ToList(); } }

    public static async Task<FakeKubernetesApiServer> StartAsync()
    {
        var server = new FakeKubernetesApiServer(TestCertificates.Create());
        await server.StartKestrelAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Serves one more kind, as a cluster does once a CustomResourceDefinition is installed.</summary>
    public void ServeKind(string group, string version, string kind, string plural, bool namespaced)
    {
        lock (_lock) _resources.Add(new FakeResource(group, version, kind, plural, namespaced, Persistent));
    }

    /// <summary>Objects of one resource type (group "" for core), optionally of one namespace.</summary>
    public List<JsonObject> Objects(string group, string plural, string? ns = null)
    {
        lock (_lock)
        {
            return _objects.Where(kv => kv.Key.StartsWith($"{group}/{plural}/", StringComparison.Ordinal))
                .Select(kv => (JsonObject)kv.Value.DeepClone())
                .Where(o => ns is null || Ns(o) == ns)
                .ToList();
        }
    }

    /// <summary>Every stored object whose labels hold <paramref name="key"/>=<paramref name="value"/>.</summary>
    public List<JsonObject> Labelled(string key, string value)
    {
        lock (_lock)
            return _objects.Values.Where(o => o["metadata"]?["labels"]?[key]?.GetValue<string>() == value).Select(o => (JsonObject)o.DeepClone()).ToList();
    }

    /// <summary>Creates an object directly (as someone else would), e.g. to test that Mano does not take it over.</summary>
    public void Put(string group, string plural, string? ns, JsonObject obj)
    {
        lock (_lock) Store(Resource(group, plural) ?? throw new ArgumentException("unknown resource"), ns, obj);
    }

    /// <summary>Deletes a pod behind the driver's back (a crash), as a node failure would.</summary>
    public bool KillPod(string ns, string name)
    {
        lock (_lock) return _objects.Remove(Key(Resource("", "pods")!, ns, name));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_controllers is not null)
        {
            try { await _controllers.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
        if (_app is not null) await _app.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        Certificates.Dispose();
    }

    // ------------------------------------------------------------------ hosting

    private async Task StartKestrelAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = Certificates.Server,
            ClientCertificateMode = ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = (cert, _, _) => Certificates.IsIssuedByCa(cert),
        })));
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Endpoint = $"https://127.0.0.1:{new Uri(address).Port}";
        _controllers = Task.Run(() => ControllersAsync(_stop.Token));
    }

    private async Task HandleAsync(HttpContext http)
    {
        var req = http.Request;
        var path = req.Path.Value ?? "/";
        lock (_lock) _requests.Add($"{req.Method} {path}{req.QueryString} {req.ContentType}");
        var bearer = req.Headers.Authorization.ToString();
        var cert = await http.Connection.GetClientCertificateAsync().ConfigureAwait(false);
        if (bearer != $"Bearer {BearerToken}" && (cert is null || !Certificates.IsIssuedByCa(cert)))
        {
            await Write(http, 401, Status(401, "Unauthorized", "Unauthorized")).ConfigureAwait(false);
            return;
        }
        string body;
        using (var reader = new StreamReader(req.Body, Encoding.UTF8)) body = await reader.ReadToEndAsync().ConfigureAwait(false);
        (int Code, JsonNode Body) result;
        lock (_lock)
        {
            try
            {
                result = Route(req.Method, path, req.Query, req.ContentType, body);
            }
            catch (FakeApiError e)
            {
                result = (e.Code, Status(e.Code, e.Reason, e.Message));
            }
        }
        await Write(http, result.Code, result.Body).ConfigureAwait(false);
    }

    private static async Task Write(HttpContext http, int code, JsonNode body)
    {
        http.Response.StatusCode = code;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
    }

    private static JsonObject Status(int code, string reason, string message) => new()
    {
        ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure",
        ["message"] = message, ["reason"] = reason, ["code"] = code,
    };

    private sealed class FakeApiError(int code, string reason, string message) : Exception(message)
    {
        public int Code { get; } = code;
        public string Reason { get; } = reason;
    }

    private static FakeApiError NotFound(string message = "the server could not find the requested resource") => new(404, "NotFound", message);

    // ------------------------------------------------------------------ routing

    private (int, JsonNode) Route(string method, string path, IQueryCollection query, string? contentType, string body)
    {
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        if (parts.Length == 0) throw NotFound();
        string group, version;
        int rest;
        if (parts[0] == "api")
        {
            if (parts.Length == 1 && method == "GET") return (200, new JsonObject { ["kind"] = "APIVersions", ["versions"] = new JsonArray("v1") });
            group = ""; version = parts[1]; rest = 2;
        }
        else if (parts[0] == "apis")
        {
            if (parts.Length == 1 && method == "GET") return (200, GroupList());
            if (parts.Length == 2) throw NotFound();
            group = parts[1]; version = parts[2]; rest = 3;
        }
        else throw NotFound();

        var served = _resources.Where(r => r.Group == group && r.Version == version).ToList();
        if (served.Count == 0) throw NotFound();
        if (parts.Length == rest && method == "GET") return (200, ResourceList(group, version, served));

        string? ns = null;
        if (parts.Length > rest + 1 && parts[rest] == "namespaces" && served.Any(r => r.Namespaced && r.Plural == parts[rest + 2 < parts.Length ? rest + 2 : rest]))
        {
            ns = parts[rest + 1];
            rest += 2;
        }
        if (parts.Length <= rest) throw NotFound();
        var resource = served.FirstOrDefault(r => r.Plural == parts[rest]) ?? throw NotFound();
        var name = parts.Length > rest + 1 ? parts[rest + 1] : null;
        var sub = parts.Length > rest + 2 ? parts[rest + 2] : null;
        if (parts.Length > rest + 3 || sub is not null && sub is not ("scale" or "status")) throw NotFound();
        if (sub == "scale" && resource.Kind is not ("Deployment" or "StatefulSet" or "ReplicaSet" or "ReplicationController")) throw NotFound();
        if (resource.Namespaced && ns is null && name is not null) throw NotFound();
        if (ns is not null && !resource.Namespaced) throw NotFound();

        switch (method)
        {
            case "GET" when name is null:
                return (200, List(resource, ns, query["labelSelector"].ToString()));
            case "GET":
                var found = Get(resource, ns, name) ?? throw NotFound($"{resource.Plural}.{resource.Group} \"{name}\" not found");
                return (200, sub == "scale" ? Scale(found) : found.DeepClone());
            case "POST" when name is null:
                return Create(resource, ns, Parse(body));
            case "PATCH" when name is not null:
                return (200, Patch(resource, ns, name, sub, query, contentType ?? "", Parse(body)));
            case "DELETE" when name is not null:
                return (200, Delete(resource, ns, name));
            default:
                throw new FakeApiError(405, "MethodNotAllowed", $"{method} is not supported here by the fake");
        }
    }

    private static JsonObject Parse(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw new FakeApiError(400, "BadRequest", "the body is not an object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new FakeApiError(400, "BadRequest", $"the fake accepts JSON bodies only: {e.Message}");
        }
    }

    private JsonObject GroupList()
    {
        var groups = new JsonArray();
        foreach (var g in _resources.Where(r => r.Group.Length > 0).GroupBy(r => r.Group))
        {
            var versions = new JsonArray();
            foreach (var v in g.Select(r => r.Version).Distinct())
                versions.Add(new JsonObject { ["groupVersion"] = $"{g.Key}/{v}", ["version"] = v });
            groups.Add(new JsonObject { ["name"] = g.Key, ["versions"] = versions, ["preferredVersion"] = versions[0]!.DeepClone() });
        }
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    private static JsonObject ResourceList(string group, string version, List<FakeResource> served)
    {
        var list = new JsonArray();
        foreach (var r in served)
        {
            list.Add(new JsonObject
            {
                ["name"] = r.Plural, ["singularName"] = r.Kind.ToLowerInvariant(), ["namespaced"] = r.Namespaced, ["kind"] = r.Kind,
                ["verbs"] = new JsonArray(r.Verbs.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
            });
            if (r.Kind is "Deployment" or "StatefulSet" or "ReplicaSet" or "ReplicationController")
                list.Add(new JsonObject
                {
                    ["name"] = $"{r.Plural}/scale", ["singularName"] = "", ["namespaced"] = r.Namespaced, ["group"] = "autoscaling",
                    ["version"] = "v1", ["kind"] = "Scale", ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            if (r.Verbs.Contains("patch"))
                list.Add(new JsonObject
                {
                    ["name"] = $"{r.Plural}/status", ["singularName"] = "", ["namespaced"] = r.Namespaced, ["kind"] = r.Kind,
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
        }
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}", ["resources"] = list };
    }

    // ------------------------------------------------------------------ storage

    private sealed record FakeResource(string Group, string Version, string Kind, string Plural, bool Namespaced, string[] Verbs)
    {
        public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
        public bool Persistent => Verbs.Contains("get");
    }

    private static readonly string[] Persistent = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] CreateOnly = ["create"];

    private static IEnumerable<FakeResource> BuiltInResources()
    {
        FakeResource R(string g, string v, string kind, string plural, bool ns, string[]? verbs = null) => new(g, v, kind, plural, ns, verbs ?? Persistent);
        yield return R("", "v1", "Namespace", "namespaces", false);
        yield return R("", "v1", "Node", "nodes", false, ["get", "list", "watch"]);
        yield return R("", "v1", "Pod", "pods", true);
        yield return R("", "v1", "Binding", "bindings", true, CreateOnly);
        yield return R("", "v1", "Service", "services", true);
        yield return R("", "v1", "ConfigMap", "configmaps", true);
        yield return R("", "v1", "Secret", "secrets", true);
        yield return R("", "v1", "ServiceAccount", "serviceaccounts", true);
        yield return R("", "v1", "PersistentVolume", "persistentvolumes", false);
        yield return R("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true);
        yield return R("", "v1", "ResourceQuota", "resourcequotas", true);
        yield return R("", "v1", "LimitRange", "limitranges", true);
        yield return R("", "v1", "PodTemplate", "podtemplates", true);
        yield return R("", "v1", "ReplicationController", "replicationcontrollers", true);
        yield return R("", "v1", "Endpoints", "endpoints", true);
        yield return R("", "v1", "Event", "events", true);
        yield return R("apps", "v1", "Deployment", "deployments", true);
        yield return R("apps", "v1", "StatefulSet", "statefulsets", true);
        yield return R("apps", "v1", "ReplicaSet", "replicasets", true);
        yield return R("apps", "v1", "DaemonSet", "daemonsets", true);
        yield return R("apps", "v1", "ControllerRevision", "controllerrevisions", true);
        yield return R("batch", "v1", "Job", "jobs", true);
        yield return R("batch", "v1", "CronJob", "cronjobs", true);
        yield return R("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true);
        yield return R("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true);
        yield return R("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true);
        yield return R("networking.k8s.io", "v1", "Ingress", "ingresses", true);
        yield return R("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false);
        yield return R("rbac.authorization.k8s.io", "v1", "Role", "roles", true);
        yield return R("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true);
        yield return R("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false);
        yield return R("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false);
        yield return R("storage.k8s.io", "v1", "StorageClass", "storageclasses", false);
        yield return R("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false);
        yield return R("coordination.k8s.io", "v1", "Lease", "leases", true);
        yield return R("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true);
        yield return R("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false);
        yield return R("authentication.k8s.io", "v1", "TokenReview", "tokenreviews", false, CreateOnly);
        yield return R("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews", false, CreateOnly);
        yield return R("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false, CreateOnly);
        yield return R("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", false, CreateOnly);
        yield return R("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", true, CreateOnly);
    }

    private FakeResource? Resource(string group, string plural) => _resources.FirstOrDefault(r => r.Group == group && r.Plural == plural);

    // One object per group/plural/namespace/name: the same object whatever version it is read in.
    private static string Key(FakeResource r, string? ns, string name) => $"{r.Group}/{r.Plural}/{(r.Namespaced ? ns : "")}/{name}";

    private static string? Ns(JsonObject o) => o["metadata"]?["namespace"]?.GetValue<string>();
    private static string Name(JsonObject o) => o["metadata"]?["name"]?.GetValue<string>() ?? "";
    private static string Uid(JsonObject o) => o["metadata"]?["uid"]?.GetValue<string>() ?? "";
    private static JsonObject Meta(JsonObject o) => (JsonObject)(o["metadata"] ??= new JsonObject());

    private JsonObject? Get(FakeResource r, string? ns, string name) => _objects.GetValueOrDefault(Key(r, ns, name));

    private string NextVersion() => (++_resourceVersion).ToString(CultureInfo.InvariantCulture);

    private JsonObject Store(FakeResource? r, string? ns, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(r);
        var meta = Meta(obj);
        var name = Name(obj);
        if (r.Namespaced)
        {
            ns ??= Ns(obj) ?? "default";
            meta["namespace"] = ns;
        }
        else meta.Remove("namespace");
        obj["apiVersion"] ??= r.ApiVersion;
        obj["kind"] ??= r.Kind;
        var key = Key(r, ns, name);
        var existing = _objects.GetValueOrDefault(key);
        meta["uid"] = existing is null ? Guid.NewGuid().ToString() : Uid(existing);
        meta["creationTimestamp"] = existing?["metadata"]?["creationTimestamp"]?.DeepClone() ?? DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
        var oldSpec = existing?["spec"]?.ToJsonString();
        var generation = existing?["metadata"]?["generation"]?.GetValue<long>() ?? 0;
        meta["generation"] = existing is null || oldSpec != obj["spec"]?.ToJsonString() ? generation + 1 : generation;
        meta["resourceVersion"] = NextVersion();
        _objects[key] = obj;
        return obj;
    }

    private JsonObject List(FakeResource r, string? ns, string selector)
    {
        var requirements = ParseSelector(selector);
        var items = new JsonArray();
        foreach (var (key, o) in _objects.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!key.StartsWith($"{r.Group}/{r.Plural}/", StringComparison.Ordinal)) continue;
            if (ns is not null && Ns(o) != ns) continue;
            if (!requirements.All(req => req(o["metadata"]?["labels"] as JsonObject))) continue;
            var item = (JsonObject)o.DeepClone();
            item.Remove("apiVersion"); // as the real server: list items carry no apiVersion/kind
            item.Remove("kind");
            items.Add(item);
        }
        return new JsonObject
        {
            ["kind"] = r.Kind + "List", ["apiVersion"] = r.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = _resourceVersion.ToString(CultureInfo.InvariantCulture) }, ["items"] = items,
        };
    }

    private static List<Func<JsonObject?, bool>> ParseSelector(string selector)
    {
        var result = new List<Func<JsonObject?, bool>>();
        if (string.IsNullOrWhiteSpace(selector)) return result;
        // Split on commas outside parentheses.
        var terms = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            if (selector[i] == '(') depth++;
            else if (selector[i] == ')') depth--;
            else if (selector[i] == ',' && depth == 0) { terms.Add(selector[start..i]); start = i + 1; }
        }
        terms.Add(selector[start..]);
        foreach (var raw in terms.Select(t => t.Trim()).Where(t => t.Length > 0))
        {
            string? Label(JsonObject? labels, string k) => labels?[k]?.GetValue<string>();
            if (raw.Contains(" notin ", StringComparison.Ordinal) || raw.Contains(" in ", StringComparison.Ordinal))
            {
                var notIn = raw.Contains(" notin ", StringComparison.Ordinal);
                var split = raw.Split(notIn ? " notin " : " in ", 2);
                var key = split[0].Trim();
                var values = split[1].Trim().TrimStart('(').TrimEnd(')').Split(',').Select(v => v.Trim()).ToHashSet(StringComparer.Ordinal);
                result.Add(l => notIn ? Label(l, key) is not { } v || !values.Contains(v) : Label(l, key) is { } v2 && values.Contains(v2));
            }
            else if (raw.Contains("!=", StringComparison.Ordinal))
            {
                var split = raw.Split("!=", 2);
                result.Add(l => Label(l, split[0].Trim()) != split[1].Trim());
            }
            else if (raw.Contains('=', StringComparison.Ordinal))
            {
                var split = raw.Split(raw.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
                result.Add(l => Label(l, split[0].Trim()) == split[1].Trim());
            }
            else if (raw.StartsWith('!'))
            {
                var key = raw[1..].Trim();
                result.Add(l => Label(l, key) is null);
            }
            else
            {
                result.Add(l => Label(l, raw) is not null);
            }
        }
        return result;
    }

    private (int, JsonNode) Create(FakeResource r, string? ns, JsonObject body)
    {
        CheckKind(r, body);
        if (r.Namespaced) CheckNamespace(ns ?? "default");
        if (!r.Persistent)
        {
            // Create-only kinds answer once and keep nothing (reviews); a Binding assigns a pod to a node.
            if (r.Kind == "Binding")
            {
                var pod = Get(Resource("", "pods")!, ns, Name(body)) ?? throw NotFound($"pods \"{Name(body)}\" not found");
                if (pod["spec"]?["nodeName"] is not null)
                    throw new FakeApiError(409, "Conflict", $"Operation cannot be fulfilled on pods/binding \"{Name(body)}\": pod {Name(body)} is already assigned to node \"{pod["spec"]!["nodeName"]}\"");
                ((JsonObject)(pod["spec"] ??= new JsonObject()))["nodeName"] = body["target"]?["name"]?.DeepClone();
                return (201, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Success", ["code"] = 201 });
            }
            body["status"] = r.Kind switch
            {
                "TokenReview" => new JsonObject { ["authenticated"] = false, ["error"] = "the fake authenticates no token" },
                "SelfSubjectRulesReview" => new JsonObject { ["resourceRules"] = new JsonArray(), ["nonResourceRules"] = new JsonArray(), ["incomplete"] = false },
                _ => new JsonObject { ["allowed"] = true, ["reason"] = "the fake allows everything" },
            };
            return (201, body);
        }
        if (Name(body).Length == 0) throw new FakeApiError(422, "Invalid", "metadata.name: Required value");
        if (Get(r, ns ?? Ns(body), Name(body)) is not null)
            throw new FakeApiError(409, "AlreadyExists", $"{r.Plural} \"{Name(body)}\" already exists");
        return (201, Store(r, ns, body).DeepClone());
    }

    private static void CheckKind(FakeResource r, JsonObject body)
    {
        var apiVersion = body["apiVersion"]?.GetValue<string>();
        var kind = body["kind"]?.GetValue<string>();
        if (apiVersion is not null && apiVersion != r.ApiVersion || kind is not null && kind != r.Kind)
            throw new FakeApiError(400, "BadRequest", $"the body is a {apiVersion}/{kind}, the URL names {r.ApiVersion}/{r.Kind}");
    }

    private void CheckNamespace(string ns)
    {
        if (Get(Resource("", "namespaces")!, null, ns) is null) throw NotFound($"namespaces \"{ns}\" not found");
    }

    private JsonNode Patch(FakeResource r, string? ns, string name, string? sub, IQueryCollection query, string contentType, JsonObject body)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        var existing = Get(r, ns, name);
        if (mediaType == "application/apply-patch+yaml")
        {
            if (sub is not null) throw new FakeApiError(415, "UnsupportedMediaType", "the fake applies whole objects only");
            if (string.IsNullOrEmpty(query["fieldManager"])) throw new FakeApiError(400, "BadRequest", "fieldManager is required for apply patch");
            CheckKind(r, body);
            if (body["apiVersion"] is null || body["kind"] is null) throw new FakeApiError(400, "BadRequest", "apiVersion and kind are required for apply");
            if (Name(body) != name) throw new FakeApiError(400, "BadRequest", "the name of the object does not match the name on the URL");
            if (r.Namespaced) CheckNamespace(ns!);
            if (existing is null) return Store(r, ns, body).DeepClone();
            var merged = (JsonObject)existing.DeepClone();
            Merge(merged, body, apply: true);
            return Store(r, ns, merged).DeepClone();
        }
        if (mediaType is not ("application/merge-patch+json" or "application/strategic-merge-patch+json"))
            throw new FakeApiError(415, "UnsupportedMediaType", $"the fake does not support {mediaType} patches");
        if (existing is null) throw NotFound($"{r.Plural}.{r.Group} \"{name}\" not found");
        var patched = (JsonObject)existing.DeepClone();
        if (sub == "scale")
        {
            if (body["spec"]?["replicas"] is { } replicas) ((JsonObject)(patched["spec"] ??= new JsonObject()))["replicas"] = replicas.DeepClone();
            return Scale(Store(r, ns, patched));
        }
        Merge(patched, body, apply: false);
        return Store(r, ns, patched).DeepClone();
    }

    /// <summary>RFC 7386 merge (null deletes; arrays replace). Server-side apply here merges the same way (no field ownership).</summary>
    private static void Merge(JsonObject target, JsonObject patch, bool apply)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is null)
            {
                if (!apply) target.Remove(key);
                continue;
            }
            if (value is JsonObject po && target[key] is JsonObject to) Merge(to, po, apply);
            else target[key] = value.DeepClone();
        }
    }

    private static JsonObject Scale(JsonObject o) => new()
    {
        ["kind"] = "Scale", ["apiVersion"] = "autoscaling/v1",
        ["metadata"] = new JsonObject { ["name"] = Name(o), ["namespace"] = Ns(o), ["uid"] = Uid(o), ["resourceVersion"] = o["metadata"]?["resourceVersion"]?.DeepClone() },
        ["spec"] = new JsonObject { ["replicas"] = o["spec"]?["replicas"]?.GetValue<int>() ?? 1 },
        ["status"] = new JsonObject { ["replicas"] = o["status"]?["replicas"]?.GetValue<int>() ?? 0 },
    };

    private JsonObject Delete(FakeResource r, string? ns, string name)
    {
        var key = Key(r, ns, name);
        if (!_objects.Remove(key, out var gone)) throw NotFound($"{r.Plural}.{r.Group} \"{name}\" not found");
        if (r.Kind == "Namespace")
        {
            foreach (var k in _objects.Where(kv => Ns(kv.Value) == name).Select(kv => kv.Key).ToList()) _objects.Remove(k);
        }
        CollectGarbage();
        return new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Success", ["details"] = new JsonObject { ["name"] = name, ["uid"] = Uid(gone) } };
    }

    private void CollectGarbage()
    {
        bool removed;
        do
        {
            removed = false;
            var uids = _objects.Values.Select(Uid).ToHashSet(StringComparer.Ordinal);
            foreach (var (key, o) in _objects.ToList())
            {
                if (o["metadata"]?["ownerReferences"] is JsonArray owners && owners.Count > 0
                    && owners.All(ow => !uids.Contains(ow?["uid"]?.GetValue<string>() ?? "")))
                {
                    _objects.Remove(key);
                    removed = true;
                }
            }
        } while (removed);
    }

    // ------------------------------------------------------------------ controllers

    private async Task ControllersAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            lock (_lock) Reconcile();
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }

    private void Reconcile()
    {
        var apps = (string plural) => _objects.Values.Where(o => o["apiVersion"]?.GetValue<string>() == "apps/v1" && Plural(o) == plural).ToList();
        foreach (var d in apps("deployments")) ReconcileDeployment(d);
        foreach (var rs in apps("replicasets")) ReconcileReplicaSet(rs);
        foreach (var ss in apps("statefulsets")) ReconcileStatefulSet(ss);
        foreach (var ds in apps("daemonsets")) ReconcileDaemonSet(ds);
        foreach (var pod in _objects.Values.Where(o => o["kind"]?.GetValue<string>() == "Pod").ToList()) ReconcilePod(pod);
        CollectGarbage();
        // Status last, so it reflects this round's pods.
        foreach (var d in apps("deployments")) DeploymentStatus(d);
    }

    private static string Plural(JsonObject o) => o["kind"]?.GetValue<string>() switch
    {
        "Deployment" => "deployments", "ReplicaSet" => "replicasets", "StatefulSet" => "statefulsets", "DaemonSet" => "daemonsets", _ => "",
    };

    private List<JsonObject> Owned(JsonObject owner, string kind) =>
        _objects.Values.Where(o => o["kind"]?.GetValue<string>() == kind
                                   && (o["metadata"]?["ownerReferences"] as JsonArray ?? []).Any(r => r?["uid"]?.GetValue<string>() == Uid(owner))).ToList();

    private static JsonArray OwnerRef(JsonObject owner) =>
    [
        new JsonObject
        {
            ["apiVersion"] = owner["apiVersion"]!.DeepClone(), ["kind"] = owner["kind"]!.DeepClone(), ["name"] = Name(owner),
            ["uid"] = Uid(owner), ["controller"] = true, ["blockOwnerDeletion"] = true,
        },
    ];

    private static int Replicas(JsonObject o) => o["spec"]?["replicas"]?.GetValue<int>() ?? 1;

    private void SetStatus(JsonObject o, JsonObject status)
    {
        status["observedGeneration"] = o["metadata"]?["generation"]?.GetValue<long>() ?? 1;
        if (o["status"]?.ToJsonString() == status.ToJsonString()) return;
        o["status"] = status;
        Meta(o)["resourceVersion"] = NextVersion();
    }

    private static bool Ready(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray ?? []).Any(c => c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True");

    private void ReconcileDeployment(JsonObject d)
    {
        var template = d["spec"]?["template"] as JsonObject ?? new JsonObject();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(template.ToJsonString())))[..10];
        var current = $"{Name(d)}-{hash}";
        foreach (var old in Owned(d, "ReplicaSet").Where(rs => Name(rs) != current))
            _objects.Remove(Key(Resource("apps", "replicasets")!, Ns(old), Name(old)));
        var rsKey = Key(Resource("apps", "replicasets")!, Ns(d), current);
        var rsTemplate = (JsonObject)template.DeepClone();
        ((JsonObject)(((JsonObject)(rsTemplate["metadata"] ??= new JsonObject()))["labels"] ??= new JsonObject()))["pod-template-hash"] = hash;
        if (!_objects.TryGetValue(rsKey, out var rs))
        {
            var labels = (JsonObject)(rsTemplate["metadata"]!["labels"]!.DeepClone());
            rs = Store(Resource("apps", "replicasets"), Ns(d), new JsonObject
            {
                ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet",
                ["metadata"] = new JsonObject { ["name"] = current, ["namespace"] = Ns(d), ["labels"] = labels, ["ownerReferences"] = OwnerRef(d) },
                ["spec"] = new JsonObject { ["replicas"] = Replicas(d), ["selector"] = d["spec"]?["selector"]?.DeepClone(), ["template"] = rsTemplate },
            });
        }
        if (Replicas(rs) != Replicas(d))
        {
            ((JsonObject)rs["spec"]!)["replicas"] = Replicas(d);
            Meta(rs)["generation"] = (rs["metadata"]?["generation"]?.GetValue<long>() ?? 1) + 1;
        }
    }

    private void DeploymentStatus(JsonObject d)
    {
        var sets = Owned(d, "ReplicaSet");
        var pods = sets.SelectMany(rs => Owned(rs, "Pod")).ToList();
        var ready = pods.Count(Ready);
        SetStatus(d, new JsonObject
        {
            ["replicas"] = pods.Count, ["updatedReplicas"] = pods.Count, ["readyReplicas"] = ready, ["availableReplicas"] = ready,
            ["unavailableReplicas"] = Math.Max(0, Replicas(d) - ready),
        });
    }

    private void ReconcileReplicaSet(JsonObject rs)
    {
        var pods = Owned(rs, "Pod");
        var want = Replicas(rs);
        for (var i = pods.Count; i < want; i++) pods.Add(NewPod(rs, $"{Name(rs)}-{Suffix()}"));
        if (pods.Count > want)
        {
            // As the ReplicaSet controller: lowest pod-deletion-cost first, then not ready, then newest.
            var surplus = pods
                .OrderBy(p => int.TryParse(p["metadata"]?["annotations"]?["controller.kubernetes.io/pod-deletion-cost"]?.GetValue<string>(), CultureInfo.InvariantCulture, out var c) ? c : 0)
                .ThenBy(p => Ready(p) ? 1 : 0)
                .ThenByDescending(p => p["metadata"]?["creationTimestamp"]?.GetValue<string>(), StringComparer.Ordinal)
                .Take(pods.Count - want).ToList();
            foreach (var p in surplus) { _objects.Remove(Key(Resource("", "pods")!, Ns(p), Name(p))); pods.Remove(p); }
        }
        var ready = pods.Count(Ready);
        SetStatus(rs, new JsonObject { ["replicas"] = pods.Count, ["fullyLabeledReplicas"] = pods.Count, ["readyReplicas"] = ready, ["availableReplicas"] = ready });
    }

    private void ReconcileStatefulSet(JsonObject ss)
    {
        var want = Replicas(ss);
        var pods = Owned(ss, "Pod");
        for (var i = 0; i < want; i++)
        {
            var name = $"{Name(ss)}-{i}";
            if (pods.Any(p => Name(p) == name)) continue;
            var pod = NewPod(ss, name);
            ((JsonObject)pod["metadata"]!["labels"]!)["apps.kubernetes.io/pod-index"] = i.ToString(CultureInfo.InvariantCulture);
            pods.Add(pod);
            foreach (var claim in (ss["spec"]?["volumeClaimTemplates"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var claimName = $"{Name(claim)}-{Name(ss)}-{i}";
                if (Get(Resource("", "persistentvolumeclaims")!, Ns(ss), claimName) is not null) continue;
                var meta = (JsonObject)(claim["metadata"]?.DeepClone() ?? new JsonObject());
                meta["name"] = claimName;
                meta["namespace"] = Ns(ss);
                Store(Resource("", "persistentvolumeclaims"), Ns(ss), new JsonObject
                {
                    ["apiVersion"] = "v1", ["kind"] = "PersistentVolumeClaim", ["metadata"] = meta, ["spec"] = claim["spec"]?.DeepClone(),
                    ["status"] = new JsonObject { ["phase"] = "Bound" },
                });
            }
        }
        foreach (var p in pods.Where(p => int.TryParse(Name(p)[(Name(p).LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture, out var o) && o >= want).ToList())
        {
            _objects.Remove(Key(Resource("", "pods")!, Ns(p), Name(p)));
            pods.Remove(p);
        }
        var ready = pods.Count(Ready);
        SetStatus(ss, new JsonObject
        {
            ["replicas"] = pods.Count, ["readyReplicas"] = ready, ["availableReplicas"] = ready, ["currentReplicas"] = pods.Count, ["updatedReplicas"] = pods.Count,
        });
    }

    private void ReconcileDaemonSet(JsonObject ds)
    {
        var selector = ds["spec"]?["template"]?["spec"]?["nodeSelector"] as JsonObject;
        var nodes = Enumerable.Range(1, NodeCount).Select(i => $"fake-node-{i}")
            .Where(n => selector is null || selector.All(kv => kv.Key == "kubernetes.io/hostname" && kv.Value?.GetValue<string>() == n))
            .ToList();
        var pods = Owned(ds, "Pod");
        foreach (var node in nodes.Where(n => !pods.Any(p => p["spec"]?["nodeName"]?.GetValue<string>() == n)))
        {
            var pod = NewPod(ds, $"{Name(ds)}-{Suffix()}");
            ((JsonObject)pod["spec"]!)["nodeName"] = node;
            pods.Add(pod);
        }
        foreach (var p in pods.Where(p => !nodes.Contains(p["spec"]?["nodeName"]?.GetValue<string>() ?? "")).ToList())
        {
            _objects.Remove(Key(Resource("", "pods")!, Ns(p), Name(p)));
            pods.Remove(p);
        }
        var ready = pods.Count(Ready);
        SetStatus(ds, new JsonObject
        {
            ["desiredNumberScheduled"] = nodes.Count, ["currentNumberScheduled"] = pods.Count, ["updatedNumberScheduled"] = pods.Count,
            ["numberReady"] = ready, ["numberAvailable"] = ready, ["numberMisscheduled"] = 0,
        });
    }

    private JsonObject NewPod(JsonObject owner, string name)
    {
        var template = owner["spec"]?["template"] as JsonObject ?? new JsonObject();
        var meta = (JsonObject)(template["metadata"]?.DeepClone() ?? new JsonObject());
        meta["name"] = name;
        meta["namespace"] = Ns(owner);
        meta["ownerReferences"] = OwnerRef(owner);
        meta["labels"] ??= new JsonObject();
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = meta,
            ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject(),
        };
        return Store(Resource("", "pods"), Ns(owner), pod);
    }

    private void ReconcilePod(JsonObject pod)
    {
        var spec = (JsonObject)(pod["spec"] ??= new JsonObject());
        if (spec["nodeName"] is null && pod["metadata"]?["ownerReferences"] is not null)
            spec["nodeName"] = $"fake-node-{(_nodeCursor++ % Math.Max(1, NodeCount)) + 1}";
        if (Ready(pod)) return;
        var created = DateTime.Parse(pod["metadata"]!["creationTimestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        var containers = (spec["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (NeverReady?.Invoke(pod) == true)
        {
            if (pod["status"] is not null) return;
            pod["status"] = new JsonObject
            {
                ["phase"] = "Pending",
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "False", ["reason"] = "ContainersNotReady" }),
                ["containerStatuses"] = new JsonArray(containers.Select(c => (JsonNode)new JsonObject
                {
                    ["name"] = c["name"]?.DeepClone(), ["ready"] = false,
                    ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ImagePullBackOff" } },
                }).ToArray()),
            };
            Meta(pod)["resourceVersion"] = NextVersion();
            return;
        }
        if (DateTime.UtcNow - created < PodReadyDelay)
        {
            if (pod["status"] is null)
            {
                pod["status"] = new JsonObject { ["phase"] = "Pending" };
                Meta(pod)["resourceVersion"] = NextVersion();
            }
            return;
        }
        pod["status"] = new JsonObject
        {
            ["phase"] = "Running",
            ["podIP"] = $"10.244.{RandomNumberGenerator.GetInt32(0, 255)}.{RandomNumberGenerator.GetInt32(1, 255)}",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }),
            ["containerStatuses"] = new JsonArray(containers.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c["name"]?.DeepClone(), ["ready"] = true, ["image"] = c["image"]?.DeepClone(),
                ["state"] = new JsonObject { ["running"] = new JsonObject() },
            }).ToArray()),
        };
        Meta(pod)["resourceVersion"] = NextVersion();
    }

    private static string Suffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789"; // what Kubernetes uses for generated names
        return string.Concat(Enumerable.Range(0, 5).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]));
    }
}

/// <summary>A throw-away test CA, the fake server's certificate (127.0.0.1) and a client certificate, all from that CA.</summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(X509Certificate2 ca, X509Certificate2 server, string clientCertPem, string clientKeyPem)
    {
        Ca = ca;
        Server = server;
        ClientCertPem = clientCertPem;
        ClientKeyPem = clientKeyPem;
    }

    public X509Certificate2 Ca { get; }
    public X509Certificate2 Server { get; }
    public string CaPem => Ca.ExportCertificatePem();
    public string ClientCertPem { get; }
    public string ClientKeyPem { get; }

    public static TestCertificates Create(string caName = "Mano fake Kubernetes test CA")
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={caName}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var caCert = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        var ca = X509CertificateLoader.LoadPkcs12(caCert.Export(X509ContentType.Pkcs12), null);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=fake-kube-apiserver", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        using var serverSigned = serverRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        using var serverWithKey = serverSigned.CopyWithPrivateKey(serverKey);
        var server = X509CertificateLoader.LoadPkcs12(serverWithKey.Export(X509ContentType.Pkcs12), null);

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientRequest = new CertificateRequest("CN=mano-test-user, O=system:masters", clientKey, HashAlgorithmName.SHA256);
        clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        clientRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        using var client = clientRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        return new TestCertificates(ca, server, client.ExportCertificatePem(), clientKey.ExportPkcs8PrivateKeyPem());
    }

    public bool IsIssuedByCa(X509Certificate2 cert)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(cert);
    }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
    }
}
