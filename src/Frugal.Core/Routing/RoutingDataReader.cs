using System.Globalization;
using nietras.SeparatedValues;

namespace Frugal.Routing;

/// <summary>
/// Reads labelled routing data: a CSV with the columns <c>id,source,prompt,cheap_score,premium_score</c> (header
/// required, any order, other columns ignored; prompts may span lines inside quotes). Shared by the router's training
/// and evaluation and by the model emulator's quality marking, so every tool accepts and refuses the same files.
/// </summary>
public static class RoutingDataReader
{
    /// <summary>The columns a file must have.</summary>
    public static readonly IReadOnlyList<string> RequiredColumns = ["id", "source", "prompt", "cheap_score", "premium_score"];

    /// <summary>Reads every example of a file.</summary>
    /// <param name="path">The CSV file.</param>
    /// <returns>The examples, in file order.</returns>
    /// <exception cref="RoutingDataException">The file is missing or wrong; the message has a line per faulty record,
    /// <c>file:line: what is wrong</c>, every one of them, so that one pass fixes the file.</exception>
    public static IReadOnlyList<RoutingExample> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            // A folder "did not exist", though it was there by name.
            throw new RoutingDataException(Directory.Exists(path) ? $"{path}: is a folder; name a labelled CSV file (id,source,prompt,cheap_score,premium_score)." : $"{path}: the file does not exist.");
        }

        try
        {
            using var reader = Sep.New(',').Reader(o => o with { Unescape = true, HasHeader = true, DisableColCountCheck = true }).FromFile(path);
            return ReadRows(reader, path);
        }
        catch (InvalidDataException ex)
        {
            throw new RoutingDataException($"{path}: not a valid CSV file: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file this account may not read ended the command with "Permission denied", naming no file.
            throw new RoutingDataException($"{path}: cannot read the file: {ex.Message}", ex);
        }
    }

    private static List<RoutingExample> ReadRows(SepReader reader, string path)
    {
        var columns = new int[RequiredColumns.Count];
        var missing = new List<string>();
        for (var i = 0; i < columns.Length; i++)
        {
            if (!reader.Header.TryIndexOf(RequiredColumns[i], out columns[i]))
            {
                missing.Add(RequiredColumns[i]);
            }
        }

        if (missing.Count > 0)
        {
            var found = reader.Header.IsEmpty ? "no header" : $"found {string.Join(",", reader.Header.ColNames)}";
            throw new RoutingDataException(
                $"{path}:1: missing column(s) {string.Join(", ", missing)}; expected {string.Join(",", RequiredColumns)} ({found}).");
        }

        // Every faulty row is listed, each with all its problems: the first alone made fixing a file one run per row.
        var examples = new List<RoutingExample>();
        var problems = new List<string>();
        var width = reader.Header.ColNames.Count;
        foreach (var row in reader)
        {
            var line = row.LineNumberFrom;
            if (row.ColCount != width)
            {
                // A blank line (a trailing one, most often) is skipped as other CSV tools skip it; any other row of the
                // wrong width is said in this file's terms rather than the parser's "Found 2 column(s) on row 41/lines".
                if (!(row.ColCount == 1 && row[0].Span.IsWhiteSpace()))
                {
                    problems.Add($"{path}:{line}: {row.ColCount} field(s), but the header has {width}.");
                }

                continue;
            }

            var wrong = new List<string>();
            var id = row[columns[0]].ToString();
            if (id.Length == 0)
            {
                wrong.Add("'id' is empty");
            }

            var prompt = row[columns[2]].ToString();
            if (prompt.Length == 0)
            {
                wrong.Add("'prompt' is empty");
            }

            var cheap = ParseScore(row[columns[3]].Span, "cheap_score", wrong);
            var premium = ParseScore(row[columns[4]].Span, "premium_score", wrong);
            if (wrong.Count > 0)
            {
                problems.Add($"{path}:{line}: {string.Join("; ", wrong)}.");
                continue;
            }

            examples.Add(new RoutingExample(id, row[columns[1]].ToString(), prompt, cheap, premium, line));
        }

        if (problems.Count > 0)
        {
            throw new RoutingDataException(string.Join(Environment.NewLine, problems));
        }

        if (examples.Count == 0)
        {
            throw new RoutingDataException($"{path}: the file has a header but no rows.");
        }

        return examples;
    }

    private static double ParseScore(ReadOnlySpan<char> text, string column, List<string> wrong)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            wrong.Add($"'{column}' is '{text}', not a number");
            return 0;
        }

        if (value is < 0 or > 1)
        {
            wrong.Add($"'{column}' is {text}, outside [0, 1]");
            return 0;
        }

        return value;
    }
}
