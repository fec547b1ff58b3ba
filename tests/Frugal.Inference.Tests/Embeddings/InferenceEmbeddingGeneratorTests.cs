using System.Net;
using Frugal.Embeddings;
using Frugal.Onnx.Embeddings;

namespace Frugal.Inference.Tests.Embeddings;

[Collection(RunningService.Name)]
public sealed class InferenceEmbeddingGeneratorTests(ServiceFixture service)
{
    private InferenceEmbeddingGenerator CreateGenerator(string? key = InferenceApp.Key) =>
        new(service.App.CreateClient(), new InferenceEmbeddingGeneratorOptions { Endpoint = new Uri("http://localhost/"), ApiKey = key });

    [Fact]
    public async Task GenerateAsync_RunningService_ReturnsVectorsUsageAndGpuSeconds()
    {
        using var generator = CreateGenerator();

        var result = await generator.GenerateAsync(["hello world", "hi"]);

        Assert.Equal(2, result.Count);
        Assert.Equal(384, result[0].Vector.Length);
        Assert.Equal(7, result.Usage?.InputTokenCount);
        Assert.True((double)result.AdditionalProperties![InferenceEmbeddingGenerator.GpuSecondsProperty]! > 0);
    }

    [Fact]
    public async Task GenerateAsync_SameTextsAsInProcessGenerator_GivesTheSameVectors()
    {
        using var generator = CreateGenerator();

        var remote = await generator.GenerateAsync(["The same sentence, two ways."]);
        var local = await service.InProcess.GenerateAsync(["The same sentence, two ways."]);

        var a = remote[0].Vector.ToArray();
        var b = local[0].Vector.ToArray();
        Assert.All(Enumerable.Range(0, a.Length), d => Assert.True(Math.Abs(a[d] - b[d]) <= 1e-5));
        Assert.True((double)local.AdditionalProperties![OnnxEmbeddingGenerator.GpuSecondsProperty]! > 0);
    }

    [Fact]
    public async Task GenerateAsync_WrongKey_ThrowsWithTheServiceMessage()
    {
        using var generator = CreateGenerator("wrong");

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => generator.GenerateAsync(["x"]));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal("The inference app answered 401 Unauthorized: The API key is not valid.", ex.Message);
    }

    [Fact]
    public void Constructor_NoEndpoint_ThrowsNamingTheOption()
    {
        using var client = new HttpClient();

        var ex = Assert.Throws<ArgumentException>(() => new InferenceEmbeddingGenerator(client, new InferenceEmbeddingGeneratorOptions()));

        Assert.StartsWith("InferenceEmbeddingGeneratorOptions.Endpoint is required", ex.Message, StringComparison.Ordinal);
    }
}
