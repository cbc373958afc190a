namespace Mano.Cli.Tests;

/// <summary>
/// Canned SOL bodies in the shapes of Mano.Contracts (VnfInstance, VnfPkgInfo, ProblemDetails): camelCase,
/// nulls omitted, "_links". <see cref="ContractShapeTests"/> checks that each still deserialises into its contract type.
/// </summary>
public static class SolBodies
{
    public const string VnfInstanceId = "6f1c3b0e-2d4a-4c55-9a1e-8f7b2c9d0e11";
    public const string OtherVnfInstanceId = "0b7e5a3c-91d2-4f6e-8c4b-3a2d1e0f9c88";
    public const string VnfdId = "b1bb0ce7-ebca-4fa7-95ed-4840d70a1177";
    public const string VnfPackageId = "718e4e2c-4bd6-4b6c-b4a8-6f3e1a9d2c55";
    public const string OtherVnfPackageId = "94d2b8c1-2f3a-4e5b-8c6d-7e8f9a0b1c2d";

    public const string VnfInstance = $$"""
        {
          "id": "{{VnfInstanceId}}",
          "vnfInstanceName": "edge-firewall",
          "vnfInstanceDescription": "firewall [edge] <site-1> & friends",
          "vnfdId": "{{VnfdId}}",
          "vnfProvider": "Company",
          "vnfProductName": "Sample VNF",
          "vnfSoftwareVersion": "1.0",
          "vnfdVersion": "1.0",
          "vimConnectionInfo": {
            "vim1": {
              "vimId": "9a1c0f7e-5b2d-4e3f-8a6b-1c2d3e4f5a6b",
              "vimType": "ETSINFV.OPENSTACK_KEYSTONE.V_3",
              "interfaceInfo": { "endpoint": "http://keystone:5000/v3" }
            }
          },
          "instantiationState": "INSTANTIATED",
          "instantiatedVnfInfo": {
            "flavourId": "simple",
            "vnfState": "STARTED",
            "scaleStatus": [ { "aspectId": "VDU1_scale", "scaleLevel": 0 } ],
            "extCpInfo": [
              {
                "id": "ext-cp-1",
                "cpdId": "VDU1_CP1",
                "cpConfigId": "cfg-1",
                "cpProtocolInfo": [
                  {
                    "layerProtocol": "IP_OVER_ETHERNET",
                    "ipOverEthernet": {
                      "macAddress": "fa:16:3e:00:00:01",
                      "ipAddresses": [ { "type": "IPV4", "addresses": [ "10.0.0.5" ], "isDynamic": true } ]
                    }
                  }
                ]
              }
            ],
            "vnfcResourceInfo": [
              {
                "id": "vnfc-1",
                "vduId": "VDU1",
                "computeResource": { "vimConnectionId": "vim1", "resourceId": "server-1", "vimLevelResourceType": "OS::Nova::Server" }
              }
            ]
          },
          "metadata": { "tenant": "blue" },
          "_links": {
            "self": { "href": "http://127.0.0.1:9890/vnflcm/v2/vnf_instances/{{VnfInstanceId}}" },
            "terminate": { "href": "http://127.0.0.1:9890/vnflcm/v2/vnf_instances/{{VnfInstanceId}}/terminate" }
          }
        }
        """;

    public const string OtherVnfInstance = $$"""
        {
          "id": "{{OtherVnfInstanceId}}",
          "vnfdId": "{{VnfdId}}",
          "vnfProvider": "Company",
          "vnfProductName": "Sample VNF",
          "vnfSoftwareVersion": "1.0",
          "vnfdVersion": "1.0",
          "instantiationState": "NOT_INSTANTIATED",
          "_links": {
            "self": { "href": "http://127.0.0.1:9890/vnflcm/v2/vnf_instances/{{OtherVnfInstanceId}}" },
            "instantiate": { "href": "http://127.0.0.1:9890/vnflcm/v2/vnf_instances/{{OtherVnfInstanceId}}/instantiate" }
          }
        }
        """;

    public const string VnfInstanceList = $"[{VnfInstance},{OtherVnfInstance}]";

    public const string VnfPackage = $$"""
        {
          "id": "{{VnfPackageId}}",
          "vnfdId": "{{VnfdId}}",
          "vnfProvider": "Company",
          "vnfProductName": "Sample VNF",
          "vnfSoftwareVersion": "1.0",
          "vnfdVersion": "1.0",
          "checksum": { "algorithm": "SHA-256", "hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" },
          "onboardingState": "ONBOARDED",
          "operationalState": "ENABLED",
          "usageState": "IN_USE",
          "userDefinedData": { "owner": "ops" },
          "_links": {
            "self": { "href": "http://127.0.0.1:9890/vnfpkgm/v2/vnf_packages/{{VnfPackageId}}" },
            "vnfd": { "href": "http://127.0.0.1:9890/vnfpkgm/v2/vnf_packages/{{VnfPackageId}}/vnfd" },
            "packageContent": { "href": "http://127.0.0.1:9890/vnfpkgm/v2/vnf_packages/{{VnfPackageId}}/package_content" }
          }
        }
        """;

    public const string OtherVnfPackage = $$"""
        {
          "id": "{{OtherVnfPackageId}}",
          "onboardingState": "CREATED",
          "operationalState": "DISABLED",
          "usageState": "NOT_IN_USE",
          "_links": {
            "self": { "href": "http://127.0.0.1:9890/vnfpkgm/v2/vnf_packages/{{OtherVnfPackageId}}" },
            "vnfd": { "href": "http://127.0.0.1:9890/vnfpkgm/v2/vnf_packages/{{OtherVnfPackageId}}/vnfd" },
            "packageContent": { "href": "http://127.0.0.1:9890/vnfpkgm/v2/vnf_packages/{{OtherVnfPackageId}}/package_content" }
          }
        }
        """;

    public const string VnfPackagePage1 = $"[{VnfPackage}]";

    public const string VnfPackagePage2 = $"[{OtherVnfPackage}]";

    public static string NotFound(string instance, string detail) => $$"""
        {
          "type": "about:blank",
          "title": "Not Found",
          "status": 404,
          "detail": "{{detail}}",
          "instance": "{{instance}}"
        }
        """;
}
