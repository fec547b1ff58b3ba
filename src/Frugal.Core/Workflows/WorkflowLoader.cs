using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Frugal.Expressions;
using YamlDotNet.Core;

namespace Frugal.Workflows;

/// <summary>
/// Reads workflow YAML into a <see cref="WorkflowDefinition"/>: checks it against <c>workflows/schema.json</c>, then
/// checks what a schema cannot (step references, cycles, expressions, regexes, embedded schemas). Every problem is
/// reported at once, each as <c>file:line:column: message</c>.
/// </summary>
public static partial class WorkflowLoader
{
    // YAML limits a key written "key: value" to 1024 characters (YAML 1.2, 7.4.2), YamlDotNet from its start to the ':'.
    private const int MaxImplicitKey = 1024;

    /// <summary>Reads and validates the workflow file at <paramref name="path"/>.</summary>
    /// <exception cref="WorkflowValidationException">The workflow is invalid; every problem is listed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static WorkflowDefinition Load(string path) => Load(path, routers: null);

    /// <summary>
    /// Reads and validates the workflow file at <paramref name="path"/>; a classify step naming a router not in
    /// <paramref name="routers"/> is one more problem, listed with the others.
    /// </summary>
    /// <exception cref="WorkflowValidationException">The workflow is invalid; every problem is listed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static WorkflowDefinition Load(string path, IReadOnlyCollection<string>? routers)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(ReadText(path), path, routers);
    }

    /// <summary>The file's text; a byte that is not UTF-8 is a problem at its place, not a U+FFFD in a prompt.</summary>
    private static string ReadText(string path)
    {
        try
        {
            return TextFile.Read(path);
        }
        catch (TextEncodingException ex)
        {
            throw new WorkflowValidationException([new WorkflowDiagnostic(new SourceLocation(path, ex.Line, ex.Column), ex.Message)]);
        }
    }

    /// <summary>Validates workflow YAML.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="file">The name messages use for the file.</param>
    /// <exception cref="WorkflowValidationException">The workflow is invalid; every problem is listed, in file order.</exception>
    public static WorkflowDefinition Parse(string yaml, string file) => Parse(yaml, file, routers: null);

    /// <summary>Validates workflow YAML, checking classify steps' routers against <paramref name="routers"/> when given.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="file">The name messages use for the file.</param>
    /// <param name="routers">The routers the host has (case-insensitive), or null not to check them.</param>
    /// <exception cref="WorkflowValidationException">The workflow is invalid; every problem is listed, in file order.</exception>
    public static WorkflowDefinition Parse(string yaml, string file, IReadOnlyCollection<string>? routers)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(file);
        var context = new WorkflowParseContext(new SourceMap(file, yaml)) { Routers = routers };
        JsonNode? document;
        try
        {
            document = YamlJsonConverter.Convert(yaml, context.Map, context.Diagnostics);
        }
        catch (YamlException ex)
        {
            throw new WorkflowValidationException([YamlError(ex, yaml, file)]);
        }

        // An empty file has said so already; the schema would add that nothing is not a mapping.
        var empty = document is null && context.Diagnostics.Count > 0;
        foreach (var violation in empty ? [] : SchemaValidation.ValidateWorkflow(document))
        {
            if (context.Map.IsRefused(violation.Pointer))
            {
                // Said once already, in the conversion's own words; the null standing in for it is no second problem.
                continue;
            }

            context.Error(violation.AtKey ? context.Map.Key(violation.Pointer) : context.Map.Value(violation.Pointer), violation.Message);
        }

        var definition = document is JsonObject root ? Build(root, yaml, file, context) : null;
        var diagnostics = context.Diagnostics
            .Distinct()
            .OrderBy(d => d.Location.Line)
            .ThenBy(d => d.Location.Column)
            .ToList();
        if (diagnostics.Count > 0 || definition is null)
        {
            throw new WorkflowValidationException(diagnostics.Count > 0
                ? diagnostics
                : [new WorkflowDiagnostic(new SourceLocation(file, 1, 1), "expected a workflow mapping with name, input and steps")]);
        }

        return definition;
    }

    private static WorkflowDefinition? Build(JsonObject root, string yaml, string file, WorkflowParseContext context)
    {
        var parser = new StepParser(context);
        var list = root["steps"] as JsonArray ?? [];
        // Ids are gathered before steps are parsed, so a step rejected for another reason does not also make
        // every reference to it an error.
        var declared = new Dictionary<string, int>(StringComparer.Ordinal);
        var duplicates = new HashSet<int>();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is JsonObject { } item && item["id"] is JsonValue v && v.GetValueKind() == JsonValueKind.String
                && !declared.TryAdd(v.GetValue<string>(), i))
            {
                duplicates.Add(i);
                context.Error(context.Map.Value($"/steps/{i}/id"),
                    $"duplicate step id '{v.GetValue<string>()}'; it is already used by the step at line {context.Map.Value($"/steps/{declared[v.GetValue<string>()]}").Line}");
            }
        }

        // Every step is parsed, a duplicate or a rejected one too, so that one pass lists the problems in all of them;
        // only the first step of each id joins the graph.
        var steps = new List<(StepDefinition Step, IReadOnlyList<StepLink> Links)>();
        var ids = new Dictionary<string, StepDefinition>(StringComparer.Ordinal);
        var links = new List<StepLink>();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is JsonObject item)
            {
                var result = parser.Parse(item, $"/steps/{i}", bodyOf: null);
                links.AddRange(result.Links);
                if (result.Step is { } step && !duplicates.Contains(i))
                {
                    ids[step.Id] = step;
                    steps.Add((step, result.Links));
                }
            }
        }

        var known = string.Join(", ", declared.Keys);
        foreach (var link in links)
        {
            CheckLink(link, declared, ids, known, context);
        }

        var dependsOn = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (step, stepLinks) in steps)
        {
            dependsOn[step.Id] = [.. stepLinks.Select(l => l.StepId).Distinct(StringComparer.Ordinal)];
        }

        foreach (var cycle in DependencyGraph.FindCycles([.. steps.Select(s => s.Step.Id)], dependsOn))
        {
            var message = cycle.Count == 2
                ? $"step '{cycle[0]}' depends on itself ({cycle[0]} -> {cycle[0]}); a step cannot read its own output"
                : $"dependency cycle {string.Join(" -> ", cycle)}: each step waits for the next, so none can start";
            context.Error(ids[cycle[0]].Location, message);
        }

        ValueTemplate? output = null;
        if (root.TryGetPropertyValue("output", out var outputNode) && outputNode is not null)
        {
            var outputLinks = new List<StepLink>();
            output = context.Template(outputNode, "/output", inForEach: false, outputLinks);
            foreach (var link in outputLinks)
            {
                CheckLink(link, declared, ids, known, context);
            }
        }

        if (root["input"] is JsonObject inputSchema)
        {
            parser.CheckSchema(inputSchema, "/input", "input");
        }

        if (root["name"] is not JsonValue name || name.GetValueKind() != JsonValueKind.String || root["input"] is not JsonObject input)
        {
            return null;
        }

        var limits = root["limits"] as JsonObject;
        return new WorkflowDefinition
        {
            MaxEscalations = limits?["max_escalations"] is JsonValue max && max.GetValueKind() == JsonValueKind.Number ? (int)Frugal.Expressions.ExpressionValues.AsNumber(max) : 10,
            PremiumShareCap = limits?["premium_share"] is JsonValue cap && cap.GetValueKind() == JsonValueKind.Number ? Frugal.Expressions.ExpressionValues.AsNumber(cap) : null,
            Name = name.GetValue<string>(),
            Description = root["description"] is JsonValue d && d.GetValueKind() == JsonValueKind.String ? d.GetValue<string>() : null,
            InputSchema = input.DeepClone(),
            Steps = [.. steps.Select(s => s.Step with { DependsOn = dependsOn[s.Step.Id] })],
            Output = output,
            Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml))),
            Source = yaml,
            File = file,
        };
    }

    private static void CheckLink(
        StepLink link, Dictionary<string, int> declared, Dictionary<string, StepDefinition> parsed, string known, WorkflowParseContext context)
    {
        var exists = declared.ContainsKey(link.StepId);
        var stepsAre = declared.Count == 0 ? "the workflow has no steps" : $"steps are: {known}";
        switch (link.Kind)
        {
            case StepLinkKind.Needs when !exists:
                context.Error(link.Location, $"'needs' names step '{link.StepId}', which does not exist; {stepsAre}");
                break;
            case StepLinkKind.Route when !exists:
                context.Error(link.Location, $"'route' names step '{link.StepId}', which does not exist; expected the id of a classify step");
                break;
            case StepLinkKind.Route when parsed.TryGetValue(link.StepId, out var target) && target is not ClassifyStep:
                context.Error(link.Location, $"'route' must name a classify step; '{link.StepId}' is a {target.Kind} step");
                break;
            case StepLinkKind.Expression when !exists:
                context.Error(link.Location, $"'steps.{link.StepId}' refers to a step that does not exist; {stepsAre}");
                break;
        }
    }

    private static WorkflowDiagnostic YamlError(YamlException ex, string yaml, string file)
    {
        var line = Math.Max(1, (int)ex.Start.Line);
        var column = Math.Max(1, (int)ex.Start.Column);
        var message = YamlPositionPrefix().Replace(ex.Message, string.Empty);
        var lineText = yaml.Split('\n') is var all && line <= all.Length ? all[line - 1].TrimEnd('\r') : string.Empty;
        if (LongImplicitKey(lineText) is { } key)
        {
            // YamlDotNet said "Mapping values are not allowed in this context" (or "did not find expected key"), at
            // the colon, which does not say that the key is too long.
            return new WorkflowDiagnostic(
                new SourceLocation(file, line, key.Column),
                $"invalid YAML: this key is {key.Length} characters long; YAML reads a key written 'key: value' (an implicit key) " +
                $"only up to {MaxImplicitKey}, quoted or not. Shorten it, or write it as an explicit key: '? ' and the key on one line, ': ' and the value on the next");
        }

        if (message.Contains("tab", StringComparison.OrdinalIgnoreCase))
        {
            // YamlDotNet marks the enclosing mapping; the first tab in an indentation is where the fix goes.
            var lines = yaml.Split('\n');
            for (var i = line - 1; i < lines.Length; i++)
            {
                var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
                var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
                if (tab >= 0 && tab < indent)
                {
                    (line, column) = (i + 1, tab + 1);
                    break;
                }
            }

            message = "a tab cannot indent YAML; use spaces (" + message + ")";
        }

        return new WorkflowDiagnostic(new SourceLocation(file, line, column), "invalid YAML: " + message);
    }

    /// <summary>
    /// The key that starts <paramref name="line"/> (after its indentation and any '- '), with its 1-based column and its
    /// length up to the ':' in UTF-16 code units, when that is over <see cref="MaxImplicitKey"/>; otherwise null.
    /// </summary>
    private static (int Column, int Length)? LongImplicitKey(string line)
    {
        var start = 0;
        while (start < line.Length && (line[start] == ' ' || (line[start] == '-' && start + 1 < line.Length && line[start + 1] == ' ')))
        {
            start++;
        }

        int end;
        if (start < line.Length && line[start] is '"' or '\'')
        {
            // A quoted key ends at its closing quote: '' inside single quotes and \" inside double quotes do not end it.
            var quote = line[start];
            end = start + 1;
            while (end < line.Length && !(line[end] == quote && !(quote == '\'' && end + 1 < line.Length && line[end + 1] == '\'')))
            {
                end += quote == '"' && line[end] == '\\' ? 2 : quote == '\'' && line[end] == '\'' ? 2 : 1;
            }

            end = end < line.Length ? line.IndexOf(':', end) : -1;
        }
        else
        {
            // A plain key ends at the first ':' followed by a space, a tab or the end of the line.
            end = start;
            while ((end = line.IndexOf(':', end)) >= 0 && end + 1 < line.Length && line[end + 1] is not (' ' or '\t'))
            {
                end++;
            }
        }

        return end - start > MaxImplicitKey ? (start + 1, end - start) : null;
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ", RegexOptions.CultureInvariant)]
    private static partial Regex YamlPositionPrefix();
}
