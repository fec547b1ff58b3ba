using System.CommandLine;
using Frugal.Cli.Local;
using Frugal.Cli.Onnx;
using Frugal.Embeddings;
using Frugal.Workflows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Cli.Commands;

/// <summary>
/// <c>frugal embeddings refresh [--workflows dir]</c>: builds the key embeddings of every semantic lookup table whose
/// index is missing or was built with another model (what the Functions app's <c>RefreshEmbeddings</c> timer does).
/// </summary>
internal static class EmbeddingsCommand
{
    public static Command Create()
    {
        var workflows = new Option<string>("--workflows") { Description = "The folder of workflow files.", DefaultValueFactory = _ => "workflows" };
        var refresh = new Command("refresh", "Embed the keys of semantic lookup tables whose index is missing or stale.") { workflows };
        refresh.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var folder = parse.GetValue(workflows)!;
            if (File.Exists(folder))
            {
                // A file "did not exist" as a folder, though it was there by name (frugal serve says it so).
                await error.WriteLineAsync($"{folder}: is a file; --workflows names the folder of workflow files").ConfigureAwait(false);
                return ExitCodes.BadInput;
            }

            WorkflowCatalog catalog;
            try
            {
                catalog = WorkflowFileReader.LoadFolder(folder);
            }
            catch (CliUsageException ex)
            {
                await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return ExitCodes.BadInput;
            }

            foreach (var problem in catalog.Errors)
            {
                await error.WriteLineAsync($"skipped (does not load): {problem}").ConfigureAwait(false);
            }

            var configuration = LocalRuntime.ReadConfiguration();
            var store = configuration.GetSection(EmbeddingIndexOptions.SectionName).Get<EmbeddingIndexOptions>() ?? new EmbeddingIndexOptions();
            EmbeddingRefreshResult result;
            try
            {
                result = await RefreshAsync(configuration, catalog, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException
                && store is { BlobConnectionString: null or "", BlobServiceUri: null } && FolderProblem(store.IndexPath) is { } problem)
            {
                // The indexes' folder is frugal's own (made when missing): one it may not write is no bad input of the
                // user's, who named no such path (it was exit 2, "error: Access to the path '.frugal' is denied"; a file
                // in the way of the folder was exit 1, "Could not find a part of the path").
                await error.WriteLineAsync(
                    $"cannot keep the embedding indexes in '{Path.GetFullPath(store.IndexPath)}' (Frugal:Embeddings:IndexPath): {problem}").ConfigureAwait(false);
                return ExitCodes.RunFailed;
            }

            await output.WriteLineAsync($"{result.Tables} semantic lookup table(s), {result.Built} index(es) built{(result.Tables > 0 ? $" with {result.Model}" : string.Empty)}.")
                .ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return new Command("embeddings", "Manage the embeddings of semantic lookup tables.") { refresh };
    }

    /// <summary>Why no index can be written to <paramref name="folder"/> (made when missing, as the store makes it), or null.</summary>
    private static string? FolderProblem(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }

        return WritableFolder.Problem(folder);
    }

    /// <summary>Refreshes with the same services a local run uses (in-process models unless Frugal:Inference:Endpoint is set).</summary>
    internal static async Task<EmbeddingRefreshResult> RefreshAsync(IConfiguration configuration, WorkflowCatalog catalog, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(configuration)
            .AddFrugalInference(configuration)
            .AddFrugalLocalOnnx(configuration);
        var provider = services.BuildServiceProvider();
        await using (provider.ConfigureAwait(false))
        {
            return await provider.GetRequiredService<EmbeddingRefresher>().RefreshAsync(catalog.Workflows, cancellationToken).ConfigureAwait(false);
        }
    }
}
