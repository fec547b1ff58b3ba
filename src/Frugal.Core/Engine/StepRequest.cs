namespace Frugal.Engine;

/// <summary>The input of the <c>ExecuteStep</c> activity: one attempt at a step (or one batch of a foreach).</summary>
/// <param name="Workflow">The workflow's name.</param>
/// <param name="Hash">The definition's hash (the workflow's version).</param>
/// <param name="Tenant">The run's tenant.</param>
/// <param name="StepId">The step.</param>
/// <param name="Attempt">1 for the first attempt; retries count up, so each attempt has its own cost record.</param>
/// <param name="Calls">The work, one call per item.</param>
/// <param name="Batch">The batch's index within a foreach, else 0.</param>
/// <param name="FirstItem">The foreach item index of the first call (calls are items <c>FirstItem..FirstItem+Calls.Count-1</c>); -1 outside a
/// foreach. Always written: step messages leave default values out (<see cref="FrugalDataConverter"/>), and the first
/// batch's 0 left out came back as -1, so its items were recorded under the step's own id, all but one of them
/// dropped as repeats of the first.</param>
public sealed record StepRequest(
    string Workflow,
    string Hash,
    string Tenant,
    string StepId,
    int Attempt,
    IReadOnlyList<StepCall> Calls,
    int Batch = 0,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] int FirstItem = -1)
{
    /// <summary>
    /// The run's instance id. Not sent: the activity takes it from its context (<see cref="ExecuteStepActivity"/>),
    /// because every byte of a request is carried again in the history the orchestrator replays.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string RunId { get; init; } = string.Empty;

    /// <summary>
    /// The foreach items of the calls, when they are not <c>FirstItem..FirstItem+Calls.Count-1</c>: a retry that
    /// sends only the calls of a batch that failed.
    /// </summary>
    public IReadOnlyList<int>? Items { get; init; }

    /// <summary>
    /// Why the step's calls could not be built (an expression that fails on this run's data); the activity fails with
    /// it. The orchestrator sends such a request rather than failing where it stands, so that a replay, which does not
    /// build calls again, schedules the same activities as the first pass did.
    /// </summary>
    public string? Error { get; init; }

    /// <summary>
    /// <see cref="Error"/> without the run's data it may quote (the value an expression could not read), for the span
    /// and log of a tenant whose text is not stored (<see cref="Telemetry.TenantTextPolicy"/>); null when there is no
    /// error, or in a request sent before it was.
    /// </summary>
    public string? RedactedError { get; init; }

    /// <summary>The run's execution (<see cref="WorkflowRunRequest.Execution"/>): 0 for its first, left out of the message.</summary>
    public int Execution { get; init; }

    /// <summary>The step id a call is recorded under: the step's id, or <c>id[item]</c> inside a foreach.</summary>
    public string ItemStepId(int index) =>
        Items is { } items ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{StepId}[{items[index]}]")
        : FirstItem < 0 ? StepId
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{StepId}[{FirstItem + index}]");
}
