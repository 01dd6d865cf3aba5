import { VirtualClock } from '../../../local/host/clock';
import { JsonlAuditLog } from '../../../shared/adapters/local/jsonlAuditLog';
import {
  expireBlocks,
  unblockIndicator,
  type LiftSettings,
} from '../../../shared/containment/liftBlocks';
import { describeBlock } from '../../../shared/domain/blockDescription';
import type { SecurityGroup, SecurityRule } from '../../../shared/domain/securityGroup';
import { InMemoryNetworkSecurityGroups } from '../../support/inMemoryNetworkSecurityGroups';
import { removeDirectory, temporaryDirectory } from '../../support/lab';

const EXPIRES_AT = '2026-01-02T00:00:00.000Z';
const OURS: SecurityRule = {
  name: 'c2r-deny-178.16.52.203-1889',
  priority: 103,
  direction: 'Outbound',
  access: 'Deny',
  protocol: 'Tcp',
  destinationAddressPrefix: '178.16.52.203/32',
  destinationPortRange: '1889',
  description: describeBlock('178.16.52.203:1889', [4127], EXPIRES_AT),
};
const NSG: SecurityGroup = { id: 'nsg-fin-id', name: 'nsg-fin-subnet', rules: [OURS] };
const LIVE: LiftSettings = { nsgIds: [NSG.id], dryRun: false, killSwitch: false };

let directory: string;
let audit: JsonlAuditLog;

beforeEach(async () => {
  directory = await temporaryDirectory('lift');
  audit = new JsonlAuditLog({ stateDirectory: directory });
});

afterEach(async () => {
  await removeDirectory(directory);
});

async function records() {
  return (await audit.query({ partition: 'system' })).records;
}

describe('liftBlocks', () => {
  it('audits a removal after a kill-switch refusal at the same reference time', async () => {
    const nsgs = new InMemoryNetworkSecurityGroups([NSG]);
    const clock = new VirtualClock('2026-01-05T08:00:00.000Z');
    const asOf = '2026-01-03T00:00:00.000Z';

    const refused = await expireBlocks(
      nsgs,
      audit,
      { ...LIVE, killSwitch: true },
      { now: asOf, clock },
    );
    clock.advanceBy(60_000);
    const done = await expireBlocks(nsgs, audit, LIVE, { now: asOf, clock });

    expect([refused.outcome, done.outcome]).toEqual(['refused', 'done']);
    expect(nsgs.snapshot(NSG.id).rules).toEqual([]);
    expect((await records()).map((r) => [r.action, r.outcome, r.target])).toEqual([
      ['block.expired', 'refused', `${NSG.id}/securityRules/${OURS.name}`],
      ['block.expired', 'succeeded', `${NSG.id}/securityRules/${OURS.name}`],
    ]);
  });

  it('stamps an expiry with the time it happened, not the reference time it was asked for', async () => {
    const nsgs = new InMemoryNetworkSecurityGroups([NSG]);
    const clock = new VirtualClock('2026-01-05T08:00:00.000Z');

    await expireBlocks(nsgs, audit, LIVE, { now: '2026-02-01T00:00:00.000Z', clock });

    const [record] = await records();
    expect(record?.time).toBe('2026-01-05T08:00:00.000Z');
    expect(record?.details).toEqual({ expiredAsOf: '2026-02-01T00:00:00.000Z' });
  });

  it('audits a second unblock attempt at the same instant as its own record', async () => {
    const nsgs = new InMemoryNetworkSecurityGroups([NSG]);
    const clock = new VirtualClock('2026-01-01T12:00:00.000Z');
    const request = {
      indicatorKey: '178.16.52.203:1889',
      actor: 'soc.analyst@contoso.com',
      reason: 'false alarm',
      clock,
    };

    await unblockIndicator(nsgs, audit, { ...LIVE, dryRun: true }, request);
    await unblockIndicator(nsgs, audit, LIVE, request);

    expect((await records()).map((r) => [r.action, r.outcome, r.time])).toEqual([
      ['block.unblocked', 'dry-run', '2026-01-01T12:00:00.000Z'],
      ['block.unblocked', 'succeeded', '2026-01-01T12:00:00.000Z'],
    ]);
    expect(nsgs.snapshot(NSG.id).rules).toEqual([]);
  });
});
