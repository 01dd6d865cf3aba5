// What lives in the Sentinel workspace: the scheduled analytics rule that raises the DCRat
// incident and the automation rule that hands each of its incidents to the bridge Logic App.
// Deployed to the workspace's resource group, which may be in another subscription.

@description('Required. Name of the Log Analytics workspace that Microsoft Sentinel is enabled on.')
@minLength(4)
@maxLength(63)
param workspaceName string

@description('Required. Stable name (a GUID) of the analytics rule.')
@minLength(36)
@maxLength(36)
param analyticsRuleId string

@description('Required. Stable name (a GUID) of the automation rule.')
@minLength(36)
@maxLength(36)
param automationRuleId string

@description('Required. Resource id of the bridge Logic App the automation rule runs.')
param bridgeLogicAppId string

@description('Optional. Severity of the incidents the rule raises.')
@allowed(['Informational', 'Low', 'Medium', 'High'])
param severity string = 'Medium'

@description('Optional. How often the rule runs and how far back it looks, ISO 8601 duration.')
@allowed(['PT15M', 'PT30M', 'PT1H'])
param queryFrequency string = 'PT1H'

@description('Optional. Whether the rule is enabled.')
param enabled bool = true

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

// The query is rendered by the product from the bundled indicator pack
// (scripts/render-analytics-rule.ts), never typed here.
var query = loadTextContent('../generated/dcrat-analytics-rule.kql')

resource analyticsRule 'Microsoft.SecurityInsights/alertRules@2024-09-01' = {
  scope: workspace
  name: analyticsRuleId
  kind: 'Scheduled'
  properties: {
    displayName: 'DCRat C2 endpoint contacted (ThreatFox ip:port)'
    description: 'Identifies outbound connections from endpoints or through firewalls to DCRat command-and-control endpoints (ThreatFox ip:port, threat type botnet_cc). The C2 port is surfaced as the custom detail C2Port.'
    enabled: enabled
    severity: severity
    query: query
    queryFrequency: queryFrequency
    queryPeriod: queryFrequency
    triggerOperator: 'GreaterThan'
    triggerThreshold: 0
    suppressionEnabled: false
    suppressionDuration: 'PT5H'
    tactics: ['CommandAndControl']
    techniques: ['T1071', 'T1571']
    // Sentinel IP entities carry no port, so the C2 port travels as a custom detail.
    entityMappings: [
      {
        entityType: 'IP'
        fieldMappings: [{ identifier: 'Address', columnName: 'C2IP' }]
      }
      {
        entityType: 'IP'
        fieldMappings: [{ identifier: 'Address', columnName: 'LocalIP' }]
      }
      {
        entityType: 'Host'
        fieldMappings: [
          { identifier: 'HostName', columnName: 'HostName' }
          { identifier: 'DnsDomain', columnName: 'DnsDomain' }
        ]
      }
    ]
    customDetails: {
      C2IP: 'C2IP'
      C2Port: 'C2Port'
    }
    // One alert per result row keeps each alert's entities and C2Port about one host and one
    // endpoint; the incident then groups the alerts of one C2 endpoint, so every host that
    // reached it lands in the same incident and the same containment.
    eventGroupingSettings: { aggregationKind: 'AlertPerResult' }
    incidentConfiguration: {
      createIncident: true
      groupingConfiguration: {
        enabled: true
        reopenClosedIncident: false
        lookbackDuration: 'PT24H'
        matchingMethod: 'Selected'
        groupByCustomDetails: ['C2IP', 'C2Port']
        groupByEntities: []
        groupByAlertDetails: []
      }
    }
  }
}

resource automationRule 'Microsoft.SecurityInsights/automationRules@2024-09-01' = {
  scope: workspace
  name: automationRuleId
  properties: {
    displayName: 'Respond to DCRat C2 incidents'
    order: 1
    triggeringLogic: {
      isEnabled: true
      triggersOn: 'Incidents'
      triggersWhen: 'Created'
      conditions: [
        {
          conditionType: 'Property'
          conditionProperties: {
            propertyName: 'IncidentRelatedAnalyticRuleIds'
            operator: 'Contains'
            propertyValues: [analyticsRule.id]
          }
        }
      ]
    }
    actions: [
      {
        order: 1
        actionType: 'RunPlaybook'
        actionConfiguration: {
          logicAppResourceId: bridgeLogicAppId
          tenantId: tenant().tenantId
        }
      }
    ]
  }
}

@description('Resource id of the analytics rule.')
output analyticsRuleResourceId string = analyticsRule.id

@description('Resource id of the automation rule.')
output automationRuleResourceId string = automationRule.id
