using System.Text.Json.Nodes;
using Frugal.Api;

namespace Frugal.Core.Tests.Api;

/// <summary>What every host (Functions, <c>frugal serve</c>) sends for an <see cref="ApiResult"/>.</summary>
public sealed class ApiResultTests
{
    [Fact]
    public void Headers_LocationAndRetryAfter_AreBothSent()
    {
        var result = new ApiResult(429, new JsonObject(), Location: "/api/runs/abc", RetryAfterSeconds: 12);

        Assert.Equal(
            [new("Location", "/api/runs/abc"), new("Retry-After", "12")],
            result.Headers.ToArray());
    }

    [Fact]
    public void Headers_Neither_SendsNone()
    {
        Assert.Empty(ApiResult.Problem(404, "Not Found", "no workflow named 'x'").Headers);
    }

    [Fact]
    public void BodyText_ProblemQuotingNames_ReadsAsWritten()
    {
        var problem = ApiResult.Problem(404, "Unknown workflow", "no workflow named 'café' is deployed");

        Assert.Contains("\"detail\":\"no workflow named 'café' is deployed\"", problem.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public void BodyText_QuotesAndControlCharacters_StillEscaped()
    {
        var problem = ApiResult.Problem(400, "Malformed JSON", "a \"quote\"\nand a newline");

        Assert.Contains("\"detail\":\"a \\\"quote\\\"\\nand a newline\"", problem.BodyText, StringComparison.Ordinal);
    }
}
