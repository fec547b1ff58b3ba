using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Frugal.Workflows;

/// <summary>
/// Converts a YAML document to <see cref="JsonNode"/> with YAML 1.2 core-schema typing (so <c>no</c> stays a
/// string), recording where every value came from. YamlDotNet's representation model is used rather than its
/// deserializer because only the former keeps each node's position.
/// </summary>
internal static partial class YamlJsonConverter
{
    // Well below System.Text.Json's default limit of 64, which the schema validation serialises through.
    private const int MaxDepth = 50;
    private const int MaxNodes = 100_000;

    // The characters of every value and key once aliases are expanded: an alias of a long text counts it again. Values
    // alone bounded nothing: 100,000 aliases of a 1 MB text held 4 GB and ended frugal validate out of memory.
    private const int MaxChars = 10_000_000;
    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    private static readonly Dictionary<string, string> TypeNames = new(StringComparer.Ordinal)
    {
        ["int"] = "a whole number", ["float"] = "a number", ["bool"] = "true or false", ["null"] = "null",
    };

    private static readonly Dictionary<string, string> TypeExamples = new(StringComparer.Ordinal)
    {
        ["int"] = "such as 12", ["float"] = "such as 0.5", ["bool"] = "true or false", ["null"] = "null, ~ or nothing",
    };

    /// <summary>Converts the first document of <paramref name="yaml"/>; problems that are not YAML syntax go to <paramref name="diagnostics"/>.</summary>
    /// <exception cref="YamlException">The text is not valid YAML.</exception>
    public static JsonNode? Convert(string yaml, SourceMap map, List<WorkflowDiagnostic> diagnostics)
    {
        var stream = new YamlStream();
        try
        {
            // YamlDotNet loads nested collections by recursion: 100,000 '[' overflowed the stack and killed the process
            // (frugal validate, and the Functions app loading its workflows), which no catch can stop.
            stream.Load(new DepthLimitedParser(new Parser(new StringReader(yaml))));
        }
        catch (TooDeepException ex)
        {
            diagnostics.Add(new(new SourceLocation(map.File, (int)ex.Start.Line, (int)ex.Start.Column), TooDeep));
            return null;
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's scanner fails this way, with no position, on some unclosed flow collections
            // ("a: { b: c" followed by a block list); say where parsing stopped instead of crashing.
            var mark = LastGoodMark(yaml);
            throw new YamlException(mark, mark, "the parser could not go on after this point; look for an unclosed '{' or '['", ex);
        }

        if (stream.Documents.Count == 0)
        {
            diagnostics.Add(new(new SourceLocation(map.File, 1, 1),
                "the file holds no YAML document; expected a workflow with name, input and steps"));
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode.Start;
            diagnostics.Add(new(new SourceLocation(map.File, (int)second.Line, (int)second.Column),
                "a workflow file holds one YAML document; move this one to its own file"));
        }

        CheckTags(yaml, map, diagnostics);
        var state = new State(map, diagnostics);
        var document = ToJson(stream.Documents[0].RootNode, string.Empty, null, state, 0);

        // What was converted before the limit is no workflow: checking it would only add problems that are not there.
        return state.TooLarge ? null : document;
    }

    private static string TooDeep => $"the document is nested deeper than {MaxDepth} levels";

    /// <summary>
    /// Reports every tag other than YAML's core-schema ones on the kind of node they name (<c>!!str</c>, <c>!!int</c>,
    /// <c>!!float</c>, <c>!!bool</c>, <c>!!null</c> on a value, <c>!!map</c> on a mapping, <c>!!seq</c> on a list). A
    /// tag such as <c>!foo bar</c> or <c>!!binary aGk=</c> was dropped, and the value read as the text after it.
    /// </summary>
    private static void CheckTags(string yaml, SourceMap map, List<WorkflowDiagnostic> diagnostics)
    {
        // The stream has loaded, so the text parses; an alias names its node without tagging it again.
        var parser = new Parser(new StringReader(yaml));
        while (parser.MoveNext())
        {
            if (parser.Current is not NodeEvent { Tag.IsEmpty: false } node || node.Tag.IsNonSpecific)
            {
                continue;
            }

            var core = CoreTag(node.Tag);
            var (fits, kind) = node switch
            {
                MappingStart => (core == "map", "a mapping"),
                SequenceStart => (core == "seq", "a list"),
                _ => (core == "str" || IsTypedScalar(core), "a value"),
            };
            if (fits)
            {
                continue;
            }

            var shown = core is null ? node.Tag.Value : "!!" + core;
            diagnostics.Add(new(new SourceLocation(map.File, (int)node.Start.Line, (int)node.Start.Column), core is "str" or "map" or "seq" || IsTypedScalar(core)
                ? $"the YAML tag '{shown}' does not fit {kind}; remove it"
                : $"the YAML tag '{shown}' is not one a workflow reads (YAML's !!str, !!int, !!float, !!bool, !!null, !!map and !!seq); remove it, and quote the value if it is text"));
        }
    }

    /// <summary>Whether <paramref name="core"/> (a <see cref="CoreTag"/>) types a value: <c>!!int</c>, <c>!!float</c>, <c>!!bool</c> or <c>!!null</c>.</summary>
    private static bool IsTypedScalar([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? core) => core is not null && TypeNames.ContainsKey(core);

    /// <summary>The name of a tag of YAML's own (<c>str</c> for <c>!!str</c>), or null for another tag or none.</summary>
    private static string? CoreTag(TagName tag) =>
        !tag.IsEmpty && !tag.IsNonSpecific && tag.Value.StartsWith(CoreTagPrefix, StringComparison.Ordinal) ? tag.Value[CoreTagPrefix.Length..] : null;

    /// <summary>The end of the last YAML event that parsed, where a parser failure without a position begins.</summary>
    private static Mark LastGoodMark(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var mark = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                mark = parser.Current!.End;
            }
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            // The failure itself; the mark so far is the answer.
        }

        return mark;
    }

    /// <summary>Escapes a property name as a JSON pointer segment.</summary>
    public static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static JsonNode? ToJson(YamlNode node, string pointer, Mark? keyStart, State state, int depth)
    {
        if (state.TooLarge)
        {
            return null;
        }

        state.Chars += keyStart is null ? 0 : KeyLength(pointer);
        state.Chars += node is YamlScalarNode { Value: { } text } ? text.Length : 0;
        var problem = depth > MaxDepth ? TooDeep + " (check anchors and aliases: one may name a mapping it is in)"
            : ++state.Nodes > MaxNodes ? $"the document expands to more than {MaxNodes:N0} values (check anchors and aliases)"
            : state.Chars > MaxChars ? $"the document expands to more than {MaxChars:N0} characters of keys and values (check anchors and aliases)"
            : null;
        if (problem is not null)
        {
            state.TooLarge = true;
            state.Diagnostics.Add(new(new SourceLocation(state.Map.File, (int)node.Start.Line, (int)node.Start.Column), problem));
            return null;
        }

        switch (node)
        {
            case YamlMappingNode mapping:
            {
                state.Map.Add(pointer, node.Start, keyStart, null);
                var obj = new JsonObject();
                List<YamlNode>? merges = null;
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is YamlScalarNode { Value: "<<", Style: ScalarStyle.Plain or ScalarStyle.Any })
                    {
                        // A merge key (YAML 1.1, which YAML files share steps' settings with: "<<: *common"): the entries
                        // of the mapping it names are added below, under the ones written here. It read as a property
                        // named "<<", and the step as missing everything it merged.
                        (merges ??= []).Add(value);
                        continue;
                    }

                    if (key is not YamlScalarNode { Value: { } name })
                    {
                        state.Diagnostics.Add(new(new SourceLocation(state.Map.File, (int)key.Start.Line, (int)key.Start.Column),
                            "a key must be a plain text; lists and mappings cannot be keys"));
                        continue;
                    }

                    var child = pointer + "/" + Escape(name);
                    obj[name] = ToJson(value, child, key.Start, state, depth + 1);
                }

                foreach (var merge in merges ?? [])
                {
                    // A list merges each mapping in turn; the first to give a key wins, as the written ones win over all.
                    foreach (var source in merge is YamlSequenceNode list ? list.Children : [merge])
                    {
                        if (source is not YamlMappingNode merged)
                        {
                            state.Diagnostics.Add(new(new SourceLocation(state.Map.File, (int)source.Start.Line, (int)source.Start.Column),
                                "'<<' merges a mapping (an alias such as *common) or a list of them"));
                            continue;
                        }

                        foreach (var (key, value) in merged.Children)
                        {
                            if (key is YamlScalarNode { Value: { } name } && !obj.ContainsKey(name))
                            {
                                obj[name] = ToJson(value, pointer + "/" + Escape(name), key.Start, state, depth + 1);
                            }
                        }
                    }
                }

                return obj;
            }

            case YamlSequenceNode sequence:
            {
                state.Map.Add(pointer, node.Start, keyStart, null);
                var array = new JsonArray();
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    array.Add(ToJson(sequence.Children[i], $"{pointer}/{i}", null, state, depth + 1));
                }

                return array;
            }

            case YamlScalarNode scalar:
                state.Map.Add(pointer, node.Start, keyStart, scalar.Style);
                return Scalar(scalar, pointer, state);

            default:
                state.Map.Add(pointer, node.Start, keyStart, null);
                return null;
        }
    }

    private static JsonValue? Scalar(YamlScalarNode scalar, string pointer, State state)
    {
        var text = scalar.Value ?? string.Empty;
        var tag = CoreTag(scalar.Tag);

        // !!str, and the non-specific '!', make a value text; !!int, !!float, !!bool and !!null read it as that type,
        // quoted or not; others are reported by CheckTags.
        if (tag == "str" || (scalar.Tag.IsNonSpecific && scalar.Tag.Value == "!")
            || (!IsTypedScalar(tag) && scalar.Style != ScalarStyle.Plain))
        {
            return JsonValue.Create(text);
        }

        var (type, value) = Resolve(text);
        if (IsTypedScalar(tag) && tag != type && !(tag == "float" && type == "int"))
        {
            // !!int "12" read as the text "12", !!bool yes as the text "yes".
            state.Diagnostics.Add(new(new SourceLocation(state.Map.File, (int)scalar.Start.Line, (int)scalar.Start.Column),
                $"'{text}' is not {TypeNames[tag]}, which its tag !!{tag} says it is; write one ({TypeExamples[tag]}), or remove the tag"));
            state.Map.Refuse(pointer);
            return null;
        }

        if (type == "float" && value is null)
        {
            // 1e400 reads as infinity, which JSON cannot hold: schema validation threw on it and frugal ended with exit 1.
            state.Diagnostics.Add(new(new SourceLocation(state.Map.File, (int)scalar.Start.Line, (int)scalar.Start.Column),
                $"the number {text} is too large (the largest is about 1.8e308); write a smaller number, or quote it to make it text"));
            state.Map.Refuse(pointer);
            return null;
        }

        return tag == "float" && value is not null && type == "int" ? JsonValue.Create((double)value.GetValue<long>()) : value;
    }

    /// <summary>
    /// What a plain value is in YAML 1.2's core schema: its type (<c>null</c>, <c>bool</c>, <c>int</c>, <c>float</c> or
    /// <c>str</c>) and value; a float past a double's range has no value.
    /// </summary>
    private static (string Type, JsonValue? Value) Resolve(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return ("null", null);
            case "true" or "True" or "TRUE":
                return ("bool", JsonValue.Create(true));
            case "false" or "False" or "FALSE":
                return ("bool", JsonValue.Create(false));
        }

        if (IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return ("int", JsonValue.Create(l));
        }

        if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return ("float", double.IsFinite(d) ? JsonValue.Create(d) : null);
        }

        return ("str", JsonValue.Create(text));
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();

    /// <summary>The length of the last segment of <paramref name="pointer"/>: the key a value is under.</summary>
    private static int KeyLength(string pointer) => pointer.Length - pointer.LastIndexOf('/') - 1;

    private sealed class State(SourceMap map, List<WorkflowDiagnostic> diagnostics)
    {
        public SourceMap Map { get; } = map;

        public List<WorkflowDiagnostic> Diagnostics { get; } = diagnostics;

        public int Nodes { get; set; }

        public long Chars { get; set; }

        public bool TooLarge { get; set; }
    }

    /// <summary>Passes a parser's events on, stopping at a collection nested deeper than <see cref="MaxDepth"/>.</summary>
    private sealed class DepthLimitedParser(IParser inner) : IParser
    {
        private int open;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }

            switch (inner.Current)
            {
                // The root collection is level 0, as in ToJson.
                case MappingStart or SequenceStart when ++open > MaxDepth + 1:
                    throw new TooDeepException(inner.Current.Start);
                case MappingEnd or SequenceEnd:
                    open--;
                    break;
            }

            return true;
        }
    }

    private sealed class TooDeepException(Mark start) : Exception
    {
        public Mark Start { get; } = start;
    }
}
