using Frugal.Embeddings;
using Frugal.Functions.Embeddings;
using Frugal.Workflows;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Frugal.Functions.Tests.Embeddings;

/// <summary>The timer function, called directly with the app's registrations and a fake embedding model.</summary>
public sealed class RefreshEmbeddingsFunctionTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"frugal-refresh-{Guid.NewGuid():N}");

    [Fact]
    public async Task Refresh_DeployedWorkflows_BuildsMissingIndexesOnceAndRebuildsForAnotherModel()
    {
        var modelA = new FakeEmbeddingGenerator("fake-a");
        var modelB = new FakeEmbeddingGenerator("fake-b");

        var first = await CreateFunction(modelA).RefreshAsync(CancellationToken.None);
        var second = await CreateFunction(modelA).RefreshAsync(CancellationToken.None);
        var otherModel = await CreateFunction(modelB).RefreshAsync(CancellationToken.None);

        Assert.Equal(new EmbeddingRefreshResult(1, 1, "fake-a/8"), first);
        Assert.Equal(new EmbeddingRefreshResult(1, 0, "fake-a/8"), second);
        Assert.Equal(new EmbeddingRefreshResult(1, 1, "fake-b/8"), otherModel);
        Assert.Equal(10, modelA.Texts);
        Assert.Equal(2, Directory.GetFiles(_folder, "*.json").Length);
    }

    [Fact]
    public async Task Refresh_NoInferenceAppYet_SkipsSayingSoInsteadOfFailing()
    {
        // infra deploys without an inference app first; the deployed intent-router has a semantic lookup, and the
        // timer failed every night with "match: semantic needs an embedding model".
        var result = await CreateFunction(generator: null).RefreshAsync(CancellationToken.None);

        Assert.Equal(new EmbeddingRefreshResult(1, 0, string.Empty) { NoModel = true }, result);
    }

    private RefreshEmbeddingsFunction CreateFunction(IEmbeddingGenerator<string, Embedding<float>>? generator)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Workflows:Directory"] = Path.Combine(FunctionsHostFixture.RepoRoot(), "workflows"),
            ["Frugal:Embeddings:IndexPath"] = _folder,
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddFrugalInference(configuration)
            .AddFrugalWorkflows(configuration);
        if (generator is not null)
        {
            services.AddSingleton(generator);
        }

        var provider = services.BuildServiceProvider();
        return new RefreshEmbeddingsFunction(provider.GetRequiredService<WorkflowCatalog>(), provider.GetRequiredService<EmbeddingRefresher>(), NullLogger<RefreshEmbeddingsFunction>.Instance);
    }
}
