using System.Text.Json;
using MassTransit;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Mano.Nfvo;

// SOL003 clause 9 "VNF Lifecycle Operation Granting interface", the NFVO side, for any VNFM (Mano's own asks over the bus):
//   POST /grant/v1/grants              201 + Grant (synchronous, default) or 202 + Location (Nfvo:Grants:Async=true); 403 rejected
//   GET  /grant/v1/grants/{grantId}    200 Grant, 202 while being decided, 403 rejected, 404 unknown
// Tenancy: the caller's tenant (authentication) owns the grant; another tenant's grant is 404.

public static class GrantsApi
{
    public static IEndpointRouteBuilder MapGrantApiV1(this IEndpointRouteBuilder app)
    {
        var group = app.MapSolApi(GrantApi.Name, GrantApi.MajorVersion, GrantApi.Version).WithTags("SOL003 VNF lifecycle operation granting");
        group.MapPost("/grants", PostAsync);
        group.MapGet("/grants/{grantId}", GetAsync);
        return app;
    }

    private static readonly HashSet<string> GrantedOperations =
    [
        LcmOperationType.Instantiate, LcmOperationType.Scale, LcmOperationType.ScaleToLevel, LcmOperationType.ChangeFlavour,
        LcmOperationType.Terminate, LcmOperationType.Heal, LcmOperationType.Operate, LcmOperationType.ChangeExtConn,
        LcmOperationType.ChangeVnfpkg, "CREATE_SNAPSHOT", "REVERT_TO_SNAPSHOT",
    ];

    private static async Task<IResult> PostAsync(HttpContext http, GrantDecider decider, GrantOptions grantOptions, NfvoDbContext db, CancellationToken ct)
    {
        var request = await http.Request.ReadJsonAsync<GrantRequest>();
        if (!GrantedOperations.Contains(request.Operation))
            throw new BadRequestProblem($"operation {request.Operation} is not a GrantedLcmOperationType (SOL003 9.5.4.2).");
        if (request.Links?.VnfLcmOpOcc?.Href is null || request.Links.VnfInstance?.Href is null)
            throw new BadRequestProblem("_links.vnfLcmOpOcc and _links.vnfInstance are required.");
        if (request.Operation == LcmOperationType.Instantiate && request.AddResources is null && request.InstantiationLevelId is null)
            throw new BadRequestProblem("A grant request for INSTANTIATE needs addResources or instantiationLevelId (SOL003 9.5.2.2 note 2).");

        if (!grantOptions.Async)
        {
            var result = await decider.DecideAsync(request, ct);
            return result.Grant is { } grant
                ? SolResults.Json(grant, StatusCodes.Status201Created, Location(http, grant.Id))
                : new ProblemResult(result.Rejection!);
        }

        // Asynchronous mode: accept, decide in the background (outbox -> DecideGrant), let the VNFM poll.
        var stored = await db.Grants.AsNoTracking().SingleOrDefaultAsync(g => g.VnfLcmOpOccId == request.VnfLcmOpOccId, ct);
        switch (stored?.Status)
        {
            case GrantStatus.Granted:
                return SolResults.Json(SolJson.Deserialize<Grant>(stored.Grant!), StatusCodes.Status201Created, Location(http, stored.Id));
            case GrantStatus.Pending:
                return SolResults.Accepted(Location(http, stored.Id));
            case GrantStatus.Rejected:
                await db.Grants.Where(g => g.Id == stored.Id).ExecuteDeleteAsync(ct);
                break;
        }
        var now = DateTime.UtcNow;
        var record = new GrantRecord
        {
            Id = Guid.NewGuid().ToString(), TenantId = db.TenantId, VnfInstanceId = request.VnfInstanceId,
            VnfLcmOpOccId = request.VnfLcmOpOccId, Operation = request.Operation, Request = SolJson.Serialize(request),
            Status = GrantStatus.Pending, RequestedAt = now, DecidedAt = now,
        };
        db.Grants.Add(record);
        db.AddOutboxMessage(new DecideGrant(db.TenantId, record.Id));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same op occ posted concurrently: answer with that one.
            db.ChangeTracker.Clear();
            var other = await db.Grants.AsNoTracking().SingleAsync(g => g.VnfLcmOpOccId == request.VnfLcmOpOccId, ct);
            return SolResults.Accepted(Location(http, other.Id));
        }
        return SolResults.Accepted(Location(http, record.Id));
    }

    private static async Task<IResult> GetAsync(string grantId, NfvoDbContext db, CancellationToken ct)
    {
        var record = await db.Grants.AsNoTracking().SingleOrDefaultAsync(g => g.Id == grantId, ct)
                     ?? throw new NotFoundProblem($"There is no grant {grantId}.");
        return record.Status switch
        {
            GrantStatus.Granted => SolResults.Json(SolJson.Deserialize<Grant>(record.Grant!)),
            GrantStatus.Rejected => new ProblemResult(SolJson.Deserialize<ProblemDetails>(record.Rejection!)),
            _ => new AcceptedNoContent(),
        };
    }

    private static string Location(HttpContext http, string grantId) => http.Request.Uri($"/grant/v1/grants/{grantId}");

    /// <summary>SOL003 9.4.3.3.2: 202 with an empty body while the decision is pending.</summary>
    private sealed class AcceptedNoContent : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return Task.CompletedTask;
        }
    }

    /// <summary>The rejection (403) as application/problem+json (SOL013 6.4).</summary>
    private sealed class ProblemResult(ProblemDetails problem) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = problem.Status;
            context.Response.ContentType = SolResults.ProblemJson;
            await JsonSerializer.SerializeAsync(context.Response.Body, problem with { Instance = problem.Instance ?? context.Request.Path }, SolJson.Options, context.RequestAborted);
        }
    }
}

/// <summary>Decides a PENDING grant (asynchronous mode); idempotent: a grant already decided is left as it is.</summary>
public sealed class DecideGrantConsumer(TenantContext tenant, NfvoDbContext db, GrantDecider decider) : IConsumer<DecideGrant>
{
    public async Task Consume(ConsumeContext<DecideGrant> context)
    {
        tenant.Set(context.Message.TenantId);
        var record = await db.Grants.AsNoTracking().SingleOrDefaultAsync(g => g.Id == context.Message.GrantId, context.CancellationToken);
        if (record is not { Status: GrantStatus.Pending }) return;
        await decider.DecideAsync(SolJson.Deserialize<GrantRequest>(record.Request), record.Id, context.CancellationToken);
    }
}

public static class GrantRegistration
{
    /// <summary>The grant decision's services (Nfvo:Grants settings, the VNFD sizer).</summary>
    public static IServiceCollection AddNfvoGrants(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration config)
    {
        services.AddSingleton(GrantOptions.From(config));
        services.AddSingleton<GrantSizer>();
        services.AddScoped<GrantDecider>();
        services.AddScoped<NsPlacementPlanner>(); // NS placement and pins (NsPlacement.cs, ADR-0020)
        return services;
    }

    public static void AddNfvoGrantConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RequestGrantConsumer>();
        bus.AddConsumer<DecideGrantConsumer>();
    }
}
