using Frugal.Budgets;
using Microsoft.Extensions.AI;
using Xunit.Abstractions;

namespace Frugal.Core.Tests.Budgets;

/// <summary>
/// 50 model calls race for a monthly budget that fits about ten of them, through the premium tier's pipeline
/// against the model emulator: the settled spend may pass the budget by at most one call's maximum cost.
/// Runs with the in-process store and with the Redis store (the real server from eng/services.sh).
/// </summary>
public sealed class BudgetRaceTests(ITestOutputHelper output)
{
    private const int Calls = 50;
    private const string Prompt = "Summarise the customer's complaint about a late parcel in one sentence.";

    [Fact]
    public Task GetResponseAsync_FiftyConcurrentCallsInMemory_SpendStaysWithinOneCallOfBudget() => RaceAsync("memory");

    [Fact]
    public Task GetResponseAsync_FiftyConcurrentCallsOnRedis_SpendStaysWithinOneCallOfBudget() => RaceAsync("redis");

    private async Task RaceAsync(string store)
    {
        string tenant = "race-" + Guid.NewGuid().ToString("N");
        var estimator = new TokenEstimator();
        long promptTokens = estimator.Count([new ChatMessage(ChatRole.User, Prompt)]);

        // One call's maximum: the estimated prompt at gpt-4o's input price plus 40 output tokens at its output price.
        decimal maxCall = (promptTokens * 2.50m + 40 * 10.00m) / 1_000_000m;
        decimal budget = Math.Round(maxCall * 10, 6);
        await using var models = await BudgetedModels.StartAsync(new Dictionary<string, string?>
        {
            [$"Frugal:Budgets:Tenants:{tenant}:Monthly"] = budget.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Frugal:Budgets:Action"] = "Refuse",
            ["Frugal:Budgets:Store"] = store,
            ["Frugal:Budgets:RedisConnectionString"] = BudgetedModels.Redis,
        });
        await AssertStoreReachableAsync(models, store);

        var client = models.Premium;
        var tasks = Enumerable.Range(0, Calls).Select(async i =>
        {
            try
            {
                var response = await client.GetResponseAsync(Prompt, BudgetedModels.Options(tenant, $"run-{i}"));
                return (Answered: true, Dollars: (decimal)(response.Usage!.InputTokenCount!.Value * 2.50m + response.Usage.OutputTokenCount!.Value * 10.00m) / 1_000_000m);
            }
            catch (BudgetExceededException)
            {
                return (Answered: false, Dollars: 0m);
            }
        }).ToArray();
        var results = await Task.WhenAll(tasks);

        decimal spent = results.Sum(r => r.Dollars);
        decimal recorded = await models.Guard.MonthToDateAsync(tenant, CancellationToken.None);
        int answered = results.Count(r => r.Answered);
        output.WriteLine(
            $"{store}: budget ${budget:F6}, one call at most ${maxCall:F6}; {answered} of {Calls} calls answered, {Calls - answered} refused; " +
            $"spent ${spent:F6} (store says ${recorded:F6}), overspend ${Math.Max(0, spent - budget):F6} = {Math.Max(0, spent - budget) / maxCall:P0} of one call");
        Assert.InRange(answered, 10, Calls - 1);
        Assert.True(spent <= budget + maxCall, $"spent ${spent} passes the budget ${budget} by more than one call (${maxCall})");
        Assert.Equal(spent, recorded, 6);
    }

    private static async Task AssertStoreReachableAsync(BudgetedModels models, string store)
    {
        if (store != "redis")
        {
            return;
        }

        try
        {
            await models.Store.GetAsync("frugal:test:ping", CancellationToken.None);
        }
        catch (BudgetStoreUnavailableException ex)
        {
            throw new InvalidOperationException(
                $"Redis is not reachable at {BudgetedModels.Redis} (FRUGAL_TEST_REDIS); start it with bash eng/services.sh start", ex);
        }
    }
}
