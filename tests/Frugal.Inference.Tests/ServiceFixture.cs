using System.Text.Json;
using Frugal.Onnx.Embeddings;
using Microsoft.Extensions.AI;

namespace Frugal.Inference.Tests;

/// <summary>
/// One running inference app shared by the tests of the <c>service</c> collection, with a classifier folder (a JSON
/// linear head whose rows are MiniLM vectors of "animals" and "money" sentences) added through Onnx:ExtraModels.
/// </summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "frugal-inference-tests-" + Guid.NewGuid().ToString("N"));

    internal InferenceApp App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public OnnxEmbeddingGenerator InProcess { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        InProcess = OnnxEmbeddingGenerator.Create(options: new() { IntraOpThreads = 2 });
        var rows = await InProcess.GenerateAsync(["Cats, dogs and other pets at the zoo.", "Stock prices, interest rates and bank accounts."]);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "model.json"),
            """{ "name": "topic", "kind": "classifier", "embeddingModel": "all-MiniLM-L6-v2", "head": "head.json" }""");
        await File.WriteAllTextAsync(Path.Combine(folder, "head.json"), JsonSerializer.Serialize(new
        {
            labels = new[] { "animals", "money" },
            weights = rows.Select(r => r.Vector.ToArray().Select(v => v * 20)).ToArray(),
            bias = new[] { 0f, 0f },
        }));
        App = new InferenceApp(new Dictionary<string, string?> { ["Onnx:ExtraModels:0"] = folder });
        Client = await App.CreateReadyClientAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        InProcess.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
