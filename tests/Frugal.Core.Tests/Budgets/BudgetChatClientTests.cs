using Frugal.Budgets;
using Microsoft.Extensions.AI;

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

    private sealed class CapturingChatClient(Action<ChatOptions?> capture) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            capture(options);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { ModelId = "gpt-4o", Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 } });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
