using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Frugal.Expressions;

// Reading the expression's text: names, strings, numbers, operators and the position of each.
internal sealed partial class ExpressionParser
{
    private string? ReadIdentifier()
    {
        SkipSpace();
        var start = _pos;
        if (_pos < _text.Length && (char.IsLetter(_text[_pos]) || _text[_pos] == '_'))
        {
            _pos++;
            while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] is '_' or '-'))
            {
                // A '-' followed by a space is subtraction, not part of a name.
                if (_text[_pos] == '-' && (_pos + 1 >= _text.Length || !char.IsLetterOrDigit(_text[_pos + 1])))
                {
                    break;
                }

                _pos++;
            }
        }

        return _pos > start ? _text[start.._pos] : null;
    }

    private string ReadString(char quote)
    {
        var start = _pos;
        _pos++;
        var sb = new StringBuilder();
        while (_pos < _text.Length && _text[_pos] != quote)
        {
            if (_text[_pos] == '\\' && _pos + 1 < _text.Length)
            {
                _pos++;
                if (_text[_pos] == 'u')
                {
                    // \u00e9 read as the letters u00e9 before.
                    if (_pos + 4 >= _text.Length || !ushort.TryParse(_text.AsSpan(_pos + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit))
                    {
                        throw new ExpressionException("'\\u' must be followed by four hex digits, such as \\u00e9", _baseOffset + _pos - 1);
                    }

                    sb.Append((char)unit);
                    _pos += 4;
                }
                else
                {
                    sb.Append(_text[_pos] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', var other => other });
                }
            }
            else
            {
                sb.Append(_text[_pos]);
            }

            _pos++;
        }

        if (_pos >= _text.Length)
        {
            throw new ExpressionException($"unterminated string; expected a closing {quote}", _baseOffset + start);
        }

        _pos++;
        return sb.ToString();
    }

    private JsonNode ReadNumber()
    {
        var start = _pos;
        if (Peek() == '-')
        {
            _pos++;
        }

        while (_pos < _text.Length && (char.IsDigit(_text[_pos]) || _text[_pos] == '.'))
        {
            _pos++;
        }

        var text = _text[start.._pos];
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new ExpressionException($"'{text}' is not a number", _baseOffset + start);
        }

        return ExpressionValues.Number(value)!;
    }

    private bool TryOperator(string op, out int at)
    {
        SkipSpace();
        at = Offset;
        if (string.CompareOrdinal(_text, _pos, op, 0, op.Length) != 0)
        {
            return false;
        }

        // Keep '<' from eating '<=' and '!' from eating '!='.
        if (op.Length == 1 && op is "<" or ">" && PeekAt(1) == '=')
        {
            return false;
        }

        _pos += op.Length;
        return true;
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (Peek() != c)
        {
            throw Error(Peek() == '\0' ? $"expected '{c}', found the end of the expression" : $"expected '{c}', found '{Peek()}'");
        }

        _pos++;
    }

    private void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private char PeekAt(int ahead) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private int Offset => _baseOffset + _pos;

    private ExpressionException Error(string message) => new(message, Offset);
}
