using System.Diagnostics;
using Frugal.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Frugal.Functions.Telemetry;

/// <summary>Times the app's HTTP functions into <c>frugal.http.request.duration</c>, tagged with the function name.</summary>
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

        long started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            FrugalMetrics.RecordHttpRequest(
                context.FunctionDefinition.Name, http.Request.Method, http.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
