#!/usr/bin/env node
// The compiled CLI lives in dist/ (npm run build); this shim keeps the package `bin` stable.
import('../dist/src/cli/edx.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/src/cli/edx.js')) {
    console.error('edx: the CLI is not built yet. Run `npm run build` first.');
    process.exit(2);
  }
  throw error;
});
