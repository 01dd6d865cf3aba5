#!/usr/bin/env node
'use strict';
// The command line. In a checkout (sources and the tsx loader present) it runs the sources, so it
// never lags behind an edit; in an installed package without them it runs the compiled build.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const source = join(root, 'local', 'cli', 'run.ts');

function hasLoader() {
  try {
    require.resolve('tsx/cjs');
    return true;
  } catch {
    return false;
  }
}

if (existsSync(source) && hasLoader()) {
  require('tsx/cjs');
  require(source);
} else {
  require(join(root, 'dist', 'local', 'cli', 'run.js'));
}
