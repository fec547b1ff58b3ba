// Data-plane access for the Functions app's managed identity: storage (host, Durable Task hub, queues, cost
// ledger), Azure OpenAI, the Key Vault secrets its settings refer to, and Application Insights (which accepts Entra ID
// tokens only). Role definition ids are Azure built-in roles. (Redis is reached with its access key, kept in the
// vault: see redis.bicep.)

@description('Object id of the Functions app\'s system-assigned identity.')
param principalId string

@description('Storage account the app uses.')
param storageAccountName string

@description('Azure OpenAI account the app calls.')
param openAiAccountName string

@description('Key Vault holding the secrets the app\'s settings refer to.')
param keyVaultName string

@description('Application Insights component the app sends telemetry to.')
param appInsightsName string

var storageRoles = {
  // The Functions host takes blob leases and manages its own containers, for which it documents Blob Data Owner. It
  // holds every data action of Blob Data Contributor, which was assigned beside it and gave nothing more.
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}
var openAiUser = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource openAi 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = {
  name: openAiAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource storageAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in items(storageRoles): {
  name: guid(storage.id, principalId, role.value)
  scope: storage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
  }
}]

resource openAiAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(openAi.id, principalId, openAiUser)
  scope: openAi
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAiUser)
  }
}

// Reads the secrets at start; until this assignment takes effect (minutes), the references do not resolve and the app
// refuses to start, naming them (KeyVaultReferences); restart it then.
resource vaultAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

resource telemetryAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}
