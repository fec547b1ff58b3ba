using System.Runtime.CompilerServices;
using Frugal.Costs;

namespace Frugal.Core.Tests.Budgets;

/// <summary>A hand-written ledger over a list, filtering like the real ones.</summary>
internal sealed class ListLedger(params CostRecord[] records) : ICostLedger
{
    public List<CostRecord> Records { get; } = [.. records];

    public Task<IReadOnlyList<CostRecord>> AppendAsync(IReadOnlyList<CostRecord> records, CancellationToken cancellationToken)
    {
        Records.AddRange(records);
        return Task.FromResult(records);
    }

    public async IAsyncEnumerable<CostRecord> QueryAsync(CostQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var r in Records.Where(r =>
            (query.Since is null || r.StartedAt >= query.Since) && (query.Until is null || r.StartedAt < query.Until)
            && (query.Tenant is null || r.Tenant == query.Tenant) && (query.Workflow is null || r.Workflow == query.Workflow)
            && (query.RunId is null || r.RunId == query.RunId) && (query.Tiers is null || query.Tiers.Contains(r.Tier))).ToList())
        {
            yield return r;
        }
    }

    public Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        long removed = Records.RemoveAll(r => r.StartedAt < before);
        return Task.FromResult(removed);
    }
}
