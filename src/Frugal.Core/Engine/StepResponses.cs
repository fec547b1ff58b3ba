namespace Frugal.Engine;

/// <summary>
/// The responses of one step call's attempts: usually one. When some calls of a batch failed, the next attempt sends
/// only those, and the batch's results are the answered calls of every attempt together.
/// </summary>
internal sealed class StepResponses
{
    private readonly List<(StepResponseJson Response, int[]? Positions)> _parts = new(1);

    /// <summary>The last attempt's response.</summary>
    public StepResponseJson Last => _parts[^1].Response;

    /// <summary>Adds an attempt's response; <paramref name="positions"/> are the batch positions of its calls (null: all).</summary>
    public void Add(StepResponseJson response, int[]? positions) => _parts.Add((response, positions));

    /// <summary>The batch's results in call order, parsed now.</summary>
    public IReadOnlyList<CallResult> Results()
    {
        var first = _parts[0].Response.Value.Results;
        if (_parts.Count == 1)
        {
            return first;
        }

        var merged = new CallResult[first.Count];
        foreach (var (response, positions) in _parts)
        {
            var results = response.Value.Results;
            for (var k = 0; k < results.Count; k++)
            {
                if (results[k].Failure is null)
                {
                    merged[positions?[k] ?? k] = results[k];
                }
            }
        }

        return merged;
    }
}
