namespace Frugal.Costs;

/// <summary>The price of one call.</summary>
/// <param name="Dollars">The cost in US dollars; zero when <paramref name="Priced"/> is false.</param>
/// <param name="Priced">False when the model is not in the price table: the cost is unknown, not zero.</param>
/// <param name="PriceTableVersion">The version of the table that priced it.</param>
public readonly record struct PriceResult(decimal Dollars, bool Priced, string PriceTableVersion);
