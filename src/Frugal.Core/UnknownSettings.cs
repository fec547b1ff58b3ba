using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Frugal;

/// <summary>
/// The settings under <c>Frugal</c> that nothing reads: a misspelt key is silently ignored by configuration binding,
/// and a misspelt budget (<c>Frugal:Budgets:PerRunn</c>) meant no budget at all. Each options class is bound again with
/// the binder's own <see cref="BinderOptions.ErrorOnUnknownConfiguration"/>, which names what it could not place; a
/// section no options class has is reported whole.
/// </summary>
public static partial class UnknownSettings
{
    /// <summary>One line per setting nothing reads (with the name it was likely meant to be), in key order.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="assemblies">Where the options classes are: every public type with a constant <c>SectionName</c>
    /// or <c>Section</c> under <c>Frugal:</c> is one.</param>
    public static IReadOnlyList<string> Find(IConfiguration configuration, params Assembly[] assemblies) =>
        Find(configuration, [], assemblies);

    /// <summary>As <see cref="Find(IConfiguration, Assembly[])"/>, with sections a host binds to a class of another
    /// section (the CLI reads <c>Frugal:Onnx</c> into the inference app's <c>Onnx</c> options).</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="boundElsewhere">Such sections and their classes.</param>
    /// <param name="assemblies">Where the options classes are.</param>
    public static IReadOnlyList<string> Find(IConfiguration configuration, IEnumerable<(string Path, Type Type)> boundElsewhere, params Assembly[] assemblies)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var sections = assemblies.SelectMany(a => a.GetExportedTypes())
            .Select(t => (Path: SectionOf(t) ?? string.Empty, Type: t))
            .Where(s => s.Path.StartsWith("Frugal:", StringComparison.Ordinal))
            .Concat(boundElsewhere)
            .GroupBy(s => s.Path, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().Type, StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        foreach (var root in sections.Keys.Select(k => k.Split(':')[0]).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            Check(configuration.GetSection(root), sections, problems);
        }

        problems.RemoveAll(p => ReadElsewhere.Any(k => p.StartsWith(k + " ", StringComparison.OrdinalIgnoreCase)));
        return [.. problems.Order(StringComparer.Ordinal)];
    }

    // Read by the Functions app's timer triggers (%...% binding expressions), not by an options class.
    private static readonly string[] ReadElsewhere = ["Frugal:Retention:Schedule", "Frugal:Embeddings:RefreshSchedule"];

    private static void Check(IConfigurationSection section, Dictionary<string, Type> sections, List<string> problems)
    {
        if (sections.TryGetValue(section.Path, out var type))
        {
            Bind(section, type, sections, problems);
            return;
        }

        var below = sections.Keys.Where(k => k.StartsWith(section.Path + ":", StringComparison.OrdinalIgnoreCase)).ToList();
        if (below.Count == 0)
        {
            var known = sections.Keys.Where(k => Parent(k).Equals(Parent(section.Path), StringComparison.OrdinalIgnoreCase)).Select(Last).ToList();
            problems.Add(Describe(section.Path, known));
            return;
        }

        if (section.Value is { } value)
        {
            problems.Add(ValueForSection(section.Path, value, typeof(object)));
        }

        foreach (var child in section.GetChildren())
        {
            Check(child, sections, problems);
        }
    }

    /// <summary>Binds the section (less its sub-sections that have options classes of their own) and reports what did not bind.</summary>
    private static void Bind(IConfigurationSection section, Type type, Dictionary<string, Type> sections, List<string> problems)
    {
        var own = sections.Keys.Where(k => k.StartsWith(section.Path + ":", StringComparison.OrdinalIgnoreCase)).ToList();
        foreach (var child in own.Where(k => section.GetSection(k[(section.Path.Length + 1)..]).Exists()))
        {
            Bind(section.GetSection(child[(section.Path.Length + 1)..]), sections[child], sections, problems);
        }

        var values = section.AsEnumerable(makePathsRelative: true)
            .Where(p => p.Value is not null && !own.Any(k => (section.Path + ":" + p.Key).StartsWith(k + ":", StringComparison.OrdinalIgnoreCase)))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

        // A value where the binder wants a section or a list ("Budgets": "yes", "StoreTextForTenants": "acme") is
        // dropped by it without a word, and by the unknown-key check as well: the key exists.
        if (section.Value is { } ownValue)
        {
            problems.Add(ValueForSection(section.Path, ownValue, type));
        }

        foreach (var key in values.Keys.Where(k => TypeAt(type, k) is { } at && !TakesValue(at)).ToList())
        {
            problems.Add(ValueForSection(section.Path + ":" + key, values[key]!, TypeAt(type, key)!));
            values.Remove(key);
        }

        // The binder stops at the first class with unknown keys: take those out and bind again, until none is left.
        for (var round = 0; round < 50; round++)
        {
            var copy = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
            try
            {
                copy.Get(type, binder => binder.ErrorOnUnknownConfiguration = true);
                return;
            }
            catch (InvalidOperationException ex) when (NotFound(ex) is { } found)
            {
                // Only the keys the binder meant: the name under an object of the type it named (Tenants:acme:Action
                // is unknown on a tenant, while Action beside it on the budgets is a setting).
                var keys = values.Keys.Where(k => found.Names.Contains(Last(k)) && (found.Type is null || TypeAt(type, Parent(k)) == found.Type)).ToList();
                if (keys.Count == 0)
                {
                    return;
                }

                foreach (var key in keys)
                {
                    problems.Add(Describe(section.Path + ":" + key, Properties(found.Type)));
                    values.Remove(key);
                }
            }
            catch (InvalidOperationException)
            {
                // A value that does not convert: the host's own binding reports it, with its key.
                return;
            }
        }
    }

    // Inside a dictionary's values (Tenants:<name>:...) the binder wraps the message in another exception.
    private static (HashSet<string> Names, Type? Type)? NotFound(Exception ex)
    {
        var match = NotFoundRegex().Match(ex.Message);
        if (!match.Success)
        {
            return ex.InnerException is { } inner ? NotFound(inner) : null;
        }

        var names = QuotedRegex().Matches(match.Groups["names"].Value).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return (names, AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(match.Groups["type"].Value)).FirstOrDefault(t => t is not null));
    }

    /// <summary>The type bound at <paramref name="path"/> (relative, ':'-separated) below <paramref name="root"/>: properties by name, dictionary and list entries by their key.</summary>
    private static Type? TypeAt(Type root, string path)
    {
        Type? type = root;
        foreach (var segment in path.Length == 0 ? [] : path.Split(':'))
        {
            if (type is null)
            {
                return null;
            }

            var dictionary = type.GetInterfaces().Append(type).FirstOrDefault(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IDictionary<,>));
            var list = type.GetInterfaces().Append(type).FirstOrDefault(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IEnumerable<>));
            type = dictionary is not null ? dictionary.GetGenericArguments()[1]
                : type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType is { } property ? property
                : type != typeof(string) && list is not null ? list.GetGenericArguments()[0]
                : null;
            type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        }

        return type;
    }

    /// <summary>Whether configuration gives <paramref name="type"/> as one value (text, a number, a duration) rather than as a section.</summary>
    private static bool TakesValue(Type type) =>
        type == typeof(object) || System.ComponentModel.TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string));

    private static string ValueForSection(string path, string value, Type type)
    {
        var interfaces = type.GetInterfaces().Append(type).Where(t => t.IsGenericType).Select(t => t.GetGenericTypeDefinition()).ToList();
        var dictionary = interfaces.Contains(typeof(IDictionary<,>));
        if (!dictionary && interfaces.Contains(typeof(IEnumerable<>)))
        {
            return $"{path} is a list, not a value; '{value}' is ignored (give its entries as {path}:0, {path}:1, ..., in JSON [\"{value}\"])";
        }

        // A setting of the section to show where its settings go: one that takes a value, as the one given.
        var example = dictionary || type == typeof(object) ? "<name>"
            : type.GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p => p.CanWrite && TakesValue(p.PropertyType))?.Name ?? "<name>";
        return $"{path} is a section, not a value; '{value}' is ignored (its settings go under it, as {path}:{example})";
    }

    private static IReadOnlyList<string> Properties(Type? type) =>
        type is null ? [] : [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name)];

    private static string Describe(string path, IReadOnlyList<string> known)
    {
        // Configuration keys ignore case: compare in lower case, answer in the property's own spelling.
        var meant = Workflows.SchemaMessages.Suggest(Last(path).ToLowerInvariant(), [.. known.Select(k => k.ToLowerInvariant())]);
        var name = meant is null ? null : known.First(k => k.Equals(meant, StringComparison.OrdinalIgnoreCase));
        return name is null
            ? $"{path} is not a setting Frugal reads; it is ignored"
            : $"{path} is not a setting Frugal reads; it is ignored (did you mean {Parent(path)}:{name}?)";
    }

    private static string? SectionOf(Type type) =>
        (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) ?? type.GetField("Section", BindingFlags.Public | BindingFlags.Static))
            is { IsLiteral: true } field ? field.GetRawConstantValue() as string : null;

    private static string Last(string path) => path[(path.LastIndexOf(':') + 1)..];

    private static string Parent(string path) => path.LastIndexOf(':') is var at and > 0 ? path[..at] : string.Empty;

    [GeneratedRegex(@"not found on the instance of (?<type>[^:]+):(?<names>.*)$", RegexOptions.Singleline)]
    private static partial Regex NotFoundRegex();

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex QuotedRegex();
}
