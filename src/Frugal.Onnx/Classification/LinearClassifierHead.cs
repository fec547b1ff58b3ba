using System.Text.Json;
using System.Text.Json.Serialization;

namespace Frugal.Onnx.Classification;

/// <summary>
/// A linear layer over embedding vectors read from JSON: <c>{"labels": [...], "weights": [[...], ...], "bias": [...],
/// "activation": "softmax"}</c>, one weight row per label. This is what a logistic regression over MiniLM vectors (the
/// learned router) exports. A binary logistic regression may give one row and two labels: the row scores the second
/// label, with a sigmoid.
/// </summary>
public sealed class LinearClassifierHead : IClassifierHead
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip };
    private readonly float[][] weights;
    private readonly float[] bias;
    private readonly string activation;
    private readonly bool binary;

    private LinearClassifierHead(IReadOnlyList<string> labels, float[][] weights, float[] bias, string activation)
    {
        Labels = labels;
        this.weights = weights;
        this.bias = bias;
        this.activation = activation;
        binary = weights.Length == 1 && labels.Count == 2;
        Dimensions = weights[0].Length;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Labels { get; }

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <summary>Reads a head from a JSON file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The head.</returns>
    /// <exception cref="InvalidDataException">The file is not a consistent head; the message says what is wrong.</exception>
    public static LinearClassifierHead Load(string path)
    {
        HeadFile? file;
        try
        {
            using var stream = File.OpenRead(path);
            file = JsonSerializer.Deserialize<HeadFile>(stream, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a valid classifier head: {JsonErrors.Describe(ex)}", ex);
        }

        if (file?.Labels is not { Length: >= 2 } labels || file.Weights is not { Length: > 0 } weights)
        {
            throw new InvalidDataException($"{path}: a classifier head needs 'labels' (two or more) and 'weights'.");
        }

        var binary = weights.Length == 1 && labels.Length == 2;
        if (!binary && weights.Length != labels.Length)
        {
            throw new InvalidDataException($"{path}: 'weights' has {weights.Length} rows but there are {labels.Length} labels.");
        }

        if (weights.Any(row => row.Length != weights[0].Length || row.Length == 0))
        {
            throw new InvalidDataException($"{path}: every row of 'weights' must have the same, non-zero length.");
        }

        var bias = file.Bias ?? new float[weights.Length];
        if (bias.Length != weights.Length)
        {
            throw new InvalidDataException($"{path}: 'bias' has {bias.Length} values but 'weights' has {weights.Length} rows.");
        }

        var activation = file.Activation ?? (binary ? "sigmoid" : "softmax");
        Activations.Validate(activation, path);
        return new LinearClassifierHead(labels, weights, bias, activation);
    }

    /// <inheritdoc />
    public float[][] Score(IReadOnlyList<float[]> embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        var result = new float[embeddings.Count][];
        for (var n = 0; n < embeddings.Count; n++)
        {
            var logits = new float[weights.Length];
            for (var k = 0; k < weights.Length; k++)
            {
                logits[k] = bias[k] + Dot(weights[k], embeddings[n]);
            }

            Activations.Apply(activation, logits);
            result[n] = binary ? [1 - logits[0], logits[0]] : logits;
        }

        return result;
    }

    private static float Dot(float[] a, float[] b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"The head reads vectors of {a.Length} values but got {b.Length}.", nameof(b));
        }

        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private sealed record HeadFile(
        [property: JsonPropertyName("labels")] string[]? Labels,
        [property: JsonPropertyName("weights")] float[][]? Weights,
        [property: JsonPropertyName("bias")] float[]? Bias,
        [property: JsonPropertyName("activation")] string? Activation);
}
