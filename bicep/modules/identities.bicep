// The two workload identities: the Function App's and the bridge Logic App's. User-assigned, so
// that their client ids are known before the app exists (app settings, Easy Auth allow list).

import { tagsType } from '../types.bicep'

@description('Required. Name of the Function App identity.')
@minLength(3)
@maxLength(128)
param appIdentityName string

@description('Required. Name of the bridge Logic App identity.')
@minLength(3)
@maxLength(128)
param bridgeIdentityName string

@description('Required. Azure region.')
param location string

@description('Optional. Tags for every resource.')
param tags tagsType = {}

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: appIdentityName
  location: location
  tags: tags
}

resource bridgeIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: bridgeIdentityName
  location: location
  tags: tags
}

@description('Resource id of the Function App identity.')
output appIdentityId string = appIdentity.id

@description('Client id of the Function App identity (AZURE_CLIENT_ID).')
output appClientId string = appIdentity.properties.clientId

@description('Object id of the Function App identity, for role assignments.')
output appPrincipalId string = appIdentity.properties.principalId

@description('Resource id of the bridge identity.')
output bridgeIdentityId string = bridgeIdentity.id

@description('Client id of the bridge identity: the only application besides the sign-in app that Easy Auth lets in.')
output bridgeClientId string = bridgeIdentity.properties.clientId

@description('Object id of the bridge identity.')
output bridgePrincipalId string = bridgeIdentity.properties.principalId
