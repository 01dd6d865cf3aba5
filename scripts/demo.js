#!/usr/bin/env node
'use strict';
// The quick start: the lab's malicious incident end to end, offline, with the demo approver;
// then the rules written and the audit trail. A fresh state directory each run.
const { spawnSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const cli = join(root, 'bin', 'c2-responder.js');
const state = join('.c2-responder', 'demo');
const approver = 'soc.analyst@contoso.com';

function run(title, args) {
  process.stdout.write(`\n=== ${title}\n$ c2-responder ${args.join(' ')}\n\n`);
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

rmSync(join(root, state), { recursive: true, force: true });
run('Respond to incident 4127 (DCRat beacon on WKS-FIN-07), approving as the demo analyst', [
  'respond',
  'samples/incidents/malicious.json',
  '--state',
  state,
  '--approve-as',
  approver,
]);
run('The rules now in force in the lab NSGs', ['blocks', '--state', state]);
run('The audit trail, with its hash chain verified', ['audit', '--verify', '--state', state]);

process.stdout.write(`
The other lab incidents are one command each:
  npx c2-responder respond samples/incidents/benign.json --state ${state}
  npx c2-responder respond samples/incidents/no-activity.json --state ${state}

To decide in a browser instead, respond without --approve-as in a fresh state, then serve it:
  npx c2-responder respond samples/incidents/malicious.json --state .c2-responder/browser
  npx c2-responder serve --state .c2-responder/browser
and open the approval page (sign in as ${approver}; the local sign-in is for local use only):
  http://127.0.0.1:7071/api/approvals/contain-178.16.52.203_1889
`);
