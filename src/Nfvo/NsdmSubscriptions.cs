using System.Text.Json;
using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Mano.Nfvo;

/// <summary>
/// Queues the SOL005 NSD management notifications (5.5.2.10 - 5.5.2.16) for every subscription whose
/// NsdmNotificationsFilter (5.5.3.2) matches, in the caller's DbContext: a notification commits with the state change
/// it reports, or not at all. Delivered by Common's NotificationDispatcher (durable, ordered per subscription, back-off,
/// ADR-0005). One notification id per event, shared by every subscription.
/// </summary>
public sealed class NsdmNotifier(NfvoOptions options)
{
    /// <summary>NsdOnBoardingNotification, NsdOnboardingFailureNotification, NsdChangeNotification or NsdDeletionNotification.</summary>
    public async Task QueueNsdAsync(NfvoDbContext db, NsDescriptor nsd, string type, CancellationToken ct)
    {
        // 5.5.2.11 / 5.5.2.12: change and deletion notifications are for on-boarded NSDs only (they carry its nsdId).
        if (type is NsdmNotificationType.NsdChange or NsdmNotificationType.NsdDeletion
            && (nsd.NsdOnboardingState != NsdOnboardingState.Onboarded || nsd.NsdId is null)) return;
        var id = Guid.NewGuid().ToString();
        var now = DateTime.UtcNow;
        var root = options.ApiRoot.TrimEnd('/') + NsdmApi.UriPrefix;
        await QueueAsync(db, nsd.TenantId, type, f => MatchesNsd(f, type, nsd), s => SolJson.Serialize(new NsdmNotification
        {
            Id = id,
            NotificationType = type,
            SubscriptionId = s.Id,
            TimeStamp = now,
            NsdInfoId = nsd.Id,
            NsdId = nsd.NsdId,
            NsdOperationalState = type == NsdmNotificationType.NsdChange ? nsd.NsdOperationalState : null,
            OnboardingFailureDetails = type == NsdmNotificationType.NsdOnboardingFailure && nsd.OnboardingFailureDetails is { } f
                ? SolJson.Deserialize<ProblemDetails>(f) : null,
            Links = new JsonObject
            {
                ["nsdInfo"] = new JsonObject { ["href"] = $"{root}/ns_descriptors/{nsd.Id}" },
                ["subscription"] = new JsonObject { ["href"] = $"{root}/subscriptions/{s.Id}" },
            },
        }), ct);
    }

    /// <summary>PnfdOnBoardingNotification, PnfdOnBoardingFailureNotification or PnfdDeletionNotification.</summary>
    public async Task QueuePnfdAsync(NfvoDbContext db, PnfDescriptor pnfd, string type, CancellationToken ct)
    {
        if (type == NsdmNotificationType.PnfdDeletion && (pnfd.PnfdOnboardingState != NsdOnboardingState.Onboarded || pnfd.PnfdId is null)) return;
        var id = Guid.NewGuid().ToString();
        var now = DateTime.UtcNow;
        var root = options.ApiRoot.TrimEnd('/') + NsdmApi.UriPrefix;
        await QueueAsync(db, pnfd.TenantId, type, f => MatchesPnfd(f, type, pnfd), s => SolJson.Serialize(new NsdmNotification
        {
            Id = id,
            NotificationType = type,
            SubscriptionId = s.Id,
            TimeStamp = now,
            PnfdInfoId = pnfd.Id,
            PnfdId = pnfd.PnfdId,
            OnboardingFailureDetails = type == NsdmNotificationType.PnfdOnBoardingFailure && pnfd.OnboardingFailureDetails is { } f
                ? SolJson.Deserialize<ProblemDetails>(f) : null,
            Links = new JsonObject
            {
                ["pnfdInfo"] = new JsonObject { ["href"] = $"{root}/pnf_descriptors/{pnfd.Id}" },
                ["subscription"] = new JsonObject { ["href"] = $"{root}/subscriptions/{s.Id}" },
            },
        }), ct);
    }

    private static async Task QueueAsync(NfvoDbContext db, string tenantId, string type, Func<NsdmNotificationsFilter?, bool> matches,
        Func<NsdmSubscriptionRecord, string> payload, CancellationToken ct)
    {
        var subscriptions = await db.NsdmSubscriptions.AsNoTracking().Where(s => s.TenantId == tenantId).OrderBy(s => s.CreatedAt).ToListAsync(ct);
        var now = DateTime.UtcNow;
        foreach (var s in subscriptions)
        {
            if (!matches(s.Filter is null ? null : SolJson.Deserialize<NsdmNotificationsFilter>(s.Filter))) continue;
            db.NotificationDeliveries.Add(new NotificationDelivery
            {
                TenantId = tenantId,
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

    private static bool Any(IReadOnlyList<string>? wanted, string? value) => wanted is not { Count: > 0 } || (value is not null && wanted.Contains(value));

    private static bool AnyOf(IReadOnlyList<string>? wanted, IReadOnlyList<string> values) => wanted is not { Count: > 0 } || values.Any(wanted.Contains);

    /// <summary>
    /// SOL005 5.5.3.2: every attribute present must match ("and"); within an array any value ("or"). PNFD attributes do
    /// not restrict NSD notifications beyond pnfdInfoIds (the NSD's referenced PNFDs).
    /// </summary>
    public static bool MatchesNsd(NsdmNotificationsFilter? f, string type, NsDescriptor d)
    {
        if (f is null) return true;
        if (f.NotificationTypes is { Count: > 0 } types && !types.Contains(type)) return false;
        if (f.PnfdId is { Count: > 0 } || f.PnfdName is { Count: > 0 } || f.PnfdVersion is { Count: > 0 } || f.PnfdProvider is { Count: > 0 }
            || f.PnfdInvariantId is { Count: > 0 } || f.PnfdOnboardingState is { Count: > 0 } || f.PnfdUsageState is { Count: > 0 })
        {
            // A filter about PNFDs only: it selects PNFD notifications, not NSD ones (unless it also names NSD attributes).
            if (f.NsdInfoId is not { Count: > 0 } && f.NsdId is not { Count: > 0 }) return false;
        }
        return Any(f.NsdInfoId, d.Id) && Any(f.NsdId, d.NsdId) && Any(f.NsdName, d.NsdName) && Any(f.NsdVersion, d.NsdVersion)
               && Any(f.NsdDesigner, d.NsdDesigner) && Any(f.NsdInvariantId, d.NsdInvariantId)
               && AnyOf(f.VnfPkgIds, Ids(d.VnfPkgIds)) && AnyOf(f.PnfdInfoIds, Ids(d.PnfdInfoIds)) && AnyOf(f.NestedNsdInfoIds, Ids(d.NestedNsdInfoIds))
               && Any(f.NsdOnboardingState, d.NsdOnboardingState) && Any(f.NsdOperationalState, d.NsdOperationalState)
               && Any(f.NsdUsageState, d.NsdUsageState);
    }

    public static bool MatchesPnfd(NsdmNotificationsFilter? f, string type, PnfDescriptor d)
    {
        if (f is null) return true;
        if (f.NotificationTypes is { Count: > 0 } types && !types.Contains(type)) return false;
        if (f.NsdInfoId is { Count: > 0 } || f.NsdId is { Count: > 0 }) return false; // a filter about NSDs
        return (f.PnfdInfoIds is not { Count: > 0 } || f.PnfdInfoIds.Contains(d.Id)) && Any(f.PnfdId, d.PnfdId) && Any(f.PnfdName, d.PnfdName)
               && Any(f.PnfdVersion, d.PnfdVersion) && Any(f.PnfdProvider, d.PnfdProvider) && Any(f.PnfdInvariantId, d.PnfdInvariantId)
               && Any(f.PnfdOnboardingState, d.PnfdOnboardingState) && Any(f.PnfdUsageState, d.PnfdUsageState);
    }

    private static IReadOnlyList<string> Ids(string? json) => json is null ? [] : JsonSerializer.Deserialize<List<string>>(json, SolJson.Options) ?? [];
}

/// <summary>
/// SOL005 5.4.8 / 5.4.9 "Subscriptions" and "Individual subscription" of /nsd/v2. POST tests the callback (GET, 204
/// expected, 422 otherwise) with the subscriber's authentication before creating the subscription (5.4.8.3.1).
///   POST   /subscriptions                    5.4.8.3.1  subscribe (201; 303 is not used: duplicates are allowed)
///   GET    /subscriptions                    5.4.8.3.2  list (SOL013 filter, paging)
///   GET    /subscriptions/{subscriptionId}   5.4.9.3.2  read
///   DELETE /subscriptions/{subscriptionId}   5.4.9.3.5  terminate (its undelivered notifications are dropped)
/// </summary>
public static class NsdmSubscriptionsApi
{
    public static readonly SolResource NsdmSubscription = new SolResource("NsdmSubscription")
        .Column("id", "Id")
        .Column("callbackUri", "CallbackUri")
        .Json("filter", "Filter")
        .SortBy("CreatedAt", "Id");

    public static RouteGroupBuilder MapNsdmSubscriptions(this RouteGroupBuilder group)
    {
        group.MapPost("/subscriptions", SubscribeAsync);
        group.MapGet("/subscriptions", ListAsync);
        group.MapGet("/subscriptions/{subscriptionId}", GetAsync);
        group.MapDelete("/subscriptions/{subscriptionId}", DeleteAsync);
        return group;
    }

    private static async Task<IResult> SubscribeAsync(HttpRequest http, NfvoDbContext db, IHttpClientFactory clients, CancellationToken ct)
    {
        var request = await http.ReadJsonAsync<NsdmSubscriptionRequest>();
        Validate(request.Filter);
        // SOL005 5.4.8.3.1: the NFVO tests the notification endpoint (GET, 204) before creating the subscription.
        var authentication = await SubscriberAuth.AcceptSubscriberAsync(clients.CreateClient(NotificationDispatcher<NfvoDbContext>.HttpClientName),
            request.CallbackUri, request.Authentication, "SOL005 5.5.2.8", ct);
        var record = new NsdmSubscriptionRecord
        {
            Id = Guid.NewGuid().ToString(),
            TenantId = db.TenantId,
            CallbackUri = request.CallbackUri!,
            Filter = request.Filter is null ? null : SolJson.Serialize(request.Filter),
            Authentication = authentication,
            CreatedAt = DateTime.UtcNow,
        };
        db.NsdmSubscriptions.Add(record);
        await db.SaveChangesAsync(ct);
        var body = ToSol(record, http);
        return SolResults.Json(body, StatusCodes.Status201Created, body.Links.Self.Href);
    }

    private static void Validate(NsdmNotificationsFilter? f)
    {
        if (f is null) return;
        foreach (var t in f.NotificationTypes ?? [])
            if (!NsdmNotificationType.All.Contains(t))
                throw new BadRequestProblem($"filter.notificationTypes: unknown notification type \"{t}\" (one of {string.Join(", ", NsdmNotificationType.All)}).");
        // 5.5.3.2 notes 2 and 3: nsdId / nsdInfoId and pnfdId / pnfdInfoIds are alternatives.
        if (f.NsdId is { Count: > 0 } && f.NsdInfoId is { Count: > 0 })
            throw new BadRequestProblem("filter: nsdId and nsdInfoId are alternatives; use one of them (SOL005 5.5.3.2 note 2).");
        if (f.PnfdId is { Count: > 0 } && f.PnfdInfoIds is { Count: > 0 })
            throw new BadRequestProblem("filter: pnfdId and pnfdInfoIds are alternatives; use one of them (SOL005 5.5.3.2 note 3).");
        Check("nsdOnboardingState", f.NsdOnboardingState, OnboardingStates);
        Check("pnfdOnboardingState", f.PnfdOnboardingState, OnboardingStates);
        Check("nsdOperationalState", f.NsdOperationalState, [NsdOperationalState.Enabled, NsdOperationalState.Disabled]);
        Check("nsdUsageState", f.NsdUsageState, [NsdUsageState.InUse, NsdUsageState.NotInUse]);
        Check("pnfdUsageState", f.PnfdUsageState, [NsdUsageState.InUse, NsdUsageState.NotInUse]);
    }

    private static readonly string[] OnboardingStates =
        [NsdOnboardingState.Created, NsdOnboardingState.Uploading, NsdOnboardingState.Processing, NsdOnboardingState.Onboarded, NsdOnboardingState.Error];

    private static void Check(string name, IReadOnlyList<string>? values, string[] allowed)
    {
        foreach (var v in values ?? [])
            if (!allowed.Contains(v))
                throw new BadRequestProblem($"filter.{name}: \"{v}\" is not one of {string.Join(", ", allowed)}.");
    }

    private static Task<IResult> ListAsync(HttpRequest http, NfvoDbContext db, CancellationToken ct) =>
        SolQuery.ListAsync(http, db.NsdmSubscriptions.AsNoTracking(), NsdmSubscription, r => ToSol(r, http), ct);

    private static async Task<IResult> GetAsync(string subscriptionId, HttpRequest http, NfvoDbContext db, CancellationToken ct)
    {
        var record = await db.NsdmSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == subscriptionId, ct)
                     ?? throw new NotFoundProblem($"No NSD management subscription {subscriptionId}.");
        return SolResults.Json(ToSol(record, http));
    }

    private static async Task<IResult> DeleteAsync(string subscriptionId, NfvoDbContext db, CancellationToken ct)
    {
        var record = await db.NsdmSubscriptions.SingleOrDefaultAsync(s => s.Id == subscriptionId, ct)
                     ?? throw new NotFoundProblem($"No NSD management subscription {subscriptionId}.");
        db.NsdmSubscriptions.Remove(record);
        await db.DropUndeliveredNotificationsAsync(record.TenantId, subscriptionId, ct);
        await db.SaveChangesAsync(ct);
        return Results.NoContent();
    }

    public static NsdmSubscription ToSol(NsdmSubscriptionRecord r, HttpRequest http) => new()
    {
        Id = r.Id,
        Filter = r.Filter is null ? null : SolJson.Deserialize<NsdmNotificationsFilter>(r.Filter),
        CallbackUri = r.CallbackUri,
        Links = new NsdmSubscriptionLinks(new Link(http.Uri($"{NsdmApi.UriPrefix}/subscriptions/{r.Id}"))),
    };
}
