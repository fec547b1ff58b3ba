using Frugal.Embeddings;
using Frugal.Workflows;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Frugal.Functions.Embeddings;

/// <summary>
/// Re-embeds, on a timer (setting <c>Frugal:Embeddings:RefreshSchedule</c>), the keys of every semantic lookup table of
/// the deployed workflows whose index is missing or was built with another embedding model, so the first run after a
/// deploy or a model change does not pay for it.
/// </summary>
public sealed class RefreshEmbeddingsFunction
{
    private readonly WorkflowCatalog _catalog;
    private readonly EmbeddingRefresher _refresher;
    private readonly ILogger<RefreshEmbeddingsFunction> _logger;

    public RefreshEmbeddingsFunction(WorkflowCatalog catalog, EmbeddingRefresher refresher, ILogger<RefreshEmbeddingsFunction> logger)
    {
        _catalog = catalog;
        _refresher = refresher;
        _logger = logger;
    }

    [Function("RefreshEmbeddings")]
    public Task RunAsync(
        [TimerTrigger("%Frugal:Embeddings:RefreshSchedule%")] TimerInfo timer,
        CancellationToken cancellationToken) => RefreshAsync(cancellationToken);

    /// <summary>Refreshes the indexes; the timer's entry point, kept apart so it returns what it did.</summary>
    internal async Task<EmbeddingRefreshResult> RefreshAsync(CancellationToken cancellationToken)
    {
        var result = await _refresher.RefreshAsync(_catalog.Workflows, cancellationToken).ConfigureAwait(false);
        if (result.NoModel)
        {
            Log.EmbeddingsRefreshSkipped(_logger, result.Tables);
        }
        else
        {
            Log.EmbeddingsRefreshed(_logger, result.Tables, result.Built, result.Model);
        }

        return result;
    }
}
