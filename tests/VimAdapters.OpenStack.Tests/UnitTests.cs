using Mano.VimAdapters;
using Mano.VimAdapters.OpenStack;

namespace Mano.VimAdapters.OpenStack.Tests;

/// <summary>Pure tests (no cloud): credentials, error messages, flavor matching, tags.</summary>
public sealed class UnitTests
{
    private static VimConnectionInfo Vim(Dictionary<string, string> i, Dictionary<string, string> a) => new("v", VimTypes.OpenStack, i, a);

    [Fact]
    public void Credentials_read_sol003_password_access_info_and_hide_the_password()
    {
        var c = OpenStackCredentials.From(Vim(new() { ["endpoint"] = "http://ks:5000/", ["region"] = "R1" },
            new() { ["username"] = "u", ["password"] = "s3cr3t", ["project"] = "p", ["projectDomain"] = "Default", ["userDomain"] = "Default" }), "t");
        Assert.Equal("http://ks:5000/v3", c.AuthUrl);
        Assert.Equal("R1", c.Region);
        Assert.Equal("public", c.Interface);
        Assert.False(c.IsApplicationCredential);
        Assert.DoesNotContain("s3cr3t", c.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", c.Who, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_read_an_application_credential()
    {
        var c = OpenStackCredentials.From(Vim(new() { ["endpoint"] = "https://ks/v3", ["interface"] = "internalURL" },
            new() { ["id"] = "abc", ["secret"] = "xyz" }), "t");
        Assert.True(c.IsApplicationCredential);
        Assert.Equal("internal", c.Interface);
        Assert.DoesNotContain("xyz", c.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "username")]
    [InlineData("ftp://x", "not an http")]
    public void Credentials_refuse_incomplete_connection_info(string endpoint, string expected)
    {
        var i = new Dictionary<string, string>();
        if (endpoint.Length > 0) i["endpoint"] = endpoint; else i["endpoint"] = "http://ks:5000/v3";
        var a = endpoint.Length > 0 ? new Dictionary<string, string> { ["username"] = "u", ["password"] = "p", ["project"] = "x" } : [];
        var e = Assert.Throws<VimException>(() => OpenStackCredentials.From(Vim(i, a), "connect"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"badRequest\": {\"message\": \"Invalid flavorRef provided.\", \"code\": 400}}", "Invalid flavorRef provided.")]
    [InlineData("{\"NeutronError\": {\"type\": \"NetworkNotFound\", \"message\": \"Network x could not be found.\", \"detail\": \"\"}}", "Network x could not be found.")]
    [InlineData("{\"error\": {\"code\": 401, \"message\": \"The request you have made requires authentication.\", \"title\": \"Unauthorized\"}}", "The request you have made requires authentication.")]
    [InlineData("<html><body><h1>409 Conflict</h1>Image in use</body></html>", "409 Conflict Image in use")]
    public void Errors_carry_openstacks_own_message(string body, string expected) =>
        Assert.Equal(expected, OpenStackErrors.ExtractMessage(body));

    [Fact]
    public void Error_names_the_call_and_is_transient_on_5xx()
    {
        var e = OpenStackErrors.FromResponse("nova.create_server", HttpMethod.Post, "compute", "/servers?x=1", System.Net.HttpStatusCode.ServiceUnavailable, "{\"x\":{\"message\":\"busy\"}}");
        Assert.Equal("nova.create_server", e.Operation);
        Assert.True(e.Transient);
        Assert.Contains("POST /servers: busy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flavor_matching_prefers_exact_then_smallest_sufficient()
    {
        NovaFlavor F(string n, int c, long r, long d = 1) => new(n, n, c, r, d, true);
        var flavors = new[] { F("big", 4, 8192), F("small", 1, 512), F("tiny", 1, 64), F("medium", 2, 2048), F("odd", 1, 1024) };
        PlannedCompute C(int cpu, long mem) => new("k", "VDU1", "n", cpu, mem, "img", null);
        Assert.Equal("small", OpenStackVimDriver.MatchFlavor("t", flavors, C(1, 512)).Name);
        Assert.Equal("odd", OpenStackVimDriver.MatchFlavor("t", flavors, C(1, 600)).Name);
        Assert.Equal("medium", OpenStackVimDriver.MatchFlavor("t", flavors, C(2, 1000)).Name);
        var e = Assert.Throws<VimException>(() => OpenStackVimDriver.MatchFlavor("instantiate", flavors, C(8, 512)));
        Assert.Contains("no flavor has at least 8 vCPU(s)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nova_tags_fit_novas_limits()
    {
        var id = Guid.NewGuid().ToString();
        Assert.Equal("mano.vnf_instance_id=" + id, OpenStackVimDriver.NovaTag(VimTags.VnfInstanceId, id));
        var longTag = OpenStackVimDriver.NovaTag(VimTags.TenantId, new string('x', 100) + "/a,b");
        Assert.True(longTag.Length <= 60);
        Assert.DoesNotContain('/', longTag);
        Assert.DoesNotContain(',', longTag);
    }
}
