using Frugal.Budgets;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Core.Tests.Budgets;

/// <summary>The budget client in the tiers' pipelines, against the model emulator.</summary>
public sealed class BudgetChatClientTests
{
    [Fact]
    public async Task GetResponseAsync_PremiumCallWithSpentBudgetAndDowngrade_AnsweredByCheapTier()
    {
        await using var models = await BudgetedModels.StartAsync(new Dictionary<string, string?>
        {
            ["Frugal:Budgets:Tenants:Default:Monthly"] = "0",
            ["Frugal:Budgets:Action"] = "Downgrade",
        });

        var response = await models.Premium.GetResponseAsync("Classify this ticket.", BudgetedModels.Options("acme", "run-1"));

        Assert.Equal("gpt-4o-mini", response.ModelId);
        Assert.Equal("cheap", response.AdditionalProperties?[BudgetChatClient.AnsweredTierKey]);
        Assert.True(await models.Guard.MonthToDateAsync("acme", CancellationToken.None) > 0m, "the downgraded call's cost is counted");
    }

    [Fact]
    public async Task GetResponseAsync_WithinBudget_AnsweredByPremiumAndSettled()
    {
        await using var models = await BudgetedModels.StartAsync(new Dictionary<string, string?>
        {
            ["Frugal:Budgets:Tenants:acme:Monthly"] = "1",
            ["Frugal:Budgets:Tenants:acme:TokensPerMinute"] = "100000",
        });

        var response = await models.Premium.GetResponseAsync("Classify this ticket.", BudgetedModels.Options("acme", "run-1"));

        decimal expected = (response.Usage!.InputTokenCount!.Value * 2.50m + response.Usage.OutputTokenCount!.Value * 10.00m) / 1_000_000m;
        Assert.Equal("gpt-4o", response.ModelId);
        Assert.Equal(expected, await models.Guard.MonthToDateAsync("acme", CancellationToken.None));
    }

    [Theory]
    [InlineData("acme", null, 4096)]
    [InlineData("acme", 40, 40)]
    [InlineData("unbudgeted", null, null)]
    public async Task GetResponseAsync_CallWithoutOutputCap_SentWithTheCapItsReservationAssumed(string tenant, int? stepCap, int? sent)
    {
        // The reservation assumed DefaultMaxOutputTokens, but no cap was sent: a 5,000-token answer overspent a budget 18x.
        int? received = -1;
        using var inner = new CapturingChatClient(o => received = o?.MaxOutputTokens);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
        var budget = new BudgetOptions();
        budget.Tenants["acme"] = new TenantBudgetOptions { Monthly = 1m };
        var guard = new BudgetGuard(Microsoft.Extensions.Options.Options.Create(budget), new InMemoryBudgetStore(time), Frugal.Costs.PriceTable.LoadDefault(), time);
        using var client = new BudgetChatClient(inner, guard, new TokenEstimator());
        var options = BudgetedModels.Options(tenant, "run-1");
        options.MaxOutputTokens = stepCap;

        await client.GetResponseAsync("Classify this ticket.", options);

        Assert.Equal(sent, received);
        Assert.Equal(stepCap, options.MaxOutputTokens);
    }

    [Fact]
    public async Task GetResponseAsync_DeploymentNotNamedAfterItsModel_ReservedAtTheDearestPriceUntilItsAnswerNamesTheModel()
    {
        // A deployment named "chat-cheap" was not in the price table, so each call reserved $0 and any number of
        // concurrent calls passed a budget's last headroom; the answers' model (what the ledger prices) was known.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
        var store = new InMemoryBudgetStore(time);
        var budget = new BudgetOptions();
        budget.Tenants["acme"] = new TenantBudgetOptions { Monthly = 1m };
        var guard = new BudgetGuard(Microsoft.Extensions.Options.Options.Create(budget), store, Frugal.Costs.PriceTable.LoadDefault(), time);
        var reserved = new List<long>();
        using var inner = new CapturingChatClient(
            _ => reserved.Add(store.GetAsync("frugal:budget:{acme}:month:2026-12", CancellationToken.None).GetAwaiter().GetResult().Reserved),
            deployment: "chat-cheap",
            answeredBy: "gpt-4o-mini-2024-07-18");
        using var client = new BudgetChatClient(inner, guard, new TokenEstimator());
        var options = BudgetedModels.Options("acme", "run-1");
        options.MaxOutputTokens = 1000;
        long prompt = new TokenEstimator().Count([new ChatMessage(ChatRole.User, "Classify this ticket.")]);

        await client.GetResponseAsync("Classify this ticket.", options);
        await client.GetResponseAsync("Classify this ticket.", options);

        Assert.Equal(
            [BudgetGuard.ToNano((prompt * 2.50m + 1000 * 10.00m) / 1_000_000m), BudgetGuard.ToNano((prompt * 0.15m + 1000 * 0.60m) / 1_000_000m)],
            reserved);
    }

    [Fact]
    public async Task GetResponseAsync_TierWithADearerFallback_ReservedAtTheFallbacksPrice()
    {
        // Reserved at the cheap deployment's price while a cheap outage sent every call to a premium fallback: a run's
        // budget of $0.002 was passed six-fold.
        var (guard, store) = Guard("acme", 1m);
        var reserved = new List<long>();
        using var inner = new CapturingChatClient(
            _ => reserved.Add(store.GetAsync("frugal:budget:{acme}:month:2026-12", CancellationToken.None).GetAwaiter().GetResult().Reserved),
            deployment: "gpt-4o-mini");
        using var client = new BudgetChatClient(inner, guard, new TokenEstimator(), fallbackModel: "gpt-4o");
        var options = BudgetedModels.Options("acme", "run-1");
        options.MaxOutputTokens = 1000;
        long prompt = new TokenEstimator().Count([new ChatMessage(ChatRole.User, "Classify this ticket.")]);

        await client.GetResponseAsync("Classify this ticket.", options);

        Assert.Equal([BudgetGuard.ToNano((prompt * 2.50m + 1000 * 10.00m) / 1_000_000m)], reserved);
    }

    [Fact]
    public async Task GetResponseAsync_ModelMissingFromThePriceTable_CountsAgainstTheBudget()
    {
        // Such a call settled at $0, so a Refuse budget over a self-hosted or new model never filled: 40 runs ran
        // past a $0.0005 budget, and again the next day. It counts at the dearest model's price (10 in, 5 out).
        var (guard, _) = Guard("acme", 1m);
        using var inner = new CapturingChatClient(_ => { }, deployment: "my-llama-70b", answeredBy: "my-llama-70b");
        using var client = new BudgetChatClient(inner, guard, new TokenEstimator());

        await client.GetResponseAsync("Classify this ticket.", BudgetedModels.Options("acme", "run-1"));

        Assert.Equal((10 * 2.50m + 5 * 10.00m) / 1_000_000m, await guard.MonthToDateAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task GetResponseAsync_AnswerWithoutUsage_SettlesAtItsReservedMaximum()
    {
        // An OpenAI-compatible endpoint may leave usage out: such a call settled at $0, as if it had cost nothing, and
        // a budget over that endpoint never filled.
        var (guard, store) = Guard("acme", 1m);
        long reserved = 0;
        using var inner = new CapturingChatClient(
            _ => reserved = store.GetAsync("frugal:budget:{acme}:month:2026-12", CancellationToken.None).GetAwaiter().GetResult().Reserved,
            reportsUsage: false);
        using var client = new BudgetChatClient(inner, guard, new TokenEstimator());

        await client.GetResponseAsync("Classify this ticket.", BudgetedModels.Options("acme", "run-1"));

        Assert.True(reserved > 0);
        Assert.Equal(new BudgetBalance(reserved, 0, Seeded: true), await store.GetAsync("frugal:budget:{acme}:month:2026-12", CancellationToken.None));
    }

    [Fact]
    public async Task GetResponseAsync_StoreFailsWhenTheCallIsSettled_KeepsTheAnswer()
    {
        // The answer was billed; the settle's timeout replaced it, the step was retried and paid again.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
        var budget = new BudgetOptions();
        budget.Tenants["acme"] = new TenantBudgetOptions { Monthly = 1m };
        var guard = new BudgetGuard(Microsoft.Extensions.Options.Options.Create(budget), new SettleFails(new InMemoryBudgetStore(time)), Frugal.Costs.PriceTable.LoadDefault(), time);
        using var inner = new CapturingChatClient(_ => { });
        using var client = new BudgetChatClient(inner, guard, new TokenEstimator());

        var call = client.GetResponseAsync("Classify this ticket.", BudgetedModels.Options("acme", "run-1"));
        while (!call.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1)); // the settle's retries wait on the clock
            await Task.Delay(10);
        }

        Assert.Equal("ok", (await call).Text);
    }

    [Fact]
    public async Task GetResponseAsync_StructuredAnswer_CountsWhatTheCallIsBilledBeforeSendingIt()
    {
        // The service bills a json_schema response format as prompt tokens: counted at its messages alone, the support-triage
        // answer was estimated at about half its prompt, and a tokens-per-minute limit of 600 let 1,242 tokens through in
        // its first minute.
        var counted = new List<long>();
        await using var models = await BudgetedModels.StartAsync(
            new Dictionary<string, string?> { ["Frugal:Budgets:Tenants:acme:TokensPerMinute"] = "100000" },
            services => services.AddSingleton<IBudgetStore>(new CountingStore(new InMemoryBudgetStore(TimeProvider.System), counted)));
        var options = BudgetedModels.Options("acme", "run-1", tier: "cheap", maxOutputTokens: 200);
        options.ResponseFormat = ChatResponseFormat.ForJsonSchema(System.Text.Json.JsonDocument.Parse("""
            {"type":"object","required":["category","priority","summary","reply"],"additionalProperties":false,
             "properties":{"category":{"type":"string","enum":["billing","technical","account","other"]},
                           "priority":{"type":"string","enum":["low","normal","high","urgent"]},
                           "summary":{"type":"string","description":"One sentence for the agent queue."},
                           "reply":{"type":"string","description":"The reply sent to the customer."}}}
            """).RootElement, "answer");

        var response = await models.Cheap.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "You are a support engineer. Categorise the ticket."), new ChatMessage(ChatRole.User, "Subject: login fails\n\nI cannot log in since this morning.")],
            options);

        long billed = response.Usage!.InputTokenCount!.Value;
        long before = Assert.Single(counted);
        Assert.True(before >= billed, $"{before} prompt tokens counted before the call, {billed} billed");
    }

    [Fact]
    public async Task GetResponseAsync_NoFrugalContext_PassesThrough()
    {
        await using var models = await BudgetedModels.StartAsync(new Dictionary<string, string?>
        {
            ["Frugal:Budgets:Tenants:Default:Monthly"] = "0",
            ["Frugal:Budgets:Action"] = "Refuse",
        });

        var response = await models.Premium.GetResponseAsync("hello");

        Assert.Equal("gpt-4o", response.ModelId);
    }

    private static (BudgetGuard Guard, InMemoryBudgetStore Store) Guard(string tenant, decimal monthly)
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
        var store = new InMemoryBudgetStore(time);
        var budget = new BudgetOptions();
        budget.Tenants[tenant] = new TenantBudgetOptions { Monthly = monthly };
        return (new BudgetGuard(Microsoft.Extensions.Options.Options.Create(budget), store, Frugal.Costs.PriceTable.LoadDefault(), time), store);
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

    private sealed class CountingStore(IBudgetStore inner, List<long> counted) : IBudgetStore
    {
        public Task<int> TryReserveAsync(IReadOnlyList<BudgetCounter> counters, BudgetHold hold, bool force, CancellationToken cancellationToken) =>
            inner.TryReserveAsync(counters, hold, force, cancellationToken);

        public Task<int> SettleAsync(IReadOnlyList<BudgetCounter> counters, BudgetHold hold, long actual, CancellationToken cancellationToken) =>
            inner.SettleAsync(counters, hold, actual, cancellationToken);

        public Task<BudgetBalance> GetAsync(string key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

        public Task SeedAsync(BudgetCounter counter, long spent, IReadOnlyList<BudgetHold> held, CancellationToken cancellationToken) => inner.SeedAsync(counter, spent, held, cancellationToken);

        public Task<bool> AddTokensAsync(string key, long tokens, long limit, bool check, TimeSpan timeToLive, CancellationToken cancellationToken)
        {
            if (check)
            {
                counted.Add(tokens);
            }

            return inner.AddTokensAsync(key, tokens, limit, check, timeToLive, cancellationToken);
        }

        public Task<long> GetTokensAsync(string key, CancellationToken cancellationToken) => inner.GetTokensAsync(key, cancellationToken);
    }

    private sealed class CapturingChatClient(Action<ChatOptions?> capture, string? deployment = null, string answeredBy = "gpt-4o", bool reportsUsage = true) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            capture(options);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
            {
                ModelId = answeredBy,
                Usage = reportsUsage ? new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 } : null,
            });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) && deployment is not null ? new ChatClientMetadata("test", defaultModelId: deployment) : null;

        public void Dispose()
        {
        }
    }
}
