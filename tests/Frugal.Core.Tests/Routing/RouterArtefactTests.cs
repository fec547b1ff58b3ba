using Frugal.Routing;

namespace Frugal.Core.Tests.Routing;

public sealed class RouterArtefactTests : IDisposable
{
    private static readonly Lazy<RouterModel> Trained = new(() => RoutingTestData.Train(RoutingTestData.Sample()));
    private readonly string folder = Path.Combine(Directory.CreateTempSubdirectory("frugal-router-").FullName, "router");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);

    [Fact]
    public void SaveThenLoad_SameScores()
    {
        var model = Trained.Value;
        RouterArtefact.Save(model, RoutingTestData.Card(model), folder);

        var loaded = RouterArtefact.Load(folder, RoutingTestData.Identity);

        foreach (var prompt in new[] { "What is the capital of France?\nA. Paris\nB. Rome\nAnswer:", "Tom has 3 apples and buys 5 more. How many?" })
        {
            var vector = FakeEmbeddingGenerator.Embed(prompt);
            Assert.Equal(model.Score(vector, prompt).Score, loaded.Score(vector, prompt).Score, 2);
        }

        Assert.True(File.Exists(Path.Combine(folder, "card.json")));
        Assert.Contains("train.csv", File.ReadAllText(Path.Combine(folder, "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LearnedClassifier_ScoresThroughTheEmbeddingGenerator()
    {
        var generator = new FakeEmbeddingGenerator();
        var classifier = new LearnedComplexityClassifier(Trained.Value, generator);

        var score = await classifier.ScoreAsync("How many legs do 3 spiders have?", CancellationToken.None);

        Assert.Equal("default", classifier.Name);
        Assert.Equal(1, generator.Calls);
        Assert.InRange(score.Score, 0, 1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t")]
    public async Task LearnedClassifier_BlankPrompt_ScoresZeroWithoutAnEmbedding(string prompt)
    {
        // The inference app refuses blank text, so a deployed classify step failed on an empty ticket, while in process
        // the blank was embedded ([CLS] [SEP] alone) and scored as if it were a prompt.
        var generator = new FakeEmbeddingGenerator();
        var classifier = new LearnedComplexityClassifier(Trained.Value, generator);

        var score = await classifier.ScoreAsync(prompt, CancellationToken.None);

        Assert.Equal(0, generator.Calls);
        Assert.Equal(0, score.Score);
        Assert.Equal(1, score.Signals["empty_prompt"]);
    }

    [Fact]
    public void Load_MissingFolder_NamesFolder()
    {
        var ex = Assert.Throws<RouterLoadException>(() => RouterArtefact.Load(folder, RoutingTestData.Identity));

        Assert.Equal($"Router folder '{folder}' does not exist.", ex.Message);
    }

    [Fact]
    public void Load_MissingRouterFile_NamesFile()
    {
        Directory.CreateDirectory(folder);

        var ex = Assert.Throws<RouterLoadException>(() => RouterArtefact.Load(folder, RoutingTestData.Identity));

        Assert.StartsWith($"{Path.Combine(folder, "router.json")}: not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CorruptJson_NamesFile()
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "router.json"), "{ \"name\": \"default\", ");

        var ex = Assert.Throws<RouterLoadException>(() => RouterArtefact.Load(folder, RoutingTestData.Identity));

        Assert.StartsWith($"{Path.Combine(folder, "router.json")}: not a valid router file:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OtherEmbeddingModel_NamesFileAndBothModels()
    {
        RouterArtefact.Save(Trained.Value, RoutingTestData.Card(Trained.Value), folder);
        var other = RoutingTestData.Identity with { Sha256 = new string('c', 64) };

        var ex = Assert.Throws<RouterLoadException>(() => RouterArtefact.Load(folder, other));

        Assert.StartsWith($"{Path.Combine(folder, "router.json")}: router 'default' was trained with embedding model fake-bag-of-words", ex.Message, StringComparison.Ordinal);
        Assert.Contains("sha256 " + new string('c', 64), ex.Message, StringComparison.Ordinal);
        Assert.Contains("Retrain it with 'frugal router train'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongWeightCount_NamesFile()
    {
        RouterArtefact.Save(Trained.Value, RoutingTestData.Card(Trained.Value), folder);
        var path = Path.Combine(folder, "router.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"quantiles\": [", "\"quantiles\": [ 0,", StringComparison.Ordinal));

        var ex = Assert.Throws<RouterLoadException>(() => RouterArtefact.Load(folder, RoutingTestData.Identity));

        Assert.Equal($"{path}: 'quantiles' needs 101 values.", ex.Message);
    }

    [Fact]
    public void Load_NeighboursWithKZero_NamesFile()
    {
        // A router with k = 0 loaded, and every score then failed with an IndexOutOfRangeException.
        RouterArtefact.Save(Trained.Value, RoutingTestData.Card(Trained.Value), folder);
        var path = Path.Combine(folder, "router.json");
        var document = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        document["kind"] = "logistic";
        document["neighbours"]!["k"] = 0;
        File.WriteAllText(path, document.ToJsonString());

        var ex = Assert.Throws<RouterLoadException>(() => RouterArtefact.Load(folder, RoutingTestData.Identity));

        Assert.Equal($"{path}: a logistic router needs 'neighbours' with positive k, rows and temperature.", ex.Message);
    }

    [Fact]
    public void Load_MissingNeighbourFile_NamesFile()
    {
        RouterArtefact.Save(Trained.Value, RoutingTestData.Card(Trained.Value), folder);
        var neighbours = Path.Combine(folder, "neighbours.bin");
        File.Delete(neighbours);

        var ex = Assert.Throws<RouterLoadException>(() => RouterArtefact.Load(folder, RoutingTestData.Identity));

        Assert.StartsWith($"{neighbours}: ", ex.Message, StringComparison.Ordinal);
    }
}
