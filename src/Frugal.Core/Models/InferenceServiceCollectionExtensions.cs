using Azure.Identity;
using Azure.Storage.Blobs;
using Frugal.Embeddings;
using Frugal.Engine;
using Frugal.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the <c>onnx</c> tier and semantic lookups over Frugal's inference app (or models in process).</summary>
public static class InferenceServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="FrugalInferenceOptions"/> (<c>Frugal:Inference</c>) and <see cref="EmbeddingIndexOptions"/>
    /// (<c>Frugal:Embeddings</c>), validated on start, and registers semantic lookups with their index store (a blob
    /// container when <c>Frugal:Embeddings:BlobServiceUri</c> or <c>BlobConnectionString</c> is set, else files). When
    /// <c>Frugal:Inference:Endpoint</c> is set, the <c>onnx</c> tier and the embedding generator call Frugal's
    /// inference app; otherwise the host adds them (<see cref="AddFrugalOnnxTier"/> and an embedding generator).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddFrugalInference(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(FrugalInferenceOptions.SectionName);
        services.AddOptions<FrugalInferenceOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FrugalInferenceOptions>, FrugalInferenceOptionsValidator>());
        services.AddOptions<EmbeddingIndexOptions>().Bind(configuration.GetSection(EmbeddingIndexOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbeddingIndexOptions>, EmbeddingIndexOptionsValidator>());
        services.TryAddSingleton<IEmbeddingIndexStore>(sp => CreateIndexStore(sp.GetRequiredService<IOptions<EmbeddingIndexOptions>>().Value));
        services.TryAddSingleton<EmbeddingIndexProvider>();
        services.TryAddSingleton<SemanticLookupHandler>();
        services.TryAddSingleton<EmbeddingRefresher>();

        if (!string.IsNullOrWhiteSpace(section[nameof(FrugalInferenceOptions.Endpoint)]))
        {
            // The inference app scales to zero: its first answer after that waits for a GPU replica, the image and the
            // models (tens of seconds). The standard handler's 10 s attempts and 30 s in all failed those calls.
            services.AddHttpClient(InferenceOnnxClassifier.HttpClientName).AddStandardResilienceHandler(resilience =>
            {
                resilience.AttemptTimeout.Timeout = TimeSpan.FromMinutes(2);
                resilience.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(5);
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(4);
            });
            services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
            {
                var options = sp.GetRequiredService<IOptions<FrugalInferenceOptions>>().Value;
                return new InferenceEmbeddingGenerator(
                    sp.GetRequiredService<IHttpClientFactory>().CreateClient(InferenceOnnxClassifier.HttpClientName),
                    new InferenceEmbeddingGeneratorOptions { Endpoint = options.Endpoint, ApiKey = options.ApiKey, Model = options.EmbeddingModel });
            });
            // Learned routers embed through the app too (batched with everyone's embeddings, their GPU seconds recorded),
            // instead of loading a copy of the model in every instance; the app serves the model the routers were
            // trained with (the same shipped all-MiniLM-L6-v2).
            // Unless routers embed in process (RoutersInProcess): then the host's own copy of the model serves them.
            if (!section.GetValue<bool>(nameof(FrugalInferenceOptions.RoutersInProcess)))
            {
                services.TryAddKeyedSingleton<IEmbeddingGenerator<string, Embedding<float>>>(
                    FrugalRoutingServiceCollectionExtensions.EmbeddingGeneratorKey,
                    (sp, _) => sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
            }
            services.AddFrugalOnnxTier(sp => new InferenceOnnxClassifier(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(InferenceOnnxClassifier.HttpClientName),
                sp.GetRequiredService<IOptions<FrugalInferenceOptions>>()));
        }

        return services;
    }

    private static IEmbeddingIndexStore CreateIndexStore(EmbeddingIndexOptions options) => options switch
    {
        { BlobConnectionString.Length: > 0 } => new BlobEmbeddingIndexStore(new BlobContainerClient(options.BlobConnectionString, options.BlobContainer)),
        { BlobServiceUri: { } uri } => new BlobEmbeddingIndexStore(new BlobContainerClient(new Uri(uri, options.BlobContainer), new DefaultAzureCredential())),
        _ => new FileEmbeddingIndexStore(options.IndexPath),
    };

    /// <summary>Answers <c>onnx</c> model steps with the given classifier.</summary>
    /// <param name="services">The services.</param>
    /// <param name="factory">Creates the classifier.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddFrugalOnnxTier(this IServiceCollection services, Func<IServiceProvider, IOnnxClassifier> factory)
    {
        services.TryAddSingleton(factory);
        services.TryAddSingleton<IOnnxStepHandler, OnnxStepHandler>();
        return services;
    }
}
