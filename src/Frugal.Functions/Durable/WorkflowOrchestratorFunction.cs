using Frugal.Engine;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Frugal.Functions.Durable;

/// <summary>The Functions trigger for <see cref="WorkflowOrchestrator"/>: the same class the local host runs.</summary>
public static class WorkflowOrchestratorFunction
{
    [Function(WorkflowOrchestrator.Name)]
    public static Task<WorkflowRunResult> RunAsync([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new WorkflowOrchestrator().RunAsync(context, context.GetInput<WorkflowRunRequest>()!);
    }
}
