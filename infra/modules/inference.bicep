// Container Apps environment with a serverless GPU workload profile, hosting Frugal's ONNX inference app.
// The app scales to zero (minReplicas 0) and out on concurrent HTTP requests, so the GPU is billed only while
// requests are being served.

@description('Azure region (it must offer the chosen serverless GPU type).')
param location string

@description('Name of the Container Apps environment.')
param environmentName string

@description('Name of the inference container app.')
param appName string

@description('Log Analytics workspace that receives the container logs.')
param workspaceName string

@description('Serverless GPU workload profile type.')
@allowed(['Consumption-GPU-NC8as-T4', 'Consumption-GPU-NC24-A100'])
param gpuProfileType string

@description('Container image of the inference app.')
param image string

@description('Port the inference app listens on inside the container.')
param targetPort int

@description('vCPUs per replica (the T4 profile offers up to 8).')
param cpu int

@description('Memory per replica, e.g. 56Gi (the T4 profile offers up to 56Gi).')
param memory string

@description('Most replicas the app scales out to.')
@minValue(1)
@maxValue(10)
param maxReplicas int

@description('Concurrent HTTP requests per replica before another replica is added.')
param concurrentRequests int

@description('Key callers must send (api-key header or bearer token); the app refuses to start without one.')
@secure()
param apiKey string

@description('The key\'s version in the Key Vault (its versioned URI, not the key): a changed key must start a new revision, since a changed secret alone does not reach the running one.')
param apiKeyVersion string

@description('Name of an Azure Container Registry in this resource group that holds the image (empty: a public image). The app pulls with an identity of its own that gets AcrPull on it, before the app exists.')
param registryName string = ''

@description('Tags applied to every resource.')
param tags object

var gpuProfileName = 'gpu'
var privateRegistry = !empty(registryName)

// AcrPull: 7f951dda-4ed3-4680-a7ca-43fe172d538d.
var acrPullRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = if (privateRegistry) {
  name: registryName
}

// A user-assigned identity, so that its AcrPull role exists before the app's first revision pulls the image (a
// system-assigned identity only exists once the app does, too late for that pull).
resource pullIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = if (privateRegistry) {
  name: '${appName}-pull'
  location: location
  tags: tags
}

resource pullRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (privateRegistry) {
  name: guid(registry.id, pullIdentity.id, acrPullRole)
  scope: registry
  properties: {
    roleDefinitionId: acrPullRole
    principalId: pullIdentity!.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      { name: 'Consumption', workloadProfileType: 'Consumption' }
      { name: gpuProfileName, workloadProfileType: gpuProfileType }
    ]
  }
}

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: appName
  location: location
  tags: tags
  identity: privateRegistry
    ? { type: 'SystemAssigned,UserAssigned', userAssignedIdentities: { '${pullIdentity.id}': {} } }
    : { type: 'SystemAssigned' }
  dependsOn: [pullRole]
  properties: {
    environmentId: environment.id
    workloadProfileName: gpuProfileName
    configuration: {
      activeRevisionsMode: 'Single'
      registries: privateRegistry ? [{ server: registry!.properties.loginServer, identity: pullIdentity.id }] : []
      secrets: [
        { name: 'inference-api-key', value: apiKey }
      ]
      ingress: {
        external: true
        targetPort: targetPort
        transport: 'auto'
        allowInsecure: false
      }
    }
    template: {
      containers: [
        {
          name: 'inference'
          image: image
          env: [
            { name: 'Inference__ApiKey', secretRef: 'inference-api-key' }
            // The image listens on 8080 (its ASPNETCORE_URLS): without this, another targetPort moved the ingress and the
            // probes but not the app, and no revision ever became ready.
            { name: 'ASPNETCORE_URLS', value: 'http://+:${targetPort}' }
            // Not read by the app: changing a secret does not restart revisions (Container Apps), so a new key would
            // reach the Functions app and not this one, and every onnx step and semantic lookup would get 401 until
            // someone restarted it. The template changes with the key's version, which makes a new revision.
            { name: 'FRUGAL_API_KEY_VERSION', value: apiKeyVersion }
          ]
          resources: {
            cpu: cpu
            memory: memory
          }
          // /healthz answers 503 while the models load and 200 once they serve. Probes start once the container runs,
          // after the image pull. Startup asks from 5 s, every 10 s, and gives up after 10 failures (Container Apps'
          // most), about 95 s after the container started: a GPU replica loads MiniLM in seconds, and one that has
          // not in a minute and a half is restarted. It asked every 30 s, so a replica ready in a few seconds waited
          // for the next probe on every cold start. Readiness every 5 s, so traffic follows soon after.
          // Liveness restarts a replica that stops answering (there was only readiness, so a hung process was never
          // replaced).
          probes: [
            {
              type: 'Startup'
              httpGet: { path: '/healthz', port: targetPort }
              initialDelaySeconds: 5
              periodSeconds: 10
              failureThreshold: 10
            }
            {
              type: 'Readiness'
              httpGet: { path: '/healthz', port: targetPort }
              periodSeconds: 5
            }
            {
              type: 'Liveness'
              httpGet: { path: '/healthz', port: targetPort }
              periodSeconds: 30
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: 0
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http-concurrency'
            http: { metadata: { concurrentRequests: string(concurrentRequests) } }
          }
        ]
      }
    }
  }
}

@description('HTTPS base URL of the inference app.')
output endpoint string = 'https://${app.properties.configuration.ingress.fqdn}/'
