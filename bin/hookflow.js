#!/usr/bin/env node
// hookflow runs its TypeScript sources directly: tsx compiles them on load, so there is no
// build step between `npm install` and `npm start`.
require('tsx/cjs');
require('../src/cli/main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    if (typeof code === 'number') process.exitCode = code;
  })
  .catch((error) => {
    console.error(`hookflow: ${error && error.message ? error.message : error}`);
    process.exitCode = 1;
  });
