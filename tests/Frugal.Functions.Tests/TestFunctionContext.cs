using Microsoft.Azure.Functions.Worker;

namespace Frugal.Functions.Tests;

/// <summary>A minimal <see cref="FunctionContext"/> for calling activity functions directly.</summary>
internal sealed class TestFunctionContext(string? instanceId = "test-run") : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId { get; } = "test";

    public override TraceContext TraceContext => null!;

    /// <summary>What an activity trigger binds besides its input: the orchestration's instance id.</summary>
    public override BindingContext BindingContext { get; } = new TestBindingContext(
        instanceId is null ? new Dictionary<string, object?>() : new Dictionary<string, object?> { ["instanceId"] = instanceId });

    public override RetryContext RetryContext => null!;

    public override IServiceProvider InstanceServices { get; set; } = null!;

    public override FunctionDefinition FunctionDefinition => null!;

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => null!;
}

internal sealed class TestBindingContext(IReadOnlyDictionary<string, object?> data) : BindingContext
{
    public override IReadOnlyDictionary<string, object?> BindingData { get; } = data;
}
