// Azure Managed Redis: the budget counters and token-rate windows every instance of the Functions app shares.
// Not Azure Cache for Redis (Microsoft.Cache/redis): Microsoft is retiring its Basic, Standard and Premium tiers
// (September 2028) and stops new caches of them before that; Azure Managed Redis replaces them.
// Access-key auth: the app's Redis client (StackExchange.Redis) has no Entra ID token refresh of its own (that is
// Microsoft.Azure.StackExchangeRedis, not available to this build), so keyvault.bicep reads the key with listKeys()
// into a Key Vault secret the app's settings refer to; the key never appears in a parameter, an output or a setting.

@description('Azure region for the cache.')
param location string

@description('Cache name.')
param name string

@description('SKU: Balanced_B0 (0.5 GB) is the smallest; the counters take a few KB per tenant.')
@allowed(['Balanced_B0', 'Balanced_B1', 'Balanced_B3', 'Balanced_B5', 'MemoryOptimized_M10', 'ComputeOptimized_X3'])
param skuName string

@description('Keep a replica (twice the price). Off by default: a lost cache costs little, see infra/README.md.')
param highAvailability bool

@description('Tags applied to every resource.')
param tags object

resource cache 'Microsoft.Cache/redisEnterprise@2025-04-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: skuName }
  properties: {
    minimumTlsVersion: '1.2'
    highAvailability: highAvailability ? 'Enabled' : 'Disabled'
  }
}

resource database 'Microsoft.Cache/redisEnterprise/databases@2025-04-01' = {
  parent: cache
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    // One endpoint for clients; a script's keys share a slot through the tenant's hash tag ({tenant}).
    clusteringPolicy: 'EnterpriseCluster'
    // Budget counters expire on their own (the month's end, the minute's window) and must not be evicted early:
    // a process seeds a month's counter from the cost ledger once, so an evicted one would restart low.
    evictionPolicy: 'NoEviction'
    accessKeysAuthentication: 'Enabled'
  }
}

@description('Cache name.')
output name string = cache.name
