using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Frugal.Workflows;

namespace Frugal.Core.Tests.Workflows;

public sealed class WorkflowLoaderTests
{
    private const string AllKinds = """
        name: all-kinds
        description: Every step kind.
        input:
          type: object
          properties:
            text: { type: string }
            docs: { type: array }
        steps:
          - id: clean
            kind: deterministic
            operation: regex
            input: ${ input.text }
            pattern: "order (?<order>[0-9]+)"
            default: no
          - id: triage
            kind: classify
            input: ${ input.text }
            premium_threshold: 0.7
            needs: [clean]
          - id: answer
            kind: model
            tier: auto
            route: triage
            when: steps.clean.output != null
            system: Be brief.
            prompt: "Order ${ steps.clean.output.order }: ${ input.text }"
            max_output_tokens: 200
            temperature: 0.5
            output_schema:
              type: object
          - id: each
            kind: foreach
            items: ${ input.docs }
            batch_size: 4
            do:
              kind: model
              prompt: ${ index }. ${ item.text } (after ${ steps.answer.output })
        output:
          answer: ${ steps.answer.output }
          items: ${ steps.each.output }
        """;

    [Fact]
    public void Parse_EveryKind_BuildsTypedSteps()
    {
        var workflow = WorkflowLoader.Parse(AllKinds, "all.yaml");

        var clean = Assert.IsType<DeterministicStep>(workflow.Steps[0]);
        Assert.Equal(DeterministicOperation.Regex, clean.Operation);
        Assert.Equal("order (?<order>[0-9]+)", clean.Pattern);
        Assert.Equal("no", clean.Default!.GetValue<string>());
        var triage = Assert.IsType<ClassifyStep>(workflow.Steps[1]);
        Assert.Equal(0.7, triage.PremiumThreshold);
        Assert.Equal("rules", triage.Router);
        var answer = Assert.IsType<ModelStep>(workflow.Steps[2]);
        Assert.Equal(ModelTier.Auto, answer.Tier);
        Assert.Equal("triage", answer.Route);
        Assert.Equal(200, answer.MaxOutputTokens);
        Assert.Equal(0.5f, answer.Temperature);
        Assert.NotNull(answer.OutputSchema);
        Assert.NotNull(answer.When);
        var each = Assert.IsType<ForEachStep>(workflow.Steps[3]);
        Assert.Equal(4, each.BatchSize);
        Assert.Equal(8, each.Parallelism);
        Assert.IsType<ModelStep>(each.Body);
        Assert.Equal("all-kinds", workflow.Name);
        Assert.Equal("Every step kind.", workflow.Description);
        Assert.Equal(new SourceLocation("all.yaml", 9, 5), clean.Location);
    }

    [Fact]
    public void Parse_MergeKey_SharesAStepsSettingsAndWrittenKeysWin()
    {
        // "<<: *common" read as a property named "<<": the step was refused as missing kind and prompt.
        var workflow = WorkflowLoader.Parse(
            """
            name: merged
            input: { type: object }
            steps:
              - &common
                id: a
                kind: model
                tier: cheap
                max_output_tokens: 50
                prompt: hi
              - <<: *common
                id: b
                tier: premium
                prompt: there
            """,
            "merged.yaml");

        var b = Assert.IsType<ModelStep>(workflow.Steps[1]);
        Assert.Equal(("b", ModelTier.Premium, 50), (b.Id, b.Tier, b.MaxOutputTokens));
        Assert.Equal("there", b.Prompt.ToString().Trim('"'));
    }

    [Fact]
    public void Parse_References_ComputesDependsOn()
    {
        var workflow = WorkflowLoader.Parse(AllKinds, "all.yaml");

        Assert.Empty(workflow.Steps[0].DependsOn);
        Assert.Equal(["clean"], workflow.Steps[1].DependsOn);
        Assert.Equal(["clean", "triage"], workflow.Steps[2].DependsOn);
        Assert.Equal(["answer"], workflow.Steps[3].DependsOn);
    }

    [Fact]
    public void Parse_SameSource_HashIsSha256OfUtf8Source()
    {
        var first = WorkflowLoader.Parse(AllKinds, "a.yaml");
        var second = WorkflowLoader.Parse(AllKinds, "b.yaml");
        var changed = WorkflowLoader.Parse(AllKinds + "\n# comment\n", "a.yaml");

        Assert.Equal(first.Hash, second.Hash);
        Assert.NotEqual(first.Hash, changed.Hash);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AllKinds))), first.Hash);
        Assert.Equal(AllKinds, first.Source);
    }

    [Fact]
    public void Parse_Templates_EvaluateAgainstScope()
    {
        var workflow = WorkflowLoader.Parse(AllKinds, "all.yaml");
        var answer = Assert.IsType<ModelStep>(workflow.Steps[2]);
        var scope = new JsonObject
        {
            ["input"] = new JsonObject { ["text"] = "where is it?" },
            ["steps"] = new JsonObject { ["clean"] = new JsonObject { ["output"] = new JsonObject { ["order"] = "42" } } },
        };

        Assert.Equal("Order 42: where is it?", answer.Prompt.Render(scope));
        Assert.True(answer.When!.IsTrue(scope));
    }

    [Fact]
    public void Parse_OptionalFieldsAbsent_KeepRecordDefaults()
    {
        const string yaml = "name: d\ninput: {type: object}\nsteps:\n  - id: c\n    kind: classify\n    input: x\n  - id: m\n    kind: model\n    prompt: hi\n";

        var workflow = WorkflowLoader.Parse(yaml, "d.yaml");

        Assert.Equal(new ClassifyStep { Id = "x", Location = new("f", 1, 1), Input = Frugal.Expressions.ValueTemplate.Parse("x") }.PremiumThreshold,
            Assert.IsType<ClassifyStep>(workflow.Steps[0]).PremiumThreshold);
        Assert.Equal(ModelTier.Cheap, Assert.IsType<ModelStep>(workflow.Steps[1]).Tier);
        Assert.Null(workflow.Output);
    }

    [Fact]
    public void Parse_PlainYamlScalars_FollowYaml12CoreSchema()
    {
        const string yaml = "name: d\ninput: {type: object}\nsteps:\n  - id: t\n    kind: deterministic\n    operation: lookup\n    input: x\n    table: {norway: no, on: on, n: 3, f: 1.5, yes: true, nothing: ~}\n";

        var table = Assert.IsType<DeterministicStep>(WorkflowLoader.Parse(yaml, "d.yaml").Steps[0]).Table!;

        Assert.Equal("no", table["norway"]!.GetValue<string>());
        Assert.Equal("on", table["on"]!.GetValue<string>());
        Assert.Equal(3, table["n"]!.GetValue<long>());
        Assert.Equal(1.5, table["f"]!.GetValue<double>());
        Assert.True(table["yes"]!.GetValue<bool>());
        Assert.Null(table["nothing"]);
    }

    [Fact]
    public void Parse_CoreSchemaTags_SetOrConfirmTheType()
    {
        // !!int "12" read as the text "12"; the non-specific '!' makes a value text, as YAML says.
        const string yaml = "name: d\ninput: !!map {type: object}\nsteps: !!seq\n  - id: t\n    kind: deterministic\n    operation: lookup\n    input: x\n    table: &t {s: !!str 12, i: !!int \"12\", f: !!float 3, b: !!bool \"true\", n: !!null \"\", p: ! 12}\n"
            + "  - id: u\n    kind: deterministic\n    operation: lookup\n    input: x\n    table:\n      <<: *t\n      s: !!str &a 1.5\n      q: *a\n";

        var steps = WorkflowLoader.Parse(yaml, "d.yaml").Steps;

        var table = Assert.IsType<DeterministicStep>(steps[0]).Table!;
        Assert.Equal("12", table["s"]!.GetValue<string>());
        Assert.Equal(12, table["i"]!.GetValue<long>());
        Assert.Equal(3.0, table["f"]!.GetValue<double>());
        Assert.True(table["b"]!.GetValue<bool>());
        Assert.Null(table["n"]);
        Assert.Equal("12", table["p"]!.GetValue<string>());
        var merged = Assert.IsType<DeterministicStep>(steps[1]).Table!;
        Assert.Equal("1.5", merged["s"]!.GetValue<string>());
        Assert.Equal("1.5", merged["q"]!.GetValue<string>());
        Assert.Equal(12, merged["i"]!.GetValue<long>());
    }

    [Fact]
    public void Parse_ExplicitKeyOver1024Characters_Reads()
    {
        // What the message for a longer implicit key advises.
        var key = new string('k', 1030);
        var yaml = $"name: d\ninput:\n  type: object\n  properties:\n    ? {key}\n    : {{ type: string }}\nsteps:\n  - id: m\n    kind: model\n    prompt: hi\n";

        var workflow = WorkflowLoader.Parse(yaml, "d.yaml");

        Assert.Equal("string", workflow.InputSchema["properties"]![key]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Parse_DuplicateKey_ReportsInvalidYamlAtKey()
    {
        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowLoader.Parse("name: a\nname: b\n", "d.yaml"));

        Assert.Equal("d.yaml:2:1: invalid YAML: Duplicate key name", Assert.Single(ex.Diagnostics).ToString());
    }

    [Fact]
    public void Parse_RecursiveAlias_ReportsTooDeepInsteadOfLooping()
    {
        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowLoader.Parse("name: a\ninput: &x {a: [*x]}\nsteps: []\n", "d.yaml"));

        Assert.Contains(ex.Diagnostics, d => d.Message.Contains("nested deeper than 50 levels", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NestedFarPastTheLimit_ReportsTooDeepInsteadOfOverflowingTheStack()
    {
        // YamlDotNet loads nested collections by recursion: this overflowed the stack and killed the process.
        var yaml = "name: a\ninput: " + new string('[', 100_000) + new string(']', 100_000) + "\nsteps: []\n";

        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowLoader.Parse(yaml, "d.yaml"));

        Assert.Equal("d.yaml:2:58: the document is nested deeper than 50 levels", Assert.Single(ex.Diagnostics).ToString());
    }

    [Fact]
    public void Parse_BillionLaughs_ReportsOnlyTheExpansion()
    {
        // Nine levels of ten aliases: a billion values. The part converted before the limit was checked too, and added
        // problems that were not there ("'steps' must be a list, found nothing", unknown properties at 1:1).
        var yaml = "name: a\ninput: {type: object}\nsteps: []\nl0: &l0 lol\n" + string.Concat(Enumerable.Range(1, 9).Select(i =>
            $"l{i}: &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10))}]\n"));

        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowLoader.Parse(yaml, "d.yaml"));

        Assert.Equal("d.yaml:4:5: the document expands to more than 100,000 values (check anchors and aliases)", Assert.Single(ex.Diagnostics).ToString());
    }

    [Fact]
    public void Parse_AliasesOfALongText_ReportsTooManyCharacters()
    {
        // 10,000 aliases of a 10,000-character text are 11,111 values but 100 million characters; a million aliases of
        // a 1 MB text held 4 GB before the process ran out of memory.
        var yaml = $"name: a\ninput: {{type: object}}\nsteps: []\nl0: &l0 {new string('x', 10_000)}\n" + string.Concat(Enumerable.Range(1, 4).Select(i =>
            $"l{i}: &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10))}]\n"));

        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowLoader.Parse(yaml, "d.yaml"));

        Assert.Equal("d.yaml:4:5: the document expands to more than 10,000,000 characters of keys and values (check anchors and aliases)",
            Assert.Single(ex.Diagnostics).ToString());
    }

    [Fact]
    public void Parse_EmbeddedSchema_MatchesWorkflowsSchemaJson()
    {
        var onDisk = JsonNode.Parse(File.ReadAllText(RepoPaths.Workflow("schema.json")));

        Assert.True(JsonNode.DeepEquals(onDisk, SchemaValidation.WorkflowSchemaNode));
    }

    [Fact]
    public void Parse_KeysLeftOut_TakeTheDefaultsTheSchemaShowsEditors()
    {
        // schema.json told editors that premium_threshold defaults to 0.5 while a classify step without one routes at
        // 0.35 (support-triage's triage step relies on it), so a ticket scoring 0.4 went to premium against the hover text.
        var workflow = WorkflowLoader.Parse("""
            name: d
            input: {type: object}
            steps:
              - id: triage
                kind: classify
                input: hi
              - id: each
                kind: foreach
                items: ${ input.docs }
                do:
                  kind: model
                  prompt: hi
              - id: faq
                kind: deterministic
                operation: lookup
                match: semantic
                input: hi
                table: { a: b }
            """, "d.yaml");
        var definitions = SchemaValidation.WorkflowSchemaNode["$defs"]!;
        double Default(string step, string key) => definitions[step]!["properties"]![key]!["default"]!.GetValue<double>();

        var classify = Assert.IsType<ClassifyStep>(workflow.Steps[0]);
        var foreach_ = Assert.IsType<ForEachStep>(workflow.Steps[1]);
        var lookup = Assert.IsType<DeterministicStep>(workflow.Steps[2]);
        Assert.Equal(Default("classifyStep", "premium_threshold"), classify.PremiumThreshold);
        Assert.Equal(definitions["classifyStep"]!["properties"]!["router"]!["default"]!.GetValue<string>(), classify.Router);
        Assert.Equal(Default("foreachStep", "batch_size"), foreach_.BatchSize);
        Assert.Equal(Default("foreachStep", "parallelism"), foreach_.Parallelism);
        Assert.Equal(Default("deterministicStep", "min_similarity"), lookup.MinSimilarity);
    }

    [Fact]
    public void ValidateSchemaDocument_WorkflowSchema_IsAValidJsonSchema()
    {
        Assert.Empty(SchemaValidation.ValidateSchemaDocument(SchemaValidation.WorkflowSchemaNode));
    }

    [Fact]
    public void Parse_EmptyOutput_MeansEveryStepsOutput()
    {
        var workflow = WorkflowLoader.Parse("name: d\ninput: {type: object}\nsteps:\n  - id: m\n    kind: model\n    prompt: hi\noutput:\n", "d.yaml");

        Assert.Null(workflow.Output);
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => WorkflowLoader.Load(Path.Combine(Path.GetTempPath(), "no-such-workflow.yaml")));
    }
}
