namespace Frugal;

/// <summary>A text file holds a byte that is not UTF-8 (<see cref="TextFile.Read(string)"/>).</summary>
public sealed class TextEncodingException : Exception
{
    /// <summary>Creates the exception for the byte at <paramref name="line"/> and <paramref name="column"/>.</summary>
    /// <param name="line">1-based line of the byte.</param>
    /// <param name="column">1-based column (in UTF-16 code units, as <see cref="JsonErrors"/> says) of the byte.</param>
    /// <param name="value">The byte.</param>
    public TextEncodingException(int line, int column, byte value)
        : base($"the file is not UTF-8 text: byte 0x{value:X2} here is not part of a UTF-8 character (was the file saved as Windows-1252 or Latin-1?); save it as UTF-8")
    {
        Line = line;
        Column = column;
    }

    /// <summary>1-based line of the byte.</summary>
    public int Line { get; }

    /// <summary>1-based column (in UTF-16 code units, as <see cref="JsonErrors"/> says) of the byte.</summary>
    public int Column { get; }
}
