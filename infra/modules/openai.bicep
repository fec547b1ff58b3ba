// Azure OpenAI account with the two deployments Frugal routes between: a cheap one and a premium one.
// Local (key) auth is disabled; the Functions app calls it with its managed identity.

@description('Azure region for the account (it must offer both models with the chosen deployment SKU).')
param location string

@description('Account name; also its custom subdomain, which Microsoft Entra ID authentication requires.')
param name string

@description('Cheap tier: deployment name, model name and model version.')
param cheap object

@description('Premium tier: deployment name, model name and model version.')
param premium object

@description('Deployment SKU: GlobalStandard is pay-per-token and the cheapest per token; Standard keeps data in the region.')
@allowed(['GlobalStandard', 'Standard', 'DataZoneStandard'])
param deploymentSku string

@description('Tags applied to every resource.')
param tags object

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: { name: 'S0' }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource cheapDeployment 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: cheap.deployment
  sku: { name: deploymentSku, capacity: cheap.capacity }
  properties: {
    model: { format: 'OpenAI', name: cheap.model, version: cheap.version }
    // The pinned version until Azure retires it, then the current one: with NoAutoUpgrade a retired version's
    // deployment stops answering, and every model step fails until someone deploys again. Prices are looked up by
    // model name (config/prices.json), so an upgraded version is still priced.
    versionUpgradeOption: 'OnceCurrentVersionExpired'
  }
}

// Deployments on one account are created one at a time; the dependency serialises them.
resource premiumDeployment 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: premium.deployment
  sku: { name: deploymentSku, capacity: premium.capacity }
  properties: {
    model: { format: 'OpenAI', name: premium.model, version: premium.version }
    versionUpgradeOption: 'OnceCurrentVersionExpired'
  }
  dependsOn: [cheapDeployment]
}

@description('Account name.')
output name string = account.name

@description('Endpoint the Azure OpenAI client library uses.')
output endpoint string = account.properties.endpoint

@description('Name of the cheap deployment.')
output cheapDeploymentName string = cheapDeployment.name

@description('Name of the premium deployment.')
output premiumDeploymentName string = premiumDeployment.name
