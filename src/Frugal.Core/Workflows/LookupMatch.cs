namespace Frugal.Workflows;

/// <summary>How a lookup step matches its input against the table's keys.</summary>
public enum LookupMatch
{
    /// <summary>Equal, or containing the key as whole words, once case, spacing and punctuation are ignored.</summary>
    Normalized,

    /// <summary>The nearest key by sentence embedding, if it is similar enough.</summary>
    Semantic,
}
