using System.Diagnostics.Metrics;
using Frugal.Costs;

namespace Frugal.Telemetry;

/// <summary>Frugal's instruments on the <c>Frugal</c> meter.</summary>
public static class FrugalMetrics
{
    private static readonly Meter s_meter = new(FrugalTelemetry.SourceName);

    /// <summary><c>frugal.cost.dollars</c>: dollars recorded, tagged tier, model, workflow, tenant.</summary>
    public static readonly Counter<double> CostDollars = s_meter.CreateCounter<double>(
        "frugal.cost.dollars", unit: "USD", description: "Dollars recorded in cost records.");

    /// <summary><c>frugal.cache.hits</c>: answers served from the cache, tagged cache (exact/semantic) and workflow.</summary>
    public static readonly Counter<long> CacheHits = s_meter.CreateCounter<long>(
        "frugal.cache.hits", unit: "{hit}", description: "Step calls answered from the cache.");

    /// <summary><c>frugal.escalations</c>: calls escalated to a higher tier, tagged workflow and the tiers.</summary>
    public static readonly Counter<long> Escalations = s_meter.CreateCounter<long>(
        "frugal.escalations", unit: "{escalation}", description: "Calls escalated from a cheaper tier to a dearer one.");

    /// <summary><c>frugal.step.failures</c>: failed step attempts, tagged workflow and step.</summary>
    public static readonly Counter<long> StepFailures = s_meter.CreateCounter<long>(
        "frugal.step.failures", unit: "{attempt}", description: "Step attempts that failed.");

    /// <summary><c>frugal.http.request.duration</c>: seconds per API request, tagged endpoint, method and status.</summary>
    /// <remarks>Bucket boundaries in seconds, as OpenTelemetry's HTTP conventions advise: without advice the SDK's
    /// defaults (0, 5, 10, 25 ... 10000, meant for milliseconds) put every request under 5 s in one bucket.</remarks>
    public static readonly Histogram<double> HttpRequestDuration = s_meter.CreateHistogram(
        "frugal.http.request.duration", unit: "s", description: "Duration of Frugal's HTTP API requests per endpoint.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] });

    /// <summary>
    /// Counts a cost record's dollars, an unpriced record in <c>frugal.cost.unpriced</c> (so the metric agrees with the
    /// ledger's unpriced calls) and, for a cache hit, the hit.
    /// </summary>
    /// <param name="record">The record.</param>
    public static void Record(CostRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Dollars != 0m)
        {
            CostDollars.Add(
                (double)record.Dollars,
                new KeyValuePair<string, object?>("frugal.tier", record.Tier.ToString().ToLowerInvariant()),
                new KeyValuePair<string, object?>("gen_ai.request.model", record.Model ?? ""),
                new KeyValuePair<string, object?>("frugal.workflow", record.Workflow),
                new KeyValuePair<string, object?>("frugal.tenant", record.Tenant));
        }

        if (!record.Priced)
        {
            CostMetrics.Unpriced.Add(
                1,
                new KeyValuePair<string, object?>("frugal.tier", record.Tier.ToString().ToLowerInvariant()),
                new KeyValuePair<string, object?>("gen_ai.request.model", record.Model ?? ""),
                new KeyValuePair<string, object?>("frugal.workflow", record.Workflow));
        }

        if (record.Cache != CacheOutcome.None)
        {
            CacheHits.Add(
                1,
                new KeyValuePair<string, object?>("frugal.cache", record.Cache.ToString().ToLowerInvariant()),
                new KeyValuePair<string, object?>("frugal.workflow", record.Workflow));
        }
    }

    /// <summary>Counts an escalation (called by the routing code when a call moves to a dearer tier).</summary>
    /// <param name="workflow">The workflow.</param>
    /// <param name="from">The tier it left.</param>
    /// <param name="to">The tier it went to.</param>
    public static void RecordEscalation(string workflow, string from, string to) => Escalations.Add(
        1,
        new KeyValuePair<string, object?>("frugal.workflow", workflow),
        new KeyValuePair<string, object?>("frugal.tier.from", from),
        new KeyValuePair<string, object?>("frugal.tier.to", to));

    /// <summary>Times one API request.</summary>
    /// <param name="endpoint">The endpoint (route template or function name).</param>
    /// <param name="method">The HTTP method.</param>
    /// <param name="status">The response status.</param>
    /// <param name="seconds">The duration.</param>
    public static void RecordHttpRequest(string endpoint, string method, int status, double seconds) => HttpRequestDuration.Record(
        seconds,
        new KeyValuePair<string, object?>("http.route", endpoint),
        new KeyValuePair<string, object?>("http.request.method", KnownMethod(method)),
        new KeyValuePair<string, object?>("http.response.status_code", status));

    // OpenTelemetry's HTTP conventions: a method outside the known set is reported as _OTHER, so a client sending made-up
    // methods cannot add a metric series (each one a row on the metrics bill) per request.
    private static string KnownMethod(string method) => method switch
    {
        "GET" or "HEAD" or "POST" or "PUT" or "DELETE" or "CONNECT" or "OPTIONS" or "TRACE" or "PATCH" => method,
        _ => "_OTHER",
    };
}
