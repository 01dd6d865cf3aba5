import type { Incident, IncidentSeverity } from '../domain/incident';

export interface IncidentChange {
  readonly severity?: IncidentSeverity;
  /** Labels to add; existing labels are always kept. */
  readonly addLabels?: readonly string[];
  readonly close?: {
    readonly classification: 'BenignPositive' | 'TruePositive' | 'FalsePositive' | 'Undetermined';
    readonly classificationReason?:
      'SuspiciousButExpected' | 'SuspiciousActivity' | 'IncorrectAlertLogic' | 'InaccurateData';
    readonly classificationComment: string;
  };
}

/**
 * Sentinel incidents. An update reads the incident first and sends back every property it does not
 * change (a PUT replaces the resource), retrying on a stale etag.
 */
export interface Incidents {
  /** The incident with its entities and alerts; fetches them when the stored shape lacks them. */
  get(incidentArmId: string): Promise<Incident>;
  /**
   * Adds a comment under an id chosen by the caller, so that a retry writes it once. The text is
   * HTML that the caller already escaped, at most 30,000 characters.
   */
  addComment(incidentArmId: string, commentId: string, html: string): Promise<void>;
  update(incidentArmId: string, change: IncidentChange): Promise<Incident>;
}
