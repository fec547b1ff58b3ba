using System.Text.Json.Nodes;
using Frugal.Expressions;
using Frugal.Workflows;

namespace Frugal.Engine;

/// <summary>
/// Turns a step definition into a <see cref="StepCall"/> by evaluating its templates against the run's scope.
/// Runs inside the orchestrator, so it is pure: expressions can only read the scope.
/// </summary>
internal static class StepCallBuilder
{
    public static StepCall Build(StepDefinition step, JsonObject scope, RunLimits limits) => step switch
    {
        ClassifyStep c => new ClassifyCall(c.Input.Render(scope), c.Router, c.PremiumThreshold),
        DeterministicStep d => new DeterministicCall(
            d.Operation,
            d.Operation == DeterministicOperation.Template
                ? JsonValue.Create(d.Input.Render(scope))
                : d.Input.Evaluate(scope)?.DeepClone(),
            d.Pattern,
            d.TableTemplates is { } values ? Evaluate(values, scope) : d.Table,
            d.DefaultTemplate?.Evaluate(scope)?.DeepClone())
        {
            Match = d.Match,
            MinSimilarity = d.MinSimilarity,
        },
        ModelStep m => new ModelCall(
            ResolveTier(m, scope, out var fallback),
            m.Prompt.Render(scope),
            m.System?.Render(scope),
            m.MaxOutputTokens,
            m.Temperature,
            m.OutputSchema)
        {
            Model = m.Model,
            Validation = m.Validation,
            Escalate = m.Escalate ?? (m.Validation is not null || m.OutputSchema is not null),
            EscalationsLeft = limits.EscalationsLeft,
            MaxInputTokens = m.MaxInputTokens,
            Trim = m.Trim,
            AutoRouted = m.Tier == ModelTier.Auto,
            PremiumOnly = m.PremiumOnly,
            PremiumShareCap = limits.PremiumShareCap,
            RouteFallback = fallback,
        },
        _ => throw new InvalidOperationException($"step '{step.Id}' of kind '{step.Kind}' is not a single call"),
    };

    /// <summary>
    /// A lower bound on the bytes <paramref name="call"/> takes in a step request, without writing it: the UTF-16 length
    /// of its rendered texts (each char is at least one byte of UTF-8, and JSON escaping only adds to it).
    /// </summary>
    public static long MinRequestBytes(StepCall call) => call switch
    {
        ModelCall m => m.Prompt.Length + (long)(m.System?.Length ?? 0),
        ClassifyCall c => c.Text.Length,
        DeterministicCall { Input: JsonValue input } when input.TryGetValue<string>(out var text) => text.Length,
        _ => 0,
    };

    /// <summary>A lookup table whose values hold expressions, with their values for this run.</summary>
    private static Dictionary<string, JsonNode?> Evaluate(IReadOnlyDictionary<string, ValueTemplate> values, JsonObject scope)
    {
        var table = new Dictionary<string, JsonNode?>(values.Count, StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            table[key] = value.Evaluate(scope)?.DeepClone();
        }

        return table;
    }

    /// <summary>
    /// An <c>auto</c> step takes the tier its classify step chose. Without a decision (the classify step was skipped)
    /// it goes to premium, the tier that does not lose quality, and <paramref name="fallback"/> says why.
    /// </summary>
    private static ModelTier ResolveTier(ModelStep step, JsonObject scope, out string? fallback)
    {
        fallback = null;
        if (step.Tier != ModelTier.Auto)
        {
            return step.Tier;
        }

        var decided = scope["steps"]?[step.Route ?? string.Empty]?["output"]?["tier"];
        switch (ExpressionValues.AsString(decided))
        {
            case "cheap":
                return ModelTier.Cheap;
            case "onnx":
                return ModelTier.Onnx;
            case "premium":
                return ModelTier.Premium;
            default:
                fallback = $"route step '{step.Route}' decided no tier (it was skipped); premium, which does not lose quality";
                return ModelTier.Premium;
        }
    }
}
