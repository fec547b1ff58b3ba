using Frugal.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Api;

/// <summary>Maps the run API of the Functions app onto a local web app (<c>frugal serve</c>): same routes, same answers.</summary>
public static class RunApiEndpoints
{
    /// <summary>The methods a GET route answers: GET and HEAD.</summary>
    internal static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>Maps <c>POST /api/workflows/{name}/runs</c> and <c>GET /api/runs/{id}</c>.</summary>
    public static IEndpointRouteBuilder MapFrugalRunApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapGroup("/api");

        // A body over the server's size limit, or cut off, fails while it is read; it is answered like every other bad
        // request (it was an empty 413, logged as an unhandled exception).
        api.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex)
            {
                await WriteAsync(context.HttpContext.Response, ApiResult.RequestBodyProblem(ex.StatusCode, ex.Message), context.HttpContext.RequestAborted).ConfigureAwait(false);
                return Results.Empty;
            }
        });
        api.MapPost("/workflows/{name}/runs", async (string name, HttpContext http, WorkflowApi workflows, DurableTaskClient client) =>
        {
            var baseUrl = $"{http.Request.Scheme}://{http.Request.Host}/api";
            var result = ApiResult.ContentEncodingProblem(http.Request.Headers.ContentEncoding) ?? await workflows.StartRunAsync(
                client, name, http.Request.Body, http.Request.Headers[ApiProtocol.TenantHeader], baseUrl, statusQuery: null, http.RequestAborted);
            await WriteAsync(http.Response, result, http.RequestAborted);
        });
        // GET routes answer HEAD too, as ASP.NET Core's and the Functions host's do: the same status and headers, no body
        // (Kestrel drops what is written). It was a 405 that told a monitor probing the URL the route did not exist.
        api.MapMethods("/runs/{id}", GetAndHead, async (string id, HttpContext http, WorkflowApi workflows, DurableTaskClient client) =>
        {
            var result = await workflows.GetRunAsync(client, id, http.Request.Headers[ApiProtocol.TenantHeader], http.RequestAborted);
            await WriteAsync(http.Response, result, http.RequestAborted);
        });
        api.MapPost("/runs/{id}/feedback", async (string id, HttpContext http, WorkflowApi workflows, DurableTaskClient client) =>
        {
            var result = ApiResult.ContentEncodingProblem(http.Request.Headers.ContentEncoding)
                ?? await workflows.FeedbackAsync(client, id, http.Request.Body, http.Request.Headers[ApiProtocol.TenantHeader], http.RequestAborted);
            await WriteAsync(http.Response, result, http.RequestAborted);
        });
        api.MapMethods("/workflows", GetAndHead, (WorkflowApi workflows) => Results.Json(workflows.List()));
        return endpoints;
    }

    /// <summary>Writes an <see cref="ApiResult"/> to a response.</summary>
    public static async Task WriteAsync(HttpResponse response, ApiResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(result);
        response.StatusCode = result.StatusCode;
        response.ContentType = result.ContentType;
        foreach (var (name, value) in result.Headers)
        {
            response.Headers[name] = value;
        }

        await response.WriteAsync(result.BodyText, cancellationToken).ConfigureAwait(false);
    }
}
