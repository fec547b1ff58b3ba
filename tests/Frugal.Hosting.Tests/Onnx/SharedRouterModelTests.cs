using Frugal.Cli.Onnx;
using Frugal.Onnx.Batching;
using Frugal.Onnx.Routing;
using Frugal.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Tests.Onnx;

/// <summary>
/// In <c>frugal</c>, the learned router and the in-process ONNX models (the onnx tier, semantic lookups) share one
/// copy of MiniLM rather than each loading their own.
/// </summary>
[Collection(LocalHostGroup.Name)]
public sealed class SharedRouterModelTests(LocalHostFixture fixture)
{
    [Fact]
    public void LocalRuntime_RouterAndEmbeddingGenerator_UseOneLoadedModel()
    {
        var services = fixture.Runtime.Host.Services;

        var router = services.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(FrugalRoutingServiceCollectionExtensions.EmbeddingGeneratorKey);
        var embeddings = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var routerBatcher = router.GetService<EmbeddingBatcher>();
        Assert.NotNull(routerBatcher);
        Assert.Same(routerBatcher, embeddings.GetService<EmbeddingBatcher>());
        Assert.Same(routerBatcher, services.GetRequiredService<LocalOnnxModels>().Registry.Embeddings[OnnxRouterEmbeddings.ModelName]);
    }

    [Fact]
    public async Task Run_NoRouterNoOnnxStep_LeavesTheModelsUnloadedUntilTheRouterScoresAPrompt()
    {
        // Every step resolves all classifiers, the learned router among them; loading MiniLM for a run that never
        // asks the router took about a second and 150 MB (and, with no CUDA, ONNX Runtime's error on stderr).
        await using var runtime = await OnnxRuntimeHarness.StartAsync();
        var models = runtime.Host.Services.GetRequiredService<LocalOnnxModels>();

        await OnnxRuntimeHarness.RunCompletedAsync(runtime, Frugal.Workflows.WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml")), new System.Text.Json.Nodes.JsonObject
        {
            ["subject"] = "Password reset",
            ["body"] = "I need to reset my password, please.",
        });
        Assert.False(models.IsLoaded);

        var routed = await OnnxRuntimeHarness.RunCompletedAsync(runtime, Frugal.Workflows.WorkflowLoader.Load(RepoPaths.Workflow("routed-qa.yaml")), new System.Text.Json.Nodes.JsonObject
        {
            ["prompt"] = "What is the capital of France?",
        });
        Assert.True(models.IsLoaded);
        Assert.Contains(routed.Steps, s => s.StepId == "route" && s.Status == "completed");
    }

    [Fact]
    public void AddFrugalLocalOnnx_ModelsFromAnotherFolder_LeavesTheRouterItsOwnCopy()
    {
        // The router's identity hashes the shipped model.onnx; models from elsewhere may not be that file.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Onnx:ModelsPath"] = Path.Combine(Path.GetTempPath(), "other-models"),
        }).Build();
        var services = new ServiceCollection();

        services.AddFrugalLocalOnnx(configuration);

        Assert.DoesNotContain(services, d => d.IsKeyedService && Equals(d.ServiceKey, FrugalRoutingServiceCollectionExtensions.EmbeddingGeneratorKey));
        services.AddOnnxRouterEmbeddings();
        Assert.Single(services, d => d.IsKeyedService && Equals(d.ServiceKey, FrugalRoutingServiceCollectionExtensions.EmbeddingGeneratorKey));
    }
}
