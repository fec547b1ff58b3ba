// Key Vault for the Functions app's two secrets: the Redis connection string (with the cache's access key) and the key
// it sends to the inference app. The app settings hold Key Vault references, not the values, so reading the app's
// configuration (Website Contributor, the portal, `az functionapp config appsettings list`) no longer shows them; the
// app's identity reads them with Key Vault Secrets User (roles.bicep), and every read is audited by the vault.

@description('Azure region for the vault.')
param location string

@description('Name of the vault (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Key the Functions app sends to the inference app.')
@secure()
param inferenceApiKey string

@description('Redis cache whose access key the app\'s connection string carries.')
param redisName string

@description('Tags applied to every resource.')
param tags object

resource redis 'Microsoft.Cache/redisEnterprise@2025-04-01' existing = {
  name: redisName
}

resource redisDatabase 'Microsoft.Cache/redisEnterprise/databases@2025-04-01' existing = {
  parent: redis
  name: 'default'
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    // Access by Azure roles, as for every other resource here (no access policies).
    enableRbacAuthorization: true
    enableSoftDelete: true
    // The shortest: a vault deleted with its resource group keeps its name for this long (see infra/README.md).
    softDeleteRetentionInDays: 7
  }
}

resource inferenceKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'inference-api-key'
  properties: { value: inferenceApiKey }
}

resource redisConnection 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'redis-connection-string'
  properties: {
    value: '${redis.properties.hostName}:10000,password=${redisDatabase.listKeys().primaryKey},ssl=True,abortConnect=False'
  }
}

@description('Name of the vault.')
output name string = vault.name

// The inference key's URI names its version: the key changes with a deployment (a new random one by default), and
// App Service re-reads a versionless reference only within a day or on a restart, which a setting that does not change
// does not cause, so the Functions app kept sending the old key to an inference app that had the new one. A new
// version is a new setting value, which restarts the app onto it (and starts a new inference revision, inference.bicep).
@description('URI of the inference key\'s current version in the vault (not the key).')
output inferenceKeyUri string = inferenceKey.properties.secretUriWithVersion

// Versionless: a rotated Redis key reaches the app (App Service re-reads references within a day, or on restart).

@description('URI of the Redis connection string in the vault (not the string).')
output redisConnectionUri string = redisConnection.properties.secretUri
