namespace Frugal.Routing.Feedback;

/// <summary>
/// The production feedback loop (configuration section <c>Frugal:Routing:Feedback</c>). Off by default: it keeps
/// prompt text, which the cost ledger never does without a tenant's consent.
/// </summary>
public sealed class RoutingFeedbackOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Frugal:Routing:Feedback";

    /// <summary>Whether escalations and user verdicts become labelled examples.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The store: <c>sqlite</c> (a file on the host that ran the step: <c>frugal serve</c>, a single instance) or
    /// <c>table</c> (Azure Table storage, shared by every instance of a scaled-out app).
    /// </summary>
    public string Store { get; set; } = "sqlite";

    /// <summary>The SQLite file that keeps them when <see cref="Store"/> is <c>sqlite</c>.</summary>
    public string Path { get; set; } = ".frugal/feedback.db";

    /// <summary>The Azure Storage connection string when <see cref="Store"/> is <c>table</c>
    /// (<c>UseDevelopmentStorage=true</c> for Azurite).</summary>
    public string? TableConnectionString { get; set; }

    /// <summary>The table service endpoint when <see cref="Store"/> is <c>table</c> and no connection string is set,
    /// reached with the app's managed identity (<c>DefaultAzureCredential</c>), as the cost ledger's.</summary>
    public Uri? TableEndpoint { get; set; }

    /// <summary>The table that keeps them when <see cref="Store"/> is <c>table</c>.</summary>
    public string TableName { get; set; } = "FrugalFeedback";

    /// <summary>Whether <see cref="Store"/> is <c>table</c>.</summary>
    internal bool IsTable => string.Equals(Store, "table", StringComparison.OrdinalIgnoreCase);
}
