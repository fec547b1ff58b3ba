namespace Frugal.Models;

/// <summary>The service keys of the keyed <c>IChatClient</c> registrations made by <c>AddFrugalModels</c>.</summary>
public static class ModelTierKeys
{
    /// <summary>The cheap tier.</summary>
    public const string Cheap = "cheap";

    /// <summary>The premium tier.</summary>
    public const string Premium = "premium";

    /// <summary>The fallback tier, registered only when configured.</summary>
    public const string Fallback = "fallback";
}
