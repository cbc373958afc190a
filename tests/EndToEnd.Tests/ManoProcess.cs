using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mano.EndToEnd.Tests;

/// <summary>
/// Mano's host executable started as a real OS process (exactly as `dotnet Mano.Host.dll` runs in production), on a
/// free 127.0.0.1 port. Its stdout/stderr are kept so a failing test can show the log.
/// </summary>
public sealed class ManoProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ManoProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }
    public int ProcessId => _process.Id;

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    public static string HostDll
    {
        get
        {
            // tests/EndToEnd.Tests/bin/<Configuration>/net10.0/ -> src/Host/bin/<Configuration>/net10.0/Mano.Host.dll
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            var dll = Path.Combine(RepoPaths.RepoRoot, "src", "Host", "bin", configuration, "net10.0", "Mano.Host.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build src/Host first: {dll} is missing.");
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the host with the given environment and waits until /health/ready answers 200.</summary>
    public static async Task<ManoProcess> StartAsync(IReadOnlyDictionary<string, string> environment, int? port = null, TimeSpan? timeout = null)
    {
        var p = port ?? FreePort();
        var baseUrl = $"http://127.0.0.1:{p}";
        var process = Create(environment, ["ASPNETCORE_URLS", baseUrl]);
        var mano = new ManoProcess(process, baseUrl);
        mano.Attach();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"Mano exited with code {process.ExitCode} during start-up:\n{mano.Log}");
            try
            {
                using var response = await http.GetAsync($"{baseUrl}/health/ready");
                if (response.StatusCode == HttpStatusCode.OK) return mano;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        await mano.DisposeAsync();
        throw new TimeoutException($"Mano was not ready at {baseUrl} within the timeout:\n{mano.Log}");
    }

    /// <summary>Runs a one-off verb (e.g. `migrate`) to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunVerbAsync(string verb, IReadOnlyDictionary<string, string> environment)
    {
        var process = Create(environment, ["ASPNETCORE_URLS", $"http://127.0.0.1:{FreePort()}"], verb);
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cts.Token);
        lock (output) return (process.ExitCode, output.ToString());
    }

    private static Process Create(IReadOnlyDictionary<string, string> environment, string[] url, string? verb = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HostDll);
        if (verb is not null) start.ArgumentList.Add(verb);
        start.Environment[url[0]] = url[1];
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        return new Process { StartInfo = start, EnableRaisingEvents = true };
    }

    private void Attach()
    {
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Stops the process the way an orchestrator would: SIGTERM, then SIGKILL after a grace period.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        try
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
            await kill.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }
}
