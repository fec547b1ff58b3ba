using System.Text.Json.Nodes;

namespace Frugal.Expressions;

/// <summary>A pure function callable from expressions.</summary>
internal sealed record ExpressionFunction(string Name, int MinArgs, int MaxArgs, Func<JsonNode?[], int, JsonNode?> Body)
{
    public JsonNode? Invoke(JsonNode?[] args, int offset) => Body(args, offset);
}
