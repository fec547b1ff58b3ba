using System.Globalization;
using System.Text.Json;

namespace Frugal.Costs.Reports;

/// <summary>Writes a <see cref="CostReportResult"/> as JSON, CSV or HTML (the console table lives in the CLI).</summary>
public static class CostReportWriter
{
    /// <summary>The CSV header line.</summary>
    public const string CsvHeader =
        "group,runs,runs_exact,calls,input_tokens,cached_input_tokens,output_tokens,dollars,saved_dollars,unpriced_calls,cache_hit_rate,gpu_seconds,latency_p50_ms,latency_p95_ms,escalations,escalated_dollars";

    /// <summary>The report as indented JSON.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The JSON text.</returns>
    public static string ToJson(CostReportResult report) =>
        JsonSerializer.Serialize(report, CostJsonContext.Default.CostReportResult);

    /// <summary>Writes the report in <paramref name="format"/>.</summary>
    /// <param name="report">The report.</param>
    /// <param name="format">JSON, CSV or HTML.</param>
    /// <param name="writer">Where to write.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is <see cref="CostReportFormat.Table"/>.</exception>
    public static Task WriteAsync(CostReportResult report, CostReportFormat format, TextWriter writer, CancellationToken cancellationToken) =>
        format switch
        {
            CostReportFormat.Json => writer.WriteAsync(ToJson(report).AsMemory(), cancellationToken),
            CostReportFormat.Csv => WriteCsvAsync(report, writer, cancellationToken),
            CostReportFormat.Html => writer.WriteAsync(CostReportHtml.Render(report).AsMemory(), cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "table is rendered by the CLI; use json, csv or html"),
        };

    /// <summary>Writes one CSV line per group after <see cref="CsvHeader"/> (RFC 4180 quoting, invariant numbers).</summary>
    /// <param name="report">The report.</param>
    /// <param name="writer">Where to write.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when written.</returns>
    public static async Task WriteCsvAsync(CostReportResult report, TextWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        await writer.WriteLineAsync(CsvHeader.AsMemory(), cancellationToken).ConfigureAwait(false);
        foreach (var g in report.Groups)
        {
            string line = string.Join(',',
                Quote(g.Key), Num(g.Runs), g.RunsExact ? "true" : "false", Num(g.Calls), Num(g.InputTokens), Num(g.CachedInputTokens),
                Num(g.OutputTokens), Money(g.Dollars), Money(g.SavedDollars), Num(g.UnpricedCalls), Num(g.CacheHitRate),
                Num(g.GpuSeconds), Num(g.LatencyP50Ms), Num(g.LatencyP95Ms), Num(g.Escalations), Money(g.EscalatedDollars));
            await writer.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Num(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    // Dollars to the nano-dollar: prices per token divided by a million gave 28 decimal places.
    private static string Money(decimal value) => Math.Round(value, 9).ToString("0.#########", CultureInfo.InvariantCulture);

    // Group keys are tenants, workflows and steps that callers name: one starting with =, +, -, @ (or a tab or CR) is a
    // formula to a spreadsheet opening the file (a tenant "=HYPERLINK(...)"), so it gets a leading apostrophe (OWASP's
    // advice for CSV injection).
    private static string Quote(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
