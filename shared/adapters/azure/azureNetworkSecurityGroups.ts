import { NetworkManagementClient } from '@azure/arm-network';
import type {
  NetworkSecurityGroup as SdkSecurityGroup,
  SecurityRule as SdkSecurityRule,
} from '@azure/arm-network';

import { securityGroupFromArm } from '../../domain/armSecurityGroup';
import type { SecurityGroup, SecurityRule } from '../../domain/securityGroup';
import { ValidationError } from '../../domain/validationError';
import type { NetworkSecurityGroups } from '../../ports/networkSecurityGroups';
import { NotFoundError } from '../../ports/portErrors';
import type { AzureClientOptions } from './azureClientOptions';
import { networkPortError } from './armErrors';

export interface AzureNetworkSecurityGroupsOptions extends AzureClientOptions {
  /** Poll interval of a rule write when ARM sends no Retry-After; the SDK's default is 2 s. */
  readonly pollIntervalMs?: number;
}

interface NsgReference {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

const NSG_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/networkSecurityGroups\/([^/]+)$/i;

function nsgReference(nsgId: string): NsgReference {
  const match = NSG_ID.exec(nsgId);
  if (!match?.[1] || !match[2] || !match[3]) {
    throw new ValidationError('NSG id', [`${nsgId} is not a networkSecurityGroups resource id`]);
  }

  return { subscriptionId: match[1], resourceGroup: match[2], name: match[3] };
}

/** The SDK flattens `properties`; the domain mapper (and its validation) reads the ARM shape. */
function armRule(rule: SdkSecurityRule): unknown {
  const {
    name,
    id: _id,
    etag: _etag,
    type: _type,
    provisioningState: _state,
    ...properties
  } = rule;
  return { name, properties };
}

function groupFromSdk(nsgId: string, nsg: SdkSecurityGroup): SecurityGroup {
  return securityGroupFromArm({
    id: nsg.id ?? nsgId,
    name: nsg.name,
    ...(nsg.etag === undefined ? {} : { etag: nsg.etag }),
    properties: { securityRules: (nsg.securityRules ?? []).map(armRule) },
  });
}

function ruleToSdk(rule: SecurityRule): SdkSecurityRule {
  const {
    sourceAddressPrefixes,
    sourcePortRanges,
    destinationAddressPrefixes,
    destinationPortRanges,
    ...single
  } = rule;
  const copy = (list: readonly string[] | undefined): string[] | undefined =>
    list === undefined ? undefined : [...list];

  return {
    ...single,
    sourceAddressPrefixes: copy(sourceAddressPrefixes),
    sourcePortRanges: copy(sourcePortRanges),
    destinationAddressPrefixes: copy(destinationAddressPrefixes),
    destinationPortRanges: copy(destinationPortRanges),
  };
}

/**
 * NSGs through Microsoft.Network. A rule is written as its own `securityRules` child resource (a
 * long-running operation the SDK polls through Azure-AsyncOperation), so another writer's rules are
 * never rewritten. ARM ignores etags on NSG writes: concurrency shows up as busy or conflict
 * errors, mapped to the port's errors for the caller to wait or plan again.
 */
export class AzureNetworkSecurityGroups implements NetworkSecurityGroups {
  private readonly clients = new Map<string, NetworkManagementClient>();

  constructor(private readonly options: AzureNetworkSecurityGroupsOptions) {}

  async get(nsgId: string): Promise<SecurityGroup> {
    const ref = nsgReference(nsgId);

    try {
      const nsg = await this.client(ref).networkSecurityGroups.get(ref.resourceGroup, ref.name);
      return groupFromSdk(nsgId, nsg);
    } catch (error) {
      throw networkPortError(error, `reading NSG ${ref.name}`);
    }
  }

  async putRule(nsgId: string, rule: SecurityRule): Promise<SecurityRule> {
    const ref = nsgReference(nsgId);

    try {
      const written = await this.client(ref).securityRules.beginCreateOrUpdateAndWait(
        ref.resourceGroup,
        ref.name,
        rule.name,
        ruleToSdk(rule),
        this.pollOptions(),
      );
      const [mapped] = groupFromSdk(nsgId, { name: ref.name, securityRules: [written] }).rules;
      if (!mapped) throw new Error(`ARM returned no rule for ${rule.name}`);
      return mapped;
    } catch (error) {
      throw networkPortError(error, `writing rule ${rule.name} to NSG ${ref.name}`);
    }
  }

  async deleteRule(nsgId: string, ruleName: string): Promise<void> {
    const ref = nsgReference(nsgId);

    try {
      await this.client(ref).securityRules.beginDeleteAndWait(
        ref.resourceGroup,
        ref.name,
        ruleName,
        this.pollOptions(),
      );
    } catch (error) {
      const mapped = networkPortError(error, `deleting rule ${ruleName} from NSG ${ref.name}`);
      if (mapped instanceof NotFoundError) return;
      throw mapped;
    }
  }

  private pollOptions(): { updateIntervalInMs?: number } {
    const interval = this.options.pollIntervalMs;
    return interval === undefined ? {} : { updateIntervalInMs: interval };
  }

  /** One client per subscription: target NSGs may live in several. */
  private client(ref: NsgReference): NetworkManagementClient {
    const existing = this.clients.get(ref.subscriptionId);
    if (existing) return existing;

    const { credential, endpoint, retryOptions, tlsOptions } = this.options;
    const client = new NetworkManagementClient(credential, ref.subscriptionId, {
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(retryOptions === undefined ? {} : { retryOptions }),
      ...(tlsOptions === undefined ? {} : { tlsOptions }),
    });
    this.clients.set(ref.subscriptionId, client);
    return client;
  }
}

export function createAzureNetworkSecurityGroups(
  options: AzureNetworkSecurityGroupsOptions,
): AzureNetworkSecurityGroups {
  return new AzureNetworkSecurityGroups(options);
}
