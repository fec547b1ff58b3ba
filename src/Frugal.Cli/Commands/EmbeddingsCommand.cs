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
                catalog = WorkflowCatalog.LoadFolder(folder);
            }
            catch (DirectoryNotFoundException ex)
            {
                await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return ExitCodes.BadInput;
            }

            foreach (var problem in catalog.Errors)
            {
                await error.WriteLineAsync($"skipped (does not load): {problem}").ConfigureAwait(false);
            }

            var result = await RefreshAsync(LocalRuntime.ReadConfiguration(), catalog, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"{result.Tables} semantic lookup table(s), {result.Built} index(es) built{(result.Tables > 0 ? $" with {result.Model}" : string.Empty)}.")
                .ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return new Command("embeddings", "Manage the embeddings of semantic lookup tables.") { refresh };
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
