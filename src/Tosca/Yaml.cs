using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mano.Tosca;

/// <summary>A loaded TOSCA YAML file of the package.</summary>
internal sealed record ToscaFile(string Path, YamlMappingNode Root);

internal static class YamlLoader
{
    /// <summary>Loads one YAML file into its root mapping; every problem becomes a diagnostic.</summary>
    public static YamlMappingNode? Load(string path, byte[] bytes, long maxBytes, DiagnosticBag diags)
    {
        if (bytes.LongLength > maxBytes)
        {
            diags.Error(DiagnosticCodes.YamlTooLarge, path, 0, 0, $"YAML file is {bytes.LongLength} bytes, more than the limit of {maxBytes} bytes; not loaded.");
            return null;
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            diags.Error(DiagnosticCodes.YamlEncoding, path, 0, 0, "YAML file is not valid UTF-8.");
            return null;
        }
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];

        if (EstimateDepth(text) is var (depth, depthLine) && depth > MaxDepth)
        {
            diags.Error(DiagnosticCodes.YamlTooDeep, path, depthLine, 0, $"YAML nesting may exceed {MaxDepth} levels; not loaded.");
            return null;
        }

        var stream = new YamlStream();
        try
        {
            try
            {
                LoadStream(stream, text, depth);
            }
            catch (Exception ex) when (ex is YamlException or InvalidOperationException && RepairFlowIndentation(text) is { } repaired)
            {
                // PyYAML (and so Tacker and tosca-parser) accepts a flow collection continued on a line indented less than its
                // block, as in the ETSI SOL001 2.5.1/2.6.1 vnfd types; YamlDotNet does not. Such lines are re-indented (which
                // changes nothing else: flow content is not indentation-sensitive) and the document is loaded again.
                var retry = new YamlStream();
                try { LoadStream(retry, repaired.Text, depth); }
                catch (Exception) { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex); }
                stream = retry;
                diags.Warning(DiagnosticCodes.YamlFlowIndentation, path, repaired.FirstLine, 1,
                    $"A flow collection continues on line {repaired.FirstLine} at a lower indentation than its block ({repaired.Lines} line(s)); " +
                    "this is not valid YAML 1.2 (PyYAML accepts it) and was read as if indented.");
            }
        }
        catch (YamlException ex)
        {
            var isDup = ex.Message.Contains("Duplicate key", StringComparison.OrdinalIgnoreCase)
                        || ex.InnerException is ArgumentException;
            var msg = ex.Message;
            if (isDup) msg = "Duplicate mapping key" + (ex.Start.Line > 0 ? "" : "") + ".";
            diags.Error(isDup ? DiagnosticCodes.YamlDuplicateKey : DiagnosticCodes.YamlSyntax, path,
                (int)ex.Start.Line, (int)ex.Start.Column, isDup ? msg : "YAML syntax error: " + StripPosition(msg));
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or InsufficientExecutionStackException)
        {
            // YamlDotNet's scanner throws InvalidOperationException (no position) on some malformed input, e.g. a flow
            // sequence continued on a line indented less than its block.
            diags.Error(DiagnosticCodes.YamlSyntax, path, 0, 0, "YAML could not be loaded (malformed document, e.g. a flow collection continued at a lower indentation): " + ex.Message);
            return null;
        }

        if (stream.Documents.Count == 0) return new YamlMappingNode();
        var root = stream.Documents[0].RootNode;
        // Without an alias ('*') the node count is bounded by the text size, which is bounded already: skip the walk.
        if (text.Contains('*', StringComparison.Ordinal) && !CheckNodeCount(root))
        {
            diags.Error(DiagnosticCodes.YamlTooManyNodes, path, (int)root.Start.Line, (int)root.Start.Column,
                $"YAML document expands to more than {CsarLimits.MaxYamlNodes} nodes (alias expansion or a cycle); not loaded.");
            return null;
        }
        if (root is YamlScalarNode s && string.IsNullOrEmpty(s.Value)) return new YamlMappingNode();
        if (root is not YamlMappingNode map)
        {
            diags.Error(DiagnosticCodes.YamlNotMapping, path, (int)root.Start.Line, (int)root.Start.Column, "The YAML document is not a mapping.");
            return null;
        }
        return map;
    }

    internal const int MaxDepth = 1000;

    /// <summary>Documents at most this deep load on the calling thread; deeper ones on a thread with a 64 MiB stack.</summary>
    private const int InlineDepth = 64;

    private static void LoadStream(YamlStream stream, string text, int depth)
    {
        // YamlDotNet's loader recurses per nesting level: run a deep document on a thread with a generous stack so that even
        // the deepest document that passes EstimateDepth cannot overflow the caller's stack. Ordinary documents load inline.
        if (depth <= InlineDepth) stream.Load(new StringReader(text));
        else LoadOnBigStack(stream, text);
    }

    /// <summary>
    /// Re-indents the lines that continue a block-context flow collection ("[", "{") at or below the indentation of the line
    /// that opened it. Null when there is no such line.
    /// </summary>
    internal static (string Text, int FirstLine, int Lines)? RepairFlowIndentation(string text)
    {
        var lines = text.Split('\n');
        int depth = 0, openIndent = 0, first = 0, count = 0;
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            var indent = 0;
            while (indent < line.Length && line[indent] == ' ') indent++;
            if (depth > 0 && indent <= openIndent && line.Trim().Length > 0)
            {
                lines[n] = new string(' ', openIndent + 2 - indent) + line;
                if (count++ == 0) first = n + 1;
            }
            else if (depth == 0)
            {
                // the block indentation of the opening line's content: after its spaces and "- " sequence indicators
                openIndent = indent;
                while (openIndent + 1 < line.Length && line[openIndent] == '-' && line[openIndent + 1] == ' ')
                {
                    openIndent += 2;
                    while (openIndent < line.Length && line[openIndent] == ' ') openIndent++;
                }
            }
            char quote = '\0';
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
                if (c is '"' or '\'' && (i == 0 || line[i - 1] is ' ' or '[' or '{' or ',' or ':')) { quote = c; continue; }
                if (c == '#' && (i == 0 || line[i - 1] is ' ' or '\t')) break;
                if (c is '[' or '{') depth++;
                else if (c is ']' or '}' && depth > 0) depth--;
            }
        }
        return count == 0 ? null : (string.Join('\n', lines), first, count);
    }

    private static void LoadOnBigStack(YamlStream stream, string text)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { stream.Load(new StringReader(text)); }
            catch (Exception ex) { failure = ex; }
        }, 64 * 1024 * 1024);
        thread.Start();
        thread.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>
    /// An upper bound of the nesting depth (flow brackets open outside quotes, plus per line the leading indentation and
    /// block indicators), with the line where it is reached. Cheap and conservative: it protects the recursive loader.
    /// </summary>
    private static (int Depth, int Line) EstimateDepth(string text)
    {
        int flow = 0, max = 0, maxLine = 0, line = 1;
        var lineStart = true;
        var lead = 0;
        char quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n') { line++; lineStart = true; lead = 0; quote = '\0'; continue; }
            if (lineStart)
            {
                if (c is ' ' or '-' or '?' or ':' or '\t') { lead++; if (flow + lead > max) { max = flow + lead; maxLine = line; } continue; }
                lineStart = false;
            }
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            switch (c)
            {
                case '"' or '\'' when i == 0 || text[i - 1] is ' ' or '[' or '{' or ',' or ':' or '\t':
                    quote = c; break;
                case '#' when i == 0 || text[i - 1] is ' ' or '\t':
                    while (i + 1 < text.Length && text[i + 1] != '\n') i++;
                    break;
                case '[' or '{':
                    flow++;
                    if (flow + lead > max) { max = flow + lead; maxLine = line; }
                    break;
                case ']' or '}':
                    if (flow > 0) flow--;
                    break;
            }
        }
        return (max, maxLine);
    }

    private static string StripPosition(string message)
    {
        // YamlDotNet messages start with "(Line: 3, Col: 5, Idx: ..) - (..): "; the position is carried separately.
        var i = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line", StringComparison.Ordinal) && i >= 0 ? message[(i + 3)..] : message;
    }

    /// <summary>Walks the document with aliases expanded, stopping past the node limit (billion laughs, alias cycles).</summary>
    private static bool CheckNodeCount(YamlNode root)
    {
        var stack = new Stack<YamlNode>();
        stack.Push(root);
        long count = 0;
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (++count > CsarLimits.MaxYamlNodes) return false;
            switch (n)
            {
                case YamlMappingNode m:
                    foreach (var kv in m.Children) { stack.Push(kv.Key); stack.Push(kv.Value); }
                    break;
                case YamlSequenceNode sq:
                    foreach (var c in sq.Children) stack.Push(c);
                    break;
            }
        }
        return true;
    }
}

/// <summary>Small navigation helpers over the representation model.</summary>
internal static class Y
{
    public static YamlNode? Get(this YamlNode? node, string key)
    {
        if (node is not YamlMappingNode m) return null;
        foreach (var kv in m.Children)
            if (kv.Key is YamlScalarNode k && k.Value == key) return kv.Value;
        return null;
    }

    public static YamlNode? Get(this YamlNode? node, params string[] path)
    {
        var n = node;
        foreach (var p in path) n = n.Get(p);
        return n;
    }

    /// <summary>Scalar text, or null when the node is absent, not a scalar, or a YAML null.</summary>
    public static string? Str(this YamlNode? node)
    {
        if (node is not YamlScalarNode s || s.Value is null) return null;
        if (s.Style == ScalarStyle.Plain && (s.Value.Length == 0 || s.Value is "~" or "null" or "Null" or "NULL")) return null;
        return s.Value;
    }

    public static IEnumerable<(string Key, YamlScalarNode KeyNode, YamlNode Value)> Entries(this YamlNode? node)
    {
        if (node is not YamlMappingNode m) yield break;
        foreach (var kv in m.Children)
            if (kv.Key is YamlScalarNode k && k.Value is not null) yield return (k.Value, k, kv.Value);
    }

    public static IEnumerable<YamlNode> Items(this YamlNode? node) =>
        node is YamlSequenceNode s ? s.Children : [];

    public static IReadOnlyList<string> Strings(this YamlNode? node) =>
        node switch
        {
            YamlSequenceNode s => s.Children.Select(c => c.Str()).OfType<string>().ToList(),
            YamlScalarNode => node.Str() is { } v ? [v] : [],
            _ => [],
        };

    public static int Line(this YamlNode? n) => n is null ? 0 : (int)n.Start.Line;
    public static int Col(this YamlNode? n) => n is null ? 0 : (int)n.Start.Column;
}

/// <summary>'/'-separated package-relative paths.</summary>
internal static class PackagePath
{
    public static string Directory(string path)
    {
        var i = path.LastIndexOf('/');
        return i < 0 ? "" : path[..i];
    }

    /// <summary>Resolves <paramref name="relative"/> against <paramref name="baseDir"/>; null if it escapes the package root or is absolute.</summary>
    public static string? Resolve(string baseDir, string relative)
    {
        if (relative.Length == 0 || relative.StartsWith('/') || relative.Contains('\\') || relative.Contains('\0')) return null;
        if (relative.Length >= 2 && relative[1] == ':') return null;
        var parts = new List<string>();
        foreach (var seg in (baseDir.Length == 0 ? relative : baseDir + "/" + relative).Split('/'))
        {
            if (seg is "" or ".") continue;
            if (seg == "..")
            {
                if (parts.Count == 0) return null;
                parts.RemoveAt(parts.Count - 1);
            }
            else parts.Add(seg);
        }
        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    public static string FileName(string path) => path[(path.LastIndexOfAny(['/', '\\']) + 1)..];

    public static bool IsRemote(string s) =>
        s.Contains("://", StringComparison.Ordinal);
}
