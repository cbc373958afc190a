using System.CommandLine;
using System.Net.Sockets;
using System.Text.Json;

namespace Mano.Cli;

/// <summary>What every command needs: the global options, the writers, and the HTTP handler to talk to Mano with.</summary>
internal sealed class CliContext(HttpMessageHandler? handler, TextWriter stdout, TextWriter stderr, bool isTerminal)
{
    public GlobalOptions Options { get; } = new();

    public TextWriter Stdout { get; } = stdout;

    public TextWriter Stderr { get; } = stderr;

    /// <summary>
    /// Runs one API command: builds the client and the output from the global options, and turns every
    /// failure into one line on stderr and an exit code (never a stack trace).
    /// </summary>
    public async Task<int> RunAsync(
        ParseResult parse,
        Func<ManoClient, Output, CancellationToken, Task> body,
        CancellationToken cancellationToken)
    {
        var endpointText = parse.GetValue(Options.Endpoint);
        if (!GlobalOptions.TryParseEndpoint(endpointText, out var endpoint))
        {
            return Fail(Cli.ApiError, $"--endpoint '{endpointText}' is not an absolute http:// or https:// URL.");
        }

        var timeout = TimeSpan.FromSeconds(parse.GetValue(Options.Timeout));
        var format = parse.GetValue(Options.Format) ?? GlobalOptions.Table;
        var output = new Output(Stdout, format == GlobalOptions.Json, isTerminal);

        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = timeout;
        var client = new ManoClient(http, endpoint);
        try
        {
            await body(client, output, cancellationToken).ConfigureAwait(false);
            return Cli.Success;
        }
        catch (ManoApiException e)
        {
            return Fail(Cli.ApiError, e.Message);
        }
        catch (HttpRequestException e)
        {
            return Fail(Cli.Unreachable, $"cannot reach Mano at {endpointText}: {Reason(e)}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Fail(Cli.Cancelled, "interrupted.");
        }
        catch (OperationCanceledException)
        {
            // HttpClient.Timeout elapsed (the user did not cancel).
            return Fail(Cli.Unreachable, $"cannot reach Mano at {endpointText}: no answer within {timeout.TotalSeconds:0.###} s");
        }
        catch (JsonException e)
        {
            return Fail(Cli.ApiError, $"unexpected answer from Mano at {endpointText}: {e.Message}");
        }
#pragma warning disable CA1031 // A command line reports every failure as one line, never as a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Fail(Cli.ApiError, e.Message);
        }
    }

    public int Fail(int exitCode, string message)
    {
        Stderr.WriteLine($"Error: {message}");
        return exitCode;
    }

    /// <summary>The innermost useful reason: "Connection refused" rather than the wrapper's message.</summary>
    private static string Reason(HttpRequestException e)
    {
        for (Exception? inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.Message;
            }
        }

        return e.Message;
    }
}
