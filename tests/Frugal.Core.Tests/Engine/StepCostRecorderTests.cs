using Frugal.Core.Tests.Budgets;
using Frugal.Costs;
using Frugal.Engine;
using Frugal.Models;
using Frugal.Workflows;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Frugal.Core.Tests.Engine;

/// <summary>Cost records of model calls, from <see cref="ModelStepHandler"/>'s answer to the ledger.</summary>
public sealed class StepCostRecorderTests
{
    [Fact]
    public async Task RecordAsync_AnswerWithoutUsage_RecordedUnpricedAtItsUpperBoundWithTheReason()
    {
        // An OpenAI-compatible endpoint may leave usage out: the call was recorded at 0 tokens, priced $0, and reports
        // showed it as free.
        await using var services = new ServiceCollection()
            .AddKeyedSingleton<IChatClient>(ModelTierKeys.Cheap, new NoUsageChatClient())
            .BuildServiceProvider();
        var ledger = new ListLedger();
        await using var costs = new CostRecorder(ledger, Options.Create(new CostsOptions()));
        var recorder = new StepCostRecorder(costs, PriceTable.LoadDefault(), TimeProvider.System);
        var call = new ModelCall(ModelTier.Cheap, "Classify this ticket.", MaxOutputTokens: 40);
        var request = new StepRequest("triage", "h", "acme", "answer", 1, [call]) { RunId = "run-1" };

        var result = await new ModelStepHandler(services).ExecuteAsync(call, request, 0, null, CancellationToken.None);
        await recorder.RecordAsync(request, 0, call, result, DateTimeOffset.UtcNow, null, null, CancellationToken.None);

        var record = Assert.Single(ledger.Records);
        Assert.False(record.Priced);
        Assert.Equal(0m, record.Dollars);
        Assert.Equal("gpt-4o-mini", record.Model);
        Assert.Equal(PromptTrimmer.CountTokens("Classify this ticket."), record.InputTokens);
        Assert.Equal(40, record.OutputTokens);
        Assert.Equal(
            $"the answer of 'gpt-4o-mini' reported no token usage: its cost is unknown, recorded unpriced at the estimated prompt and the output cap ({record.InputTokens} and 40 tokens), and budgets count it at its reserved maximum",
            result.Metadata?["usage_unreported"]?.GetValue<string>());
    }

    [Fact]
    public async Task RecordAsync_EscalatedCheapAnswerWithoutUsage_RecordsTheCheapAttemptUnpriced()
    {
        // The cheap answer that failed its schema and reported no usage kept its upper bound (the prompt, the output cap)
        // on its way to the escalated attempt's record, which priced it as if that were what the call used.
        await using var services = new ServiceCollection()
            .AddKeyedSingleton<IChatClient>(ModelTierKeys.Cheap, new NoUsageChatClient())
            .AddKeyedSingleton<IChatClient>(ModelTierKeys.Premium, new NoUsageChatClient("""{"category":"billing"}""", "gpt-4o", new UsageDetails { InputTokenCount = 30, OutputTokenCount = 5 }))
            .BuildServiceProvider();
        var ledger = new ListLedger();
        await using var costs = new CostRecorder(ledger, Options.Create(new CostsOptions()));
        var recorder = new StepCostRecorder(costs, PriceTable.LoadDefault(), TimeProvider.System);
        var schema = System.Text.Json.Nodes.JsonNode.Parse("""{"type":"object","properties":{"category":{"type":"string"}},"required":["category"]}""");
        var call = new ModelCall(ModelTier.Cheap, "Classify this ticket.", MaxOutputTokens: 40, OutputSchema: schema) { Escalate = true, EscalationsLeft = 1 };
        var request = new StepRequest("triage", "h", "acme", "answer", 1, [call]) { RunId = "run-1" };

        var result = await new ModelStepHandler(services).ExecuteAsync(call, request, 0, null, CancellationToken.None);
        await recorder.RecordAsync(request, 0, call, result, DateTimeOffset.UtcNow, null, null, CancellationToken.None);

        var cheap = Assert.Single(ledger.Records, r => r.StepId == "answer#cheap");
        Assert.Equal((false, 0m, 40L), (cheap.Priced, cheap.Dollars, cheap.OutputTokens));
        var premium = Assert.Single(ledger.Records, r => r.StepId == "answer");
        Assert.True(premium.Priced);
    }

    [Fact]
    public async Task RecordStartAsync_BudgetedCallWithAPremiumFallback_BoundIsWhatTheBudgetReserves()
    {
        // The start's bound assumed 16,384 output tokens at the cheap model's price: a budgeted call is capped at
        // Frugal:Budgets:DefaultMaxOutputTokens, and reserved at the dearer of its deployment and the fallback, which a
        // cheap outage sends it to.
        var prices = PriceTable.LoadDefault();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero));
        var budget = new Frugal.Budgets.BudgetOptions { DefaultMaxOutputTokens = 1000 };
        budget.Tenants["acme"] = new Frugal.Budgets.TenantBudgetOptions { Monthly = 50m };
        await using var services = new ServiceCollection()
            .AddKeyedSingleton<IChatClient>(ModelTierKeys.Cheap, new NoUsageChatClient(metadata: new ChatClientMetadata("openai", null, "gpt-4o-mini")))
            .AddKeyedSingleton<IChatClient>(ModelTierKeys.Fallback, new NoUsageChatClient(metadata: new ChatClientMetadata("openai", null, "gpt-4o")))
            .AddSingleton(new Frugal.Budgets.BudgetGuard(Options.Create(budget), new Frugal.Budgets.InMemoryBudgetStore(time), prices, time))
            .BuildServiceProvider();
        var ledger = new ListLedger();
        await using var costs = new CostRecorder(ledger, Options.Create(new CostsOptions()));
        var recorder = new StepCostRecorder(costs, prices, time, services: services);
        var call = new ModelCall(ModelTier.Cheap, "Classify this ticket.");

        await recorder.RecordStartAsync(new StepRequest("triage", "h", "acme", "answer", 1, [call]) { RunId = "run-1" }, 0, call, time.GetUtcNow(), CancellationToken.None);
        await recorder.RecordStartAsync(new StepRequest("triage", "h", "globex", "answer", 1, [call]) { RunId = "run-2" }, 0, call, time.GetUtcNow(), CancellationToken.None);

        var prompt = PromptTrimmer.CountTokens("Classify this ticket.");
        var budgeted = Assert.Single(ledger.Records, r => r.Tenant == "acme");
        Assert.Equal((CostOutcome.Started, "gpt-4o-mini", 1000L, true), (budgeted.Outcome, budgeted.Model, budgeted.OutputTokens, budgeted.Priced));
        Assert.Equal(prices.Price("gpt-4o", new TokenUsage(prompt, 0, 1000, 0)).Dollars, budgeted.Dollars);

        // No budget applies to globex: its call goes uncapped, so the bound keeps the model's own most.
        var unbudgeted = Assert.Single(ledger.Records, r => r.Tenant == "globex");
        Assert.Equal(StepCostRecorder.DefaultMaxOutputTokens, unbudgeted.OutputTokens);
        Assert.Equal(prices.Price("gpt-4o", new TokenUsage(prompt, 0, StepCostRecorder.DefaultMaxOutputTokens, 0)).Dollars, unbudgeted.Dollars);
    }

    [Fact]
    public async Task RecordStartAsync_ModelWhoseReasoningCostsMoreThanItsOutput_BoundPricesTheOutputAsReasoning()
    {
        // The bound is the most the call can cost: every output token may be a reasoning token, which this price file
        // prices above output. At the output price the bound, what a budget seeded from the ledger counts for a call
        // cut off by a kill, was under what the call could have cost.
        var prices = PriceTable.Parse("""
            { "version": "v1", "models": { "thinker": { "input": 0.15, "cached_input": 0.0375, "output": 0.60, "reasoning": 3.50 } } }
            """, "prices.json");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero));
        await using var services = new ServiceCollection()
            .AddKeyedSingleton<IChatClient>(ModelTierKeys.Cheap, new NoUsageChatClient(metadata: new ChatClientMetadata("openai", null, "thinker")))
            .BuildServiceProvider();
        var ledger = new ListLedger();
        await using var costs = new CostRecorder(ledger, Options.Create(new CostsOptions()));
        var recorder = new StepCostRecorder(costs, prices, time, services: services);
        var call = new ModelCall(ModelTier.Cheap, "Think about this ticket.") { MaxOutputTokens = 1000 };

        await recorder.RecordStartAsync(new StepRequest("triage", "h", "acme", "answer", 1, [call]) { RunId = "run-1" }, 0, call, time.GetUtcNow(), CancellationToken.None);

        var prompt = PromptTrimmer.CountTokens("Think about this ticket.");
        var start = Assert.Single(ledger.Records);
        Assert.Equal((prompt * 0.15m + 1000 * 3.50m) / 1_000_000m, start.Dollars);
    }

    [Fact]
    public async Task RecordStartAsync_ThisProcessesCallSeedsItsBudget_StartLeftToTheCallsReservation()
    {
        // A process's first call writes its start, then reserves, and so seeds the month from a ledger that holds the
        // start: the seed holds other processes' unfinished calls (one killed within the lease), never this one's, whose
        // reservation counts it already.
        var prices = PriceTable.LoadDefault();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero));
        var budget = new Frugal.Budgets.BudgetOptions();
        budget.Tenants["acme"] = new Frugal.Budgets.TenantBudgetOptions { Monthly = 50m };
        var ledger = new ListLedger();
        var store = new Frugal.Budgets.InMemoryBudgetStore(time);
        var guard = new Frugal.Budgets.BudgetGuard(Options.Create(budget), store, prices, time, ledger);
        await using var costs = new CostRecorder(ledger, Options.Create(new CostsOptions()));
        var recorder = new StepCostRecorder(costs, prices, time);
        var call = new ModelCall(ModelTier.Cheap, "Classify this ticket.", MaxOutputTokens: 40);

        await recorder.RecordStartAsync(new StepRequest("triage", "h", "acme", "answer", 1, [call]) { RunId = "run-1" }, 0, call, time.GetUtcNow(), CancellationToken.None);
        var reservation = await guard.ReserveAsync(new FrugalChatContext("run-1", "triage", "acme", "answer", 1, "cheap"), 1_000, canDowngrade: false, CancellationToken.None);

        Assert.Equal(new Frugal.Budgets.BudgetBalance(0, 1_000, Seeded: true), await store.GetAsync(reservation.Counters[0].Key, CancellationToken.None));
        Assert.True(CostRecord.IsOfThisProcess(Assert.Single(ledger.Records).Invocation));
    }

    [Fact]
    public async Task RecordAsync_BudgetedAnswerWithoutUsage_RecordedAtTheCapItWasSentWith()
    {
        // A call under a budget that sets no max_output_tokens is sent capped at Frugal:Budgets:DefaultMaxOutputTokens,
        // and its start and reservation assume that cap; its answer without usage was recorded at 16,384 output tokens,
        // four times what it could have used, which a counter seeded from the ledger then counted.
        var prices = PriceTable.LoadDefault();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero));
        var budget = new Frugal.Budgets.BudgetOptions { DefaultMaxOutputTokens = 1000 };
        budget.Tenants["acme"] = new Frugal.Budgets.TenantBudgetOptions { Monthly = 50m };
        var guard = new Frugal.Budgets.BudgetGuard(Options.Create(budget), new Frugal.Budgets.InMemoryBudgetStore(time), prices, time);
        var model = new NoUsageChatClient(metadata: new ChatClientMetadata("openai", null, "gpt-4o-mini"));
        await using var services = new ServiceCollection()
            .AddKeyedSingleton<IChatClient>(ModelTierKeys.Cheap, new Frugal.Budgets.BudgetChatClient(model, guard, new Frugal.Budgets.TokenEstimator()))
            .AddSingleton(guard)
            .BuildServiceProvider();
        var ledger = new ListLedger();
        await using var costs = new CostRecorder(ledger, Options.Create(new CostsOptions()));
        var recorder = new StepCostRecorder(costs, prices, time, services: services);
        var call = new ModelCall(ModelTier.Cheap, "Classify this ticket.");
        var request = new StepRequest("triage", "h", "acme", "answer", 1, [call]) { RunId = "run-1" };

        var started = await recorder.RecordStartAsync(request, 0, call, time.GetUtcNow(), CancellationToken.None);
        var result = await new ModelStepHandler(services).ExecuteAsync(call, request, 0, null, CancellationToken.None);
        await recorder.RecordAsync(request, 0, call, result, time.GetUtcNow(), null, null, CancellationToken.None, started);

        Assert.Equal(1000, model.SentMaxOutputTokens);
        var start = Assert.Single(ledger.Records, r => r.Outcome == CostOutcome.Started);
        var record = Assert.Single(ledger.Records, r => r.Outcome == CostOutcome.Succeeded);
        Assert.Equal((false, 1000L, 1000L), (record.Priced, record.OutputTokens, start.OutputTokens));
        Assert.Contains("(" + record.InputTokens + " and 1000 tokens)", result.Metadata?["usage_unreported"]?.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_CallWaitingForItsTenantsTokensPerMinute_WritesNoStartUntilAdmitted()
    {
        // The start was written before the budget admitted the call, which waits while the tenant is over its tokens per
        // minute: a process killed (here: cancelled) in that wait left starts of calls never sent, which a new process
        // held and then counted as spent at their bound (622 of 655 starts in one kill, a $0.01 tenant locked out).
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 10, 0, 30, TimeSpan.Zero));
        var budget = new Frugal.Budgets.BudgetOptions();
        budget.Tenants["acme"] = new Frugal.Budgets.TenantBudgetOptions { TokensPerMinute = 10 };
        var guard = new Frugal.Budgets.BudgetGuard(Options.Create(budget), new Frugal.Budgets.InMemoryBudgetStore(time), PriceTable.LoadDefault(), time);
        await guard.AcquireTokensAsync("acme", 50, CancellationToken.None);
        var (executor, ledger, costs) = Executor(guard, time, new NoUsageChatClient());
        await using var _ = costs;
        var request = new StepRequest("triage", "h", "acme", "answer", 1, [new ModelCall(ModelTier.Cheap, "Classify this ticket.")]) { RunId = "run-1" };
        using var killed = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => executor.ExecuteAsync(request, killed.Token));
        await costs.DisposeAsync();

        Assert.DoesNotContain(ledger.Records, r => r.Outcome == CostOutcome.Started);
    }

    [Fact]
    public async Task ExecuteAsync_AdmittedCall_IsSentWithItsStartDurableAndRecordedOnce()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 10, 0, 30, TimeSpan.Zero));
        var budget = new Frugal.Budgets.BudgetOptions();
        budget.Tenants["acme"] = new Frugal.Budgets.TenantBudgetOptions { Monthly = 10m };
        var guard = new Frugal.Budgets.BudgetGuard(Options.Create(budget), new Frugal.Budgets.InMemoryBudgetStore(time), PriceTable.LoadDefault(), time);
        var ledger = new ListLedger();
        var model = new NoUsageChatClient("billing", "gpt-4o-mini", new UsageDetails { InputTokenCount = 10, OutputTokenCount = 2 }) { Ledger = ledger };
        var (executor, _, costs) = Executor(guard, time, model, ledger);
        await using var __ = costs;
        var request = new StepRequest("triage", "h", "acme", "answer", 1, [new ModelCall(ModelTier.Cheap, "Classify this ticket.")]) { RunId = "run-1" };

        await executor.ExecuteAsync(request, CancellationToken.None);

        // This list keeps the start beside the record that replaces it in a real ledger.
        Assert.Equal(1, model.StartsWhenSent);
        Assert.Single(ledger.Records, r => r.Outcome == CostOutcome.Started);
        Assert.Single(ledger.Records, r => r.Outcome == CostOutcome.Succeeded);
    }

    [Fact]
    public async Task ExecuteAsync_TierWithoutBudgets_IsSentWithItsStartDurable()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 10, 0, 30, TimeSpan.Zero));
        var ledger = new ListLedger();
        var model = new NoUsageChatClient("billing", "gpt-4o-mini", new UsageDetails { InputTokenCount = 10, OutputTokenCount = 2 }) { Ledger = ledger };
        var (executor, _, costs) = Executor(null, time, model, ledger);
        await using var __ = costs;
        var request = new StepRequest("triage", "h", "acme", "answer", 1, [new ModelCall(ModelTier.Cheap, "Classify this ticket.")]) { RunId = "run-1" };

        await executor.ExecuteAsync(request, CancellationToken.None);

        Assert.Equal(1, model.StartsWhenSent);
        Assert.Single(ledger.Records, r => r.Outcome == CostOutcome.Started);
        Assert.Single(ledger.Records, r => r.Outcome == CostOutcome.Succeeded);
    }

    private static (StepExecutor Executor, ListLedger Ledger, CostRecorder Costs) Executor(
        Frugal.Budgets.BudgetGuard? guard, TimeProvider time, IChatClient model, ListLedger? ledger = null)
    {
        ledger ??= new ListLedger();
        var collection = new ServiceCollection();
        if (guard is not null)
        {
            collection.AddKeyedSingleton<IChatClient>(ModelTierKeys.Cheap, new Frugal.Budgets.BudgetChatClient(model, guard, new Frugal.Budgets.TokenEstimator())).AddSingleton(guard);
        }
        else
        {
            collection.AddKeyedSingleton(ModelTierKeys.Cheap, model);
        }

        var services = collection.BuildServiceProvider();
        var costs = new CostRecorder(ledger, Options.Create(new CostsOptions()));
        var recorder = new StepCostRecorder(costs, PriceTable.LoadDefault(), time, services: services);
        return (new StepExecutor(new Frugal.Classification.ComplexityClassifierRegistry([]), new ModelStepHandler(services), time, recorder), ledger, costs);
    }

    private sealed class NoUsageChatClient(string text = "billing", string model = "gpt-4o-mini", UsageDetails? usage = null, ChatClientMetadata? metadata = null) : IChatClient
    {
        /// <summary>The output cap the latest call was sent with.</summary>
        public int? SentMaxOutputTokens { get; private set; }

        /// <summary>The ledger whose start records <see cref="StartsWhenSent"/> counts.</summary>
        public ListLedger? Ledger { get; init; }

        /// <summary>How many start records the ledger held when the latest call was sent.</summary>
        public int StartsWhenSent { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            SentMaxOutputTokens = options?.MaxOutputTokens;
            StartsWhenSent = Ledger?.Records.Count(r => r.Outcome == CostOutcome.Started) ?? 0;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)) { ModelId = model, Usage = usage });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType == typeof(ChatClientMetadata) ? metadata : null;

        public void Dispose()
        {
        }
    }
}
