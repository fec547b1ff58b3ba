using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Frugal.Costs;

/// <summary>Reads price files with a message naming file and field for every bad value.</summary>
internal static class PriceFileReader
{
    private const decimal PerMillion = 1_000_000m;

    // The most a price may say: a dollar a token ($1,000,000 a million tokens, or a GPU hour), thousands of times any
    // list price. More overflowed the ledger's decimal arithmetic: 7e28 a million input tokens passed start-up and failed
    // every step's cost record with System.OverflowException; 1e23 a token in a LiteLLM file ended start-up with it.
    private const decimal MaxPerMillion = 1_000_000m;

    private static readonly string[] RootFields = ["version", "models", "gpu_profiles"];
    private static readonly string[] ModelFields = ["input", "cached_input", "output", "reasoning"];
    private static readonly string[] GpuFields = ["dollars_per_hour"];

    public static PriceTable ReadFrugal(string json, string source)
    {
        using var document = Open(json, source);
        var root = RequireObject(document.RootElement, source, "(root)");
        RequireKnownFields(root, source, null, RootFields);
        if (!root.TryGetProperty("version", out var versionElement))
        {
            throw Fail(source, "version", "is missing");
        }

        string version = versionElement.ValueKind == JsonValueKind.String && versionElement.GetString() is { Length: > 0 } v
            ? v
            : throw Fail(source, "version", "must be a non-empty string");

        var models = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        if (!root.TryGetProperty("models", out var modelsElement))
        {
            throw Fail(source, "models", "is missing");
        }

        foreach (var model in RequireObject(modelsElement, source, "models").EnumerateObject())
        {
            string path = "models." + model.Name;
            if (models.Keys.FirstOrDefault(k => string.Equals(k, model.Name, StringComparison.OrdinalIgnoreCase)) is { } earlier)
            {
                // Names match ignoring case, so the later entry replaced the earlier without a word: one of two prices
                // someone wrote was silently not the one used.
                throw Fail(source, path, $"is given twice (as '{earlier}' too; model names match ignoring case); keep one");
            }

            var entry = RequireObject(model.Value, source, path);
            RequireKnownFields(entry, source, path, ModelFields);
            models[model.Name] = new ModelPrice(
                Required(entry, source, path, "input"),
                Required(entry, source, path, "cached_input"),
                Required(entry, source, path, "output"),
                Optional(entry, source, path, "reasoning"));
        }

        var gpus = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
        if (root.TryGetProperty("gpu_profiles", out var gpuElement))
        {
            foreach (var gpu in RequireObject(gpuElement, source, "gpu_profiles").EnumerateObject())
            {
                string path = "gpu_profiles." + gpu.Name;
                var entry = RequireObject(gpu.Value, source, path);
                RequireKnownFields(entry, source, path, GpuFields);
                gpus[gpu.Name] = Required(entry, source, path, "dollars_per_hour");
            }
        }

        return new PriceTable(version, models, gpus);
    }

    public static PriceTable ReadLiteLlm(string json, string source)
    {
        using var document = Open(json, source);
        var root = RequireObject(document.RootElement, source, "(root)");
        var models = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in root.EnumerateObject())
        {
            if (model.Name == "sample_spec" || model.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var entry = model.Value;
            decimal? input = Optional(entry, source, model.Name, "input_cost_per_token", MaxPerMillion / PerMillion, "dollars a token");
            decimal? output = Optional(entry, source, model.Name, "output_cost_per_token", MaxPerMillion / PerMillion, "dollars a token");
            if (input is null || output is null)
            {
                continue; // priced per image, per second or per character: not a token model
            }

            decimal? cached = Optional(entry, source, model.Name, "cache_read_input_token_cost", MaxPerMillion / PerMillion, "dollars a token");
            decimal? reasoning = Optional(entry, source, model.Name, "output_cost_per_reasoning_token", MaxPerMillion / PerMillion, "dollars a token");
            models[model.Name] = new ModelPrice(
                input.Value * PerMillion,
                (cached ?? input.Value) * PerMillion,
                output.Value * PerMillion,
                reasoning * PerMillion);
        }

        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..12];
        return new PriceTable("litellm-" + hash, models, new Dictionary<string, decimal>());
    }

    private static JsonDocument Open(string json, string source)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new PriceTableException($"{source}: not valid JSON: {JsonErrors.Describe(ex, json)}", ex);
        }
    }

    private static JsonElement RequireObject(JsonElement element, string source, string path) =>
        element.ValueKind == JsonValueKind.Object ? element : throw Fail(source, path, "must be an object");

    // A field nothing reads was a price nobody applied: a misspelt or capitalised "reasoning" ("Reasoning",
    // "reasoning_output") priced o-series reasoning tokens at the output price without a word. Names starting with
    // an underscore are notes ("_comment", as config/prices.json has).
    private static void RequireKnownFields(JsonElement entry, string source, string? path, string[] known)
    {
        foreach (var property in entry.EnumerateObject())
        {
            if (!property.Name.StartsWith('_') && Array.IndexOf(known, property.Name) < 0)
            {
                throw Fail(source, path is null ? property.Name : path + "." + property.Name,
                    $"is unknown (the fields here: {string.Join(", ", known)}; a name starting with _ is a note)");
            }
        }
    }

    private static decimal Required(JsonElement entry, string source, string path, string field) =>
        Optional(entry, source, path, field) ?? throw Fail(source, path + "." + field, "is missing");

    private static decimal? Optional(JsonElement entry, string source, string path, string field, decimal max = MaxPerMillion, string? unit = null)
    {
        unit ??= path.StartsWith("gpu_profiles.", StringComparison.Ordinal) ? "dollars an hour" : "dollars a million tokens";
        if (!entry.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !TryGetDecimal(value, out decimal number))
        {
            // A number past decimal's range (about 7.9e28) is not a price either way.
            throw Fail(source, path + "." + field, value.ValueKind != JsonValueKind.Number ? "must be a number"
                : value.GetRawText().StartsWith('-') ? "must be >= 0" : $"must be at most {max} {unit}, found {value.GetRawText()}");
        }

        return number switch
        {
            < 0 => throw Fail(source, path + "." + field, "must be >= 0"),
            _ when number > max => throw Fail(source, path + "." + field, $"must be at most {max} {unit}, found {value.GetRawText()}"),
            _ => number,
        };
    }

    private static bool TryGetDecimal(JsonElement value, out decimal number) =>
        value.TryGetDecimal(out number)
        || decimal.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out number);

    private static PriceTableException Fail(string source, string path, string problem) =>
        new($"{source}: {path}: {problem}");
}
