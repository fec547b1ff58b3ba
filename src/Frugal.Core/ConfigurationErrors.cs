using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Frugal;

/// <summary>
/// Bad settings found while a host starts, as one line each naming the key: validation failures and values that do not
/// convert to their type (<c>Inference:OverLimit=Rejct</c>, <c>Frugal:Budgets:PerRun=abc</c>: the values it takes, not the
/// .NET type). Hosts print them and
/// exit 2 (<c>frugal</c>, the inference app) instead of ending with an unhandled exception and its stack trace.
/// </summary>
public static partial class ConfigurationErrors
{
    /// <summary>The lines to print for <paramref name="exception"/>, or null when it is not a configuration error.</summary>
    /// <param name="exception">What start-up threw (the error may be wrapped, e.g. in an AggregateException).</param>
    /// <returns>One <c>configuration error: ...</c> line per problem, or null.</returns>
    public static IReadOnlyList<string>? Describe(Exception? exception) => exception switch
    {
        null => null,
        OptionsValidationException invalid => [.. invalid.Failures.Select(f => $"configuration error: {f}")],
        InvalidOperationException converting when converting.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal)
            => [$"configuration error: {Converting(converting.Message)}"],
        // A settings file (frugal.json, appsettings.json) that is not JSON: its name, and where, counted from one.
        InvalidDataException file when file.Message.StartsWith("Failed to load configuration from file", StringComparison.Ordinal)
            && file.GetBaseException() is System.Text.Json.JsonException json
            => [$"configuration error: {file.Message.TrimEnd('.')}: it is not valid JSON: {DescribeIn(file.Message, json)}"],
        AggregateException aggregate => aggregate.InnerExceptions.Select(Describe).FirstOrDefault(d => d is not null),
        _ => Describe(exception.InnerException),
    };

    // The position in UTF-16 units, as every other file's (JsonErrors): the exception counts bytes, and the file is read
    // again for the text before it. A file that cannot be read again keeps the bytes.
    private static string DescribeIn(string message, System.Text.Json.JsonException json)
    {
        var quoted = message.Split('\'');
        try
        {
            return quoted.Length >= 3 && File.Exists(quoted[1]) ? JsonErrors.Describe(json, TextFile.Read(quoted[1])) : JsonErrors.Describe(json);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or TextEncodingException)
        {
            return JsonErrors.Describe(json);
        }
    }

    // The binder names the .NET type ('Frugal.Budgets.BudgetAction', 'System.TimeSpan'); the user needs what the key
    // takes. A type not described here keeps the binder's message.
    private static string Converting(string message)
    {
        var match = FailedConversion().Match(message);
        if (!match.Success || Expected(match.Groups["type"].Value) is not { } expected)
        {
            return message;
        }

        var key = match.Groups["key"].Value;
        return match.Groups["value"].Success
            ? $"'{key}' cannot be '{match.Groups["value"].Value}'; expected {expected}"
            : $"'{key}' must be {expected}";
    }

    private static string? Expected(string typeName)
    {
        var type = Type.GetType(typeName, throwOnError: false)
            ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName, throwOnError: false)).FirstOrDefault(t => t is not null);
        return type switch
        {
            null => null,
            { IsEnum: true } => $"one of: {string.Join(", ", Enum.GetNames(type))}",
            _ when type == typeof(TimeSpan) => "a duration such as 00:00:30 (hours:minutes:seconds; 1.00:00:00 is a day)",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) => WholeNumber(int.MinValue, int.MaxValue),
            _ when type == typeof(long) => WholeNumber(long.MinValue, long.MaxValue),
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number such as 0.25 (with '.' before the decimals)",
            _ when type == typeof(Uri) => "a URL such as https://example.com/",
            _ => null,
        };
    }

    private static string WholeNumber(long min, long max) =>
        string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}");

    // Microsoft.Extensions.Configuration.Binder's message; its source generator leaves the value out.
    [GeneratedRegex(@"^Failed to convert configuration value (?:'(?<value>.*)' )?at '(?<key>[^']*)' to type '(?<type>[^']+)'\.$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex FailedConversion();

    /// <summary>
    /// The messages of the validation attributes <paramref name="options"/> breaks, each the rule's own (which names
    /// its key), not <c>ValidateDataAnnotations</c>' "DataAnnotation validation failed for '...' members: ...".
    /// </summary>
    /// <param name="options">An options object with <c>[Range]</c>, <c>[RegularExpression]</c> and such rules.</param>
    /// <returns>One result per broken rule (its message and the property it is on).</returns>
    public static IReadOnlyList<System.ComponentModel.DataAnnotations.ValidationResult> BrokenRules(object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new System.ComponentModel.DataAnnotations.ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
