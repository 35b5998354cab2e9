#!/usr/bin/env node
'use strict';
// One entry point for two layouts:
// - a checkout (src/ beside bin/, and tsx installed as a devDependency): run the TypeScript
//   sources through tsx, so `npm start`, `npm test` and the processes the tests spawn always run
//   the current code, never a dist/ left by an earlier `npm run build`;
// - an installed package (`files` ships dist/, not src/): run the compiled dist/, which needs
//   no tsx or TypeScript toolchain at all.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function entry() {
  const sources = path.join(root, 'src', 'cli', 'main.ts');
  if (fs.existsSync(sources)) {
    let tsx;
    try {
      tsx = require.resolve('tsx/cjs');
    } catch {
      tsx = undefined; // a checkout installed with --omit=dev: fall through to dist/
    }
    if (tsx) {
      require(tsx);
      return sources;
    }
  }
  const compiled = path.join(root, 'dist', 'src', 'cli', 'main.js');
  if (fs.existsSync(compiled)) return compiled;
  console.error(`hookflow: neither ${compiled} (run \`npm run build\`) nor the sources with tsx installed`);
  process.exit(1);
}

require(entry())
  .main(process.argv.slice(2))
  .then((code) => {
    if (typeof code === 'number') process.exitCode = code;
  })
  .catch((error) => {
    console.error(`hookflow: ${error && error.message ? error.message : error}`);
    process.exitCode = 1;
  });
