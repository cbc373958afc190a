using System.Text;

namespace Mano.Common;

/// <summary>SOL013 clause 5.2.2 Table 5.2.2-1: the operators of attribute-based filtering.</summary>
public enum SolFilterOperator
{
    Eq, Neq, Gt, Gte, Lt, Lte, In, Nin, Cont, Ncont,
}

/// <summary>
/// One simple filter expression "(op,attrPath,value[,value]*)". <see cref="Path"/> is the attribute path split at "/"
/// (SOL013 5.2.2: "/" separates the attribute names of nested structures).
/// </summary>
public sealed record SolFilterTerm(SolFilterOperator Operator, IReadOnlyList<string> Path, IReadOnlyList<string> Values)
{
    public string AttributePath => string.Join('/', Path);

    /// <summary>neq, nin and ncont: true when no value of the attribute matches the positive form (eq, in, cont).</summary>
    public bool IsNegative => Operator is SolFilterOperator.Neq or SolFilterOperator.Nin or SolFilterOperator.Ncont;

    public override string ToString() => $"({SolFilter.Name(Operator)},{AttributePath},{string.Join(',', Values)})";
}

/// <summary>A parsed "filter" query parameter: the simple expressions, all of which must hold (";" is AND).</summary>
public sealed record SolFilter(IReadOnlyList<SolFilterTerm> Terms)
{
    public static readonly SolFilter None = new([]);

    public static string Name(SolFilterOperator op) => op.ToString().ToLowerInvariant();

    /// <summary>A value as <see cref="Parse"/> reads it back: quoted when it holds "," ")" "'" or ";", with "'" doubled.</summary>
    public static string Value(string value) =>
        value.IndexOfAny([',', ')', '\'', ';']) < 0 ? value : $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";

    private static readonly Dictionary<string, SolFilterOperator> Operators =
        Enum.GetValues<SolFilterOperator>().ToDictionary(Name, o => o, StringComparer.Ordinal);

    /// <summary>
    /// Parses the SOL013 5.2.2 grammar:
    /// <code>
    /// filter     = expression *( ";" expression )
    /// expression = "(" op "," attrPath "," value *( "," value ) ")"
    /// attrPath   = attrName *( "/" attrName )
    /// value      = unquoted / "'" *( char / "''" ) "'"
    /// </code>
    /// A value that contains "," or ")" or "'" (or ";") is enclosed in single quotes, and a single quote inside it is
    /// written twice. eq, neq, gt, gte, lt and lte take exactly one value; in, nin, cont and ncont one or more.
    /// Percent-decoding of the query string happens before (ASP.NET Core). Errors are 400 with the position.
    /// </summary>
    public static SolFilter Parse(string? text)
    {
        if (text is null) return None;
        if (text.Length == 0) throw Error(text, 0, "the filter is empty");
        var terms = new List<SolFilterTerm>();
        var pos = 0;
        while (true)
        {
            terms.Add(ParseTerm(text, ref pos));
            if (pos == text.Length) break;
            if (text[pos] != ';') throw Error(text, pos, $"expected ';' between two expressions, found '{text[pos]}'");
            pos++;
            if (pos == text.Length) throw Error(text, pos, "expected an expression after ';'");
        }
        return new SolFilter(terms);
    }

    private static SolFilterTerm ParseTerm(string text, ref int pos)
    {
        if (text[pos] != '(') throw Error(text, pos, $"expected '(' to start an expression, found '{text[pos]}'");
        pos++;
        var opStart = pos;
        while (pos < text.Length && text[pos] is not (',' or ')' or ';')) pos++;
        var opName = text[opStart..pos];
        if (!Operators.TryGetValue(opName, out var op))
            throw Error(text, opStart, $"unknown operator '{opName}' (SOL013 5.2.2 operators: {string.Join(", ", Operators.Keys)})");
        Expect(text, ref pos, ',', $"expected ',' and an attribute name after the operator '{opName}'");

        var path = new List<string>();
        while (true)
        {
            var nameStart = pos;
            while (pos < text.Length && text[pos] is not (',' or ')' or '/' or ';' or '(' or '\'')) pos++;
            if (pos == nameStart) throw Error(text, pos, "expected an attribute name");
            path.Add(text[nameStart..pos]);
            if (pos < text.Length && text[pos] == '/') { pos++; continue; }
            break;
        }
        var attr = string.Join('/', path);
        if (pos >= text.Length || text[pos] != ',')
            throw Error(text, pos, $"expected ',' and a value after the attribute '{attr}'");

        var values = new List<string>();
        while (pos < text.Length && text[pos] == ',')
        {
            pos++;
            values.Add(ParseValue(text, ref pos));
        }
        Expect(text, ref pos, ')', "expected ')' to end the expression (quote values that contain ',', ')' or ''')");

        var single = op is SolFilterOperator.Eq or SolFilterOperator.Neq or SolFilterOperator.Gt
            or SolFilterOperator.Gte or SolFilterOperator.Lt or SolFilterOperator.Lte;
        if (single && values.Count != 1)
            throw new BadRequestProblem($"Malformed filter: the operator '{Name(op)}' takes exactly one value, '{attr}' was given {values.Count} " +
                                        "(use 'in' for a list of values; SOL013 5.2.2).");
        return new SolFilterTerm(op, path, values);
    }

    private static string ParseValue(string text, ref int pos)
    {
        if (pos < text.Length && text[pos] == '\'')
        {
            var start = pos;
            pos++;
            var sb = new StringBuilder();
            while (true)
            {
                if (pos >= text.Length) throw Error(text, start, "unterminated quoted value");
                if (text[pos] == '\'')
                {
                    if (pos + 1 < text.Length && text[pos + 1] == '\'') { sb.Append('\''); pos += 2; continue; }
                    pos++;
                    break;
                }
                sb.Append(text[pos++]);
            }
            if (pos < text.Length && text[pos] is not (',' or ')'))
                throw Error(text, pos, "expected ',' or ')' after a quoted value");
            return sb.ToString();
        }
        var valueStart = pos;
        while (pos < text.Length && text[pos] is not (',' or ')'))
        {
            if (text[pos] == '\'') throw Error(text, pos, "a value containing ''' must be enclosed in single quotes, with the quote doubled");
            pos++;
        }
        if (pos == valueStart) throw Error(text, pos, "empty value (write '' for an empty string)");
        return text[valueStart..pos];
    }

    private static void Expect(string text, ref int pos, char c, string message)
    {
        if (pos >= text.Length || text[pos] != c) throw Error(text, pos, message);
        pos++;
    }

    private static BadRequestProblem Error(string text, int pos, string message) =>
        new($"Malformed filter at position {pos + 1} of \"{text}\": {message}.");
}
