using System.IO.Compression;

namespace Mano.Tosca.Tests;

public class ZipSafetyTests
{
    private const string MinimalVnfd = """
        tosca_definitions_version: tosca_simple_yaml_1_3
        topology_template:
          node_templates:
            VNF:
              type: tosca.nodes.nfv.VNF
              properties: { descriptor_id: d1, descriptor_version: '1', provider: P, product_name: N, software_version: '1', vnfm_info: [ 'etsivnfm:v3.3.1' ], flavour_id: f1, flavour_description: f1 }
            VDU1:
              type: tosca.nodes.nfv.Vdu.Compute
              properties: { name: VDU1, description: VDU1, vdu_profile: { min_number_of_instances: 1, max_number_of_instances: 1 } }
        """;

    private static readonly byte[] Meta = Zip.Utf8("TOSCA-Meta-File-Version: 1.0\nEntry-Definitions: Definitions/vnfd.yaml\n");

    [Fact]
    public void Bytes_that_are_not_a_zip_give_one_error_and_no_package()
    {
        var r = CsarReader.Read(new MemoryStream(Zip.Utf8("this is not a zip archive at all")));
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal(("csar.not-a-zip", Severity.Error), (d.Code, d.Severity));
        Assert.Null(r.Package);
        Assert.True(r.HasErrors);
    }

    [Fact]
    public void Empty_stream_is_not_a_zip()
    {
        var r = CsarReader.Read(new MemoryStream());
        Assert.Equal("csar.not-a-zip", Assert.Single(r.Diagnostics).Code);
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("Definitions/../../evil")]
    [InlineData("/etc/passwd")]
    [InlineData("C:/windows/evil")]
    [InlineData("..\\evil")]
    [InlineData("Definitions\\..\\..\\evil")]
    public void Unsafe_entry_names_are_errors_and_never_files(string name)
    {
        using var zip = Zip.Build(("TOSCA-Metadata/TOSCA.meta", Meta), ("Definitions/vnfd.yaml", Zip.Utf8(MinimalVnfd)), (name, Zip.Utf8("x")));
        var r = CsarReader.Read(zip);
        var d = Assert.Single(r.Diagnostics.Errors());
        Assert.Equal("csar.unsafe-entry-name", d.Code);
        Assert.Equal(name, d.File);
        Assert.Equal(["Definitions/vnfd.yaml", "TOSCA-Metadata/TOSCA.meta"], r.Package!.FilePaths);
        Assert.Equal("d1", r.Package.Vnfd!.DescriptorId);
    }

    [Fact]
    public void Symlink_entries_are_refused()
    {
        var ms = new MemoryStream();
        using (var z = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            var e = z.CreateEntry("Files/link");
            e.ExternalAttributes = unchecked((int)(0xA1FFu << 16)); // S_IFLNK | 0777
            using var s = e.Open();
            s.Write(Zip.Utf8("/etc/passwd"));
        }
        ms.Position = 0;
        var r = CsarReader.Read(ms);
        Assert.Contains(r.Diagnostics, d => d.Code == "csar.symlink" && d.File == "Files/link");
        Assert.DoesNotContain("Files/link", r.Package!.FilePaths);
    }

    [Fact]
    public void A_zip_bomb_is_refused_by_compression_ratio_without_inflating_it()
    {
        var ms = new MemoryStream();
        using (var z = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            var e = z.CreateEntry("Files/zeros.bin", CompressionLevel.Optimal);
            using var s = e.Open();
            var chunk = new byte[1 << 20];
            for (var i = 0; i < 200; i++) s.Write(chunk);
        }
        ms.Position = 0;
        Assert.True(ms.Length < 2_000_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var r = CsarReader.Read(ms);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(r.Diagnostics, d => d.Code == "csar.compression-ratio" && d.File == "Files/zeros.bin" && d.Severity == Severity.Error);
        Assert.DoesNotContain("Files/zeros.bin", r.Package!.FilePaths);
        Assert.True(allocated < 50_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Entry_count_size_and_total_limits_are_errors()
    {
        var big = new byte[5000];
        Random.Shared.NextBytes(big); // incompressible
        using (var zip = Zip.Build(("a", big), ("b", big), ("c", big)))
            Assert.Contains(CsarReader.Read(zip, new CsarLimits(MaxEntries: 2)).Diagnostics, d => d.Code == "csar.too-many-entries");
        using (var zip = Zip.Build(("a", big), ("b", new byte[10])))
        {
            var r = CsarReader.Read(zip, new CsarLimits(MaxEntryBytes: 4000));
            Assert.Contains(r.Diagnostics, d => d.Code == "csar.entry-too-large" && d.File == "a");
            Assert.Equal(["b"], r.Package!.FilePaths);
        }
        using (var zip = Zip.Build(("a", big), ("b", big)))
            Assert.Contains(CsarReader.Read(zip, new CsarLimits(MaxTotalUncompressedBytes: 8000)).Diagnostics, d => d.Code == "csar.total-too-large");
    }

    [Fact]
    public void Non_seekable_streams_are_read()
    {
        using var zip = Zip.Build(("TOSCA-Metadata/TOSCA.meta", Meta), ("Definitions/vnfd.yaml", Zip.Utf8(MinimalVnfd)));
        var r = CsarReader.Read(new NonSeekable(zip));
        Assert.False(r.HasErrors, string.Join("\n", r.Diagnostics));
        Assert.Equal("f1", r.Package!.Vnfd!.Flavours.Single().FlavourId);
    }

    [Fact]
    public void Package_without_TOSCA_meta_uses_its_single_root_yaml_and_its_metadata()
    {
        var yaml = "metadata:\n  template_name: x\n  template_author: me\n" + MinimalVnfd;
        using var zip = Zip.Build(("pkg/vnfd.yaml", Zip.Utf8(yaml)), ("pkg/Files/readme.txt", Zip.Utf8("hi")));
        var r = CsarReader.Read(zip);
        Assert.False(r.HasErrors, string.Join("\n", r.Diagnostics));
        Assert.Equal("vnfd.yaml", r.Package!.EntryDefinitions);
        Assert.Equal("me", r.Package.Metadata["template_author"]);
        Assert.Equal(["Files/readme.txt", "vnfd.yaml"], r.Package.FilePaths);
    }

    [Fact]
    public void Missing_Entry_Definitions_is_an_error()
    {
        using var zip = Zip.Build(("TOSCA-Metadata/TOSCA.meta", Zip.Utf8("TOSCA-Meta-File-Version: 1.0\n")));
        var r = CsarReader.Read(zip);
        Assert.Contains(r.Diagnostics, d => d.Code == "csar.no-entry-definitions");
        Assert.NotNull(r.Package);
        Assert.Null(r.Package.Vnfd);

        using var zip2 = Zip.Build(("TOSCA-Metadata/TOSCA.meta", Meta));
        var d2 = Assert.Single(CsarReader.Read(zip2).Diagnostics.Errors());
        Assert.Equal(("csar.entry-definitions-missing", "TOSCA-Metadata/TOSCA.meta", 2), (d2.Code, d2.File, d2.Line));
    }

    [Fact]
    public void Directory_symlinks_are_refused()
    {
        var dir = Directory.CreateTempSubdirectory("mano-tosca-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "TOSCA-Metadata"));
            Directory.CreateDirectory(Path.Combine(dir, "Definitions"));
            File.WriteAllBytes(Path.Combine(dir, "TOSCA-Metadata", "TOSCA.meta"), Meta);
            File.WriteAllText(Path.Combine(dir, "Definitions", "vnfd.yaml"), MinimalVnfd);
            File.CreateSymbolicLink(Path.Combine(dir, "Definitions", "passwd"), "/etc/passwd");
            var r = CsarReader.ReadDirectory(dir);
            Assert.Contains(r.Diagnostics, d => d.Code == "csar.symlink" && d.File == "Definitions/passwd");
            Assert.DoesNotContain("Definitions/passwd", r.Package!.FilePaths);
            Assert.Equal("d1", r.Package.Vnfd!.DescriptorId);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Missing_directory_gives_no_package()
    {
        var r = CsarReader.ReadDirectory(Path.Combine(Path.GetTempPath(), "mano-no-such-" + Guid.NewGuid().ToString("N")));
        Assert.Equal("csar.directory-not-found", Assert.Single(r.Diagnostics).Code);
        Assert.Null(r.Package);
    }

    private sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
