using System.Diagnostics;
using Frugal.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Frugal.Functions.Telemetry;

/// <summary>Times the app's HTTP functions into <c>frugal.http.request.duration</c>, tagged with the function name and the status sent.</summary>
internal sealed class HttpMetricsMiddleware : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.GetHttpContext();
        if (http is null)
        {
            await next(context);
            return;
        }

        // Recorded once the response is complete: the worker's HTTP proxying runs around this middleware and writes the
        // function's result (its status, its body) only after this returns, so reading the status here tagged every
        // request 200 and left the writing of large bodies (cost reports) out of the duration.
        long started = Stopwatch.GetTimestamp();
        var function = context.FunctionDefinition.Name;
        http.Response.OnCompleted(() =>
        {
            FrugalMetrics.RecordHttpRequest(function, http.Request.Method, http.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalSeconds);
            return Task.CompletedTask;
        });
        await next(context);
    }
}
