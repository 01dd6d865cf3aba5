import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { SecurityRule } from '../../../../shared/domain/securityGroup';
import { NsgDocuments } from '../../../../shared/adapters/local/nsgDocuments';

const SAMPLES = resolve(__dirname, '../../../../samples/nsgs');
const APP_NSG =
  '/subscriptions/a229b752-17ec-4704-9971-4b4021745a1c/resourceGroups/rg-net-prod/providers/Microsoft.Network/networkSecurityGroups/nsg-app-subnet';

const denyRule: SecurityRule = {
  name: 'c2r-deny-178.16.52.203-1889-out',
  priority: 150,
  direction: 'Outbound',
  access: 'Deny',
  protocol: '*',
  description: 'DCRat C2 178.16.52.203:1889, incident 4127, expires 2026-12-30',
  sourceAddressPrefix: '*',
  sourcePortRange: '*',
  destinationAddressPrefix: '178.16.52.203/32',
  destinationPortRange: '1889',
};

describe('NSG documents', () => {
  let state: string;
  let nsgs: NsgDocuments;

  beforeEach(async () => {
    state = await mkdtemp(join(tmpdir(), 'c2r-nsg-'));
    nsgs = new NsgDocuments({ stateDirectory: join(state, 'state'), seedDirectory: SAMPLES });
  });

  afterEach(async () => {
    await rm(state, { recursive: true, force: true });
  });

  it('seeds the state from the sample NSGs on first use and reads their rules', async () => {
    const group = await nsgs.get(APP_NSG);

    expect(await readdir(join(state, 'state', 'nsgs'))).toEqual([
      'nsg-app-subnet.json',
      'nsg-fin-subnet.json',
    ]);
    expect(group.name).toBe('nsg-app-subnet');
    expect(group.rules).toHaveLength(19);
    expect(group.rules.find((rule) => rule.name === 'Allow-AppGw-In')).toEqual({
      name: 'Allow-AppGw-In',
      priority: 100,
      direction: 'Inbound',
      access: 'Allow',
      protocol: 'Tcp',
      description: 'Application Gateway to the app tier',
      sourceAddressPrefix: '10.40.2.0/24',
      sourcePortRange: '*',
      destinationAddressPrefix: '10.40.1.0/24',
      destinationPortRanges: ['443', '7001', '8443'],
    });
  });

  it('finds an NSG whatever the case of its ARM id', async () => {
    const group = await nsgs.get(APP_NSG.toUpperCase().replace('NSG-APP-SUBNET', 'nsg-app-subnet'));

    expect(group.id).toBe(APP_NSG);
  });

  it('writes a rule with both field forms as ARM does, a new etag, and leaves samples untouched', async () => {
    const before = await nsgs.get(APP_NSG);
    const sampleBefore = await readFile(join(SAMPLES, 'nsg-app-subnet.json'), 'utf8');

    const written = await nsgs.putRule(APP_NSG, denyRule);
    const after = await nsgs.get(APP_NSG);
    const stored = JSON.parse(
      await readFile(join(state, 'state', 'nsgs', 'nsg-app-subnet.json'), 'utf8'),
    ) as {
      etag: string;
      properties: { securityRules: { name: string; etag: string; properties: object }[] };
    };
    const armRule = stored.properties.securityRules.find((rule) => rule.name === denyRule.name);

    expect(written).toEqual(denyRule);
    expect(after.rules).toHaveLength(before.rules.length + 1);
    expect(after.etag).not.toBe(before.etag);
    expect(after.etag).toMatch(/^W\/"[0-9a-f-]{36}"$/);
    expect(armRule?.etag).toBe(stored.etag);
    expect(armRule?.properties).toEqual({
      provisioningState: 'Succeeded',
      description: denyRule.description,
      protocol: '*',
      sourcePortRange: '*',
      sourcePortRanges: [],
      destinationPortRange: '1889',
      destinationPortRanges: [],
      sourceAddressPrefix: '*',
      sourceAddressPrefixes: [],
      destinationAddressPrefix: '178.16.52.203/32',
      destinationAddressPrefixes: [],
      access: 'Deny',
      priority: 150,
      direction: 'Outbound',
    });
    expect(await readFile(join(SAMPLES, 'nsg-app-subnet.json'), 'utf8')).toBe(sampleBefore);
  });

  it('keeps state across adapter objects instead of seeding again', async () => {
    await nsgs.putRule(APP_NSG, denyRule);

    const again = new NsgDocuments({
      stateDirectory: join(state, 'state'),
      seedDirectory: SAMPLES,
    });

    expect((await again.get(APP_NSG)).rules.map((rule) => rule.name)).toContain(denyRule.name);
  });

  it('replaces a rule of the same name instead of adding a second one', async () => {
    await nsgs.putRule(APP_NSG, denyRule);
    await nsgs.putRule(APP_NSG, { ...denyRule, priority: 151, destinationPortRange: '1890' });

    const matching = (await nsgs.get(APP_NSG)).rules.filter((rule) => rule.name === denyRule.name);

    expect(matching).toEqual([{ ...denyRule, priority: 151, destinationPortRange: '1890' }]);
  });

  it('keeps a list of destinations in the plural field', async () => {
    const written = await nsgs.putRule(APP_NSG, {
      ...denyRule,
      destinationAddressPrefix: undefined,
      destinationAddressPrefixes: ['178.16.52.203/32', '154.18.238.18/32'],
    });

    expect(written.destinationAddressPrefixes).toEqual(['178.16.52.203/32', '154.18.238.18/32']);
    expect(written.destinationAddressPrefix).toBeUndefined();
  });

  it('refuses a priority another rule holds in the same direction', async () => {
    await expect(nsgs.putRule(APP_NSG, { ...denyRule, priority: 107 })).rejects.toMatchObject({
      name: 'PriorityTakenError',
      code: 'priority-taken',
      message: expect.stringContaining('SOC-Deny-DCRat-45.225.135.22-Out'),
    });
  });

  it('allows a priority that only the other direction uses', async () => {
    const written = await nsgs.putRule(APP_NSG, {
      ...denyRule,
      priority: 102,
      direction: 'Inbound',
    });

    expect(written).toMatchObject({ priority: 102, direction: 'Inbound' });
  });

  it('refuses priorities outside 100..4096, long names and long descriptions', async () => {
    for (const rule of [
      { ...denyRule, priority: 99 },
      { ...denyRule, priority: 4097 },
      { ...denyRule, name: 'x'.repeat(81) },
      { ...denyRule, description: 'd'.repeat(141) },
      { ...denyRule, name: 'bad name!' },
    ]) {
      await expect(nsgs.putRule(APP_NSG, rule)).rejects.toMatchObject({ code: 'invalid-input' });
    }
  });

  it('refuses a rule that sets both the singular and the plural form', async () => {
    await expect(
      nsgs.putRule(APP_NSG, { ...denyRule, destinationAddressPrefixes: ['1.2.3.4/32'] }),
    ).rejects.toThrow('destinationAddressPrefix and destinationAddressPrefixes are both set');
  });

  it('refuses the rule that would exceed 1,000 rules', async () => {
    const path = join(state, 'state', 'nsgs', 'nsg-app-subnet.json');
    await nsgs.get(APP_NSG);
    const document = JSON.parse(await readFile(path, 'utf8')) as {
      properties: { securityRules: unknown[] };
    };
    const filler = Array.from(
      { length: 1000 - document.properties.securityRules.length },
      (_, i) => ({
        name: `filler-${i}`,
        properties: {
          priority: 1000 + (i % 3000),
          direction: i < 3000 ? 'Inbound' : 'Outbound',
          access: 'Allow',
          protocol: 'Tcp',
          sourceAddressPrefix: '*',
          sourcePortRange: '*',
          destinationAddressPrefix: '*',
          destinationPortRange: '443',
        },
      }),
    );
    document.properties.securityRules.push(...filler);
    await writeFile(path, JSON.stringify(document));

    await expect(nsgs.putRule(APP_NSG, denyRule)).rejects.toMatchObject({ code: 'rule-limit' });
  });

  it('deletes a rule by name, and deleting a missing rule succeeds without a change', async () => {
    await nsgs.putRule(APP_NSG, denyRule);
    await nsgs.deleteRule(APP_NSG, denyRule.name);
    const afterDelete = await nsgs.get(APP_NSG);

    await nsgs.deleteRule(APP_NSG, denyRule.name);

    expect(afterDelete.rules.map((rule) => rule.name)).not.toContain(denyRule.name);
    expect((await nsgs.get(APP_NSG)).etag).toBe(afterDelete.etag);
  });

  it('reports a missing NSG as not found', async () => {
    await expect(nsgs.get(APP_NSG.replace('nsg-app-subnet', 'nsg-absent'))).rejects.toMatchObject({
      name: 'NotFoundError',
      code: 'not-found',
    });
  });

  it('leaves no temporary or lock files behind after concurrent writes', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        nsgs.putRule(APP_NSG, { ...denyRule, name: `c2r-deny-${i}`, priority: 300 + i }),
      ),
    );

    const files = await readdir(join(state, 'state', 'nsgs'));
    const names = (await nsgs.get(APP_NSG)).rules.map((rule) => rule.name);

    expect(files).toEqual(['nsg-app-subnet.json', 'nsg-fin-subnet.json']);
    expect(names.filter((name) => name.startsWith('c2r-deny-'))).toHaveLength(10);
  });

  it('does not replace a state document when seeding again from changed seeds', async () => {
    const seeds = join(state, 'seeds');
    await mkdir(seeds);
    await writeFile(
      join(seeds, 'nsg-app-subnet.json'),
      await readFile(join(SAMPLES, 'nsg-app-subnet.json'), 'utf8'),
    );
    const first = new NsgDocuments({ stateDirectory: join(state, 'state'), seedDirectory: seeds });
    await first.putRule(APP_NSG, denyRule);

    const second = new NsgDocuments({ stateDirectory: join(state, 'state'), seedDirectory: seeds });

    expect((await second.get(APP_NSG)).rules.map((rule) => rule.name)).toContain(denyRule.name);
  });
});
