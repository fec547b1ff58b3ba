using Frugal.Budgets;
using Microsoft.Extensions.Time.Testing;

namespace Frugal.Core.Tests.Budgets;

public sealed class InMemoryBudgetStoreTests
{
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
