using System.Collections.Concurrent;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;

namespace Mano.Common;

/// <summary>The SOL data type of a filterable attribute; it decides which SOL013 operators apply (see <see cref="SolResource"/>).</summary>
public enum SolAttributeType
{
    String, Enum, Number, Boolean, DateTime,
    /// <summary>An attribute inside a JSON column whose type is not declared: compared as the JSON value it holds.</summary>
    Any,
}

/// <summary>
/// What a SOL resource offers to SOL013 queries: which attribute paths are filterable and how each maps onto the stored
/// row (a column, or a path inside a JSON text column), the stable sort key used for paging, and the attribute
/// selector sets of SOL013 5.3 (the "default exclude set" of the resource's GET list in SOL003/SOL005, the optional
/// complex attributes that "fields" excludes unless listed, and the known top-level attribute names).
/// Columns are named by the entity's property names and bound to the entity type on first use (a missing or
/// mistyped property fails fast with the resource's name).
/// </summary>
public sealed class SolResource(string name)
{
    private readonly Dictionary<string, (string Property, SolAttributeType Type)> _columns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Property, Dictionary<string, SolAttributeType> Typed)> _json = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, object> _bound = new();
    private readonly HashSet<string> _denied = new(StringComparer.Ordinal);

    /// <summary>The SOL data type name, e.g. "VnfInstance" (used in messages).</summary>
    public string Name { get; } = name;

    public string? SortTimeProperty { get; private set; }
    public string? SortIdProperty { get; private set; }

    /// <summary>False for resources whose GET list takes no attribute selectors (e.g. SOL003 subscriptions): they are ignored.</summary>
    public bool SupportsSelectors { get; private set; }
    public IReadOnlySet<string> DefaultExcluded { get; private set; } = new HashSet<string>();
    public IReadOnlySet<string> OptionalComplex { get; private set; } = new HashSet<string>();
    public IReadOnlySet<string> TopLevel { get; private set; } = new HashSet<string>();

    /// <summary>A filterable attribute stored in a column (property <paramref name="property"/> of the entity).</summary>
    public SolResource Column(string path, string property, SolAttributeType type = SolAttributeType.String)
    {
        _columns[path] = (property, type);
        return this;
    }

    /// <summary>
    /// A SOL sub-structure stored as JSON text in property <paramref name="property"/>: every attribute path under
    /// <paramref name="path"/> is filterable (arrays on the way match when any element matches); the types of the
    /// paths in <paramref name="typed"/> (relative to <paramref name="path"/>, "" for the attribute itself) are
    /// declared, others are <see cref="SolAttributeType.Any"/>.
    /// </summary>
    public SolResource Json(string path, string property, params (string SubPath, SolAttributeType Type)[] typed)
    {
        _json[path] = (property, typed.ToDictionary(t => t.SubPath, t => t.Type, StringComparer.Ordinal));
        return this;
    }

    /// <summary>Attribute names that are never filterable wherever they appear in a path (credentials, e.g. accessInfo).</summary>
    public SolResource Deny(params string[] names)
    {
        foreach (var n in names) _denied.Add(n);
        return this;
    }

    internal IReadOnlySet<string> Denied => _denied;

    /// <summary>The stable order of lists and the paging key: a UTC timestamp, then the unique id.</summary>
    public SolResource SortBy(string timeProperty, string idProperty)
    {
        SortTimeProperty = timeProperty;
        SortIdProperty = idProperty;
        return this;
    }

    /// <summary>SOL013 5.3 attribute selectors of this resource's GET list.</summary>
    /// <param name="defaultExcluded">The "default exclude set" the API's exclude_default parameter lists.</param>
    /// <param name="optionalComplex">Every top-level complex attribute of cardinality 0..x (what "fields" drops unless listed).</param>
    /// <param name="topLevel">Every top-level attribute name of the data type (names in fields/exclude_fields are checked against it).</param>
    public SolResource Selectors(IEnumerable<string> defaultExcluded, IEnumerable<string> optionalComplex, IEnumerable<string> topLevel)
    {
        SupportsSelectors = true;
        DefaultExcluded = defaultExcluded.ToHashSet(StringComparer.Ordinal);
        OptionalComplex = optionalComplex.Concat(DefaultExcluded).ToHashSet(StringComparer.Ordinal);
        TopLevel = topLevel.Concat(OptionalComplex).ToHashSet(StringComparer.Ordinal);
        return this;
    }

    /// <summary>The filterable attribute paths (for error messages and documentation).</summary>
    public IEnumerable<string> FilterableAttributes => _columns.Keys.Concat(_json.Keys.Select(k => k + "[/...]")).Order(StringComparer.Ordinal);

    internal SolBoundResource<TEntity> Bind<TEntity>() =>
        (SolBoundResource<TEntity>)_bound.GetOrAdd(typeof(TEntity), _ => new SolBoundResource<TEntity>(this));

    internal IReadOnlyDictionary<string, (string Property, SolAttributeType Type)> Columns => _columns;
    internal IReadOnlyDictionary<string, (string Property, Dictionary<string, SolAttributeType> Typed)> JsonColumns => _json;

    internal static IReadOnlyList<SolFilterOperator> Applicable(SolAttributeType type) => type switch
    {
        SolAttributeType.String => [SolFilterOperator.Eq, SolFilterOperator.Neq, SolFilterOperator.In, SolFilterOperator.Nin, SolFilterOperator.Cont, SolFilterOperator.Ncont],
        SolAttributeType.Enum => [SolFilterOperator.Eq, SolFilterOperator.Neq, SolFilterOperator.In, SolFilterOperator.Nin],
        SolAttributeType.Boolean => [SolFilterOperator.Eq, SolFilterOperator.Neq],
        SolAttributeType.Number or SolAttributeType.DateTime =>
            [SolFilterOperator.Eq, SolFilterOperator.Neq, SolFilterOperator.In, SolFilterOperator.Nin, SolFilterOperator.Gt, SolFilterOperator.Gte, SolFilterOperator.Lt, SolFilterOperator.Lte],
        _ => Enum.GetValues<SolFilterOperator>(),
    };
}

/// <summary>A <see cref="SolResource"/> bound to the entity type that stores it: builds the EF Core LINQ expressions.</summary>
internal sealed class SolBoundResource<TEntity>
{
    private static readonly MethodInfo StringContains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
    private static readonly MethodInfo StringCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;
    private static readonly MethodInfo JsonMatch = typeof(SolDbFunctions).GetMethod(nameof(SolDbFunctions.JsonMatch))!;

    private readonly SolResource _resource;
    private readonly ParameterExpression _row = Expression.Parameter(typeof(TEntity), "row");
    private readonly Expression _time;
    private readonly Expression _id;

    public SolBoundResource(SolResource resource)
    {
        _resource = resource;
        foreach (var (path, (property, _)) in resource.Columns) Property(property, $"attribute '{path}'");
        foreach (var (path, (property, _)) in resource.JsonColumns)
            if (Property(property, $"JSON attribute '{path}'").Type != typeof(string))
                throw new InvalidOperationException($"{resource.Name}: JSON attribute '{path}' must be stored in a string property, {typeof(TEntity).Name}.{property} is not.");
        if (resource.SortTimeProperty is null || resource.SortIdProperty is null)
            throw new InvalidOperationException($"{resource.Name}: no sort key (SortBy) declared.");
        _time = Property(resource.SortTimeProperty, "the sort time");
        _id = Property(resource.SortIdProperty, "the sort id");
        if (_time.Type != typeof(DateTime) || _id.Type != typeof(string))
            throw new InvalidOperationException($"{resource.Name}: the sort key must be (DateTime, string).");
        TimeOf = Expression.Lambda<Func<TEntity, DateTime>>(_time, _row).Compile();
        IdOf = Expression.Lambda<Func<TEntity, string>>(_id, _row).Compile();
    }

    public Func<TEntity, DateTime> TimeOf { get; }
    public Func<TEntity, string> IdOf { get; }

    private MemberExpression Property(string name, string what) =>
        typeof(TEntity).GetProperty(name, BindingFlags.Public | BindingFlags.Instance) is { } p
            ? Expression.Property(_row, p)
            : throw new InvalidOperationException($"{_resource.Name}: {what} maps to {typeof(TEntity).Name}.{name}, which does not exist.");

    public IQueryable<TEntity> Order(IQueryable<TEntity> query) =>
        query.OrderBy(Expression.Lambda<Func<TEntity, DateTime>>(_time, _row))
             .ThenBy(Expression.Lambda<Func<TEntity, string>>(_id, _row));

    /// <summary>Keyset paging: the rows strictly after (time, id) in the list order.</summary>
    public Expression<Func<TEntity, bool>> After(DateTime time, string id)
    {
        var t = Param(time);
        var later = Expression.GreaterThan(_time, t);
        var sameTimeLaterId = Expression.AndAlso(Expression.Equal(_time, t),
            Expression.GreaterThan(Expression.Call(StringCompare, _id, Param(id)), Expression.Constant(0)));
        return Expression.Lambda<Func<TEntity, bool>>(Expression.OrElse(later, sameTimeLaterId), _row);
    }

    public Expression<Func<TEntity, bool>>? Predicate(SolFilter filter)
    {
        Expression? all = null;
        foreach (var term in filter.Terms)
        {
            var e = Term(term);
            all = all is null ? e : Expression.AndAlso(all, e);
        }
        return all is null ? null : Expression.Lambda<Func<TEntity, bool>>(all, _row);
    }

    private Expression Term(SolFilterTerm term)
    {
        var path = term.AttributePath;
        if (term.Path.Any(_resource.Denied.Contains))
            throw new BadRequestProblem($"Invalid filter: '{path}' is not a filterable attribute of {_resource.Name}.");
        if (_resource.Columns.TryGetValue(path, out var column))
        {
            CheckApplicable(term, column.Type);
            return ColumnTerm(term, Property(column.Property, path), column.Type);
        }
        for (var i = term.Path.Count; i >= 1; i--)
        {
            var root = string.Join('/', term.Path.Take(i));
            if (!_resource.JsonColumns.TryGetValue(root, out var json)) continue;
            var sub = term.Path.Skip(i).ToList();
            var type = json.Typed.TryGetValue(string.Join('/', sub), out var declared) ? declared : SolAttributeType.Any;
            CheckApplicable(term, type);
            var spec = SolJsonMatchSpec.For(term, sub, type);
            Expression match = Expression.Call(JsonMatch, Property(json.Property, root), Expression.Constant(spec.ToJson()));
            return term.IsNegative ? Expression.Not(match) : match;
        }
        throw new BadRequestProblem($"Invalid filter: '{path}' is not a filterable attribute of {_resource.Name} " +
                                    $"(filterable: {string.Join(", ", _resource.FilterableAttributes)}).");
    }

    private static void CheckApplicable(SolFilterTerm term, SolAttributeType type)
    {
        var ok = SolResource.Applicable(type);
        if (!ok.Contains(term.Operator))
            throw new BadRequestProblem($"Invalid filter: the operator '{SolFilter.Name(term.Operator)}' does not apply to '{term.AttributePath}', " +
                                        $"a {type.ToString().ToLowerInvariant()} (applicable: {string.Join(", ", ok.Select(SolFilter.Name))}; SOL013 5.2.2).");
    }

    private static Expression ColumnTerm(SolFilterTerm term, MemberExpression member, SolAttributeType type)
    {
        var valueType = member.Type;
        var values = term.Values.Select(v => Convert(term, v, valueType, type)).ToList();
        switch (term.Operator)
        {
            case SolFilterOperator.Eq: return Expression.Equal(member, Param(values[0], valueType));
            case SolFilterOperator.Neq: return Expression.NotEqual(member, Param(values[0], valueType));
            case SolFilterOperator.Gt: return Compare(member, Param(values[0], valueType), Expression.GreaterThan);
            case SolFilterOperator.Gte: return Compare(member, Param(values[0], valueType), Expression.GreaterThanOrEqual);
            case SolFilterOperator.Lt: return Compare(member, Param(values[0], valueType), Expression.LessThan);
            case SolFilterOperator.Lte: return Compare(member, Param(values[0], valueType), Expression.LessThanOrEqual);
            case SolFilterOperator.In or SolFilterOperator.Nin:
            {
                var list = typeof(List<>).MakeGenericType(valueType);
                var typed = (System.Collections.IList)Activator.CreateInstance(list)!;
                foreach (var v in values) typed.Add(v);
                var contains = Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [valueType], Param(typed, list), member);
                return term.Operator == SolFilterOperator.In ? contains : Expression.Not(contains);
            }
            case SolFilterOperator.Cont or SolFilterOperator.Ncont:
            {
                Expression? any = null;
                foreach (var v in values)
                {
                    var c = Expression.Call(member, StringContains, Param(v, typeof(string)));
                    any = any is null ? c : Expression.OrElse(any, c);
                }
                var cont = Expression.AndAlso(Expression.NotEqual(member, Expression.Constant(null, typeof(string))), any!);
                return term.Operator == SolFilterOperator.Cont ? cont : Expression.Not(cont);
            }
            default: throw new ArgumentOutOfRangeException(nameof(term));
        }
    }

    private static BinaryExpression Compare(Expression member, Expression value, Func<Expression, Expression, BinaryExpression> op) => op(member, value);

    private static object? Convert(SolFilterTerm term, string value, Type clrType, SolAttributeType type)
    {
        var target = Nullable.GetUnderlyingType(clrType) ?? clrType;
        try
        {
            if (target == typeof(string)) return value;
            if (target == typeof(bool))
                return value switch { "true" => true, "false" => false, _ => throw new FormatException() };
            if (target == typeof(DateTime))
                return DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime;
            if (target == typeof(DateTimeOffset))
                return DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            return System.Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException)
        {
            throw new BadRequestProblem($"Invalid filter: '{value}' is not a valid {type.ToString().ToLowerInvariant()} value for '{term.AttributePath}'" +
                                        (type == SolAttributeType.DateTime ? " (expected an RFC 3339 date-time, e.g. 2025-01-31T12:00:00Z)." : "."));
        }
    }

    /// <summary>A value EF Core sends as a query parameter (a captured member, not a constant baked into the SQL).</summary>
    private static MemberExpression Param(object? value, Type? type = null)
    {
        var t = type ?? value!.GetType();
        var box = Activator.CreateInstance(typeof(SolQueryValue<>).MakeGenericType(t), value)!;
        return Expression.Property(Expression.Constant(box), "Value");
    }
}

/// <summary>Holds a filter value so that EF Core parameterises it.</summary>
internal sealed class SolQueryValue<T>(T value)
{
    public T Value { get; } = value;
}
