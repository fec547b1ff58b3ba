using System.Globalization;

namespace Frugal.Costs.Reports;

/// <summary>Dollar amounts as reports show them to people (the console table, the HTML page).</summary>
public static class MoneyText
{
    /// <summary>
    /// Four places, but never "$0.0000" for spend that is not zero (a run of small calls costs fractions of a cent):
    /// amounts under a cent keep their first two significant digits.
    /// </summary>
    public static string Format(decimal value) => value is > 0m and < 0.01m
        ? "$" + decimal.Parse(value.ToString("G2", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture).ToString("0.##########", CultureInfo.InvariantCulture)
        : value.ToString("$#,0.0000", CultureInfo.InvariantCulture);
}
