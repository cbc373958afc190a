using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Mano.Tosca;
using Mano.Tosca.Benchmarks;

// Usage:
//   Mano.Tosca.Benchmarks [--short] [BenchmarkDotNet arguments, e.g. --filter '*Synthetic*']
//   Mano.Tosca.Benchmarks --emit-synthetic DIR     writes the synthetic packages (synthetic-10 ... synthetic-1000) to DIR
//   Mano.Tosca.Benchmarks --emit-zips DIR          writes each corpus package (placeholders added) as DIR/<name>.zip
//   Mano.Tosca.Benchmarks --check                  parses every input once and prints its diagnostics summary
//   Mano.Tosca.Benchmarks --cpu OUT.json           CPU time (not wall time) per CsarReader.Read of every input, warm:
//                                                  the measure comparable with tosca-parser's time.process_time, and
//                                                  robust on a busy machine where wall-clock benchmarks are noisy
if (args.Length == 2 && args[0] == "--emit-synthetic")
{
    foreach (var n in new[] { 10, 100, 500, 1000 })
    {
        var dir = Path.Combine(args[1], $"synthetic-{n}");
        foreach (var (path, content) in SyntheticVnfd.Files(n))
        {
            var target = Path.Combine(dir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, content);
        }
        Console.WriteLine(dir);
    }
    return 0;
}

if (args.Length == 2 && args[0] == "--emit-zips")
{
    Directory.CreateDirectory(args[1]);
    foreach (var name in Inputs.TackerPackageNames())
    {
        var path = Path.Combine(args[1], name + ".zip");
        File.WriteAllBytes(path, Inputs.TackerPackage(name).Zip);
        Console.WriteLine(path);
    }
    return 0;
}

if (args.Length == 1 && args[0] == "--check")
{
    var inputs = Inputs.TackerPackageNames().Select(Inputs.TackerPackage)
        .Concat(new[] { 10, 100, 500, 1000 }.Select(n => Inputs.FromFiles($"synthetic-{n}", SyntheticVnfd.Files(n))));
    var failures = 0;
    foreach (var input in inputs)
    {
        var r = CsarReader.Read(new MemoryStream(input.Zip));
        var errors = r.Diagnostics.Where(d => d.Severity == Severity.Error).ToList();
        var vdus = r.Package?.Vnfd?.Flavours.Sum(f => f.Vdus.Count) ?? 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{input.Name}: {errors.Count} errors, {r.Diagnostics.Count(d => d.Severity == Severity.Warning)} warnings, {vdus} VDUs, placeholders [{string.Join(", ", input.Placeholders)}]"));
        foreach (var e in errors) Console.WriteLine("  " + e);
        if (errors.Count > 0) failures++;
    }
    return failures == 0 ? 0 : 1;
}

if (args.Length == 2 && args[0] == "--cpu")
{
    var inputs = Inputs.TackerPackageNames().Select(Inputs.TackerPackage)
        .Concat(new[] { 10, 100, 500, 1000 }.Select(n => Inputs.FromFiles($"synthetic-{n}", SyntheticVnfd.Files(n))));
    var results = new List<CpuResult>();
    foreach (var input in inputs)
    {
        results.Add(CpuTime.Measure(input));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{input.Name}: {results[^1].MedianMs:F3} ms CPU"));
    }
    File.WriteAllText(args[1], System.Text.Json.JsonSerializer.Serialize(results, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    return 0;
}

// The short job of scripts/bench-tosca.sh: in-process (no child process per benchmark), few iterations; the whole
// suite (68 benchmarks) finishes in a few minutes on 2 cores. Without --short: BenchmarkDotNet's defaults.
var isShort = args.Contains("--short");
var rest = args.Where(a => a != "--short").ToArray();
var config = ManualConfig.CreateEmpty()
    .AddLogger(ConsoleLogger.Default)
    .AddColumnProvider(DefaultColumnProviders.Instance)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddExporter(MarkdownExporter.GitHub, JsonExporter.Full)
    .WithSummaryStyle(BenchmarkDotNet.Reports.SummaryStyle.Default.WithTimeUnit(Perfolizer.Horology.TimeUnit.Microsecond).WithMaxParameterColumnWidth(60))
    .WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);
config = isShort
    ? config.AddJob(Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(8)
        .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(120))
        .WithId("short"))
    : config.AddJob(Job.Default);
BenchmarkSwitcher.FromAssembly(typeof(TackerPackageBenchmarks).Assembly).Run(rest.Length == 0 ? ["--filter", "*"] : rest, config);
return 0;
