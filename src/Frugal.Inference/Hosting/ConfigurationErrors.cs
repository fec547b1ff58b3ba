using Microsoft.Extensions.Options;

namespace Frugal.Inference.Hosting;

/// <summary>
/// Bad settings found while the app starts, as one line each naming the key: validation failures and values that do not
/// convert to their type (<c>Inference:OverLimit=Rejct</c>). They ended the app with an unhandled exception and its
/// stack trace (exit 134); a container's logs now say what to fix, and the exit code is 2.
/// </summary>
internal static class ConfigurationErrors
{
    /// <summary>The lines to print for <paramref name="exception"/>, or null when it is not a configuration error.</summary>
    public static IReadOnlyList<string>? Describe(Exception? exception) => exception switch
    {
        null => null,
        OptionsValidationException invalid => [.. invalid.Failures.Select(f => $"configuration error: {f}")],
        InvalidOperationException converting when converting.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal)
            => [$"configuration error: {converting.Message}"],
        AggregateException aggregate => aggregate.InnerExceptions.Select(Describe).FirstOrDefault(d => d is not null),
        _ => Describe(exception.InnerException),
    };
}
