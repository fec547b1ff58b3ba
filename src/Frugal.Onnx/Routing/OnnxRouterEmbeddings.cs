using System.Text.Json;
using Frugal.Onnx.Batching;
using Frugal.Onnx.Embeddings;
using Frugal.Onnx.Models;
using Frugal.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Frugal.Onnx.Routing;

/// <summary>The in-process MiniLM embedding model routers read, and its identity (name, size, SHA-256 of model.onnx).</summary>
public static class OnnxRouterEmbeddings
{
    /// <summary>The embedding model routers read.</summary>
    public const string ModelName = "all-MiniLM-L6-v2";

    private static readonly Lazy<EmbeddingModelIdentity> LazyIdentity = new(ComputeIdentity);
    private static readonly JsonSerializerOptions CardJson = new(JsonSerializerDefaults.Web);

    /// <summary>Where the model is installed.</summary>
    public static string ModelFolder => Path.Combine(AppContext.BaseDirectory, new OnnxOptions().ModelsPath, ModelName);

    /// <summary>Hashes model.onnx once per process (about 90 MB).</summary>
    public static EmbeddingModelIdentity Identity => LazyIdentity.Value;

    /// <summary>Loads the model. A lone CLI call has nobody to batch with, so it does not wait for company.</summary>
    public static OnnxEmbeddingGenerator CreateGenerator() =>
        OnnxEmbeddingGenerator.Create(ModelName, new OnnxOptions { ExecutionProvider = ExecutionProviderPreference.Cpu },
            new BatchingOptions { MaxWaitMilliseconds = 0 });

    /// <summary>
    /// Registers the generator and its identity under the keys <see cref="FrugalRoutingServiceCollectionExtensions.AddFrugalRouters"/>
    /// reads; a generator registered there before (a host sharing its own copy of the model) is kept.
    /// </summary>
    public static IServiceCollection AddOnnxRouterEmbeddings(this IServiceCollection services)
    {
        services.TryAddKeyedSingleton<IEmbeddingGenerator<string, Embedding<float>>>(
            FrugalRoutingServiceCollectionExtensions.EmbeddingGeneratorKey, (_, _) => CreateGenerator());
        services.AddKeyedSingleton<Func<EmbeddingModelIdentity>>(FrugalRoutingServiceCollectionExtensions.EmbeddingModelKey, (_, _) => () => Identity);
        return services;
    }

    private static EmbeddingModelIdentity ComputeIdentity()
    {
        var cardPath = Path.Combine(ModelFolder, "model.json");
        if (!File.Exists(cardPath))
        {
            throw new RouterLoadException($"{cardPath}: the embedding model routers read is missing from the installation.");
        }

        var card = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(cardPath), CardJson)
            ?? throw new RouterLoadException($"{cardPath}: empty model card.");
        return EmbeddingModelIdentity.FromFile(card.Name, card.Dimensions, Path.Combine(ModelFolder, card.Model ?? "model.onnx"));
    }
}
