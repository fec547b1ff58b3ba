// Azure Cache for Redis: the budget counters and token-rate windows every instance of the Functions app shares.
// Access-key auth: the app's Redis client (StackExchange.Redis) has no Entra ID token refresh of its own (that is
// Microsoft.Azure.StackExchangeRedis, not available to this build), so the Functions module reads the key with
// listKeys() into an app setting; the key never appears in a parameter or an output.

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
    disableAccessKeyAuthentication: false
    redisConfiguration: {
      // Budget counters expire on their own (the month's end, the minute's window) and must not be evicted early:
      // a process seeds a month's counter from the cost ledger once, so an evicted one would restart low.
      'maxmemory-policy': 'noeviction'
    }
  }
}

@description('Cache name.')
output name string = cache.name
