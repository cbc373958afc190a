namespace Mano.Architecture.Tests;

/// <summary>
/// A deliberately tiny reader of docker-compose.yml (no YAML library is referenced): the keys directly under the
/// top-level <c>services:</c> mapping, and the keys directly under one service. Enough to guard the shape of the file;
/// full syntax is validated by <c>docker compose config -q</c> where that command exists.
/// </summary>
public static class ComposeFile
{
    public static IReadOnlyList<string> ServiceNames(string yaml) => ChildKeys(Lines(yaml), parentIndent: -1, "services");

    /// <summary>The keys directly under <c>services.&lt;service&gt;</c>.</summary>
    public static IReadOnlyList<string> ServiceKeys(string yaml, string service)
    {
        var lines = Lines(yaml);
        var (start, indent) = FindKey(lines, 0, lines.Count, parentIndent: -1, "services");
        if (start < 0)
        {
            return [];
        }

        var end = BlockEnd(lines, start, indent);
        var (serviceLine, serviceIndent) = FindKey(lines, start + 1, end, indent, service);
        return serviceLine < 0 ? [] : KeysWithMerges(lines, serviceLine, serviceIndent, depth: 0);
    }

    /// <summary>Keys of a mapping, following YAML merge keys (<c>&lt;&lt;: *anchor</c>) to their anchored mapping.</summary>
    private static List<string> KeysWithMerges(List<Line> lines, int start, int indent, int depth)
    {
        var keys = new List<string>();
        foreach (var key in KeysIn(lines, start, BlockEnd(lines, start, indent)))
        {
            if (key.StartsWith("<<:*", StringComparison.Ordinal) && depth < 8)
            {
                var anchor = "&" + key["<<:*".Length..];
                var definition = lines.FindIndex(l => l.Text.EndsWith(" " + anchor, StringComparison.Ordinal));
                if (definition >= 0)
                {
                    keys.AddRange(KeysWithMerges(lines, definition, lines[definition].Indent, depth + 1).Where(k => !keys.Contains(k)));
                }
            }
            else if (!keys.Contains(key))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    /// <summary>Validation errors of the file's layout (tabs, odd indentation); empty when it looks sane.</summary>
    public static IReadOnlyList<string> LayoutErrors(string yaml)
    {
        var errors = new List<string>();
        var number = 0;
        foreach (var raw in yaml.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            var indent = line.Length - line.TrimStart(' ').Length;
            if (line.TrimStart(' ').StartsWith('\t'))
            {
                errors.Add($"line {number}: tab in indentation (YAML forbids tabs).");
            }
            else if (line.Trim().Length > 0 && indent % 2 != 0)
            {
                errors.Add($"line {number}: odd indentation ({indent} spaces).");
            }
        }

        return errors;
    }

    private sealed record Line(int Indent, string Text);

    private static List<Line> Lines(string yaml) =>
        yaml.Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#') && l.Trim() != "---")
            .Select(l => new Line(l.Length - l.TrimStart(' ').Length, l.Trim()))
            .ToList();

    private static IReadOnlyList<string> ChildKeys(List<Line> lines, int parentIndent, string key)
    {
        var (start, indent) = FindKey(lines, 0, lines.Count, parentIndent, key);
        return start < 0 ? [] : KeysIn(lines, start, BlockEnd(lines, start, indent));
    }

    private static (int Index, int Indent) FindKey(List<Line> lines, int from, int to, int parentIndent, string key)
    {
        int? childIndent = null;
        for (var i = from; i < to; i++)
        {
            var line = lines[i];
            if (line.Indent <= parentIndent)
            {
                break;
            }

            childIndent ??= line.Indent;
            if (line.Indent == childIndent && KeyOf(line.Text) == key)
            {
                return (i, line.Indent);
            }
        }

        return (-1, -1);
    }

    private static int BlockEnd(List<Line> lines, int start, int indent)
    {
        var i = start + 1;
        while (i < lines.Count && lines[i].Indent > indent)
        {
            i++;
        }

        return i;
    }

    private static List<string> KeysIn(List<Line> lines, int start, int end)
    {
        if (start + 1 >= end)
        {
            return [];
        }

        var childIndent = lines[start + 1].Indent;
        return lines.Skip(start + 1).Take(end - start - 1)
            .Where(l => l.Indent == childIndent)
            .Select(l => KeyOf(l.Text))
            .OfType<string>()
            .ToList();
    }

    private static string? KeyOf(string text)
    {
        if (text.StartsWith('-'))
        {
            return null;
        }

        if (text.StartsWith("<<:", StringComparison.Ordinal))
        {
            // Merge key: reported as "<<:*anchor" so that callers can follow it.
            return "<<:" + text[3..].Trim();
        }

        var colon = text.IndexOf(':');
        if (colon <= 0 || (colon + 1 < text.Length && text[colon + 1] != ' '))
        {
            return null;
        }

        return text[..colon].Trim().Trim('"', '\'');
    }
}
