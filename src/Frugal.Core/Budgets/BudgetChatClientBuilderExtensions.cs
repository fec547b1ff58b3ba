using Frugal.Budgets;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.AI;

/// <summary>Adds <see cref="BudgetChatClient"/> to a chat pipeline.</summary>
public static class BudgetChatClientBuilderExtensions
{
    /// <summary>
    /// Holds the pipeline's calls to Frugal's budgets and tokens per minute. A pass-through when
    /// <c>AddFrugalBudgets</c> was not called (no <see cref="BudgetGuard"/> registered).
    /// </summary>
    /// <param name="builder">The tier's pipeline builder.</param>
    /// <param name="downgradeToKey">The keyed chat client that premium calls go to when a budget is reached with the
    /// Downgrade action (the cheap tier); null for the cheapest tier.</param>
    /// <param name="fallbackModel">The deployment the tier falls back to (reservations take the dearer price), if any.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseBudgets(this ChatClientBuilder builder, string? downgradeToKey = null, Func<IServiceProvider, string?>? fallbackModel = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => services.GetService<BudgetGuard>() is { } guard
            ? new BudgetChatClient(
                inner,
                guard,
                services.GetRequiredService<TokenEstimator>(),
                downgradeToKey is null ? null : services.GetRequiredKeyedService<IChatClient>(downgradeToKey),
                fallbackModel?.Invoke(services))
            : inner);
    }
}
