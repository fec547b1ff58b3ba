using Frugal.Budgets;
using Frugal.Engine;
using Frugal.Models;
using Frugal.Workflows;
using Microsoft.Extensions.Time.Testing;

namespace Frugal.Core.Tests.Models;

/// <summary>The onnx step handler's budget accounting, over a fake classifier.</summary>
public sealed class OnnxStepHandlerTests
{
    [Fact]
    public async Task ExecuteAsync_StoreFailsWhenTheCallIsSettled_KeepsTheAnswer()
    {
        // The GPU seconds were spent: the settle's failure (Redis away longer than its retries) failed the step, which was
        // retried and ran, and was paid for, again. A hosted call keeps its answer in the same case (BudgetChatClient).
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
        var budget = new BudgetOptions();
        budget.Tenants["acme"] = new TenantBudgetOptions { Monthly = 1m };
        var guard = new BudgetGuard(Microsoft.Extensions.Options.Options.Create(budget), new SettleFails(new InMemoryBudgetStore(time)), Frugal.Costs.PriceTable.LoadDefault(), time);
        var handler = new OnnxStepHandler(new FixedClassifier(), guard);
        var request = new StepRequest("triage", "abc", "acme", "intent", 1, []) { RunId = "run-1" };

        var call = handler.ExecuteAsync(new ModelCall(ModelTier.Onnx, "Where is my invoice?") { Model = "intent-classifier" }, request, CancellationToken.None);
        while (!call.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1)); // the settle's retries wait on the clock
            await Task.Delay(10);
        }

        var result = await call;
        Assert.Equal("billing", result.Output!["label"]!.GetValue<string>());
    }

    private sealed class FixedClassifier : IOnnxClassifier
    {
        public string Provider => "test";

        public Task<OnnxClassification> ClassifyAsync(string model, string text, CancellationToken cancellationToken) =>
            Task.FromResult(new OnnxClassification("billing", new Dictionary<string, double> { ["billing"] = 0.9 }, 7, 0.01, false));
    }

    private sealed class SettleFails(IBudgetStore inner) : IBudgetStore
    {
        public Task<int> TryReserveAsync(IReadOnlyList<BudgetCounter> counters, BudgetHold hold, bool force, CancellationToken cancellationToken) =>
            inner.TryReserveAsync(counters, hold, force, cancellationToken);

        public Task<int> SettleAsync(IReadOnlyList<BudgetCounter> counters, BudgetHold hold, long actual, CancellationToken cancellationToken) =>
            throw new BudgetStoreUnavailableException("the budget store (Redis) did not answer: Timeout");

        public Task<BudgetBalance> GetAsync(string key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

        public Task SeedAsync(BudgetCounter counter, long spent, IReadOnlyList<BudgetHold> held, CancellationToken cancellationToken) => inner.SeedAsync(counter, spent, held, cancellationToken);

        public Task<bool> AddTokensAsync(string key, long tokens, long limit, bool check, TimeSpan timeToLive, CancellationToken cancellationToken) =>
            inner.AddTokensAsync(key, tokens, limit, check, timeToLive, cancellationToken);

        public Task<long> GetTokensAsync(string key, CancellationToken cancellationToken) => inner.GetTokensAsync(key, cancellationToken);
    }
}
