using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Frugal.Costs;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Frugal's cost ledger, recorder and price table.</summary>
public static class CostsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ICostLedger"/> (SQLite or Table storage, by <c>Frugal:Costs:Store</c>), <see cref="CostRecorder"/>
    /// and <see cref="PriceTable"/>, with <see cref="CostsOptions"/> bound from <c>Frugal:Costs</c> and validated on start
    /// (a bad price file fails start-up naming file and field).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration holding the <c>Frugal:Costs</c> section.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddFrugalCosts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CostsOptions>().Bind(configuration.GetSection(CostsOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CostsOptions>, CostsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<CostsOptions>>().Value.LoadPrices());
        services.TryAddSingleton<ICostLedger>(sp => CreateLedger(sp.GetRequiredService<IOptions<CostsOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<CostRecorder>();
        services.TryAddSingleton<Frugal.Engine.StepCostRecorder>();
        return services;
    }

    private static ICostLedger CreateLedger(CostsOptions options, TimeProvider time) => options switch
    {
        _ when !string.Equals(options.Store, "table", StringComparison.OrdinalIgnoreCase) => new SqliteCostLedger(options.SqlitePath),
        { TableConnectionString.Length: > 0 } => new TableCostLedger(new TableClient(options.TableConnectionString, options.TableName), time),

        // Azure: the storage account refuses shared keys, so the app's managed identity writes the ledger.
        _ => new TableCostLedger(new TableClient(options.TableEndpoint, options.TableName, new DefaultAzureCredential()), time),
    };
}
