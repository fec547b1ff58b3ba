using System.Runtime.CompilerServices;
using Frugal.Costs;
using Frugal.Models;
using Microsoft.Extensions.AI;

namespace Frugal.Budgets;

/// <summary>
/// Holds model calls to their tenant's and run's budgets and the tenant's tokens per minute. Before a call it counts
/// the prompt tokens (o200k), waits while the tenant is over its tokens per minute, and reserves the call's maximum
/// cost; after it, settles with the cost of the reported usage. When a budget is reached it refuses the call, or
/// sends it to <c>downgradeTo</c> (the cheap tier's pipeline) with its context's tier changed to <c>cheap</c>.
/// Calls without a <see cref="FrugalChatContext"/> pass through.
/// </summary>
public sealed class BudgetChatClient : DelegatingChatClient
{
    /// <summary>The key of <see cref="ChatResponse.AdditionalProperties"/> that names the tier that really answered
    /// when a call was downgraded.</summary>
    public const string AnsweredTierKey = "frugal.tier";

    private readonly BudgetGuard _guard;
    private readonly TokenEstimator _tokens;
    private readonly IChatClient? _downgradeTo;
    private readonly string? _fallbackModel;

    // The model the deployment last answered with. A call is sent to a deployment, whose name prices it only when it is
    // a model's name; Azure OpenAI answers naming the model (gpt-4o-mini-2024-07-18), which is what cost records price.
    // A deployment named otherwise ("chat-cheap") is reserved for at that model's price once it has answered.
    private string? _answeredModel;

    /// <summary>Creates the client.</summary>
    /// <param name="innerClient">The tier's pipeline.</param>
    /// <param name="guard">The budgets.</param>
    /// <param name="tokens">Counts prompt tokens.</param>
    /// <param name="downgradeTo">The cheaper tier's client; null when this is the cheapest tier.</param>
    /// <param name="fallbackModel">The deployment the tier's calls fall back to when it keeps failing, if any: a call
    /// is reserved at the dearer of its own deployment and that one (the fallback may be the premium model, and calls
    /// reserved at the cheap price while a cheap outage sent them all to premium passed a budget six-fold).</param>
    public BudgetChatClient(IChatClient innerClient, BudgetGuard guard, TokenEstimator tokens, IChatClient? downgradeTo = null, string? fallbackModel = null)
        : base(innerClient)
    {
        _guard = guard ?? throw new ArgumentNullException(nameof(guard));
        _tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
        _downgradeTo = downgradeTo;
        _fallbackModel = fallbackModel;
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (FrugalChatContext.From(options) is not { } context)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var (reservation, charge) = await AdmitAsync(context, list, options, cancellationToken).ConfigureAwait(false);
        if (reservation.Downgrade)
        {
            // The cheap tier's own budget client admits the call and writes its start.
            var response = await _downgradeTo!.GetResponseAsync(list, Downgraded(options!, context), cancellationToken).ConfigureAwait(false);
            (response.AdditionalProperties ??= [])[AnsweredTierKey] = ModelTierKeys.Cheap;
            return response;
        }

        await StartAsync(context, reservation, charge, cancellationToken).ConfigureAwait(false);
        long actual = 0;
        long usedTokens = charge.Tokens;
        try
        {
            var response = await base.GetResponseAsync(list, Capped(options, reservation), cancellationToken).ConfigureAwait(false);
            Answered(response.ModelId);
            actual = Cost(response.ModelId ?? ModelOf(options), response.Usage, reservation);
            usedTokens = (response.Usage?.InputTokenCount ?? charge.Tokens) + (response.Usage?.OutputTokenCount ?? 0);
            return response;
        }
        finally
        {
            await SettleQuietlyAsync(reservation, actual, charge, usedTokens).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the admitted call's start record (<see cref="FrugalChatContext.BeforeSend"/>) before it is sent; a write
    /// that fails gives the reservation back, since the call is not sent.
    /// </summary>
    private async Task StartAsync(FrugalChatContext context, BudgetReservation reservation, TokenCharge charge, CancellationToken cancellationToken)
    {
        if (context.BeforeSend is not { } start)
        {
            return;
        }

        try
        {
            await start(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await SettleQuietlyAsync(reservation, 0, charge, charge.Tokens).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Settles a call that has ended (the guard tries again while the store does not answer). A store that still fails
    /// (Redis down longer than the retries) must not replace the call's answer or error: the answer was billed, and
    /// thrown away the step was retried and paid again, its record priced $0 as a call the budget refused. The hold
    /// stays until its lease passes and then counts as spent at its maximum, so the budget errs towards spent.
    /// </summary>
    private async Task SettleQuietlyAsync(BudgetReservation reservation, long actual, TokenCharge charge, long usedTokens)
    {
        try
        {
            await _guard.SettleAsync(reservation, actual).ConfigureAwait(false);
            await _guard.CorrectTokensAsync(charge, usedTokens).ConfigureAwait(false);
        }
        catch (BudgetStoreUnavailableException ex)
        {
            _guard.SettleFailed(ex);
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (FrugalChatContext.From(options) is not { } context)
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var (reservation, charge) = await AdmitAsync(context, list, options, cancellationToken).ConfigureAwait(false);
        if (!reservation.Downgrade)
        {
            // A downgraded call's start is written by the cheap tier's own budget client, once it admits the call.
            await StartAsync(context, reservation, charge, cancellationToken).ConfigureAwait(false);
        }

        var client = reservation.Downgrade ? _downgradeTo! : InnerClient;
        var sent = reservation.Downgrade ? Downgraded(options!, context) : Capped(options, reservation);
        UsageDetails? usage = null;
        string? model = null;
        var ended = false;
        try
        {
            await foreach (var update in client.GetStreamingResponseAsync(list, sent, cancellationToken).ConfigureAwait(false))
            {
                model ??= update.ModelId;
                foreach (var content in update.Contents.OfType<UsageContent>())
                {
                    (usage ??= new UsageDetails()).Add(content.Details);
                }

                yield return update;
            }

            ended = true;
        }
        finally
        {
            if (!reservation.Downgrade)
            {
                Answered(model);
                long used = usage is null ? charge.Tokens : (usage.InputTokenCount ?? charge.Tokens) + (usage.OutputTokenCount ?? 0);
                // A stream that failed or was left before its end without usage settles at 0, as a failed call does.
                long actual = ended || usage is not null ? Cost(model ?? ModelOf(options), usage, reservation) : 0;
                await SettleQuietlyAsync(reservation, actual, charge, used).ConfigureAwait(false);
            }
        }
    }

    private async Task<(BudgetReservation Reservation, TokenCharge Charge)> AdmitAsync(
        FrugalChatContext context, IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        long estimate = _tokens.Count(messages, options);
        var charge = await _guard.AcquireTokensAsync(context.Tenant, estimate, cancellationToken).ConfigureAwait(false);
        BudgetReservation reservation;
        try
        {
            var model = ModelOf(options);
            if (!_guard.IsPriced(model) && Volatile.Read(ref _answeredModel) is { } answered)
            {
                model = answered;
            }

            long maxCost = _guard.MaxCost(model, estimate, options?.MaxOutputTokens);
            if (_fallbackModel is { } fallback)
            {
                maxCost = Math.Max(maxCost, _guard.MaxCost(fallback, estimate, options?.MaxOutputTokens));
            }

            reservation = await _guard.ReserveAsync(context, maxCost, _downgradeTo is not null, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await _guard.CorrectTokensAsync(charge, 0).ConfigureAwait(false);
            throw;
        }

        if (reservation.Downgrade)
        {
            // The cheap tier's own budget client meters the downgraded call's tokens and cost.
            await _guard.CorrectTokensAsync(charge, 0).ConfigureAwait(false);
            if (context.Escalation)
            {
                throw new BudgetExceededException(
                    $"tenant '{context.Tenant}' is at its budget (Downgrade): the escalation to premium is not made, since downgraded it would ask the cheap model again")
                {
                    EscalationSkipped = true,
                };
            }

            return (reservation, default);
        }

        return (reservation, charge);
    }

    /// <summary>
    /// The options to send: a call that sets no output cap gets <see cref="BudgetOptions.DefaultMaxOutputTokens"/> when
    /// a budget applies to it. Its reservation assumed that cap, and without it a long answer (5,000 tokens where 100 were
    /// reserved) overspent the budget by far more than the one call's maximum cost the guard promises.
    /// </summary>
    private ChatOptions? Capped(ChatOptions? options, BudgetReservation reservation)
    {
        if (reservation.Counters.Count == 0 || options?.MaxOutputTokens is not null)
        {
            return options;
        }

        var capped = options?.Clone() ?? new ChatOptions();
        capped.MaxOutputTokens = _guard.Options.DefaultMaxOutputTokens;
        return capped;
    }

    private void Answered(string? model)
    {
        if (model is not null && _guard.IsPriced(model))
        {
            Volatile.Write(ref _answeredModel, model);
        }
    }

    private string? ModelOf(ChatOptions? options) => options?.ModelId ?? this.GetService<ChatClientMetadata>()?.DefaultModelId;

    /// <summary>
    /// What an answered call counts: the cost of its reported usage, or, when it reported none (an OpenAI-compatible
    /// endpoint may leave <c>usage</c> out), its reservation's maximum, since it was billed for an unknown amount. It
    /// settled at $0, and such a deployment's budget never filled.
    /// </summary>
    private long Cost(string? model, UsageDetails? usage, BudgetReservation reservation) =>
        usage?.InputTokenCount is null && usage?.OutputTokenCount is null
            ? reservation.Amount
            : _guard.ActualCost(model, new TokenUsage(
                usage.InputTokenCount ?? 0, usage.CachedInputTokenCount ?? 0, usage.OutputTokenCount ?? 0, usage.ReasoningTokenCount ?? 0));

    private static ChatOptions Downgraded(ChatOptions options, FrugalChatContext context)
    {
        var clone = options.Clone();
        clone.AdditionalProperties = clone.AdditionalProperties is null ? [] : new AdditionalPropertiesDictionary(clone.AdditionalProperties);
        (context with { Tier = ModelTierKeys.Cheap }).ApplyTo(clone);
        clone.ModelId = null;
        return clone;
    }
}
