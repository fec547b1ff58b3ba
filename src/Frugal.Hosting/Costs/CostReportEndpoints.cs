using Frugal.Costs;
using Frugal.Costs.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Costs;

/// <summary>Maps the cost report endpoint that <c>frugal serve</c> exposes (the Functions app's <c>CostReport</c> function answers the same).</summary>
public static class CostReportEndpoints
{
    /// <summary>
    /// Maps <c>GET /api/costs/report?by=workflow|tenant|model|tier|step&amp;since=&amp;until=&amp;tenant=&amp;workflow=&amp;format=json|csv|html</c>
    /// over <see cref="CostReportApi"/>. Needs <see cref="ICostLedger"/> (from <c>AddFrugalCosts</c>). Bad arguments answer
    /// 400 with a problem naming them; with an <c>x-frugal-tenant</c> header, the report is that tenant's only.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static RouteHandlerBuilder MapFrugalCostReports(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapMethods("/api/costs/report", Frugal.Hosting.Api.RunApiEndpoints.GetAndHead, ReportAsync).WithName("FrugalCostReport"); // HEAD: as GET, no body
    }

    private static async Task<IResult> ReportAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var services = context.RequestServices;
        var api = new CostReportApi(services.GetRequiredService<ICostLedger>(), services.GetService<TimeProvider>() ?? TimeProvider.System);
        var tenant = context.Request.Headers[Frugal.Api.ApiProtocol.TenantHeader];
        var response = await api.GetAsync(context.Request.Query, tenant, cancellationToken).ConfigureAwait(false);
        return Results.Content(response.Body, response.ContentType, statusCode: response.StatusCode);
    }
}
