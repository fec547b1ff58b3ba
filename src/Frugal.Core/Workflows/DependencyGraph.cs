namespace Frugal.Workflows;

/// <summary>Finds dependency cycles between steps (through <c>needs</c>, <c>route</c> and <c>steps.&lt;id&gt;</c> references).</summary>
internal static class DependencyGraph
{
    /// <summary>Every distinct cycle, each starting at the step of it that comes first in the file, e.g. <c>[a, b, a]</c>.</summary>
    /// <param name="order">Step ids in file order.</param>
    /// <param name="dependsOn">Each step's dependencies (ids that are not steps are ignored).</param>
    public static IReadOnlyList<IReadOnlyList<string>> FindCycles(IReadOnlyList<string> order, IReadOnlyDictionary<string, IReadOnlyList<string>> dependsOn)
    {
        var position = order.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the path, 2 = done
        var path = new List<string>();
        var cycles = new List<IReadOnlyList<string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        void Visit(string id)
        {
            state[id] = 1;
            path.Add(id);
            foreach (var next in dependsOn.TryGetValue(id, out var deps) ? deps : [])
            {
                if (!position.ContainsKey(next))
                {
                    continue;
                }

                if (state.GetValueOrDefault(next) == 1)
                {
                    var cycle = path.Skip(path.LastIndexOf(next)).ToList();
                    // Rotate so the cycle starts at its first step in the file; report each cycle once.
                    var first = cycle.MinBy(s => position[s])!;
                    var at = cycle.IndexOf(first);
                    var rotated = cycle.Skip(at).Concat(cycle.Take(at)).ToList();
                    // A step depends on the next one in the path; print it the way it reads: a needs b needs a.
                    if (seen.Add(string.Join(" ", rotated)))
                    {
                        cycles.Add([.. rotated, rotated[0]]);
                    }
                }
                else if (state.GetValueOrDefault(next) == 0)
                {
                    Visit(next);
                }
            }

            path.RemoveAt(path.Count - 1);
            state[id] = 2;
        }

        foreach (var id in order)
        {
            if (state.GetValueOrDefault(id) == 0)
            {
                Visit(id);
            }
        }

        return cycles;
    }
}
