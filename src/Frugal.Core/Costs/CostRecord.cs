using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace Frugal.Costs;

/// <summary>
/// What one activity attempt cost: written by every activity, keyed by <see cref="Key"/> so replays and retried
/// writes never duplicate. Prompt and answer are kept as SHA-256 hashes; their text only for tenants listed in
/// <see cref="CostsOptions.StoreTextForTenants"/> (the <see cref="CostRecorder"/> strips it for everyone else).
/// </summary>
public sealed record CostRecord
{
    /// <summary>The durable orchestration instance id.</summary>
    public required string RunId { get; init; }

    /// <summary>The workflow's name.</summary>
    public required string Workflow { get; init; }

    /// <summary>The workflow definition's hash (the version the run is pinned to).</summary>
    public string WorkflowVersion { get; init; } = "";

    /// <summary>The step id, unique within the run (see <see cref="CostRecordKey.StepId"/>).</summary>
    public required string StepId { get; init; }

    /// <summary>The activity that ran the step.</summary>
    public string Activity { get; init; } = "";

    /// <summary>The activity attempt number, starting at 1.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The tenant the run belongs to.</summary>
    public string Tenant { get; init; } = "default";

    /// <summary>Which path served the step.</summary>
    public CostTier Tier { get; init; }

    /// <summary>The model provider (<c>azure-openai</c>, <c>openai</c>, <c>onnx</c>), if a model ran.</summary>
    public string? Provider { get; init; }

    /// <summary>The model or deployment name, if a model ran.</summary>
    public string? Model { get; init; }

    /// <summary>All input tokens, cached ones included.</summary>
    public long InputTokens { get; init; }

    /// <summary>Input tokens served from the provider's prompt cache.</summary>
    public long CachedInputTokens { get; init; }

    /// <summary>All output tokens, reasoning ones included.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Output tokens spent on reasoning.</summary>
    public long ReasoningTokens { get; init; }

    /// <summary>What the attempt cost, in US dollars (zero when <see cref="Priced"/> is false: unknown, not free).</summary>
    public decimal Dollars { get; init; }

    /// <summary>The price table version that priced the attempt.</summary>
    public string PriceTableVersion { get; init; } = "";

    /// <summary>False when the model was missing from the price table.</summary>
    public bool Priced { get; init; } = true;

    /// <summary>Whether the answer came from the cache.</summary>
    public CacheOutcome Cache { get; init; }

    /// <summary>What a cache hit saved: the price of the model call it replaced.</summary>
    public decimal SavedDollars { get; init; }

    /// <summary>GPU seconds this attempt used on the inference app (its share of a batch).</summary>
    public double GpuSeconds { get; init; }

    /// <summary>How many requests shared the GPU batch (1 when not batched).</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Wall-clock latency of the attempt in milliseconds.</summary>
    public double LatencyMs { get; init; }

    /// <summary>How the attempt ended.</summary>
    public CostOutcome Outcome { get; init; }

    /// <summary>When the attempt started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the attempt completed.</summary>
    public DateTimeOffset CompletedAt { get; init; }

    /// <summary>SHA-256 (hex, lower case) of the prompt, if any.</summary>
    public string? PromptHash { get; init; }

    /// <summary>SHA-256 (hex, lower case) of the answer, if any.</summary>
    public string? AnswerHash { get; init; }

    /// <summary>The prompt text: stored only for tenants who opted in.</summary>
    public string? PromptText { get; init; }

    /// <summary>The answer text: stored only for tenants who opted in.</summary>
    public string? AnswerText { get; init; }

    /// <summary>
    /// Unique to this record (one execution of one call), or null. Durable Task runs an activity again, under the same
    /// attempt number, when its host stopped before the result was stored; that execution calls the model again, and
    /// its records arrive with the <see cref="Key"/> of the first execution's. A ledger keeps such a record beside the
    /// first, re-keyed <c>step~rerun1</c> (reports merge it into the step), and drops only the same record appended twice
    /// (the same invocation), which is what the key's uniqueness is for. Without it, the second execution's spend was
    /// dropped as if it were a duplicate.
    /// </summary>
    public string? Invocation { get; init; }

    /// <summary>
    /// A new <see cref="Invocation"/>: 32 hex digits, the first 12 the same for every call of this process (the operating
    /// system's: hosts built in one process share them) and the rest random. A budget seeded from the ledger tells by
    /// them the starts of this process's own calls in flight, which its reservations count, from those of calls another
    /// process left unfinished (<see cref="IsOfThisProcess"/>).
    /// </summary>
    /// <returns>The invocation.</returns>
    public static string NewInvocation() => string.Concat(ThisProcess, Guid.NewGuid().ToString("N").AsSpan(ThisProcess.Length));

    /// <summary>Whether <paramref name="invocation"/> is one <see cref="NewInvocation"/> made in this process.</summary>
    /// <param name="invocation">A record's invocation.</param>
    /// <returns>True for this process's calls; false for other processes', and for records without one.</returns>
    public static bool IsOfThisProcess(string? invocation) =>
        invocation is { Length: 32 } && invocation.StartsWith(ThisProcess, StringComparison.Ordinal);

    private static readonly string ThisProcess = Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// True on a call's own record when the call wrote a write-ahead record (<see cref="CostOutcome.Started"/>) under the
    /// same key and <see cref="Invocation"/> before it was sent: a ledger replaces that record with this one. Not stored.
    /// </summary>
    [JsonIgnore]
    public bool ReplacesStart { get; init; }

    /// <summary>
    /// Whether this is a write-ahead record no call's own record replaced (<see cref="CostOutcome.Started"/>): a call in
    /// flight, or one the process died during. Its dollars are the most the call can cost, not what it cost, so sums
    /// of spend leave it out and reports show it apart.
    /// </summary>
    [JsonIgnore]
    public bool Unfinished => Outcome == CostOutcome.Started;

    /// <summary>The record's identity.</summary>
    [JsonIgnore]
    public CostRecordKey Key => new(RunId, StepId, Attempt);

    /// <summary>This record under the step id its <paramref name="rerun"/>th re-execution takes (<c>answer~rerun1</c>).</summary>
    /// <param name="rerun">1 for the first re-execution.</param>
    public CostRecord Rerun(int rerun) =>
        this with { StepId = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{StepId}~rerun{rerun}") };

    /// <summary>SHA-256 of <paramref name="text"/> (UTF-8) as lower-case hex; null for null.</summary>
    /// <param name="text">The prompt or answer.</param>
    /// <returns>The hash, or null.</returns>
    public static string? HashText(string? text) =>
        text is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
