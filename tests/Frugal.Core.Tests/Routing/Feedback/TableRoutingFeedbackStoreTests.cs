using Azure.Data.Tables;
using Frugal.Routing.Feedback;

namespace Frugal.Core.Tests.Routing.Feedback;

/// <summary>
/// Runs the feedback store contract against Table storage on Azurite (<c>FRUGAL_TEST_AZURITE</c>, else
/// <c>UseDevelopmentStorage=true</c>), a table of its own per test. The test script starts Azurite; when it is not
/// reachable these tests fail.
/// </summary>
public sealed class TableRoutingFeedbackStoreTests : IAsyncLifetime
{
    private readonly TableClient _table = new(
        Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } connection ? connection : "UseDevelopmentStorage=true",
        "feedback" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public Task MarkAsync_Verdicts_LabelAsTheTierOfTheCallSays() => RoutingFeedbackStoreContract.Mark_Verdicts_LabelAsTheTierOfTheCallSays(Create);

    [Fact]
    public Task MarkAsync_SecondVerdict_ReplacesTheFirstEvenWhenItKeepsNoExample() => RoutingFeedbackStoreContract.Mark_SecondVerdict_ReplacesTheFirstEvenWhenItKeepsNoExample(Create);

    [Fact]
    public Task AddAsync_SameRunStepAndSource_KeepsTheLatestAndReadsOldestFirst() => RoutingFeedbackStoreContract.Add_SameRunStepAndSource_KeepsTheLatestAndReadsOldestFirst(Create);

    [Fact]
    public Task ItemStepsAsync_ForeachItems_InItemOrderOfThatRunAndStepOnly() => RoutingFeedbackStoreContract.ItemSteps_ForeachItems_InItemOrderOfThatRunAndStepOnly(Create);

    [Fact]
    public Task MarkAsync_IdsWithKeyCharacters_FindsTheirOwnCall() => RoutingFeedbackStoreContract.Mark_IdsWithKeyCharacters_FindsTheirOwnCall(Create);

    [Fact]
    public Task PurgeAsync_OlderThanRetention_CallsByRunRetentionExamplesByCostRetention() => RoutingFeedbackStoreContract.Purge_OlderThanRetention_CallsByRunRetentionExamplesByCostRetention(Create);

    [Fact]
    public Task PurgeAsync_MoreThanOneBatch_DeletesAll() => RoutingFeedbackStoreContract.Purge_MoreThanOneBatch_DeletesAll(Create);

    [Fact]
    public async Task MarkAsync_CallRememberedByAnotherInstance_IsFound()
    {
        // What the SQLite store could not do on a scaled-out app: the instance that receives the verdict is not the one
        // that ran the step, and shares nothing with it but the table.
        var ran = new TableRoutingFeedbackStore(_table);
        var other = new TableRoutingFeedbackStore(new TableClient(
            Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } connection ? connection : "UseDevelopmentStorage=true", _table.Name));
        await ran.RememberAsync("run", "answer", Frugal.Models.ModelTierKeys.Cheap, null, "a prompt", CancellationToken.None);

        Assert.NotNull(await other.MarkAsync("run", "answer", good: false, CancellationToken.None));
        var example = Assert.Single(await ToListAsync(ran.ReadExamplesAsync(CancellationToken.None)));
        Assert.Equal(("a prompt", 0.0, 1.0), (example.Prompt, example.CheapScore, example.PremiumScore));
    }

    [Fact]
    public async Task RememberAsync_PromptLongerThanAProperty_KeepsItsFirst30000Characters()
    {
        // A Table property holds 64 KiB: the whole prompt failed the write, and with it the model step.
        var store = new TableRoutingFeedbackStore(_table);
        var prompt = new string('x', 40_000);
        await store.RememberAsync("run", "answer", Frugal.Models.ModelTierKeys.Cheap, prompt, prompt, CancellationToken.None);

        Assert.NotNull(await store.MarkAsync("run", "answer", good: false, CancellationToken.None));
        var example = Assert.Single(await ToListAsync(store.ReadExamplesAsync(CancellationToken.None)));
        Assert.Equal((30_000, 30_000), (example.System!.Length, example.Prompt.Length));
    }

    [Fact]
    public async Task Reads_ReaderThatMayNotCreateTables_ReadTheFeedback()
    {
        // A purge's dry-run count and a foreach verdict's item lookup created the table first, which Azure refuses (403)
        // to Storage Table Data Reader even when the table exists: whoever only reads could not count what a purge
        // would delete.
        var writer = new TableRoutingFeedbackStore(_table);
        await writer.RememberAsync("run", "each[0]", Frugal.Models.ModelTierKeys.Cheap, null, "first item", CancellationToken.None);
        await writer.RememberAsync("run", "each[1]", Frugal.Models.ModelTierKeys.Cheap, null, "second item", CancellationToken.None);
        Assert.NotNull(await writer.MarkAsync("run", "each[0]", good: false, CancellationToken.None));
        var reader = new TableRoutingFeedbackStore(AzuriteTables.ReadOnly(_table.Name));

        var examples = await ToListAsync(reader.ReadExamplesAsync(CancellationToken.None));
        var items = await reader.ItemStepsAsync("run", "each", 4, CancellationToken.None);
        var old = await reader.CountAsync(Later, Later, CancellationToken.None);

        Assert.Equal("first item", Assert.Single(examples).Prompt);
        Assert.Equal(["each[0]", "each[1]"], items);
        Assert.Equal((2, 1), old);
    }

    [Fact]
    public async Task Reads_NoTableYet_FindNothingAndCreateNothing()
    {
        var name = "feedback" + Guid.NewGuid().ToString("N")[..12];
        var store = new TableRoutingFeedbackStore(new TableClient(AzuriteTables.Connection, name));

        Assert.Empty(await ToListAsync(store.ReadExamplesAsync(CancellationToken.None)));
        Assert.Empty(await store.ItemStepsAsync("run", "each", 4, CancellationToken.None));
        Assert.Equal((0, 0), await store.CountAsync(Later, Later, CancellationToken.None));
        Assert.Null(await store.MarkAsync("run", "answer", good: true, CancellationToken.None));
        Assert.False(await AzuriteTables.ExistsAsync(name));
    }

    public async Task InitializeAsync()
    {
        try
        {
            await _table.CreateIfNotExistsAsync();
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException or HttpRequestException)
        {
            throw new InvalidOperationException(
                "Azurite is not reachable (FRUGAL_TEST_AZURITE or UseDevelopmentStorage=true); start it with eng/services.sh", ex);
        }
    }

    public async Task DisposeAsync() => await _table.DeleteAsync();

    private static DateTimeOffset Later => new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private TableRoutingFeedbackStore Create(TimeProvider time) => new(_table, time);

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
