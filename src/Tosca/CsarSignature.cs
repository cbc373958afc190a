using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;

namespace Mano.Tosca;

/// <summary>Outcome of checking a package's (or an artifact's) CMS signature.</summary>
public enum PackageSecurityStatus
{
    /// <summary>No signature to check.</summary>
    Unsigned,
    /// <summary>The signature is cryptographically valid over the signed content (see <see cref="PackageSecurity.Trust"/> for the signer).</summary>
    Verified,
    /// <summary>A signature is present but does not verify (tampered content, wrong certificate, malformed CMS).</summary>
    Invalid,
}

/// <summary>Whether the signer's certificate chains to one of the trusted roots the caller supplied.</summary>
public enum SignerTrust
{
    /// <summary>No trusted roots were supplied (or there is no valid signature): the signer is not vouched for.</summary>
    NotChecked,
    Trusted,
    Untrusted,
}

/// <summary>
/// The security state of a package (its manifest signature) or of one artifact signature. A <see cref="PackageSecurityStatus.Verified"/>
/// status with <see cref="SignerTrust.NotChecked"/> means "valid signature by an untrusted (unchecked) signer".
/// </summary>
public sealed record PackageSecurity(
    PackageSecurityStatus Status,
    string Detail,
    string? SignerSubject = null,
    SignerTrust Trust = SignerTrust.NotChecked,
    string? SignerThumbprint = null)
{
    public static PackageSecurity Unsigned { get; } = new(PackageSecurityStatus.Unsigned, "The package is not signed.");

    /// <summary>True only for a valid signature whose signer chains to a supplied trusted root.</summary>
    public bool IsTrusted => Status == PackageSecurityStatus.Verified && Trust == SignerTrust.Trusted;
}

/// <summary>CMS (PKCS#7 SignedData) verification for SOL004 manifests and artifact signatures. No network, no certificate store.</summary>
internal static class CsarSignature
{
    /// <summary>Certificates from a PEM (one or more CERTIFICATE blocks) or DER file; empty with <paramref name="error"/> when unreadable.</summary>
    public static X509Certificate2Collection LoadCertificates(byte[] bytes, out string? error)
    {
        error = null;
        var result = new X509Certificate2Collection();
        try
        {
            var text = TryAscii(bytes);
            if (text is not null && text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
                result.ImportFromPem(text);
            else
                result.Add(X509CertificateLoader.LoadCertificate(bytes));
        }
        catch (CryptographicException ex) { error = ex.Message; result.Clear(); }
        if (result.Count == 0 && error is null) error = "no certificate found";
        return result;
    }

    /// <summary>CMS bytes from PEM ("-----BEGIN CMS-----" / PKCS7 / SIGNATURE / bare base64) or DER.</summary>
    public static byte[]? DecodeCms(byte[] bytes)
    {
        var text = TryAscii(bytes);
        if (text is null) return bytes; // binary: DER
        var b64 = new StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            var t = line.Trim();
            if (t.Length == 0 || t.StartsWith("-----", StringComparison.Ordinal)) continue;
            b64.Append(t);
        }
        try { return Convert.FromBase64String(b64.ToString()); }
        catch (FormatException) { return null; }
    }

    public static byte[]? DecodeBase64(string body)
    {
        var b64 = new StringBuilder(body.Length);
        foreach (var c in body) if (!char.IsWhiteSpace(c)) b64.Append(c);
        try { return Convert.FromBase64String(b64.ToString()); }
        catch (FormatException) { return null; }
    }

    /// <summary>
    /// Verifies <paramref name="cms"/> (DER) over <paramref name="content"/>, detached or attached. For attached signatures the
    /// embedded content must equal the content. <paramref name="extraCerts"/> (e.g. ETSI-Entry-Certificate) supplies the signer
    /// certificate when the CMS carries none. With <paramref name="trustedRoots"/>, the signer must chain to one of them.
    /// </summary>
    public static PackageSecurity Verify(byte[] cms, IReadOnlyList<byte[]> contentVariants, X509Certificate2Collection extraCerts, X509Certificate2Collection? trustedRoots)
    {
        try
        {
            var probe = new SignedCms();
            probe.Decode(cms);
            var attached = probe.ContentInfo.Content.Length > 0 && !probe.Detached;
            SignedCms? verified = null;
            string? lastError = null;
            if (attached)
            {
                if (!contentVariants.Any(v => v.AsSpan().SequenceEqual(probe.ContentInfo.Content)))
                    return Invalid("The CMS carries signed content that differs from the manifest content it is attached to.");
                try { probe.CheckSignature(extraCerts, verifySignatureOnly: true); verified = probe; }
                catch (CryptographicException ex) { lastError = ex.Message; }
            }
            else
            {
                foreach (var content in contentVariants)
                {
                    var signed = new SignedCms(new ContentInfo(content), detached: true);
                    signed.Decode(cms);
                    try { signed.CheckSignature(extraCerts, verifySignatureOnly: true); verified = signed; break; }
                    catch (CryptographicException ex) { lastError ??= ex.Message; }
                }
            }
            if (verified is null)
            {
                var noCert = probe.SignerInfos.Count > 0 && FindSigner(probe.SignerInfos[0], probe.Certificates, extraCerts) is null;
                return Invalid(noCert
                    ? "The signer's certificate is neither in the CMS nor in the package certificate file."
                    : "The signature does not verify over the signed content (content tampered with, or signed with another key): " + lastError);
            }
            if (verified.SignerInfos.Count == 0) return Invalid("The CMS has no signer.");

            var signer = FindSigner(verified.SignerInfos[0], verified.Certificates, extraCerts)!;
            var subject = signer.Subject;
            var trust = SignerTrust.NotChecked;
            var detail = $"Valid {(attached ? "attached" : "detached")} CMS signature by '{subject}'";
            if (trustedRoots is not null)
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(trustedRoots);
                chain.ChainPolicy.ExtraStore.AddRange(verified.Certificates);
                chain.ChainPolicy.ExtraStore.AddRange(extraCerts);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.DisableCertificateDownloads = true;
                if (chain.Build(signer))
                {
                    trust = SignerTrust.Trusted;
                    detail += ", chaining to the trusted root '" + chain.ChainElements[^1].Certificate.Subject + "'.";
                }
                else
                {
                    trust = SignerTrust.Untrusted;
                    detail += ", but the signer does not chain to a trusted root: " +
                              string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct()) + ".";
                }
            }
            else detail += " (untrusted signer: no trusted roots were configured).";
            return new PackageSecurity(PackageSecurityStatus.Verified, detail, subject, trust, signer.Thumbprint);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or InvalidOperationException or FormatException)
        {
            return Invalid("The signature is not a readable CMS SignedData structure: " + ex.Message);
        }
    }

    private static PackageSecurity Invalid(string detail) => new(PackageSecurityStatus.Invalid, detail);

    private static X509Certificate2? FindSigner(SignerInfo info, X509Certificate2Collection embedded, X509Certificate2Collection extra)
    {
        if (info.Certificate is { } c) return c;
        foreach (var cert in embedded.Concat(extra))
        {
            var id = info.SignerIdentifier;
            switch (id.Type)
            {
                case SubjectIdentifierType.IssuerAndSerialNumber when id.Value is X509IssuerSerial s:
                    if (cert.IssuerName.Name == s.IssuerName && string.Equals(cert.SerialNumber, s.SerialNumber, StringComparison.OrdinalIgnoreCase)) return cert;
                    break;
                case SubjectIdentifierType.SubjectKeyIdentifier when id.Value is string ski:
                    var ext = cert.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault();
                    if (ext is not null && string.Equals(ext.SubjectKeyIdentifier, ski, StringComparison.OrdinalIgnoreCase)) return cert;
                    break;
            }
        }
        return null;
    }

    private static string? TryAscii(byte[] bytes)
    {
        foreach (var b in bytes)
            if (b == 0 || b > 0x7E || (b < 0x20 && b is not ((byte)'\r' or (byte)'\n' or (byte)'\t'))) return null;
        return Encoding.ASCII.GetString(bytes);
    }
}
