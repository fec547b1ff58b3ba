using System.ComponentModel.DataAnnotations;

namespace Frugal.Hosting.Durable;

/// <summary>Options of the local durable host (configuration section <c>Frugal:Durable</c>).</summary>
public sealed class LocalHostOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Frugal:Durable";

    /// <summary>The backend.</summary>
    public DurableBackendKind Backend { get; set; } = DurableBackendKind.Embedded;

    /// <summary>Storage connection string for <see cref="DurableBackendKind.AzureStorage"/> (<c>UseDevelopmentStorage=true</c> for Azurite).</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>The task hub's name (Azure Storage tables, queues and containers are prefixed with it).</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,44}$", ErrorMessage = $"Frugal:Durable:TaskHub must be {TaskHubRule}")]
    public string TaskHub { get; set; } = DefaultTaskHub;

    /// <summary>What a task hub's name must be, in words.</summary>
    public const string TaskHubRule = "3-45 letters or digits, starting with a letter";

    /// <summary>
    /// Whether <paramref name="name"/> keeps the rule of <see cref="TaskHub"/>, for a hub named elsewhere than in
    /// configuration (<c>frugal purge --task-hub</c>).
    /// </summary>
    /// <param name="name">The task hub's name.</param>
    /// <returns>Whether Azure Storage can hold a task hub of that name.</returns>
    public static bool IsTaskHubName(string name) =>
        !string.IsNullOrEmpty(name) && Validator.TryValidateProperty(name, new ValidationContext(new LocalHostOptions()) { MemberName = nameof(TaskHub) }, null);

    /// <summary>The task hub when <c>Frugal:Durable:TaskHub</c> is not set.</summary>
    public const string DefaultTaskHub = "FrugalLocal";

    /// <summary>Most orchestration work items in flight.</summary>
    [Range(1, 10_000, ErrorMessage = "Frugal:Durable:MaxConcurrentOrchestrations must be between 1 and 10000")]
    public int MaxConcurrentOrchestrations { get; set; } = 1000;

    /// <summary>Most activity work items in flight; activities mostly wait on model calls, so this is far above the core count.</summary>
    [Range(1, 10_000, ErrorMessage = "Frugal:Durable:MaxConcurrentActivities must be between 1 and 10000")]
    public int MaxConcurrentActivities { get; set; } = 1000;

    /// <summary>Partitions of the Azure Storage task hub.</summary>
    [Range(1, 16, ErrorMessage = "Frugal:Durable:PartitionCount must be between 1 and 16")]
    public int PartitionCount { get; set; } = 4;

    /// <summary>
    /// Checks the rules above. Bound with <c>Get&lt;T&gt;()</c>, nothing applied them: a task hub of "a_b" or a limit of
    /// 0 ended `frugal run` in an unhandled storage or argument exception (exit 134).
    /// </summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting breaks its rule; the message names it.</exception>
    public void Validate()
    {
        var results = ConfigurationErrors.BrokenRules(this).ToList();

        // The task hub names Azure Storage tables and queues; the embedded backend has no such rules.
        results.RemoveAll(r => Backend == DurableBackendKind.Embedded && r.MemberNames.Contains(nameof(TaskHub)));
        if (results.Count > 0)
        {
            var failures = results.Select(r => $"{r.ErrorMessage} (was {Value(r)})").ToList();
            throw new Microsoft.Extensions.Options.OptionsValidationException(Section, typeof(LocalHostOptions), failures);
        }
    }

    private string Value(ValidationResult result) => result.MemberNames.FirstOrDefault() switch
    {
        nameof(TaskHub) => $"'{TaskHub}'",
        nameof(MaxConcurrentOrchestrations) => MaxConcurrentOrchestrations.ToString(System.Globalization.CultureInfo.InvariantCulture),
        nameof(MaxConcurrentActivities) => MaxConcurrentActivities.ToString(System.Globalization.CultureInfo.InvariantCulture),
        nameof(PartitionCount) => PartitionCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "?",
    };
}
