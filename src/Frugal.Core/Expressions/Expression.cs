using System.Text.Json.Nodes;

namespace Frugal.Expressions;

/// <summary>
/// A parsed expression of Frugal's small expression language: paths into the run's data
/// (<c>input.ticket.subject</c>, <c>steps.triage.output.tier</c>, <c>item</c>, <c>index</c>, <c>run.tenant</c>),
/// literals, comparison, <c>&amp;&amp;</c> <c>||</c> <c>!</c>, <c>+</c> <c>-</c> and a fixed set of pure functions.
/// </summary>
/// <remarks>
/// Hand-written rather than taken from a library on purpose: workflow files come from users, and every
/// general-purpose expression library we considered (Dynamic LINQ, NCalc, JavaScript engines) can reach
/// .NET members or run loops. This language can only read the scope it is given and call the functions
/// in <see cref="ExpressionFunctions"/>; evaluation always terminates and never performs I/O, so the
/// orchestrator may evaluate it deterministically on replay.
/// </remarks>
public sealed class Expression
{
    private readonly ExpressionNode _root;

    private Expression(
        string source, ExpressionNode root, IReadOnlyList<StepReference> references, IReadOnlyList<RootReference> roots)
    {
        Source = source;
        _root = root;
        StepReferences = references;
        RootReferences = roots;
    }

    /// <summary>The names an expression may start from.</summary>
    public static IReadOnlyList<string> Roots { get; } = ["input", "steps", "item", "index", "run"];

    /// <summary>The expression's text.</summary>
    public string Source { get; }

    /// <summary>Every <c>steps.&lt;id&gt;</c> the expression reads, with its offset.</summary>
    public IReadOnlyList<StepReference> StepReferences { get; }

    /// <summary>Every root name the expression reads (<c>input</c>, <c>item</c>, ...), with its offset.</summary>
    public IReadOnlyList<RootReference> RootReferences { get; }

    /// <summary>Parses an expression.</summary>
    /// <param name="text">The text.</param>
    /// <param name="baseOffset">Added to every offset reported, for expressions inside a larger text.</param>
    /// <exception cref="ExpressionException">The text is not a valid expression.</exception>
    public static Expression Parse(string text, int baseOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new ExpressionParser(text, baseOffset);
        var root = parser.ParseAll();
        return new Expression(text, root, parser.StepReferences, parser.RootReferences);
    }

    /// <summary>Evaluates the expression against a scope whose properties are the roots (<c>input</c>, <c>steps</c>, ...).</summary>
    /// <exception cref="ExpressionException">A function got arguments it cannot use.</exception>
    public JsonNode? Evaluate(JsonObject scope) => _root.Evaluate(scope);

    /// <summary>Evaluates the expression and applies the language's truthiness (null, false, 0, "" and [] are false).</summary>
    public bool IsTrue(JsonObject scope) => ExpressionValues.IsTruthy(Evaluate(scope));

    /// <inheritdoc />
    public override string ToString() => Source;
}
