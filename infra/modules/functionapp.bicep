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

@description('Memory per instance in MB (2048 or 4096).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('App settings Frugal reads, as name/value pairs (merged after the host settings).')
param frugalSettings object

@description('More app settings, merged after frugalSettings (the deployment\'s extraSettings parameter).')
param extraSettings object = {}

@description('Key the app sends to the inference app (api-key header); set as Frugal__Inference__ApiKey.')
@secure()
param inferenceApiKey string

@description('Redis cache holding the budget counters every instance shares.')
param redisName string

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

resource redis 'Microsoft.Cache/redisEnterprise@2025-04-01' existing = {
  name: redisName
}

resource redisDatabase 'Microsoft.Cache/redisEnterprise/databases@2025-04-01' existing = {
  parent: redis
  name: 'default'
}

// Secrets are added here, not passed in frugalSettings, so neither appears in a deployment's parameters or outputs.
// (A list, not merged into the settings loop: the Redis key is only known once the cache exists.)
var secretSettings = [
  { name: 'Frugal__Inference__ApiKey', value: inferenceApiKey }
  {
    name: 'Frugal__Budgets__RedisConnectionString'
    value: '${redis.properties.hostName}:10000,password=${redisDatabase.listKeys().primaryKey},ssl=True,abortConnect=False'
  }
]

var hostSettings = {
  // Identity-based connection: no connection string or key is stored anywhere.
  AzureWebJobsStorage__accountName: storageAccountName
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
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
