using System.Diagnostics;
using OpenTelemetry;

namespace Frugal.Telemetry;

/// <summary>
/// Leaves the error description off the spans of the libraries Frugal runs on (<c>Microsoft.DurableTask</c>'s activity
/// and orchestration spans, M.E.AI's chat spans on <c>Frugal.Models</c>, a host's own, such as the Functions worker's
/// invocation span), keeping their error status and
/// <c>error.type</c>. Those descriptions are exception messages Frugal does not write: a failed step's whole message (a
/// service's error body, which can echo the prompt) on Durable Task's spans, the client library's message, which carries
/// the response body, on a chat span. A span there has no tenant to ask <see cref="TenantTextPolicy"/> about; the
/// <c>frugal.step</c> span of the same attempt says why, as the tenant's policy allows.
/// </summary>
public sealed class SpanErrorRedactor : BaseProcessor<Activity>
{
    private readonly HashSet<string> _sources;

    /// <summary>Creates the processor for <c>Microsoft.DurableTask</c>, <c>Frugal.Models</c> and <paramref name="hostSources"/>.</summary>
    /// <param name="hostSources">A host's own trace sources.</param>
    public SpanErrorRedactor(IEnumerable<string>? hostSources = null)
    {
        _sources = new(StringComparer.Ordinal) { FrugalTelemetry.DurableTaskSourceName, FrugalTelemetry.ModelsSourceName };
        _sources.UnionWith(hostSources ?? []);
    }

    /// <inheritdoc />
    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Status == ActivityStatusCode.Error && data.StatusDescription is not null && _sources.Contains(data.Source.Name))
        {
            data.SetStatus(ActivityStatusCode.Error);
        }
    }
}
