// Storage account used for AzureWebJobsStorage, the Durable Task hub (queues, tables, blobs), the Flex Consumption
// deployment package, the `workflow-jobs` queue and the cost ledger table. Shared keys are disabled: every caller
// uses Microsoft Entra ID (the Functions app's managed identity).

@description('Azure region for the resources.')
param location string

@description('Storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Blob container that holds the Functions app deployment package (Flex Consumption).')
param deploymentContainerName string

@description('Queue the Functions app starts runs from.')
param jobsQueueName string

@description('Table that holds the cost ledger.')
param costTableName string

@description('Table that holds the routing feedback loop\'s examples (used when Frugal__Routing__Feedback__Enabled is true).')
param feedbackTableName string

@description('Tags applied to every resource.')
param tags object

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource jobsQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: jobsQueueName
}

resource jobsPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: '${jobsQueueName}-poison'
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource costTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: costTableName
}

resource feedbackTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: feedbackTableName
}

@description('Storage account name.')
output name string = account.name

@description('URL of the deployment package container.')
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}${deploymentContainer.name}'

@description('Blob service endpoint (embedding indexes of semantic lookups).')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Table service endpoint, for the cost ledger and the routing feedback store.')
output tableEndpoint string = account.properties.primaryEndpoints.table

@description('Names of the queues created (jobs queue and its poison queue).')
output queueNames array = [jobsQueue.name, jobsPoisonQueue.name]

@description('Name of the cost ledger table.')
output costTableName string = costTable.name

@description('Name of the routing feedback table.')
output feedbackTableName string = feedbackTable.name
