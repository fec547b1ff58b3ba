namespace Frugal.Inference.Tests;

[CollectionDefinition(Name)]
public sealed class RunningService : ICollectionFixture<ServiceFixture>
{
    public const string Name = "service";
}
