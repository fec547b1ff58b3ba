using Microsoft.Extensions.Options;

namespace Frugal;

/// <summary>
/// Bad settings found while a host starts, as one line each naming the key: validation failures and values that do not
/// convert to their type (<c>Inference:OverLimit=Rejct</c>, <c>Frugal:Budgets:PerRun=abc</c>). Hosts print them and
/// exit 2 (<c>frugal</c>, the inference app) instead of ending with an unhandled exception and its stack trace.
/// </summary>
public static class ConfigurationErrors
{
    /// <summary>The lines to print for <paramref name="exception"/>, or null when it is not a configuration error.</summary>
    /// <param name="exception">What start-up threw (the error may be wrapped, e.g. in an AggregateException).</param>
    /// <returns>One <c>configuration error: ...</c> line per problem, or null.</returns>
    public static IReadOnlyList<string>? Describe(Exception? exception) => exception switch
    {
        null => null,
        OptionsValidationException invalid => [.. invalid.Failures.Select(f => $"configuration error: {f}")],
        InvalidOperationException converting when converting.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal)
            => [$"configuration error: {converting.Message}"],
        // A settings file (frugal.json, appsettings.json) that is not JSON: its name, and where, counted from one.
        InvalidDataException file when file.Message.StartsWith("Failed to load configuration from file", StringComparison.Ordinal)
            && file.GetBaseException() is System.Text.Json.JsonException json
            => [$"configuration error: {file.Message.TrimEnd('.')}: it is not valid JSON: {JsonErrors.Describe(json)}"],
        AggregateException aggregate => aggregate.InnerExceptions.Select(Describe).FirstOrDefault(d => d is not null),
        _ => Describe(exception.InnerException),
    };

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
