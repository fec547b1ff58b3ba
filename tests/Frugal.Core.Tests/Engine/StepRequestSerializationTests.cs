using System.Text.Json.Nodes;
using Frugal.Engine;
using Frugal.Workflows;

namespace Frugal.Core.Tests.Engine;

/// <summary>
/// Step messages leave default values out (<see cref="FrugalDataConverter"/>); a value whose "unset" meaning is not
/// the type's default must still come back as it went.
/// </summary>
public sealed class StepRequestSerializationTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(8)]
    public void FrugalDataConverter_FirstItem_RoundTrips(int firstItem)
    {
        var request = new StepRequest("w", "hash", "default", "each", 1, [new DeterministicCall(DeterministicOperation.Template, JsonValue.Create("x"))], Math.Max(0, firstItem), firstItem);

        var read = FrugalDataConverter.Instance.Deserialize<StepRequest>(FrugalDataConverter.Instance.Serialize(request))!;

        Assert.Equal(firstItem, read.FirstItem);
        Assert.Equal(firstItem < 0 ? "each" : $"each[{firstItem}]", read.ItemStepId(0));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("字字字 and \"quotes\", \\ and\nlines\u0001")]
    [InlineData("👍🏽🇫🇷 e\u0301")]
    [InlineData("")]
    public void MinRequestBytes_AnyText_NeverMoreThanTheCallWrites(string text)
    {
        // The orchestrator refuses a batch once this bound is over the limit, so it must never count more than is written.
        StepCall[] calls =
        [
            new ModelCall(ModelTier.Cheap, text, text),
            new ClassifyCall(text, "router", 0.5),
            new DeterministicCall(DeterministicOperation.Template, JsonValue.Create(text)),
            new DeterministicCall(DeterministicOperation.Template, JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(text))),
        ];

        foreach (var call in calls)
        {
            var written = System.Text.Encoding.UTF8.GetByteCount(FrugalDataConverter.Instance.Serialize(call)!);
            var bound = StepCallBuilder.MinRequestBytes(call);
            Assert.True(bound <= written, $"{call.GetType().Name}: {bound} > {written}");
            Assert.True(bound >= (call is ModelCall ? 2 : 1) * text.Length, $"{call.GetType().Name}: {bound} counts less than its text");
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.8)]
    [InlineData(0.95)]
    public void FrugalDataConverter_MinSimilarity_RoundTrips(double minSimilarity)
    {
        StepCall call = new DeterministicCall(DeterministicOperation.Lookup, JsonValue.Create("x")) { Match = LookupMatch.Semantic, MinSimilarity = minSimilarity };

        var read = (DeterministicCall)FrugalDataConverter.Instance.Deserialize<StepCall>(FrugalDataConverter.Instance.Serialize(call))!;

        Assert.Equal(minSimilarity, read.MinSimilarity);
        Assert.Equal(LookupMatch.Semantic, read.Match);
    }

    [Theory]
    [InlineData(-1, "step 'answer': its request is 5.72 MB, over the 3.9 MB Durable Task allows one activity's input; bound what the step reads (maxLength in the workflow's input schema, or truncate() in its expressions)")]
    [InlineData(0, "step 'answer' (batch 0, 1 item(s)): its request is 5.72 MB, over the 3.9 MB Durable Task allows one activity's input; give the step a smaller batch_size, or smaller items")]
    public void WithActionSizeCheck_RequestOverTheLimit_SaysWhatToChange(int firstItem, string expected)
    {
        // A step outside a foreach (a model step given a 6 MB document) was told to lower a batch_size it does not have.
        var request = new StepRequest("w", "hash", "default", "answer", 1, [new DeterministicCall(DeterministicOperation.Template, JsonValue.Create(new string('x', 6_000_000)))], 0, firstItem);

        var ex = Assert.Throws<DurableMessageTooLargeException>(() => FrugalDataConverter.WithActionSizeCheck.Serialize(new object[] { request }));

        Assert.Equal(expected, ex.Message);
    }

    [Fact]
    public void WithActionSizeCheck_BatchFarOverTheLimit_RefusedWithItsSizeNotWrittenWhole()
    {
        // 600 items that each repeat a 4 MB text (one string, shared): 2.4 GB of request. It was written whole before the
        // check (a 400-item batch of a 1 MB text peaked `frugal run` at 3.4 GB to refuse it), and one this large could
        // not be written at all: the run failed on an OutOfMemoryException that named no step.
        var text = new string('x', 4_000_000);
        var calls = Enumerable.Range(0, 600).Select(_ => (StepCall)new DeterministicCall(DeterministicOperation.Template, JsonValue.Create(text))).ToList();
        var request = new StepRequest("w", "hash", "default", "each", 1, calls, 2, 16);

        var ex = Assert.Throws<DurableMessageTooLargeException>(() => FrugalDataConverter.WithActionSizeCheck.Serialize(new object[] { request }));

        Assert.StartsWith("step 'each' (batch 2, 600 item(s)): its request is 228", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith(" MB, over the 3.9 MB Durable Task allows one activity's input; give the step a smaller batch_size, or smaller items", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithActionSizeCheck_RequestWithinTheLimit_WritesWhatTheUncheckedConverterWrites()
    {
        var request = new StepRequest("w", "hash", "default", "each", 2, [new DeterministicCall(DeterministicOperation.Template, JsonNode.Parse("""{"t":"café \"q\" 😀 \u0001","n":[1,2.5,null]}"""))], 0, 0) { Items = [3] };
        object[] parameters = [request];

        Assert.Equal(FrugalDataConverter.Instance.Serialize(parameters), FrugalDataConverter.WithActionSizeCheck.Serialize(parameters));
        Assert.Equal(FrugalDataConverter.Instance.Serialize(request), FrugalDataConverter.WithActionSizeCheck.Serialize(request));
    }

    [Fact]
    public void WithActionSizeCheck_AfterARequestThatFailedOrWasRefused_NextRequestWrittenAsItIs()
    {
        // The buffer and JSON writer are kept per thread: one left mid-value by a failed write, or full from a refused
        // one, must not leak into the next request.
        JsonNode deep = new JsonArray();
        for (var level = 0; level < 200; level++)
        {
            deep = new JsonArray(deep);
        }

        var failing = new StepRequest("w", "hash", "default", "deep", 1, [new DeterministicCall(DeterministicOperation.Template, deep)], 0, -1);
        var large = new StepRequest("w", "hash", "default", "large", 1, [new DeterministicCall(DeterministicOperation.Template, JsonValue.Create(new string('x', 5_000_000)))], 0, -1);
        object[] small = [new StepRequest("w", "hash", "default", "small", 1, [new DeterministicCall(DeterministicOperation.Template, JsonValue.Create("café"))], 0, -1)];

        Assert.ThrowsAny<System.Text.Json.JsonException>(() => FrugalDataConverter.WithActionSizeCheck.Serialize(new object[] { failing }));
        Assert.Equal(FrugalDataConverter.Instance.Serialize(small), FrugalDataConverter.WithActionSizeCheck.Serialize(small));
        Assert.Throws<DurableMessageTooLargeException>(() => FrugalDataConverter.WithActionSizeCheck.Serialize(new object[] { large }));
        Assert.Equal(FrugalDataConverter.Instance.Serialize(small), FrugalDataConverter.WithActionSizeCheck.Serialize(small));
    }
}
