namespace Frugal.Classification;

/// <summary>Scores how much a prompt needs the premium tier (0: cheap is enough, 1: premium needed).</summary>
public interface IComplexityClassifier
{
    /// <summary>The name steps use in <c>router:</c>.</summary>
    string Name { get; }

    /// <summary>Scores a text.</summary>
    ValueTask<ComplexityScore> ScoreAsync(string text, CancellationToken cancellationToken);
}
