/**
 * A network security group as ARM returns it, reduced to what planning needs. Field names follow
 * the ARM `securityRules[].properties` shape so adapters map one to one.
 */
export type RuleDirection = 'Inbound' | 'Outbound';
export type RuleAccess = 'Allow' | 'Deny';
export type RuleProtocol = 'Tcp' | 'Udp' | 'Icmp' | 'Esp' | 'Ah' | '*';

export interface SecurityRule {
  readonly name: string;
  readonly priority: number;
  readonly direction: RuleDirection;
  readonly access: RuleAccess;
  readonly protocol: RuleProtocol;
  readonly description?: string;
  readonly sourceAddressPrefix?: string;
  readonly sourceAddressPrefixes?: readonly string[];
  readonly sourcePortRange?: string;
  readonly sourcePortRanges?: readonly string[];
  readonly destinationAddressPrefix?: string;
  readonly destinationAddressPrefixes?: readonly string[];
  readonly destinationPortRange?: string;
  readonly destinationPortRanges?: readonly string[];
}

export interface SecurityGroup {
  /** ARM resource id. */
  readonly id: string;
  readonly name: string;
  readonly etag?: string;
  readonly rules: readonly SecurityRule[];
}
