using System.Text.Json.Nodes;
using Frugal.Classification;
using Frugal.Embeddings;
using Frugal.Engine;
using Frugal.Workflows;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Inference.Tests.Embeddings;

/// <summary>
/// Steps whose embeddings come from the inference app, when the app refuses the request (HTTP 4xx): the same refusal
/// comes back on every attempt, so the step fails at once as bad input (priced $0) instead of being tried three times.
/// </summary>
[Collection(RunningService.Name)]
public sealed class InferenceRefusalTests(ServiceFixture service)
{
    [Fact]
    public async Task Classify_LearnedRouterEmbeddingRefused_FailsAsBadInput()
    {
        using var generator = CreateGenerator();
        var router = new EmbeddingRouter("learned", generator);
        var registry = new ComplexityClassifierRegistry([router]);

        var error = await Assert.ThrowsAsync<StepInputException>(() => registry.ClassifyAsync(new ClassifyCall("", "learned", 0.5), CancellationToken.None));

        Assert.Equal("router 'learned': The inference app answered 400 Bad Request: 'input[0]' is empty or only whitespace; send some text.", error.Message);
    }

    [Fact]
    public async Task SemanticLookup_EmbeddingsRefused_FailsAsBadInput()
    {
        // The test app takes at most 8 texts per request; this table has 9 keys.
        using var generator = CreateGenerator();
        await using var services = new ServiceCollection().AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(generator).BuildServiceProvider();
        var folder = Directory.CreateTempSubdirectory("frugal-index-");
        try
        {
            var handler = new SemanticLookupHandler(new EmbeddingIndexProvider(services, new FileEmbeddingIndexStore(folder.FullName)));
            var table = Enumerable.Range(0, 9).ToDictionary(i => $"key {i}", i => (JsonNode?)JsonValue.Create(i));
            var call = new DeterministicCall(DeterministicOperation.Lookup, JsonValue.Create("key 3"), Table: table) { Match = LookupMatch.Semantic };

            var error = await Assert.ThrowsAsync<StepInputException>(() => handler.ExecuteAsync(call, CancellationToken.None));

            Assert.Equal("semantic lookup: The inference app answered 400 Bad Request: 'input' has 9 items; at most 8 are allowed per request (Inference:MaxInputs): send them in several requests.", error.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private InferenceEmbeddingGenerator CreateGenerator() =>
        new InferenceEmbeddingGenerator(service.App.CreateClient(), new InferenceEmbeddingGeneratorOptions { Endpoint = new Uri("http://localhost/"), ApiKey = InferenceApp.Key });

    /// <summary>A router that scores by the first value of the text's embedding, as a learned one embeds first.</summary>
    private sealed class EmbeddingRouter(string name, IEmbeddingGenerator<string, Embedding<float>> generator) : IComplexityClassifier
    {
        public string Name => name;

        public async ValueTask<ComplexityScore> ScoreAsync(string text, CancellationToken cancellationToken)
        {
            var embeddings = await generator.GenerateAsync([text], cancellationToken: cancellationToken);
            return new ComplexityScore(Math.Abs(embeddings[0].Vector.Span[0]), new Dictionary<string, double>());
        }
    }
}
