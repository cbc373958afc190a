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
///   PATCH  /vnf_instances/{vnfInstanceId}                 modify            5.4.3.3.4  -> 202 (MODIFY_INFO), If-Match -> 412
///   DELETE /vnf_instances/{vnfInstanceId}                 delete            5.4.3.3.5  -> 204
///   POST   /vnf_instances/{vnfInstanceId}/instantiate     instantiate       5.4.4.3.1  -> 202
///   POST   /vnf_instances/{vnfInstanceId}/scale           scale             5.4.5.3.1  -> 202
///   POST   /vnf_instances/{vnfInstanceId}/scale_to_level  scale to level    5.4.6.3.1  -> 202
///   POST   /vnf_instances/{vnfInstanceId}/change_flavour  change flavour    5.4.7.3.1  -> 202
///   POST   /vnf_instances/{vnfInstanceId}/terminate       terminate         5.4.8.3.1  -> 202
///   POST   /vnf_instances/{vnfInstanceId}/heal            heal              5.4.9.3.1  -> 202
///   POST   /vnf_instances/{vnfInstanceId}/operate         operate           5.4.10.3.1 -> 202
///   POST   /vnf_instances/{vnfInstanceId}/change_ext_conn change ext conn   5.4.11.3.1 -> 202
///   POST   /vnf_instances/{vnfInstanceId}/change_vnfpkg   change vnf pkg    5.4.11a.3.1 -> 202
///   POST   /vnf_instances/{vnfInstanceId}/{create_snapshot|revert_to_snapshot}  -> 501 (not built)
///   *      /vnf_snapshots[/{vnfSnapshotInfoId}[/vnf_state_snapshot]]            -> 501 (not built)
///   GET    /vnf_lcm_op_occs                               query             5.4.12.3.2
///   GET    /vnf_lcm_op_occs/{vnfLcmOpOccId}               read              5.4.13.3.2
///   POST   /vnf_lcm_op_occs/{vnfLcmOpOccId}/retry         retry             5.4.14.3.1 -> 202
///   POST   /vnf_lcm_op_occs/{vnfLcmOpOccId}/rollback      rollback          5.4.15.3.1 -> 202
///   POST   /vnf_lcm_op_occs/{vnfLcmOpOccId}/fail          fail              5.4.16.3.1 -> 200
///   POST   /vnf_lcm_op_occs/{vnfLcmOpOccId}/cancel        cancel            5.4.17.3.1 -> 202
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
        api.MapPatch("/vnf_instances/{vnfInstanceId}", Modify);
        api.MapDelete("/vnf_instances/{vnfInstanceId}", DeleteVnfInstance);
        api.MapPost("/vnf_instances/{vnfInstanceId}/instantiate", Instantiate);
        api.MapPost("/vnf_instances/{vnfInstanceId}/terminate", Terminate);
        api.MapPost("/vnf_instances/{vnfInstanceId}/scale", Scale);
        api.MapPost("/vnf_instances/{vnfInstanceId}/scale_to_level", ScaleToLevel);
        api.MapPost("/vnf_instances/{vnfInstanceId}/change_flavour", ChangeFlavour);
        api.MapPost("/vnf_instances/{vnfInstanceId}/heal", Heal);
        api.MapPost("/vnf_instances/{vnfInstanceId}/operate", Operate);
        api.MapPost("/vnf_instances/{vnfInstanceId}/change_ext_conn", ChangeExtConn);
        api.MapPost("/vnf_instances/{vnfInstanceId}/change_vnfpkg", ChangeVnfpkg);
        foreach (var task in new[] { "create_snapshot", "revert_to_snapshot" })
            api.MapPost($"/vnf_instances/{{vnfInstanceId}}/{task}", NotBuilt($"The {task} operation"));
        // SOL003 "VNF snapshots" resources: not built; answered with 501 rather than an unexplained 404.
        api.MapMethods("/vnf_snapshots", ["GET", "POST"], NotBuilt("The VNF snapshots resource (/vnf_snapshots)"));
        api.MapMethods("/vnf_snapshots/{vnfSnapshotInfoId}", ["GET", "PATCH", "DELETE"], NotBuilt("The VNF snapshots resource (/vnf_snapshots)"));
        api.MapGet("/vnf_snapshots/{vnfSnapshotInfoId}/vnf_state_snapshot", NotBuilt("The VNF snapshots resource (/vnf_snapshots)"));
        api.MapGet("/vnf_lcm_op_occs", ListOpOccs);
        api.MapGet("/vnf_lcm_op_occs/{vnfLcmOpOccId}", GetOpOcc);
        api.MapPost("/vnf_lcm_op_occs/{vnfLcmOpOccId}/retry", Retry);
        api.MapPost("/vnf_lcm_op_occs/{vnfLcmOpOccId}/rollback", Rollback);
        api.MapPost("/vnf_lcm_op_occs/{vnfLcmOpOccId}/fail", Fail);
        api.MapPost("/vnf_lcm_op_occs/{vnfLcmOpOccId}/cancel", Cancel);
        api.MapPost("/subscriptions", Subscribe);
        api.MapGet("/subscriptions", ListSubscriptions);
        api.MapGet("/subscriptions/{subscriptionId}", GetSubscription);
        api.MapDelete("/subscriptions/{subscriptionId}", DeleteSubscription);
        return app;
    }

    /// <summary>
    /// The handler of each SOL003 request the NFVO can send over the bus (<see cref="VnfLcmRequest"/>; method and path in
    /// <see cref="VnfLcmRoutes"/>): the very handlers of the routes above, so that <see cref="VnfLcmRequestConsumer"/>
    /// runs exactly the REST path's code (validation, status codes, bodies, problems).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Delegate> BusHandlers = new Dictionary<string, Delegate>
    {
        [VnfLcmOperations.Create] = CreateVnfInstance,
        [VnfLcmOperations.Query] = ListVnfInstances,
        [VnfLcmOperations.Read] = GetVnfInstance,
        [VnfLcmOperations.Modify] = Modify,
        [VnfLcmOperations.Delete] = DeleteVnfInstance,
        [VnfLcmOperations.Instantiate] = Instantiate,
        [VnfLcmOperations.Scale] = Scale,
        [VnfLcmOperations.ScaleToLevel] = ScaleToLevel,
        [VnfLcmOperations.ChangeFlavour] = ChangeFlavour,
        [VnfLcmOperations.Terminate] = Terminate,
        [VnfLcmOperations.Heal] = Heal,
        [VnfLcmOperations.Operate] = Operate,
        [VnfLcmOperations.ChangeExtConn] = ChangeExtConn,
        [VnfLcmOperations.ChangeVnfpkg] = ChangeVnfpkg,
        [VnfLcmOperations.ReadOpOcc] = GetOpOcc,
        [VnfLcmOperations.Retry] = Retry,
        [VnfLcmOperations.Rollback] = Rollback,
        [VnfLcmOperations.Fail] = Fail,
        [VnfLcmOperations.Cancel] = Cancel,
    };

    private static Delegate NotBuilt(string what) => () =>
    {
        throw new NotImplementedProblem($"{what} is not built yet in Mano.");
    };

    // ---- VNF instances -------------------------------------------------------------------------------------

    private static async Task<IResult> CreateVnfInstance(HttpRequest http, VnfmDbContext db, TenantContext tenant, VnfdCatalog catalog,
        LcmNotifier notifier, CancellationToken ct)
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
        // SOL003 5.3.7 / 5.5.2.18: subscribers learn of the new identifier, in the same transaction.
        await notifier.QueueIdentifierAsync(db, record, LcmNotifier.CreationNotification, ct);
        // SOL005 9.5.4.5: the NFVO keeps the package's usageState; it learns of each user through the outbox.
        db.AddOutboxMessage(new VnfPackageUsed(record.TenantId, record.VnfdId, record.Id, record.CreatedAt));
        await db.SaveChangesAsync(ct);
        var body = ToSol(record, http);
        return SolResults.Json(body, StatusCodes.Status201Created, body.Links.Self.Href);
    }

    // SOL013 filter, selectors and paging, in the database (Common/SolQuery, ADR-0007).
    private static Task<IResult> ListVnfInstances(HttpRequest http, VnfmDbContext db, CancellationToken ct) =>
        SolQuery.ListAsync(http, db.VnfInstances.AsNoTracking(), SolResources.VnfInstance, r => ToSol(r, http), ct);

    private static async Task<IResult> GetVnfInstance(string vnfInstanceId, HttpRequest http, VnfmDbContext db, CancellationToken ct)
    {
        var record = await FindInstance(db, vnfInstanceId, ct);
        // SOL013 4.5 / SOL003 5.4.3.3.2: the ETag a PATCH names in If-Match.
        http.HttpContext.Response.Headers.ETag = ETag(record);
        return SolResults.Json(ToSol(record, http));
    }

    public static string ETag(VnfInstanceRecord record) => $"\"{record.Id}-{record.Version}\"";

    private static async Task<IResult> DeleteVnfInstance(string vnfInstanceId, VnfmDbContext db, LcmNotifier notifier, CancellationToken ct)
    {
        var record = await FindInstance(db, vnfInstanceId, ct);
        // SOL003 5.4.3.3.5: only a NOT_INSTANTIATED instance may be deleted, else 409.
        if (record.InstantiationState != InstantiationState.NotInstantiated)
            throw new ConflictProblem($"VNF instance {vnfInstanceId} is {record.InstantiationState}; terminate it before deleting it.");
        if (record.CurrentOpOccId is not null)
            throw new ConflictProblem($"VNF instance {vnfInstanceId} has an LCM operation in progress ({record.CurrentOpOccId}).");
        if (record.VimConnectionInfo is not null)
            throw new ConflictProblem($"VNF instance {vnfInstanceId} still has resources in the VIM left by a failed instantiation; instantiate and terminate it to remove them.");
        db.VnfInstances.Remove(record);
        await notifier.QueueIdentifierAsync(db, record, LcmNotifier.DeletionNotification, ct);
        db.AddOutboxMessage(new VnfPackageReleased(record.TenantId, record.VnfdId, record.Id, DateTime.UtcNow));
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
        // A CNF: the manifests named by additionalParams (lcm-kubernetes-def-files) must be the package's (422 now, not later).
        ResourcePlanner.KubernetesPlan(known, flavour, request.AdditionalParams);

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

    private static async Task<(VnfInstanceRecord Instance, LcmPlan Plan, KnownVnfd Known, Tosca.VnfDeploymentFlavour Flavour)> InstantiatedAsync(
        VnfmDbContext db, VnfdCatalog catalog, string vnfInstanceId, string operation, CancellationToken ct)
    {
        var instance = await FindInstance(db, vnfInstanceId, ct);
        if (instance.InstantiationState != InstantiationState.Instantiated || instance.ResourcePlan is null)
            throw new ConflictProblem($"VNF instance {vnfInstanceId} is NOT_INSTANTIATED; {operation} needs an instantiated VNF.");
        if (instance.CurrentOpOccId is not null)
            throw new ConflictProblem($"VNF instance {instance.Id} already has an LCM operation in progress or in FAILED_TEMP ({instance.CurrentOpOccId}).");
        var plan = SolJson.Deserialize<LcmPlan>(instance.ResourcePlan);
        var known = await catalog.GetAsync(instance.TenantId, plan.VnfdId, ct);
        var flavour = known.Vnfd.FindFlavour(plan.FlavourId)
                      ?? throw new UnprocessableProblem($"The VNFD {plan.VnfdId} has no flavour {plan.FlavourId} any more.");
        return (instance, plan, known, flavour);
    }

    private static async Task<IResult> Accepted(HttpRequest http, VnfmDbContext db, LcmNotifier notifier, VnfInstanceRecord instance, string operation, object request, CancellationToken ct)
    {
        var op = await StartOperationAsync(db, notifier, instance, operation, JsonNode.Parse(SolJson.Serialize(request))!, ct);
        return SolResults.Accepted(http.Uri($"/vnflcm/v2/vnf_lcm_op_occs/{op.Id}"));
    }

    private static async Task<IResult> Scale(string vnfInstanceId, HttpRequest http, VnfmDbContext db, VnfdCatalog catalog, LcmNotifier notifier, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<ScaleVnfRequest>();
        var (instance, plan, _, flavour) = await InstantiatedAsync(db, catalog, vnfInstanceId, "scale", ct);
        LcmRequests.ScaleTarget(plan, flavour, request); // 400 / 422 now, not in the worker
        return await Accepted(http, db, notifier, instance, LcmOperationType.Scale, request, ct);
    }

    private static async Task<IResult> ScaleToLevel(string vnfInstanceId, HttpRequest http, VnfmDbContext db, VnfdCatalog catalog, LcmNotifier notifier, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<ScaleVnfToLevelRequest>();
        var (instance, _, _, flavour) = await InstantiatedAsync(db, catalog, vnfInstanceId, "scale_to_level", ct);
        LcmRequests.ScaleToLevelTarget(flavour, request);
        return await Accepted(http, db, notifier, instance, LcmOperationType.ScaleToLevel, request, ct);
    }

    private static async Task<IResult> ChangeFlavour(string vnfInstanceId, HttpRequest http, VnfmDbContext db, VnfdCatalog catalog, LcmNotifier notifier, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<ChangeVnfFlavourRequest>();
        if (string.IsNullOrWhiteSpace(request.NewFlavourId)) throw new BadRequestProblem("newFlavourId is required (SOL003 5.5.2.7).");
        var (instance, plan, known, _) = await InstantiatedAsync(db, catalog, vnfInstanceId, "change_flavour", ct);
        var flavour = known.Vnfd.FindFlavour(request.NewFlavourId)
                      ?? throw new UnprocessableProblem($"The VNFD {plan.VnfdId} has no deployment flavour \"{request.NewFlavourId}\" (it has: {string.Join(", ", known.Vnfd.Flavours.Select(f => f.FlavourId))}).");
        if (flavour.FlavourId == plan.FlavourId) throw new ConflictProblem($"VNF instance {vnfInstanceId} already runs flavour \"{plan.FlavourId}\".");
        if (request.InstantiationLevelId is not null && flavour.FindLevel(request.InstantiationLevelId) is null)
            throw new UnprocessableProblem($"Flavour \"{flavour.FlavourId}\" has no instantiation level \"{request.InstantiationLevelId}\".");
        LcmRequests.ValidateExtLinks(flavour, request.ExtVirtualLinks);
        if (request.VimConnectionInfo is { Count: > 0 }) throw new NotImplementedProblem("vimConnectionInfo in ChangeVnfFlavourRequest is not built yet: the grant chooses the VIM.");
        return await Accepted(http, db, notifier, instance, LcmOperationType.ChangeFlavour, request, ct);
    }

    private static async Task<IResult> Heal(string vnfInstanceId, HttpRequest http, VnfmDbContext db, VnfdCatalog catalog, LcmNotifier notifier, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<HealVnfRequest>();
        var (instance, plan, _, _) = await InstantiatedAsync(db, catalog, vnfInstanceId, "heal", ct);
        var unknown = LcmRequests.HealVnfcIds(request).Except(plan.Resources.Computes.Select(c => c.ResourceKey)).ToList();
        if (unknown.Count > 0) throw new UnprocessableProblem($"VNF instance {vnfInstanceId} has no VNFC {string.Join(", ", unknown)}.");
        return await Accepted(http, db, notifier, instance, LcmOperationType.Heal, request, ct);
    }

    private static async Task<IResult> Operate(string vnfInstanceId, HttpRequest http, VnfmDbContext db, VnfdCatalog catalog, LcmNotifier notifier, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<OperateVnfRequest>();
        if (request.ChangeStateTo is not (VnfOperationalState.Started or VnfOperationalState.Stopped))
            throw new BadRequestProblem("changeStateTo must be STARTED or STOPPED (SOL003 5.5.2.10).");
        if (request.ChangeStateTo == VnfOperationalState.Started && (request.StopType is not null || request.GracefulStopTimeout is not null))
            throw new BadRequestProblem("stopType and gracefulStopTimeout apply only to changeStateTo STOPPED (SOL003 5.5.2.10 note).");
        if (request.StopType is not (null or "FORCEFUL" or "GRACEFUL")) throw new BadRequestProblem("stopType must be FORCEFUL or GRACEFUL.");
        if (request.GracefulStopTimeout is not null && request.StopType != "GRACEFUL")
            throw new BadRequestProblem("gracefulStopTimeout applies only to stopType GRACEFUL.");
        if (request.GracefulStopTimeout is < 0) throw new BadRequestProblem("gracefulStopTimeout must not be negative.");
        var (instance, _, _, _) = await InstantiatedAsync(db, catalog, vnfInstanceId, "operate", ct);
        return await Accepted(http, db, notifier, instance, LcmOperationType.Operate, request, ct);
    }

    private static async Task<IResult> ChangeExtConn(string vnfInstanceId, HttpRequest http, VnfmDbContext db, VnfdCatalog catalog, LcmNotifier notifier, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<ChangeExtVnfConnectivityRequest>();
        if (request.ExtVirtualLinks is not { Count: > 0 }) throw new BadRequestProblem("extVirtualLinks is required (SOL003 5.5.2.11).");
        var (instance, _, _, flavour) = await InstantiatedAsync(db, catalog, vnfInstanceId, "change_ext_conn", ct);
        LcmRequests.ValidateExtLinks(flavour, request.ExtVirtualLinks);
        if (request.VimConnectionInfo is { Count: > 0 }) throw new NotImplementedProblem("vimConnectionInfo in ChangeExtVnfConnectivityRequest is not built yet.");
        return await Accepted(http, db, notifier, instance, LcmOperationType.ChangeExtConn, request, ct);
    }

    private static async Task<IResult> ChangeVnfpkg(string vnfInstanceId, HttpRequest http, VnfmDbContext db, VnfdCatalog catalog, LcmNotifier notifier, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<ChangeCurrentVnfPkgRequest>();
        if (string.IsNullOrWhiteSpace(request.VnfdId)) throw new BadRequestProblem("vnfdId is required (SOL003 5.5.2.11a).");
        var (instance, plan, _, _) = await InstantiatedAsync(db, catalog, vnfInstanceId, "change_vnfpkg", ct);
        if (request.VnfdId == plan.VnfdId) throw new ConflictProblem($"VNF instance {vnfInstanceId} already uses vnfdId {plan.VnfdId}.");
        var target = await catalog.GetAsync(instance.TenantId, request.VnfdId, ct); // 422 when not onboarded
        if (target.Package.OperationalState != PackageOperationalState.Enabled)
            throw new UnprocessableProblem($"The VNF package {target.Package.VnfPkgId} of vnfdId \"{request.VnfdId}\" is {target.Package.OperationalState}; it must be ENABLED.");
        var flavour = target.Vnfd.FindFlavour(plan.FlavourId)
                      ?? throw new UnprocessableProblem($"The VNFD {request.VnfdId} has no flavour \"{plan.FlavourId}\"; change_vnfpkg keeps the current flavour (use change_flavour first).");
        LcmRequests.ValidateExtLinks(flavour, request.ExtVirtualLinks);
        return await Accepted(http, db, notifier, instance, LcmOperationType.ChangeVnfpkg, request, ct);
    }

    /// <summary>
    /// SOL003 5.4.3.3.4 PATCH: a JSON merge patch (RFC 7396) of VnfInfoModificationRequest, carried out as a MODIFY_INFO
    /// op occ (202 + Location). If-Match must name the current ETag (412 otherwise).
    /// </summary>
    private static async Task<IResult> Modify(string vnfInstanceId, HttpRequest http, VnfmDbContext db, VnfdCatalog catalog, LcmNotifier notifier, CancellationToken ct)
    {
        var mediaType = http.ContentType?.Split(';')[0].Trim();
        if (mediaType is not ("application/merge-patch+json" or "application/json"))
            throw new UnsupportedMediaTypeProblem("PATCH of a VNF instance takes application/merge-patch+json (SOL003 5.4.3.3.4).");
        JsonObject patch;
        try
        {
            patch = (await JsonNode.ParseAsync(http.Body, cancellationToken: ct)) as JsonObject
                    ?? throw new BadRequestProblem("The merge patch must be a JSON object.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new BadRequestProblem($"The merge patch is not valid JSON: {e.Message}");
        }
        var allowed = new[] { "vnfInstanceName", "vnfInstanceDescription", "vnfdId", "vnfPkgId", "vnfConfigurableProperties", "metadata", "extensions", "vimConnectionInfo", "vnfcInfoModifications" };
        foreach (var (key, _) in patch)
            if (!allowed.Contains(key)) throw new BadRequestProblem($"\"{key}\" cannot be modified (SOL003 5.5.2.12).");
        foreach (var key in new[] { "vnfPkgId", "vimConnectionInfo", "vnfcInfoModifications" })
            if (patch.ContainsKey(key)) throw new NotImplementedProblem($"Modifying {key} is not built yet in Mano (use vnfdId to change the VNFD).");
        foreach (var key in new[] { "vnfInstanceName", "vnfInstanceDescription", "vnfdId" })
            if (patch[key] is { } v && v.GetValueKind() != System.Text.Json.JsonValueKind.String) throw new BadRequestProblem($"{key} must be a string.");
        foreach (var key in new[] { "vnfConfigurableProperties", "metadata", "extensions" })
            if (patch[key] is { } v && v is not JsonObject) throw new BadRequestProblem($"{key} must be an object (or null).");

        var instance = await FindInstance(db, vnfInstanceId, ct);
        var ifMatch = http.Headers.IfMatch.ToString();
        if (!string.IsNullOrEmpty(ifMatch) && ifMatch != "*" && !ifMatch.Split(',').Select(e => e.Trim()).Contains(ETag(instance)))
            throw new PreconditionFailedProblem($"If-Match {ifMatch} does not match the VNF instance's current ETag {ETag(instance)}: it was changed meanwhile; read it again.");
        if (patch["vnfdId"] is { } vnfdId)
        {
            if (instance.InstantiationState == InstantiationState.Instantiated)
                throw new ConflictProblem($"VNF instance {vnfInstanceId} is INSTANTIATED: change its VNFD with change_vnfpkg.");
            var known = await catalog.GetAsync(instance.TenantId, vnfdId.GetValue<string>(), ct);
            if (known.Package.OperationalState != PackageOperationalState.Enabled)
                throw new UnprocessableProblem($"The VNF package {known.Package.VnfPkgId} is {known.Package.OperationalState}; it must be ENABLED.");
        }
        var op = await StartOperationAsync(db, notifier, instance, LcmOperationType.ModifyInfo, patch, ct);
        return SolResults.Accepted(http.Uri($"/vnflcm/v2/vnf_lcm_op_occs/{op.Id}"));
    }

    // ---- Op occ tasks (SOL003 5.4.14 - 5.4.17) ---------------------------------------------------------------

    private static async Task<IResult> Retry(string vnfLcmOpOccId, VnfmDbContext db, LcmNotifier notifier, CancellationToken ct)
    {
        await LcmTasks.RetryAsync(db, notifier, vnfLcmOpOccId, ct);
        return Results.Accepted();
    }

    private static async Task<IResult> Rollback(string vnfLcmOpOccId, VnfmDbContext db, LcmNotifier notifier, CancellationToken ct)
    {
        await LcmTasks.RollbackAsync(db, notifier, vnfLcmOpOccId, ct);
        return Results.Accepted();
    }

    private static async Task<IResult> Fail(string vnfLcmOpOccId, HttpRequest http, VnfmDbContext db, LcmNotifier notifier, CancellationToken ct) =>
        SolResults.Json(ToSol(await LcmTasks.FailAsync(db, notifier, vnfLcmOpOccId, ct), http));

    private static async Task<IResult> Cancel(string vnfLcmOpOccId, HttpRequest http, VnfmDbContext db, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<CancelMode>();
        await LcmTasks.CancelAsync(db, vnfLcmOpOccId, request.Mode, ct);
        return Results.Accepted();
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
            // What rollback returns to (SOL003 5.4.15): the instance before this operation.
            PreviousState = SolJson.Serialize(InstanceSnapshot.Of(instance)),
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

    private static Task<IResult> ListOpOccs(HttpRequest http, VnfmDbContext db, CancellationToken ct) =>
        SolQuery.ListAsync(http, db.VnfLcmOpOccs.AsNoTracking(), SolResources.VnfLcmOpOcc, r => ToSol(r, http), ct);

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
        if (request.Verbosity is not (null or "FULL" or "SHORT"))
            throw new BadRequestProblem("verbosity must be FULL or SHORT.");
        // SOL003 5.4.18.3.1: the VNFM tests the callback (GET, expecting 204) before creating the subscription.
        var authentication = await SubscriberAuth.AcceptSubscriberAsync(clients.CreateClient(NotificationDispatcher<VnfmDbContext>.HttpClientName),
            request.CallbackUri, request.Authentication, "SOL003 5.5.2.15", ct);
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

    private static Task<IResult> ListSubscriptions(HttpRequest http, VnfmDbContext db, CancellationToken ct) =>
        SolQuery.ListAsync(http, db.Subscriptions.AsNoTracking(), SolResources.LccnSubscription, r => ToSol(r, http), ct);

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
        await db.DropUndeliveredNotificationsAsync(record.TenantId, subscriptionId, ct);
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
            VnfConfigurableProperties = MergePatch.Object(r.VnfConfigurableProperties),
            Metadata = r.Metadata is null ? null : JsonNode.Parse(r.Metadata)?.AsObject(),
            Extensions = MergePatch.Object(r.Extensions),
            Links = new VnfInstanceLinks
            {
                Self = new Link(self),
                Instantiate = instantiated ? null : new Link($"{self}/instantiate"),
                Terminate = instantiated ? new Link($"{self}/terminate") : null,
                Scale = instantiated ? new Link($"{self}/scale") : null,
                ScaleToLevel = instantiated ? new Link($"{self}/scale_to_level") : null,
                ChangeFlavour = instantiated ? new Link($"{self}/change_flavour") : null,
                Heal = instantiated ? new Link($"{self}/heal") : null,
                Operate = instantiated ? new Link($"{self}/operate") : null,
                ChangeExtConn = instantiated ? new Link($"{self}/change_ext_conn") : null,
            },
        };
    }

    public static VnfLcmOpOcc ToSol(VnfLcmOpOccRecord r, HttpRequest http)
    {
        var self = http.Uri($"/vnflcm/v2/vnf_lcm_op_occs/{r.Id}");
        var running = r.OperationState is LcmOperationState.Starting or LcmOperationState.Processing or LcmOperationState.RollingBack;
        var failedTemp = r.OperationState == LcmOperationState.FailedTemp;
        return new VnfLcmOpOcc
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
        CancelMode = r.IsCancelPending ? r.CancelMode : null,
        Error = r.Error is null ? null : SolJson.Deserialize<ProblemDetails>(r.Error),
        ResourceChanges = r.ResourceChanges is null ? null : SolJson.Deserialize<ResourceChanges>(r.ResourceChanges),
        ChangedInfo = r.ChangedInfo is not null && r.Operation == LcmOperationType.ModifyInfo ? SolJson.Deserialize<VnfInfoModifications>(r.ChangedInfo) : null,
        ModificationsTriggeredByVnfPkgChange = r.ChangedInfo is not null && r.Operation == LcmOperationType.ChangeVnfpkg ? SolJson.Deserialize<ModificationsTriggeredByVnfPkgChange>(r.ChangedInfo) : null,
        ChangedExtConnectivity = r.ChangedExtConnectivity is null ? null : SolJson.Deserialize<List<ExtVirtualLinkInfo>>(r.ChangedExtConnectivity),
        Links = new VnfLcmOpOccLinks
        {
            Self = new Link(self),
            VnfInstance = new Link(http.Uri($"/vnflcm/v2/vnf_instances/{r.VnfInstanceId}")),
            Cancel = running ? new Link($"{self}/cancel") : null,
            Retry = failedTemp ? new Link($"{self}/retry") : null,
            Rollback = failedTemp ? new Link($"{self}/rollback") : null,
            Fail = failedTemp ? new Link($"{self}/fail") : null,
        },
        };
    }

    public static LccnSubscription ToSol(LccnSubscriptionRecord r, HttpRequest http) => new()
    {
        Id = r.Id,
        Filter = r.Filter is null ? null : SolJson.Deserialize<LifecycleChangeNotificationsFilter>(r.Filter),
        CallbackUri = r.CallbackUri,
        Verbosity = r.Verbosity,
        Links = new SelfLinks(new Link(http.Uri($"/vnflcm/v2/subscriptions/{r.Id}"))),
    };
}

/// <summary>412: the If-Match of a conditional request names an ETag the resource no longer has (SOL013 4.5).</summary>
public sealed class PreconditionFailedProblem(string detail) : SolProblemException(StatusCodes.Status412PreconditionFailed, "Precondition Failed", detail);
