using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Frugal.Workflows;

/// <summary>Runs JsonSchema.Net and turns its results into one plain message per problem.</summary>
internal static class SchemaValidation
{
    private static readonly EvaluationOptions Hierarchical = new() { OutputFormat = OutputFormat.Hierarchical };

    private static readonly EvaluationOptions Flag = new() { OutputFormat = OutputFormat.Flag };

    private static readonly Lazy<(JsonSchema Schema, JsonNode Node)> WorkflowSchema = new(LoadWorkflowSchema);

    /// <summary>The workflow file schema (<c>workflows/schema.json</c>), as embedded in this assembly.</summary>
    public static JsonNode WorkflowSchemaNode => WorkflowSchema.Value.Node;

    /// <summary>Checks a converted workflow document against the workflow schema.</summary>
    public static IReadOnlyList<SchemaViolation> ValidateWorkflow(JsonNode? document) =>
        Validate(WorkflowSchema.Value.Schema, WorkflowSchema.Value.Node, document);

    /// <summary>Checks that <paramref name="schema"/> is a usable JSON Schema (draft 2020-12).</summary>
    public static IReadOnlyList<SchemaViolation> ValidateSchemaDocument(JsonNode schema)
    {
        var violations = Validate(MetaSchemas.Draft202012, null, schema);
        if (violations.Count > 0)
        {
            return violations;
        }

        try
        {
            Build(schema);
        }
        catch (JsonSchemaException ex)
        {
            return [new SchemaViolation(string.Empty, $"not a valid JSON Schema: {ex.Message}", false)];
        }
        catch (ArgumentException ex)
        {
            // A 'pattern' (or a patternProperties key) that is not a regular expression: JsonSchema.Net compiles it while
            // building and throws RegexParseException, which ended frugal validate with exit 1 and 'Invalid pattern'.
            var bad = new List<SchemaViolation>();
            CheckPatterns(schema, string.Empty, bad);
            return bad.Count > 0 ? bad : [new SchemaViolation(string.Empty, $"not a valid JSON Schema: {ex.Message}", false)];
        }

        // JsonSchema.Net resolves $ref only when it evaluates, so a reference to nothing passed validation and then
        // failed every run ("Could not resolve 'https://json-everything.lib/...#/$defs/missing'").
        var unresolved = new List<SchemaViolation>();
        CheckReferences(schema, schema, string.Empty, unresolved);
        return unresolved;
    }

    /// <summary>Every 'pattern' value and patternProperties key under <paramref name="node"/> that does not compile.</summary>
    private static void CheckPatterns(JsonNode? node, string pointer, List<SchemaViolation> bad)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var at = pointer + "/" + YamlJsonConverter.Escape(key);
                    if (key == "pattern" && value is JsonValue v && v.TryGetValue<string>(out var pattern) && PatternProblem(pattern) is { } problem)
                    {
                        bad.Add(new SchemaViolation(at, $"'pattern' is not a valid regular expression: {problem}", false));
                        continue;
                    }

                    if (key == "patternProperties" && value is JsonObject properties)
                    {
                        foreach (var (name, _) in properties)
                        {
                            if (PatternProblem(name) is { } keyProblem)
                            {
                                bad.Add(new SchemaViolation(at + "/" + YamlJsonConverter.Escape(name), $"'patternProperties' key is not a valid regular expression: {keyProblem}", true));
                            }
                        }
                    }

                    CheckPatterns(value, at, bad);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    CheckPatterns(array[i], $"{pointer}/{i}", bad);
                }

                break;
        }
    }

    private static string? PatternProblem(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    private static void CheckReferences(JsonNode root, JsonNode? node, string pointer, List<SchemaViolation> unresolved)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var at = pointer + "/" + YamlJsonConverter.Escape(key);
                    if (key == "$ref" && value is JsonValue reference && reference.TryGetValue<string>(out var target) && Unresolved(root, target) is { } problem)
                    {
                        unresolved.Add(new SchemaViolation(at, problem, false));
                    }
                    else
                    {
                        CheckReferences(root, value, at, unresolved);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    CheckReferences(root, array[i], $"{pointer}/{i}", unresolved);
                }

                break;
        }
    }

    /// <summary>Why <paramref name="reference"/> does not resolve inside <paramref name="root"/>, or null when it does.</summary>
    private static string? Unresolved(JsonNode root, string reference)
    {
        if (!reference.StartsWith('#'))
        {
            return $"'$ref' '{reference}' points outside this schema; only references inside it (such as #/$defs/name) work, as nothing is fetched";
        }

        var fragment = Uri.UnescapeDataString(reference[1..]);
        if (fragment.Length > 0 && !fragment.StartsWith('/'))
        {
            // A plain-name fragment names an $anchor.
            return HasAnchor(root, fragment) ? null : $"'$ref' '{reference}' names no $anchor in this schema";
        }

        JsonNode? node = root;
        foreach (var segment in fragment.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)))
        {
            node = node switch
            {
                JsonObject obj => obj.TryGetPropertyValue(segment, out var child) ? child : null,
                JsonArray array when int.TryParse(segment, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
                _ => null,
            };
            if (node is null)
            {
                return $"'$ref' '{reference}' points to nothing in this schema";
            }
        }

        return null;
    }

    private static bool HasAnchor(JsonNode? node, string anchor) => node switch
    {
        JsonObject obj => obj.Any(p => (p.Key == "$anchor" && p.Value is JsonValue v && v.TryGetValue<string>(out var name) && name == anchor) || HasAnchor(p.Value, anchor)),
        JsonArray array => array.Any(item => HasAnchor(item, anchor)),
        _ => false,
    };

    /// <summary>Builds a schema in a registry of its own, so schemas that share an <c>$id</c> never collide.</summary>
    /// <exception cref="JsonSchemaException">The schema cannot be built.</exception>
    public static JsonSchema Build(JsonNode schema) =>
        JsonSchema.Build(JsonSerializer.SerializeToElement(schema), new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    /// <summary>Evaluates <paramref name="instance"/> and returns one violation per problem, in document order.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="schemaNode">The schema's JSON, used to name expected properties; null for a library schema.</param>
    /// <param name="instance">The value checked.</param>
    /// <param name="json">True for a run input (JSON words: object, array); false for a workflow file (YAML words: mapping, list).</param>
    /// <param name="parsed">The element <paramref name="instance"/> was parsed from and still reads, when there is one
    /// (<see cref="JsonInput.ParseElementAsync"/>): checked as it is, where the node would be written out and parsed again.</param>
    public static IReadOnlyList<SchemaViolation> Validate(JsonSchema schema, JsonNode? schemaNode, JsonNode? instance, bool json = false, JsonElement? parsed = null)
    {
        var element = parsed ?? (instance is null ? JsonSerializer.SerializeToElement<object?>(null) : JsonSerializer.SerializeToElement(instance));
        EvaluationResults results;
        try
        {
            // Whether it passes first, and only then where it fails: the hierarchical output keeps a result for every
            // keyword at every place, which a valid input never needs. For a text of 90 MB under maxLength alone it
            // allocated 1.5 GB (the pass/fail answer, 0.5 GB: the text decoded into UTF-16 and an index of its
            // characters), and for an object of three million properties it kept a result for each.
            results = schema.Evaluate(element, Flag);
            if (!results.IsValid)
            {
                results = schema.Evaluate(element, Hierarchical);
            }
        }
        catch (FormatException) when (Uncomparable(instance, string.Empty).ToList() is { Count: > 0 } numbers)
        {
            // JsonSchema.Net reads numbers as decimals to compare them (uniqueItems, among others) and throws on one past
            // decimal's range: a run input {"tags": [1e30]} was a 500 from the HTTP API and exit 1 from frugal run, and
            // 'required: [1e30]' in a workflow's schema ended frugal validate. Such a number is refused where it is.
            return [.. numbers.Select(n => new SchemaViolation(
                n.Pointer,
                $"{(n.Pointer.Length == 0 && json ? "the input" : SchemaMessages.Subject(n.Pointer))} is the number {n.Text}, too large for the schema check to compare (it reads numbers up to about 7.9e28); write a smaller number, or text",
                false))];
        }
        catch (RegexMatchTimeoutException timeout)
        {
            // A 'pattern' that backtracks without end on this value (RegexTimeout sets the limit): refused, not waited for.
            var pointer = PointerOf(instance, timeout.Input) ?? string.Empty;
            var subject = pointer.Length == 0 && json ? "the input" : SchemaMessages.Subject(pointer);
            return [new SchemaViolation(
                pointer,
                string.Create(CultureInfo.InvariantCulture, $"{subject} could not be checked against the pattern {timeout.Pattern} within {timeout.MatchTimeout.TotalSeconds:0.###} s; the value is refused (a pattern with nested repetition, such as (a+)+, backtracks for a very long time on some texts)"),
                false)];
        }

        if (results.IsValid)
        {
            return [];
        }

        var errors = new List<(string Pointer, string EvaluationPath, string SchemaLocation, string Keyword, string Message)>();
        Collect(results, errors);
        var violations = new List<SchemaViolation>();
        foreach (var group in errors.GroupBy(e => e.Pointer, StringComparer.Ordinal))
        {
            // Alternatives (anyOf/oneOf) each report their own failure; one message per place is enough.
            var direct = group.Where(e => !IsAlternative(e.EvaluationPath)).ToList();
            var chosen = direct.Count > 0
                ? direct
                : [group.Where(e => e.Keyword != "type").DefaultIfEmpty(group.First()).First()];
            foreach (var error in chosen)
            {
                violations.Add(SchemaMessages.Describe(error.Pointer, error.EvaluationPath, error.SchemaLocation, error.Keyword, error.Message, schemaNode, instance, json));
            }
        }

        return [.. violations.Distinct()];
    }

    /// <summary>Every number in <paramref name="node"/> that System.Text.Json cannot read as a decimal, with its pointer.</summary>
    private static IEnumerable<(string Pointer, string Text)> Uncomparable(JsonNode? node, string at) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Uncomparable(p.Value, at + "/" + YamlJsonConverter.Escape(p.Key))),
        JsonArray array => array.SelectMany((item, i) => Uncomparable(item, at + "/" + i.ToString(CultureInfo.InvariantCulture))),
        JsonValue value when value.GetValueKind() == JsonValueKind.Number && !JsonSerializer.SerializeToElement(value).TryGetDecimal(out _)
            => [(at, value.ToJsonString())],
        _ => [],
    };

    /// <summary>The JSON pointer of the first string in <paramref name="node"/> equal to <paramref name="text"/> (or of a property named so).</summary>
    private static string? PointerOf(JsonNode? node, string text, string at = "") => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var s) && s == text => at,
        JsonObject obj => obj.Select(p => p.Key == text ? at + "/" + YamlJsonConverter.Escape(p.Key) : PointerOf(p.Value, text, at + "/" + YamlJsonConverter.Escape(p.Key))).FirstOrDefault(p => p is not null),
        JsonArray array => array.Select((item, i) => PointerOf(item, text, at + "/" + i.ToString(CultureInfo.InvariantCulture))).FirstOrDefault(p => p is not null),
        _ => null,
    };

    // Only failing nodes matter: a branch that failed inside a passing anyOf, or an 'if' that picked
    // the other branch, is not a problem with the document.
    private static void Collect(
        EvaluationResults node, List<(string Pointer, string EvaluationPath, string SchemaLocation, string Keyword, string Message)> errors)
    {
        if (node.IsValid || node.EvaluationPath.ToString().EndsWith("/if", StringComparison.Ordinal))
        {
            return;
        }

        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            errors.Add((node.InstanceLocation.ToString(), node.EvaluationPath.ToString(), node.SchemaLocation.ToString(), keyword, message));
        }

        foreach (var child in node.Details ?? [])
        {
            Collect(child, errors);
        }
    }

    private static bool IsAlternative(string evaluationPath)
    {
        var segments = evaluationPath.Split('/');
        return segments.Contains("anyOf") || segments.Contains("oneOf");
    }

    private static (JsonSchema, JsonNode) LoadWorkflowSchema()
    {
        using var stream = typeof(SchemaValidation).Assembly.GetManifestResourceStream("Frugal.Workflows.schema.json")
            ?? throw new InvalidOperationException("The workflow schema is not embedded in Frugal.Core; the build is broken.");
        var node = JsonNode.Parse(stream) ?? throw new InvalidOperationException("The embedded workflow schema is empty.");
        return (Build(node), node);
    }
}
