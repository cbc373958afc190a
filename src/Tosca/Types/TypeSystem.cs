using System.Collections.Concurrent;
using YamlDotNet.RepresentationModel;

namespace Mano.Tosca;

/// <summary>
/// The types visible to one service template: the package's own type files (first definition wins), over a shared, immutable
/// base of Mano's normative TOSCA types and the bundled ETSI SOL001 types of one version. Inherited members
/// (properties, requirements, ...) are merged along derived_from chains lazily and cached. Thread-safe for reads.
/// </summary>
internal sealed class TypeSystem
{
    private readonly Dictionary<(TypeKind, string), TypeDef> _own = new();
    private readonly TypeSystem? _base;
    private readonly ConcurrentDictionary<TypeDef, Resolved> _resolved = new(ReferenceEqualityComparer.Instance);

    /// <summary>Types of the given sources, the first definition of a name winning, over <paramref name="baseSystem"/>.</summary>
    public TypeSystem(IEnumerable<TypeSource> sources, TypeSystem? baseSystem)
    {
        _base = baseSystem;
        foreach (var src in sources)
            foreach (var t in src.Types)
                _own.TryAdd((t.Kind, t.Name), t);
    }

    /// <summary>Type definitions of the own layer (not the base), in no particular order.</summary>
    public IEnumerable<TypeDef> OwnTypes => _own.Values;

    public TypeDef? Find(TypeKind kind, string? name)
    {
        if (name is null) return null;
        if (_own.TryGetValue((kind, name), out var t)) return t;
        return _base?.Find(kind, name);
    }

    /// <summary>True for a primitive type name or a defined data type.</summary>
    public bool IsKnownDataType(string? name) => Primitive.Is(name) || Find(TypeKind.Data, name) is not null;

    /// <summary>The type and its ancestors, nearest first (stops at an unknown parent or a cycle).</summary>
    public IReadOnlyList<TypeDef> Chain(TypeDef t) => Resolve(t).Chain;

    /// <summary>True when <paramref name="type"/> is <paramref name="ancestor"/> or derives from it.</summary>
    public bool IsA(TypeKind kind, string? type, string ancestor)
    {
        if (type is null) return false;
        if (type == ancestor) return true;
        var t = Find(kind, type);
        return t is not null && Resolve(t).Names.Contains(ancestor);
    }

    public IReadOnlyDictionary<string, PropertyDef> Properties(TypeDef t) => Resolve(t).Properties;
    public IReadOnlyDictionary<string, PropertyDef> Attributes(TypeDef t) => Resolve(t).Attributes;
    public IReadOnlyDictionary<string, RequirementDef> Requirements(TypeDef t) => Resolve(t).Requirements;
    public IReadOnlyDictionary<string, CapabilityDef> Capabilities(TypeDef t) => Resolve(t).Capabilities;
    public IReadOnlyDictionary<string, InterfaceDef> Interfaces(TypeDef t) => Resolve(t).Interfaces;
    public IReadOnlyDictionary<string, YamlNode> Artifacts(TypeDef t) => Resolve(t).Artifacts;
    /// <summary>valid_target_types / members / targets of the nearest type in the chain that declares some.</summary>
    public IReadOnlyList<(string Name, YamlNode Node)> TypeRefs(TypeDef t) => Resolve(t).TypeRefs;

    /// <summary>Operation names of an interface type, inherited ones included.</summary>
    public IReadOnlySet<string> Operations(TypeDef t) => Resolve(t).Operations;

    /// <summary>For a data type derived (directly or not) from a primitive: that primitive, else null (a complex data type).</summary>
    public string? PrimitiveBase(TypeDef t) => Resolve(t).PrimitiveBase;

    private sealed record Resolved(IReadOnlyList<TypeDef> Chain, IReadOnlySet<string> Names, string? PrimitiveBase,
        IReadOnlyDictionary<string, PropertyDef> Properties, IReadOnlyDictionary<string, PropertyDef> Attributes,
        IReadOnlyDictionary<string, RequirementDef> Requirements, IReadOnlyDictionary<string, CapabilityDef> Capabilities,
        IReadOnlyDictionary<string, InterfaceDef> Interfaces, IReadOnlyDictionary<string, YamlNode> Artifacts,
        IReadOnlyList<(string, YamlNode)> TypeRefs, IReadOnlySet<string> Operations);

    private bool Owns(TypeDef t) => _own.TryGetValue((t.Kind, t.Name), out var mine) && ReferenceEquals(mine, t);

    private Resolved Resolve(TypeDef t)
    {
        if (Owns(t)) return _resolved.GetOrAdd(t, Build);
        // A type of the base layer resolves within the base, so that the shared cache never depends on a package;
        // a shadowed duplicate definition is resolved here, uncached.
        return _base is not null && _base.Owns(t) ? _base.Resolve(t) : Build(t);
    }

    private Resolved Build(TypeDef t)
    {
        var chain = new List<TypeDef>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        string? primitive = null;
        for (var cur = t; cur is not null && names.Add(cur.Name); )
        {
            chain.Add(cur);
            if (cur.DerivedFrom is null) break;
            if (cur.Kind == TypeKind.Data && Primitive.Is(cur.DerivedFrom)) { primitive = cur.DerivedFrom; names.Add(cur.DerivedFrom); break; }
            cur = Find(cur.Kind, cur.DerivedFrom);
        }
        var props = new Dictionary<string, PropertyDef>(StringComparer.Ordinal);
        var attrs = new Dictionary<string, PropertyDef>(StringComparer.Ordinal);
        var reqs = new Dictionary<string, RequirementDef>(StringComparer.Ordinal);
        var caps = new Dictionary<string, CapabilityDef>(StringComparer.Ordinal);
        var ifaces = new Dictionary<string, InterfaceDef>(StringComparer.Ordinal);
        var arts = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var ops = new HashSet<string>(StringComparer.Ordinal);
        IReadOnlyList<(string, YamlNode)> refs = [];
        for (var i = chain.Count - 1; i >= 0; i--) // root first, so that descendants refine
        {
            var c = chain[i];
            foreach (var (k, p) in c.Properties) props[k] = props.TryGetValue(k, out var parent) ? Refine(parent, p) : p;
            foreach (var (k, p) in c.Attributes) attrs[k] = attrs.TryGetValue(k, out var parent) ? Refine(parent, p) : p;
            foreach (var r in c.Requirements) reqs[r.Name] = r;
            foreach (var (k, cap) in c.Capabilities)
                caps[k] = caps.TryGetValue(k, out var parent) && cap.Type is null ? cap with { Type = parent.Type } : cap;
            foreach (var (k, itf) in c.Interfaces)
                ifaces[k] = ifaces.TryGetValue(k, out var parent)
                    ? itf with { Type = itf.Type ?? parent.Type, Operations = parent.Operations.Union(itf.Operations).ToHashSet(StringComparer.Ordinal) }
                    : itf;
            foreach (var (k, a) in c.Artifacts) arts[k] = a;
            ops.UnionWith(c.Operations);
            if (c.TypeRefs.Count > 0) refs = c.TypeRefs;
        }
        return new Resolved(chain, names, primitive, props, attrs, reqs, caps, ifaces, arts, refs, ops);
    }

    /// <summary>
    /// TOSCA refinement: a redefinition keeps the parent's type, schema, 'required' and default unless it states its own;
    /// constraints of the same type add up.
    /// </summary>
    private static PropertyDef Refine(PropertyDef parent, PropertyDef child)
    {
        Schema schema;
        if (!child.HasType)
            schema = parent.Schema with { Constraints = [.. parent.Schema.Constraints, .. child.Schema.Constraints] };
        else if (child.Schema.Type == parent.Schema.Type)
            schema = child.Schema with
            {
                Constraints = [.. parent.Schema.Constraints, .. child.Schema.Constraints],
                Entry = child.Schema.Entry ?? parent.Schema.Entry,
                Key = child.Schema.Key ?? parent.Schema.Key,
            };
        else schema = child.Schema;
        return child with
        {
            Schema = schema,
            Required = child.HasRequired ? child.Required : parent.Required,
            HasRequired = child.HasRequired || parent.HasRequired,
            Default = child.Default ?? parent.Default,
            HasType = child.HasType || parent.HasType,
        };
    }

    // ---------------------------------------------------------------- definition checks

    /// <summary>
    /// Checks the own layer's type definitions: parents exist and chains are acyclic, referenced types exist.
    /// Bundled sources are verified by tests and skipped.
    /// </summary>
    public void CheckDefinitions(IEnumerable<TypeSource> sources, DiagnosticBag diags)
    {
        foreach (var src in sources)
        {
            if (src.Bundled) continue;
            foreach (var t in src.Types)
            {
                if (!ReferenceEquals(Find(t.Kind, t.Name), t)) continue; // shadowed duplicate
                CheckType(t, diags);
            }
        }
    }

    private void CheckType(TypeDef t, DiagnosticBag diags)
    {
        var f = t.File;
        if (t.DerivedFrom is { } parent)
        {
            if (!(t.Kind == TypeKind.Data && Primitive.Is(parent)) && Find(t.Kind, parent) is null)
                diags.Error(DiagnosticCodes.UnknownParentType, f, t.DerivedFromNode.Line(), t.DerivedFromNode.Col(),
                    $"{t}: derived_from '{parent}' is not a known {t.Kind.Noun()}.");
            else
            {
                // cycle: walk up until the root, an unknown type, or back to t
                var seen = new HashSet<string>(StringComparer.Ordinal) { t.Name };
                for (var cur = Find(t.Kind, parent); cur is not null; cur = cur.DerivedFrom is { } p ? Find(t.Kind, p) : null)
                {
                    if (!seen.Add(cur.Name))
                    {
                        if (cur.Name == t.Name)
                            diags.Error(DiagnosticCodes.TypeCycle, f, t.DerivedFromNode.Line(), t.DerivedFromNode.Col(),
                                $"{t}: derived_from chain is a cycle ({string.Join(" -> ", seen)} -> {t.Name}).");
                        break;
                    }
                }
            }
        }
        void Data(Schema s, string what)
        {
            if (s.Type.Length == 0)
                diags.Error(DiagnosticCodes.InvalidDefinition, f, s.TypeNode.Line(), s.TypeNode.Col(), $"{t}: {what} has no type.");
            else if (!IsKnownDataType(s.Type))
                diags.Error(DiagnosticCodes.UnknownType, f, s.TypeNode.Line(), s.TypeNode.Col(), $"{t}: {what} has type '{s.Type}', which is not a known data type.");
            if (s.Entry is not null) Data(s.Entry, what + " entry_schema");
            if (s.Key is not null) Data(s.Key, what + " key_schema");
        }
        void Ref(TypeKind kind, string? name, YamlNode? at, string what)
        {
            if (name is not null && Find(kind, name) is null)
                diags.Error(DiagnosticCodes.UnknownType, f, at.Line(), at.Col(), $"{t}: {what} '{name}' is not a known {kind.Noun()}.");
        }
        foreach (var p in t.Properties.Values) if (p.HasType || !InheritsMember(t, p.Name, attr: false)) Data(p.Schema, $"property '{p.Name}'");
        foreach (var p in t.Attributes.Values) if (p.HasType || !InheritsMember(t, p.Name, attr: true)) Data(p.Schema, $"attribute '{p.Name}'");
        if (t.EntrySchema is not null) Data(t.EntrySchema, "entry_schema");
        foreach (var r in t.Requirements)
        {
            Ref(TypeKind.Capability, r.Capability, r.Body is YamlScalarNode ? r.Body : r.Body.Get("capability"), $"requirement '{r.Name}' capability");
            Ref(TypeKind.Node, r.Node, r.Body.Get("node"), $"requirement '{r.Name}' node");
            Ref(TypeKind.Relationship, r.Relationship, r.Body.Get("relationship") is YamlMappingNode rm ? rm.Get("type") : r.Body.Get("relationship"), $"requirement '{r.Name}' relationship");
        }
        foreach (var c in t.Capabilities.Values)
        {
            var body = t.Body.Get("capabilities", c.Name);
            Ref(TypeKind.Capability, c.Type, body is YamlScalarNode ? body : body.Get("type"), $"capability '{c.Name}' type");
            foreach (var s in c.ValidSourceTypes) Ref(TypeKind.Node, s, body.Get("valid_source_types"), $"capability '{c.Name}' valid source type");
        }
        foreach (var i in t.Interfaces.Values)
        {
            var body = t.Body.Get("interfaces", i.Name);
            Ref(TypeKind.Interface, i.Type, body is YamlScalarNode ? body : body.Get("type"), $"interface '{i.Name}' type");
        }
        foreach (var (name, node) in t.TypeRefs)
        {
            switch (t.Kind)
            {
                case TypeKind.Relationship: Ref(TypeKind.Capability, name, node, "valid target type"); break;
                case TypeKind.Capability: Ref(TypeKind.Node, name, node, "valid source type"); break;
                case TypeKind.Group: Ref(TypeKind.Node, name, node, "member type"); break;
                case TypeKind.Policy:
                    if (Find(TypeKind.Node, name) is null && Find(TypeKind.Group, name) is null)
                        diags.Error(DiagnosticCodes.UnknownType, f, node.Line(), node.Col(), $"{t}: target type '{name}' is not a known node type or group type.");
                    break;
            }
        }
    }

    private bool InheritsMember(TypeDef t, string name, bool attr)
    {
        var parent = t.DerivedFrom is { } p ? Find(t.Kind, p) : null;
        if (parent is null) return false;
        return (attr ? Attributes(parent) : Properties(parent)).ContainsKey(name);
    }
}
