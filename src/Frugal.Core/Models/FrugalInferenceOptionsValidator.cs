using Frugal.Costs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Frugal.Models;

/// <summary>Fails start-up on a relative endpoint or a GPU profile the price table does not list.</summary>
internal sealed class FrugalInferenceOptionsValidator(IServiceProvider services) : IValidateOptions<FrugalInferenceOptions>
{
    public ValidateOptionsResult Validate(string? name, FrugalInferenceOptions options)
    {
        var failures = new List<string>();
        // Another scheme (ftp://) passed, and every onnx step then failed three times with "The 'ftp' scheme is not supported".
        if (options.Endpoint is { } endpoint && !(endpoint.IsAbsoluteUri && endpoint.Scheme is "http" or "https"))
        {
            failures.Add($"Frugal:Inference:Endpoint '{endpoint}' must be an absolute http or https URL, for example https://frugal-inference.example.net/.");
        }

        if (options.GpuProfile is { } profile && services.GetService<PriceTable>() is { } prices && !prices.GpuDollarsPerHour.ContainsKey(profile))
        {
            failures.Add($"Frugal:Inference:GpuProfile '{profile}' is not a GPU profile of price table {prices.Version} (gpu_profiles: {string.Join(", ", prices.GpuDollarsPerHour.Keys)}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
