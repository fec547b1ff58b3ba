using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;

namespace Frugal.Engine;

/// <summary>
/// The Durable Task data converter for Frugal's messages: System.Text.Json with source-generated metadata for the
/// orchestration and activity records. The SDK serialises every activity input again on each replay and reads every
/// result back, so reflection-based serialisation of these records was a visible share of a step's cost.
/// </summary>
public static class FrugalDataConverter
{
    /// <summary>The options: Frugal's source-generated contract first, reflection for anything else.</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        // Nulls, zeros and false are most of a step message; leaving them out halves what every replay moves.
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault,

        // Text as it is, not \uXXXX: the default escaping wrote every letter outside ASCII in six bytes, twice what
        // UTF-8 takes for Chinese or Japanese, on every replay and against Durable Task's 3.9 MB per request. These
        // messages never go into HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(JsonContext.Default, new DefaultJsonTypeInfoResolver()),

        // A run input may nest as deeply as the API's parser allows (JsonInput.MaxDepth, 64), and the messages that
        // carry it add levels of their own: at the default of 64, an input of 64 levels, accepted and valid, failed
        // its start with a 500 ("CurrentDepth (64) is equal to or larger than the maximum allowed depth").
        MaxDepth = 2 * JsonInput.MaxDepth,
    };

    /// <summary>The converter to give both the worker and the client.</summary>
    public static DataConverter Instance { get; } = new Converter(checkActionSize: false);

    /// <summary>
    /// <see cref="Instance"/> for a worker that runs orchestrators through durabletask-dotnet's gRPC worker (the local
    /// host's), which fails a run whose orchestrator sends more than <see cref="MaxActionBytes"/> in one action: this
    /// one fails a step request that large first, naming the step. The Functions worker has no such limit (the Azure
    /// Storage provider keeps large messages in blobs), and its Durable extension serialises with the worker's own
    /// serializer (<c>WorkerOptions.Serializer</c>), not with a converter given to it: the Functions app sets that to a
    /// serializer with <see cref="SerializerOptions"/>, so it writes what the local host writes (a
    /// <see cref="StepResponseJson"/> is read through its own converter there), and what the API answers from a run's
    /// status is written field by field (<c>RunStatus</c>).
    /// </summary>
    public static DataConverter WithActionSizeCheck { get; } = new Converter(checkActionSize: true);

    /// <summary>
    /// The most bytes one orchestrator action may hold: the gRPC worker fails a run whose step request (or output) is
    /// larger (durabletask-dotnet's <c>MaxCompleteOrchestrationWorkItemChunkSizeInBytes</c>, 3.9 MB), with a message
    /// that names no step and suggests a setting Frugal has not got. A little is kept for the action's other fields.
    /// </summary>
    /// <remarks>A worker given <see cref="WithActionSizeCheck"/> gives this to its orchestrator too
    /// (<c>AddFrugalTasks(maxStepRequestBytes)</c>), which then refuses a foreach batch as soon as what it has built of
    /// it is surely over, rather than building all of it for this converter to refuse.</remarks>
    public const int MaxActionBytes = 4_089_446 - (16 * 1024);

    /// <summary>JSON, except that a <see cref="StepResponseJson"/> takes the text as it is, unparsed.</summary>
    private sealed class Converter(bool checkActionSize) : JsonDataConverter(SerializerOptions)
    {
        // A buffer grown past this by one large request is not kept for the next.
        private const int KeptBufferBytes = 64 * 1024;

        [ThreadStatic]
        private static CappedBufferWriter? t_buffer;

        [ThreadStatic]
        private static Utf8JsonWriter? t_writer;

        public override object? Deserialize(string? data, Type targetType) =>
            targetType == typeof(StepResponseJson) && data is not null ? new StepResponseJson(data) : base.Deserialize(data, targetType);

        public override string? Serialize(object? value)
        {
            // What the orchestrator sends as a step's input (Durable Task passes it as its activity's parameter
            // array); an activity's result has no such limit, and the local host sends a large run output by reference
            // (Frugal.Hosting's RunOutputReferenceConverter).
            var sent = value is object[] { Length: 1 } parameters ? parameters[0] : value;
            if (!checkActionSize || sent is not StepRequest request)
            {
                return base.Serialize(value);
            }

            // Written as UTF-8 into a buffer that stops growing at the limit (what is over it is only counted), then
            // made a string as JsonSerializer would: a batch of 400 items that each repeated a 1 MB input was written
            // whole, a 400 MB buffer and an 800 MB string, only to be refused.
            // Every step request comes this way, so the buffer and writer are kept per thread and reset, not made per
            // request (unless a large request grew the buffer: that one is let go).
            var buffer = t_buffer ??= new CappedBufferWriter(MaxActionBytes);
            var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = SerializerOptions.Encoder, Indented = SerializerOptions.WriteIndented, MaxDepth = SerializerOptions.MaxDepth, SkipValidation = true });
            buffer.Reset();
            writer.Reset(buffer);
            string? json = null;
            try
            {
                JsonSerializer.Serialize(writer, value, SerializerOptions);
                writer.Flush();
                if (buffer.Count <= MaxActionBytes)
                {
                    json = System.Text.Encoding.UTF8.GetString(buffer.Kept);
                }
            }
            finally
            {
                if (buffer.Capacity > KeptBufferBytes)
                {
                    (t_buffer, t_writer) = (null, null);
                }
            }

            if (json is null)
            {
                throw TooLarge(request.StepId, request.FirstItem >= 0 ? request.Batch : -1, request.Calls.Count, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{buffer.Count / 1048576.0:0.00}"));
            }

            return json;
        }
    }

    /// <summary>
    /// The failure of a step request over <see cref="MaxActionBytes"/>: what this converter throws, and what the
    /// orchestrator throws when a foreach batch it builds is over that already (<c>WorkflowRun.BuildBatch</c>).
    /// </summary>
    /// <param name="stepId">The step.</param>
    /// <param name="batch">The foreach batch, or -1 for a step of one call.</param>
    /// <param name="calls">The request's calls (a batch's items).</param>
    /// <param name="megabytes">The request's size in MB, as it is to be read ("4.58", "at least 3.91").</param>
    internal static DurableMessageTooLargeException TooLarge(string stepId, int batch, int calls, string megabytes) =>
        new(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"step '{stepId}'{(batch >= 0 ? $" (batch {batch}, {calls} item(s))" : string.Empty)}: its request is {megabytes} MB, over the {MaxActionBytes / 1048576.0:0.0}{DurableMessageTooLargeException.Phrase} one activity's input; {(batch >= 0 ? "give the step a smaller batch_size, or smaller items" : "bound what the step reads (maxLength in the workflow's input schema, or truncate() in its expressions)")}"));

    /// <summary>
    /// Keeps what is written up to a limit (and the rest of the write that crossed it); beyond that it hands out one
    /// scratch buffer again and again and only counts.
    /// </summary>
    private sealed class CappedBufferWriter(int limit) : System.Buffers.IBufferWriter<byte>
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> _kept = new();
        private byte[] _scratch = [];
        private bool _counting;

        /// <summary>The bytes written in all, kept or not.</summary>
        public long Count { get; private set; }

        /// <summary>The bytes kept: all of them while <see cref="Count"/> is within the limit.</summary>
        public ReadOnlySpan<byte> Kept => _kept.WrittenSpan;

        /// <summary>The bytes the kept buffer and the scratch buffer hold, written or not.</summary>
        public int Capacity => _kept.Capacity + _scratch.Length;

        /// <summary>Empties the writer for the next request, keeping its buffers.</summary>
        public void Reset()
        {
            _kept.ResetWrittenCount();
            Count = 0;
            _counting = false;
        }

        public void Advance(int count)
        {
            if (!_counting)
            {
                _kept.Advance(count);
            }

            Count += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            _counting = Count > limit;
            if (!_counting)
            {
                return _kept.GetMemory(sizeHint);
            }

            if (_scratch.Length < Math.Max(sizeHint, 1))
            {
                _scratch = new byte[Math.Max(sizeHint, 64 * 1024)];
            }

            return _scratch;
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }
}
