using Microsoft.AspNetCore.Builder;

namespace Frugal.Emulator;

/// <summary>A running emulator started by <see cref="EmulatorServer.StartAsync(EmulatorOptions, int, CancellationToken)"/>; dispose it to stop it.</summary>
public sealed class EmulatorHandle : IAsyncDisposable
{
    private readonly WebApplication _app;

    internal EmulatorHandle(WebApplication app, Uri uri, EmulatorOptions options, EmulatorCounters counters)
    {
        _app = app;
        Uri = uri;
        Options = options;
        Counters = counters;
    }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:5123/</c>: the endpoint of an Azure OpenAI client.</summary>
    public Uri Uri { get; }

    /// <summary>The base address of the OpenAI-style routes (<c>{Uri}v1</c>): the endpoint of an OpenAI client.</summary>
    public Uri OpenAIEndpoint => new(Uri, "v1");

    /// <summary>The options the emulator runs with.</summary>
    public EmulatorOptions Options { get; }

    /// <summary>What the emulator has served so far.</summary>
    public EmulatorCounters Counters { get; }

    /// <summary>Stops the emulator.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
