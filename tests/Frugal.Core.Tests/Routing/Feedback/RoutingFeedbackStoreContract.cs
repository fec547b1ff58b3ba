using Frugal.Models;
using Frugal.Retention;
using Frugal.Routing.Feedback;
using Microsoft.Extensions.Time.Testing;

namespace Frugal.Core.Tests.Routing.Feedback;

/// <summary>
/// The behaviour every routing feedback store must have; run against SQLite and against Table storage on Azurite.
/// Each method makes its store with <c>create</c> over the clock it is given.
/// </summary>
internal static class RoutingFeedbackStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    public static async Task Mark_Verdicts_LabelAsTheTierOfTheCallSays(Func<TimeProvider, IRoutingFeedbackStore> create)
    {
        var store = create(new FakeTimeProvider(Now));
        await store.RememberAsync("run", "cheap-bad", ModelTierKeys.Cheap, "Be brief.", "cheap, judged bad", CancellationToken.None);
        await store.RememberAsync("run", "cheap-good", ModelTierKeys.Cheap, null, "cheap, judged good", CancellationToken.None);
        await store.RememberAsync("run", "premium-bad", ModelTierKeys.Premium, null, "premium, judged bad", CancellationToken.None);
        await store.RememberAsync("run", "premium-good", ModelTierKeys.Premium, null, "premium, judged good", CancellationToken.None);

        string?[] tiers =
        [
            await store.MarkAsync("run", "cheap-bad", good: false, CancellationToken.None),
            await store.MarkAsync("run", "cheap-good", good: true, CancellationToken.None),
            await store.MarkAsync("run", "premium-bad", good: false, CancellationToken.None),
            await store.MarkAsync("run", "premium-good", good: true, CancellationToken.None),
            await store.MarkAsync("run", "never-called", good: false, CancellationToken.None),
            await store.MarkAsync("other-run", "cheap-bad", good: false, CancellationToken.None),
        ];

        Assert.Equal(new string?[] { ModelTierKeys.Cheap, ModelTierKeys.Cheap, ModelTierKeys.Premium, ModelTierKeys.Premium, null, null }, tiers);
        var examples = await ReadAsync(store);
        Assert.Equal(
            [
                new RoutingFeedback("run", "cheap-bad", "user", "Be brief.", "cheap, judged bad", 0, 1),
                new RoutingFeedback("run", "cheap-good", "user", null, "cheap, judged good", 1, 1),
                new RoutingFeedback("run", "premium-bad", "user", null, "premium, judged bad", 0, 0),
            ],
            examples.OrderBy(e => e.StepId, StringComparer.Ordinal));
    }

    public static async Task Mark_SecondVerdict_ReplacesTheFirstEvenWhenItKeepsNoExample(Func<TimeProvider, IRoutingFeedbackStore> create)
    {
        // A premium answer judged bad, then good: the good verdict keeps no example, and the bad one's (0, 0) stayed.
        var store = create(new FakeTimeProvider(Now));
        await store.RememberAsync("run", "premium", ModelTierKeys.Premium, null, "premium, bad then good", CancellationToken.None);
        await store.RememberAsync("run", "cheap", ModelTierKeys.Cheap, null, "cheap, bad then good", CancellationToken.None);
        await store.AddAsync(new RoutingFeedback("run", "premium", "escalation", null, "premium, bad then good", 0, 1), CancellationToken.None);

        Assert.Equal(ModelTierKeys.Premium, await store.MarkAsync("run", "premium", good: false, CancellationToken.None));
        Assert.Equal(ModelTierKeys.Cheap, await store.MarkAsync("run", "cheap", good: false, CancellationToken.None));
        Assert.Equal(ModelTierKeys.Premium, await store.MarkAsync("run", "premium", good: true, CancellationToken.None));
        Assert.Equal(ModelTierKeys.Cheap, await store.MarkAsync("run", "cheap", good: true, CancellationToken.None));

        Assert.Equal(
            ["cheap user 1 1", "premium escalation 0 1"],
            (await ReadAsync(store)).Select(e => $"{e.StepId} {e.Source} {e.CheapScore} {e.PremiumScore}").Order(StringComparer.Ordinal));
    }

    public static async Task Add_SameRunStepAndSource_KeepsTheLatestAndReadsOldestFirst(Func<TimeProvider, IRoutingFeedbackStore> create)
    {
        var clock = new FakeTimeProvider(Now.AddDays(-2));
        var store = create(clock);
        await store.AddAsync(new RoutingFeedback("run-z", "answer", "escalation", null, "made first", 0, 1), CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(1));
        await store.AddAsync(new RoutingFeedback("run-a", "answer", "escalation", null, "made second", 0, 0), CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(1));
        await store.AddAsync(new RoutingFeedback("run-a", "answer", "user", null, "made third", 1, 1), CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(1));
        await store.AddAsync(new RoutingFeedback("run-a", "answer", "escalation", null, "made second", 0, 1), CancellationToken.None);

        var examples = await ReadAsync(store);

        Assert.Equal(
            ["run-z answer escalation made first 0 1", "run-a answer user made third 1 1", "run-a answer escalation made second 0 1"],
            examples.Select(e => $"{e.RunId} {e.StepId} {e.Source} {e.Prompt} {e.CheapScore} {e.PremiumScore}"));
    }

    public static async Task ItemSteps_ForeachItems_InItemOrderOfThatRunAndStepOnly(Func<TimeProvider, IRoutingFeedbackStore> create)
    {
        var store = create(new FakeTimeProvider(Now));
        foreach (int i in new[] { 11, 2, 10, 0, 9, 1 })
        {
            await store.RememberAsync("run", $"each[{i}]", ModelTierKeys.Cheap, null, $"item {i}", CancellationToken.None);
        }

        await store.RememberAsync("run", "each", ModelTierKeys.Cheap, null, "not an item", CancellationToken.None);
        await store.RememberAsync("run", "eachother[0]", ModelTierKeys.Cheap, null, "another step's item", CancellationToken.None);
        await store.RememberAsync("run-2", "each[5]", ModelTierKeys.Cheap, null, "another run's item", CancellationToken.None);

        var first = await store.ItemStepsAsync("run", "each", 4, CancellationToken.None);
        var all = await store.ItemStepsAsync("run", "each", 100, CancellationToken.None);
        var none = await store.ItemStepsAsync("run", "plain", 4, CancellationToken.None);

        Assert.Equal(["each[0]", "each[1]", "each[2]", "each[9]"], first);
        Assert.Equal(["each[0]", "each[1]", "each[2]", "each[9]", "each[10]", "each[11]"], all);
        Assert.Empty(none);
    }

    public static async Task Mark_IdsWithKeyCharacters_FindsTheirOwnCall(Func<TimeProvider, IRoutingFeedbackStore> create)
    {
        // Run and step ids are free text; '/', '#', '?', '|', '_' and '%' are not (or separate parts of) a table key.
        var store = create(new FakeTimeProvider(Now));
        string[] runs = ["a/b#c?d", "a_b|c%2F", "a%5Fb"];
        foreach (string run in runs)
        {
            await store.RememberAsync(run, "step|x_y[0]", ModelTierKeys.Cheap, null, "prompt of " + run, CancellationToken.None);
        }

        foreach (string run in runs)
        {
            Assert.NotNull(await store.MarkAsync(run, "step|x_y[0]", good: false, CancellationToken.None));
            Assert.Equal(["step|x_y[0]"], await store.ItemStepsAsync(run, "step|x_y", 4, CancellationToken.None));
        }

        Assert.Null(await store.MarkAsync("a/b#c?d", "step|x_y", good: false, CancellationToken.None));
        Assert.Equal(
            runs.Select(r => $"{r} step|x_y[0] prompt of {r}").Order(StringComparer.Ordinal),
            (await ReadAsync(store)).Select(e => $"{e.RunId} {e.StepId} {e.Prompt}").Order(StringComparer.Ordinal));
    }

    public static async Task Purge_OlderThanRetention_CallsByRunRetentionExamplesByCostRetention(Func<TimeProvider, IRoutingFeedbackStore> create)
    {
        var clock = new FakeTimeProvider(Now.AddDays(-50));
        var store = create(clock);
        await store.RememberAsync("old", "answer", ModelTierKeys.Cheap, null, "fifty days ago", CancellationToken.None);
        await store.AddAsync(new RoutingFeedback("old", "answer", "user", null, "fifty days ago", 0, 1), CancellationToken.None);
        clock.SetUtcNow(Now.AddDays(-35));
        await store.RememberAsync("middle", "answer", ModelTierKeys.Cheap, null, "thirty-five days ago", CancellationToken.None);
        await store.AddAsync(new RoutingFeedback("middle", "answer", "user", null, "thirty-five days ago", 0, 1), CancellationToken.None);
        clock.SetUtcNow(Now.AddDays(-5));
        await store.RememberAsync("recent", "answer", ModelTierKeys.Cheap, null, "five days ago", CancellationToken.None);
        await store.AddAsync(new RoutingFeedback("recent", "answer", "user", null, "five days ago", 1, 1), CancellationToken.None);

        // Runs kept 30 days, cost records 40: two calls are past the first, one example past the second (this month's
        // start, where cost records are kept back for budgets, does not hold examples back).
        var purger = new RetentionPurger(new FakeTimeProvider(Now));
        var preview = await purger.PreviewAsync(null, store, TimeSpan.FromDays(40), TimeSpan.FromDays(30), CancellationToken.None);
        var result = await purger.PurgeAsync(null, null, store, TimeSpan.FromDays(40), TimeSpan.FromDays(30), CancellationToken.None);
        var again = await purger.PurgeAsync(null, null, store, TimeSpan.FromDays(40), TimeSpan.FromDays(30), CancellationToken.None);

        Assert.Equal((2, 1), preview.Feedback);
        Assert.Equal((2, 1), result.Feedback);
        Assert.Equal((0, 0), again.Feedback);
        Assert.Equal(["middle", "recent"], (await ReadAsync(store)).Select(e => e.RunId).Order(StringComparer.Ordinal));
        Assert.NotNull(await store.MarkAsync("recent", "answer", good: false, CancellationToken.None));
        Assert.Null(await store.MarkAsync("middle", "answer", good: false, CancellationToken.None));
        Assert.Null(await store.MarkAsync("old", "answer", good: false, CancellationToken.None));
    }

    public static async Task Purge_MoreThanOneBatch_DeletesAll(Func<TimeProvider, IRoutingFeedbackStore> create)
    {
        var clock = new FakeTimeProvider(Now.AddDays(-100));
        var store = create(clock);
        for (int i = 0; i < 130; i++)
        {
            await store.RememberAsync("run", $"each[{i}]", ModelTierKeys.Cheap, null, "old", CancellationToken.None);
        }

        var purger = new RetentionPurger(new FakeTimeProvider(Now));
        var result = await purger.PurgeAsync(null, null, store, TimeSpan.FromDays(40), TimeSpan.FromDays(30), CancellationToken.None);

        Assert.Equal((130, 0), result.Feedback);
        Assert.Empty(await store.ItemStepsAsync("run", "each", 10, CancellationToken.None));
    }

    private static async Task<List<RoutingFeedback>> ReadAsync(IRoutingFeedbackStore store)
    {
        var examples = new List<RoutingFeedback>();
        await foreach (var example in store.ReadExamplesAsync(CancellationToken.None))
        {
            examples.Add(example);
        }

        return examples;
    }
}
