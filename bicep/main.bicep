// sentinel-c2-responder: everything one deployment needs, from the Sentinel analytics rule to the
// NSG permissions. Subscription scope, so that it can create the app's resource group and reach
// the Sentinel workspace and the target NSGs in their own resource groups and subscriptions.
targetScope = 'subscription'

import { responderSettingsType, roleAssignmentType, tagsType } from 'types.bicep'

metadata name = 'sentinel-c2-responder'
metadata description = 'Responds to Microsoft Sentinel DCRat C2 incidents: re-hunts, weighs false positives, blocks the ip:port in NSGs after approval.'

@description('Required. Name of the environment (azd); part of every resource name and of the resource token.')
@minLength(1)
@maxLength(32)
param environmentName string

@description('Required. Azure region of the app, its storage and the bridge; Flex Consumption must be offered there.')
@minLength(1)
param location string

@description('Optional. Resource group for the app and the bridge; created when missing. Default "rg-<environmentName>".')
@maxLength(90)
param resourceGroupName string = ''

@description('Required. Resource id of the Log Analytics workspace that Microsoft Sentinel runs on.')
@minLength(100)
param sentinelWorkspaceResourceId string

@description('Required. Resource ids of the network security groups the product may add deny rules to; any resource group or subscription.')
@minLength(1)
param targetNetworkSecurityGroupIds string[]

@description('Required. Client id of the Microsoft Entra app registration that analysts sign in with (App Service Authentication).')
@minLength(36)
@maxLength(36)
param authClientId string

@description('Required. Who may approve a block: object ids, user principal names or group object ids.')
@minLength(1)
param approvers string[]

@description('Required. Object id of the "Azure Security Insights" service principal in this tenant; Sentinel runs playbooks as it.')
@minLength(36)
@maxLength(36)
param sentinelAutomationPrincipalId string

@description('Optional. Durable Functions backend: the app\'s storage account, or the Durable Task Scheduler for larger estates.')
@allowed(['AzureStorage', 'DurableTaskScheduler'])
param durableBackend string = 'AzureStorage'

@description('Optional. How the responder behaves (block lifetime, approval timeout, limits); every field has a default.')
param responder responderSettingsType = {}

@description('Optional. Webhook that approval notices are also posted to (C2R_WEBHOOK_URL).')
@secure()
param webhookUrl string = ''

@description('Required. Base64 key of at least 32 bytes that signs the approval form (C2R_ANTIFORGERY_KEY), e.g. `openssl rand -base64 32`.')
@secure()
param antiForgeryKey string

@description('Optional. Name of the audit table.')
@minLength(3)
@maxLength(63)
param auditTableName string = 'C2ResponderAudit'

@description('Optional. Severity of the incidents the analytics rule raises.')
@allowed(['Informational', 'Low', 'Medium', 'High'])
param analyticsRuleSeverity string = 'Medium'

@description('Optional. How often the analytics rule runs and how far back it looks.')
@allowed(['PT15M', 'PT30M', 'PT1H'])
param analyticsRuleFrequency string = 'PT1H'

@description('Optional. Most instances the Function App scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Optional. Memory of one Function App instance in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Optional. Tags for every resource the deployment creates.')
param tags tagsType = {}

var abbreviations = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var allTags = union(tags, { 'azd-env-name': environmentName })
var taskHubName = 'C2Responder'

// Names are fixed before deployment (abbreviation + token) so that modules get them as constants.
var functionAppName = '${abbreviations.functionApp}${resourceToken}'
var storageAccountName = '${abbreviations.storageAccount}${resourceToken}'
var applicationInsightsName = '${abbreviations.applicationInsights}${resourceToken}'
var schedulerName = '${abbreviations.durableTaskScheduler}${resourceToken}'

// "/subscriptions/{sub}/resourceGroups/{rg}/providers/{namespace}/{type}/{name}"
var workspaceParts = split(sentinelWorkspaceResourceId, '/')
var workspaceSubscriptionId = workspaceParts[2]
var workspaceResourceGroupName = workspaceParts[4]
var workspaceName = last(workspaceParts)
var nsgResourceGroupIds = union(
  map(targetNetworkSecurityGroupIds, id => '/subscriptions/${split(id, '/')[2]}/resourceGroups/${split(id, '/')[4]}'),
  []
)

// Built-in role definition ids (Microsoft Learn, "Azure built-in roles").
var builtInRoles = {
  logAnalyticsReader: '73c42c96-874c-492b-b04d-ab87d138a893'
  sentinelResponder: '3e150937-b8fe-4cfb-8069-0eaf05ecd056'
  sentinelAutomationContributor: 'f4c81013-99ee-4d62-a7ee-b3f1f648599a'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  durableTaskDataContributor: '0ad04412-c4d5-4796-b79c-f76d14c8d402'
}

resource appResourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? '${abbreviations.resourceGroup}${environmentName}' : resourceGroupName
  location: location
  tags: allTags
}

module workspaceInfo 'modules/workspaceInfo.bicep' = {
  name: 'c2r-workspace-info-${resourceToken}'
  scope: resourceGroup(workspaceSubscriptionId, workspaceResourceGroupName)
  params: {
    workspaceName: workspaceName
  }
}

module identities 'modules/identities.bicep' = {
  name: 'c2r-identities-${resourceToken}'
  scope: appResourceGroup
  params: {
    appIdentityName: '${abbreviations.managedIdentity}func-${resourceToken}'
    bridgeIdentityName: '${abbreviations.managedIdentity}bridge-${resourceToken}'
    location: location
    tags: allTags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'c2r-monitoring-${resourceToken}'
  scope: appResourceGroup
  params: {
    logAnalyticsName: '${abbreviations.logAnalyticsWorkspace}${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: allTags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'c2r-storage-${resourceToken}'
  scope: appResourceGroup
  params: {
    name: storageAccountName
    location: location
    deploymentContainerName: 'app-package-${resourceToken}'
    auditTableName: auditTableName
    tags: allTags
  }
}

module scheduler 'modules/durableTaskScheduler.bicep' = if (durableBackend == 'DurableTaskScheduler') {
  name: 'c2r-scheduler-${resourceToken}'
  scope: appResourceGroup
  params: {
    name: schedulerName
    taskHubName: taskHubName
    location: location
    tags: allTags
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'c2r-function-app-${resourceToken}'
  scope: appResourceGroup
  params: {
    name: functionAppName
    planName: '${abbreviations.flexConsumptionPlan}${resourceToken}'
    location: location
    tags: allTags
    identityId: identities.outputs.appIdentityId
    blobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    authClientId: authClientId
    allowedClientApplications: [authClientId, identities.outputs.bridgeClientId]
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

var usesStorageBackend = durableBackend == 'AzureStorage'

var runtimeSettings = union(
  {
    // Identity-based host storage (Microsoft Learn, "Connecting to host storage with an identity").
    AzureWebJobsStorage__accountName: storage.outputs.name
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identities.outputs.appClientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identities.outputs.appClientId};Authorization=AAD'
    AzureFunctionsJobHost__extensions__durableTask__hubName: taskHubName
  },
  // host.json selects the Azure Storage backend; these settings switch the host to the scheduler.
  usesStorageBackend
    ? {}
    : {
        DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${scheduler.?outputs.endpoint ?? ''};Authentication=ManagedIdentity;ClientID=${identities.outputs.appClientId}'
        AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'azureManaged'
        AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
      }
)

// Exactly the settings shared/config/configuration.ts reads (PRODUCT_SETTINGS); C2R_WEBHOOK_URL
// and C2R_ANTIFORGERY_KEY are added by the appSettings module because they are secure. test/bicep/main.test.ts holds the two
// lists together.
var productSettings = {
  C2R_MODE: 'azure'
  C2R_WORKSPACE_ID: workspaceInfo.outputs.customerId
  C2R_SENTINEL_WORKSPACE_RESOURCE_ID: sentinelWorkspaceResourceId
  C2R_NSG_IDS: join(targetNetworkSecurityGroupIds, ',')
  C2R_PRIORITY_BAND: responder.?priorityBand ?? '100-199'
  C2R_BLOCK_TTL: responder.?blockTtl ?? 'P7D'
  C2R_APPROVAL_TIMEOUT: responder.?approvalTimeout ?? 'PT4H'
  C2R_TIMEOUT_POLICY: responder.?timeoutPolicy ?? 'escalate'
  C2R_APPROVERS: join(approvers, ',')
  C2R_ALLOWLIST: join(responder.?allowlist ?? [], ',')
  C2R_LOOKBACK: responder.?lookback ?? 'PT1H'
  C2R_AUDIT_TABLE_ENDPOINT: storage.outputs.tableEndpoint
  C2R_AUDIT_TABLE: auditTableName
  C2R_PUBLIC_BASE_URL: 'https://${functionApp.outputs.hostName}'
  // ARM's string() writes booleans as "True"/"False"; the product reads "true"/"false".
  C2R_DRY_RUN: (responder.?dryRun ?? false) ? 'true' : 'false'
  C2R_KILL_SWITCH: (responder.?killSwitch ?? false) ? 'true' : 'false'
  C2R_MAX_RULES_PER_INCIDENT: string(responder.?maxRulesPerIncident ?? 10)
  C2R_MAX_NEW_RULES_PER_HOUR: string(responder.?maxNewRulesPerHour ?? 20)
  C2R_MIN_CONFIDENCE: string(responder.?minConfidence ?? 50)
  // Only the bridge may post to the incident intake; Easy Auth lets analysts in too.
  C2R_BRIDGE_IDENTITIES: '${identities.outputs.bridgePrincipalId},${identities.outputs.bridgeClientId}'
  AZURE_CLIENT_ID: identities.outputs.appClientId
}

module appSettings 'modules/appSettings.bicep' = {
  name: 'c2r-app-settings-${resourceToken}'
  scope: appResourceGroup
  params: {
    functionAppName: functionAppName
    runtimeSettings: runtimeSettings
    productSettings: productSettings
    webhookUrl: webhookUrl
    antiForgeryKey: antiForgeryKey
  }
}

module bridge 'modules/bridge.bicep' = {
  name: 'c2r-bridge-${resourceToken}'
  scope: appResourceGroup
  params: {
    name: '${abbreviations.logicApp}bridge-${resourceToken}'
    connectionName: '${abbreviations.apiConnection}sentinel-${resourceToken}'
    location: location
    tags: allTags
    identityId: identities.outputs.bridgeIdentityId
    functionAppHostName: functionApp.outputs.hostName
    authClientId: authClientId
  }
}

module sentinelContent 'modules/sentinelContent.bicep' = {
  name: 'c2r-sentinel-content-${resourceToken}'
  scope: resourceGroup(workspaceSubscriptionId, workspaceResourceGroupName)
  params: {
    workspaceName: workspaceName
    analyticsRuleId: guid(sentinelWorkspaceResourceId, environmentName, 'dcrat-analytics-rule')
    automationRuleId: guid(sentinelWorkspaceResourceId, environmentName, 'dcrat-automation-rule')
    bridgeLogicAppId: bridge.outputs.id
    severity: analyticsRuleSeverity
    queryFrequency: analyticsRuleFrequency
  }
}

module nsgRuleEditorRole 'modules/nsgRuleEditorRole.bicep' = {
  name: 'c2r-nsg-role-${resourceToken}'
  params: {
    roleId: guid(subscription().id, environmentName, 'nsg-rule-editor')
    roleName: 'NSG security rule editor (sentinel-c2-responder ${environmentName})'
    assignableScopes: nsgResourceGroupIds
  }
}

// Every role assignment of the deployment, in one list; each module below makes the ones of its
// scope. The storage roles are those the Functions host and the chosen Durable backend need
// (Microsoft Learn, "Identity-based connections" and "Durable Functions Azure Storage provider").
var appPrincipal = identities.outputs.appPrincipalId
var roleAssignments roleAssignmentType[] = concat(
  [
    {
      principalId: appPrincipal
      principalType: 'ServicePrincipal'
      roleDefinitionId: builtInRoles.logAnalyticsReader
      scope: 'sentinelWorkspace'
      description: 'Re-run the hunts on the Sentinel workspace.'
    }
    {
      principalId: appPrincipal
      principalType: 'ServicePrincipal'
      roleDefinitionId: builtInRoles.sentinelResponder
      scope: 'sentinelWorkspace'
      description: 'Read, comment on, label and close incidents.'
    }
    {
      principalId: appPrincipal
      principalType: 'ServicePrincipal'
      roleDefinitionId: nsgRuleEditorRole.outputs.roleDefinitionId
      scope: 'targetNsg'
      description: 'Add, verify and remove the deny rules of approved blocks.'
    }
    {
      principalId: appPrincipal
      principalType: 'ServicePrincipal'
      roleDefinitionId: builtInRoles.storageBlobDataOwner
      scope: 'storageAccount'
      description: 'Functions host storage (leases, keys) and the deployment package.'
    }
    {
      principalId: appPrincipal
      principalType: 'ServicePrincipal'
      roleDefinitionId: builtInRoles.monitoringMetricsPublisher
      scope: 'applicationInsights'
      description: 'Send telemetry with a Microsoft Entra token.'
    }
    {
      principalId: sentinelAutomationPrincipalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: builtInRoles.sentinelAutomationContributor
      scope: 'bridgeResourceGroup'
      description: 'Let Microsoft Sentinel run the bridge Logic App from the automation rule.'
    }
  ],
  usesStorageBackend
    ? [
        {
          principalId: appPrincipal
          principalType: 'ServicePrincipal'
          roleDefinitionId: builtInRoles.storageQueueDataContributor
          scope: 'storageAccount'
          description: 'Durable Functions task hub queues.'
        }
        {
          principalId: appPrincipal
          principalType: 'ServicePrincipal'
          roleDefinitionId: builtInRoles.storageTableDataContributor
          scope: 'storageAccount'
          description: 'Durable Functions history and instance tables, and the audit table.'
        }
      ]
    : [
        {
          principalId: appPrincipal
          principalType: 'ServicePrincipal'
          roleDefinitionId: builtInRoles.storageTableDataContributor
          scope: 'auditTable'
          description: 'Append and read audit records.'
        }
        {
          principalId: appPrincipal
          principalType: 'ServicePrincipal'
          roleDefinitionId: builtInRoles.durableTaskDataContributor
          scope: 'durableTaskScheduler'
          description: 'Durable Functions orchestrations on the scheduler.'
        }
      ]
)

module workspaceRoles 'modules/roleAssignments/workspace.bicep' = {
  name: 'c2r-roles-workspace-${resourceToken}'
  scope: resourceGroup(workspaceSubscriptionId, workspaceResourceGroupName)
  params: {
    assignments: roleAssignments
    workspaceName: workspaceName
  }
}

module storageAccountRoles 'modules/roleAssignments/storageAccount.bicep' = {
  name: 'c2r-roles-storage-${resourceToken}'
  scope: appResourceGroup
  params: {
    assignments: roleAssignments
    storageAccountName: storageAccountName
  }
  dependsOn: [storage]
}

module auditTableRoles 'modules/roleAssignments/auditTable.bicep' = {
  name: 'c2r-roles-audit-table-${resourceToken}'
  scope: appResourceGroup
  params: {
    assignments: roleAssignments
    storageAccountName: storageAccountName
    auditTableName: auditTableName
  }
  dependsOn: [storage]
}

module applicationInsightsRoles 'modules/roleAssignments/applicationInsights.bicep' = {
  name: 'c2r-roles-appi-${resourceToken}'
  scope: appResourceGroup
  params: {
    assignments: roleAssignments
    applicationInsightsName: applicationInsightsName
  }
  dependsOn: [monitoring]
}

module schedulerRoles 'modules/roleAssignments/durableTaskScheduler.bicep' = if (!usesStorageBackend) {
  name: 'c2r-roles-scheduler-${resourceToken}'
  scope: appResourceGroup
  params: {
    assignments: roleAssignments
    schedulerName: schedulerName
  }
  dependsOn: [scheduler]
}

module bridgeResourceGroupRoles 'modules/roleAssignments/bridgeResourceGroup.bicep' = {
  name: 'c2r-roles-bridge-rg-${resourceToken}'
  scope: appResourceGroup
  params: {
    assignments: roleAssignments
  }
}

module targetNsgRoles 'modules/roleAssignments/targetNsg.bicep' = [
  for (nsgId, index) in targetNetworkSecurityGroupIds: {
    name: 'c2r-roles-nsg-${index}-${resourceToken}'
    scope: resourceGroup(split(nsgId, '/')[2], split(nsgId, '/')[4])
    params: {
      assignments: roleAssignments
      networkSecurityGroupName: last(split(nsgId, '/'))
    }
  }
]

@description('Region of the deployment (azd).')
output AZURE_LOCATION string = location

@description('Resource group of the app and the bridge (azd).')
output AZURE_RESOURCE_GROUP string = appResourceGroup.name

@description('Name of the Function App.')
output functionAppName string = functionApp.outputs.name

@description('Address analysts open to approve or reject a block.')
output functionAppUrl string = 'https://${functionApp.outputs.hostName}'

@description('Client id of the Function App identity.')
output appClientId string = identities.outputs.appClientId

@description('Object id of the Function App identity.')
output appPrincipalId string = identities.outputs.appPrincipalId

@description('Resource id of the bridge Logic App.')
output bridgeLogicAppId string = bridge.outputs.id

@description('Resource id of the DCRat analytics rule.')
output analyticsRuleId string = sentinelContent.outputs.analyticsRuleResourceId

@description('Name (GUID) of the custom NSG rule editor role.')
output nsgRuleEditorRoleId string = nsgRuleEditorRole.outputs.roleDefinitionId
