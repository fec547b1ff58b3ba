using Frugal.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HostFiltering;
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

    /// <summary>Adds the host check (ASP.NET Core's host filtering, loopback names only).</summary>
    public static IServiceCollection AddLoopbackOnly(this IServiceCollection services) =>
        services.Configure<HostFilteringOptions>(o =>
        {
            o.AllowedHosts = LoopbackHosts;
            o.AllowEmptyHosts = false;
        });

    /// <summary>Refuses requests for other host names (400) and cross-site browser requests (403, problem+json).</summary>
    public static IApplicationBuilder UseLoopbackOnly(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseHostFiltering();
        return app.Use(async (context, next) =>
        {
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

    private static bool IsLoopbackOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && (uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase));
}
