using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Frugal.Resilience;

/// <summary>
/// Checks <see cref="ModelResilienceOptions"/> against their ranges with each rule's own message, which names the key
/// (<c>ValidateDataAnnotations</c> wrapped it in "DataAnnotation validation failed for 'ModelResilienceOptions'
/// members: ...").
/// </summary>
internal sealed class ModelResilienceOptionsValidator : IValidateOptions<ModelResilienceOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelResilienceOptions options)
    {
        var results = new List<ValidationResult>();
        return Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(results.Select(r => r.ErrorMessage ?? string.Join(", ", r.MemberNames)));
    }
}
