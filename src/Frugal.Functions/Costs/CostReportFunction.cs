using Frugal.Costs;
using Frugal.Costs.Reports;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Frugal.Functions.Costs;

/// <summary>HTTP adapter over <see cref="CostReportApi"/>: <c>GET /api/costs/report</c>, the same answers as <c>frugal serve</c>;
/// with an <c>x-frugal-tenant</c> header, that tenant's costs only.</summary>
public sealed class CostReportFunction
{
    private readonly CostReportApi _api;

    public CostReportFunction(ICostLedger ledger, TimeProvider time)
    {
        _api = new CostReportApi(ledger, time);
    }

    [Function("CostReport")]
    public async Task<IActionResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "costs/report")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tenant = request.Headers[Frugal.Api.ApiProtocol.TenantHeader];
        var response = await _api.GetAsync(request.Query, tenant, request.HttpContext.RequestAborted);
        return new Writer(response);
    }

    // Writes the body itself, like ApiResultActionResult, so the function needs no MVC executors.
    private sealed class Writer(CostReportResponse response) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            var http = context.HttpContext.Response;
            http.StatusCode = response.StatusCode;
            http.ContentType = response.ContentType;
            return http.WriteAsync(response.Body, context.HttpContext.RequestAborted);
        }
    }
}
