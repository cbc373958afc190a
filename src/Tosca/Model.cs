namespace Mano.Tosca;

// Typed VNFD model (ETSI GS NFV-SOL 001). Ids are node template / policy names from the VNFD.

/// <summary>A VNFD: product information (tosca.nodes.nfv.VNF properties) and its deployment flavours.</summary>
public sealed record Vnfd(string DescriptorId, string DescriptorVersion, string Provider, string ProductName,
    string SoftwareVersion, IReadOnlyList<string> VnfmInfo, IReadOnlyList<VnfDeploymentFlavour> Flavours)
{
    public VnfDeploymentFlavour? FindFlavour(string flavourId) => Flavours.FirstOrDefault(f => f.FlavourId == flavourId);

    /// <summary>product_info_name (SOL001 v2.6.1+).</summary>
    public string? ProductInfoName { get; init; }
    /// <summary>product_info_description.</summary>
    public string? ProductInfoDescription { get; init; }
    /// <summary>localization_languages (RFC 5646 tags).</summary>
    public IReadOnlyList<string> LocalizationLanguages { get; init; } = [];
    /// <summary>default_localization_language.</summary>
    public string? DefaultLocalizationLanguage { get; init; }
    /// <summary>The top-level template's description.</summary>
    public string? Description { get; init; }
    /// <summary>The top-level template's metadata block (template_name, template_author, ...).</summary>
    public IReadOnlyDictionary<string, string> TemplateMetadata { get; init; } = new Dictionary<string, string>();
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

    /// <summary>Operations of the VNF node's LCM interfaces (Vnflcm and any other interface, e.g. Tacker's mgmt-driver style), in document order.</summary>
    public IReadOnlyList<VnfLcmOperation> LcmOperations { get; init; } = [];
    /// <summary>Artifacts of the flavour's VNF node (management drivers, LCM scripts, Kubernetes/Helm deployment artifacts...).</summary>
    public IReadOnlyList<Artifact> VnfArtifacts { get; init; } = [];
    /// <summary>lcm_operations_configuration (tosca.datatypes.nfv.VnfLcmOperationsConfiguration) as a value tree, keyed by operation (instantiate, scale, heal...).</summary>
    public IReadOnlyDictionary<string, object?> LcmOperationsConfiguration { get; init; } = new Dictionary<string, object?>();
    /// <summary>VNF-level monitoring_parameters (SOL001 v2.6.1+: property of the VNF node).</summary>
    public IReadOnlyList<MonitoringParameter> MonitoringParameters { get; init; } = [];
    /// <summary>configurable_properties of the VNF node (tosca.datatypes.nfv.VnfConfigurableProperties).</summary>
    public VnfConfigurableProperties? ConfigurableProperties { get; init; }
    /// <summary>tosca.groups.nfv.PlacementGroup groups.</summary>
    public IReadOnlyList<PlacementGroup> PlacementGroups { get; init; } = [];
    /// <summary>tosca.policies.nfv.AffinityRule / AntiAffinityRule policies, targets resolved to VDUs / virtual links.</summary>
    public IReadOnlyList<PlacementRule> PlacementRules { get; init; } = [];
    /// <summary>tosca.policies.nfv.SecurityGroupRule policies.</summary>
    public IReadOnlyList<SecurityGroupRule> SecurityGroupRules { get; init; } = [];
    /// <summary>tosca.policies.nfv.VnfIndicator policies.</summary>
    public IReadOnlyList<VnfIndicator> Indicators { get; init; } = [];
    /// <summary>Any other policy of the flavour (type and targets), e.g. tosca.policies.nfv.SupportedVnfInterface or vendor policies.</summary>
    public IReadOnlyList<OtherPolicy> OtherPolicies { get; init; } = [];
}

/// <summary>tosca.nodes.nfv.Vdu.Compute.</summary>
public sealed record Vdu(string Id, string Name, string? Description, int MinNumberOfInstances, int MaxNumberOfInstances,
    int InitialDelta, int? NumVirtualCpu, long? VirtualMemSizeMiB,
    IReadOnlyList<long> LocalStorageSizesGiB, SwImage? SwImage, IReadOnlyList<string> VirtualStorageIds)
{
    /// <summary>boot_order: the storages (or other descriptors) to boot from, in order.</summary>
    public IReadOnlyList<string> BootOrder { get; init; } = [];
    /// <summary>virtual_compute requested_additional_capabilities.</summary>
    public IReadOnlyList<RequestedAdditionalCapability> RequestedAdditionalCapabilities { get; init; } = [];
    /// <summary>The requested_additional_capability_name of the first requested additional capability (Tacker: the Nova flavour name).</summary>
    public string? FlavorName => RequestedAdditionalCapabilities.FirstOrDefault()?.Name;
    /// <summary>virtual_cpu.cpu_architecture.</summary>
    public string? CpuArchitecture { get; init; }
    /// <summary>virtual_cpu.virtual_cpu_clock in MHz.</summary>
    public double? VirtualCpuClockMHz { get; init; }
    /// <summary>virtual_cpu.virtual_cpu_pinning.virtual_cpu_pinning_policy (static / dynamic).</summary>
    public string? CpuPinningPolicy { get; init; }
    /// <summary>virtual_memory.vdu_mem_requirements / virtual_cpu.vdu_cpu_requirements and the compute's logical_node, as value trees.</summary>
    public IReadOnlyDictionary<string, object?> ComputeRequirements { get; init; } = new Dictionary<string, object?>();
    /// <summary>Every artifact of the node (the SwImage one included).</summary>
    public IReadOnlyList<Artifact> Artifacts { get; init; } = [];
    /// <summary>monitoring_parameters of the VDU (tosca.datatypes.nfv.VnfcMonitoringParameter).</summary>
    public IReadOnlyList<MonitoringParameter> MonitoringParameters { get; init; } = [];
    /// <summary>nfvi_constraints.</summary>
    public IReadOnlyList<string> NfviConstraints { get; init; } = [];
}

/// <summary>sw_image_data (tosca.datatypes.nfv.SwImageData) plus the package-relative path of its SwImage artifact, if any.</summary>
public sealed record SwImage(string Name, string Version, string? ChecksumAlgorithm, string? ChecksumHash,
    string? ContainerFormat, string? DiskFormat, long? MinDiskBytes, long? MinRamBytes, long? SizeBytes, string? ArtifactFile);

/// <summary>tosca.nodes.nfv.Vdu.VirtualBlockStorage / VirtualObjectStorage / VirtualFileStorage.</summary>
public sealed record VirtualStorage(string Id, string Kind, long SizeOfStorageBytes, SwImage? SwImage)
{
    /// <summary>virtual_block_storage_data.rdma_enabled.</summary>
    public bool? RdmaEnabled { get; init; }
    /// <summary>virtual_file_storage_data.file_system_protocol.</summary>
    public string? FileSystemProtocol { get; init; }
    /// <summary>per_vnfc_instance (SOL001 v3.3.1+), when stated.</summary>
    public bool? PerVnfcInstance { get; init; }
    /// <summary>Every artifact of the node.</summary>
    public IReadOnlyList<Artifact> Artifacts { get; init; } = [];
}

/// <summary>tosca.nodes.nfv.VduCp.</summary>
public sealed record VduCp(string Id, string VduId, string? VirtualLinkId, int? Order, IReadOnlyList<string> LayerProtocols)
{
    public string? Description { get; init; }
    /// <summary>role: root / leaf.</summary>
    public string? Role { get; init; }
    /// <summary>protocol (tosca.datatypes.nfv.CpProtocolData list).</summary>
    public IReadOnlyList<CpProtocolData> ProtocolData { get; init; } = [];
    public bool? TrunkMode { get; init; }
    /// <summary>bitrate_requirement in bits per second.</summary>
    public long? BitrateRequirement { get; init; }
    /// <summary>vnic_type: normal, virtio, direct-physical...</summary>
    public string? VnicType { get; init; }
    /// <summary>virtual_network_interface_requirements as value trees.</summary>
    public IReadOnlyList<object?> VirtualNetworkInterfaceRequirements { get; init; } = [];
}

/// <summary>tosca.nodes.nfv.VnfVirtualLink.</summary>
public sealed record VnfVirtualLink(string Id, string? Description, IReadOnlyList<string> LayerProtocols,
    string? IpVersion, string? Cidr)
{
    /// <summary>connectivity_type.flow_pattern: line, tree, mesh.</summary>
    public string? FlowPattern { get; init; }
    /// <summary>vl_profile.max_bitrate_requirements.</summary>
    public LinkBitrate? MaxBitrate { get; init; }
    /// <summary>vl_profile.min_bitrate_requirements.</summary>
    public LinkBitrate? MinBitrate { get; init; }
    /// <summary>vl_profile.virtual_link_protocol_data, every entry.</summary>
    public IReadOnlyList<VirtualLinkProtocolData> ProtocolData { get; init; } = [];
    /// <summary>vl_profile.qos as a value tree.</summary>
    public IReadOnlyDictionary<string, object?> Qos { get; init; } = new Dictionary<string, object?>();
    public IReadOnlyList<string> TestAccess { get; init; } = [];
    /// <summary>monitoring_parameters (tosca.datatypes.nfv.VirtualLinkMonitoringParameter).</summary>
    public IReadOnlyList<MonitoringParameter> MonitoringParameters { get; init; } = [];
}

/// <summary>An external connection point: a substitution_mappings requirement mapped to a VduCp or a VnfExtCp node.</summary>
public sealed record VnfExtCp(string CpdId, string ExternalRequirement,
    string? InternalCpdId, string? InternalVirtualLinkId, IReadOnlyList<string> LayerProtocols)
{
    /// <summary>True for a tosca.nodes.nfv.VnfExtCp node; false for a VduCp re-exposed through substitution_mappings.</summary>
    public bool IsVnfExtCpNode => InternalCpdId is null;
    /// <summary>The node's external_virtual_link requirement target, when the VNFD names one (normally left to the NSD).</summary>
    public string? ExternalVirtualLinkId { get; init; }
    public string? Description { get; init; }
    public string? Role { get; init; }
    public IReadOnlyList<CpProtocolData> ProtocolData { get; init; } = [];
    public bool? TrunkMode { get; init; }
}

/// <summary>tosca.policies.nfv.InstantiationLevels level, joined with VduInstantiationLevels.</summary>
public sealed record InstantiationLevel(string Id, string? Description,
    IReadOnlyDictionary<string, int> VduInstances, IReadOnlyDictionary<string, int> ScaleLevels)
{
    /// <summary>tosca.policies.nfv.VirtualLinkInstantiationLevels: bitrate requirements per virtual link at this level.</summary>
    public IReadOnlyDictionary<string, LinkBitrate> VirtualLinkBitrates { get; init; } = new Dictionary<string, LinkBitrate>();
}

/// <summary>tosca.policies.nfv.ScalingAspects aspect, joined with VduScalingAspectDeltas.</summary>
public sealed record ScalingAspect(string Id, string? Name, string? Description, int MaxScaleLevel,
    IReadOnlyList<string> StepDeltas, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> VduDeltas)
{
    /// <summary>tosca.policies.nfv.VirtualLinkBitrateScalingDeltas: virtual link -> delta id -> bitrate.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, LinkBitrate>> VirtualLinkBitrateDeltas { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, LinkBitrate>>();
}
