using Frugal.Onnx.Batching;
using Frugal.Onnx.Models;
using Microsoft.Extensions.AI;

namespace Frugal.Onnx.Embeddings;

/// <summary>
/// An in-process <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over an ONNX embedding model, with the same
/// dynamic batching as the inference service: concurrent calls share model runs. Texts over the model's limit are cut
/// (<c>truncated</c> in the embedding's additional properties). The usage carries token counts, and the additional
/// properties <c>gpu_seconds</c>: the call's share of model run time.
/// </summary>
public sealed class OnnxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The additional property holding the call's share of model run time, in seconds.</summary>
    public const string GpuSecondsProperty = "gpu_seconds";

    /// <summary>The additional property of an embedding whose text was cut to the model's limit.</summary>
    public const string TruncatedProperty = "truncated";

    private readonly EmbeddingBatcher batcher;
    private readonly OnnxModelRegistry? ownedRegistry;
    private readonly TimeProvider timeProvider;
    private readonly EmbeddingGeneratorMetadata metadata;

    /// <summary>Initializes a new instance of the <see cref="OnnxEmbeddingGenerator"/> class over a batcher it does not own.</summary>
    /// <param name="batcher">The batcher of the embedding model.</param>
    /// <param name="timeProvider">The clock for <see cref="Embedding.CreatedAt"/>.</param>
    public OnnxEmbeddingGenerator(EmbeddingBatcher batcher, TimeProvider? timeProvider = null)
    {
        this.batcher = batcher ?? throw new ArgumentNullException(nameof(batcher));
        this.timeProvider = timeProvider ?? TimeProvider.System;
        metadata = new EmbeddingGeneratorMetadata("onnx", null, batcher.Model.Name, batcher.Model.Dimensions);
    }

    private OnnxEmbeddingGenerator(OnnxModelRegistry registry, EmbeddingBatcher batcher, TimeProvider? timeProvider)
        : this(batcher, timeProvider) => ownedRegistry = registry;

    /// <summary>Loads the models of a folder (by default the <c>models</c> folder shipped next to the application) and
    /// returns a generator over one embedding model. The generator owns what it loaded.</summary>
    /// <param name="model">The embedding model's name; <c>all-MiniLM-L6-v2</c> ships with Frugal.</param>
    /// <param name="options">Where models are and how ONNX Runtime runs; defaults if <see langword="null"/>.</param>
    /// <param name="batching">Batching; defaults if <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The generator.</returns>
    public static OnnxEmbeddingGenerator Create(string model = "all-MiniLM-L6-v2", OnnxOptions? options = null,
        BatchingOptions? batching = null, TimeProvider? timeProvider = null)
    {
        var registry = new OnnxModelRegistry(options ?? new OnnxOptions(), batching ?? new BatchingOptions(), timeProvider: timeProvider);
        registry.Load();
        if (!registry.Embeddings.TryGetValue(model, out var batcher))
        {
            registry.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw new ArgumentException($"No embedding model named '{model}' was found.", nameof(model));
        }

        return new OnnxEmbeddingGenerator(registry, batcher, timeProvider);
    }

    /// <inheritdoc />
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is { } dimensions && dimensions != batcher.Model.Dimensions)
        {
            throw new ArgumentException($"Model '{batcher.Model.Name}' makes {batcher.Model.Dimensions} dimensions, not {dimensions}.", nameof(options));
        }

        if (options?.ModelId is { } modelId && !string.Equals(modelId, batcher.Model.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"This generator serves '{batcher.Model.Name}', not '{modelId}'.", nameof(options));
        }

        var inputs = values.Select(batcher.Model.Tokenize).ToList();
        var results = await batcher.EmbedAsync(inputs, cancellationToken).ConfigureAwait(false);
        var created = timeProvider.GetUtcNow();
        var embeddings = new GeneratedEmbeddings<Embedding<float>>(results.Count);
        foreach (var result in results)
        {
            var embedding = new Embedding<float>(result.Vector) { ModelId = batcher.Model.Name, CreatedAt = created };
            if (result.Truncated)
            {
                embedding.AdditionalProperties = new() { [TruncatedProperty] = true };
            }

            embeddings.Add(embedding);
        }

        var tokens = results.Sum(r => r.Tokens);
        embeddings.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        embeddings.AdditionalProperties = new() { [GpuSecondsProperty] = results.Sum(r => r.ComputeSeconds) };
        return embeddings;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? metadata
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(batcher) ? batcher
            : null;
    }

    /// <inheritdoc />
    public void Dispose() => ownedRegistry?.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
