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

    /// <summary>
    /// What went from the routing feedback store (<c>Frugal:Routing:Feedback</c>), null when it was not purged: the
    /// remembered model calls older than the run histories' retention (a verdict on a run no longer kept cannot come),
    /// and the labelled examples older than the cost records' (both keep prompt text; the month kept for budgets is
    /// not kept here).
    /// </summary>
    public (int Calls, int Examples)? Feedback { get; init; }
}
