namespace Frugal.Costs.Reports;

/// <summary>A labelled amount: a workflow's cost or a step's cost, for the report's bar charts.</summary>
/// <param name="Label">The workflow, or <c>workflow/step</c>.</param>
/// <param name="Calls">Calls it made.</param>
/// <param name="Dollars">Dollars it spent, of the calls that were priced.</param>
/// <param name="UnpricedCalls">Calls whose cost is unknown (not counted in <paramref name="Dollars"/>, never as $0).</param>
public sealed record CostReportItem(string Label, long Calls, decimal Dollars, long UnpricedCalls = 0);
