using System.Text.Encodings.Web;
using System.Text.Json;
using Frugal.Api;
using Microsoft.Extensions.Primitives;

namespace Frugal.Costs.Reports;

/// <summary>
/// The cost report endpoint both hosts expose (<c>GET /api/costs/report?by=&amp;since=&amp;until=&amp;tenant=&amp;workflow=&amp;format=</c>):
/// argument parsing, problems and rendering live here once; the Functions app and <c>frugal serve</c> only adapt HTTP.
/// </summary>
public sealed class CostReportApi
{
    // Problem details are read by people: keep quotes and apostrophes as they are (still valid JSON).
    private static readonly JsonSerializerOptions s_readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ICostLedger _ledger;
    private readonly TimeProvider _time;

    /// <summary>Creates the API over a ledger.</summary>
    /// <param name="ledger">The cost ledger.</param>
    /// <param name="time">The clock (default periods).</param>
    public CostReportApi(ICostLedger ledger, TimeProvider time)
    {
        _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>The query-string arguments a report takes; <c>code</c> is the Functions app's function key.</summary>
    public static readonly IReadOnlyList<string> ArgumentNames = ["by", "since", "until", "tenant", "workflow", "format"];

    /// <summary>
    /// As <see cref="GetAsync(Func{string, string?}, StringValues, CancellationToken)"/>, over the whole query string: an
    /// argument the report does not take answers 400 naming it. A misspelt filter (<c>?tennant=acme</c>) was ignored,
    /// and the answer was every tenant's spend, where <c>frugal cost report --tennant</c> is refused.
    /// </summary>
    /// <param name="query">The query string's arguments (ASP.NET Core's <c>IQueryCollection</c> is one).</param>
    /// <param name="callerTenant">The caller's tenant (the header's values), or none for an operator.</param>
    /// <param name="cancellationToken">Cancels the report.</param>
    /// <returns>The answer.</returns>
    public Task<CostReportResponse> GetAsync(IEnumerable<KeyValuePair<string, StringValues>> query, StringValues callerTenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var arguments = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in query)
        {
            arguments[name] = arguments.TryGetValue(name, out var earlier) ? StringValues.Concat(earlier, value) : value;
        }

        var unknown = arguments.Keys.Where(name => !ArgumentNames.Contains(name, StringComparer.OrdinalIgnoreCase) && !string.Equals(name, "code", StringComparison.OrdinalIgnoreCase)).ToList();

        // An argument given twice was read as its values joined by a comma: ?tenant=acme&tenant=globex filtered on the
        // tenant "acme,globex" and answered 200 with an empty report, which reads as nothing spent.
        var repeated = arguments.Where(a => a.Value.Count > 1 && ArgumentNames.Contains(a.Key, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0 || repeated.Count > 0)
        {
            return Task.FromResult(Problem(400, "Bad cost report arguments", string.Join("; ", [
                .. unknown.Select(name => $"{name}: not an argument of the cost report (it takes {string.Join(", ", ArgumentNames)})"),
                .. repeated.Select(a => $"{a.Key.ToLowerInvariant()}: given {a.Value.Count} times ({string.Join(", ", a.Value.Select(v => $"'{v}'"))}); give it once")])));
        }

        return GetAsync(name => arguments.TryGetValue(name, out var value) ? value.ToString() : null, callerTenant, cancellationToken);
    }

    /// <summary>Builds the report the query asks for; bad arguments answer 400 with a problem naming each of them.</summary>
    /// <param name="query">Reads a query-string argument (null when absent).</param>
    /// <param name="cancellationToken">Cancels the report.</param>
    /// <returns>The answer.</returns>
    public Task<CostReportResponse> GetAsync(Func<string, string?> query, CancellationToken cancellationToken) =>
        GetAsync(query, callerTenant: StringValues.Empty, cancellationToken);

    /// <summary>
    /// As <see cref="GetAsync(Func{string, string?}, CancellationToken)"/>, for a caller that may be a tenant: with
    /// <paramref name="callerTenant"/> (the <c>x-frugal-tenant</c> header, which a gateway sets from its authentication
    /// as for runs) the report covers that tenant only, and a <c>tenant=</c> naming another is refused with 403; without
    /// it, every tenant (an operator, who holds the function key itself).
    /// </summary>
    /// <param name="query">Reads a query-string argument (null when absent).</param>
    /// <param name="callerTenant">The caller's tenant (the header's values), or none for an operator.</param>
    /// <param name="cancellationToken">Cancels the report.</param>
    /// <returns>The answer.</returns>
    public async Task<CostReportResponse> GetAsync(Func<string, string?> query, StringValues callerTenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        string? tenant = query("tenant");
        if (callerTenant.Count > 0)
        {
            if (ApiResult.TenantProblem(callerTenant) is { } tenantProblem)
            {
                return Response(tenantProblem);
            }

            string caller = Engine.WorkflowRunRequest.TenantOrDefault(callerTenant);
            if (tenant is not null && !string.Equals(Engine.WorkflowRunRequest.TenantOrDefault(tenant), caller, StringComparison.Ordinal))
            {
                return Problem(403, "Another tenant's costs", $"tenant '{tenant}' is not the caller's tenant ('{caller}', from x-frugal-tenant)");
            }

            tenant = caller;
        }

        var errors = new List<string>();
        if (tenant is not null && Engine.WorkflowRunRequest.TenantProblem(tenant) is { } filterProblem)
        {
            // No run can have such a tenant (x-frugal-tenant is refused the same way): an empty report would read as nothing spent.
            errors.Add($"tenant: {filterProblem}");
        }

        CostGroupBy by = CostGroupBy.Workflow;
        CostReportFormat format = CostReportFormat.Json;
        DateTimeOffset? since = null, until = null;
        string? error;
        if (query("by") is { } byValue && !CostReportArguments.TryParseBy("by", byValue, out by, out error))
        {
            errors.Add(error!);
        }

        if (query("format") is { } formatValue
            && (!CostReportArguments.TryParseFormat("format", formatValue, out format, out _) || format == CostReportFormat.Table))
        {
            errors.Add($"format: '{formatValue}' is not one of json, csv, html");
        }

        if (query("since") is { } sinceValue)
        {
            since = CostReportArguments.TryParseTime("since", sinceValue, isEnd: false, out var time, out error) ? time : Add(errors, error);
        }

        if (query("until") is { } untilValue)
        {
            until = CostReportArguments.TryParseTime("until", untilValue, isEnd: true, out var time, out error) ? time : Add(errors, error);
        }

        if (since is { } start && until is { } end && start >= end)
        {
            // An empty period reads as "nothing was spent" (200 with an empty report); frugal cost report refuses it too.
            errors.Add(CostReportArguments.EmptyPeriod("since", query("since"), "until", query("until"), start, end));
        }

        if (errors.Count > 0)
        {
            return Problem(400, "Bad cost report arguments", string.Join("; ", errors));
        }

        var report = new CostReport(_ledger, _time);
        var request = new CostReportRequest { By = by, Since = since, Until = until, Tenant = tenant, Workflow = query("workflow") };
        var result = await report.BuildAsync(request, progress: null, cancellationToken).ConfigureAwait(false);
        using var writer = new StringWriter();
        await CostReportWriter.WriteAsync(result, format, writer, cancellationToken).ConfigureAwait(false);
        string contentType = format switch
        {
            CostReportFormat.Csv => "text/csv; charset=utf-8",
            CostReportFormat.Html => "text/html; charset=utf-8",
            _ => "application/json; charset=utf-8",
        };
        return new CostReportResponse(200, contentType, writer.ToString());
    }

    private static CostReportResponse Problem(int status, string title, string detail) => Response(ApiResult.Problem(status, title, detail));

    private static CostReportResponse Response(ApiResult problem) =>
        new(problem.StatusCode, problem.ContentType, problem.Body.ToJsonString(s_readable));

    private static DateTimeOffset? Add(List<string> errors, string? error)
    {
        errors.Add(error!);
        return null;
    }
}
