using System.Text.Json.Nodes;

namespace Frugal.Functions.Tests.BuildOutput;

/// <summary>
/// The two files the Functions worker SDK writes next to the app: <c>functions.metadata</c> (every function with
/// its bindings, read by the host) and <c>extensions.json</c> (the host extensions to load).
/// </summary>
internal sealed class FunctionsBuildOutput
{
    private FunctionsBuildOutput(string folder, JsonArray functions, JsonArray extensions)
    {
        Folder = folder;
        Functions = functions;
        Extensions = extensions;
    }

    /// <summary>The build output for the configuration the tests run under, loaded once.</summary>
    public static Lazy<FunctionsBuildOutput> Current { get; } = new(() => Load(RepositoryPaths.FunctionsOutput));

    public string Folder { get; }

    public JsonArray Functions { get; }

    public JsonArray Extensions { get; }

    public IEnumerable<string> FunctionNames => Functions.Select(f => (string?)f?["name"] ?? "");

    public IEnumerable<string> ExtensionTypeNames =>
        Extensions.Select(e => (string?)e?["typeName"] ?? "");

    /// <summary>Reads both files from <paramref name="folder"/>; a missing or malformed file throws naming its path.</summary>
    public static FunctionsBuildOutput Load(string folder)
    {
        var metadata = ReadJson(Path.Combine(folder, "functions.metadata")).AsArray();
        var extensionsFile = Path.Combine(folder, "extensions.json");
        var extensions = ReadJson(extensionsFile)["extensions"]?.AsArray()
            ?? throw new InvalidDataException($"{extensionsFile}: has no \"extensions\" array.");
        return new FunctionsBuildOutput(folder, metadata, extensions);
    }

    /// <summary>The function named <paramref name="name"/>, or null.</summary>
    public JsonObject? Function(string name) =>
        Functions.OfType<JsonObject>().FirstOrDefault(f => (string?)f["name"] == name);

    private static JsonNode ReadJson(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{path} does not exist; build src/Frugal.Functions with -c {RepositoryPaths.Configuration} first "
                + "(the test project references it, so `dotnet build` of the tests does that).", path);
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path))
                ?? throw new InvalidDataException($"{path}: is empty JSON (null).");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new InvalidDataException($"{path}: is not valid JSON: {ex.Message}", ex);
        }
    }
}
