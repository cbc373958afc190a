using System.Text.Json;
using Mano.Contracts;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mano.Common;

/// <summary>
/// A request that cannot be honoured, rendered as SOL013 ProblemDetails (clause 6.4) with the right status.
/// One subclass per condition keeps handlers free of ad-hoc error responses.
/// </summary>
public class SolProblemException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
}

public sealed class BadRequestProblem(string detail) : SolProblemException(StatusCodes.Status400BadRequest, "Bad Request", detail);

public sealed class NotFoundProblem(string detail) : SolProblemException(StatusCodes.Status404NotFound, "Not Found", detail);

public sealed class ConflictProblem(string detail) : SolProblemException(StatusCodes.Status409Conflict, "Conflict", detail);

public sealed class UnprocessableProblem(string detail) : SolProblemException(StatusCodes.Status422UnprocessableEntity, "Unprocessable Content", detail);

public sealed class UnsupportedMediaTypeProblem(string detail) : SolProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type", detail);

public sealed class PayloadTooLargeProblem(string detail) : SolProblemException(StatusCodes.Status413PayloadTooLarge, "Content Too Large", detail);

public sealed class NotAcceptableProblem(string detail) : SolProblemException(StatusCodes.Status406NotAcceptable, "Not Acceptable", detail);

public sealed class ServiceUnavailableProblem(string detail) : SolProblemException(StatusCodes.Status503ServiceUnavailable, "Service Unavailable", detail);

public sealed class NotImplementedProblem(string detail) : SolProblemException(StatusCodes.Status501NotImplemented, "Not Implemented", detail);

public static class SolResults
{
    public const string ProblemJson = "application/problem+json";

    public static async Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Instance = context.Request.Path };
        context.Response.StatusCode = status;
        context.Response.ContentType = ProblemJson;
        await JsonSerializer.SerializeAsync(context.Response.Body, problem, SolJson.Options, context.RequestAborted);
    }

    /// <summary>A SOL JSON body with the given status (and Location, when given).</summary>
    public static IResult Json<T>(T body, int status = StatusCodes.Status200OK, string? location = null) =>
        new SolJsonResult<T>(body, status, location);

    private sealed class SolJsonResult<T>(T body, int status, string? location) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = status;
            if (location is not null) context.Response.Headers.Location = location;
            context.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(context.Response.Body, body, SolJson.Options, context.RequestAborted);
        }
    }

    public static IResult Accepted(string location) => new AcceptedResult(location);

    private sealed class AcceptedResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}

/// <summary>Maps every exception that escapes an endpoint to SOL013 ProblemDetails; unknown ones are 500 without internals.</summary>
public sealed partial class SolExceptionHandler(ILogger<SolExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case SolProblemException p:
                await SolResults.WriteProblemAsync(context, p.Status, p.Title, p.Message);
                return true;
            case BadHttpRequestException b:
                await SolResults.WriteProblemAsync(context, b.StatusCode, "Bad Request", b.Message);
                return true;
            case JsonException j:
                await SolResults.WriteProblemAsync(context, 400, "Bad Request", $"The request body is not valid JSON for this resource: {j.Message}");
                return true;
            default:
                LogUnhandled(exception, context.Request.Method, context.Request.Path);
                await SolResults.WriteProblemAsync(context, 500, "Internal Server Error",
                    $"An unexpected error occurred; see the server log (trace id {context.TraceIdentifier}).");
                return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path}")]
    private partial void LogUnhandled(Exception exception, string method, string path);
}
