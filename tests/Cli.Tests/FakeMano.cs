using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mano.Cli.Tests;

/// <summary>A request the fake Mano received: path, query and the headers the CLI must send.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string? Version, string? Accept);

/// <summary>A real HTTP server on 127.0.0.1 (Kestrel, free port) that answers with canned SOL JSON bodies.</summary>
public sealed class FakeMano : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeMano(WebApplication app, string endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public string Endpoint { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public static async Task<FakeMano> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();

        FakeMano? self = null;
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            self!.Requests.Enqueue(new RecordedRequest(
                request.Method,
                request.Path.Value ?? string.Empty,
                request.QueryString.Value ?? string.Empty,
                request.Headers["Version"].FirstOrDefault(),
                request.Headers.Accept.FirstOrDefault()));
            await next(context);
        });

        app.MapGet("/vnflcm/v2/vnf_instances", (HttpContext context) =>
            Json(context, SolBodies.VnfInstanceList));
        app.MapGet("/vnflcm/v2/vnf_instances/{id}", (HttpContext context, string id) =>
            id == SolBodies.VnfInstanceId
                ? Json(context, SolBodies.VnfInstance)
                : Json(context, SolBodies.NotFound($"/vnflcm/v2/vnf_instances/{id}", $"VNF instance {id} not found"), StatusCodes.Status404NotFound, "application/problem+json"));

        // Paged collection (SOL013 5.4.2.3): page 1 points at page 2 with a relative Link.
        app.MapGet("/vnfpkgm/v2/vnf_packages", (HttpContext context) =>
        {
            if (context.Request.Query["nextpage_opaque_marker"] == "p2")
            {
                return Json(context, SolBodies.VnfPackagePage2);
            }

            context.Response.Headers.Link = "</vnfpkgm/v2/vnf_packages?nextpage_opaque_marker=p2>; rel=\"next\"";
            return Json(context, SolBodies.VnfPackagePage1);
        });
        app.MapGet("/vnfpkgm/v2/vnf_packages/{id}", (HttpContext context, string id) =>
            id == SolBodies.VnfPackageId
                ? Json(context, SolBodies.VnfPackage)
                : Json(context, SolBodies.NotFound($"/vnfpkgm/v2/vnf_packages/{id}", $"VNF package {id} not found"), StatusCodes.Status404NotFound, "application/problem+json"));

        // A bare 500 without a ProblemDetails body: the CLI must still report the status, not crash.
        app.MapGet("/broken/vnflcm/v2/vnf_instances", () => Results.StatusCode(StatusCodes.Status500InternalServerError));

        // Never answers in time: for --timeout.
        app.MapGet("/slow/vnflcm/v2/vnf_instances", async (HttpContext context) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            await Json(context, "[]");
        });

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        self = new FakeMano(app, address);
        return self;
    }

    private static async Task Json(HttpContext context, string body, int status = StatusCodes.Status200OK, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
