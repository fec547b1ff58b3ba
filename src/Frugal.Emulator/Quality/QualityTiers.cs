namespace Frugal.Emulator.Quality;

/// <summary>The values of <see cref="DeploymentOptions.QualityTier"/>.</summary>
public static class QualityTiers
{
    /// <summary>Judged by the labelled data's <c>cheap_score</c>.</summary>
    public const string Cheap = "cheap";

    /// <summary>Judged by the labelled data's <c>premium_score</c>.</summary>
    public const string Premium = "premium";
}
