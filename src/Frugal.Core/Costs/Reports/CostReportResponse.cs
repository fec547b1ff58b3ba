namespace Frugal.Costs.Reports;

/// <summary>A host-neutral answer of the cost report endpoint.</summary>
/// <param name="StatusCode">200, or 400 for bad arguments.</param>
/// <param name="ContentType">The content type (JSON, CSV, HTML, or <c>application/problem+json</c>).</param>
/// <param name="Body">The body.</param>
public sealed record CostReportResponse(int StatusCode, string ContentType, string Body);
