using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Frugal.Hosting.Tests.Cli;

public sealed class ReplayCommandTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("frugal-replay-tests-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Replay_LabelledPrompts_PrintsThreeVariantsAndDeletesItsLedger()
    {
        var csv = Write("labelled.csv", Labelled(12));
        var ledgersBefore = ReplayLedgers();

        var (code, output, error) = await CliRunner.RunAsync("replay", "--data", csv, "--workflow", RepoPaths.Workflow("routed-qa.yaml"), "--json");

        Assert.True(code == 0, error + output);
        var json = JsonNode.Parse(output)!.AsObject();
        Assert.Equal("routed-qa", json["workflow"]!.GetValue<string>());
        foreach (var variant in new[] { "auto", "cheap-only", "premium-only" })
        {
            Assert.Equal(12, json[variant]!["runs"]!.GetValue<int>());
            Assert.Equal(0, json[variant]!["failed"]!.GetValue<int>());
        }

        Assert.Equal(0, json["cheap-only"]!["premium_share"]!.GetValue<double>());
        Assert.Equal(1, json["premium-only"]!["premium_share"]!.GetValue<double>());
        Assert.InRange(json["auto"]!["premium_share"]!.GetValue<double>(), 0, 1);
        Assert.True(json["cheap-only"]!["dollars"]!.GetValue<decimal>() < json["premium-only"]!["dollars"]!.GetValue<decimal>(), output);

        // The cheap model gets the even rows wrong (cheap_score 0); the premium model gets every row right.
        Assert.Equal(0.5, json["cheap-only"]!["quality"]!.GetValue<double>());
        Assert.Equal(1, json["premium-only"]!["quality"]!.GetValue<double>());
        Assert.Equal(ledgersBefore, ReplayLedgers());
    }

    [Fact]
    public async Task Replay_FewPrompts_TableShowsTheCheapVariantsCostNotZero()
    {
        // Two prompts on the cheap model cost about $0.00006: the table printed 0.0000 for it, free at a glance, beside
        // "6.1 %" of premium-only's cost.
        var csv = Write("labelled.csv", Labelled(2));

        var (code, output, error) = await CliRunner.RunAsync("replay", "--data", csv, "--workflow", RepoPaths.Workflow("routed-qa.yaml"));

        Assert.True(code == 0, error + output);
        var cells = output.Split('\n').Select(l => l.Split('│', StringSplitOptions.TrimEntries)).Where(c => c.Length > 6).ToList();
        var dollars = cells.Single(c => c[1] == "cheap-only")[6];
        Assert.StartsWith("$", dollars, StringComparison.Ordinal);
        Assert.True(decimal.Parse(dollars.TrimStart('$'), CultureInfo.InvariantCulture) > 0, output);
        // The same places on every row, as the cost report's columns.
        Assert.Equal(dollars.Length, cells.Single(c => c[1] == "premium-only")[6].Length);
    }

    [Fact]
    public async Task Replay_CheapModelMissingFromThePriceTable_CountsItsCallsUnpriced()
    {
        // The cheap deployment answers as a model the price table lacks: its calls are recorded at $0, unpriced, and
        // cheap-only read $0 and "0.0 %" of premium-only's cost, free, where the cost report says their cost is unknown.
        var csv = Write("labelled.csv", Labelled(2));
        Write("frugal.json", """{ "Emulator": { "Deployments": { "gpt-4o-mini": { "Model": "gpt-9-mini-2030-01-01" } } } }""");

        var (code, output, error) = await CliRunner.RunProcessAsync(_directory.FullName, "replay", "--data", csv, "--workflow", RepoPaths.Workflow("routed-qa.yaml"));
        var (jsonCode, json, jsonError) = await CliRunner.RunProcessAsync(_directory.FullName, "replay", "--data", csv, "--workflow", RepoPaths.Workflow("routed-qa.yaml"), "--json");

        Assert.True(code == 0, error + output);
        Assert.True(jsonCode == 0, jsonError + json);
        var cheap = output.Split('\n').Select(l => l.Split('│', StringSplitOptions.TrimEntries)).Single(c => c.Length > 6 && c[1] == "cheap-only");
        Assert.EndsWith(" (+2 unpriced)", cheap[6], StringComparison.Ordinal);
        var variants = JsonNode.Parse(json)!.AsObject();
        Assert.Equal(2, variants["cheap-only"]!["unpriced_calls"]!.GetValue<int>());
        Assert.Equal(0, variants["premium-only"]!["unpriced_calls"]!.GetValue<int>());
    }

    [Fact]
    public async Task Replay_AutoTierWithACommentAndWindowsLineEnds_PinsCheapOnlyAndPremiumOnly()
    {
        // The line "tier: auto   # the router decides" was left as it was: "cheap-only" and "premium-only" ran auto
        // routing and printed its figures under their names.
        var source = File.ReadAllText(RepoPaths.Workflow("routed-qa.yaml")).ReplaceLineEndings("\r\n");
        Assert.Contains("    tier: auto\r\n", source, StringComparison.Ordinal);
        var workflow = Write("commented.yaml", source.Replace("    tier: auto\r\n", "    tier: 'auto'   # the router decides\r\n", StringComparison.Ordinal));
        var csv = Write("labelled.csv", Labelled(4));

        var (code, output, error) = await CliRunner.RunAsync("replay", "--data", csv, "--workflow", workflow, "--json");

        Assert.True(code == 0, error + output);
        var json = JsonNode.Parse(output)!.AsObject();
        Assert.Equal(0, json["cheap-only"]!["premium_share"]!.GetValue<double>());
        Assert.Equal(1, json["premium-only"]!["premium_share"]!.GetValue<double>());
    }

    [Fact]
    public async Task Replay_AnswerUnderAnotherOutputName_MeasuresItsQuality()
    {
        // Only an output key named 'answer' was read: this workflow measured 0.000 quality for every variant.
        var source = File.ReadAllText(RepoPaths.Workflow("routed-qa.yaml"));
        Assert.Contains("  answer: ${ steps.answer.output }", source, StringComparison.Ordinal);
        var workflow = Write("renamed.yaml", source.Replace("  answer: ${ steps.answer.output }", "  result:\n    text: ${ steps.answer.output }", StringComparison.Ordinal));
        var csv = Write("labelled.csv", Labelled(4));

        var (code, output, error) = await CliRunner.RunAsync("replay", "--data", csv, "--workflow", workflow, "--json");

        Assert.True(code == 0, error + output);
        var json = JsonNode.Parse(output)!.AsObject();
        Assert.Equal(0.5, json["cheap-only"]!["quality"]!.GetValue<double>());
        Assert.Equal(1, json["premium-only"]!["quality"]!.GetValue<double>());
        Assert.DoesNotContain("no marked answer", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_OutputWithoutTheAnswer_WarnsThatQualityCannotBeRead()
    {
        var source = File.ReadAllText(RepoPaths.Workflow("routed-qa.yaml"));
        var workflow = Write("tier-only.yaml", source.Replace("  answer: ${ steps.answer.output }", string.Empty, StringComparison.Ordinal));
        var csv = Write("labelled.csv", Labelled(2));

        var (code, output, error) = await CliRunner.RunAsync("replay", "--data", csv, "--workflow", workflow, "--json");

        Assert.True(code == 0, error + output);
        Assert.Contains(
            $"{workflow}: 6 completed run(s) have no marked answer in their output, counted as wrong: quality is read from the model step's answer the emulator marks "
            + "(text starting 'CORRECT: ' or 'WRONG: ', or a JSON answer's 'correct'), so the workflow's output must carry it (e.g. 'answer: ${ steps.answer.output }')",
            error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_TwoAutoSteps_PremiumShareIsOfTheirCalls()
    {
        // Premium calls were divided by runs: premium-only read 200.0 % for a workflow with two auto steps.
        var source = File.ReadAllText(RepoPaths.Workflow("routed-qa.yaml"));
        var second = "  - id: again\n    kind: model\n    tier: auto\n    route: route\n    max_output_tokens: 50\n    prompt: ${ input.prompt }\n\noutput:\n";
        var workflow = Write("two.yaml", source.Replace("output:\n", second, StringComparison.Ordinal));
        var csv = Write("labelled.csv", Labelled(4));

        var (code, output, error) = await CliRunner.RunAsync("replay", "--data", csv, "--workflow", workflow, "--json");

        Assert.True(code == 0, error + output);
        var json = JsonNode.Parse(output)!.AsObject();
        Assert.Equal(0, json["cheap-only"]!["premium_share"]!.GetValue<double>());
        Assert.Equal(1, json["premium-only"]!["premium_share"]!.GetValue<double>());
        Assert.InRange(json["auto"]!["premium_share"]!.GetValue<double>(), 0, 1);
    }

    [Fact]
    public async Task Replay_RunsThatFail_CountAsWrongAnswersInQuality()
    {
        // Quality was correct answers over completed runs: premium-only read 1.000 with half its runs failed.
        var source = File.ReadAllText(RepoPaths.Workflow("routed-qa.yaml"));
        var check = "  - id: check\n    kind: deterministic\n    operation: template\n    input: ${ startswith(input.prompt, 'What') && number(input.prompt) }\n\noutput:\n";
        var workflow = Write("fails.yaml", source.Replace("\noutput:\n", "\n" + check, StringComparison.Ordinal));
        var csv = Write("labelled.csv", Labelled(4)); // rows 1 and 3 ask "What is ...": their runs fail

        var (code, output, error) = await CliRunner.RunAsync("replay", "--data", csv, "--workflow", workflow, "--json");

        Assert.True(code == 1, error + output);
        var premium = JsonNode.Parse(output)!["premium-only"]!;
        Assert.Equal((2, 2), (premium["runs"]!.GetValue<int>(), premium["failed"]!.GetValue<int>()));
        Assert.Equal(0.5, premium["quality"]!.GetValue<double>());
    }

    [Fact]
    public async Task Replay_AutoTierInAFlowMapping_ExitsTwoNamingTheStep()
    {
        var workflow = Write("flow.yaml", """
            name: flow
            input: { type: object, required: [prompt], properties: { prompt: { type: string } } }
            steps:
              - { id: route, kind: classify, input: "${ input.prompt }" }
              - { id: answer, kind: model, tier: auto, route: route, prompt: "${ input.prompt }" }
            output: { answer: "${ steps.answer.output }" }
            """);
        var csv = Write("labelled.csv", Labelled(2));

        var (code, output, error) = await CliRunner.RunAsync("replay", "--data", csv, "--workflow", workflow);

        Assert.Equal(2, code);
        Assert.Equal(
            $"{workflow}:5:5: step 'answer': replay cannot pin its 'tier: auto' to cheap and premium: it rewrites lines that read 'tier: auto' (in block style); write the key on a line of its own",
            error.Trim());
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public async Task Replay_WorkflowWithoutAutoSteps_ExitsTwoSayingTheVariantsWouldBeTheSame()
    {
        var workflow = Write("cheap.yaml", """
            name: cheap
            input: { type: object, required: [prompt], properties: { prompt: { type: string } } }
            steps:
              - id: answer
                kind: model
                prompt: ${ input.prompt }
            output: { answer: "${ steps.answer.output }" }
            """);
        var csv = Write("labelled.csv", Labelled(2));

        var (code, output, error) = await CliRunner.RunAsync("replay", "--data", csv, "--workflow", workflow);

        Assert.Equal(2, code);
        Assert.Equal(
            $"{workflow}: replay compares the workflow's 'tier: auto' model steps with cheap-only and premium-only runs, and it has none: the three would run the same calls",
            error.Trim());
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public async Task Run_LabelledCsvAsInput_ReportsAutoBesideCheapOnlyAndPremiumOnly()
    {
        // Issue 5 asks for it from `frugal run` itself ("same command, same run").
        var csv = Write("labelled.csv", Labelled(12));

        var (code, output, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("routed-qa.yaml"), "--input", csv);

        Assert.True(code == 0, error + output);
        Assert.Contains("routed-qa: 12 labelled prompts, same host, same prices", output, StringComparison.Ordinal);
        foreach (var variant in new[] { "auto", "cheap-only", "premium-only" })
        {
            Assert.Contains(variant, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Replay_MissingDataFile_ExitsTwoNamingIt()
    {
        var missing = Path.Combine(_directory.FullName, "missing.csv");

        var (code, output, error) = await CliRunner.RunAsync("replay", "--data", missing, "--workflow", RepoPaths.Workflow("routed-qa.yaml"));

        Assert.Equal(2, code);
        Assert.Contains("missing.csv", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public async Task Replay_SeveralBadRows_ExitsTwoListingEveryOneAndRunsNothing()
    {
        // It stopped at the first bad row ("line 3: 'cheap_score' is 'high', not a number."), so a file with three took
        // three tries to fix.
        var csv = Write("bad.csv", "id,source,prompt,cheap_score,premium_score\n"
            + "r1,mmlu,What is 2+2?,1,1\n"
            + "r2,mmlu,What is 3+3?,high,1\n"
            + "r3,mmlu,,1,2\n"
            + "r4,mmlu,What is 4+4?,1\n"
            + "r5,mmlu,What is 5+5?,0,1\n");
        var ledgersBefore = ReplayLedgers();

        var (code, output, error) = await CliRunner.RunAsync("replay", "--data", csv, "--workflow", RepoPaths.Workflow("routed-qa.yaml"));

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Equal(
            [
                $"{csv}:3: 'cheap_score' is 'high', not a number.",
                $"{csv}:4: 'prompt' is empty; 'premium_score' is 2, outside [0, 1].",
                $"{csv}:5: 4 field(s), but the header has 5.",
            ],
            error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(ledgersBefore, ReplayLedgers()); // nothing ran
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public async Task Replay_LimitBelowOne_ExitsTwoNamingIt(string limit)
    {
        var data = Path.Combine(_directory.FullName, "labelled.csv");
        File.WriteAllText(data, Labelled(2));

        var (code, _, error) = await CliRunner.RunAsync("replay", "--data", data, "--limit", limit);

        Assert.Equal(2, code);
        Assert.Contains($"--limit: '{limit}' is not a whole number above 0", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_WorkflowWhoseInputIsNotAPrompt_ExitsTwoSayingWhy()
    {
        var data = Path.Combine(_directory.FullName, "labelled.csv");
        File.WriteAllText(data, Labelled(2));
        var workflow = RepoPaths.Workflow("support-triage.yaml");

        var (code, output, error) = await CliRunner.RunAsync("replay", "--data", data, "--workflow", workflow);

        Assert.Equal(2, code);
        Assert.StartsWith($"{workflow}: replay starts each run with the input {{\"prompt\": <the row's prompt>}}, which the workflow's input schema refuses: ", error.Trim(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public void Print_VariantsOfTheSameCost_ShowTheSameDollars()
    {
        // The variants were rounded as a column adding up to a total, which they are not: of two variants costing
        // $0.000155 each, one printed 0.00016 and the other 0.00015.
        var definition = Frugal.Workflows.WorkflowLoader.Parse(File.ReadAllText(RepoPaths.Workflow("routed-qa.yaml")), "routed-qa.yaml");
        var output = new StringWriter();

        Frugal.Cli.Commands.ReplayCommand.Print(output, definition,
        [
            new("auto", 2, 0, 1, 2, 0.000155m, 1),
            new("cheap-only", 2, 0, 0, 1, 0.000155m, 1),
            new("premium-only", 2, 0, 2, 2, 0.0003m, 1),
        ]);

        var text = output.ToString();
        Assert.Equal(2, text.Split("0.00016").Length - 1);
        Assert.DoesNotContain("0.00015", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_MissingWorkflowFile_ExitsTwoNamingIt()
    {
        var missing = Path.Combine(_directory.FullName, "nope.yaml");
        var data = Path.Combine(_directory.FullName, "labelled.csv");
        File.WriteAllText(data, Labelled(2));

        var (code, output, error) = await CliRunner.RunAsync("replay", "--data", data, "--workflow", missing);

        Assert.Equal(2, code);
        Assert.Equal($"{missing}: workflow file not found", error.Trim());
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public async Task Replay_DefaultWorkflowNotInTheCurrentFolder_SaysItIsTheDefaultOfWorkflow()
    {
        // Outside the repository it said "workflows/routed-qa.yaml: workflow file not found", a file the user never named.
        var data = Path.Combine(_directory.FullName, "labelled.csv");
        File.WriteAllText(data, Labelled(2));

        var (code, output, error) = await CliRunner.RunProcessAsync(_directory.FullName, "replay", "--data", data);

        Assert.Equal(2, code);
        Assert.Equal(
            $"workflows/routed-qa.yaml: workflow file not found; it is the default of -w/--workflow, the repository's example relative to the current folder ({_directory.FullName}): pass -w <workflow.yaml>",
            error.Trim());
        Assert.Equal(string.Empty, output);
    }

    /// <summary>The replay's own cost ledgers in the temp folder (it deletes each when it is done).</summary>
    private static string[] ReplayLedgers() =>
        [.. Directory.GetDirectories(Path.GetTempPath(), "frugal-replay-*").Where(d => !d.Contains("frugal-replay-tests-", StringComparison.Ordinal)).Order()];

    [Fact]
    public async Task Replay_TerminatedWithStepsInFlight_LetsThemFinishInsteadOfPrintingThemAsFailed()
    {
        // The host was disposed under the steps in flight: each printed "warning: Run ...: step answer attempt 1
        // failed: System.ObjectDisposedException" on a stop. The models answer after 4 s, so steps are in flight.
        var csv = Write("labelled.csv", Labelled(12));
        Write("frugal.json", """{ "Emulator": { "Deployments": { "gpt-4o-mini": { "LatencyMs": 4000 }, "gpt-4o": { "LatencyMs": 4000 } } } }""");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = _directory.FullName, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "frugal.dll"), "replay", "--data", csv, "--workflow", RepoPaths.Workflow("routed-qa.yaml") })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            var output = process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var error = new StringBuilder();
            string? line;
            while ((line = await process.StandardError.ReadLineAsync(timeout.Token)) is not null)
            {
                error.AppendLine(line);
                if (line.StartsWith("replaying 12 prompts: auto", StringComparison.Ordinal))
                {
                    break;
                }
            }

            if (line is null)
            {
                Assert.Fail($"frugal ended before replaying: {error}{await output}");
            }

            await Task.Delay(TimeSpan.FromSeconds(2), timeout.Token);
            using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(timeout.Token);
            }

            error.Append(await process.StandardError.ReadToEndAsync(timeout.Token));
            await process.WaitForExitAsync(timeout.Token);

            Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}: {error}");
            Assert.Contains("stopping: waiting up to 10 s for ", error.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("failed", error.ToString(), StringComparison.Ordinal);
            Assert.EndsWith("cancelled", error.ToString().Trim(), StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Rows in the labelled format: odd rows both tiers answer well, even rows only premium does.</summary>
    private static string Labelled(int rows)
    {
        var text = new StringBuilder("id,source,prompt,cheap_score,premium_score\n");
        for (var i = 0; i < rows; i++)
        {
            var prompt = i % 2 == 0
                ? $"\"A train leaves at {i}:00 and travels {i * 40 + 30} km at 60 km/h, then waits 20 minutes.\nWhen does it arrive?\""
                : $"\"What is the capital of country number {i}?\"";
            text.Append(CultureInfo.InvariantCulture, $"r{i},{(i % 2 == 0 ? "gsm8k" : "mmlu/geography")},{prompt},{i % 2},1\n");
        }

        return text.ToString();
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }
}
