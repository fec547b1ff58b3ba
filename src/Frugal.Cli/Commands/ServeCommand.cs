using System.CommandLine;
using System.Net;
using Frugal.Api;
using Frugal.Cli.Local;
using Frugal.Budgets;
using Frugal.Costs;
using Frugal.Hosting.Api;
using Frugal.Hosting.Durable;
using Frugal.Retention;
using Frugal.Hosting.Costs;
using Frugal.Hosting.Telemetry;
using Frugal.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Frugal.Cli.Commands;

/// <summary><c>frugal serve</c>: the Functions app's HTTP API on loopback, over the local durable host.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var port = NumberOption.Create("--port", "Port on 127.0.0.1; 0 takes any free port.", v => v is >= 0 and <= 65535, "a port from 0 to 65535", 7071, "-p");
        var workflows = new Option<string>("--workflows", "-w") { Description = "Folder of workflow files.", DefaultValueFactory = _ => "workflows" };
        var store = LocalRuntime.StoreOption("Azure Storage connection string for a durable backend that survives restarts; runs live in the task hub Frugal:Durable:TaskHub (FrugalLocal unless configured).");
        var command = new Command("serve", "Serve the run API (POST /api/workflows/{name}/runs, GET /api/runs/{id}) on loopback.") { port, workflows, store };
        command.SetAction((parse, ct) => ServeAsync(
            parse.GetValue(port), parse.GetValue(workflows)!, parse.GetValue(store), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    private static async Task<int> ServeAsync(int port, string folder, string? store, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
        {
            await error.WriteLineAsync(File.Exists(folder)
                ? $"{folder}: is a file; --workflows names the folder of workflow files to serve"
                : $"{folder}: workflow folder not found");
            return ExitCodes.BadInput;
        }

        // Checked before the runtime starts (a second or so), so a taken port fails at once and says so; the bind
        // below still catches one taken in between.
        if (port != 0 && !LoopbackPort.IsFree(port))
        {
            await error.WriteLineAsync(LoopbackPort.InUse(port));
            return ExitCodes.BadInput;
        }

        WorkflowCatalog catalog;
        try
        {
            catalog = WorkflowFileReader.LoadFolder(folder);
        }
        catch (CliUsageException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return ExitCodes.BadInput;
        }

        if (catalog.Names.Count == 0)
        {
            await ReportSkippedAsync(catalog, folder, error);
            return ExitCodes.BadInput;
        }

        LocalRuntime runtime;
        try
        {
            runtime = await LocalRuntime.StartAsync(LocalRuntime.ReadConfiguration(), store, output, warnings: error, cancellationToken: cancellationToken);
        }
        catch (CliUsageException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return ExitCodes.BadInput;
        }

        await using var runtimeScope = runtime;

        // A classify step whose router this host does not have would fail each run at that step, after the steps
        // before it had run: such a workflow is skipped like one that does not validate.
        catalog = catalog.WithRouters([.. runtime.Host.Services.GetRequiredService<Frugal.Classification.ComplexityClassifierRegistry>().Names]);
        if (!await ReportSkippedAsync(catalog, folder, error))
        {
            return ExitCodes.BadInput;
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);

            // The Functions host's default (Kestrel's 30 MB refused inputs that batch-summarise's own schema allows).
            k.Limits.MaxRequestBodySize = Frugal.Api.ApiProtocol.MaxRequestBodyBytes;
        });

        // ASP.NET Core logs every request at Information, and the host its start and stop ("Now listening on ...",
        // which the line below says); a local server's console is for what goes wrong. Its warnings and errors (a
        // request that failed, with its stack) go to standard error with the runtime's, so standard output holds only
        // what the command itself says.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddLoopbackOnly();
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton(new WorkflowApi(
            catalog,
            runtime.Host.Services.GetService<BudgetGuard>(),
            runtime.Host.Services.GetService<Frugal.Routing.Feedback.IRoutingFeedbackStore>(),
            runtime.Host.NewRunId,
            runtime.Host.Services.GetService<ILogger<WorkflowApi>>()));
        builder.Services.AddSingleton(runtime.Host.Client);
        builder.Services.AddSingleton(runtime.Host.Services.GetRequiredService<ICostLedger>());
        await using var app = builder.Build();
        app.UseLoopbackOnly();
        app.UseFrugalHttpMetrics();
        app.MapFrugalRunApi();
        app.MapFrugalCostReports();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await error.WriteLineAsync(LoopbackPort.InUse(port));
            return ExitCodes.BadInput;
        }

        var address = app.Urls.FirstOrDefault() ?? $"http://127.0.0.1:{port}";
        await output.WriteLineAsync($"Serving {string.Join(", ", catalog.Names)} on {address}/api (Ctrl+C to stop)");
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var purging = runtime.Host.Backend == DurableBackendKind.Embedded
            ? EmbeddedRunPurge.RunAsync(
                runtime.Host.Client,
                TimeSpan.FromMinutes(runtime.Host.Services.GetRequiredService<IOptions<RetentionOptions>>().Value.EmbeddedRunMinutes),
                TimeSpan.FromMinutes(1),
                TimeProvider.System,
                error,
                stopping.Token)
            : Task.CompletedTask;
        await app.WaitForShutdownAsync(cancellationToken);
        await stopping.CancelAsync();
        await purging;
        await runtime.DrainAsync(error);
        return ExitCodes.Ok;
    }

    /// <summary>Prints the files left out; false (after saying so) when nothing is left to serve.</summary>
    private static async Task<bool> ReportSkippedAsync(WorkflowCatalog catalog, string folder, TextWriter error)
    {
        foreach (var diagnostic in catalog.Errors)
        {
            await error.WriteLineAsync($"skipped: {diagnostic}");
        }

        if (catalog.Names.Count > 0)
        {
            return true;
        }

        // Serving nothing would answer every request with 404; say so instead.
        await error.WriteLineAsync($"{folder}: no workflow to serve (no *.yaml or *.yml file in it loaded)");
        return false;
    }
}
