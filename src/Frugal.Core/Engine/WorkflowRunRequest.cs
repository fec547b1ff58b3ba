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
    /// <summary>The tenant of runs that name none.</summary>
    public const string DefaultTenant = "default";

    /// <summary>The tenant a run is for: <paramref name="tenant"/>, or <see cref="DefaultTenant"/> when it is empty.</summary>
    /// <param name="tenant">The tenant a caller named, if any.</param>
    /// <returns>The tenant to record costs and check budgets under.</returns>
    public static string TenantOrDefault(string? tenant) => string.IsNullOrWhiteSpace(tenant) ? DefaultTenant : tenant;
}
