namespace Frugal.Classification;

/// <summary>A classifier's verdict.</summary>
/// <param name="Score">0 to 1: how much the premium tier is expected to help.</param>
/// <param name="Signals">What the score was made of, for transparency in the step's output.</param>
public sealed record ComplexityScore(double Score, IReadOnlyDictionary<string, double> Signals)
{
    /// <summary>Accelerator seconds the score took on Frugal's inference app (a learned router's embedding), else 0.</summary>
    public double GpuSeconds { get; init; }
}
