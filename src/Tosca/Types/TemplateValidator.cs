using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mano.Tosca;

/// <summary>
/// Validates every topology template of a <see cref="ToscaDocumentSet"/> against its types: node templates, groups, policies,
/// inputs, substitution mappings, interfaces and functions. Reports every problem (never stops at the first), each with a stable
/// code and the position of the offending YAML node. Linear in the size of the templates.
/// </summary>
internal static class TemplateValidator
{
    /// <param name="exists">Whether a package-relative path is a file of the package (for operation implementations given as paths).</param>
    public static void Validate(ToscaDocumentSet set, Func<string, bool> exists, DiagnosticBag diags)
    {
        foreach (var f in set.Files)
            if (!set.EtsiCopies.Contains(f.Path))
                new FileValidator(set.Types, f, exists, diags, set.EtsiVersion).Run();
    }

    internal static readonly HashSet<string> FunctionNames = new(StringComparer.Ordinal)
    {
        "get_input", "get_property", "get_attribute", "get_operation_output", "get_nodes_of_type", "get_artifact", "concat", "join", "token",
    };

    /// <summary>A single-key map whose key is a TOSCA function name.</summary>
    public static bool IsFunction(YamlNode node, out string name, out YamlNode argument)
    {
        name = ""; argument = node;
        if (node is not YamlMappingNode { Children.Count: 1 } m) return false;
        var kv = m.Children.First();
        if (kv.Key is not YamlScalarNode { Value: { } k } || !FunctionNames.Contains(k)) return false;
        name = k; argument = kv.Value;
        return true;
    }
}

/// <summary>The template an expression is evaluated in (SELF).</summary>
internal sealed record Entity(string Noun, string Name, TypeDef? Type, YamlNode Body)
{
    public override string ToString() => $"{Noun} '{Name}'";
}

internal sealed class FileValidator(TypeSystem types, ToscaFile file, Func<string, bool> exists, DiagnosticBag diags, string etsiVersion)
{
    private readonly string _path = file.Path;
    private IReadOnlyDictionary<string, PropertyDef> _inputs = Empty<PropertyDef>.Map;
    private readonly Dictionary<string, (YamlNode Key, YamlNode Body, string? TypeName, TypeDef? Type)> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (YamlNode Body, string? TypeName, TypeDef? Type)> _groups = new(StringComparer.Ordinal);

    // While set, problems are warnings: used for substitution_mappings, whose SOL001 (TOSCA 1.2) use departs from TOSCA (flavour
    // values given to properties, per-CP requirement names as in Tacker's samples) without affecting deployment.
    private bool _lenient;

    private void Error(string code, YamlNode? at, string message)
    {
        if (_lenient) diags.Warning(code, _path, at.Line(), at.Col(), message);
        else diags.Error(code, _path, at.Line(), at.Col(), message);
    }

    public void Run()
    {
        var tt = file.Root.Get("topology_template");
        if (tt is null || (tt is YamlScalarNode && tt.Str() is null)) return;
        if (tt is not YamlMappingNode)
        {
            Error(DiagnosticCodes.InvalidTemplate, tt, "'topology_template' must be a map.");
            return;
        }

        // inputs
        var inputDiags = new DiagnosticBag();
        _inputs = TypeSource.Definitions(tt.Get("inputs"), _path, "topology_template", "inputs", inputDiags);
        diags.AddRange(inputDiags.Items);
        foreach (var input in _inputs.Values)
        {
            var ctx = $"input '{input.Name}'";
            if (!input.HasType) Error(DiagnosticCodes.InvalidDefinition, input.NameNode, $"{ctx} has no type.");
            else if (!CheckSchemaTypes(input.Schema, ctx)) continue;
            if (input.Default is { } d) CheckValue(d, input.Schema, ctx, "default", null);
        }

        // collect templates first: requirements, targets and functions may refer to any of them
        var nodeTemplates = tt.Get("node_templates");
        if (nodeTemplates is not null && nodeTemplates is not YamlMappingNode && nodeTemplates.Str() is not null)
            Error(DiagnosticCodes.InvalidTemplate, nodeTemplates, "'node_templates' must be a map.");
        foreach (var (name, key, body) in nodeTemplates.Entries())
        {
            var typeName = body.Get("type").Str();
            _nodes[name] = (key, body, typeName, types.Find(TypeKind.Node, typeName));
        }
        foreach (var (name, _, body) in tt.Get("groups").Entries())
        {
            var typeName = body.Get("type").Str();
            _groups[name] = (body, typeName, types.Find(TypeKind.Group, typeName));
        }

        foreach (var (name, (key, body, typeName, type)) in _nodes) NodeTemplate(name, key, body, typeName, type);
        foreach (var (name, key, body) in tt.Get("groups").Entries()) Group(name, key, body);
        var policies = tt.Get("policies");
        if (policies is YamlSequenceNode)
        {
            foreach (var item in policies.Items())
                foreach (var (name, key, body) in item.Entries()) Policy(name, key, body);
        }
        else foreach (var (name, key, body) in policies.Entries()) Policy(name, key, body);
        if (tt.Get("substitution_mappings") is YamlMappingNode sm)
        {
            _lenient = true;
            SubstitutionMappings(sm);
            _lenient = false;
        }
        foreach (var (name, _, body) in tt.Get("outputs").Entries())
            Walk(body.Get("value") ?? body, $"output '{name}'", "value", null);
    }

    // ---------------------------------------------------------------- node templates

    private void NodeTemplate(string name, YamlNode key, YamlNode body, string? typeName, TypeDef? type)
    {
        var ctx = $"node template '{name}'";
        var self = new Entity("node template", name, type, body);
        if (body is not YamlMappingNode)
        {
            Error(DiagnosticCodes.InvalidTemplate, body is YamlScalarNode && body.Str() is null ? key : body, $"{ctx} must be a map with a 'type'.");
            return;
        }
        if (typeName is null)
        {
            Error(DiagnosticCodes.InvalidTemplate, key, $"{ctx} has no type.");
            return;
        }
        if (type is null)
        {
            var tn = body.Get("type");
            Error(DiagnosticCodes.UnknownType, tn, $"{ctx}: type '{typeName}' is not a known node type{Hint(TypeKind.Node, typeName)}.");
            WalkAll(body, ctx, self);
            return;
        }
        CheckProperties(ctx, types.Properties(type), body.Get("properties"), key, self, $"node type '{type.Name}'");
        CheckAttributes(ctx, type, body.Get("attributes"), self);
        Requirements(ctx, type, body, self);
        Capabilities(ctx, type, body.Get("capabilities"), self);
        Artifacts(ctx, body.Get("artifacts"));
        Interfaces(ctx, types.Interfaces(type), body.Get("interfaces"), self, ArtifactNames(type, body));
    }

    private HashSet<string> ArtifactNames(TypeDef? type, YamlNode body)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (type is not null) names.UnionWith(types.Artifacts(type).Keys);
        foreach (var (a, _, _) in body.Get("artifacts").Entries()) names.Add(a);
        return names;
    }

    private void CheckAttributes(string ctx, TypeDef type, YamlNode? attributes, Entity self)
    {
        if (attributes is null) return;
        var attrs = types.Attributes(type);
        var props = types.Properties(type);
        foreach (var (a, key, value) in attributes.Entries())
        {
            if (attrs.TryGetValue(a, out var def) || props.TryGetValue(a, out def))
                CheckValue(value, def.Schema, $"{ctx} attribute", a, self);
            else
            {
                Error(DiagnosticCodes.UnknownAttribute, key, $"{ctx}: attribute '{a}' is not defined by its node type '{type.Name}'.");
                Walk(value, ctx, a, self);
            }
        }
    }

    private void Requirements(string ctx, TypeDef type, YamlNode body, Entity self)
    {
        var reqs = body.Get("requirements");
        if (reqs is null || (reqs is YamlScalarNode && reqs.Str() is null)) return;
        if (reqs is not YamlSequenceNode)
        {
            Error(DiagnosticCodes.InvalidTemplate, reqs, $"{ctx}: 'requirements' must be a list of single-entry maps.");
            return;
        }
        var defs = types.Requirements(type);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in reqs.Items())
        {
            if (item is not YamlMappingNode { Children.Count: 1 })
            {
                Error(DiagnosticCodes.InvalidTemplate, item, $"{ctx}: each requirement must be a single 'name: target' entry.");
                continue;
            }
            foreach (var (r, rkey, value) in item.Entries())
            {
                if (!defs.TryGetValue(r, out var def))
                {
                    Error(DiagnosticCodes.UnknownRequirement, rkey,
                        $"{ctx}: requirement '{r}' is not defined by its node type '{type.Name}' (defined: {List(defs.Keys)}).");
                    continue;
                }
                var n = counts[r] = counts.GetValueOrDefault(r) + 1;
                if (def.Occurrences.Max is { } max && n == max + 1)
                    Error(DiagnosticCodes.OccurrencesExceeded, rkey,
                        $"{ctx}: requirement '{r}' is assigned more than {max} time{(max == 1 ? "" : "s")}; node type '{type.Name}' allows occurrences {def.Occurrences}.");
                var targetNode = value is YamlMappingNode ? value.Get("node") : value;
                var target = targetNode.Str();
                if (value is YamlMappingNode)
                    foreach (var (k, _, v) in value.Entries())
                        if (k is "relationship" or "node_filter") Walk(v, ctx, r, self);
                if (target is null) continue;
                var capability = value.Get("capability").Str() ?? def.Capability;
                if (_nodes.TryGetValue(target, out var t))
                {
                    if (t.Type is null) continue; // reported at the target
                    if (def.Node is not null && !types.IsA(TypeKind.Node, t.TypeName, def.Node))
                        Error(DiagnosticCodes.RequirementTarget, targetNode,
                            $"{ctx}: requirement '{r}' targets '{target}', a '{t.TypeName}', but its definition requires a node of type '{def.Node}'.");
                    else if (capability is not null && !HasCapability(t.Type, capability))
                        Error(DiagnosticCodes.RequirementTarget, targetNode,
                            $"{ctx}: requirement '{r}' targets '{target}', a '{t.TypeName}', which has no capability '{capability}'.");
                }
                else if (types.Find(TypeKind.Node, target) is not null)
                {
                    // an abstract requirement naming a node type, to be fulfilled by the orchestrator
                }
                else
                    Error(DiagnosticCodes.RequirementTarget, targetNode,
                        $"{ctx}: requirement '{r}' targets '{target}', which is not a node template of this topology template{Near(target, _nodes.Keys)}.");
            }
        }
    }

    private bool HasCapability(TypeDef nodeType, string capability)
    {
        var caps = types.Capabilities(nodeType);
        if (caps.ContainsKey(capability)) return true;
        foreach (var c in caps.Values)
            if (types.IsA(TypeKind.Capability, c.Type, capability)) return true;
        return false;
    }

    private void Capabilities(string ctx, TypeDef type, YamlNode? capabilities, Entity self)
    {
        if (capabilities is null) return;
        var defs = types.Capabilities(type);
        foreach (var (c, key, value) in capabilities.Entries())
        {
            var cctx = $"{ctx} capability '{c}'";
            if (!defs.TryGetValue(c, out var def))
            {
                Error(DiagnosticCodes.UnknownCapability, key, $"{ctx}: capability '{c}' is not defined by its node type '{type.Name}' (defined: {List(defs.Keys)}).");
                WalkAll(value, cctx, self);
                continue;
            }
            var capType = types.Find(TypeKind.Capability, def.Type);
            if (capType is null) { WalkAll(value, cctx, self); continue; }
            var props = types.Properties(capType);
            if (def.Properties.Count > 0)
            {
                var merged = new Dictionary<string, PropertyDef>(props, StringComparer.Ordinal);
                foreach (var (k, p) in def.Properties) merged[k] = p.HasType || !props.TryGetValue(k, out var baseDef) ? p : p with { Schema = baseDef.Schema };
                props = merged;
            }
            var assigned = value.Get("properties");
            if (assigned is not null)
                CheckProperties(cctx, props, assigned, key, self, $"capability type '{capType.Name}'");
            if (value.Get("attributes") is { } attrs) Walk(attrs, cctx, "attributes", self);
        }
    }

    private void Artifacts(string ctx, YamlNode? artifacts)
    {
        foreach (var (a, key, value) in artifacts.Entries())
        {
            if (value is YamlScalarNode) continue; // short form: the file
            var typeNode = value.Get("type");
            var typeName = typeNode.Str();
            if (typeName is null)
                Error(DiagnosticCodes.InvalidTemplate, key, $"{ctx}: artifact '{a}' has no type.");
            else if (types.Find(TypeKind.Artifact, typeName) is null)
                Error(DiagnosticCodes.UnknownType, typeNode, $"{ctx}: artifact '{a}' type '{typeName}' is not a known artifact type{Hint(TypeKind.Artifact, typeName)}.");
            if (value.Get("file") is null)
                Error(DiagnosticCodes.InvalidTemplate, key, $"{ctx}: artifact '{a}' has no file.");
        }
    }

    private static readonly HashSet<string> InterfaceKeys = new(StringComparer.Ordinal) { "type", "inputs", "description", "operations", "notifications" };

    private void Interfaces(string ctx, IReadOnlyDictionary<string, InterfaceDef> defs, YamlNode? interfaces, Entity self, HashSet<string> artifacts)
    {
        if (interfaces is null) return;
        foreach (var (i, key, value) in interfaces.Entries())
        {
            var ictx = $"{ctx} interface '{i}'";
            if (!defs.TryGetValue(i, out var def))
            {
                Error(DiagnosticCodes.UnknownInterface, key, $"{ctx}: interface '{i}' is not defined by its type (defined: {List(defs.Keys)}).");
                WalkAll(value, ictx, self);
                continue;
            }
            var itype = types.Find(TypeKind.Interface, def.Type);
            var ops = new HashSet<string>(def.Operations, StringComparer.Ordinal);
            if (itype is not null) ops.UnionWith(types.Operations(itype));
            var entries = value.Entries().Where(e => !InterfaceKeys.Contains(e.Key)).Concat(value.Get("operations").Entries());
            if (value.Get("inputs") is { } inputs) Walk(inputs, ictx, "inputs", self);
            foreach (var (op, okey, body) in entries)
            {
                if (itype is not null && !ops.Contains(op))
                    Error(DiagnosticCodes.UnknownOperation, okey, $"{ictx}: operation '{op}' is not defined by interface type '{itype.Name}' (defined: {List(ops)}).");
                var octx = $"{ictx} operation '{op}'";
                var impl = body is YamlScalarNode ? body : body.Get("implementation");
                if (impl is YamlScalarNode && impl.Str() is { } primary) Implementation(octx, primary, impl, artifacts);
                else if (impl is YamlMappingNode)
                {
                    if (impl.Get("primary") is { } p)
                    {
                        if (p.Str() is { } ps) Implementation(octx, ps, p, artifacts);
                        else if (p is YamlMappingNode) Artifacts(octx, new YamlMappingNode(new YamlScalarNode("primary"), p));
                    }
                    foreach (var dep in impl.Get("dependencies").Items())
                        if (dep.Str() is { } ds) Implementation(octx, ds, dep, artifacts);
                }
                if (body.Get("inputs") is { } opInputs) Walk(opInputs, octx, "inputs", self);
            }
        }
    }

    private void Implementation(string ctx, string name, YamlNode at, HashSet<string> artifacts)
    {
        if (artifacts.Contains(name) || PackagePath.IsRemote(name)) return;
        var looksLikePath = name.Contains('/', StringComparison.Ordinal) || name.Contains('.', StringComparison.Ordinal);
        if (looksLikePath)
        {
            var resolved = PackagePath.Resolve(PackagePath.Directory(_path), name);
            if (resolved is not null && exists(resolved)) return;
            Error(DiagnosticCodes.UnknownArtifact, at, $"{ctx}: implementation '{name}' names no artifact of the template ({List(artifacts)}) and no file of the package.");
        }
        else
            Error(DiagnosticCodes.UnknownArtifact, at, $"{ctx}: implementation '{name}' names no artifact of the template (artifacts: {List(artifacts)}).");
    }

    // ---------------------------------------------------------------- groups, policies, substitution

    private void Group(string name, YamlNode key, YamlNode body)
    {
        var ctx = $"group '{name}'";
        var typeNode = body.Get("type");
        var type = types.Find(TypeKind.Group, typeNode.Str());
        var self = new Entity("group", name, type, body);
        if (typeNode.Str() is null) { Error(DiagnosticCodes.InvalidTemplate, key, $"{ctx} has no type."); return; }
        if (type is null)
        {
            Error(DiagnosticCodes.UnknownType, typeNode, $"{ctx}: type '{typeNode.Str()}' is not a known group type{Hint(TypeKind.Group, typeNode.Str()!)}.");
            WalkAll(body, ctx, self);
            return;
        }
        CheckProperties(ctx, types.Properties(type), body.Get("properties"), key, self, $"group type '{type.Name}'");
        Interfaces(ctx, types.Interfaces(type), body.Get("interfaces"), self, []);
        var allowed = types.TypeRefs(type);
        foreach (var m in body.Get("members").Items())
        {
            if (m.Str() is not { } member) continue;
            if (!_nodes.TryGetValue(member, out var n))
                Error(DiagnosticCodes.GroupMember, m, $"{ctx}: member '{member}' is not a node template of this topology template{Near(member, _nodes.Keys)}.");
            else if (n.Type is not null && allowed.Count > 0 && !allowed.Any(a => types.IsA(TypeKind.Node, n.TypeName, a.Name)))
                Error(DiagnosticCodes.GroupMember, m,
                    $"{ctx}: member '{member}' is a '{n.TypeName}'; group type '{type.Name}' admits only members of type {List(allowed.Select(a => a.Name))}.");
        }
    }

    private void Policy(string name, YamlNode key, YamlNode body)
    {
        var ctx = $"policy '{name}'";
        var typeNode = body.Get("type");
        var type = types.Find(TypeKind.Policy, typeNode.Str());
        var self = new Entity("policy", name, type, body);
        if (typeNode.Str() is null) { Error(DiagnosticCodes.InvalidTemplate, key, $"{ctx} has no type."); return; }
        if (type is null)
        {
            Error(DiagnosticCodes.UnknownType, typeNode, $"{ctx}: type '{typeNode.Str()}' is not a known policy type{Hint(TypeKind.Policy, typeNode.Str()!)}.");
            WalkAll(body, ctx, self);
            return;
        }
        CheckProperties(ctx, types.Properties(type), body.Get("properties"), key, self, $"policy type '{type.Name}'");
        var allowed = types.TypeRefs(type);
        foreach (var t in body.Get("targets").Items())
        {
            if (t.Str() is not { } target) continue;
            if (_nodes.TryGetValue(target, out var n))
            {
                if (n.Type is not null && allowed.Count > 0 && !allowed.Any(a => types.IsA(TypeKind.Node, n.TypeName, a.Name)))
                    Error(DiagnosticCodes.PolicyTarget, t,
                        $"{ctx}: target '{target}' is a '{n.TypeName}'; policy type '{type.Name}' applies only to {List(allowed.Select(a => a.Name))}.");
            }
            else if (_groups.TryGetValue(target, out var g))
            {
                if (g.Type is not null && allowed.Count > 0 && !allowed.Any(a => types.IsA(TypeKind.Group, g.TypeName, a.Name)))
                    Error(DiagnosticCodes.PolicyTarget, t,
                        $"{ctx}: target '{target}' is a group of type '{g.TypeName}'; policy type '{type.Name}' applies only to {List(allowed.Select(a => a.Name))}.");
            }
            else
                Error(DiagnosticCodes.PolicyTarget, t, $"{ctx}: target '{target}' is neither a node template nor a group of this topology template{Near(target, _nodes.Keys.Concat(_groups.Keys))}.");
        }
        foreach (var (k, _, v) in body.Entries())
            if (k is "triggers" or "trigger") Walk(v, ctx, k, self);
    }

    private void SubstitutionMappings(YamlMappingNode sm)
    {
        const string ctx = "substitution_mappings";
        var typeNode = sm.Get("node_type");
        var typeName = typeNode.Str();
        if (typeName is null) { Error(DiagnosticCodes.InvalidTemplate, sm, $"{ctx} has no node_type."); return; }
        var type = types.Find(TypeKind.Node, typeName);
        if (type is null)
        {
            diags.Error(DiagnosticCodes.UnknownType, _path, typeNode.Line(), typeNode.Col(), $"{ctx}: node_type '{typeName}' is not a known node type{Hint(TypeKind.Node, typeName)}.");
            return;
        }
        var props = types.Properties(type);
        foreach (var (p, key, value) in sm.Get("properties").Entries())
        {
            if (!props.TryGetValue(p, out var def))
            {
                Error(DiagnosticCodes.UnknownProperty, key, $"{ctx}: property '{p}' is not defined by node type '{type.Name}'{Near(p, props.Keys)}.");
                continue;
            }
            // TOSCA 1.3 maps a property to an input ([ input_name ]); SOL001 (TOSCA 1.2) gives a value.
            if (value is YamlSequenceNode { Children.Count: 1 } seq && seq.Children[0].Str() is { } input && def.Schema.Type != Primitive.List)
            {
                if (!_inputs.ContainsKey(input))
                    Error(DiagnosticCodes.UnknownInput, seq.Children[0], $"{ctx}: property '{p}' is mapped to input '{input}', which topology_template.inputs does not declare.");
                continue;
            }
            CheckValue(value, def.Schema, ctx + " property", p, null);
        }
        var reqs = types.Requirements(type);
        foreach (var (r, key, _) in sm.Get("requirements").Entries())
            if (!reqs.ContainsKey(r))
                Error(DiagnosticCodes.UnknownRequirement, key, $"{ctx}: requirement '{r}' is not defined by node type '{type.Name}' (defined: {List(reqs.Keys)}).");
        var caps = types.Capabilities(type);
        foreach (var (c, key, _) in sm.Get("capabilities").Entries())
            if (!caps.ContainsKey(c))
                Error(DiagnosticCodes.UnknownCapability, key, $"{ctx}: capability '{c}' is not defined by node type '{type.Name}' (defined: {List(caps.Keys)}).");
        var ifaces = types.Interfaces(type);
        foreach (var (i, key, _) in sm.Get("interfaces").Entries())
            if (!ifaces.ContainsKey(i))
                Error(DiagnosticCodes.UnknownInterface, key, $"{ctx}: interface '{i}' is not defined by node type '{type.Name}' (defined: {List(ifaces.Keys)}).");
    }

    // ---------------------------------------------------------------- properties and values

    private void CheckProperties(string ctx, IReadOnlyDictionary<string, PropertyDef> defs, YamlNode? assigned, YamlNode anchor, Entity? self, string owner)
    {
        if (assigned is not null && assigned is not YamlMappingNode && assigned.Str() is not null)
        {
            Error(DiagnosticCodes.TypeMismatch, assigned, $"{ctx}: 'properties' must be a map.");
            return;
        }
        foreach (var (p, key, value) in assigned.Entries())
        {
            if (defs.TryGetValue(p, out var def)) CheckValue(value, def.Schema, ctx + " property", p, self);
            else
            {
                Error(DiagnosticCodes.UnknownProperty, key, $"{ctx}: property '{p}' is not defined by its {owner}{Near(p, defs.Keys)}.");
                Walk(value, ctx, p, self);
            }
        }
        foreach (var def in defs.Values)
            if (def.Required && def.Default is null && assigned.Get(def.Name) is null)
            {
                var at = assigned is YamlMappingNode ? assigned : anchor;
                var message = $"{ctx}: required property '{def.Name}' ({def.Schema.Type}) of its {owner} is not assigned and has no default.";
                // A missing human-readable description carries no deployment information (Tacker's samples omit the
                // required description of their placement groups): a warning.
                if (def.Name == "description" && def.Schema.Type == Primitive.String)
                    diags.Warning(DiagnosticCodes.MissingRequiredProperty, _path, at.Line(), at.Col(), message);
                else Error(DiagnosticCodes.MissingRequiredProperty, at, message);
            }
    }

    /// <summary>Type-checks a value against a schema, recursively; a function is checked as a function, not as a literal.</summary>
    private void CheckValue(YamlNode value, Schema schema, string ctx, string path, Entity? self)
    {
        if (TemplateValidator.IsFunction(value, out var fn, out var arg))
        {
            Function(fn, arg, ctx, path, self, schema);
            return;
        }
        if (value is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } && value.Str() is null) return; // null: no value
        var typeName = schema.Type;
        if (typeName.Length == 0) { Walk(value, ctx, path, self); return; }
        if (Primitive.Is(typeName))
        {
            CheckPrimitive(value, typeName, schema.Entry, schema.Key, schema.Constraints, ctx, path, self);
            return;
        }
        var dt = types.Find(TypeKind.Data, typeName);
        if (dt is null) { Walk(value, ctx, path, self); return; } // unknown type: reported at its definition
        if (types.PrimitiveBase(dt) is { } prim)
        {
            var chain = types.Chain(dt);
            var constraints = chain.SelectMany(t => t.Constraints).Concat(schema.Constraints).ToList();
            var entry = schema.Entry ?? chain.Select(t => t.EntrySchema).FirstOrDefault(e => e is not null);
            var keySchema = schema.Key ?? chain.Select(t => t.KeySchema).FirstOrDefault(e => e is not null);
            CheckPrimitive(value, prim, entry, keySchema, constraints, ctx, path, self, typeName);
            return;
        }
        if (value is not YamlMappingNode map)
        {
            Mismatch(value, ctx, path, $"is not a {typeName} (a map is expected)");
            return;
        }
        var props = types.Properties(dt);
        foreach (var (k, key, v) in map.Entries())
        {
            if (props.TryGetValue(k, out var def)) CheckValue(v, def.Schema, ctx, path + "." + k, self);
            else
            {
                Error(DiagnosticCodes.UnknownProperty, key, $"{ctx} '{path}': '{k}' is not a property of data type '{typeName}'{Near(k, props.Keys)}.");
                Walk(v, ctx, path + "." + k, self);
            }
        }
        foreach (var def in props.Values)
            if (def.Required && def.Default is null && map.Get(def.Name) is null)
                Error(DiagnosticCodes.MissingRequiredProperty, map,
                    $"{ctx} '{path}': required property '{def.Name}' ({def.Schema.Type}) of data type '{typeName}' is missing.");
        foreach (var c in schema.Constraints) CheckConstraint(value, null, c, ctx, path);
    }

    private void CheckPrimitive(YamlNode value, string type, Schema? entry, Schema? key, IReadOnlyList<Constraint> constraints,
        string ctx, string path, Entity? self, string? shownType = null)
    {
        var shown = shownType ?? type;
        switch (type)
        {
            case Primitive.List:
                if (value is not YamlSequenceNode seq) { Mismatch(value, ctx, path, $"is not a list{Of(shown, type)}"); return; }
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    var p = $"{path}[{i}]";
                    if (entry is not null) CheckValue(seq.Children[i], entry, ctx, p, self);
                    else Walk(seq.Children[i], ctx, p, self);
                }
                break;
            case Primitive.Map:
                if (value is not YamlMappingNode m) { Mismatch(value, ctx, path, $"is not a map{Of(shown, type)}"); return; }
                foreach (var (k, kn, v) in m.Entries())
                {
                    var p = $"{path}.{k}";
                    if (key is not null && key.Type != Primitive.String) CheckValue(kn, key, ctx, p + " (key)", self);
                    if (entry is not null) CheckValue(v, entry, ctx, p, self);
                    else Walk(v, ctx, p, self);
                }
                break;
            case Primitive.Range:
                if (value is not YamlSequenceNode { Children.Count: 2 } r
                    || Values.ParseInt(r.Children[0].Str()) is not { } lo
                    || (r.Children[1].Str() != "UNBOUNDED" && (Values.ParseInt(r.Children[1].Str()) is not { } hi || hi < lo)))
                {
                    Mismatch(value, ctx, path, $"is not a range{Of(shown, type)} ([lower, upper] integers, upper >= lower or UNBOUNDED)");
                    return;
                }
                break;
            case Primitive.String:
                if (value is not YamlScalarNode) { Mismatch(value, ctx, path, $"is not a string{Of(shown, type)}"); return; }
                break;
            case Primitive.Null:
                if (value.Str() is not null) { Mismatch(value, ctx, path, "is not null"); return; }
                break;
            default:
                if (Values.Comparable(type, value) is null)
                {
                    Mismatch(value, ctx, path, $"is not a{(type[0] is 'i' ? "n" : "")} {type}{Of(shown, type)}{Expect(type)}");
                    return;
                }
                break;
        }
        foreach (var c in constraints) CheckConstraint(value, type, c, ctx, path);
    }

    private static string Of(string shown, string type) => shown == type ? "" : $" (data type '{shown}')";

    private static string Expect(string type) => type switch
    {
        Primitive.Size => " (a number and a unit: B, kB, KiB, MB, MiB, GB, GiB, TB, TiB)",
        Primitive.Time => " (a number and a unit: d, h, m, s, ms, us, ns)",
        Primitive.Frequency => " (a number and a unit: Hz, kHz, MHz, GHz)",
        Primitive.Bitrate => " (a number and a unit: bps, Kbps, Mbps, Gbps, Tbps, Kibps..., or Bps, KBps...)",
        Primitive.Timestamp => " (YAML/ISO 8601 timestamp)",
        Primitive.Version => " (major.minor[.fix[.qualifier[-build]]])",
        _ => "",
    };

    private void Mismatch(YamlNode value, string ctx, string path, string what) =>
        Error(DiagnosticCodes.TypeMismatch, value, $"{ctx} '{path}': '{Values.Show(value)}' {what}.");

    private void CheckConstraint(YamlNode value, string? type, Constraint c, string ctx, string path)
    {
        bool ok;
        var arg = c.Argument;
        switch (c.Operator)
        {
            case "valid_values":
                ok = arg.Items().Any(a => Equal(value, a, type));
                break;
            case "equal":
                ok = Equal(value, arg, type);
                break;
            case "greater_than" or "greater_or_equal" or "less_than" or "less_or_equal":
            {
                if (type is null || Values.Comparable(type, value) is not { } v || Values.Comparable(type, arg) is not { } a || v.GetType() != a.GetType()) return;
                var cmp = v.CompareTo(a);
                ok = c.Operator switch { "greater_than" => cmp > 0, "greater_or_equal" => cmp >= 0, "less_than" => cmp < 0, _ => cmp <= 0 };
                break;
            }
            case "in_range":
            {
                var r = (YamlSequenceNode)arg;
                if (type is null || Values.Comparable(type, value) is not { } v || Values.Comparable(type, r.Children[0]) is not { } lo || v.GetType() != lo.GetType()) return;
                ok = v.CompareTo(lo) >= 0;
                if (r.Children[1].Str() != "UNBOUNDED")
                {
                    if (Values.Comparable(type, r.Children[1]) is not { } hi || hi.GetType() != v.GetType()) return;
                    ok &= v.CompareTo(hi) <= 0;
                }
                break;
            }
            case "length" or "min_length" or "max_length":
            {
                long? len = value switch
                {
                    YamlScalarNode s => s.Value?.Length,
                    YamlSequenceNode q => q.Children.Count,
                    YamlMappingNode m => m.Children.Count,
                    _ => null,
                };
                var n = Values.ParseInt(arg.Str());
                if (len is null || n is null) return;
                ok = c.Operator switch { "length" => len == n, "min_length" => len >= n, _ => len <= n };
                break;
            }
            case "pattern":
            {
                if (value.Str() is not { } s || Values.Regex(arg.Str()!) is not { } re) return;
                try { ok = re.IsMatch(s); }
                catch (RegexMatchTimeoutException) { return; }
                break;
            }
            default:
                return;
        }
        if (!ok)
            Error(DiagnosticCodes.ConstraintViolation, value,
                $"{ctx} '{path}': '{Values.Show(value)}' violates the constraint {c.Operator}: {ShowArg(arg)} ({c.File}:{arg.Line()}).");
    }

    private static bool Equal(YamlNode value, YamlNode other, string? type)
    {
        if (type is not null and not Primitive.String && Values.Comparable(type, value) is { } v && Values.Comparable(type, other) is { } o && v.GetType() == o.GetType())
            return v.CompareTo(o) == 0;
        return Values.SameValue(value, other);
    }

    private static string ShowArg(YamlNode arg) => arg switch
    {
        YamlSequenceNode s => "[" + string.Join(", ", s.Children.Take(12).Select(Values.Show)) + (s.Children.Count > 12 ? ", ..." : "") + "]",
        _ => Values.Show(arg),
    };

    private bool CheckSchemaTypes(Schema s, string ctx)
    {
        if (s.Type.Length > 0 && !types.IsKnownDataType(s.Type))
        {
            Error(DiagnosticCodes.UnknownType, s.TypeNode, $"{ctx}: type '{s.Type}' is not a known data type{Hint(TypeKind.Data, s.Type)}.");
            return false;
        }
        return (s.Entry is null || CheckSchemaTypes(s.Entry, ctx + " entry_schema")) && (s.Key is null || CheckSchemaTypes(s.Key, ctx + " key_schema"));
    }

    // ---------------------------------------------------------------- functions

    /// <summary>Finds and checks the functions inside a value that has no schema to check it against.</summary>
    private void Walk(YamlNode value, string ctx, string path, Entity? self)
    {
        if (TemplateValidator.IsFunction(value, out var fn, out var arg)) { Function(fn, arg, ctx, path, self, null); return; }
        switch (value)
        {
            case YamlMappingNode m:
                foreach (var (k, _, v) in m.Entries()) Walk(v, ctx, path + "." + k, self);
                break;
            case YamlSequenceNode s:
                for (var i = 0; i < s.Children.Count; i++) Walk(s.Children[i], ctx, $"{path}[{i}]", self);
                break;
        }
    }

    private void WalkAll(YamlNode body, string ctx, Entity? self)
    {
        foreach (var (k, _, v) in body.Entries()) Walk(v, ctx, k, self);
    }

    private void Function(string fn, YamlNode arg, string ctx, string path, Entity? self, Schema? expected)
    {
        var where = $"{ctx} '{path}'";
        void Bad(YamlNode at, string message) => Error(DiagnosticCodes.InvalidFunction, at, $"{where}: {fn} {message}.");
        var args = arg is YamlSequenceNode s ? s.Children : (IList<YamlNode>)[arg];
        switch (fn)
        {
            case "get_input":
            {
                var nameNode = args.Count > 0 ? args[0] : arg;
                if (nameNode.Str() is not { } input) { Bad(arg, "needs an input name"); return; }
                if (!_inputs.TryGetValue(input, out var def))
                {
                    Error(DiagnosticCodes.UnknownInput, nameNode, $"{where}: get_input names input '{input}', which topology_template.inputs does not declare{Near(input, _inputs.Keys)}.");
                    return;
                }
                if (expected is not null && args.Count == 1 && def.HasType && !Compatible(def.Schema.Type, expected.Type))
                    Error(DiagnosticCodes.TypeMismatch, nameNode, $"{where}: get_input '{input}' is of type '{def.Schema.Type}', not '{expected.Type}'.");
                return;
            }
            case "get_property" or "get_attribute":
            {
                if (arg is not YamlSequenceNode || args.Count < 2 || args.Any(a => a.Str() is null))
                {
                    Bad(arg, "needs a list: [ SELF | SOURCE | TARGET | HOST | <node template>, <name>, ... ]");
                    return;
                }
                var entityName = args[0].Str()!;
                Entity? entity;
                switch (entityName)
                {
                    case "SELF": entity = self; break;
                    case "SOURCE" or "TARGET" or "HOST": return; // resolved at deployment
                    default:
                        if (!_nodes.TryGetValue(entityName, out var n))
                        {
                            Bad(args[0], $"names '{entityName}', which is neither SELF, SOURCE, TARGET, HOST nor a node template of this topology template{Near(entityName, _nodes.Keys)}");
                            return;
                        }
                        entity = new Entity("node template", entityName, n.Type, n.Body);
                        break;
                }
                if (entity?.Type is null) return;
                PropertyPath(fn, entity, args, where);
                return;
            }
            case "concat":
                if (arg is not YamlSequenceNode) { Bad(arg, "needs a list of strings and functions"); return; }
                foreach (var a in args) StringOrFunction(a, ctx, path, self, fn);
                return;
            case "join":
                if (arg is not YamlSequenceNode || args.Count is < 1 or > 2 || args[0] is not YamlSequenceNode)
                { Bad(arg, "needs [ [ strings or functions ], <delimiter> ]"); return; }
                foreach (var a in args[0].Items()) StringOrFunction(a, ctx, path, self, fn);
                return;
            case "token":
                if (arg is not YamlSequenceNode || args.Count != 3 || args[1].Str() is null || Values.ParseInt(args[2].Str()) is not >= 0)
                { Bad(arg, "needs [ <string or function>, <separator characters>, <index> ]"); return; }
                StringOrFunction(args[0], ctx, path, self, fn);
                return;
            case "get_artifact":
            {
                if (arg is not YamlSequenceNode || args.Count is < 2 or > 4 || args[0].Str() is null || args[1].Str() is null)
                { Bad(arg, "needs [ SELF | SOURCE | TARGET | HOST | <node template>, <artifact name>, <location>?, <remove>? ]"); return; }
                var entityName = args[0].Str()!;
                var artifact = args[1].Str()!;
                TypeDef? type; YamlNode body;
                switch (entityName)
                {
                    case "SELF": if (self is null) return; (type, body) = (self.Type, self.Body); break;
                    case "SOURCE" or "TARGET" or "HOST": return;
                    default:
                        if (!_nodes.TryGetValue(entityName, out var n))
                        {
                            Bad(args[0], $"names '{entityName}', which is neither SELF, SOURCE, TARGET, HOST nor a node template of this topology template");
                            return;
                        }
                        (type, body) = (n.Type, n.Body);
                        break;
                }
                var names = ArtifactNames(type, body);
                if (!names.Contains(artifact))
                    Error(DiagnosticCodes.UnknownArtifact, args[1], $"{where}: get_artifact names artifact '{artifact}', which '{entityName}' does not have (artifacts: {List(names)}).");
                return;
            }
            case "get_operation_output":
                if (arg is not YamlSequenceNode || args.Count != 4 || args.Any(a => a.Str() is null))
                    Bad(arg, "needs [ <entity>, <interface>, <operation>, <output> ]");
                return;
            case "get_nodes_of_type":
                if (arg.Str() is not { } t) Bad(arg, "needs a node type name");
                else if (types.Find(TypeKind.Node, t) is null) Error(DiagnosticCodes.UnknownType, arg, $"{where}: get_nodes_of_type names '{t}', which is not a known node type.");
                return;
        }
    }

    private void StringOrFunction(YamlNode a, string ctx, string path, Entity? self, string fn)
    {
        if (TemplateValidator.IsFunction(a, out var inner, out var innerArg)) Function(inner, innerArg, ctx, path, self, null);
        else if (a is not YamlScalarNode)
            Error(DiagnosticCodes.InvalidFunction, a, $"{ctx} '{path}': {fn} takes strings and functions, not '{Values.Show(a)}'.");
    }

    /// <summary>get_property / get_attribute: [entity, (capability | requirement,)? name, nested...] must exist in the entity's types.</summary>
    private void PropertyPath(string fn, Entity entity, IList<YamlNode> args, string where)
    {
        var type = entity.Type!;
        var attributes = fn == "get_attribute";
        var name = args[1].Str()!;
        IReadOnlyDictionary<string, PropertyDef> Members(TypeDef t)
        {
            if (!attributes) return types.Properties(t);
            var all = new Dictionary<string, PropertyDef>(types.Properties(t), StringComparer.Ordinal);
            foreach (var (k, v) in types.Attributes(t)) all[k] = v;
            return all;
        }
        var members = Members(type);
        var what = attributes ? "attribute or property" : "property";
        int next;
        PropertyDef? def;
        if (members.TryGetValue(name, out def)) next = 2;
        else if (type.Kind == TypeKind.Node && types.Capabilities(type).TryGetValue(name, out var cap) && args.Count >= 3)
        {
            var capType = types.Find(TypeKind.Capability, cap.Type);
            if (capType is null) return;
            var capMembers = Members(capType);
            var member = args[2].Str()!;
            if (!capMembers.TryGetValue(member, out def) && !cap.Properties.TryGetValue(member, out def))
            {
                Error(DiagnosticCodes.InvalidFunction, args[2], $"{where}: {fn}: capability '{name}' of {entity} ({capType.Name}) has no {what} '{member}'{Near(member, capMembers.Keys)}.");
                return;
            }
            next = 3;
        }
        else if (type.Kind == TypeKind.Node && types.Requirements(type).ContainsKey(name) && args.Count >= 3)
            return; // a property of the requirement's target, known only when fulfilled
        else
        {
            Error(DiagnosticCodes.InvalidFunction, args[1], $"{where}: {fn}: {entity} ({type.Name}) has no {what} '{name}'{Near(name, members.Keys)}.");
            return;
        }
        // nested path into data types, lists and maps
        var schema = def.Schema;
        for (var i = next; i < args.Count && schema is not null; i++)
        {
            var seg = args[i].Str()!;
            if (schema.Type is Primitive.List)
            {
                if (Values.ParseInt(seg) is null)
                {
                    Error(DiagnosticCodes.InvalidFunction, args[i], $"{where}: {fn}: '{seg}' is not a list index.");
                    return;
                }
                schema = schema.Entry;
            }
            else if (schema.Type is Primitive.Map) schema = schema.Entry;
            else if (types.Find(TypeKind.Data, schema.Type) is { } dt && types.PrimitiveBase(dt) is null)
            {
                var props = types.Properties(dt);
                if (!props.TryGetValue(seg, out var p))
                {
                    Error(DiagnosticCodes.InvalidFunction, args[i], $"{where}: {fn}: data type '{dt.Name}' has no property '{seg}'{Near(seg, props.Keys)}.");
                    return;
                }
                schema = p.Schema;
            }
            else return;
        }
    }

    private bool Compatible(string actual, string expected)
    {
        if (actual == expected || expected.Length == 0 || actual.Length == 0) return true;
        if (actual == Primitive.Integer && expected == Primitive.Float) return true;
        string Base(string t) => types.Find(TypeKind.Data, t) is { } d ? types.PrimitiveBase(d) ?? t : t;
        if (Base(actual) == Base(expected)) return true;
        return types.IsA(TypeKind.Data, actual, expected);
    }

    // ---------------------------------------------------------------- message helpers

    private static string List(IEnumerable<string> names)
    {
        var l = names.Order(StringComparer.Ordinal).ToList();
        return l.Count == 0 ? "none" : l.Count <= 15 ? string.Join(", ", l) : string.Join(", ", l.Take(15)) + ", ...";
    }

    /// <summary>"; did you mean 'x'?" for a close name (edit distance at most 2, or a case difference).</summary>
    private static string Near(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestD = 3;
        foreach (var c in candidates)
        {
            if (Math.Abs(c.Length - name.Length) >= bestD) continue;
            var d = string.Equals(c, name, StringComparison.OrdinalIgnoreCase) ? 1 : Distance(c, name, bestD);
            if (d < bestD) { bestD = d; best = c; }
        }
        return best is null ? "" : $"; did you mean '{best}'?";
    }

    private string Hint(TypeKind kind, string name)
    {
        var n = Near(name, types.OwnTypes.Where(t => t.Kind == kind).Select(t => t.Name));
        return n.Length > 0 ? n : name.Contains(".nfv.", StringComparison.Ordinal)
            ? $" (neither the package's types nor the ETSI SOL001 v{etsiVersion} types define it)" : "";
    }

    private static int Distance(string a, string b, int limit)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            var rowMin = cur[0];
            for (var j = 1; j <= b.Length; j++)
            {
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                rowMin = Math.Min(rowMin, cur[j]);
            }
            if (rowMin >= limit) return limit;
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
