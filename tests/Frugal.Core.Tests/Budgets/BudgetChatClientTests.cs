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
}
