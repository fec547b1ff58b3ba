using System.Net;
using Microsoft.Extensions.Options;

namespace Frugal.Inference.Tests.Api;

public sealed class StartupTests
{
    [Fact]
    public async Task Start_NoApiKeyAndNoAnonymousLoopback_FailsNamingTheSetting()
    {
        await using var app = new InferenceApp(new Dictionary<string, string?> { ["Inference:ApiKey"] = "" });

        var ex = Assert.Throws<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains("Inference:ApiKey (environment Inference__ApiKey) is required unless Inference:AllowAnonymousLoopback is true.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embeddings_AnonymousLoopbackOnRealKestrel_NeedsNoKey()
    {
        await using var app = new InferenceApp(new Dictionary<string, string?> { ["Inference:ApiKey"] = "", ["Inference:AllowAnonymousLoopback"] = "true" });
        app.UseKestrel(0);
        app.StartServer();
        using var client = app.CreateClient();
        await InferenceApp.WaitUntilReadyAsync(client);

        using var response = await client.PostJsonAsync("/v1/embeddings", new { input = "no key on loopback" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(384, (await response.ReadJsonAsync()).Vector(0).Length);
    }
}
