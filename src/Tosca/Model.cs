namespace Mano.Tosca;

// Typed VNFD model (ETSI GS NFV-SOL 001). Ids are node template / policy names from the VNFD.

/// <summary>A VNFD: product information (tosca.nodes.nfv.VNF properties) and its deployment flavours.</summary>
public sealed record Vnfd(string DescriptorId, string DescriptorVersion, string Provider, string ProductName,
    string SoftwareVersion, IReadOnlyList<string> VnfmInfo, IReadOnlyList<VnfDeploymentFlavour> Flavours)
{
    public VnfDeploymentFlavour? FindFlavour(string flavourId) => Flavours.FirstOrDefault(f => f.FlavourId == flavourId);
}

/// <summary>One deployment flavour (a topology template substituting tosca.nodes.nfv.VNF).</summary>
public sealed record VnfDeploymentFlavour(string FlavourId, string? Description,
    IReadOnlyList<Vdu> Vdus, IReadOnlyList<VirtualStorage> VirtualStorages, IReadOnlyList<VduCp> VduCps,
    IReadOnlyList<VnfVirtualLink> VirtualLinks, IReadOnlyList<VnfExtCp> ExtCps,
    IReadOnlyList<InstantiationLevel> InstantiationLevels, string? DefaultInstantiationLevelId,
    IReadOnlyList<ScalingAspect> ScalingAspects)
{
    /// <summary>The level with that id; a null id means the default level.</summary>
    public InstantiationLevel? FindLevel(string? levelId)
    {
        var id = levelId ?? DefaultInstantiationLevelId;
        return id is null ? null : InstantiationLevels.FirstOrDefault(l => l.Id == id);
    }
}

/// <summary>tosca.nodes.nfv.Vdu.Compute.</summary>
public sealed record Vdu(string Id, string Name, string? Description, int MinNumberOfInstances, int MaxNumberOfInstances,
    int InitialDelta, int? NumVirtualCpu, long? VirtualMemSizeMiB,
    IReadOnlyList<long> LocalStorageSizesGiB, SwImage? SwImage, IReadOnlyList<string> VirtualStorageIds);

/// <summary>sw_image_data (tosca.datatypes.nfv.SwImageData) plus the package-relative path of its SwImage artifact, if any.</summary>
public sealed record SwImage(string Name, string Version, string? ChecksumAlgorithm, string? ChecksumHash,
    string? ContainerFormat, string? DiskFormat, long? MinDiskBytes, long? MinRamBytes, long? SizeBytes, string? ArtifactFile);

/// <summary>tosca.nodes.nfv.Vdu.VirtualBlockStorage / VirtualObjectStorage / VirtualFileStorage.</summary>
public sealed record VirtualStorage(string Id, string Kind, long SizeOfStorageBytes, SwImage? SwImage);

/// <summary>tosca.nodes.nfv.VduCp.</summary>
public sealed record VduCp(string Id, string VduId, string? VirtualLinkId, int? Order, IReadOnlyList<string> LayerProtocols);

/// <summary>tosca.nodes.nfv.VnfVirtualLink.</summary>
public sealed record VnfVirtualLink(string Id, string? Description, IReadOnlyList<string> LayerProtocols,
    string? IpVersion, string? Cidr);

/// <summary>An external connection point: a substitution_mappings requirement mapped to a VduCp or a VnfExtCp node.</summary>
public sealed record VnfExtCp(string CpdId, string ExternalRequirement,
    string? InternalCpdId, string? InternalVirtualLinkId, IReadOnlyList<string> LayerProtocols);

/// <summary>tosca.policies.nfv.InstantiationLevels level, joined with VduInstantiationLevels.</summary>
public sealed record InstantiationLevel(string Id, string? Description,
    IReadOnlyDictionary<string, int> VduInstances, IReadOnlyDictionary<string, int> ScaleLevels);

/// <summary>tosca.policies.nfv.ScalingAspects aspect, joined with VduScalingAspectDeltas.</summary>
public sealed record ScalingAspect(string Id, string? Name, string? Description, int MaxScaleLevel,
    IReadOnlyList<string> StepDeltas, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> VduDeltas);
