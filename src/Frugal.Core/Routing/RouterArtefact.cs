using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Frugal.Routing;

/// <summary>
/// Reads and writes router folders: <c>router.json</c> (the model, <see cref="RouterDocument"/>), <c>card.json</c>
/// (<see cref="RouterCard"/>), <c>README.md</c> (the card for people) and, for neighbour routers, <c>neighbours.bin</c>.
/// </summary>
public static class RouterArtefact
{
    /// <summary>The model file of a router folder.</summary>
    public const string RouterFile = "router.json";

    /// <summary>The card file of a router folder.</summary>
    public const string CardFile = "card.json";

    /// <summary>Loads a router folder and checks it against the embedding model the process runs.</summary>
    /// <param name="folder">The router folder.</param>
    /// <param name="embeddingModel">The embedding model loaded in this process; <see langword="null"/> skips the check.</param>
    /// <returns>The router.</returns>
    /// <exception cref="RouterLoadException">The folder or a file in it is missing or wrong, or the router was trained
    /// with another embedding model; the message names the file.</exception>
    public static RouterModel Load(string folder, EmbeddingModelIdentity? embeddingModel)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (string.IsNullOrWhiteSpace(folder))
        {
            // Frugal:Routing:Routers:x set to "" ended start-up with "The value cannot be an empty string. (Parameter 'path')".
            throw new RouterLoadException("the router folder is not named (empty); name a folder holding router.json, or leave the router out.");
        }

        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            // A file (router.json itself, most often) "did not exist" as a folder, though it was there by name.
            throw new RouterLoadException(File.Exists(full)
                ? $"'{full}' is a file; a router is the folder that holds {RouterFile} (name its folder)."
                : $"Router folder '{full}' does not exist.");
        }

        var path = Path.Combine(full, RouterFile);
        if (Directory.Exists(path))
        {
            // It read as "not found", which sent people looking for a file that was there by name.
            throw new RouterLoadException($"{path}: is a folder; a router folder holds {RouterFile}, a file (make one with 'frugal router train').");
        }

        if (!File.Exists(path))
        {
            throw new RouterLoadException($"{path}: not found; a router folder holds {RouterFile} (make one with 'frugal router train').");
        }

        RouterDocument document;
        var text = "";
        try
        {
            text = File.ReadAllText(path);
            document = JsonSerializer.Deserialize(text, RoutingJsonContext.Default.RouterDocument)
                ?? throw new RouterLoadException($"{path}: the file holds null, not a router.");
        }
        catch (JsonException ex)
        {
            // A key given twice (RoutingJsonContext refuses it) is named where its second copy starts; the later value
            // had silently won.
            var error = JsonInput.DuplicateProperty(ex, Encoding.UTF8.GetBytes(text)) ?? ex;
            throw new RouterLoadException($"{path}: not a valid router file: {JsonErrors.Describe(error, text)}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file this account may not read: named, as its neighbour file is (it reached the CLI's top as "error:
            // Access to the path ... is denied", exit 1, a failure that was not the input's).
            throw new RouterLoadException($"{path}: cannot read the file: {ex.Message}", ex);
        }

        Check(document, path);
        if (embeddingModel is not null && !document.EmbeddingModel.SameModelAs(embeddingModel))
        {
            throw new RouterLoadException(
                $"{path}: router '{document.Name}' was trained with embedding model {document.EmbeddingModel}, but this process loads {embeddingModel}. " +
                "Retrain it with 'frugal router train'.");
        }

        NeighbourIndex? neighbours = null;
        if (document.Neighbours is { } settings)
        {
            var file = Path.Combine(full, settings.File);
            if (Directory.Exists(file))
            {
                // Opening it said "Access to the path ... is denied", as if permissions were the fault.
                throw new RouterLoadException($"{file}: is a folder; neighbours.file in {RouterFile} names the neighbour file beside it.");
            }

            try
            {
                neighbours = NeighbourIndex.Load(file, settings.Rows, document.EmbeddingModel.Dimensions);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                throw new RouterLoadException($"{file}: {ex.Message}", ex);
            }
        }

        return new RouterModel(document, neighbours);
    }

    /// <summary>Writes a router folder (created if missing; existing router files are replaced).</summary>
    /// <param name="model">The router.</param>
    /// <param name="card">Its card.</param>
    /// <param name="folder">The folder.</param>
    public static void Save(RouterModel model, RouterCard card, string folder)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(card);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, RouterFile), JsonSerializer.Serialize(model.Document, RoutingJsonContext.Default.RouterDocument));
        File.WriteAllText(Path.Combine(folder, CardFile), JsonSerializer.Serialize(card, RoutingJsonContext.Default.RouterCard));
        if (model.Neighbours is { } index && model.Document.Neighbours is { } settings)
        {
            index.Save(Path.Combine(folder, settings.File));
        }

        File.WriteAllText(Path.Combine(folder, "README.md"), Readme(card));
    }

    private static void Check(RouterDocument document, string path)
    {
        // A key left out or set to null reads as null whatever the property's type says, and failed later with "Object
        // reference not set to an instance of an object" (exit 1), naming neither the file nor the key.
        if (Missing(document) is { } missing)
        {
            throw new RouterLoadException($"{path}: '{missing}' is missing or null.");
        }

        var inputs = document.EmbeddingModel.Dimensions + PromptFeatures.Names.Count;
        var problem = document switch
        {
            { Format: not RouterDocument.CurrentFormat } => $"format {document.Format} is not supported (this version reads {RouterDocument.CurrentFormat})",
            _ when string.IsNullOrWhiteSpace(document.Name) => "'name' is required",
            _ when !RouterTrainingOptions.Kinds.Contains(document.Kind) => $"kind '{document.Kind}' is not one of {string.Join(", ", RouterTrainingOptions.Kinds)}",
            _ when !document.Inputs.Features.SequenceEqual(PromptFeatures.Names) => $"inputs.features must be {string.Join(",", PromptFeatures.Names)}",
            _ when document.Inputs.Mean.Count != inputs || document.Inputs.Scale.Count != inputs => $"inputs.mean and inputs.scale need {inputs} values",
            _ when document.Inputs.Scale.Any(s => !(s > 0)) => "inputs.scale values must be positive",
            _ when document.Inputs.Mean.Any(m => !double.IsFinite(m)) || document.Inputs.Scale.Any(s => !double.IsFinite(s)) => "inputs.mean and inputs.scale values must be finite numbers",
            // Two heads of one target left the other out, and every prompt then scored as if both said 0, with exit 0.
            _ when document.Kind != "knn" && (document.Heads.Count != 2 || document.Heads.Any(h => h.Weights.Count != inputs)
                || !document.Heads.Select(h => h.Target).Order(StringComparer.Ordinal).SequenceEqual([RouterHead.CheapCorrect, RouterHead.PremiumCorrect])) =>
                $"a {document.Kind} router needs the heads {RouterHead.PremiumCorrect} and {RouterHead.CheapCorrect} with {inputs} weights each",
            _ when document.Heads.Any(h => !double.IsFinite(h.Bias) || h.Weights.Any(w => !double.IsFinite(w))) => "heads' weights and bias must be finite numbers",
            // A logistic router may leave neighbours out, but ones it has are used (k = 0 failed every score).
            _ when (document.Kind != "logistic" || document.Neighbours is not null) && document.Neighbours is not { K: > 0, Rows: > 0, Temperature: > 0 } =>
                $"a {document.Kind} router needs 'neighbours' with positive k, rows and temperature",
            // Infinity (which the file may spell) weighed every neighbour alike, whatever its similarity.
            _ when document.Neighbours is { Temperature: var temperature } && !double.IsFinite(temperature) =>
                $"neighbours.temperature must be a finite number above 0 (was {temperature.ToString(CultureInfo.InvariantCulture)})",
            _ when document.Quantiles.Count != 101 => "'quantiles' needs 101 values",
            // A score is a percentile looked up in them: out of order, or not numbers, every score was wrong without a word.
            _ when document.Quantiles.Any(q => !double.IsFinite(q)) || document.Quantiles.Zip(document.Quantiles.Skip(1)).Any(p => p.Second < p.First) =>
                "'quantiles' must be finite numbers in ascending order",
            _ => null,
        };
        if (problem is not null)
        {
            throw new RouterLoadException($"{path}: {problem}.");
        }
    }

    /// <summary>The first key the rest of <see cref="Check"/> reads that is missing or null, or null when none is.</summary>
    private static string? Missing(RouterDocument document)
    {
        if (document.EmbeddingModel is null || document.Inputs is null)
        {
            return document.EmbeddingModel is null ? "embedding_model" : "inputs";
        }

        var heads = document.Heads?.Select((h, i) => h is null ? $"heads[{i}]" : h.Weights is null ? $"heads[{i}].weights" : null).FirstOrDefault(k => k is not null);
        return document.Inputs.Features is null ? "inputs.features"
            : document.Inputs.Mean is null ? "inputs.mean"
            : document.Inputs.Scale is null ? "inputs.scale"
            : document.Heads is null ? "heads"
            : heads is not null ? heads
            : document.Neighbours is { File: null } ? "neighbours.file"
            : document.Quantiles is null ? "quantiles"
            : null;
    }

    private static string Readme(RouterCard card)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"# Router `{card.Name}`").AppendLine();
        text.AppendLine(c, $"- Kind: {card.Kind} (trained {card.Created:yyyy-MM-dd HH:mm} UTC by `frugal router train`)");
        text.AppendLine(c, $"- Training data: `{card.TrainingData.File}`, {card.TrainingData.Rows} rows, sha256 `{card.TrainingData.Sha256}`");
        text.AppendLine(c, $"- Embedding model: {card.EmbeddingModel.Name} ({card.EmbeddingModel.Dimensions} dimensions), model.onnx sha256 `{card.EmbeddingModel.Sha256}`");
        text.AppendLine().AppendLine("The score is the percentile of the expected gain of premium over cheap among the training prompts:")
            .AppendLine("`premium_threshold: 0.6` sends about the top 40% of traffic like the training data's to premium.").AppendLine();
        if (card.Holdout is { } h)
        {
            text.AppendLine(c, $"Hold-out figures (measured by a router trained without these {h.Rows} rows, target {h.Target}):").AppendLine();
            text.AppendLine("| rows | source | premium_share | random_premium_share | apgr |").AppendLine("|---|---|---|---|---|");
            text.AppendLine(c, $"| {h.Rows} | all | {h.PremiumShare:F3} | {h.RandomPremiumShare:F3} | {h.Apgr:F3} |");
            foreach (var (source, f) in h.BySource)
            {
                text.AppendLine(c, $"| {f.Rows} | {source} | {f.PremiumShare:F3} | {f.RandomPremiumShare:F3} | {f.Apgr:F3} |");
            }
        }

        return text.ToString();
    }
}
