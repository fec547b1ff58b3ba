using System.Text.Json.Nodes;
using Frugal.Cli.Commands;
using Frugal.Embeddings;
using Frugal.Engine;
using Frugal.Onnx.Embeddings;
using Frugal.Workflows;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Frugal.Hosting.Tests.Onnx.OnnxRuntimeHarness;

namespace Frugal.Hosting.Tests.Onnx;

/// <summary><c>match: semantic</c> lookups through real orchestrations, with the in-process MiniLM.</summary>
public sealed class SemanticLookupTests
{
    private const string IntentWorkflow = """
        steps:
          - id: intent
            kind: deterministic
            operation: lookup
            match: semantic
            min_similarity: 0.5
            input: ${ input.message }
            table:
              I forgot my password and cannot log in: account_access
              I want a refund for my order: refund
              where is my parcel: shipping
            default: other
        output:
          intent: ${ steps.intent.output }
        """;

    [Fact]
    public async Task Run_Paraphrase_MatchesTheNearestKeyAndUnrelatedTextGetsTheDefault()
    {
        await using var runtime = await StartAsync();
        var definition = Parse(IntentWorkflow);

        var paraphrase = await RunCompletedAsync(runtime, definition, new JsonObject { ["message"] = "I can't remember my password, the login keeps failing" });
        var unrelated = await RunCompletedAsync(runtime, definition, new JsonObject { ["message"] = "What is a good recipe for banana bread?" });

        Assert.Equal("account_access", paraphrase.Output!["intent"]!.GetValue<string>());
        Assert.Equal("I forgot my password and cannot log in", Assert.Single(paraphrase.Steps).Metadata!["match"]!.GetValue<string>());
        Assert.Equal("other", unrelated.Output!["intent"]!.GetValue<string>());
        Assert.Null(Assert.Single(unrelated.Steps).Metadata!["match"]);
    }

    [Fact]
    public async Task Run_StoredIndexWithVectorsCutShort_IsBuiltAgain()
    {
        // A damaged copy (vectors of 10 values) was used as it was: "where is my package?" answered "other".
        var folder = Path.Combine(Path.GetTempPath(), $"frugal-tests-{Guid.NewGuid():N}", "embeddings");
        using var minilm = OnnxEmbeddingGenerator.Create(options: new() { IntraOpThreads = 2 });
        var second = new CountingEmbeddingGenerator(minilm);
        var input = new JsonObject { ["message"] = "where is my package?" };
        await using (var runtime = await StartAsync(new() { ["Frugal:Embeddings:IndexPath"] = folder }, s => s.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new CountingEmbeddingGenerator(minilm))))
        {
            await RunCompletedAsync(runtime, Parse(IntentWorkflow), input);
        }

        var file = Assert.Single(Directory.GetFiles(folder, "*.json"));
        var stored = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
        var vectors = stored.First(p => p.Value is JsonArray { Count: 3 } a && a[0] is JsonArray).Key;
        stored[vectors] = new JsonArray([.. stored[vectors]!.AsArray().Select(v => (JsonNode)new JsonArray([.. v!.AsArray().Take(10).Select(x => x!.DeepClone())]))]);
        await File.WriteAllTextAsync(file, stored.ToJsonString());

        await using (var runtime = await StartAsync(new() { ["Frugal:Embeddings:IndexPath"] = folder }, s => s.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(second)))
        {
            Assert.Equal("shipping", (await RunCompletedAsync(runtime, Parse(IntentWorkflow), input)).Output!["intent"]!.GetValue<string>());
        }

        Assert.Equal(3 + 1, second.Texts);
    }

    [Fact]
    public async Task Run_SecondRuntimeWithTheSameIndexFolder_ReusesTheCachedKeyEmbeddings()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"frugal-tests-{Guid.NewGuid():N}", "embeddings");
        using var minilm = OnnxEmbeddingGenerator.Create(options: new() { IntraOpThreads = 2 });
        var first = new CountingEmbeddingGenerator(minilm);
        var second = new CountingEmbeddingGenerator(minilm);
        var input = new JsonObject { ["message"] = "where is my package?" };

        await using (var runtime = await StartAsync(new() { ["Frugal:Embeddings:IndexPath"] = folder }, s => s.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(first)))
        {
            Assert.Equal("shipping", (await RunCompletedAsync(runtime, Parse(IntentWorkflow), input)).Output!["intent"]!.GetValue<string>());
        }

        await using (var runtime = await StartAsync(new() { ["Frugal:Embeddings:IndexPath"] = folder }, s => s.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(second)))
        {
            Assert.Equal("shipping", (await RunCompletedAsync(runtime, Parse(IntentWorkflow), input)).Output!["intent"]!.GetValue<string>());
        }

        Assert.Equal(3 + 1, first.Texts);
        Assert.Equal(1, second.Texts);
        Assert.Single(Directory.GetFiles(folder, "*.json"));
    }

    [Fact]
    public async Task Refresh_IntentRouterExample_BuildsOnceThenFindsTheIndexCurrent()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"frugal-tests-{Guid.NewGuid():N}", "embeddings");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Frugal:Embeddings:IndexPath"] = folder }).Build();
        var catalog = new WorkflowCatalog([WorkflowLoader.Load(RepoPaths.Workflow("intent-router.yaml"))]);

        var built = await EmbeddingsCommand.RefreshAsync(configuration, catalog, CancellationToken.None);
        var again = await EmbeddingsCommand.RefreshAsync(configuration, catalog, CancellationToken.None);

        Assert.Equal(new EmbeddingRefreshResult(1, 1, "all-MiniLM-L6-v2/384"), built);
        Assert.Equal(new EmbeddingRefreshResult(1, 0, "all-MiniLM-L6-v2/384"), again);
    }

    [Fact]
    public async Task Execute_SemanticLookupWithNoEmbeddingModel_SaysWhatToConfigure()
    {
        var indexes = new EmbeddingIndexProvider(new ServiceCollection().BuildServiceProvider(), new FileEmbeddingIndexStore(Path.GetTempPath()));
        var call = new DeterministicCall(DeterministicOperation.Lookup, JsonValue.Create("hello"), Table: new Dictionary<string, JsonNode?> { ["hi"] = "x" }) { Match = LookupMatch.Semantic };

        var ex = await Assert.ThrowsAsync<StepInputException>(() => new SemanticLookupHandler(indexes).ExecuteAsync(call, CancellationToken.None));

        Assert.Equal("match: semantic needs an embedding model: set Frugal:Inference:Endpoint (Frugal's inference app), or run where the ONNX models ship (the frugal CLI)", ex.Message);
    }
}
