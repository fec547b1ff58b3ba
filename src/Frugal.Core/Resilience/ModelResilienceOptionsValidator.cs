using Microsoft.Extensions.Options;

namespace Frugal.Resilience;

/// <summary>
/// Checks <see cref="ModelResilienceOptions"/> against their ranges with each rule's own message, which names the key
/// (<c>ValidateDataAnnotations</c> wrapped it in "DataAnnotation validation failed for 'ModelResilienceOptions'
/// members: ...").
/// </summary>
internal sealed class ModelResilienceOptionsValidator : IValidateOptions<ModelResilienceOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelResilienceOptions options) =>
        ConfigurationErrors.BrokenRules(options) is { Count: > 0 } broken
            ? ValidateOptionsResult.Fail(broken.Select(r => r.ErrorMessage ?? string.Join(", ", r.MemberNames)))
            : ValidateOptionsResult.Success;
}
