using Microsoft.DurableTask;

namespace Frugal.Engine;

/// <summary>Registers Frugal's orchestrator and activity with a Durable Task worker.</summary>
public static class DurableTaskRegistryExtensions
{
    /// <summary>Adds <see cref="WorkflowOrchestrator"/> and <see cref="ExecuteStepActivity"/> under their fixed names.</summary>
    public static DurableTaskRegistry AddFrugalTasks(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddOrchestrator<WorkflowOrchestrator>(WorkflowOrchestrator.Name);
        registry.AddActivity<ExecuteStepActivity>(ExecuteStepActivity.Name);
        return registry;
    }
}
