using System.CommandLine;
using System.Globalization;
using Frugal.Cli.Routing;
using Frugal.Onnx.Routing;
using Frugal.Cli.Onnx;
using Frugal.Emulator;
using Frugal.Hosting.Durable;
using Frugal.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Frugal.Cli.Local;

/// <summary>
/// Everything a local command needs to run workflows: configuration, the model emulator when no model
/// endpoint is configured, and the durable host (embedded, or Azure Storage with <c>--store</c>).
/// </summary>
internal sealed class LocalRuntime : IAsyncDisposable
{
    private readonly ILoggerFactory? _ownLogging;

    private LocalRuntime(FrugalLocalHost host, EmulatorHandle? emulator, IConfiguration configuration, ILoggerFactory? ownLogging)
    {
        Host = host;
        Emulator = emulator;
        Configuration = configuration;
        _ownLogging = ownLogging;
    }

    public FrugalLocalHost Host { get; }

    public EmulatorHandle? Emulator { get; }

    public IConfiguration Configuration { get; }

    /// <summary>Reads <c>frugal.json</c> (optional) and <c>Frugal__...</c> environment variables.</summary>
    public static IConfiguration ReadConfiguration() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "frugal.json"), optional: true)
        .AddEnvironmentVariables()
        .Build();

    /// <summary>
    /// The <c>--store</c> option of the commands that host runs (<c>run</c>, <c>serve</c>): an Azure Storage
    /// connection string, checked when the command line is parsed.
    /// </summary>
    public static Option<string?> StoreOption(string description)
    {
        var store = new Option<string?>("--store") { Description = description };
        store.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && StorageErrors.ConnectionStringProblem(value) is { } problem)
            {
                result.AddError($"--store: {problem}");
            }
        });
        return store;
    }

    /// <exception cref="CliUsageException">The storage account in <paramref name="store"/> cannot be used (unreachable, a wrong key).</exception>
    public static async Task<LocalRuntime> StartAsync(
        IConfiguration configuration,
        string? store,
        TextWriter notices,
        Action<IServiceCollection>? configureServices = null,
        ILoggerFactory? loggerFactory = null,
        TextWriter? warnings = null,
        CancellationToken cancellationToken = default)
    {
        // Misspelt settings were ignored without a word: a mistyped budget meant none.
        foreach (var line in UnknownSettings.Find(
            configuration, [("Frugal:Onnx", typeof(Frugal.Onnx.Models.OnnxOptions)), ("Emulator", typeof(EmulatorOptions))], typeof(UnknownSettings).Assembly, typeof(LocalHostOptions).Assembly))
        {
            await (warnings ?? notices).WriteLineAsync($"warning: {line}").ConfigureAwait(false);
        }

        // A setting of the Functions app, so not unknown; the frugal command names its workflows on its command line.
        if (configuration["Frugal:Workflows:Directory"] is { Length: > 0 } directory)
        {
            await (warnings ?? notices).WriteLineAsync(
                $"warning: Frugal:Workflows:Directory ('{directory}') is read by the Functions app only; it is ignored here (frugal run takes a workflow file, frugal serve and embeddings refresh take --workflows)").ConfigureAwait(false);
        }

        EmulatorHandle? emulator = null;
        var overrides = new Dictionary<string, string?>();
        if (string.IsNullOrWhiteSpace(configuration["Frugal:Models:Cheap:Endpoint"]))
        {
            // The emulator reads the same "Emulator" section as `frugal emulate` (latency, faults, quality data).
            var emulatorOptions = configuration.GetSection("Emulator").Get<EmulatorOptions>() ?? new EmulatorOptions();
            emulator = await EmulatorServer.StartAsync(emulatorOptions, 0, cancellationToken).ConfigureAwait(false);
            foreach (var (tier, deployment) in new[] { ("Cheap", "gpt-4o-mini"), ("Premium", "gpt-4o") })
            {
                overrides[$"Frugal:Models:{tier}:Endpoint"] = emulator.Uri.ToString();
                overrides[$"Frugal:Models:{tier}:Deployment"] = configuration[$"Frugal:Models:{tier}:Deployment"] ?? deployment;
                overrides[$"Frugal:Models:{tier}:ApiKey"] = "emulator";
            }

            if (configuration["Frugal:Models:Fallback:Deployment"] is { } fallback)
            {
                overrides["Frugal:Models:Fallback:Endpoint"] = emulator.Uri.ToString();
                overrides["Frugal:Models:Fallback:ApiKey"] = "emulator";
            }

            await notices.WriteLineAsync(
                $"No model endpoint configured (Frugal:Models:Cheap:Endpoint): using the built-in model emulator at {emulator.Uri} - answers are synthetic.")
                .ConfigureAwait(false);
        }

        if (!string.IsNullOrWhiteSpace(store))
        {
            overrides["Frugal:Durable:Backend"] = nameof(DurableBackendKind.AzureStorage);
            overrides["Frugal:Durable:StorageConnectionString"] = store;
        }

        var merged = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(overrides).Build();
        var hostOptions = merged.GetSection(LocalHostOptions.Section).Get<LocalHostOptions>() ?? new LocalHostOptions();
        var ownLogging = loggerFactory is null ? CommandLogging.Create(merged, warnings ?? notices) : null;
        loggerFactory ??= ownLogging;
        try
        {
            var host = await FrugalLocalHost.StartAsync(
                hostOptions,
                services =>
                {
                    services.AddSingleton<IConfiguration>(merged);
                    services.AddFrugalEngine();
                    services.AddFrugalModels(merged);
                    services.AddFrugalInference(merged);
                    services.AddFrugalLocalOnnx(merged);
                    services.AddFrugalCosts(merged);
                    services.AddFrugalBudgets(merged);
                    services.AddFrugalRoutingFeedback(merged);
                    services.AddFrugalRetention(merged);
                    services.AddFrugalTelemetry(merged, serviceName: "frugal-cli");
                    services.AddOnnxRouterEmbeddings();
                    services.AddFrugalRouters(merged);
                    configureServices?.Invoke(services);
                },
                loggerFactory,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return new LocalRuntime(host, emulator, merged, ownLogging);
        }
        catch (Exception ex) when (store is not null && StorageErrors.Describe(ex) is { } reason)
        {
            ownLogging?.Dispose();
            if (emulator is not null)
            {
                await emulator.DisposeAsync().ConfigureAwait(false);
            }

            throw new CliUsageException($"--store: cannot use the storage account: {reason}");
        }
        catch
        {
            ownLogging?.Dispose();
            if (emulator is not null)
            {
                await emulator.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>How long a stop (Ctrl+C) waits for the steps in flight on a store (CliApp's termination timeout allows it).</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Before a stop: takes no new steps and waits (at most <see cref="DrainTimeout"/>) for those in flight, saying so.
    /// On a store, so that a restart goes on from their answers instead of paying for them again; on the embedded
    /// backend, whose runs are dropped, because their model calls are paid for all the same (the stop waits for them),
    /// so that what they cost is in the ledger before a summary reads it.
    /// </summary>
    public async Task DrainAsync(TextWriter error)
    {
        bool store = Host.Backend == DurableBackendKind.AzureStorage;
        var inFlight = Host.ActivitiesInFlight;
        if (inFlight > 0)
        {
            await error.WriteLineAsync(store
                ? string.Create(CultureInfo.InvariantCulture, $"stopping: waiting up to {DrainTimeout.TotalSeconds:0} s for {inFlight} step(s) in flight to finish and be stored, so the next start goes on from their answers instead of paying for them again")
                : string.Create(CultureInfo.InvariantCulture, $"stopping: waiting up to {DrainTimeout.TotalSeconds:0} s for {inFlight} step(s) in flight, whose model calls are paid for whether their runs finish or not, so that what they cost is recorded and counted")).ConfigureAwait(false);
        }

        var left = await Host.DrainAsync(DrainTimeout).ConfigureAwait(false);
        if (left > 0)
        {
            await error.WriteLineAsync(store
                ? string.Create(CultureInfo.InvariantCulture, $"stopping: {left} step(s) did not finish in time; they run again (and their model calls are paid again) when the runs resume")
                : string.Create(CultureInfo.InvariantCulture, $"stopping: {left} step(s) did not finish in time; model calls of theirs answered before the process ends are recorded in the cost ledger after this")).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync().ConfigureAwait(false);
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync().ConfigureAwait(false);
        }

        _ownLogging?.Dispose();
    }
}
