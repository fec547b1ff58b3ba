using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Frugal.Costs;

/// <summary>
/// List prices per model (dollars per million tokens) and per GPU profile (dollars per hour), read from a price file
/// (<c>config/prices.json</c>; the same file is embedded as <see cref="LoadDefault"/>) or imported from LiteLLM's
/// <c>model_prices_and_context_window.json</c>. A model missing from the table prices as unpriced, never as zero.
/// </summary>
public sealed partial class PriceTable
{
    private const decimal PerMillion = 1_000_000m;
    private const string EmbeddedName = "Frugal.Costs.prices.json";

    /// <summary>The decimal places GPU time is priced to (<see cref="PriceGpu"/>): 12, the pico-dollar.</summary>
    public const int GpuDollarPlaces = 12;

    private readonly FrozenDictionary<string, ModelPrice> _models;
    private readonly FrozenDictionary<string, decimal> _gpuDollarsPerHour;
    private readonly ConcurrentDictionary<string, ModelPrice?> _resolved = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a table from already validated prices.</summary>
    /// <param name="version">The table's version, written into every cost record it prices.</param>
    /// <param name="models">Prices per model name (case-insensitive).</param>
    /// <param name="gpuDollarsPerHour">Dollars per hour per GPU profile (case-insensitive).</param>
    public PriceTable(string version, IReadOnlyDictionary<string, ModelPrice> models, IReadOnlyDictionary<string, decimal> gpuDollarsPerHour)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(gpuDollarsPerHour);
        Version = version;
        _models = models.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _gpuDollarsPerHour = gpuDollarsPerHour.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The table's version (the file's <c>version</c> field).</summary>
    public string Version { get; }

    /// <summary>Prices per model name.</summary>
    public IReadOnlyDictionary<string, ModelPrice> Models => _models;

    /// <summary>Dollars per hour per GPU profile.</summary>
    public IReadOnlyDictionary<string, decimal> GpuDollarsPerHour => _gpuDollarsPerHour;

    /// <summary>Reads a Frugal price file.</summary>
    /// <param name="path">The file, for example <c>config/prices.json</c>.</param>
    /// <returns>The table.</returns>
    /// <exception cref="PriceTableException">The file is missing, not JSON, or a field is missing or invalid.</exception>
    public static PriceTable Load(string path) => PriceFileReader.ReadFrugal(ReadFile(path), path);

    /// <summary>Reads a Frugal price file from text.</summary>
    /// <param name="json">The file's content.</param>
    /// <param name="source">The file name used in error messages.</param>
    /// <returns>The table.</returns>
    /// <exception cref="PriceTableException">A field is missing or invalid.</exception>
    public static PriceTable Parse(string json, string source) => PriceFileReader.ReadFrugal(json, source);

    /// <summary>The price file embedded in Frugal.Core (a copy of <c>config/prices.json</c>).</summary>
    /// <returns>The default table.</returns>
    public static PriceTable LoadDefault()
    {
        using var stream = typeof(PriceTable).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new PriceTableException($"{EmbeddedName}: embedded price file is missing from Frugal.Core");
        using var reader = new StreamReader(stream);
        return PriceFileReader.ReadFrugal(reader.ReadToEnd(), "prices.json (embedded)");
    }

    /// <summary>
    /// Imports LiteLLM's <c>model_prices_and_context_window.json</c>: <c>input_cost_per_token</c>,
    /// <c>output_cost_per_token</c>, <c>cache_read_input_token_cost</c> and
    /// <c>output_cost_per_reasoning_token</c> (dollars per token). Entries priced otherwise (per image, per second)
    /// and the <c>sample_spec</c> entry are skipped.
    /// </summary>
    /// <param name="path">The LiteLLM file.</param>
    /// <returns>The table; its version is <c>litellm-</c> and the start of the file's SHA-256.</returns>
    /// <exception cref="PriceTableException">The file is missing, not JSON, or a price is negative or not a number.</exception>
    public static PriceTable FromLiteLlm(string path) => PriceFileReader.ReadLiteLlm(ReadFile(path), path);

    /// <summary>
    /// Prices a model call. An unknown model is unpriced. Not counted here: a call is priced more than once (its
    /// write-ahead bound, by the deployment's name; its record, by the model that answered), so
    /// <c>frugal.cost.unpriced</c> counts the records the ledger keeps unpriced (<see cref="Frugal.Telemetry.FrugalMetrics.Record"/>).
    /// </summary>
    /// <param name="model">The model or deployment name; a provider prefix (<c>azure/</c>) and a date suffix
    /// (<c>-2024-08-06</c>) are tried off when the exact name is missing, then the name under <c>azure/</c>.</param>
    /// <param name="usage">The call's tokens. Cached tokens above the input count, or reasoning tokens above the
    /// output count, are clamped rather than failing the caller's activity.</param>
    /// <returns>The dollars and whether the model was priced.</returns>
    public PriceResult Price(string? model, TokenUsage usage)
    {
        if (!TryFind(model, out var price))
        {
            return new PriceResult(0m, false, Version);
        }

        long input = Math.Max(0, usage.InputTokens);
        long cached = Math.Clamp(usage.CachedInputTokens, 0, input);
        long output = Math.Max(0, usage.OutputTokens);
        long reasoning = Math.Clamp(usage.ReasoningTokens, 0, output);
        decimal dollars = ((input - cached) * price.Input
            + cached * price.CachedInput
            + (output - reasoning) * price.Output
            + reasoning * (price.Reasoning ?? price.Output)) / PerMillion;
        return new PriceResult(dollars, true, Version);
    }

    /// <summary>
    /// The most a call can cost: <paramref name="inputTokens"/> uncached, and every one of up to
    /// <paramref name="outputTokens"/> at the dearer of the output and the reasoning price (a price file may price
    /// reasoning above output: LiteLLM's <c>output_cost_per_reasoning_token</c>), since any output token may be one.
    /// </summary>
    /// <param name="model">The model or deployment name, looked up as <see cref="Price"/> does.</param>
    /// <param name="inputTokens">The prompt's tokens.</param>
    /// <param name="outputTokens">The call's output cap.</param>
    /// <returns>The dollars and whether the model was priced.</returns>
    public PriceResult PriceMost(string? model, long inputTokens, long outputTokens)
    {
        var plain = Price(model, new TokenUsage(inputTokens, 0, outputTokens, 0));
        var reasoning = Price(model, new TokenUsage(inputTokens, 0, outputTokens, outputTokens));
        return reasoning.Dollars > plain.Dollars ? reasoning : plain;
    }

    /// <summary>
    /// Prices GPU time on the inference app: seconds x dollars an hour / 3600, rounded to <see cref="GpuDollarPlaces"/>
    /// places. An unknown profile is unpriced (counted as <see cref="Price"/> says).
    /// </summary>
    /// <param name="profile">The GPU profile, for example <c>NC8as-T4</c>.</param>
    /// <param name="gpuSeconds">The GPU seconds used.</param>
    /// <returns>The dollars and whether the profile was priced.</returns>
    public PriceResult PriceGpu(string? profile, double gpuSeconds)
    {
        if (profile is null || !_gpuDollarsPerHour.TryGetValue(profile, out var perHour))
        {
            return new PriceResult(0m, false, Version);
        }

        // To the pico-dollar: a second's price has no end in decimal (0.752 / 3600 = 0.00020888...), and at 28 places a
        // sum past $7.92 no longer fit decimal's scale and was rounded at each addition, so reports whose records come in
        // no fixed order (the Table ledger's) differed in their last digits.
        return new PriceResult(Math.Round((decimal)Math.Max(0, gpuSeconds) * perHour / 3600m, GpuDollarPlaces, MidpointRounding.AwayFromZero), true, Version);
    }

    /// <summary>Finds a model's price, trying the provider prefix and date suffix off, then the name under <c>azure/</c>.</summary>
    /// <param name="model">The model or deployment name.</param>
    /// <param name="price">The price, when found.</param>
    /// <returns>Whether the model is priced.</returns>
    public bool TryFind(string? model, [NotNullWhen(true)] out ModelPrice? price)
    {
        if (string.IsNullOrEmpty(model))
        {
            price = null;
            return false;
        }

        price = _resolved.GetOrAdd(model, static (name, models) => Resolve(name, models), _models);
        return price is not null;
    }

    private static ModelPrice? Resolve(string name, FrozenDictionary<string, ModelPrice> models)
    {
        if (models.TryGetValue(name, out var price))
        {
            return price;
        }

        string bare = name[(name.LastIndexOf('/') + 1)..];
        if (models.TryGetValue(bare, out price))
        {
            return price;
        }

        string undated = DateSuffix().Replace(bare, "");
        if (models.TryGetValue(undated, out price))
        {
            return price;
        }

        // LiteLLM's file prices some models only under their Azure name ("azure/gpt-4o-mini" and no "gpt-4o-mini"),
        // while Azure OpenAI answers with the bare model name, so those calls were unpriced.
        return models.GetValueOrDefault(AzurePrefix + bare) ?? models.GetValueOrDefault(AzurePrefix + undated);
    }

    private const string AzurePrefix = "azure/";

    private static string ReadFile(string path)
    {
        try
        {
            return TextFile.Read(path);
        }
        catch (TextEncodingException ex)
        {
            // Read with U+FFFD for the byte, as File.ReadAllText does, a model name saved as Windows-1252 was another name.
            throw new PriceTableException($"{path}:{ex.Line}:{ex.Column}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PriceTableException($"{path}: cannot read the price file: {ex.Message}", ex);
        }
    }

    [GeneratedRegex(@"-\d{4}-\d{2}-\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex DateSuffix();
}
