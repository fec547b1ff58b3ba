using System.Net;
using System.Net.Http.Headers;

namespace Frugal.Inference.Tests.Api;

[Collection(RunningService.Name)]
public sealed class ApiKeyTests(ServiceFixture service)
{
    [Fact]
    public async Task Embeddings_NoKey_Returns401AskingForOne()
    {
        using var client = service.App.CreateClient();

        using var response = await client.PostJsonAsync("/v1/embeddings", new { input = "x" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("No API key: send it in the 'api-key' header or as 'Authorization: Bearer <key>'.", (await response.ReadJsonAsync()).ErrorMessage());
    }

    [Fact]
    public async Task Embeddings_WrongKey_Returns401()
    {
        using var client = service.App.CreateClient();
        client.DefaultRequestHeaders.Add("api-key", "not-the-key");

        using var response = await client.PostJsonAsync("/v1/embeddings", new { input = "x" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("error");
        Assert.Equal("The API key is not valid.", error.GetProperty("message").GetString());
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Embeddings_BearerKey_IsAccepted()
    {
        using var client = service.App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", InferenceApp.Key);

        using var response = await client.PostJsonAsync("/v1/embeddings", new { input = "x" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_NoKey_Returns401()
    {
        using var client = service.App.CreateClient();

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Healthz_NoKey_IsAnswered()
    {
        using var client = service.App.CreateClient();

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
