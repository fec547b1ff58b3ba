using Frugal.Workflows;

namespace Frugal.Core.Tests.Workflows;

public sealed class WorkflowCatalogTests
{
    [Fact]
    public void LoadFolder_ExamplesFolder_KeepsGoodWorkflowsAndReportsBadOnes()
    {
        var catalog = WorkflowCatalog.LoadFolder(RepoPaths.Workflows);

        Assert.Equal(["batch-summarise", "intent-router", "routed-qa", "support-triage"], catalog.Names);
        Assert.True(catalog.TryGet("support-triage", out var triage));
        Assert.Equal("support-triage", triage.Name);
        Assert.False(catalog.TryGet("rag-answer", out _));
        var error = Assert.Single(catalog.Errors);
        Assert.EndsWith("rag-answer.yaml", error.Location.File, StringComparison.Ordinal);
        Assert.Contains("'retrieve' is not available yet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFolder_TwoFilesWithOneName_ReportsTheSecond()
    {
        var folder = Directory.CreateTempSubdirectory("frugal-catalog-").FullName;
        try
        {
            const string yaml = "name: same\ninput: {type: object}\nsteps:\n  - id: a\n    kind: model\n    prompt: hi\n";
            File.WriteAllText(Path.Combine(folder, "a.yaml"), yaml);
            File.WriteAllText(Path.Combine(folder, "b.yml"), yaml);

            var catalog = WorkflowCatalog.LoadFolder(folder);

            Assert.Equal(["same"], catalog.Names);
            var error = Assert.Single(catalog.Errors);
            Assert.Equal(new SourceLocation(Path.Combine(folder, "b.yml"), 1, 7), error.Location);
            Assert.Contains("workflow name 'same' is already used by", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void LoadFolder_FileThatCannotBeRead_SkipsItNamingItAndKeepsTheOthers()
    {
        // A file this account may not read ended the whole catalog (the app's start-up, frugal serve) with "Access to the
        // path '...' is denied", where one that failed to read otherwise was skipped. A bus's drivers_probe is
        // write-only in sysfs: not even root may read it.
        const string locked = "/sys/bus/cpu/drivers_probe";
        if (OperatingSystem.IsWindows() || !File.Exists(locked))
        {
            return;
        }

        var folder = Directory.CreateTempSubdirectory("frugal-catalog-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "a.yaml"), "name: a\ninput: {type: object}\nsteps:\n  - id: a\n    kind: model\n    prompt: hi\n");
            var unreadable = Path.Combine(folder, "b.yaml");
            File.CreateSymbolicLink(unreadable, locked);

            var catalog = WorkflowCatalog.LoadFolder(folder);

            Assert.Equal(["a"], catalog.Names);
            var error = Assert.Single(catalog.Errors);
            Assert.Equal(new SourceLocation(unreadable, 1, 1), error.Location);
            Assert.StartsWith("cannot read the file: Access to the path ", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void WithRouters_ExamplesFolderWithoutTheLearnedRouter_LeavesOutTheWorkflowsThatClassifyWithIt()
    {
        var catalog = WorkflowCatalog.LoadFolder(RepoPaths.Workflows);

        var rulesOnly = catalog.WithRouters(["rules"]);

        Assert.DoesNotContain("routed-qa", rulesOnly.Names);
        Assert.Contains("support-triage", rulesOnly.Names);
        Assert.Contains(rulesOnly.Errors, e => e.Location.File.EndsWith("routed-qa.yaml", StringComparison.Ordinal)
            && e.Message.Contains("router 'default' is not available; available: rules", StringComparison.Ordinal));
        Assert.Equal(catalog.Errors.Count + 1, rulesOnly.Errors.Count);
        Assert.Same(catalog, catalog.WithRouters(["RULES", "Default"]));
    }

    [Fact]
    public void LoadFolder_MissingFolder_ThrowsNamingIt()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => WorkflowCatalog.LoadFolder("/no/such/workflows"));

        Assert.Equal("workflow folder '/no/such/workflows' does not exist", ex.Message);
    }
}
