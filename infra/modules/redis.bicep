// Azure Cache for Redis for Frugal's response cache. Access keys are disabled: clients authenticate with
// Microsoft Entra ID, and the Functions app's identity gets a data access policy assignment in roles.bicep.

@description('Azure region for the cache.')
param location string

@description('Cache name.')
param name string

@description('SKU name: Basic has no replica and no SLA, which suits a cache that can be lost.')
@allowed(['Basic', 'Standard', 'Premium'])
param skuName string

@description('SKU family: C for Basic and Standard, P for Premium.')
@allowed(['C', 'P'])
param skuFamily string

@description('SKU capacity: 0 is C0 (250 MB).')
@minValue(0)
@maxValue(6)
param capacity int

@description('Tags applied to every resource.')
param tags object

resource cache 'Microsoft.Cache/redis@2024-03-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: { name: skuName, family: skuFamily, capacity: capacity }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    disableAccessKeyAuthentication: true
    redisConfiguration: {
      'aad-enabled': 'true'
      'maxmemory-policy': 'allkeys-lru'
    }
  }
}

@description('Cache name.')
output name string = cache.name

@description('StackExchange.Redis configuration string without credentials; the app adds its Entra ID token.')
output configuration string = '${cache.properties.hostName}:${cache.properties.sslPort},ssl=True,abortConnect=False'
