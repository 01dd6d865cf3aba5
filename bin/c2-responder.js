#!/usr/bin/env node
'use strict';
// The command line: the compiled build when present (npm ci runs `prepare`), else the sources
// through tsx, so a checkout without a build still works.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const compiled = join(__dirname, '..', 'dist', 'local', 'cli', 'run.js');
if (existsSync(compiled)) {
  require(compiled);
} else {
  require('tsx/cjs');
  require(join(__dirname, '..', 'local', 'cli', 'run.ts'));
}
