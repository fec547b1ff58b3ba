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

    /// <inheritdoc />
    public override async Task<WorkflowRunResult> RunAsync(TaskOrchestrationContext context, WorkflowRunRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);

        var definition = DefinitionCache.Get(input);
        var run = new WorkflowRun(context, input, definition);
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
