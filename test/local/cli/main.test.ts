import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { main } from '../../../local/cli/main';
import { BUNDLED } from '../../../local/localResponder';
import {
  clockAfterCreation,
  instanceFiles,
  labIncident,
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

async function run(argv: readonly string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const clock = clockAfterCreation(await labIncident('malicious'));
  const code = await main(argv, {
    stdout,
    stderr,
    environment: {},
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
    const result = await run(['approve', 'contain-1.2.3.4_443', '--as', 'soc.analyst@contoso.com']);

    expect(result.code).not.toBe(0);
    expect(result.stderr).toBe('c2-responder: No containment contain-1.2.3.4_443 exists.\n');
  });
});
