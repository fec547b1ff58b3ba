using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Frugal.Expressions;

namespace Frugal.Workflows;

/// <summary>
/// Builds step records from the converted YAML. The schema has already reported wrong shapes, so fields of the
/// wrong type are skipped here rather than reported twice.
/// </summary>
internal sealed class StepParser(WorkflowParseContext context)
{
    /// <summary>The message for the kind editors know but the runtime cannot run yet.</summary>
    public const string RetrieveUnavailable =
        "step kind 'retrieve' is not available yet: retrieval arrives with the semantic cache and embeddings; remove the step or use a model step";

    /// <summary>A parsed step, with every reference it makes to other steps; no step when it cannot run (already reported).</summary>
    public sealed record Result(StepDefinition? Step, IReadOnlyList<StepLink> Links);

    /// <summary>
    /// Parses the step at <paramref name="pointer"/>. A step with an unusable id, kind, tier or operation is still read
    /// to its end, so the problems in the rest of it are listed with that one instead of after it is fixed.
    /// </summary>
    /// <param name="step">The step's mapping.</param>
    /// <param name="pointer">Its JSON pointer.</param>
    /// <param name="bodyOf">The id of the foreach step whose 'do' this is; null for a top-level step.</param>
    public Result Parse(JsonObject step, string pointer, string? bodyOf)
    {
        var inForEach = bodyOf is not null;
        var id = bodyOf is null ? Text(step, "id") : bodyOf + ".do";
        var name = id ?? string.Empty;
        var links = new List<StepLink>();
        foreach (var (need, index) in (step["needs"] as JsonArray ?? []).Select((n, i) => (n, i)))
        {
            if (need is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                links.Add(new StepLink(v.GetValue<string>(), StepLinkKind.Needs, context.Map.Value($"{pointer}/needs/{index}")));
            }
        }

        var when = Text(step, "when") is { } condition
            ? context.Condition(condition, pointer + "/when", inForEach, links)
            : null;
        var location = context.Map.Value(pointer);

        StepDefinition? parsed = Text(step, "kind") switch
        {
            "classify" => Classify(step, pointer, name, location, inForEach, links),
            "deterministic" => Deterministic(step, pointer, name, location, inForEach, links),
            "model" => Model(step, pointer, name, location, inForEach, links),
            "foreach" when !inForEach => ForEach(step, pointer, name, location, links),
            "retrieve" when !inForEach => Unavailable(pointer),
            _ => UnknownKind(step, pointer, inForEach, links),
        };

        return new Result(parsed is null || id is null ? null : parsed with { When = when }, links);
    }

    private StepDefinition? UnknownKind(JsonObject step, string pointer, bool inForEach, List<StepLink> links)
    {
        // The schema has said what is wrong with the kind; the fields some kind reads as templates are checked all
        // the same, so a bad expression in them is not the next problem the user meets.
        foreach (var field in new[] { "input", "system", "prompt", "items" })
        {
            if (step.ContainsKey(field))
            {
                _ = Template(step, pointer, field, inForEach, links);
            }
        }

        return null;
    }

    // Optional fields keep the records' defaults when absent, so the defaults live in one place.
    private ClassifyStep Classify(JsonObject step, string pointer, string id, SourceLocation location, bool inForEach, List<StepLink> links)
    {
        var classify = new ClassifyStep { Id = id, Location = location, Input = Template(step, pointer, "input", inForEach, links) };
        classify = Text(step, "router") is { } router ? classify with { Router = router, RouterLocation = context.Map.Value(pointer + "/router") } : classify;
        if (context.Routers is { } routers && !routers.Contains(classify.Router, StringComparer.OrdinalIgnoreCase))
        {
            context.Diagnostics.Add(WorkflowRouters.Diagnostic(classify, routers));
        }

        return Number(step, "premium_threshold") is { } threshold ? classify with { PremiumThreshold = threshold } : classify;
    }

    private StepDefinition? Unavailable(string pointer)
    {
        context.Error(context.Map.Value(pointer + "/kind"), RetrieveUnavailable);
        return null;
    }

    private DeterministicStep? Deterministic(
        JsonObject step, string pointer, string id, SourceLocation location, bool inForEach, List<StepLink> links)
    {
        var operation = Text(step, "operation") switch
        {
            "template" => DeterministicOperation.Template,
            "regex" => DeterministicOperation.Regex,
            "lookup" => DeterministicOperation.Lookup,
            _ => (DeterministicOperation?)null,
        };
        // The schema allows every deterministic key on every operation; one that the operation never reads is a
        // mistake worth saying (a table on a template step was silently ignored). With no usable operation, the
        // schema has said so and no key is out of place yet.
        foreach (var (key, owner) in new[] { ("pattern", "regex"), ("table", "lookup"), ("match", "lookup"), ("min_similarity", "lookup"), ("default", "regex or lookup") })
        {
            if (operation is not null && step.ContainsKey(key) && !owner.Contains(Text(step, "operation")!, StringComparison.Ordinal))
            {
                context.Error(context.Map.Key(pointer + "/" + key), $"'{key}' does nothing in a {Text(step, "operation")} step; it belongs to operation {owner}");
            }
        }

        var pattern = Text(step, "pattern");
        if (pattern is not null)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                context.Error(context.Map.Value(pointer + "/pattern"), $"'pattern' is not a valid regular expression: {ex.Message}");
            }
        }

        // Keys stay as written: the lookup handler normalises both sides when it matches.
        var table = step["table"] is JsonObject rows ? rows.ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal) : null;
        if (table is not null)
        {
            // Two keys that read the same once normalised: the second could never match, and nothing said so.
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var key in table.Keys)
            {
                var normalized = Engine.DeterministicStepHandler.Normalize(key);
                var at = context.Map.Key(pointer + "/table/" + YamlJsonConverter.Escape(key));
                if (key.Contains("${", StringComparison.Ordinal))
                {
                    // Matched as its words ('input k'), never as the input's value.
                    context.Error(at, WorkflowParseContext.KeyNotEvaluated(key));
                }
                else if (normalized.Length == 0)
                {
                    context.Error(at, $"table key '{key}' has no letters or digits, so it can never match (keys are compared ignoring case, spacing and punctuation)");
                }
                else if (!seen.TryAdd(normalized, key))
                {
                    context.Error(at, $"table key '{key}' matches the same text as '{seen[normalized]}' (keys are compared ignoring case, spacing and punctuation), so it can never be the answer; keep one");
                }
            }
        }

        // Values and the default are templates like every other string: written '${ input.name }', they were output as
        // that text, literally. A table none of whose values holds '${' is kept as it is, with nothing to evaluate.
        Dictionary<string, ValueTemplate>? tableTemplates = null;
        if (step["table"] is JsonObject values && values.Any(p => HoldsTemplate(p.Value)))
        {
            tableTemplates = values.ToDictionary(
                p => p.Key,
                p => context.Template(p.Value, pointer + "/table/" + YamlJsonConverter.Escape(p.Key), inForEach, links),
                StringComparer.Ordinal);
        }

        var fallback = step.ContainsKey("default") ? Template(step, pointer, "default", inForEach, links) : null;
        var input = Template(step, pointer, "input", inForEach, links);
        return operation is null ? null : new DeterministicStep
        {
            Id = id,
            Location = location,
            Operation = operation.Value,
            Input = input,
            Pattern = pattern,
            Table = table,
            TableTemplates = tableTemplates,
            Default = step["default"]?.DeepClone(),
            DefaultTemplate = fallback,
            Match = Text(step, "match") == "semantic" ? LookupMatch.Semantic : LookupMatch.Normalized,
            MinSimilarity = Number(step, "min_similarity") ?? 0.8,
        };
    }

    private ModelStep? Model(JsonObject step, string pointer, string id, SourceLocation location, bool inForEach, List<StepLink> links)
    {
        var tierText = Text(step, "tier");
        var tier = tierText switch
        {
            "cheap" => ModelTier.Cheap,
            "premium" => ModelTier.Premium,
            "auto" => ModelTier.Auto,
            "onnx" => ModelTier.Onnx,
            _ => (ModelTier?)null,
        };
        var route = Text(step, "route");
        if (route is not null)
        {
            links.Add(new StepLink(route, StepLinkKind.Route, context.Map.Value(pointer + "/route")));
        }
        else if (tier == ModelTier.Auto)
        {
            context.Error(context.Map.Value(pointer + "/tier"),
                "tier 'auto' needs 'route': the id of the classify step whose decision picks the tier");
        }

        JsonNode? outputSchema = null;
        if (step["output_schema"] is JsonObject schema)
        {
            CheckSchema(schema, pointer + "/output_schema", "output_schema");
            outputSchema = schema.DeepClone();
        }

        // A step without a tier is cheap: premium_only there did nothing, and was accepted without a word.
        if (step["premium_only"] is JsonValue premiumOnly && premiumOnly.GetValueKind() == JsonValueKind.True && (tierText is null || tier is ModelTier.Cheap or ModelTier.Onnx))
        {
            context.Error(context.Map.Key(pointer + "/premium_only"),
                $"'premium_only' keeps an auto step on premium over a premium-share cap; this step's tier is {tierText ?? "cheap"}");
        }

        if (step["validate"] is JsonObject checks && checks["required"] is JsonArray { Count: > 0 } && step["output_schema"] is null)
        {
            // Without a structured answer every required field is missing: each call would fail validation and escalate.
            context.Error(context.Map.Key(pointer + "/validate/required"), "'validate.required' names fields of a structured answer; it needs 'output_schema'");
        }

        var model = new ModelStep
        {
            Id = id,
            Location = location,
            Route = route,
            System = step.ContainsKey("system") ? Template(step, pointer, "system", inForEach, links) : null,
            Prompt = Template(step, pointer, "prompt", inForEach, links),
            MaxOutputTokens = (int?)Number(step, "max_output_tokens"),
            Temperature = (float?)Number(step, "temperature"),
            OutputSchema = outputSchema,
            Model = Text(step, "model"),
            Validation = step["validate"] is JsonObject validate ? Validation(validate) : null,
            Escalate = step["escalate"] is JsonValue escalate && escalate.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                ? escalate.GetValue<bool>() : null,
            MaxInputTokens = (int?)Number(step, "max_input_tokens"),
            Trim = Text(step, "trim") switch
            {
                "start" => TrimPolicy.Start,
                "middle" => TrimPolicy.Middle,
                _ => TrimPolicy.End,
            },
            PremiumOnly = step["premium_only"] is JsonValue only && only.GetValueKind() == JsonValueKind.True,
        };
        if (tierText is not null && tier is null)
        {
            return null;
        }

        return tier is { } chosen ? model with { Tier = chosen } : model;
    }

    private static AnswerValidation Validation(JsonObject validate) => new(
        validate["required"] is JsonArray required
            ? [.. required.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>())]
            : [],
        validate["refusal"] is JsonValue refusal && refusal.GetValueKind() == JsonValueKind.True,
        Number(validate, "min_confidence"));

    private ForEachStep? ForEach(JsonObject step, string pointer, string id, SourceLocation location, List<StepLink> links)
    {
        var items = Template(step, pointer, "items", inForEach: false, links);
        if (items.IsTextOnly)
        {
            // Text around or between expressions makes text, never a list: every run failed at this step saying so.
            // Only white space around one expression (a block scalar's last line break, items: |) reads the same and is
            // easy to miss, so the message names it.
            var text = items.Raw?.GetValue<string>() ?? string.Empty;
            var onlySpaceAround = text.Trim() is { Length: > 0 } trimmed && !ValueTemplate.Parse(trimmed).IsTextOnly;
            context.Error(context.Map.Value(pointer + "/items"), onlySpaceAround
                ? "'items' must be a list, or one expression that yields one; the spaces or line break around its ${ } make it text: write items: ${ ... } on one line, or use '|-' or '>-' instead of '|' or '>'"
                : "'items' must be a list, or one expression that yields one (${ input.documents }); this text always yields text");
        }

        // 'when' and 'needs' inside 'do' are refused by the schema (bodyStep), which editors read too.
        if (step["do"] is not JsonObject body)
        {
            return null;
        }

        var parsed = Parse(body, pointer + "/do", id);
        links.AddRange(parsed.Links);
        if (parsed.Step is null)
        {
            return null;
        }

        var each = new ForEachStep { Id = id, Location = location, Items = items, Body = parsed.Step };
        each = Number(step, "batch_size") is { } batch ? each with { BatchSize = (int)batch } : each;
        return Number(step, "parallelism") is { } parallel ? each with { Parallelism = (int)parallel } : each;
    }

    /// <summary>Reports every way <paramref name="schema"/> is not a usable JSON Schema, at its position in the file.</summary>
    public void CheckSchema(JsonNode schema, string pointer, string field)
    {
        foreach (var violation in SchemaValidation.ValidateSchemaDocument(schema))
        {
            var at = pointer + violation.Pointer;
            context.Error(violation.AtKey ? context.Map.Key(at) : context.Map.Value(at),
                $"'{field}' is not a valid JSON Schema: {violation.Message}");
        }
    }

    private ValueTemplate Template(JsonObject step, string pointer, string field, bool inForEach, List<StepLink> links) =>
        step.TryGetPropertyValue(field, out var value)
            ? context.Template(value, pointer + "/" + field, inForEach, links)
            : ValueTemplate.Constant(null);

    /// <summary>Whether a string in <paramref name="value"/> holds <c>${</c> (an expression, or <c>$${</c> for a literal one).</summary>
    private static bool HoldsTemplate(JsonNode? value) => value switch
    {
        JsonObject obj => obj.Any(p => HoldsTemplate(p.Value)),
        JsonArray array => array.Any(HoldsTemplate),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Contains("${", StringComparison.Ordinal),
        _ => false,
    };

    private static string? Text(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static double? Number(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? ExpressionValues.AsNumber(v) : null;
}
