using Frugal.Routing.Feedback;
using Microsoft.Extensions.Options;

namespace Frugal.Core.Tests.Routing.Feedback;

/// <summary>Runs the feedback store contract against the SQLite store.</summary>
public sealed class SqliteRoutingFeedbackStoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "frugal-feedback-" + Guid.NewGuid().ToString("N"));

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

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private SqliteRoutingFeedbackStore Create(TimeProvider time) =>
        new(Options.Create(new RoutingFeedbackOptions { Enabled = true, Path = Path.Combine(_folder, "feedback.db") }), time);
}
