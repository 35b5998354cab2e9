#!/usr/bin/env node
// `npm run bench`: like bin/hookflow.js, tsx compiles the TypeScript on load, so the benchmark
// runs from a fresh clone after `npm install`, with no build step.
require('tsx/cjs');
require('./run-bench.ts')
  .runBench(process.argv.slice(2))
  .then((code) => {
    if (typeof code === 'number') process.exitCode = code;
  })
  .catch((error) => {
    console.error(`bench: ${error && error.stack ? error.stack : error}`);
    process.exitCode = 1;
  });
