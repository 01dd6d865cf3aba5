// The custom role the Function App gets on each target NSG: read the NSG, and read, write and
// delete its security rules; nothing else. The product writes single rules through the
// securityRules child resource (shared/ports/networkSecurityGroups.ts), so it never needs
// networkSecurityGroups/write, which would let it rewrite or re-associate the whole NSG.
targetScope = 'subscription'

@description('Required. Stable name (a GUID) of the role definition.')
@minLength(36)
@maxLength(36)
param roleId string

@description('Required. Resource groups that hold the target NSGs; the role can be assigned only below them.')
@minLength(1)
param assignableScopes string[]

@description('Required. Display name of the role; unique in the tenant.')
@minLength(1)
@maxLength(128)
param roleName string

resource role 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: roleId
  properties: {
    roleName: roleName
    description: 'Read network security groups and read, write and delete their security rules (sentinel-c2-responder).'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          'Microsoft.Network/networkSecurityGroups/read'
          'Microsoft.Network/networkSecurityGroups/securityRules/read'
          'Microsoft.Network/networkSecurityGroups/securityRules/write'
          'Microsoft.Network/networkSecurityGroups/securityRules/delete'
        ]
        notActions: []
      }
    ]
    assignableScopes: assignableScopes
  }
}

@description('Name (GUID) of the role definition, for role assignments in any subscription.')
output roleDefinitionId string = role.name
