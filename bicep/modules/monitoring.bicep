// Application Insights on its own Log Analytics workspace: the app's telemetry stays out of the
// Sentinel workspace, whose ingestion is billed as security data.

import { tagsType } from '../types.bicep'

@description('Required. Name of the Log Analytics workspace for telemetry.')
@minLength(4)
@maxLength(63)
param logAnalyticsName string

@description('Required. Name of the Application Insights component.')
@minLength(1)
@maxLength(260)
param applicationInsightsName string

@description('Required. Azure region.')
param location string

@description('Optional. Tags for every resource.')
param tags tagsType = {}

@description('Optional. Days the telemetry is kept.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    // Telemetry is accepted only with a Microsoft Entra token (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
    DisableLocalAuth: true
  }
}

@description('Resource id of the Application Insights component.')
output applicationInsightsId string = applicationInsights.id

@description('Name of the Application Insights component.')
output applicationInsightsName string = applicationInsights.name

@description('Connection string of the Application Insights component; it holds no secret once local auth is off.')
output connectionString string = applicationInsights.properties.ConnectionString
