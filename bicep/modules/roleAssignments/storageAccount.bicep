// Role assignments on the whole storage account.

import { roleAssignmentType } from '../../types.bicep'

@description('Required. The role assignments of the deployment; this module makes those whose scope is storageAccount.')
param assignments roleAssignmentType[]

@description('Required. Name of the storage account.')
param storageAccountName string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource roleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in filter(assignments, a => a.scope == 'storageAccount'): {
    scope: account
    name: guid(account.id, assignment.principalId, assignment.roleDefinitionId)
    properties: {
      principalId: assignment.principalId
      principalType: assignment.principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', assignment.roleDefinitionId)
      description: assignment.description
    }
  }
]
