using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Frugal.Expressions;

/// <summary>Recursive-descent parser for <see cref="Expression"/>. Precedence, low to high:
/// <c>||</c>, <c>&amp;&amp;</c>, comparison, <c>+ -</c>, unary <c>! -</c>, member access and calls.</summary>
internal sealed partial class ExpressionParser
{
    private const int MaxDepth = 64;

    // Operators and member accesses chain without nesting ('a.b.c', 'a + b + c'), and each makes the tree one level
    // deeper: 'input' followed by 100,000 '.a' passed validation, then overflowed the stack evaluating it, which ends
    // the process (the CLI, or a Functions worker with every run on it) with no message.
    private const int MaxLinks = 1000;

    // What steps.<id> holds (the orchestrator's scope entry for a step, WorkflowRun.Finish).
    private static readonly string[] StepFields = ["output", "skipped", "tier", "model", "metadata"];

    private readonly string _text;
    private readonly int _baseOffset;
    private readonly List<StepReference> _references = [];
    private readonly List<RootReference> _roots = [];
    private int _pos;
    private int _depth;
    private int _links;

    public ExpressionParser(string text, int baseOffset)
    {
        _text = text;
        _baseOffset = baseOffset;
    }

    public IReadOnlyList<StepReference> StepReferences => _references;

    public IReadOnlyList<RootReference> RootReferences => _roots;

    public ExpressionNode ParseAll()
    {
        SkipSpace();
        if (_pos >= _text.Length)
        {
            throw Error("expected an expression, found nothing");
        }

        var node = ParseOr();
        SkipSpace();
        if (_pos < _text.Length)
        {
            throw Error($"unexpected '{_text[_pos]}'; expected an operator or the end of the expression");
        }

        return node;
    }

    private ExpressionNode ParseOr()
    {
        var left = ParseAnd();
        while (TryOperator("||", out var at))
        {
            Link(at);
            left = new LogicalNode("||", left, ParseAnd(), at);
        }

        return left;
    }

    private ExpressionNode ParseAnd()
    {
        var left = ParseComparison();
        while (TryOperator("&&", out var at))
        {
            Link(at);
            left = new LogicalNode("&&", left, ParseComparison(), at);
        }

        return left;
    }

    private ExpressionNode ParseComparison()
    {
        var left = ParseAdditive();
        foreach (var op in (ReadOnlySpan<string>)["==", "!=", "<=", ">=", "<", ">"])
        {
            if (TryOperator(op, out var at))
            {
                return new BinaryNode(op, left, ParseAdditive(), at);
            }
        }

        if (Peek() == '=')
        {
            throw Error("'=' is not an operator; use '==' to compare");
        }

        return left;
    }

    private ExpressionNode ParseAdditive()
    {
        var left = ParseUnary();
        while (TryOperator("+", out var at) || TryOperator("-", out at))
        {
            Link(at);
            left = new BinaryNode(_text[at - _baseOffset].ToString(), left, ParseUnary(), at);
        }

        return left;
    }

    private ExpressionNode ParseUnary()
    {
        if (++_depth > MaxDepth)
        {
            throw Error($"expression nested deeper than {MaxDepth} levels");
        }

        try
        {
            SkipSpace();
            var at = Offset;
            if (Peek() == '!' && PeekAt(1) != '=')
            {
                _pos++;
                return new NotNode(ParseUnary(), at);
            }

            if (Peek() == '-' && !char.IsDigit(PeekAt(1)))
            {
                _pos++;
                return new NegateNode(ParseUnary(), at);
            }

            return ParsePostfix(ParsePrimary());
        }
        finally
        {
            _depth--;
        }
    }

    private ExpressionNode ParsePostfix(ExpressionNode node)
    {
        while (true)
        {
            SkipSpace();
            var at = Offset;
            if (Peek() is '.' or '[')
            {
                Link(at);
            }

            if (Peek() == '.')
            {
                _pos++;
                var name = ReadIdentifier() ?? throw Error("expected a name after '.'");
                node = new MemberNode(node, new LiteralNode(JsonValue.Create(name), at), at);
            }
            else if (Peek() == '[')
            {
                _pos++;
                var key = ParseOr();
                Expect(']');
                node = new MemberNode(node, key, at);
            }
            else
            {
                return node;
            }
        }
    }

    private ExpressionNode ParsePrimary()
    {
        SkipSpace();
        var at = Offset;
        var c = Peek();
        if (c == '\0')
        {
            throw Error("expected a value, found the end of the expression");
        }

        if (c == '(')
        {
            _pos++;
            var inner = ParseOr();
            Expect(')');
            return inner;
        }

        if (c == '[')
        {
            _pos++;
            var items = ParseArguments(']');
            return new ListNode(items, at);
        }

        if (c is '\'' or '"')
        {
            return new LiteralNode(JsonValue.Create(ReadString(c)), at);
        }

        if (char.IsDigit(c) || (c == '-' && char.IsDigit(PeekAt(1))))
        {
            return new LiteralNode(ReadNumber(), at);
        }

        var start = _pos;
        var name = ReadIdentifier() ?? throw Error($"unexpected '{c}'; expected a value, a name or '('");
        switch (name)
        {
            case "true": return new LiteralNode(JsonValue.Create(true), at);
            case "false": return new LiteralNode(JsonValue.Create(false), at);
            case "null": return new LiteralNode(null, at);
        }

        SkipSpace();
        if (Peek() == '(')
        {
            if (!ExpressionFunctions.TryGet(name, out var function))
            {
                throw new ExpressionException(
                    $"unknown function '{name}'; expected one of {string.Join(", ", ExpressionFunctions.Names)}", _baseOffset + start);
            }

            _pos++;
            var args = ParseArguments(')');
            if (args.Count < function.MinArgs || args.Count > function.MaxArgs)
            {
                var expected = function.MinArgs == function.MaxArgs ? $"{function.MinArgs}" : $"{function.MinArgs} to {function.MaxArgs}";
                throw new ExpressionException($"{name}() takes {expected} argument(s), got {args.Count}", _baseOffset + start);
            }

            return new CallNode(function, args, at);
        }

        if (!Expression.Roots.Contains(name))
        {
            throw new ExpressionException(
                $"unknown name '{name}'; expected one of {string.Join(", ", Expression.Roots)}", _baseOffset + start);
        }

        _roots.Add(new RootReference(name, _baseOffset + start));
        ExpressionNode root = new RootNode(name, at);
        if (name == "steps")
        {
            root = ParseStepReference(root);
        }

        return root;
    }

    private MemberNode ParseStepReference(ExpressionNode root)
    {
        SkipSpace();
        if (Peek() != '.')
        {
            throw Error("expected '.<step id>' after 'steps'");
        }

        var at = Offset;
        _pos++;
        var idStart = _pos;
        var id = ReadIdentifier() ?? throw Error("expected a step id after 'steps.'");
        _references.Add(new StepReference(id, _baseOffset + idStart));
        CheckStepField(id);
        return new MemberNode(root, new LiteralNode(JsonValue.Create(id), at), at);
    }

    /// <summary>
    /// A step's result has a fixed set of fields: a misspelt one (<c>steps.answer.outptu</c>) read as null and the run
    /// went on with empty text, where a misspelt step id or root name is refused. Only looks ahead.
    /// </summary>
    private void CheckStepField(string id)
    {
        var saved = _pos;
        SkipSpace();
        if (Peek() == '.')
        {
            _pos++;
            var fieldStart = _pos;
            var field = ReadIdentifier();
            if (field is not null && !StepFields.Contains(field))
            {
                var suggestion = Frugal.Workflows.SchemaMessages.Suggest(field, StepFields);
                throw new ExpressionException(
                    $"'steps.{id}.{field}': a step's result has {string.Join(", ", StepFields)}" + (suggestion is null ? string.Empty : $"; did you mean '{suggestion}'?"),
                    _baseOffset + fieldStart);
            }
        }

        _pos = saved;
    }

    private void Link(int at)
    {
        if (++_links > MaxLinks)
        {
            throw new ExpressionException($"expression has more than {MaxLinks} operators and member accesses; split it across steps", at);
        }
    }

    private List<ExpressionNode> ParseArguments(char close)
    {
        var items = new List<ExpressionNode>();
        SkipSpace();
        if (Peek() == close)
        {
            _pos++;
            return items;
        }

        while (true)
        {
            items.Add(ParseOr());
            SkipSpace();
            if (Peek() == ',')
            {
                _pos++;
                continue;
            }

            Expect(close);
            return items;
        }
    }
}
