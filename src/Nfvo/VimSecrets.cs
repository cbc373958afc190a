using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Mano.Nfvo;

/// <summary>
/// Where the NFVO's credential-encryption keys come from (ADR-0008):
/// <list type="bullet">
/// <item><c>Nfvo:SecretsKey</c>: base64 of 32 bytes, the current key (scaled shape: every NFVO replica gets the same).</item>
/// <item><c>Nfvo:PreviousSecretsKeys</c>: base64 keys still accepted for decryption after a rotation; rows encrypted
/// with them are re-encrypted with the current key by the VIM monitor's sweep.</item>
/// <item>Neither configured (embedded shape): a key file generated once, <c>{Mano:DataDir}/nfvo-secrets.key</c>
/// (or <c>Nfvo:SecretsKeyFile</c>), created with permissions 0600.</item>
/// </list>
/// A key's id is derived from the key itself (first 8 bytes of its SHA-256, hex), so replicas agree without configuring ids.
/// </summary>
public sealed class VimSecretsOptions
{
    public string? SecretsKey { get; init; }
    public IReadOnlyList<string> PreviousSecretsKeys { get; init; } = [];
    public string? KeyFile { get; init; }

    public static VimSecretsOptions From(IConfiguration config)
    {
        var dataDir = config["MANO_DATA_DIR"] ?? config["Mano:DataDir"];
        return new VimSecretsOptions
        {
            SecretsKey = NullIfBlank(config["Nfvo:SecretsKey"]),
            PreviousSecretsKeys = config.GetSection("Nfvo:PreviousSecretsKeys").GetChildren()
                .Select(c => c.Value).OfType<string>().Where(v => !string.IsNullOrWhiteSpace(v)).ToList(),
            KeyFile = NullIfBlank(config["Nfvo:SecretsKeyFile"]) ?? (dataDir is null ? null : Path.Combine(dataDir, "nfvo-secrets.key")),
        };
    }

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>A ciphertext and the id of the key that made it (stored side by side, for rotation).</summary>
public sealed record SealedSecret(string KeyId, string Ciphertext)
{
    public override string ToString() => $"SealedSecret {{ KeyId = {KeyId} }}";
}

/// <summary>
/// AES-256-GCM for VIM credentials at rest. The associated data binds a ciphertext to its tenant and VIM id, so a
/// ciphertext copied onto another row does not decrypt. Format: base64(nonce[12] || tag[16] || ciphertext).
/// Keys are loaded on first use, so an NFVO that never stores credentials needs none. Messages never contain secrets.
/// </summary>
public sealed partial class VimSecretProtector(VimSecretsOptions options, ILogger<VimSecretProtector> logger)
{
    private const int KeyBytes = 32, NonceBytes = 12, TagBytes = 16;
    private readonly Lock _lock = new();
    private (string CurrentId, Dictionary<string, byte[]> Keys)? _ring;

    /// <summary>The id of the key new ciphertexts are made with.</summary>
    public string CurrentKeyId => Ring().CurrentId;

    public SealedSecret Seal(string plaintext, string tenantId, string vimId)
    {
        var (currentId, keys) = Ring();
        var data = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceBytes + TagBytes + data.Length];
        var nonce = output.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(keys[currentId], TagBytes))
            aes.Encrypt(nonce, data, output.AsSpan(NonceBytes + TagBytes), output.AsSpan(NonceBytes, TagBytes), Aad(tenantId, vimId));
        CryptographicOperations.ZeroMemory(data);
        return new SealedSecret(currentId, Convert.ToBase64String(output));
    }

    /// <exception cref="VimSecretException">Unknown key id (not configured here), or the ciphertext was altered or moved.</exception>
    public string Open(SealedSecret secret, string tenantId, string vimId)
    {
        var (_, keys) = Ring();
        if (!keys.TryGetValue(secret.KeyId, out var key))
            throw new VimSecretException(
                $"the credentials of VIM {vimId} were encrypted with key {secret.KeyId}, which this NFVO does not have " +
                "(configure it as Nfvo:SecretsKey or in Nfvo:PreviousSecretsKeys)");
        byte[] input;
        try { input = Convert.FromBase64String(secret.Ciphertext); }
        catch (FormatException) { throw new VimSecretException($"the stored credentials of VIM {vimId} are corrupt"); }
        if (input.Length < NonceBytes + TagBytes) throw new VimSecretException($"the stored credentials of VIM {vimId} are corrupt");
        var plain = new byte[input.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(input.AsSpan(0, NonceBytes), input.AsSpan(NonceBytes + TagBytes), input.AsSpan(NonceBytes, TagBytes), plain, Aad(tenantId, vimId));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new VimSecretException($"the stored credentials of VIM {vimId} do not authenticate (altered, or moved from another VIM)");
        }
        var text = Encoding.UTF8.GetString(plain);
        CryptographicOperations.ZeroMemory(plain);
        return text;
    }

    private static byte[] Aad(string tenantId, string vimId) => Encoding.UTF8.GetBytes($"mano-vim-access-info\n{tenantId}\n{vimId}");

    public static string KeyIdOf(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 8));

    private (string CurrentId, Dictionary<string, byte[]> Keys) Ring()
    {
        if (_ring is { } ring) return ring;
        lock (_lock)
        {
            if (_ring is { } again) return again;
            var current = options.SecretsKey is { } configured ? Decode(configured, "Nfvo:SecretsKey") : LoadOrCreateKeyFile();
            var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [KeyIdOf(current)] = current };
            foreach (var previous in options.PreviousSecretsKeys)
            {
                var k = Decode(previous, "Nfvo:PreviousSecretsKeys");
                keys.TryAdd(KeyIdOf(k), k);
            }
            _ring = (KeyIdOf(current), keys);
            LogKeyRing(KeyIdOf(current), keys.Count - 1, options.SecretsKey is null ? "key file" : "configuration");
            return _ring.Value;
        }
    }

    private static byte[] Decode(string base64, string setting)
    {
        byte[] key;
        try { key = Convert.FromBase64String(base64); }
        catch (FormatException) { throw new InvalidOperationException($"{setting} is not base64."); }
        if (key.Length != KeyBytes) throw new InvalidOperationException($"{setting} must be base64 of {KeyBytes} bytes (it has {key.Length}).");
        return key;
    }

    private byte[] LoadOrCreateKeyFile()
    {
        var path = options.KeyFile ?? throw new InvalidOperationException(
            "No key to encrypt VIM credentials with: set Nfvo:SecretsKey (base64 of 32 random bytes; every NFVO replica the same) " +
            "or Mano:DataDir / MANO_DATA_DIR (the embedded shape keeps a generated key there).");
        if (File.Exists(path)) return Decode(File.ReadAllText(path).Trim(), path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(KeyBytes);
        try
        {
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(path, fileOptions))
            using (var writer = new StreamWriter(stream))
                writer.Write(Convert.ToBase64String(key));
            LogKeyFileCreated(path);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
            return Decode(File.ReadAllText(path).Trim(), path);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "VIM credentials are encrypted with key {KeyId} (from {Source}); {Previous} previous key(s) accepted for decryption")]
    private partial void LogKeyRing(string keyId, int previous, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generated the key that encrypts VIM credentials at {Path} (mode 0600). Back it up with the database; scaled deployments set Nfvo:SecretsKey instead")]
    private partial void LogKeyFileCreated(string path);
}

/// <summary>Stored VIM credentials cannot be decrypted. The message names the VIM and the key id, never a secret.</summary>
public sealed class VimSecretException(string message) : Exception(message);
