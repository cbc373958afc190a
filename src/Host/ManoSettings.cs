namespace Mano.Host;

/// <summary>
/// The few settings that shape the process (12-factor: all from configuration, environment variables override).
/// MANO_ROLES     nfvo, vnfm, or both (default: both = the embedded shape)
/// MANO_DATA_DIR  where the embedded shape keeps its SQLite files and the sandbox VIM state
/// ASPNETCORE_URLS the listen address (default http://127.0.0.1:9890)
/// </summary>
public sealed record ManoSettings(bool Nfvo, bool Vnfm, string DataDir, string Urls)
{
    public const string DefaultUrls = "http://127.0.0.1:9890";

    public static ManoSettings From(IConfiguration config)
    {
        var roles = (config["MANO_ROLES"] ?? config["Mano:Roles"] ?? "nfvo,vnfm")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => r.ToLowerInvariant()).ToHashSet();
        foreach (var unknown in roles.Except(["nfvo", "vnfm", "all"]))
            throw new InvalidOperationException($"Unknown role \"{unknown}\" in MANO_ROLES (expected nfvo, vnfm or all).");
        var all = roles.Contains("all");
        var dataDir = config["MANO_DATA_DIR"] ?? config["Mano:DataDir"] ?? DefaultDataDir();
        return new ManoSettings(all || roles.Contains("nfvo"), all || roles.Contains("vnfm"), Path.GetFullPath(dataDir),
            config["urls"] ?? DefaultUrls);
    }

    /// <summary>$XDG_DATA_HOME/mano, else ~/.local/share/mano, else ./.mano.</summary>
    private static string DefaultDataDir()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(xdg)) return Path.Combine(xdg, "mano");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? Path.Combine(Environment.CurrentDirectory, ".mano") : Path.Combine(home, ".local", "share", "mano");
    }

    public string Roles => string.Join(",", new[] { Nfvo ? "nfvo" : null, Vnfm ? "vnfm" : null }.OfType<string>());

    /// <summary>The first listen URL, as others reach this process (for _links), unless Mano:PublicUrl says otherwise.</summary>
    public string PublicUrl(IConfiguration config) =>
        config["Mano:PublicUrl"] ?? Urls.Split(';', StringSplitOptions.RemoveEmptyEntries)[0].Replace("0.0.0.0", "127.0.0.1").Replace("[::]", "127.0.0.1");
}
