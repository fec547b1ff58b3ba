using System.Text.Json.Nodes;

namespace Frugal.Expressions;

/// <summary>A node of a parsed expression. Evaluation only reads the scope; it never mutates it.</summary>
internal abstract record ExpressionNode(int Offset)
{
    public abstract JsonNode? Evaluate(JsonObject scope);
}

internal sealed record LiteralNode(JsonNode? Value, int Offset) : ExpressionNode(Offset)
{
    public override JsonNode? Evaluate(JsonObject scope) => Value?.DeepClone();
}

internal sealed record RootNode(string Name, int Offset) : ExpressionNode(Offset)
{
    public override JsonNode? Evaluate(JsonObject scope) => scope.TryGetPropertyValue(Name, out var value) ? value : null;
}

/// <summary><c>target.name</c> or <c>target[index]</c>; a missing member yields null rather than an error.</summary>
internal sealed record MemberNode(ExpressionNode Target, ExpressionNode Key, int Offset) : ExpressionNode(Offset)
{
    public override JsonNode? Evaluate(JsonObject scope)
    {
        var target = Target.Evaluate(scope);
        var key = Key.Evaluate(scope);
        return target switch
        {
            JsonObject obj when ExpressionValues.AsString(key) is { } name =>
                obj.TryGetPropertyValue(name, out var value) ? value : null,
            JsonArray array when ExpressionValues.TryNumber(key, out var n) =>
                ElementAt(array, n),
            _ => null,
        };
    }

    private static JsonNode? ElementAt(JsonArray array, double n)
    {
        // A list has no item 1.5: it read item 1, a value the expression never asked for.
        if (n != Math.Floor(n) || Math.Abs(n) > int.MaxValue)
        {
            return null;
        }

        var i = (int)n;
        if (i < 0)
        {
            i += array.Count;
        }

        return i >= 0 && i < array.Count ? array[i] : null;
    }
}

internal sealed record ListNode(IReadOnlyList<ExpressionNode> Items, int Offset) : ExpressionNode(Offset)
{
    public override JsonNode? Evaluate(JsonObject scope) =>
        new JsonArray(Items.Select(i => i.Evaluate(scope)?.DeepClone()).ToArray());
}

internal sealed record NotNode(ExpressionNode Operand, int Offset) : ExpressionNode(Offset)
{
    public override JsonNode? Evaluate(JsonObject scope) => JsonValue.Create(!ExpressionValues.IsTruthy(Operand.Evaluate(scope)));
}

internal sealed record NegateNode(ExpressionNode Operand, int Offset) : ExpressionNode(Offset)
{
    public override JsonNode? Evaluate(JsonObject scope)
    {
        var value = Operand.Evaluate(scope);
        return ExpressionValues.TryNumber(value, out var n)
            ? ExpressionValues.Number(-n, Offset)
            : throw new ExpressionException($"'-' needs a number, got {ExpressionValues.Describe(value)}", Offset);
    }
}

internal sealed record LogicalNode(string Operator, ExpressionNode Left, ExpressionNode Right, int Offset) : ExpressionNode(Offset)
{
    // Like JavaScript and Python, && and || yield an operand, so `a || 'default'` works as a fallback.
    public override JsonNode? Evaluate(JsonObject scope)
    {
        var left = Left.Evaluate(scope);
        var leftTrue = ExpressionValues.IsTruthy(left);
        return Operator == "&&"
            ? (leftTrue ? Right.Evaluate(scope) : left)
            : (leftTrue ? left : Right.Evaluate(scope));
    }
}

internal sealed record BinaryNode(string Operator, ExpressionNode Left, ExpressionNode Right, int Offset) : ExpressionNode(Offset)
{
    public override JsonNode? Evaluate(JsonObject scope)
    {
        var left = Left.Evaluate(scope);
        var right = Right.Evaluate(scope);
        return Operator switch
        {
            "==" => JsonValue.Create(ExpressionValues.DeepEquals(left, right)),
            "!=" => JsonValue.Create(!ExpressionValues.DeepEquals(left, right)),
            "<" => JsonValue.Create(ExpressionValues.Compare(left, right, Offset) < 0),
            "<=" => JsonValue.Create(ExpressionValues.Compare(left, right, Offset) <= 0),
            ">" => JsonValue.Create(ExpressionValues.Compare(left, right, Offset) > 0),
            ">=" => JsonValue.Create(ExpressionValues.Compare(left, right, Offset) >= 0),
            "+" => Add(left, right),
            "-" => Subtract(left, right),
            _ => throw new ExpressionException($"unknown operator '{Operator}'", Offset),
        };
    }

    private JsonNode? Add(JsonNode? left, JsonNode? right)
    {
        if (ExpressionValues.TryNumber(left, out var a) && ExpressionValues.TryNumber(right, out var b))
        {
            return ExpressionValues.Number(a + b, Offset);
        }

        if (left is JsonArray la && right is JsonArray ra)
        {
            return new JsonArray([.. la.Select(n => n?.DeepClone()), .. ra.Select(n => n?.DeepClone())]);
        }

        return JsonValue.Create(ExpressionValues.Render(left) + ExpressionValues.Render(right));
    }

    private JsonNode? Subtract(JsonNode? left, JsonNode? right) =>
        ExpressionValues.TryNumber(left, out var a) && ExpressionValues.TryNumber(right, out var b)
            ? ExpressionValues.Number(a - b, Offset)
            : throw new ExpressionException(
                $"'-' needs two numbers, got {ExpressionValues.Describe(left)} and {ExpressionValues.Describe(right)}", Offset);
}

internal sealed record CallNode(ExpressionFunction Function, IReadOnlyList<ExpressionNode> Arguments, int Offset) : ExpressionNode(Offset)
{
    public override JsonNode? Evaluate(JsonObject scope) =>
        Function.Invoke([.. Arguments.Select(a => a.Evaluate(scope))], Offset);
}
