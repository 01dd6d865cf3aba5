// Role assignments on one target NSG; deployed to that NSG's resource group, wherever it is.

import { roleAssignmentType } from '../../types.bicep'

@description('Required. The role assignments of the deployment; this module makes those whose scope is targetNsg.')
param assignments roleAssignmentType[]

@description('Required. Name of the network security group.')
param networkSecurityGroupName string

resource networkSecurityGroup 'Microsoft.Network/networkSecurityGroups@2024-05-01' existing = {
  name: networkSecurityGroupName
}

resource roleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in filter(assignments, a => a.scope == 'targetNsg'): {
    scope: networkSecurityGroup
    name: guid(networkSecurityGroup.id, assignment.principalId, assignment.roleDefinitionId)
    properties: {
      principalId: assignment.principalId
      principalType: assignment.principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', assignment.roleDefinitionId)
      description: assignment.description
    }
  }
]
