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
