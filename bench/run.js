'use strict';
// Runs one benchmark: `npm run bench -- <name>` runs bench/<name>.ts under tsx. Each benchmark
// prints its figures and ends with one line `ratio=<number>`: its figure divided by a baseline
// measured in the same run, so results compare across machines.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const name = process.argv[2];
const available = readdirSync(__dirname)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3));

if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>   (one of: ${available.join(', ')})`);
  process.exit(2);
}

const script = join(__dirname, `${name}.ts`);
if (!existsSync(script)) process.exit(2);
const run = spawnSync(process.execPath, ['--import', 'tsx', script, ...process.argv.slice(3)], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
