using Frugal.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Api;

/// <summary>
/// Keeps a server on loopback (<c>frugal serve</c>) to the programs of the machine it runs on. Listening on 127.0.0.1
/// does not do that alone: any web page the developer opens can POST to it (a <c>text/plain</c> POST needs no CORS
/// preflight) and start runs paid with the configured model keys, and a page whose host name is re-pointed at
/// 127.0.0.1 (DNS rebinding) can also read run outputs and the cost report. Requests must name a loopback host, and
/// requests a browser sends from another site (an <c>Origin</c> that is not loopback) are refused.
/// </summary>
public static class LoopbackOnly
{
    private static readonly string[] LoopbackHosts = ["127.0.0.1", "localhost", "[::1]"];
    private static readonly Microsoft.Extensions.Primitives.StringSegment[] LoopbackPatterns = [.. LoopbackHosts.Select(h => new Microsoft.Extensions.Primitives.StringSegment(h))];

    /// <summary>
    /// Leaves the host check to <see cref="UseLoopbackOnly"/>. ASP.NET Core's own host filtering runs first in every
    /// pipeline (a startup filter) and answers a refused host with an HTML page or an empty body, before any middleware
    /// of the app could say what was wrong; it is told to let every host through, and the check below, which matches
    /// host names as it does (<see cref="HostString.MatchesAny"/>), answers with a problem.
    /// </summary>
    public static IServiceCollection AddLoopbackOnly(this IServiceCollection services) =>
        services.Configure<HostFilteringOptions>(o => o.AllowedHosts = ["*"]);

    /// <summary>
    /// Refuses requests for other host names (400) and cross-site browser requests (403), and answers every error that
    /// has no body of its own (no such route, a method a route does not take, a failure of the server itself) with a
    /// problem: clients got Kestrel's HTML page or an empty body where the API promises <c>application/problem+json</c>.
    /// </summary>
    public static IApplicationBuilder UseLoopbackOnly(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // ASP.NET Core's handler logs the exception with its stack; the client is told what failed and where to look.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context => RunApiEndpoints.WriteAsync(
                context.Response,
                ApiResult.Problem(
                    StatusCodes.Status500InternalServerError,
                    "Server error",
                    $"{context.Request.Method} {context.Request.Path} failed: "
                    + (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error.Message ?? "no reason given")
                    + "; the server's log has the details"),
                context.RequestAborted),
        });
        app.UseStatusCodePages(async context => await RunApiEndpoints.WriteAsync(
            context.HttpContext.Response, Problem(context.HttpContext), context.HttpContext.RequestAborted).ConfigureAwait(false));
        return app.Use(async (context, next) =>
        {
            var host = context.Request.Host;
            if (!host.HasValue || !HostString.MatchesAny(host.Host, LoopbackPatterns))
            {
                var refused = ApiResult.Problem(
                    StatusCodes.Status400BadRequest, "Not a loopback host", $"requests must name a loopback host ({string.Join(", ", LoopbackHosts)}), not '{host}': this server answers programs on this machine");
                await RunApiEndpoints.WriteAsync(context.Response, refused, context.RequestAborted).ConfigureAwait(false);
                return;
            }

            if (context.Request.Headers.Origin is [{ } origin, ..] && !IsLoopbackOrigin(origin))
            {
                var problem = ApiResult.Problem(
                    StatusCodes.Status403Forbidden, "Cross-site request", $"requests from {origin} are refused: this server answers programs on this machine, not web pages of other sites");
                await RunApiEndpoints.WriteAsync(context.Response, problem, context.RequestAborted).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
    }

    private static ApiResult Problem(HttpContext context)
    {
        var request = context.Request;
        // A request for the server as a whole (OPTIONS *) has no path; say what it asked for.
        string target = request.Path.HasValue ? request.Path.ToString() : context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? "/";
        return context.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => ApiResult.Problem(
                404, "Not found", $"nothing answers {request.Method} {target}; the API is POST /api/workflows/{{name}}/runs, GET /api/runs/{{id}}, POST /api/runs/{{id}}/feedback, GET /api/workflows and GET /api/costs/report"),
            StatusCodes.Status405MethodNotAllowed => ApiResult.Problem(
                405, "Method not allowed", $"{target} does not answer {request.Method}" + (context.Response.Headers.Allow is [_, ..] allow ? $"; it answers {allow}" : string.Empty)),
            var status => ApiResult.Problem(status, ReasonPhrases.GetReasonPhrase(status), $"{request.Method} {target} failed with HTTP {status}"),
        };
    }

    private static bool IsLoopbackOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && (uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase));
}
