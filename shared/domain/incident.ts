/**
 * A Microsoft Sentinel incident as the product sees it, whatever shape it arrived in
 * (Logic App incident trigger body, or REST incident plus entities and alerts).
 * Parsing lives in incidentParser.ts.
 */
export type IncidentSeverity = 'High' | 'Medium' | 'Low' | 'Informational';
export type IncidentStatus = 'New' | 'Active' | 'Closed';

export interface IncidentOwner {
  readonly objectId?: string | null;
  readonly email?: string | null;
  readonly assignedTo?: string | null;
  readonly userPrincipalName?: string | null;
}

export interface IncidentLabel {
  readonly labelName: string;
  readonly labelType: 'User' | 'AutoAssigned' | string;
}

export interface HostEntity {
  readonly hostName: string;
  readonly dnsDomain?: string;
  /** Lower-case `host.domain` when the domain is known, else lower-case host name; how Defender spells DeviceName. */
  readonly fqdn: string;
  readonly azureId?: string;
  readonly mdatpDeviceId?: string;
}

export interface Incident {
  /** ARM id `.../Microsoft.SecurityInsights/Incidents/<guid>`. */
  readonly armId: string;
  /** The incident GUID. */
  readonly name: string;
  readonly number: number;
  readonly title: string;
  readonly severity: IncidentSeverity;
  readonly status: IncidentStatus;
  readonly owner: IncidentOwner;
  readonly labels: readonly IncidentLabel[];
  readonly etag?: string;
  readonly createdTime: string;
  readonly firstActivityTime?: string;
  readonly lastActivityTime?: string;
  readonly ipAddresses: readonly string[];
  readonly hosts: readonly HostEntity[];
  /** C2 ports from the alerts' custom details (`C2Port`), as numbers, unique. */
  readonly c2Ports: readonly number[];
  /** C2 addresses named by the alerts' custom details (`C2IP`), when present. */
  readonly c2Addresses: readonly string[];
  /** False when the body carried no entities (or only some), so they must be fetched. */
  readonly entitiesComplete: boolean;
  readonly analyticRuleIds: readonly string[];
  readonly incidentUrl?: string;
  /**
   * Readable notes on parts of the input that were skipped without rejecting the incident: a
   * partial entity, malformed alert custom details.
   */
  readonly notes?: readonly string[];
}
