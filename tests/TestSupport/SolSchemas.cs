using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mano.TestSupport;

/// <summary>A JSON body that does not conform to the schema of the official ETSI OpenAPI document.</summary>
public sealed class SchemaViolationException(string message) : Exception(message);

/// <summary>
/// The response (and notification) schema harness of issue 4 item 9: validates a JSON body against the schema that the
/// official ETSI NFV OpenAPI documents (../shared/specs/openapi, v3.7.1) give for an operation's response, e.g.
/// <code>SolSchemas.AssertValid("SOL003/VNFLifecycleManagement", "GET", "/vnf_instances/{vnfInstanceId}", 200, json);</code>
/// The documents span several files (SOL003 APIs refer to ../General_Definitions/*.yaml, ../../components/...,
/// ../../responses/...): every <c>$ref</c> reachable from the schema is bundled into one self-contained JSON Schema
/// (draft-07, which OpenAPI 3.0 schemas are a dialect of; <c>nullable</c> is mapped) and evaluated by JsonSchema.Net.
/// A <c>$ref</c> to a file that does not exist (the upstream bug SOURCES.md notes) is remapped when its target is known
/// elsewhere, else it validates anything and is listed in <see cref="UnresolvedReferences"/>.
/// </summary>
public static class SolSchemas
{
    private static readonly ConcurrentDictionary<string, JsonNode> Documents = new();
    private static readonly ConcurrentDictionary<string, JsonSchema> Schemas = new();
    private static readonly ConcurrentBag<string> Unresolved = [];

    /// <summary>The root of the OpenAPI copies: ../shared/specs/openapi next to the repository.</summary>
    public static string SpecRoot => Path.GetFullPath(Path.Combine(RepoPaths.RepoRoot, "..", "shared", "specs", "openapi"));

    /// <summary>$refs that pointed to nothing and were validated as "anything" (file#pointer).</summary>
    public static IReadOnlyCollection<string> UnresolvedReferences => Unresolved.Distinct().Order().ToList();

    /// <summary>
    /// The OpenAPI file of an API: "SOL003/VNFLifecycleManagement", "SOL002/VNFLifecycleManagement",
    /// "SOL005/VNFPackageManagement", "SOL003/VNFLifecycleManagementNotification", ...
    /// </summary>
    public static string ApiFile(string api)
    {
        var parts = api.Split('/');
        if (parts.Length != 2) throw new ArgumentException($"api must be \"SOLxxx/ApiName\", not \"{api}\"", nameof(api));
        var dir = parts[0] switch
        {
            "SOL002" or "SOL003" => Path.Combine(SpecRoot, "SOL002-SOL003", "v3.7.1", parts[0], parts[1]),
            "SOL005" => Path.Combine(SpecRoot, "SOL005", "v3.7.1", parts[1]),
            _ => throw new ArgumentException($"unknown specification {parts[0]}", nameof(api)),
        };
        var file = Path.Combine(dir, parts[1] + ".yaml");
        return File.Exists(file) ? file : throw new FileNotFoundException($"No OpenAPI document for {api}", file);
    }

    /// <summary>The violations of a response body (empty when it conforms).</summary>
    public static IReadOnlyList<string> Validate(string api, string method, string path, int status, string json) =>
        Evaluate(SchemaFor(api, method, path, status, request: false), json);

    /// <summary>The violations of a request body, e.g. a notification POSTed to a subscriber's callback.</summary>
    public static IReadOnlyList<string> ValidateRequest(string api, string method, string path, string json) =>
        Evaluate(SchemaFor(api, method, path, 0, request: true), json);

    public static void AssertValid(string api, string method, string path, int status, string json)
    {
        var errors = Validate(api, method, path, status, json);
        if (errors.Count > 0) throw Violation($"{method} {path} -> {status} ({api})", errors, json);
    }

    public static void AssertValidRequest(string api, string method, string path, string json)
    {
        var errors = ValidateRequest(api, method, path, json);
        if (errors.Count > 0) throw Violation($"{method} {path} request body ({api})", errors, json);
    }

    private static SchemaViolationException Violation(string what, IReadOnlyList<string> errors, string json) =>
        new($"The body of {what} violates the ETSI schema:\n  {string.Join("\n  ", errors)}\nBody: {Truncate(json)}");

    private static string Truncate(string s) => s.Length <= 2000 ? s : s[..2000] + "...";

    private static IReadOnlyList<string> Evaluate(JsonSchema schema, string json)
    {
        using var doc = JsonDocument.Parse(json);
        var results = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        var errors = new List<string>();
        Collect(results, errors);
        return errors.Distinct().ToList();
    }

    /// <summary>The errors of failed nodes only: a valid oneOf/anyOf hides the errors of its failed alternatives.</summary>
    private static void Collect(EvaluationResults r, List<string> errors)
    {
        if (r.IsValid) return;
        if (r.Errors is { Count: > 0 })
            foreach (var (keyword, message) in r.Errors)
                errors.Add($"{(r.InstanceLocation.ToString() is { Length: > 0 } l ? l : "/")}: {message} [{keyword} at {r.EvaluationPath}]");
        foreach (var child in r.Details ?? [])
        {
            // A failed alternative of a oneOf/anyOf that as a whole held is no violation.
            var m = Regex.Match(child.EvaluationPath.ToString(), "/(oneOf|anyOf)/[0-9]+$");
            if (m.Success && r.Errors?.ContainsKey(m.Groups[1].Value) != true) continue;
            Collect(child, errors);
        }
    }

    /// <summary>
    /// Corrections of known upstream errors of the v3.7.1 documents, applied to the bundled schema (each one a
    /// contradiction between the OpenAPI file and the GS text it implements):
    /// <list type="bullet">
    /// <item>SOL003 VnfLcmOpOccs.Get.200 and Subscriptions.Get.200 give the schema of ONE item, while the response is
    /// "an array of zero or more" (SOL003 5.4.12.3.2, 5.4.18.3.2): a GET on a collection whose 200 schema is not an
    /// array is validated as an array of that schema.</item>
    /// <item>SOL003 VnfLcmOpOcc has <c>oneOf: [required: [changedInfo]], [required: [modificationsTriggeredByVnfPkgChange]]</c>,
    /// which no INSTANTIATE/TERMINATE/... occurrence can satisfy: the GS makes both conditional (5.5.2.13, "shall be
    /// present if operation is MODIFY_INFO / CHANGE_VNFPKG ... and operationState is COMPLETED"). The oneOf is dropped.</item>
    /// <item>SOL003 IpOverEthernetAddressInfo carries <c>oneOf: [required: [addresses]], [required: [addressRange]]</c>
    /// on itself, while the GS (5.5.3.10 / 4.4.1.10c, "exactly one of addresses or addressRange shall be present")
    /// means each entry of <c>ipAddresses</c>: the oneOf is moved to <c>ipAddresses.items</c>.</item>
    /// <item>SOL003 General_Definitions Checksum is a placeholder <c>type: string</c> ("#no definition found"); SOL003
    /// 4.4.1.x and SOL005 Checksum are an object of algorithm and hash: it is validated as that object.</item>
    /// <item>SOL005 VnfPkgInfo.compatibleSpecificationVersions is one Version string, while the GS (9.5.2.5,
    /// cardinality 0..N) and the SOL003 document make it an array of Version: validated as an array.</item>
    /// <item>SOL005 PkgmNotificationsFilter.notificationTypes is one string, while the GS (9.5.3.2, 0..N) and SOL003
    /// make it an array; and both documents require exactly one of vnfProductsFromProviders / vnfdId / vnfPkgId
    /// (oneOf), while the GS makes each optional and only says they "should not be used both": notificationTypes is
    /// validated as an array of the enum, the oneOf is dropped.</item>
    /// <item>SOL005 PnfdOnboardingStateType lists "ONBOARDING" where the GS (table 5.5.4.6-1) and the file's own
    /// description say "ONBOARDED": validated with ONBOARDED.</item>
    /// <item>SOL005 NsdInfoModifications.userDefinedData is an array of KeyValuePairs, while the GS (5.5.2.4) makes it
    /// KeyValuePairs (0..1, a JSON merge patch); and its oneOf(nsdOperationalState, userDefinedData) refuses both at
    /// once, while the GS says "at least one": validated as KeyValuePairs, with anyOf.</item>
    /// <item>SOL005 NsdInfo requires vnfPkgIds or nestedNsdInfoIds always (anyOf), while the GS (5.5.2.2 note 1) asks
    /// for them "after the NSD is on-boarded": the anyOf applies when nsdOnboardingState is ONBOARDED.</item>
    /// <item>SOL005 NsdmNotificationsFilter requires nsdId or nsdInfoId or pnfdId or pnfdInfoIds (anyOf of oneOf),
    /// while the GS (5.5.3.2) makes every attribute optional and only says the alternatives "should not be used
    /// both": the anyOf is dropped.</item>
    /// <item>SOL005 NsChangeNotification requires "lcmOpOccStatusImpactingNsCompon" (cut short), its property is
    /// lcmOpOccStatusImpactingNsComponent; and LcmOpOccStatusForChangeNotificationType repeats the enum of operation
    /// names, while the GS (table 6.5.4.7-1) lists START, COMPLETED, PARTIALLY_COMPLETED, FAILED, ROLLED_BACK: validated
    /// with the property's name and the GS values.</item>
    /// </list>
    /// </summary>
    public static IReadOnlyList<string> Errata { get; } =
    [
        "SOL003 General_Definitions Checksum: placeholder string replaced by the object (algorithm, hash)",
        "SOL005 VnfPkgInfo.compatibleSpecificationVersions: Version string validated as an array of Version",
        "SOL005/SOL003 PkgmNotificationsFilter: notificationTypes validated as an array; oneOf(vnfProductsFromProviders, vnfdId, vnfPkgId) dropped",
        "SOL003 VnfLcmOpOccs.Get.200 / Subscriptions.Get.200: item schema instead of array (validated as array)",
        "SOL003 VnfLcmOpOcc: unconditional oneOf(changedInfo, modificationsTriggeredByVnfPkgChange) dropped",
        "SOL003 IpOverEthernetAddressInfo: oneOf(addresses, addressRange) moved from the object to ipAddresses.items",
        "SOL005 NsLcmOpOcc.operationParams: string enum of operation types replaced by an object (the request, GS 6.5.2.3)",
        "SOL005 NS LCM LifecycleChangeNotificationsFilter.notificationTypes: the names the description lists added to the misspelt enum",
        "SOL005 NS LCM ExtVirtualLinkInfo.currentVnfExtCpData: one VnfExtCpData validated as an array of them (SOL003 5.5.3.2, 1..N)",
        "SOL005 PnfdOnboardingStateType: ONBOARDING read as ONBOARDED",
        "SOL005 NsdInfoModifications: userDefinedData validated as KeyValuePairs; oneOf(nsdOperationalState, userDefinedData) as anyOf",
        "SOL005 NsdInfo: anyOf(vnfPkgIds, nestedNsdInfoIds) only when nsdOnboardingState is ONBOARDED",
        "SOL005 NsdmNotificationsFilter: anyOf(nsdId | nsdInfoId, pnfdId | pnfdInfoIds) dropped",
        "SOL005 NsChangeNotification: required lcmOpOccStatusImpactingNsCompon read as lcmOpOccStatusImpactingNsComponent; LcmOpOccStatusForChangeNotificationType enum from GS table 6.5.4.7-1",
    ];

    private static void ApplyErrata(string definitionName, JsonObject definition)
    {
        // SOL005 6.5.3.x ExtVirtualLinkInfo "as specified in clause 5.5.3.2 of SOL003", where currentVnfExtCpData is 1..N:
        // the OpenAPI gives one VnfExtCpData.
        if (definitionName.StartsWith("ExtVirtualLinkInfo", StringComparison.Ordinal)
            && definition["properties"]?["currentVnfExtCpData"] is JsonObject current && current["type"]?.GetValue<string>() != "array")
            definition["properties"]!["currentVnfExtCpData"] = new JsonObject { ["type"] = "array", ["items"] = current.DeepClone() };
        // SOL005 6.5.2.3: operationParams "shall be formatted according to the request data type of the related LCM
        // operation" (InstantiateNsRequest, ...), while the OpenAPI types it as a string enum of operation types.
        if (definitionName == "NsLcmOpOcc" && definition["properties"]?["operationParams"] is JsonObject opParams && opParams["enum"] is not null)
            definition["properties"]!["operationParams"] = new JsonObject { ["type"] = "object" };
        // SOL005 6.5.3.8: the enum spells "NsLcmOperationOccurenceNotification" and omits NsLcmCapacityShortageNotification,
        // while its description (and the notifications' own notificationType) name NsLcmOperationOccurrenceNotification.
        if (definitionName.StartsWith("LifecycleChangeNotificationsFilter", StringComparison.Ordinal)
            && definition["properties"]?["notificationTypes"]?["items"]?["enum"] is JsonArray types
            && types.Any(t => t?.GetValue<string>() == "NsLcmOperationOccurenceNotification"))
        {
            types.Add("NsLcmOperationOccurrenceNotification");
            types.Add("NsLcmCapacityShortageNotification");
        }
        if (definitionName.StartsWith("PnfdOnboardingStateType", StringComparison.Ordinal) && definition["enum"] is JsonArray states)
            definition["enum"] = new JsonArray(states.Select(v => (JsonNode?)JsonValue.Create(v!.GetValue<string>() == "ONBOARDING" ? "ONBOARDED" : v.GetValue<string>())).ToArray());
        if (definitionName.StartsWith("NsdInfoModifications", StringComparison.Ordinal))
        {
            if (definition["properties"]?["userDefinedData"] is JsonObject udd && udd["type"]?.GetValue<string>() == "array" && udd["items"] is JsonObject kvp)
                definition["properties"]!["userDefinedData"] = kvp.DeepClone();
            if (definition["oneOf"] is JsonArray one)
            {
                definition.Remove("oneOf");
                definition["anyOf"] = one;
            }
        }
        if ((definitionName == "NsdInfo" || definitionName.StartsWith("NsdInfo_", StringComparison.Ordinal)) && definition["anyOf"] is JsonArray needs)
        {
            definition.Remove("anyOf");
            definition["if"] = new JsonObject
            {
                ["required"] = new JsonArray("nsdOnboardingState"),
                ["properties"] = new JsonObject { ["nsdOnboardingState"] = new JsonObject { ["enum"] = new JsonArray("ONBOARDED") } },
            };
            definition["then"] = new JsonObject { ["anyOf"] = needs };
        }
        if (definitionName.StartsWith("NsdmNotificationsFilter", StringComparison.Ordinal)) definition.Remove("anyOf");
        if (definitionName.StartsWith("NsChangeNotification", StringComparison.Ordinal) && definition["required"] is JsonArray required)
            definition["required"] = new JsonArray(required.Select(r => (JsonNode?)JsonValue.Create(
                r!.GetValue<string>() == "lcmOpOccStatusImpactingNsCompon" ? "lcmOpOccStatusImpactingNsComponent" : r.GetValue<string>())).ToArray());
        if (definitionName.StartsWith("LcmOpOccStatusForChangeNotificationType", StringComparison.Ordinal) && definition["enum"] is JsonArray)
            definition["enum"] = new JsonArray("START", "COMPLETED", "PARTIALLY_COMPLETED", "FAILED", "ROLLED_BACK");
        if (definitionName.StartsWith("Checksum", StringComparison.Ordinal) && definition["type"]?.GetValue<string>() == "string")
        {
            definition["type"] = "object";
            definition["required"] = new JsonArray("algorithm", "hash");
            definition["properties"] = new JsonObject { ["algorithm"] = new JsonObject { ["type"] = "string" }, ["hash"] = new JsonObject { ["type"] = "string" } };
        }
        if (definitionName.StartsWith("VnfPkgInfo", StringComparison.Ordinal)
            && definition["properties"]?["compatibleSpecificationVersions"] is JsonObject csv && csv["type"]?.GetValue<string>() != "array")
            definition["properties"]!["compatibleSpecificationVersions"] = new JsonObject { ["type"] = "array", ["items"] = csv.DeepClone() };
        if (definitionName.StartsWith("PkgmNotificationsFilter", StringComparison.Ordinal))
        {
            definition.Remove("oneOf");
            definition.Remove("anyOf");
            if (definition["properties"]?["notificationTypes"] is JsonObject nt && nt["type"]?.GetValue<string>() == "string")
                definition["properties"]!["notificationTypes"] = new JsonObject { ["type"] = "array", ["items"] = nt.DeepClone() };
        }
        if (definitionName == "VnfLcmOpOcc" && definition["oneOf"] is JsonArray alternatives
            && alternatives.All(a => a is JsonObject o && o.Count == 1 && o["required"] is JsonArray { Count: 1 } r
                                     && r[0]!.GetValue<string>() is "changedInfo" or "modificationsTriggeredByVnfPkgChange"))
            definition.Remove("oneOf");
        if (definitionName.StartsWith("IpOverEthernetAddress", StringComparison.Ordinal) && definition["oneOf"] is JsonArray oneOf
            && oneOf.ToJsonString().Contains("\"addressRange\"", StringComparison.Ordinal)
            && definition["properties"]?["ipAddresses"]?["items"] is JsonObject items)
        {
            definition.Remove("oneOf");
            items["oneOf"] = oneOf;
        }
    }

    // ---- locating the schema of an operation ---------------------------------------------------------------------

    private static JsonSchema SchemaFor(string api, string method, string path, int status, bool request)
    {
        var key = $"{api} {method.ToUpperInvariant()} {path} {(request ? "request" : status.ToString(CultureInfo.InvariantCulture))}";
        return Schemas.GetOrAdd(key, _ =>
        {
            var file = ApiFile(api);
            var doc = Load(file);
            // A path item may itself be a $ref (e.g. /api_versions -> ../../endpoints/SOL002SOL003_endpoints.yaml):
            // its operations' $refs are relative to the file it lives in.
            var pathItem = doc["paths"]?[path];
            if (pathItem is { } item) (pathItem, file) = Deref(item, file);
            var operation = pathItem?[method.ToLowerInvariant()]
                            ?? throw new ArgumentException($"{api} has no operation {method} {path} (paths: {string.Join(", ", doc["paths"]!.AsObject().Select(p => p.Key))})");
            JsonNode? holder;
            string holderFile;
            if (request)
                (holder, holderFile) = Deref(operation["requestBody"] ?? throw new ArgumentException($"{method} {path} has no request body"), file);
            else
            {
                var response = operation["responses"]?[status.ToString(CultureInfo.InvariantCulture)]
                               ?? throw new ArgumentException($"{api} {method} {path} documents no {status} response");
                (holder, holderFile) = Deref(response, file);
            }
            var content = holder?["content"]?.AsObject()
                          ?? throw new ArgumentException($"{api} {method} {path} {status}: no content (a response without body)");
            var media = content.FirstOrDefault(c => c.Key.Contains("json", StringComparison.OrdinalIgnoreCase));
            var schema = media.Value?["schema"] ?? throw new ArgumentException($"{api} {method} {path} {status}: no JSON schema");
            // Erratum: a collection GET whose 200 schema is a single item (see Errata).
            if (!request && status == 200 && method.Equals("GET", StringComparison.OrdinalIgnoreCase) && path is "/vnf_lcm_op_occs" or "/subscriptions"
                && schema["type"]?.GetValue<string>() != "array")
                schema = new JsonObject { ["type"] = "array", ["items"] = schema.DeepClone() };
            return Build(schema, holderFile);
        });
    }

    /// <summary>Follows a $ref (response or request body objects) to the object it names, with the file it lives in.</summary>
    private static (JsonNode? Node, string File) Deref(JsonNode node, string file)
    {
        for (var hops = 0; hops < 10 && node["$ref"] is JsonValue r; hops++)
        {
            var (targetFile, pointer) = ResolveRef(r.GetValue<string>(), file);
            node = Pointer(Load(targetFile), pointer) ?? throw new ArgumentException($"unresolvable $ref {r} in {file}");
            file = targetFile;
        }
        return (node, file);
    }

    // ---- bundling every $ref into one self-contained schema ------------------------------------------------------

    private static JsonSchema Build(JsonNode schema, string file)
    {
        var definitions = new JsonObject();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var root = Rewrite(schema, file, definitions, names)!.AsObject();
        var bundled = new JsonObject { ["$schema"] = "http://json-schema.org/draft-07/schema#" };
        foreach (var (k, v) in root) bundled[k] = v?.DeepClone();
        bundled["definitions"] = definitions;
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        using var doc = JsonDocument.Parse(bundled.ToJsonString());
        return JsonSchema.Build(doc.RootElement.Clone(), options, new Uri($"https://schemas.mano.invalid/{Guid.NewGuid():N}"));
    }

    private static JsonNode? Rewrite(JsonNode? node, string file, JsonObject definitions, Dictionary<string, string> names)
    {
        switch (node)
        {
            case JsonObject obj when obj["$ref"] is JsonValue r && r.TryGetValue<string>(out var reference):
            {
                var (targetFile, pointer) = ResolveRef(reference, file);
                if (!File.Exists(targetFile))
                {
                    var remapped = Remap(targetFile, pointer);
                    if (remapped is null)
                    {
                        Unresolved.Add($"{Relative(file)}: {reference}");
                        return new JsonObject();
                    }
                    (targetFile, pointer) = remapped.Value;
                }
                var key = targetFile + "#" + pointer;
                if (!names.TryGetValue(key, out var name))
                {
                    var baseName = Regex.Replace(pointer.Split('/').Last(), "[^A-Za-z0-9_.-]", "_");
                    name = baseName;
                    for (var i = 2; definitions.ContainsKey(name); i++) name = $"{baseName}_{i}";
                    names[key] = name;
                    definitions[name] = new JsonObject(); // placeholder: recursive types refer to it
                    var target = Pointer(Load(targetFile), pointer);
                    if (target is null)
                    {
                        Unresolved.Add($"{Relative(file)}: {reference}");
                        return new JsonObject();
                    }
                    var rewritten = Rewrite(target, targetFile, definitions, names);
                    if (rewritten is JsonObject definition) ApplyErrata(name, definition);
                    definitions[name] = rewritten;
                }
                return new JsonObject { ["$ref"] = "#/definitions/" + name };
            }
            case JsonObject obj:
            {
                var copy = new JsonObject();
                foreach (var (k, v) in obj) copy[k] = Rewrite(v, file, definitions, names);
                // OpenAPI 3.0 "nullable: true" is JSON Schema's type [t, "null"].
                if (copy["nullable"] is JsonValue n && n.TryGetValue<bool>(out var nullable) && nullable && copy["type"] is JsonValue t)
                    copy["type"] = new JsonArray(t.GetValue<string>(), "null");
                return copy;
            }
            case JsonArray array:
                return new JsonArray(array.Select(i => Rewrite(i, file, definitions, names)).ToArray());
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>
    /// The upstream bug of SOURCES.md: SOL003VNFLifecycleManagement_def.yaml refers to ../definitions/SOL002SOL003_def.yaml
    /// (a v2.x file); its Checksum, Boolean and KeyValuePairs live in the v3.x General_Definitions.
    /// </summary>
    private static (string File, string Pointer)? Remap(string missingFile, string pointer)
    {
        if (!missingFile.EndsWith("SOL002SOL003_def.yaml", StringComparison.Ordinal)) return null;
        var general = Path.Combine(SpecRoot, "SOL002-SOL003", "v3.7.1", "SOL003", "General_Definitions", "SOL003_def.yaml");
        if (Pointer(Load(general), pointer) is not null) return (general, pointer);
        var packages = Path.Combine(SpecRoot, "SOL002-SOL003", "v3.7.1", "SOL003", "VNFPackageManagement", "definitions", "SOL003VNFPackageManagement_def.yaml");
        return Pointer(Load(packages), pointer) is not null ? (packages, pointer) : null;
    }

    private static (string File, string Pointer) ResolveRef(string reference, string file)
    {
        var hash = reference.IndexOf('#');
        var filePart = hash < 0 ? reference : reference[..hash];
        var pointer = hash < 0 ? "" : reference[(hash + 1)..];
        if (filePart.StartsWith("http", StringComparison.OrdinalIgnoreCase))
            return (filePart, pointer); // absolute refs (legacy v1 files): never loaded, reported unresolved
        var target = filePart.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, filePart));
        return (target, pointer);
    }

    private static JsonNode? Pointer(JsonNode root, string pointer)
    {
        var node = root;
        foreach (var raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = Uri.UnescapeDataString(raw).Replace("~1", "/").Replace("~0", "~");
            node = node switch
            {
                JsonObject o => o[segment],
                JsonArray a when int.TryParse(segment, out var i) && i < a.Count => a[i],
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    private static string Relative(string file) => Path.GetRelativePath(SpecRoot, file);

    // ---- YAML -> JSON --------------------------------------------------------------------------------------------

    private static JsonNode Load(string file) => Documents.GetOrAdd(file, f =>
    {
        using var reader = new StreamReader(f);
        var yaml = new YamlStream();
        yaml.Load(reader);
        return ToJson(yaml.Documents[0].RootNode) ?? new JsonObject();
    });

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            new KeyValuePair<string, JsonNode?>(((YamlScalarNode)kv.Key).Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode s)
    {
        var v = s.Value ?? "";
        if (s.Style is not ScalarStyle.Plain) return JsonValue.Create(v);
        switch (v)
        {
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
            case "null" or "Null" or "NULL" or "~" or "": return null;
        }
        if (Regex.IsMatch(v, "^-?[0-9]+$") && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (Regex.IsMatch(v, @"^-?[0-9]*\.[0-9]+([eE][-+]?[0-9]+)?$") && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            return JsonValue.Create(d);
        return JsonValue.Create(v);
    }
}
