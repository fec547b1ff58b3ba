using System.Text.Json.Nodes;
using Frugal.Workflows;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Frugal.Engine;

/// <summary>
/// Starts runs: pins the definition and schedules the orchestrator with an input checked against the workflow's input
/// schema (<see cref="ValidatedInput"/>), or checks it first.
/// </summary>
public static class WorkflowStarter
{
    /// <summary>Checks the input against the workflow's input schema, starts a run and returns its instance id.</summary>
    /// <exception cref="WorkflowInputException">The input does not satisfy the workflow's input schema.</exception>
    public static Task<string> StartAsync(
        DurableTaskClient client,
        WorkflowDefinition definition,
        JsonNode? input,
        string? tenant = null,
        string? instanceId = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(definition);
        ThrowIfTenantInvalid(tenant);
        return WorkflowInputValidator.TryValidate(definition, input, out var valid, out var violations)
            ? ScheduleAsync(client, valid, tenant, instanceId, execution: 0, cancellationToken)
            : throw new WorkflowInputException(definition.Name, violations);
    }

    /// <summary>Starts an execution of a run with an input already checked, and returns its instance id.</summary>
    /// <param name="client">The task hub's client.</param>
    /// <param name="input">The run input and its workflow, as <see cref="WorkflowInputValidator.TryValidate"/> passed them.</param>
    /// <param name="tenant">The tenant, or null for the default one.</param>
    /// <param name="instanceId">The run's id, or null for a new one.</param>
    /// <param name="execution">Which execution of <paramref name="instanceId"/> this is (<see cref="NextExecutionAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static Task<string> StartAsync(
        DurableTaskClient client,
        ValidatedInput input,
        string? tenant = null,
        string? instanceId = null,
        int execution = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(input);
        ThrowIfTenantInvalid(tenant);
        return ScheduleAsync(client, input, tenant, instanceId, execution, cancellationToken);
    }

    /// <summary>Schedules the run; both public starts have checked their arguments (the tenant once, not again here).</summary>
    private static async Task<string> ScheduleAsync(
        DurableTaskClient client, ValidatedInput input, string? tenant, string? instanceId, int execution, CancellationToken cancellationToken)
    {
        var definition = input.Definition;
        var request = new WorkflowRunRequest(
            definition.Name,
            definition.Hash,
            definition.Source,
            Path.GetFileName(definition.File),
            input.Input,
            WorkflowRunRequest.TenantOrDefault(tenant)) { Execution = execution };
        var options = instanceId is null ? null : new StartOrchestrationOptions(instanceId);
        return await client.ScheduleNewOrchestrationInstanceAsync(WorkflowOrchestrator.Name, request, options, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// What a start under <paramref name="instanceId"/> would be: a new run (no status, execution 0) when no run has
    /// that id; nothing to start while the run there is still going (running, pending or suspended) or when it
    /// completed (a job sent again is the same job, whose answers were paid for once already); otherwise (failed,
    /// terminated) the next execution of the run, whose calls are then recorded apart from the earlier execution's,
    /// whose attempt numbers they would repeat.
    /// </summary>
    /// <param name="client">The task hub's client.</param>
    /// <param name="instanceId">The id the run would be started under.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The status of the run under that id (null when none), whether to start, and the execution a start would be.</returns>
    public static async Task<(OrchestrationRuntimeStatus? Status, bool Start, int Execution)> NextExecutionAsync(
        DurableTaskClient client, string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var existing = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return (null, true, 0);
        }

        if (existing.RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending
            or OrchestrationRuntimeStatus.Suspended or OrchestrationRuntimeStatus.Completed)
        {
            return (existing.RuntimeStatus, false, 0);
        }

        // The input says which execution it was; the status alone does not (there is no way to read the input alone).
        var ended = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        return (existing.RuntimeStatus, true, ExecutionAfter(ended));
    }

    /// <summary>The execution a start after the run <paramref name="ended"/> (read with its input) would be.</summary>
    /// <param name="ended">The run that ended, read with <c>getInputsAndOutputs</c>; null when it is gone.</param>
    public static int ExecutionAfter(OrchestrationMetadata? ended)
    {
        try
        {
            return (ended?.ReadInputAs<WorkflowRunRequest>()?.Execution ?? 0) + 1;
        }
        catch (System.Text.Json.JsonException)
        {
            return 1; // not a workflow run's input: whatever it was, this start is a later execution
        }
    }

    private static void ThrowIfTenantInvalid(string? tenant)
    {
        if (WorkflowRunRequest.TenantProblem(tenant) is { } problem)
        {
            throw new ArgumentException($"tenant {problem}", nameof(tenant));
        }
    }
}
