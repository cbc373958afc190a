using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mano.TestSupport;

// Issue 6 item 9: NS instantiation under load. Usage:
//   Ns.Benchmarks --url http://127.0.0.1:PORT [--count 100] [--rate N] [--label "embedded (SQLite, in-memory bus)"] [--out file.md]
// --rate N: submit N NS per minute, evenly spaced (OSM's published condition is 50/minute); without it, all at once.
// Onboards the three VNF packages and the chain NSD (tests/TestSupport/NsdPackages), then submits COUNT
// "create NS + instantiate" pairs at once (no pacing), waits for every NS LCM op occ to reach a final state, and checks
// that every NS is INSTANTIATED with its three VNF instances. Appends a markdown section to --out.
var opts = Options.Parse(args);
using var http = new HttpClient { BaseAddress = new Uri(opts.Url), Timeout = TimeSpan.FromMinutes(5) };
var api = new Api(http);

Console.WriteLine($"onboarding 3 VNF packages + the chain NSD on {opts.Url}");
// A second run against the same process reuses what the first onboarded.
foreach (var (vnfdId, csar) in NsdPackages.VnfPackages())
    if ((await api.GetJsonAsync($"/vnfpkgm/v2/vnf_packages?filter=(eq,vnfdId,{vnfdId})")).AsArray().Count == 0)
        await api.OnboardVnfPackageAsync(csar);
var existing = (await api.GetJsonAsync($"/nsd/v2/ns_descriptors?filter=(eq,nsdId,{NsdPackages.NsdId})")).AsArray();
var nsdInfoId = existing.Count > 0 ? existing[0]!["id"]!.GetValue<string>() : await api.OnboardNsdAsync(NsdPackages.ChainNsd());

// One warm-up NS (JIT, connection pools, first-use caches), terminated and deleted before the measured run.
Console.WriteLine("warm-up NS");
var warm = await api.SubmitAsync(nsdInfoId, "warm-up");
var warmOp = await api.WaitFinalAsync(warm.OpOccId, TimeSpan.FromMinutes(2));
if (warmOp.State != "COMPLETED") throw new InvalidOperationException($"warm-up NS ended {warmOp.State}: {warmOp.Json}");
await api.TerminateAndDeleteAsync(warm.NsInstanceId);

Console.WriteLine(opts.Rate is { } r ? $"submitting {opts.Count} NS at {r} per minute" : $"submitting {opts.Count} NS at once");
var clock = Stopwatch.StartNew();
// Each NS is watched from the moment it is accepted, so its client-side time does not include the others' submission.
var runs = await Task.WhenAll(Enumerable.Range(1, opts.Count).Select(async i =>
{
    // Paced: NS i is sent at (i-1) * 60/rate seconds after the start.
    if (opts.Rate is { } rate && clock.Elapsed < TimeSpan.FromMinutes((i - 1) / rate))
        await Task.Delay(TimeSpan.FromMinutes((i - 1) / rate) - clock.Elapsed);
    var s = await api.SubmitTimedAsync(nsdInfoId, $"bench-{i:D4}", clock);
    return (Submission: s, Accepted: clock.Elapsed, Final: await api.WaitFinalTimedAsync(s, clock, TimeSpan.FromMinutes(15)));
}));
var submissions = runs.Select(r => r.Submission).ToArray();
var finals = runs.Select(r => r.Final).ToArray();
var submitted = runs.Max(r => r.Accepted);
var total = clock.Elapsed;

// Nothing lost: every NS INSTANTIATED with 3 VNF instances, every VNF instance INSTANTIATED.
var completed = finals.Count(f => f.State == "COMPLETED");
var notCompleted = finals.Where(f => f.State != "COMPLETED").Select(f => $"{f.NsInstanceId}: {f.State}").ToList();
var instantiated = 0;
var vnfIds = new HashSet<string>();
foreach (var s in submissions)
{
    var ns = await api.GetJsonAsync($"/nslcm/v2/ns_instances/{s.NsInstanceId}");
    var vnfs = ns["vnfInstance"]?.AsArray() ?? [];
    if (ns["nsState"]?.GetValue<string>() == "INSTANTIATED" && vnfs.Count == 3) instantiated++;
    foreach (var v in vnfs) vnfIds.Add(v!["id"]!.GetValue<string>());
}
var vnfInstantiated = 0;
foreach (var id in vnfIds)
    if ((await api.GetJsonAsync($"/vnflcm/v2/vnf_instances/{id}"))["instantiationState"]?.GetValue<string>() == "INSTANTIATED") vnfInstantiated++;

var client = finals.Select(f => (f.DoneAt - f.SubmittedAt).TotalSeconds).Order().ToArray();
var server = finals.Where(f => f.ServerSeconds is not null).Select(f => f.ServerSeconds!.Value).Order().ToArray();
var report = new StringBuilder()
    .AppendLine(CultureInfo.InvariantCulture, $"## {opts.Label}: {opts.Count} NS of 3 VNFs, {(opts.Rate is { } pace ? $"submitted at {pace} NS/minute" : "submitted at once")} ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)")
    .AppendLine()
    .AppendLine("| measure | value |")
    .AppendLine("|---|---|")
    .AppendLine(CultureInfo.InvariantCulture, $"| all {opts.Count} create+instantiate requests answered (201/202) after | {submitted.TotalSeconds:F2} s |")
    .AppendLine(CultureInfo.InvariantCulture, $"| last NS COMPLETED after | {total.TotalSeconds:F2} s |")
    .AppendLine(opts.Rate is null
        ? string.Create(CultureInfo.InvariantCulture, $"| throughput | {completed / total.TotalMinutes:F0} NS/minute ({completed * 3 / total.TotalSeconds:F1} VNFs/s) |")
        : string.Create(CultureInfo.InvariantCulture, $"| throughput | paced by the client at {opts.Rate} NS/minute (not a capacity figure) |"))
    .AppendLine(CultureInfo.InvariantCulture, $"| per-NS time, client (create request sent -> op occ seen COMPLETED): median / p99 / max | {Pct(client, 50):F2} / {Pct(client, 99):F2} / {client.LastOrDefault():F2} s |")
    .AppendLine(CultureInfo.InvariantCulture, $"| per-NS time, server (op occ startTime -> stateEnteredTime COMPLETED): median / p99 / max | {Pct(server, 50):F2} / {Pct(server, 99):F2} / {server.LastOrDefault():F2} s |")
    .AppendLine(CultureInfo.InvariantCulture, $"| NS LCM op occs COMPLETED | {completed} of {opts.Count} |")
    .AppendLine(CultureInfo.InvariantCulture, $"| NS instances INSTANTIATED with 3 VNF instances | {instantiated} of {opts.Count} |")
    .AppendLine(CultureInfo.InvariantCulture, $"| VNF instances INSTANTIATED | {vnfInstantiated} of {opts.Count * 3} expected ({vnfIds.Count} distinct) |")
    .AppendLine(CultureInfo.InvariantCulture, $"| lost (accepted, never reached a final state, or final but not COMPLETED) | {opts.Count - completed} |")
    .AppendLine();
if (notCompleted.Count > 0)
{
    report.AppendLine("Not completed: " + string.Join("; ", notCompleted.Take(10))).AppendLine();
    var firstFailed = finals.First(f => f.State != "COMPLETED");
    report.AppendLine("First failure's NsLcmOpOcc.error: " + (JsonNode.Parse(firstFailed.Json)?["error"]?.ToJsonString() ?? "(none)")).AppendLine();
}
Console.Write(report);
if (opts.Out is not null) await File.AppendAllTextAsync(opts.Out, report.ToString());
return completed == opts.Count && instantiated == opts.Count && vnfInstantiated == opts.Count * 3 ? 0 : 1;

static double Pct(double[] sorted, double p) =>
    sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

sealed record Options(string Url, int Count, string Label, string? Out, double? Rate)
{
    public static Options Parse(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        return new(Arg("--url", "http://127.0.0.1:9890"), int.Parse(Arg("--count", "100"), CultureInfo.InvariantCulture),
            Arg("--label", "Mano"), Arg("--out", "") is { Length: > 0 } o ? o : null,
            Arg("--rate", "") is { Length: > 0 } r ? double.Parse(r, CultureInfo.InvariantCulture) : null);
    }
}

sealed record Submission(string NsInstanceId, string OpOccId, TimeSpan SubmittedAt);
sealed record Final(string NsInstanceId, string State, TimeSpan SubmittedAt, TimeSpan DoneAt, double? ServerSeconds, string Json);

sealed class Api(HttpClient http)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan SlowPoll = TimeSpan.FromMilliseconds(500);

    public async Task OnboardVnfPackageAsync(byte[] csar)
    {
        var pkg = await SendJsonAsync(HttpMethod.Post, "/vnfpkgm/v2/vnf_packages", new JsonObject(), HttpStatusCode.Created);
        var id = pkg["id"]!.GetValue<string>();
        await PutZipAsync($"/vnfpkgm/v2/vnf_packages/{id}/package_content", csar);
        await WaitForAsync($"/vnfpkgm/v2/vnf_packages/{id}", "onboardingState", "ONBOARDED");
    }

    public async Task<string> OnboardNsdAsync(byte[] archive)
    {
        var nsd = await SendJsonAsync(HttpMethod.Post, "/nsd/v2/ns_descriptors", new JsonObject(), HttpStatusCode.Created);
        var id = nsd["id"]!.GetValue<string>();
        await PutZipAsync($"/nsd/v2/ns_descriptors/{id}/nsd_content", archive);
        await WaitForAsync($"/nsd/v2/ns_descriptors/{id}", "nsdOnboardingState", "ONBOARDED");
        return id;
    }

    public async Task<Submission> SubmitAsync(string nsdInfoId, string name)
    {
        var ns = await SendJsonAsync(HttpMethod.Post, "/nslcm/v2/ns_instances",
            new JsonObject { ["nsdId"] = nsdInfoId, ["nsName"] = name, ["nsDescription"] = "Ns.Benchmarks" }, HttpStatusCode.Created);
        var nsId = ns["id"]!.GetValue<string>();
        using var request = Request(HttpMethod.Post, $"/nslcm/v2/ns_instances/{nsId}/instantiate",
            new JsonObject { ["nsFlavourId"] = "default", ["nsInstantiationLevelId"] = "basic" });
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"instantiate {nsId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var location = response.Headers.Location ?? throw new InvalidOperationException("202 without Location");
        return new(nsId, location.ToString().Split('/')[^1], TimeSpan.Zero);
    }

    public async Task<Submission> SubmitTimedAsync(string nsdInfoId, string name, Stopwatch clock)
    {
        var at = clock.Elapsed;
        return await SubmitAsync(nsdInfoId, name) with { SubmittedAt = at };
    }

    public Task<Final> WaitFinalAsync(string opOccId, TimeSpan timeout) =>
        WaitFinalTimedAsync(new Submission("", opOccId, TimeSpan.Zero), Stopwatch.StartNew(), timeout);

    /// <summary>Polls the NS LCM op occ until COMPLETED, FAILED_TEMP, FAILED or ROLLED_BACK (SOL005 6.5.4.6).</summary>
    public async Task<Final> WaitFinalTimedAsync(Submission s, Stopwatch clock, TimeSpan timeout)
    {
        var deadline = clock.Elapsed + timeout;
        while (true)
        {
            var op = await GetJsonAsync($"/nslcm/v2/ns_lcm_op_occs/{s.OpOccId}");
            var state = op["operationState"]!.GetValue<string>();
            if (state is "COMPLETED" or "FAILED_TEMP" or "FAILED" or "ROLLED_BACK" || clock.Elapsed > deadline)
            {
                double? serverSeconds = op["startTime"] is { } start && op["stateEnteredTime"] is { } entered
                    ? (entered.GetValue<DateTime>() - start.GetValue<DateTime>()).TotalSeconds : null;
                return new(op["nsInstanceId"]?.GetValue<string>() ?? s.NsInstanceId, clock.Elapsed > deadline ? $"TIMEOUT({state})" : state,
                    s.SubmittedAt, clock.Elapsed, serverSeconds, op.ToJsonString());
            }
            // 100 ms while a fresh NS would complete, then 500 ms: 100 NS in flight must not flood the 2-core host with polls.
            await Task.Delay(clock.Elapsed - s.SubmittedAt < TimeSpan.FromSeconds(2) ? Poll : SlowPoll);
        }
    }

    public async Task TerminateAndDeleteAsync(string nsInstanceId)
    {
        using var request = Request(HttpMethod.Post, $"/nslcm/v2/ns_instances/{nsInstanceId}/terminate", new JsonObject());
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"terminate {nsInstanceId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var op = await WaitFinalAsync(response.Headers.Location!.ToString().Split('/')[^1], TimeSpan.FromMinutes(2));
        if (op.State != "COMPLETED") throw new InvalidOperationException($"terminate of the warm-up NS ended {op.State}: {op.Json}");
        using var delete = await http.SendAsync(Request(HttpMethod.Delete, $"/nslcm/v2/ns_instances/{nsInstanceId}", null));
        if (delete.StatusCode != HttpStatusCode.NoContent) throw new InvalidOperationException($"delete {nsInstanceId}: {(int)delete.StatusCode}");
    }

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await http.SendAsync(Request(HttpMethod.Get, path, null));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    private async Task WaitForAsync(string path, string field, string expected)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var info = await GetJsonAsync(path);
            var state = info[field]?.GetValue<string>();
            if (state == expected) return;
            if (state is "ERROR" || DateTime.UtcNow > deadline) throw new InvalidOperationException($"{path}: {field} {state}: {info.ToJsonString()}");
            await Task.Delay(Poll);
        }
    }

    private async Task PutZipAsync(string path, byte[] zip)
    {
        using var request = Request(HttpMethod.Put, path, null);
        request.Content = new ByteArrayContent(zip) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } };
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<JsonNode> SendJsonAsync(HttpMethod method, string path, JsonObject body, HttpStatusCode expected)
    {
        using var response = await http.SendAsync(Request(method, path, body));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>SOL013 4.2: every request names the API major version it speaks in the Version header.</summary>
    private static HttpRequestMessage Request(HttpMethod method, string path, JsonObject? body)
    {
        var request = new HttpRequestMessage(method, path);
        // API versions of the v3.7.1 OpenAPI documents: NSD management and NS LCM 2.3.0, VNF package management 2.4.0.
        var version = path.StartsWith("/vnfpkgm/", StringComparison.Ordinal) ? "2.4.0" : "2.3.0";
        request.Headers.Add("Version", version);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return request;
    }
}
