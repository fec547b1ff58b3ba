namespace Frugal.Costs;

/// <summary>
/// The append-only, durable store of cost records. Appends are idempotent by <see cref="CostRecordKey"/>: appending a
/// key that is already stored leaves the stored record as it is.
/// </summary>
public interface ICostLedger
{
    /// <summary>Stores <paramref name="records"/> durably; records whose key is already stored are ignored.</summary>
    /// <param name="records">The records to store.</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    /// <returns>
    /// Once every record is durable, those of <paramref name="records"/> (the same instances, in their order) the ledger
    /// did not hold before: a record kept under a re-run key, or one that replaced its write-ahead record, is among
    /// them; one appended again is not. <paramref name="records"/> itself when all were new. Metrics count these, so
    /// that they say what the ledger holds (see <see cref="CostRecorder"/>).
    /// </returns>
    /// <exception cref="CostAppendException">The append failed after some of <paramref name="records"/> were durable (a
    /// ledger that commits an append in several transactions); it says which.</exception>
    Task<IReadOnlyList<CostRecord>> AppendAsync(IReadOnlyList<CostRecord> records, CancellationToken cancellationToken);

    /// <summary>Streams the records matching <paramref name="query"/>, without loading them all into memory.</summary>
    /// <param name="query">The filters.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The matching records, in no guaranteed order.</returns>
    IAsyncEnumerable<CostRecord> QueryAsync(CostQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes the records that started before <paramref name="before"/> (retention).</summary>
    /// <param name="before">Records that started before this instant are deleted.</param>
    /// <param name="cancellationToken">Cancels the purge; records already deleted stay deleted.</param>
    /// <returns>How many records were deleted.</returns>
    Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>
    /// Counts the records <see cref="PurgeAsync"/> would delete given <paramref name="before"/>, deleting nothing
    /// (<c>frugal purge --dry-run</c>). This default reads them with <see cref="QueryAsync"/>; the ledgers count them
    /// with the purge's own filter.
    /// </summary>
    /// <param name="before">Records that started before this instant are counted.</param>
    /// <param name="cancellationToken">Cancels the count.</param>
    /// <returns>How many records a purge would delete now.</returns>
    async Task<long> CountBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var _ in QueryAsync(new CostQuery { Until = before, IncludeDetails = false }, cancellationToken).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// Sums what the finished records <paramref name="query"/> selects spent (budget seeding), with the starts of calls
    /// never finished before its <see cref="CostQuery.CountStartsBefore"/> at their bound: the priced records'
    /// dollars, the unpriced ones grouped by tier, model, usage and dollars, and the starts left out one by one. This default reads every record with
    /// <see cref="QueryAsync"/>; a ledger that can aggregate where the records are stored does so (SQLite), so a month
    /// of a million records comes back as a few rows.
    /// </summary>
    /// <param name="query">The filters; its text and details settings are ignored.</param>
    /// <param name="cancellationToken">Cancels the sum.</param>
    /// <returns>The spend.</returns>
    async Task<CostSpend> SpendAsync(CostQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var spend = new CostSpendBuilder(query.CountStartsBefore);
        await foreach (var record in QueryAsync(query with { IncludeText = false, IncludeDetails = false }, cancellationToken).ConfigureAwait(false))
        {
            spend.Add(record.Outcome, record.StartedAt, record.Priced, record.Tier, record.Model, new TokenUsage(record.InputTokens, record.CachedInputTokens, record.OutputTokens, record.ReasoningTokens), record.Dollars, record.Invocation);
        }

        return spend.Build();
    }
}
