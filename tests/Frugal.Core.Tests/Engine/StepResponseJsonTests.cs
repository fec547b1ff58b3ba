using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Engine;

namespace Frugal.Core.Tests.Engine;

public sealed class StepResponseJsonTests
{
    private static readonly StepResponse Response = new(
    [
        new CallResult(new JsonObject { ["answer"] = "yes", ["n"] = 2 }, "cheap", "gpt-4o-mini", 12, 3, 4.5) { Escalated = true },
        new CallResult(JsonValue.Create("plain"), "deterministic"),
    ]);

    [Fact]
    public void FrugalDataConverter_StepResponse_ReadsBackUnparsedUntilUsed()
    {
        var json = FrugalDataConverter.Instance.Serialize(Response);

        var wrapped = FrugalDataConverter.Instance.Deserialize<StepResponseJson>(json)!;

        Assert.Same(json, wrapped.Json);
        AssertSame(Response, wrapped.Value);
    }

    [Fact]
    public void PlainSystemTextJson_StepResponse_RoundTripsThroughTheWrapper()
    {
        // The Functions worker deserialises activity results with its own System.Text.Json options.
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var json = JsonSerializer.Serialize(Response, FrugalDataConverter.SerializerOptions);

        var wrapped = JsonSerializer.Deserialize<StepResponseJson>(json, options)!;

        AssertSame(Response, wrapped.Value);
        Assert.Equal(json, JsonSerializer.Serialize(wrapped, options));
    }

    [Theory]
    [InlineData("""{"failed":[1],"results":[]}""", true)]
    [InlineData(""" { "Failed" : [ 1 ], "results": [] }""", true)]
    [InlineData("""{"failed":null,"results":[]}""", false)]
    [InlineData("""{"results":[{"tier":"cheap"}]}""", false)]
    [InlineData("""{"results":[{"failure":{"type":"x"}}],"failed":[0]}""", false)] // only ever written first
    public void HasFailures_TellsFromTheFirstProperty(string json, bool expected)
    {
        Assert.Equal(expected, new StepResponseJson(json).HasFailures);
    }

    [Fact]
    public void FrugalDataConverter_PartialResponse_WritesFailedFirst()
    {
        var partial = new StepResponse([new CallResult(JsonValue.Create("ok"), "cheap"), new CallResult(null, "none") { Failure = new CallFailure("System.Exception", "boom", true) }]) { Failed = [1] };

        var json = FrugalDataConverter.Instance.Serialize(partial)!;

        Assert.StartsWith("""{"failed":[1],""", json, StringComparison.Ordinal);
        Assert.True(new StepResponseJson(json).HasFailures);
        Assert.False(new StepResponseJson(FrugalDataConverter.Instance.Serialize(Response)!).HasFailures);
    }

    [Fact]
    public void PlainSystemTextJson_PartialAndWholeResponses_TellFailuresApart()
    {
        // The Functions worker writes every property, nulls included, with its own options.
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var partial = new StepResponse([new CallResult(JsonValue.Create("ok"), "cheap"), new CallResult(null, "none") { Failure = new CallFailure("System.Exception", "boom", true) }]) { Failed = [1] };

        Assert.True(new StepResponseJson(JsonSerializer.Serialize(partial, options)).HasFailures);
        Assert.False(new StepResponseJson(JsonSerializer.Serialize(Response, options)).HasFailures);
    }

    [Fact]
    public void Value_NotAStepResponse_ThrowsJsonException()
    {
        Assert.ThrowsAny<JsonException>(() => new StepResponseJson("null").Value);
    }

    private static void AssertSame(StepResponse expected, StepResponse actual)
    {
        Assert.Equal(expected.Results.Count, actual.Results.Count);
        for (var i = 0; i < expected.Results.Count; i++)
        {
            Assert.True(JsonNode.DeepEquals(expected.Results[i].Output, actual.Results[i].Output));
            Assert.Equal(expected.Results[i] with { Output = null }, actual.Results[i] with { Output = null });
        }
    }
}
