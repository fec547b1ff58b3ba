using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Engine;

/// <summary>Registers Frugal's orchestrator and activity with a Durable Task worker.</summary>
public static class DurableTaskRegistryExtensions
{
    /// <summary>Adds <see cref="WorkflowOrchestrator"/> and <see cref="ExecuteStepActivity"/> under their fixed names.</summary>
    /// <param name="registry">The worker's tasks.</param>
    /// <param name="maxStepRequestBytes">
    /// The most bytes the worker's data converter lets one step request hold (<see cref="FrugalDataConverter.MaxActionBytes"/>
    /// with <see cref="FrugalDataConverter.WithActionSizeCheck"/>), so the orchestrator stops building a foreach batch
    /// that is over it; null for a converter with no limit.
    /// </param>
    public static DurableTaskRegistry AddFrugalTasks(this DurableTaskRegistry registry, int? maxStepRequestBytes = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        // Factories rather than AddOrchestrator<T>/AddActivity<T>: those activate the class by reflection for every
        // orchestrator episode and every activity call. The orchestrator is stateless (a run's state lives in
        // WorkflowRun) and the activity's dependencies are singletons, so one instance of each serves every call.
        var orchestrator = maxStepRequestBytes is { } max ? new WorkflowOrchestrator(max) : new WorkflowOrchestrator();
        registry.AddOrchestrator(WorkflowOrchestrator.Name, () => orchestrator);
        registry.AddActivity(ExecuteStepActivity.Name, services => services.GetRequiredService<ExecuteStepActivity>());
        return registry;
    }
}
