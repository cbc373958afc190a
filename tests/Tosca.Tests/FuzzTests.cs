using System.IO.Compression;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Mano.Tosca.Tests;

/// <summary>
/// Fuzz-style robustness: deterministic, seeded mutations of real corpus packages (zip byte flips and truncations,
/// duplicated and deleted entries, YAML token mutations). Asserts only that <see cref="CsarReader.Read"/> terminates
/// within a time limit with a result (no exception escapes), and that an error diagnostic exists whenever the package
/// no longer parses (by an independent oracle: the zip or a VNFD YAML file no longer loads on its own).
/// </summary>
public sealed class FuzzTests
{
    /// <summary>Cases per seed package; 4 packages x 120 = 480 cases (about 5 s in all on 2 cores).</summary>
    private const int CasesPerPackage = 120;

    private static readonly TimeSpan PerCaseTimeout = TimeSpan.FromSeconds(5);

    private static readonly string[] SeedPackages =
    [
        "sample-vnf_packages_helloworld",
        "v2-os-basic_lcms_min",
        "v1-k8s-test_cnf",
        "sample-practical_vnf_package",
    ];

    public static TheoryData<int> Seeds() => new(Enumerable.Range(0, SeedPackages.Length));

    /// <summary>A seed package: its files (a placeholder for each listed file the corpus lacks) and its clean parse.</summary>
    private sealed record Seed(string Name, List<(string Path, byte[] Content)> Files, byte[] Zip, IReadOnlyList<string> VnfdFiles);

    private static Seed LoadSeed(int index)
    {
        var name = SeedPackages[index];
        var dir = Corpus.Tacker(name);
        var files = Csars.Files(dir).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var clean = CsarReader.ReadDirectory(dir);
        // Stand-ins for files the corpus lacks (images, scripts), so that the unmutated package is free of errors.
        foreach (var missing in clean.Diagnostics
                     .Where(d => d.Code is "csar.listed-file-missing" or "vnfd.artifact-file-missing")
                     .Select(d => MissingPath(d.Message)).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (!files.Any(f => f.Path == missing))
                files.Add((missing, "placeholder"u8.ToArray()));
        }

        var zip = Csars.Zip(files);
        var baseline = CsarReader.Read(new MemoryStream(zip));
        Assert.False(baseline.HasErrors, $"{name}: the unmutated seed must be valid: " + string.Join("; ", baseline.Diagnostics.Errors()));
        var vnfdFiles = baseline.Package!.VnfdFilePaths
            .Where(p => !Path.GetFileName(p).StartsWith("etsi_nfv_sol001_", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(vnfdFiles);
        Assert.All(vnfdFiles, p => Assert.Contains(files, f => f.Path == p));
        return new Seed(name, files, zip, vnfdFiles);
    }

    /// <summary>The quoted package path in a missing-file message ("File 'Files/x.img' listed ...").</summary>
    private static string? MissingPath(string message)
    {
        var start = message.IndexOf("'Files/", StringComparison.Ordinal);
        if (start < 0) start = message.IndexOf("'Scripts/", StringComparison.Ordinal);
        if (start < 0) return null;
        var end = message.IndexOf('\'', start + 1);
        return end < 0 ? null : message[(start + 1)..end];
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Mutated_packages_terminate_with_diagnostics(int seedIndex)
    {
        var seed = LoadSeed(seedIndex);
        var failures = new List<string>();
        int mustFailCases = 0, withErrors = 0;
        (TimeSpan Time, string What) slowest = (TimeSpan.Zero, "");
        for (var i = 0; i < CasesPerPackage; i++)
        {
            var rng = new Random(seedIndex * 100_003 + i); // deterministic: a failure names its case, which replays exactly
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var (description, zip, mustFail) = Mutate(seed, rng, i);
            var mutated = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            CsarReadResult result;
            try
            {
                result = await Task.Run(() => CsarReader.Read(new MemoryStream(zip, writable: false)), TestContext.Current.CancellationToken)
                    .WaitAsync(PerCaseTimeout, TestContext.Current.CancellationToken);
            }
            catch (TimeoutException)
            {
                failures.Add($"case {i} ({description}): did not finish within {PerCaseTimeout.TotalSeconds} s");
                continue;
            }
#pragma warning disable CA1031 // any exception escaping the reader is the finding
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures.Add($"case {i} ({description}): threw {ex.GetType().Name}: {ex.Message}");
                continue;
            }

            Assert.NotNull(result);
            var total = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (total > slowest.Time) slowest = (total, $"case {i} ({description}): mutation+oracle {mutated.TotalMilliseconds:F0} ms, read {(total - mutated).TotalMilliseconds:F0} ms");
            if (mustFail) mustFailCases++;
            if (result.HasErrors) withErrors++;
            var noLongerParses = mustFail || result.Package is null || result.Package.Vnfd is null;
            if (noLongerParses && !result.HasErrors)
                failures.Add($"case {i} ({description}): the package no longer parses but no error diagnostic was reported");
            foreach (var d in result.Diagnostics)
            {
                if (string.IsNullOrWhiteSpace(d.Code) || string.IsNullOrWhiteSpace(d.Message) || d.Line < 0 || d.Column < 0)
                    failures.Add($"case {i} ({description}): malformed diagnostic {d}");
            }
        }

        TestContext.Current.SendDiagnosticMessage(
            $"{seed.Name}: {CasesPerPackage} cases, {mustFailCases} no longer parse by the oracles, {withErrors} reported errors; slowest {slowest.What}");
        Assert.True(failures.Count == 0, $"{seed.Name}: {failures.Count} of {CasesPerPackage} cases failed:\n" + string.Join("\n", failures));
        // The mutations are not no-ops: a good share of the cases break the package.
        Assert.True(mustFailCases >= CasesPerPackage / 5, $"{seed.Name}: only {mustFailCases} mutated packages no longer parse");
    }

    // ------------------------------------------------------------------ mutations

    private static (string Description, byte[] Zip, bool MustFail) Mutate(Seed seed, Random rng, int caseIndex)
    {
        switch (caseIndex % 10)
        {
            case 0: return FlipBytes(seed, rng);
            case 1: return Truncate(seed, rng);
            case 2: return DuplicateEntry(seed, rng);
            case 3: return DeleteEntry(seed, rng);
            default: return MutateYaml(seed, rng);
        }
    }

    private static (string, byte[], bool) FlipBytes(Seed seed, Random rng)
    {
        var zip = (byte[])seed.Zip.Clone();
        var flips = rng.Next(1, 9);
        for (var k = 0; k < flips; k++)
            zip[rng.Next(zip.Length)] ^= (byte)rng.Next(1, 256);
        return ($"{flips} byte flip(s)", zip, !ZipStillReadable(zip));
    }

    private static (string, byte[], bool) Truncate(Seed seed, Random rng)
    {
        var length = rng.Next(0, seed.Zip.Length);
        return ($"zip truncated to {length} of {seed.Zip.Length} bytes", seed.Zip[..length], !ZipStillReadable(seed.Zip[..length]));
    }

    private static (string, byte[], bool) DuplicateEntry(Seed seed, Random rng)
    {
        var files = seed.Files.ToList();
        var (path, content) = files[rng.Next(files.Count)];
        var copy = rng.Next(2) == 0 ? content : Encoding.UTF8.GetBytes("# another copy\n").Concat(content).ToArray();
        files.Insert(rng.Next(files.Count + 1), (path, copy));
        return ($"entry '{path}' duplicated", Csars.Zip(files), true); // a duplicate path is always an error
    }

    private static (string, byte[], bool) DeleteEntry(Seed seed, Random rng)
    {
        var files = seed.Files.ToList();
        var target = seed.VnfdFiles[rng.Next(seed.VnfdFiles.Count)];
        var index = rng.Next(2) == 0 ? files.FindIndex(f => f.Path == target) : rng.Next(files.Count);
        var path = files[index].Path;
        files.RemoveAt(index);
        // The entry definitions, an imported VNFD file or TOSCA.meta missing is an error.
        var mustFail = seed.VnfdFiles.Contains(path) || path == "TOSCA-Metadata/TOSCA.meta";
        return ($"entry '{path}' deleted", Csars.Zip(files), mustFail);
    }

    private static (string, byte[], bool) MutateYaml(Seed seed, Random rng)
    {
        var path = seed.VnfdFiles[rng.Next(seed.VnfdFiles.Count)];
        var files = seed.Files.ToList();
        var index = files.FindIndex(f => f.Path == path);
        var text = Encoding.UTF8.GetString(files[index].Content);
        var applied = new List<string>();
        byte[]? rawBytes = null;
        var count = rng.Next(1, 4);
        for (var k = 0; k < count; k++)
        {
            var (name, mutated) = TextMutators[rng.Next(TextMutators.Length)](text, rng);
            applied.Add(name);
            text = mutated;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        if (rng.Next(8) == 0)
        {
            // Invalid UTF-8 bytes somewhere (a lone continuation byte, an overlong form, 0xFF).
            byte[][] bad = [[0x80], [0xC0, 0xAF], [0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]];
            var at = rng.Next(bytes.Length + 1);
            rawBytes = [.. bytes[..at], .. bad[rng.Next(bad.Length)], .. bytes[at..]];
            applied.Add("invalid UTF-8");
        }

        files[index] = (path, rawBytes ?? bytes);
        // A document nested 100,000 deep must be refused whatever else it holds (YamlDotNet itself would take minutes
        // and gigabytes of stack to decide, so the oracle is not asked).
        var mustFail = applied.Any(a => a.StartsWith(AbsurdNesting, StringComparison.Ordinal)) || !YamlStillLoads(rawBytes ?? bytes);
        return ($"'{path}': {string.Join(", ", applied)}", Csars.Zip(files), mustFail);
    }

    private delegate (string Name, string Text) TextMutator(string text, Random rng);

    private static readonly TextMutator[] TextMutators =
    [
        Indentation, SwapLines, SwapAdjacentLines, RandomUnicode, AnchorsAndAliases, HugeNumber, DeepNesting,
        DeleteLine, DuplicateLine, ReplaceToken, TruncateText,
    ];

    private static string[] SplitLines(string text) => text.Split('\n');

    private static (string, string) Indentation(string text, Random rng)
    {
        var lines = SplitLines(text);
        var i = rng.Next(lines.Length);
        lines[i] = rng.Next(3) switch
        {
            0 => new string(' ', rng.Next(1, 4)) + lines[i],
            1 => lines[i].TrimStart().PadLeft(lines[i].TrimStart().Length + Math.Max(0, lines[i].Length - lines[i].TrimStart().Length - rng.Next(1, 4))),
            _ => "\t" + lines[i].TrimStart(),
        };
        return ($"indentation of line {i + 1}", string.Join('\n', lines));
    }

    private static (string, string) SwapLines(string text, Random rng)
    {
        var lines = SplitLines(text);
        int a = rng.Next(lines.Length), b = rng.Next(lines.Length);
        (lines[a], lines[b]) = (lines[b], lines[a]);
        return ($"lines {a + 1} and {b + 1} swapped", string.Join('\n', lines));
    }

    private static (string, string) SwapAdjacentLines(string text, Random rng)
    {
        var lines = SplitLines(text);
        if (lines.Length < 2) return ("no-op", text);
        var a = rng.Next(lines.Length - 1);
        (lines[a], lines[a + 1]) = (lines[a + 1], lines[a]);
        return ($"keys at lines {a + 1}/{a + 2} swapped", string.Join('\n', lines));
    }

    private static readonly string[] Unicode =
        ["\u0000", "\uFEFF", "\u202E", "\u00A0", "\u2028", "\u0085", "😀", "é", "\u0007", "\r", "\uFFFD", "𝔘𝔫𝔦", "\u200B", "ﬀ"];

    private static (string, string) RandomUnicode(string text, Random rng)
    {
        var sb = new StringBuilder(text);
        var n = rng.Next(1, 6);
        for (var k = 0; k < n; k++)
            sb.Insert(rng.Next(sb.Length + 1), Unicode[rng.Next(Unicode.Length)]);
        return ($"{n} unicode insertion(s)", sb.ToString());
    }

    private static (string, string) AnchorsAndAliases(string text, Random rng)
    {
        var lines = SplitLines(text).ToList();
        switch (rng.Next(4))
        {
            case 0:
                // An exponential alias expansion appended as a top-level key.
                var bomb = new StringBuilder("fuzz_lol_0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
                for (var level = 1; level < 9; level++)
                    bomb.Append($"fuzz_lol_{level}: &l{level} [{string.Join(", ", Enumerable.Repeat($"*l{level - 1}", 10))}]\n");
                return ("alias bomb", text.TrimEnd('\n') + "\n" + bomb);
            case 1:
                // An alias to an anchor that does not exist.
                var i = rng.Next(lines.Count);
                lines[i] = lines[i].Replace(": ", ": *undefined_anchor ", StringComparison.Ordinal);
                return ($"undefined alias at line {i + 1}", string.Join('\n', lines));
            case 2:
                // An anchor on one mapping value, reused (merged) under another key.
                var j = rng.Next(lines.Count);
                var colon = lines[j].IndexOf(':', StringComparison.Ordinal);
                if (colon < 0) return ("no-op", text);
                lines[j] = lines[j][..(colon + 1)] + " &fuzz_anchor" + lines[j][(colon + 1)..];
                var k = rng.Next(lines.Count);
                var indent = lines[k].Length - lines[k].TrimStart().Length;
                lines.Insert(k, new string(' ', indent) + "fuzz_alias: *fuzz_anchor");
                lines.Insert(k, new string(' ', indent) + "<<: *fuzz_anchor");
                return ($"anchor at line {j + 1}, alias and merge key at line {k + 1}", string.Join('\n', lines));
            default:
                // A self-referencing anchor.
                return ("recursive anchor", text.TrimEnd('\n') + "\nfuzz_self: &self [a, *self]\n");
        }
    }

    private static readonly string[] Huge =
        [new string('9', 400), "1e99999", "-1e-99999", "0x" + new string('F', 64), "9223372036854775808", ".nan", "-.inf", "1_000_000_000_000_000_000_000", "99999999999999999999 GiB", "4294967296 MHz"];

    private static (string, string) HugeNumber(string text, Random rng)
    {
        var digits = System.Text.RegularExpressions.Regex.Matches(text, @"\d+");
        var huge = Huge[rng.Next(Huge.Length)];
        if (digits.Count == 0) return ("huge number appended", text + "\nfuzz_number: " + huge + "\n");
        var m = digits[rng.Next(digits.Count)];
        return ($"number at offset {m.Index} -> {huge[..Math.Min(huge.Length, 20)]}", text[..m.Index] + huge + text[(m.Index + m.Length)..]);
    }

    private const string AbsurdNesting = "absurd nesting";

    private static (string, string) DeepNesting(string text, Random rng)
    {
        int[] depths = [50, 500, 5_000, 100_000];
        var depth = depths[rng.Next(depths.Length)];
        var lines = SplitLines(text).ToList();
        var at = rng.Next(lines.Count + 1);
        string nested = rng.Next(3) switch
        {
            0 => "fuzz_deep: " + new string('[', depth) + new string(']', depth),
            1 => "fuzz_deep: " + string.Concat(Enumerable.Repeat("{a: ", depth)) + "x" + new string('}', depth),
            _ => string.Join('\n', Enumerable.Range(0, Math.Min(depth, 2_000)).Select(d => new string(' ', d * 2) + "fuzz_deep:")) + " x",
        };
        lines.Insert(at, nested);
        var name = depth > 10_000 && !nested.EndsWith(" x", StringComparison.Ordinal) ? AbsurdNesting : "nesting";
        return ($"{name} {depth} deep at line {at + 1}", string.Join('\n', lines));
    }

    private static (string, string) DeleteLine(string text, Random rng)
    {
        var lines = SplitLines(text).ToList();
        var i = rng.Next(lines.Count);
        lines.RemoveAt(i);
        return ($"line {i + 1} deleted", string.Join('\n', lines));
    }

    private static (string, string) DuplicateLine(string text, Random rng)
    {
        var lines = SplitLines(text).ToList();
        var i = rng.Next(lines.Count);
        lines.Insert(i, lines[i]);
        return ($"line {i + 1} duplicated (duplicate key?)", string.Join('\n', lines));
    }

    private static readonly string[] Tokens =
        ["{", "}", "[", "]", ":", "- ", "|", ">", "!!binary", "!custom", "~", "''", "\"", "#", "&", "*", "%YAML 1.1", "---", "...", "? ", ",", "@", "`", "!!map", "<<:"];

    private static (string, string) ReplaceToken(string text, Random rng)
    {
        var tokens = System.Text.RegularExpressions.Regex.Matches(text, @"[A-Za-z_][\w.]*|[:\-\[\]{},]");
        var token = Tokens[rng.Next(Tokens.Length)];
        if (tokens.Count == 0) return ("token appended", text + token);
        var m = tokens[rng.Next(tokens.Count)];
        return ($"'{m.Value}' at offset {m.Index} -> '{token}'", text[..m.Index] + token + text[(m.Index + m.Length)..]);
    }

    private static (string, string) TruncateText(string text, Random rng)
    {
        var at = rng.Next(text.Length + 1);
        return ($"text truncated at {at} of {text.Length}", text[..at]);
    }

    // ------------------------------------------------------------------ oracles (independent of src/Tosca)

    /// <summary>True when every entry of the zip opens and decompresses (CRC included) with the BCL alone.</summary>
    private static bool ZipStillReadable(byte[] zip)
    {
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            foreach (var e in archive.Entries)
            {
                using var s = e.Open();
                s.CopyTo(Stream.Null);
            }

            return true;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>True when the bytes are UTF-8 and YamlDotNet loads them into a mapping (or an empty document).</summary>
    private static bool YamlStillLoads(byte[] bytes)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var ok = false;
        var thread = new Thread(() =>
        {
            try
            {
                var stream = new YamlStream();
                stream.Load(new StringReader(text.TrimStart('\uFEFF')));
                ok = stream.Documents.Count == 0
                     || stream.Documents[0].RootNode is YamlMappingNode
                     || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" };
            }
#pragma warning disable CA1031 // any failure to load means "no longer parses"
            catch (Exception)
#pragma warning restore CA1031
            {
                ok = false;
            }
        }, 256 * 1024 * 1024);
        thread.Start();
        thread.Join();
        return ok;
    }
}
