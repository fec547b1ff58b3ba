using Frugal.Onnx.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace Frugal.Onnx.Embeddings;

/// <summary>
/// A BERT-style sentence-embedding model (such as all-MiniLM-L6-v2) on ONNX Runtime: WordPiece tokenization,
/// one encoder run per batch, mean pooling over the attention mask and L2 normalisation.
/// </summary>
public sealed class OnnxEmbeddingModel : IEmbeddingModel, IDisposable
{
    private readonly InferenceSession session;
    private readonly BertTokenizer tokenizer;
    private readonly bool normalize;
    private readonly string[] inputNames;
    private readonly string outputName;

    internal OnnxEmbeddingModel(ModelCard card, InferenceSession session, BertTokenizer tokenizer)
    {
        if (!string.Equals(card.Pooling, "mean", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{card.Folder}/model.json: pooling '{card.Pooling}' is not supported; use 'mean'.");
        }

        Card = card;
        this.session = session;
        this.tokenizer = tokenizer;
        normalize = card.Normalize;
        inputNames = [.. session.InputMetadata.Keys];
        outputName = session.OutputMetadata.First(o => o.Value.Dimensions.Length == 3).Key;
        Dimensions = session.OutputMetadata[outputName].Dimensions[2] is var d and > 0 ? d : card.Dimensions;
        if (card.Dimensions > 0 && card.Dimensions != Dimensions)
        {
            throw new InvalidDataException(
                $"{card.Folder}/model.json: dimensions is {card.Dimensions} but the ONNX model outputs {Dimensions}.");
        }
    }

    /// <summary>Gets the card the model was loaded from.</summary>
    public ModelCard Card { get; }

    /// <inheritdoc />
    public string Name => Card.Name;

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <inheritdoc />
    public int MaxTokens => Card.MaxTokens;

    /// <summary>Loads the model described by a card.</summary>
    /// <param name="card">The card; its files are read from <see cref="ModelCard.Folder"/>.</param>
    /// <param name="sessions">Creates the ONNX Runtime session.</param>
    /// <returns>The model.</returns>
    internal static OnnxEmbeddingModel Load(ModelCard card, OnnxSessionFactory sessions)
    {
        var vocabulary = Path.Combine(card.Folder, card.Vocabulary ?? "vocab.txt");
        var modelPath = Path.Combine(card.Folder, card.Model ?? "model.onnx");
        foreach (var file in new[] { vocabulary, modelPath })
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"Model '{card.Name}' needs {file}, which does not exist.", file);
            }
        }

        var tokenizer = BertTokenizer.Create(vocabulary, BertText.Options(card.LowerCase));
        return new OnnxEmbeddingModel(card, sessions.Create(modelPath), tokenizer);
    }

    /// <inheritdoc />
    public TokenizedText Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = tokenizer.EncodeToIds(BertText.Prepare(text, Card.LowerCase), addSpecialTokens: true, considerPreTokenization: true, considerNormalization: true);
        var length = Math.Min(ids.Count, MaxTokens);
        var result = new long[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = ids[i];
        }

        // Truncation keeps the head of the text and ends it with [SEP], as the model was trained.
        if (ids.Count > length)
        {
            result[length - 1] = tokenizer.SeparatorTokenId;
        }

        return new TokenizedText(result, ids.Count);
    }

    /// <inheritdoc />
    public float[][] Embed(IReadOnlyList<TokenizedText> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return [];
        }

        var rows = batch.Count;
        var width = batch.Max(t => t.Ids.Length);
        var ids = new long[rows * width];
        var mask = new long[rows * width];
        var types = new long[rows * width];
        for (var r = 0; r < rows; r++)
        {
            batch[r].Ids.Span.CopyTo(ids.AsSpan(r * width));
            mask.AsSpan(r * width, batch[r].Ids.Length).Fill(1);
        }

        long[] shape = [rows, width];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        var inputs = new OrtValue[inputNames.Length];
        for (var i = 0; i < inputNames.Length; i++)
        {
            inputs[i] = inputNames[i] switch
            {
                "input_ids" => idsValue,
                "attention_mask" => maskValue,
                "token_type_ids" => typesValue,
                var other => throw new InvalidDataException($"Model '{Name}' has an unexpected input '{other}'."),
            };
        }

        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, inputNames, inputs, [outputName]);
        return Pool(outputs[0].GetTensorDataAsSpan<float>(), batch, width);
    }

    private float[][] Pool(ReadOnlySpan<float> hidden, IReadOnlyList<TokenizedText> batch, int width)
    {
        var result = new float[batch.Count][];
        for (var r = 0; r < batch.Count; r++)
        {
            var vector = new float[Dimensions];
            var tokens = batch[r].Ids.Length;
            for (var t = 0; t < tokens; t++)
            {
                var row = hidden.Slice(((r * width) + t) * Dimensions, Dimensions);
                for (var d = 0; d < Dimensions; d++)
                {
                    vector[d] += row[d];
                }
            }

            var scale = 1f / tokens;
            if (normalize)
            {
                var sum = 0d;
                foreach (var v in vector)
                {
                    sum += v * v;
                }

                scale = sum > 0 ? (float)(1 / Math.Sqrt(sum)) : 1f;
            }

            for (var d = 0; d < Dimensions; d++)
            {
                vector[d] *= scale;
            }

            result[r] = vector;
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose() => session.Dispose();
}
