// The Frugal Functions app on the Flex Consumption plan (FC1), .NET isolated worker, with a system-assigned
// managed identity. It scales to zero and bills per execution, which suits bursty workflow traffic; Durable
// Functions with the Azure Storage provider is supported on Flex Consumption.

@description('Azure region for the plan and the app.')
param location string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the Functions app.')
param name string

@description('Storage account used for AzureWebJobsStorage and the Durable Task hub (identity-based connection).')
param storageAccountName string

@description('URL of the blob container that holds the deployment package.')
param deploymentContainerUrl string

@description('.NET version of the isolated worker.')
param dotnetVersion string

@description('Most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

// Not 512, which Flex Consumption offers: the app loads MiniLM in process (learned routers, semantic lookups) when no
// inference endpoint is set, and is over 240 MB before it handles a request.
@description('Memory per instance in MB (2048 or 4096).')
@allowed([2048, 4096])
param instanceMemoryMB int

@description('App settings Frugal reads, as name/value pairs (merged after the host settings).')
param frugalSettings object

@description('More app settings, merged after frugalSettings (the deployment\'s extraSettings parameter).')
param extraSettings object = {}

@description('Key Vault URI of the key the app sends to the inference app (api-key header), read as Frugal__Inference__ApiKey.')
param inferenceKeyUri string

@description('Key Vault URI of the Redis connection string (budget counters shared by every instance), read as Frugal__Budgets__RedisConnectionString.')
param redisConnectionUri string

@description('Application Insights connection string.')
param appInsightsConnectionString string

@description('Tags applied to every resource.')
param tags object

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

// Secrets are Key Vault references (keyvault.bicep): the settings name where a value is, and the app's identity reads
// it from the vault at start. Added here, not passed in frugalSettings, so that main.bicep's settings stay plain.
var secretSettings = [
  { name: 'Frugal__Inference__ApiKey', value: '@Microsoft.KeyVault(SecretUri=${inferenceKeyUri})' }
  { name: 'Frugal__Budgets__RedisConnectionString', value: '@Microsoft.KeyVault(SecretUri=${redisConnectionUri})' }
]

var hostSettings = {
  // Identity-based connection: no connection string or key is stored anywhere.
  AzureWebJobsStorage__accountName: storageAccountName
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  // Application Insights accepts Entra ID tokens only (monitoring.bicep): the host sends with the app's identity.
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
}

var plainSettings = [for setting in items(union(hostSettings, frugalSettings, extraSettings)): { name: setting.key, value: setting.value }]

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat(plainSettings, secretSettings)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: { name: 'dotnet-isolated', version: dotnetVersion }
    }
  }
}

@description('Functions app name.')
output name string = app.name

@description('Object id of the app\'s system-assigned identity.')
output principalId string = app.identity.principalId

@description('Default host name of the app.')
output defaultHostName string = app.properties.defaultHostName
