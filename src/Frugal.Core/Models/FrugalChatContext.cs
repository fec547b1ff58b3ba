using Microsoft.Extensions.AI;

namespace Frugal.Models;

/// <summary>
/// Who a model call is for. The step handler puts it in <see cref="ChatOptions.AdditionalProperties"/>, so the
/// delegating chat clients of the pipeline (budgets, rate limits, telemetry) can read it without new parameters.
/// </summary>
/// <param name="RunId">The run's instance id.</param>
/// <param name="Workflow">The workflow.</param>
/// <param name="Tenant">The tenant.</param>
/// <param name="StepId">The step (with the item index inside a foreach).</param>
/// <param name="Attempt">The activity attempt.</param>
/// <param name="Tier">The tier the call was sent to (<c>cheap</c>, <c>premium</c>).</param>
public sealed record FrugalChatContext(string RunId, string Workflow, string Tenant, string StepId, int Attempt, string Tier)
{
    /// <summary>
    /// Whether the call is an escalation (a cheap answer failed validation and premium is asked). A budget that would
    /// downgrade it refuses it instead: downgraded, it asked the same cheap model again, paid twice for one invalid answer.
    /// </summary>
    public bool Escalation { get; init; }

    /// <summary>
    /// Writes the call's durable start record (<see cref="Engine.StepCostRecorder.RecordStartAsync"/>), once however
    /// often it is run (an escalation or a downgrade passes it on): run by the budget client once the call is admitted,
    /// or by the step handler just before sending when the tier has no budget client. Before, the start was written
    /// before the budget's admission, which can wait up to a minute for a tenant's tokens per minute, and a process
    /// killed then left starts of calls never sent, each later counted as spent at its bound. Null: nothing to write.
    /// </summary>
    public Func<CancellationToken, Task>? BeforeSend { get; init; }

    /// <summary>The key under which the context travels in <see cref="ChatOptions.AdditionalProperties"/>.</summary>
    public const string PropertyKey = "frugal.context";

    /// <summary>Reads the context from chat options, or null when the call did not come from a step.</summary>
    public static FrugalChatContext? From(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(PropertyKey, out var value) == true ? value as FrugalChatContext : null;

    /// <summary>Stores the context in chat options.</summary>
    public void ApplyTo(ChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        (options.AdditionalProperties ??= [])[PropertyKey] = this;
    }
}
