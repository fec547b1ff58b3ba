using System.Text.Json;
using System.Text.Json.Nodes;

namespace Frugal.Cli.Local;

/// <summary>Reads run inputs: a <c>.json</c> file is one input, a <c>.jsonl</c> file one input per non-blank line.</summary>
internal static class RunInputReader
{
    /// <exception cref="CliUsageException">The file is missing or a line is not JSON; the message names file and line.</exception>
    public static IReadOnlyList<RunInput> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliUsageException($"{path}: input file not found");
        }

        var name = Path.GetFileName(path);
        if (!path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return [new RunInput(name, Parse(File.ReadAllText(path), path, 0))];
        }

        var inputs = new List<RunInput>();
        var problems = new List<string>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                try
                {
                    inputs.Add(new RunInput($"{name}:{lineNumber}", Parse(line, path, lineNumber)));
                }
                catch (CliUsageException ex)
                {
                    // Every bad line, as the schema check lists every violation: one fix-and-retry per line was slow.
                    problems.Add(ex.Message);
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new CliUsageException(string.Join(Environment.NewLine, problems));
        }

        return inputs.Count > 0 ? inputs : throw new CliUsageException($"{path}: no inputs (the file has no JSON lines)");
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
