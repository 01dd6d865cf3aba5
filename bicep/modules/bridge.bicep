// The bridge: a Logic App with the Microsoft Sentinel incident trigger, the only thing a Sentinel
// automation rule can run, that posts the trigger body to the Function App's incident intake.
// It authenticates twice with its own user-assigned identity: to Sentinel through the API
// connection, and to the Function App with a token for the sign-in app's audience.

import { tagsType } from '../types.bicep'

@description('Required. Logic App name.')
@minLength(1)
@maxLength(80)
param name string

@description('Required. Name of the Microsoft Sentinel API connection.')
@minLength(1)
@maxLength(80)
param connectionName string

@description('Required. Azure region.')
param location string

@description('Optional. Tags for every resource.')
param tags tagsType = {}

@description('Required. Resource id of the bridge identity.')
param identityId string

@description('Required. Host name of the Function App.')
param functionAppHostName string

@description('Required. Client id of the app registration the Function App validates tokens for.')
@minLength(36)
@maxLength(36)
param authClientId string

var sentinelApiId = subscriptionResourceId('Microsoft.Web/locations/managedApis', location, 'azuresentinel')

resource connection 'Microsoft.Web/connections@2016-06-01' = {
  name: connectionName
  location: location
  tags: tags
  // The type definition of Microsoft.Web/connections@2016-06-01 lacks "kind" and
  // "parameterValueType", yet a managed-identity connection needs both ("Authenticate playbooks
  // to Microsoft Sentinel", Microsoft Learn).
  #disable-next-line BCP187
  kind: 'V1'
  properties: {
    displayName: connectionName
    #disable-next-line BCP037
    parameterValueType: 'Alternative'
    api: { id: sentinelApiId }
  }
}

resource workflow 'Microsoft.Logic/workflows@2019-05-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    state: 'Enabled'
    parameters: {
      '$connections': {
        value: {
          azuresentinel: {
            connectionId: connection.id
            connectionName: connection.name
            id: sentinelApiId
            connectionProperties: {
              authentication: {
                type: 'ManagedServiceIdentity'
                identity: identityId
              }
            }
          }
        }
      }
    }
    definition: {
      '$schema': 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#'
      contentVersion: '1.0.0.0'
      parameters: {
        '$connections': { type: 'Object', defaultValue: {} }
      }
      triggers: {
        Microsoft_Sentinel_incident: {
          type: 'ApiConnectionWebhook'
          inputs: {
            host: { connection: { name: '@parameters(\'$connections\')[\'azuresentinel\'][\'connectionId\']' } }
            body: { callback_url: '@{listCallbackUrl()}' }
            path: '/incident-creation'
          }
        }
      }
      actions: {
        Post_incident_to_responder: {
          type: 'Http'
          inputs: {
            method: 'POST'
            uri: 'https://${functionAppHostName}/api/incidents'
            headers: { 'Content-Type': 'application/json' }
            body: '@triggerBody()'
            authentication: {
              type: 'ManagedServiceIdentity'
              identity: identityId
              audience: 'api://${authClientId}'
            }
            // The intake is idempotent per incident (one orchestration per incident id), so a retry
            // after a lost answer starts nothing twice.
            retryPolicy: { type: 'exponential', count: 4, interval: 'PT15S' }
          }
          runAfter: {}
        }
      }
      outputs: {}
    }
  }
}

@description('Resource id of the bridge Logic App, which the automation rule runs.')
output id string = workflow.id

@description('Name of the bridge Logic App.')
output name string = workflow.name
