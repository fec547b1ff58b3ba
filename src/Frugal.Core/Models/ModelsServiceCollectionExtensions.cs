using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
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

        var hasFallback = section.GetSection(nameof(ModelsOptions.Fallback)).Exists();
        services.AddFrugalModelHttpClients(configuration, hasFallback
            ? [ModelTierKeys.Cheap, ModelTierKeys.Premium, ModelTierKeys.Fallback]
            : [ModelTierKeys.Cheap, ModelTierKeys.Premium]);
        AddTier(services, ModelTierKeys.Cheap, o => o.Cheap, hasFallback);
        AddTier(services, ModelTierKeys.Premium, o => o.Premium, hasFallback);
        if (hasFallback)
        {
            AddTier(services, ModelTierKeys.Fallback, o => o.Fallback!, withFallback: false);
        }

        if (section.GetSection(nameof(ModelsOptions.Embeddings)).Exists())
        {
            services.AddEmbeddingGenerator(sp => sp.GetRequiredService<ModelClientFactory>()
                    .CreateEmbeddingGenerator(sp.GetRequiredService<IOptions<ModelsOptions>>().Value.Embeddings!))
                .UseOpenTelemetry(NullLoggerFactory.Instance, ModelClientFactory.TelemetrySourceName, g => g.EnableSensitiveData = false);
        }

        return services;
    }

    // Pipeline, outer to inner: budgets (reserve, settle, downgrade; not on the fallback tier, which runs inside a
    // reserved call) -> fallback (on 5xx, timeouts, open circuit) -> telemetry -> the client, whose HttpClient retries
    // with Retry-After, breaks the circuit and times attempts out (Microsoft.Extensions.Http.Resilience).
    // Message content stays off the chat spans whatever OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT says: it is
    // the tenants' text, which telemetry carries for nobody (a span has no tenant to ask about). No logger for it, and no
    // UseLogging: both log a failed call with the client's exception, whose message holds the service's error body
    // (which can echo the prompt), and UseLogging every message at Trace; the step's activity logs a failure as the
    // tenant's policy allows.
    private static void AddTier(IServiceCollection services, string key, Func<ModelsOptions, ModelEndpointOptions> select, bool withFallback)
    {
        var builder = services.AddKeyedChatClient(key, sp => sp.GetRequiredService<ModelClientFactory>().CreateChatClient(
            select(sp.GetRequiredService<IOptions<ModelsOptions>>().Value),
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(ModelHttpClientServiceCollectionExtensions.ClientName(key))));
        if (key != ModelTierKeys.Fallback)
        {
            builder.UseBudgets(
                key == ModelTierKeys.Premium ? ModelTierKeys.Cheap : null,
                withFallback ? sp => sp.GetRequiredService<IOptions<ModelsOptions>>().Value.Fallback?.Deployment : null);
        }

        if (withFallback)
        {
            builder.UseFallback(sp => sp.GetKeyedService<IChatClient>(ModelTierKeys.Fallback), key);
        }

        builder.UseOpenTelemetry(NullLoggerFactory.Instance, ModelClientFactory.TelemetrySourceName, c => c.EnableSensitiveData = false);
    }
}
