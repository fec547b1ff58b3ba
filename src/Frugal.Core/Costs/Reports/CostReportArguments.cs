using System.Globalization;

namespace Frugal.Costs.Reports;

/// <summary>
/// Parses report arguments the same way for the CLI, <c>frugal serve</c> and the Functions app, with messages that
/// name the argument and the accepted values.
/// </summary>
public static class CostReportArguments
{
    /// <summary>The accepted <c>by</c> values.</summary>
    public static readonly IReadOnlyList<string> GroupNames = ["workflow", "tenant", "model", "tier", "step"];

    /// <summary>The accepted <c>format</c> values.</summary>
    public static readonly IReadOnlyList<string> FormatNames = ["table", "json", "csv", "html"];

    private static readonly string[] DateFormats = ["yyyy-MM-dd"];
    private static readonly DateTimeOffset EarliestTime = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LatestTime = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Parses a grouping (<c>workflow</c>, <c>tenant</c>, <c>model</c>, <c>tier</c>, <c>step</c>).</summary>
    /// <param name="name">The argument's name for the message (<c>--by</c>, <c>by</c>).</param>
    /// <param name="value">The value given.</param>
    /// <param name="by">The grouping.</param>
    /// <param name="error">Why the value is wrong.</param>
    /// <returns>Whether the value parsed.</returns>
    public static bool TryParseBy(string name, string? value, out CostGroupBy by, out string? error) =>
        TryParseName(name, value, GroupNames, out by, out error);

    /// <summary>Parses a format (<c>table</c>, <c>json</c>, <c>csv</c>, <c>html</c>).</summary>
    /// <param name="name">The argument's name for the message.</param>
    /// <param name="value">The value given.</param>
    /// <param name="format">The format.</param>
    /// <param name="error">Why the value is wrong.</param>
    /// <returns>Whether the value parsed.</returns>
    public static bool TryParseFormat(string name, string? value, out CostReportFormat format, out string? error) =>
        TryParseName(name, value, FormatNames, out format, out error);

    /// <summary>
    /// Parses a period bound: a date (<c>2025-06-01</c>, UTC midnight; as an end bound it covers that whole day) or an
    /// ISO 8601 time with offset.
    /// </summary>
    /// <param name="name">The argument's name for the message.</param>
    /// <param name="value">The value given.</param>
    /// <param name="isEnd">Whether this is the period's end (a date then means the next midnight, exclusive).</param>
    /// <param name="time">The instant.</param>
    /// <param name="error">Why the value is wrong.</param>
    /// <returns>Whether the value parsed.</returns>
    public static bool TryParseTime(string name, string? value, bool isEnd, out DateTimeOffset time, out string? error)
    {
        error = null;
        bool parsed;
        if (DateOnly.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            parsed = true;
            time = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            time = isEnd && date < DateOnly.MaxValue ? time.AddDays(1) : time;
        }
        else if (value is { Length: > 10 } && value[10] is 'T' or 't' or ' '
            && DateOnly.TryParseExact(value.AsSpan(0, 10), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            parsed = DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
        }
        else
        {
            // Only ISO 8601 (a yyyy-MM-dd date, then T or a space and the time): DateTimeOffset.TryParse took any text
            // it could read, 06/12/2026 as 12 June (the invariant culture puts the month first) and "Dec 7" as this
            // year's, so a report asked for from 6 December quietly covered half a year.
            parsed = false;
            time = default;
        }

        if (!parsed)
        {
            error = $"{name}: '{value}' is not a date (use yyyy-MM-dd or an ISO 8601 time such as 2025-06-01T12:00:00Z)";
            return false;
        }

        // The ledgers compute with the bounds (a day past the end for Table storage's day partitions, which refuse
        // times before 1601): 9999-12-31 failed the report with a 500 instead of saying what was wrong.
        if (time < EarliestTime || time > LatestTime)
        {
            error = $"{name}: '{value}' is outside the times a report covers, {EarliestTime:yyyy-MM-dd} to {LatestTime:yyyy-MM-dd}";
            return false;
        }

        return true;
    }

    /// <summary>
    /// Why a period that ends before it starts is refused, quoting both bounds as given and the instants they became
    /// (it quoted only the instants: an until of 2026-12-04 read as 2026-12-05, which the caller never typed).
    /// </summary>
    public static string EmptyPeriod(string sinceName, string? sinceText, string untilName, string? untilText, DateTimeOffset start, DateTimeOffset end) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{sinceName} '{sinceText}' is not before {untilName} '{untilText}': the period would run from {start.UtcDateTime:yyyy-MM-dd HH:mm:ss} to {end.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC (a date as {untilName} takes in its whole day)");

    private static bool TryParseName<T>(string name, string? value, IReadOnlyList<string> names, out T result, out string? error)
        where T : struct, Enum
    {
        if (value is not null && names.Contains(value, StringComparer.OrdinalIgnoreCase) && Enum.TryParse(value, ignoreCase: true, out result))
        {
            error = null;
            return true;
        }

        result = default;
        error = $"{name}: '{value}' is not one of {string.Join(", ", names)}";
        return false;
    }
}
