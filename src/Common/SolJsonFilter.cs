using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Mano.Common;

/// <summary>
/// Database functions of the SOL013 query layer (ADR-0007). <see cref="JsonMatch"/> filters on an attribute inside a
/// JSON text column, in the database: PostgreSQL evaluates it as <c>jsonb_path_exists(CAST(col AS jsonb), 'lax $."a"."b" ? (...)')</c>,
/// SQLite as the deterministic function <c>mano_json_match(col, spec)</c> registered on every connection Mano opens
/// (so the WHERE clause, ORDER BY and LIMIT all run in the SQLite engine). Outside a query it evaluates in memory with the
/// same semantics as the SQLite function.
/// </summary>
public static class SolDbFunctions
{
    public const string SqliteFunctionName = "mano_json_match";

    /// <summary>
    /// True when some value at the spec's path inside <paramref name="json"/> matches the spec's (positive) operator and
    /// values; arrays anywhere on the path, and at its end, match when any element matches. Null JSON never matches.
    /// </summary>
    public static bool JsonMatch(string? json, string spec) => SolJsonMatchSpec.Parse(spec).Evaluate(json);

    /// <summary>Adds the SOL013 query functions to a context's options (done by <see cref="PersistenceRegistration.Configure"/>).</summary>
    public static DbContextOptionsBuilder UseSolQueries(this DbContextOptionsBuilder options, bool postgres)
    {
        ((IDbContextOptionsBuilderInfrastructure)options).AddOrUpdateExtension(new SolQueryOptionsExtension(postgres));
        if (!postgres) options.AddInterceptors(SqliteJsonMatchRegistration.Instance);
        return options;
    }
}

/// <summary>
/// One JSON-column filter term in its positive form (eq, in, gt, gte, lt, lte, cont; the negative operators are the
/// negation of these, applied around the function call), serialised into the SQL as a constant.
/// </summary>
public sealed record SolJsonMatchSpec(IReadOnlyList<string> Path, string Op, IReadOnlyList<string> Values, SolAttributeType Type)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static SolJsonMatchSpec For(SolFilterTerm term, IReadOnlyList<string> subPath, SolAttributeType type)
    {
        var op = term.Operator switch
        {
            SolFilterOperator.Neq => SolFilterOperator.Eq,
            SolFilterOperator.Nin => SolFilterOperator.In,
            SolFilterOperator.Ncont => SolFilterOperator.Cont,
            var o => o,
        };
        if (type == SolAttributeType.Number)
            foreach (var v in term.Values)
                if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    throw new BadRequestProblem($"Invalid filter: '{v}' is not a valid number value for '{term.AttributePath}'.");
        if (type == SolAttributeType.Boolean)
            foreach (var v in term.Values)
                if (v is not ("true" or "false"))
                    throw new BadRequestProblem($"Invalid filter: '{v}' is not a valid boolean value for '{term.AttributePath}' (true or false).");
        return new SolJsonMatchSpec(subPath, SolFilter.Name(op), term.Values, type);
    }

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static SolJsonMatchSpec Parse(string spec) =>
        JsonSerializer.Deserialize<SolJsonMatchSpec>(spec, Options) ?? throw new ArgumentException("null JSON match spec", nameof(spec));

    // ---- in-memory / SQLite evaluation -----------------------------------------------------------------------------

    public bool Evaluate(string? json)
    {
        if (string.IsNullOrEmpty(json)) return false;
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException) { return false; }
        return Leaves(root, 0).Any(Matches);
    }

    private IEnumerable<JsonNode> Leaves(JsonNode? node, int depth)
    {
        switch (node)
        {
            case null: yield break;
            case JsonArray array:
                foreach (var item in array)
                foreach (var leaf in Leaves(item, depth))
                    yield return leaf;
                yield break;
            case JsonObject obj when depth < Path.Count:
                if (obj.TryGetPropertyValue(Path[depth], out var child))
                    foreach (var leaf in Leaves(child, depth + 1))
                        yield return leaf;
                yield break;
            default:
                if (depth == Path.Count) yield return node;
                yield break;
        }
    }

    private bool Matches(JsonNode leaf)
    {
        if (leaf is not JsonValue value) return false;
        var kind = value.GetValueKind();
        foreach (var v in Values)
        {
            var hit = kind switch
            {
                JsonValueKind.String when Type is not (SolAttributeType.Number or SolAttributeType.Boolean) => CompareString(value.GetValue<string>(), v),
                JsonValueKind.Number when Type is SolAttributeType.Number or SolAttributeType.Any
                                          && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) =>
                    CompareNumber(value.GetValue<double>(), d),
                JsonValueKind.True or JsonValueKind.False when Type is SolAttributeType.Boolean or SolAttributeType.Any && Op is "eq" or "in" =>
                    (kind == JsonValueKind.True ? "true" : "false") == v,
                _ => false,
            };
            if (hit) return true;
        }
        return false;
    }

    private bool CompareString(string actual, string v) => Op switch
    {
        "eq" or "in" => string.Equals(actual, v, StringComparison.Ordinal),
        "cont" => actual.Contains(v, StringComparison.Ordinal),
        "gt" => string.CompareOrdinal(actual, v) > 0,
        "gte" => string.CompareOrdinal(actual, v) >= 0,
        "lt" => string.CompareOrdinal(actual, v) < 0,
        "lte" => string.CompareOrdinal(actual, v) <= 0,
        _ => false,
    };

    private bool CompareNumber(double actual, double v) => Op switch
    {
        "eq" or "in" => actual.Equals(v),
        "gt" => actual > v,
        "gte" => actual >= v,
        "lt" => actual < v,
        "lte" => actual <= v,
        _ => false,
    };

    // ---- PostgreSQL: an SQL/JSON path ------------------------------------------------------------------------------

    /// <summary>The jsonpath that PostgreSQL's jsonb_path_exists evaluates (lax mode unwraps arrays, as the in-memory evaluation does).</summary>
    public string ToPostgresJsonPath()
    {
        var sb = new StringBuilder("lax $");
        foreach (var segment in Path) sb.Append('.').Append(Quote(segment));
        var conditions = new List<string>();
        foreach (var v in Values)
        {
            var isNumber = double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d);
            var number = isNumber ? d.ToString("R", CultureInfo.InvariantCulture) : null;
            switch (Op)
            {
                case "cont":
                    conditions.Add($"@ like_regex {Quote(v)} flag \"q\"");
                    break;
                case "eq" or "in":
                    if (Type is not (SolAttributeType.Number or SolAttributeType.Boolean)) conditions.Add($"@ == {Quote(v)}");
                    if (Type is SolAttributeType.Number or SolAttributeType.Any && number is not null) conditions.Add($"@ == {number}");
                    if (Type is SolAttributeType.Boolean or SolAttributeType.Any && v is "true" or "false") conditions.Add($"@ == {v}");
                    break;
                default:
                    var op = Op switch { "gt" => ">", "gte" => ">=", "lt" => "<", _ => "<=" };
                    if (Type is not SolAttributeType.Number) conditions.Add($"@ {op} {Quote(v)}");
                    if (Type is SolAttributeType.Number or SolAttributeType.Any && number is not null) conditions.Add($"@ {op} {number}");
                    break;
            }
        }
        if (conditions.Count == 0) conditions.Add("false");
        sb.Append(" ? (").Append(string.Join(" || ", conditions)).Append(')');
        return sb.ToString();
    }

    private static string Quote(string s) => JsonSerializer.Serialize(s);
}

/// <summary>Registers <see cref="SolDbFunctions.JsonMatch"/> as a deterministic SQLite function on each opened connection.</summary>
internal sealed class SqliteJsonMatchRegistration : DbConnectionInterceptor
{
    public static readonly SqliteJsonMatchRegistration Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Register(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Register(connection);
        return Task.CompletedTask;
    }

    private static void Register(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite)
            sqlite.CreateFunction<string?, string, bool>(SolDbFunctions.SqliteFunctionName, SolDbFunctions.JsonMatch, isDeterministic: true);
    }
}

internal sealed class SolQueryOptionsExtension(bool postgres) : IDbContextOptionsExtension
{
    public bool Postgres { get; } = postgres;

    public DbContextOptionsExtensionInfo Info => new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services) =>
        new EntityFrameworkRelationalServicesBuilder(services).TryAdd<IMethodCallTranslatorPlugin, SolJsonTranslatorPlugin>();

    public void Validate(IDbContextOptions options) { }

    private sealed class ExtensionInfo(SolQueryOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;
        public override string LogFragment => "using SOL013 JSON filters ";
        public override int GetServiceProviderHashCode() => extension.Postgres ? 1 : 0;
        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) =>
            other is ExtensionInfo o && ((SolQueryOptionsExtension)o.Extension).Postgres == extension.Postgres;
        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) =>
            debugInfo["Mano:SolQueries"] = extension.Postgres ? "postgres" : "sqlite";
    }
}

internal sealed class SolJsonTranslatorPlugin(ISqlExpressionFactory sql, IRelationalTypeMappingSource mappings, IDbContextOptions options)
    : IMethodCallTranslatorPlugin
{
    public IEnumerable<IMethodCallTranslator> Translators { get; } =
        [new SolJsonTranslator(sql, mappings, options.FindExtension<SolQueryOptionsExtension>()?.Postgres ?? false)];
}

internal sealed class SolJsonTranslator(ISqlExpressionFactory sql, IRelationalTypeMappingSource mappings, bool postgres) : IMethodCallTranslator
{
    private static readonly MethodInfo JsonMatch = typeof(SolDbFunctions).GetMethod(nameof(SolDbFunctions.JsonMatch))!;

    public SqlExpression? Translate(SqlExpression? instance, MethodInfo method, IReadOnlyList<SqlExpression> arguments,
        IDiagnosticsLogger<DbLoggerCategory.Query> logger)
    {
        if (method != JsonMatch) return null;
        if (arguments[1] is not SqlConstantExpression { Value: string specJson })
            throw new InvalidOperationException("SolDbFunctions.JsonMatch needs a constant spec.");
        var text = mappings.FindMapping(typeof(string))!;
        if (!postgres)
            return sql.Function(SolDbFunctions.SqliteFunctionName,
                [sql.ApplyTypeMapping(arguments[0], text), sql.Constant(specJson, text)],
                nullable: false, argumentsPropagateNullability: [false, false], typeof(bool));
        var jsonb = mappings.FindMapping("jsonb") ?? throw new InvalidOperationException("No jsonb type mapping.");
        var path = SolJsonMatchSpec.Parse(specJson).ToPostgresJsonPath();
        var exists = sql.Function("jsonb_path_exists",
            [sql.Convert(sql.ApplyTypeMapping(arguments[0], text), typeof(string), jsonb), sql.Constant(path, text)],
            nullable: true, argumentsPropagateNullability: [true, false], typeof(bool));
        return sql.Coalesce(exists, sql.Constant(false));
    }
}
