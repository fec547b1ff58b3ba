namespace Frugal.Hosting.Tests.Cli;

public sealed class EmbeddingsCommandTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("frugal-embeddings-");

    public void Dispose() => _directory.Delete(recursive: true);

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

    [Fact]
    public async Task Refresh_WorkflowsFolderThatCannotBeListed_ExitsTwoNamingIt()
    {
        // It said "error: Access to the path '...' is denied". A container's root may not list another process's
        // map_files (it needs CAP_SYS_ADMIN).
        if (LockedPaths.UnlistableFolder() is not { } folder)
        {
            return;
        }

        var (code, _, error) = await CliRunner.RunAsync("embeddings", "refresh", "--workflows", folder);

        Assert.Equal(2, code);
        Assert.Equal($"{folder}: cannot read the folder: Access to the path '{folder}' is denied.", error.Trim());
    }

    [Fact]
    public async Task Refresh_IndexFolderBlockedByAFile_ExitsOneNamingTheFolder()
    {
        // The indexes' folder is frugal's own (.frugal/embeddings by default): a file where it makes the folder ended
        // with "error: Could not find a part of the path '.../.frugal/embeddings'" and nothing about what it was for.
        var workflows = _directory.CreateSubdirectory("workflows").FullName;
        File.Copy(RepoPaths.Workflow("intent-router.yaml"), Path.Combine(workflows, "intent-router.yaml"));
        File.WriteAllText(Path.Combine(_directory.FullName, ".frugal"), "not a folder");

        var (code, output, error) = await CliRunner.RunProcessAsync(_directory.FullName, "embeddings", "refresh", "--workflows", workflows);

        Assert.True(code == 1, $"exit {code}: {error}{output}");
        Assert.StartsWith($"cannot keep the embedding indexes in '{Path.Combine(_directory.FullName, ".frugal", "embeddings")}' (Frugal:Embeddings:IndexPath): ", error.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_IndexFolderThatCannotBeMade_ExitsOneNotAsBadInput()
    {
        // A folder frugal may not make for its own files is no bad input of the user's: it ended with exit 2, the code
        // for a mistyped option or a broken workflow, as "error: Access to the path '...' is denied".
        if (LockedPaths.UnwritableFolder() is not { } locked)
        {
            return;
        }

        var workflows = _directory.CreateSubdirectory("workflows").FullName;
        File.Copy(RepoPaths.Workflow("intent-router.yaml"), Path.Combine(workflows, "intent-router.yaml"));
        var indexes = Path.Combine(locked, "frugal-embeddings");
        File.WriteAllText(Path.Combine(_directory.FullName, "frugal.json"), $$"""{ "Frugal": { "Embeddings": { "IndexPath": "{{indexes}}" } } }""");

        var (code, output, error) = await CliRunner.RunProcessAsync(_directory.FullName, "embeddings", "refresh", "--workflows", workflows);

        Assert.True(code == 1, $"exit {code}: {error}{output}");
        Assert.Equal($"cannot keep the embedding indexes in '{indexes}' (Frugal:Embeddings:IndexPath): Access to the path '{indexes}' is denied.", error.Trim());
    }
}
