namespace Frugal.Expressions;

/// <summary>An expression that does not parse or cannot be evaluated.</summary>
public sealed class ExpressionException : Exception, Frugal.Telemetry.IRedactableFailure
{
    private readonly string? _redacted;

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was expected.</param>
    /// <param name="offset">0-based offset of the problem in the expression's text (or the template's).</param>
    public ExpressionException(string message, int offset)
        : base(message)
    {
        Offset = offset;
    }

    /// <summary>
    /// The message without the run's data, for telemetry of a tenant whose text is not stored
    /// (<see cref="Frugal.Telemetry.TenantTextPolicy"/>): set where the message quotes a value the expression read (an
    /// input's text that <c>number()</c> could not read); else the message itself, which names types, not values.
    /// </summary>
    public string RedactedMessage
    {
        get => _redacted ?? Message;
        init => _redacted = value;
    }

    /// <summary>0-based offset of the problem in the text that was parsed.</summary>
    public int Offset { get; }

    /// <summary>
    /// Where in an object template the failing expression is, as keys joined by '.' (<c>reply.subject</c>); null when
    /// the template is the expression's string itself.
    /// </summary>
    public string? Path { get; private init; }

    /// <summary>
    /// The problems found after this one in the same text (a template's later <c>${ }</c> expressions), so that a
    /// file's every problem is reported at once, not one per edit.
    /// </summary>
    public IReadOnlyList<ExpressionException> Also { get; init; } = [];

    /// <summary>The same problem, found under the member <paramref name="key"/> of an object template.</summary>
    internal ExpressionException Under(string key) =>
        new(Message, Offset) { Also = Also, Path = Path is null ? key : $"{key}.{Path}", RedactedMessage = RedactedMessage };
}
