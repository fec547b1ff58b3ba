using System.Net;

namespace Frugal.Inference.Tests.Api;

public sealed class OverLimitRejectTests
{
    [Fact]
    public async Task Embeddings_TextOverTheLimitWithRejectPolicy_Returns413NamingTheInput()
    {
        await using var app = new InferenceApp(new Dictionary<string, string?> { ["Inference:OverLimit"] = "Reject" });
        using var client = await app.CreateReadyClientAsync();
        var longText = string.Join(' ', Enumerable.Repeat("word", 300));

        using var response = await client.PostJsonAsync("/v1/embeddings", new { input = new[] { "fine", longText } });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("error");
        Assert.Equal("'input[1]' has 302 tokens; model 'all-MiniLM-L6-v2' reads at most 256.", error.GetProperty("message").GetString());
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
    }
}
