namespace Frugal.Inference.Hosting;

/// <summary>What the service does with a text longer than the model reads.</summary>
public enum OverLimitPolicy
{
    /// <summary>Cut the text to the limit and flag it (<c>truncated: true</c>) in the response.</summary>
    Truncate,

    /// <summary>Refuse the request with 413.</summary>
    Reject,
}
