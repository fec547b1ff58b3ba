using Frugal.Routing;

namespace Frugal.Core.Tests.Routing;

/// <summary>The shared labelled data beside the repository (<c>../shared/data/routing/train.csv</c>).</summary>
internal static class RoutingTestData
{
    public static readonly EmbeddingModelIdentity Identity = new("fake-bag-of-words", 384, new string('a', 64));

    public static string SharedTrainFile
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
            {
                dir = dir.Parent;
            }

            return Path.GetFullPath(Path.Combine(dir?.FullName ?? ".", "..", "shared", "data", "routing", "train.csv"));
        }
    }

    /// <summary>Every 25th row of the shared file: about 300 rows of both sources.</summary>
    public static IReadOnlyList<RoutingExample> Sample() => [.. RoutingDataReader.Read(SharedTrainFile).Where((_, i) => i % 25 == 0)];

    public static RouterModel Train(IReadOnlyList<RoutingExample> examples, string kind = "ensemble") =>
        RouterTrainer.Train(examples, [.. examples.Select(e => FakeEmbeddingGenerator.Embed(e.Prompt))], Identity,
            new RouterTrainingOptions { Kind = kind, Iterations = 100, K = 16 }, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public static RouterCard Card(RouterModel model) =>
        new(model.Name, model.Document.Kind, model.Document.Created, new RoutingDataIdentity("train.csv", 300, new string('b', 64)),
            Identity, new RouterTrainingOptions(), null);
}
