using System.Security.Cryptography;
using System.Text;

namespace Mano.VimAdapters.OpenStack;

/// <summary>
/// Where and how to authenticate, read from a <see cref="VimConnectionInfo"/> (SOL003 / Tacker spelling):
/// interfaceInfo <c>{endpoint, region?, interface?}</c>; accessInfo <c>{username, password, project | projectId,
/// projectDomain, userDomain}</c> or an application credential <c>{applicationCredentialId | id,
/// applicationCredentialSecret | secret}</c>. Holds secrets: <see cref="ToString"/> prints none.
/// </summary>
internal sealed class OpenStackCredentials
{
    private OpenStackCredentials(string authUrl, string? region, string @interface)
    {
        AuthUrl = authUrl;
        Region = region;
        Interface = @interface;
    }

    public string AuthUrl { get; }
    public string? Region { get; }
    public string Interface { get; }
    public string? Username { get; private init; }
    public string? Password { get; private init; }
    public string? UserDomain { get; private init; }
    public string? Project { get; private init; }
    public string? ProjectId { get; private init; }
    public string? ProjectDomain { get; private init; }
    public string? AppCredentialId { get; private init; }
    public string? AppCredentialSecret { get; private init; }

    public bool IsApplicationCredential => AppCredentialId is not null;

    /// <summary>A key for the token cache: a hash over every field, secrets included (never shown).</summary>
    public string CacheKey
    {
        get
        {
            var all = string.Join("\u0001", AuthUrl, Region, Username, Password, UserDomain, Project, ProjectId, ProjectDomain, AppCredentialId, AppCredentialSecret);
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(all)));
        }
    }

    /// <summary>Who authenticates, without secrets (for error messages).</summary>
    public string Who => IsApplicationCredential
        ? $"application credential {AppCredentialId} at {AuthUrl}"
        : $"user '{Username}' (domain {UserDomain ?? "Default"}) in project '{Project ?? ProjectId}' at {AuthUrl}";

    public override string ToString() => $"OpenStackCredentials {{ {Who}, region {Region ?? "(any)"}, interface {Interface} }}";

    public static OpenStackCredentials From(VimConnectionInfo vim, string operation)
    {
        ArgumentNullException.ThrowIfNull(vim);
        var i = vim.InterfaceInfo;
        var a = vim.AccessInfo;
        string? Get(IReadOnlyDictionary<string, string> d, params string[] names)
        {
            foreach (var n in names)
                if (d.TryGetValue(n, out var v) && !string.IsNullOrWhiteSpace(v)) return v.Trim();
            return null;
        }

        var endpoint = Get(i, "endpoint", "authUrl", "auth_url") ?? Get(a, "authUrl", "auth_url")
            ?? throw new VimException(operation, $"VIM '{vim.VimId}': interfaceInfo.endpoint (the Keystone v3 URL) is missing");
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new VimException(operation, $"VIM '{vim.VimId}': interfaceInfo.endpoint '{endpoint}' is not an http(s) URL");
        var authUrl = endpoint.TrimEnd('/');
        if (!authUrl.EndsWith("/v3", StringComparison.Ordinal)) authUrl += "/v3";
        var region = Get(i, "region", "regionName", "region_name") ?? Get(a, "region", "regionName", "region_name");
        var itf = (Get(i, "interface", "endpointType", "endpoint_type") ?? "public").ToLowerInvariant().Replace("url", "", StringComparison.Ordinal);
        if (itf is not ("public" or "internal" or "admin"))
            throw new VimException(operation, $"VIM '{vim.VimId}': interfaceInfo.interface '{itf}' is not one of public, internal, admin");

        var appId = Get(a, "applicationCredentialId", "application_credential_id");
        var appSecret = Get(a, "applicationCredentialSecret", "application_credential_secret");
        var username = Get(a, "username", "userName", "user_name");
        if (appId is null && username is null && Get(a, "id") is { } id)
        {
            appId = id;
            appSecret ??= Get(a, "secret");
        }
        if (appId is not null)
        {
            if (appSecret is null) throw new VimException(operation, $"VIM '{vim.VimId}': accessInfo has an application credential id but no secret");
            return new OpenStackCredentials(authUrl, region, itf) { AppCredentialId = appId, AppCredentialSecret = appSecret };
        }
        if (username is null)
            throw new VimException(operation, $"VIM '{vim.VimId}': accessInfo needs username + password (+ project) or an application credential (id + secret)");
        var password = Get(a, "password")
            ?? throw new VimException(operation, $"VIM '{vim.VimId}': accessInfo.password is missing");
        var project = Get(a, "project", "projectName", "project_name", "tenant");
        var projectId = Get(a, "projectId", "project_id", "tenantId");
        if (project is null && projectId is null)
            throw new VimException(operation, $"VIM '{vim.VimId}': accessInfo.project (or projectId) is missing");
        return new OpenStackCredentials(authUrl, region, itf)
        {
            Username = username,
            Password = password,
            UserDomain = Get(a, "userDomain", "userDomainName", "user_domain_name") ?? "Default",
            Project = project,
            ProjectId = projectId,
            ProjectDomain = Get(a, "projectDomain", "projectDomainName", "project_domain_name") ?? "Default",
        };
    }
}
