using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Functions.Tests.Infra;

namespace Frugal.Functions.Tests;

/// <summary>
/// Compiles infra/main.bicep with the restored Bicep CLI (linter rules in infra/bicepconfig.json; any warning fails)
/// and checks the deployment describes what infra/README.md promises.
/// </summary>
public sealed class InfraTests(CompiledInfra compiled) : IClassFixture<CompiledInfra>
{
    [BicepFact]
    public async Task MainBicep_Build_SucceedsWithoutWarnings()
    {
        var result = await compiled.GetAsync();

        Assert.True(result.ExitCode == 0, $"bicep build infra/main.bicep failed:\n{result.Diagnostics}");
        Assert.True(string.IsNullOrWhiteSpace(result.Diagnostics), $"bicep build printed diagnostics:\n{result.Diagnostics}");
    }

    [BicepFact]
    public async Task MainBicep_Template_DeclaresEveryPartOfFrugal()
    {
        var types = ResourceTypes(await TemplateAsync()).ToHashSet(StringComparer.OrdinalIgnoreCase);

        string[] expected =
        [
            "Microsoft.Storage/storageAccounts",
            "Microsoft.Storage/storageAccounts/queueServices/queues",
            "Microsoft.Storage/storageAccounts/tableServices/tables",
            "Microsoft.Web/serverfarms",
            "Microsoft.Web/sites",
            "Microsoft.Insights/components",
            "Microsoft.OperationalInsights/workspaces",
            "Microsoft.Cache/redis",
            "Microsoft.Cache/redis/accessPolicyAssignments",
            "Microsoft.CognitiveServices/accounts",
            "Microsoft.CognitiveServices/accounts/deployments",
            "Microsoft.App/managedEnvironments",
            "Microsoft.App/containerApps",
            "Microsoft.Authorization/roleAssignments",
        ];
        var missing = expected.Where(t => !types.Contains(t)).ToList();
        Assert.True(missing.Count == 0, $"main.bicep deploys no: {string.Join(", ", missing)}");
    }

    [BicepFact]
    public async Task MainBicep_FunctionApp_RunsOnFlexConsumptionWithManagedIdentity()
    {
        var template = await TemplateAsync();
        var plan = Assert.Single(Resources(template), r => (string?)r["type"] == "Microsoft.Web/serverfarms");
        var site = Assert.Single(Resources(template), r => (string?)r["type"] == "Microsoft.Web/sites");

        Assert.Equal("FC1", (string?)plan["sku"]?["name"]);
        Assert.Equal("SystemAssigned", (string?)site["identity"]?["type"]);
        Assert.Equal("dotnet-isolated", (string?)site["properties"]?["functionAppConfig"]?["runtime"]?["name"]);
    }

    [BicepFact]
    public async Task MainBicep_InferenceApp_ScalesToZeroOnAGpuProfile()
    {
        var template = await TemplateAsync();
        var app = Assert.Single(Resources(template), r => (string?)r["type"] == "Microsoft.App/containerApps");
        var environment = Assert.Single(Resources(template), r => (string?)r["type"] == "Microsoft.App/managedEnvironments");

        Assert.Equal(0, (int?)app["properties"]?["template"]?["scale"]?["minReplicas"]);
        Assert.NotNull(app["properties"]?["template"]?["scale"]?["rules"]?[0]?["http"]);
        var profiles = environment["properties"]?["workloadProfiles"]?.AsArray() ?? [];
        Assert.Equal(2, profiles.Count);
        var gpuParameter = Module(template, "inference")["properties"]?["template"]?["parameters"]?["gpuProfileType"];
        Assert.Contains("Consumption-GPU-NC8as-T4", gpuParameter?["allowedValues"]?.AsArray().Select(v => (string?)v) ?? []);
    }

    [BicepFact]
    public async Task MainBicep_InferenceKey_ReachesBothAppsAsASecureParameter()
    {
        // The inference app refuses to start without Inference__ApiKey, and the Functions app must send the same key.
        var template = await TemplateAsync();
        Assert.Equal("securestring", (string?)template["parameters"]?["inferenceApiKey"]?["type"]);
        var app = Assert.Single(Resources(template), r => (string?)r["type"] == "Microsoft.App/containerApps");
        var secret = Assert.Single(app["properties"]?["configuration"]?["secrets"]?.AsArray() ?? []);
        var env = Assert.Single(app["properties"]?["template"]?["containers"]?[0]?["env"]?.AsArray() ?? [], e => (string?)e?["name"] == "Inference__ApiKey");
        Assert.Equal((string?)secret?["name"], (string?)env?["secretRef"]);
        Assert.Null(env?["value"]);

        foreach (var (module, parameter) in new[] { ("inference", "apiKey"), ("functionapp", "inferenceApiKey") })
        {
            var passed = (string?)Module(template, module)["properties"]?["parameters"]?[parameter]?["value"];
            Assert.Equal("[parameters('inferenceApiKey')]", passed);
            Assert.Equal("securestring", (string?)Module(template, module)["properties"]?["template"]?["parameters"]?[parameter]?["type"]);
        }

        var site = Assert.Single(Resources(template), r => (string?)r["type"] == "Microsoft.Web/sites");
        // appSettings is a copy loop over the merged settings; the key is merged in under its setting name.
        Assert.Contains("Frugal__Inference__ApiKey', parameters('inferenceApiKey')", site.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), StringComparison.Ordinal);
    }

    [BicepFact]
    public async Task MainBicep_FunctionAppSettings_MirrorTheLocalSettingsSample()
    {
        var template = await TemplateAsync();
        var settings = Module(template, "functionapp")["properties"]?["parameters"]?["frugalSettings"]?["value"]?.AsObject();
        Assert.NotNull(settings);
        var sample = JsonNode.Parse(File.ReadAllText(RepositoryPaths.InRepo("local.settings.sample.json")))!["Values"]!.AsObject();

        // API keys stay local: in Azure the app reaches Azure OpenAI with its managed identity.
        var missing = sample.Select(p => p.Key)
            .Where(k => k.StartsWith("Frugal__", StringComparison.Ordinal) && !k.EndsWith("__ApiKey", StringComparison.Ordinal))
            .Where(k => !settings.ContainsKey(k))
            .ToList();
        Assert.True(missing.Count == 0, $"infra/main.bicep does not set: {string.Join(", ", missing)}");
        Assert.DoesNotContain(settings, p => p.Key.EndsWith("__ApiKey", StringComparison.Ordinal));
    }

    [BicepFact]
    public async Task MainParameters_EveryParameter_IsDeclaredAndRequiredOnesAreGiven()
    {
        var declared = (await TemplateAsync())["parameters"]!.AsObject();
        var given = JsonNode.Parse(File.ReadAllText(RepositoryPaths.InRepo("infra", "main.parameters.json")))!["parameters"]!.AsObject();

        var unknown = given.Select(p => p.Key).Where(k => !declared.ContainsKey(k)).ToList();
        var required = declared.Where(p => p.Value?["defaultValue"] is null).Select(p => p.Key);
        var notGiven = required.Where(k => !given.ContainsKey(k)).ToList();

        Assert.True(unknown.Count == 0, $"main.parameters.json sets undeclared parameters: {string.Join(", ", unknown)}");
        Assert.True(notGiven.Count == 0, $"main.parameters.json lacks required parameters: {string.Join(", ", notGiven)}");
    }

    private async Task<JsonObject> TemplateAsync()
    {
        var result = await compiled.GetAsync();
        return result.Template ?? throw new InvalidOperationException($"bicep build infra/main.bicep failed:\n{result.Diagnostics}");
    }

    private static JsonObject Module(JsonObject template, string deploymentName) =>
        TopLevel(template).SingleOrDefault(r => (string?)r["type"] == "Microsoft.Resources/deployments" && (string?)r["name"] == deploymentName)
        ?? throw new InvalidOperationException($"main.bicep has no module deployment named '{deploymentName}'.");

    // A template's resources: an array, or an object keyed by symbolic name (language version 2.0).
    private static IEnumerable<JsonObject> TopLevel(JsonObject template) => template["resources"] switch
    {
        JsonObject map => map.Select(p => p.Value).OfType<JsonObject>(),
        JsonArray list => list.OfType<JsonObject>(),
        _ => [],
    };

    // Every resource of the template and of its nested module templates (symbolic-name objects or arrays).
    private static IEnumerable<JsonObject> Resources(JsonObject template)
    {
        foreach (var resource in TopLevel(template))
        {
            if ((string?)resource["type"] == "Microsoft.Resources/deployments"
                && resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in Resources(nested))
                {
                    yield return inner;
                }
            }
            else if (resource["existing"] is null)
            {
                yield return resource;
            }
        }
    }

    private static IEnumerable<string> ResourceTypes(JsonObject template) =>
        Resources(template).Select(r => (string?)r["type"] ?? "");
}
