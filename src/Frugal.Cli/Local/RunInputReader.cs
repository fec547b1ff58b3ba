using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Workflows;

namespace Frugal.Cli.Local;

/// <summary>Reads run inputs: a <c>.json</c> file is one input, a <c>.jsonl</c> file one input per non-blank line.</summary>
internal static class RunInputReader
{
    /// <param name="path">The file.</param>
    /// <param name="workflow">The workflow whose input schema each input that parsed is checked against, once: its
    /// violations are listed in line order with the lines that did not parse (reported apart, the violations showed
    /// only once every line was JSON), each as <c>file:line:column: pointer: message</c>.</param>
    /// <exception cref="CliUsageException">The file is missing, a line is not JSON, or an input breaks the schema; the
    /// message names file and line of each.</exception>
    public static IReadOnlyList<RunInput> Read(string path, WorkflowDefinition workflow)
    {
        if (!File.Exists(path))
        {
            throw new CliUsageException(Directory.Exists(path)
                ? $"{path}: is a folder; --input names a file: .json (one run) or .jsonl (one run per line)"
                : $"{path}: input file not found");
        }

        try
        {
            File.OpenHandle(path).Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file this account may not read ended frugal run with "error: Permission denied", exit 1, naming no file.
            throw new CliUsageException($"{path}: cannot read the input file: {ex.Message}");
        }

        var name = Path.GetFileName(path);
        if (!path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            var text = ReadText(path);
            JsonNode? parsed;
            try
            {
                parsed = Parse(text, path, 0);
            }
            catch (CliUsageException ex) when (IsJsonLines(text))
            {
                // A JSONL file named .json read as one broken value: "'{' is invalid after a single JSON value".
                throw new CliUsageException($"{ex.Message}; the file holds one JSON value per line: name it .jsonl for one run per line");
            }

            return WorkflowInputValidator.TryValidate(workflow, parsed, out var valid, out var violations)
                ? [new RunInput(name, valid)]
                : throw new CliUsageException(string.Join(Environment.NewLine, Problems(violations, text, path, 0)));
        }

        var inputs = new List<RunInput>();
        var problems = new List<string>();
        var unparsed = 0;
        var lineNumber = 0;
        foreach (var line in ReadLines(path))
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                try
                {
                    if (WorkflowInputValidator.TryValidate(workflow, Parse(line, path, lineNumber), out var valid, out var violations))
                    {
                        inputs.Add(new RunInput($"{name}:{lineNumber}", valid));
                    }
                    else
                    {
                        problems.AddRange(Problems(violations, line, path, lineNumber));
                    }
                }
                catch (CliUsageException ex)
                {
                    // Every bad line, as the schema check lists every violation: one fix-and-retry per line was slow.
                    problems.Add(ex.Message);
                    unparsed++;
                }
            }
        }

        if (unparsed > 1 && IsOneValue(ReadText(path)))
        {
            // One input written over several lines (pretty-printed): each line was refused on its own, the first with
            // "Expected depth to be zero at the end of the JSON payload", and nothing said the file was one value.
            throw new CliUsageException(
                $"{path}: the file holds one JSON value over {lineNumber} lines, where a .jsonl file holds one value per line: name it .json for one run, or write each input on a line of its own");
        }

        if (problems.Count > 0)
        {
            throw new CliUsageException(string.Join(Environment.NewLine, problems));
        }

        return inputs.Count > 0 ? inputs : throw new CliUsageException($"{path}: no inputs (the file has no JSON lines)");
    }

    /// <summary>
    /// The file's text. A byte that is not UTF-8 (a file saved as Windows-1252) is refused where it is: read as U+FFFD,
    /// it reached the model as 'Caf\uFFFD' where the input said 'Café', while the HTTP API refuses such a body.
    /// </summary>
    private static string ReadText(string path)
    {
        try
        {
            return TextFile.Read(path);
        }
        catch (TextEncodingException ex)
        {
            throw new CliUsageException($"{path}:{ex.Line}:{ex.Column}: {ex.Message}");
        }
    }

    /// <summary>The file's lines as <see cref="File.ReadLines(string)"/> splits them, read as strictly as <see cref="ReadText"/>.</summary>
    private static IEnumerable<string> ReadLines(string path)
    {
        using var reader = new StreamReader(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        while (true)
        {
            string? line;
            try
            {
                line = reader.ReadLine();
            }
            catch (System.Text.DecoderFallbackException)
            {
                // The decoder knows no line: the file is read again to say where the byte is.
                _ = ReadText(path);
                throw;
            }

            if (line is null)
            {
                yield break;
            }

            yield return line;
        }
    }

    private static bool IsOneValue(string text)
    {
        try
        {
            JsonInput.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="text"/> has several non-blank lines, the first of them a JSON value of its own.</summary>
    private static bool IsJsonLines(string text)
    {
        var lines = text.Split('\n').Where(l => !string.IsNullOrWhiteSpace(l)).Take(2).ToList();
        if (lines.Count < 2)
        {
            return false;
        }

        try
        {
            JsonInput.Parse(lines[0]);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Each violation at its place: the line (of the file, or the JSONL line given) and column of its value.</summary>
    private static IEnumerable<string> Problems(IEnumerable<InputViolation> violations, string text, string path, int line)
    {
        foreach (var (pointer, message) in violations)
        {
            var at = JsonLocations.Find(text, pointer) is { } place ? $"{(line > 0 ? line : place.Line)}:{place.Column}" : (line > 0 ? $"{line}" : "1");
            yield return $"{path}:{at}: {(pointer.Length == 0 ? "/" : pointer)}: {message}";
        }
    }

    private static JsonNode? Parse(string text, string path, int line)
    {
        try
        {
            return JsonInput.Parse(text);
        }
        catch (JsonException ex)
        {
            var at = line > 0 ? $"{line}:{JsonErrors.Column(text, ex)}" : $"{(ex.LineNumber ?? 0) + 1}:{JsonErrors.Column(text, ex)}";
            throw new CliUsageException($"{path}:{at}: expected a JSON value: {JsonErrors.Reason(ex)}");
        }
    }
}
