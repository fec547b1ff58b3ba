using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Frugal.Onnx.Batching;

/// <summary>The instruments of the batcher, on the <see cref="MeterName"/> meter.</summary>
public sealed class BatcherMetrics
{
    /// <summary>The name of the meter to listen to (for example with OpenTelemetry's <c>AddMeter</c>).</summary>
    public const string MeterName = "Frugal.Onnx";

    private readonly Histogram<int> batchSize;
    private readonly Histogram<double> queueWait;
    private readonly Histogram<double> inferenceTime;
    private readonly Counter<long> tokens;
    private readonly Counter<double> busyTime;
    private readonly ConcurrentDictionary<EmbeddingBatcher, UtilisationSample> batchers = new();

    /// <summary>Initializes a new instance of the <see cref="BatcherMetrics"/> class.</summary>
    /// <param name="meterFactory">Creates the meter.</param>
    public BatcherMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        batchSize = meter.CreateHistogram("frugal.inference.batch.size", "{text}", "Texts per model run.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        double[] seconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
        queueWait = meter.CreateHistogram("frugal.inference.queue.wait", "s", "Time a text waited before its batch ran.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = seconds });
        inferenceTime = meter.CreateHistogram("frugal.inference.duration", "s", "Time of one model run.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = seconds });
        tokens = meter.CreateCounter<long>("frugal.inference.tokens", "{token}", "Word pieces read by the model.");
        busyTime = meter.CreateCounter<double>("frugal.inference.busy.time", "s", "Time the model spent running.");
        meter.CreateObservableGauge("frugal.inference.utilization", ObserveUtilisation, "1",
            "Busy time over wall time since the previous observation.");
        meter.CreateObservableGauge("frugal.inference.queue.length", ObserveQueueLength, "{text}", "Texts waiting.");
    }

    internal void Register(EmbeddingBatcher batcher) =>
        batchers[batcher] = new UtilisationSample(Stopwatch.GetTimestamp(), batcher.BusySeconds);

    internal void Unregister(EmbeddingBatcher batcher) => batchers.TryRemove(batcher, out _);

    internal void RecordBatch(string model, int size, int tokenCount, double seconds, IEnumerable<double> waits)
    {
        var tag = new KeyValuePair<string, object?>("gen_ai.request.model", model);
        batchSize.Record(size, tag);
        inferenceTime.Record(seconds, tag);
        tokens.Add(tokenCount, tag);
        busyTime.Add(seconds, tag);
        foreach (var wait in waits)
        {
            queueWait.Record(wait, tag);
        }
    }

    private IEnumerable<Measurement<double>> ObserveUtilisation()
    {
        foreach (var (batcher, previous) in batchers)
        {
            var now = Stopwatch.GetTimestamp();
            var busy = batcher.BusySeconds;
            var wall = Stopwatch.GetElapsedTime(previous.Timestamp, now).TotalSeconds;
            batchers[batcher] = new UtilisationSample(now, busy);
            var ratio = wall > 0 ? Math.Clamp((busy - previous.BusySeconds) / wall / batcher.Workers, 0, 1) : 0;
            yield return new Measurement<double>(ratio, new KeyValuePair<string, object?>("gen_ai.request.model", batcher.Model.Name));
        }
    }

    private IEnumerable<Measurement<int>> ObserveQueueLength() =>
        batchers.Keys.Select(b => new Measurement<int>(b.QueueLength, new KeyValuePair<string, object?>("gen_ai.request.model", b.Model.Name)));

    private readonly record struct UtilisationSample(long Timestamp, double BusySeconds);
}
