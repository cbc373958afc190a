namespace Mano.Tosca;

/// <summary>How bad a <see cref="Diagnostic"/> is.</summary>
public enum Severity { Error, Warning, Info }

/// <summary>One finding about a package or a VNFD, with a stable <paramref name="Code"/> and a 1-based position (0 when not applicable).</summary>
public sealed record Diagnostic(Severity Severity, string Code, string File, int Line, int Column, string Message)
{
    public override string ToString()
    {
        var sev = Severity switch { Severity.Error => "error", Severity.Warning => "warning", _ => "info" };
        var where = string.IsNullOrEmpty(File) ? "<package>" : File;
        if (Line > 0) where += Column > 0 ? $":{Line}:{Column}" : $":{Line}";
        return $"{where}: {sev} {Code}: {Message}";
    }
}

/// <summary>Stable diagnostic codes.</summary>
public static class DiagnosticCodes
{
    public const string NotAZip = "csar.not-a-zip";
    public const string TooManyEntries = "csar.too-many-entries";
    public const string EntryTooLarge = "csar.entry-too-large";
    public const string TotalTooLarge = "csar.total-too-large";
    public const string CompressionRatio = "csar.compression-ratio";
    public const string UnsafeEntryName = "csar.unsafe-entry-name";
    public const string Symlink = "csar.symlink";
    public const string DuplicateEntry = "csar.duplicate-entry";
    public const string UnreadableEntry = "csar.unreadable-entry";
    public const string NoEntryDefinitions = "csar.no-entry-definitions";
    public const string EntryDefinitionsMissing = "csar.entry-definitions-missing";
    public const string ListedFileMissing = "csar.listed-file-missing";
    public const string MetaSyntax = "csar.meta-syntax";
    public const string DirectoryNotFound = "csar.directory-not-found";

    public const string YamlSyntax = "yaml.syntax";
    public const string YamlDuplicateKey = "yaml.duplicate-key";
    public const string YamlTooLarge = "yaml.too-large";
    public const string YamlTooDeep = "yaml.too-deep";
    public const string YamlTooManyNodes = "yaml.too-many-nodes";
    public const string YamlNotMapping = "yaml.root-not-mapping";
    public const string YamlEncoding = "yaml.encoding";
    public const string YamlFlowIndentation = "yaml.flow-indentation";

    public const string EtsiTypesBuiltin = "vnfd.etsi-types-builtin";
    public const string ImportMissing = "vnfd.import-missing";
    public const string ImportRemote = "vnfd.import-remote";
    public const string ImportOutsidePackage = "vnfd.import-outside-package";
    public const string ImportInvalid = "vnfd.import-invalid";
    public const string EntryFileMissing = "vnfd.entry-definitions-missing";
    public const string ArtifactFileMissing = "vnfd.artifact-file-missing";
    public const string MissingDescriptorId = "vnfd.missing-descriptor-id";
    public const string MissingProductInfo = "vnfd.missing-product-info";
    public const string NoFlavour = "vnfd.no-flavour";
    public const string FlavourIdFromTypeDefault = "vnfd.flavour-id-from-type-default";
    public const string MissingFlavourId = "vnfd.missing-flavour-id";
    public const string DuplicateFlavour = "vnfd.duplicate-flavour";
    public const string CpUnknownVdu = "vnfd.cp-unknown-vdu";
    public const string CpUnknownVirtualLink = "vnfd.cp-unknown-virtual-link";
    public const string VduUnknownStorage = "vnfd.vdu-unknown-storage";
    public const string PolicyUnknownTarget = "vnfd.policy-unknown-target";
    public const string UnknownDefaultLevel = "vnfd.unknown-default-level";
    public const string UnknownInstantiationLevel = "vnfd.unknown-instantiation-level";
    public const string UnknownScalingAspect = "vnfd.unknown-scaling-aspect";
    public const string SubstitutionUnknownNode = "vnfd.substitution-unknown-node";
    public const string InvalidValue = "vnfd.invalid-value";
    public const string TypeCycle = "vnfd.type-derivation-cycle";

    // Import resolution of ETSI SOL001 type files (bundled copies).
    public const string EtsiVersionSubstituted = "vnfd.etsi-version-substituted";

    // TOSCA type definitions and template validation against them (VNFD, NSD, PNFD alike).
    public const string InvalidDefinition = "tosca.invalid-definition";
    public const string UnknownParentType = "tosca.unknown-parent-type";
    public const string DuplicateType = "tosca.duplicate-type";
    public const string UnknownType = "tosca.unknown-type";
    public const string UnknownProperty = "tosca.unknown-property";
    public const string MissingRequiredProperty = "tosca.missing-required-property";
    public const string TypeMismatch = "tosca.type-mismatch";
    public const string ConstraintViolation = "tosca.constraint-violation";
    public const string UnknownAttribute = "tosca.unknown-attribute";
    public const string UnknownRequirement = "tosca.unknown-requirement";
    public const string RequirementTarget = "tosca.requirement-target";
    public const string OccurrencesExceeded = "tosca.occurrences-exceeded";
    public const string UnknownCapability = "tosca.unknown-capability";
    public const string GroupMember = "tosca.group-member";
    public const string PolicyTarget = "tosca.policy-target";
    public const string UnknownInterface = "tosca.unknown-interface";
    public const string UnknownOperation = "tosca.unknown-operation";
    public const string UnknownArtifact = "tosca.unknown-artifact";
    public const string UnknownInput = "tosca.unknown-input";
    public const string InvalidFunction = "tosca.invalid-function";
    public const string InvalidTemplate = "tosca.invalid-template";

    // SOL004 manifest, TOSCA.meta header and signatures (appended by the CSAR engineer).
    public const string MetaDuplicateKey = "csar.meta-duplicate-key";
    public const string MetaUnknownKey = "csar.meta-unknown-key";
    public const string MetaMissingKey = "csar.meta-missing-key";
    public const string MetaVersion = "csar.meta-version";
    public const string ManifestMissing = "csar.manifest-missing";
    public const string ManifestAbsent = "csar.manifest-absent";
    public const string ManifestName = "csar.manifest-name";
    public const string ManifestNotReferenced = "csar.manifest-not-referenced";
    public const string ManifestTooLarge = "csar.manifest-too-large";
    public const string ManifestEncoding = "csar.manifest-encoding";
    public const string ManifestSyntax = "csar.manifest-syntax";
    public const string ManifestMetadata = "csar.manifest-metadata";
    public const string ManifestMissingKey = "csar.manifest-missing-key";
    public const string ManifestMissingValue = "csar.manifest-missing-value";
    public const string ManifestUnknownKey = "csar.manifest-unknown-key";
    public const string ManifestDuplicateSource = "csar.manifest-duplicate-source";
    public const string ManifestSourceOutsidePackage = "csar.manifest-source-invalid";
    public const string ManifestExternalArtifact = "csar.manifest-external-artifact";
    public const string ManifestUnlistedFile = "csar.manifest-unlisted-file";
    public const string HashAlgorithm = "csar.hash-algorithm";
    public const string HashMalformed = "csar.hash-malformed";
    public const string HashMismatch = "csar.hash-mismatch";
    public const string Unsigned = "csar.unsigned";
    public const string SignatureMalformed = "csar.signature-malformed";
    public const string SignatureInvalid = "csar.signature-invalid";
    public const string SignatureUntrusted = "csar.signature-untrusted";
    public const string SignatureVerified = "csar.signature-verified";
    public const string CertificateInvalid = "csar.certificate-invalid";
    public const string CertificateMismatch = "csar.certificate-mismatch";
    public const string IntegrityCheckFailed = "csar.integrity-check-failed";

    // VNFD model checks (appended by the model engineer).
    public const string SwImageDataMissing = "vnfd.sw-image-data-missing";
    public const string MultipleSwImages = "vnfd.multiple-sw-images";
    public const string InstanceBounds = "vnfd.instance-bounds";
    public const string InstancesOutsideBounds = "vnfd.instances-outside-bounds";
    public const string ScaleLevelOutOfRange = "vnfd.scale-level-out-of-range";
    public const string VduProfileMissing = "vnfd.vdu-profile-missing";
    public const string UnknownNodeType = "vnfd.unknown-node-type";
    public const string GroupUnknownMember = "vnfd.group-unknown-member";
    public const string ExtCpNotMapped = "vnfd.ext-cp-not-mapped";
    public const string InterfaceUnknownArtifact = "vnfd.interface-unknown-artifact";
    public const string ArtifactNoFile = "vnfd.artifact-no-file";

    // NSD (appended by the model engineer).
    public const string NsdEntryMissing = "nsd.entry-definitions-missing";
    public const string NsdNoNsNode = "nsd.no-ns-node";
    public const string NsdMissingProperty = "nsd.missing-property";
    public const string NsdUnknownNode = "nsd.unknown-node";
    public const string NsdWrongNodeKind = "nsd.wrong-node-kind";
    public const string NsdUnknownVnfCp = "nsd.unknown-vnf-cp";
    public const string NsdGroupUnknownMember = "nsd.group-unknown-member";
    public const string NsdPolicyUnknownTarget = "nsd.policy-unknown-target";
    public const string NsdUnknownLevel = "nsd.unknown-level";
    public const string NsdUnknownAspect = "nsd.unknown-aspect";
    public const string NsdInvalidValue = "nsd.invalid-value";
    public const string NsdDependencyCycle = "nsd.dependency-cycle";
    public const string NsdVnffgTypesMissing = "nsd.vnffg-types-unavailable";
}

internal sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];
    public IReadOnlyList<Diagnostic> Items => _items;
    public bool HasErrors => _items.Any(d => d.Severity == Severity.Error);
    public void Add(Diagnostic d) => _items.Add(d);
    public void AddRange(IEnumerable<Diagnostic> ds) => _items.AddRange(ds);
    public void Error(string code, string file, int line, int col, string message) => _items.Add(new(Severity.Error, code, file, line, col, message));
    public void Warning(string code, string file, int line, int col, string message) => _items.Add(new(Severity.Warning, code, file, line, col, message));
    public void Info(string code, string file, int line, int col, string message) => _items.Add(new(Severity.Info, code, file, line, col, message));
}
