using Frugal.Models;

namespace Frugal.Routing.Feedback;

/// <summary>What a user's verdict on a model call says about the cheap and the premium tier.</summary>
internal static class RoutingVerdict
{
    /// <summary>
    /// A bad cheap answer says premium was needed (cheap 0, premium 1), a bad premium answer that neither did well
    /// (0, 0), a good cheap answer that cheap was enough (1, 1); a good premium answer says nothing about cheap (null).
    /// </summary>
    public static (double Cheap, double Premium)? Scores(string tier, bool good) => (tier, good) switch
    {
        (ModelTierKeys.Cheap, false) => (0, 1),
        (ModelTierKeys.Cheap, true) => (1, 1),
        (ModelTierKeys.Premium, false) => (0, 0),
        _ => null,
    };
}
