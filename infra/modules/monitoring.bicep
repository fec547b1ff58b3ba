// Log Analytics workspace and workspace-based Application Insights for the Functions app and the inference app.

@description('Azure region for the resources.')
param location string

@description('Name of the Log Analytics workspace.')
param workspaceName string

@description('Name of the Application Insights component.')
param appInsightsName string

@description('Days the workspace keeps data; 30 is the free retention.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

@description('Most data the workspace ingests a day, in GB (-1 for no cap). Telemetry is a bill of its own: the worker exports every trace of every step, and host.json sampling does not apply to it.')
param dailyCapGb int = 1

@description('Tags applied to every resource.')
param tags object

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
    workspaceCapping: { dailyQuotaGb: dailyCapGb }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    // Telemetry only with an Entra ID token: the connection string is not a secret, and with local authentication
    // anyone holding it could send data (and run up the bill) into this resource. The Functions app sends with its
    // identity (Monitoring Metrics Publisher, roles.bicep).
    DisableLocalAuth: true
  }
}

@description('Name of the Log Analytics workspace.')
output workspaceName string = workspace.name

@description('Name of the Application Insights component.')
output appInsightsName string = appInsights.name

@description('Application Insights connection string (not a secret: it identifies the component).')
output appInsightsConnectionString string = appInsights.properties.ConnectionString
