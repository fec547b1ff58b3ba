using System.CommandLine;
using Frugal.Cli.Local;
using Frugal.Emulator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Frugal.Cli.Commands;

/// <summary><c>frugal emulate</c>: runs the OpenAI-compatible model emulator until Ctrl+C.</summary>
internal static class EmulateCommand
{
    public const int DefaultPort = 8089;

    public static Command Create()
    {
        var port = NumberOption.Create("--port", "Port to listen on (127.0.0.1 only); 0 takes any free port.", v => v is >= 0 and <= 65535, "a port from 0 to 65535", DefaultPort, "-p");
        var config = new Option<FileInfo?>("--config", "-c")
        {
            Description = "JSON file with an 'Emulator' section (ApiKey, Seed, EmbeddingDimensions, Defaults, Deployments).",
        };

        var quality = new Option<FileInfo?>("--quality")
        {
            Description = "Labelled CSV (id,source,prompt,cheap_score,premium_score): answers to prompts found there are marked CORRECT:/WRONG: " +
                "by the score of the deployment's Emulator:Deployments:<name>:QualityTier (cheap or premium).",
        };

        var command = new Command("emulate", "Run the model emulator: deterministic OpenAI-compatible answers with real token counts, latency and faults.");
        command.Options.Add(port);
        command.Options.Add(config);
        command.Options.Add(quality);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            EmulatorOptions options;
            var settings = LocalRuntime.ReadConfiguration();
            foreach (var line in UnknownSettingWarnings(settings))
            {
                await error.WriteLineAsync(line);
            }

            try
            {
                options = LoadOptions(parseResult.GetValue(config), settings);
                if (parseResult.GetValue(quality) is { } qualityFile)
                {
                    options.QualityData = qualityFile.FullName;
                }
            }
            catch (InvalidDataException ex)
            {
                await error.WriteLineAsync(ex.Message);
                return ExitCodes.BadInput;
            }

            EmulatorHandle emulator;
            try
            {
                // Warnings and errors (a defect of the emulator's own answers) go to the console, on standard error.
                // Not the host's "Hosting failed to start" and its stack trace: the catches below report the cause in a line.
                emulator = await EmulatorServer.StartAsync(
                    options,
                    parseResult.GetValue(port),
                    TimeProvider.System,
                    logging => logging.AddSimpleConsole().AddFilter(level => level >= LogLevel.Warning).AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical)
                        .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace),
                    cancellationToken);
            }
            catch (Frugal.Routing.RoutingDataException ex)
            {
                await error.WriteLineAsync(ex.Message);
                return ExitCodes.BadInput;
            }
            catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                await error.WriteLineAsync(LoopbackPort.InUse(parseResult.GetValue(port)));
                return ExitCodes.BadInput;
            }
            catch (OptionsValidationException ex)
            {
                // The options are frugal.json and the environment with the file on top: the key names the setting, this where to look.
                var sources = parseResult.GetValue(config) is { } file
                    ? $"'{file.FullName}' over frugal.json and Emulator__ environment variables"
                    : "frugal.json and Emulator__ environment variables";
                await error.WriteLineAsync($"The emulator configuration ({sources}) is not valid:");
                foreach (var failure in ex.Failures)
                {
                    await error.WriteLineAsync("  " + failure);
                }

                return ExitCodes.BadInput;
            }

            await using (emulator)
            {
                await output.WriteLineAsync($"Model emulator listening on {emulator.Uri}");
                await output.WriteLineAsync($"  Azure OpenAI endpoint: {emulator.Uri} (POST openai/deployments/{{deployment}}/chat/completions|embeddings)");
                await output.WriteLineAsync($"  OpenAI endpoint:       {emulator.OpenAIEndpoint} (POST /chat/completions|/embeddings)");
                await output.WriteLineAsync("Press Ctrl+C to stop.");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C: stop serving and exit normally.
                }

                var counters = emulator.Counters;
                await output.WriteLineAsync(
                    $"Served {counters.Requests} requests ({counters.FaultsInjected} faults injected), {counters.PromptTokens} prompt and {counters.CompletionTokens} completion tokens.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// Reads the options: the <c>Emulator</c> section of <paramref name="settings"/> (<c>frugal.json</c> and
    /// <c>Emulator__...</c> environment variables, as <c>frugal run</c> reads them for its emulator), then the file's
    /// <c>Emulator</c> section, or its root when it has none. A key the emulator does not know is an error in the file
    /// (a misspelt "Emulatr" section used to start an emulator with no faults and no word).
    /// </summary>
    internal static EmulatorOptions LoadOptions(FileInfo? file, IConfiguration? settings = null)
    {
        var options = new EmulatorOptions();
        var fromSettings = settings?.GetSection(EmulatorOptions.SectionName);
        fromSettings?.Bind(options);
        if (file is null)
        {
            EmulatorOptions.InheritDefaults(options, fromSettings is null ? [] : [fromSettings]);
            return options;
        }

        if (!file.Exists)
        {
            // A folder "was not found", though it was there by name.
            throw new InvalidDataException(Directory.Exists(file.FullName)
                ? $"The emulator config file '{file.FullName}' is a folder; --config names a JSON file."
                : $"The emulator config file '{file.FullName}' was not found.");
        }

        IConfigurationRoot configuration;
        try
        {
            configuration = new ConfigurationBuilder().AddJsonFile(file.FullName, optional: false).Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            var cause = ex;
            while (cause.InnerException is not null)
            {
                cause = cause.InnerException;
            }

            throw new InvalidDataException($"The emulator config file '{file.FullName}' is not valid JSON: {(cause is System.Text.Json.JsonException json ? JsonErrors.Describe(json) : cause.Message)}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"The emulator config file '{file.FullName}' cannot be read: {ex.Message}", ex);
        }

        var section = configuration.GetSection(EmulatorOptions.SectionName);
        var fromFile = section.Exists() ? section : (IConfiguration)configuration;
        try
        {
            fromFile.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            // Under Deployments:<name> the binder wraps the cause in "'ErrorOnUnknownConfiguration' was set and binding
            // has failed", which named neither the key nor the value: the binder's innermost error does (not the
            // FormatException under it, which names neither).
            var cause = ex;
            while (cause.InnerException is InvalidOperationException inner)
            {
                cause = inner;
            }

            if (UnknownSettings(cause.Message, configuration) is { Count: > 0 } unknown)
            {
                // The binder names the property and the type ('LatncyMs' on DeploymentOptions), not where it is written.
                throw new InvalidDataException($"The emulator config file '{file.FullName}' has setting(s) the emulator does not know: {string.Join(", ", unknown)} (a typo?)", ex);
            }

            throw new InvalidDataException($"The emulator config file '{file.FullName}' has a bad value: {cause.Message}", ex);
        }

        EmulatorOptions.InheritDefaults(options, fromSettings is null ? [fromFile] : [fromSettings, fromFile]);
        return options;
    }

    /// <summary>
    /// A warning per key of the <c>Emulator</c> section of <c>frugal.json</c> or the environment that the emulator does not
    /// read, as <c>frugal run</c> prints for the same section: a misspelt fault rate there started an emulator without
    /// that fault and without a word, where <c>frugal run</c> named it.
    /// </summary>
    internal static IEnumerable<string> UnknownSettingWarnings(IConfiguration settings) =>
        Frugal.UnknownSettings.Find(settings, [(EmulatorOptions.SectionName, typeof(EmulatorOptions))]).Select(line => $"warning: {line}");

    /// <summary>The configuration paths of the properties the binder reported as not found, if that is what it reported.</summary>
    private static List<string> UnknownSettings(string message, IConfiguration configuration)
    {
        var at = message.IndexOf("the following properties were not found", StringComparison.Ordinal);
        if (at < 0)
        {
            return [];
        }

        var names = System.Text.RegularExpressions.Regex.Matches(message[at..], "'([^']+)'").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return [.. configuration.AsEnumerable().Select(p => p.Key).Where(k => names.Contains(k[(k.LastIndexOf(':') + 1)..])).Order(StringComparer.Ordinal)];
    }
}
