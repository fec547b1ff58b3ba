using Frugal.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Frugal.Functions.Runs;

/// <summary>HTTP adapters over <see cref="WorkflowApi"/>: start a run, read a run, give a verdict on one; a run is
/// read or judged only by its own tenant (header <c>x-frugal-tenant</c>).</summary>
public sealed class RunHttpFunctions
{
    /// <summary>
    /// The largest request body the worker reads, <see cref="ApiProtocol.MaxRequestBodyBytes"/>: the Functions host's own
    /// limit. The worker's web server kept its default of 30 MB, so inputs that <c>frugal serve</c> and the workflows'
    /// schemas accept failed in Azure.
    /// </summary>
    public const long MaxRequestBodyBytes = ApiProtocol.MaxRequestBodyBytes;

    private readonly WorkflowApi _api;

    public RunHttpFunctions(WorkflowApi api)
    {
        _api = api;
    }

    [Function("StartRun")]
    public async Task<IActionResult> StartRunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "workflows/{name}/runs")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The status URL must work as given: under the route prefix this request came by (host.json's
        // extensions.http.routePrefix, "api" by default) and, when the caller sent its function key as ?code=, with
        // that key (the functions are AuthorizationLevel.Function; without it the URL answers 401 in Azure).
        var path = request.Path.Value ?? string.Empty;
        var at = path.IndexOf("/workflows/", StringComparison.Ordinal);
        var baseUrl = $"{request.Scheme}://{request.Host}{(at >= 0 ? path[..at] : "/api")}";
        var statusQuery = request.Query.TryGetValue("code", out var code) && !string.IsNullOrEmpty(code)
            ? "?code=" + Uri.EscapeDataString(code.ToString())
            : null;
        var result = await BodyReadAsync(request, () => _api.StartRunAsync(
            client, name, request.Body, request.Headers[ApiProtocol.TenantHeader], baseUrl, statusQuery, request.HttpContext.RequestAborted));
        return ApiResultActionResult.From(result);
    }

    [Function("GetRun")]
    public async Task<IActionResult> GetRunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await _api.GetRunAsync(client, id, request.Headers[ApiProtocol.TenantHeader], request.HttpContext.RequestAborted);
        return ApiResultActionResult.From(result);
    }

    [Function("RunFeedback")]
    public async Task<IActionResult> FeedbackAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs/{id}/feedback")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await BodyReadAsync(request, () => _api.FeedbackAsync(client, id, request.Body, request.Headers[ApiProtocol.TenantHeader], request.HttpContext.RequestAborted));
        return ApiResultActionResult.From(result);
    }

    /// <summary>
    /// A body over the worker's size limit (<see cref="MaxRequestBodyBytes"/>), or cut off, fails while it is read:
    /// answered as a problem, as <c>frugal serve</c> answers it (it was a 500 with no body). A compressed body is
    /// answered 415 before it is read, as <c>frugal serve</c> does: the host passes it on undecoded, and the JSON reader
    /// said "'0x1F' is an invalid start of a value".
    /// </summary>
    private static async Task<ApiResult> BodyReadAsync(HttpRequest request, Func<Task<ApiResult>> call)
    {
        if (ApiResult.ContentEncodingProblem(request.Headers.ContentEncoding) is { } encoding)
        {
            return encoding;
        }

        try
        {
            return await call();
        }
        catch (BadHttpRequestException ex)
        {
            return ApiResult.RequestBodyProblem(ex.StatusCode, ex.Message);
        }
    }
}
