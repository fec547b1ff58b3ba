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
    public void Load_RouterFileIsAFolder_SaysSo()
    {
        // A folder named router.json read as "not found".
        var path = Path.Combine(folder, "router.json");
        Directory.CreateDirectory(path);

        var ex = Assert.Throws<RouterLoadException>(() => RouterArtefact.Load(folder, RoutingTestData.Identity));

        Assert.Equal($"{path}: is a folder; a router folder holds router.json, a file (make one with 'frugal router train').", ex.Message);
    }

    [Fact]
    public void Load_NeighbourFileIsAFolder_SaysSo()
    {
        // Opening it said "Access to the path ... is denied".
        RouterArtefact.Save(Trained.Value, RoutingTestData.Card(Trained.Value), folder);
        var neighbours = Path.Combine(folder, "neighbours.bin");
        File.Delete(neighbours);
        Directory.CreateDirectory(neighbours);

        var ex = Assert.Throws<RouterLoadException>(() => RouterArtefact.Load(folder, RoutingTestData.Identity));

        Assert.Equal($"{neighbours}: is a folder; neighbours.file in router.json names the neighbour file beside it.", ex.Message);
    }

    [Theory]
    [InlineData("\"name\": \"default\",", "name")]
    [InlineData("\"k\": ", "k")]
    public void Load_KeyGivenTwice_NamesKeyAndSecondPlace(string anchor, string key)
    {
        // The later value silently won: a second "name" renamed the router, a second "k" changed the vote.
        RouterArtefact.Save(Trained.Value, RoutingTestData.Card(Trained.Value), folder);
        var path = Path.Combine(folder, "router.json");
        var text = File.ReadAllText(path);
        var at = text.IndexOf(anchor, StringComparison.Ordinal);
        var lineStart = text.LastIndexOf('\n', at) + 1;
        var line = text[lineStart..text.IndexOf('\n', at)];
        File.WriteAllText(path, text.Insert(lineStart, line.TrimEnd(',') + ",\n"));
        var number = text[..at].Count(c => c == '\n') + 2;
        var column = at - lineStart + 1;

        var ex = Assert.Throws<RouterLoadException>(() => RouterArtefact.Load(folder, RoutingTestData.Identity));

        Assert.Equal(
            $"{path}: not a valid router file: property '{key}' is given twice in one object; each property may appear once (line {number}, position {column})",
            ex.Message);
    }

    [Fact]
    public void Load_CorruptJson_NamesFile()
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "router.json"), "{ \"name\": \"default\", ");

        var ex = Assert.Throws<RouterLoadException>(() => RouterArtefact.Load(folder, RoutingTestData.Identity));

        Assert.StartsWith($"{Path.Combine(folder, "router.json")}: not a valid router file:", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("heads", null, "'heads' is missing or null")]
    [InlineData("inputs", null, "'inputs' is missing or null")]
    [InlineData("inputs.features", null, "'inputs.features' is missing or null")]
    [InlineData("inputs.mean", null, "'inputs.mean' is missing or null")]
    [InlineData("embedding_model", null, "'embedding_model' is missing or null")]
    [InlineData("neighbours.file", null, "'neighbours.file' is missing or null")]
    [InlineData("quantiles", null, "'quantiles' is missing or null")]
    [InlineData("heads.0", null, "'heads[0]' is missing or null")]
    [InlineData("heads.0.weights", null, "'heads[0].weights' is missing or null")]
    [InlineData("heads.1.target", "premium_correct", "a ensemble router needs the heads premium_correct and cheap_correct")]
    [InlineData("heads.0.bias", "NaN", "heads' weights and bias must be finite numbers")]
    [InlineData("inputs.mean.0", "Infinity", "inputs.mean and inputs.scale values must be finite numbers")]
    [InlineData("quantiles.0", 1e300, "'quantiles' must be finite numbers in ascending order")]
    public void Load_KeyNullOrWrong_NamesFileAndKey(string key, object? value, string expected)
    {
        // A null ended frugal router eval (and every host loading the router) with "Object reference not set to an
        // instance of an object", exit 1; two heads of one target, or quantiles out of order, scored wrong with exit 0.
        RouterArtefact.Save(Trained.Value, RoutingTestData.Card(Trained.Value), folder);
        var path = Path.Combine(folder, "router.json");
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        var parts = key.Split('.');
        var parent = parts[..^1].Aggregate(root, (node, part) => int.TryParse(part, out var i) ? node[i]! : node[part]!);
        System.Text.Json.Nodes.JsonNode? node = value switch
        {
            string text => System.Text.Json.Nodes.JsonValue.Create(text),
            double number => System.Text.Json.Nodes.JsonValue.Create(number),
            _ => null,
        };
        if (int.TryParse(parts[^1], out var index))
        {
            parent[index] = node;
        }
        else
        {
            parent[parts[^1]] = node;
        }

        File.WriteAllText(path, root.ToJsonString());

        var ex = Assert.Throws<RouterLoadException>(() => RouterArtefact.Load(folder, RoutingTestData.Identity));

        Assert.StartsWith($"{path}: {expected}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MoreNeighboursThanRows_ScoresWithEveryRow()
    {
        // k: 2147483647 asked the vote for an array that large: every score failed with "Array dimensions exceeded
        // supported range".
        RouterArtefact.Save(Trained.Value, RoutingTestData.Card(Trained.Value), folder);
        var path = Path.Combine(folder, "router.json");
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        var rows = root["neighbours"]!["rows"]!.GetValue<int>();
        root["neighbours"]!["k"] = int.MaxValue;
        File.WriteAllText(path, root.ToJsonString());
        const string prompt = "Tom has 3 apples and buys 5 more. How many?";
        var all = RouterArtefact.Load(folder, RoutingTestData.Identity).Score(FakeEmbeddingGenerator.Embed(prompt), prompt);
        root["neighbours"]!["k"] = rows;
        File.WriteAllText(path, root.ToJsonString());

        var expected = RouterArtefact.Load(folder, RoutingTestData.Identity).Score(FakeEmbeddingGenerator.Embed(prompt), prompt);

        Assert.Equal(expected.Score, all.Score);
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(0.0005)]
    public void Vote_TinyTemperature_IsTheNearestNeighboursGain(double temperature)
    {
        // Every weight was exp((cosine - 1) / temperature), which underflowed to 0 for neighbours short of a cosine of 1:
        // the vote was 0 for every prompt (frugal router eval with temperature 1e-300: premium share 0.931 where 0.05
        // gives 0.206, APGR 0.466 for 0.873).
        var index = NeighbourIndex.Create([[0.5f, -0.866f], [0f, 1f], [0.6f, 0.8f]], [0.9, -0.5, 0.3]);
        float[] query = [1f, 0f];

        var (gain, nearest) = index.Vote(query, k: 3, temperature);

        Assert.Equal(0.3, gain, 2);
        Assert.Equal(0.6, nearest, 2);
    }

    [Fact]
    public void Vote_UsualTemperature_WeighsNeighboursBySimilarity()
    {
        var index = NeighbourIndex.Create([[1f, 0f], [0f, 1f]], [1.0, 0.0]);
        float[] query = [0.8f, 0.6f];
        var heavier = Math.Exp(0.8 / 0.5);
        var lighter = Math.Exp(0.6 / 0.5);

        var (gain, _) = index.Vote(query, k: 2, temperature: 0.5);

        Assert.Equal(heavier / (heavier + lighter), gain, 2);
    }

    [Fact]
    public void Load_InfiniteTemperature_NamesFileAndKey()
    {
        // Infinity weighed every neighbour alike, whatever its similarity.
        RouterArtefact.Save(Trained.Value, RoutingTestData.Card(Trained.Value), folder);
        var path = Path.Combine(folder, "router.json");
        var document = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        document["neighbours"]!["temperature"] = "Infinity";
        File.WriteAllText(path, document.ToJsonString());

        var ex = Assert.Throws<RouterLoadException>(() => RouterArtefact.Load(folder, RoutingTestData.Identity));

        Assert.Equal($"{path}: neighbours.temperature must be a finite number above 0 (was Infinity).", ex.Message);
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
