// Example parameters. Copy the values of your tenant in place of the examples; azd fills
// environmentName and location from its environment (AZURE_ENV_NAME, AZURE_LOCATION).
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'c2r-prod')
param location = readEnvironmentVariable('AZURE_LOCATION', 'westeurope')

// The Sentinel workspace of the lab tenant (samples/incidents).
param sentinelWorkspaceResourceId = '/subscriptions/5d1949bf-e569-417f-8b20-c88415e94b56/resourceGroups/rg-soc-prod/providers/Microsoft.OperationalInsights/workspaces/law-sentinel-prod'

// The NSGs of the lab tenant (samples/nsgs), in the network subscription.
param targetNetworkSecurityGroupIds = [
  '/subscriptions/a229b752-17ec-4704-9971-4b4021745a1c/resourceGroups/rg-net-prod/providers/Microsoft.Network/networkSecurityGroups/nsg-fin-subnet'
  '/subscriptions/a229b752-17ec-4704-9971-4b4021745a1c/resourceGroups/rg-net-prod/providers/Microsoft.Network/networkSecurityGroups/nsg-app-subnet'
]

// Client id of the app registration analysts sign in with (see docs/deployment.md).
param authClientId = '00000000-0000-0000-0000-000000000000'

// Object ids, user principal names or group object ids of the analysts who may approve a block.
param approvers = [
  'soc-approvers@contoso.com'
]

// az ad sp list --display-name "Azure Security Insights" --query "[0].id" -o tsv
param sentinelAutomationPrincipalId = '00000000-0000-0000-0000-000000000000'

// Signs the approval form: azd env set C2R_ANTIFORGERY_KEY "$(openssl rand -base64 32)".
// The app refuses to start without one of at least 32 bytes.
param antiForgeryKey = readEnvironmentVariable('C2R_ANTIFORGERY_KEY', '')

param durableBackend = 'AzureStorage'

param responder = {
  priorityBand: '100-199'
  blockTtl: 'P7D'
  approvalTimeout: 'PT4H'
  timeoutPolicy: 'escalate'
  allowlist: ['203.0.113.0/24']
  lookback: 'PT1H'
  dryRun: false
  killSwitch: false
}
