// The web host on a Linux App Service plan (Premium v3) with at least two instances. Every
// instance is an Orleans silo: VNet integration plus two private ports (silo and gateway) let the
// silos reach each other on the VNet; App Service hands the host WEBSITE_PRIVATE_IP and
// WEBSITE_PRIVATE_PORTS. Membership is in Azure Table storage, reached with the managed identity.
param location string
param tags object
param planName string
param siteName string
param skuName string = 'P1v3'
@minValue(2)
param instanceCount int = 2
@description('Subnet delegated to Microsoft.Web/serverFarms.')
param subnetId string
@description('Resource id of the user-assigned managed identity of the app.')
param identityId string
param identityClientId string
param keyVaultName string
param tableServiceUri string
param blobServiceUri string
param applicationInsightsName string
param logAnalyticsWorkspaceId string
param orleansClusterId string
param orleansServiceId string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: skuName
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: siteName
  location: location
  // azd finds the app to deploy the `web` service of azure.yaml to by this tag.
  tags: union(tags, {
    'azd-service-name': 'web'
  })
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    virtualNetworkSubnetId: subnetId
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      linuxFxVersion: 'DOTNETCORE|10.0'
      alwaysOn: true
      healthCheckPath: '/healthz'
      // Two private ports: the Orleans silo port and the gateway port.
      vnetPrivatePortsCount: 2
      http20Enabled: true
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        {
          name: 'AZURE_CLIENT_ID'
          value: identityClientId
        }
        {
          name: 'Storage__TableServiceUri'
          value: tableServiceUri
        }
        {
          name: 'Storage__BlobServiceUri'
          value: blobServiceUri
        }
        {
          name: 'Silo__Clustering'
          value: 'AzureTable'
        }
        {
          name: 'Silo__ClusterId'
          value: orleansClusterId
        }
        {
          name: 'Silo__ServiceId'
          value: orleansServiceId
        }
        {
          name: 'Hangfire__Storage'
          value: 'postgres'
        }
        {
          name: 'ConnectionStrings__hangfire'
          value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=hangfire-connection-string)'
        }
        {
          name: 'Stripe__SecretKey'
          value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=stripe-secret-key)'
        }
        {
          name: 'Stripe__WebhookSecret'
          value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=stripe-webhook-secret)'
        }
        {
          name: 'Stripe__ConnectWebhookSecret'
          value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=stripe-connect-webhook-secret)'
        }
        {
          name: 'SendGrid__ApiKey'
          value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=sendgrid-api-key)'
        }
        {
          name: 'SendGrid__WebhookPublicKey'
          value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=sendgrid-webhook-public-key)'
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: applicationInsights.properties.ConnectionString
        }
        {
          name: 'Demo__Enabled'
          value: 'false'
        }
        {
          name: 'JAZARI_DATA_DIR'
          value: '/home/data'
        }
        {
          // App Service terminates TLS: let ASP.NET Core take scheme and client address from X-Forwarded-*.
          name: 'ASPNETCORE_FORWARDEDHEADERS_ENABLED'
          value: 'true'
        }
        {
          // azd publishes the app; no Oryx build on the server.
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'false'
        }
      ]
    }
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output name string = site.name
output uri string = 'https://${site.properties.defaultHostName}'
