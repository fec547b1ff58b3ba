using System.Diagnostics;
using Frugal.Onnx.Embeddings;
using Microsoft.ML.OnnxRuntime;

namespace Frugal.Inference.Benchmarks;

/// <summary>Raw ONNX Runtime <c>Run</c> throughput: inputs prepared once, nothing but the session call timed.</summary>
internal sealed class RawOnnxBenchmark : IDisposable
{
    private readonly SessionOptions options = new() { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, InterOpNumThreads = 1 };
    private readonly InferenceSession session;
    private readonly IReadOnlyList<TokenizedText> texts;
    private readonly string[] names;
    private readonly string output;
    private readonly Dictionary<int, List<OrtValue[]>> prepared = [];
    private readonly RunOptions run = new();

    public RawOnnxBenchmark(string modelPath, IReadOnlyList<TokenizedText> texts, int threads)
    {
        options.IntraOpNumThreads = threads;
        session = new InferenceSession(modelPath, options);
        this.texts = texts;
        names = [.. session.InputMetadata.Keys];
        output = session.OutputMetadata.Keys.First();
    }

    /// <summary>Runs batches of <paramref name="batchSize"/> for <paramref name="duration"/>; returns sentences/s.</summary>
    public double Measure(int batchSize, TimeSpan duration)
    {
        if (!prepared.TryGetValue(batchSize, out var batches))
        {
            batches = [.. Enumerable.Range(0, texts.Count / batchSize).Select(b => Prepare([.. texts.Skip(b * batchSize).Take(batchSize)]))];
            prepared[batchSize] = batches;
            using var warm = session.Run(run, names, batches[0], [output]);
        }

        var sentences = 0L;
        var clock = Stopwatch.StartNew();
        for (var i = 0; clock.Elapsed < duration; i++)
        {
            using var outputs = session.Run(run, names, batches[i % batches.Count], [output]);
            sentences += batchSize;
        }

        return sentences / clock.Elapsed.TotalSeconds;
    }

    private OrtValue[] Prepare(List<TokenizedText> batch)
    {
        var width = batch.Max(t => t.Ids.Length);
        var ids = new long[batch.Count * width];
        var mask = new long[batch.Count * width];
        for (var r = 0; r < batch.Count; r++)
        {
            batch[r].Ids.Span.CopyTo(ids.AsSpan(r * width));
            mask.AsSpan(r * width, batch[r].Ids.Length).Fill(1);
        }

        long[] shape = [batch.Count, width];
        var values = new Dictionary<string, OrtValue>
        {
            ["input_ids"] = OrtValue.CreateTensorValueFromMemory(ids, shape),
            ["attention_mask"] = OrtValue.CreateTensorValueFromMemory(mask, shape),
            ["token_type_ids"] = OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape),
        };
        return [.. names.Select(n => values[n])];
    }

    public void Dispose()
    {
        foreach (var value in prepared.Values.SelectMany(b => b).SelectMany(v => v))
        {
            value.Dispose();
        }

        session.Dispose();
        run.Dispose();
        options.Dispose();
    }
}
