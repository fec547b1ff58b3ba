using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Frugal.Models;

/// <summary>Registers Frugal's hosted model tiers.</summary>
public static class ModelsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ModelsOptions"/> from the <c>Frugal:Models</c> section (validated on start) and registers a
    /// keyed <see cref="IChatClient"/> per tier (<see cref="ModelTierKeys"/>), each wrapped with OpenTelemetry and
    /// logging; the fallback tier only when configured; and an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>
    /// when <c>Frugal:Models:Embeddings</c> is configured.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration holding the <c>Frugal:Models</c> section.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddFrugalModels(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ModelsOptions.SectionName);
        services.AddOptions<ModelsOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelsOptions>, ModelsOptionsValidator>());
        services.AddLogging();
        services.TryAddSingleton<ModelClientFactory>();

        AddTier(services, ModelTierKeys.Cheap, o => o.Cheap);
        AddTier(services, ModelTierKeys.Premium, o => o.Premium);
        if (section.GetSection(nameof(ModelsOptions.Fallback)).Exists())
        {
            AddTier(services, ModelTierKeys.Fallback, o => o.Fallback!);
        }

        if (section.GetSection(nameof(ModelsOptions.Embeddings)).Exists())
        {
            services.AddEmbeddingGenerator(sp => sp.GetRequiredService<ModelClientFactory>()
                    .CreateEmbeddingGenerator(sp.GetRequiredService<IOptions<ModelsOptions>>().Value.Embeddings!))
                .UseOpenTelemetry(sourceName: ModelClientFactory.TelemetrySourceName)
                .UseLogging();
        }

        return services;
    }

    private static void AddTier(IServiceCollection services, string key, Func<ModelsOptions, ModelEndpointOptions> select) =>
        services.AddKeyedChatClient(key, sp => sp.GetRequiredService<ModelClientFactory>()
                .CreateChatClient(select(sp.GetRequiredService<IOptions<ModelsOptions>>().Value)))
            .UseBudgets(key == ModelTierKeys.Premium ? ModelTierKeys.Cheap : null)
            .UseOpenTelemetry(sourceName: ModelClientFactory.TelemetrySourceName)
            .UseLogging();
}
