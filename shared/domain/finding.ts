/**
 * What a hunt found: one summarised group of log rows (device, process, remote endpoint, action),
 * plus what the exclusion scenarios said about it. The contract between hunts, exclusions and verdict.
 */
export type HuntTable = 'CommonSecurityLog' | 'DeviceNetworkEvents';

export interface ProcessContext {
  readonly fileName: string;
  /** Full image path including the file name, as Defender reports it. */
  readonly folderPath?: string;
  readonly commandLine?: string;
  readonly parentFileName?: string;
  readonly accountName?: string;
  readonly sha256?: string;
}

export interface Finding {
  readonly table: HuntTable;
  /** The indicator (`ip:port` key) the rows matched. */
  readonly indicator: string;
  /** True when the rows used the indicator's own port, false for another port of the same address. */
  readonly onIndicatorPort: boolean;
  /** DeviceName (Defender) or the firewall's DeviceName (CommonSecurityLog). */
  readonly device: string;
  readonly deviceId?: string;
  /** Firewall vendor for CommonSecurityLog rows. */
  readonly vendor?: string;
  readonly localAddress?: string;
  readonly remoteAddress: string;
  /** The indicator side's port on an outbound session (the session's destination port). */
  readonly remotePort?: number;
  /** Our side's port on an inbound session (the port the indicator reached, e.g. 3389). */
  readonly localPort?: number;
  /** Outbound: a local host reached the indicator; inbound: the indicator reached us. */
  readonly direction: 'outbound' | 'inbound';
  /** ActionType (Defender) or DeviceAction (firewall). */
  readonly action: string;
  /** For firewall rows: did the firewall let the session through. */
  readonly allowed?: boolean;
  readonly process?: ProcessContext;
  readonly count: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** The exclusion scenario the rendered query or evaluator attributed, if any (before judgement). */
  readonly exclusionId?: string;
}

export type FindingJudgement =
  | {
      readonly kind: 'excluded';
      readonly scenarioId: string;
      readonly scenarioName: string;
      readonly why: string;
    }
  | { readonly kind: 'unexplained'; readonly why: string }
  | { readonly kind: 'no-process-context'; readonly why: string };

export interface JudgedFinding extends Finding {
  readonly judgement: FindingJudgement;
}

/** A bounded sample of raw rows kept for the evidence. */
export type EvidenceRow = Readonly<Record<string, string | number | boolean | null>>;

export type HuntOutcome =
  | { readonly status: 'complete'; readonly rowCount: number }
  | { readonly status: 'partial'; readonly reason: string }
  | { readonly status: 'failed'; readonly reason: string }
  | { readonly status: 'missing-table'; readonly reason: string };

export interface HuntResult {
  readonly table: HuntTable;
  readonly outcome: HuntOutcome;
  readonly findings: readonly Finding[];
  readonly sample: readonly EvidenceRow[];
  readonly window: TimeWindow;
}

export interface TimeWindow {
  readonly start: string;
  readonly end: string;
}
