using Frugal.Engine;
using Frugal.Models;
using Microsoft.Extensions.Options;

namespace Frugal.Inference.Tests.Models;

[Collection(RunningService.Name)]
public sealed class InferenceOnnxClassifierTests(ServiceFixture service)
{
    private InferenceOnnxClassifier CreateClassifier() =>
        new(service.App.CreateClient(), Options.Create(new FrugalInferenceOptions { Endpoint = new Uri("http://localhost/"), ApiKey = InferenceApp.Key }));

    [Fact]
    public async Task ClassifyAsync_RunningService_ReturnsLabelScoresAndGpuSeconds()
    {
        var result = await CreateClassifier().ClassifyAsync("urgency", "the server is down and customers cannot pay", CancellationToken.None);

        Assert.Equal("high", result.Label);
        Assert.Equal(["low", "high"], result.Scores.Keys);
        Assert.True(result.GpuSeconds > 0);
    }

    [Fact]
    public async Task ClassifyAsync_InputTheAppRefuses_FailsAsBadInput()
    {
        // A 400 (an empty prompt) or 413 (a text over the token limit under OverLimit=Reject) comes back the same on
        // every attempt: it was an HttpRequestException, so the step was tried three times and each refused attempt
        // recorded as an unanswered call that may have been billed.
        var error = await Assert.ThrowsAsync<StepInputException>(() => CreateClassifier().ClassifyAsync("urgency", "", CancellationToken.None));

        Assert.Equal(
            "the inference app at http://localhost/ refused the input of ONNX model 'urgency' (400 Bad Request): 'input' is an empty string; send at least one character.",
            error.Message);
    }
}
