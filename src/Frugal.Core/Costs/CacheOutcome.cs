namespace Frugal.Costs;

/// <summary>Whether an activity's answer came from the cache.</summary>
public enum CacheOutcome
{
    /// <summary>No cache hit: the model (or code) produced the answer.</summary>
    None,

    /// <summary>An exact-match cache hit.</summary>
    Exact,

    /// <summary>A semantic (embedding similarity) cache hit.</summary>
    Semantic,
}
