namespace Mano.Tosca;

/// <summary>Resource limits applied while reading a package. A violated limit is an Error diagnostic, never an exception.</summary>
/// <param name="MaxCompressionRatio">Uncompressed/compressed ratio above which an entry is refused (only checked for entries larger than 1 MiB).</param>
public sealed record CsarLimits(
    long MaxEntries = 10_000,
    long MaxTotalUncompressedBytes = 1L << 31,
    long MaxEntryBytes = 1L << 30,
    double MaxCompressionRatio = 200,
    long MaxYamlBytes = 8L << 20)
{
    /// <summary>Maximum number of YAML nodes visited in one document (alias expansion guard).</summary>
    internal const int MaxYamlNodes = 1_000_000;

    /// <summary>Entries at or below this size are not subject to the compression ratio check.</summary>
    internal const long RatioCheckThreshold = 1L << 20;

    /// <summary>Largest manifest (.mf) or TOSCA.meta that is parsed; a larger one is an error.</summary>
    public long MaxManifestBytes { get; init; } = 8L << 20;

    public static CsarLimits Default { get; } = new();
}
