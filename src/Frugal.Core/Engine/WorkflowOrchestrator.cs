using System.Text.Json.Nodes;
using Frugal.Workflows;
using Microsoft.DurableTask;

namespace Frugal.Engine;

/// <summary>
/// Runs a workflow definition: each step is an <see cref="ExecuteStepActivity"/> call, independent steps run
/// in parallel, a <c>foreach</c> fans out in batches. Deterministic: everything that touches the world
/// (models, clocks, storage) happens in activities; this class only evaluates expressions over activity results.
/// </summary>
public sealed class WorkflowOrchestrator : TaskOrchestrator<WorkflowRunRequest, WorkflowRunResult>
{
    /// <summary>The orchestrator's registered name.</summary>
    public const string Name = nameof(WorkflowOrchestrator);

    private readonly int _maxStepRequestBytes;

    /// <summary>An orchestrator for a worker that takes a step request of any size (the Functions app's).</summary>
    public WorkflowOrchestrator()
    {
    }

    /// <summary>
    /// An orchestrator for a worker whose data converter refuses a step request over
    /// <paramref name="maxStepRequestBytes"/> (<see cref="FrugalDataConverter.WithActionSizeCheck"/>, the local host's):
    /// a foreach batch is refused, with the converter's message, as soon as what is built of it is surely over, rather
    /// than built whole (400 calls of a 1 MB text each) only to be refused. A setting of the host, never of the run:
    /// every replay of a run decides the same.
    /// </summary>
    /// <param name="maxStepRequestBytes">The most UTF-8 bytes the converter lets one step request hold.</param>
    public WorkflowOrchestrator(int maxStepRequestBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxStepRequestBytes);
        _maxStepRequestBytes = maxStepRequestBytes;
    }

    /// <inheritdoc />
    public override async Task<WorkflowRunResult> RunAsync(TaskOrchestrationContext context, WorkflowRunRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);

        var definition = DefinitionCache.Get(input);
        var run = new WorkflowRun(context, input, definition, _maxStepRequestBytes);
        try
        {
            return await run.ExecuteAsync();
        }
        catch (Exception ex)
        {
            // A failed run has no result, so its status carries what a completed run's result says of its steps:
            // Durable Task keeps the custom status the failing episode sets, and it is built only here, once.
            context.SetCustomStatus(run.FailedProgress(ex));
            throw;
        }
    }
}
