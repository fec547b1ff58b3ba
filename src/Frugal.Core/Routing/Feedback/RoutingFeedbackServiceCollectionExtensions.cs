using Azure.Data.Tables;
using Azure.Identity;
using Frugal.Models;
using Frugal.Routing.Feedback;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the production feedback loop when <c>Frugal:Routing:Feedback:Enabled</c> is true.</summary>
public static class RoutingFeedbackServiceCollectionExtensions
{
    /// <summary>
    /// Adds the feedback store (SQLite or Table storage, by <c>Frugal:Routing:Feedback:Store</c>) as
    /// <see cref="IRoutingFeedbackStore"/> and as the model steps' <see cref="IRoutingFeedbackSink"/>, if enabled, with its
    /// options validated on start.
    /// </summary>
    public static IServiceCollection AddFrugalRoutingFeedback(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(RoutingFeedbackOptions.Section);
        services.AddOptions<RoutingFeedbackOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RoutingFeedbackOptions>, RoutingFeedbackOptionsValidator>());
        if (section.GetValue<bool>(nameof(RoutingFeedbackOptions.Enabled)))
        {
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton(sp => CreateStore(sp.GetRequiredService<IOptions<RoutingFeedbackOptions>>(), sp.GetRequiredService<TimeProvider>()));
            services.TryAddSingleton<IRoutingFeedbackSink>(sp => sp.GetRequiredService<IRoutingFeedbackStore>());
        }

        return services;
    }

    private static IRoutingFeedbackStore CreateStore(IOptions<RoutingFeedbackOptions> options, TimeProvider time) => options.Value switch
    {
        { IsTable: false } => new SqliteRoutingFeedbackStore(options, time),
        { TableConnectionString.Length: > 0 } o => new TableRoutingFeedbackStore(new TableClient(o.TableConnectionString, o.TableName), time),

        // Azure: the storage account refuses shared keys, so the app's managed identity keeps the examples, as it keeps the ledger.
        var o => new TableRoutingFeedbackStore(new TableClient(o.TableEndpoint, o.TableName, new DefaultAzureCredential()), time),
    };
}
