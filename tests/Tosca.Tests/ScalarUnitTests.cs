namespace Mano.Tosca.Tests;

public class ScalarUnitTests
{
    [Theory]
    [InlineData("512 MB", 512_000_000L)]
    [InlineData("3 GB", 3_000_000_000L)]
    [InlineData("1 GiB", 1L << 30)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("2 kB", 2000L)]
    [InlineData("2 KiB", 2048L)]
    [InlineData("1.5 MiB", 1_572_864L)]
    [InlineData("10 b", 10L)]
    [InlineData("1 tib", 1L << 40)]
    [InlineData("1 TB", 1_000_000_000_000L)]
    [InlineData("  4 mib ", 4L << 20)]
    public void Parses_sizes(string text, long expected)
    {
        Assert.True(ScalarUnit.TryParseSize(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("GB")]
    [InlineData("12")]
    [InlineData("12 parsecs")]
    [InlineData("-1 GB")]
    [InlineData("1 G B")]
    public void Rejects_non_sizes(string text) => Assert.False(ScalarUnit.TryParseSize(text, out _));
}
