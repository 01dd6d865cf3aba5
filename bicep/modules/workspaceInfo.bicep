// Reads what the product needs to know about the Sentinel workspace before anything else is built.

@description('Required. Name of the Sentinel workspace.')
@minLength(4)
@maxLength(63)
param workspaceName string

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

@description('Workspace id (customer id GUID) that Logs queries address (C2R_WORKSPACE_ID).')
output customerId string = workspace.properties.customerId
