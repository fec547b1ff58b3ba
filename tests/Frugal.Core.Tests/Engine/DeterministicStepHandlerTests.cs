using System.Text.Json.Nodes;
using Frugal.Engine;
using Frugal.Workflows;

namespace Frugal.Core.Tests.Engine;

public sealed class DeterministicStepHandlerTests
{
    [Fact]
    public void Execute_RegexOverAnObject_MatchesLettersOutsideAscii()
    {
        // The object was read as {"city":"Z\u00FCrich"}, so a pattern written for the text found nothing.
        var call = new DeterministicCall(
            DeterministicOperation.Regex, new JsonObject { ["city"] = "Zürich" }, Pattern: "\"city\":\"(?<city>[^\"]+)\"");

        var result = DeterministicStepHandler.Execute(call);

        Assert.Equal("Zürich", result.Output?["city"]?.GetValue<string>());
    }
}
