namespace Frugal.Hosting.Tests.Cli;

public sealed class EmbeddingsCommandTests
{
    [Fact]
    public async Task Refresh_WorkflowsIsAFile_ExitsTwoSayingSo()
    {
        // It said "workflow folder '...' does not exist" of a file that is there.
        var file = RepoPaths.Workflow("intent-router.yaml");

        var (code, output, error) = await CliRunner.RunAsync("embeddings", "refresh", "--workflows", file);

        Assert.Equal(2, code);
        Assert.Equal($"{file}: is a file; --workflows names the folder of workflow files", error.Trim());
        Assert.Empty(output);
    }
}
