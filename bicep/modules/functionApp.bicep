// The Function App on Flex Consumption (Node 20) with App Service Authentication in front of it.
// Flex Consumption supports Durable Functions with the Azure Storage and Durable Task Scheduler
// backends, identity-based host storage and the deployment container reached with a user-assigned
// identity (Microsoft Learn, "Azure Functions Flex Consumption plan hosting", Considerations).

import { tagsType } from '../types.bicep'

@description('Required. Function App name.')
@minLength(2)
@maxLength(60)
param name string

@description('Required. Flex Consumption plan name.')
@minLength(1)
@maxLength(60)
param planName string

@description('Required. Azure region.')
param location string

@description('Optional. Tags for every resource; the app also gets the azd service tag.')
param tags tagsType = {}

@description('Required. Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Required. Blob endpoint of that account, ending with a slash.')
param blobEndpoint string

@description('Required. Container that holds the deployment package.')
param deploymentContainerName string

@description('Required. Client id of the Microsoft Entra app registration that App Service Authentication signs analysts in with.')
@minLength(36)
@maxLength(36)
param authClientId string

@description('Required. Client ids of the applications allowed to call the app: the sign-in app and the bridge identity.')
@minLength(1)
param allowedClientApplications string[]

@description('Optional. Most instances the app scales out to; 40 is the lowest maximum Flex Consumption accepts.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Optional. Memory of one instance in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Optional. Value of the azd-service-name tag, matching azure.yaml.')
param serviceName string = 'api'

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '20'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
  }
}

resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

// App Service Authentication: analysts sign in with Microsoft Entra ID, so an approval carries the
// analyst's identity; the bridge calls /api/incidents with a token of its own managed identity.
// Only the sign-in app and the bridge identity are accepted as calling applications.
resource authentication 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
    }
    httpSettings: { requireHttps: true }
    login: { tokenStore: { enabled: false } }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: ['api://${authClientId}', authClientId]
          defaultAuthorizationPolicy: {
            allowedApplications: allowedClientApplications
          }
        }
      }
    }
  }
}

@description('Resource id of the Function App.')
output id string = site.id

@description('Name of the Function App.')
output name string = site.name

@description('Host name of the Function App.')
output hostName string = site.properties.defaultHostName
