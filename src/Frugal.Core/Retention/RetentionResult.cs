namespace Frugal.Retention;

/// <summary>What a purge deleted.</summary>
/// <param name="CostRecords">Cost records deleted (null when the ledger was not purged).</param>
/// <param name="Runs">Run histories deleted (null when run histories were not purged).</param>
/// <param name="CostRecordsBefore">The cut-off of cost records.</param>
/// <param name="RunsBefore">The cut-off of run histories.</param>
public sealed record RetentionResult(long? CostRecords, int? Runs, DateTimeOffset CostRecordsBefore, DateTimeOffset RunsBefore)
{
    /// <summary>Whether the cost records' cut-off was moved back to the start of the month, whose spend budgets count.</summary>
    public bool CostRecordsKeptForBudgets { get; init; }
}
