using Frugal.Classification;
using Frugal.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers learned routers as classify-step routers.</summary>
public static class FrugalRoutingServiceCollectionExtensions
{
    /// <summary>The service key of the embedding generator routers read (a keyed
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, so it never clashes with a hosted embedding model).</summary>
    public const string EmbeddingGeneratorKey = "frugal-router-embeddings";

    /// <summary>The service key of a <see cref="Func{TResult}"/> of <see cref="EmbeddingModelIdentity"/>: the identity of
    /// the embedding model behind <see cref="EmbeddingGeneratorKey"/>, computed once when first asked.</summary>
    public const string EmbeddingModelKey = "frugal-router-embedding-model";

    /// <summary>
    /// Binds <see cref="RoutingOptions"/> from <c>Frugal:Routing</c>, loads every router at start-up (a bad router stops
    /// the host with a message naming the file) and registers each as an <see cref="IComplexityClassifier"/> named as
    /// configured, <c>default</c> included. The host must register, under <see cref="EmbeddingGeneratorKey"/>, the
    /// embedding generator the routers were trained with and, under <see cref="EmbeddingModelKey"/>, its identity.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration holding <c>Frugal:Routing</c>.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddFrugalRouters(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(RoutingOptions.SectionName);
        services.AddOptions<RoutingOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RoutingOptions>, RoutingOptionsValidator>());
        services.TryAddSingleton<RouterCatalog>();

        var configured = new RoutingOptions();
        section.Bind(configured);
        foreach (var name in configured.Resolve().Keys)
        {
            services.AddSingleton<IComplexityClassifier>(sp => new LearnedComplexityClassifier(
                sp.GetRequiredService<RouterCatalog>().Get(name),
                () => sp.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(EmbeddingGeneratorKey)));
        }

        return services;
    }
}
