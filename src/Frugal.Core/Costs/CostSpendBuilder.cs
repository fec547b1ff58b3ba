namespace Frugal.Costs;

/// <summary>Folds records, one at a time, into a <see cref="CostSpend"/> (for ledgers that cannot sum where they store).</summary>
/// <param name="countStartsBefore">The starts that count at their bound (<see cref="CostQuery.CountStartsBefore"/>).</param>
internal sealed class CostSpendBuilder(DateTimeOffset? countStartsBefore)
{
    private readonly Dictionary<(CostTier Tier, string? Model, TokenUsage Usage, decimal Dollars), long> _unpriced = [];
    private readonly List<UnfinishedStart> _unfinished = [];
    private decimal _priced;

    public void Add(CostOutcome outcome, DateTimeOffset startedAt, bool priced, CostTier tier, string? model, TokenUsage usage, decimal dollars, string? invocation)
    {
        if (outcome == CostOutcome.Started && !(startedAt < countStartsBefore))
        {
            _unfinished.Add(new UnfinishedStart(invocation, startedAt, priced, tier, model, usage, dollars));
            return;
        }

        if (priced)
        {
            _priced += dollars;
            return;
        }

        ref long calls = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_unpriced, (tier, model, usage, dollars), out _);
        calls++;
    }

    public CostSpend Build() =>
        new(_priced, [.. _unpriced.Select(u => new UnpricedSpend(u.Key.Tier, u.Key.Model, u.Key.Usage, u.Key.Dollars, u.Value))]) { Unfinished = _unfinished };
}
