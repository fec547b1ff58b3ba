namespace Frugal.Hosting.Durable;

/// <summary>Where a local host keeps its durable state.</summary>
public enum DurableBackendKind
{
    /// <summary>In memory, in process: nothing to install; runs end with the process.</summary>
    Embedded,

    /// <summary>Azure Storage (or Azurite), the provider Durable Functions uses: runs survive restarts.</summary>
    AzureStorage,
}
