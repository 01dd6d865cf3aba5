import { mkdir, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { main } from '../../../local/cli/main';
import { BUNDLED } from '../../../local/localResponder';
import {
  clockAfterCreation,
  instanceFiles,
  labIncident,
  partialLogsDirectory,
  removeDirectory,
  temporaryDirectory,
} from '../../support/lab';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

let workingDirectory: string;

beforeEach(async () => {
  workingDirectory = await temporaryDirectory('cli');
});

afterEach(async () => {
  await removeDirectory(workingDirectory);
});

/** Runs the command line, by default a few minutes after the lab incident was created. */
async function run(
  argv: readonly string[],
  minutesAfterCreation = 5,
  environment: Record<string, string> = {},
) {
  const stdout = new Capture();
  const stderr = new Capture();
  const clock = clockAfterCreation(await labIncident('malicious'), minutesAfterCreation);
  const code = await main(argv, {
    stdout,
    stderr,
    environment,
    workingDirectory,
    clock,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const MALICIOUS = join(BUNDLED.incidents, 'malicious.json');

describe('c2-responder command line', () => {
  it('prints the documented fields of a response awaiting approval with --json', async () => {
    const result = await run(['respond', MALICIOUS, '--json']);

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown> & {
      findings: { judgement: { kind: string } }[];
      plan: { rules: { nsgName: string; rule: { priority: number } }[] };
    };
    expect(report).toMatchObject({
      instanceId: 'incident-e7019832-f5b4-4b78-b528-9929bf0ec839',
      incidentId: 'e7019832-f5b4-4b78-b528-9929bf0ec839',
      verdict: 'malicious',
      runtimeStatus: 'awaiting-approval',
      containmentInstanceId: 'contain-178.16.52.203_1889',
    });
    expect(report.outcome).toBeUndefined();
    expect(report.findings.map((finding) => finding.judgement.kind).sort()).toEqual([
      'excluded',
      'no-process-context',
      'no-process-context',
      'no-process-context',
      'unexplained',
    ]);
    expect(Object.fromEntries(report.plan.rules.map((r) => [r.nsgName, r.rule.priority]))).toEqual({
      'nsg-fin-subnet': 103,
      'nsg-app-subnet': 106,
    });
  });

  it('completes as blocked with --approve-as and reports the outcome', async () => {
    const result = await run([
      'respond',
      MALICIOUS,
      '--approve-as',
      'soc.analyst@contoso.com',
      '--json',
    ]);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      verdict: 'malicious',
      runtimeStatus: 'completed',
      outcome: 'blocked',
    });
  });

  it('answers for real an incident whose earlier response was a dry run', async () => {
    const approve = ['respond', MALICIOUS, '--approve-as', 'soc.analyst@contoso.com', '--json'];
    await run([...approve, '--dry-run']);

    const real = await run(approve, 6);

    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout)).toMatchObject({
      restarted: true,
      alreadyStarted: false,
      outcome: 'blocked',
      dryRun: false,
    });
    const blocks = await run(['blocks', '--json'], 7);
    expect(
      (JSON.parse(blocks.stdout) as { rule: { name: string } }[]).map((b) => b.rule.name),
    ).toEqual(['c2r-deny-178.16.52.203-1889', 'c2r-deny-178.16.52.203-1889']);
  });

  it('answers again an incident the kill switch stopped, once the switch is off', async () => {
    const approve = ['respond', MALICIOUS, '--approve-as', 'soc.analyst@contoso.com', '--json'];
    const stopped = await run(approve, 5, { C2R_KILL_SWITCH: 'true' });
    expect(JSON.parse(stopped.stdout)).toMatchObject({ outcome: 'left-open' });

    const again = await run(approve, 6);

    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ restarted: true, outcome: 'blocked' });
  });

  it('reports the existing instance instead of starting a second one', async () => {
    await run(['respond', MALICIOUS, '--json']);

    const again = await run(['respond', MALICIOUS, '--json']);

    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      alreadyStarted: true,
      instanceId: 'incident-e7019832-f5b4-4b78-b528-9929bf0ec839',
    });
    expect(
      [...(await instanceFiles(join(workingDirectory, '.c2-responder'))).keys()].sort(),
    ).toEqual([
      'contain-178.16.52.203_1889.json',
      'incident-e7019832-f5b4-4b78-b528-9929bf0ec839.json',
    ]);
  });

  it('fails in one line with a non-zero exit on a missing incident file', async () => {
    const result = await run(['respond', join(workingDirectory, 'nope.json')]);

    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^c2-responder: cannot read the incident file .*nope\.json\n$/);
  });

  it('fails in one line on an incident file that is not JSON', async () => {
    const file = join(workingDirectory, 'broken.json');
    await writeFile(file, '{"object": ');

    const result = await run(['respond', file]);

    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /^c2-responder: the incident file .*broken\.json is not JSON: .*\n$/,
    );
  });

  it('lists the problems of an invalid incident body in one line', async () => {
    const file = join(workingDirectory, 'invalid.json');
    const body = await labIncident('malicious');
    await writeFile(
      file,
      JSON.stringify({ ...body, object: { ...body.object, properties: { title: 'x' } } }),
    );

    const result = await run(['respond', file]);

    expect(result.code).not.toBe(0);
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(result.stderr).toMatch(/incidentNumber/);
    expect(result.stdout).toBe('');
  });

  it('refuses to approve an unknown instance in one line with a non-zero exit', async () => {
    await mkdir(join(workingDirectory, '.c2-responder'));

    const result = await run(['approve', 'contain-1.2.3.4_443', '--as', 'soc.analyst@contoso.com']);

    expect(result.code).not.toBe(0);
    expect(result.stderr).toBe('c2-responder: No containment contain-1.2.3.4_443 exists.\n');
  });
});

const STATE = '.c2-responder';
const APPROVER = 'soc.analyst@contoso.com';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** One line on stderr, nothing on stdout, no state directory: nothing was started. */
async function expectRefusedBeforeStarting(
  result: { code: number; stdout: string; stderr: string },
  message: RegExp,
): Promise<void> {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(message);
  expect(result.stderr.split('\n')).toHaveLength(2);
  expect(await exists(join(workingDirectory, STATE))).toBe(false);
}

describe('c2-responder respond refuses bad inputs before starting anything', () => {
  it('refuses to start when no approver is configured, in the words of config check', async () => {
    const result = await run(['respond', MALICIOUS], 5, { C2R_APPROVERS: '' });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'c2-responder: C2R_APPROVERS: no approver is configured, so no block can ever be approved\n',
    );
    await expect(stat(join(workingDirectory, '.c2-responder'))).rejects.toThrow();
  });

  it('names an indicator feed that does not exist', async () => {
    const result = await run(['respond', MALICIOUS, '--iocs', 'missing-feed.json']);

    await expectRefusedBeforeStarting(
      result,
      /^c2-responder: --iocs: cannot read the indicator feed .*missing-feed\.json \(ENOENT\)\n$/,
    );
  });

  it('counts the rejected lines of a feed that yields no indicator and gives the first reasons', async () => {
    await writeFile(
      join(workingDirectory, 'feed.txt'),
      ['178.16.52.203', '999.1.2.3:80', '10.0.0.1:0', '1.2.3.4:99999'].join('\n'),
    );

    const result = await run(['respond', MALICIOUS, '--iocs', 'feed.txt']);

    await expectRefusedBeforeStarting(
      result,
      /^c2-responder: --iocs: the indicator feed .*feed\.txt yields no indicator; 4 line\(s\) rejected \(line 1: .+; line 2: .+; line 3: .+; \.\.\.\)\n$/,
    );
  });

  it('says a logs directory does not exist instead of blaming the data connector', async () => {
    const result = await run(['respond', MALICIOUS, '--logs', 'no-logs']);

    await expectRefusedBeforeStarting(
      result,
      /^c2-responder: --logs: the directory .*no-logs does not exist\n$/,
    );
    expect(result.stderr).not.toMatch(/connector/);
  });

  it('says an NSG directory does not exist', async () => {
    const result = await run(['respond', MALICIOUS, '--nsgs', 'no-nsgs']);

    await expectRefusedBeforeStarting(
      result,
      /^c2-responder: --nsgs: the directory .*no-nsgs does not exist\n$/,
    );
  });

  it('refuses a state path that is a file', async () => {
    await writeFile(join(workingDirectory, 'state.txt'), 'not a directory');

    const result = await run(['respond', MALICIOUS, '--state', 'state.txt']);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^c2-responder: the state directory .*state\.txt is a file, not a directory\n$/,
    );
    expect(await readdir(workingDirectory)).toEqual(['state.txt']);
  });

  it.each([
    [['respond', MALICIOUS, '--approve-as', '']],
    [['respond', MALICIOUS, '--reject-as', ' ', '--reason', 'x']],
    [['approve', 'contain-178.16.52.203_1889', '--as', '']],
  ])('refuses an empty analyst name: %j', async (argv) => {
    const result = await run(argv);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /argument '\s*' is invalid\. the analyst name must not be empty\.\n$/,
    );
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(await exists(join(workingDirectory, STATE))).toBe(false);
  });

  it('refuses --reject-as without a reason like approve --reject, and starts nothing', async () => {
    const result = await run(['respond', MALICIOUS, '--reject-as', APPROVER]);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'c2-responder: A rejection needs a reason (--reason), so that the incidents left open explain why.\n',
    );
    expect(await exists(join(workingDirectory, STATE))).toBe(false);
  });
});

describe('c2-responder read-only commands on a state directory that does not exist', () => {
  it.each([[['status']], [['audit', '--verify']], [['blocks']]])(
    '%j says so, exits non-zero and creates nothing',
    async (argv) => {
      const result = await run([...argv, '--state', 'nowhere']);

      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^c2-responder: no state directory .*nowhere: nothing has run/);
      expect(await exists(join(workingDirectory, 'nowhere'))).toBe(false);
    },
  );
});

describe('c2-responder respond drives the response to an end', () => {
  /** Lab logs where one export cannot be opened at all: every hunt attempt on it throws. */
  async function logsWithBrokenExport(): Promise<string> {
    const logs = await partialLogsDirectory(workingDirectory, ['CommonSecurityLog']);
    // A link to itself: stat fails with ELOOP, which is neither a missing export nor a bad row.
    await symlink('DeviceNetworkEvents.csv', join(logs, 'DeviceNetworkEvents.csv'));
    return logs;
  }

  it('sleeps through the retries of a failing activity and exits non-zero with the error', async () => {
    const logs = await logsWithBrokenExport();

    const result = await run(['respond', MALICIOUS, '--logs', logs, '--json']);

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ runtimeStatus: 'failed' });
    expect(result.stderr).toMatch(
      /^c2-responder: the response to incident 4127 failed: Orchestrator function 'respondToIncident' failed: Activity function 'runHunt' failed: .*ELOOP[^\n]*; respond again to start a new one\n$/,
    );
  });

  it('starts a new response for an incident whose response failed, and says so', async () => {
    await run(['respond', MALICIOUS, '--logs', await logsWithBrokenExport()]);

    const again = await run(['respond', MALICIOUS]);

    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      'The previous response to incident 4127 failed; a new one was started.',
    );
    expect(again.stdout).not.toContain('already has instance');
    const json = await run(['status', 'incident-e7019832-f5b4-4b78-b528-9929bf0ec839', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ runtimeStatus: 'awaiting-approval' });
  });

  it('exits 2 when the decision of --approve-as is refused', async () => {
    const result = await run([
      'respond',
      MALICIOUS,
      '--approve-as',
      'intruder@contoso.com',
      '--json',
    ]);

    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as {
      runtimeStatus: string;
      decisions: { accepted: boolean; message: string }[];
    };
    expect(report.runtimeStatus).toBe('awaiting-approval');
    expect(report.decisions).toEqual([expect.objectContaining({ accepted: false })]);
    expect(result.stderr).toMatch(/^Approval needed: block 178\.16\.52\.203:1889 /);
    expect(result.stderr.endsWith(`\nc2-responder: ${report.decisions[0]?.message}\n`)).toBe(true);
  });
});

describe('c2-responder commands catch the offline host up first', () => {
  it('fires an approval deadline that passed while no command ran, before status reads it', async () => {
    await run(['respond', MALICIOUS]);

    const later = await run(
      ['status', 'incident-e7019832-f5b4-4b78-b528-9929bf0ec839', '--json'],
      5 + 5 * 60,
    );

    expect(later.code).toBe(0);
    const report = JSON.parse(later.stdout) as {
      runtimeStatus: string;
      containments: { stage: string; outcome: string }[];
    };
    expect(report.runtimeStatus).toBe('completed');
    expect(report.containments).toEqual([expect.objectContaining({ outcome: 'escalated' })]);
  });
});

describe('c2-responder audit and approve answers', () => {
  it('filters the audit trail by incident number as well as by GUID', async () => {
    await run(['respond', MALICIOUS]);

    const byNumber = await run(['audit', '--incident', '4127', '--json']);
    const byGuid = await run([
      'audit',
      '--incident',
      'e7019832-f5b4-4b78-b528-9929bf0ec839',
      '--json',
    ]);
    const other = await run(['audit', '--incident', '4128', '--json']);
    const upperCase = await run([
      'audit',
      '--incident',
      'E7019832-F5B4-4B78-B528-9929BF0EC839',
      '--json',
    ]);

    const records = (text: string) =>
      (JSON.parse(text) as { records: { incidentNumber?: number; action: string }[] }).records;
    expect(records(byNumber.stdout).length).toBeGreaterThan(0);
    expect(records(byNumber.stdout).map((r) => r.action)).toEqual(
      expect.arrayContaining(records(byGuid.stdout).map((r) => r.action)),
    );
    expect(records(byNumber.stdout).map((r) => r.action)).toContain('verdict.reached');
    expect(records(other.stdout)).toEqual([]);
    expect(records(upperCase.stdout)).toEqual(records(byGuid.stdout));
    expect(records(byGuid.stdout).length).toBeGreaterThan(0);
  });

  it('prints a refused decision as JSON with --json and still exits 2', async () => {
    await run(['respond', MALICIOUS]);

    const refused = await run([
      'approve',
      'contain-178.16.52.203_1889',
      '--as',
      'intruder@contoso.com',
      '--json',
    ]);

    expect(refused.code).toBe(2);
    const answer = JSON.parse(refused.stdout) as Record<string, unknown>;
    expect(answer).toEqual({
      instanceId: 'contain-178.16.52.203_1889',
      accepted: false,
      message: expect.stringMatching(/^intruder@contoso\.com is not on the approver list/),
    });
    expect(refused.stderr).toBe(`c2-responder: ${String(answer.message)}\n`);
  });
});

describe('c2-responder local settings', () => {
  it('names a local.settings.json that is not JSON', async () => {
    await mkdir(join(workingDirectory, STATE));
    await writeFile(join(workingDirectory, 'local.settings.json'), '{ Values: {} }');

    const result = await run(['status']);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^c2-responder: configuration is invalid: - .*local\.settings\.json: cannot be read as JSON \(.+\)\n$/,
    );
  });
});
