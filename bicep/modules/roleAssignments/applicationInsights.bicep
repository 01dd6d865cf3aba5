// Role assignments on the Application Insights component.

import { roleAssignmentType } from '../../types.bicep'

@description('Required. The role assignments of the deployment; this module makes those whose scope is applicationInsights.')
param assignments roleAssignmentType[]

@description('Required. Name of the Application Insights component.')
param applicationInsightsName string

resource component 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource roleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in filter(assignments, a => a.scope == 'applicationInsights'): {
    scope: component
    name: guid(component.id, assignment.principalId, assignment.roleDefinitionId)
    properties: {
      principalId: assignment.principalId
      principalType: assignment.principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', assignment.roleDefinitionId)
      description: assignment.description
    }
  }
]
