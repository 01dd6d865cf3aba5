// The Durable Task Scheduler backend, deployed only when durableBackend is DurableTaskScheduler.

import { tagsType } from '../types.bicep'

@description('Required. Scheduler name.')
@minLength(3)
@maxLength(64)
param name string

@description('Required. Task hub name.')
@minLength(3)
@maxLength(64)
param taskHubName string

@description('Required. Azure region.')
param location string

@description('Optional. Tags for every resource.')
param tags tagsType = {}

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    // The Function App has no fixed outbound address on Flex Consumption without a virtual network;
    // access is controlled by the Durable Task Data Contributor role, not by address.
    ipAllowlist: ['0.0.0.0/0']
    sku: { name: 'Consumption' }
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
}

@description('Resource id of the scheduler.')
output id string = scheduler.id

@description('Name of the scheduler.')
output name string = scheduler.name

@description('Endpoint of the scheduler.')
output endpoint string = scheduler.properties.endpoint

@description('Name of the task hub.')
output taskHubName string = taskHub.name
