using System.Globalization;

namespace Frugal.Costs.Reports;

/// <summary>Token counts as reports show them to people (the console table, the HTML page).</summary>
public static class TokenText
{
    /// <summary>
    /// A group's input tokens: <c>1,379 (200 cached)</c> when some were cached, else <c>1,379</c>. Cached tokens are part
    /// of the input but billed at the cached price (half or less of it), and neither the table nor the page showed them.
    /// </summary>
    /// <param name="group">The group.</param>
    /// <returns>The text.</returns>
    public static string Input(CostReportGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.CachedInputTokens > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{group.InputTokens:N0} ({group.CachedInputTokens:N0} cached)")
            : group.InputTokens.ToString("N0", CultureInfo.InvariantCulture);
    }
}
