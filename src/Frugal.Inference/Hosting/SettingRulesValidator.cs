using Microsoft.Extensions.Options;

namespace Frugal.Inference.Hosting;

/// <summary>
/// Checks options against their validation attributes with each rule's own message, which names the key
/// (<c>Onnx:Batching:MaxBatchSize must be between 1 and 4096</c>). <c>ValidateDataAnnotations</c> said "DataAnnotation
/// validation failed for 'BatchingOptions' members: 'MaxBatchSize' ...", which names no setting a user can find.
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
internal sealed class SettingRulesValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options) =>
        ConfigurationErrors.BrokenRules(options) is { Count: > 0 } broken
            ? ValidateOptionsResult.Fail(broken.Select(r => r.ErrorMessage ?? string.Join(", ", r.MemberNames)))
            : ValidateOptionsResult.Success;
}
