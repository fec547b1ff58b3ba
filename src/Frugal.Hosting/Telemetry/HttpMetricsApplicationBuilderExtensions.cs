using System.Diagnostics;
using Frugal.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Frugal.Hosting.Telemetry;

/// <summary>Times <c>frugal serve</c>'s API requests into <c>frugal.http.request.duration</c>.</summary>
public static class HttpMetricsApplicationBuilderExtensions
{
    /// <summary>Records each request's duration tagged with its route template, method and status.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseFrugalHttpMetrics(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (context, next) =>
        {
            long started = Stopwatch.GetTimestamp();
            int? failed = null;
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch when (!context.Response.HasStarted)
            {
                // The exception handler around this answers 500 once the exception leaves; the response still said 200.
                failed = StatusCodes.Status500InternalServerError;
                throw;
            }
            finally
            {
                string route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)";
                FrugalMetrics.RecordHttpRequest(route, context.Request.Method, failed ?? context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
        });
    }
}
