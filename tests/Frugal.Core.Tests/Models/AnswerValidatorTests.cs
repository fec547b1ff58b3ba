using System.Text.Json.Nodes;
using Frugal.Engine;
using Frugal.Models;
using Frugal.Workflows;

namespace Frugal.Core.Tests.Models;

public sealed class AnswerValidatorTests
{
    private static readonly ModelCall Call = new(ModelTier.Cheap, "q") { Validation = new AnswerValidation([], DetectRefusal: false, MinConfidence: 0.9) };

    [Theory]
    [InlineData("""{"confidence": 67}""", "the answer's confidence 0.67 is below 0.9")]      // a percentage passed any floor
    [InlineData("""{"confidence": 95}""", null)]
    [InlineData("""{"confidence": 0.95}""", null)]
    [InlineData("""{"confidence": 250}""", "the answer's confidence 250 is not between 0 and 1 (or a percentage)")]
    [InlineData("""{"confidence": -0.2}""", "the answer's confidence -0.2 is not between 0 and 1 (or a percentage)")]
    public void Check_ConfidenceField_ReadOnTheScaleOfMinConfidence(string json, string? reason)
    {
        Assert.Equal(reason, AnswerValidator.Check(Call, json, JsonNode.Parse(json)));
    }
}
