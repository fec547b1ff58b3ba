using System.Globalization;

namespace Frugal.Budgets;

// Tokens per minute: a fixed one-minute window per tenant, counted before a call and corrected after it.
public sealed partial class BudgetGuard
{
    /// <summary>
    /// Counts a call's estimated prompt tokens in its tenant's current minute, waiting for the next minute while the
    /// tenant is at or over its limit, for at most <see cref="BudgetOptions.TokensPerMinuteMaxWait"/>.
    /// </summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="tokens">The estimated prompt tokens.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The charge, to correct with the call's actual tokens (<see cref="CorrectTokensAsync"/>).</returns>
    /// <exception cref="TokenRateLimitExceededException">The tenant stayed over its limit for the longest wait.</exception>
    public async Task<TokenCharge> AcquireTokensAsync(string tenant, long tokens, CancellationToken cancellationToken)
    {
        if (_options.For(tenant).TokensPerMinute is not { } limit)
        {
            return default;
        }

        var waited = TimeSpan.Zero;
        while (true)
        {
            var window = WindowKey(tenant);
            if (await _store.AddTokensAsync(window, tokens, limit, check: true, 2 * Window, cancellationToken).ConfigureAwait(false))
            {
                return new TokenCharge(window, tokens);
            }

            int retry = RetryAfterSeconds();
            var delay = TimeSpan.FromSeconds(retry);
            if (waited + delay > _options.TokensPerMinuteMaxWait)
            {
                throw new TokenRateLimitExceededException(
                    $"tenant '{tenant}' is over its limit of {limit} tokens per minute ({_options.TokensPerMinuteKey(tenant)}) and waited {waited.TotalSeconds:F0} s of at most {_options.TokensPerMinuteMaxWait.TotalSeconds:F0} s ({BudgetOptions.SectionName}:TokensPerMinuteMaxWait); retry after {retry} s")
                {
                    RetryAfterSeconds = retry,
                };
            }

            Log.WaitingForTokens(_logger, tenant, delay.TotalMilliseconds);
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            waited += delay;
        }
    }

    /// <summary>
    /// Corrects the minute a call was counted in by the difference between its actual tokens and the estimate counted.
    /// The minute it was counted in, not the current one: a call admitted in one minute that ended in the next (a long
    /// answer, a wait for its budget) moved its correction there, so a refund of an over-estimate opened the next
    /// minute below zero and let the tenant past its limit by as much.
    /// </summary>
    /// <param name="charge">What <see cref="AcquireTokensAsync"/> counted.</param>
    /// <param name="actualTokens">The call's actual tokens (prompt and completion); 0 for a call that was not made.</param>
    /// <returns>A task that completes when counted.</returns>
    public Task CorrectTokensAsync(TokenCharge charge, long actualTokens) =>
        charge.Window is { } window && actualTokens != charge.Tokens
            ? _store.AddTokensAsync(window, actualTokens - charge.Tokens, long.MaxValue, check: false, 2 * Window, CancellationToken.None)
            : Task.CompletedTask;

    private string WindowKey(string tenant) =>
        $"frugal:tpm:{{{Tag(tenant)}}}:{(_time.GetUtcNow().ToUnixTimeSeconds() / 60).ToString(CultureInfo.InvariantCulture)}";

    private int RetryAfterSeconds()
    {
        long seconds = _time.GetUtcNow().ToUnixTimeSeconds();
        return (int)(60 - (seconds % 60));
    }
}
