namespace Frugal.Costs.Reports;

/// <summary>How a cost report is written.</summary>
public enum CostReportFormat
{
    /// <summary>A console table (the CLI renders it).</summary>
    Table,

    /// <summary>JSON (<see cref="CostReportResult"/>).</summary>
    Json,

    /// <summary>CSV, one line per group.</summary>
    Csv,

    /// <summary>A self-contained HTML page with charts and the JSON data embedded.</summary>
    Html,
}
