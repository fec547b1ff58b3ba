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
}
