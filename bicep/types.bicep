// Types shared by main.bicep and its modules.

@export()
@description('Where a role assignment applies. Each kind is one module that holds the narrowest resource for it.')
type roleScopeType =
  | 'sentinelWorkspace'
  | 'storageAccount'
  | 'auditTable'
  | 'applicationInsights'
  | 'durableTaskScheduler'
  | 'bridgeResourceGroup'
  | 'targetNsg'

@export()
@description('One role assignment of the deployment; main.bicep keeps all of them in one list.')
type roleAssignmentType = {
  @description('Required. Object id of the principal that receives the role.')
  principalId: string

  @description('Required. Kind of principal, so that ARM does not wait for directory replication.')
  principalType: 'ServicePrincipal' | 'Group' | 'User'

  @description('Required. Role definition id: the GUID of a built-in role or the resource id of a custom role.')
  roleDefinitionId: string

  @description('Required. Where the role applies.')
  scope: roleScopeType

  @description('Required. Why the principal needs the role; shown on the assignment in the portal.')
  description: string
}

@export()
@description('How the responder behaves; each field becomes one C2R_* app setting.')
type responderSettingsType = {
  @description('Optional. NSG rule priorities the product may use, "lowest-highest" within 100-4096. Default "100-199".')
  priorityBand: string?

  @description('Optional. How long a block lasts before it expires, ISO 8601 duration. Default P7D.')
  blockTtl: string?

  @description('Optional. How long an approval request waits, ISO 8601 duration. Default PT4H.')
  approvalTimeout: string?

  @description('Optional. What happens when no analyst answers in time. Default escalate.')
  timeoutPolicy: ('escalate' | 'leave-open')?

  @description('Optional. Addresses and CIDR ranges that are never blocked.')
  allowlist: string[]?

  @description('Optional. Margin around the incident activity that the hunts search, ISO 8601 duration. Default PT1H.')
  lookback: string?

  @description('Optional. Plan and audit but never write an NSG. Default false.')
  dryRun: bool?

  @description('Optional. Stop every automatic change at once. Default false.')
  killSwitch: bool?

  @description('Optional. Most NSG rules one incident may add. Default 10.')
  @minValue(1)
  @maxValue(1000)
  maxRulesPerIncident: int?

  @description('Optional. Most NSG rules the product may add in one hour. Default 20.')
  @minValue(1)
  @maxValue(10000)
  maxNewRulesPerHour: int?

  @description('Optional. Lowest ThreatFox confidence (0-100) an indicator needs to be blocked. Default 50.')
  @minValue(0)
  @maxValue(100)
  minConfidence: int?
}

@export()
@description('Resource tags: names and values are text.')
type tagsType = {
  *: string
}

@export()
@description('App settings: names and values are text.')
type appSettingsType = {
  *: string
}
