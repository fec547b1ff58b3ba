using System.Text;
using System.Text.Json.Nodes;

namespace Frugal.Expressions;

/// <summary>
/// A value from a workflow file whose strings may contain <c>${ expression }</c> parts. A string that is
/// exactly one <c>${ ... }</c> yields the expression's value as it is (a list stays a list); any other
/// string is rendered as text. Objects and lists are templates all the way down. <c>$${</c> writes a
/// literal <c>${</c>.
/// </summary>
public sealed class ValueTemplate
{
    private readonly Func<JsonObject, JsonNode?> _evaluate;

    private ValueTemplate(
        JsonNode? raw,
        Func<JsonObject, JsonNode?> evaluate,
        IReadOnlyList<StepReference> references,
        IReadOnlyList<RootReference>? roots = null)
    {
        Raw = raw;
        _evaluate = evaluate;
        StepReferences = references;
        RootReferences = roots ?? [];
    }

    /// <summary>The value as written.</summary>
    public JsonNode? Raw { get; }

    /// <summary>Every <c>steps.&lt;id&gt;</c> the template reads. Offsets are relative to the string that holds them.</summary>
    public IReadOnlyList<StepReference> StepReferences { get; }

    /// <summary>Every root name the template's expressions read. Offsets are relative to the string that holds them.</summary>
    public IReadOnlyList<RootReference> RootReferences { get; }

    /// <summary>Whether the template is a string that always yields text: not exactly one <c>${ ... }</c>.</summary>
    internal bool IsTextOnly { get; private init; }

    /// <summary>Parses a single string.</summary>
    /// <exception cref="ExpressionException">An expression inside does not parse; the offset is in <paramref name="text"/>.</exception>
    public static ValueTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = Split(text);
        var references = parts.OfType<Expression>().SelectMany(e => e.StepReferences).ToArray();
        var roots = parts.OfType<Expression>().SelectMany(e => e.RootReferences).ToArray();
        if (parts.Count == 1 && parts[0] is Expression only)
        {
            return new ValueTemplate(JsonValue.Create(text), only.Evaluate, references, roots) { IsTextOnly = false };
        }

        if (parts.All(p => p is string))
        {
            var literal = string.Concat(parts.Cast<string>());
            return new ValueTemplate(JsonValue.Create(text), _ => JsonValue.Create(literal), references, roots) { IsTextOnly = true };
        }

        return new ValueTemplate(JsonValue.Create(text), scope => JsonValue.Create(Render(parts, scope)), references, roots) { IsTextOnly = true };
    }

    /// <summary>Parses a JSON value whose strings may be templates.</summary>
    /// <param name="value">The value.</param>
    /// <param name="onError">Called with the string that failed and the error; when null the error is thrown.</param>
    public static ValueTemplate FromNode(JsonNode? value, Action<JsonNode, ExpressionException>? onError = null)
    {
        var references = new List<StepReference>();
        var roots = new List<RootReference>();
        var evaluate = Compile(value, references, roots, onError);
        return new ValueTemplate(value, evaluate, references, roots);
    }

    /// <summary>A template that yields a value as it is.</summary>
    public static ValueTemplate Constant(JsonNode? value) => new(value, _ => value?.DeepClone(), []);

    /// <summary>Evaluates the template against a scope.</summary>
    public JsonNode? Evaluate(JsonObject scope) => _evaluate(scope);

    /// <summary>Evaluates the template and renders the result as text (strings as they are, other values as JSON).</summary>
    public string Render(JsonObject scope) => ExpressionValues.Render(Evaluate(scope));

    /// <inheritdoc />
    public override string ToString() => Raw?.ToJsonString() ?? "null";

    private static Func<JsonObject, JsonNode?> Compile(
        JsonNode? value,
        List<StepReference> references,
        List<RootReference> roots,
        Action<JsonNode, ExpressionException>? onError)
    {
        switch (value)
        {
            case JsonObject obj:
            {
                var members = obj.Select(p => (p.Key, Compile(p.Value, references, roots, onError))).ToArray();
                return scope =>
                {
                    var result = new JsonObject();
                    foreach (var (key, member) in members)
                    {
                        try
                        {
                            result[key] = member(scope)?.DeepClone();
                        }
                        catch (ExpressionException ex)
                        {
                            // Which member: an output of a dozen fields said only what failed, not where.
                            throw ex.Under(key);
                        }
                    }

                    return result;
                };
            }

            case JsonArray array:
            {
                var items = array.Select(i => Compile(i, references, roots, onError)).ToArray();
                return scope => new JsonArray([.. items.Select(i => i(scope)?.DeepClone())]);
            }

            case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String:
                try
                {
                    var template = Parse(v.GetValue<string>());
                    references.AddRange(template.StepReferences);
                    roots.AddRange(template.RootReferences);
                    return template.Evaluate;
                }
                catch (ExpressionException ex) when (onError is not null)
                {
                    onError(v, ex);
                    return _ => null;
                }

            default:
                return _ => value?.DeepClone();
        }
    }

    private static string Render(List<object> parts, JsonObject scope)
    {
        var sb = new StringBuilder();
        foreach (var part in parts)
        {
            sb.Append(part is Expression e ? ExpressionValues.Render(e.Evaluate(scope)) : (string)part);
        }

        return sb.ToString();
    }

    /// <summary>Splits a string into literal text and expressions.</summary>
    private static List<object> Split(string text)
    {
        var parts = new List<object>();
        var literal = new StringBuilder();
        List<ExpressionException>? problems = null;
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '$' && i + 2 < text.Length && text[i + 1] == '$' && text[i + 2] == '{')
            {
                literal.Append("${");
                i += 3;
                continue;
            }

            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var end = FindClose(text, i + 2);
                if (end < 0)
                {
                    throw new ExpressionException("unterminated '${'; expected '}'", i);
                }

                if (literal.Length > 0)
                {
                    parts.Add(literal.ToString());
                    literal.Clear();
                }

                try
                {
                    parts.Add(Expression.Parse(text[(i + 2)..end], i + 2));
                }
                catch (ExpressionException ex)
                {
                    // Each ${ } is parsed on its own, so the ones after a bad one are still checked.
                    (problems ??= []).Add(ex);
                }

                i = end + 1;
                continue;
            }

            literal.Append(text[i]);
            i++;
        }

        if (problems is [var first, .. var rest])
        {
            throw rest.Count == 0 ? first : new ExpressionException(first.Message, first.Offset) { Also = rest };
        }

        if (literal.Length > 0 || parts.Count == 0)
        {
            parts.Add(literal.ToString());
        }

        return parts;
    }

    private static int FindClose(string text, int start)
    {
        var depth = 0;
        char quote = '\0';
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']')
            {
                // A stray ')' is the expression's error, said where it is: counted below zero, it kept the '}' after it
                // from closing, and the message was "unterminated '${'".
                depth = Math.Max(0, depth - 1);
            }
            else if (c == '}')
            {
                if (depth == 0)
                {
                    return i;
                }

                depth--;
            }
        }

        return -1;
    }
}
