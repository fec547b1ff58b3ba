using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Frugal.Engine;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Embeddings;

/// <summary>
/// Gives the <see cref="EmbeddingIndex"/> of a set of keys: from memory, else from the <see cref="IEmbeddingIndexStore"/>,
/// else built with the registered <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> and stored. An index is
/// identified by the embedding model (id and vector size) and the keys, so a table edit or a model change makes a new
/// index and never reuses stale vectors.
/// </summary>
public sealed class EmbeddingIndexProvider
{
    private readonly Lazy<IEmbeddingGenerator<string, Embedding<float>>?> _generator;
    private readonly IEmbeddingIndexStore _store;
    private readonly ConcurrentDictionary<string, EmbeddingIndex> _memory = new(StringComparer.Ordinal);

    /// <summary>Creates the provider.</summary>
    /// <param name="services">
    /// Resolves the embedding generator on first use, not here: the in-process generator loads an ONNX model (seconds),
    /// which runs without semantic lookups should not pay.
    /// </param>
    /// <param name="store">Where indexes persist.</param>
    public EmbeddingIndexProvider(IServiceProvider services, IEmbeddingIndexStore store)
    {
        _generator = new(() => services.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        _store = store;
    }

    /// <summary>Gets whether the host has an embedding model (in process, or Frugal's inference app).</summary>
    public bool HasGenerator => _generator.Value is not null;

    /// <summary>Gets the embedding generator.</summary>
    /// <exception cref="StepInputException">None is configured.</exception>
    public IEmbeddingGenerator<string, Embedding<float>> Generator => _generator.Value
        ?? throw new StepInputException("match: semantic needs an embedding model: set Frugal:Inference:Endpoint (Frugal's inference app), or run where the ONNX models ship (the frugal CLI)");

    /// <summary>
    /// Changes when the same model starts giving other vectors for the same text, so that indexes built before are
    /// rebuilt. 2: December 2026, when Frugal's BERT tokenization stopped gluing words across line breaks and dropping
    /// ASCII symbols and accented letters. 3: when it started deleting format characters (zero-width space, soft hyphen).
    /// </summary>
    private const char VectorRevision = '3';

    /// <summary>Gets the identity of the embedding model: its id and vector size.</summary>
    public string ModelIdentity
    {
        get
        {
            var metadata = Generator.GetService<EmbeddingGeneratorMetadata>();
            return string.Create(CultureInfo.InvariantCulture, $"{metadata?.DefaultModelId ?? Generator.GetType().Name}/{metadata?.DefaultModelDimensions}");
        }
    }

    /// <summary>Gets the id of the index of these keys under the current embedding model.</summary>
    public string IdOf(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var text = new StringBuilder(ModelIdentity).Append('\0').Append(VectorRevision);
        foreach (var key in keys)
        {
            text.Append('\0').Append(key);
        }

        var hash = XxHash128.Hash(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Gets the index of the keys, building and storing it when no copy exists.</summary>
    /// <param name="keys">The keys, in table order.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The index, whether it was built by this call, and the billed accelerator seconds building it took.</returns>
    public async Task<(EmbeddingIndex Index, bool Built, double GpuSeconds)> GetAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var id = IdOf(keys);
        if (_memory.TryGetValue(id, out var cached))
        {
            return (cached, false, 0);
        }

        if (await _store.TryGetAsync(id, cancellationToken).ConfigureAwait(false) is { } stored && stored.Keys.SequenceEqual(keys, StringComparer.Ordinal) && IsWhole(stored))
        {
            return (_memory.GetOrAdd(id, stored), false, 0);
        }

        var (vectors, seconds) = await EmbedAsync(keys, cancellationToken).ConfigureAwait(false);
        var index = new EmbeddingIndex(id, ModelIdentity, [.. keys], vectors);
        await _store.SaveAsync(index, cancellationToken).ConfigureAwait(false);
        return (_memory.GetOrAdd(id, index), true, seconds);
    }

    /// <summary>
    /// Whether a stored index has a vector of the model's size for every key: one cut short (a damaged or hand-edited
    /// copy) was used as it was, and lookups quietly answered from the wrong vectors.
    /// </summary>
    private bool IsWhole(EmbeddingIndex index)
    {
        var dimensions = Generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions;
        return index.Vectors.Count == index.Keys.Count
            && index.Vectors.All(v => v is { Length: > 0 } && (dimensions is null || v.Length == dimensions));
    }

    /// <summary>Embeds texts as unit vectors.</summary>
    /// <returns>The vectors and the billed accelerator seconds (those of Frugal's inference app; zero in process).</returns>
    public async Task<(float[][] Vectors, double GpuSeconds)> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var generator = Generator;
        var vectors = new List<float[]>(texts.Count);
        var seconds = 0d;

        // A few hundred texts per call: a table of more keys than one request may carry (the inference app's
        // Inference:MaxInputs, 256 by default, and the in-process batch queue's capacity, 2048) failed every time, in
        // process with "the queue ... is full (0 texts waiting); retry after 1 s".
        foreach (var chunk in texts.Chunk(MaxTextsPerCall))
        {
            var result = await generator.GenerateAsync(chunk, cancellationToken: cancellationToken).ConfigureAwait(false);
            vectors.AddRange(result.Select(e => Normalize(e.Vector.ToArray())));
            seconds += InferenceEmbeddingGenerator.BilledSeconds(generator, result);
        }

        return ([.. vectors], seconds);
    }

    /// <summary>The most texts sent in one embedding call.</summary>
    internal const int MaxTextsPerCall = 256;

    private static float[] Normalize(float[] vector)
    {
        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        if (norm > 0 && MathF.Abs(norm - 1) > 1e-4f)
        {
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] /= norm;
            }
        }

        return vector;
    }
}
