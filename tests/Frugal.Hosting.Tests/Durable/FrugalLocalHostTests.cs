using System.Net.Sockets;
using Frugal.Hosting.Durable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Frugal.Hosting.Tests.Durable;

/// <summary>The local host's start: what a start that fails part-way had started is stopped again.</summary>
public sealed class FrugalLocalHostTests
{
    [Fact]
    public async Task StartAsync_AServiceOfTheWorkerFailsToStart_ThrowsItsErrorAndLeavesNothingListeningOrRunning()
    {
        // A failed start left the sidecar's server listening, its channels open and the worker's services running.
        var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(logs));
        var running = new RunningService();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => FrugalLocalHost.StartAsync(
            new LocalHostOptions(),
            services => services.AddHostedService(_ => running).AddHostedService(_ => new FailingService(failsToStop: false)),
            loggerFactory));

        Assert.Equal("the service could not start", error.Message);
        Assert.True(running.ExecuteTask is { IsCompleted: true }, "a service of the worker keeps running");
        await AssertNothingListensAsync(SidecarAddress(logs));
        Assert.DoesNotContain(logs.Collector.GetSnapshot(), e => e.Id.Id == 7001);
    }

    [Fact]
    public async Task StartAsync_CleanUpFailsToo_LogsItAndThrowsWhatTheStartFailedWith()
    {
        // What the start failed with is what the caller hears; the clean-up's own failure is logged, and the parts
        // after the one that failed to stop are stopped all the same.
        var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(logs));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => FrugalLocalHost.StartAsync(
            new LocalHostOptions(),
            services => services.AddHostedService(_ => new FailingService(failsToStop: true)),
            loggerFactory));

        Assert.Equal("the service could not start", error.Message);
        var logged = Assert.Single(logs.Collector.GetSnapshot(), e => e.Id.Id == 7001);
        Assert.Equal((LogLevel.Warning, "Stopping what a failed start of the local host had started failed"), (logged.Level, logged.Message));
        Assert.Contains("the service could not stop", logged.Exception?.ToString(), StringComparison.Ordinal);
        await AssertNothingListensAsync(SidecarAddress(logs));
    }

    /// <summary>The sidecar's address, as its server logged it when it started listening.</summary>
    private static Uri SidecarAddress(FakeLoggerProvider logs)
    {
        const string Listening = "Now listening on: ";
        var message = Assert.Single(logs.Collector.GetSnapshot(), e => e.Message.StartsWith(Listening, StringComparison.Ordinal)).Message;
        return new Uri(message[Listening.Length..]);
    }

    private static async Task AssertNothingListensAsync(Uri address)
    {
        using var tcp = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => tcp.ConnectAsync(address.Host, address.Port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    /// <summary>A service that runs until the host stops it.</summary>
    private sealed class RunningService : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Delay(Timeout.Infinite, stoppingToken);
    }

    /// <summary>A service whose start fails (a cache that cannot be warmed, a port taken), and maybe its stop.</summary>
    private sealed class FailingService(bool failsToStop) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("the service could not start");

        public Task StopAsync(CancellationToken cancellationToken) =>
            failsToStop ? throw new InvalidOperationException("the service could not stop") : Task.CompletedTask;
    }
}
