// The Function App's storage account: host state, the Durable task hub (Azure Storage backend),
// the deployment package container and the audit table. Shared keys are off: every client
// authenticates with Microsoft Entra ID.

import { tagsType } from '../types.bicep'

@description('Required. Storage account name, 3-24 lower-case letters and digits.')
@minLength(3)
@maxLength(24)
param name string

@description('Required. Azure region.')
param location string

@description('Required. Blob container that holds the Flex Consumption deployment package.')
@minLength(3)
@maxLength(63)
param deploymentContainerName string

@description('Required. Table that holds the audit records.')
@minLength(3)
@maxLength(63)
param auditTableName string

@description('Optional. Tags for every resource.')
param tags tagsType = {}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource auditTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: auditTableName
}

@description('Resource id of the storage account.')
output id string = account.id

@description('Name of the storage account.')
output name string = account.name

@description('Blob endpoint, ending with a slash.')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Table endpoint without the trailing slash (C2R_AUDIT_TABLE_ENDPOINT).')
output tableEndpoint string = take(account.properties.primaryEndpoints.table, length(account.properties.primaryEndpoints.table) - 1)

@description('Name of the deployment package container.')
output deploymentContainerName string = deploymentContainer.name

@description('Name of the audit table.')
output auditTableName string = auditTable.name
