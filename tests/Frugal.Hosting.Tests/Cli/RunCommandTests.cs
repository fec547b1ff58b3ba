using Frugal.Cli.Commands;
using Frugal.Costs;
using Microsoft.Extensions.Configuration;

namespace Frugal.Hosting.Tests.Cli;

public sealed class RunCommandTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("frugal-cli-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Run_SupportTriageSamples_PrintsEveryResultAndASummary()
    {
        var (code, output, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", RepoPaths.Sample("support-triage.jsonl"));

        Assert.True(code == 0, error + output);
        Assert.Contains("using the built-in model emulator", output, StringComparison.Ordinal);
        Assert.Contains("[1/9] support-triage.jsonl:", output, StringComparison.Ordinal);
        Assert.Contains("[9/9]", output, StringComparison.Ordinal);
        Assert.Contains("9 completed, 0 failed", output, StringComparison.Ordinal);
        Assert.Contains("\"answered_by\": \"faq\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InvalidWorkflow_ExitsTwoWithFileLineColumn()
    {
        var file = Temp("bad.yaml", "name: bad\ninput: { type: object }\nsteps:\n  - id: a\n    kind: teleport\n");

        var (code, output, error) = await CliRunner.RunAsync("run", file, "--input", Temp("in.json", "{}"));

        Assert.Equal(2, code);
        Assert.Contains($"{file}:5:", error, StringComparison.Ordinal);
        Assert.Contains("teleport", error, StringComparison.Ordinal);
        Assert.DoesNotContain("[1/", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_JsonlWithABadLine_ExitsTwoNamingTheLine()
    {
        var input = Temp("tickets.jsonl", "{\"subject\": \"a\", \"body\": \"b\"}\n\n{\"subject\": oops}\n{\"subject\": \"a\",,}\n");

        var (code, _, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", input);

        Assert.Equal(2, code);
        Assert.Contains($"{input}:3:13: expected a JSON value: 'o' is an invalid start of a value", error, StringComparison.Ordinal);
        Assert.Contains($"{input}:4:", error, StringComparison.Ordinal); // every bad line, not only the first
        Assert.DoesNotContain("LineNumber", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_JsonLinesInADotJsonFile_ExitsTwoSayingToNameItJsonl()
    {
        // It said only "'{' is invalid after a single JSON value. Expected end of data", and nothing of .jsonl.
        var input = Temp("tickets.json", "{\"subject\": \"a\", \"body\": \"b\"}\n{\"subject\": \"c\", \"body\": \"d\"}\n");

        var (code, output, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", input);

        Assert.Equal(2, code);
        Assert.StartsWith($"{input}:2:1: expected a JSON value: ", error, StringComparison.Ordinal);
        Assert.EndsWith("; the file holds one JSON value per line: name it .jsonl for one run per line", error.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("[1/", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OneInputOverSeveralLinesOfAJsonlFile_ExitsTwoSayingToNameItJson()
    {
        // Each line was refused on its own, the first with "Expected depth to be zero at the end of the JSON payload".
        var input = Temp("ticket.jsonl", "{\n  \"subject\": \"a\",\n  \"body\": \"b\"\n}\n");

        var (code, output, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", input);

        Assert.Equal(2, code);
        Assert.Equal(
            $"{input}: the file holds one JSON value over 4 lines, where a .jsonl file holds one value per line: name it .json for one run, or write each input on a line of its own",
            error.Trim());
        Assert.DoesNotContain("[1/", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_JsonlWithABadLineAndASchemaViolation_ListsBothInLineOrder()
    {
        // The schema's violations showed only once every line parsed: one more fix-and-retry.
        var input = Temp("tickets.jsonl", "{\"subject\": 5, \"body\": \"b\"}\n{\"subject\": oops}\n");

        var (code, _, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", input);

        Assert.Equal(2, code);
        var lines = error.Trim().ReplaceLineEndings("\n").Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"{input}:1:13: /subject:", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{input}:2:13: expected a JSON value", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_JsonInputViolatingTheSchema_SaysWhereEachValueIs()
    {
        // A .json input's violations named only the pointer: in a file of many lines the value had to be found by hand.
        var input = Temp("ticket.json", "{\n  \"subject\": \"Zahlung fehlgeschlagen\",\n  \"body\": \"ok\",\n  \"customer_tier\": 5\n}\n");

        var (code, _, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", input);

        Assert.Equal(2, code);
        Assert.StartsWith($"{input}:4:20: /customer_tier: 'customer_tier' must be a text, found 5", error.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ticket.json", "{\n  \"subject\": \"a\",\n  \"body\": \"b\",\n  \"meta\": {\"\\ud800\": 1}\n}\n", "4:12: expected a JSON value: a property name in the object at $.meta is not valid text")]
    [InlineData("tickets.jsonl", "{\"subject\": \"a\", \"body\": \"b\"}\n{\"subject\": \"😀\", \"\\udfff\": 1}\n", "2:19: expected a JSON value: a property name in the object at $ is not valid text")]
    public async Task Run_InputWithAPropertyNameThatIsNotText_SaysWhereTheNameIs(string name, string content, string expected)
    {
        // The strict parse fails on the name before any place is known: this was printed at 1:1 (in a .jsonl file, at
        // column 1 of its line) with "a property name is not valid text", and the name had to be found by hand.
        var input = Temp(name, content);

        var (code, _, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", input);

        Assert.Equal(2, code);
        Assert.StartsWith($"{input}:{expected} (it holds a lone UTF-16 surrogate, such as \\ud800 without its pair)", error.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ticket.json", "{\n  \"subject\": \"a\",\n  \"body\": \"b\",\n  \"meta\": {\"note\": \"x\\ud800\"}\n}\n", "4:20: expected a JSON value: the string at $.meta.note is not valid text")]
    [InlineData("tickets.jsonl", "{\"subject\": \"a\", \"body\": \"b\"}\n{\"subject\": \"😀\", \"body\": [\"\\udfff\"]}\n", "2:28: expected a JSON value: the string at $.body[0] is not valid text")]
    public async Task Run_InputWithAStringThatIsNotText_SaysWhereTheStringIs(string name, string content, string expected)
    {
        // The string was named by its path but printed at 1:1 (in a .jsonl file, at column 1 of its line), and in a long
        // input it had to be found by hand.
        var input = Temp(name, content);

        var (code, _, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", input);

        Assert.Equal(2, code);
        Assert.StartsWith($"{input}:{expected} (it holds a lone UTF-16 surrogate, such as \\ud800 without its pair)", error.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ticket.json", "{\"subject\": \"😀\", \"x\": }", "1:24: expected a JSON value")]
    [InlineData("tickets.jsonl", "{\"subject\": \"a\", \"body\": \"b\"}\n{\"subject\": \"😀\", \"x\": }", "2:24: expected a JSON value")]
    [InlineData("tickets.jsonl", "{\"subject\": \"😀\", \"body\": 5}", "1:27: /body:")]
    [InlineData("ticket.json", "{\"subject\": \"😀\",\n \"body\": \"😀\", \"customer_tier\": 5}", "2:33: /customer_tier:")]
    public async Task Run_InputWithAnEmojiBeforeTheProblem_CountsTheColumnInUtf16UnitsAsWorkflowFilesDo(string name, string content, string expected)
    {
        // An emoji counted one column in a JSON input and two in a workflow file: each emoji before a JSON problem put it
        // one column left of where an editor's "Go to Line" (and the YAML messages) would.
        var input = Temp(name, content);

        var (code, _, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", input);

        Assert.Equal(2, code);
        Assert.StartsWith($"{input}:{expected}", error.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_WorkflowWithAnEmojiBeforeTheProblem_CountsTheColumnInUtf16Units()
    {
        var workflow = Temp("emoji.yaml", "name: emoji\ninput:\n  type: object\nsteps:\n  - id: a\n    kind: model\n    prompt: \"😀 ${ steps.missing.output }\"\n");

        var (code, _, error) = await CliRunner.RunAsync("validate", workflow);

        Assert.Equal(2, code);
        Assert.StartsWith($"{workflow}:7:26: 'steps.missing' refers to a step that does not exist", error.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InputViolatingTheSchema_ExitsTwoListingEveryViolation()
    {
        var input = Temp("tickets.jsonl", "{\"subject\": \"ok\", \"body\": \"ok\"}\n{\"subject\": 5}\n");

        var (code, _, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", input);

        Assert.Equal(2, code);
        Assert.Contains($"{input}:2:13: /subject:", error, StringComparison.Ordinal);
        Assert.Contains($"{input}:2:1: /:", error, StringComparison.Ordinal); // the missing 'body'
    }

    [Fact]
    public async Task Run_TenantHasSpentItsMonthlyBudgetWithRefuse_ExitsThreeNamingTheBudgetAndStartsNothing()
    {
        var ledgerPath = Path.Combine(_directory.FullName, "costs.db");
        using (var ledger = new SqliteCostLedger(ledgerPath))
        {
            var now = DateTimeOffset.UtcNow;
            await ledger.AppendAsync(
                [
                    new CostRecord
                    {
                        RunId = "earlier-run", Workflow = "support-triage", WorkflowVersion = "v1", StepId = "answer", Activity = "ExecuteStep",
                        Attempt = 1, Tenant = "acme", Tier = CostTier.Premium, Model = "gpt-4o", Dollars = 5m, PriceTableVersion = "test",
                        Priced = true, StartedAt = now, CompletedAt = now,
                    },
                ],
                CancellationToken.None);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Costs:SqlitePath"] = ledgerPath,
            ["Frugal:Budgets:Action"] = "Refuse",
            ["Frugal:Budgets:Tenants:acme:Monthly"] = "5",
        }).Build();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await RunCommand.RunAsync(
            RepoPaths.Workflow("support-triage.yaml"), RepoPaths.Sample("support-triage.jsonl"), null, "acme", configuration, output, error, CancellationToken.None);

        Assert.Equal(3, code);
        Assert.Contains(
            "Monthly budget spent: tenant 'acme' has spent $5.00 of its monthly budget of $5.00 (Frugal:Budgets:Tenants:acme:Monthly)",
            error.ToString(),
            StringComparison.Ordinal);
        Assert.Contains("no run was started", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("[1/", output.ToString(), StringComparison.Ordinal);
        using var after = new SqliteCostLedger(ledgerPath);
        var records = 0;
        await foreach (var _ in after.QueryAsync(new CostQuery { Tenant = "acme" }, CancellationToken.None))
        {
            records++;
        }

        Assert.Equal(1, records); // only the earlier spend: no model call was made
    }

    [Fact]
    public async Task Run_StartedAgainMinutesAfterAKillMidCall_TheKilledCallHoldsTheBudget()
    {
        // frugal run killed (kill -9) during a $5 call and started again a minute later: its memory store, seeded from the
        // ledger, left the killed call's start out as one that might be in flight, and the run spent the month's $5
        // again. The start was written by another process, so it is held for the rest of its lease, as Redis held it.
        var ledgerPath = Path.Combine(_directory.FullName, "costs.db");
        using (var ledger = new SqliteCostLedger(ledgerPath))
        {
            var startedAt = DateTimeOffset.UtcNow.AddMinutes(-1);
            await ledger.AppendAsync(
                [
                    new CostRecord
                    {
                        RunId = "killed-run", Workflow = "support-triage", WorkflowVersion = "v1", StepId = "answer", Activity = "ExecuteStep",
                        Attempt = 1, Tenant = "acme", Tier = CostTier.Premium, Model = "gpt-4o", InputTokens = 1_000, OutputTokens = 4_096, Dollars = 5m,
                        PriceTableVersion = "test", Priced = true, Outcome = CostOutcome.Started, StartedAt = startedAt, CompletedAt = startedAt,
                        Invocation = Guid.NewGuid().ToString("N"),
                    },
                ],
                CancellationToken.None);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Costs:SqlitePath"] = ledgerPath,
            ["Frugal:Budgets:Action"] = "Refuse",
            ["Frugal:Budgets:ReservationMaxWait"] = "00:00:00",
            ["Frugal:Budgets:Tenants:acme:Monthly"] = "5",
        }).Build();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await RunCommand.RunAsync(
            RepoPaths.Workflow("support-triage.yaml"), RepoPaths.Sample("support-triage.jsonl"), null, "acme", configuration, output, error, CancellationToken.None);

        Assert.True(code != 0, output.ToString() + error.ToString());
        Assert.Contains("tenant 'acme' has spent its monthly budget: $0.00 spent and $5.00 reserved by calls not settled yet (in flight, or cut off by a stop) of $5.00", output.ToString() + error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingInputFile_ExitsTwo()
    {
        var (code, _, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", "/no/such/file.json");

        Assert.Equal(2, code);
        Assert.Contains("/no/such/file.json: input file not found", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tickets.json", "{\"subject\": \"Caf", "1:17")]
    [InlineData("tickets.jsonl", "{\"subject\": \"a\", \"body\": \"b\"}\n{\"subject\": \"Caf", "2:17")]
    public async Task Run_InputThatIsNotUtf8_ExitsTwoNamingTheByteAndStartsNothing(string name, string before, string place)
    {
        // An input saved as Windows-1252 ran with U+FFFD for each accented letter ('Caf\uFFFD' went to the model), where
        // the HTTP API refuses such a body.
        var input = Path.Combine(_directory.FullName, name);
        File.WriteAllBytes(input, [.. System.Text.Encoding.ASCII.GetBytes(before), 0xE9, .. System.Text.Encoding.ASCII.GetBytes("\", \"body\": \"b\"}\n")]);

        var (code, output, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", input);

        Assert.Equal(2, code);
        Assert.Equal(
            $"{input}:{place}: the file is not UTF-8 text: byte 0xE9 here is not part of a UTF-8 character (was the file saved as Windows-1252 or Latin-1?); save it as UTF-8",
            error.Trim());
        Assert.DoesNotContain("[1/", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InputThatCannotBeRead_ExitsTwoNamingIt()
    {
        // It ended with "error: Permission denied", exit 1, naming no file. A bus's drivers_probe is write-only in
        // sysfs: not even root may read it (a chmod 000 file root reads anyway).
        const string input = "/sys/bus/cpu/drivers_probe";
        if (!File.Exists(input))
        {
            return;
        }

        var (code, output, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", input);

        Assert.Equal(2, code);
        Assert.StartsWith($"{input}: cannot read the input file: Access to the path '{input}' is denied", error.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("[1/", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InputIsAFolder_ExitsTwoSayingSo()
    {
        // It said "input file not found" of a folder that is there.
        var folder = Path.Combine(RepoPaths.Root, "workflows");

        var (code, _, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", folder);

        Assert.Equal(2, code);
        Assert.Equal($"{folder}: is a folder; --input names a file: .json (one run) or .jsonl (one run per line)", error.Trim());
    }

    [Fact]
    public async Task Run_WithoutInputOption_ExitsTwoWithUsage()
    {
        var (code, _, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"));

        Assert.Equal(2, code);
        Assert.Contains("--input", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LearnedRouterWhereCudaIsMissing_FallsBackToCpuWithoutNativeErrors()
    {
        // ONNX Runtime prints its failure to load the CUDA provider to stderr; on the CPU fallback that was noise.
        var input = Temp("question.json", "{\"prompt\": \"What is the capital of France?\"}");

        var (code, output, error) = await CliRunner.RunProcessAsync(_directory.FullName, "run", RepoPaths.Workflow("routed-qa.yaml"), "--input", input);

        Assert.True(code == 0, error);
        Assert.Contains("1 completed, 0 failed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Failed to load library", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InputOnWhichTheSchemasPatternBacktracksWithoutEnd_RefusedWithinTheRegexTimeout()
    {
        // JsonSchema.Net builds 'pattern' keywords with no timeout: this common slug pattern backtracked for 4.5 s on
        // 29 characters, doubling with each more (this input would have taken days). The host's default timeout stops it.
        var workflow = Temp("slugs.yaml", """
            name: slugs
            input:
              type: object
              properties:
                code: { type: string, maxLength: 64, pattern: "^([a-z0-9]+-?)+$" }
            steps:
              - id: echo
                kind: deterministic
                operation: template
                input: ${ input.code }
            """);
        var input = Temp("slug.json", $$"""{"code": "{{new string('a', 48)}}!"}""");

        var (code, output, error) = await CliRunner.RunProcessAsync(_directory.FullName, "run", workflow, "--input", input);

        Assert.True(code == 2, $"exit {code}: {error}{output}");
        Assert.Equal(
            $"{input}:1:10: /code: 'code' could not be checked against the pattern ^([a-z0-9]+-?)+$ within 1 s; the value is refused (a pattern with nested repetition, such as (a+)+, backtracks for a very long time on some texts)",
            error.Trim());
    }

    [Fact]
    public async Task Run_TerminatedWhileModelsAnswer_SaysWhatFinishedAndStops()
    {
        // The emulator holds every model answer for a minute, so the FAQ tickets (answered from the lookup table)
        // finish and the others are still in flight when SIGTERM (what Ctrl+C and `docker stop` send) arrives.
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _directory.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "frugal.dll"), "run", RepoPaths.Workflow("support-triage.yaml"), "--input", RepoPaths.Sample("support-triage.jsonl") })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Emulator__Defaults__LatencyMs"] = "60000";
        using var process = System.Diagnostics.Process.Start(start)!;
        using var killOnFailure = new KillIfRunning(process);
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync(timeout.Token)) is not null && !line.StartsWith("[1/9]", StringComparison.Ordinal))
        {
        }

        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(timeout.Token);
        }

        var rest = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.NotNull(line);

        // 130, the command's own code for a stop: the steps still in flight after its 10 s wait kept the hosts stopping
        // for up to 30 s more, and System.CommandLine ended the process at its limit with 143.
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("0 failed; $", rest, StringComparison.Ordinal); // the summary of what finished
        Assert.Matches(@"stopped: [1-8] of 9 run\(s\) finished; the others were dropped with the embedded backend", await error);
    }

    [Fact]
    public async Task Run_TerminatedWhileModelsAnswerOnTheEmbeddedBackend_SummaryCountsTheCallsTheLedgerRecords()
    {
        // The stop waits for model calls in flight (they are not cut off); the summary was read before them, so it
        // said $0.000000 while the ledger recorded what those calls cost moments later. The other tickets' answers go
        // out right after the FAQ ones finish; the stop comes while they are answering.
        var ledger = Path.Combine(_directory.FullName, "costs.db");
        Temp("frugal.json", $$"""{ "Emulator": { "Defaults": { "LatencyMs": 9000 } }, "Frugal": { "Costs": { "SqlitePath": "{{ledger}}" } } }""");

        var (code, output, error) = await TerminateAsync("[1/9]", TimeSpan.FromSeconds(3), "run", RepoPaths.Workflow("support-triage.yaml"), "--input", RepoPaths.Sample("support-triage.jsonl"));

        Assert.True(code == 130, $"exit {code}: {error}{output}");
        var total = System.Text.RegularExpressions.Regex.Match(output, @"failed; \$([0-9.]+) recorded in the cost ledger");
        Assert.True(total.Success, output);
        using var costs = new SqliteCostLedger(ledger);
        decimal recorded = 0;
        await foreach (var record in costs.QueryAsync(new CostQuery(), CancellationToken.None))
        {
            recorded += record.Dollars;
        }

        Assert.True(recorded > 0, "the answers in flight were paid for and recorded");
        Assert.Equal(recorded.ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture), total.Groups[1].Value);
        Assert.Contains("step(s) in flight, whose model calls are paid for whether their runs finish or not", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TerminatedWhileTheLastStepAnswersWithinTheDrain_PrintsTheRunAsCompleted()
    {
        // The stop waited for the model call in flight, which the ledger recorded, but the run it finished was never
        // read again: its answer, paid for, was neither printed nor counted. The first line has no model call and
        // finishes at once; the second's only step answers about 4 s after the stop, well within the 10 s drain.
        var ledger = Path.Combine(_directory.FullName, "costs.db");
        Temp("frugal.json", $$"""{ "Emulator": { "Defaults": { "LatencyMs": 5000 } }, "Frugal": { "Costs": { "SqlitePath": "{{ledger}}" } } }""");
        var workflow = Temp("last.yaml", """
            name: last
            input: { type: object, properties: { ask: { type: boolean } } }
            steps:
              - id: answer
                kind: model
                tier: cheap
                when: ${ input.ask }
                max_output_tokens: 20
                prompt: Say hello.
            """);
        var input = Temp("two.jsonl", "{\"ask\": false}\n{\"ask\": true}\n");

        var (code, output, error) = await TerminateAsync("[1/2]", TimeSpan.FromSeconds(1), "run", workflow, "--input", input);

        Assert.True(code == 130, $"exit {code}: {error}{output}");
        Assert.True(output.Contains("[2/2] two.jsonl:2 Completed", StringComparison.Ordinal), error + output);
        Assert.Contains("2 completed, 0 failed", output, StringComparison.Ordinal);
        Assert.Contains("stopped: 2 of 2 run(s) finished", error, StringComparison.Ordinal);
        using var costs = new SqliteCostLedger(ledger);
        var records = new List<CostRecord>();
        await foreach (var record in costs.QueryAsync(new CostQuery(), CancellationToken.None))
        {
            records.Add(record);
        }

        var answered = Assert.Single(records, r => r.StepId == "answer");
        Assert.Equal(CostOutcome.Succeeded, answered.Outcome);
        Assert.Contains(answered.Dollars.ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture) + " recorded in the cost ledger", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingWorkflowFile_ExitsTwoNamingIt()
    {
        var missing = Path.Combine(_directory.FullName, "nope.yaml");

        var (code, output, error) = await CliRunner.RunAsync("run", missing, "--input", Temp("in.json", "{}"));

        Assert.Equal(2, code);
        Assert.Equal($"{missing}: workflow file not found", error.Trim());
        Assert.Empty(output);
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("run")]
    public async Task ValidateAndRun_EmptyWorkflowFileName_ExitTwoSayingSo(string command)
    {
        // An unset shell variable (frugal validate "$FILE"): validate ended with exit 1 and "The value cannot be an empty
        // string. (Parameter 'path')", and run said ": workflow file not found".
        string[] args = command == "validate"
            ? ["validate", "", RepoPaths.Workflow("support-triage.yaml")]
            : ["run", "", "--input", RepoPaths.Sample("support-triage.jsonl")];

        var (code, output, error) = await CliRunner.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Equal("'': the workflow file name is empty; name a workflow file (.yaml) or a folder of them", error.Trim());
        Assert.Equal(command == "validate", output.Contains("support-triage.yaml: ok", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_MissingFileAmongOthers_ReportsItAndStillChecksTheRest()
    {
        var missing = Path.Combine(_directory.FullName, "nope.yaml");

        var (code, output, error) = await CliRunner.RunAsync("validate", missing, RepoPaths.Workflow("support-triage.yaml"));

        Assert.Equal(2, code);
        Assert.Contains($"{missing}: workflow file not found", error, StringComparison.Ordinal);
        Assert.Contains("support-triage.yaml: ok", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_Folder_ChecksEveryWorkflowFileInIt()
    {
        var (code, output, error) = await CliRunner.RunAsync("validate", Path.Combine(RepoPaths.Root, "workflows"));

        Assert.Equal(2, code); // rag-answer.yaml waits for retrieval
        Assert.Contains("support-triage.yaml: ok", output, StringComparison.Ordinal);
        Assert.Contains("batch-summarise.yaml: ok", output, StringComparison.Ordinal);
        Assert.Contains("rag-answer.yaml:16:11: step kind 'retrieve' is not available yet", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ModelStepFails_PrintsTheStepsErrorAndHowFarTheRunGot()
    {
        // The emulator wants another key than the one frugal sends it: a 401, which fails the step at once.
        Temp("frugal.json", """{ "Emulator": { "ApiKey": "not-the-key-frugal-sends" } }""");
        var workflow = Temp("two.yaml", """
            name: two
            input: { type: object }
            steps:
              - id: greet
                kind: deterministic
                operation: template
                input: Hello ${ input.name }
              - id: answer
                kind: model
                tier: cheap
                prompt: ${ steps.greet.output }
            """);

        var (code, output, error) = await CliRunner.RunProcessAsync(_directory.FullName, "run", workflow, "--input", Temp("in.json", """{ "name": "Ada" }"""));

        Assert.True(code == 1, $"exit {code}: {error}{output}");
        Assert.Contains("error: step 'answer': the cheap model refused the request with HTTP 401", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Task 'ExecuteStep'", output, StringComparison.Ordinal);
        Assert.Matches(@"in\.json\s+.\s+Failed\s+.\s+[0-9.]+\s+.\s+1 of 2 finished\s+.\s+cheap:1\s", output); // the call it made (the Tiers column was empty)
        Assert.Contains("0 completed, 1 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SettingOfTheWrongType_ExitsTwoNamingTheKeyWithoutAStackTrace()
    {
        Temp("frugal.json", """{ "Frugal": { "Budgets": { "PerRun": "abc" } } }""");

        var (code, output, error) = await CliRunner.RunProcessAsync(_directory.FullName, "run", RepoPaths.Workflow("support-triage.yaml"), "--input", Temp("in.json", """{ "subject": "Hi", "body": "Where is my invoice?" }"""));

        Assert.True(code == 2, $"exit {code}: {error}{output}");
        Assert.Equal("configuration error: 'Frugal:Budgets:PerRun' cannot be 'abc'; expected a number such as 0.25 (with '.' before the decimals)", error.Trim());
    }

    [Fact]
    public async Task Run_SettingsFileThatIsNotJson_ExitsTwoNamingTheFileAndWhere()
    {
        // It printed System.Text.Json's message, counted from zero, without the file's name, and exited 1.
        var settings = Temp("frugal.json", "{\n  \"Frugal\": { bad }\n}\n");

        var (code, output, error) = await CliRunner.RunProcessAsync(_directory.FullName, "run", RepoPaths.Workflow("support-triage.yaml"), "--input", Temp("in.json", """{ "subject": "Hi", "body": "Where is my invoice?" }"""));

        Assert.True(code == 2, $"exit {code}: {error}{output}");
        Assert.Equal(
            $"configuration error: Failed to load configuration from file '{settings}': it is not valid JSON: 'b' is an invalid start of a property name. Expected a '\"' (line 2, position 15)",
            error.Trim());
    }

    [Theory]
    [InlineData("""{ "Exporter": "otlpp" }""", "Frugal:Telemetry:Exporter must be none, otlp or azuremonitor (was 'otlpp').")]
    [InlineData("""{ "Exporter": "azuremonitor" }""", "Frugal:Telemetry:AzureMonitorConnectionString (or APPLICATIONINSIGHTS_CONNECTION_STRING) is required when Frugal:Telemetry:Exporter is azuremonitor.")]
    [InlineData("""{ "Exporter": "otlp", "TraceSamplingRatio": 10 }""", "Frugal:Telemetry:TraceSamplingRatio must be between 0 and 1 (was 10).")]
    public async Task Run_BadTelemetrySetting_ExitsTwoNamingTheKey(string telemetry, string message)
    {
        // Both ended in an unhandled InvalidOperationException and its stack trace (exit 134).
        Temp("frugal.json", $$"""{ "Frugal": { "Telemetry": {{telemetry}} } }""");

        var (code, output, error) = await CliRunner.RunProcessAsync(_directory.FullName, "run", RepoPaths.Workflow("support-triage.yaml"), "--input", Temp("in.json", """{ "subject": "Hi", "body": "Where is my invoice?" }"""));

        Assert.True(code == 2, $"exit {code}: {error}{output}");
        Assert.Equal($"configuration error: {message}", error.Trim());
    }

    [Fact]
    public async Task Run_FailedRunStartedAgainOnTheStore_RecordsTheNewExecutionsCallsBesideTheOldOnes()
    {
        // The same command again restarts a failed run under its id; attempts count from 1 again, and the ledger took
        // the new calls for replays of the old ones and dropped them: a rerun that paid again reported $0.
        var storage = Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
        var ledger = Path.Combine(_directory.FullName, "costs.db");
        var hub = "Rerun" + Guid.NewGuid().ToString("N")[..10];
        string Settings(int errors) => $$"""{ "Emulator": { "Defaults": { "ServerErrorRate": {{errors}} } }, "Frugal": { "Costs": { "SqlitePath": "{{ledger}}" }, "Durable": { "TaskHub": "{{hub}}" }, "Models": { "Resilience": { "MaxRetries": 0 } } } }""";
        var input = Temp("in.json", """{ "subject": "Login loop", "body": "I cannot log in since this morning." }""");
        Temp("frugal.json", Settings(1));
        var (failedCode, failedOutput, failedError) = await CliRunner.RunProcessAsync(_directory.FullName, "run", RepoPaths.Workflow("support-triage.yaml"), "--input", input, "--store", storage);
        Temp("frugal.json", Settings(0));

        var (code, output, error) = await CliRunner.RunProcessAsync(_directory.FullName, "run", RepoPaths.Workflow("support-triage.yaml"), "--input", input, "--store", storage);

        Assert.True(failedCode == 1, $"exit {failedCode}: {failedError}{failedOutput}");
        Assert.True(code == 0, $"exit {code}: {error}{output}");
        using var costs = new Frugal.Costs.SqliteCostLedger(ledger);
        var records = new List<Frugal.Costs.CostRecord>();
        await foreach (var record in costs.QueryAsync(new Frugal.Costs.CostQuery(), CancellationToken.None))
        {
            records.Add(record);
        }

        Assert.Contains(records, r => r.StepId == "answer" && r.Outcome == Frugal.Costs.CostOutcome.Failed);
        var answered = Assert.Single(records, r => r.StepId == "answer@2");
        Assert.Equal((Frugal.Costs.CostOutcome.Succeeded, 1), (answered.Outcome, answered.Attempt));
        Assert.True(answered.Dollars > 0, "the new execution's call is priced");
    }

    [Fact]
    public async Task Run_InputOverThirtyMegabytes_RunsLikeASmallOne()
    {
        // The in-process sidecar kept Kestrel's 30 MB request limit: the start failed with an RpcException, exit 134.
        var workflow = Temp("big.yaml", """
            name: big
            input: { type: object }
            steps:
              - id: size
                kind: deterministic
                operation: template
                input: ${ len(input.text) }
            output: ${ steps.size.output }
            """);
        var input = Path.Combine(_directory.FullName, "big.json");
        await File.WriteAllTextAsync(input, "{ \"text\": \"" + new string('x', 31 * 1024 * 1024) + "\" }");

        var (code, output, error) = await CliRunner.RunAsync("run", workflow, "--input", input);

        Assert.True(code == 0, $"exit {code}: {error}{output}");
        Assert.Contains((31 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LedgerFileThatIsNotSqlite_ExitsTwoNamingTheSettingBeforeAnythingRuns()
    {
        // Found only when the first call was recorded: each step failed three times with "SQLite Error 26: 'file is
        // not a database'", naming no file, and the run's summary then crashed (exit 134).
        var ledger = Temp("costs.db", "these are not the pages of a SQLite database");
        Temp("frugal.json", $$"""{ "Frugal": { "Costs": { "SqlitePath": "{{ledger}}" } } }""");

        var (code, output, error) = await CliRunner.RunProcessAsync(_directory.FullName, "run", RepoPaths.Workflow("support-triage.yaml"), "--input", Temp("in.json", """{ "subject": "Hi", "body": "Where is my invoice?" }"""));

        Assert.True(code == 2, $"exit {code}: {error}{output}");
        Assert.Equal($"configuration error: Frugal:Costs:SqlitePath: '{ledger}' is not a SQLite database (a cost ledger is one)", error.Trim());
    }

    [Theory]
    [InlineData("""{ "Backend": "AzureStorage", "StorageConnectionString": "UseDevelopmentStorage=true", "TaskHub": "a_b" }""", "Frugal:Durable:TaskHub must be 3-45 letters or digits, starting with a letter (was 'a_b')")]
    [InlineData("""{ "Backend": "AzureStorage", "StorageConnectionString": "UseDevelopmentStorage=true", "TaskHub": "ab" }""", "Frugal:Durable:TaskHub must be 3-45 letters or digits, starting with a letter (was 'ab')")]
    [InlineData("""{ "MaxConcurrentActivities": 0 }""", "Frugal:Durable:MaxConcurrentActivities must be between 1 and 10000 (was 0)")]
    [InlineData("""{ "PartitionCount": 0 }""", "Frugal:Durable:PartitionCount must be between 1 and 16 (was 0)")]
    public async Task Run_BadDurableSetting_ExitsTwoNamingTheKey(string durable, string message)
    {
        // The rules on LocalHostOptions were never applied: these ended in unhandled exceptions (exit 134).
        Temp("frugal.json", $$"""{ "Frugal": { "Durable": {{durable}} } }""");

        var (code, output, error) = await CliRunner.RunProcessAsync(_directory.FullName, "run", RepoPaths.Workflow("support-triage.yaml"), "--input", Temp("in.json", """{ "subject": "Hi", "body": "Where is my invoice?" }"""));

        Assert.True(code == 2, $"exit {code}: {error}{output}");
        Assert.Equal($"configuration error: {message}", error.Trim());
    }

    [Fact]
    public async Task Run_TenantOverItsLength_ExitsTwoNamingTheOption()
    {
        var (code, output, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", Temp("in.json", """{ "subject": "Hi", "body": "Hi" }"""), "--tenant", new string('t', 200));

        Assert.True(code == 2, $"exit {code}: {error}{output}");
        Assert.Contains("--tenant: must be at most 128 characters (was 200)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StepRequestOverDurableTasksLimit_FailsNamingTheStepAndWhatToChange()
    {
        // The run failed with "A single orchestrator action of type ScheduleTask with id 0 exceeds the 3.90MB limit ...
        // Enable large-payload externalization", naming no step and a setting Frugal has not got.
        var workflow = Temp("wide.yaml", """
            name: wide
            input: { type: object }
            steps:
              - id: each
                kind: foreach
                items: ${ input.items }
                batch_size: 64
                do:
                  kind: deterministic
                  operation: template
                  input: ${ item }
            output: ${ len(steps.each.output) }
            """);
        var item = new string('字', 25_000);
        var input = Temp("wide.json", "{ \"items\": [" + string.Join(", ", Enumerable.Repeat($"\"{item}\"", 64)) + "] }");

        var (code, output, error) = await CliRunner.RunAsync("run", workflow, "--input", input);

        Assert.True(code == 1, $"exit {code}: {error}{output}");
        Assert.Contains("step 'each' (batch 0, 64 item(s)): its request is 4.58 MB, over the 3.9 MB Durable Task allows one activity's input; give the step a smaller batch_size, or smaller items", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MisspeltSettings_WarnedNamingWhatTheyWereLikelyMeantToBe()
    {
        // Ignored without a word: a budget misspelt in frugal.json meant no budget at all.
        Temp("frugal.json", """{ "Frugal": { "Budgets": { "PerRunn": 0.0000001 } }, "Emulator": { "Defaults": { "ServerErrorRat": 1.0 } } }""");

        var (code, output, error) = await CliRunner.RunProcessAsync(_directory.FullName, "run", RepoPaths.Workflow("support-triage.yaml"), "--input", Temp("in.json", """{ "subject": "Hi", "body": "Where is my invoice?" }"""));

        Assert.True(code == 0, $"exit {code}: {error}{output}");
        Assert.Equal(
            "warning: Emulator:Defaults:ServerErrorRat is not a setting Frugal reads; it is ignored (did you mean Emulator:Defaults:ServerErrorRate?)\n"
            + "warning: Frugal:Budgets:PerRunn is not a setting Frugal reads; it is ignored (did you mean Frugal:Budgets:PerRun?)",
            error.Trim().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Run_FunctionsAppsWorkflowsSetting_WarnedThatTheCommandIgnoresIt()
    {
        // A known setting (the Functions app's), so the misspelt-settings check let it pass: set for the frugal command,
        // it did nothing without a word.
        Temp("frugal.json", """{ "Frugal": { "Workflows": { "Directory": "flows" } } }""");

        var (code, output, error) = await CliRunner.RunProcessAsync(_directory.FullName, "run", RepoPaths.Workflow("support-triage.yaml"), "--input", Temp("in.json", """{ "subject": "Hi", "body": "Where is my invoice?" }"""));

        Assert.True(code == 0, $"exit {code}: {error}{output}");
        Assert.Equal(
            "warning: Frugal:Workflows:Directory ('flows') is read by the Functions app only; it is ignored here (frugal run takes a workflow file, frugal serve and embeddings refresh take --workflows)",
            error.Trim().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Run_StepRetried_WarnsOnStandardErrorNamingTheStepAndWhy()
    {
        // The local host ran with no logger: a step's retries, budget downgrades and failed cost writes went nowhere.
        Temp("frugal.json", """{ "Emulator": { "Defaults": { "ServerErrorRate": 1.0 } }, "Frugal": { "Models": { "Resilience": { "MaxRetries": 0 } } } }""");

        var (code, output, error) = await CliRunner.RunProcessAsync(_directory.FullName, "run", RepoPaths.Workflow("support-triage.yaml"), "--input", Temp("in.json", """{ "subject": "Login loop", "body": "I cannot log in since this morning." }"""));

        Assert.True(code == 1, $"exit {code}: {error}{output}");
        var lines = error.ReplaceLineEndings("\n").Split('\n');
        var warning = Assert.Single(lines, l => l.Contains("attempt 1 failed", StringComparison.Ordinal));
        Assert.Matches("^warning: Run [0-9a-f]+: step answer attempt 1 failed: the cheap model failed with HTTP 500", warning);
        Assert.Single(lines, l => l.Contains("step answer retrying after attempt 1 (Frugal.Models.ModelCallException)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_OutputWithSymbols_PrintedAsTheyAre()
    {
        // The README's first command printed the invoice answer as "Settings \u003E Billing \u003E Invoices".
        var (code, output, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", Temp("in.json", """{ "subject": "invoice copy", "body": "Where?" }"""));

        Assert.True(code == 0, $"exit {code}: {error}{output}");
        Assert.Contains("Settings > Billing > Invoices", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u003E", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CallTheLedgerCouldNotPrice_SummarySaysSoInsteadOfCountingItAsFree()
    {
        // The in-process ONNX step has no GPU profile to price it: the summary showed its run's cost as if it were free.
        var (code, output, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("intent-router.yaml"), "--input", Temp("in.json", """{ "message": "I was charged twice, fix it now" }"""));

        Assert.True(code == 0, $"exit {code}: {error}{output}");
        Assert.Contains(" (+1 unpriced) ", output, StringComparison.Ordinal);
        Assert.Contains("1 call(s) unpriced, not in that total: their cost is unknown, not zero", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_RedisBudgetStoreUnreachable_StartsNothingNamingTheSetting()
    {
        // It ended in an unhandled RedisConnectionException and its stack trace (exit 134).
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Temp("frugal.json", $$"""{ "Frugal": { "Budgets": { "Store": "redis", "Action": "Refuse", "RedisConnectionString": "127.0.0.1:{{port}},connectTimeout=200,asyncTimeout=500", "Tenants": { "acme": { "Monthly": 1 } } } } }""");

        var (code, output, error) = await CliRunner.RunProcessAsync(_directory.FullName, "run", RepoPaths.Workflow("support-triage.yaml"), "--tenant", "acme", "--input", Temp("in.json", """{ "subject": "Hi", "body": "Where is my invoice?" }"""));

        Assert.True(code == 1, $"exit {code}: {error}{output}");
        Assert.StartsWith($"the budget store (Redis at 127.0.0.1:{port}, Frugal:Budgets:RedisConnectionString) did not answer: ", error.Trim(), StringComparison.Ordinal);
        Assert.EndsWith("; no run was started", error.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_TwoFilesOfOneFolderWithOneName_ReportsTheSecondAsServeWouldSkipIt()
    {
        var text = "name: same\ninput: { type: object }\nsteps:\n  - id: a\n    kind: deterministic\n    operation: template\n    input: x\n";
        var first = Temp("a.yaml", text);
        var second = Temp("b.yaml", text);

        var (code, output, error) = await CliRunner.RunAsync("validate", _directory.FullName);

        Assert.Equal(2, code);
        Assert.Contains($"{first}: ok", output, StringComparison.Ordinal);
        Assert.Equal($"{second}:1:7: workflow name 'same' is already used by {first}; names must be unique in a folder", error.Trim());
    }

    [Fact]
    public async Task ValidateAndRun_ClassifyStepWithAnUnknownRouter_ExitTwoNamingTheStep()
    {
        var workflow = Temp("fancy.yaml", """
            name: fancy
            input: { type: object }
            steps:
              - id: route
                kind: classify
                router: fancy
                input: hi
            """);

        var (validateCode, _, validateError) = await CliRunner.RunAsync("validate", workflow);
        var (runCode, _, runError) = await CliRunner.RunAsync("run", workflow, "--input", Temp("in.json", "{}"));

        Assert.Equal((2, 2), (validateCode, runCode));
        Assert.Contains($"{workflow}:6:13: step 'route': router 'fancy' is not available; available: rules, default", validateError, StringComparison.Ordinal);
        Assert.Contains("step 'route': router 'fancy' is not available", runError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OnnxStepNamingAModelNotShipped_ExitsTwoBeforeAnythingRuns()
    {
        // Each run failed at 'rate' after 'answer' had called (and paid for) the cheap model.
        var workflow = Temp("sentiment.yaml", """
            name: sentiment
            input: { type: object }
            steps:
              - id: answer
                kind: model
                prompt: hi
              - id: rate
                kind: model
                tier: onnx
                model: sentiment
                prompt: ${ steps.answer.output }
            """);

        var (code, output, error) = await CliRunner.RunAsync("run", workflow, "--input", Temp("in.json", "{}"));

        Assert.Equal(2, code);
        Assert.Contains(
            $"{workflow}:7:5: step 'rate': ONNX model 'sentiment' is not an in-process classifier (available: urgency); add its folder under models/ or set Frugal:Inference:Endpoint to use the inference app's",
            error,
            StringComparison.Ordinal);
        Assert.DoesNotContain("[1/1]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_UnknownRouterAndAnotherProblem_ListsBothInFileOrder()
    {
        // The router used to be checked only once the file had no other problem, so fixing one showed the next.
        var workflow = Temp("two-problems.yaml", """
            name: two
            input: { type: object }
            steps:
              - id: route
                kind: classify
                router: fancy
                input: ${ steps.missing.output }
            """);

        var (code, _, error) = await CliRunner.RunAsync("validate", workflow);

        Assert.Equal(2, code);
        var lines = error.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"{workflow}:6:13: step 'route': router 'fancy' is not available; available: rules, default", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{workflow}:7:", lines[1], StringComparison.Ordinal);
        Assert.Contains("missing", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_FileNamedTwice_ChecksItOnce()
    {
        // The second mention was refused as "workflow name 'support-triage' is already used by" itself, exit 2.
        var folder = _directory.CreateSubdirectory("twice").FullName;
        var workflow = Path.Combine(folder, "support-triage.yaml");
        File.Copy(RepoPaths.Workflow("support-triage.yaml"), workflow);

        var (code, output, error) = await CliRunner.RunAsync("validate", folder, workflow);

        Assert.True(code == 0, error + output);
        Assert.Equal(string.Empty, error.Trim());
        Assert.Single(output.Split('\n'), line => line.Contains("support-triage.yaml: ok", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_FolderWithNoWorkflowFiles_ExitsTwoSayingSo()
    {
        var empty = _directory.CreateSubdirectory("empty").FullName;
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "not a workflow");

        var (code, output, error) = await CliRunner.RunAsync("validate", empty, RepoPaths.Workflow("support-triage.yaml"));

        Assert.Equal(2, code);
        Assert.Equal($"{empty}: is a folder with no workflow files (*.yaml, *.yml) in it", error.Trim());
        Assert.Contains("support-triage.yaml: ok", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_FolderThatCannotBeListed_ExitsTwoNamingItAndChecksTheOtherFiles()
    {
        // It ended with "error: Permission denied", exit 1, before checking the files named after it.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var locked = _directory.CreateSubdirectory("locked");
        File.WriteAllText(Path.Combine(locked.FullName, "a.yaml"), "name: a\n");
        locked.UnixFileMode = UnixFileMode.None;
        try
        {
            // Root lists any folder whatever its mode; a container's root still may not list another process's
            // map_files (it needs CAP_SYS_ADMIN), which is how this runs in CI here.
            var folder = new[] { locked.FullName, "/proc/1/map_files" }.FirstOrDefault(CannotBeListed);
            if (folder is null)
            {
                return;
            }

            var (code, output, error) = await CliRunner.RunAsync("validate", folder, RepoPaths.Workflow("support-triage.yaml"));

            Assert.Equal(2, code);
            Assert.Equal($"{folder}: cannot read the folder: Access to the path '{folder}' is denied.", error.Trim());
            Assert.Contains("support-triage.yaml: ok", output, StringComparison.Ordinal);
        }
        finally
        {
            locked.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }
    }

    private static bool CannotBeListed(string folder)
    {
        try
        {
            _ = Directory.GetFiles(folder);
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Run_FolderInsteadOfAFile_ExitsTwoSayingSo()
    {
        Temp("triage.yaml", "name: x\n");
        var (code, _, error) = await CliRunner.RunAsync("run", _directory.FullName, "--input", Temp("in.json", "{}"));

        Assert.Equal(2, code);
        Assert.Equal($"{_directory.FullName}: is a folder; name a workflow file in it", error.Trim());
    }

    [Fact]
    public async Task Validate_Examples_ReportsTheRetrieveStepAsNotAvailable()
    {
        var (code, output, error) = await CliRunner.RunAsync(
            "validate", RepoPaths.Workflow("support-triage.yaml"), RepoPaths.Workflow("batch-summarise.yaml"), RepoPaths.Workflow("rag-answer.yaml"));

        Assert.Equal(2, code);
        Assert.Contains("support-triage.yaml: ok", output, StringComparison.Ordinal);
        Assert.Contains("batch-summarise.yaml: ok", output, StringComparison.Ordinal);
        Assert.Contains("rag-answer.yaml:", error, StringComparison.Ordinal);
        Assert.Contains("not available", error, StringComparison.Ordinal);
    }

    /// <summary>Starts frugal with <paramref name="args"/>, sends SIGTERM <paramref name="delay"/> after it prints a line starting with <paramref name="line"/>, and waits for it to end.</summary>
    private async Task<(int Code, string Output, string Error)> TerminateAsync(string line, TimeSpan delay, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _directory.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "frugal.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        using var killOnFailure = new KillIfRunning(process);
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = new System.Text.StringBuilder();
        string? read;
        while ((read = await process.StandardOutput.ReadLineAsync(timeout.Token)) is not null)
        {
            output.AppendLine(read);
            if (read.StartsWith(line, StringComparison.Ordinal))
            {
                break;
            }
        }

        if (read is null)
        {
            Assert.Fail($"frugal ended before printing '{line}': {output}{await error}");
        }

        await Task.Delay(delay, timeout.Token);
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(timeout.Token);
        }

        output.Append(await process.StandardOutput.ReadToEndAsync(timeout.Token));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, output.ToString(), await error);
    }

    private string Temp(string name, string content)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Kills the process (and what it started) when disposed, should it still run: a test that failed before it ended.</summary>
    private sealed class KillIfRunning(System.Diagnostics.Process process) : IDisposable
    {
        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
