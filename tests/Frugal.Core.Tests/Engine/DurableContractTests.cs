using Frugal.Engine;

namespace Frugal.Core.Tests.Engine;

/// <summary>
/// Guards the whole durable contract against the mistake above: a value-typed property whose value on a fresh
/// message is not its type's default would be left out when it is set to that default, and read back wrong.
/// </summary>
public sealed class DurableContractTests
{
    [Fact]
    public void Messages_PropertiesWithANonDefaultStartingValue_AreAlwaysWritten()
    {
        var offenders = new List<string>();
        foreach (var type in ContractTypes())
        {
            var constructor = type.GetConstructors().MaxBy(c => c.GetParameters().Length);
            if (constructor is null)
            {
                continue;
            }

            var arguments = constructor.GetParameters()
                .Select(p => p.HasDefaultValue ? p.DefaultValue : p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null)
                .ToArray();
            var fresh = constructor.Invoke(arguments);
            foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
            {
                if (!property.PropertyType.IsValueType || property.GetIndexParameters().Length > 0 || property.Name == "EqualityContract")
                {
                    continue;
                }

                var ignore = property.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), inherit: true)
                    .Cast<System.Text.Json.Serialization.JsonIgnoreAttribute>().SingleOrDefault();
                if (ignore is { Condition: System.Text.Json.Serialization.JsonIgnoreCondition.Always or System.Text.Json.Serialization.JsonIgnoreCondition.Never })
                {
                    continue;
                }

                if (!Equals(property.GetValue(fresh), Activator.CreateInstance(property.PropertyType)))
                {
                    offenders.Add($"{type.Name}.{property.Name}");
                }
            }
        }

        Assert.Empty(offenders);
    }

    /// <summary>The types Frugal's step and run messages are made of, found from the roots through their properties.</summary>
    private static List<Type> ContractTypes()
    {
        var found = new List<Type>();
        var pending = new Queue<Type>([typeof(WorkflowRunResult), typeof(StepRequest), typeof(StepResponse), typeof(RunProgress), typeof(ModelCall), typeof(DeterministicCall), typeof(ClassifyCall)]);
        while (pending.TryDequeue(out var type))
        {
            if (found.Contains(type) || type.Namespace?.StartsWith("Frugal", StringComparison.Ordinal) != true || type.IsEnum || type.IsAbstract)
            {
                continue;
            }

            found.Add(type);
            foreach (var property in type.GetProperties())
            {
                var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                pending.Enqueue(propertyType);
                foreach (var argument in propertyType.IsGenericType ? propertyType.GetGenericArguments() : [])
                {
                    pending.Enqueue(argument);
                }
            }
        }

        return found;
    }
}
