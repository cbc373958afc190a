using YamlDotNet.RepresentationModel;

namespace Mano.Tosca;

/// <summary>Result of parsing a VNFD from its files.</summary>
public sealed record VnfdParseResult(Vnfd? Vnfd, IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<string> VnfdFilePaths)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}

/// <summary>SOL001 VNFD parser over the VNFD files of a package (path -> content).</summary>
public static class VnfdParser
{
    /// <summary>Parses the VNFD whose top-level template is <paramref name="entryDefinitions"/>; never throws on bad input.</summary>
    public static VnfdParseResult Parse(IReadOnlyDictionary<string, byte[]> files, string entryDefinitions)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(entryDefinitions);
        var diags = new DiagnosticBag();
        var (vnfd, paths) = ParseCore(p => files.TryGetValue(p, out var b) ? b : null, entryDefinitions, CsarLimits.Default, null, diags);
        return new VnfdParseResult(vnfd, diags.Items.ToList(), paths);
    }

    internal static (Vnfd? Vnfd, IReadOnlyList<string> Paths) ParseCore(Func<string, byte[]?> read, string entry,
        CsarLimits limits, IReadOnlySet<string>? packageFiles, DiagnosticBag diags)
    {
        var set = ToscaLoader.Load(read, entry, limits, diags);
        if (set.Entry is null)
            return (null, set.Paths);
        // Generic TOSCA validation against the types, then the VNFD model. Where the VNFD builder reports a problem at the
        // very position the validator did (an unknown requirement target, policy target...), its more specific diagnostic stays.
        var validation = new DiagnosticBag();
        TemplateValidator.Validate(set, p => packageFiles?.Contains(p) ?? read(p) is not null, validation);
        var model = new DiagnosticBag();
        var builder = new VnfdBuilder(set.Files, packageFiles, model);
        var vnfd = builder.Build();
        var taken = model.Items.Where(d => d.Severity == Severity.Error && d.Line > 0)
            .Select(d => (d.File, d.Line, d.Column)).ToHashSet();
        foreach (var d in validation.Items)
            if (!(d.Severity == Severity.Error && taken.Contains((d.File, d.Line, d.Column)))) diags.Add(d);
        diags.AddRange(model.Items);
        return (vnfd, set.Paths);
    }
}

/// <summary>
/// Compatibility wrapper over <see cref="ToscaLoader"/> for code written against the former import loader:
/// <c>new ImportLoader(read, limits, diags).Load(entry)</c> then <c>Files</c> / <c>Paths</c>; <see cref="Set"/> gives the types too.
/// New code should call <see cref="ToscaLoader.Load(Func{string, byte[]?}, string, CsarLimits, DiagnosticBag)"/> directly.
/// </summary>
internal sealed class ImportLoader(Func<string, byte[]?> read, CsarLimits limits, DiagnosticBag diags)
{
    public ToscaDocumentSet? Set { get; private set; }
    public IReadOnlyList<ToscaFile> Files => Set?.Files ?? [];
    public IReadOnlyList<string> Paths => Set?.Paths ?? [];

    public void Load(string entry) => Set = ToscaLoader.Load(read, entry, limits, diags);
}
