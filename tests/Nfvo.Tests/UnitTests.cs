using System.Text.Json.Nodes;
using Mano.Tosca;

namespace Mano.Nfvo.Tests;

public sealed class PackageUploadTests
{
    [Theory]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00 }, true)]
    [InlineData(new byte[] { 0x50, 0x4B, 0x05, 0x06 }, true)]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D }, false)] // %PDF-
    [InlineData(new byte[] { 0x50, 0x4B }, false)]
    [InlineData(new byte[] { }, false)]
    [InlineData(new byte[] { 0x50, 0x4B, 0x07, 0x08 }, false)]
    public void The_ZIP_magic_check_accepts_only_a_local_header_or_an_empty_archive(byte[] content, bool zip) =>
        Assert.Equal(zip, PackageUpload.LooksLikeZip(content));

    [Fact]
    public void A_real_package_passes_the_magic_check() => Assert.True(PackageUpload.LooksLikeZip(Csars.HelloWorld()));

    [Fact]
    public void The_not_a_zip_message_cites_SOL004() =>
        Assert.Equal("package content is not a ZIP archive (SOL004 clause 4.1 requires a ZIP CSAR)", PackageUpload.NotAZipMessage);

    [Theory]
    [InlineData(0, 10, false)]
    [InlineData(10, 10, false)]
    [InlineData(11, 10, true)]
    [InlineData(200_000, 100_000, true)]
    [InlineData(200_000, 200_000, false)]
    public async Task The_bounded_read_stops_past_the_limit(int size, long max, bool tooLarge)
    {
        var body = new CountingStream(new byte[size]);
        var result = await PackageUpload.ReadBoundedAsync(body, max, TestContext.Current.CancellationToken);
        Assert.Equal(tooLarge, result is null);
        if (!tooLarge) Assert.Equal(size, result!.Length);
        Assert.True(body.BytesRead <= max + 1, $"read {body.BytesRead} bytes for a limit of {max}");
    }

    private sealed class CountingStream(byte[] data) : MemoryStream(data)
    {
        public long BytesRead { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await base.ReadAsync(buffer, cancellationToken);
            BytesRead += n;
            return n;
        }
    }
}

public sealed class FormattingTests
{
    [Fact]
    public void Diagnostics_read_file_line_col_code_message()
    {
        Assert.Equal("TOSCA-Metadata/TOSCA.meta:6:1: csar.listed-file-missing: File 'x' listed in TOSCA.meta is not in the package.",
            PackageDiagnostic.From(new Diagnostic(Severity.Error, "csar.listed-file-missing", "TOSCA-Metadata/TOSCA.meta", 6, 1,
                "File 'x' listed in TOSCA.meta is not in the package.")).ToString());
        Assert.Equal("<package>: csar.not-a-zip: nope",
            PackageDiagnostic.From(new Diagnostic(Severity.Error, "csar.not-a-zip", "", 0, 0, "nope")).ToString());
    }

    [Fact]
    public void User_defined_data_is_merge_patched()
    {
        var target = JsonNode.Parse("""{"a":1,"b":{"c":2,"d":3},"e":4}""")!.AsObject();
        VnfPackagesApi.MergePatch(target, JsonNode.Parse("""{"a":null,"b":{"c":5},"f":"x"}""")!.AsObject());
        Assert.Equal("""{"b":{"c":5,"d":3},"e":4,"f":"x"}""", target.ToJsonString());
    }
}

public sealed class PackageFetchGuardTests
{
    private static PackageFetchGuard Guard(bool loopback = true, bool privateNets = false) =>
        new(new NfvoOptions { PackageFetch = new PackageFetchOptions { AllowLoopback = loopback, AllowPrivateNetworks = privateNets } });

    [Theory]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("169.254.0.1", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("febf::1", "link-local")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("2002:a9fe:a9fe::1", "link-local")]     // 6to4 of 169.254.169.254
    [InlineData("64:ff9b::a9fe:a9fe", "link-local")]    // NAT64 of 169.254.169.254
    [InlineData("fd00:ec2::254", "metadata")]
    [InlineData("100.100.100.200", "metadata")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("172.16.5.4", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("100.64.0.1", "private")]
    [InlineData("fd12::1", "private")]
    public void Refused_addresses_name_their_rule(string address, string rule) =>
        Assert.Contains(rule, Guard().Refusal(System.Net.IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("93.184.216.34")]
    [InlineData("2606:2800:220:1::1")]
    [InlineData("172.32.0.1")]
    public void Public_and_by_default_loopback_addresses_are_allowed(string address) =>
        Assert.Null(Guard().Refusal(System.Net.IPAddress.Parse(address)));

    [Fact]
    public void Loopback_and_private_ranges_follow_the_configuration()
    {
        Assert.Contains("loopback", Guard(loopback: false).Refusal(System.Net.IPAddress.Loopback));
        Assert.Contains("loopback", Guard(loopback: false).Refusal(System.Net.IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.Null(Guard(privateNets: true).Refusal(System.Net.IPAddress.Parse("10.0.0.1")));
        Assert.NotNull(Guard(privateNets: true).Refusal(System.Net.IPAddress.Parse("169.254.169.254")));
    }
}

public sealed class RangeParsingTests
{
    [Theory]
    [InlineData("bytes=0-9", 100, 0, 9)]
    [InlineData("bytes=90-", 100, 90, 99)]
    [InlineData("bytes=-10", 100, 90, 99)]
    [InlineData("bytes=-500", 100, 0, 99)]
    [InlineData("bytes=95-500", 100, 95, 99)]
    [InlineData("bytes=100-", 100, -1, -1)]
    [InlineData("bytes=-0", 100, -1, -1)]
    public void Single_ranges_are_resolved_or_unsatisfiable(string header, long length, long from, long to) =>
        Assert.Equal((from, to), RangeContent.Parse(header, length));

    [Theory]
    [InlineData("bytes=0-1,4-5")]
    [InlineData("items=0-1")]
    [InlineData("bytes=5-2")]
    [InlineData("bytes=x-")]
    public void Several_or_malformed_ranges_are_ignored(string header) => Assert.Null(RangeContent.Parse(header, 100));
}

public sealed class PkgmFilterTests
{
    private static readonly VnfPackage Package = new()
    {
        Id = "p1", TenantId = "t", OnboardingState = Contracts.PackageOnboardingState.Onboarded, OperationalState = "ENABLED",
        UsageState = "NOT_IN_USE", VnfdId = "d1", VnfProvider = "Acme", VnfProductName = "Router", VnfSoftwareVersion = "2.0", VnfdVersion = "1.1",
    };

    [Fact]
    public void Every_present_attribute_must_match_and_any_value_of_an_array()
    {
        Assert.True(PkgmNotifier.Matches(null, "VnfPackageChangeNotification", Package, []));
        Assert.True(PkgmNotifier.Matches(new Contracts.PkgmNotificationsFilter { VnfdId = ["x", "d1"], OperationalState = ["ENABLED"] }, "VnfPackageChangeNotification", Package, []));
        Assert.False(PkgmNotifier.Matches(new Contracts.PkgmNotificationsFilter { VnfdId = ["d1"], UsageState = ["IN_USE"] }, "VnfPackageChangeNotification", Package, []));
        Assert.False(PkgmNotifier.Matches(new Contracts.PkgmNotificationsFilter { NotificationTypes = ["VnfPackageOnboardingNotification"] }, "VnfPackageChangeNotification", Package, []));
        Assert.True(PkgmNotifier.Matches(new Contracts.PkgmNotificationsFilter { VnfmInfo = ["Tacker"] }, "x", Package, ["Tacker"]));
        Assert.False(PkgmNotifier.Matches(new Contracts.PkgmNotificationsFilter { VnfmInfo = ["Other"] }, "x", Package, ["Tacker"]));
    }

    [Fact]
    public void Products_match_by_provider_then_name_then_versions()
    {
        Contracts.PkgmNotificationsFilter F(string provider, string? product = null, string? sw = null, string? vnfd = null) => new()
        {
            VnfProductsFromProviders = [new() { VnfProvider = provider, VnfProducts = product is null ? null :
                [new() { VnfProductName = product, Versions = sw is null ? null : [new() { VnfSoftwareVersion = sw, VnfdVersions = vnfd is null ? null : [vnfd] }] }] }],
        };
        Assert.True(PkgmNotifier.Matches(F("Acme"), "x", Package, []));
        Assert.False(PkgmNotifier.Matches(F("Other"), "x", Package, []));
        Assert.True(PkgmNotifier.Matches(F("Acme", "Router", "2.0", "1.1"), "x", Package, []));
        Assert.False(PkgmNotifier.Matches(F("Acme", "Router", "2.0", "9.9"), "x", Package, []));
        Assert.False(PkgmNotifier.Matches(F("Acme", "Switch"), "x", Package, []));
    }
}
