using System.Text.Json.Nodes;

namespace Mano.Common.Tests;

/// <summary>The schema harness of tests/TestSupport on hand-written bodies, valid and invalid.</summary>
public sealed class SolSchemasTests
{
    private const string Lcm = "SOL003/VNFLifecycleManagement";

    private static JsonObject Instance() => new()
    {
        ["id"] = "i1", ["vnfdId"] = "d1", ["vnfProvider"] = "Company", ["vnfProductName"] = "Sample",
        ["vnfSoftwareVersion"] = "1.0", ["vnfdVersion"] = "1.0", ["instantiationState"] = "NOT_INSTANTIATED",
        ["_links"] = new JsonObject { ["self"] = new JsonObject { ["href"] = "http://m/vnflcm/v2/vnf_instances/i1" } },
    };

    [Fact]
    public void A_valid_VnfInstance_passes()
    {
        SolSchemas.AssertValid(Lcm, "GET", "/vnf_instances/{vnfInstanceId}", 200, Instance().ToJsonString());
        SolSchemas.AssertValid(Lcm, "GET", "/vnf_instances", 200, new JsonArray(Instance(), Instance()).ToJsonString());
    }

    [Fact]
    public void A_missing_required_attribute_fails_naming_it()
    {
        var body = Instance();
        body.Remove("vnfdId");
        var e = Assert.Throws<SchemaViolationException>(() => SolSchemas.AssertValid(Lcm, "GET", "/vnf_instances/{vnfInstanceId}", 200, body.ToJsonString()));
        Assert.Contains("vnfdId", e.Message);
        Assert.Contains("GET /vnf_instances/{vnfInstanceId} -> 200", e.Message);
    }

    [Fact]
    public void A_wrong_enum_value_or_type_deep_in_a_list_fails_with_its_location()
    {
        var body = Instance();
        body["instantiationState"] = "HALF_INSTANTIATED";
        var errors = SolSchemas.Validate(Lcm, "GET", "/vnf_instances", 200, new JsonArray(Instance(), body).ToJsonString());
        Assert.Contains(errors, e => e.StartsWith("/1/instantiationState", StringComparison.Ordinal));

        var typed = Instance();
        typed["vnfInstanceName"] = 42;
        Assert.Contains(SolSchemas.Validate(Lcm, "GET", "/vnf_instances/{vnfInstanceId}", 200, typed.ToJsonString()),
            e => e.StartsWith("/vnfInstanceName", StringComparison.Ordinal));
    }

    [Fact]
    public void Multi_file_references_resolve_for_errors_and_other_APIs()
    {
        // ../../responses/SOL002SOL003_resp.yaml -> ../SOL003/General_Definitions/SOL003_def.yaml#/definitions/ProblemDetails
        SolSchemas.AssertValid(Lcm, "GET", "/vnf_instances/{vnfInstanceId}", 404, """{"status":404,"detail":"No VNF instance x."}""");
        Assert.Contains(SolSchemas.Validate(Lcm, "GET", "/vnf_instances/{vnfInstanceId}", 404, """{"status":404}"""), e => e.Contains("detail"));
        SolSchemas.AssertValid("SOL005/VNFPackageManagement", "GET", "/vnf_packages/{vnfPkgId}", 200, """
            {"id":"p","onboardingState":"CREATED","operationalState":"DISABLED","usageState":"NOT_IN_USE",
             "_links":{"self":{"href":"h"},"vnfd":{"href":"h"},"packageContent":{"href":"h"}}}
            """);
        Assert.NotEmpty(SolSchemas.Validate("SOL005/VNFPackageManagement", "GET", "/vnf_packages/{vnfPkgId}", 200, """{"id":"p"}"""));
    }

    [Fact]
    public void Notifications_are_validated_as_request_bodies_of_the_notification_API()
    {
        var ok = """
            {"id":"n1","notificationType":"VnfLcmOperationOccurrenceNotification","subscriptionId":"s","timeStamp":"2025-01-01T00:00:00Z",
             "notificationStatus":"START","operationState":"STARTING","vnfInstanceId":"i","operation":"INSTANTIATE",
             "isAutomaticInvocation":false,"vnfLcmOpOccId":"o",
             "_links":{"vnfInstance":{"href":"h"},"subscription":{"href":"h"},"vnfLcmOpOcc":{"href":"h"}}}
            """;
        SolSchemas.AssertValidRequest("SOL003/VNFLifecycleManagementNotification", "POST",
            "/URI_is_provided_by_the_client_when_creating_the_subscription-VnfLcmOperationOccurrenceNotification", ok);
        Assert.Throws<SchemaViolationException>(() => SolSchemas.AssertValidRequest("SOL003/VNFLifecycleManagementNotification", "POST",
            "/URI_is_provided_by_the_client_when_creating_the_subscription-VnfLcmOperationOccurrenceNotification", ok.Replace("\"START\"", "\"MIDDLE\"")));
    }

    [Fact]
    public void Unknown_operations_are_reported_not_silently_passed() =>
        Assert.Throws<ArgumentException>(() => SolSchemas.Validate(Lcm, "GET", "/no_such_path", 200, "{}"));
}
