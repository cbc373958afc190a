using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mano.Common;

/// <summary>
/// The tenant the current unit of work acts for. Every Mano resource belongs to a tenant; DbContexts filter by it.
/// Set from the authenticated principal for HTTP requests, and from the message for bus consumers.
/// Unset means "no tenant": tenant-filtered queries then match nothing.
/// </summary>
public sealed class TenantContext
{
    public const string ClaimType = "mano:tenant";

    public string? TenantId { get; private set; }

    public void Set(string tenantId)
    {
        if (TenantId is not null && TenantId != tenantId)
            throw new InvalidOperationException("The tenant of a unit of work cannot change.");
        TenantId = tenantId;
    }

    public string Required => TenantId ?? throw new InvalidOperationException("No tenant in this unit of work.");
}

/// <summary>Copies the authenticated principal's tenant claim into <see cref="TenantContext"/>.</summary>
public sealed class TenantMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, TenantContext tenant)
    {
        var claim = context.User.FindFirst(TenantContext.ClaimType)?.Value;
        if (claim is not null) tenant.Set(claim);
        return next(context);
    }
}

public sealed class AnonymousTenantOptions : AuthenticationSchemeOptions
{
    public string TenantId { get; set; } = "default";
}

/// <summary>
/// The authentication seam until OAuth 2.0 / Keystone tokens land (their own issue): every caller is the
/// configured default tenant. Replacing this scheme is the only change the API needs.
/// </summary>
public sealed class AnonymousTenantHandler(
    IOptionsMonitor<AnonymousTenantOptions> options, ILoggerFactory logger, System.Text.Encodings.Web.UrlEncoder encoder)
    : AuthenticationHandler<AnonymousTenantOptions>(options, logger, encoder)
{
    public const string SchemeName = "AnonymousTenant";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "anonymous"), new Claim(TenantContext.ClaimType, Options.TenantId)],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
