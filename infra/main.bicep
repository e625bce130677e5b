// Jazari Marketplace on Azure, for the Azure Developer CLI (`azd up`).
//
// One resource group holding: the web host (Orleans silo + API + pages + Hangfire server) on a
// Linux App Service plan with at least two instances, VNet-integrated with private ports so the
// silos reach each other; a Storage account for grain state and cluster membership (managed
// identity only, no shared keys); PostgreSQL flexible server for Hangfire (private access);
// Key Vault for secrets; Application Insights on a Log Analytics workspace.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used to name the resource group and to derive a unique token for resource names.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

@description('Object id of the user or service principal running azd; given Key Vault Secrets Officer so it can set secrets. Empty to skip.')
param principalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
@description('Kind of principal that principalId is.')
param principalType string = 'User'

@allowed([
  'P0v3'
  'P1v3'
  'P2v3'
  'P3v3'
])
@description('App Service plan size. Premium v3: VNet integration with private ports is needed for silo-to-silo traffic.')
param appServicePlanSku string = 'P1v3'

@minValue(2)
@maxValue(30)
@description('Number of web host instances, i.e. Orleans silos. At least two.')
param appServiceInstanceCount int = 2

@description('Administrator login of the PostgreSQL server.')
param postgresAdminLogin string = 'jazariadmin'

@secure()
@minLength(8)
@description('Administrator password of the PostgreSQL server; azd generates it once and keeps it in Key Vault.')
param postgresAdminPassword string

@secure()
@description('Stripe secret key; written to Key Vault when given. Empty leaves the Key Vault secret as it is.')
param stripeSecretKey string = ''

@secure()
@description('Stripe webhook signing secret; written to Key Vault when given.')
param stripeWebhookSecret string = ''

@secure()
@description('Signing secret of the Stripe webhook endpoint for connected accounts (Connect: account.updated); written to Key Vault when given.')
param stripeConnectWebhookSecret string = ''

@secure()
@description('SendGrid API key; written to Key Vault when given.')
param sendGridApiKey string = ''

@secure()
@description('SendGrid event webhook verification public key; written to Key Vault when given.')
param sendGridWebhookPublicKey string = ''

var tags = {
  'azd-env-name': environmentName
}
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
  }
}

module network 'modules/network.bicep' = {
  name: 'network'
  scope: rg
  params: {
    location: location
    tags: tags
    vnetName: 'vnet-${resourceToken}'
    postgresDnsZoneName: '${resourceToken}.private.postgres.database.azure.com'
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'st${resourceToken}'
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'kv-${resourceToken}'
    principalId: principalId
    principalType: principalType
    stripeSecretKey: stripeSecretKey
    stripeWebhookSecret: stripeWebhookSecret
    stripeConnectWebhookSecret: stripeConnectWebhookSecret
    sendGridApiKey: sendGridApiKey
    sendGridWebhookPublicKey: sendGridWebhookPublicKey
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'psql-${resourceToken}'
    delegatedSubnetId: network.outputs.postgresSubnetId
    privateDnsZoneId: network.outputs.postgresDnsZoneId
    adminLogin: postgresAdminLogin
    adminPassword: postgresAdminPassword
    keyVaultName: keyVault.outputs.name
  }
}

module appIdentity 'modules/app-identity.bicep' = {
  name: 'app-identity'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'id-web-${resourceToken}'
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
  }
}

module web 'modules/appservice.bicep' = {
  name: 'web'
  scope: rg
  params: {
    location: location
    tags: tags
    planName: 'plan-${resourceToken}'
    siteName: 'app-web-${resourceToken}'
    skuName: appServicePlanSku
    instanceCount: appServiceInstanceCount
    subnetId: network.outputs.appSubnetId
    identityId: appIdentity.outputs.id
    identityClientId: appIdentity.outputs.clientId
    keyVaultName: keyVault.outputs.name
    tableServiceUri: storage.outputs.tableEndpoint
    blobServiceUri: storage.outputs.blobEndpoint
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    orleansClusterId: 'jazari-${environmentName}'
    orleansServiceId: 'jazari-marketplace'
  }
  // Taking the identity from app-identity's outputs orders the app after the role assignments;
  // postgres writes the hangfire-connection-string secret the app settings refer to. So the app
  // starts only once its Key Vault references resolve and it may use the storage account.
  dependsOn: [
    postgres
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.endpoint
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_POSTGRES_SERVER_NAME string = postgres.outputs.name
output SERVICE_WEB_NAME string = web.outputs.name
output SERVICE_WEB_URI string = web.outputs.uri
