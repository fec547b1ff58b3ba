using Frugal.Models;
using Frugal.Onnx.Embeddings;
using Frugal.Onnx.Models;
using Frugal.Onnx.Routing;
using Frugal.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Frugal.Cli.Onnx;

/// <summary>Registers the in-process ONNX models as the <c>onnx</c> tier and the embedding generator.</summary>
internal static class LocalOnnxServiceCollectionExtensions
{
    /// <summary>
    /// Adds the in-process models unless <c>Frugal:Inference:Endpoint</c> is set (then <c>AddFrugalInference</c> has
    /// registered the inference app's). Models come from <c>Frugal:Onnx</c> (default: <c>models/</c> beside the CLI).
    /// </summary>
    public static IServiceCollection AddFrugalLocalOnnx(this IServiceCollection services, IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(configuration[$"{FrugalInferenceOptions.SectionName}:{nameof(FrugalInferenceOptions.Endpoint)}"]))
        {
            return services;
        }

        var options = configuration.GetSection("Frugal:Onnx").Get<OnnxOptions>() ?? new OnnxOptions();
        services.TryAddSingleton(sp => new LocalOnnxModels(options, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
        {
            var model = sp.GetRequiredService<IOptions<FrugalInferenceOptions>>().Value.EmbeddingModel;
            var embeddings = sp.GetRequiredService<LocalOnnxModels>().Registry.Embeddings;
            return embeddings.TryGetValue(model, out var batcher)
                ? new OnnxEmbeddingGenerator(batcher, sp.GetRequiredService<TimeProvider>())
                : throw new InvalidOperationException($"Frugal:Inference:EmbeddingModel '{model}' is not an in-process embedding model (available: {string.Join(", ", embeddings.Keys)}).");
        });
        services.AddFrugalOnnxTier(sp => new LocalOnnxClassifier(sp.GetRequiredService<LocalOnnxModels>()));

        // The learned router reads the same MiniLM. Given its own generator (OnnxRouterEmbeddings.CreateGenerator) it
        // loads a second copy of every model whenever a run has both a router and an onnx step or a semantic lookup:
        // about 110 MB more at peak and 0.15 s more per run (docs/routing.md). So when the models come from the
        // shipped folder (whose model.onnx the router's identity hashes), one registry serves both. Its settings apply
        // to the router's calls too: the configured execution provider, and a short wait to batch with concurrent
        // calls.
        if (string.Equals(
            Path.GetFullPath(options.ModelsPath, AppContext.BaseDirectory),
            Path.GetFullPath(new OnnxOptions().ModelsPath, AppContext.BaseDirectory),
            StringComparison.Ordinal))
        {
            services.TryAddKeyedSingleton(FrugalRoutingServiceCollectionExtensions.EmbeddingGeneratorKey, RouterGenerator);
        }

        return services;
    }

    private static IEmbeddingGenerator<string, Embedding<float>> RouterGenerator(IServiceProvider services, object? key)
    {
        var embeddings = services.GetRequiredService<LocalOnnxModels>().Registry.Embeddings;
        return embeddings.TryGetValue(OnnxRouterEmbeddings.ModelName, out var batcher)
            ? new OnnxEmbeddingGenerator(batcher, services.GetRequiredService<TimeProvider>())
            : throw new InvalidOperationException(
                $"{OnnxRouterEmbeddings.ModelFolder}: the embedding model routers read is missing from the installation.");
    }
}
