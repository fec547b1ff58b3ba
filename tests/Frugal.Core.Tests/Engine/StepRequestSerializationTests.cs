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
}
