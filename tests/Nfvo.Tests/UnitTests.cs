using System.Text.Json.Nodes;
using Mano.Tosca;

namespace Mano.Nfvo.Tests;

public sealed class PackageUploadTests
{
    [Theory]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00 }, true)]
    [InlineData(new byte[] { 0x50, 0x4B, 0x05, 0x06 }, true)]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D }, false)] // %PDF-
    [InlineData(new byte[] { 0x50, 0x4B }, false)]
    [InlineData(new byte[] { }, false)]
    [InlineData(new byte[] { 0x50, 0x4B, 0x07, 0x08 }, false)]
    public void The_ZIP_magic_check_accepts_only_a_local_header_or_an_empty_archive(byte[] content, bool zip) =>
        Assert.Equal(zip, PackageUpload.LooksLikeZip(content));

    [Fact]
    public void A_real_package_passes_the_magic_check() => Assert.True(PackageUpload.LooksLikeZip(Csars.HelloWorld()));

    [Fact]
    public void The_not_a_zip_message_cites_SOL004() =>
        Assert.Equal("package content is not a ZIP archive (SOL004 clause 4.1 requires a ZIP CSAR)", PackageUpload.NotAZipMessage);

    [Theory]
    [InlineData(0, 10, false)]
    [InlineData(10, 10, false)]
    [InlineData(11, 10, true)]
    [InlineData(200_000, 100_000, true)]
    [InlineData(200_000, 200_000, false)]
    public async Task The_bounded_read_stops_past_the_limit(int size, long max, bool tooLarge)
    {
        var body = new CountingStream(new byte[size]);
        var result = await PackageUpload.ReadBoundedAsync(body, max, TestContext.Current.CancellationToken);
        Assert.Equal(tooLarge, result is null);
        if (!tooLarge) Assert.Equal(size, result!.Length);
        Assert.True(body.BytesRead <= max + 1, $"read {body.BytesRead} bytes for a limit of {max}");
    }

    private sealed class CountingStream(byte[] data) : MemoryStream(data)
    {
        public long BytesRead { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await base.ReadAsync(buffer, cancellationToken);
            BytesRead += n;
            return n;
        }
    }
}

public sealed class FormattingTests
{
    [Fact]
    public void Diagnostics_read_file_line_col_code_message()
    {
        Assert.Equal("TOSCA-Metadata/TOSCA.meta:6:1: csar.listed-file-missing: File 'x' listed in TOSCA.meta is not in the package.",
            PackageDiagnostic.From(new Diagnostic(Severity.Error, "csar.listed-file-missing", "TOSCA-Metadata/TOSCA.meta", 6, 1,
                "File 'x' listed in TOSCA.meta is not in the package.")).ToString());
        Assert.Equal("<package>: csar.not-a-zip: nope",
            PackageDiagnostic.From(new Diagnostic(Severity.Error, "csar.not-a-zip", "", 0, 0, "nope")).ToString());
    }

    [Fact]
    public void User_defined_data_is_merge_patched()
    {
        var target = JsonNode.Parse("""{"a":1,"b":{"c":2,"d":3},"e":4}""")!.AsObject();
        VnfPackagesApi.MergePatch(target, JsonNode.Parse("""{"a":null,"b":{"c":5},"f":"x"}""")!.AsObject());
        Assert.Equal("""{"b":{"c":5,"d":3},"e":4,"f":"x"}""", target.ToJsonString());
    }
}
