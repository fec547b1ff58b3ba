using System.Text.Json.Serialization;

namespace Frugal.Engine;

/// <summary>
/// One unit of work of a step, with every expression already evaluated by the orchestrator, so the
/// activity needs nothing but this record. A foreach sends a batch of them in one activity call.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$kind")]
[JsonDerivedType(typeof(ClassifyCall), "classify")]
[JsonDerivedType(typeof(DeterministicCall), "deterministic")]
[JsonDerivedType(typeof(ModelCall), "model")]
public abstract record StepCall;
