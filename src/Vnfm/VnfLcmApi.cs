using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Mano.Vnfm;

/// <summary>
/// SOL003 v3.7.1 clause 5, VNF Lifecycle Management interface, API 2.3.0 at /vnflcm/v2.
///
///   POST   /vnf_instances                                 create            5.4.2.3.1  -> 201
///   GET    /vnf_instances                                 query             5.4.2.3.2
///   GET    /vnf_instances/{vnfInstanceId}                 read              5.4.3.3.2
///   PATCH  /vnf_instances/{vnfInstanceId}                 modify            5.4.3.3.4  -> 501 (issue 4)
///   DELETE /vnf_instances/{vnfInstanceId}                 delete            5.4.3.3.5  -> 204
///   POST   /vnf_instances/{vnfInstanceId}/instantiate     instantiate       5.4.4.3.1  -> 202
///   POST   /vnf_instances/{vnfInstanceId}/terminate       terminate         5.4.8.3.1  -> 202
///   POST   /vnf_instances/{vnfInstanceId}/{scale|scale_to_level|change_flavour|heal|operate|change_ext_conn|change_vnfpkg}
///                                                          -> 501 until issue 4
///   GET    /vnf_lcm_op_occs                               query             5.4.12.3.2
///   GET    /vnf_lcm_op_occs/{vnfLcmOpOccId}               read              5.4.13.3.2
///   POST   /vnf_lcm_op_occs/{vnfLcmOpOccId}/{retry|rollback|fail|cancel}  -> 501 until issue 4
///   POST   /subscriptions                                 subscribe         5.4.18.3.1 -> 201
///   GET    /subscriptions                                 query             5.4.18.3.2
///   GET    /subscriptions/{subscriptionId}                read              5.4.19.3.2
///   DELETE /subscriptions/{subscriptionId}                terminate         5.4.19.3.5 -> 204
/// </summary>
public static class VnfLcmApi
{
    public static IEndpointRouteBuilder MapVnfLcmApiV2(this IEndpointRouteBuilder app)
    {
        var api = app.MapSolApi("vnflcm", "v2", Contracts.VnfLcmApi.Version).WithTags("SOL003 VNF LCM");
        api.MapPost("/vnf_instances", CreateVnfInstance);
        api.MapGet("/vnf_instances", ListVnfInstances);
        api.MapGet("/vnf_instances/{vnfInstanceId}", GetVnfInstance);
        api.MapPatch("/vnf_instances/{vnfInstanceId}", NotBuilt("Modify VNF information (PATCH)"));
        api.MapDelete("/vnf_instances/{vnfInstanceId}", DeleteVnfInstance);
        api.MapPost("/vnf_instances/{vnfInstanceId}/instantiate", Instantiate);
        api.MapPost("/vnf_instances/{vnfInstanceId}/terminate", Terminate);
        foreach (var task in new[] { "scale", "scale_to_level", "change_flavour", "heal", "operate", "change_ext_conn", "change_vnfpkg", "create_snapshot", "revert_to_snapshot" })
            api.MapPost($"/vnf_instances/{{vnfInstanceId}}/{task}", NotBuilt($"The {task} operation"));
        api.MapGet("/vnf_lcm_op_occs", ListOpOccs);
        api.MapGet("/vnf_lcm_op_occs/{vnfLcmOpOccId}", GetOpOcc);
        foreach (var task in new[] { "retry", "rollback", "fail", "cancel" })
            api.MapPost($"/vnf_lcm_op_occs/{{vnfLcmOpOccId}}/{task}", NotBuilt($"The {task} task of an LCM operation occurrence"));
        api.MapPost("/subscriptions", Subscribe);
        api.MapGet("/subscriptions", ListSubscriptions);
        api.MapGet("/subscriptions/{subscriptionId}", GetSubscription);
        api.MapDelete("/subscriptions/{subscriptionId}", DeleteSubscription);
        return app;
    }

    private static Delegate NotBuilt(string what) => () =>
    {
        throw new NotImplementedProblem($"{what} is not built yet in Mano (planned in issue 4).");
    };

    // ---- VNF instances -------------------------------------------------------------------------------------

    private static async Task<IResult> CreateVnfInstance(HttpRequest http, VnfmDbContext db, TenantContext tenant, VnfdCatalog catalog, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<CreateVnfRequest>();
        if (string.IsNullOrWhiteSpace(request.VnfdId)) throw new BadRequestProblem("vnfdId is required (SOL003 5.5.2.3).");
        // SOL003 5.4.2.3.1: the VNFD must be onboarded and its package enabled.
        var known = await catalog.GetAsync(tenant.Required, request.VnfdId, ct);
        if (known.Package.OperationalState != PackageOperationalState.Enabled)
            throw new UnprocessableProblem($"The VNF package {known.Package.VnfPkgId} of vnfdId \"{request.VnfdId}\" is {known.Package.OperationalState}; it must be ENABLED.");
        var record = new VnfInstanceRecord
        {
            Id = Guid.NewGuid().ToString(),
            TenantId = tenant.Required,
            VnfInstanceName = request.VnfInstanceName,
            VnfInstanceDescription = request.VnfInstanceDescription,
            VnfdId = known.Vnfd.DescriptorId,
            VnfPkgId = known.Package.VnfPkgId,
            VnfProvider = known.Package.VnfProvider,
            VnfProductName = known.Package.VnfProductName,
            VnfSoftwareVersion = known.Package.VnfSoftwareVersion,
            VnfdVersion = known.Package.VnfdVersion,
            InstantiationState = InstantiationState.NotInstantiated,
            Metadata = request.Metadata?.ToJsonString(),
            CreatedAt = DateTime.UtcNow,
        };
        db.VnfInstances.Add(record);
        await db.SaveChangesAsync(ct);
        var body = ToSol(record, http);
        return SolResults.Json(body, StatusCodes.Status201Created, body.Links.Self.Href);
    }

    private static async Task<IResult> ListVnfInstances(HttpRequest http, VnfmDbContext db, CancellationToken ct)
    {
        var records = await db.VnfInstances.AsNoTracking().OrderBy(i => i.CreatedAt).ToListAsync(ct);
        return SolResults.Json(records.Select(r => ToSol(r, http)).ToList());
    }

    private static async Task<IResult> GetVnfInstance(string vnfInstanceId, HttpRequest http, VnfmDbContext db, CancellationToken ct) =>
        SolResults.Json(ToSol(await FindInstance(db, vnfInstanceId, ct), http));

    private static async Task<IResult> DeleteVnfInstance(string vnfInstanceId, VnfmDbContext db, CancellationToken ct)
    {
        var record = await FindInstance(db, vnfInstanceId, ct);
        // SOL003 5.4.3.3.5: only a NOT_INSTANTIATED instance may be deleted, else 409.
        if (record.InstantiationState != InstantiationState.NotInstantiated)
            throw new ConflictProblem($"VNF instance {vnfInstanceId} is {record.InstantiationState}; terminate it before deleting it.");
        if (record.CurrentOpOccId is not null)
            throw new ConflictProblem($"VNF instance {vnfInstanceId} has an LCM operation in progress ({record.CurrentOpOccId}).");
        db.VnfInstances.Remove(record);
        await db.SaveChangesAsync(ct);
        return Results.NoContent();
    }

    // ---- LCM operations ------------------------------------------------------------------------------------

    private static async Task<IResult> Instantiate(string vnfInstanceId, HttpRequest http, VnfmDbContext db, VnfdCatalog catalog,
        LcmNotifier notifier, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<InstantiateVnfRequest>();
        var instance = await FindInstance(db, vnfInstanceId, ct);
        // SOL003 5.4.4.3.1: 409 when the instance is already INSTANTIATED.
        if (instance.InstantiationState != InstantiationState.NotInstantiated)
            throw new ConflictProblem($"VNF instance {vnfInstanceId} is already INSTANTIATED.");
        if (string.IsNullOrWhiteSpace(request.FlavourId)) throw new BadRequestProblem("flavourId is required (SOL003 5.5.2.4).");
        var known = await catalog.GetAsync(instance.TenantId, instance.VnfdId, ct);
        var flavour = known.Vnfd.FindFlavour(request.FlavourId)
                      ?? throw new UnprocessableProblem($"The VNFD {instance.VnfdId} has no deployment flavour \"{request.FlavourId}\" (it has: {string.Join(", ", known.Vnfd.Flavours.Select(f => f.FlavourId))}).");
        if (request.InstantiationLevelId is not null && flavour.FindLevel(request.InstantiationLevelId) is null)
            throw new UnprocessableProblem($"Flavour \"{flavour.FlavourId}\" has no instantiation level \"{request.InstantiationLevelId}\" (it has: {string.Join(", ", flavour.InstantiationLevels.Select(l => l.Id))}).");
        foreach (var cp in (request.ExtVirtualLinks ?? []).SelectMany(l => l.ExtCps))
            if (flavour.ExtCps.All(e => e.CpdId != cp.CpdId && e.InternalCpdId != cp.CpdId))
                throw new UnprocessableProblem($"extVirtualLinks names cpdId \"{cp.CpdId}\", which is no external CP of flavour \"{flavour.FlavourId}\".");
        if (request.VimConnectionInfo is { Count: > 0 })
            throw new NotImplementedProblem("vimConnectionInfo in InstantiateVnfRequest is not built yet: the NFVO's grant chooses the VIM.");

        var op = await StartOperationAsync(db, notifier, instance, LcmOperationType.Instantiate, JsonNode.Parse(SolJson.Serialize(request))!, ct);
        return SolResults.Accepted(http.Uri($"/vnflcm/v2/vnf_lcm_op_occs/{op.Id}"));
    }

    private static async Task<IResult> Terminate(string vnfInstanceId, HttpRequest http, VnfmDbContext db, LcmNotifier notifier, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<TerminateVnfRequest>();
        if (request.TerminationType is not ("FORCEFUL" or "GRACEFUL"))
            throw new BadRequestProblem("terminationType must be FORCEFUL or GRACEFUL (SOL003 5.5.2.8).");
        var instance = await FindInstance(db, vnfInstanceId, ct);
        // SOL003 5.4.8.3.1: 409 when the instance is NOT_INSTANTIATED.
        if (instance.InstantiationState != InstantiationState.Instantiated)
            throw new ConflictProblem($"VNF instance {vnfInstanceId} is NOT_INSTANTIATED; there is nothing to terminate.");
        var op = await StartOperationAsync(db, notifier, instance, LcmOperationType.Terminate, JsonNode.Parse(SolJson.Serialize(request))!, ct);
        return SolResults.Accepted(http.Uri($"/vnflcm/v2/vnf_lcm_op_occs/{op.Id}"));
    }

    /// <summary>
    /// The request-thread half of every LCM operation: the op occ in STARTING, its notification and the command to
    /// the worker, committed in ONE transaction (the outbox). SOL003 5.6.2.2: one operation at a time per instance.
    /// </summary>
    private static async Task<VnfLcmOpOccRecord> StartOperationAsync(VnfmDbContext db, LcmNotifier notifier,
        VnfInstanceRecord instance, string operation, JsonNode operationParams, CancellationToken ct)
    {
        if (instance.CurrentOpOccId is not null)
            throw new ConflictProblem($"VNF instance {instance.Id} already has an LCM operation in progress or in FAILED_TEMP ({instance.CurrentOpOccId}).");
        var now = DateTime.UtcNow;
        var op = new VnfLcmOpOccRecord
        {
            Id = Guid.NewGuid().ToString(),
            TenantId = instance.TenantId,
            VnfInstanceId = instance.Id,
            Operation = operation,
            OperationState = LcmOperationState.Starting,
            StateEnteredTime = now,
            StartTime = now,
            OperationParams = operationParams.ToJsonString(),
        };
        db.VnfLcmOpOccs.Add(op);
        instance.CurrentOpOccId = op.Id;
        instance.Version++; // the concurrency token: a concurrent request for the same instance gets a conflict
        await notifier.QueueAsync(db, op, instance, ct);
        db.AddOutboxMessage(new ExecuteVnfLcmOperation(op.TenantId, op.Id));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictProblem($"VNF instance {instance.Id} was changed by a concurrent request; retry.");
        }
        return op;
    }

    private static async Task<IResult> ListOpOccs(HttpRequest http, VnfmDbContext db, CancellationToken ct)
    {
        var records = await db.VnfLcmOpOccs.AsNoTracking().OrderBy(o => o.StartTime).ToListAsync(ct);
        return SolResults.Json(records.Select(r => ToSol(r, http)).ToList());
    }

    private static async Task<IResult> GetOpOcc(string vnfLcmOpOccId, HttpRequest http, VnfmDbContext db, CancellationToken ct)
    {
        var record = await db.VnfLcmOpOccs.AsNoTracking().SingleOrDefaultAsync(o => o.Id == vnfLcmOpOccId, ct)
                     ?? throw new NotFoundProblem($"No VNF LCM operation occurrence {vnfLcmOpOccId}.");
        return SolResults.Json(ToSol(record, http));
    }

    // ---- Subscriptions -------------------------------------------------------------------------------------

    private static async Task<IResult> Subscribe(HttpRequest http, VnfmDbContext db, TenantContext tenant, IHttpClientFactory clients, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<LccnSubscriptionRequest>();
        if (!System.Uri.TryCreate(request.CallbackUri, UriKind.Absolute, out var callback) || (callback.Scheme != "http" && callback.Scheme != "https"))
            throw new BadRequestProblem("callbackUri must be an absolute http(s) URI (SOL003 5.5.2.15).");
        if (request.Verbosity is not (null or "FULL" or "SHORT"))
            throw new BadRequestProblem("verbosity must be FULL or SHORT.");
        SubscriberAuth.Validate(request.Authentication);
        var authentication = request.Authentication is null ? null : SolJson.Serialize(request.Authentication);
        // SOL003 5.4.18.3.1: the VNFM tests the callback (GET, expecting 204) before creating the subscription.
        await SubscriberAuth.TestCallbackAsync(clients.CreateClient(NotificationDispatcher<VnfmDbContext>.HttpClientName),
            request.CallbackUri!, authentication, ct);
        var record = new LccnSubscriptionRecord
        {
            Id = Guid.NewGuid().ToString(),
            TenantId = tenant.Required,
            CallbackUri = request.CallbackUri!,
            Filter = request.Filter is null ? null : SolJson.Serialize(request.Filter),
            Authentication = authentication,
            Verbosity = request.Verbosity ?? "FULL",
            CreatedAt = DateTime.UtcNow,
        };
        db.Subscriptions.Add(record);
        await db.SaveChangesAsync(ct);
        var body = ToSol(record, http);
        return SolResults.Json(body, StatusCodes.Status201Created, body.Links.Self.Href);
    }

    private static async Task<IResult> ListSubscriptions(HttpRequest http, VnfmDbContext db, CancellationToken ct)
    {
        var records = await db.Subscriptions.AsNoTracking().OrderBy(s => s.CreatedAt).ToListAsync(ct);
        return SolResults.Json(records.Select(r => ToSol(r, http)).ToList());
    }

    private static async Task<IResult> GetSubscription(string subscriptionId, HttpRequest http, VnfmDbContext db, CancellationToken ct)
    {
        var record = await db.Subscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == subscriptionId, ct)
                     ?? throw new NotFoundProblem($"No subscription {subscriptionId}.");
        return SolResults.Json(ToSol(record, http));
    }

    private static async Task<IResult> DeleteSubscription(string subscriptionId, VnfmDbContext db, CancellationToken ct)
    {
        var record = await db.Subscriptions.SingleOrDefaultAsync(s => s.Id == subscriptionId, ct)
                     ?? throw new NotFoundProblem($"No subscription {subscriptionId}.");
        db.Subscriptions.Remove(record);
        // Undelivered notifications of a deleted subscription are dropped with it.
        db.NotificationDeliveries.RemoveRange(await db.NotificationDeliveries
            .Where(d => d.SubscriptionId == subscriptionId && d.DeliveredAt == null).ToListAsync(ct));
        await db.SaveChangesAsync(ct);
        return Results.NoContent();
    }

    // ---- Mapping ---------------------------------------------------------------------------------------------

    private static async Task<VnfInstanceRecord> FindInstance(VnfmDbContext db, string id, CancellationToken ct) =>
        await db.VnfInstances.SingleOrDefaultAsync(i => i.Id == id, ct)
        ?? throw new NotFoundProblem($"No VNF instance {id}.");

    public static VnfInstance ToSol(VnfInstanceRecord r, HttpRequest http)
    {
        var self = http.Uri($"/vnflcm/v2/vnf_instances/{r.Id}");
        var instantiated = r.InstantiationState == InstantiationState.Instantiated;
        return new VnfInstance
        {
            Id = r.Id,
            VnfInstanceName = r.VnfInstanceName,
            VnfInstanceDescription = r.VnfInstanceDescription,
            VnfdId = r.VnfdId,
            VnfProvider = r.VnfProvider,
            VnfProductName = r.VnfProductName,
            VnfSoftwareVersion = r.VnfSoftwareVersion,
            VnfdVersion = r.VnfdVersion,
            // SOL003 5.5.2.2: accessInfo (credentials) is never returned.
            VimConnectionInfo = r.VimConnectionInfo is null ? null
                : SolJson.Deserialize<Dictionary<string, VimConnectionInfo>>(r.VimConnectionInfo)
                    .ToDictionary(kv => kv.Key, kv => kv.Value with { AccessInfo = null }),
            InstantiationState = r.InstantiationState,
            InstantiatedVnfInfo = r.InstantiatedVnfInfo is null ? null : SolJson.Deserialize<InstantiatedVnfInfo>(r.InstantiatedVnfInfo),
            Metadata = r.Metadata is null ? null : JsonNode.Parse(r.Metadata)?.AsObject(),
            Links = new VnfInstanceLinks
            {
                Self = new Link(self),
                Instantiate = instantiated ? null : new Link($"{self}/instantiate"),
                Terminate = instantiated ? new Link($"{self}/terminate") : null,
            },
        };
    }

    public static VnfLcmOpOcc ToSol(VnfLcmOpOccRecord r, HttpRequest http) => new()
    {
        Id = r.Id,
        OperationState = r.OperationState,
        StateEnteredTime = r.StateEnteredTime,
        StartTime = r.StartTime,
        VnfInstanceId = r.VnfInstanceId,
        GrantId = r.GrantId,
        Operation = r.Operation,
        IsAutomaticInvocation = r.IsAutomaticInvocation,
        OperationParams = r.OperationParams is null ? null : JsonNode.Parse(r.OperationParams),
        IsCancelPending = r.IsCancelPending,
        Error = r.Error is null ? null : SolJson.Deserialize<ProblemDetails>(r.Error),
        ResourceChanges = r.ResourceChanges is null ? null : SolJson.Deserialize<ResourceChanges>(r.ResourceChanges),
        Links = new VnfLcmOpOccLinks
        {
            Self = new Link(http.Uri($"/vnflcm/v2/vnf_lcm_op_occs/{r.Id}")),
            VnfInstance = new Link(http.Uri($"/vnflcm/v2/vnf_instances/{r.VnfInstanceId}")),
        },
    };

    public static LccnSubscription ToSol(LccnSubscriptionRecord r, HttpRequest http) => new()
    {
        Id = r.Id,
        Filter = r.Filter is null ? null : SolJson.Deserialize<LifecycleChangeNotificationsFilter>(r.Filter),
        CallbackUri = r.CallbackUri,
        Verbosity = r.Verbosity,
        Links = new SelfLinks(new Link(http.Uri($"/vnflcm/v2/subscriptions/{r.Id}"))),
    };
}
