namespace Frugal.Engine;

/// <summary>
/// The responses of one step call's attempts: usually one. When some calls of a batch failed, the next attempt sends
/// only those, and the batch's results are the answered calls of every attempt together.
/// </summary>
internal sealed class StepResponses
{
    // Nearly every call has one response; the list is made only for a batch retried in part.
    private StepResponseJson? _first;
    private List<(StepResponseJson Response, int[]? Positions)>? _retries;

    /// <summary>Adds an attempt's response; <paramref name="positions"/> are the batch positions of its calls (null: all).</summary>
    public void Add(StepResponseJson response, int[]? positions)
    {
        if (_first is null && positions is null)
        {
            _first = response;
        }
        else
        {
            (_retries ??= []).Add((response, positions));
        }
    }

    /// <summary>The batch's results in call order, parsed now.</summary>
    public IReadOnlyList<CallResult> Results()
    {
        var first = _first!.Value.Results;
        if (_retries is null)
        {
            return first;
        }

        var merged = new CallResult[first.Count];
        Merge(merged, _first, null);
        foreach (var (response, positions) in _retries)
        {
            Merge(merged, response, positions);
        }

        return merged;
    }

    private static void Merge(CallResult[] merged, StepResponseJson response, int[]? positions)
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
}
