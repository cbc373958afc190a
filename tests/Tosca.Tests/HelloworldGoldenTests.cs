namespace Mano.Tosca.Tests;

public class HelloworldGoldenTests
{
    private static readonly CsarReadResult Result = CsarReader.ReadDirectory(Corpus.Tacker("sample-vnf_packages_helloworld"));
    private static Vnfd Vnfd => Result.Package!.Vnfd!;
    private static VnfDeploymentFlavour Simple => Vnfd.FindFlavour("simple")!;

    [Fact]
    public void Reads_metadata_and_entry_definitions()
    {
        var p = Result.Package!;
        Assert.Equal("Definitions/helloworld3_top.vnfd.yaml", p.EntryDefinitions);
        Assert.Equal("1.1", p.Metadata["CSAR-Version"]);
        Assert.Equal("Dummy User", p.Metadata["Created-by"]);
        Assert.Contains("TOSCA-Metadata/TOSCA.meta", p.FilePaths);
        Assert.Equal(
            ["Definitions/helloworld3_top.vnfd.yaml", "Definitions/etsi_nfv_sol001_common_types.yaml", "Definitions/etsi_nfv_sol001_vnfd_types.yaml",
             "Definitions/helloworld3_types.yaml", "Definitions/helloworld3_df_simple.yaml"],
            p.VnfdFilePaths);
        Assert.StartsWith("tosca_definitions_version", System.Text.Encoding.UTF8.GetString(p.ReadFile("Definitions/helloworld3_top.vnfd.yaml")));
        Assert.Throws<KeyNotFoundException>(() => p.ReadFile("Files/images/cirros-0.5.2-x86_64-disk.img"));
    }

    [Fact]
    public void Parses_product_information()
    {
        Assert.Equal("b1bb0ce7-ebca-4fa7-95ed-4840d70a1177", Vnfd.DescriptorId);
        Assert.Equal("1.0", Vnfd.DescriptorVersion);
        Assert.Equal("Company", Vnfd.Provider);
        Assert.Equal("Sample VNF", Vnfd.ProductName);
        Assert.Equal("1.0", Vnfd.SoftwareVersion);
        Assert.Equal(["Tacker"], Vnfd.VnfmInfo);
        Assert.Single(Vnfd.Flavours);
        Assert.Equal("A simple flavour", Simple.Description);
        Assert.Null(Vnfd.FindFlavour("nope"));
    }

    [Fact]
    public void Parses_vdus_with_compute_storage_and_image()
    {
        Assert.Equal(["VDU1", "VDU2"], Simple.Vdus.Select(v => v.Id));
        var vdu1 = Simple.Vdus[0];
        Assert.Equal((1, 1, 1, 1, 512L), (vdu1.MinNumberOfInstances, vdu1.MaxNumberOfInstances, vdu1.InitialDelta, vdu1.NumVirtualCpu!.Value, vdu1.VirtualMemSizeMiB!.Value));
        Assert.Equal([3L], vdu1.LocalStorageSizesGiB);
        Assert.Empty(vdu1.VirtualStorageIds);
        var img = vdu1.SwImage!;
        Assert.Equal("Software of VDU1", img.Name);
        Assert.Equal("0.5.2", img.Version);
        Assert.Equal("sha-512", img.ChecksumAlgorithm);
        Assert.StartsWith("6b813aa46bb90b4d", img.ChecksumHash);
        Assert.Equal(("bare", "qcow2"), (img.ContainerFormat, img.DiskFormat));
        Assert.Equal(1_000_000_000L, img.MinDiskBytes);
        Assert.Equal(1_000_000_000L, img.SizeBytes);
        Assert.Null(img.MinRamBytes);
        Assert.Equal("Files/images/cirros-0.5.2-x86_64-disk.img", img.ArtifactFile);

        var vdu2 = Simple.Vdus[1];
        Assert.Equal((1, 3, 1), (vdu2.MinNumberOfInstances, vdu2.MaxNumberOfInstances, vdu2.InitialDelta));
        Assert.Equal(["VirtualStorage"], vdu2.VirtualStorageIds);
        Assert.Null(vdu2.SwImage);

        var storage = Assert.Single(Simple.VirtualStorages);
        Assert.Equal(("VirtualStorage", "block", 3_000_000_000L), (storage.Id, storage.Kind, storage.SizeOfStorageBytes));
        Assert.Equal(256_000_000L, storage.SwImage!.MinRamBytes);
    }

    [Fact]
    public void Parses_connection_points_links_and_external_mapping()
    {
        Assert.Equal(
            [new("CP1", "VDU1", null, 0, ["ipv4"]), new("CP2", "VDU1", "internalVL2", 1, ["ipv4"]), new("CP3", "VDU2", "internalVL2", 2, ["ipv4"])],
            Simple.VduCps.Select(c => c with { LayerProtocols = c.LayerProtocols.ToArray() }).ToList(),
            new CpComparer());
        var vl = Assert.Single(Simple.VirtualLinks);
        Assert.Equal(("internalVL2", "ipv4", "11.11.0.0/24", "Internal Virtual link in the VNF"), (vl.Id, vl.IpVersion, vl.Cidr, vl.Description));
        Assert.Equal(["ipv4"], vl.LayerProtocols);
        var ext = Assert.Single(Simple.ExtCps);
        Assert.Equal(("CP1", "virtual_link_external", "CP1", (string?)null), (ext.CpdId, ext.ExternalRequirement, ext.InternalCpdId, ext.InternalVirtualLinkId));
    }

    [Fact]
    public void Parses_instantiation_levels_and_scaling_aspects()
    {
        Assert.Equal("instantiation_level_1", Simple.DefaultInstantiationLevelId);
        var l1 = Simple.FindLevel(null)!;
        Assert.Equal("instantiation_level_1", l1.Id);
        Assert.Equal("Smallest size", l1.Description);
        Assert.Equal(1, l1.VduInstances["VDU1"]);
        Assert.Equal(1, l1.VduInstances["VDU2"]);
        Assert.Equal(0, l1.ScaleLevels["worker_instance"]);
        var l2 = Simple.FindLevel("instantiation_level_2")!;
        Assert.Equal(3, l2.VduInstances["VDU2"]);
        Assert.Equal(2, l2.ScaleLevels["worker_instance"]);

        var aspect = Assert.Single(Simple.ScalingAspects);
        Assert.Equal(("worker_instance", "worker_instance_aspect", 2), (aspect.Id, aspect.Name, aspect.MaxScaleLevel));
        Assert.Equal(["delta_1"], aspect.StepDeltas);
        Assert.Equal(1, aspect.VduDeltas["VDU2"]["delta_1"]);
        Assert.False(aspect.VduDeltas.ContainsKey("VDU1"));
    }

    [Fact]
    public void Reports_the_missing_image_at_its_TOSCA_meta_line_and_YAML_positions()
    {
        var errors = Result.Diagnostics.Errors().ToList();
        var listed = Assert.Single(errors, d => d.Code == "csar.listed-file-missing");
        Assert.Equal(("TOSCA-Metadata/TOSCA.meta", 6), (listed.File, listed.Line));
        Assert.Contains("Files/images/cirros-0.5.2-x86_64-disk.img", listed.Message);
        Assert.StartsWith("TOSCA-Metadata/TOSCA.meta:6:1: error csar.listed-file-missing:", listed.ToString());

        var artifacts = errors.Where(d => d.Code == "vnfd.artifact-file-missing").ToList();
        Assert.Equal([("Definitions/helloworld3_df_simple.yaml", 103, 17), ("Definitions/helloworld3_df_simple.yaml", 156, 17)],
            artifacts.Select(d => (d.File, d.Line, d.Column)));
        // Nothing else is an error.
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void Zipped_package_with_a_top_level_folder_reads_the_same()
    {
        using var zip = Zip.FromDirectory(Corpus.Tacker("sample-vnf_packages_helloworld"), "helloworld");
        var r = CsarReader.Read(zip);
        Assert.Equal(Result.Diagnostics, r.Diagnostics);
        Assert.Equal("Definitions/helloworld3_top.vnfd.yaml", r.Package!.EntryDefinitions);
        Assert.Equal(Result.Package!.FilePaths, r.Package.FilePaths);
        Assert.Equal(Vnfd.DescriptorId, r.Package.Vnfd!.DescriptorId);
        Assert.Equal(2, r.Package.Vnfd.Flavours[0].Vdus.Count);
    }

    [Fact]
    public void VnfdParser_parses_the_VNFD_files_alone()
    {
        var p = Result.Package!;
        var files = p.VnfdFilePaths.ToDictionary(f => f, p.ReadFile);
        var r = VnfdParser.Parse(files, p.EntryDefinitions);
        Assert.False(r.HasErrors, string.Join("\n", r.Diagnostics));
        Assert.Equal(p.VnfdFilePaths, r.VnfdFilePaths);
        Assert.Equal("b1bb0ce7-ebca-4fa7-95ed-4840d70a1177", r.Vnfd!.DescriptorId);
        Assert.Equal(3, r.Vnfd.FindFlavour("simple")!.FindLevel("instantiation_level_2")!.VduInstances["VDU2"]);
    }

    private sealed class CpComparer : IEqualityComparer<VduCp>
    {
        public bool Equals(VduCp? x, VduCp? y) => x is not null && y is not null && x.Id == y.Id && x.VduId == y.VduId
            && x.VirtualLinkId == y.VirtualLinkId && x.Order == y.Order && x.LayerProtocols.SequenceEqual(y.LayerProtocols);
        public int GetHashCode(VduCp obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
