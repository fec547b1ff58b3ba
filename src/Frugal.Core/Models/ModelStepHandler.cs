using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Budgets;
using Frugal.Engine;
using Frugal.Resilience;
using Frugal.Telemetry;
using Frugal.Workflows;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Models;

/// <summary>
/// Answers a <see cref="ModelCall"/>: applies the premium-share cap to auto-routed calls, trims the prompt to its token
/// limit, calls the tier's <see cref="IChatClient"/>, validates the answer and, when a cheap answer is invalid,
/// escalates it once to premium. Every HTTP attempt, fallback, cut and decision lands in the call's metadata.
/// </summary>
public sealed class ModelStepHandler
{
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly PremiumShareGovernor? _governor;
    private readonly IRoutingFeedbackSink? _feedback;
    private readonly HashSet<string> _feedbackTenants;

    /// <summary>Creates the handler; chat clients are keyed services named after the tier (<c>cheap</c>, <c>premium</c>).</summary>
    public ModelStepHandler(IServiceProvider services, PremiumShareGovernor? governor = null, IRoutingFeedbackSink? feedback = null)
    {
        _services = services;
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _governor = governor;
        _feedback = feedback;

        // The feedback loop keeps prompt text, so it keeps examples only of the tenants whose text may be stored
        // (Frugal:Costs:StoreTextForTenants), as the cost ledger does; it kept every tenant's before.
        _feedbackTenants = new(
            (feedback is null ? null : services.GetService<Microsoft.Extensions.Options.IOptions<Frugal.Costs.CostsOptions>>()?.Value.StoreTextForTenants) ?? [],
            StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Calls the model and returns its answer (parsed JSON when the call has an output schema).</summary>
    /// <param name="call">The call.</param>
    /// <param name="request">The step attempt the call belongs to (its run, tenant and step travel with the chat options).</param>
    /// <param name="index">The call's index in the request.</param>
    /// <param name="escalations">The escalations the request's calls may still make; null for the call's own count.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<CallResult> ExecuteAsync(ModelCall call, StepRequest request, int index, EscalationAllowance? escalations, CancellationToken cancellationToken) =>
        ExecuteAsync(call, request, index, escalations, billedBeforeFailure: null, cancellationToken);

    /// <summary>Calls the model; when it fails, first tells <paramref name="billedBeforeFailure"/> what it had been billed for.</summary>
    /// <param name="call">The call.</param>
    /// <param name="request">The step attempt the call belongs to.</param>
    /// <param name="index">The call's index in the request.</param>
    /// <param name="escalations">The escalations the request's calls may still make; null for the call's own count.</param>
    /// <param name="billedBeforeFailure">Told, before the exception is thrown, what a failing call was billed for.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="beforeSend">Writes the call's start record once it may be sent (<see cref="FrugalChatContext.BeforeSend"/>).</param>
    public async Task<CallResult> ExecuteAsync(
        ModelCall call, StepRequest request, int index, EscalationAllowance? escalations, Action<BilledBeforeFailure>? billedBeforeFailure, CancellationToken cancellationToken,
        Func<CancellationToken, Task>? beforeSend = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(request);
        if (call.Tier == ModelTier.Onnx)
        {
            var onnx = _services.GetService<IOnnxStepHandler>()
                ?? throw new StepInputException("tier 'onnx' needs Frugal's inference app or in-process ONNX models (Frugal:Inference); none is configured");
            return await onnx.ExecuteAsync(call, request, cancellationToken).ConfigureAwait(false);
        }

        var metadata = new JsonObject();
        var tier = call.Tier;
        if (call.AutoRouted && _governor?.Decide(call, request, index, tier == ModelTier.Premium) is { } downgrade)
        {
            tier = ModelTier.Cheap;
            metadata["downgraded"] = new JsonObject { ["from"] = "premium", ["to"] = "cheap", ["reason"] = downgrade };
        }

        if (call.RouteFallback is { } fallback)
        {
            metadata["route_fallback"] = fallback;
        }

        var prompt = call.Prompt;
        if (call.MaxInputTokens is { } limit)
        {
            // The limit is on everything sent: the system prompt takes its share first (it was not counted, so a long
            // system prompt went out whole beside a prompt cut to the limit).
            var endpoint = _services.GetService<Microsoft.Extensions.Options.IOptions<ModelsOptions>>()?.Value is { } models
                ? (tier == ModelTier.Premium ? models.Premium : models.Cheap)
                : null;
            var (encoding, known) = PromptTrimmer.EncodingFor(endpoint?.Tokenizer, endpoint?.Deployment);
            var system = string.IsNullOrEmpty(call.System) ? 0 : PromptTrimmer.CountTokens(call.System, encoding);
            if (system >= limit)
            {
                throw new StepInputException($"the system prompt alone is {system} tokens, which leaves nothing of max_input_tokens {limit} for the prompt");
            }

            (prompt, var trimmed) = PromptTrimmer.Trim(prompt, limit - system, call.Trim, encoding);
            if (trimmed is not null)
            {
                if (!known)
                {
                    // Counted with a GPT tokenizer for a model whose own is not known here: the counts are approximate.
                    trimmed["tokenizer_approximate"] = true;
                }

                if (string.IsNullOrWhiteSpace(prompt))
                {
                    // Sending (and paying for) an empty prompt answers nothing.
                    throw new StepInputException(
                        $"max_input_tokens {limit} leaves nothing of the prompt ({trimmed["original_tokens"]} tokens{(system > 0 ? $", after {system} of the system prompt" : string.Empty)}); raise it");
                }

                trimmed["max_input_tokens"] = limit;
                trimmed["system_tokens"] = system;
                metadata["trimmed"] = trimmed;
            }
        }

        var log = ModelAttemptLog.Begin();
        TierUsage? replaced = null;
        CallResult? answered = null; // the latest answer, billed whatever the step then makes of it
        var asking = tier;
        CallResult result;
        try
        {
            var first = await AskAsync(tier, call, prompt, request, index, beforeSend, cancellationToken).ConfigureAwait(false);
            answered = result = first.Result;
            if (first.Invalid is { } reason)
            {
                metadata["validation"] = reason;
                if (first.Result.Tier == ModelTierKeys.Cheap && call.Escalate && (escalations ?? new EscalationAllowance(call.EscalationsLeft)).TryTake())
                {
                    replaced = new TierUsage(
                        first.Result.Tier, first.Result.Model, first.Result.Provider, first.Result.InputTokens, first.Result.OutputTokens, first.Result.DurationMs,
                        first.Result.CachedInputTokens, first.Result.ReasoningTokens)
                    {
                        UsageUnreported = first.Result.UsageUnreported,
                    };
                    answered = null;
                    asking = ModelTier.Premium;
                    Answer? second = null;
                    try
                    {
                        second = await AskAsync(ModelTier.Premium, call, prompt, request, index, beforeSend, cancellationToken, escalation: true).ConfigureAwait(false);
                    }
                    catch (BudgetExceededException skipped) when (skipped.EscalationSkipped)
                    {
                        // At the budget under Downgrade: the cheap answer stands, marked invalid, and nothing is paid twice.
                        (answered, replaced, asking) = (first.Result, null, tier);
                        metadata["escalation_skipped"] = skipped.Message;
                        EnsureUsable(call, first);
                    }
                    finally
                    {
                        // Counted whenever the ledger records the cheap answer as escalated (replaced is set), the
                        // premium call's failure included: counted only once premium answered, a run whose premium
                        // calls failed showed escalated records in the ledger and no escalation in the metric.
                        if (replaced is not null)
                        {
                            FrugalMetrics.RecordEscalation(request.Workflow, ModelTierKeys.Cheap, ModelTierKeys.Premium);
                        }
                    }

                    if (second is not null)
                    {
                        answered = second.Result;
                        metadata["escalated"] = new JsonObject { ["from"] = "cheap", ["to"] = "premium", ["reason"] = reason, ["premium_valid"] = second.Invalid is null };
                        if (FeedbackFor(request.Tenant) is { } escalationFeedback)
                        {
                            await escalationFeedback.AddAsync(new RoutingFeedback(request.RunId, request.ItemStepId(index), "escalation", call.System, prompt, 0, second.Invalid is null ? 1 : 0), cancellationToken)
                                .ConfigureAwait(false);
                        }

                        result = second.Result with { Escalated = true, EscalatedFrom = replaced };
                        if (second.Invalid is { } again)
                        {
                            metadata["validation"] = again;
                            EnsureUsable(call, second);
                        }
                    }
                }
                else
                {
                    EnsureUsable(call, first);
                }
            }

            if (FeedbackFor(request.Tenant) is { } feedback)
            {
                await feedback.RememberAsync(request.RunId, request.ItemStepId(index), result.Tier, call.System, prompt, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The step fails, but what was answered on the way was billed: its cost records must keep it.
            var timedOut = TimedOut(log);
            if (answered is null && timedOut.Count > 0 && log.Attempts[^1].Outcome == "timeout" && !StepFailures.CostNothing(ex))
            {
                // The failed call's own record (unpriced: no answer came) stands for its last attempt.
                timedOut.RemoveAt(timedOut.Count - 1);
            }

            var failedTier = answered is null && asking is ModelTier.Cheap or ModelTier.Premium ? TierName(asking) : null;
            billedBeforeFailure?.Invoke(new BilledBeforeFailure(answered, replaced, timedOut.Count == 0 ? null : timedOut) { FailedTier = failedTier });
            throw;
        }

        metadata["valid"] = !metadata.ContainsKey("validation") || result.Escalated && metadata["escalated"]!["premium_valid"]!.GetValue<bool>();
        if (result.UsageUnreported)
        {
            metadata["usage_unreported"] = $"the answer of '{result.Model ?? result.Tier}' reported no token usage: its cost is unknown, recorded unpriced at the estimated prompt and the output cap ({result.InputTokens} and {result.OutputTokens} tokens), and budgets count it at its reserved maximum";
        }

        var attempts = log.Attempts;
        metadata["attempts"] = JsonSerializer.SerializeToNode(attempts, JsonContext.Default.IReadOnlyListModelAttempt);

        // An attempt that timed out before a retry or the fallback answered may have been billed unseen: it gets an
        // unpriced record of its own (it had none, so the ledger showed only the attempt that answered).
        var unanswered = TimedOut(log);
        return result with { Metadata = metadata, UnansweredAttempts = unanswered.Count == 0 ? null : unanswered };
    }

    /// <summary>The feedback sink, for a tenant whose prompt text may be kept.</summary>
    private IRoutingFeedbackSink? FeedbackFor(string tenant) => _feedbackTenants.Contains(tenant) ? _feedback : null;

    /// <summary>The tiers of the attempts that timed out: each may have been billed without Frugal seeing its usage.</summary>
    private static List<string> TimedOut(ModelAttemptLog log) => [.. log.Attempts.Where(a => a.Outcome == "timeout").Select(a => a.Tier)];

    /// <summary>
    /// A model that ignored the requested JSON format is a transient failure: the attempt is retried. An answer the content
    /// filter cut is never used, and not asked for again: the same prompt is likely cut again, and billed again.
    /// </summary>
    private static void EnsureUsable(ModelCall call, Answer answer)
    {
        if (answer.Filtered)
        {
            throw new ContentFilteredException(
                $"{answer.Invalid}; an answer it cut is not used, and the step is not tried again since the same prompt is likely cut again " +
                "(and billed again): change the prompt or the deployment's content filter");
        }

        if (call.OutputSchema is not null && answer.Result.Output is null)
        {
            throw new AnswerNotJsonException(answer.Invalid ?? "no reason given");
        }
    }

    private async Task<Answer> AskAsync(ModelTier tier, ModelCall call, string prompt, StepRequest request, int index, Func<CancellationToken, Task>? beforeSend, CancellationToken cancellationToken, bool escalation = false)
    {
        var name = TierName(tier);
        var client = _services.GetKeyedService<IChatClient>(name)
            ?? throw new StepInputException($"no model is configured for tier '{name}' (Frugal:Models:{char.ToUpperInvariant(name[0])}{name[1..]})");

        List<ChatMessage> messages = [];
        if (!string.IsNullOrEmpty(call.System))
        {
            messages.Add(new ChatMessage(ChatRole.System, call.System));
        }

        messages.Add(new ChatMessage(ChatRole.User, prompt));
        var options = new ChatOptions { MaxOutputTokens = call.MaxOutputTokens, Temperature = call.Temperature };
        new FrugalChatContext(request.RunId, request.Workflow, request.Tenant, request.ItemStepId(index), request.Attempt, name) { Escalation = escalation, BeforeSend = beforeSend }.ApplyTo(options);
        if (beforeSend is not null && client.GetService<Budgets.BudgetChatClient>() is null)
        {
            // No budget admits the call: its start is written now, just before it is sent.
            await beforeSend(cancellationToken).ConfigureAwait(false);
        }

        if (call.OutputSchema is { } schema)
        {
            options.ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonSerializer.SerializeToElement(schema, JsonContext.Default.JsonNode), "answer");
        }

        var started = _time.GetTimestamp();
        ModelAttemptLog.SetTier(name);
        ChatResponse response;
        try
        {
            response = await client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ModelCallException.From(name, ModelAttemptLog.CurrentAttempts, ex, DeploymentOf) is { } failure)
        {
            throw failure;
        }

        var answered = response.AdditionalProperties?.TryGetValue(BudgetChatClient.AnsweredTierKey, out var t) == true && t is string s ? s : name;
        JsonNode? output = JsonValue.Create(response.Text);
        if (call.OutputSchema is not null)
        {
            output = TryParse(response.Text);
        }

        // An answer without usage was billed all the same: recorded at 0 tokens it was priced $0, as if free. It keeps the
        // most it can have used (the prompt as counted, the output cap it was sent with: a budget's, when one applies, as
        // its start record and reservation assume), and its record is unpriced (StepCostRecorder).
        bool unreported = response.Usage?.InputTokenCount is null && response.Usage?.OutputTokenCount is null;
        var result = new CallResult(
            output,
            answered,
            response.ModelId,
            unreported ? PromptTrimmer.CountTokens(string.Concat(messages.Select(m => m.Text))) : response.Usage?.InputTokenCount ?? 0,
            unreported ? StepCostRecorder.MaxOutputTokensOf(call, request.Tenant, _services) : response.Usage?.OutputTokenCount ?? 0,
            _time.GetElapsedTime(started).TotalMilliseconds,
            client.GetService<ChatClientMetadata>()?.ProviderName)
        {
            UsageUnreported = unreported,
            // Cached prompt tokens are priced lower (a quarter to a half of the input price): left out, a cached prompt's
            // record overstated its dollars by up to half, and disagreed with the budget counter, which counted them.
            CachedInputTokens = response.Usage?.CachedInputTokenCount ?? 0,
            ReasoningTokens = response.Usage?.ReasoningTokenCount ?? 0,
        };
        if (response.FinishReason == ChatFinishReason.ContentFilter)
        {
            // Azure OpenAI cut the answer (or sent none) and billed the tokens it generated: it fails validation, so a cheap
            // one escalates as any invalid cheap answer does, and one that would stand fails the step (EnsureUsable).
            var sender = response.AdditionalProperties?.TryGetValue(FallbackChatClient.FallbackKey, out var fellBack) == true && fellBack is true ? ModelTierKeys.Fallback : answered;
            return new Answer(result, $"{ContentFilteredException.FilterOf(answered, sender, DeploymentOf(sender))} cut the answer (finish_reason content_filter)", Filtered: true);
        }

        return new Answer(result, AnswerValidator.Check(call, response.Text, output is JsonValue ? null : output));
    }

    /// <summary>The deployment the client of a tier (or the fallback) calls, as its metadata names it.</summary>
    private string? DeploymentOf(string client) =>
        ModelTierKeys.MetadataOf(_services, client)?.DefaultModelId;

    /// <summary>The configuration and service-key name of a tier.</summary>
    public static string TierName(ModelTier tier) => tier switch
    {
        ModelTier.Cheap => ModelTierKeys.Cheap,
        ModelTier.Premium => ModelTierKeys.Premium,
        ModelTier.Onnx => "onnx",
        _ => throw new StepInputException($"tier {tier} must be resolved before a model is called"),
    };

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Answer(CallResult Result, string? Invalid, bool Filtered = false);
}
