using System.Globalization;
using System.Text;

namespace Frugal;

/// <summary>Table storage keys made of free text (run, step and tenant ids).</summary>
internal static class TableKeys
{
    /// <summary>
    /// Escapes the characters a PartitionKey or RowKey may not hold (<c>/ \ # ?</c>, control characters) and those Frugal
    /// uses as separators in its keys (<c>| _</c>), with <c>%</c> itself, as <c>%XX</c>: a key's parts stay apart, and a
    /// prefix of an id escapes to a prefix of its key.
    /// </summary>
    public static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            if (c is '/' or '\\' or '#' or '?' or '|' or '%' or '_' || char.IsControl(c))
            {
                builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
