namespace Frugal.Expressions;

/// <summary>An expression that does not parse or cannot be evaluated.</summary>
public sealed class ExpressionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was expected.</param>
    /// <param name="offset">0-based offset of the problem in the expression's text (or the template's).</param>
    public ExpressionException(string message, int offset)
        : base(message)
    {
        Offset = offset;
    }

    /// <summary>0-based offset of the problem in the text that was parsed.</summary>
    public int Offset { get; }

    /// <summary>
    /// The problems found after this one in the same text (a template's later <c>${ }</c> expressions), so that a
    /// file's every problem is reported at once, not one per edit.
    /// </summary>
    public IReadOnlyList<ExpressionException> Also { get; init; } = [];
}
