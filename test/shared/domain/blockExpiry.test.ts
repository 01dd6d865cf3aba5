import { describeBlock } from '../../../shared/domain/blockDescription';
import { blocksForIndicator, expiredBlocks } from '../../../shared/domain/blockExpiry';
import type { SecurityGroup, SecurityRule } from '../../../shared/domain/securityGroup';

function deny(name: string, priority: number, description?: string): SecurityRule {
  return {
    name,
    priority,
    direction: 'Outbound',
    access: 'Deny',
    protocol: 'Tcp',
    ...(description === undefined ? {} : { description }),
    destinationAddressPrefix: '203.0.113.9/32',
    destinationPortRange: '1889',
  };
}

const groups: SecurityGroup[] = [
  {
    id: 'nsg-a-id',
    name: 'nsg-a',
    rules: [
      deny(
        'c2r-deny-178.16.52.203-1889',
        103,
        describeBlock('178.16.52.203:1889', [4127], '2026-12-09T18:00:00.000Z'),
      ),
      deny(
        'c2r-deny-154.18.238.18-8848',
        104,
        describeBlock('154.18.238.18:8848', [4093], '2026-12-20T00:00:00.000Z'),
      ),
      deny(
        'SOC-Deny-DCRat-45.225.135.22-Out',
        107,
        'Manual SOC block; expires 2020-01-01T00:00:00Z',
      ),
      deny('c2r-deny-2001_db8__1-443', 105, 'edited by hand'),
    ],
  },
  {
    id: 'nsg-b-id',
    name: 'nsg-b',
    rules: [
      deny(
        'c2r-deny-178.16.52.203-1889',
        110,
        describeBlock('178.16.52.203:1889', [4127], '2026-12-09T18:00:00.000Z'),
      ),
    ],
  },
];

describe('expiredBlocks', () => {
  it('finds our rules whose expiry has passed, in every NSG', () => {
    const expired = expiredBlocks(groups, '2026-12-10T00:00:00.000Z');

    expect(expired.map((block) => [block.nsgName, block.rule.name, block.expiresAt])).toEqual([
      ['nsg-a', 'c2r-deny-178.16.52.203-1889', '2026-12-09T18:00:00.000Z'],
      ['nsg-b', 'c2r-deny-178.16.52.203-1889', '2026-12-09T18:00:00.000Z'],
    ]);
  });

  it('treats an expiry equal to now as passed', () => {
    expect(expiredBlocks(groups, '2026-12-09T18:00:00.000Z')).toHaveLength(2);
    expect(expiredBlocks(groups, '2026-12-09T17:59:59.999Z')).toHaveLength(0);
  });

  it('never returns a foreign rule, even one whose description names a past expiry', () => {
    const expired = expiredBlocks(groups, '2030-01-01T00:00:00.000Z');

    expect(expired.map((block) => block.rule.name)).not.toContain(
      'SOC-Deny-DCRat-45.225.135.22-Out',
    );
    expect(expired).toHaveLength(3);
  });

  it('keeps one of our rules whose description carries no readable expiry', () => {
    const names = expiredBlocks(groups, '2030-01-01T00:00:00.000Z').map((block) => block.rule.name);

    expect(names).not.toContain('c2r-deny-2001_db8__1-443');
  });
});

describe('blocksForIndicator', () => {
  it('finds our rules for one ip:port in every NSG', () => {
    const blocks = blocksForIndicator(groups, '178.16.52.203:1889');

    expect(blocks.map((block) => [block.nsgId, block.rule.priority])).toEqual([
      ['nsg-a-id', 103],
      ['nsg-b-id', 110],
    ]);
  });

  it('finds an IPv6 indicator written in brackets', () => {
    expect(blocksForIndicator(groups, '[2001:DB8::1]:443').map((block) => block.rule.name)).toEqual(
      ['c2r-deny-2001_db8__1-443'],
    );
  });

  it('finds nothing for an address blocked only by a foreign rule', () => {
    expect(blocksForIndicator(groups, '45.225.135.22:50001')).toEqual([]);
  });

  it('rejects a key without a port', () => {
    expect(() => blocksForIndicator(groups, '178.16.52.203')).toThrow(RangeError);
  });
});
