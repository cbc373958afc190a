using BenchmarkDotNet.Attributes;

namespace Mano.Tosca.Benchmarks;

/// <summary>Parse + validate of each Tacker corpus package, from memory.</summary>
[MemoryDiagnoser]
public class TackerPackageBenchmarks
{
    private PackageInput _input = null!;

    public static IEnumerable<string> Packages() => Inputs.TackerPackageNames();

    [ParamsSource(nameof(Packages))]
    public string Package { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _input = Inputs.TackerPackage(Package);

    /// <summary>The whole SOL004 read: zip, TOSCA.meta, manifest, VNFD parse and validation.</summary>
    [Benchmark]
    public CsarReadResult CsarRead() => CsarReader.Read(new MemoryStream(_input.Zip, writable: false));

    /// <summary>The VNFD alone (entry definitions and its imports), from the package's files.</summary>
    [Benchmark]
    public VnfdParseResult VnfdParse() => VnfdParser.Parse(_input.Files, _input.EntryDefinitions);
}

/// <summary>Synthetic helloworld-like VNFDs of 10 to 1,000 VDUs (linear growth check).</summary>
[MemoryDiagnoser]
public class SyntheticVnfdBenchmarks
{
    private PackageInput _input = null!;

    [Params(10, 100, 500, 1000)]
    public int Vdus { get; set; }

    [GlobalSetup]
    public void Setup() => _input = Inputs.FromFiles($"synthetic-{Vdus}", SyntheticVnfd.Files(Vdus));

    [Benchmark]
    public CsarReadResult CsarRead() => CsarReader.Read(new MemoryStream(_input.Zip, writable: false));

    [Benchmark]
    public VnfdParseResult VnfdParse() => VnfdParser.Parse(_input.Files, _input.EntryDefinitions);
}
