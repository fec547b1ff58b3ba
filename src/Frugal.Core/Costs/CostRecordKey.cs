namespace Frugal.Costs;

/// <summary>
/// The identity of a cost record: one per real activity attempt. Re-appending a record with the same key is a no-op,
/// so Durable Task replays and retried appends never duplicate; a retry of the activity has a new
/// <paramref name="Attempt"/> and is kept as its own record.
/// </summary>
/// <param name="RunId">The durable orchestration instance id.</param>
/// <param name="StepId">
/// The step id, unique within the run: steps inside a <c>foreach</c> carry their iteration (<c>summarise[3]</c>), and
/// a second model call inside one attempt (an escalation) carries a suffix (<c>answer#premium</c>).
/// </param>
/// <param name="Attempt">The activity attempt number, starting at 1.</param>
public readonly record struct CostRecordKey(string RunId, string StepId, int Attempt)
{
    /// <inheritdoc />
    public override string ToString() => $"{RunId}|{StepId}|{Attempt}";
}
