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

    /// <summary>
    /// The tenant a run is for: <paramref name="tenant"/> in its one spelling (outer spaces trimmed, lower case), or <see cref="DefaultTenant"/> when it is empty. Budgets are configured per tenant under
    /// configuration keys, which ignore case, while their counters, the ledger and the text opt-in compared tenants
    /// exactly: once <c>acme</c> was refused, <c>ACME</c> and <c>Acme</c> each spent the whole budget again (and
    /// reports split them into three tenants).
    /// </summary>
    /// <param name="tenant">The tenant a caller named, if any.</param>
    /// <returns>The tenant to record costs and check budgets under.</returns>
    public static string TenantOrDefault(string? tenant) =>
        string.IsNullOrWhiteSpace(tenant) ? DefaultTenant : tenant.Trim().ToLowerInvariant();

    /// <summary>The most characters a tenant name may have.</summary>
    public const int MaxTenantLength = 128;

    /// <summary>
    /// Why <paramref name="tenant"/> cannot name a tenant, or null when it can (null and empty mean the default).
    /// A tenant is part of every cost record's key in a table ledger, whose keys hold at most 1 KiB: a tenant of 3,000
    /// characters was accepted (HTTP 202) and then failed every step of its runs with HTTP 400 from the table.
    /// </summary>
    /// <param name="tenant">The tenant a caller named.</param>
    public static string? TenantProblem(string? tenant) =>
        tenant is null ? null
        : tenant.Length > MaxTenantLength ? $"must be at most {MaxTenantLength} characters (was {tenant.Length})"
        : tenant.Any(char.IsControl) ? "must not contain control characters"
        : null;
}
