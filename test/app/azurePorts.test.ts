import { readFile } from 'node:fs/promises';

import { azurePorts, BUNDLED_FEED } from '../../app/azurePorts';
import { readConfiguration } from '../../shared/config/configuration';
import { AZURE_ENVIRONMENT } from '../triggers/triggerHarness';

describe('azurePorts', () => {
  it('composes every port from an Azure configuration without calling Azure', async () => {
    const ports = azurePorts(readConfiguration(AZURE_ENVIRONMENT));

    expect(Object.keys(ports).sort()).toEqual([
      'audit',
      'clock',
      'incidents',
      'indicatorFeed',
      'logSource',
      'notifier',
      'orchestrationClient',
      'safety',
      'securityGroups',
    ]);
    expect((await ports.indicatorFeed.read()).text).toBe(await readFile(BUNDLED_FEED, 'utf8'));
    expect(ports.safety.killSwitch()).toBe(false);
  });

  it('reads the kill switch and dry run from the configuration', () => {
    const ports = azurePorts(
      readConfiguration({ ...AZURE_ENVIRONMENT, C2R_KILL_SWITCH: 'true', C2R_DRY_RUN: '1' }),
    );

    expect([ports.safety.killSwitch(), ports.safety.dryRun()]).toEqual([true, true]);
  });

  it('refuses a local configuration', () => {
    expect(() => azurePorts(readConfiguration({ C2R_MODE: 'local' }))).toThrow(
      /^the Functions entry point runs in Azure mode only/,
    );
  });

  it('gives the orchestration client only to a function with the durable client binding', () => {
    const ports = azurePorts(readConfiguration(AZURE_ENVIRONMENT));

    expect(() => ports.orchestrationClient({})).toThrow(/durable client input binding/);
  });
});
