using Frugal.Budgets;
using Microsoft.Extensions.Time.Testing;

namespace Frugal.Core.Tests.Budgets;

public sealed class InMemoryBudgetStoreTests
{
    [Fact]
    public async Task SeedAsync_HoldsOfOtherProcessesCalls_HeldUntilTheirLeasesPassThenSpentAndOnlyByTheFirstSeed()
    {
        // A call of a process killed within its lease: held as the store it reserved in held it, then spent; nothing here
        // settles it (Unsettleable), where this process's own call can be.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
        var store = new InMemoryBudgetStore(time);
        var counter = new BudgetCounter("frugal:budget:{acme}:month:2026-12", 1_000, TimeSpan.FromDays(40), FromLedger: true);

        await store.SeedAsync(counter, 300, [new BudgetHold("killed", 200, TimeSpan.FromMinutes(3)), new BudgetHold("other", 50, TimeSpan.FromMinutes(9))], CancellationToken.None);
        await store.SeedAsync(counter, 300, [new BudgetHold("again", 400, TimeSpan.FromMinutes(3))], CancellationToken.None);
        Assert.Equal(new BudgetBalance(300, 250, Seeded: true) { Unsettleable = 250 }, await store.GetAsync(counter.Key, CancellationToken.None));

        time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(new BudgetBalance(500, 50, Seeded: true) { Unsettleable = 50 }, await store.GetAsync(counter.Key, CancellationToken.None));
        Assert.Equal(-1, await store.TryReserveAsync([counter], new BudgetHold("call", 450, TimeSpan.FromMinutes(10)), force: false, CancellationToken.None));
        Assert.Equal(0, await store.TryReserveAsync([counter], new BudgetHold("next", 1, TimeSpan.FromMinutes(10)), force: false, CancellationToken.None));

        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(new BudgetBalance(550, 450, Seeded: true), await store.GetAsync(counter.Key, CancellationToken.None));
    }

    [Fact]
    public async Task AddTokensAsync_WindowsOfPastMinutes_DroppedOnceExpiredThoughNothingReadsThemAgain()
    {
        // A tokens-per-minute window is never read after its minute: a long-running host kept one per tenant per minute.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
        var store = new InMemoryBudgetStore(time);
        for (int minute = 0; minute < 120; minute++)
        {
            await store.AddTokensAsync($"frugal:tpm:{{acme}}:{minute}", 10, 100, check: true, TimeSpan.FromMinutes(2), CancellationToken.None);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.InRange(store.Count, 1, 3);
        Assert.Equal(10, await store.GetTokensAsync("frugal:tpm:{acme}:119", CancellationToken.None));
    }
}
