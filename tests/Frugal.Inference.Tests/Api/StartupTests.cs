using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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

    [Fact]
    public async Task Start_DefaultModelNotLoaded_StopsTheAppAsAFailure()
    {
        // It served with /healthz ready and answered every request without a model with a 404 before.
        await using var app = new InferenceApp(new Dictionary<string, string?> { ["Inference:DefaultModel"] = "nope" });
        using var client = app.CreateClient();
        var failure = app.Services.GetRequiredService<Frugal.Inference.Hosting.StartupFailure>();
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        // The models load in the background after start; wait (up to a minute) for the app to give up.
        for (var waited = 0; !stopping.IsCancellationRequested && waited < 600; waited++)
        {
            await Task.Delay(100);
        }

        Assert.True(stopping.IsCancellationRequested, "the app should stop");
        Assert.True(failure.Failed);
    }

    [Fact]
    public async Task Classify_WithoutAModel_SaysTheModelIsRequired()
    {
        await using var app = new InferenceApp();
        using var client = await app.CreateReadyClientAsync();

        using var response = await client.PostJsonAsync("/v1/classify", new { input = "is this urgent?" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("'model' is required: the name of the classifier to run.", (await response.ReadJsonAsync()).ErrorMessage());
    }
}
