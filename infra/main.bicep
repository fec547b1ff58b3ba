// Frugal on Azure: the Functions app (Flex Consumption) with its storage, monitoring, Azure OpenAI (cheap and
// premium deployments), Azure Managed Redis (shared budget counters), and the GPU inference app on Container Apps (scale to zero).
// Deploy into an existing resource group: see infra/README.md.
targetScope = 'resourceGroup'

@description('Azure region for every resource. It must offer Flex Consumption, the OpenAI models and the GPU type.')
param location string = resourceGroup().location

@description('Short prefix for resource names: a lowercase letter, then lowercase letters and digits (checked when the deployment is validated).')
@minLength(2)
@maxLength(10)
param namePrefix string = 'frugal'

@description('Tags applied to every resource.')
param tags object = { app: 'frugal' }

@description('.NET version of the Functions isolated worker.')
param dotnetVersion string = '10.0'

@description('Most instances the Functions app scales out to.')
param functionMaxInstances int = 40

@description('Memory per Functions instance in MB (not 512: the app loads MiniLM in process when no inference app is deployed).')
@allowed([2048, 4096])
param functionInstanceMemoryMB int = 2048

@description('Cheap tier model: deployment name, model, version, capacity (thousands of tokens per minute).')
param cheapModel object = {
  deployment: 'gpt-4o-mini'
  model: 'gpt-4o-mini'
  version: '2024-07-18'
  capacity: 50
}

@description('Premium tier model: deployment name, model, version, capacity (thousands of tokens per minute).')
param premiumModel object = {
  deployment: 'gpt-4o'
  model: 'gpt-4o'
  version: '2024-11-20'
  capacity: 20
}

@description('Azure OpenAI deployment SKU.')
@allowed(['GlobalStandard', 'Standard', 'DataZoneStandard'])
param openAiDeploymentSku string = 'GlobalStandard'

@description('Azure Managed Redis SKU for the shared budget counters (Balanced_B0 is the smallest).')
@allowed(['Balanced_B0', 'Balanced_B1', 'Balanced_B3', 'Balanced_B5', 'MemoryOptimized_M10', 'ComputeOptimized_X3'])
param redisSkuName string = 'Balanced_B0'

@description('Keep a Redis replica (twice the price); off by default, since a lost cache is re-seeded from the cost ledger.')
param redisHighAvailability bool = false

@description('Container image of the ONNX inference app, e.g. myregistry.azurecr.io/frugal-inference:1.0. Empty (the default): no inference app is deployed yet, and onnx steps and semantic lookups fail saying none is configured; deploy again with the image once it is built.')
param inferenceImage string = ''

@description('Name of the Azure Container Registry (in this resource group) that holds inferenceImage; empty for a public image. The inference app gets AcrPull on it through an identity of its own.')
param inferenceRegistryName string = ''

@description('Key the Functions app sends to the inference app. The default makes a new random one on every deployment (both apps get it in the same deployment); pass your own to keep it stable.')
@secure()
param inferenceApiKey string = newGuid()

@description('Most telemetry the Log Analytics workspace ingests a day, in GB (-1 for no cap); past it, data is dropped until the next day.')
param logDailyCapGb int = 1

@description('What happens when a budget is reached: Refuse (model calls fail naming the budget, new runs get 402) or Downgrade (premium calls go to the cheap tier, cheap calls go on past the budget). See docs/budgets.md.')
@allowed(['Refuse', 'Downgrade'])
param budgetAction string = 'Refuse'

@description('Monthly budget in US dollars of every tenant without its own (Frugal__Budgets__Tenants__Default__Monthly); empty for none. Raise it, or set tenants of your own in extraSettings, rather than change it in the portal: each deployment replaces the app settings.')
param monthlyBudgetPerTenant string = '100'

@description('More app settings for the Functions app, kept across deployments (each deployment replaces the app settings, so settings made in the portal are lost), e.g. {"Frugal__Budgets__PerRun": "0.50", "Frugal__Budgets__Tenants__acme__Monthly": "2000", "Frugal__Budgets__Tenants__acme__TokensPerMinute": "200000"}.')
param extraSettings object = {}

@description('Serverless GPU workload profile type for the inference app.')
@allowed(['Consumption-GPU-NC8as-T4', 'Consumption-GPU-NC24-A100'])
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

@description('Port the inference app listens on.')
param inferencePort int = 8080

@description('vCPUs per inference replica.')
param inferenceCpu int = 8

@description('Memory per inference replica.')
param inferenceMemory string = '56Gi'

@description('Most inference replicas.')
@minValue(1)
@maxValue(10)
param inferenceMaxReplicas int = 1

@description('Concurrent requests per inference replica before scaling out.')
param inferenceConcurrentRequests int = 16

// The queue the Functions app starts runs from: fixed, because its queue trigger names it (RunQueueFunction.QueueName).
var jobsQueueName = 'workflow-jobs'

@description('Table that holds the cost ledger.')
param costTableName string = 'FrugalCosts'

@description('Table that holds the routing feedback loop\'s examples, shared by every instance (the loop is off until extraSettings sets Frugal__Routing__Feedback__Enabled to true).')
param feedbackTableName string = 'FrugalFeedback'

// The Functions app module adds the two secret settings as Key Vault references (modules/functionapp.bicep); the same
// name in extraSettings would make a second app setting of that name, whose value depended on which one the platform
// read. Checked when the template is validated, like the prefix. (One line: InfraTests evaluates it alone.)
var checkedExtraSettings = empty(filter(objectKeys(extraSettings), k => contains(['frugal__inference__apikey', 'frugal__budgets__redisconnectionstring'], toLower(k)))) ? extraSettings : fail('extraSettings sets ${join(filter(objectKeys(extraSettings), k => contains(['frugal__inference__apikey', 'frugal__budgets__redisconnectionstring'], toLower(k))), ', ')}, which the template keeps in Key Vault and sets itself: pass inferenceApiKey for the inference key; the Redis connection string is the deployed cache\'s')

// ARM cannot hold a parameter to a pattern, so a namePrefix that a resource name refuses (an uppercase letter, a hyphen)
// used to fail mid-deployment, at the storage account, after other resources had been created. ARM evaluates this
// variable when it validates the template, before anything is created. (One line: InfraTests evaluates it alone.)
var prefix = contains('abcdefghijklmnopqrstuvwxyz', substring(namePrefix, 0, 1)) && empty(filter(range(0, length(namePrefix)), i => !contains('abcdefghijklmnopqrstuvwxyz0123456789', substring(namePrefix, i, 1)))) ? namePrefix : fail('namePrefix \'${namePrefix}\' is not valid: it must be a lowercase letter followed by lowercase letters and digits (it begins the storage account\'s name, which takes nothing else, and the container apps\' names, which must begin with a letter)')
var suffix = uniqueString(resourceGroup().id, prefix)
var names = {
  storage: take('${prefix}${suffix}', 24)
  workspace: '${prefix}-logs-${suffix}'
  appInsights: '${prefix}-ai-${suffix}'
  plan: '${prefix}-plan-${suffix}'
  functionApp: '${prefix}-func-${suffix}'
  openAi: '${prefix}-oai-${suffix}'
  redis: '${prefix}-redis-${suffix}'
  keyVault: take('kv${prefix}${suffix}', 24)
  containerEnv: '${prefix}-cae-${suffix}'
  inferenceApp: take('${prefix}-inference-${suffix}', 32)
  deploymentContainer: 'app-package'
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    dailyCapGb: logDailyCapGb
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: names.storage
    deploymentContainerName: names.deploymentContainer
    jobsQueueName: jobsQueueName
    costTableName: costTableName
    feedbackTableName: feedbackTableName
    tags: tags
  }
}

module openAi 'modules/openai.bicep' = {
  name: 'openai'
  params: {
    location: location
    name: names.openAi
    cheap: cheapModel
    premium: premiumModel
    deploymentSku: openAiDeploymentSku
    tags: tags
  }
}

module redis 'modules/redis.bicep' = {
  name: 'redis'
  params: {
    location: location
    name: names.redis
    skuName: redisSkuName
    highAvailability: redisHighAvailability
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    name: names.keyVault
    inferenceApiKey: inferenceApiKey
    redisName: redis.outputs.name
    tags: tags
  }
}

// Only with an image of the inference app: a placeholder image (a public quickstart on port 80, no /healthz) never
// passed the app's readiness probe on 8080 and left the Functions app pointing at something else.
var deployInference = !empty(inferenceImage)

module inference 'modules/inference.bicep' = if (deployInference) {
  name: 'inference'
  params: {
    location: location
    environmentName: names.containerEnv
    appName: names.inferenceApp
    workspaceName: monitoring.outputs.workspaceName
    gpuProfileType: gpuProfileType
    image: inferenceImage
    registryName: inferenceRegistryName
    targetPort: inferencePort
    cpu: inferenceCpu
    memory: inferenceMemory
    maxReplicas: inferenceMaxReplicas
    concurrentRequests: inferenceConcurrentRequests
    apiKey: inferenceApiKey
    apiKeyVersion: keyVault.outputs.inferenceKeyUri
    tags: tags
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    planName: names.plan
    name: names.functionApp
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    dotnetVersion: dotnetVersion
    maximumInstanceCount: functionMaxInstances
    instanceMemoryMB: functionInstanceMemoryMB
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    inferenceKeyUri: keyVault.outputs.inferenceKeyUri
    redisConnectionUri: keyVault.outputs.redisConnectionUri
    // The default monthly budget unless monthlyBudgetPerTenant is empty (no budget for tenants without their own).
    extraSettings: union(empty(monthlyBudgetPerTenant) ? {} : { Frugal__Budgets__Tenants__Default__Monthly: monthlyBudgetPerTenant }, checkedExtraSettings)
    // The same keys as local.settings.sample.json; no model ApiKey in Azure: the app reaches Azure OpenAI with its
    // managed identity. The inference app's key and the Redis connection string are Key Vault references the module
    // adds (keyvault.bicep).
    frugalSettings: {
      Frugal__Workflows__Directory: 'workflows'
      Frugal__Models__Cheap__Endpoint: openAi.outputs.endpoint
      Frugal__Models__Cheap__Deployment: openAi.outputs.cheapDeploymentName
      Frugal__Models__Premium__Endpoint: openAi.outputs.endpoint
      Frugal__Models__Premium__Deployment: openAi.outputs.premiumDeploymentName
      // Without a key the model options require this (the app refused to start without it).
      Frugal__Models__Cheap__UseManagedIdentity: 'true'
      Frugal__Models__Premium__UseManagedIdentity: 'true'
      // Frugal's own traces and metrics (cost, routing, model calls) to the app's Application Insights.
      Frugal__Telemetry__Exporter: 'azuremonitor'
      // With the app's identity: Application Insights accepts Entra ID tokens only (monitoring.bicep).
      Frugal__Telemetry__UseManagedIdentity: 'true'
      // Traces of one run in ten (metrics and the cost ledger are not sampled): telemetry is billed per GB.
      Frugal__Telemetry__TraceSamplingRatio: '0.1'
      Frugal__Inference__Endpoint: deployInference ? inference!.outputs.endpoint : ''
      // The ledger and the budget counters must outlive an instance and be shared by all of them: a table (reached with
      // the app's identity) and Redis (its connection string is a Key Vault reference the module adds).
      Frugal__Costs__Store: 'table'
      Frugal__Costs__TableEndpoint: storage.outputs.tableEndpoint
      Frugal__Costs__TableName: storage.outputs.costTableName
      // The routing feedback loop is off by default (it keeps prompt text); on (Frugal__Routing__Feedback__Enabled in
      // extraSettings), a verdict must find the step's call whichever instance ran it: a table beside the ledger's,
      // reached with the same identity, not a file on each instance's disk.
      Frugal__Routing__Feedback__Store: 'table'
      Frugal__Routing__Feedback__TableEndpoint: storage.outputs.tableEndpoint
      Frugal__Routing__Feedback__TableName: storage.outputs.feedbackTableName
      Frugal__Budgets__Store: 'redis'
      // A spending limit from the first deployment: no tenant configured meant no limit at all.
      Frugal__Budgets__Action: budgetAction
      Frugal__Retention__Schedule: '0 0 3 * * *'
      // Seconds of the inference app are priced at this price-table GPU profile (config/prices.json gpu_profiles).
      Frugal__Inference__GpuProfile: replace(gpuProfileType, 'Consumption-GPU-', '')
      // Semantic lookup tables' key embeddings: one blob per (keys, model), rebuilt by RefreshEmbeddings after deploys.
      Frugal__Embeddings__BlobServiceUri: storage.outputs.blobEndpoint
      Frugal__Embeddings__RefreshSchedule: '0 30 2 * * *'
    }
    tags: tags
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.name
    openAiAccountName: openAi.outputs.name
    keyVaultName: keyVault.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
  }
}

@description('Functions app name (for `func azure functionapp publish`).')
output functionAppName string = functionApp.outputs.name

@description('Base URL of the Frugal HTTP API.')
output apiBaseUrl string = 'https://${functionApp.outputs.defaultHostName}/api/'

@description('Azure OpenAI endpoint.')
output openAiEndpoint string = openAi.outputs.endpoint

@description('Inference app base URL (empty when no inference image was given).')
output inferenceEndpoint string = deployInference ? inference!.outputs.endpoint : ''
