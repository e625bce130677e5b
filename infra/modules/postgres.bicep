// PostgreSQL flexible server for Hangfire, with private access: the server lives in a subnet
// delegated to it and has no public endpoint; the web host reaches it through its own VNet
// integration. The admin password and the Hangfire connection string go to Key Vault.
param location string
param tags object
param name string
param delegatedSubnetId string
param privateDnsZoneId string
param adminLogin string
@secure()
param adminPassword string
param keyVaultName string

param skuName string = 'Standard_B1ms'
@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string = 'Burstable'
param storageSizeGB int = 32
param databaseName string = 'hangfire'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: '16'
    administratorLogin: adminLogin
    administratorLoginPassword: adminPassword
    authConfig: {
      passwordAuth: 'Enabled'
      activeDirectoryAuth: 'Disabled'
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      delegatedSubnetResourceId: delegatedSubnetId
      privateDnsZoneArmResourceId: privateDnsZoneId
      publicNetworkAccess: 'Disabled'
    }
  }

  resource database 'databases' = {
    name: databaseName
    properties: {
      charset: 'UTF8'
      collation: 'en_US.utf8'
    }
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

// Read back by azd's secretOrRandomPassword on the next `azd provision`, so the password stays.
resource adminPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'postgres-admin-password'
  properties: {
    value: adminPassword
  }
}

// Npgsql connection string for Hangfire.PostgreSql (TLS is required by the server). The password
// is quoted, its double quotes doubled, so any character it holds is taken as it is.
resource connectionStringSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'hangfire-connection-string'
  properties: {
    value: 'Host=${server.properties.fullyQualifiedDomainName};Port=5432;Database=${server::database.name};Username=${adminLogin};Password="${replace(adminPassword, '"', '""')}";SSL Mode=Require'
  }
}

output name string = server.name
output fullyQualifiedDomainName string = server.properties.fullyQualifiedDomainName
