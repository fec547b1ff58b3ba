using System.Text.Json.Nodes;
using Frugal.Engine;

namespace Frugal.Models;

/// <summary>
/// Answers <c>model</c> steps of tier <c>onnx</c> with an <see cref="IOnnxClassifier"/>: the output is
/// <c>{"label": "...", "scores": {label: score}}</c> (with <c>"truncated": true</c> when the text was longer than the
/// model reads and only its head was classified), and the call carries the accelerator seconds its cost is priced by.
/// </summary>
public sealed class OnnxStepHandler : IOnnxStepHandler
{
    private readonly IOnnxClassifier _classifier;
    private readonly Budgets.BudgetGuard? _budgets;
    private readonly Costs.PriceTable? _prices;
    private readonly string? _gpuProfile;

    /// <summary>Creates the handler.</summary>
    /// <param name="classifier">Runs the ONNX classifiers.</param>
    /// <param name="budgets">Counts each call's GPU cost against its tenant's and run's budgets, when budgets are configured.</param>
    /// <param name="prices">Prices GPU seconds for the budgets.</param>
    /// <param name="inference">The GPU profile the seconds are priced at.</param>
    public OnnxStepHandler(
        IOnnxClassifier classifier,
        Budgets.BudgetGuard? budgets = null,
        Costs.PriceTable? prices = null,
        Microsoft.Extensions.Options.IOptions<FrugalInferenceOptions>? inference = null)
    {
        _classifier = classifier;
        _budgets = budgets;
        _prices = prices;
        _gpuProfile = inference?.Value.GpuProfile;
    }

    /// <inheritdoc />
    public async Task<CallResult> ExecuteAsync(ModelCall modelCall, StepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(modelCall);
        if (string.IsNullOrWhiteSpace(modelCall.Model))
        {
            throw new StepInputException("tier 'onnx' needs 'model': the name of the ONNX classifier to run");
        }

        // GPU seconds cost money too: without this, ONNX steps spent past every budget (40 runs at 100x a monthly
        // budget). A call's GPU time is not known before it runs, so it reserves nothing: it is admitted while the
        // budget has headroom (refused under Refuse; it has no cheaper tier to downgrade to) and settles what it used.
        Budgets.BudgetReservation? reservation = null;
        if (_budgets is not null)
        {
            var context = new FrugalChatContext(request.RunId, request.Workflow, request.Tenant, request.StepId, request.Attempt, "onnx");
            reservation = await _budgets.ReserveAsync(context, 0, canDowngrade: false, cancellationToken).ConfigureAwait(false);
        }

        OnnxClassification answer;
        try
        {
            answer = await _classifier.ClassifyAsync(modelCall.Model, modelCall.Prompt, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (reservation is not null)
            {
                await SettleQuietlyAsync(reservation, 0).ConfigureAwait(false);
            }

            throw;
        }

        if (reservation is not null)
        {
            var dollars = _prices?.PriceGpu(_gpuProfile, answer.GpuSeconds) is { Priced: true } price ? price.Dollars : 0m;
            await SettleQuietlyAsync(reservation, Budgets.BudgetGuard.ToNano(dollars)).ConfigureAwait(false);
        }

        var scores = new JsonObject();
        foreach (var (label, score) in answer.Scores)
        {
            scores[label] = score;
        }

        var output = new JsonObject { ["label"] = answer.Label, ["scores"] = scores };
        if (answer.Truncated)
        {
            // As the inference app answers: present only on a text that was cut, so a workflow can tell.
            output["truncated"] = true;
        }

        return new CallResult(output, "onnx", modelCall.Model, answer.Tokens, 0, 0, _classifier.Provider, answer.GpuSeconds);
    }

    /// <summary>
    /// Settles a call that has ended; a store that does not answer through the guard's retries must not replace the
    /// call's answer or error, as with a hosted call (<see cref="Budgets.BudgetChatClient"/>): the GPU seconds were spent,
    /// and thrown away the answer failed the step, which ran, and was paid for, again.
    /// </summary>
    private async Task SettleQuietlyAsync(Budgets.BudgetReservation reservation, long actual)
    {
        try
        {
            await _budgets!.SettleAsync(reservation, actual).ConfigureAwait(false);
        }
        catch (Budgets.BudgetStoreUnavailableException ex)
        {
            _budgets!.SettleFailed(ex);
        }
    }
}
