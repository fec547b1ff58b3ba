using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Expressions;

namespace Frugal.Workflows;

/// <summary>Shared state while a workflow is read: its source map, the problems found and template parsing with positions.</summary>
internal sealed class WorkflowParseContext(SourceMap map)
{
    public SourceMap Map { get; } = map;

    public List<WorkflowDiagnostic> Diagnostics { get; } = [];

    /// <summary>The routers the host has, when the caller knows them: a classify step naming another is an error.</summary>
    public IReadOnlyCollection<string>? Routers { get; init; }

    public void Error(SourceLocation location, string message) => Diagnostics.Add(new WorkflowDiagnostic(location, message));

    /// <summary>
    /// Parses a value whose strings may hold <c>${ }</c> templates, reporting every bad expression at its position
    /// and adding every <c>steps.&lt;id&gt;</c> it reads to <paramref name="links"/>.
    /// </summary>
    public ValueTemplate Template(JsonNode? value, string pointer, bool inForEach, List<StepLink> links)
    {
        if (value is JsonValue single && single.GetValueKind() == JsonValueKind.String)
        {
            return ParseString(single.GetValue<string>(), pointer, inForEach, links) ?? ValueTemplate.Constant(value);
        }

        Walk(value, pointer, inForEach, links);
        // Every string was checked above with its position; the quiet handler only keeps FromNode from throwing twice.
        return ValueTemplate.FromNode(value, static (_, _) => { });
    }

    /// <summary>Parses a condition written with or without an enclosing <c>${ }</c>.</summary>
    public Expression? Condition(string text, string pointer, bool inForEach, List<StepLink> links)
    {
        var start = 0;
        var end = text.Length;
        var trimmed = text.Trim();
        if (trimmed.StartsWith("${", StringComparison.Ordinal) && trimmed.EndsWith('}'))
        {
            start = text.IndexOf("${", StringComparison.Ordinal) + 2;
            end = text.LastIndexOf('}');
        }

        try
        {
            var expression = Expression.Parse(text[start..end], start);
            Collect(expression.StepReferences, expression.RootReferences, text, pointer, inForEach, links);
            return expression;
        }
        catch (ExpressionException ex)
        {
            Error(Map.InString(pointer, text, ex.Offset), $"'when' is not a valid condition: {ex.Message}");
            return null;
        }
    }

    /// <summary>The message for a key holding <c>${</c>, which is used as written.</summary>
    public static string KeyNotEvaluated(string key) =>
        $"key '{key}' holds '${{', but keys are not evaluated: only values are templates, so the key would be that text as written";

    private void Walk(JsonNode? value, string pointer, bool inForEach, List<StepLink> links)
    {
        switch (value)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    var at = pointer + "/" + YamlJsonConverter.Escape(key);
                    if (key.Contains("${", StringComparison.Ordinal))
                    {
                        // Only values are templates: an output key '${ input.k }' came out as that text.
                        Error(Map.Key(at), KeyNotEvaluated(key));
                    }

                    Walk(child, at, inForEach, links);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], $"{pointer}/{i}", inForEach, links);
                }

                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                ParseString(v.GetValue<string>(), pointer, inForEach, links);
                break;
        }
    }

    private ValueTemplate? ParseString(string text, string pointer, bool inForEach, List<StepLink> links)
    {
        try
        {
            var template = ValueTemplate.Parse(text);
            Collect(template.StepReferences, template.RootReferences, text, pointer, inForEach, links);
            return template;
        }
        catch (ExpressionException ex)
        {
            foreach (var problem in ex.Also.Prepend(ex))
            {
                Error(Map.InString(pointer, text, problem.Offset), problem.Message);
            }

            return null;
        }
    }

    private void Collect(
        IReadOnlyList<StepReference> steps, IReadOnlyList<RootReference> roots, string text, string pointer, bool inForEach, List<StepLink> links)
    {
        foreach (var reference in steps)
        {
            links.Add(new StepLink(reference.StepId, StepLinkKind.Expression, Map.InString(pointer, text, reference.Offset)));
        }

        if (inForEach)
        {
            return;
        }

        foreach (var root in roots.Where(r => r.Name is "item" or "index"))
        {
            Error(Map.InString(pointer, text, root.Offset), $"'{root.Name}' is only available inside a foreach step's 'do'");
        }
    }
}
