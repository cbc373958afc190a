using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Mano.Nfvo;

/// <summary>Nfvo:PackageFetch: how upload_from_uri may reach the address it is given.</summary>
public sealed class PackageFetchOptions
{
    /// <summary>
    /// Nfvo:PackageFetch:AllowLoopback (default true): fetch from 127.0.0.0/8 and ::1. On by default so that the
    /// embedded one-machine shape (and the tests) can serve a package from the same host; set false on a shared NFVO.
    /// </summary>
    public bool AllowLoopback { get; set; } = true;

    /// <summary>Nfvo:PackageFetch:AllowPrivateNetworks (default false): 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Nfvo:PackageFetch:TimeoutSeconds (default 600): the whole fetch, body included.</summary>
    public double TimeoutSeconds { get; set; } = 600;

    /// <summary>Nfvo:PackageFetch:ConnectTimeoutSeconds (default 10).</summary>
    public double ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>Nfvo:PackageFetch:MaxRedirects (default 5). Every redirect target passes the same address checks.</summary>
    public int MaxRedirects { get; set; } = 5;
}

/// <summary>A fetch refused by the SSRF guard (the message names the host, the address and the rule).</summary>
public sealed class PackageFetchRefusedException(string message) : Exception(message);

/// <summary>
/// The SSRF guard of upload_from_uri. Every connection the fetch client opens (the first request, every redirect,
/// an OAuth 2.0 token endpoint) goes through <see cref="ConnectAsync"/>: the host name is resolved once, EVERY
/// resolved address is checked, and the socket connects only to those checked addresses (no second resolution, so
/// no DNS rebinding between check and use). Always refused: link-local (169.254.0.0/16, fe80::/10, which include the
/// cloud metadata endpoint 169.254.169.254), other cloud metadata addresses (fd00:ec2::254, 100.100.100.200) and names
/// (metadata.google.internal), unspecified, multicast, broadcast and reserved addresses. Loopback and private ranges
/// by configuration (<see cref="PackageFetchOptions"/>). IPv4-mapped, 6to4 and NAT64 IPv6 addresses are checked as
/// the IPv4 address they embed. No proxy is used (it would connect on the fetch's behalf, unchecked).
/// </summary>
public sealed class PackageFetchGuard(NfvoOptions options)
{
    private static readonly string[] MetadataHosts = ["metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal"];

    /// <summary>The name resolver (replaceable by tests).</summary>
    public Func<string, CancellationToken, Task<IPAddress[]>> Resolve { get; set; } = (host, ct) => Dns.GetHostAddressesAsync(host, ct);

    /// <summary>Why an address may not be fetched from; null when it may.</summary>
    public string? Refusal(IPAddress address)
    {
        var o = options.PackageFetch;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var v6 = address.GetAddressBytes();
            if (v6[0] == 0x20 && v6[1] == 0x02) return Refusal(new IPAddress(v6[2..6])); // 6to4 2002::/16
            if (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b && v6[4..12].All(b => b == 0))
                return Refusal(new IPAddress(v6[12..16])); // NAT64 64:ff9b::/96
            if (address.Equals(IPAddress.IPv6Any)) return "the unspecified address";
            if (address.Equals(IPAddress.IPv6Loopback)) return o.AllowLoopback ? null : "loopback (Nfvo:PackageFetch:AllowLoopback is false)";
            if (address.IsIPv6LinkLocal || (v6[0] == 0xfe && (v6[1] & 0xc0) == 0x80)) return "link-local (fe80::/10)";
            if (address.Equals(IPAddress.Parse("fd00:ec2::254"))) return "a cloud metadata address";
            if (address.IsIPv6Multicast) return "multicast";
            if (address.IsIPv6SiteLocal) return "site-local (fec0::/10)";
            if ((v6[0] & 0xfe) == 0xfc) return o.AllowPrivateNetworks ? null : "a private address (fc00::/7; Nfvo:PackageFetch:AllowPrivateNetworks is false)";
            if (v6[0..12].All(b => b == 0)) return Refusal(new IPAddress(v6[12..16])); // IPv4-compatible ::a.b.c.d
            return null;
        }
        var b = address.GetAddressBytes();
        if (b[0] == 169 && b[1] == 254) return "link-local (169.254.0.0/16, where cloud metadata services answer)";
        if (b[0] == 100 && b[1] == 100 && b[2] == 100 && b[3] == 200) return "a cloud metadata address";
        if (b[0] == 0) return "the unspecified address (0.0.0.0/8)";
        if (b[0] >= 224) return b.All(x => x == 255) ? "broadcast" : b[0] < 240 ? "multicast (224.0.0.0/4)" : "reserved (240.0.0.0/4)";
        if (b[0] == 127) return o.AllowLoopback ? null : "loopback (127.0.0.0/8; Nfvo:PackageFetch:AllowLoopback is false)";
        var isPrivate = b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (b[1] & 0xc0) == 64);
        if (isPrivate) return o.AllowPrivateNetworks ? null : "a private address (RFC 1918 / RFC 6598; Nfvo:PackageFetch:AllowPrivateNetworks is false)";
        return null;
    }

    /// <summary>Checks a URI before anything is fetched: http/https, no user info, and a literal IP address must be allowed.</summary>
    public string? CheckUri(string? address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return "addressInformation must be an absolute http or https URI";
        if (uri.UserInfo.Length > 0)
            return "addressInformation must not carry credentials (user info); give them as userName/password or paramsOauth2ClientCredentials";
        if (MetadataHosts.Contains(uri.IdnHost.TrimEnd('.'), StringComparer.OrdinalIgnoreCase))
            return $"{uri.Host} is a cloud metadata service";
        if (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var ip) && Refusal(ip) is { } why)
            return $"{ip} is {why}";
        return null;
    }

    /// <summary>SocketsHttpHandler.ConnectCallback: resolve, check every address, connect only to the checked ones.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host.TrimEnd('.');
        if (MetadataHosts.Contains(host, StringComparer.OrdinalIgnoreCase))
            throw new PackageFetchRefusedException($"{host} is a cloud metadata service");
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Resolve(host, ct);
        if (addresses.Length == 0) throw new PackageFetchRefusedException($"{host} does not resolve to any address");
        foreach (var a in addresses)
            if (Refusal(a) is { } why)
                throw new PackageFetchRefusedException(host == a.ToString() ? $"{a} is {why}" : $"{host} resolves to {a}, which is {why}");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>
/// SOL005 9.4.6.3.1 upload_from_uri, the asynchronous half: fetches the package (bounded by Nfvo:MaxPackageBytes, with
/// the timeouts and SSRF guard of <see cref="PackageFetchGuard"/>, HTTP basic or OAuth 2.0 client credentials when
/// given), then stores it and moves the package UPLOADING -> PROCESSING (onboarding follows, as after a PUT), or to
/// ERROR with onboardingFailureDetails naming the cause. The fetch row (address and credentials) is deleted in the
/// same transaction: credentials live no longer than the fetch and are never logged.
/// </summary>
public sealed partial class VnfPackageFetcher(NfvoDbContext db, IHttpClientFactory clients, NfvoOptions options, ILogger<VnfPackageFetcher> logger)
{
    public const string HttpClientName = "mano-package-fetch";

    private sealed record Credentials(string? UserName, string? Password, SubscriptionParamsOauth2ClientCredentials? Oauth2);

    public static string? SerializeCredentials(UploadVnfPkgFromUriRequest r) =>
        r.UserName is null && r.ParamsOauth2ClientCredentials is null ? null
            : SolJson.Serialize(new Credentials(r.UserName, r.Password, r.AuthType == SubscriberAuth.OAuth2ClientCredentials ? r.ParamsOauth2ClientCredentials : null));

    public async Task FetchAsync(string vnfPkgId, CancellationToken ct)
    {
        var fetch = await db.VnfPackageFetches.SingleOrDefaultAsync(f => f.VnfPkgId == vnfPkgId, ct);
        var package = await db.VnfPackages.SingleOrDefaultAsync(p => p.Id == vnfPkgId, ct);
        if (fetch is null || package is null || package.OnboardingState != PackageOnboardingState.Uploading)
        {
            LogIgnored(vnfPkgId);
            return;
        }
        var shown = Shown(fetch.AddressInformation);
        LogFetching(vnfPkgId, shown);
        byte[]? content = null;
        string? failure;
        try
        {
            content = await DownloadAsync(fetch, ct);
            failure = PackageUpload.LooksLikeZip(content) ? null : $"the content fetched from {shown} is not a ZIP archive (SOL004 clause 4.1 requires a ZIP CSAR)";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
        catch (Exception e)
        {
            failure = $"fetching the package from {shown} failed: {Describe(e)}";
        }

        db.VnfPackageFetches.Remove(fetch); // the credentials go now, whatever the outcome
        var now = DateTime.UtcNow;
        if (failure is null && content is not null)
        {
            var stored = new VnfPackageContent { VnfPkgId = vnfPkgId, TenantId = package.TenantId, Content = content, Size = content.LongLength, UploadedAt = now };
            if (await db.VnfPackageContents.AnyAsync(c => c.VnfPkgId == vnfPkgId, ct)) db.VnfPackageContents.Update(stored);
            else db.VnfPackageContents.Add(stored);
            package.OnboardingState = PackageOnboardingState.Processing;
            package.ContentSize = content.LongLength;
            package.OnboardingFailureDetails = null;
            db.AddOutboxMessage(new OnboardVnfPackage(package.TenantId, vnfPkgId));
        }
        else
        {
            package.OnboardingState = PackageOnboardingState.Error;
            package.OnboardingFailureDetails = SolJson.Serialize(new ProblemDetails
            {
                Status = 422, Title = "VNF package upload from URI failed", Detail = failure ?? "no content",
            });
        }
        package.OperationalState = PackageOperationalState.Disabled;
        package.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            LogLostRace(vnfPkgId); // deleted, or another upload took over: nothing to do
            return;
        }
        if (failure is null) LogFetched(vnfPkgId, content!.LongLength);
        else LogFetchFailed(vnfPkgId, failure);
    }

    private async Task<byte[]> DownloadAsync(VnfPackageFetch fetch, CancellationToken ct)
    {
        var max = options.MaxPackageBytes;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.PackageFetch.TimeoutSeconds));
        var client = clients.CreateClient(HttpClientName);
        var credentials = fetch.Credentials is null ? null : SolJson.Deserialize<Credentials>(fetch.Credentials);
        using var request = new HttpRequestMessage(HttpMethod.Get, fetch.AddressInformation);
        request.Headers.Accept.ParseAdd("application/zip");
        request.Headers.Accept.ParseAdd("application/octet-stream;q=0.9");
        request.Headers.Accept.ParseAdd("*/*;q=0.1");
        if (credentials?.Oauth2 is { } oauth)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await SubscriberOAuth2.GetTokenAsync(client, oauth, refresh: false, timeout.Token));
        else if (credentials?.UserName is { } user)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{credentials.Password}")));
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"the server answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            if (response.Content.Headers.ContentLength > max)
                throw new HttpRequestException($"the content ({response.Content.Headers.ContentLength} bytes) exceeds the limit of {max} bytes (Nfvo:MaxPackageBytes)");
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            return await PackageUpload.ReadBoundedAsync(body, max, timeout.Token)
                   ?? throw new HttpRequestException($"the content exceeds the limit of {max} bytes (Nfvo:MaxPackageBytes)");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"no complete answer within {options.PackageFetch.TimeoutSeconds} s (Nfvo:PackageFetch:TimeoutSeconds)");
        }
    }

    /// <summary>The innermost meaningful message (the guard's refusal when it was one).</summary>
    private static string Describe(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is PackageFetchRefusedException refused) return "refused: " + refused.Message;
        return e switch
        {
            HttpRequestException { InnerException: SocketException s } => s.Message,
            SubscriberAuthException a => "the OAuth 2.0 token could not be obtained: " + a.Message,
            _ => e.Message,
        };
    }

    /// <summary>The address as it may be logged and shown: no user info, no query string (it may hold a token).</summary>
    public static string Shown(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var u) ? $"{u.Scheme}://{u.Authority}{u.AbsolutePath}" : "(invalid URI)";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fetch of VNF package {VnfPkgId} ignored: nothing pending")]
    private partial void LogIgnored(string vnfPkgId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetching VNF package {VnfPkgId} from {Address}")]
    private partial void LogFetching(string vnfPkgId, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetched VNF package {VnfPkgId} ({Bytes} bytes)")]
    private partial void LogFetched(string vnfPkgId, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching VNF package {VnfPkgId} failed: {Failure}")]
    private partial void LogFetchFailed(string vnfPkgId, string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "VNF package {VnfPkgId} changed while it was fetched; the fetch stands down")]
    private partial void LogLostRace(string vnfPkgId);
}

/// <summary>Consumes <see cref="FetchVnfPackage"/> (written to the outbox by POST .../package_content/upload_from_uri).</summary>
public sealed class FetchVnfPackageConsumer(TenantContext tenant, VnfPackageFetcher fetcher) : IConsumer<FetchVnfPackage>
{
    public async Task Consume(ConsumeContext<FetchVnfPackage> context)
    {
        tenant.Set(context.Message.TenantId);
        await fetcher.FetchAsync(context.Message.VnfPkgId, context.CancellationToken);
    }
}
