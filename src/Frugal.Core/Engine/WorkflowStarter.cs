using System.Text.Json.Nodes;
using Frugal.Workflows;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Frugal.Engine;

/// <summary>Starts runs: checks the input against the workflow's input schema, pins the definition, schedules the orchestrator.</summary>
public static class WorkflowStarter
{
    /// <summary>Starts a run and returns its instance id.</summary>
    /// <exception cref="WorkflowInputException">The input does not satisfy the workflow's input schema.</exception>
    public static async Task<string> StartAsync(
        DurableTaskClient client,
        WorkflowDefinition definition,
        JsonNode? input,
        string? tenant = null,
        string? instanceId = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(definition);
        var violations = WorkflowInputValidator.Validate(definition, input);
        if (violations.Count > 0)
        {
            throw new WorkflowInputException(definition.Name, violations);
        }

        var request = new WorkflowRunRequest(
            definition.Name,
            definition.Hash,
            definition.Source,
            Path.GetFileName(definition.File),
            input,
            WorkflowRunRequest.TenantOrDefault(tenant));
        var options = instanceId is null ? null : new StartOrchestrationOptions(instanceId);
        return await client.ScheduleNewOrchestrationInstanceAsync(WorkflowOrchestrator.Name, request, options, cancellationToken)
            .ConfigureAwait(false);
    }
}
