using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using static Mano.Tosca.Tests.ManifestTests;

namespace Mano.Tosca.Tests;

/// <summary>CMS signatures of SOL004 manifests and artifacts, built here with self-signed certificates.</summary>
public sealed class SignatureTests : IDisposable
{
    private readonly X509Certificate2 _signer = SelfSigned("CN=Mano Test VNF Provider");
    private readonly X509Certificate2 _other = SelfSigned("CN=Someone Else");

    public void Dispose()
    {
        _signer.Dispose();
        _other.Dispose();
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        return req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static byte[] Sign(byte[] content, X509Certificate2 cert, bool detached = true, X509IncludeOption include = X509IncludeOption.EndCertOnly)
    {
        var cms = new SignedCms(new ContentInfo(content), detached);
        cms.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, cert) { IncludeOption = include });
        return cms.Encode();
    }

    private static string Pem(byte[] der) => "-----BEGIN CMS-----\n" + Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks).Replace("\r", "", StringComparison.Ordinal) + "\n-----END CMS-----\n";

    private static string Signed(string manifest, X509Certificate2 cert, bool detached = true, X509IncludeOption include = X509IncludeOption.EndCertOnly) =>
        manifest + Pem(Sign(Encoding.UTF8.GetBytes(manifest), cert, detached, include));

    private static byte[] CertPem(X509Certificate2 c) => Encoding.ASCII.GetBytes(c.ExportCertificatePem());

    private const string MetaWithCert = Meta + "ETSI-Entry-Certificate: Files/Certificates/provider.cert\n";

    [Fact]
    public void A_detached_signature_verifies_with_an_untrusted_signer_when_no_roots_are_given()
    {
        var r = Package(Signed(FullManifest(), _signer));
        Assert.True(!r.Diagnostics.CsarErrors().Any(), string.Join("\n", r.Diagnostics));
        var s = r.Package!.Security;
        Assert.Equal((PackageSecurityStatus.Verified, SignerTrust.NotChecked, false), (s.Status, s.Trust, s.IsTrusted));
        Assert.Equal("CN=Mano Test VNF Provider", s.SignerSubject);
        Assert.Contains("untrusted", s.Detail, StringComparison.Ordinal);
        Assert.True(r.Package.Manifest!.IsSigned);
        Assert.All(r.Package.Manifest.Entries, e => Assert.True(e.Verified));
        Assert.Contains(r.Diagnostics, d => d.Code == "csar.signature-verified" && d.Severity == Severity.Info && d.Line == r.Package.Manifest.SignatureLine);
    }

    [Fact]
    public void An_attached_signature_verifies_too()
    {
        var r = Package(Signed(FullManifest(), _signer, detached: false));
        Assert.True(!r.Diagnostics.CsarErrors().Any(), string.Join("\n", r.Diagnostics));
        Assert.Equal(PackageSecurityStatus.Verified, r.Package!.Security.Status);
        Assert.Contains("attached", r.Package.Security.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Trusted_roots_make_the_signer_trusted_or_reject_it()
    {
        var mf = Signed(FullManifest(), _signer);
        using (var zip = Zip.Build(Entries(mf)))
        {
            var r = CsarReader.Read(zip, trustedRoots: [_signer]);
            Assert.True(!r.Diagnostics.CsarErrors().Any(), string.Join("\n", r.Diagnostics));
            Assert.True(r.Package!.Security.IsTrusted);
            Assert.Equal(SignerTrust.Trusted, r.Package.Security.Trust);
        }
        using (var zip = Zip.Build(Entries(mf)))
        {
            var r = CsarReader.Read(zip, trustedRoots: [_other]);
            var s = r.Package!.Security;
            Assert.Equal((PackageSecurityStatus.Verified, SignerTrust.Untrusted, false), (s.Status, s.Trust, s.IsTrusted));
            var d = Assert.Single(r.Diagnostics.CsarErrors());
            Assert.Equal(("csar.signature-untrusted", "manifest.mf", r.Package.Manifest!.SignatureLine), (d.Code, d.File, d.Line));
        }
    }

    [Fact]
    public void Tampered_manifest_content_invalidates_the_signature()
    {
        var mf = Signed(FullManifest(), _signer).Replace("vnf_product_name: Sample", "vnf_product_name: Sampl3", StringComparison.Ordinal);
        var r = Package(mf);
        Assert.Equal(PackageSecurityStatus.Invalid, r.Package!.Security.Status);
        var d = Assert.Single(r.Diagnostics.CsarErrors());
        Assert.Equal(("csar.signature-invalid", LineOf(mf, "-----BEGIN CMS-----"), 1), (d.Code, d.Line, d.Column));
    }

    [Fact]
    public void Tampered_attached_content_is_invalid()
    {
        var good = FullManifest();
        var der = Sign(Encoding.UTF8.GetBytes(good.Replace("Sample", "Other", StringComparison.Ordinal)), _signer, detached: false);
        var r = Package(good + Pem(der));
        Assert.Equal(PackageSecurityStatus.Invalid, r.Package!.Security.Status);
        Assert.Contains("differs", r.Package.Security.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_signer_certificate_can_come_from_ETSI_Entry_Certificate()
    {
        var mf = Signed(FullManifest(Block("Files/Certificates/provider.cert", Sha256(CertPem(_signer))))
            .Replace(Sha256(Zip.Utf8(Meta)), Sha256(Zip.Utf8(MetaWithCert)), StringComparison.Ordinal), _signer, include: X509IncludeOption.None);
        var r = Package(mf, MetaWithCert, ("Files/Certificates/provider.cert", CertPem(_signer)));
        Assert.True(!r.Diagnostics.CsarErrors().Any(), string.Join("\n", r.Diagnostics));
        Assert.Equal(PackageSecurityStatus.Verified, r.Package!.Security.Status);
        Assert.Equal("CN=Mano Test VNF Provider", r.Package.Security.SignerSubject);
    }

    [Fact]
    public void The_wrong_certificate_in_ETSI_Entry_Certificate_is_invalid()
    {
        var mf = Signed(FullManifest(), _signer, include: X509IncludeOption.None);
        var r = Package(mf, MetaWithCert, ("Files/Certificates/provider.cert", CertPem(_other)));
        Assert.Equal(PackageSecurityStatus.Invalid, r.Package!.Security.Status);
        Assert.Contains("certificate", r.Package.Security.Detail, StringComparison.Ordinal);
        Assert.Contains(r.Diagnostics, d => d.Code == "csar.signature-invalid");
    }

    [Fact]
    public void Signed_by_another_key_than_the_certificate_file_warns_and_a_DER_certificate_is_read()
    {
        var mf = Signed(FullManifest(), _other);
        var r = Package(mf, MetaWithCert, ("Files/Certificates/provider.cert", _signer.RawData));
        Assert.Equal(PackageSecurityStatus.Verified, r.Package!.Security.Status);
        Assert.Contains(r.Diagnostics, d => d.Code == "csar.certificate-mismatch" && d.Severity == Severity.Warning);
    }

    [Theory]
    [InlineData("-----BEGIN CMS-----\nnot base64 at all!!\n-----END CMS-----\n", "csar.signature-invalid")]
    [InlineData("-----BEGIN CMS-----\nAAECAwQF\n-----END CMS-----\n", "csar.signature-invalid")]
    [InlineData("-----BEGIN CMS-----\nAAECAwQF\n", "csar.signature-malformed")]
    public void Malformed_signature_blocks_are_errors_not_exceptions(string block, string code)
    {
        var r = Package(FullManifest() + block);
        Assert.Equal(PackageSecurityStatus.Invalid, r.Package!.Security.Status);
        Assert.Contains(r.Diagnostics, d => d.Code == code && d.Severity == Severity.Error);
    }

    [Fact]
    public void Text_after_the_signature_block_is_an_error()
    {
        var mf = Signed(FullManifest(), _signer) + "Source: late.txt\n";
        var r = Package(mf);
        Assert.Contains(r.Diagnostics, d => d.Code == "csar.signature-malformed" && d.Line == LineOf(mf, "late.txt"));
    }

    [Fact]
    public void Artifact_signatures_are_verified_per_entry()
    {
        var sig = Sign(Script, _signer);
        var extra = $"Source: Scripts/install.sh\nAlgorithm: SHA-256\nHash: {Sha256(Script)}\nSignature: Scripts/install.sh.sig.cms\nCertificate: Scripts/install.cert\n\n";
        var mf = FullManifest().Replace(Block("Scripts/install.sh", Sha512(Script), "SHA-512"), extra, StringComparison.Ordinal);
        var r = Package(mf, Meta, ("Scripts/install.sh.sig.cms", sig), ("Scripts/install.cert", CertPem(_signer)));
        Assert.True(!r.Diagnostics.CsarErrors().Any(), string.Join("\n", r.Diagnostics));
        var e = r.Package!.Manifest!.Entries.Single(x => x.Path == "Scripts/install.sh");
        Assert.Equal(("Scripts/install.sh.sig.cms", "Scripts/install.cert"), (e.SignaturePath, e.CertificatePath));
        Assert.Equal(PackageSecurityStatus.Verified, e.Signature!.Status);
        Assert.DoesNotContain(r.Diagnostics, d => d.Code == "csar.manifest-unlisted-file");

        // A signature over other bytes (e.g. the artifact was replaced and the hash updated) is invalid.
        var wrongSig = Sign(Zip.Utf8("other content"), _signer);
        r = Package(mf, Meta, ("Scripts/install.sh.sig.cms", wrongSig), ("Scripts/install.cert", CertPem(_signer)));
        e = r.Package!.Manifest!.Entries.Single(x => x.Path == "Scripts/install.sh");
        Assert.Equal(PackageSecurityStatus.Invalid, e.Signature!.Status);
        var d = Assert.Single(r.Diagnostics.CsarErrors());
        Assert.Equal(("csar.signature-invalid", e.Line), (d.Code, d.Line));

        // PEM-encoded artifact signature.
        r = Package(mf, Meta, ("Scripts/install.sh.sig.cms", Zip.Utf8(Pem(sig))), ("Scripts/install.cert", CertPem(_signer)));
        Assert.Equal(PackageSecurityStatus.Verified, r.Package!.Manifest!.Entries.Single(x => x.Path == "Scripts/install.sh").Signature!.Status);
    }

    [Fact]
    public void An_unsigned_manifest_with_a_certificate_warns()
    {
        var r = Package(FullManifest(Block("Files/Certificates/provider.cert", Sha256(CertPem(_signer)))), MetaWithCert, ("Files/Certificates/provider.cert", CertPem(_signer)));
        Assert.Equal(PackageSecurityStatus.Unsigned, r.Package!.Security.Status);
        Assert.Contains(r.Diagnostics, d => d.Code == "csar.unsigned" && d.Severity == Severity.Warning);
    }

    private static (string, byte[])[] Entries(string manifest) =>
    [
        ("TOSCA-Metadata/TOSCA.meta", Zip.Utf8(Meta)),
        ("Definitions/vnfd.yaml", Zip.Utf8(MinimalVnfd)),
        ("Scripts/install.sh", Script),
        ("manifest.mf", Zip.Utf8(manifest)),
    ];
}
