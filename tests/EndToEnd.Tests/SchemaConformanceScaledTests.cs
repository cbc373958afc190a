using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mano.EndToEnd.Tests;

/// <summary>
/// Issue 4 item 9 in the scaled shape (NFVO and VNFM as two processes on PostgreSQL + RabbitMQ, a database and a
/// RabbitMQ virtual host of the test's own): every SOL003 VNF LCM endpoint and task is driven over HTTP and every JSON
/// body answered, success or ProblemDetails, is validated against the official ETSI OpenAPI documents (v3.7.1) with the
/// SolSchemas harness, and so is every notification the subscribers receive (VnfLcmOperationOccurrenceNotification,
/// VnfIdentifierCreationNotification, VnfIdentifierDeletionNotification; VnfPackageOnboardingNotification and
/// VnfPackageChangeNotification). The SOL005 package endpoints add what tests/Nfvo.Tests leaves unvalidated: the
/// ProblemDetails of 400/404/406/409/412, api_versions, the subscription 404/422 and the notifications over the bus.
/// Violations are collected and reported at once; the covered (method, path, status) triples are listed in the output.
/// </summary>
/// <remarks>
/// change_flavour uses a two-flavour package derived from the corpus helloworld (as tests/Vnfm.Tests does). The corpus's
/// two-flavour VM package, sample-practical_vnf_package, onboards and instantiates flavour "ha" on the sandbox, but its
/// change_flavour to "scalable" ends FAILED_TEMP ("delete_subnet ... still has 2 port(s)": the old flavour's internal
/// subnet is deleted before its ports), so it is not used here until that is fixed.
/// </remarks>
public sealed class SchemaConformanceScaledTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Lcm = "SOL003/VNFLifecycleManagement";
    private const string Pkgm = "SOL005/VNFPackageManagement";
    private const string Sol003Pkgm = "SOL003/VNFPackageManagement";
    private const string LcmNotification = "SOL003/VNFLifecycleManagementNotification";
    private const string PkgmNotification = "SOL005/VNFPackageManagementNotification";
    private const string V2VnfdId = "b1bb0ce7-ebca-4fa7-95ed-4840d70a2222";
    private static readonly TimeSpan OpTimeout = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ScaledEnvironment? _env;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<string> _violations = [];
    private readonly List<string> _notes = [];
    private readonly SortedSet<string> _covered = new(StringComparer.Ordinal);
    private string _nfvo = "";
    private string _vnfm = "";
    private int _checked;

    [Fact]
    public async Task Every_LCM_endpoint_task_and_notification_conforms_to_the_ETSI_schemas_on_PostgreSQL_and_RabbitMQ()
    {
        var common = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Mano"] = Env.ConnectionString,
            ["Bus__Transport"] = "RabbitMq",
            ["Bus__RabbitMq__Uri"] = Env.BusUri,
            ["Sol013__PageSize"] = "2",
        };
        var (exit, log) = await ManoProcess.RunVerbAsync("migrate", new Dictionary<string, string>(common)
        {
            ["MANO_ROLES"] = "nfvo,vnfm",
            ["MANO_DATA_DIR"] = DataDir("migrate"),
        });
        Assert.True(exit == 0, log);

        await using var lcmSubscriber = await Subscriber.StartAsync();
        await using var pkgSubscriber = await Subscriber.StartAsync();
        await using var nfvo = await ManoProcess.StartAsync(new Dictionary<string, string>(common)
        {
            ["MANO_ROLES"] = "nfvo",
            ["MANO_DATA_DIR"] = DataDir("nfvo"),
        });
        await using var vnfm = await ManoProcess.StartAsync(new Dictionary<string, string>(common)
        {
            ["MANO_ROLES"] = "vnfm",
            ["MANO_DATA_DIR"] = DataDir("vnfm"),
        });
        _nfvo = nfvo.BaseUrl;
        _vnfm = vnfm.BaseUrl;
        var clock = Stopwatch.StartNew();
        try
        {
            await DriveAsync(lcmSubscriber, pkgSubscriber);
        }
        catch
        {
            output.WriteLine("---- NFVO log ----\n" + nfvo.Log);
            output.WriteLine("---- VNFM log ----\n" + vnfm.Log);
            throw;
        }

        var lcmTypes = ValidateNotifications(lcmSubscriber, LcmNotification);
        Assert.Equal(["VnfIdentifierCreationNotification", "VnfIdentifierDeletionNotification", "VnfLcmOperationOccurrenceNotification"], lcmTypes);
        var operations = lcmSubscriber.Notifications
            .Where(n => n.GetProperty("notificationType").GetString() == "VnfLcmOperationOccurrenceNotification")
            .Select(n => n.GetProperty("operation").GetString()!).ToHashSet();
        Assert.Equal(["CHANGE_EXT_CONN", "CHANGE_FLAVOUR", "CHANGE_VNFPKG", "HEAL", "INSTANTIATE", "MODIFY_INFO", "OPERATE", "SCALE", "SCALE_TO_LEVEL", "TERMINATE"],
            operations.Order());
        var states = lcmSubscriber.Notifications
            .Where(n => n.GetProperty("notificationType").GetString() == "VnfLcmOperationOccurrenceNotification")
            .Select(n => n.GetProperty("operationState").GetString()!).ToHashSet();
        Assert.Equal(["COMPLETED", "FAILED", "FAILED_TEMP", "PROCESSING", "ROLLED_BACK", "ROLLING_BACK", "STARTING"], states.Order());
        var pkgTypes = ValidateNotifications(pkgSubscriber, PkgmNotification);
        Assert.Equal(["VnfPackageChangeNotification", "VnfPackageOnboardingNotification"], pkgTypes);

        output.WriteLine($"{_checked} bodies validated in {clock.Elapsed.TotalSeconds:F1} s; {lcmSubscriber.Notifications.Count} LCM and {pkgSubscriber.Notifications.Count} package notifications.");
        output.WriteLine("Covered (api method path status):\n  " + string.Join("\n  ", _covered));
        foreach (var n in _notes) output.WriteLine("note: " + n);
        foreach (var v in _violations) output.WriteLine(v);
        foreach (var u in SolSchemas.UnresolvedReferences) output.WriteLine($"(unresolved upstream $ref, validated as anything: {u})");
        Assert.True(_violations.Count == 0, $"{_violations.Count} schema violations:\n{string.Join("\n", _violations)}");
        Assert.True(_checked >= 100, $"only {_checked} bodies were validated");
    }

    private List<string> ValidateNotifications(Subscriber subscriber, string api)
    {
        var types = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var n in subscriber.Notifications)
        {
            var type = n.GetProperty("notificationType").GetString()!;
            types.Add(type);
            _covered.Add($"{api} POST {type}");
            Check($"notification {type}", () => SolSchemas.ValidateRequest(api, "POST",
                $"/URI_is_provided_by_the_client_when_creating_the_subscription-{type}", n.GetRawText()));
        }
        return [.. types];
    }

    private async Task DriveAsync(Subscriber lcmSubscriber, Subscriber pkgSubscriber)
    {
        var vnflcm = $"{_vnfm}/vnflcm/v2";
        var vnfpkgm = $"{_nfvo}/vnfpkgm/v2";

        // ---- SOL013 9.3 api_versions ----
        await CallAsync(Lcm, "GET", "/api_versions", $"{vnflcm}/api_versions", 200);
        await CallAsync(Pkgm, "GET", "/api_versions", $"{vnfpkgm}/api_versions", 200);
        // The harness resolves /api_versions (a path item $ref to the endpoints file) to a real schema, not "anything".
        Assert.NotEmpty(SolSchemas.Validate(Lcm, "GET", "/api_versions", 200, "{}"));
        Assert.NotEmpty(SolSchemas.Validate(Pkgm, "GET", "/api_versions", 200, "{}"));

        // ---- SOL005 package subscriptions (9.4.8, 9.4.9): the gaps of Nfvo.Tests ----
        var pkgSub = await CallAsync(Pkgm, "POST", "/subscriptions", $"{vnfpkgm}/subscriptions", 201,
            new JsonObject { ["callbackUri"] = pkgSubscriber.CallbackUri });
        var pkgSubId = pkgSub.Id;
        await CallAsync(Pkgm, "GET", "/subscriptions/{subscriptionId}", $"{vnfpkgm}/subscriptions/{pkgSubId}", 200);
        await CallAsync(Pkgm, "GET", "/subscriptions/{subscriptionId}", $"{vnfpkgm}/subscriptions/nope", 404);
        await CallAsync(Pkgm, "POST", "/subscriptions", $"{vnfpkgm}/subscriptions", 400, new JsonObject { ["callbackUri"] = "not-a-uri" });
        await CallAsync(Pkgm, "POST", "/subscriptions", $"{vnfpkgm}/subscriptions", 422, new JsonObject { ["callbackUri"] = DeadCallback() });
        await CallAsync(Pkgm, "DELETE", "/subscriptions/{subscriptionId}", $"{vnfpkgm}/subscriptions/nope", 404);

        // ---- SOL003 LCM subscriptions (5.4.18, 5.4.19) ----
        var lcmSub = await CallAsync(Lcm, "POST", "/subscriptions", $"{vnflcm}/subscriptions", 201,
            new JsonObject { ["callbackUri"] = lcmSubscriber.CallbackUri }); // no filter: every notification
        var filtered = await CallAsync(Lcm, "POST", "/subscriptions", $"{vnflcm}/subscriptions", 201, new JsonObject
        {
            ["callbackUri"] = lcmSubscriber.CallbackUri,
            ["verbosity"] = "SHORT",
            ["filter"] = new JsonObject
            {
                ["vnfInstanceSubscriptionFilter"] = new JsonObject { ["vnfdIds"] = new JsonArray("no-such-vnfd") },
                ["notificationTypes"] = new JsonArray("VnfLcmOperationOccurrenceNotification"),
                ["operationTypes"] = new JsonArray("INSTANTIATE", "TERMINATE"),
                ["operationStates"] = new JsonArray("COMPLETED"),
            },
        });
        var third = await CallAsync(Lcm, "POST", "/subscriptions", $"{vnflcm}/subscriptions", 201, new JsonObject
        {
            ["callbackUri"] = lcmSubscriber.CallbackUri,
            ["filter"] = new JsonObject { ["notificationTypes"] = new JsonArray("VnfIdentifierCreationNotification") },
        });
        await CallAsync(Lcm, "GET", "/subscriptions/{subscriptionId}", $"{vnflcm}/subscriptions/{lcmSub.Id}", 200);
        await CallAsync(Lcm, "GET", "/subscriptions/{subscriptionId}", $"{vnflcm}/subscriptions/{filtered.Id}", 200);
        var page1 = await CallAsync(Lcm, "GET", "/subscriptions", $"{vnflcm}/subscriptions", 200, expectNext: true);
        await CallAsync(Lcm, "GET", "/subscriptions", page1.Next!, 200);
        await CallAsync(Lcm, "GET", "/subscriptions", $"{vnflcm}/subscriptions?filter=(eq,verbosity,SHORT)", 200);
        await CallAsync(Lcm, "GET", "/subscriptions", $"{vnflcm}/subscriptions?filter=(eq,nosuch,1)", 400);
        await CallAsync(Lcm, "GET", "/subscriptions/{subscriptionId}", $"{vnflcm}/subscriptions/nope", 404);
        await CallAsync(Lcm, "POST", "/subscriptions", $"{vnflcm}/subscriptions", 400, new JsonObject { ["callbackUri"] = "not-a-uri" });
        await CallAsync(Lcm, "POST", "/subscriptions", $"{vnflcm}/subscriptions", 422, new JsonObject { ["callbackUri"] = DeadCallback() });
        await CallAsync(Lcm, "DELETE", "/subscriptions/{subscriptionId}", $"{vnflcm}/subscriptions/{third.Id}", 204);
        await CallAsync(Lcm, "DELETE", "/subscriptions/{subscriptionId}", $"{vnflcm}/subscriptions/{third.Id}", 404);

        // ---- SOL005 packages: v1 (helloworld) and v2 (another vnfdId, a second flavour "big") ----
        var pkg1 = await OnboardAsync(Csars.HelloWorld());
        var pkg2 = await OnboardAsync(HelloWorldV2());
        await CallAsync(Pkgm, "GET", "/vnf_packages/{vnfPkgId}", $"{vnfpkgm}/vnf_packages/nope", 404);
        await CallAsync(Pkgm, "GET", "/vnf_packages", $"{vnfpkgm}/vnf_packages?filter=(eq,nosuch,1)", 400);
        await CallAsync(Pkgm, "GET", "/vnf_packages", $"{vnfpkgm}/vnf_packages?filter=(eq,vnfdId,{V2VnfdId})&exclude_default", 200);
        await CallAsync(Pkgm, "DELETE", "/vnf_packages/{vnfPkgId}", $"{vnfpkgm}/vnf_packages/{pkg1}", 409); // ENABLED
        await CallAsync(Pkgm, "GET", "/vnf_packages/{vnfPkgId}/vnfd", $"{vnfpkgm}/vnf_packages/{pkg1}/vnfd", 406, accept: "text/plain");
        await CallAsync(Pkgm, "GET", "/vnf_packages/{vnfPkgId}/vnfd", $"{vnfpkgm}/vnf_packages/nope/vnfd", 404, accept: "application/zip");
        await CallAsync(Pkgm, "GET", "/vnf_packages/{vnfPkgId}/manifest", $"{vnfpkgm}/vnf_packages/nope/manifest", 404, accept: "text/plain");
        await CallAsync(Pkgm, "GET", "/vnf_packages/{vnfPkgId}/package_content", $"{vnfpkgm}/vnf_packages/nope/package_content", 404, accept: "application/zip");
        await CallAsync(Pkgm, "GET", "/vnf_packages/{vnfPkgId}/artifacts/{artifactPath}", $"{vnfpkgm}/vnf_packages/{pkg1}/artifacts/no/such/file", 404, accept: "application/octet-stream");
        await CallAsync(Pkgm, "PUT", "/vnf_packages/{vnfPkgId}/package_content", $"{vnfpkgm}/vnf_packages/{pkg1}/package_content", 409,
            content: Zip(Csars.HelloWorld())); // already ONBOARDED
        await CallAsync(Pkgm, "POST", "/vnf_packages/{vnfPkgId}/package_content/upload_from_uri", $"{vnfpkgm}/vnf_packages/{pkg1}/package_content/upload_from_uri", 409,
            new JsonObject { ["addressInformation"] = "http://example.com/p.zip" });
        var blank = await CallAsync(Pkgm, "POST", "/vnf_packages", $"{vnfpkgm}/vnf_packages", 201, new JsonObject());
        await CallAsync(Pkgm, "PUT", "/vnf_packages/{vnfPkgId}/package_content", $"{vnfpkgm}/vnf_packages/{blank.Id}/package_content", 400,
            content: Zip("this is not a CSAR"u8.ToArray()));
        await CallAsync(Pkgm, "POST", "/vnf_packages/{vnfPkgId}/package_content/upload_from_uri", $"{vnfpkgm}/vnf_packages/{blank.Id}/package_content/upload_from_uri", 400,
            new JsonObject { ["addressInformation"] = "http://169.254.169.254/latest/meta-data" });
        await CallAsync(Pkgm, "PATCH", "/vnf_packages/{vnfPkgId}", $"{vnfpkgm}/vnf_packages/{blank.Id}", 409,
            new JsonObject { ["operationalState"] = "DISABLED" }, contentType: "application/merge-patch+json"); // not ONBOARDED
        var pkgEtag = (await CallAsync(Pkgm, "GET", "/vnf_packages/{vnfPkgId}", $"{vnfpkgm}/vnf_packages/{blank.Id}", 200)).ETag;
        Assert.NotNull(pkgEtag);
        await CallAsync(Pkgm, "PATCH", "/vnf_packages/{vnfPkgId}", $"{vnfpkgm}/vnf_packages/{blank.Id}", 412,
            new JsonObject { ["userDefinedData"] = new JsonObject { ["k"] = "v" } }, contentType: "application/merge-patch+json", ifMatch: "\"stale\"");
        await CallAsync(Pkgm, "PATCH", "/vnf_packages/{vnfPkgId}", $"{vnfpkgm}/vnf_packages/{blank.Id}", 200,
            new JsonObject { ["userDefinedData"] = new JsonObject { ["k"] = "v" } }, contentType: "application/merge-patch+json", ifMatch: pkgEtag);
        await CallAsync(Pkgm, "PATCH", "/vnf_packages/{vnfPkgId}", $"{vnfpkgm}/vnf_packages/{pkg2}", 200,
            new JsonObject { ["operationalState"] = "DISABLED" }, contentType: "application/merge-patch+json");
        await CallAsync(Pkgm, "PATCH", "/vnf_packages/{vnfPkgId}", $"{vnfpkgm}/vnf_packages/{pkg2}", 200,
            new JsonObject { ["operationalState"] = "ENABLED" }, contentType: "application/merge-patch+json");
        await CallAsync(Pkgm, "DELETE", "/vnf_packages/{vnfPkgId}", $"{vnfpkgm}/vnf_packages/{blank.Id}", 204);
        await CallAsync(Pkgm, "DELETE", "/vnf_packages/{vnfPkgId}", $"{vnfpkgm}/vnf_packages/{blank.Id}", 404);
        await CallAsync(Sol003Pkgm, "GET", "/onboarded_vnf_packages/{vnfdId}", $"{vnfpkgm}/onboarded_vnf_packages/{V2VnfdId}", 200);
        await CallAsync(Sol003Pkgm, "GET", "/onboarded_vnf_packages/{vnfdId}", $"{vnfpkgm}/onboarded_vnf_packages/no-such-vnfd", 404);
        await CallAsync(Pkgm, "GET", "/subscriptions", $"{vnfpkgm}/subscriptions", 200);
        await CallAsync(Pkgm, "DELETE", "/subscriptions/{subscriptionId}", $"{vnfpkgm}/subscriptions/{pkgSubId}", 204);

        // ---- VNF instances (5.4.2, 5.4.3) ----
        var created = await CallAsync(Lcm, "POST", "/vnf_instances", $"{vnflcm}/vnf_instances", 201, new JsonObject
        {
            ["vnfdId"] = Csars.HelloWorldVnfdId, ["vnfInstanceName"] = "scaled-schema-1", ["vnfInstanceDescription"] = "all of SOL003",
            ["metadata"] = new JsonObject { ["tier"] = "gold" },
        });
        var id = created.Id;
        var spare = await CallAsync(Lcm, "POST", "/vnf_instances", $"{vnflcm}/vnf_instances", 201, new JsonObject { ["vnfdId"] = V2VnfdId });
        await CallAsync(Lcm, "POST", "/vnf_instances", $"{vnflcm}/vnf_instances", 201, new JsonObject { ["vnfdId"] = Csars.HelloWorldVnfdId, ["vnfInstanceName"] = "third" });
        await CallAsync(Lcm, "POST", "/vnf_instances", $"{vnflcm}/vnf_instances", 422, new JsonObject { ["vnfdId"] = "no-such-vnfd" });
        await CallAsync(Lcm, "POST", "/vnf_instances", $"{vnflcm}/vnf_instances", 400, new JsonObject { ["vnfInstanceName"] = "no vnfdId" });
        var list = await CallAsync(Lcm, "GET", "/vnf_instances", $"{vnflcm}/vnf_instances", 200, expectNext: true);
        Assert.Equal(2, list.Body!.AsArray().Count);
        await CallAsync(Lcm, "GET", "/vnf_instances", list.Next!, 200);
        await CallAsync(Lcm, "GET", "/vnf_instances", $"{vnflcm}/vnf_instances?filter=(eq,vnfInstanceName,scaled-schema-1);(in,instantiationState,NOT_INSTANTIATED,INSTANTIATED)&fields=metadata", 200);
        await CallAsync(Lcm, "GET", "/vnf_instances", $"{vnflcm}/vnf_instances?filter=(cont,vnfInstanceDescription,SOL)&exclude_fields=metadata", 200);
        await CallAsync(Lcm, "GET", "/vnf_instances", $"{vnflcm}/vnf_instances?filter=(eq,nosuch,1)", 400);
        await CallAsync(Lcm, "GET", "/vnf_instances", $"{vnflcm}/vnf_instances?all_fields&exclude_default", 400);
        await CallAsync(Lcm, "GET", "/vnf_instances/{vnfInstanceId}", $"{vnflcm}/vnf_instances/nope", 404);
        await CallAsync(Lcm, "DELETE", "/vnf_instances/{vnfInstanceId}", $"{vnflcm}/vnf_instances/nope", 404);
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/scale", $"{vnflcm}/vnf_instances/{id}/scale", 409,
            new JsonObject { ["type"] = "SCALE_OUT", ["aspectId"] = "worker_instance" }); // NOT_INSTANTIATED

        // PATCH (5.4.3.3.4): 412 with a stale If-Match, then 202 and a MODIFY_INFO op occ.
        var read = await CallAsync(Lcm, "GET", "/vnf_instances/{vnfInstanceId}", $"{vnflcm}/vnf_instances/{id}", 200);
        Assert.NotNull(read.ETag);
        await CallAsync(Lcm, "PATCH", "/vnf_instances/{vnfInstanceId}", $"{vnflcm}/vnf_instances/{id}", 412,
            new JsonObject { ["vnfInstanceName"] = "x" }, contentType: "application/merge-patch+json", ifMatch: "\"stale\"");
        await CallAsync(Lcm, "PATCH", "/vnf_instances/{vnfInstanceId}", $"{vnflcm}/vnf_instances/{id}", 400,
            new JsonObject { ["instantiationState"] = "INSTANTIATED" }, contentType: "application/merge-patch+json");
        var modify = await OperationAsync("PATCH", "/vnf_instances/{vnfInstanceId}", $"{vnflcm}/vnf_instances/{id}", new JsonObject
        {
            ["vnfInstanceName"] = "scaled-schema-renamed",
            ["metadata"] = new JsonObject { ["tier"] = null, ["owner"] = "tests" },
            ["vnfConfigurableProperties"] = new JsonObject { ["isAutoscaleEnabled"] = false },
        }, ifMatch: read.ETag);
        Assert.Equal("scaled-schema-renamed", (await FinishAsync(modify, "COMPLETED"))["changedInfo"]!["vnfInstanceName"]!.GetValue<string>());

        // ---- instantiate (5.4.4) ----
        var external = (await GetAsync($"{_vnfm}/sandbox/v1/external_networks")).AsArray()
            .Single(n => n!["name"]!.GetValue<string>() == "public")!["resourceId"]!.GetValue<string>();
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/instantiate", $"{vnflcm}/vnf_instances/{id}/instantiate", 422,
            new JsonObject { ["flavourId"] = "no-such-flavour" });
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/instantiate", $"{vnflcm}/vnf_instances/{id}/instantiate", 400, new JsonObject());
        var instantiate = await OperationAsync("POST", "/vnf_instances/{vnfInstanceId}/instantiate", $"{vnflcm}/vnf_instances/{id}/instantiate", new JsonObject
        {
            ["flavourId"] = "simple",
            ["instantiationLevelId"] = "instantiation_level_1",
            ["localizationLanguage"] = "en",
            ["extVirtualLinks"] = new JsonArray(ExtLink(external, fixedIp: null)),
            ["additionalParams"] = new JsonObject { ["note"] = "schema test" },
        });
        // 409 while it runs (one non-final op per instance).
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/terminate", $"{vnflcm}/vnf_instances/{id}/terminate", 409,
            new JsonObject { ["terminationType"] = "FORCEFUL" });
        await FinishAsync(instantiate, "COMPLETED");
        var instance = (await CallAsync(Lcm, "GET", "/vnf_instances/{vnfInstanceId}", $"{vnflcm}/vnf_instances/{id}", 200)).Body!;
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/instantiate", $"{vnflcm}/vnf_instances/{id}/instantiate", 409, new JsonObject { ["flavourId"] = "simple" });
        await CallAsync(Lcm, "DELETE", "/vnf_instances/{vnfInstanceId}", $"{vnflcm}/vnf_instances/{id}", 409);
        await CallAsync(Lcm, "GET", "/vnf_instances", $"{vnflcm}/vnf_instances?filter=(eq,instantiationState,INSTANTIATED)&all_fields", 200);
        await CallAsync(Lcm, "GET", "/vnf_instances", $"{vnflcm}/vnf_instances?fields=instantiatedVnfInfo/vnfcResourceInfo&filter=(eq,instantiatedVnfInfo/vnfcResourceInfo/vduId,VDU1)", 200);

        // ---- scale (5.4.5), scale_to_level (5.4.6) ----
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/scale", $"{vnflcm}/vnf_instances/{id}/scale", 422,
            new JsonObject { ["type"] = "SCALE_OUT", ["aspectId"] = "no-such-aspect" });
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/scale", $"{vnflcm}/vnf_instances/{id}/scale", 400, new JsonObject { ["type"] = "SIDEWAYS" });
        await RunAsync("/vnf_instances/{vnfInstanceId}/scale", $"{vnflcm}/vnf_instances/{id}/scale",
            new JsonObject { ["type"] = "SCALE_OUT", ["aspectId"] = "worker_instance", ["numberOfSteps"] = 1 });
        await RunAsync("/vnf_instances/{vnfInstanceId}/scale", $"{vnflcm}/vnf_instances/{id}/scale",
            new JsonObject { ["type"] = "SCALE_IN", ["aspectId"] = "worker_instance", ["numberOfSteps"] = 1 });
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/scale_to_level", $"{vnflcm}/vnf_instances/{id}/scale_to_level", 422,
            new JsonObject { ["instantiationLevelId"] = "no-such-level" });
        await RunAsync("/vnf_instances/{vnfInstanceId}/scale_to_level", $"{vnflcm}/vnf_instances/{id}/scale_to_level",
            new JsonObject { ["instantiationLevelId"] = "instantiation_level_2" });
        await RunAsync("/vnf_instances/{vnfInstanceId}/scale_to_level", $"{vnflcm}/vnf_instances/{id}/scale_to_level",
            new JsonObject { ["scaleInfo"] = new JsonArray(new JsonObject { ["aspectId"] = "worker_instance", ["scaleLevel"] = 0 }) });

        // ---- heal (5.4.9): one VNFC, then the whole VNF ----
        instance = (await CallAsync(Lcm, "GET", "/vnf_instances/{vnfInstanceId}", $"{vnflcm}/vnf_instances/{id}", 200)).Body!;
        var vnfcId = instance["instantiatedVnfInfo"]!["vnfcResourceInfo"]![0]!["id"]!.GetValue<string>();
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/heal", $"{vnflcm}/vnf_instances/{id}/heal", 422,
            new JsonObject { ["vnfcInstanceId"] = new JsonArray("no-such-vnfc") });
        await RunAsync("/vnf_instances/{vnfInstanceId}/heal", $"{vnflcm}/vnf_instances/{id}/heal",
            new JsonObject { ["vnfcInstanceId"] = new JsonArray(vnfcId), ["cause"] = "VNFC not responding" });
        await RunAsync("/vnf_instances/{vnfInstanceId}/heal", $"{vnflcm}/vnf_instances/{id}/heal", new JsonObject { ["cause"] = "whole VNF" });

        // ---- operate (5.4.10) ----
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/operate", $"{vnflcm}/vnf_instances/{id}/operate", 400,
            new JsonObject { ["changeStateTo"] = "STARTED", ["stopType"] = "GRACEFUL" });
        await RunAsync("/vnf_instances/{vnfInstanceId}/operate", $"{vnflcm}/vnf_instances/{id}/operate",
            new JsonObject { ["changeStateTo"] = "STOPPED", ["stopType"] = "GRACEFUL", ["gracefulStopTimeout"] = 5 });
        await RunAsync("/vnf_instances/{vnfInstanceId}/operate", $"{vnflcm}/vnf_instances/{id}/operate", new JsonObject { ["changeStateTo"] = "STARTED" });

        // ---- change_ext_conn (5.4.11): CP1 gets a fixed address on the provider network ----
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/change_ext_conn", $"{vnflcm}/vnf_instances/{id}/change_ext_conn", 400, new JsonObject());
        var changeExt = await RunAsync("/vnf_instances/{vnfInstanceId}/change_ext_conn", $"{vnflcm}/vnf_instances/{id}/change_ext_conn",
            new JsonObject { ["extVirtualLinks"] = new JsonArray(ExtLink(external, fixedIp: "203.0.113.77")) });
        if (changeExt["changedExtConnectivity"] is null) _notes.Add("CHANGE_EXT_CONN COMPLETED without changedExtConnectivity (SOL003 5.5.2.13: shall be present)");

        // ---- change_vnfpkg (5.4.11a) to v2, then change_flavour (5.4.7) to "big" ----
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/change_vnfpkg", $"{vnflcm}/vnf_instances/{id}/change_vnfpkg", 422,
            new JsonObject { ["vnfdId"] = "no-such-vnfd" });
        var changePkg = await RunAsync("/vnf_instances/{vnfInstanceId}/change_vnfpkg", $"{vnflcm}/vnf_instances/{id}/change_vnfpkg",
            new JsonObject { ["vnfdId"] = V2VnfdId, ["additionalParams"] = new JsonObject { ["upgrade_type"] = "RollingUpdate" } });
        Assert.NotNull(changePkg["modificationsTriggeredByVnfPkgChange"]);
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/change_flavour", $"{vnflcm}/vnf_instances/{id}/change_flavour", 422,
            new JsonObject { ["newFlavourId"] = "no-such-flavour" });
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/change_flavour", $"{vnflcm}/vnf_instances/{id}/change_flavour", 409,
            new JsonObject { ["newFlavourId"] = "simple" });
        await RunAsync("/vnf_instances/{vnfInstanceId}/change_flavour", $"{vnflcm}/vnf_instances/{id}/change_flavour",
            new JsonObject { ["newFlavourId"] = "big", ["instantiationLevelId"] = "instantiation_level_1" });
        await CallAsync(Lcm, "GET", "/vnf_instances/{vnfInstanceId}", $"{vnflcm}/vnf_instances/{id}", 200);

        // ---- tasks (5.4.14 - 5.4.17) on FAILED_TEMP ops made by sandbox faults ----
        var scaleOut = new JsonObject { ["type"] = "SCALE_OUT", ["aspectId"] = "worker_instance", ["numberOfSteps"] = 1 };
        // retry -> COMPLETED
        var failed = await FailedTempAsync($"{vnflcm}/vnf_instances/{id}/scale", scaleOut.DeepClone());
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/heal", $"{vnflcm}/vnf_instances/{id}/heal", 409, new JsonObject()); // FAILED_TEMP blocks
        await CallAsync(Lcm, "POST", "/vnf_lcm_op_occs/{vnfLcmOpOccId}/cancel", $"{vnflcm}/vnf_lcm_op_occs/{failed}/cancel", 409, new JsonObject { ["cancelMode"] = "GRACEFUL" });
        await CallAsync(Lcm, "GET", "/vnf_lcm_op_occs", $"{vnflcm}/vnf_lcm_op_occs?filter=(eq,operationState,FAILED_TEMP)", 200);
        await CallAsync(Lcm, "POST", "/vnf_lcm_op_occs/{vnfLcmOpOccId}/retry", $"{vnflcm}/vnf_lcm_op_occs/{failed}/retry", 202);
        await FinishAsync(failed, "COMPLETED");
        await CallAsync(Lcm, "POST", "/vnf_lcm_op_occs/{vnfLcmOpOccId}/retry", $"{vnflcm}/vnf_lcm_op_occs/{failed}/retry", 409);
        await CallAsync(Lcm, "POST", "/vnf_lcm_op_occs/{vnfLcmOpOccId}/rollback", $"{vnflcm}/vnf_lcm_op_occs/{failed}/rollback", 409);
        await CallAsync(Lcm, "POST", "/vnf_lcm_op_occs/{vnfLcmOpOccId}/fail", $"{vnflcm}/vnf_lcm_op_occs/{failed}/fail", 409);
        await CallAsync(Lcm, "POST", "/vnf_lcm_op_occs/{vnfLcmOpOccId}/retry", $"{vnflcm}/vnf_lcm_op_occs/nope/retry", 404);
        // rollback -> ROLLED_BACK
        var scaleIn = new JsonObject { ["type"] = "SCALE_IN", ["aspectId"] = "worker_instance", ["numberOfSteps"] = 1 };
        failed = await FailedTempAsync($"{vnflcm}/vnf_instances/{id}/scale", scaleOut.DeepClone(), priorScaleIn: $"{vnflcm}/vnf_instances/{id}/scale", scaleInBody: scaleIn);
        await CallAsync(Lcm, "POST", "/vnf_lcm_op_occs/{vnfLcmOpOccId}/rollback", $"{vnflcm}/vnf_lcm_op_occs/{failed}/rollback", 202);
        await FinishAsync(failed, "ROLLED_BACK");
        // fail -> FAILED (200 with the op occ)
        failed = await FailedTempAsync($"{vnflcm}/vnf_instances/{id}/scale", scaleOut.DeepClone());
        var failedOp = await CallAsync(Lcm, "POST", "/vnf_lcm_op_occs/{vnfLcmOpOccId}/fail", $"{vnflcm}/vnf_lcm_op_occs/{failed}/fail", 200);
        Assert.Equal("FAILED", failedOp.Body!["operationState"]!.GetValue<string>());
        await FinishAsync(failed, "FAILED");
        // cancel while PROCESSING -> FAILED_TEMP, then rollback
        await SendRawAsync(HttpMethod.Put, $"{_vnfm}/sandbox/v1/latency", new JsonObject { ["milliseconds"] = 1500 });
        var cancelled = await OperationAsync("POST", "/vnf_instances/{vnfInstanceId}/heal", $"{vnflcm}/vnf_instances/{id}/heal", new JsonObject());
        await WaitStateAsync(cancelled, s => s is "PROCESSING");
        await CallAsync(Lcm, "POST", "/vnf_lcm_op_occs/{vnfLcmOpOccId}/cancel", $"{vnflcm}/vnf_lcm_op_occs/{cancelled}/cancel", 400, new JsonObject { ["cancelMode"] = "SOMETIMES" });
        await CallAsync(Lcm, "POST", "/vnf_lcm_op_occs/{vnfLcmOpOccId}/cancel", $"{vnflcm}/vnf_lcm_op_occs/{cancelled}/cancel", 202, new JsonObject { ["cancelMode"] = "FORCEFUL" });
        await CallAsync(Lcm, "GET", "/vnf_lcm_op_occs/{vnfLcmOpOccId}", $"{vnflcm}/vnf_lcm_op_occs/{cancelled}", 200); // isCancelPending
        await SendRawAsync(HttpMethod.Put, $"{_vnfm}/sandbox/v1/latency", new JsonObject { ["milliseconds"] = 0 });
        var afterCancel = await WaitStateAsync(cancelled, s => s is "FAILED_TEMP" or "ROLLED_BACK" or "COMPLETED");
        if (afterCancel == "FAILED_TEMP")
        {
            await CallAsync(Lcm, "GET", "/vnf_lcm_op_occs/{vnfLcmOpOccId}", $"{vnflcm}/vnf_lcm_op_occs/{cancelled}", 200);
            await CallAsync(Lcm, "POST", "/vnf_lcm_op_occs/{vnfLcmOpOccId}/rollback", $"{vnflcm}/vnf_lcm_op_occs/{cancelled}/rollback", 202);
            await FinishAsync(cancelled, "ROLLED_BACK");
        }
        else _notes.Add($"the cancelled HEAL ended {afterCancel}, not FAILED_TEMP");

        // ---- op occs (5.4.12, 5.4.13) ----
        var occs = await CallAsync(Lcm, "GET", "/vnf_lcm_op_occs", $"{vnflcm}/vnf_lcm_op_occs", 200, expectNext: true);
        var next = occs.Next;
        for (var pages = 0; next is not null && pages < 30; pages++) next = (await CallAsync(Lcm, "GET", "/vnf_lcm_op_occs", next, 200)).Next;
        var all = (await CallAsync(Lcm, "GET", "/vnf_lcm_op_occs", $"{vnflcm}/vnf_lcm_op_occs?all_fields&filter=(eq,vnfInstanceId,{id})", 200)).Body!.AsArray();
        foreach (var op in all) await CallAsync(Lcm, "GET", "/vnf_lcm_op_occs/{vnfLcmOpOccId}", $"{vnflcm}/vnf_lcm_op_occs/{op!["id"]!.GetValue<string>()}", 200);
        await CallAsync(Lcm, "GET", "/vnf_lcm_op_occs", $"{vnflcm}/vnf_lcm_op_occs?filter=(in,operation,SCALE,HEAL);(neq,operationState,COMPLETED)&fields=error,resourceChanges", 200);
        await CallAsync(Lcm, "GET", "/vnf_lcm_op_occs", $"{vnflcm}/vnf_lcm_op_occs?exclude_fields=operationParams&filter=(eq,operation,CHANGE_VNFPKG)", 200);
        await CallAsync(Lcm, "GET", "/vnf_lcm_op_occs", $"{vnflcm}/vnf_lcm_op_occs?filter=(eq,nosuch,1)", 400);
        await CallAsync(Lcm, "GET", "/vnf_lcm_op_occs/{vnfLcmOpOccId}", $"{vnflcm}/vnf_lcm_op_occs/nope", 404);

        // ---- snapshots: not built (501) ----
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/create_snapshot", $"{vnflcm}/vnf_instances/{id}/create_snapshot", 501, new JsonObject(),
            undocumentedOk: true);

        // ---- terminate GRACEFUL (5.4.8), delete (5.4.3.3.5) ----
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/terminate", $"{vnflcm}/vnf_instances/{id}/terminate", 400,
            new JsonObject { ["terminationType"] = "SOFTLY" });
        await RunAsync("/vnf_instances/{vnfInstanceId}/terminate", $"{vnflcm}/vnf_instances/{id}/terminate",
            new JsonObject { ["terminationType"] = "GRACEFUL", ["gracefulTerminationTimeout"] = 5 });
        await CallAsync(Lcm, "GET", "/vnf_instances/{vnfInstanceId}", $"{vnflcm}/vnf_instances/{id}", 200);
        await CallAsync(Lcm, "POST", "/vnf_instances/{vnfInstanceId}/terminate", $"{vnflcm}/vnf_instances/{id}/terminate", 409,
            new JsonObject { ["terminationType"] = "FORCEFUL" });
        await CallAsync(Lcm, "DELETE", "/vnf_instances/{vnfInstanceId}", $"{vnflcm}/vnf_instances/{id}", 204);
        await CallAsync(Lcm, "DELETE", "/vnf_instances/{vnfInstanceId}", $"{vnflcm}/vnf_instances/{spare.Id}", 204);
        await CallAsync(Lcm, "GET", "/vnf_instances/{vnfInstanceId}", $"{vnflcm}/vnf_instances/{id}", 404);
        await CallAsync(Lcm, "PATCH", "/vnf_instances/{vnfInstanceId}", $"{vnflcm}/vnf_instances/{id}", 404,
            new JsonObject { ["vnfInstanceName"] = "gone" }, contentType: "application/merge-patch+json");

        // Every notification has arrived: the deletion notifications of both instances.
        await WaitForAsync(() => lcmSubscriber.Notifications.Count(n => n.GetProperty("notificationType").GetString() == "VnfIdentifierDeletionNotification") >= 2,
            "the VnfIdentifierDeletionNotifications");
        await WaitForAsync(() => pkgSubscriber.Notifications.Any(n => n.GetProperty("notificationType").GetString() == "VnfPackageChangeNotification"),
            "a VnfPackageChangeNotification");
        await WaitForAsync(() => lcmSubscriber.Notifications.Any(n => n.TryGetProperty("vnfLcmOpOccId", out var o) && o.GetString() == failed
                                                                        && n.GetProperty("operationState").GetString() == "FAILED"),
            "the FAILED notification");
    }

    // ---- the LCM operation helpers ------------------------------------------------------------------------------

    /// <summary>Starts an operation (202 + Location of the op occ) and returns the op occ id.</summary>
    private async Task<string> OperationAsync(string method, string template, string url, JsonNode body, string? ifMatch = null)
    {
        var reply = await CallAsync(Lcm, method, template, url, 202, body, contentType: method == "PATCH" ? "application/merge-patch+json" : null, ifMatch: ifMatch);
        Assert.NotNull(reply.Location);
        Assert.Contains("/vnflcm/v2/vnf_lcm_op_occs/", reply.Location);
        return reply.Location.Split('/').Last();
    }

    /// <summary>Runs a task resource operation to COMPLETED; returns the validated op occ.</summary>
    private async Task<JsonNode> RunAsync(string template, string url, JsonNode body) =>
        await FinishAsync(await OperationAsync("POST", template, url, body), "COMPLETED");

    /// <summary>Waits for the op occ to reach <paramref name="state"/>, then validates it.</summary>
    private async Task<JsonNode> FinishAsync(string opOccId, string state)
    {
        var reached = await WaitStateAsync(opOccId, s => s == state || s is "FAILED_TEMP" or "FAILED" or "ROLLED_BACK" or "COMPLETED");
        var op = (await CallAsync(Lcm, "GET", "/vnf_lcm_op_occs/{vnfLcmOpOccId}", $"{_vnfm}/vnflcm/v2/vnf_lcm_op_occs/{opOccId}", 200)).Body!;
        Assert.True(reached == state, $"op {opOccId} ended {reached}, expected {state}: {op.ToJsonString()}");
        return op;
    }

    private async Task<string> WaitStateAsync(string opOccId, Func<string, bool> done)
    {
        var deadline = DateTime.UtcNow + OpTimeout;
        while (true)
        {
            var state = (await GetAsync($"{_vnfm}/vnflcm/v2/vnf_lcm_op_occs/{opOccId}"))["operationState"]!.GetValue<string>();
            if (done(state)) return state;
            Assert.True(DateTime.UtcNow < deadline, $"op {opOccId} still {state} after {OpTimeout}");
            await Task.Delay(50, Ct);
        }
    }

    /// <summary>
    /// An operation that ends FAILED_TEMP: the sandbox's next create_server fails (not transient). With
    /// <paramref name="priorScaleIn"/> the instance is first scaled in so that the scale-out fits its max level.
    /// </summary>
    private async Task<string> FailedTempAsync(string url, JsonNode body, string? priorScaleIn = null, JsonNode? scaleInBody = null)
    {
        if (priorScaleIn is not null) await RunAsync("/vnf_instances/{vnfInstanceId}/scale", priorScaleIn, scaleInBody!);
        await SendRawAsync(HttpMethod.Put, $"{_vnfm}/sandbox/v1/faults",
            new JsonObject { ["operation"] = "create_server", ["failCount"] = 1, ["transient"] = false, ["message"] = "injected by the schema test" });
        var opId = await OperationAsync("POST", "/vnf_instances/{vnfInstanceId}/scale", url, body);
        var op = await FinishAsync(opId, "FAILED_TEMP");
        Assert.NotNull(op["error"]);
        return opId;
    }

    private static JsonObject ExtLink(string network, string? fixedIp)
    {
        var ipOverEthernet = new JsonObject
        {
            ["ipAddresses"] = new JsonArray(fixedIp is null
                ? new JsonObject { ["type"] = "IPV4", ["numDynamicAddresses"] = 1 }
                : new JsonObject { ["type"] = "IPV4", ["fixedAddresses"] = new JsonArray(fixedIp) }),
        };
        return new JsonObject
        {
            ["id"] = "ext-vl-1",
            ["resourceId"] = network,
            ["extCps"] = new JsonArray(new JsonObject
            {
                ["cpdId"] = "CP1",
                ["cpConfig"] = new JsonObject
                {
                    ["cp1-config"] = new JsonObject
                    {
                        ["cpProtocolData"] = new JsonArray(new JsonObject { ["layerProtocol"] = "IP_OVER_ETHERNET", ["ipOverEthernet"] = ipOverEthernet }),
                    },
                },
            }),
        };
    }

    // ---- packages ---------------------------------------------------------------------------------------------

    /// <summary>SOL005 9.4.2 / 9.4.5: create, upload, wait for ONBOARDED; every body validated.</summary>
    private async Task<string> OnboardAsync(byte[] csar)
    {
        var vnfpkgm = $"{_nfvo}/vnfpkgm/v2";
        var pkg = await CallAsync(Pkgm, "POST", "/vnf_packages", $"{vnfpkgm}/vnf_packages", 201,
            new JsonObject { ["userDefinedData"] = new JsonObject { ["suite"] = "schema-scaled" } });
        await CallAsync(Pkgm, "PUT", "/vnf_packages/{vnfPkgId}/package_content", $"{vnfpkgm}/vnf_packages/{pkg.Id}/package_content", 202, content: Zip(csar));
        var deadline = DateTime.UtcNow + OpTimeout;
        JsonNode info;
        while ((info = await GetAsync($"{vnfpkgm}/vnf_packages/{pkg.Id}"))["onboardingState"]!.GetValue<string>() is not ("ONBOARDED" or "ERROR"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the package was not onboarded in time");
            await Task.Delay(100, Ct);
        }
        Assert.True(info["onboardingState"]!.GetValue<string>() == "ONBOARDED", info.ToJsonString());
        await CallAsync(Pkgm, "GET", "/vnf_packages/{vnfPkgId}", $"{vnfpkgm}/vnf_packages/{pkg.Id}?all_fields", 200);
        return pkg.Id;
    }

    /// <summary>
    /// A second helloworld package of the same product (tests/Vnfm.Tests Helloworld.V2): another vnfdId, VDU1 on
    /// another software image, and a second flavour "big" whose VDUs have 2 vCPUs.
    /// </summary>
    private static byte[] HelloWorldV2()
    {
        var files = Csars.Files(Csars.HelloWorldDirectory).ToDictionary(f => f.Path, f => Encoding.UTF8.GetString(f.Content));
        foreach (var key in files.Keys.ToList()) files[key] = files[key].Replace(Csars.HelloWorldVnfdId, V2VnfdId);
        var df = files.Keys.Single(k => k.EndsWith("helloworld3_df_simple.yaml", StringComparison.Ordinal));
        var top = files.Keys.Single(k => k.EndsWith("helloworld3_top.vnfd.yaml", StringComparison.Ordinal));
        var types = files.Keys.Single(k => k.EndsWith("helloworld3_types.yaml", StringComparison.Ordinal));
        var simple = files[df].Replace("name: Software of VDU1", "name: Software of VDU1 v2");
        files[df] = simple;
        files[df.Replace("simple", "big")] = simple.Replace("flavour_id: simple", "flavour_id: big").Replace("num_virtual_cpu: 1", "num_virtual_cpu: 2");
        files[top] = files[top].Replace("  - helloworld3_df_simple.yaml", "  - helloworld3_df_simple.yaml\n  - helloworld3_df_big.yaml");
        files[types] = files[types].Replace("valid_values: [ simple ]", "valid_values: [ simple, big ]");
        return Csars.Zip(files.Select(kv => (kv.Key, Encoding.UTF8.GetBytes(kv.Value)))
            .Append((Csars.CirrosImage, "placeholder for the cirros image (not in the corpus)"u8.ToArray())));
    }

    private static ByteArrayContent Zip(byte[] bytes) => new(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } };

    /// <summary>A callback URI nothing listens on: the subscription's callback test fails (422).</summary>
    private static string DeadCallback() => $"http://127.0.0.1:{ManoProcess.FreePort()}/callback";

    // ---- HTTP + validation ------------------------------------------------------------------------------------

    private sealed record Reply(int Status, JsonNode? Body, string? Location, string? ETag, string? Next)
    {
        public string Id => Body!["id"]!.GetValue<string>();
    }

    /// <summary>
    /// Sends the request, asserts the status, checks that an error is application/problem+json, and validates the body
    /// against the schema of (api, method, template, status). A status the document does not list for the operation is
    /// validated as the operation's 400 ProblemDetails and noted.
    /// </summary>
    private async Task<Reply> CallAsync(string api, string method, string template, string url, int status, JsonNode? body = null,
        HttpContent? content = null, string? contentType = null, string? ifMatch = null, string accept = "application/json",
        bool expectNext = false, bool undocumentedOk = false)
    {
        content ??= body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, contentType ?? "application/json");
        if (content is not null && contentType is not null) content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = content };
        request.Headers.Add("Version", url.Contains("/vnfpkgm/", StringComparison.Ordinal) ? "2.4.0" : "2.3.0");
        request.Headers.Accept.ParseAdd(accept);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        using var response = await _http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode == status, $"{method} {url}: expected {status}, got {(int)response.StatusCode} {text}");
        if (status >= 400) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var link = response.Headers.TryGetValues("Link", out var links) ? string.Join(",", links) : "";
        string? next = null;
        if (System.Text.RegularExpressions.Regex.Match(link, "<([^>]+)>;\\s*rel=\"next\"") is { Success: true } m) next = m.Groups[1].Value;
        if (expectNext) Assert.True(next is not null, $"{method} {url}: no Link rel=\"next\" ({link})");
        _covered.Add($"{api} {method} {template} {status}");
        var what = $"{method} {url} -> {status}";
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType is "application/json" or "application/problem+json")
        {
            Check(what, () =>
            {
                try
                {
                    return SolSchemas.Validate(api, method, template, status, text);
                }
                catch (ArgumentException e) when (status >= 400 && (e.Message.Contains("documents no", StringComparison.Ordinal) || e.Message.Contains("no content", StringComparison.Ordinal)))
                {
                    if (!undocumentedOk) _notes.Add($"{api} {method} {template} {status}: {e.Message[(e.Message.LastIndexOf(':') + 1)..].Trim()}; validated as the operation's 400 ProblemDetails");
                    return SolSchemas.Validate(api, method, template, 400, text);
                }
            });
        }
        else if (text.Length > 0) _notes.Add($"{what}: a {response.Content.Headers.ContentType?.MediaType} body, not validated");
        return new Reply((int)response.StatusCode, text.TrimStart() is ['{', ..] or ['[', ..] ? JsonNode.Parse(text) : null,
            response.Headers.Location?.ToString(), response.Headers.ETag?.ToString(), next);
    }

    private void Check(string what, Func<IReadOnlyList<string>> validate)
    {
        _checked++;
        foreach (var e in validate()) _violations.Add($"{what}: {e}");
    }

    private async Task<JsonNode> GetAsync(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await _http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private async Task SendRawAsync(HttpMethod method, string url, JsonNode body)
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(method, url)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        }, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{method} {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + OpTimeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100, Ct);
        }
    }

    private ScaledEnvironment Env => _env ?? throw new InvalidOperationException("not initialised");

    private string DataDir(string role) => Env.DataDir(role);

    public async ValueTask InitializeAsync() => _env = await ScaledEnvironment.CreateAsync("mano_e2e");

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_env is not null) await _env.DisposeAsync();
    }
}
