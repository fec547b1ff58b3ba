namespace Frugal.Routing;

/// <summary>What <c>frugal router eval</c> prints: the figures over all rows, per source prefix, and decision latency.</summary>
/// <param name="Router">The router's name.</param>
/// <param name="Rows">The number of prompts.</param>
/// <param name="Target">The quality target, as a fraction of premium-only quality.</param>
/// <param name="PremiumShare">See <see cref="RoutingFigures.PremiumShare"/>.</param>
/// <param name="Quality">See <see cref="RoutingFigures.Quality"/>.</param>
/// <param name="CheapOnlyQuality">See <see cref="RoutingFigures.CheapOnlyQuality"/>.</param>
/// <param name="PremiumOnlyQuality">See <see cref="RoutingFigures.PremiumOnlyQuality"/>.</param>
/// <param name="Apgr">See <see cref="RoutingFigures.Apgr"/>.</param>
/// <param name="RandomPremiumShare">See <see cref="RoutingFigures.RandomPremiumShare"/>.</param>
/// <param name="P50DecisionMs">Median time to embed and score one prompt (0, and left out of JSON, where not measured: a card's hold-out figures; `frugal router eval` measures it).</param>
/// <param name="P99DecisionMs">99th percentile of the same.</param>
/// <param name="RulesP50DecisionMs">Median time of the rules router on the same prompts.</param>
/// <param name="RulesP99DecisionMs">99th percentile of the rules router.</param>
/// <param name="BySource">The same figures per source prefix (<c>mmlu</c>, <c>gsm8k</c>), each swept on its own rows.</param>
public sealed record RouterEvaluation(
    string Router,
    int Rows,
    double Target,
    double PremiumShare,
    double Quality,
    double CheapOnlyQuality,
    double PremiumOnlyQuality,
    double Apgr,
    double RandomPremiumShare,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] double P50DecisionMs,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] double P99DecisionMs,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] double RulesP50DecisionMs,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] double RulesP99DecisionMs,
    IReadOnlyDictionary<string, RoutingFigures> BySource);
