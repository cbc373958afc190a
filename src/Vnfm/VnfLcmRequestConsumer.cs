using System.Collections.Concurrent;
using System.Text;
using MassTransit;
using Mano.Common;
using Mano.Contracts.Messages;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mano.Vnfm;

/// <summary>
/// Serves SOL003 VNF LCM requests that arrive over the bus (<see cref="VnfLcmRequest"/>, NFVO -> Mano's VNFM, issue 6)
/// by running the REST handler of the same operation (<see cref="VnfLcmApi.BusHandlers"/>, <see cref="VnfLcmRoutes"/>) on a request built from
/// the message: the same JSON body, the same If-Match, the message's tenant, links under the VNFM's public API root
/// (Mano:PublicUrl). The handler's status, body and the op occ of its Location header make the
/// <see cref="VnfLcmResponse"/>; exceptions become ProblemDetails through the REST pipeline's own
/// <see cref="SolExceptionHandler"/>. So there is one copy of the validation, and REST and bus answer alike.
/// The consumer always answers (never throws for a 4xx/5xx): the bus's retry must not repeat a non-idempotent POST.
/// </summary>
public sealed class VnfLcmRequestConsumer(VnfLcmRequestExecutor executor) : IConsumer<VnfLcmRequest>
{
    public async Task Consume(ConsumeContext<VnfLcmRequest> context) =>
        await context.RespondAsync(await executor.ExecuteAsync(context.Message, context.CancellationToken));
}

/// <summary>Runs one <see cref="VnfLcmRequest"/> through its REST handler (see <see cref="VnfLcmRequestConsumer"/>).</summary>
public sealed class VnfLcmRequestExecutor(IServiceProvider services, IServiceScopeFactory scopes, VnfmOptions options, ILoggerFactory loggers)
{
    private const string ApiBase = Contracts.VnfLcmApi.UriPrefix;

    // Minimal API binding of each handler (services from the scope, ids from route values, HttpRequest, CancellationToken),
    // built once per process: RequestDelegateFactory is what MapPost/MapGet use for the REST routes.
    private readonly ConcurrentDictionary<string, RequestDelegate> _delegates = new();

    public async Task<VnfLcmResponse> ExecuteAsync(VnfLcmRequest request, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(request.TenantId);
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider, RequestAborted = ct };
        var root = new Uri(options.ApiRoot.TrimEnd('/') + "/");
        http.Request.Scheme = root.Scheme;
        http.Request.Host = HostString.FromUriComponent(root);
        http.Request.PathBase = root.AbsolutePath.TrimEnd('/');
        var response = new MemoryStream();
        http.Response.Body = response;
        try
        {
            var path = VnfLcmRoutes.PathOf(request, out var method, out var problem);
            http.Request.Method = method;
            http.Request.Path = ApiBase + (path ?? "");
            if (path is null) throw new BadRequestProblem(problem!);
            if (!string.IsNullOrEmpty(request.Query)) http.Request.QueryString = new QueryString("?" + request.Query.TrimStart('?'));
            if (request.VnfInstanceId is not null) http.Request.RouteValues["vnfInstanceId"] = request.VnfInstanceId;
            if (request.VnfLcmOpOccId is not null) http.Request.RouteValues["vnfLcmOpOccId"] = request.VnfLcmOpOccId;
            if (request.Body is not null)
            {
                var bytes = Encoding.UTF8.GetBytes(request.Body);
                http.Request.Body = new MemoryStream(bytes);
                http.Request.ContentLength = bytes.Length;
                // SOL003 5.4.3.3.4: PATCH of a VNF instance is a JSON merge patch (RFC 7396); every other body is JSON.
                http.Request.ContentType = request.Operation == VnfLcmOperations.Modify ? "application/merge-patch+json" : "application/json";
            }
            if (request.IfMatch is not null) http.Request.Headers.IfMatch = request.IfMatch;
            var handler = _delegates.GetOrAdd(request.Operation, op =>
                RequestDelegateFactory.Create(VnfLcmApi.BusHandlers[op], new RequestDelegateFactoryOptions { ServiceProvider = services }).RequestDelegate);
            await handler(http);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            response.SetLength(0);
            http.Response.Headers.Location = default;
            await new SolExceptionHandler(loggers.CreateLogger<SolExceptionHandler>()).TryHandleAsync(http, e, ct);
        }
        var body = response.Length == 0 ? null : Encoding.UTF8.GetString(response.ToArray());
        return new VnfLcmResponse(http.Response.StatusCode, body, VnfLcmRoutes.OpOccIdOf(http.Response.Headers.Location.ToString()));
    }
}
