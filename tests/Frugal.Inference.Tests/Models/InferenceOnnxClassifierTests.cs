using Frugal.Engine;
using Frugal.Models;
using Frugal.Workflows;
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
    public async Task Execute_OnnxStepOverTheTokenLimit_OutputsTruncated()
    {
        // The app cut the text and said so ("truncated": true), but the step's output was only label and scores, so a
        // workflow could not tell that the classification read the first 256 word pieces alone.
        var handler = new OnnxStepHandler(CreateClassifier());
        var request = new StepRequest("wf", "hash", "tenant", "urgency", 1, []) { RunId = "run" };

        var cut = await handler.ExecuteAsync(new ModelCall(ModelTier.Onnx, string.Join(' ', Enumerable.Repeat("outage", 400))) { Model = "urgency" }, request, CancellationToken.None);
        var whole = await handler.ExecuteAsync(new ModelCall(ModelTier.Onnx, "the server is down") { Model = "urgency" }, request, CancellationToken.None);

        Assert.True(cut.Output!["truncated"]!.GetValue<bool>());
        Assert.False(whole.Output!.AsObject().ContainsKey("truncated"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task ClassifyAsync_InputTheAppRefuses_FailsAsBadInput(string text)
    {
        // A 400 (an empty prompt) or 413 (a text over the token limit under OverLimit=Reject) comes back the same on
        // every attempt: it was an HttpRequestException, so the step was tried three times and each refused attempt
        // recorded as an unanswered call that may have been billed.
        var error = await Assert.ThrowsAsync<StepInputException>(() => CreateClassifier().ClassifyAsync("urgency", text, CancellationToken.None));

        Assert.Equal(
            "the inference app at http://localhost/ refused the input of ONNX model 'urgency' (400 Bad Request): 'input' is empty or only whitespace; send some text.",
            error.Message);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-1")]
    [InlineData("1e30")]
    public async Task ClassifyAsync_GpuSecondsHeaderNoCallCanHave_CountsNoSeconds(string header)
    {
        // Taken as it came: a NaN or infinite count failed pricing the call's record (PriceGpu, the report's decimals)
        // after the answer was paid for, and a negative one took seconds off the step's total, and 1e30 overflowed decimal when priced.
        using var http = new HttpClient(new Answering(header));
        var classifier = new InferenceOnnxClassifier(http, Options.Create(new FrugalInferenceOptions { Endpoint = new Uri("http://localhost/") }));

        var result = await classifier.ClassifyAsync("urgency", "the server is down", CancellationToken.None);

        Assert.Equal(("high", 0d), (result.Label, result.GpuSeconds));
    }

    private sealed class Answering(string gpuSeconds) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK)
            {
                Content = new StringContent("""{"data":[{"label":"high","scores":{"low":0.1,"high":0.9}}],"usage":{"prompt_tokens":6}}""", System.Text.Encoding.UTF8, "application/json"),
            };
            response.Headers.Add("x-frugal-gpu-seconds", gpuSeconds);
            return Task.FromResult(response);
        }
    }
}
