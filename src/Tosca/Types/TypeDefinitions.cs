using System.Globalization;
using System.Runtime.CompilerServices;
using YamlDotNet.RepresentationModel;

[assembly: InternalsVisibleTo("Mano.Tosca.Tests")]

namespace Mano.Tosca;

/// <summary>The eight kinds of TOSCA type.</summary>
internal enum TypeKind { Data, Artifact, Capability, Interface, Relationship, Node, Group, Policy }

internal static class TypeKinds
{
    public static readonly (TypeKind Kind, string Section)[] Sections =
    [
        (TypeKind.Data, "data_types"), (TypeKind.Artifact, "artifact_types"), (TypeKind.Capability, "capability_types"),
        (TypeKind.Interface, "interface_types"), (TypeKind.Relationship, "relationship_types"), (TypeKind.Node, "node_types"),
        (TypeKind.Group, "group_types"), (TypeKind.Policy, "policy_types"),
    ];

    public static string Noun(this TypeKind k) => k switch
    {
        TypeKind.Data => "data type", TypeKind.Artifact => "artifact type", TypeKind.Capability => "capability type",
        TypeKind.Interface => "interface type", TypeKind.Relationship => "relationship type", TypeKind.Node => "node type",
        TypeKind.Group => "group type", _ => "policy type",
    };
}

/// <summary>TOSCA primitive and special types (TOSCA 1.3 section 3.3).</summary>
internal static class Primitive
{
    public const string String = "string", Integer = "integer", Float = "float", Boolean = "boolean", Timestamp = "timestamp",
        Null = "null", Version = "version", Range = "range", List = "list", Map = "map",
        Size = "scalar-unit.size", Time = "scalar-unit.time", Frequency = "scalar-unit.frequency", Bitrate = "scalar-unit.bitrate";

    private static readonly HashSet<string> All = new(StringComparer.Ordinal)
        { String, Integer, Float, Boolean, Timestamp, Null, Version, Range, List, Map, Size, Time, Frequency, Bitrate };

    public static bool Is(string? name) => name is not null && All.Contains(name);
}

/// <summary>A type with its constraints and, for list/map, its entry (and key) schema.</summary>
internal sealed record Schema(string Type, YamlNode? TypeNode, IReadOnlyList<Constraint> Constraints, Schema? Entry, Schema? Key);

/// <summary>A constraint clause: operator and its (unparsed) argument.</summary>
internal sealed record Constraint(string Operator, YamlNode Argument, string File);

/// <summary>A property, attribute or parameter definition.</summary>
internal sealed record PropertyDef(string Name, YamlNode NameNode, string File, Schema Schema, bool Required, YamlNode? Default, bool HasType, bool HasRequired);

/// <summary>occurrences: [min, max]; max null = UNBOUNDED.</summary>
internal readonly record struct Occurrences(int Min, int? Max)
{
    public override string ToString() => $"[{Min}, {(Max is { } m ? m.ToString(CultureInfo.InvariantCulture) : "UNBOUNDED")}]";
}

internal sealed record RequirementDef(string Name, YamlNode NameNode, string File, string? Capability, string? Node, string? Relationship,
    Occurrences Occurrences, YamlNode Body);

internal sealed record CapabilityDef(string Name, YamlNode NameNode, string File, string? Type, IReadOnlyDictionary<string, PropertyDef> Properties,
    IReadOnlyList<string> ValidSourceTypes, Occurrences? Occurrences);

/// <summary>An interface of a node/relationship/group type: its interface type and the operations declared inline.</summary>
internal sealed record InterfaceDef(string Name, YamlNode NameNode, string File, string? Type, IReadOnlySet<string> Operations);

/// <summary>One type definition as written in one file.</summary>
internal sealed class TypeDef
{
    public required TypeKind Kind { get; init; }
    public required string Name { get; init; }
    public required YamlNode NameNode { get; init; }
    public required string File { get; init; }
    public required YamlMappingNode Body { get; init; }
    public string? DerivedFrom { get; init; }
    public YamlNode? DerivedFromNode { get; init; }
    public IReadOnlyDictionary<string, PropertyDef> Properties { get; init; } = Empty<PropertyDef>.Map;
    public IReadOnlyDictionary<string, PropertyDef> Attributes { get; init; } = Empty<PropertyDef>.Map;
    public IReadOnlyList<RequirementDef> Requirements { get; init; } = [];
    public IReadOnlyDictionary<string, CapabilityDef> Capabilities { get; init; } = Empty<CapabilityDef>.Map;
    public IReadOnlyDictionary<string, InterfaceDef> Interfaces { get; init; } = Empty<InterfaceDef>.Map;
    /// <summary>Artifacts of a node type, name to body (or short-form file scalar).</summary>
    public IReadOnlyDictionary<string, YamlNode> Artifacts { get; init; } = Empty<YamlNode>.Map;
    /// <summary>Operation names of an interface type (TOSCA 1.2 inline keys and 1.3 'operations'/'notifications').</summary>
    public IReadOnlySet<string> Operations { get; init; } = Empty<string>.Set;
    /// <summary>valid_target_types (relationship), valid_source_types (capability), members (group), targets (policy).</summary>
    public IReadOnlyList<(string Name, YamlNode Node)> TypeRefs { get; init; } = [];
    /// <summary>Constraints of a data type derived from a primitive, and its entry/key schema when derived from list/map.</summary>
    public IReadOnlyList<Constraint> Constraints { get; init; } = [];
    public Schema? EntrySchema { get; init; }
    public Schema? KeySchema { get; init; }

    public override string ToString() => $"{Kind.Noun()} '{Name}'";
}

internal static class Empty<T>
{
    public static readonly IReadOnlyDictionary<string, T> Map = new Dictionary<string, T>(StringComparer.Ordinal);
    public static readonly IReadOnlySet<string> Set = new HashSet<string>(StringComparer.Ordinal);
}

/// <summary>The type definitions of one YAML file, parsed once (bundled files and package copies of ETSI files are cached).</summary>
internal sealed class TypeSource
{
    public required string File { get; init; }
    public required IReadOnlyList<TypeDef> Types { get; init; }
    /// <summary>Problems found in the definitions themselves (bad constraint clauses, ...), replayed for every package using the source.</summary>
    public required IReadOnlyList<Diagnostic> Diagnostics { get; init; }
    /// <summary>True for Mano's normative types and the bundled ETSI files (checked by tests, not per package).</summary>
    public bool Bundled { get; init; }

    private static readonly HashSet<string> InterfaceReserved = new(StringComparer.Ordinal)
        { "derived_from", "version", "metadata", "description", "inputs", "operations", "notifications" };

    /// <summary>Reads every *_types section of a file.</summary>
    public static TypeSource Parse(string file, YamlMappingNode root, bool bundled)
    {
        var diags = new DiagnosticBag();
        var types = new List<TypeDef>();
        foreach (var (kind, section) in TypeKinds.Sections)
        {
            var sectionNode = root.Get(section);
            if (sectionNode is null || (sectionNode is YamlScalarNode && sectionNode.Str() is null)) continue;
            if (sectionNode is not YamlMappingNode)
            {
                diags.Error(DiagnosticCodes.InvalidDefinition, file, sectionNode.Line(), sectionNode.Col(), $"'{section}' must be a map of type names to definitions.");
                continue;
            }
            foreach (var (name, key, value) in sectionNode.Entries())
            {
                var body = value is YamlScalarNode && value.Str() is null ? new YamlMappingNode() : value; // "tosca.nodes.X:" with nothing
                if (body is not YamlMappingNode m)
                {
                    diags.Error(DiagnosticCodes.InvalidDefinition, file, body.Line(), body.Col(), $"The definition of {kind.Noun()} '{name}' must be a map.");
                    continue;
                }
                types.Add(ParseType(kind, name, key, m, file, diags));
            }
        }
        return new TypeSource { File = file, Types = types, Diagnostics = diags.Items.ToList(), Bundled = bundled };
    }

    private static TypeDef ParseType(TypeKind kind, string name, YamlNode key, YamlMappingNode body, string file, DiagnosticBag diags)
    {
        var derived = body.Get("derived_from");
        var ctx = $"{kind.Noun()} '{name}'";
        IReadOnlyList<(string, YamlNode)> refs = kind switch
        {
            TypeKind.Relationship => TypeList(body.Get("valid_target_types")),
            TypeKind.Capability => TypeList(body.Get("valid_source_types")),
            TypeKind.Group => TypeList(body.Get("members")),
            TypeKind.Policy => TypeList(body.Get("targets")),
            _ => [],
        };
        var ops = new HashSet<string>(StringComparer.Ordinal);
        if (kind == TypeKind.Interface)
        {
            foreach (var (op, _, _) in body.Entries())
                if (!InterfaceReserved.Contains(op)) ops.Add(op);
            foreach (var (op, _, _) in body.Get("operations").Entries()) ops.Add(op);
            foreach (var (op, _, _) in body.Get("notifications").Entries()) ops.Add(op);
        }
        return new TypeDef
        {
            Kind = kind, Name = name, NameNode = key, File = file, Body = body,
            DerivedFrom = derived.Str(), DerivedFromNode = derived,
            Properties = Definitions(body.Get("properties"), file, ctx, "properties", diags),
            Attributes = Definitions(body.Get("attributes"), file, ctx, "attributes", diags),
            Requirements = kind == TypeKind.Node ? Requirements(body.Get("requirements"), file, ctx, diags) : [],
            Capabilities = kind == TypeKind.Node ? Capabilities(body.Get("capabilities"), file, ctx, diags) : Empty<CapabilityDef>.Map,
            Interfaces = kind is TypeKind.Node or TypeKind.Relationship or TypeKind.Group ? Interfaces(body.Get("interfaces"), file) : Empty<InterfaceDef>.Map,
            Artifacts = kind == TypeKind.Node ? body.Get("artifacts").Entries().ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal) : Empty<YamlNode>.Map,
            Operations = ops,
            TypeRefs = refs,
            Constraints = kind == TypeKind.Data ? Constraints(body.Get("constraints"), file, ctx, diags) : [],
            EntrySchema = kind == TypeKind.Data && body.Get("entry_schema") is { } es ? SchemaOf(es, file, ctx + " entry_schema", diags) : null,
            KeySchema = kind == TypeKind.Data && body.Get("key_schema") is { } ks ? SchemaOf(ks, file, ctx + " key_schema", diags) : null,
        };
    }

    private static List<(string, YamlNode)> TypeList(YamlNode? node)
    {
        var list = new List<(string, YamlNode)>();
        if (node is YamlSequenceNode s)
        {
            foreach (var i in s.Children)
                if (i.Str() is { } t) list.Add((t, i));
        }
        else if (node.Str() is { } one) list.Add((one, node!));
        return list;
    }

    /// <summary>properties / attributes / inputs definitions.</summary>
    internal static IReadOnlyDictionary<string, PropertyDef> Definitions(YamlNode? node, string file, string ctx, string what, DiagnosticBag diags)
    {
        if (node is null || (node is YamlScalarNode && node.Str() is null)) return Empty<PropertyDef>.Map;
        if (node is not YamlMappingNode)
        {
            diags.Error(DiagnosticCodes.InvalidDefinition, file, node.Line(), node.Col(), $"{ctx}: '{what}' must be a map.");
            return Empty<PropertyDef>.Map;
        }
        var map = new Dictionary<string, PropertyDef>(StringComparer.Ordinal);
        foreach (var (name, key, body) in node.Entries())
        {
            if (body is not YamlMappingNode)
            {
                // TOSCA 1.3 short form is not defined for property definitions; SOL001 never uses one.
                diags.Error(DiagnosticCodes.InvalidDefinition, file, body.Line(), body.Col(), $"{ctx}: the definition of '{name}' must be a map with a 'type'.");
                continue;
            }
            map[name] = PropertyOf(name, key, body, file, $"{ctx} {Singular(what)} '{name}'", diags);
        }
        return map;
    }

    private static string Singular(string what) => what switch { "properties" => "property", "attributes" => "attribute", "inputs" => "input", _ => what };

    internal static PropertyDef PropertyOf(string name, YamlNode key, YamlNode body, string file, string ctx, DiagnosticBag diags)
    {
        var typeNode = body.Get("type");
        var schema = SchemaOf(body, file, ctx, diags);
        var requiredNode = body.Get("required");
        var required = true;
        if (requiredNode is not null)
        {
            var r = Values.ParseBool(requiredNode.Str());
            if (r is null)
                diags.Error(DiagnosticCodes.InvalidDefinition, file, requiredNode.Line(), requiredNode.Col(), $"{ctx}: 'required' must be true or false.");
            else required = r.Value;
        }
        return new PropertyDef(name, key, file, schema, required, body.Get("default"), typeNode is not null, requiredNode is not null);
    }

    internal static Schema SchemaOf(YamlNode node, string file, string ctx, DiagnosticBag diags)
    {
        if (node is YamlScalarNode s) return new Schema(s.Value ?? "", s, [], null, null); // entry_schema: string
        var typeNode = node.Get("type");
        var entry = node.Get("entry_schema");
        var key = node.Get("key_schema");
        return new Schema(typeNode.Str() ?? "", typeNode, Constraints(node.Get("constraints"), file, ctx, diags),
            entry is null ? null : SchemaOf(entry, file, ctx + " entry_schema", diags),
            key is null ? null : SchemaOf(key, file, ctx + " key_schema", diags));
    }

    internal static readonly HashSet<string> Operators = new(StringComparer.Ordinal)
    {
        "equal", "greater_than", "greater_or_equal", "less_than", "less_or_equal", "in_range", "valid_values",
        "length", "min_length", "max_length", "pattern", "schema",
    };

    internal static IReadOnlyList<Constraint> Constraints(YamlNode? node, string file, string ctx, DiagnosticBag diags)
    {
        if (node is null || (node is YamlScalarNode && node.Str() is null)) return [];
        if (node is not YamlSequenceNode seq)
        {
            diags.Error(DiagnosticCodes.InvalidDefinition, file, node.Line(), node.Col(), $"{ctx}: 'constraints' must be a list of clauses.");
            return [];
        }
        var list = new List<Constraint>();
        foreach (var item in seq.Children)
        {
            if (item is not YamlMappingNode m || m.Children.Count != 1 || m.Children.First().Key is not YamlScalarNode k)
            {
                diags.Error(DiagnosticCodes.InvalidDefinition, file, item.Line(), item.Col(), $"{ctx}: a constraint clause must be a single 'operator: value' entry.");
                continue;
            }
            var op = k.Value ?? "";
            var arg = m.Children.First().Value;
            if (!Operators.Contains(op))
            {
                diags.Error(DiagnosticCodes.InvalidDefinition, file, k.Line(), k.Col(), $"{ctx}: unknown constraint operator '{op}' (known: {string.Join(", ", Operators.Order(StringComparer.Ordinal))}).");
                continue;
            }
            if (op is "in_range" && (arg is not YamlSequenceNode r || r.Children.Count != 2))
            {
                diags.Error(DiagnosticCodes.InvalidDefinition, file, arg.Line(), arg.Col(), $"{ctx}: in_range needs a list of two values.");
                continue;
            }
            if (op is "valid_values" && arg is not YamlSequenceNode)
            {
                diags.Error(DiagnosticCodes.InvalidDefinition, file, arg.Line(), arg.Col(), $"{ctx}: valid_values needs a list.");
                continue;
            }
            if (op is "length" or "min_length" or "max_length" && Values.ParseInt(arg.Str()) is not >= 0)
            {
                diags.Error(DiagnosticCodes.InvalidDefinition, file, arg.Line(), arg.Col(), $"{ctx}: {op} needs a non-negative integer.");
                continue;
            }
            if (op == "pattern" && (arg.Str() is not { } p || Values.Regex(p) is null))
            {
                diags.Error(DiagnosticCodes.InvalidDefinition, file, arg.Line(), arg.Col(), $"{ctx}: pattern '{arg.Str()}' is not a valid regular expression.");
                continue;
            }
            list.Add(new Constraint(op, arg, file));
        }
        return list;
    }

    internal static Occurrences? OccurrencesOf(YamlNode? node, string file, string ctx, DiagnosticBag diags)
    {
        if (node is null) return null;
        if (node is YamlSequenceNode { Children.Count: 2 } s)
        {
            var min = Values.ParseInt(s.Children[0].Str());
            var maxText = s.Children[1].Str();
            int? max = maxText == "UNBOUNDED" ? null : Values.ParseInt(maxText) is { } m && m <= int.MaxValue ? (int)m : -1;
            if (min is >= 0 and <= int.MaxValue && max is null or >= 0 && (max is null || max >= min))
                return new Occurrences((int)min, max);
        }
        diags.Error(DiagnosticCodes.InvalidDefinition, file, node.Line(), node.Col(), $"{ctx}: occurrences must be [min, max] with 0 <= min <= max (or max UNBOUNDED).");
        return null;
    }

    private static IReadOnlyList<RequirementDef> Requirements(YamlNode? node, string file, string ctx, DiagnosticBag diags)
    {
        if (node is null || (node is YamlScalarNode && node.Str() is null)) return [];
        if (node is not YamlSequenceNode seq)
        {
            diags.Error(DiagnosticCodes.InvalidDefinition, file, node.Line(), node.Col(), $"{ctx}: 'requirements' must be a list.");
            return [];
        }
        var list = new List<RequirementDef>();
        foreach (var item in seq.Children)
            foreach (var (name, key, body) in item.Entries())
            {
                var rctx = $"{ctx} requirement '{name}'";
                if (body is YamlScalarNode)
                {
                    list.Add(new RequirementDef(name, key, file, body.Str(), null, null, new Occurrences(1, 1), body));
                    continue;
                }
                var rel = body.Get("relationship");
                var relName = rel is YamlMappingNode ? rel.Get("type").Str() : rel.Str();
                var occ = OccurrencesOf(body.Get("occurrences"), file, rctx, diags) ?? new Occurrences(1, 1);
                list.Add(new RequirementDef(name, key, file, body.Get("capability").Str(), body.Get("node").Str(), relName, occ, body));
            }
        return list;
    }

    private static IReadOnlyDictionary<string, CapabilityDef> Capabilities(YamlNode? node, string file, string ctx, DiagnosticBag diags)
    {
        var map = new Dictionary<string, CapabilityDef>(StringComparer.Ordinal);
        foreach (var (name, key, body) in node.Entries())
        {
            var cctx = $"{ctx} capability '{name}'";
            if (body is YamlScalarNode)
            {
                map[name] = new CapabilityDef(name, key, file, body.Str(), Empty<PropertyDef>.Map, [], null);
                continue;
            }
            map[name] = new CapabilityDef(name, key, file, body.Get("type").Str(),
                Definitions(body.Get("properties"), file, cctx, "properties", diags),
                TypeList(body.Get("valid_source_types")).Select(t => t.Item1).ToList(),
                OccurrencesOf(body.Get("occurrences"), file, cctx, diags));
        }
        return map;
    }

    private static IReadOnlyDictionary<string, InterfaceDef> Interfaces(YamlNode? node, string file)
    {
        var map = new Dictionary<string, InterfaceDef>(StringComparer.Ordinal);
        foreach (var (name, key, body) in node.Entries())
        {
            var ops = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (op, _, _) in body.Entries())
                if (!InterfaceReserved.Contains(op) && op != "type") ops.Add(op);
            foreach (var (op, _, _) in body.Get("operations").Entries()) ops.Add(op);
            map[name] = new InterfaceDef(name, key, file, body is YamlScalarNode ? body.Str() : body.Get("type").Str(), ops);
        }
        return map;
    }
}
