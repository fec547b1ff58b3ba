using Frugal.Cli;

namespace Frugal.Hosting.Tests.Cli;

public sealed class RunCommandTests
{
    [Fact]
    public async Task Run_SupportTriageSamples_PrintsEveryResultAndASummary()
    {
        var (code, output, error) = await RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", RepoPaths.Sample("support-triage.jsonl"));

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

        var (code, output, error) = await RunAsync("run", file, "--input", Temp("in.json", "{}"));

        Assert.Equal(2, code);
        Assert.Contains($"{file}:5:", error, StringComparison.Ordinal);
        Assert.Contains("teleport", error, StringComparison.Ordinal);
        Assert.DoesNotContain("[1/", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_JsonlWithABadLine_ExitsTwoNamingTheLine()
    {
        var input = Temp("tickets.jsonl", "{\"subject\": \"a\", \"body\": \"b\"}\n\n{\"subject\": oops}\n");

        var (code, _, error) = await RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", input);

        Assert.Equal(2, code);
        Assert.Contains($"{input}:3:", error, StringComparison.Ordinal);
        Assert.Contains("expected a JSON value", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InputViolatingTheSchema_ExitsTwoListingEveryViolation()
    {
        var input = Temp("tickets.jsonl", "{\"subject\": \"ok\", \"body\": \"ok\"}\n{\"subject\": 5}\n");

        var (code, _, error) = await RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", input);

        Assert.Equal(2, code);
        Assert.Contains("tickets.jsonl:2: /subject:", error, StringComparison.Ordinal);
        Assert.Contains("tickets.jsonl:2: /:", error, StringComparison.Ordinal); // the missing 'body'
    }

    [Fact]
    public async Task Run_MissingInputFile_ExitsTwo()
    {
        var (code, _, error) = await RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", "/no/such/file.json");

        Assert.Equal(2, code);
        Assert.Contains("/no/such/file.json: input file not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithoutInputOption_ExitsTwoWithUsage()
    {
        var (code, _, error) = await RunAsync("run", RepoPaths.Workflow("support-triage.yaml"));

        Assert.Equal(2, code);
        Assert.Contains("--input", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_Examples_ReportsTheRetrieveStepAsNotAvailable()
    {
        var (code, output, error) = await RunAsync(
            "validate", RepoPaths.Workflow("support-triage.yaml"), RepoPaths.Workflow("batch-summarise.yaml"), RepoPaths.Workflow("rag-answer.yaml"));

        Assert.Equal(2, code);
        Assert.Contains("support-triage.yaml: ok", output, StringComparison.Ordinal);
        Assert.Contains("batch-summarise.yaml: ok", output, StringComparison.Ordinal);
        Assert.Contains("rag-answer.yaml:", error, StringComparison.Ordinal);
        Assert.Contains("not available", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string Temp(string name, string content)
    {
        var dir = Directory.CreateTempSubdirectory("frugal-cli-");
        var path = Path.Combine(dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }
}
