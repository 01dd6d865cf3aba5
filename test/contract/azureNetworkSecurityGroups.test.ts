import { createAzureNetworkSecurityGroups } from '../../shared/adapters/azure/azureNetworkSecurityGroups';
import type { SecurityRule } from '../../shared/domain/securityGroup';
import {
  FirewallBusyError,
  NotFoundError,
  PriorityTakenError,
  RuleLimitError,
} from '../../shared/ports/portErrors';
import { startArmNetworkFake } from './fakes/armNetworkFake';
import type { ArmNetworkFake } from './fakes/armNetworkFake';
import { staticCredential } from './support/staticCredential';

const NSG =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-app';

function deny(name: string, priority: number, address = '203.0.113.7'): SecurityRule {
  return {
    name,
    priority,
    direction: 'Outbound',
    access: 'Deny',
    protocol: 'Tcp',
    sourceAddressPrefix: '*',
    sourcePortRange: '*',
    destinationAddressPrefix: address,
    destinationPortRange: '1889',
    description: 'DCRat C2 203.0.113.7:1889',
  };
}

const foreignAllow = {
  name: 'allow-web-out',
  properties: {
    priority: 300,
    direction: 'Outbound',
    access: 'Allow',
    protocol: '*',
    sourceAddressPrefix: '*',
    sourceAddressPrefixes: [],
    sourcePortRange: '*',
    destinationAddressPrefix: 'Internet',
    destinationPortRange: '',
    destinationPortRanges: ['80', '443'],
  },
};

let fake: ArmNetworkFake;

function adapter() {
  return createAzureNetworkSecurityGroups({
    credential: staticCredential(),
    endpoint: fake.url,
    tlsOptions: { ca: fake.ca },
    retryOptions: { maxRetries: 1, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
    pollIntervalMs: 10,
  });
}

beforeEach(async () => {
  fake = await startArmNetworkFake({ pollsUntilDone: 2, retryAfterSeconds: 0 });
  fake.addGroup(NSG, [foreignAllow]);
});

afterEach(async () => {
  await fake.close();
});

describe('Azure NSG adapter against a fake of Microsoft.Network', () => {
  it('reads an NSG in the ARM shape and drops the empty twin of each address and port field', async () => {
    const group = await adapter().get(NSG);

    expect(group).toEqual({
      id: NSG,
      name: 'nsg-app',
      etag: 'W/"1"',
      rules: [
        {
          name: 'allow-web-out',
          priority: 300,
          direction: 'Outbound',
          access: 'Allow',
          protocol: '*',
          sourceAddressPrefix: '*',
          sourcePortRange: '*',
          destinationAddressPrefix: 'Internet',
          destinationPortRanges: ['80', '443'],
        },
      ],
    });
  });

  it('writes one rule through the long-running operation and polls it to Succeeded', async () => {
    const rule = deny('c2-block-203.0.113.7-1889', 200);

    const written = await adapter().putRule(NSG, rule);

    expect(written).toEqual(rule);
    expect(fake.rules(NSG).map((r) => r.name)).toEqual(['allow-web-out', rule.name]);
    const methods = fake.requests.map(
      (r) => `${r.method} ${r.path.split('/').slice(-2).join('/')}`,
    );
    expect(methods).toEqual([
      'PUT securityRules/c2-block-203.0.113.7-1889',
      'GET operations/op-1',
      'GET operations/op-1',
      'GET securityRules/c2-block-203.0.113.7-1889',
    ]);
  });

  it('reports another running operation as FirewallBusyError with the Retry-After delay', async () => {
    fake.inject((r) => r.method === 'PUT', {
      status: 409,
      headers: { 'Retry-After': '7' },
      body: {
        error: { code: 'AnotherOperationInProgress', message: 'Another operation is in progress.' },
      },
    });

    const error = await adapter()
      .putRule(NSG, deny('c2-a', 200))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FirewallBusyError);
    expect(error).toMatchObject({ code: 'firewall-busy', retryAfterMs: 7000 });
    expect(fake.counters.writes).toBe(1);
  });

  it('lets the SDK retry a 429 after its Retry-After, then reports FirewallBusyError when it persists', async () => {
    const busy = {
      status: 429,
      headers: { 'Retry-After': '0' },
      body: { error: { code: 'RetryableErrorDueToAnotherOperation', message: 'retry later' } },
    };
    fake.inject((r) => r.method === 'PUT', busy, 1);
    await adapter().putRule(NSG, deny('c2-a', 200));
    fake.inject((r) => r.method === 'PUT', busy, 2);

    const error = await adapter()
      .putRule(NSG, deny('c2-b', 201))
      .catch((e: unknown) => e);

    expect(fake.rules(NSG).map((r) => r.name)).toContain('c2-a');
    expect(error).toBeInstanceOf(FirewallBusyError);
    expect(error).toMatchObject({ retryAfterMs: 0 });
  });

  it('refuses a second write while the first still runs on the NSG', async () => {
    const nsgs = adapter();
    fake.hold();
    const first = nsgs.putRule(NSG, deny('c2-a', 200));
    while (!fake.requests.some((r) => r.method === 'PUT')) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }

    const second = await nsgs
      .putRule(NSG, deny('c2-b', 201, '198.51.100.9'))
      .catch((e: unknown) => e);
    fake.release();
    await first;

    expect(second).toBeInstanceOf(FirewallBusyError);
    expect(fake.counters.busy).toBe(1);
    expect(fake.rules(NSG).map((r) => r.name)).toEqual(['allow-web-out', 'c2-a']);
  });

  it('reports a priority taken in the same direction as PriorityTakenError', async () => {
    const error = await adapter()
      .putRule(NSG, deny('c2-a', 300))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PriorityTakenError);
    expect((error as Error).message).toContain('SecurityRuleConflict');
  });

  it('reports a full NSG as RuleLimitError', async () => {
    await fake.close();
    fake = await startArmNetworkFake({ ruleLimit: 2 });
    fake.addGroup(NSG, [foreignAllow]);
    const nsgs = adapter();
    await nsgs.putRule(NSG, deny('c2-a', 200));

    const error = await nsgs.putRule(NSG, deny('c2-b', 201)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RuleLimitError);
    expect((error as Error).message).toContain('cannot have more than 2 security rules');
  });

  it('reports an unknown NSG as NotFoundError', async () => {
    const error = await adapter()
      .get(NSG.replace('nsg-app', 'nsg-gone'))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('deletes a rule through the long-running operation and treats a missing rule as deleted', async () => {
    const nsgs = adapter();
    await nsgs.putRule(NSG, deny('c2-a', 200));

    await nsgs.deleteRule(NSG, 'c2-a');
    await nsgs.deleteRule(NSG, 'c2-a');

    expect(fake.rules(NSG).map((r) => r.name)).toEqual(['allow-web-out']);
  });
});
