using System.Net;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Inference.Tests.Api;

/// <summary>A body over Kestrel's size limit, on a real Kestrel server (the in-memory test server has no such limit).</summary>
public sealed class BodySizeLimitTests
{
    [Fact]
    public async Task Embeddings_BodyOverTheServersLimit_Returns413WithAnOpenAiError()
    {
        await using var app = new InferenceApp(services: s => s.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = 2048));
        app.UseKestrel(0);
        app.StartServer();
        using var client = await app.CreateReadyClientAsync();
        string body = "{\"input\": \"" + new string('a', 4096) + "\"}";

        using var response = await client.PostAsync(new Uri("/v1/embeddings", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("error");
        Assert.StartsWith("The request was refused: ", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("request_refused", error.GetProperty("code").GetString());
    }
}
