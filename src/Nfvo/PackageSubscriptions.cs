using Mano.Common;
using Mano.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Mano.Nfvo;

/// <summary>
/// Queues SOL005 VnfPackageOnboardingNotification (9.5.2.8) and VnfPackageChangeNotification (9.5.2.9) for every
/// subscription whose PkgmNotificationsFilter (9.5.3.2) matches, in the caller's DbContext: a notification commits
/// with the state change it reports, or not at all. Delivered by Common's NotificationDispatcher (durable, ordered per
/// subscription, back-off). One notification id per event, shared by every subscription (9.5.2.8: "the id attribute
/// of all these notifications shall have the same value").
/// </summary>
public sealed class PkgmNotifier(NfvoOptions options)
{
    public async Task QueueOnboardedAsync(NfvoDbContext db, VnfPackage package, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString();
        var now = DateTime.UtcNow;
        var vnfmInfo = package.VnfmInfo is null ? [] : SolJson.Deserialize<List<string>>(package.VnfmInfo);
        await QueueAsync(db, package, VnfPackageOnboardingNotification.Type, vnfmInfo, s => SolJson.Serialize(new VnfPackageOnboardingNotification
        {
            Id = id,
            SubscriptionId = s.Id,
            TimeStamp = now,
            VnfPkgId = package.Id,
            VnfdId = package.VnfdId!,
            VnfmInfo = vnfmInfo,
            Links = Links(package.Id, s.Id),
        }), ct);
    }

    /// <summary>OP_STATE_CHANGE (with the new operationalState) or PKG_DELETE, for an ONBOARDED package only (9.5.2.9).</summary>
    public async Task QueueChangeAsync(NfvoDbContext db, VnfPackage package, string changeType, CancellationToken ct)
    {
        if (package.OnboardingState != PackageOnboardingState.Onboarded || package.VnfdId is null) return;
        var id = Guid.NewGuid().ToString();
        var now = DateTime.UtcNow;
        var vnfmInfo = package.VnfmInfo is null ? [] : SolJson.Deserialize<List<string>>(package.VnfmInfo);
        await QueueAsync(db, package, VnfPackageChangeNotification.Type, vnfmInfo, s => SolJson.Serialize(new VnfPackageChangeNotification
        {
            Id = id,
            SubscriptionId = s.Id,
            TimeStamp = now,
            VnfPkgId = package.Id,
            VnfdId = package.VnfdId,
            ChangeType = changeType,
            OperationalState = changeType == PackageChangeType.OpStateChange ? package.OperationalState : null,
            Links = Links(package.Id, s.Id),
        }), ct);
    }

    private PkgmLinks Links(string vnfPkgId, string subscriptionId) => new(
        new NotificationLink($"{options.ApiRoot.TrimEnd('/')}{VnfPkgmApi.UriPrefix}/vnf_packages/{vnfPkgId}"),
        new NotificationLink($"{options.ApiRoot.TrimEnd('/')}{VnfPkgmApi.UriPrefix}/subscriptions/{subscriptionId}"));

    private static async Task QueueAsync(NfvoDbContext db, VnfPackage package, string type, IReadOnlyList<string> vnfmInfo,
        Func<PkgmSubscriptionRecord, string> payload, CancellationToken ct)
    {
        var subscriptions = await db.PkgmSubscriptions.AsNoTracking().Where(s => s.TenantId == package.TenantId)
            .OrderBy(s => s.CreatedAt).ToListAsync(ct);
        var now = DateTime.UtcNow;
        foreach (var s in subscriptions)
        {
            var filter = s.Filter is null ? null : SolJson.Deserialize<PkgmNotificationsFilter>(s.Filter);
            if (!Matches(filter, type, package, vnfmInfo)) continue;
            db.NotificationDeliveries.Add(new NotificationDelivery
            {
                TenantId = package.TenantId,
                SubscriptionId = s.Id,
                CallbackUri = s.CallbackUri,
                Authentication = s.Authentication,
                NotificationType = type,
                Payload = payload(s),
                CreatedAt = now,
                NextAttemptAt = now,
            });
        }
    }

    /// <summary>SOL005 9.5.3.2: every attribute present must match ("and"); within an array, any value ("or").</summary>
    public static bool Matches(PkgmNotificationsFilter? f, string notificationType, VnfPackage p, IReadOnlyList<string> vnfmInfo)
    {
        if (f is null) return true;
        if (f.NotificationTypes is { Count: > 0 } types && !types.Contains(notificationType)) return false;
        if (f.VnfdId is { Count: > 0 } vnfdIds && (p.VnfdId is null || !vnfdIds.Contains(p.VnfdId))) return false;
        if (f.VnfPkgId is { Count: > 0 } pkgIds && !pkgIds.Contains(p.Id)) return false;
        if (f.OperationalState is { Count: > 0 } ops && !ops.Contains(p.OperationalState)) return false;
        if (f.UsageState is { Count: > 0 } usage && !usage.Contains(p.UsageState)) return false;
        if (f.VnfmInfo is { Count: > 0 } vnfms && !vnfms.Any(vnfmInfo.Contains)) return false;
        if (f.VnfProductsFromProviders is { Count: > 0 } providers && !providers.Any(pr => MatchesProvider(pr, p))) return false;
        return true;
    }

    private static bool MatchesProvider(PkgmVnfProductsFromProvider pr, VnfPackage p)
    {
        if (pr.VnfProvider != p.VnfProvider) return false;
        if (pr.VnfProducts is not { Count: > 0 } products) return true;
        return products.Any(product => product.VnfProductName == p.VnfProductName
            && (product.Versions is not { Count: > 0 } versions
                || versions.Any(v => v.VnfSoftwareVersion == p.VnfSoftwareVersion
                                     && (v.VnfdVersions is not { Count: > 0 } vnfdVersions || vnfdVersions.Contains(p.VnfdVersion ?? "")))));
    }
}

/// <summary>
/// SOL005 9.4.8 / 9.4.9 "Subscriptions" and "Individual subscription" of /vnfpkgm/v2 (also SOL003 10.4.7 / 10.4.8,
/// the same resources). POST tests the callback (GET, 204 expected, 422 otherwise) with the subscriber's
/// authentication (BASIC or OAUTH2_CLIENT_CREDENTIALS; TLS_CERT is 501) before creating the subscription.
/// </summary>
public static class PackageSubscriptionsApi
{
    private static readonly string[] NotificationTypes = [VnfPackageOnboardingNotification.Type, VnfPackageChangeNotification.Type];

    /// <summary>PkgmSubscription for SOL013 filtering and paging (no selectors: 9.4.8.3.2 defines none).</summary>
    public static readonly SolResource PkgmSubscription = new SolResource("PkgmSubscription")
        .Column("id", "Id")
        .Column("callbackUri", "CallbackUri")
        .Json("filter", "Filter")
        .SortBy("CreatedAt", "Id");

    public static RouteGroupBuilder MapPackageSubscriptions(this RouteGroupBuilder group)
    {
        group.MapPost("/subscriptions", SubscribeAsync);
        group.MapGet("/subscriptions", ListAsync);
        group.MapGet("/subscriptions/{subscriptionId}", GetAsync);
        group.MapDelete("/subscriptions/{subscriptionId}", DeleteAsync);
        return group;
    }

    private static async Task<IResult> SubscribeAsync(HttpRequest http, NfvoDbContext db, IHttpClientFactory clients, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<PkgmSubscriptionRequest>();
        Validate(request.Filter);
        // SOL005 9.4.8.3.1: the NFVO tests the notification endpoint (GET, 204) before creating the subscription.
        var authentication = await SubscriberAuth.AcceptSubscriberAsync(clients.CreateClient(NotificationDispatcher<NfvoDbContext>.HttpClientName),
            request.CallbackUri, request.Authentication, "SOL005 9.5.2.6", ct);
        var record = new PkgmSubscriptionRecord
        {
            Id = Guid.NewGuid().ToString(),
            TenantId = db.TenantId,
            CallbackUri = request.CallbackUri!,
            Filter = request.Filter is null ? null : SolJson.Serialize(request.Filter),
            Authentication = authentication,
            CreatedAt = DateTime.UtcNow,
        };
        db.PkgmSubscriptions.Add(record);
        await db.SaveChangesAsync(ct);
        var body = ToSol(record, http);
        return SolResults.Json(body, StatusCodes.Status201Created, body.Links.Self.Href);
    }

    private static void Validate(PkgmNotificationsFilter? f)
    {
        if (f is null) return;
        foreach (var t in f.NotificationTypes ?? [])
            if (!NotificationTypes.Contains(t))
                throw new BadRequestProblem($"filter.notificationTypes: unknown notification type \"{t}\" (VnfPackageOnboardingNotification or VnfPackageChangeNotification).");
        var alternatives = new[] { f.VnfProductsFromProviders is { Count: > 0 }, f.VnfdId is { Count: > 0 }, f.VnfPkgId is { Count: > 0 } }.Count(x => x);
        if (alternatives > 1)
            throw new BadRequestProblem("filter: vnfProductsFromProviders, vnfdId and vnfPkgId are alternatives; use one of them (SOL005 9.5.3.2 note 2).");
        foreach (var s in f.OperationalState ?? [])
            if (s is not (PackageOperationalState.Enabled or PackageOperationalState.Disabled))
                throw new BadRequestProblem($"filter.operationalState: \"{s}\" is not ENABLED or DISABLED.");
        foreach (var s in f.UsageState ?? [])
            if (s is not (PackageUsageState.InUse or PackageUsageState.NotInUse))
                throw new BadRequestProblem($"filter.usageState: \"{s}\" is not IN_USE or NOT_IN_USE.");
        foreach (var pr in f.VnfProductsFromProviders ?? [])
        {
            if (string.IsNullOrEmpty(pr.VnfProvider)) throw new BadRequestProblem("filter.vnfProductsFromProviders[].vnfProvider is required.");
            foreach (var product in pr.VnfProducts ?? [])
            {
                if (string.IsNullOrEmpty(product.VnfProductName)) throw new BadRequestProblem("filter.vnfProductsFromProviders[].vnfProducts[].vnfProductName is required.");
                foreach (var v in product.Versions ?? [])
                    if (string.IsNullOrEmpty(v.VnfSoftwareVersion))
                        throw new BadRequestProblem("filter.vnfProductsFromProviders[].vnfProducts[].versions[].vnfSoftwareVersion is required.");
            }
        }
    }

    private static Task<IResult> ListAsync(HttpRequest http, NfvoDbContext db, CancellationToken ct) =>
        SolQuery.ListAsync(http, db.PkgmSubscriptions.AsNoTracking(), PkgmSubscription, r => ToSol(r, http), ct);

    private static async Task<IResult> GetAsync(string subscriptionId, HttpRequest http, NfvoDbContext db, CancellationToken ct)
    {
        var record = await db.PkgmSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == subscriptionId, ct)
                     ?? throw new NotFoundProblem($"No subscription {subscriptionId}.");
        return SolResults.Json(ToSol(record, http));
    }

    private static async Task<IResult> DeleteAsync(string subscriptionId, NfvoDbContext db, CancellationToken ct)
    {
        var record = await db.PkgmSubscriptions.SingleOrDefaultAsync(s => s.Id == subscriptionId, ct)
                     ?? throw new NotFoundProblem($"No subscription {subscriptionId}.");
        db.PkgmSubscriptions.Remove(record);
        await db.DropUndeliveredNotificationsAsync(record.TenantId, subscriptionId, ct);
        await db.SaveChangesAsync(ct);
        return Results.NoContent();
    }

    public static PkgmSubscription ToSol(PkgmSubscriptionRecord r, HttpRequest http) => new()
    {
        Id = r.Id,
        Filter = r.Filter is null ? null : SolJson.Deserialize<PkgmNotificationsFilter>(r.Filter),
        CallbackUri = r.CallbackUri,
        Links = new PkgmSubscriptionLinks(new Link(http.Uri($"{VnfPkgmApi.UriPrefix}/subscriptions/{r.Id}"))),
    };
}
