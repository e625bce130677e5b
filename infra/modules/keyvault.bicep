// Key Vault (RBAC authorization) for the Stripe and SendGrid secrets and the PostgreSQL
// credentials. The web app reads them through Key Vault references in its app settings.
param location string
param tags object
param name string

@description('Principal running azd; gets Key Vault Secrets Officer so it can set secrets. Empty to skip.')
param principalId string = ''
param principalType string = 'User'

@secure()
param stripeSecretKey string = ''
@secure()
param stripeWebhookSecret string = ''
@secure()
param stripeConnectWebhookSecret string = ''
@secure()
param sendGridApiKey string = ''
@secure()
param sendGridWebhookPublicKey string = ''

// Key Vault Secrets Officer
var secretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource deployerSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  name: guid(vault.id, principalId, secretsOfficerRoleId)
  scope: vault
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficerRoleId)
  }
}

// Each secret is written only when azd was given a value, so a secret set by hand
// (az keyvault secret set) is left alone by the next `azd provision`.
resource stripeSecretKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(stripeSecretKey)) {
  parent: vault
  name: 'stripe-secret-key'
  properties: {
    value: stripeSecretKey
  }
}

resource stripeWebhookSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(stripeWebhookSecret)) {
  parent: vault
  name: 'stripe-webhook-secret'
  properties: {
    value: stripeWebhookSecret
  }
}

resource stripeConnectWebhookSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(stripeConnectWebhookSecret)) {
  parent: vault
  name: 'stripe-connect-webhook-secret'
  properties: {
    value: stripeConnectWebhookSecret
  }
}

resource sendGridApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(sendGridApiKey)) {
  parent: vault
  name: 'sendgrid-api-key'
  properties: {
    value: sendGridApiKey
  }
}

resource sendGridWebhookPublicKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(sendGridWebhookPublicKey)) {
  parent: vault
  name: 'sendgrid-webhook-public-key'
  properties: {
    value: sendGridWebhookPublicKey
  }
}

output name string = vault.name
output endpoint string = vault.properties.vaultUri
