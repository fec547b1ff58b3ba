using System.Text.Json.Nodes;

namespace Frugal.Engine;

/// <summary>
/// The input of a workflow run. It carries the definition's source and hash, so a run keeps the
/// definition it started with for its whole life: editing the YAML file never changes a run in flight.
/// </summary>
/// <param name="Workflow">The workflow's name.</param>
/// <param name="Hash">SHA-256 of <paramref name="Source"/>: the version the run is pinned to.</param>
/// <param name="Source">The YAML the run started with.</param>
/// <param name="File">The file the YAML came from, for messages.</param>
/// <param name="Input">The run input (already validated against the workflow's input schema).</param>
/// <param name="Tenant">Who the run is for; costs and budgets are kept per tenant.</param>
[System.Text.Json.Serialization.JsonConverter(typeof(WorkflowRunRequestConverter))]
public sealed record WorkflowRunRequest(
    string Workflow,
    string Hash,
    string Source,
    string File,
    JsonNode? Input,
    string Tenant = WorkflowRunRequest.DefaultTenant)
{
    /// <summary>
    /// 0 for a run's first execution; 1, 2, ... when a failed or terminated run is started again under the same id (the
    /// same `frugal run` command against a --store, a queue job with the same id). Its calls are recorded apart
    /// (<see cref="StepRequest.Execution"/>): with attempts counting from 1 again, the ledger took the new execution's
    /// records for replays of the old one's and dropped them, so a rerun that paid for every call again recorded few.
    /// </summary>
    public int Execution { get; init; }

    /// <summary>The tenant of runs that name none.</summary>
    public const string DefaultTenant = "default";

    /// <summary>The tenant a run is for: <paramref name="tenant"/>, or <see cref="DefaultTenant"/> when it is empty.</summary>
    /// <param name="tenant">The tenant a caller named, if any.</param>
    /// <returns>The tenant to record costs and check budgets under.</returns>
    public static string TenantOrDefault(string? tenant) => string.IsNullOrWhiteSpace(tenant) ? DefaultTenant : tenant;
}
