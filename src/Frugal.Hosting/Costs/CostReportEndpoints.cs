using Frugal.Costs;
using Frugal.Costs.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Costs;

/// <summary>Maps the cost report endpoint that <c>frugal serve</c> exposes.</summary>
public static class CostReportEndpoints
{
    /// <summary>
    /// Maps <c>GET /api/costs/report?by=workflow|tenant|model|tier|step&amp;since=&amp;until=&amp;tenant=&amp;workflow=&amp;format=json|csv|html</c>.
    /// Needs <see cref="ICostLedger"/> (from <c>AddFrugalCosts</c>). Bad arguments answer 400 with a problem naming them.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static RouteHandlerBuilder MapFrugalCostReports(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGet("/api/costs/report", ReportAsync).WithName("FrugalCostReport");
    }

    private static async Task<IResult> ReportAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var errors = new List<string>();
        CostGroupBy by = CostGroupBy.Workflow;
        CostReportFormat format = CostReportFormat.Json;
        DateTimeOffset? since = null, until = null;
        string? error;
        if (query.TryGetValue("by", out var byValue) && !CostReportArguments.TryParseBy("by", byValue, out by, out error))
        {
            errors.Add(error!);
        }

        if (query.TryGetValue("format", out var formatValue)
            && (!CostReportArguments.TryParseFormat("format", formatValue, out format, out error) || format == CostReportFormat.Table))
        {
            errors.Add($"format: '{formatValue}' is not one of json, csv, html");
        }

        if (query.TryGetValue("since", out var sinceValue))
        {
            since = CostReportArguments.TryParseTime("since", sinceValue, isEnd: false, out var time, out error) ? time : Add(errors, error);
        }

        if (query.TryGetValue("until", out var untilValue))
        {
            until = CostReportArguments.TryParseTime("until", untilValue, isEnd: true, out var time, out error) ? time : Add(errors, error);
        }

        if (errors.Count > 0)
        {
            return Results.Problem(title: "Bad cost report arguments", detail: string.Join("; ", errors), statusCode: StatusCodes.Status400BadRequest);
        }

        var services = context.RequestServices;
        var report = new CostReport(services.GetRequiredService<ICostLedger>(), services.GetService<TimeProvider>() ?? TimeProvider.System);
        var request = new CostReportRequest { By = by, Since = since, Until = until, Tenant = query["tenant"], Workflow = query["workflow"] };
        var result = await report.BuildAsync(request, progress: null, cancellationToken).ConfigureAwait(false);
        using var writer = new StringWriter();
        await CostReportWriter.WriteAsync(result, format, writer, cancellationToken).ConfigureAwait(false);
        string contentType = format switch
        {
            CostReportFormat.Csv => "text/csv; charset=utf-8",
            CostReportFormat.Html => "text/html; charset=utf-8",
            _ => "application/json; charset=utf-8",
        };
        return Results.Text(writer.ToString(), contentType);
    }

    private static DateTimeOffset? Add(List<string> errors, string? error)
    {
        errors.Add(error!);
        return null;
    }
}
