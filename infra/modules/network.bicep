// Virtual network: one subnet delegated to App Service (VNet integration of the web host, which
// carries the silo-to-silo traffic on the private ports) and one delegated to PostgreSQL flexible
// server (private access), with the private DNS zone the server registers in.
param location string
param tags object
param vnetName string
param postgresDnsZoneName string

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: vnetName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        '10.40.0.0/16'
      ]
    }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: '10.40.0.0/24'
          delegations: [
            {
              name: 'app-service'
              properties: {
                serviceName: 'Microsoft.Web/serverFarms'
              }
            }
          ]
        }
      }
      {
        name: 'postgres'
        properties: {
          addressPrefix: '10.40.1.0/24'
          delegations: [
            {
              name: 'postgres-flexible-server'
              properties: {
                serviceName: 'Microsoft.DBforPostgreSQL/flexibleServers'
              }
            }
          ]
        }
      }
    ]
  }

  resource appSubnet 'subnets' existing = {
    name: 'app'
  }

  resource postgresSubnet 'subnets' existing = {
    name: 'postgres'
  }
}

resource postgresDnsZone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: postgresDnsZoneName
  location: 'global'
  tags: tags

  resource vnetLink 'virtualNetworkLinks' = {
    name: vnetName
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnet.id
      }
    }
  }
}

output appSubnetId string = vnet::appSubnet.id
output postgresSubnetId string = vnet::postgresSubnet.id
// A module's outputs exist only once all of it is deployed: the server that takes this id is
// created after the zone is linked to the VNet.
output postgresDnsZoneId string = postgresDnsZone.id
