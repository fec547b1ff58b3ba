using System.Net;

namespace Frugal.Inference.Tests.Api;

[Collection(RunningService.Name)]
public sealed class ClassifyEndpointTests(ServiceFixture service)
{
    [Fact]
    public async Task Classify_LinearHead_ReturnsLabelAndScoresPerText()
    {
        using var response = await service.Client.PostJsonAsync("/v1/classify", new
        {
            model = "topic",
            input = new[] { "My kitten chases the puppy around the garden.", "The central bank raised interest rates again." },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await response.ReadJsonAsync()).GetProperty("data");
        Assert.Equal("animals", data[0].GetProperty("label").GetString());
        Assert.Equal("money", data[1].GetProperty("label").GetString());
        var scores = data[0].GetProperty("scores");
        Assert.Equal(1.0, scores.GetProperty("animals").GetDouble() + scores.GetProperty("money").GetDouble(), 4);
        Assert.NotNull(response.Headers.GetValues("x-frugal-gpu-seconds").Single());
    }

    [Fact]
    public async Task Classify_ModelListedAsExtraModelZero_KeepsTheShippedRouter()
    {
        // This app lists its "topic" classifier as Onnx:ExtraModels:0, where the shipped router was: it was lost (404).
        using var response = await service.Client.PostJsonAsync("/v1/classify", new { model = "default", input = "What is 2 + 2?" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Classify_UnknownClassifier_Returns404()
    {
        using var response = await service.Client.PostJsonAsync("/v1/classify", new { model = "all-MiniLM-L6-v2", input = "x" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("The classifier model 'all-MiniLM-L6-v2' does not exist. Available: urgency, topic, default.", (await response.ReadJsonAsync()).ErrorMessage());
    }

    [Fact]
    public async Task Classify_WhitespaceOnlyInput_Returns400NamingItLikeAnEmptyOne()
    {
        // "" was refused but "   " was classified: an embedding of [CLS] [SEP] alone, labelled as if it said something.
        using var empty = await service.Client.PostJsonAsync("/v1/classify", new { model = "topic", input = new[] { "a pet", "" } });
        using var blank = await service.Client.PostJsonAsync("/v1/classify", new { model = "topic", input = new[] { "a pet", "  \t " } });

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (empty.StatusCode, blank.StatusCode));
        Assert.Equal("'input[1]' is empty or only whitespace; send some text.", (await empty.ReadJsonAsync()).ErrorMessage());
        Assert.Equal("'input[1]' is empty or only whitespace; send some text.", (await blank.ReadJsonAsync()).ErrorMessage());
    }

    [Fact]
    public async Task Classify_Dimensions_Returns400SayingClassifyTakesNone()
    {
        // It was ignored: a caller asking for 64 dimensions got the same labels and scores, with no sign it had no effect.
        using var response = await service.Client.PostJsonAsync("/v1/classify", new { model = "topic", input = "a pet", dimensions = 64 });
        using var unset = await service.Client.PostJsonAsync("/v1/classify", new { model = "topic", input = "a pet", dimensions = (int?)null });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("error");
        Assert.Equal(
            "/v1/classify does not take 'dimensions': it answers a label and scores per text, not vectors (the embedding size is the classifier's own). Leave it out, or call /v1/embeddings for vectors.",
            error.GetProperty("message").GetString());
        Assert.Equal(("dimensions", "unsupported_parameter"), (error.GetProperty("param").GetString(), error.GetProperty("code").GetString()));
        Assert.Equal(HttpStatusCode.OK, unset.StatusCode);
    }

    [Fact]
    public async Task Classify_EmptyInput_Returns400()
    {
        using var response = await service.Client.PostJsonAsync("/v1/classify", new { model = "topic", input = Array.Empty<string>() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("'input' is an empty array; send at least one string.", (await response.ReadJsonAsync()).ErrorMessage());
    }
}
