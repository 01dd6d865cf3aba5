// Role assignments on the audit table alone, when nothing else needs the account's tables.

import { roleAssignmentType } from '../../types.bicep'

@description('Required. The role assignments of the deployment; this module makes those whose scope is auditTable.')
param assignments roleAssignmentType[]

@description('Required. Name of the storage account.')
param storageAccountName string

@description('Required. Name of the audit table.')
param auditTableName string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName

  resource tableService 'tableServices' existing = {
    name: 'default'

    resource auditTable 'tables' existing = {
      name: auditTableName
    }
  }
}

resource roleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in filter(assignments, a => a.scope == 'auditTable'): {
    scope: account::tableService::auditTable
    name: guid(account::tableService::auditTable.id, assignment.principalId, assignment.roleDefinitionId)
    properties: {
      principalId: assignment.principalId
      principalType: assignment.principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', assignment.roleDefinitionId)
      description: assignment.description
    }
  }
]
