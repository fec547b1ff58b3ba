using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Frugal.Emulator;

/// <summary>Starts the model emulator in-process, listening on 127.0.0.1 only.</summary>
public static class EmulatorServer
{
    /// <summary>Starts an emulator.</summary>
    /// <param name="options">The emulator's options; validated first.</param>
    /// <param name="port">The port to listen on; 0 takes any free port (read it from <see cref="EmulatorHandle.Uri"/>).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop it.</returns>
    /// <exception cref="OptionsValidationException">The options are not valid; the message names the keys at fault.</exception>
    public static Task<EmulatorHandle> StartAsync(EmulatorOptions options, int port, CancellationToken cancellationToken) =>
        StartAsync(options, port, TimeProvider.System, configureLogging: null, cancellationToken);

    /// <summary>Starts an emulator with a given clock (for latency) and logging.</summary>
    /// <param name="options">The emulator's options; validated first.</param>
    /// <param name="port">The port to listen on; 0 takes any free port.</param>
    /// <param name="timeProvider">The clock that latency and injected timeouts wait on.</param>
    /// <param name="configureLogging">Adds logging providers; without it the emulator logs nothing.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop it.</returns>
    /// <exception cref="OptionsValidationException">The options are not valid; the message names the keys at fault.</exception>
    /// <exception cref="Frugal.Routing.RoutingDataException">The quality data file is wrong; the message names the line.</exception>
    public static async Task<EmulatorHandle> StartAsync(
        EmulatorOptions options,
        int port,
        TimeProvider timeProvider,
        Action<ILoggingBuilder>? configureLogging,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);

        var validation = new EmulatorOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(EmulatorOptions), validation.Failures);
        }

        // An empty builder: no appsettings.json or environment variables of the current directory leak in.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging(logging => configureLogging?.Invoke(logging));
        builder.Services.AddSingleton(timeProvider);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));

        // Stopped, it waited up to the host's default 30 s for answers it was holding back (LatencyMs): frugal run, its
        // steps' wait over, sat there until System.CommandLine ended it with 143 instead of its own exit code.
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
        builder.Services.AddEmulatorCore();

        var app = builder.Build();

        // Labelled quality data is read now, so a bad file stops the start with its name and line.
        app.Services.GetRequiredService<Quality.QualityJudge>();
        app.Use(AnswerFailuresAsync);
        app.Use(AnswerUnroutedAsync);
        app.UseRouting();
        app.MapFrugalEmulator();
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address.EndsWith('/') ? address : address + "/");
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EmulatorServer));
        Log.Listening(logger, uri);
        return new EmulatorHandle(app, uri, options, app.Services.GetRequiredService<EmulatorCounters>());
    }

    /// <summary>
    /// A path the emulator does not serve (404) or a method its routes do not take (405), answered in OpenAI's shape and
    /// words: they were empty answers, which a client reports as a bare status and a user cannot tell from a wrong port.
    /// </summary>
    private static async Task AnswerUnroutedAsync(HttpContext http, RequestDelegate next)
    {
        await next(http);
        if (http.Response.HasStarted || http.Response.StatusCode is not (StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed))
        {
            return;
        }

        var request = $"{http.Request.Method} {http.Request.Path}";
        var message = http.Response.StatusCode == StatusCodes.Status404NotFound
            ? $"Invalid URL ({request}): the emulator serves POST openai/deployments/{{deployment}}/chat/completions and .../embeddings (with ?api-version=), and POST v1/chat/completions and v1/embeddings."
            : $"Invalid method for URL ({request}): send POST.";
        // As OpenAI answers a path or method it does not serve: code null (the status was sent as the code).
        await Protocol.ErrorWriter.WriteAsync(http, http.Response.StatusCode, new Protocol.ErrorBody(message, "invalid_request_error", Param: null, Code: null));
    }

    /// <summary>
    /// A defect of the emulator's own answers as an OpenAI-shaped 500 that says so, logged: it was an empty 500, with
    /// nothing in the log, which a client takes for a failing deployment and retries.
    /// </summary>
    private static async Task AnswerFailuresAsync(HttpContext http, RequestDelegate next)
    {
        try
        {
            await next(http);
        }
        // Not Kestrel's own refusals (a body over its limit: 413) nor a client that went away.
        catch (Exception ex) when (ex is not (OperationCanceledException or BadHttpRequestException) && !http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted)
        {
            Log.Failed(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EmulatorServer)), http.Request.Path.Value ?? "", ex);
            await Protocol.ErrorWriter.WriteAsync(
                http, StatusCodes.Status500InternalServerError, $"The model emulator failed to answer this request ({ex.GetType().Name}: {ex.Message}); this is a defect of the emulator, not of the request.", "server_error");
        }
    }
}
