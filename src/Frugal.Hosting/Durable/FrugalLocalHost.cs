using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Frugal.Engine;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Frugal.Hosting.Durable;

/// <summary>
/// Runs Frugal's orchestrator and activities in this process, with no Functions host: a Durable Task gRPC
/// sidecar (the one the SDK's in-process test host uses) over an in-memory or Azure Storage orchestration
/// service, a worker and a client connected to it on loopback.
/// </summary>
public sealed class FrugalLocalHost : IAsyncDisposable
{
    private readonly WebApplication _sidecar;
    private readonly IHost _worker;
    private readonly GrpcChannel[] _channels;
    private readonly IOrchestrationService _service;
    private readonly DurableBackendKind _backend;

    /// <summary>The durable backend the host runs on.</summary>
    public DurableBackendKind Backend => _backend;

    private FrugalLocalHost(WebApplication sidecar, IHost worker, GrpcChannel[] channels, IOrchestrationService service, DurableBackendKind backend)
    {
        _sidecar = sidecar;
        _worker = worker;
        _channels = channels;
        _service = service;
        _backend = backend;
    }

    /// <summary>The client that starts and queries runs.</summary>
    public DurableTaskClient Client => _worker.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>The worker's services (model clients, stores).</summary>
    public IServiceProvider Services => _worker.Services;

    /// <summary>
    /// A new run's id. On the embedded backend a time-ordered one (UUIDv7): the cost ledger's unique key starts with
    /// the run id, so ids that grow with time add each commit's records at the end of that index instead of on as
    /// many random pages (a `CostRecorder` microbenchmark: 34 instead of 39 us of CPU per record with 10 writers, 20
    /// instead of 30 on a ledger of 2,000,000 records; docs/engine.md). On Azure Storage a random one, as Durable
    /// Task's own: there the id is also the instance and history tables' partition key, and ever-growing partition
    /// keys would send every new run's writes to one partition server.
    /// </summary>
    /// <returns>32 hex digits.</returns>
    public string NewRunId() =>
        (_backend == DurableBackendKind.Embedded ? Guid.CreateVersion7() : Guid.NewGuid()).ToString("N");

    /// <summary>Starts the sidecar, then the worker with the services <paramref name="configureServices"/> adds.</summary>
    /// <param name="options">Backend and concurrency.</param>
    /// <param name="configureServices">Adds the services activities need (model clients, stores).</param>
    /// <param name="loggerFactory">Logging for the sidecar and the worker.</param>
    /// <param name="registerTasks">Registers orchestrators and activities besides Frugal's own (benchmarks, tests).</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    public static async Task<FrugalLocalHost> StartAsync(
        LocalHostOptions options,
        Action<IServiceCollection> configureServices,
        ILoggerFactory? loggerFactory = null,
        Action<Microsoft.DurableTask.DurableTaskRegistry>? registerTasks = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configureServices);
        options.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;

        // Only the embedded backend's sidecar sends run inputs by reference (Azure Storage keeps its work items' history).
        var runInputs = new RunInputReferences();
        var runOutputs = new RunOutputReferences();
        var converter = new RunOutputReferenceConverter(
            options.Backend == DurableBackendKind.Embedded
                ? new RunInputReferenceConverter(FrugalDataConverter.WithActionSizeCheck, runInputs)
                : FrugalDataConverter.WithActionSizeCheck,
            runOutputs);
        var (service, client) = await CreateBackendAsync(options, runInputs, runOutputs, loggerFactory).ConfigureAwait(false);
        WebApplication? sidecar = null;
        var channels = new List<GrpcChannel>(2);
        IHost? worker = null;
        try
        {
            sidecar = BuildSidecar(service, client, loggerFactory);
            await sidecar.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = sidecar.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            // The worker and the client get their own channels: a client waiting on many runs holds one HTTP/2 stream
            // per run, and those long polls must never take the streams the worker needs to report results.
            var channel = CreateChannel(address);
            channels.Add(channel);
            var clientChannel = CreateChannel(address);
            channels.Add(clientChannel);

            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(loggerFactory);
            builder.Services.AddSingleton<IHostLifetime, OwnerStoppedLifetime>();
            configureServices(builder.Services);
            builder.Services.AddDurableTaskWorker(worker =>
            {
                worker.UseGrpc(channel);
                worker.AddTasks(tasks =>
                {
                    tasks.AddFrugalTasks(FrugalDataConverter.MaxActionBytes);
                    registerTasks?.Invoke(tasks);
                });
                worker.Configure(o =>
                {
                    o.DataConverter = converter;
                    o.Concurrency.MaximumConcurrentActivityWorkItems = options.MaxConcurrentActivities;
                    o.Concurrency.MaximumConcurrentOrchestrationWorkItems = options.MaxConcurrentOrchestrations;
                });
            });
            builder.Services.AddDurableTaskClient(c =>
            {
                c.UseGrpc(clientChannel);
                c.Configure(o => o.DataConverter = converter);
            });
            worker = builder.Build();
            await worker.StartAsync(cancellationToken).ConfigureAwait(false);
            return new FrugalLocalHost(sidecar, worker, [.. channels], service, options.Backend);
        }
        catch
        {
            // A start that failed or was cancelled (Ctrl+C while starting) left the sidecar's server listening, its
            // channels open and an Azure Storage backend holding its partition leases. What the start failed with is
            // what the caller hears, not a failure of this clean-up.
            try
            {
                await StopAsync(worker, service, channels, sidecar).ConfigureAwait(false);
            }
            catch (Exception cleanup)
            {
                Frugal.Hosting.Log.StartCleanupFailed(loggerFactory.CreateLogger<FrugalLocalHost>(), cleanup);
            }

            throw;
        }
    }

    /// <summary>The steps in flight, whose model calls a stop does not cut off (see <see cref="DrainAsync"/>).</summary>
    public int ActivitiesInFlight => _service is SidecarOrchestrationService sidecar ? sidecar.ActivitiesInFlight : 0;

    /// <summary>
    /// Takes no new steps and waits, at most <paramref name="timeout"/>, for those in flight to finish. On Azure Storage
    /// their results are stored, so that a restart resumes from them instead of running (and paying for) them again.
    /// The embedded backend keeps nothing across a stop, but its steps' model calls are not cut off either (a stopping
    /// worker waits for them): once this returns, what they cost is in the cost ledger, so a summary read after it
    /// counts it, where one read before it left out calls that were paid for and recorded moments later.
    /// </summary>
    /// <returns>How many steps were still in flight when the wait ended.</returns>
    public Task<int> DrainAsync(TimeSpan timeout) =>
        _service is SidecarOrchestrationService sidecar ? sidecar.DrainActivitiesAsync(timeout) : Task.FromResult(0);

    /// <summary>
    /// How long disposing the worker may take. It did not return while steps were in flight, which the owner has already
    /// waited for (<see cref="DrainAsync"/>): a step that outlasted that wait (a model call held for a minute) kept
    /// `frugal run` stopping past System.CommandLine's limit, which ended it with 143 (SIGTERM) instead of its own exit
    /// code, its "waits up to 10 s" about 15.
    /// </summary>
    internal static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Stops the worker, then the sidecar; runs in flight stay in the backend (Azure Storage resumes them).</summary>
    public ValueTask DisposeAsync() => new(StopAsync(_worker, _service, _channels, _sidecar));

    /// <summary>
    /// Stops what a host has started, worker first, each part even when one before it failed (the first failure is
    /// thrown at the end): a worker that failed to stop left the sidecar listening and the backend's leases held.
    /// </summary>
    private static async Task StopAsync(IHost? worker, IOrchestrationService service, IEnumerable<GrpcChannel> channels, WebApplication? sidecar)
    {
        var failures = new List<Exception>();
        async Task TryAsync(Func<Task> step)
        {
            try
            {
                await step().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        }

        if (worker is not null)
        {
            await TryAsync(() => worker.StopAsync()).ConfigureAwait(false);
            // Disposing the worker did not return while steps were still in flight (measured with a model call held for a
            // minute; which of its services waits was not found), after the owner's own wait for them (DrainAsync):
            // bounded, so that a stop ends in about DrainAsync's time.
            await TryAsync(() => Bounded(worker is IAsyncDisposable async ? async.DisposeAsync().AsTask() : Task.Run(worker.Dispose))).ConfigureAwait(false);
        }

        // The sidecar stops its backend from a fire-and-forget callback; stop it here and wait, so an Azure Storage
        // backend releases its partition leases before the process goes on (a restarted host then resumes at once).
        await TryAsync(() => service.StopAsync(isForced: false)).ConfigureAwait(false);
        foreach (var channel in channels)
        {
            await TryAsync(() => channel.ShutdownAsync()).ConfigureAwait(false);
            await TryAsync(() => { channel.Dispose(); return Task.CompletedTask; }).ConfigureAwait(false);
        }

        if (sidecar is not null)
        {
            await TryAsync(() => sidecar.StopAsync()).ConfigureAwait(false);
            await TryAsync(() => sidecar.DisposeAsync().AsTask()).ConfigureAwait(false);
        }

        (service as SidecarOrchestrationService)?.Dispose();
        if (failures.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures[0]);
        }
    }

    /// <summary>Waits for <paramref name="stopping"/> at most <see cref="StopTimeout"/>; what is left of it goes on unwatched.</summary>
    private static async Task Bounded(Task stopping)
    {
        try
        {
            await stopping.WaitAsync(StopTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    private static async Task<(IOrchestrationService Service, IOrchestrationServiceClient Client)> CreateBackendAsync(
        LocalHostOptions options, RunInputReferences runInputs, RunOutputReferences runOutputs, ILoggerFactory loggerFactory)
    {
        if (options.Backend == DurableBackendKind.Embedded)
        {
            var memory = new InMemoryOrchestrationService(loggerFactory);
            var sidecarView = new SidecarOrchestrationService(
                memory, options.MaxConcurrentOrchestrations, options.MaxConcurrentActivities, trimReplayedInputs: true, runInputs, runOutputs);
            return (sidecarView, memory);
        }

        if (string.IsNullOrWhiteSpace(options.StorageConnectionString))
        {
            throw new InvalidOperationException(
                "Frugal:Durable:StorageConnectionString is required when Frugal:Durable:Backend is AzureStorage (use UseDevelopmentStorage=true for Azurite)");
        }

        var storage = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = options.TaskHub,
            StorageAccountClientProvider = new StorageAccountClientProvider(options.StorageConnectionString),
            PartitionCount = options.PartitionCount,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivities,
            MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestrations,
            MaxQueuePollingInterval = TimeSpan.FromSeconds(1),

            // A host killed mid-run leaves its dequeued messages invisible until this timeout: keep it short locally
            // so a restarted `frugal` resumes within about half a minute (Durable Functions uses 5 minutes).
            WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(30),
            ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(30),
            LoggerFactory = loggerFactory,
        });
        await storage.CreateIfNotExistsAsync().ConfigureAwait(false);
        return (new SidecarOrchestrationService(storage, options.MaxConcurrentOrchestrations, options.MaxConcurrentActivities, runOutputs: runOutputs), storage);
    }

    private static GrpcChannel CreateChannel(string address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        MaxReceiveMessageSize = null,
    });

    private static WebApplication BuildSidecar(IOrchestrationService service, IOrchestrationServiceClient client, ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, OwnerStoppedLifetime>();
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Kestrel allows 100 streams per HTTP/2 connection by default; one client waiting on a thousand runs needs more.
            k.Limits.Http2.MaxStreamsPerConnection = 100_000;

            // Kestrel refuses request bodies over 30 MB by default, below what the workflows' own input schemas allow
            // (a thousand documents of up to 50,000 characters): such a run crashed `frugal run` (exit 134) and
            // `frugal serve` answered 500. Only this process's own client reaches this loopback listener.
            k.Limits.MaxRequestBodySize = null;
            k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
        });
        // gRPC servers refuse messages over 4 MB by default, which refused run inputs the workflows' own schemas allow
        // (a thousand documents); the durable backends store large messages their own way (blobs for Azure Storage).
        builder.Services.AddGrpc(grpc => (grpc.MaxReceiveMessageSize, grpc.MaxSendMessageSize) = (null, null));
        builder.Services.AddSingleton(service);
        builder.Services.AddSingleton(client);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        return app;
    }
}
