using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mano.VimAdapters.OpenStack;

/// <summary>A Heat stack as <c>GET /stacks/{name}/{id}</c> shows it (parameters are strings: a json parameter is its JSON text).</summary>
public sealed record HeatStack(
    string Id,
    string StackName,
    string? StackStatus,
    string? StackStatusReason,
    Dictionary<string, JsonElement>? Parameters,
    List<string>? Tags)
{
    /// <summary>"name/id": the path segment of every per-stack call.</summary>
    public string Ref => $"{StackName}/{Id}";
}

public sealed record HeatLink(string Href, string Rel);

/// <summary>One resource of a stack (or of a nested stack, with <c>nested_depth</c>).</summary>
public sealed record HeatResource(
    string ResourceName,
    string? PhysicalResourceId,
    string ResourceType,
    string? ResourceStatus,
    string? ResourceStatusReason,
    string? ParentResource,
    List<HeatLink>? Links,
    [property: JsonPropertyName("creation_time")] string? CreationTime)
{
    /// <summary>"name/id" of the stack this resource belongs to (from its <c>stack</c> link).</summary>
    public string? StackRef
    {
        get
        {
            var href = Links?.FirstOrDefault(l => l.Rel == "stack")?.Href;
            if (href is null) return null;
            var i = href.IndexOf("/stacks/", StringComparison.Ordinal);
            return i < 0 ? null : href[(i + "/stacks/".Length)..].TrimEnd('/');
        }
    }
}

/// <summary>What a stack create or update sends: the top template (YAML text), nested templates by name, parameters, tags.</summary>
public sealed record HeatStackSpec(string Template, IReadOnlyDictionary<string, string> Files, JsonObject Parameters, IReadOnlyList<string> Tags);

/// <summary>
/// Heat (service type "orchestration") over REST, Orchestration API v1: create, show, find by name, update (PATCH:
/// unspecified template/files/parameters keep their current values), delete, resources (nested_depth), mark-unhealthy.
/// Errors are <see cref="VimException"/>s naming the call (e.g. <c>heat.create_stack</c>) with Heat's own message.
/// </summary>
public sealed class HeatClient(OpenStackSession session)
{
    private static readonly string[] Svc = OpenStackServiceTypes.Orchestration;
    private readonly OpenStackSession _s = session;

    /// <summary>The catalog has an orchestration endpoint.</summary>
    public bool IsAvailable => _s.HasService(Svc);

    /// <summary>Creates a stack (rollback disabled: a failed create stays, so its reason can be read and the caller decides).</summary>
    public async Task<string> CreateStackAsync(string name, HeatStackSpec spec, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["stack_name"] = name,
            ["template"] = spec.Template,
            ["files"] = Files(spec.Files),
            ["parameters"] = spec.Parameters.DeepClone(),
            ["disable_rollback"] = true,
            ["timeout_mins"] = Math.Max(1, (int)Math.Ceiling(_s.Options.ServerTimeout.TotalMinutes)),
        };
        if (spec.Tags.Count > 0) body["tags"] = string.Join(",", spec.Tags);
        var node = await Send("heat.create_stack", Svc, HttpMethod.Post, "/stacks", body, ct).ConfigureAwait(false);
        return node?["stack"]?["id"]?.GetValue<string>() ?? throw new VimException("heat.create_stack", "Heat answered without a stack id");
    }

    /// <summary>The live stack named <paramref name="name"/> (a deleted one is not listed), or null.</summary>
    public async Task<HeatStack?> FindStackAsync(string name, CancellationToken ct)
    {
        var node = await Send("heat.list_stacks", Svc, HttpMethod.Get, "/stacks?name=" + Uri.EscapeDataString(name), null, ct).ConfigureAwait(false);
        var found = OpenStackSession.Read<List<HeatStack>>("heat.list_stacks", node, "stacks")
            .FirstOrDefault(x => x.StackName == name && x.StackStatus != "DELETE_COMPLETE");
        return found is null ? null : await GetStackAsync(found.Ref, ct).ConfigureAwait(false);
    }

    public async Task<HeatStack?> GetStackAsync(string stackRef, CancellationToken ct)
    {
        var node = await Send("heat.get_stack", Svc, HttpMethod.Get, "/stacks/" + stackRef, null, ct, notFoundIsNull: true).ConfigureAwait(false);
        return node is null ? null : OpenStackSession.Read<HeatStack>("heat.get_stack", node, "stack");
    }

    /// <summary>
    /// PATCH update: what <paramref name="template"/>/<paramref name="files"/> leave null keeps its current value, and the
    /// parameters given are merged over the current ones (Heat's "existing" update).
    /// </summary>
    public async Task UpdateStackAsync(string stackRef, string? template, IReadOnlyDictionary<string, string>? files, JsonObject parameters, CancellationToken ct)
    {
        var body = new JsonObject { ["parameters"] = parameters.DeepClone(), ["disable_rollback"] = true };
        if (template is not null) body["template"] = template;
        if (files is not null) body["files"] = Files(files);
        await Send("heat.update_stack", Svc, HttpMethod.Patch, "/stacks/" + stackRef, body, ct).ConfigureAwait(false);
    }

    /// <summary>Deletes a stack; an absent one is fine.</summary>
    public async Task DeleteStackAsync(string stackRef, CancellationToken ct) =>
        await Send("heat.delete_stack", Svc, HttpMethod.Delete, "/stacks/" + stackRef, null, ct, notFoundIsNull: true).ConfigureAwait(false);

    /// <summary>The stack's resources and, down to <paramref name="nestedDepth"/>, those of its nested stacks.</summary>
    public async Task<IReadOnlyList<HeatResource>> ListResourcesAsync(string stackRef, int nestedDepth, CancellationToken ct)
    {
        var node = await Send("heat.list_resources", Svc, HttpMethod.Get,
            $"/stacks/{stackRef}/resources?nested_depth={nestedDepth}", null, ct).ConfigureAwait(false);
        return OpenStackSession.Read<List<HeatResource>>("heat.list_resources", node, "resources");
    }

    /// <summary>Marks a resource unhealthy (CHECK_FAILED): the next stack update replaces it, and a scaling group drops it first.</summary>
    public async Task MarkUnhealthyAsync(string stackRef, string resourceName, string reason, CancellationToken ct) =>
        await Send("heat.mark_unhealthy", Svc, HttpMethod.Patch, $"/stacks/{stackRef}/resources/{Uri.EscapeDataString(resourceName)}",
            new JsonObject { ["mark_unhealthy"] = true, ["resource_status_reason"] = reason }, ct).ConfigureAwait(false);

    /// <summary>
    /// Waits until the stack's current action is over: <paramref name="action"/>_COMPLETE answers the stack;
    /// <paramref name="action"/>_FAILED is a <see cref="VimException"/> carrying Heat's <c>stack_status_reason</c>.
    /// DELETE: an absent stack is done (answers null).
    /// </summary>
    public async Task<HeatStack?> WaitAsync(string stackRef, string action, CancellationToken ct)
    {
        var operation = "heat.wait_" + action.ToLowerInvariant();
        var result = await _s.WaitAsync(operation, $"stack {stackRef} to reach {action}_COMPLETE", _s.Options.ServerTimeout, async () =>
        {
            var stack = await GetStackAsync(stackRef, ct).ConfigureAwait(false);
            if (stack is null)
            {
                if (action == "DELETE") return new Box(null);
                throw new VimException(operation, $"stack {stackRef} vanished");
            }
            if (stack.StackStatus == action + "_COMPLETE") return new Box(action == "DELETE" ? null : stack);
            if (stack.StackStatus == action + "_FAILED")
                throw new VimException(operation, $"stack {stack.StackName} is {stack.StackStatus}: {stack.StackStatusReason}");
            return null;
        }, ct).ConfigureAwait(false);
        return result.Stack;
    }

    private sealed record Box(HeatStack? Stack);

    /// <summary>
    /// One JSON request to Heat. Heat's error body is <c>{"title": "Bad Request", "error": {"type": ..., "message": ...}}</c>:
    /// its <c>error.message</c> (with the type) is the reason worth naming, not the generic title.
    /// </summary>
    private async Task<JsonNode?> Send(string operation, string[] service, HttpMethod method, string path, JsonNode? body, CancellationToken ct, bool notFoundIsNull = false)
    {
        var (status, text) = await _s.SendRawAsync(operation, service, method, path,
            body is null ? null : () => new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), null, ct).ConfigureAwait(false);
        if (status == System.Net.HttpStatusCode.NotFound && notFoundIsNull) return null;
        if ((int)status is < 200 or > 299)
        {
            string? reason = null;
            try
            {
                var error = JsonNode.Parse(text)?["error"];
                if (error?["message"]?.GetValue<string>() is { Length: > 0 } m)
                    reason = error["type"]?.GetValue<string>() is { Length: > 0 } type ? $"{type}: {m}" : m;
            }
            catch (JsonException)
            {
            }
            catch (InvalidOperationException)
            {
            }
            if (reason is null) throw OpenStackErrors.FromResponse(operation, method, service[0], path, status, text);
            var q = path.IndexOf('?', StringComparison.Ordinal);
            throw new VimException(operation, $"{service[0]} answered HTTP {(int)status} {status} to {method} {(q < 0 ? path : path[..q])}: {reason}",
                transient: (int)status >= 500);
        }
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new VimException(operation, $"{service[0]} answered {method} {path} with invalid JSON: {e.Message}");
        }
    }

    private static JsonObject Files(IReadOnlyDictionary<string, string> files) =>
        new(files.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
}
