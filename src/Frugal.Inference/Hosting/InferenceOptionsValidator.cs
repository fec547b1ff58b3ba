using Frugal.Onnx.Batching;
using Microsoft.Extensions.Options;

namespace Frugal.Inference.Hosting;

/// <summary>Checks the rules between settings that attributes cannot express.</summary>
internal sealed class InferenceOptionsValidator(IOptions<BatchingOptions> batching) : IValidateOptions<InferenceOptions>
{
    public ValidateOptionsResult Validate(string? name, InferenceOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ApiKey) && !options.AllowAnonymousLoopback)
        {
            failures.Add("Inference:ApiKey (environment Inference__ApiKey) is required unless Inference:AllowAnonymousLoopback is true.");
        }

        if (options.MaxInputs > batching.Value.QueueCapacity)
        {
            failures.Add($"Inference:MaxInputs ({options.MaxInputs}) must not exceed Onnx:Batching:QueueCapacity ({batching.Value.QueueCapacity}): such a request could never be queued. Keep it well below, so that one full request leaves room for other callers.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
