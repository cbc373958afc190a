using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Mano.EndToEnd.Tests;

/// <summary>
/// Tacker's own client (Debian's python3-tackerclient, `openstack ... vim ...`) against a Mano process (embedded shape):
/// a Tacker VIM file registers unchanged, list/show/set/delete work, the password is never shown or logged. Where the
/// client is not installed (`apt-get install -y python3-tackerclient python3-openstackclient`), the same requests are
/// sent as raw HTTP shaped exactly like the client's (paths with ".json", {"vim": {...}} bodies, ?name=&amp;fields=id lookups).
/// </summary>
public sealed class TackerVimApiTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"mano-e2e-vim-{Guid.NewGuid():N}");
    private readonly string _password = $"e2e-pw-{Guid.NewGuid():N}";
    private ManoProcess? _mano;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_dataDir);
        _mano = await ManoProcess.StartAsync(new Dictionary<string, string> { ["MANO_DATA_DIR"] = _dataDir });
    }

    public async ValueTask DisposeAsync()
    {
        if (_mano is not null) await _mano.DisposeAsync();
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    private static bool ClientInstalled => File.Exists("/usr/bin/openstack")
        && Directory.Exists("/usr/lib/python3/dist-packages/tackerclient");

    private string VimFile()
    {
        // Tacker's documented vim-config.yaml (doc/source/install/getting_started.rst), pointed at a closed loopback port.
        var path = Path.Combine(_dataDir, "vim-config.yaml");
        File.WriteAllText(path, $"""
            auth_url: 'http://127.0.0.1:9/identity/v3'
            username: 'nfv_user'
            password: '{_password}'
            project_name: 'nfv'
            project_domain_name: 'Default'
            user_domain_name: 'Default'
            cert_verify: 'True'
            """);
        return path;
    }

    private async Task<(int ExitCode, string Output)> OpenStackAsync(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/openstack") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--os-auth-type", "none", "--os-endpoint", _mano!.BaseUrl }.Concat(args)) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        var text = await stdout + await stderr;
        output.WriteLine($"$ openstack {string.Join(' ', args)}\n{text}");
        return (process.ExitCode, text);
    }

    [Fact]
    public async Task Tackers_client_registers_lists_shows_updates_and_deletes_a_VIM_from_a_Tacker_VIM_file()
    {
        if (!ClientInstalled)
        {
            output.WriteLine("python3-tackerclient is not installed: the raw-HTTP test of this class covers the same requests.");
            Assert.Skip("python3-tackerclient is not installed (apt-get install -y python3-tackerclient python3-openstackclient)");
        }
        var (code, text) = await OpenStackAsync("vim", "register", "--config-file", VimFile(), "--description", "my first vim", "--is-default", "-f", "json", "hellovim");
        Assert.True(code == 0, text);
        var created = JsonNode.Parse(text)!;
        Assert.Equal("hellovim", (string?)created["name"]);
        Assert.Equal("openstack", (string?)created["type"]);
        Assert.True((bool)created["is_default"]!);
        Assert.Contains("***", created["auth_cred"]!.ToJsonString()); // osc prints the dict column as text or as an object
        Assert.DoesNotContain(_password, text);
        Assert.Equal("UNREACHABLE", (string?)created["status"]); // nothing listens on port 9 (or no OpenStack driver in this build)
        var id = (string)created["id"]!;

        (code, text) = await OpenStackAsync("vim", "list", "-f", "json");
        Assert.True(code == 0, text);
        var list = JsonNode.Parse(text)!.AsArray();
        Assert.Contains(list, v => (string?)v!["ID"] == id && (string?)v["Name"] == "hellovim" && (bool)v["Is Default"]!);
        Assert.Contains(list, v => (string?)v!["ID"] == "sandbox" && !(bool)v["Is Default"]!);

        (code, text) = await OpenStackAsync("vim", "show", "hellovim", "-f", "json");
        Assert.True(code == 0, text);
        Assert.Equal(id, (string?)JsonNode.Parse(text)!["id"]);

        (code, text) = await OpenStackAsync("vim", "set", "--name", "renamed", "--description", "moved", "-f", "json", id);
        Assert.True(code == 0, text);
        Assert.Equal("renamed", (string?)JsonNode.Parse(text)!["name"]);

        (code, text) = await OpenStackAsync("vim", "delete", "renamed");
        Assert.True(code == 0, text);
        (code, text) = await OpenStackAsync("vim", "show", id);
        Assert.NotEqual(0, code);
        Assert.Contains("Unable to find vim", text);

        // Deleting the default made the oldest remaining VIM (the sandbox) the default again.
        (code, text) = await OpenStackAsync("vim", "list", "-f", "json");
        Assert.True((bool)Assert.Single(JsonNode.Parse(text)!.AsArray(), v => (string?)v!["ID"] == "sandbox")!["Is Default"]!);
        Assert.DoesNotContain(_password, _mano!.Log);
        foreach (var file in Directory.GetFiles(_dataDir, "nfvo.db*"))
            Assert.DoesNotContain(_password, Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file, Ct)));
    }

    [Fact]
    public async Task The_clients_requests_as_raw_HTTP_work_and_errors_are_TackerError()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_mano!.BaseUrl) };
        http.DefaultRequestHeaders.Add("X-Auth-Token", "notused");
        // What `vim register` sends for the file above (tackerclient's args2body_vim).
        var body = $$"""
            {"vim": {"auth_url": "http://127.0.0.1:9/identity/v3",
                     "vim_project": {"name": "nfv", "project_domain_name": "Default"}, "type": "openstack",
                     "auth_cred": {"username": "nfv_user", "password": "{{_password}}", "user_domain_name": "Default", "cert_verify": "True"},
                     "name": "hellovim", "description": "my first vim", "is_default": true} }
            """;
        var created = await http.PostAsync("/v1.0/vims.json", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        var createdText = await created.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (string)JsonNode.Parse(createdText)!["vim"]!["id"]!;
        Assert.DoesNotContain(_password, createdText);

        var byName = JsonNode.Parse(await http.GetStringAsync("/v1.0/vims.json?name=hellovim&fields=id", Ct))!["vims"]!.AsArray();
        Assert.Equal(id, (string?)Assert.Single(byName)!["id"]);
        var byId = JsonNode.Parse(await http.GetStringAsync($"/v1.0/vims.json?id={id}&fields=id", Ct))!["vims"]!.AsArray();
        Assert.Single(byId);
        var shown = await http.GetStringAsync($"/v1.0/vims/{id}.json", Ct);
        Assert.DoesNotContain(_password, shown);

        var conflict = await http.DeleteAsync("/v1.0/vims/no-such-vim.json", Ct);
        Assert.Equal(HttpStatusCode.NotFound, conflict.StatusCode);
        var error = JsonNode.Parse(await conflict.Content.ReadAsStringAsync(Ct))!["TackerError"]!;
        Assert.Equal("VimNotFoundException", (string?)error["type"]);
        Assert.NotNull(error["message"]);

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/v1.0/vims/{id}.json", Ct)).StatusCode);
        Assert.DoesNotContain(_password, _mano.Log);
    }
}
