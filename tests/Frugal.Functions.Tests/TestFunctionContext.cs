using Microsoft.Azure.Functions.Worker;

namespace Frugal.Functions.Tests;

/// <summary>A minimal <see cref="FunctionContext"/> for calling activity functions directly.</summary>
internal sealed class TestFunctionContext : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId { get; } = "test";

    public override TraceContext TraceContext => null!;

    public override BindingContext BindingContext => null!;

    public override RetryContext RetryContext => null!;

    public override IServiceProvider InstanceServices { get; set; } = null!;

    public override FunctionDefinition FunctionDefinition => null!;

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => null!;
}
