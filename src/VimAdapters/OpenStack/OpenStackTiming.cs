using System.Diagnostics;

namespace Mano.VimAdapters.OpenStack;

/// <summary>
/// Measures the time an operation spends waiting on OpenStack: every HTTP request through
/// <see cref="OpenStackTimingHandler"/> and every sleep between status polls is a "wait" interval of the current async
/// flow's innermost measurement (and of its parents). <see cref="WaitTime"/> is the wall time covered by at least one
/// wait (parallel requests count once), so an operation's wall time splits into <see cref="WaitTime"/> (OpenStack) and
/// the rest (Mano's own). <see cref="RequestTime"/> sums request durations (parallel ones added up).
/// </summary>
public sealed class OpenStackTimingScope : IDisposable
{
    private static readonly AsyncLocal<OpenStackTimingScope?> Current = new();
    private readonly OpenStackTimingScope? _parent;
    private readonly Lock _gate = new();
    private int _inFlight;
    private long _busySince;
    private long _waitTicks;
    private long _requestTicks;
    private long _pollDelayTicks;
    private int _requests;

    private OpenStackTimingScope()
    {
        _parent = Current.Value;
        Current.Value = this;
    }

    /// <summary>Starts measuring on the current async flow (until disposed).</summary>
    public static OpenStackTimingScope Begin() => new();

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Wall time during which at least one request or poll sleep was under way.</summary>
    public TimeSpan WaitTime
    {
        get
        {
            lock (_gate)
            {
                var ticks = _waitTicks;
                if (_inFlight > 0) ticks += Stopwatch.GetElapsedTime(_busySince).Ticks;
                return TimeSpan.FromTicks(ticks);
            }
        }
    }

    /// <summary>Summed duration of the HTTP requests (parallel ones added up).</summary>
    public TimeSpan RequestTime => TimeSpan.FromTicks(Interlocked.Read(ref _requestTicks));

    /// <summary>Summed time slept between status polls (parallel ones added up).</summary>
    public TimeSpan PollDelay => TimeSpan.FromTicks(Interlocked.Read(ref _pollDelayTicks));

    internal static OpenStackTimingScope? Active => Current.Value;

    internal static void WaitStarted(OpenStackTimingScope? scope)
    {
        for (var s = scope; s is not null; s = s._parent)
            lock (s._gate)
                if (s._inFlight++ == 0) s._busySince = Stopwatch.GetTimestamp();
    }

    internal static void WaitEnded(OpenStackTimingScope? scope, TimeSpan duration, bool request)
    {
        for (var s = scope; s is not null; s = s._parent)
        {
            lock (s._gate)
                if (--s._inFlight == 0) s._waitTicks += Stopwatch.GetElapsedTime(s._busySince).Ticks;
            if (request)
            {
                Interlocked.Add(ref s._requestTicks, duration.Ticks);
                Interlocked.Increment(ref s._requests);
            }
            else
            {
                Interlocked.Add(ref s._pollDelayTicks, duration.Ticks);
            }
        }
    }

    public void Dispose()
    {
        if (Current.Value == this) Current.Value = _parent;
    }
}

/// <summary>The DelegatingHandler that times every request to OpenStack (see <see cref="OpenStackTimingScope"/>).</summary>
public sealed class OpenStackTimingHandler : DelegatingHandler
{
    public OpenStackTimingHandler()
    {
    }

    public OpenStackTimingHandler(HttpMessageHandler inner) : base(inner)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var scope = OpenStackTimingScope.Active;
        var start = Stopwatch.GetTimestamp();
        OpenStackTimingScope.WaitStarted(scope);
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            // buffer the body here so that its transfer counts as waiting on OpenStack too
            if (response.Content is not null) await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            return response;
        }
        finally
        {
            OpenStackTimingScope.WaitEnded(scope, Stopwatch.GetElapsedTime(start), request: true);
        }
    }
}
