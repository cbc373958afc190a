using System.Diagnostics;

namespace Mano.Tosca.Benchmarks;

/// <summary>Median CPU milliseconds per operation over batches, with min and max, after a warm-up.</summary>
public sealed record CpuResult(string Package, double MedianMs, double MinMs, double MaxMs, int Batches, int OpsPerBatch, double AllocatedKiB);

/// <summary>
/// CPU time of <see cref="CsarReader.Read"/> (process CPU: every thread, the GC's included) per operation, warm: the
/// same measure as tosca-parser's time.process_time in scripts/bench-tosca-parser-anchor.py.
/// </summary>
public static class CpuTime
{
    public static CpuResult Measure(PackageInput input, int batches = 7, double targetBatchMs = 150)
    {
        void Once() => CsarReader.Read(new MemoryStream(input.Zip, writable: false));

        for (var i = 0; i < 3; i++) Once(); // warm-up: JIT, tiering
        var process = Process.GetCurrentProcess();
        var probe = Cpu(process, Once, 1);
        var ops = Math.Clamp((int)Math.Ceiling(targetBatchMs / Math.Max(probe, 0.01)), 1, 500);
        var perOp = new List<double>();
        for (var b = 0; b < batches; b++)
            perOp.Add(Cpu(process, Once, ops) / ops);
        perOp.Sort();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        Once();
        var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1024.0;
        return new CpuResult(input.Name, perOp[perOp.Count / 2], perOp[0], perOp[^1], batches, ops, allocated);
    }

    private static double Cpu(Process process, Action action, int ops)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        process.Refresh();
        var before = process.TotalProcessorTime;
        for (var i = 0; i < ops; i++) action();
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalMilliseconds;
    }
}
