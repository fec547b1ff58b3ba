using Frugal.Workflows;

namespace Frugal.Core.Tests.Workflows;

/// <summary>Every bad-input path: the position a user is sent to and the words they read.</summary>
public sealed class WorkflowLoaderErrorTests
{
    private const string Head = "name: demo\ninput:\n  type: object\nsteps:\n";

    public static TheoryData<string, string, string, string> Cases => new()
    {
        // name, yaml, expected "line:column", expected part of the message
        { "tab indentation", "name: demo\ninput:\n\ttype: object\nsteps: []\n", "3:1", "a tab cannot indent YAML" },
        { "unclosed quote", "name: \"demo\ninput: {}\nsteps: []\n", "1:7", "invalid YAML" },
        { "unknown step kind", Head + "  - id: a\n    kind: sumarise\n    prompt: hi\n", "6:11", "unknown step kind 'sumarise'; expected one of: classify, deterministic, model, foreach, retrieve" },
        { "missing id", Head + "  - kind: model\n    prompt: hi\n", "5:5", "missing required property 'id'" },
        { "duplicate id", Head + "  - id: a\n    kind: model\n    prompt: hi\n  - id: a\n    kind: model\n    prompt: again\n", "8:9", "duplicate step id 'a'; it is already used by the step at line 5" },
        { "unknown top-level key", "name: demo\ninput:\n  type: object\nstpes:\n  - id: a\n", "4:1", "unknown property 'stpes'; did you mean 'steps'?" },
        { "unknown step property", Head + "  - id: a\n    kind: model\n    promt: hi\n", "7:5", "unknown property 'promt'; did you mean 'prompt'?" },
        { "missing prompt", Head + "  - id: a\n    kind: model\n", "5:5", "missing required property 'prompt' (a model step needs it)" },
        { "auto tier without route", Head + "  - id: a\n    kind: model\n    tier: auto\n    prompt: hi\n", "7:11", "tier 'auto' needs 'route'" },
        { "route to a missing step", Head + "  - id: a\n    kind: model\n    tier: auto\n    route: triage\n    prompt: hi\n", "8:12", "'route' names step 'triage', which does not exist" },
        { "route to a model step", Head + "  - id: b\n    kind: model\n    prompt: hi\n  - id: a\n    kind: model\n    tier: auto\n    route: b\n    prompt: hi\n", "11:12", "'route' must name a classify step; 'b' is a model step" },
        { "needs a missing step", Head + "  - id: a\n    kind: model\n    needs: [setup]\n    prompt: hi\n", "7:13", "'needs' names step 'setup', which does not exist; steps are: a" },
        { "steps.missing in a prompt", Head + "  - id: a\n    kind: model\n    prompt: Use ${ steps.missing.output }\n", "7:26", "'steps.missing' refers to a step that does not exist" },
        { "steps.missing in a quoted prompt", Head + "  - id: a\n    kind: model\n    prompt: \"Use ${ steps.missing.output }\"\n", "7:27", "'steps.missing' refers to a step that does not exist" },
        { "steps.missing in a literal block", Head + "  - id: a\n    kind: model\n    prompt: |\n      First line\n      then ${ steps.missing.output }\n", "9:21", "'steps.missing' refers to a step that does not exist" },
        { "steps.missing after an emoji, two UTF-16 units as in JSON input errors", Head + "  - id: a\n    kind: model\n    prompt: \"\U0001F600 ${ steps.missing.output }\"\n", "7:26", "'steps.missing' refers to a step that does not exist" },
        { "steps.missing after escapes in double quotes", Head + "  - id: a\n    kind: model\n    prompt: \"Say \\\"hi\\\" ${ steps.missing.output }\"\n", "7:34", "'steps.missing' refers to a step that does not exist" },
        { "steps.missing after a doubled quote in single quotes", Head + "  - id: a\n    kind: model\n    prompt: 'It''s ${ steps.missing.output }'\n", "7:29", "'steps.missing' refers to a step that does not exist" },
        { "steps.missing on the second line of a plain scalar", Head + "  - id: a\n    kind: model\n    prompt: Use the\n      data ${ steps.missing.output }\n", "8:21", "'steps.missing' refers to a step that does not exist" },
        { "steps.missing in a folded block", Head + "  - id: a\n    kind: model\n    prompt: >\n      First line\n      then ${ steps.missing.output }\n", "9:21", "'steps.missing' refers to a step that does not exist" },
        { "expression error on the second line of a double-quoted scalar", Head + "  - id: a\n    kind: model\n    prompt: \"Hello\n      there ${ input. }\"\n", "8:23", "expected a name after '.'" },
        { "expression syntax error", Head + "  - id: a\n    kind: model\n    prompt: Hi ${ input. }\n", "7:26", "expected a name after '.'" },
        { "unknown function", Head + "  - id: a\n    kind: model\n    prompt: ${ shout(input.x) }\n", "7:16", "unknown function 'shout'" },
        { "when inside a foreach body", Head + "  - id: f\n    kind: foreach\n    items: [1, 2]\n    do:\n      kind: deterministic\n      operation: template\n      when: ${ item > 1 }\n      input: x\n", "11:7", "'when' is not supported inside 'do'" },
        { "needs inside a foreach body", Head + "  - id: a\n    kind: model\n    prompt: hi\n  - id: f\n    kind: foreach\n    items: [1, 2]\n    do:\n      kind: model\n      needs: [a]\n      prompt: x\n", "13:7", "'needs' is not supported inside 'do'" },
        { "$ref to nothing in the input schema", "name: demo\ninput:\n  type: object\n  properties:\n    x: { $ref: \"#/$defs/missing\" }\nsteps:\n  - id: a\n    kind: model\n    prompt: hi\n", "5:16", "'$ref' '#/$defs/missing' points to nothing in this schema" },
        { "$ref outside the output schema", Head + "  - id: a\n    kind: model\n    prompt: hi\n    output_schema: { $ref: \"https://example.com/s.json\" }\n", "8:28", "only references inside it" },
        { "table on a template step", Head + "  - id: a\n    kind: deterministic\n    operation: template\n    input: x\n    table: { a: b }\n", "9:5", "'table' does nothing in a template step; it belongs to operation lookup" },
        { "premium_only on a cheap step", Head + "  - id: a\n    kind: model\n    tier: cheap\n    premium_only: true\n    prompt: hi\n", "8:5", "'premium_only' keeps an auto step on premium" },
        { "premium_only on a step without a tier (cheap)", Head + "  - id: a\n    kind: model\n    premium_only: true\n    prompt: hi\n", "7:5", "'premium_only' keeps an auto step on premium over a premium-share cap; this step's tier is cheap" },
        { "required fields without an output schema", Head + "  - id: a\n    kind: model\n    prompt: hi\n    validate:\n      required: [answer]\n", "9:7", "'validate.required' names fields of a structured answer; it needs 'output_schema'" },
        { "misspelt field of a step", Head + "  - id: a\n    kind: model\n    prompt: hi\n  - id: b\n    kind: model\n    prompt: Use ${ steps.a.outptu.reply }\n", "10:28", "'steps.a.outptu': a step's result has output, skipped, tier, model, metadata; did you mean 'output'?" },
        { "unknown root name", Head + "  - id: a\n    kind: model\n    prompt: ${ inptu.x }\n", "7:16", "unknown name 'inptu'; expected one of input, steps, item, index, run" },
        { "unterminated template", Head + "  - id: a\n    kind: model\n    prompt: Hi ${ input.x\n", "7:16", "unterminated '${'" },
        { "when does not parse", Head + "  - id: a\n    kind: model\n    when: input.x ==\n    prompt: hi\n", "7:21", "'when' is not a valid condition: expected a value" },
        { "when in template form does not parse", Head + "  - id: a\n    kind: model\n    when: ${ input.x = 1 }\n    prompt: hi\n", "7:22", "'=' is not an operator; use '=='" },
        { "cycle a -> b -> a", Head + "  - id: a\n    kind: model\n    prompt: ${ steps.b.output }\n  - id: b\n    kind: model\n    needs: [a]\n    prompt: hi\n", "5:5", "dependency cycle a -> b -> a" },
        { "self cycle", Head + "  - id: a\n    kind: model\n    prompt: ${ steps.a.output }\n", "5:5", "step 'a' depends on itself (a -> a)" },
        { "item outside foreach", Head + "  - id: a\n    kind: model\n    prompt: ${ item.text }\n", "7:16", "'item' is only available inside a foreach step's 'do'" },
        { "index outside foreach", "name: demo\ninput:\n  type: object\nsteps:\n  - id: a\n    kind: model\n    prompt: hi\noutput: ${ index }\n", "8:12", "'index' is only available inside a foreach step's 'do'" },
        { "batch_size 0", Head + "  - id: a\n    kind: foreach\n    items: ${ input.list }\n    batch_size: 0\n    do:\n      kind: model\n      prompt: ${ item }\n", "8:17", "'batch_size' must be at least 1, found 0" },
        { "negative parallelism", Head + "  - id: a\n    kind: foreach\n    items: ${ input.list }\n    parallelism: -2\n    do:\n      kind: model\n      prompt: ${ item }\n", "8:18", "'parallelism' must be at least 1, found -2" },
        { "id inside do", Head + "  - id: a\n    kind: foreach\n    items: ${ input.list }\n    do:\n      id: inner\n      kind: model\n      prompt: ${ item }\n", "9:7", "'id' is not allowed in 'do'" },
        { "invalid regex", Head + "  - id: a\n    kind: deterministic\n    operation: regex\n    input: ${ input.text }\n    pattern: \"(?<order>[0-9]+\"\n", "9:14", "'pattern' is not a valid regular expression" },
        { "lookup without table", Head + "  - id: a\n    kind: deterministic\n    operation: lookup\n    input: ${ input.text }\n", "5:5", "missing required property 'table' (a lookup step needs it)" },
        { "an output key holding an expression", Head + "  - id: a\n    kind: model\n    prompt: hi\noutput:\n  \"${ input.k }\": ${ steps.a.output }\n", "9:3", "key '${ input.k }' holds '${', but keys are not evaluated: only values are templates, so the key would be that text as written" },
        { "a lookup key holding an expression", Head + "  - id: a\n    kind: deterministic\n    operation: lookup\n    input: ${ input.text }\n    table:\n      \"${ input.k }\": one\n", "10:7", "key '${ input.k }' holds '${', but keys are not evaluated: only values are templates, so the key would be that text as written" },
        { "lookup keys that read the same", Head + "  - id: a\n    kind: deterministic\n    operation: lookup\n    input: ${ input.text }\n    table:\n      Hello World: one\n      \"hello, world!\": two\n", "11:7", "table key 'hello, world!' matches the same text as 'Hello World' (keys are compared ignoring case, spacing and punctuation), so it can never be the answer" },
        { "lookup key of punctuation only", Head + "  - id: a\n    kind: deterministic\n    operation: lookup\n    input: ${ input.text }\n    table:\n      \"?!\": one\n", "10:7", "table key '?!' has no letters or digits, so it can never match" },
        { "steps.missing in a lookup table's value", Head + "  - id: a\n    kind: deterministic\n    operation: lookup\n    input: ${ input.text }\n    table:\n      hi: ${ steps.missing.output }\n", "10:20", "'steps.missing' refers to a step that does not exist" },
        { "item in a lookup's default outside foreach", Head + "  - id: a\n    kind: deterministic\n    operation: lookup\n    input: ${ input.text }\n    table: { hi: there }\n    default: ${ item }\n", "10:17", "'item' is only available inside a foreach step's 'do'" },
        { "foreach items with a block scalar's line break", Head + "  - id: a\n    kind: foreach\n    items: |\n      ${ input.a }\n    do:\n      kind: model\n      prompt: ${ item }\n", "7:12", "'items' must be a list, or one expression that yields one; the spaces or line break around its ${ } make it text: write items: ${ ... } on one line, or use '|-' or '>-' instead of '|' or '>'" },
        { "foreach items that are text", Head + "  - id: a\n    kind: foreach\n    items: ${ input.a }, ${ input.b }\n    do:\n      kind: model\n      prompt: ${ item }\n", "7:12", "'items' must be a list, or one expression that yields one (${ input.documents }); this text always yields text" },
        { "unknown operation", Head + "  - id: a\n    kind: deterministic\n    operation: sql\n    input: x\n", "7:16", "'operation' cannot be 'sql'; expected one of: template, regex, lookup" },
        { "retrieve not available", Head + "  - id: a\n    kind: retrieve\n    query: ${ input.q }\n", "6:11", "step kind 'retrieve' is not available yet: retrieval arrives with the semantic cache and embeddings" },
        { "name with spaces", "name: My Workflow\ninput:\n  type: object\nsteps:\n  - id: a\n    kind: model\n    prompt: hi\n", "1:7", "'name' 'My Workflow' does not match ^[a-z0-9][a-z0-9-]*$" },
        { "step id with capitals", Head + "  - id: Summarise\n    kind: model\n    prompt: hi\n", "5:9", "'id' 'Summarise' does not match ^[a-z][a-z0-9_-]*$" },
        { "empty steps", "name: demo\ninput:\n  type: object\nsteps: []\n", "4:8", "'steps' must not be empty" },
        { "missing steps", "name: demo\ninput:\n  type: object\n", "1:1", "missing required property 'steps'" },
        { "input schema not an object", "name: demo\ninput: a ticket\nsteps:\n  - id: a\n    kind: model\n    prompt: hi\n", "2:8", "'input' must be a mapping, found 'a ticket'" },
        { "input schema invalid", "name: demo\ninput:\n  type: objekt\nsteps:\n  - id: a\n    kind: model\n    prompt: hi\n", "3:9", "'input' is not a valid JSON Schema: 'type' cannot be 'objekt'; expected one of: array, boolean, integer, null, number, object, string" },
        { "output_schema invalid", Head + "  - id: a\n    kind: model\n    prompt: hi\n    output_schema:\n      type: object\n      required: category\n", "10:17", "'output_schema' is not a valid JSON Schema: 'required' must be a list" },
        { "max_escalations past an int", "name: demo\ninput:\n  type: object\nlimits:\n  max_escalations: 3000000000\nsteps:\n  - id: a\n    kind: model\n    prompt: hi\n", "5:20", "'max_escalations' must be at most 1000000, found 3000000000" },
        { "max_output_tokens past an int", Head + "  - id: a\n    kind: model\n    prompt: hi\n    max_output_tokens: 99999999999999999999\n", "8:24", "'max_output_tokens' must be at most 1000000, found 1E+20" },
        { "max_output_tokens past a million", Head + "  - id: a\n    kind: model\n    prompt: hi\n    max_output_tokens: 1000001\n", "8:24", "'max_output_tokens' must be at most 1000000, found 1000001" },
        { "max_input_tokens past an int", Head + "  - id: a\n    kind: model\n    prompt: hi\n    max_input_tokens: 2147483648\n", "8:23", "'max_input_tokens' must be at most 2147483647, found 2147483648" },
        { "batch_size past an int", Head + "  - id: a\n    kind: foreach\n    items: ${ input.list }\n    batch_size: 1e20\n    do:\n      kind: model\n      prompt: ${ item }\n", "8:17", "'batch_size' must be at most 2147483647, found 1E+20" },
        { "parallelism past an int", Head + "  - id: a\n    kind: foreach\n    items: ${ input.list }\n    parallelism: 3000000000\n    do:\n      kind: model\n      prompt: ${ item }\n", "8:18", "'parallelism' must be at most 2147483647, found 3000000000" },
        { "temperature too high", Head + "  - id: a\n    kind: model\n    prompt: hi\n    temperature: 3\n", "8:18", "'temperature' must be at most 2, found 3" },
        { "steps.missing in output", "name: demo\ninput:\n  type: object\nsteps:\n  - id: a\n    kind: model\n    prompt: hi\noutput:\n  answer: ${ steps.b.output }\n", "9:20", "'steps.b' refers to a step that does not exist; steps are: a" },
        { "number past a double", Head + "  - id: a\n    kind: model\n    prompt: hi\n    temperature: 1e400\n", "8:18", "the number 1e400 is too large (the largest is about 1.8e308)" },
        { "invalid pattern in the input schema", "name: demo\ninput:\n  type: object\n  properties:\n    x: { type: string, pattern: \"(x\" }\nsteps:\n  - id: a\n    kind: model\n    prompt: hi\n", "5:33", "'input' is not a valid JSON Schema: 'pattern' is not a valid regular expression: Invalid pattern '(x'" },
        { "invalid patternProperties key in an output schema", Head + "  - id: a\n    kind: model\n    prompt: hi\n    output_schema:\n      type: object\n      patternProperties:\n        \"[a\": { type: string }\n", "11:9", "'output_schema' is not a valid JSON Schema: 'patternProperties' key is not a valid regular expression" },
        { "steps.missing in a literal block after a blank line", Head + "  - id: a\n    kind: model\n    prompt: |\n\n      Use ${ steps.missing.output }\n", "9:20", "'steps.missing' refers to a step that does not exist" },
        { "steps.missing in a literal block with an indentation indicator", Head + "  - id: a\n    kind: model\n    prompt: |2\n        indented\n      Use ${ steps.missing.output }\n", "9:20", "'steps.missing' refers to a step that does not exist" },
        { "number past a decimal in the input schema's required", "name: demo\ninput:\n  type: object\n  required: [1000000000000000000000000000000]\nsteps:\n  - id: a\n    kind: model\n    prompt: hi\n", "4:14", "'input' is not a valid JSON Schema: 'required' item 1 is the number 1E+30, too large for the schema check to compare" },
        { "empty file", "", "1:1", "the file holds no YAML document" },
        // YamlDotNet said "Mapping values are not allowed in this context" (at the ':'), or "did not find expected key".
        { "plain key over 1024 characters", "name: demo\ninput:\n  type: object\n  properties:\n    " + new string('k', 1025) + ": { type: string }\nsteps: []\n", "5:5", "invalid YAML: this key is 1025 characters long; YAML reads a key written 'key: value' (an implicit key) only up to 1024, quoted or not. Shorten it, or write it as an explicit key" },
        { "quoted key over 1024 characters in a list item", Head + "  - \"" + new string('k', 1030) + "\": 1\n", "5:5", "invalid YAML: this key is 1032 characters long" },
        // A tag YAML's core schema does not have was dropped, and the value read as the text after it.
        { "custom tag", Head + "  - id: a\n    kind: deterministic\n    operation: template\n    input: !foo bar\n", "8:12", "the YAML tag '!foo' is not one a workflow reads (YAML's !!str, !!int, !!float, !!bool, !!null, !!map and !!seq); remove it, and quote the value if it is text" },
        { "!!binary", Head + "  - id: a\n    kind: deterministic\n    operation: template\n    input: !!binary aGVsbG8=\n", "8:12", "the YAML tag '!!binary' is not one a workflow reads" },
        { "custom tag on a key", "!foo name: demo\ninput:\n  type: object\nsteps: []\n", "1:1", "the YAML tag '!foo' is not one a workflow reads" },
        { "!!str on a mapping", "name: demo\ninput: !!str\n  type: object\nsteps: []\n", "2:8", "the YAML tag '!!str' does not fit a mapping; remove it" },
        { "!!int on text", Head + "  - id: a\n    kind: deterministic\n    operation: template\n    input: !!int \"abc\"\n", "8:12", "'abc' is not a whole number, which its tag !!int says it is; write one (such as 12), or remove the tag" },
        { "!!bool on yes", "name: demo\ninput:\n  type: object\nlimits:\n  premium_share: !!bool yes\nsteps: []\n", "5:18", "'yes' is not true or false, which its tag !!bool says it is" },
        { "key over 1024 characters at the top", "name: demo\n" + new string('k', 1030) + ":\n  a: 1\n", "2:1", "invalid YAML: this key is 1030 characters long" },
        { "document is a list", "- a\n- b\n", "1:1", "the document must be a mapping, found a list" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_BadInput_ReportsPositionAndMessage(string name, string yaml, string position, string message)
    {
        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowLoader.Parse(yaml, "demo.yaml"));

        var expected = $"demo.yaml:{position}: ";
        var found = ex.Diagnostics.Any(d => d.ToString().StartsWith(expected, StringComparison.Ordinal)
            && d.Message.Contains(message, StringComparison.Ordinal));
        Assert.True(found, $"{name}: expected '{expected}...{message}...' among:{Environment.NewLine}{ex.Message}");
    }

    [Fact]
    public void Parse_UnclosedFlowMappingBeforeABlockList_SaysWhereParsingStopped()
    {
        // YamlDotNet's scanner threw InvalidOperationException here, which ended frugal with a stack trace.
        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowLoader.Parse("a: { b: c\nd:\n  - e\n", "bad.yaml"));

        var diagnostic = Assert.Single(ex.Diagnostics).ToString();
        Assert.StartsWith("bad.yaml:", diagnostic, StringComparison.Ordinal);
        Assert.Contains("look for an unclosed '{' or '['", diagnostic, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NumberPastADouble_SaysSoOnce()
    {
        // 1e400 read as infinity, which the schema check could not serialise: frugal ended with exit 1 and
        // ".NET number values such as positive and negative infinity cannot be written as valid JSON".
        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowLoader.Parse(
            "name: demo\ninput:\n  type: object\nlimits:\n  premium_share: -2e999\nsteps:\n  - id: a\n    kind: model\n    prompt: hi\n", "demo.yaml"));

        Assert.Equal(
            "demo.yaml:5:18: the number -2e999 is too large (the largest is about 1.8e308); write a smaller number, or quote it to make it text",
            Assert.Single(ex.Diagnostics).ToString());
    }

    [Fact]
    public void Parse_MessageQuotingLineBreaks_StaysOnOneLine()
    {
        // A multi-line regex was quoted whole, so its problem spread over three lines, two of them without a position.
        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowLoader.Parse(
            Head + "  - id: a\n    kind: deterministic\n    operation: regex\n    input: x\n    pattern: |\n      (?<order>\n      [0-9]+\n", "demo.yaml"));

        Assert.Equal(
            "demo.yaml:9:14: 'pattern' is not a valid regular expression: Invalid pattern '(?<order>\\n[0-9]+\\n' at offset 17. Not enough )'s.",
            Assert.Single(ex.Diagnostics).ToString());
    }

    [Fact]
    public void Load_BytesThatAreNotUtf8_AreRefusedWhereTheyAre()
    {
        // A file saved as Windows-1252 read with U+FFFD in place of each accented letter, validated, and sent its models 'caf\uFFFD'.
        var path = Path.Combine(Path.GetTempPath(), $"frugal-latin1-{Guid.NewGuid():N}.yaml");
        File.WriteAllBytes(path, [.. System.Text.Encoding.ASCII.GetBytes(Head + "  - id: a\n    kind: model\n    prompt: Caf"), 0xE9, (byte)'\n']);
        try
        {
            var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowLoader.Load(path));

            Assert.Equal(
                $"{path}:7:16: the file is not UTF-8 text: byte 0xE9 here is not part of a UTF-8 character (was the file saved as Windows-1252 or Latin-1?); save it as UTF-8",
                Assert.Single(ex.Diagnostics).ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("utf-8 with a byte order mark")]
    [InlineData("utf-16")]
    public void Load_UnicodeWithAByteOrderMark_Reads(string encoding)
    {
        var path = Path.Combine(Path.GetTempPath(), $"frugal-bom-{Guid.NewGuid():N}.yaml");
        var text = Head + "  - id: a\n    kind: model\n    prompt: Café ☕\n";
        File.WriteAllText(path, text, encoding == "utf-16" ? System.Text.Encoding.Unicode : new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        try
        {
            var workflow = WorkflowLoader.Load(path);

            Assert.Equal(text, workflow.Source);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_EmptyFile_SaysSoOnce()
    {
        // The schema check added "the document must be a mapping, found nothing (null)" to the same place.
        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowLoader.Parse("", "empty.yaml"));

        Assert.Equal("empty.yaml:1:1: the file holds no YAML document; expected a workflow with name, input and steps", Assert.Single(ex.Diagnostics).ToString());
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsAllInFileOrder()
    {
        const string yaml = "name: Demo\ninput:\n  type: object\nsteps:\n  - id: a\n    kind: model\n    tier: auto\n    prompt: ${ steps.x.output }\n  - id: b\n    kind: foreach\n    items: ${ input.list }\n    batch_size: 0\n    do:\n      kind: model\n      prompt: hi\n";

        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowLoader.Parse(yaml, "demo.yaml"));

        Assert.Equal(["1:7", "7:11", "8:22", "12:17"], ex.Diagnostics.Select(d => $"{d.Location.Line}:{d.Location.Column}"));
        Assert.StartsWith("demo.yaml:1:7: 'name' 'Demo' does not match", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateStepAndBadTier_StillReportsTheirExpressions()
    {
        // The duplicate step was skipped and the step with an unknown tier dropped before its prompt was read: the
        // unterminated '${' and the missing step came to light only after the first two problems were fixed.
        const string yaml = "name: demo\ninput:\n  type: object\nsteps:\n  - id: s1\n    kind: model\n    tier: chep\n    prompt: ${ input.x\n  - id: s1\n    kind: model\n    tier: cheap\n    prompt: ${ steps.nope.output }\n";

        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowLoader.Parse(yaml, "demo.yaml"));

        Assert.Equal(
            [
                "demo.yaml:7:11: 'tier' cannot be 'chep'; expected one of: cheap, premium, auto, onnx",
                "demo.yaml:8:13: unterminated '${'; expected '}'",
                "demo.yaml:9:9: duplicate step id 's1'; it is already used by the step at line 5",
                "demo.yaml:12:22: 'steps.nope' refers to a step that does not exist; steps are: s1",
            ],
            ex.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void Parse_RejectedSteps_ReportTheirOwnProblemsButNoneAboutReferencesToThem()
    {
        // A step with an unknown kind, an unknown operation, no id, or a body with an unknown tier is still read to its
        // end; reading it, routing to it or naming it in 'needs' is no further error.
        const string yaml = "name: demo\ninput:\n  type: object\nsteps:\n"
            + "  - id: a\n    kind: modle\n    prompt: ${ steps.gone1.output }\n"
            + "  - id: b\n    kind: deterministic\n    operation: sql\n    input: ${ steps.gone2.output }\n"
            + "  - kind: classify\n    router: nosuch\n    input: ${ steps.gone3.output }\n"
            + "  - id: c\n    kind: model\n    tier: auto\n    route: b\n    needs: [a]\n    prompt: ${ steps.a.output } ${ steps.b.output }\n"
            + "  - id: f\n    kind: foreach\n    items: ${ steps.c.output }\n    do:\n      kind: model\n      tier: chep\n      prompt: ${ item } ${ steps.gone4 }\n"
            + "  - id: d\n    kind: model\n    prompt: ${ steps.f.output }\n";

        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowLoader.Parse(yaml, "demo.yaml", routers: ["rules"]));

        Assert.Equal(
            [
                "6:11: unknown step kind 'modle'; expected one of: classify, deterministic, model, foreach, retrieve",
                "7:22: 'steps.gone1' refers to a step that does not exist; steps are: a, b, c, f, d",
                "10:16: 'operation' cannot be 'sql'; expected one of: template, regex, lookup",
                "11:21: 'steps.gone2' refers to a step that does not exist; steps are: a, b, c, f, d",
                "12:5: missing required property 'id' (a classify step needs it)",
                "13:13: router 'nosuch' is not available; available: rules",
                "14:21: 'steps.gone3' refers to a step that does not exist; steps are: a, b, c, f, d",
                "26:13: 'tier' cannot be 'chep'; expected one of: cheap, premium, auto, onnx",
                "27:34: 'steps.gone4' refers to a step that does not exist; steps are: a, b, c, f, d",
            ],
            ex.Diagnostics.Select(d => $"{d.Location.Line}:{d.Location.Column}: {d.Message}"));
    }

    [Fact]
    public void Parse_SeveralBadExpressionsInOneString_ReportsEach()
    {
        // Only the first was reported: a file with five took five edits to learn of them all.
        const string yaml = "name: demo\ninput:\n  type: object\nsteps:\n  - id: a\n    kind: deterministic\n    operation: template\n    input: \"${ truncate('a') } ${ join('a','b','c','d') } ${ inptu.x } ${ item }\"\n";

        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowLoader.Parse(yaml, "demo.yaml"));

        Assert.Equal(
            [
                "8:16: truncate() takes 2 argument(s), got 1",
                "8:35: join() takes 1 to 2 argument(s), got 4",
                "8:62: unknown name 'inptu'; expected one of input, steps, item, index, run",
            ],
            ex.Diagnostics.Take(3).Select(d => $"{d.Location.Line}:{d.Location.Column}: {d.Message}"));
    }
}
