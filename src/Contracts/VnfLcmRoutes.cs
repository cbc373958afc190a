namespace Mano.Contracts.Messages;

/// <summary>
/// The SOL003 v3.7.1 clause 5 method and path (under /vnflcm/v2) of each <see cref="VnfLcmOperations"/> value: one table
/// for the VNFM that serves a <see cref="VnfLcmRequest"/> from the bus with its REST handler, and for the NFVO that sends
/// the same request to an external VNFM over REST. Route parameters: {vnfInstanceId}, {vnfLcmOpOccId}.
/// </summary>
public static class VnfLcmRoutes
{
    public static readonly IReadOnlyDictionary<string, (string Method, string Path)> ByOperation = new Dictionary<string, (string Method, string Path)>
    {
        [VnfLcmOperations.Create] = ("POST", "/vnf_instances"),                                       // 5.4.2.3.1
        [VnfLcmOperations.Query] = ("GET", "/vnf_instances"),                                         // 5.4.2.3.2 (SOL013 query string: VnfLcmRequest.Query)
        [VnfLcmOperations.Read] = ("GET", "/vnf_instances/{vnfInstanceId}"),                          // 5.4.3.3.2
        [VnfLcmOperations.Modify] = ("PATCH", "/vnf_instances/{vnfInstanceId}"),                      // 5.4.3.3.4
        [VnfLcmOperations.Delete] = ("DELETE", "/vnf_instances/{vnfInstanceId}"),                     // 5.4.3.3.5
        [VnfLcmOperations.Instantiate] = ("POST", "/vnf_instances/{vnfInstanceId}/instantiate"),      // 5.4.4.3.1
        [VnfLcmOperations.Scale] = ("POST", "/vnf_instances/{vnfInstanceId}/scale"),                  // 5.4.5.3.1
        [VnfLcmOperations.ScaleToLevel] = ("POST", "/vnf_instances/{vnfInstanceId}/scale_to_level"),  // 5.4.6.3.1
        [VnfLcmOperations.ChangeFlavour] = ("POST", "/vnf_instances/{vnfInstanceId}/change_flavour"), // 5.4.7.3.1
        [VnfLcmOperations.Terminate] = ("POST", "/vnf_instances/{vnfInstanceId}/terminate"),          // 5.4.8.3.1
        [VnfLcmOperations.Heal] = ("POST", "/vnf_instances/{vnfInstanceId}/heal"),                    // 5.4.9.3.1
        [VnfLcmOperations.Operate] = ("POST", "/vnf_instances/{vnfInstanceId}/operate"),              // 5.4.10.3.1
        [VnfLcmOperations.ChangeExtConn] = ("POST", "/vnf_instances/{vnfInstanceId}/change_ext_conn"), // 5.4.11.3.1
        [VnfLcmOperations.ChangeVnfpkg] = ("POST", "/vnf_instances/{vnfInstanceId}/change_vnfpkg"),   // 5.4.11a.3.1
        [VnfLcmOperations.ReadOpOcc] = ("GET", "/vnf_lcm_op_occs/{vnfLcmOpOccId}"),                   // 5.4.13.3.2
        [VnfLcmOperations.Retry] = ("POST", "/vnf_lcm_op_occs/{vnfLcmOpOccId}/retry"),                // 5.4.14.3.1
        [VnfLcmOperations.Rollback] = ("POST", "/vnf_lcm_op_occs/{vnfLcmOpOccId}/rollback"),          // 5.4.15.3.1
        [VnfLcmOperations.Fail] = ("POST", "/vnf_lcm_op_occs/{vnfLcmOpOccId}/fail"),                  // 5.4.16.3.1
        [VnfLcmOperations.Cancel] = ("POST", "/vnf_lcm_op_occs/{vnfLcmOpOccId}/cancel"),              // 5.4.17.3.1
    };

    /// <summary>
    /// The request's path under /vnflcm/v2 with its ids in place of the route parameters, or null with the reason
    /// (unknown operation, missing id) in <paramref name="problem"/>.
    /// </summary>
    public static string? PathOf(VnfLcmRequest request, out string method, out string? problem)
    {
        method = "";
        if (!ByOperation.TryGetValue(request.Operation, out var route))
        {
            problem = $"Unknown VNF LCM operation \"{request.Operation}\" (expected one of: {string.Join(", ", ByOperation.Keys)}).";
            return null;
        }
        method = route.Method;
        var path = route.Path;
        foreach (var (name, value) in new[] { ("vnfInstanceId", request.VnfInstanceId), ("vnfLcmOpOccId", request.VnfLcmOpOccId) })
        {
            if (!path.Contains($"{{{name}}}", StringComparison.Ordinal)) continue;
            if (string.IsNullOrWhiteSpace(value))
            {
                problem = $"The \"{request.Operation}\" request needs {name}.";
                return null;
            }
            path = path.Replace($"{{{name}}}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        }
        problem = null;
        return path;
    }

    /// <summary>The op occ id a 202's Location header names (.../vnf_lcm_op_occs/{id}), else null.</summary>
    public static string? OpOccIdOf(string? location)
    {
        const string marker = "/vnf_lcm_op_occs/";
        if (string.IsNullOrEmpty(location)) return null;
        var at = location.LastIndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? null : location[(at + marker.Length)..].TrimEnd('/');
    }
}
