import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { VirtualClock } from '../../../local/host/clock';
import { main } from '../../../local/cli/main';
import type { AuditRecord } from '../../../shared/domain/auditRecord';
import { KILL_SWITCH_REFUSAL } from '../../../shared/ports/responderPorts';

const ROOT = join(__dirname, '..', '..', '..');
const MALICIOUS = join(ROOT, 'samples', 'incidents', 'malicious.json');
const INCIDENT = 'e7019832-f5b4-4b78-b528-9929bf0ec839';
const CONTAINMENT = 'contain-178.16.52.203_1889';
const APPROVER = 'soc.analyst@contoso.com';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let workingDirectory: string;
let clock: VirtualClock;

beforeEach(async () => {
  workingDirectory = await mkdtemp(join(tmpdir(), 'c2r-safety-cli-'));
  clock = new VirtualClock('2026-11-30T10:12:00.000Z');
});

afterEach(async () => {
  await rm(workingDirectory, { recursive: true, force: true });
});

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

async function cli(argv: readonly string[], settings: Record<string, string> = {}): Promise<Run> {
  const stdout = collector();
  const stderr = collector();
  const code = await main([...argv, '--state', 'state'], {
    stdout: stdout.stream,
    stderr: stderr.stream,
    environment: settings,
    workingDirectory,
    clock,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

async function audit(): Promise<AuditRecord[]> {
  const text = await readFile(join(workingDirectory, 'state', 'audit.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AuditRecord);
}

async function incidentComments(): Promise<string[]> {
  const path = join(workingDirectory, 'state', 'incidents', `${INCIDENT}.json`);
  const document = JSON.parse(await readFile(path, 'utf8')) as {
    properties: { status: string; labels: { labelName: string }[] };
    comments: { properties: { message: string } }[];
  };
  return document.comments.map((comment) => comment.properties.message);
}

async function incidentState(): Promise<{ status: string; labels: string[] }> {
  const path = join(workingDirectory, 'state', 'incidents', `${INCIDENT}.json`);
  const document = JSON.parse(await readFile(path, 'utf8')) as {
    properties: { status: string; labels: { labelName: string }[] };
  };
  return {
    status: document.properties.status,
    labels: document.properties.labels.map((label) => label.labelName),
  };
}

async function ourBlocks(settings: Record<string, string> = {}): Promise<unknown[]> {
  const run = await cli(['blocks', '--json'], settings);
  return JSON.parse(run.stdout) as unknown[];
}

describe('respond --dry-run', () => {
  it('runs the whole flow with the approval, changes no NSG and no incident, and records what it would have written', async () => {
    const before = await incidentStateAfterIngest();

    const run = await cli(['respond', MALICIOUS, '--dry-run', '--approve-as', APPROVER, '--json']);
    const result = JSON.parse(run.stdout) as {
      dryRun: boolean;
      outcome: string;
      containments: { outcome: string; summary: string; dryRun: boolean }[];
    };

    expect(run.code).toBe(0);
    expect(result.dryRun).toBe(true);
    expect(result.outcome).toBe('blocked');
    expect(result.containments[0]?.summary).toMatch(
      /^Dry run: would have blocked 178\.16\.52\.203:1889 outbound in 2 NSG rule\(s\)/,
    );
    expect(await ourBlocks()).toEqual([]);
    expect(await incidentComments()).toEqual([]);
    expect(await incidentState()).toEqual(before);
    const writes = (await audit()).filter((record) =>
      ['incident.commented', 'incident.updated', 'incident.closed', 'block.applied'].includes(
        record.action,
      ),
    );
    expect(writes.map((record) => `${record.action}:${record.outcome}`)).toEqual([
      'incident.commented:dry-run',
      'block.applied:dry-run',
      'incident.commented:dry-run',
      'incident.updated:dry-run',
    ]);
    expect(writes[3]?.after).toEqual({
      wouldApply: { severity: 'High', addLabels: ['C2-Blocked'] },
      because: 'the C2 endpoint was blocked after an analyst approved',
    });
  });

  it('says DRY RUN in the human output before anything else it prints', async () => {
    const run = await cli(['respond', MALICIOUS, '--dry-run', '--approve-as', APPROVER]);

    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(
      'DRY RUN: no NSG rule and no incident was changed; the audit log records what would have been written (outcome dry-run).',
    );
    expect(run.stdout).toContain('Outcome: blocked (DRY RUN: nothing was written)');
  });

  it('keeps a containment started in dry run dry when its approval comes from a later run without it', async () => {
    await cli(['respond', MALICIOUS, '--dry-run']);

    const approval = await cli(['approve', CONTAINMENT, '--as', APPROVER]);

    expect(approval.code).toBe(0);
    expect(approval.stdout).toContain('Dry run: would have blocked 178.16.52.203:1889');
    expect(await ourBlocks()).toEqual([]);
  });
});

describe('the kill switch', () => {
  it('stops a containment already waiting for approval: the decision is recorded, nothing is written, the outcome is refused in one sentence', async () => {
    await cli(['respond', MALICIOUS]);
    const commentsBefore = await incidentComments();

    const approval = await cli(['approve', CONTAINMENT, '--as', APPROVER], {
      C2R_KILL_SWITCH: 'true',
    });
    const status = await cli(['status', `incident-${INCIDENT}`], { C2R_KILL_SWITCH: 'true' });

    expect(approval.code).toBe(0);
    expect(approval.stdout).toContain(KILL_SWITCH_REFUSAL);
    expect(status.stdout).toContain(
      `Containment of 178.16.52.203:1889 (${CONTAINMENT}): refused\n${KILL_SWITCH_REFUSAL}`,
    );
    expect(await ourBlocks()).toEqual([]);
    expect(await incidentComments()).toEqual(commentsBefore);
    const records = await audit();
    expect(records.filter((r) => r.action === 'approval.decided')).toHaveLength(1);
    const refusals = records.filter((r) => r.outcome === 'refused');
    expect(refusals.map((r) => [r.action, r.reason])).toEqual([
      ['block.failed', KILL_SWITCH_REFUSAL],
      ['incident.commented', KILL_SWITCH_REFUSAL],
    ]);
    expect(records.some((r) => r.action === 'block.applied')).toBe(false);
  });

  it('refuses the plan of a new incident before any approval is asked for, and changes the incident in no way', async () => {
    const run = await cli(['respond', MALICIOUS, '--json'], { C2R_KILL_SWITCH: '1' });
    const result = JSON.parse(run.stdout) as {
      killSwitch: boolean;
      containments: { outcome: string; summary: string }[];
    };

    expect(result.killSwitch).toBe(true);
    expect(result.containments).toEqual([
      expect.objectContaining({ outcome: 'refused', summary: KILL_SWITCH_REFUSAL }),
    ]);
    expect(await incidentComments()).toEqual([]);
    const records = await audit();
    expect(records.some((r) => r.action === 'approval.requested')).toBe(false);
    expect(records.find((r) => r.action === 'plan.refused')?.reason).toBe(KILL_SWITCH_REFUSAL);
  });

  it('says KILL SWITCH ON in the human output', async () => {
    const run = await cli(['respond', MALICIOUS], { C2R_KILL_SWITCH: 'true' });

    expect(run.stdout.split('\n')[0]).toBe(`KILL SWITCH ON: ${KILL_SWITCH_REFUSAL}`);
  });

  it('leaves our rules in place on unblock and expiry, and audits each refusal', async () => {
    await cli(['respond', MALICIOUS, '--approve-as', APPROVER]);
    expect(await ourBlocks()).toHaveLength(2);

    const unblock = await cli(['unblock', '178.16.52.203:1889', '--as', APPROVER], {
      C2R_KILL_SWITCH: 'true',
    });
    const expiry = await cli(['expire', '--now', '2027-01-01T00:00:00.000Z'], {
      C2R_KILL_SWITCH: 'true',
    });

    // A refusal is one line on stderr and exit 2, like any refused unblock.
    expect([unblock.code, expiry.code]).toEqual([2, 2]);
    expect(unblock.stderr).toContain(`${KILL_SWITCH_REFUSAL} 2 rule(s) were left in place.`);
    expect(expiry.stderr).toContain(`${KILL_SWITCH_REFUSAL} 2 rule(s) were left in place.`);
    expect(await ourBlocks()).toHaveLength(2);
    const refused = (await audit()).filter(
      (r) =>
        (r.action === 'block.unblocked' || r.action === 'block.expired') && r.outcome === 'refused',
    );
    expect(refused.map((r) => r.reason)).toEqual(Array(4).fill(KILL_SWITCH_REFUSAL));
  });
});

describe('blast-radius limits', () => {
  it('refuses a plan with more rules than one incident may add, in the same sentence in the audit record, the comment and the output', async () => {
    const sentence =
      'The plan for 178.16.52.203:1889 adds 2 NSG rule(s), more than the 1 allowed per incident (C2R_MAX_RULES_PER_INCIDENT); the plan is refused whole, not trimmed.';

    const run = await cli(['respond', MALICIOUS], { C2R_MAX_RULES_PER_INCIDENT: '1' });

    expect(run.stdout).toContain(`(${CONTAINMENT}): refused\n${sentence}`);
    const refusal = (await audit()).find((r) => r.action === 'plan.refused');
    expect(refusal?.reason).toBe(sentence);
    expect(refusal?.details).toEqual({ code: 'blast-radius', limit: 'rules-per-incident' });
    expect(await incidentComments()).toContainEqual(`<p><b>${sentence}</b></p>`);
    expect(await ourBlocks()).toEqual([]);
  });

  it('refuses an indicator below the minimum ThreatFox confidence', async () => {
    const sentence =
      'ThreatFox rates 178.16.52.203:1889 at confidence 75, below the minimum of 80 (C2R_MIN_CONFIDENCE); the plan is refused.';

    const run = await cli(['respond', MALICIOUS], { C2R_MIN_CONFIDENCE: '80' });

    expect(run.stdout).toContain(sentence);
    expect((await audit()).find((r) => r.action === 'plan.refused')?.reason).toBe(sentence);
    expect(await incidentComments()).toContainEqual(`<p><b>${sentence}</b></p>`);
  });
});

/** The incident as the lab delivers it, before the product touched it. */
async function incidentStateAfterIngest(): Promise<{ status: string; labels: string[] }> {
  const body = JSON.parse(await readFile(MALICIOUS, 'utf8')) as {
    object: { properties: { status: string; labels: { labelName: string }[] } };
  };
  return {
    status: body.object.properties.status,
    labels: body.object.properties.labels.map((label) => label.labelName),
  };
}
