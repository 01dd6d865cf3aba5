import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { securityGroupFromArm, securityRuleToArm } from '../../../shared/domain/armSecurityGroup';
import { isValidationError } from '../../../shared/domain/validationError';
import type { ValidationError } from '../../../shared/domain/validationError';

function read(path: string): unknown {
  return JSON.parse(readFileSync(join(__dirname, '../../..', path), 'utf8'));
}

describe('securityGroupFromArm', () => {
  it('maps the lab NSG with its custom rules only', () => {
    const group = securityGroupFromArm(read('samples/nsgs/nsg-app-subnet.json'));

    expect(group.name).toBe('nsg-app-subnet');
    expect(group.id).toMatch(/\/networkSecurityGroups\/nsg-app-subnet$/);
    expect(group.rules).toHaveLength(19);
    expect(group.rules.every((rule) => rule.priority <= 4096)).toBe(true);
  });

  it('keeps the singular or the plural field, whichever ARM filled', () => {
    const group = securityGroupFromArm(read('samples/nsgs/nsg-app-subnet.json'));
    const dns = group.rules.find((rule) => rule.name === 'Allow-DNS-Out');
    const appGw = group.rules.find((rule) => rule.name === 'Allow-AppGw-In');

    expect(dns).toEqual({
      name: 'Allow-DNS-Out',
      priority: 110,
      direction: 'Outbound',
      access: 'Allow',
      protocol: '*',
      sourceAddressPrefix: '10.40.1.0/24',
      sourcePortRange: '*',
      destinationAddressPrefixes: ['10.40.0.10', '10.40.0.11'],
      destinationPortRange: '53',
    });
    expect(appGw?.destinationPortRanges).toEqual(['443', '7001', '8443']);
    expect(appGw?.destinationPortRange).toBeUndefined();
  });

  it('maps the reference ARM GET response', () => {
    const reference = read('test/fixtures/reference/arm_nsg_get_response.json') as {
      responses: { '200': { body: unknown } };
    };
    const group = securityGroupFromArm(reference.responses['200'].body);

    expect(group.rules.length).toBeGreaterThan(0);
    expect(group.rules.every((rule) => ['Inbound', 'Outbound'].includes(rule.direction))).toBe(
      true,
    );
  });

  it('lists every problem of a malformed document', () => {
    const attempt = (): unknown =>
      securityGroupFromArm({
        name: 'x',
        properties: { securityRules: [{ name: 'r', properties: { priority: 'high' } }] },
      });

    let caught: unknown;
    try {
      attempt();
    } catch (error) {
      caught = error;
    }

    expect(isValidationError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/^NSG document is invalid: id: /);
    expect((caught as ValidationError).problems).toHaveLength(5);
  });
});

describe('securityRuleToArm', () => {
  it('puts everything but the name under properties', () => {
    expect(
      securityRuleToArm({
        name: 'c2r-x',
        priority: 103,
        direction: 'Outbound',
        access: 'Deny',
        protocol: 'Tcp',
      }),
    ).toEqual({
      name: 'c2r-x',
      properties: { priority: 103, direction: 'Outbound', access: 'Deny', protocol: 'Tcp' },
    });
  });
});
