using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Frugal.Budgets;
using Frugal.Costs;
using Frugal.Functions.Runs;
using Frugal.Functions.Tests.Infra;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
    public async Task NamePrefix_ThatAResourceNameRefuses_FailsValidationNamingIt()
    {
        var results = await EvaluateMainBicepLineAsync("prefix", "param namePrefix string", ["namePrefix: 'frugal'", "namePrefix: 'fr2ugal9'",
            "namePrefix: 'Frugal'", "namePrefix: 'my-app'", "namePrefix: '1frugal'", "namePrefix: 'frugal_1'"]);

        Assert.All(results[..2], r => Assert.True(r.Passed, r.Output));
        foreach (var (result, prefix) in results[2..].Zip(["Frugal", "my-app", "1frugal", "frugal_1"]))
        {
            Assert.False(result.Passed, $"'{prefix}' was not refused:\n{result.Output}");
            Assert.Contains($"namePrefix '{prefix}' is not valid: it must be a lowercase letter followed by lowercase letters and digits", result.Output, StringComparison.Ordinal);
        }
    }

    [BicepFact]
    public async Task ExtraSettings_NamingAKeyVaultSetting_FailsValidationNamingIt()
    {
        // Every setting the Functions app module adds as a Key Vault reference is one extraSettings must not repeat.
        var secretNames = Regex.Matches(await File.ReadAllTextAsync(RepositoryPaths.InRepo("infra", "modules", "functionapp.bicep")),
            @"\{ name: '([^']+)', value: '@Microsoft\.KeyVault").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, secretNames.Count);

        var results = await EvaluateMainBicepLineAsync("checkedExtraSettings", "param extraSettings object",
            ["extraSettings: {}", "extraSettings: { Frugal__Budgets__PerRun: '0.50' }",
             .. secretNames.Select(n => $"extraSettings: {{ Frugal__Budgets__PerRun: '0.50', {n}: 'x' }}"),
             $"extraSettings: {{ {secretNames[0].ToUpperInvariant()}: 'x' }}"]);

        Assert.All(results[..2], r => Assert.True(r.Passed, r.Output));
        foreach (var (result, name) in results[2..].Zip([.. secretNames, secretNames[0].ToUpperInvariant()]))
        {
            Assert.False(result.Passed, $"extraSettings with {name} was not refused:\n{result.Output}");
            Assert.Contains($"extraSettings sets {name}, which the template keeps in Key Vault and sets itself", result.Output, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Evaluates main.bicep's <c>var <paramref name="variable"/> = ...</c> line, as written, with ARM's own template
    /// engine (`bicep test`), once per parameter set. main.bicep cannot be evaluated whole that way (its names need
    /// module outputs), so the line goes into a template of its own with <paramref name="parameter"/>.
    /// </summary>
    private static async Task<(bool Passed, string Output)[]> EvaluateMainBicepLineAsync(string variable, string parameter, string[] parameterSets)
    {
        var line = File.ReadLines(RepositoryPaths.InRepo("infra", "main.bicep")).Single(l => l.StartsWith($"var {variable} = ", StringComparison.Ordinal));
        var folder = Directory.CreateTempSubdirectory("frugal-bicep-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "bicepconfig.json"), """{ "experimentalFeaturesEnabled": { "testFramework": true } }""");
            await File.WriteAllTextAsync(Path.Combine(folder, "line.bicep"), $"{parameter}\n{line}\noutput result object = {{ value: {variable} }}\n");
            await File.WriteAllLinesAsync(Path.Combine(folder, "line.test.bicep"),
                parameterSets.Select((p, i) => $"test case{i} 'line.bicep' = {{ params: {{ {p} }} }}"));
            var (_, stdout, stderr) = await BicepCli.RunAsync(folder, CancellationToken.None, "test", "line.test.bicep");
            var output = stdout + stderr;

            // Each case prints "[✓] Evaluation caseN Passed!", or "[-] Evaluation caseN Skipped!" and the reason.
            return [.. parameterSets.Select((_, i) =>
            {
                var at = output.IndexOf($"Evaluation case{i} ", StringComparison.Ordinal);
                Assert.True(at >= 0, $"bicep test did not evaluate case{i}:\n{output}");
                var next = output.IndexOf("Evaluation case", at + 1, StringComparison.Ordinal);
                var text = next < 0 ? output[at..] : output[at..next];
                return (text.StartsWith($"Evaluation case{i} Passed!", StringComparison.Ordinal), text);
            })];
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
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
            "Microsoft.Cache/redisEnterprise",
            "Microsoft.Cache/redisEnterprise/databases",
            "Microsoft.CognitiveServices/accounts",
            "Microsoft.CognitiveServices/accounts/deployments",
            "Microsoft.App/managedEnvironments",
            "Microsoft.App/containerApps",
            "Microsoft.Authorization/roleAssignments",
            "Microsoft.KeyVault/vaults",
            "Microsoft.KeyVault/vaults/secrets",
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

        // To the inference app directly, to the Functions app through the vault (next test).
        foreach (var (module, parameter) in new[] { ("inference", "apiKey"), ("keyvault", "inferenceApiKey") })
        {
            var passed = (string?)Module(template, module)["properties"]?["parameters"]?[parameter]?["value"];
            Assert.Equal("[parameters('inferenceApiKey')]", passed);
            Assert.Equal("securestring", (string?)Module(template, module)["properties"]?["template"]?["parameters"]?[parameter]?["type"]);
        }

        // A new key (a new random one each deployment by default) must reach both running apps: a changed Container
        // Apps secret does not restart the revision, and a versionless vault reference is re-read only within a day.
        // So the Functions app's reference names the secret's version, and the inference container carries it too.
        var keyVault = Module(template, "keyvault")["properties"]!["template"]!.ToJsonString();
        Assert.Contains("secretUriWithVersion", keyVault, StringComparison.Ordinal);
        var version = Assert.Single(app["properties"]?["template"]?["containers"]?[0]?["env"]?.AsArray() ?? [], e => (string?)e?["name"] == "FRUGAL_API_KEY_VERSION");
        Assert.Equal("[parameters('apiKeyVersion')]", (string?)version?["value"]);
        Assert.Contains("outputs.inferenceKeyUri.value", (string?)Module(template, "inference")["properties"]?["parameters"]?["apiKeyVersion"]?["value"], StringComparison.Ordinal);
    }

    [BicepFact]
    public async Task MainBicep_InferenceProbes_WithinContainerAppsLimits()
    {
        // Bicep does not check them and a deployment is refused: failureThreshold 1-10, periodSeconds 1-240,
        // initialDelaySeconds 0-60 (Microsoft.App ContainerAppProbe). A startup probe had failureThreshold 30.
        var template = await TemplateAsync();
        var app = Assert.Single(Resources(template), r => (string?)r["type"] == "Microsoft.App/containerApps");
        var probes = app["properties"]?["template"]?["containers"]?[0]?["probes"]?.AsArray() ?? [];

        Assert.NotEmpty(probes);
        Assert.All(probes, p =>
        {
            Assert.InRange((int?)p?["failureThreshold"] ?? 3, 1, 10);
            Assert.InRange((int?)p?["periodSeconds"] ?? 10, 1, 240);
            Assert.InRange((int?)p?["initialDelaySeconds"] ?? 0, 0, 60);
        });
    }

    [BicepFact]
    public async Task MainBicep_InferenceProbes_SeeAReadyReplicaWithinSecondsAndAllowAMinuteAndMoreForTheModelLoad()
    {
        // The startup probe came every 30 s: a replica whose model had loaded after a few seconds waited for the next
        // probe (30 s on every cold start, GPU billed). Container Apps allows at most 10 failures, so a shorter period
        // means less time to start: the startup probe must still leave well over a minute for a GPU replica's load.
        var template = await TemplateAsync();
        var app = Assert.Single(Resources(template), r => (string?)r["type"] == "Microsoft.App/containerApps");
        var probes = app["properties"]?["template"]?["containers"]?[0]?["probes"]?.AsArray() ?? [];
        var startup = Assert.Single(probes, p => (string?)p?["type"] == "Startup")!;
        var readiness = Assert.Single(probes, p => (string?)p?["type"] == "Readiness")!;
        var (delay, period, failures) = ((int?)startup["initialDelaySeconds"] ?? 0, (int?)startup["periodSeconds"] ?? 10, (int?)startup["failureThreshold"] ?? 3);

        Assert.InRange(delay, 0, 10);
        Assert.InRange(period, 1, 10);
        Assert.InRange((int?)readiness["periodSeconds"] ?? 10, 1, 5);
        Assert.True(delay + ((failures - 1) * period) >= 90, $"the startup probe gives up {delay + ((failures - 1) * period)} s after the container starts");
    }

    [BicepFact]
    public async Task MainBicep_InferencePort_IsWhereTheContainerListensAndIsProbed()
    {
        // inferencePort moved the ingress and the probes, but the image kept listening on 8080 (its ASPNETCORE_URLS): with
        // any other port no probe was answered and no revision became ready.
        var template = await TemplateAsync();
        var app = Assert.Single(Resources(template), r => (string?)r["type"] == "Microsoft.App/containerApps");
        var container = app["properties"]?["template"]?["containers"]?[0];
        const string Port = "[parameters('targetPort')]";

        Assert.Equal(Port, (string?)app["properties"]?["configuration"]?["ingress"]?["targetPort"]);
        Assert.All(container?["probes"]?.AsArray() ?? [], p => Assert.Equal(Port, (string?)p?["httpGet"]?["port"]));
        var urls = Assert.Single(container?["env"]?.AsArray() ?? [], e => (string?)e?["name"] == "ASPNETCORE_URLS");
        Assert.Equal("[format('http://+:{0}', parameters('targetPort'))]", (string?)urls?["value"]);
        Assert.Equal("[parameters('inferencePort')]", (string?)Module(template, "inference")["properties"]?["parameters"]?["targetPort"]?["value"]);
    }

    [BicepFact]
    public async Task MainBicep_FunctionAppSecrets_AreKeyVaultReferencesItsIdentityMayRead()
    {
        // The Redis key and the inference key were plain app settings: anyone who could read the app's configuration
        // read them. They are secrets in the vault now, and the settings say where.
        var template = await TemplateAsync();
        var functionApp = FunctionAppTemplateText(template);
        foreach (var (setting, uri) in new[] { ("Frugal__Inference__ApiKey", "inferenceKeyUri"), ("Frugal__Budgets__RedisConnectionString", "redisConnectionUri") })
        {
            Assert.Contains($"\"name\":\"{setting}\",\"value\":\"[format('@Microsoft.KeyVault(SecretUri={{0}})', parameters('{uri}'))]\"", functionApp, StringComparison.Ordinal);
            var passed = (string?)Module(template, "functionapp")["properties"]?["parameters"]?[uri]?["value"];
            Assert.Matches($@"^\[reference\(resourceId\('Microsoft.Resources/deployments', 'keyvault'\).*\)\.outputs\.{uri}\.value\]$", passed);
        }

        Assert.DoesNotContain("listKeys", functionApp, StringComparison.Ordinal);
        var vault = Assert.Single(Resources(template), r => (string?)r["type"] == "Microsoft.KeyVault/vaults");
        Assert.True((bool?)vault["properties"]?["enableRbacAuthorization"]);
        var secrets = Resources(template).Where(r => (string?)r["type"] == "Microsoft.KeyVault/vaults/secrets").Select(r => (string?)r["name"]).ToList();
        Assert.Equal(2, secrets.Count);
        Assert.Contains("4633458b-17de-408a-b874-0445c86b69e6", RoleDefinitions(template)); // Key Vault Secrets User
    }

    [BicepFact]
    public async Task MainBicep_ApplicationInsights_TakesEntraTokensOnlyAndBothSendersHaveOne()
    {
        // With local authentication on, anyone holding the (public) connection string could send telemetry into it.
        var template = await TemplateAsync();
        var component = Assert.Single(Resources(template), r => (string?)r["type"] == "Microsoft.Insights/components");
        Assert.True((bool?)component["properties"]?["DisableLocalAuth"]);

        // The Functions host (its authentication string) and Frugal's own exporter (UseManagedIdentity), as the app's
        // identity, which may publish.
        Assert.Contains("\"APPLICATIONINSIGHTS_AUTHENTICATION_STRING\":\"Authorization=AAD\"", FunctionAppTemplateText(template), StringComparison.Ordinal);
        var settings = Module(template, "functionapp")["properties"]?["parameters"]?["frugalSettings"]?["value"]?.AsObject();
        Assert.Equal("true", (string?)settings?["Frugal__Telemetry__UseManagedIdentity"]);
        Assert.Contains("3913510d-42f4-4e42-8a64-420c390055eb", RoleDefinitions(template)); // Monitoring Metrics Publisher
    }

    [BicepFact]
    public async Task MainBicep_StorageRoles_GrantBlobDataOwnerAloneForBlobs()
    {
        // Blob Data Contributor was assigned beside Blob Data Owner, which holds every one of its data actions: a second
        // grant that gave nothing more, for a reviewer to wonder about.
        var roles = RoleDefinitions(await TemplateAsync());
        Assert.Contains("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", roles); // Storage Blob Data Owner
        Assert.DoesNotContain("ba92f5b4-2d11-453d-a403-e96b0029c9fe", roles); // Storage Blob Data Contributor
        Assert.Contains("974c5e8b-45b9-4653-ba55-5f855dd0fb88", roles); // Storage Queue Data Contributor
        Assert.Contains("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", roles); // Storage Table Data Contributor
    }

    [BicepFact]
    public async Task MainBicep_FunctionAppSettings_EachNamesAnOptionTheAppReads()
    {
        // A setting no options class reads is silently ignored: the app then runs on a default (the cost ledger once
        // fell back to a SQLite file on the instance's disk this way, because no option was named TableEndpoint).
        var template = await TemplateAsync();
        var keys = AppSettingKeys(template);
        var bindingExpressions = FunctionBindingExpressions();

        var unread = keys.Where(k => !bindingExpressions.Contains(k.Replace("__", ":", StringComparison.Ordinal)) && !OptionsRead(k)).ToList();

        Assert.Contains("Frugal__Costs__TableEndpoint", keys);
        Assert.Contains("Frugal__Budgets__RedisConnectionString", keys);
        Assert.True(unread.Count == 0, $"infra sets settings that no options class or binding expression reads: {string.Join(", ", unread)}");
    }

    [BicepFact]
    public async Task MainBicep_LedgerAndBudgetSettings_ResolveTheSharedStores()
    {
        // Azure runs many instances that come and go: records in a table, budget counters in Redis, both valid.
        var settings = Module(await TemplateAsync(), "functionapp")["properties"]?["parameters"]?["frugalSettings"]?["value"]?.AsObject();
        Assert.NotNull(settings);
        var template = await TemplateAsync();
        var values = settings
            .Where(p => p.Key.StartsWith("Frugal__Costs__", StringComparison.Ordinal) || p.Key.StartsWith("Frugal__Budgets__", StringComparison.Ordinal))
            .ToDictionary(
                p => p.Key.Replace("__", ":", StringComparison.Ordinal),
                p => (string?)p.Value switch
                {
                    // A deployment parameter: its default, which a deployment without parameters gets.
                    { } parameter when parameter.StartsWith("[parameters('", StringComparison.Ordinal)
                        => (string?)template["parameters"]?[parameter.Split('\'')[1]]?["defaultValue"],
                    ['[', ..] => p.Key.EndsWith("Endpoint", StringComparison.Ordinal) ? "https://stfrugal.table.core.windows.net/" : "FrugalCosts",
                    var literal => literal,
                });
        values["Frugal:Budgets:RedisConnectionString"] = "frugal-redis.swedencentral.redis.azure.net:10000,password=key,ssl=True,abortConnect=False";

        // The default monthly budget goes in through extraSettings (left out when the parameter is empty).
        var extra = (string?)Module(template, "functionapp")["properties"]?["parameters"]?["extraSettings"]?["value"];
        Assert.Contains("'Frugal__Budgets__Tenants__Default__Monthly', parameters('monthlyBudgetPerTenant')", extra, StringComparison.Ordinal);
        values["Frugal:Budgets:Tenants:Default:Monthly"] = (string?)template["parameters"]?["monthlyBudgetPerTenant"]?["defaultValue"];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        using var provider = new ServiceCollection()
            .AddLogging()
            .AddFrugalCosts(configuration)
            .AddFrugalBudgets(configuration)
            .BuildServiceProvider();

        var ledger = Assert.IsType<TableCostLedger>(provider.GetRequiredService<ICostLedger>());
        Assert.Equal("https://stfrugal.table.core.windows.net/FrugalCosts", ledger.TableUri.ToString());
        var budgets = provider.GetRequiredService<IOptions<BudgetOptions>>().Value;
        Assert.Equal("redis", budgets.Store);

        // A spending limit from the first deployment (with no tenant configured there was none at all).
        Assert.Equal((BudgetAction.Refuse, 100m), (budgets.Action, budgets.For("any-tenant").Monthly));
    }

    [BicepFact]
    public async Task MainBicep_FeedbackSettings_MakeTheLoopOneSettingAwayFromATableSharedByEveryInstance()
    {
        // The feedback store was a SQLite file in each instance's temp folder: on a scaled-out app a verdict could reach
        // an instance that had not run the step (404 "Unknown step"), and examples were lost on scale-in.
        var template = await TemplateAsync();
        var settings = Module(template, "functionapp")["properties"]?["parameters"]?["frugalSettings"]?["value"]?.AsObject();
        Assert.NotNull(settings);
        Assert.False(settings.ContainsKey("Frugal__Routing__Feedback__Enabled")); // off by default: it keeps prompt text
        Assert.Equal("table", (string?)settings["Frugal__Routing__Feedback__Store"]);
        Assert.Equal((string?)settings["Frugal__Costs__TableEndpoint"], (string?)settings["Frugal__Routing__Feedback__TableEndpoint"]);
        Assert.Contains("feedbackTableName", (string?)settings["Frugal__Routing__Feedback__TableName"], StringComparison.Ordinal);
        Assert.Equal("FrugalFeedback", (string?)template["parameters"]?["feedbackTableName"]?["defaultValue"]);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Routing:Feedback:Enabled"] = "true",
            ["Frugal:Routing:Feedback:Store"] = (string?)settings["Frugal__Routing__Feedback__Store"],
            ["Frugal:Routing:Feedback:TableEndpoint"] = "https://stfrugal.table.core.windows.net/",
            ["Frugal:Routing:Feedback:TableName"] = "FrugalFeedback",
        }).Build();
        using var provider = new ServiceCollection().AddFrugalRoutingFeedback(configuration).BuildServiceProvider();

        Assert.IsType<Frugal.Routing.Feedback.TableRoutingFeedbackStore>(provider.GetRequiredService<Frugal.Models.IRoutingFeedbackSink>());
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
    public async Task MainBicep_EachModelTier_AuthenticatesSomehow()
    {
        // Without an ApiKey the model options require UseManagedIdentity, checked at start-up: the deployed app
        // refused to start ("Frugal:Models:Cheap:ApiKey is required unless ... UseManagedIdentity is true").
        var settings = Module(await TemplateAsync(), "functionapp")["properties"]?["parameters"]?["frugalSettings"]?["value"]?.AsObject();
        Assert.NotNull(settings);

        foreach (var tier in new[] { "Cheap", "Premium" })
        {
            Assert.True(
                settings.ContainsKey($"Frugal__Models__{tier}__ApiKey") || settings[$"Frugal__Models__{tier}__UseManagedIdentity"]?.ToString() == "true",
                $"infra/main.bicep gives the {tier} tier neither an ApiKey nor UseManagedIdentity=true");
        }
    }

    [BicepFact]
    public async Task MainBicep_InferenceImageInAPrivateRegistry_IsPulledWithAnIdentityThatHasAcrPull()
    {
        // A private registry had no credentials: the first revision could not pull its image.
        var template = await TemplateAsync();
        var inference = Module(template, "inference")["properties"]!["template"]!.ToJsonString();

        Assert.Contains("7f951dda-4ed3-4680-a7ca-43fe172d538d", inference, StringComparison.Ordinal); // AcrPull
        Assert.Contains("Microsoft.ManagedIdentity/userAssignedIdentities", inference, StringComparison.Ordinal);
        Assert.Contains("registries", inference, StringComparison.Ordinal);
        Assert.Equal("[parameters('inferenceRegistryName')]", Module(template, "inference")["properties"]!["parameters"]!["registryName"]!["value"]!.GetValue<string>());
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

    // The Functions app's settings: those main.bicep passes (frugalSettings) and those the module adds (its secrets).
    private static List<string> AppSettingKeys(JsonObject template)
    {
        var passed = Module(template, "functionapp")["properties"]?["parameters"]?["frugalSettings"]?["value"]?.AsObject()
            ?? throw new InvalidOperationException("the functionapp module gets no frugalSettings");
        var added = Regex.Matches(FunctionAppTemplateText(template), "[\"'](Frugal__[A-Za-z0-9_]+)[\"']")
            .Select(m => m.Groups[1].Value);
        return [.. passed.Select(p => p.Key).Where(k => k.StartsWith("Frugal__", StringComparison.Ordinal)).Concat(added).Distinct()];
    }

    private static string FunctionAppTemplateText(JsonObject template) =>
        Module(template, "functionapp")["properties"]!["template"]!.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    // Whether a setting such as Frugal__Models__Cheap__Endpoint names a property of the options class bound from its
    // section (the class whose SectionName or Section constant is Frugal:Models, or a longer prefix such as
    // Frugal:Routing:Feedback), following nested objects and dictionaries.
    private static bool OptionsRead(string key)
    {
        var path = key.Split("__");
        for (var depth = path.Length - 1; depth >= 2; depth--)
        {
            var section = string.Join(':', path[..depth]);
            var type = typeof(CostsOptions).Assembly.GetTypes().FirstOrDefault(t =>
                (t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) ?? t.GetField("Section", BindingFlags.Public | BindingFlags.Static)) is { IsLiteral: true } field
                && (string?)field.GetRawConstantValue() == section);
            for (var i = depth; type is not null && i < path.Length; i++)
            {
                var dictionary = type.GetInterfaces().Append(type).FirstOrDefault(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IDictionary<,>));
                type = dictionary is not null
                    ? dictionary.GetGenericArguments()[1]
                    : type.GetProperty(path[i], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType;
            }

            if (type is not null)
            {
                return true;
            }
        }

        return false;
    }

    // Settings read by the functions' trigger attributes, such as %Frugal:Retention:Schedule%.
    private static HashSet<string> FunctionBindingExpressions() =>
    [
        .. typeof(RunQueueFunction).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetParameters())
            .SelectMany(p => p.GetCustomAttributes(inherit: false))
            .SelectMany(a => a.GetType().GetProperties().Where(p => p.PropertyType == typeof(string)).Select(p => p.GetValue(a) as string))
            .SelectMany(v => Regex.Matches(v ?? "", "%([^%]+)%").Select(m => m.Groups[1].Value)),
    ];

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

    // The roles module, whose assignments name their role definitions by id (in its variables).
    private static string RoleDefinitions(JsonObject template) => Module(template, "roles")["properties"]!["template"]!.ToJsonString();

    private static IEnumerable<string> ResourceTypes(JsonObject template) =>
        Resources(template).Select(r => (string?)r["type"] ?? "");
}
