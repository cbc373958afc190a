using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Mano.EndToEnd.Tests;

/// <summary>
/// ADR-0014 through the whole product: one embedded Mano process, the real OpenStack test cloud registered as its
/// default VIM, a package whose VDUs' image file is in the CSAR. Instantiate makes the VNFM pull the file from the NFVO
/// in chunks over the bus and stream it into Glance; a second VNF of the same package reuses that image (checked in
/// Glance); terminate removes the servers but keeps the shared image. Needs MANO_TEST_OPENSTACK_* (the test cloud's
/// mano-test.env); MANO_TEST_OPENSTACK=0 skips.
/// </summary>
public sealed class OpenStackImageEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
    private const string Package = "v2-os-server_notification";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"mano-e2e-os-{Guid.NewGuid():N}");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>The corpus package with an image file for both VDUs (declared with its real sha-256), and the script its VNFD names.</summary>
    private static byte[] Csar(string imageName, byte[] image)
    {
        var dir = RepoPaths.Tacker(Package);
        var files = Csars.Files(dir).ToList();
        var df = files.Single(f => f.Path.EndsWith("_df_simple.yaml", StringComparison.Ordinal));
        var text = Encoding.UTF8.GetString(df.Content)
            .Replace("name: cirros-0.5.2-x86_64-disk", "name: " + imageName, StringComparison.Ordinal)
            .Replace("932fcae93574e242dc3d772d5235061747dfe537668443a1f0567d893614b464", Convert.ToHexStringLower(SHA256.HashData(image)), StringComparison.Ordinal)
            .Replace("disk_format: qcow2", "disk_format: raw", StringComparison.Ordinal)
            .Replace("min_ram: 256 MB", "min_ram: 64 MiB", StringComparison.Ordinal)
            .Replace("      capabilities:\n        virtual_compute:",
                "      artifacts:\n        sw_image:\n          type: tosca.artifacts.nfv.SwImage\n          file: ../Files/images/mano-e2e.img\n      capabilities:\n        virtual_compute:",
                StringComparison.Ordinal);
        Assert.Equal(2, text.Split("tosca.artifacts.nfv.SwImage").Length - 1);
        files.Remove(df);
        files.Add((df.Path, Encoding.UTF8.GetBytes(text)));
        if (!files.Any(f => f.Path == "Scripts/sample_script.py")) files.Add(("Scripts/sample_script.py", "print('sample')\n"u8.ToArray()));
        files.Add(("Files/images/mano-e2e.img", image));
        return Csars.Zip(files);
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string url, JsonNode? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.TryAddWithoutValidation("Version", "2.3.0");
        using var response = await _http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{method} {url}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    private async Task<JsonNode> WaitAsync(string url, Func<JsonNode, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var node = await SendAsync(HttpMethod.Get, url, null, HttpStatusCode.OK);
            if (done(node)) return node;
            Assert.True(DateTime.UtcNow < deadline, $"{url} did not get there in time: {node.ToJsonString()}");
            await Task.Delay(250, Ct);
        }
    }

    private async Task<string> RunOpAsync(string baseUrl, string instanceId, string verb, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/vnflcm/v2/vnf_instances/{instanceId}/{verb}")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Version", "2.3.0");
        using var response = await _http.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Ct));
        var op = response.Headers.Location!.ToString();
        var done = await WaitAsync(op.StartsWith("http", StringComparison.Ordinal) ? op : baseUrl + op,
            o => o["operationState"]!.GetValue<string>() is "COMPLETED" or "FAILED_TEMP" or "FAILED" or "ROLLED_BACK", TimeSpan.FromMinutes(6));
        Assert.True(done["operationState"]!.GetValue<string>() == "COMPLETED", done.ToJsonString());
        return done["id"]!.GetValue<string>();
    }

    /// <summary>Glance's endpoint and a token of the test's own (none of Mano's code).</summary>
    private async Task<(string Url, string Token)> GlanceAsync()
    {
        var auth = new JsonObject
        {
            ["auth"] = new JsonObject
            {
                ["identity"] = new JsonObject
                {
                    ["methods"] = new JsonArray("password"),
                    ["password"] = new JsonObject { ["user"] = new JsonObject
                    {
                        ["name"] = Env("MANO_TEST_OPENSTACK_USERNAME"), ["domain"] = new JsonObject { ["name"] = Env("MANO_TEST_OPENSTACK_USER_DOMAIN") ?? "Default" },
                        ["password"] = Env("MANO_TEST_OPENSTACK_PASSWORD"),
                    } },
                },
                ["scope"] = new JsonObject { ["project"] = new JsonObject
                {
                    ["name"] = Env("MANO_TEST_OPENSTACK_PROJECT"), ["domain"] = new JsonObject { ["name"] = Env("MANO_TEST_OPENSTACK_PROJECT_DOMAIN") ?? "Default" },
                } },
            },
        };
        using var login = await _http.PostAsync(Env("MANO_TEST_OPENSTACK_AUTH_URL")!.TrimEnd('/') + "/auth/tokens",
            new StringContent(auth.ToJsonString(), Encoding.UTF8, "application/json"), Ct);
        login.EnsureSuccessStatusCode();
        var token = login.Headers.GetValues("X-Subject-Token").Single();
        var catalog = JsonNode.Parse(await login.Content.ReadAsStringAsync(Ct))!["token"]!["catalog"]!.AsArray();
        var url = catalog.Single(s => s!["type"]!.GetValue<string>() == "image")!["endpoints"]!.AsArray()
            .First(e => e!["interface"]!.GetValue<string>() == "public")!["url"]!.GetValue<string>().TrimEnd('/');
        return (url, token);
    }

    private async Task<JsonArray> GlanceImagesAsync(string name)
    {
        var (url, token) = await GlanceAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{url}/v2/images?name={Uri.EscapeDataString(name)}");
        request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
        using var response = await _http.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["images"]!.AsArray();
    }

    /// <summary>The test's image: Mano keeps images (shared per project), the test removes its own.</summary>
    private async Task DeleteImagesAsync(string name)
    {
        var images = await GlanceImagesAsync(name);
        var (url, token) = await GlanceAsync();
        foreach (var image in images)
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, $"{url}/v2/images/{image!["id"]!.GetValue<string>()}");
            request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
            using var response = await _http.SendAsync(request, Ct);
        }
    }

    [Fact]
    public async Task A_package_image_goes_from_the_CSAR_through_the_bus_into_Glance_once_and_is_reused()
    {
        if (Env("MANO_TEST_OPENSTACK") == "0") Assert.Skip("MANO_TEST_OPENSTACK=0: the OpenStack integration tests are switched off explicitly");
        if (Env("MANO_TEST_OPENSTACK_AUTH_URL") is null)
            Assert.Fail("MANO_TEST_OPENSTACK_AUTH_URL is not set: source /var/tmp/mano-openstack-cloud/mano-test.env (scripts/test.sh does)");
        var image = RandomNumberGenerator.GetBytes(48 * 1024);
        var imageName = "mano-e2e-img-" + Guid.NewGuid().ToString("N")[..8];
        await using var mano = await ManoProcess.StartAsync(new Dictionary<string, string> { ["MANO_DATA_DIR"] = _dataDir });
        var b = mano.BaseUrl;
        var instances = new List<string>();
        try
        {
            await SendAsync(HttpMethod.Post, $"{b}/nfvo/v1/vims", new JsonObject
            {
                ["name"] = "test-openstack", ["vimType"] = "ETSINFV.OPENSTACK_KEYSTONE.V_3", ["isDefault"] = true,
                ["interfaceInfo"] = new JsonObject { ["endpoint"] = Env("MANO_TEST_OPENSTACK_AUTH_URL"), ["region"] = Env("MANO_TEST_OPENSTACK_REGION") ?? "RegionOne" },
                ["accessInfo"] = new JsonObject
                {
                    ["username"] = Env("MANO_TEST_OPENSTACK_USERNAME"), ["password"] = Env("MANO_TEST_OPENSTACK_PASSWORD"),
                    ["project"] = Env("MANO_TEST_OPENSTACK_PROJECT"), ["userDomain"] = Env("MANO_TEST_OPENSTACK_USER_DOMAIN") ?? "Default",
                    ["projectDomain"] = Env("MANO_TEST_OPENSTACK_PROJECT_DOMAIN") ?? "Default",
                },
            }, HttpStatusCode.Created);

            var pkg = (await SendAsync(HttpMethod.Post, $"{b}/vnfpkgm/v2/vnf_packages", new JsonObject(), HttpStatusCode.Created))["id"]!.GetValue<string>();
            using (var upload = await _http.PutAsync($"{b}/vnfpkgm/v2/vnf_packages/{pkg}/package_content",
                       new ByteArrayContent(Csar(imageName, image)) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } }, Ct))
                Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
            var info = await WaitAsync($"{b}/vnfpkgm/v2/vnf_packages/{pkg}", i => i["onboardingState"]!.GetValue<string>() is not ("PROCESSING" or "UPLOADING"), TimeSpan.FromMinutes(1));
            Assert.True(info["onboardingState"]!.GetValue<string>() == "ONBOARDED", info.ToJsonString());
            Assert.Contains(info["softwareImages"]!.AsArray(), i => i!["imagePath"]?.GetValue<string>() == "Files/images/mano-e2e.img");
            var vnfdId = info["vnfdId"]!.GetValue<string>();

            for (var n = 0; n < 2; n++)
            {
                var id = (await SendAsync(HttpMethod.Post, $"{b}/vnflcm/v2/vnf_instances", new JsonObject { ["vnfdId"] = vnfdId }, HttpStatusCode.Created))["id"]!.GetValue<string>();
                instances.Add(id);
                // helloworld carries BaseHOT/ templates: deploy it from the VNFD (ADR-0015's opt-out), where Mano uploads the image itself.
                await RunOpAsync(b, id, "instantiate", new JsonObject { ["flavourId"] = "simple", ["additionalParams"] = new JsonObject { ["heatMode"] = false } });
                var images = await GlanceImagesAsync(imageName);
                var only = Assert.Single(images)!;
                Assert.Equal("active", only["status"]!.GetValue<string>());
                Assert.Equal(image.Length, only["size"]!.GetValue<long>());
                Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(image)), only["os_hash_value"]!.GetValue<string>());
                var vnf = await SendAsync(HttpMethod.Get, $"{b}/vnflcm/v2/vnf_instances/{id}", null, HttpStatusCode.OK);
                Assert.Equal(2, vnf["instantiatedVnfInfo"]!["vnfcResourceInfo"]!.AsArray().Count);
            }

            foreach (var id in instances) await RunOpAsync(b, id, "terminate", new JsonObject { ["terminationType"] = "FORCEFUL" });
            instances.Clear();
            Assert.Equal("active", Assert.Single(await GlanceImagesAsync(imageName))!["status"]!.GetValue<string>()); // shared, kept
        }
        catch
        {
            output.WriteLine(mano.Log);
            throw;
        }
        finally
        {
            foreach (var id in instances)
            {
                try { await RunOpAsync(b, id, "terminate", new JsonObject { ["terminationType"] = "FORCEFUL" }); }
                catch (Exception e) { output.WriteLine($"cleanup of {id}: {e.Message}"); }
            }
            await DeleteImagesAsync(imageName);
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }
}
