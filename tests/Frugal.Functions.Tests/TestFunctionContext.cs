using Microsoft.Azure.Functions.Worker;

namespace Frugal.Functions.Tests;

/// <summary>A minimal <see cref="FunctionContext"/> for calling functions directly, with what their trigger binds.</summary>
internal sealed class TestFunctionContext(IReadOnlyDictionary<string, object?> bindingData) : FunctionContext
{
    /// <summary>What an activity trigger binds besides its input: the orchestration's instance id.</summary>
    public TestFunctionContext(string? instanceId = "test-run")
        : this(instanceId is null ? new Dictionary<string, object?>() : new Dictionary<string, object?> { ["instanceId"] = instanceId })
    {
    }

    /// <summary>What a queue trigger binds besides the message: the message's id (the worker's keys ignore case).</summary>
    public static TestFunctionContext QueueMessage(string messageId) =>
        new(new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["Id"] = messageId, ["DequeueCount"] = 1L });

    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId { get; } = "test";

    public override TraceContext TraceContext => null!;

    public override BindingContext BindingContext { get; } = new TestBindingContext(bindingData);

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
