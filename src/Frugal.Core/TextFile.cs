using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Frugal;

/// <summary>
/// Reads the text files people write (workflows, run inputs) without losing any of it: UTF-8 with or without a byte order
/// mark, or UTF-16/32 with one, as <see cref="File.ReadAllText(string)"/> reads them, but a byte that is not UTF-8 is an
/// error at its line and column. <see cref="File.ReadAllText(string)"/> turns such bytes into U+FFFD without a word, so a
/// file saved as Windows-1252 sent 'Caf\uFFFD' where it said 'Café'.
/// </summary>
public static class TextFile
{
    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Its text, without a byte order mark.</returns>
    /// <exception cref="TextEncodingException">The file is neither UTF-8 nor marked as UTF-16/32.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static string Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..] or [0, 0, 0xFE, 0xFF, ..])
        {
            using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }

        var utf8 = bytes.AsSpan(bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0);
        var chars = new char[Encoding.UTF8.GetMaxCharCount(utf8.Length)];
        if (Utf8.ToUtf16(utf8, chars, out var read, out var written, replaceInvalidSequences: false) == OperationStatus.Done)
        {
            return new string(chars, 0, written);
        }

        // Line and column as editors and the YAML parser count them: UTF-16 characters from the start of the line.
        var before = chars.AsSpan(0, written);
        var lineStart = before.LastIndexOf('\n') + 1;
        throw new TextEncodingException(before.Count('\n') + 1, before.Length - lineStart + 1, utf8[read]);
    }
}
