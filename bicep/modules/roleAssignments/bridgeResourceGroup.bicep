// Role assignments on the resource group that holds the bridge Logic App.

import { roleAssignmentType } from '../../types.bicep'

@description('Required. The role assignments of the deployment; this module makes those whose scope is bridgeResourceGroup.')
param assignments roleAssignmentType[]

resource roleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in filter(assignments, a => a.scope == 'bridgeResourceGroup'): {
    name: guid(resourceGroup().id, assignment.principalId, assignment.roleDefinitionId)
    properties: {
      principalId: assignment.principalId
      principalType: assignment.principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', assignment.roleDefinitionId)
      description: assignment.description
    }
  }
]
