using Frugal.Budgets;
using Frugal.Costs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Frugal's budgets and tokens-per-minute limits.</summary>
public static class BudgetsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="BudgetOptions"/> from <c>Frugal:Budgets</c> (validated on start) and registers the
    /// <see cref="BudgetGuard"/> that the model tiers' <c>UseBudgets()</c> and the run API use, over an in-process or
    /// Redis <see cref="IBudgetStore"/>. Needs <c>AddFrugalCosts</c> for prices (and the ledger that seeds each
    /// tenant's month-to-date spend).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration holding <c>Frugal:Budgets</c>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddFrugalBudgets(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(BudgetOptions.SectionName);
        services.AddOptions<BudgetOptions>().Bind(section).ValidateOnStart();
        var totalTimeout = configuration.GetSection(Frugal.Resilience.ModelResilienceOptions.Section).Get<Frugal.Resilience.ModelResilienceOptions>()?.TotalTimeout
            ?? new Frugal.Resilience.ModelResilienceOptions().TotalTimeout;

        // A call whose deployment keeps failing goes on to the fallback's pipeline, which has its own total timeout:
        // one reservation may be held that much longer.
        if (configuration.GetSection("Frugal:Models:Fallback").Exists())
        {
            totalTimeout *= 2;
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BudgetOptions>>(new BudgetOptionsValidator(section, totalTimeout)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TokenEstimator>();
        services.TryAddSingleton<IBudgetStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<BudgetOptions>>().Value;
            return string.Equals(options.Store, "redis", StringComparison.OrdinalIgnoreCase)
                ? new RedisBudgetStore(options.RedisConnectionString!)
                : new InMemoryBudgetStore(sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton(sp => new BudgetGuard(
            sp.GetRequiredService<IOptions<BudgetOptions>>(),
            sp.GetRequiredService<IBudgetStore>(),
            sp.GetRequiredService<PriceTable>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ICostLedger>(),
            sp.GetService<ILogger<BudgetGuard>>()));
        return services;
    }
}
