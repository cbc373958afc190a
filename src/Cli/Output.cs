using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Mano.Cli;

/// <summary>One column of a list table: its header and how to read a row's cell.</summary>
internal sealed record Column<T>(string Header, Func<T, string?> Value);

/// <summary>
/// Renders results the way OSC/cliff does: a list table for collections, a Field/Value table for one resource,
/// or (<c>-f json</c>) the SOL JSON document indented. Writes to an injectable <see cref="TextWriter"/>.
/// </summary>
internal sealed class Output
{
    /// <summary>Width used when the output is not a terminal: wide enough that UUIDs and JSON never wrap.</summary>
    private const int UnboundedWidth = 4096;

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        // A terminal, not an HTML page: keep '+', '<', '\'' and non-ASCII readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly TextWriter _writer;
    private readonly IAnsiConsole _console;

    public Output(TextWriter writer, bool json, bool isTerminal)
    {
        _writer = writer;
        IsJson = json;
        _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!isTerminal)
        {
            _console.Profile.Width = UnboundedWidth;
        }
    }

    /// <summary>True for <c>-f json</c>.</summary>
    public bool IsJson { get; }

    /// <summary>Prints a SOL JSON document, indented.</summary>
    public void Json(JsonNode node) => _writer.WriteLine(node.ToJsonString(Indented));

    /// <summary>A collection: the raw array in JSON mode, else one row per item.</summary>
    public void List<T>(JsonNode raw, Func<IReadOnlyList<T>> typed, params Column<T>[] columns)
    {
        if (IsJson)
        {
            Json(raw);
            return;
        }

        var table = NewTable(columns.Select(c => c.Header));
        foreach (var item in typed())
        {
            table.AddRow(columns.Select(c => Cell(c.Value(item))));
        }

        _console.Write(table);
    }

    /// <summary>
    /// One resource: the raw object in JSON mode, else a Field/Value table of every top-level attribute,
    /// labelled with <paramref name="labels"/> (the attribute name otherwise) and sorted by label, as OSC does.
    /// </summary>
    public void Show(JsonNode raw, IReadOnlyDictionary<string, string> labels)
    {
        if (IsJson || raw is not JsonObject resource)
        {
            Json(raw);
            return;
        }

        var table = NewTable(["Field", "Value"]);
        var rows = resource
            .Select(p => (Label: labels.TryGetValue(p.Key, out var label) ? label : p.Key, p.Value))
            .OrderBy(r => r.Label, StringComparer.Ordinal);
        foreach (var (label, value) in rows)
        {
            table.AddRow(Cell(label), Cell(Format(value)));
        }

        _console.Write(table);
    }

    /// <summary>Strings as they are, other scalars as JSON literals, objects and arrays as indented JSON.</summary>
    internal static string Format(JsonNode? value) => value switch
    {
        null => string.Empty,
        JsonValue scalar when scalar.GetValueKind() == JsonValueKind.String => scalar.GetValue<string>(),
        JsonValue scalar => scalar.ToJsonString(),
        _ => value.ToJsonString(Indented),
    };

    private static Table NewTable(IEnumerable<string> headers)
    {
        var table = new Table { Border = PrettyTableBorder.Instance };
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(Cell(header)) { NoWrap = false });
        }

        return table;
    }

    /// <summary>Plain text, never markup: SOL values may contain '[' (JSON arrays).</summary>
    private static Text Cell(string? value) => new(value ?? string.Empty);
}
