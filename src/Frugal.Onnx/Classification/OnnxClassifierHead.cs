using Microsoft.ML.OnnxRuntime;

namespace Frugal.Onnx.Classification;

/// <summary>
/// A classifier head exported as ONNX: one float input of shape [batch, dimensions] (the embedding vectors) and a first
/// output of shape [batch, labels], turned into scores by the card's activation.
/// </summary>
public sealed class OnnxClassifierHead : IClassifierHead, IDisposable
{
    private readonly InferenceSession session;
    private readonly string inputName;
    private readonly string outputName;
    private readonly string activation;

    internal OnnxClassifierHead(InferenceSession session, IReadOnlyList<string> labels, string activation, string where)
    {
        this.session = session;
        Activations.Validate(activation, where);
        this.activation = activation;
        Labels = labels;
        var input = session.InputMetadata.Single();
        inputName = input.Key;
        Dimensions = input.Value.Dimensions[^1];
        outputName = session.OutputMetadata.First().Key;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Labels { get; }

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <inheritdoc />
    public float[][] Score(IReadOnlyList<float[]> embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        var input = new float[embeddings.Count * Dimensions];
        for (var n = 0; n < embeddings.Count; n++)
        {
            embeddings[n].CopyTo(input.AsSpan(n * Dimensions));
        }

        using var value = OrtValue.CreateTensorValueFromMemory(input, [embeddings.Count, Dimensions]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [inputName], [value], [outputName]);
        var scores = outputs[0].GetTensorDataAsSpan<float>();
        var result = new float[embeddings.Count][];
        for (var n = 0; n < embeddings.Count; n++)
        {
            result[n] = scores.Slice(n * Labels.Count, Labels.Count).ToArray();
            Activations.Apply(activation, result[n]);
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose() => session.Dispose();
}
