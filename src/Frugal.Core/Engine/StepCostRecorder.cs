using Frugal.Costs;
using Frugal.Models;
using Frugal.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Frugal.Engine;

/// <summary>
/// Writes one cost record per call of each activity attempt, priced with the price table. Keyed by run, step
/// (with the item index inside a foreach) and attempt, so Durable Task replays never duplicate a record and
/// retries (a new attempt number) never overwrite one.
/// </summary>
public sealed class StepCostRecorder
{
    private readonly CostRecorder _recorder;
    private readonly PriceTable _prices;
    private readonly TimeProvider _time;
    private readonly string? _gpuProfile;
    private readonly IServiceProvider? _services;

    /// <summary>Creates the recorder.</summary>
    /// <param name="recorder">Writes the records.</param>
    /// <param name="prices">The price table.</param>
    /// <param name="time">The clock.</param>
    /// <param name="inference">Names the GPU profile (<c>Frugal:Inference:GpuProfile</c>) that prices accelerator seconds;
    /// without one those calls are recorded unpriced.</param>
    /// <param name="services">The tiers' chat clients, whose metadata names the deployment (and provider) of a call
    /// that got no answer.</param>
    public StepCostRecorder(
        CostRecorder recorder, PriceTable prices, TimeProvider time, IOptions<FrugalInferenceOptions>? inference = null, IServiceProvider? services = null)
    {
        _recorder = recorder;
        _prices = prices;
        _time = time;
        _gpuProfile = inference?.Value.GpuProfile;
        _services = services;
    }

    /// <summary>The output tokens a start's upper bound assumes for a step that sets no <c>max_output_tokens</c> and that
    /// no budget caps (GPT-4o's most).</summary>
    public const int DefaultMaxOutputTokens = 16_384;

    /// <summary>
    /// Writes a hosted model call's write-ahead record (<see cref="CostOutcome.Started"/>) and completes when it is durable,
    /// before the call is sent: the estimated prompt tokens, the most it may answer and the most that can cost, the same
    /// worst case a budget reserves for the call: its <see cref="ModelCall.MaxOutputTokens"/>, else, when a budget applies
    /// to its tenant or run, <see cref="Budgets.BudgetOptions.DefaultMaxOutputTokens"/> (the cap the budget sends), else
    /// <see cref="DefaultMaxOutputTokens"/>; at the dearer of the tier's deployment and the fallback deployment, when one
    /// is configured (a call may end there); and a premium answer included when a cheap one may escalate. The call's own
    /// record, written by <see cref="RecordAsync"/> with the invocation returned here, replaces it; one left alone says the
    /// process ended while the call was in flight.
    /// </summary>
    /// <returns>The invocation the call's own record carries.</returns>
    public async Task<string> RecordStartAsync(StepRequest request, int index, ModelCall call, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(call);
        var invocation = CostRecord.NewInvocation();
        var tier = call.Tier.ToString().ToLowerInvariant();
        var metadata = _services is null ? null : ModelTierKeys.MetadataOf(_services, tier);
        long prompt = PromptTrimmer.CountTokens(call.System is null ? call.Prompt : $"{call.System}\n\n{call.Prompt}");
        if (call.MaxInputTokens is { } limit)
        {
            prompt = Math.Min(prompt, limit);
        }

        long output = MaxOutputTokensOf(call, request.Tenant, _services);
        var bound = MostOf(metadata?.DefaultModelId, prompt, output);
        if (call is { Tier: ModelTier.Cheap, Escalate: true, EscalationsLeft: > 0 })
        {
            // A cheap answer that fails validation is asked again of premium within the same call.
            var premium = MostOf(_services is null ? null : ModelTierKeys.MetadataOf(_services, ModelTierKeys.Premium)?.DefaultModelId, prompt, output);
            bound = new PriceResult(bound.Dollars + premium.Dollars, bound.Priced && premium.Priced, bound.PriceTableVersion);
        }

        await _recorder.RecordAsync(new CostRecord
        {
            Invocation = invocation,
            RunId = request.RunId,
            Workflow = request.Workflow,
            WorkflowVersion = request.Hash,
            StepId = StepIdOf(request, index, string.Empty),
            Activity = ExecuteStepActivity.Name,
            Attempt = request.Attempt,
            Tenant = request.Tenant,
            Tier = Tier(tier),
            Provider = metadata?.ProviderName,
            Model = metadata?.DefaultModelId,
            InputTokens = prompt,
            OutputTokens = output,
            Dollars = bound.Dollars,
            PriceTableVersion = bound.PriceTableVersion,
            Priced = bound.Priced,
            BatchSize = request.Calls.Count,
            Outcome = CostOutcome.Started,
            StartedAt = startedAt,
            CompletedAt = startedAt,
            PromptText = call.System is null ? call.Prompt : $"{call.System}\n\n{call.Prompt}",
        }, cancellationToken).ConfigureAwait(false);
        return invocation;
    }

    /// <summary>
    /// Records a finished call; completes when the record is durable. An escalated call also records the cheap
    /// attempt it replaced (step id <c>id#cheap</c>, outcome escalated): both attempts cost money.
    /// </summary>
    /// <remarks>Given <c>started</c>, the invocation <see cref="RecordStartAsync"/> returned, the call's own record takes
    /// the place of its write-ahead record.</remarks>
    public async Task RecordAsync(
        StepRequest request, int index, StepCall call, CallResult? result, DateTimeOffset startedAt, Exception? failure, BilledBeforeFailure? billed, CancellationToken cancellationToken, string? started = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(call);

        // A failed call keeps what it was billed for on the way (BilledBeforeFailure, given only with a failure): the
        // answer it could not use is its own record's usage, and the cheap attempt an escalation replaced and timed-out
        // attempts get theirs.
        result ??= billed?.Answered ?? (billed?.FailedTier is { } failedTier ? Unanswered(failedTier, failedTier) : null);
        if ((result?.EscalatedFrom ?? billed?.EscalatedFrom) is { } replaced)
        {
            var cheap = new CallResult(null, replaced.Tier, replaced.Model, replaced.InputTokens, replaced.OutputTokens, replaced.DurationMs, replaced.Provider)
            {
                CachedInputTokens = replaced.CachedInputTokens,
                ReasoningTokens = replaced.ReasoningTokens,

                // An answer without usage is unpriced at its upper bound here too: priced, it read as spent for certain.
                UsageUnreported = replaced.UsageUnreported,
            };
            await RecordOneAsync(request, index, call, cheap, startedAt, null, "#" + replaced.Tier, CostOutcome.Escalated, cancellationToken).ConfigureAwait(false);
        }

        var unanswered = (billed is null ? result?.UnansweredAttempts : billed.UnansweredAttempts) ?? [];
        for (var i = 0; i < unanswered.Count; i++)
        {
            // No model and no usage: priced as unknown, never as free (costs.md).
            // A fallback deployment's attempt belongs to the tier that fell back to it.
            var tier = unanswered[i] is "cheap" or "premium" ? unanswered[i] : result?.Tier ?? TierOf(call);
            var attempt = Unanswered(tier, unanswered[i]);
            await RecordOneAsync(request, index, call, attempt, startedAt, null, $"~timeout{i + 1}", CostOutcome.Failed, cancellationToken).ConfigureAwait(false);
        }

        await RecordOneAsync(request, index, call, result, startedAt, failure, string.Empty, null, cancellationToken, started).ConfigureAwait(false);
    }

    /// <summary>
    /// The most output tokens <paramref name="call"/> can answer with: its <see cref="ModelCall.MaxOutputTokens"/>, else,
    /// when a budget applies to <paramref name="tenant"/> or its run, the cap <see cref="Budgets.BudgetChatClient"/> sends
    /// it with (<see cref="Budgets.BudgetOptions.DefaultMaxOutputTokens"/>), else <see cref="DefaultMaxOutputTokens"/> (it
    /// goes uncapped). The output a start's bound assumes, and an answer that reported no usage is recorded at.
    /// </summary>
    /// <param name="call">The call.</param>
    /// <param name="tenant">The tenant it is made for.</param>
    /// <param name="services">The services, whose <see cref="Budgets.BudgetGuard"/> (when registered) says whether a budget applies.</param>
    public static int MaxOutputTokensOf(ModelCall call, string tenant, IServiceProvider? services)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.MaxOutputTokens
            ?? (services?.GetService<Budgets.BudgetGuard>() is { } guard && guard.Applies(tenant) ? guard.Options.DefaultMaxOutputTokens : DefaultMaxOutputTokens);
    }

    /// <summary>
    /// The most a call of <paramref name="prompt"/> tokens and up to <paramref name="output"/> output tokens (each
    /// perhaps a reasoning token, <see cref="PriceTable.PriceMost"/>) can cost on a tier's deployment
    /// <paramref name="model"/>: at the dearer of it and
    /// the fallback deployment, when one is configured, as a budget reserves. Priced cheap while a cheap outage sent
    /// the call to a premium fallback, the bound understated what the call may have cost. Unpriced when either is.
    /// </summary>
    private PriceResult MostOf(string? model, long prompt, long output)
    {
        var own = _prices.PriceMost(model, prompt, output);
        if (_services is null || ModelTierKeys.MetadataOf(_services, ModelTierKeys.Fallback) is not { } fallback)
        {
            return own;
        }

        var other = _prices.PriceMost(fallback.DefaultModelId, prompt, output);
        return new PriceResult(Math.Max(own.Dollars, other.Dollars), own.Priced && other.Priced, own.PriceTableVersion);
    }

    // A run started again under its id records its calls as answer@2, answer@3, ...: attempts count from 1 again.
    private static string StepIdOf(StepRequest request, int index, string suffix) =>
        request.ItemStepId(index)
        + (request.Execution > 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"@{request.Execution + 1}") : string.Empty)
        + suffix;

    private Task RecordOneAsync(
        StepRequest request, int index, StepCall call, CallResult? result, DateTimeOffset startedAt, Exception? failure, string suffix, CostOutcome? outcome, CancellationToken cancellationToken, string? started = null)
    {
        var tier = Tier(result?.Tier ?? TierOf(call));
        var usage = new TokenUsage(result?.InputTokens ?? 0, result?.CachedInputTokens ?? 0, result?.OutputTokens ?? 0, result?.ReasoningTokens ?? 0);
        // A failed call that got no answer costs nothing when the failure says so, else it is unknown (the record names
        // the deployment it went to, but its usage is not known, so it is not priced as zero tokens of that model).
        var unanswered = result is null || result.Unanswered || result.Model is null;
        // An answer that reported no usage is unpriced, its tokens an upper bound (CallResult.UsageUnreported): priced
        // from them it would read as spent for certain, priced from none as free.
        var price = unanswered && failure is not null && StepFailures.CostNothing(failure) ? new PriceResult(0m, true, _prices.Version)
            : result is { UsageUnreported: true } ? new PriceResult(0m, false, _prices.Version)
            : tier is CostTier.Cheap or CostTier.Premium
            ? _prices.Price(result is { Unanswered: true } ? null : result?.Model, usage)
            : tier == CostTier.Onnx || result is { GpuSeconds: > 0 } ? _prices.PriceGpu(_gpuProfile, result?.GpuSeconds ?? 0) : new PriceResult(0m, true, _prices.Version);
        var stepId = StepIdOf(request, index, suffix);
        var record = new CostRecord
        {
            Invocation = started ?? CostRecord.NewInvocation(),
            ReplacesStart = started is not null,
            RunId = request.RunId,
            Workflow = request.Workflow,
            WorkflowVersion = request.Hash,
            StepId = stepId,
            Activity = ExecuteStepActivity.Name,
            Attempt = request.Attempt,
            Tenant = request.Tenant,
            Tier = tier,
            Provider = result?.Provider,
            Model = result?.Model,
            InputTokens = usage.InputTokens,
            OutputTokens = usage.OutputTokens,
            CachedInputTokens = usage.CachedInputTokens,
            ReasoningTokens = usage.ReasoningTokens,
            Dollars = price.Dollars,
            PriceTableVersion = price.PriceTableVersion,
            Priced = price.Priced,
            GpuSeconds = result?.GpuSeconds ?? 0,
            BatchSize = request.Calls.Count,
            // A call that got no answer has no duration of its own: it took as long as it failed after (it read 0 ms).
            LatencyMs = result is { Unanswered: false, DurationMs: > 0 } ? result.DurationMs : (_time.GetUtcNow() - startedAt).TotalMilliseconds,
            Outcome = outcome ?? (failure is null ? CostOutcome.Succeeded : CostOutcome.Failed),
            StartedAt = startedAt,
            CompletedAt = _time.GetUtcNow(),
            PromptText = call switch
            {
                ModelCall m => m.System is null ? m.Prompt : $"{m.System}\n\n{m.Prompt}",
                ClassifyCall c => c.Text,
                _ => null,
            },
            AnswerText = result?.Output is { } output ? Frugal.Expressions.JsonText.Write(output) : null, // for people reading the ledger: "café", not "caf\u00E9"
        };
        return _recorder.RecordAsync(record, cancellationToken);
    }

    /// <summary>
    /// A call of <paramref name="tier"/> that got no answer, sent to <paramref name="deployment"/>'s client (a tier's own,
    /// or <c>fallback</c>): its record names the deployment and provider (reports grouped such calls under "(none)").
    /// </summary>
    private CallResult Unanswered(string tier, string deployment)
    {
        var metadata = _services is null ? null : ModelTierKeys.MetadataOf(_services, deployment);
        return new CallResult(null, tier, metadata?.DefaultModelId, Provider: metadata?.ProviderName) { Unanswered = true };
    }

    private static string TierOf(StepCall call) => call switch
    {
        ModelCall m => m.Tier.ToString().ToLowerInvariant(),
        DeterministicCall => "deterministic",
        _ => "none",
    };

    private static CostTier Tier(string tier) => tier switch
    {
        "cheap" => CostTier.Cheap,
        "premium" => CostTier.Premium,
        "onnx" => CostTier.Onnx,
        "deterministic" => CostTier.Deterministic,
        _ => CostTier.None,
    };
}
