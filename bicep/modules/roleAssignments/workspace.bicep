// Role assignments on the Sentinel workspace.

import { roleAssignmentType } from '../../types.bicep'

@description('Required. The role assignments of the deployment; this module makes those whose scope is sentinelWorkspace.')
param assignments roleAssignmentType[]

@description('Required. Name of the Sentinel workspace.')
param workspaceName string

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource roleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in filter(assignments, a => a.scope == 'sentinelWorkspace'): {
    scope: workspace
    name: guid(workspace.id, assignment.principalId, assignment.roleDefinitionId)
    properties: {
      principalId: assignment.principalId
      principalType: assignment.principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', assignment.roleDefinitionId)
      description: assignment.description
    }
  }
]
