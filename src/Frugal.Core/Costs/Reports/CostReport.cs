namespace Frugal.Costs.Reports;

/// <summary>
/// Builds cost reports by streaming the ledger's records through per-group accumulators: the records are never held
/// in memory, so a report over millions of records runs in constant memory in their number.
/// </summary>
public sealed class CostReport
{
    /// <summary>How often (in records) progress is reported.</summary>
    public const int ProgressInterval = 50_000;

    private readonly ICostLedger _ledger;
    private readonly TimeProvider _time;

    /// <summary>Creates the report builder.</summary>
    /// <param name="ledger">Where the records are read from.</param>
    /// <param name="time">Stamps <see cref="CostReportResult.GeneratedAt"/>.</param>
    public CostReport(ICostLedger ledger, TimeProvider time)
    {
        _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>Reads the records the request covers and aggregates them.</summary>
    /// <param name="request">Period, filters and grouping.</param>
    /// <param name="progress">Told the number of records read every <see cref="ProgressInterval"/> records and at the end.</param>
    /// <param name="cancellationToken">Cancels the report.</param>
    /// <returns>The report.</returns>
    public Task<CostReportResult> BuildAsync(CostReportRequest request, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Tenants are recorded in one spelling (WorkflowRunRequest.TenantOrDefault): --tenant ACME finds acme's records.
        var tenant = request.Tenant is null ? null : Engine.WorkflowRunRequest.TenantOrDefault(request.Tenant);
        // Workflow names are lower case (workflows/schema.json): --workflow Support-Triage found nothing and reported $0.
        var workflow = request.Workflow?.Trim().ToLowerInvariant();
        var query = new CostQuery { Since = request.Since, Until = request.Until, Tenant = tenant, Workflow = workflow, IncludeDetails = false };
        return AggregateAsync(_ledger.QueryAsync(query, cancellationToken), request, _time.GetUtcNow(), progress, cancellationToken);
    }

    /// <summary>Aggregates a stream of records (already filtered) into a report.</summary>
    /// <param name="records">The records.</param>
    /// <param name="request">The grouping (filters are not applied again).</param>
    /// <param name="generatedAt">The report's time stamp.</param>
    /// <param name="progress">Told the number of records read every <see cref="ProgressInterval"/> records and at the end.</param>
    /// <param name="cancellationToken">Cancels the report.</param>
    /// <returns>The report.</returns>
    public static async Task<CostReportResult> AggregateAsync(
        IAsyncEnumerable<CostRecord> records,
        CostReportRequest request,
        DateTimeOffset generatedAt,
        IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(request);
        var builder = new CostReportBuilder(request);
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            builder.Add(record);
            if (builder.Records % ProgressInterval == 0)
            {
                progress?.Report(builder.Records);
            }
        }

        progress?.Report(builder.Records);
        return builder.Build(generatedAt);
    }
}
