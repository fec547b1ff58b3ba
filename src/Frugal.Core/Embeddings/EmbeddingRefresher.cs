using Frugal.Workflows;

namespace Frugal.Embeddings;

/// <summary>
/// Builds, ahead of the first run, the index of every semantic lookup table of a set of workflows whose index is
/// missing or was built with another embedding model (a model change gives each table a new index id).
/// </summary>
public sealed class EmbeddingRefresher
{
    private readonly EmbeddingIndexProvider _indexes;

    /// <summary>Creates the refresher.</summary>
    public EmbeddingRefresher(EmbeddingIndexProvider indexes) => _indexes = indexes;

    /// <summary>Refreshes the indexes of the workflows' semantic lookup tables.</summary>
    /// <param name="workflows">The workflows (for example a <see cref="WorkflowCatalog"/>'s).</param>
    /// <param name="cancellationToken">Cancels the refresh.</param>
    /// <returns>How many tables there were and how many indexes were built.</returns>
    public async Task<EmbeddingRefreshResult> RefreshAsync(IEnumerable<WorkflowDefinition> workflows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflows);
        var tables = workflows.SelectMany(w => w.Steps).SelectMany(Flatten)
            .OfType<DeterministicStep>()
            .Where(s => s is { Operation: DeterministicOperation.Lookup, Match: LookupMatch.Semantic, Table.Count: > 0 })
            .Select(s => s.Table!.Keys.ToList())
            .ToList();
        if (tables.Count == 0)
        {
            return new EmbeddingRefreshResult(0, 0, string.Empty);
        }

        if (!_indexes.HasGenerator)
        {
            // A deployment without an inference app yet (infra's first step): failing every night said nothing new.
            return new EmbeddingRefreshResult(tables.Count, 0, string.Empty) { NoModel = true };
        }

        var built = 0;
        foreach (var keys in tables)
        {
            var (_, wasBuilt, _) = await _indexes.GetAsync(keys, cancellationToken).ConfigureAwait(false);
            built += wasBuilt ? 1 : 0;
        }

        return new EmbeddingRefreshResult(tables.Count, built, _indexes.ModelIdentity);
    }

    private static IEnumerable<StepDefinition> Flatten(StepDefinition step) =>
        step is ForEachStep each ? [step, .. Flatten(each.Body)] : [step];
}
