using System.Globalization;

namespace Frugal.Costs.Reports;

/// <summary>
/// A column of dollar amounts and its total, rounded so that the amounts shown add up to the total shown: rounding each
/// row on its own left the rows of 400 runs a few millionths away from the printed total, and a person reconciling a
/// bill adds the column up.
/// </summary>
public sealed class MoneyColumn
{
    private const int MaxPlaces = 9;
    private readonly decimal[] _amounts;

    private MoneyColumn(decimal[] amounts, decimal total, int places)
    {
        _amounts = amounts;
        Total = total;
        Places = places;
    }

    /// <summary>The decimal places every amount of the column is shown with.</summary>
    public int Places { get; }

    /// <summary>The total, rounded to <see cref="Places"/>: the sum of the amounts shown.</summary>
    public decimal Total { get; }

    /// <summary>The amount shown for row <paramref name="index"/>.</summary>
    public decimal this[int index] => _amounts[index];

    /// <summary>
    /// Rounds <paramref name="amounts"/> to <paramref name="places"/> by largest remainder: the total is the exact sum
    /// rounded, and each amount is its own value rounded down or up (never further than one unit in the last place),
    /// those that lost most by rounding down taking the units the total still needs, the earliest first on a tie.
    /// </summary>
    /// <param name="amounts">The exact amounts, one per row.</param>
    /// <param name="places">The decimal places, 0 to 9.</param>
    /// <returns>The rounded column.</returns>
    public static MoneyColumn Round(IReadOnlyList<decimal> amounts, int places)
    {
        ArgumentNullException.ThrowIfNull(amounts);
        ArgumentOutOfRangeException.ThrowIfNegative(places);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(places, MaxPlaces);
        decimal unit = 1m / Pow10(places);
        var floors = new decimal[amounts.Count];
        for (int i = 0; i < amounts.Count; i++)
        {
            floors[i] = Math.Floor(amounts[i] / unit) * unit;
        }

        decimal total = Math.Round(amounts.Sum(), places, MidpointRounding.AwayFromZero);

        // The floors sum to at most the exact total and to more than it less one unit per row, so the rounded total
        // needs between none and one unit per row added.
        int missing = (int)((total - floors.Sum()) / unit);
        foreach (int i in Enumerable.Range(0, amounts.Count).OrderByDescending(i => amounts[i] - floors[i]).ThenBy(i => i).Take(missing))
        {
            floors[i] += unit;
        }

        return new MoneyColumn(floors, total, places);
    }

    /// <summary>
    /// Rounds <paramref name="amounts"/> to the places reports show (<see cref="MoneyText"/>): four, or more when a
    /// spend under a cent would lose its first two significant digits (nine at most, the nano-dollar), the same places
    /// for every row so that the column adds up.
    /// </summary>
    /// <param name="amounts">The exact amounts, one per row.</param>
    /// <returns>The rounded column.</returns>
    public static MoneyColumn ForReport(IReadOnlyList<decimal> amounts)
    {
        ArgumentNullException.ThrowIfNull(amounts);
        int places = 4;
        foreach (var amount in amounts.Append(amounts.Sum()))
        {
            var magnitude = Math.Abs(amount);
            while (magnitude is > 0m and < 0.01m && places < MaxPlaces && magnitude < 10m / Pow10(places))
            {
                places++;
            }
        }

        return Round(amounts, places);
    }

    /// <summary>An amount of this column as text: <c>$1,234.5000</c>.</summary>
    /// <param name="amount">An amount from this column (<see cref="this[int]"/> or <see cref="Total"/>).</param>
    /// <returns>The amount with the column's places.</returns>
    public string Format(decimal amount) =>
        amount.ToString(Places == 0 ? "$#,0" : "$#,0." + new string('0', Places), CultureInfo.InvariantCulture);

    private static decimal Pow10(int places)
    {
        decimal value = 1m;
        for (int i = 0; i < places; i++)
        {
            value *= 10m;
        }

        return value;
    }
}
