// The app settings of the Function App, written once the app exists, because the product needs
// the app's own host name (C2R_PUBLIC_BASE_URL) and Flex Consumption apps may get a generated one.
// This resource replaces every app setting, so the two lists below are the whole configuration.

import { appSettingsType } from '../types.bicep'

@description('Required. Name of the Function App.')
param functionAppName string

@description('Required. Settings of the Functions host: storage identity, telemetry, Durable backend.')
param runtimeSettings appSettingsType

@description('Required. Settings of the product, exactly the names shared/config/configuration.ts reads (PRODUCT_SETTINGS).')
param productSettings appSettingsType

@description('Optional. The webhook that approval notices are also posted to (C2R_WEBHOOK_URL); it may carry a token.')
@secure()
param webhookUrl string = ''

@description('Required. The key that signs the approval form (C2R_ANTIFORGERY_KEY).')
@secure()
param antiForgeryKey string

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(runtimeSettings, productSettings, { C2R_WEBHOOK_URL: webhookUrl }, { C2R_ANTIFORGERY_KEY: antiForgeryKey })
}
