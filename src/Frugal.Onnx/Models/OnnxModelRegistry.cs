using System.Text.Json;
using Frugal.Onnx.Batching;
using Frugal.Onnx.Classification;
using Frugal.Onnx.Embeddings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Frugal.Onnx.Models;

/// <summary>
/// The models a process serves: every sub-folder of <see cref="OnnxOptions.ModelsPath"/> holding a <c>model.json</c>,
/// the folders of <see cref="OnnxOptions.ExtraModels"/>, and models given in code. Each embedding model gets an
/// <see cref="EmbeddingBatcher"/>; each classifier reads the vectors of its embedding model.
/// </summary>
public sealed class OnnxModelRegistry : IAsyncDisposable
{
    private static readonly JsonSerializerOptions CardJson = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip };
    private readonly OnnxOptions options;
    private readonly BatchingOptions batching;
    private readonly IEnumerable<IEmbeddingModel> codeModels;
    private readonly BatcherMetrics? metrics;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly List<IDisposable> owned = [];
    private volatile bool loaded;

    /// <summary>Initializes a new instance of the <see cref="OnnxModelRegistry"/> class; call <see cref="Load"/> next.</summary>
    /// <param name="options">Where models are and how ONNX Runtime runs.</param>
    /// <param name="batching">Batching of every embedding model.</param>
    /// <param name="codeModels">Embedding models given in code rather than in a folder.</param>
    /// <param name="metrics">Batch metrics, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of the batchers.</param>
    /// <param name="logger">The logger.</param>
    public OnnxModelRegistry(OnnxOptions options, BatchingOptions batching, IEnumerable<IEmbeddingModel>? codeModels = null,
        BatcherMetrics? metrics = null, TimeProvider? timeProvider = null, ILogger<OnnxModelRegistry>? logger = null)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.batching = batching ?? throw new ArgumentNullException(nameof(batching));
        this.codeModels = codeModels ?? [];
        this.metrics = metrics;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets a value indicating whether every model has been loaded.</summary>
    public bool IsLoaded => loaded;

    /// <summary>Gets the execution provider the ONNX models run on: <c>CUDA</c> or <c>CPU</c>.</summary>
    public string Provider { get; private set; } = "CPU";

    /// <summary>Gets the embedding models by name, each behind its batcher.</summary>
    public IReadOnlyDictionary<string, EmbeddingBatcher> Embeddings { get; private set; } = new Dictionary<string, EmbeddingBatcher>();

    /// <summary>Gets the classifiers by name.</summary>
    public IReadOnlyDictionary<string, EmbeddingClassifier> Classifiers { get; private set; } = new Dictionary<string, EmbeddingClassifier>();

    /// <summary>Loads every model. Slow (seconds): call it once, at start-up, off the request path.</summary>
    /// <exception cref="InvalidDataException">A folder or card is wrong; the message names it.</exception>
    public void Load()
    {
        var cards = ReadCards();
        var sessions = new OnnxSessionFactory(options, logger);
        var embeddings = new Dictionary<string, EmbeddingBatcher>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in codeModels)
        {
            embeddings.Add(model.Name, new EmbeddingBatcher(model, batching, timeProvider, metrics, logger));
        }

        foreach (var card in cards.Where(c => c.Kind == ModelKinds.Embedding))
        {
            var model = OnnxEmbeddingModel.Load(card, sessions);
            owned.Add(model);
            if (!embeddings.TryAdd(card.Name, new EmbeddingBatcher(model, batching, timeProvider, metrics, logger)))
            {
                throw new InvalidDataException($"{card.Folder}/model.json: a model named '{card.Name}' is already loaded.");
            }

            Log.ModelLoaded(logger, card.Kind, card.Name, card.Folder, sessions.Provider);
        }

        var classifiers = new Dictionary<string, EmbeddingClassifier>(StringComparer.OrdinalIgnoreCase);
        foreach (var card in cards.Where(c => c.Kind == ModelKinds.Classifier))
        {
            if (card.EmbeddingModel is null || !embeddings.TryGetValue(card.EmbeddingModel, out var batcher))
            {
                throw new InvalidDataException(
                    $"{card.Folder}/model.json: embeddingModel '{card.EmbeddingModel}' is not a loaded embedding model ({string.Join(", ", embeddings.Keys)}).");
            }

            var head = LoadHead(card, sessions);
            if (embeddings.ContainsKey(card.Name) || !classifiers.TryAdd(card.Name, new EmbeddingClassifier(card.Name, batcher, head)))
            {
                throw new InvalidDataException($"{card.Folder}/model.json: a model named '{card.Name}' is already loaded.");
            }

            Log.ModelLoaded(logger, card.Kind, card.Name, card.Folder, sessions.Provider);
        }

        foreach (var folder in RouterFolders())
        {
            // A learned router (a routers/ folder): the embedding model it was trained with, checked by the SHA-256 of
            // its weights, and the router's own model on top, served like any classifier.
            var card = cards.FirstOrDefault(c => c.Kind == ModelKinds.Embedding && c.Name == Frugal.Onnx.Routing.OnnxRouterEmbeddings.ModelName);
            if (card is null || !embeddings.TryGetValue(card.Name, out var batcher))
            {
                throw new InvalidDataException(
                    $"Onnx:ExtraModels or Onnx:Router entry '{folder}': a learned router needs the {Frugal.Onnx.Routing.OnnxRouterEmbeddings.ModelName} embedding model, which is not loaded.");
            }

            Frugal.Routing.RouterModel router;
            try
            {
                router = Frugal.Routing.RouterArtefact.Load(folder, Frugal.Routing.EmbeddingModelIdentity.FromFile(card.Name, card.Dimensions, Path.Combine(card.Folder, card.Model ?? "model.onnx")));
            }
            catch (Frugal.Routing.RouterLoadException ex)
            {
                throw new InvalidDataException(ex.Message, ex);
            }

            if (embeddings.ContainsKey(router.Name) || !classifiers.TryAdd(router.Name, new EmbeddingClassifier(router.Name, batcher, new Frugal.Onnx.Routing.RouterClassifierHead(router, card.Dimensions))))
            {
                throw new InvalidDataException($"{folder}/router.json: a model named '{router.Name}' is already loaded.");
            }

            Log.ModelLoaded(logger, "router", router.Name, folder, sessions.Provider);
        }

        Provider = sessions.Provider;
        Log.ProviderChosen(logger, Provider);
        Embeddings = embeddings;
        Classifiers = classifiers;
        loaded = true;
    }

    private IClassifierHead LoadHead(ModelCard card, OnnxSessionFactory sessions)
    {
        if (card.Head is not null)
        {
            return LinearClassifierHead.Load(Path.Combine(card.Folder, card.Head));
        }

        if (card.Model is null || card.Labels is not { Count: >= 2 })
        {
            throw new InvalidDataException(
                $"{card.Folder}/model.json: a classifier needs 'head' (a JSON linear head) or 'model' (an ONNX head) with 'labels'.");
        }

        var head = new OnnxClassifierHead(sessions.Create(Path.Combine(card.Folder, card.Model)), card.Labels, card.Activation, $"{card.Folder}/model.json");
        owned.Add(head);
        return head;
    }

    private List<ModelCard> ReadCards()
    {
        var root = Path.GetFullPath(options.ModelsPath, AppContext.BaseDirectory);
        if (!Directory.Exists(root))
        {
            throw new InvalidDataException($"Onnx:ModelsPath '{root}' does not exist.");
        }

        var folders = Directory.EnumerateDirectories(root).Where(f => File.Exists(Path.Combine(f, "model.json"))).Order(StringComparer.Ordinal).ToList();
        foreach (var extra in options.ModelFolders)
        {
            var folder = Path.GetFullPath(extra, AppContext.BaseDirectory);
            if (IsRouterFolder(folder))
            {
                continue;
            }

            if (!File.Exists(Path.Combine(folder, "model.json")))
            {
                throw new InvalidDataException($"Onnx:ExtraModels or Onnx:Router entry '{extra}': {folder}/model.json (a model) or router.json (a learned router) does not exist.");
            }

            folders.Add(folder);
        }

        return [.. folders.Select(ReadCard)];
    }

    private static bool IsRouterFolder(string folder) =>
        !File.Exists(Path.Combine(folder, "model.json")) && File.Exists(Path.Combine(folder, Frugal.Routing.RouterArtefact.RouterFile));

    private IEnumerable<string> RouterFolders() =>
        options.ModelFolders.Select(e => Path.GetFullPath(e, AppContext.BaseDirectory)).Where(IsRouterFolder);

    private static ModelCard ReadCard(string folder)
    {
        var path = Path.Combine(folder, "model.json");
        ModelCard? card;
        try
        {
            card = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(path), CardJson);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a valid model card: {JsonErrors.Describe(ex)}", ex);
        }

        if (card is null || string.IsNullOrWhiteSpace(card.Name))
        {
            throw new InvalidDataException($"{path}: 'name' is required.");
        }

        if (card.Kind is not (ModelKinds.Embedding or ModelKinds.Classifier))
        {
            throw new InvalidDataException($"{path}: kind '{card.Kind}' is not '{ModelKinds.Embedding}' or '{ModelKinds.Classifier}'.");
        }

        if (card.Kind == ModelKinds.Embedding && card.MaxTokens < 3)
        {
            throw new InvalidDataException($"{path}: maxTokens must be at least 3 ([CLS], one word piece, [SEP]).");
        }

        return card with { Folder = folder };
    }

    /// <summary>Stops the batchers and releases the ONNX sessions.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        // All at once: disposed one after another, the later models took new requests while the first finished its run.
        await Task.WhenAll(Embeddings.Values.Select(b => b.DisposeAsync().AsTask())).ConfigureAwait(false);

        foreach (var disposable in owned)
        {
            disposable.Dispose();
        }

        owned.Clear();
    }
}
