using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mano.EndToEnd.Tests;

/// <summary>
/// A notification subscriber (an OSS/BSS or NFVO stand-in): a real HTTP listener on 127.0.0.1 that answers the
/// SOL003 callback test (GET -> 204) and records every notification POSTed to it.
/// </summary>
public sealed class Subscriber : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<JsonElement> _notifications = new();
    private int _gets;

    private Subscriber(WebApplication app) => _app = app;

    public string CallbackUri { get; private set; } = "";
    public int CallbackTests => _gets;
    public IReadOnlyList<JsonElement> Notifications => [.. _notifications];

    public static async Task<Subscriber> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var subscriber = new Subscriber(app);
        app.MapGet("/callback", () =>
        {
            Interlocked.Increment(ref subscriber._gets);
            return Results.NoContent();
        });
        app.MapPost("/callback", async (HttpRequest request) =>
        {
            using var doc = await JsonDocument.ParseAsync(request.Body);
            subscriber._notifications.Enqueue(doc.RootElement.Clone());
            return Results.NoContent();
        });
        await app.StartAsync();
        subscriber.CallbackUri = $"{app.Urls.First()}/callback";
        return subscriber;
    }

    /// <summary>Waits until the notifications of one op occ reach <paramref name="finalState"/>; returns their states in arrival order.</summary>
    public async Task<List<(string State, string Status)>> WaitForOpOccAsync(string opOccId, string finalState, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var states = Notifications
                .Where(n => n.TryGetProperty("vnfLcmOpOccId", out var id) && id.GetString() == opOccId)
                .Select(n => (n.GetProperty("operationState").GetString()!, n.GetProperty("notificationStatus").GetString()!))
                .ToList();
            if (states.Any(s => s.Item1 == finalState) || DateTime.UtcNow > deadline) return states;
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
