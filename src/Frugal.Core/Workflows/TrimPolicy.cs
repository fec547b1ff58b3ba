namespace Frugal.Workflows;

/// <summary>How a prompt over a step's <c>max_input_tokens</c> is cut. Cuts fall between words, and the step's metadata says what was cut.</summary>
public enum TrimPolicy
{
    /// <summary>Keep the beginning, drop the end.</summary>
    End,

    /// <summary>Keep the end, drop the beginning (chat histories: the latest turns matter most).</summary>
    Start,

    /// <summary>Keep the beginning and the end, drop the middle.</summary>
    Middle,
}
